"""The web chat's WebSocket: one connection per tab, the protocol in README.md."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from datetime import timedelta
from typing import Any

from aiohttp import WSMsgType, web

from bot.webchat.http import ANSWER_LIMIT, ANSWER_WINDOW, MAX_FRAME
from court import accounts
from court.agency import AgencyService
from court.commands import OpenCase, SubmitAnswer
from court.e_service import mark_read
from court.read_models import case_card, court_cases, delivery_problems, my_answers, my_cases, review_queue
from gateway import auth
from gateway.account_link import NOTICE, RELINKED, after_merge, merge_accounts, notice_text
from gateway.court import Court
from gateway.fanout import court_channel, person_channel
from gateway.frames import render_error, render_message
from gateway.limits import may_open_case
from gateway.logs import case_id as log_case_id
from gateway.logs import request_id
from gateway.requests import LOCALES, court_of, current_person, error_response, me_payload, request_locale
from storage.models import Person
from storage.store import Tx

log = logging.getLogger("microcourt.webchat")

RELINKED_CLOSE = 4001  # the client reconnects, and its session now names the kept person
SIGNED_OUT_CLOSE = 4401  # the session ended (signed out elsewhere, expired): the client signs in
SESSION_RECHECK = timedelta(seconds=60)  # how stale a tab's idea of its session may get


class ChatConnection:
    """One browser tab: reads client frames, forwards the person's messages, renders both."""

    def __init__(self, court: Court, person: Person, ws: web.WebSocketResponse, session_token: str) -> None:
        self.court, self.person, self.ws, self.session_token = court, person, ws, session_token
        self._link_pending: tuple[str, str] | None = None  # (the code's issuer, nonce) while asked
        self._forwarders: dict[str, asyncio.Task[None]] = {}
        self.locale = person.locale if person.locale in LOCALES else "zh"
        self.staff = _is_staff(person)
        self._checked_at = court.clock()

    async def run(self, request: web.Request) -> None:
        self._listen()
        try:
            async for frame in self.ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                request_id.set(uuid.uuid4().hex[:12])
                if not await self._still_signed_in():
                    await self.ws.close(code=SIGNED_OUT_CLOSE, message=b"signed out")
                    break
                try:
                    await self._handle(frame.data)
                except Exception:  # one bad turn must not drop the connection; answers are saved
                    log.exception("chat frame failed")
                    await self._error("internal")
        finally:
            for task in self._forwarders.values():
                task.cancel()
            await asyncio.gather(*self._forwarders.values(), return_exceptions=True)

    async def _still_signed_in(self) -> bool:
        """Whether the tab's session still stands, re-read at most once a minute: a sign-out in
        another tab, an expiry or a staff role taken away reaches an open tab too."""
        now = self.court.clock()
        if now - self._checked_at < SESSION_RECHECK:
            return True
        self._checked_at = now
        async with self.court.store.tx() as tx:
            person = await auth.person_for(tx, self.session_token, now)
        if person is None:
            return False
        if person.id != self.person.id or _is_staff(person) != self.staff:  # who they are changed
            self._stop_listening()
            self.person, self.staff = person, _is_staff(person)
            self._listen()
        return True

    def _listen(self) -> None:
        """Forward the person's messages (and, for staff, the court's) to this tab."""
        channels = {"person": person_channel(self.person.id)}
        if self.staff and self.person.court_code:
            channels["court"] = court_channel(self.person.court_code)
        self._forwarders = {name: asyncio.create_task(self._forward(ch)) for name, ch in channels.items()}

    def _stop_listening(self) -> None:
        for task in self._forwarders.values():
            task.cancel()

    async def _forward(self, channel: str) -> None:
        async with self.court.pubsub.subscribe(channel) as subscription:
            async for message in subscription:
                if message.get("type") == RELINKED:  # merged into another person: sign in afresh
                    await self.ws.close(code=RELINKED_CLOSE, message=b"relinked")
                    return
                if message.get("type") == NOTICE:  # an account was linked to this person
                    if not self.ws.closed:
                        text = notice_text(self.court, message["linked"], self.locale)
                        await self.ws.send_json({"type": NOTICE, "text": text})
                    continue
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
        await self.ws.send_json({"type": "welcome", **me_payload(self.person, self.court), "locale": self.locale})

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
        """A code shown by the bot's /link. One code must not hand this browser's record to
        whoever sent it, so the court asks first (`link_confirm`), naming the Telegram account
        and how many cases would move; `link_answer` carries the reply."""
        issuer = await self.court.tokens.redeem(
            "link_web", str(frame.get("code", "")).strip(), self.court.clock().timestamp()
        )
        if issuer is None:
            await self._error("link_bad", client_id=frame.get("client_id"))
            return
        async with self.court.store.tx() as tx:
            other = await tx.person(issuer)
            cases = len(await tx.cases_of(self.person.id))
        nonce = secrets.token_urlsafe(9)  # ties the answer to this question, not an earlier one
        self._link_pending = (issuer, nonce)
        params = {"name": (other.display_name if other else "") or "Telegram", "cases": cases}
        text = self.court.catalog.render("link.web_confirm_cases" if cases else "link.web_confirm", self.locale, params)
        await self.ws.send_json({"type": "link_confirm", "nonce": nonce, "text": text, "cases": cases})

    async def on_link_answer(self, frame: dict[str, Any]) -> None:
        """The reply to `link_confirm`: `accept` true links this browser's record into the
        Telegram account's person; anything else, or another question's nonce, changes nothing."""
        pending, self._link_pending = self._link_pending, None
        if pending is None or frame.get("nonce") != pending[1]:
            await self._error("link_bad", client_id=frame.get("client_id"))
            return
        if frame.get("accept") is not True:
            text = self.court.catalog.render("link.cancelled", self.locale)
            await self.ws.send_json({"type": "link_cancelled", "text": text})
            return
        issuer = pending[0]

        async def bind(tx: Tx, person_id: str) -> None:
            await auth.move_session(tx, self.session_token, person_id)
            await accounts.use_channel(tx, person_id, accounts.WEB, person_id, self.court.clock())

        self._stop_listening()  # this tab is not told to sign in again: it follows the link
        try:
            linked = await merge_accounts(self.court, issuer, self.person.id, (accounts.WEB, self.person.id), bind)
            async with self.court.store.tx() as tx:
                person = await tx.person(linked.person_id) if linked.person_id else None
            if person is not None:
                self.person, self.staff = person, _is_staff(person)
                self.locale = person.locale if person.locale in LOCALES else self.locale
        finally:
            self._listen()
        if person is None:
            await self._error(linked.error or "link_bad", client_id=frame.get("client_id"))
            return
        await self.ws.send_json({"type": "linked"})  # the welcome that follows names the kept person
        await self._welcome()
        await self.on_list_cases(frame)
        await after_merge(self.court, linked)

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
        if not await may_open_case(self.court, self.person.id):
            await self._error("too_many_new_cases")
            return
        outcome = await self.court.service.open_case(OpenCase(self.person.id, flow, "web"))
        if not outcome.ok:
            await self._error(outcome.error or "bad_request", **outcome.params)
            return
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
            shown = [(r, tx.sealer.open(r.payload)) for r in rows]
            messages = [
                render_message(
                    {
                        "id": r.id,
                        "case_id": r.case_id,
                        "at": r.created_at.isoformat(),
                        "acknowledged_at": r.acknowledged_at.isoformat() if r.acknowledged_at else None,
                        **payload,
                    },
                    self.locale,
                    self.court.catalog,
                )
                for r, payload in shown
            ]
            await mark_read(tx, shown, self.person.id, self.court.clock())  # a read receipt (OLR 31(2))
            card = case_card(tx, case, role, self.locale, self.court.catalog, self.court.library)
            answers = await my_answers(tx, case.id, self.person.id, rows, self.locale, self.court.catalog)
        await self.ws.send_json({"type": "case_opened", "case": card, "messages": messages, "answers": answers})

    async def on_acknowledge(self, frame: dict[str, Any]) -> None:
        """The person received a served court document (OLR 31): recorded once, the time said back."""
        message_id = frame.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            await self._error("bad_request")
            return
        outcome = await self.court.service.acknowledge_service(self.person.id, message_id, accounts.WEB)
        if not outcome.ok:  # the client id says which "received" was refused
            await self._error(str(outcome.error), case_id=outcome.case_id, client_id=f"ack:{message_id}")
            return
        text = self.court.catalog.render("service.acknowledged", self.locale, outcome.params)
        await self.ws.send_json(
            {"type": "acknowledged", "message_id": message_id, "at": outcome.params["at_iso"], "text": text}
        )

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
        return error_response(court, 401, "not_signed_in", request_locale(request))
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4 * MAX_FRAME)
    await ws.prepare(request)
    await ChatConnection(court, person, ws, request.cookies.get(auth.COOKIE, "")).run(request)
    return ws


def _is_staff(person: Person) -> bool:
    """Court staff see the court's queues and cases."""
    return person.staff_role in ("clerk", "judge")
