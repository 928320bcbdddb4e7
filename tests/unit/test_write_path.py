"""One write path (ARCHITECTURE.md): channels and the identity routes build commands and ask read
models; they never open a transaction or reach the store themselves."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHANNEL_MODULES = sorted(ROOT.joinpath("bot").rglob("*.py"))  # the identity HTTP API is bot/webchat/identity_http.py


def store_uses(source: str) -> list[str]:
    """Where `source` reaches the store: `.store`, a `.tx()` call, or an import of storage.store."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("store", "tx"):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "storage.store":
            found.append(f"line {node.lineno}: from storage.store import")
    return found


def test_the_check_finds_a_transaction_opened_in_a_channel() -> None:
    """The check itself: a handler that opens a transaction, or imports the store, is caught."""
    handler = (
        "from storage.store import Tx\n"
        "async def on_x(conn):\n"
        "    async with conn.court.store.tx() as tx:\n"
        "        pass\n"
    )
    assert store_uses(handler) == ["line 1: from storage.store import", "line 3: .tx", "line 3: .store"]
    assert store_uses("async def on_x(conn):\n    await conn.court.people.set_locale(cmd)\n") == []


def test_no_channel_module_opens_a_transaction() -> None:
    """Every module of bot/ (the identity HTTP API included) goes through the service layer's commands
    and read models (court.service, court.people, court.sessions, court.read_models)."""
    assert len(CHANNEL_MODULES) > 20  # the channels are where this test thinks they are
    offenders = {
        str(path.relative_to(ROOT)): uses for path in CHANNEL_MODULES if (uses := store_uses(path.read_text()))
    }
    assert offenders == {}
