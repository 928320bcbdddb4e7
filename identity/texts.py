"""Messages for identity error keys, in English and Chinese, from `identity/texts/{zh,en}.yaml`;
each says what to do next."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from flows.texts import Catalog, load_catalog

__all__ = ["has", "message"]

Language = Literal["en", "zh"]


def has(key: str) -> bool:
    """Whether `key` is one of the identity library's own messages."""
    return f"identity.{key}" in _catalog().texts["en"]


def message(key: str, language: Language) -> str:
    """The text for an error key; a missing key is a bug and raises KeyError."""
    if f"identity.{key}" not in _catalog().texts[language]:
        raise KeyError(key)
    return _catalog().render(f"identity.{key}", language)


@cache
def _catalog() -> Catalog:
    return load_catalog(Path(__file__).parent / "texts")
