"""The web chat's WebSocket: one connection per tab, the protocol in docs/. This module reads
frames and dispatches them to the handlers of bot/webchat/handlers/ by their type."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from aiohttp import WSMsgType, web

from bot.webchat.connection import Connection, is_staff
from bot.webchat.handlers import HANDLERS
from bot.webchat.http import MAX_FRAME
from gateway.logs import request_id
from gateway.requests import COOKIE, JsonRefused, court_of, current_person, error_response, parse_json, request_locale

log = logging.getLogger("microcourt.webchat")

SIGNED_OUT_CLOSE = 4401  # the session ended (signed out elsewhere, expired): the client signs in
SESSION_RECHECK = timedelta(seconds=60)  # how stale a tab's idea of its session may get
# The most aiohttp reads of one frame before it closes the socket (1009). Far above MAX_FRAME, so a
# frame that is merely too long is read and answered `message_too_long`, the socket kept open.
MAX_SOCKET_MESSAGE = 8 * 1024 * 1024


async def chat_socket(request: web.Request) -> web.StreamResponse:
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return error_response(court, 401, "not_signed_in", request_locale(request))
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_SOCKET_MESSAGE)
    await ws.prepare(request)
    await serve(Connection(court, person, ws, request.cookies.get(COOKIE, "")))
    return ws


async def serve(conn: Connection) -> None:
    """Read the tab's frames until it closes or its session ends."""
    conn.listen()
    try:
        async for frame in conn.ws:
            if frame.type != WSMsgType.TEXT:
                continue
            request_id.set(uuid.uuid4().hex[:12])
            if not await _still_signed_in(conn):
                await conn.ws.close(code=SIGNED_OUT_CLOSE, message=b"signed out")
                break
            try:
                await _dispatch(conn, frame.data)
            except Exception:  # one bad turn must not drop the connection; answers are saved
                log.exception("chat frame failed")
                await conn.error("internal")
    finally:
        await conn.close()


async def _still_signed_in(conn: Connection) -> bool:
    """Whether the tab's session still stands, re-read at most once a minute: a sign-out in
    another tab, an expiry or a staff role taken away reaches an open tab too."""
    now = conn.court.clock()
    if now - conn.checked_at < SESSION_RECHECK:
        return True
    conn.checked_at = now
    person = await conn.court.sessions.person_for(conn.session_token)
    if person is None:
        return False
    if person.id != conn.person.id or is_staff(person) != conn.staff:  # who they are changed
        conn.stop_listening()
        conn.become(person)
        conn.listen()
    return True


async def _dispatch(conn: Connection, raw: str) -> None:
    if len(raw) > MAX_FRAME:
        await conn.error("message_too_long", length=len(raw), limit=MAX_FRAME)
        return
    try:
        frame = parse_json(raw)
        kind = frame["type"]
    except (JsonRefused, KeyError, TypeError):
        await conn.error("bad_request")
        return
    handler = HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        await conn.error("bad_request")
        return
    await handler(conn, frame)
