"""HTTP routes and the WebSocket chat. Thin: authenticate, translate, dispatch, render."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, WSMsgType, web

from app import auth
from app.bootstrap import Court
from app.logs import case_id as log_case_id
from app.logs import request_id
from bot.webchat.render import render_error, render_message
from bot.webchat.sender import court_channel, person_channel
from bot.webchat.views import case_card, court_cases, delivery_problems, my_cases, review_queue
from court import accounts
from court.agency import AgencyService
from court.commands import OpenCase, SubmitAnswer, UploadEvidence
from storage.models import Person

log = logging.getLogger("microcourt.webchat")

STATIC = Path(__file__).parent / "static"
COURT_KEY = web.AppKey("court", Court)
MAX_FRAME = 64 * 1024
ANSWER_LIMIT, ANSWER_WINDOW = 30, 10.0
LOCALES = ("zh", "en")


def court_of(request: web.Request) -> Court:
    return request.app[COURT_KEY]


async def current_person(request: web.Request) -> Person | None:
    court = court_of(request)
    async with court.store.tx() as tx:
        return await auth.person_for(tx, request.cookies.get(auth.COOKIE), court.clock())


def _me(person: Person, court: Court) -> dict[str, Any]:
    return {
        "person": {"id": person.id, "name": person.display_name, "staff_role": person.staff_role},
        "locale": person.locale,
        "demo": court.settings.demo,
    }


def _error(court: Court, status: int, code: str, locale: str = "zh", **params: Any) -> web.Response:
    text = court.catalog.render(f"errors.{code}", locale, params)
    return web.json_response({"error": code, "text": text}, status=status)


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html")


async def me(request: web.Request) -> web.Response:
    person = await current_person(request)
    if person is None:
        return _error(court_of(request), 401, "not_signed_in", _locale(request))
    return web.json_response(_me(person, court_of(request)))


async def demo_people(request: web.Request) -> web.Response:
    from app.demo import DEMO_PEOPLE

    court = court_of(request)
    if not court.settings.demo:
        raise web.HTTPNotFound()
    people = [{"key": k, "name": n, "role": kind} for k, n, _s, kind in DEMO_PEOPLE]
    return web.json_response({"people": people})


async def demo_signin(request: web.Request) -> web.Response:
    court = court_of(request)
    if not court.settings.demo:
        raise web.HTTPNotFound()
    body = await _json(request)
    async with court.store.tx() as tx:
        person = await tx.person_by_demo_key(str(body.get("person")))
        if person is None:
            return _error(court, 404, "bad_request", _locale(request))
        token = await auth.start_session(tx, person.id, court.clock())
    return _signed_in(court, person, token)


async def new_session(request: web.Request) -> web.Response:
    """Start as a new litigant; identity is given and checked inside the filing flow."""
    court = court_of(request)
    body = await _json(request)
    locale = str(body["locale"]) if body.get("locale") in LOCALES else "zh"
    async with court.store.tx() as tx:
        person = auth.new_litigant(court.clock(), locale)
        tx.add(person)
        await tx.flush()
        token = await auth.start_session(tx, person.id, court.clock())
    return _signed_in(court, person, token)


async def accept_agency(request: web.Request) -> web.Response:
    """An agent enters the party's code and uploads the power of attorney (multipart)."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return _error(court, 401, "not_signed_in", _locale(request))
    code, name, content = "", "power-of-attorney", bytearray()
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if getattr(part, "name", None) == "code":
            code = (await part.text())[:100]  # type: ignore[union-attr]
        elif getattr(part, "name", None) == "file":
            name = part.filename or name  # type: ignore[union-attr]
            while (chunk := await part.read_chunk()) and len(content) <= court.settings.max_upload_mb * 1048576:  # type: ignore[union-attr]
                content += chunk
    outcome = await AgencyService(court.service).accept(person.id, code, name, bytes(content))
    if not outcome.ok:
        return _error(court, 422, outcome.error or "internal", person.locale, **outcome.params)
    return web.json_response(outcome.params)


