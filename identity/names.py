"""Comparing people's names as typed in different places (a filing, an identity check)."""

from __future__ import annotations

import unicodedata


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name: width, case and spaces aside (张 三 = 张三, ZHANG San = Zhang San)."""
    return _plain(a) == _plain(b)


def _plain(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())
