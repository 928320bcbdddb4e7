"""Two server processes on one PostgreSQL and one Redis: a message reaches either one's sockets."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from app.web import build_app
from tests.support.clock import FakeClock
from tests.support.court import court_settings
from tests.support.services import redis_url, require_redis


async def test_answer_on_one_server_reaches_a_socket_on_the_other(
    pg_database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    """Redis fan-out: the court's reply, sent by server A's dispatcher, arrives on server B's socket."""
    require_redis()
    settings = replace(
        court_settings(tmp_path, pg_database_url, redis_url()), redis_prefix=f"test:{uuid.uuid4().hex[:8]}:"
    )
    server_a = TestServer(build_app(settings, clock, ticker=False))
    server_b = TestServer(build_app(replace(settings, data_dir=tmp_path / "b"), clock, ticker=False))
    async with server_a, server_b:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            assert (await http.post(server_a.make_url("/api/demo/signin"), json={"person": "litigant_a"})).status == 200
            ws_a = await http.ws_connect(server_a.make_url("/ws"))
            ws_b = await http.ws_connect(server_b.make_url("/ws"))
            for ws in (ws_a, ws_b):
                await ws.send_json({"type": "hello", "locale": "en"})
            await ws_a.send_json({"type": "new_case", "flow": "filing"})
            async with asyncio.timeout(10):
                while (frame := await ws_a.receive_json())["type"] != "case_opened":
                    pass
                prompt = frame["messages"][-1]["prompt"]
                await ws_a.send_json(
                    {
                        "type": "answer",
                        "case_id": frame["case"]["case_id"],
                        "step": prompt["step"],
                        "seq": prompt["seq"],
                        "value": "yes",
                    }
                )
                while not (
                    (got := await ws_b.receive_json())["type"] == "message"
                    and got["prompt"]
                    and got["prompt"]["step"] == "plaintiff_name"
                ):
                    pass
            assert got["text"] == "What is your full legal name, as on your ID card?"
            await ws_a.close()
            await ws_b.close()
