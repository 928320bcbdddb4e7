"""The court kernel's texts (fees, calendar, command-line tools), from `court/texts/{zh,en}.yaml`:
one catalog per feature, loaded like the flows' texts (`flows.texts.load_catalog`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flows.texts import Catalog, load_catalog

TEXTS_DIR = Path(__file__).parent / "texts"


@cache
def catalog() -> Catalog:
    return load_catalog(TEXTS_DIR)


def has_text(key: str) -> bool:
    return key in catalog().texts["en"]


def text(key: str, locale: str, **params: Any) -> str:
    """The text for `key` in `locale` with `params` filled in."""
    return catalog().render(key, locale, params)