async def power_of_attorney(request: web.Request) -> web.StreamResponse:
    """The clerk opens the uploaded power of attorney to review it."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return _error(court, 401, "not_signed_in", _locale(request))
    found = await AgencyService(court.service).power_of_attorney(person.id, request.match_info["mandate_id"])
    if found is None:
        return _error(court, 404, "not_a_party", person.locale)
    name, content = found
    disposition = f"inline; filename*=UTF-8''{quote(name)}"
    return web.Response(
        body=content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


async def signin_link(request: web.Request) -> web.StreamResponse:
    """A one-time staff sign-in link (`microcourt staff add`): sets the session, opens the app."""
    court = court_of(request)
    async with court.store.tx() as tx:
        token = await auth.redeem_signin_link(tx, request.match_info["token"], court.clock())
    if token is None:
        return _error(court, 404, "signin_link_bad", _locale(request))
    response = web.Response(status=302, headers={"Location": "/"})
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="Lax", path="/", max_age=auth.SESSION_DAYS * 86400)
    return response


async def signout(request: web.Request) -> web.Response:
    court = court_of(request)
    async with court.store.tx() as tx:
        await auth.end_session(tx, request.cookies.get(auth.COOKIE))
    response = web.json_response({"ok": True})
    response.del_cookie(auth.COOKIE, path="/")
    return response


def _signed_in(court: Court, person: Person, token: str) -> web.Response:
    response = web.json_response(_me(person, court))
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="Lax", path="/", max_age=auth.SESSION_DAYS * 86400)
    return response


async def upload_evidence(request: web.Request) -> web.Response:
    """Multipart upload of one evidence file to the case's current `files` prompt."""
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return _error(court, 401, "not_signed_in", _locale(request))
    try:
        step, seq = request.query["step"], int(request.query["seq"])
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "file":
            raise ValueError("no file part")
        limit = court.settings.max_upload_mb * 1024 * 1024
        content = bytearray()
        while chunk := await part.read_chunk():
            content += chunk
            if len(content) > limit:
                break
    except (KeyError, ValueError):
        return _error(court, 400, "upload_a_file", person.locale)
    if len(content) > limit:
        return _error(
            court,
            413,
            "file_too_large",
            person.locale,
            name=part.filename,
            size_mb=f"{len(content) / 1048576:.1f}",
            limit_mb=court.settings.max_upload_mb,
        )
    name = part.filename or "upload"
    content_type = part.headers.get("Content-Type", "application/octet-stream")
    outcome = await court.service.upload_evidence(
        UploadEvidence(person.id, request.match_info["case_id"], step, seq, name, content_type, bytes(content), "web")
    )
    if not outcome.ok:
        court.metrics.inc("microcourt_errors_total", code=outcome.error or "")
        status = 404 if outcome.error == "not_a_party" else 422
        return _error(court, status, outcome.error or "internal", person.locale, **outcome.params)
    court.metrics.inc("microcourt_chat_turns_total", channel="web")
    return web.json_response({"evidence": outcome.evidence})


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _locale(request: web.Request) -> str:
    return "en" if request.headers.get("Accept-Language", "").startswith("en") else "zh"


# -- the WebSocket chat -----------------------------------------------------------------------


