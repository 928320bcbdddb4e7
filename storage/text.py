"""What text the court's databases (and UTF-8) can hold, checked before it reaches them."""

from __future__ import annotations


def storable(text: str) -> bool:
    """No control character (NUL included: PostgreSQL refuses it in text) and no lone surrogate
    (JSON's \\udXXX escapes and `filename*` can produce one; UTF-8 cannot encode it)."""
    return not any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in text)
