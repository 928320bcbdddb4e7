"""The workspace's catalog of texts (bot/workspace/static/texts.js): every text the page shows
exists in Chinese and English, and every key its modules ask t() for is there (the same checks as
the web chat's catalog)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_webchat_texts import LANGUAGES, keys_asked_for, one_sided, read_catalog

STATIC = Path(__file__).resolve().parents[2] / "bot" / "workspace" / "static"
CATALOG = STATIC / "texts.js"


def test_the_workspace_has_every_text_in_both_languages() -> None:
    catalog = read_catalog(CATALOG.read_text(encoding="utf-8"))
    assert set(catalog) == LANGUAGES
    assert one_sided(catalog) == {}
    assert all(text.strip() for texts in catalog.values() for text in texts.values())


def test_every_key_the_workspace_asks_for_is_in_its_catalog() -> None:
    catalog = read_catalog(CATALOG.read_text(encoding="utf-8"))
    modules = sorted(path for path in STATIC.glob("*.js") if path != CATALOG)
    asked = {path.name: keys_asked_for(path.read_text(encoding="utf-8")) for path in modules}
    assert {name: sorted(keys - set(catalog["zh"])) for name, keys in asked.items() if keys - set(catalog["zh"])} == {}
    assert sum(len(keys) for keys in asked.values()) > 50  # the scan sees the calls
