"""Dotted data paths used by `store:` — `a.b`, `claims[+].text` (append), `claims[-1].amount`."""

from __future__ import annotations

import re
from typing import Any

_SEGMENT = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)(?:\[(?P<index>\+|-1)\])?$")


def check_path(path: str) -> str | None:
    """Return a problem with `path`, or None when it is well formed."""
    for segment in path.split("."):
        if not _SEGMENT.match(segment):
            return f"bad store path segment {segment!r} in {path!r}"
    return None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `value` at `path` inside `data`, creating dicts and lists on the way."""
    segments = path.split(".")
    node: Any = data
    for i, segment in enumerate(segments):
        match = _SEGMENT.match(segment)
        assert match, segment
        name, index = match["name"], match["index"]
        last = i == len(segments) - 1
        if index is None:
            if last:
                node[name] = value
                return
            node = node.setdefault(name, {})
            continue
        items = node.setdefault(name, [])
        if index == "+":
            items.append(value if last else {})
        elif not items:
            items.append(value if last else {})
        elif last:
            items[-1] = value
        if last:
            return
        node = items[-1]


def get_path(data: dict[str, Any], path: str) -> Any:
    """Read `path` (plain dotted form) or return None when absent."""
    node: Any = data
    for segment in path.split("."):
        if not isinstance(node, dict) or segment not in node:
            return None
        node = node[segment]
    return node
