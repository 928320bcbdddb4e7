"""One catalog of texts per feature, each in both languages (the web chat's has its own test)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from flows.texts import LOCALES, load_catalog

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(
    path.parent
    for path in ROOT.glob("*/**/texts/zh.yaml")
    if not {".venv", "tests", "node_modules"} & set(path.relative_to(ROOT).parts)
)


def _placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_every_feature_has_its_catalog() -> None:
    """The flows, the court kernel, identity and Telegram each keep their texts in a catalog."""
    names = {str(directory.relative_to(ROOT)) for directory in CATALOGS}
    assert {"flows/texts", "court/texts", "identity/texts", "bot/telegram/texts"} <= names


@pytest.mark.parametrize("directory", CATALOGS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_key_is_in_both_languages_with_the_same_placeholders(directory: Path) -> None:
    """A text missing in one language, or asking for other values there, would show a raw key."""
    catalog = load_catalog(directory)
    zh, en = (catalog.texts[locale] for locale in LOCALES)
    assert sorted(set(zh) ^ set(en)) == []
    differing = [key for key in zh if _placeholders(zh[key]) != _placeholders(en[key])]
    assert differing == []
