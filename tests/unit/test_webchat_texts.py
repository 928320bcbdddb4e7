"""The web chat's catalog of texts (bot/webchat/static/texts.js): both languages have the same keys,
and every key the modules ask t() for is there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "bot" / "webchat" / "static"
CATALOG = STATIC / "texts.js"
LANGUAGES = {"zh", "en"}

_BLOCK = re.compile(r"^  (\w+): \{$")
_ENTRY = re.compile(r'^    (\w+): ("(?:[^"\\]|\\.)*"),$')
# t("key", ...) and t(condition ? "key" : "other", ...); keys built at run time are not seen
_LITERAL = re.compile(r'(?<![\w.$])t\(\s*"(\w+)"')
_EITHER = re.compile(r'(?<![\w.$])t\([^()?]*\?\s*"(\w+)"\s*:\s*"(\w+)"')


def read_catalog(text: str) -> dict[str, dict[str, str]]:
    """{language: {key: text}} from the catalog's `lang: {` blocks of `key: "text",` lines."""
    catalog: dict[str, dict[str, str]] = {}
    block: dict[str, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opened = _BLOCK.match(line)
        if opened:
            block = catalog.setdefault(opened.group(1), {})
        elif block is not None and line == "  },":
            block = None
        elif block is not None and line.strip() and not line.strip().startswith("//"):
            entry = _ENTRY.match(line)
            if entry is None:
                raise ValueError(f'texts.js line {number} is not `key: "text",`: {line.strip()}')
            if entry.group(1) in block:
                raise ValueError(f"texts.js line {number}: {entry.group(1)} a second time")
            block[entry.group(1)] = json.loads(entry.group(2))
    return catalog


def one_sided(catalog: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    """For each language, the keys it lacks that another language has."""
    every = set().union(*(set(texts) for texts in catalog.values()))
    return {lang: every - set(texts) for lang, texts in catalog.items() if every - set(texts)}


def keys_asked_for(source: str) -> set[str]:
    """The catalog keys a module names in its calls of t()."""
    keys = set(_LITERAL.findall(source))
    for first, second in _EITHER.findall(source):
        keys |= {first, second}
    return keys


def _modules() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*.js") if path != CATALOG)


def test_both_languages_have_every_key() -> None:
    catalog = read_catalog(CATALOG.read_text(encoding="utf-8"))
    assert set(catalog) == LANGUAGES
    assert one_sided(catalog) == {}
    assert all(text.strip() for texts in catalog.values() for text in texts.values())


def test_every_key_the_modules_ask_for_is_in_the_catalog() -> None:
    catalog = read_catalog(CATALOG.read_text(encoding="utf-8"))
    missing = {
        str(path.relative_to(STATIC)): sorted(keys_asked_for(path.read_text(encoding="utf-8")) - set(catalog["zh"]))
        for path in _modules()
    }
    assert {module: keys for module, keys in missing.items() if keys} == {}
    # the scan does see the calls (about 250 today): a pattern gone blind would pass the line above
    assert sum(len(keys_asked_for(path.read_text(encoding="utf-8"))) for path in _modules()) > 200


def test_the_checks_see_a_one_sided_key_a_missing_key_and_a_stray_line() -> None:
    catalog = read_catalog('const S = {\n  zh: {\n    a: "甲",\n    b: "乙",\n  },\n  en: {\n    a: "A",\n  },\n};\n')
    assert one_sided(catalog) == {"en": {"b"}}
    source = 'h("p", { text: t("a") }); t(done ? "b" : "c", { n }); x.t("d"); t(`e_${k}`)'
    assert keys_asked_for(source) == {"a", "b", "c"}
    with pytest.raises(ValueError, match="line 3"):
        read_catalog('S = {\n  zh: {\n    a: "甲", b: "乙",\n  },\n};\n')