class ChatConnection:
    """One browser tab: reads client frames, forwards the person's messages, renders both."""

    def __init__(self, court: Court, person: Person, ws: web.WebSocketResponse, session_token: str) -> None:
        self.court, self.person, self.ws, self.session_token = court, person, ws, session_token
        self.locale = person.locale if person.locale in LOCALES else "zh"
        self.staff = person.staff_role in ("clerk", "judge")

    async def run(self, request: web.Request) -> None:
        channels = [person_channel(self.person.id)]
        if self.staff and self.person.court_code:
            channels.append(court_channel(self.person.court_code))
        forwarders = [asyncio.create_task(self._forward(ch)) for ch in channels]
        try:
            async for frame in self.ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                request_id.set(uuid.uuid4().hex[:12])
                try:
                    await self._handle(frame.data)
                except Exception:  # one bad turn must not drop the connection; answers are saved
                    log.exception("chat frame failed")
                    await self._error("internal")
        finally:
            for task in forwarders:
                task.cancel()
            await asyncio.gather(*forwarders, return_exceptions=True)

    async def _forward(self, channel: str) -> None:
        async with self.court.pubsub.subscribe(channel) as subscription:
            async for message in subscription:
                if not self.ws.closed:
                    await self.ws.send_json(render_message(message, self.locale, self.court.catalog))

    async def _handle(self, raw: str) -> None:
        if len(raw) > MAX_FRAME:
            await self._error("message_too_long", length=len(raw), limit=MAX_FRAME)
            return
        try:
            frame = json.loads(raw)
            kind = frame["type"]
        except (json.JSONDecodeError, KeyError, TypeError):
            await self._error("bad_request")
            return
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self._error("bad_request")
            return
        await handler(frame)

    async def _error(self, code: str, **params: Any) -> None:
        extra = {k: params.pop(k) for k in ("case_id", "client_id") if k in params}
        self.court.metrics.inc("microcourt_errors_total", code=code)
        await self.ws.send_json(render_error(code, params, self.locale, self.court.catalog, **extra))

    async def _welcome(self) -> None:
        await self.ws.send_json({"type": "welcome", **_me(self.person, self.court), "locale": self.locale})

    async def _used_web(self) -> None:
        """Prompts follow the channel a person used last: now the web chat."""
        async with self.court.store.tx() as tx:
            await accounts.use_channel(tx, self.person.id, accounts.WEB, self.person.id, self.court.clock())

    async def on_hello(self, frame: dict[str, Any]) -> None:
        await self._used_web()
        if frame.get("locale") in LOCALES:
            await self._set_locale(frame["locale"])
        await self._welcome()
        await self.on_list_cases(frame)

    async def on_set_locale(self, frame: dict[str, Any]) -> None:
        if frame.get("locale") in LOCALES:
            await self._set_locale(frame["locale"])
        await self._welcome()

    async def _set_locale(self, locale: str) -> None:
        self.locale = locale
        async with self.court.store.tx() as tx:
            person = await tx.person(self.person.id)
            if person is not None:
                person.locale = locale

    async def on_link_telegram(self, frame: dict[str, Any]) -> None:
        """A one-time deep link that binds a Telegram account to this person."""
        if not self.court.telegram_username:
            await self._error("bad_request", client_id=frame.get("client_id"))
            return
        code = await self.court.tokens.issue("link_tg", self.person.id, 600, self.court.clock().timestamp())
        link = f"https://t.me/{self.court.telegram_username}?start=link_{code}"
        await self.ws.send_json({"type": "link", "deep_link": link, "code": code})

    async def on_link_code(self, frame: dict[str, Any]) -> None:
        """A code shown by the bot's /link: this web session becomes the Telegram person's."""
        person_id = await self.court.tokens.redeem(
            "link_web", str(frame.get("code", "")).strip(), self.court.clock().timestamp()
        )
        if person_id is None:
            await self._error("link_bad", client_id=frame.get("client_id"))
            return
        async with self.court.store.tx() as tx:
            await auth.move_session(tx, self.session_token, person_id)
            await accounts.use_channel(tx, person_id, accounts.WEB, person_id, self.court.clock())
            person = await tx.person(person_id)
        assert person is not None
        self.person = person
        await self._welcome()
        await self.on_list_cases(frame)

    async def on_join(self, frame: dict[str, Any]) -> None:
        """The defendant follows the court's invitation (`?join=<code>`, OLR 10)."""
        outcome = await self.court.service.join_case(self.person.id, str(frame.get("code", "")), "web")
        if not outcome.ok:
            await self._error(outcome.error or "internal", case_id=outcome.case_id, client_id=frame.get("client_id"))
            return
        await self._open(str(outcome.case_id))

    async def on_delivery_problems(self, frame: dict[str, Any]) -> None:
        """The clerk's queue of deliveries that failed for good (e.g. a blocked bot)."""
        if not self.staff or not self.person.court_code:
            await self._error("not_a_party")
            return
        async with self.court.store.tx() as tx:
            items = await delivery_problems(tx, self.person.court_code)
        await self.ws.send_json({"type": "delivery_problems", "items": items})

    async def on_invite_agent(self, frame: dict[str, Any]) -> None:
        """A party asks for a one-time code for its agent."""
        outcome = await AgencyService(self.court.service).invite(self.person.id, str(frame.get("case_id", "")))
        if not outcome.ok:
            await self._error(outcome.error or "internal", case_id=outcome.case_id, client_id=frame.get("client_id"))
            return
        text = self.court.catalog.render("agency.code", self.locale, outcome.params)
        await self.ws.send_json(
            {"type": "agent_code", "case_id": outcome.case_id, "code": outcome.params["code"], "text": text}
        )

    async def on_agency_queue(self, frame: dict[str, Any]) -> None:
        items = await AgencyService(self.court.service).queue(self.person.id)
        await self.ws.send_json({"type": "agency_queue", "items": [vars(item) for item in items]})

    async def on_decide_agency(self, frame: dict[str, Any]) -> None:
        outcome = await AgencyService(self.court.service).decide(
            self.person.id, str(frame.get("mandate_id", "")), frame.get("accept") is True, str(frame.get("reason", ""))
        )
        if not outcome.ok:
            await self._error(outcome.error or "internal", case_id=outcome.case_id, client_id=frame.get("client_id"))
            return
        await self.ws.send_json({"type": "ack", "client_id": frame.get("client_id"), "case_id": outcome.case_id})

    async def on_revoke_agent(self, frame: dict[str, Any]) -> None:
        outcome = await AgencyService(self.court.service).revoke(self.person.id, str(frame.get("mandate_id", "")))
        if not outcome.ok:
            await self._error(outcome.error or "internal", client_id=frame.get("client_id"))
            return
        await self.ws.send_json({"type": "ack", "client_id": frame.get("client_id"), "case_id": outcome.case_id})

    async def on_list_cases(self, frame: dict[str, Any]) -> None:
        async with self.court.store.tx() as tx:
            if self.staff and self.person.court_code:  # clerks and judges: the court's cases
                cases = await court_cases(
                    tx, self.person.court_code, self.locale, self.court.catalog, self.court.library
                )
            else:
                cases = await my_cases(tx, self.person.id, self.locale, self.court.catalog, self.court.library)
        await self.ws.send_json({"type": "cases", "cases": cases})

    async def on_queue(self, frame: dict[str, Any]) -> None:
        if not self.staff or not self.person.court_code:
            await self._error("not_a_party")
            return
        async with self.court.store.tx() as tx:
            items = await review_queue(tx, self.person.court_code, self.locale, self.court.catalog, self.court.library)
        await self.ws.send_json({"type": "queue", "items": items})

    async def on_new_case(self, frame: dict[str, Any]) -> None:
        flow = frame.get("flow", "filing")
        if not isinstance(flow, str) or flow not in {f for f, _ in self.court.library.flows}:
            await self._error("bad_request")
            return
        outcome = await self.court.service.open_case(OpenCase(self.person.id, flow, "web"))
        await self._open(str(outcome.case_id))

    async def on_open_case(self, frame: dict[str, Any]) -> None:
        await self._open(str(frame.get("case_id", "")))

    async def _open(self, case_id: str) -> None:
        log_case_id.set(case_id)
        async with self.court.store.tx() as tx:
            case = await tx.get_case(case_id)
            role = await tx.role_in_case(self.person, case) if case else None
            if case is None or role is None:
                await self._error("not_a_party", case_id=case_id)
                return
            rows = await tx.history(case.id, self.person.id, role)
            messages = [
                render_message(
                    {"id": r.id, "case_id": r.case_id, "at": r.created_at.isoformat(), **tx.sealer.open(r.payload)},
                    self.locale,
                    self.court.catalog,
                )
                for r in rows
            ]
            card = case_card(tx, case, role, self.locale, self.court.catalog, self.court.library)
        await self.ws.send_json({"type": "case_opened", "case": card, "messages": messages})

    async def on_answer(self, frame: dict[str, Any]) -> None:
        case_id, client_id = str(frame.get("case_id", "")), frame.get("client_id")
        log_case_id.set(case_id)
        allowed = await self.court.rate_limiter.allow(
            f"answers:{self.person.id}", ANSWER_LIMIT, ANSWER_WINDOW, self.court.clock().timestamp()
        )
        if not allowed:
            await self._error("rate_limited", case_id=case_id, client_id=client_id)
            return
        try:
            command = SubmitAnswer(
                self.person.id, case_id, str(frame["step"]), int(frame["seq"]), frame.get("value"), "web"
            )
        except (KeyError, TypeError, ValueError):
            await self._error("bad_request", case_id=case_id, client_id=client_id)
            return
        await self._used_web()  # before the answer, so the court's reply follows this channel
        outcome = await self.court.service.submit_answer(command)
        if not outcome.ok:
            await self._error(outcome.error or "internal", case_id=case_id, client_id=client_id, **outcome.params)
            return
        self.court.metrics.inc("microcourt_chat_turns_total", channel="web")
        await self.ws.send_json({"type": "ack", "client_id": client_id, "case_id": case_id})


async def chat_socket(request: web.Request) -> web.StreamResponse:
    court = court_of(request)
    person = await current_person(request)
    if person is None:
        return _error(court, 401, "not_signed_in", _locale(request))
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4 * MAX_FRAME)
    await ws.prepare(request)
    await ChatConnection(court, person, ws, request.cookies.get(auth.COOKIE, "")).run(request)
    return ws


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/demo/people", demo_people)
    app.router.add_post("/api/demo/signin", demo_signin)
    app.router.add_post("/api/session", new_session)
    app.router.add_post("/api/signout", signout)
    app.router.add_get("/signin/{token}", signin_link)
    app.router.add_post("/api/agency/accept", accept_agency)
    app.router.add_get("/api/agency/{mandate_id}/poa", power_of_attorney)
    app.router.add_post("/api/cases/{case_id}/evidence", upload_evidence)
    app.router.add_get("/ws", chat_socket)
