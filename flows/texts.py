"""Texts per language. Every key a flow uses must exist in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

LOCALES = ("zh", "en")
TEXTS_DIR = Path(__file__).parent / "texts"


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Catalog:
    texts: Mapping[str, Mapping[str, str]]  # locale -> key -> text
    timezone: str = "Asia/Shanghai"

    def has(self, key: str, locale: str) -> bool:
        return key in self.texts.get(locale, {})

    def render(self, key: str, locale: str, params: Mapping[str, Any] | None = None) -> str:
        """The text for `key` in `locale` with parameters filled in (translated where asked)."""
        table = self.texts.get(locale) or self.texts["en"]
        template = table.get(key, key)
        values = _Params({k: self.value(v, locale) for k, v in (params or {}).items()})
        return template.format_map(values)

    def value(self, value: Any, locale: str) -> str:
        if isinstance(value, dict) and "t" in value:
            return self.render(str(value["t"]), locale, value.get("params"))
        if isinstance(value, dict) and "time" in value:
            return self.local_time(str(value["time"]))
        if isinstance(value, dict) and locale in value:  # text already given per language
            return str(value[locale])
        if isinstance(value, list):
            return "\n".join(self.value(v, locale) for v in value)
        return "" if value is None else str(value)

    def local_time(self, iso: str) -> str:
        """An instant shown in court time, e.g. `2026-12-08 23:59 (UTC+08:00)`."""
        if not iso:
            return ""
        local = datetime.fromisoformat(iso).astimezone(ZoneInfo(self.timezone))
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def load_catalog(directory: Path = TEXTS_DIR, timezone: str = "Asia/Shanghai") -> Catalog:
    """Load `zh.yaml` and `en.yaml` from `directory`."""
    texts: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        flat: dict[str, str] = {}
        with (directory / f"{locale}.yaml").open(encoding="utf-8") as handle:
            _flatten("", yaml.safe_load(handle) or {}, flat)
        texts[locale] = flat
    return Catalog(texts, timezone)
