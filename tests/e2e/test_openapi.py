"""The OpenAPI document at /api/openapi.json names exactly the HTTP routes the app serves (so it
cannot drift from them): every operation it describes exists, and every route is described."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.openapi import DOCUMENT
from app.web import build_app
from tests.support.clock import FakeClock
from tests.support.court import court_settings

# not described: the page and its files, the WebSocket (docs/webchat-protocol.md), Telegram's webhook
UNDESCRIBED = {"/", "/ws", "/telegram/hook"}


def _served(app: web.Application) -> set[tuple[str, str]]:
    served = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method in ("HEAD", "*") or path in UNDESCRIBED or path.startswith(("/static", "/workspace/static")):
            continue
        served.add((path, route.method.lower()))
    return served


def _described() -> set[tuple[str, str]]:
    return {(path, method) for path, operations in DOCUMENT["paths"].items() for method in operations}


async def test_the_openapi_document_describes_exactly_the_routes_served(tmp_path: Path, clock: FakeClock) -> None:
    settings = replace(court_settings(tmp_path), telegram_webhook_url="https://court.example/telegram/hook")
    app = build_app(settings, clock, ticker=False)
    assert _served(app) == _described()
    async with TestServer(build_app(court_settings(tmp_path / "served"), clock, ticker=False)) as server:
        async with aiohttp.ClientSession() as http:
            answer = await http.get(server.make_url("/api/openapi.json"))
            document = await answer.json()
    assert answer.status == 200 and document["openapi"].startswith("3.1")
    assert document["paths"].keys() == DOCUMENT["paths"].keys()
    refused = document["components"]["responses"]["Refused"]
    assert refused["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
