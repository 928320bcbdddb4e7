"""One browser tab's connection: who is signed in, in which language, and how to answer them.

The frame handlers (bot/webchat/handlers/) are given a `Connection`; the loop that reads frames
and dispatches them is bot/webchat/socket.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from court import accounts
from court.commands import RecordChannelUse
from gateway.account_link import NOTICE, RELINKED, notice_text
from gateway.court import Court
from gateway.fanout import court_channel, person_channel
from gateway.frames import render_error, render_message
from gateway.requests import LOCALES, me_payload
from storage.models import Person

RELINKED_CLOSE = 4001  # the client reconnects, and its session now names the kept person

Frame = dict[str, Any]
Handler = Callable[["Connection", Frame], Awaitable[None]]


class Connection:
    """A tab's state, and what every frame handler uses: send, refuse, welcome."""

    def __init__(self, court: Court, person: Person, ws: web.WebSocketResponse, session_token: str) -> None:
        self.court, self.person, self.ws, self.session_token = court, person, ws, session_token
        self.link_pending: tuple[str, str] | None = None  # (the code's issuer, nonce) while asked
        self._forwarders: dict[str, asyncio.Task[None]] = {}
        self.locale = person.locale if person.locale in LOCALES else "zh"
        self.staff = is_staff(person)
        self.checked_at = court.clock()  # when the session was last found standing

    @property
    def court_code(self) -> str | None:
        """The court whose queues and cases this tab sees: staff only."""
        return self.person.court_code if self.staff else None

    async def send(self, frame: Frame) -> None:
        await self.ws.send_json(frame)

    def text(self, key: str, params: dict[str, Any] | None = None) -> str:
        return self.court.catalog.render(key, self.locale, params)

    async def error(self, code: str, **params: Any) -> None:
        """Refuse in the reader's language; `case_id` and `client_id` say what was refused."""
        extra = {k: params.pop(k) for k in ("case_id", "client_id") if k in params}
        self.court.metrics.inc("microcourt_errors_total", code=code)
        await self.send(render_error(code, params, self.locale, self.court.catalog, **extra))

    async def welcome(self) -> None:
        await self.send({"type": "welcome", **me_payload(self.person, self.court), "locale": self.locale})

    async def used_web(self) -> None:
        """Prompts follow the channel a person used last: now the web chat."""
        await self.court.people.record_channel_use(RecordChannelUse(self.person.id, accounts.WEB, self.person.id))

    def become(self, person: Person) -> None:
        """The tab now speaks for `person` (linked, or signed in as someone else)."""
        self.person, self.staff = person, is_staff(person)

    # -- the person's (and, for staff, the court's) messages ---------------------------------

    def listen(self) -> None:
        """Forward the person's messages (and, for staff, the court's) to this tab."""
        channels = {"person": person_channel(self.person.id)}
        if self.court_code:
            channels["court"] = court_channel(self.court_code)
        self._forwarders = {name: asyncio.create_task(self._forward(ch)) for name, ch in channels.items()}

    def stop_listening(self) -> None:
        for task in self._forwarders.values():
            task.cancel()

    async def close(self) -> None:
        self.stop_listening()
        await asyncio.gather(*self._forwarders.values(), return_exceptions=True)

    async def _forward(self, channel: str) -> None:
        async with self.court.pubsub.subscribe(channel) as subscription:
            async for message in subscription:
                if message.get("type") == RELINKED:  # merged into another person: sign in afresh
                    await self.ws.close(code=RELINKED_CLOSE, message=b"relinked")
                    return
                if message.get("type") == NOTICE:  # an account was linked to this person
                    if not self.ws.closed:
                        text = notice_text(self.court, message["linked"], self.locale)
                        await self.send({"type": NOTICE, "text": text})
                    continue
                if not self.ws.closed:
                    await self.send(render_message(message, self.locale, self.court.catalog))


def is_staff(person: Person) -> bool:
    """Court staff see the court's queues and cases."""
    return person.staff_role in ("clerk", "judge")
