"""One catalog of texts per feature, each in both languages (the web chat's has its own test)."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
import yaml

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


class _NoDuplicates(yaml.SafeLoader):
    """A loader that fails on a key given twice in one mapping (plain YAML keeps the last one)."""


def _mapping_once(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys = [loader.construct_object(key, deep=deep) for key, _value in node.value]
    repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {repeated}", node.start_mark)
    return loader.construct_mapping(node, deep)


_NoDuplicates.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_once)
YAML_FILES = sorted(
    path for path in ROOT.glob("*/**/*.yaml") if not {".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_key_is_given_twice(path: Path) -> None:
    """Two branches adding the same text key would silently keep one of them: refused here."""
    with path.open(encoding="utf-8") as handle:
        yaml.load(handle, Loader=_NoDuplicates)
