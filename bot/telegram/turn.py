"""One Telegram update from one person: who they are, where to answer, and the helpers every
feature's handler uses (say, refuse, the case this chat talks about). The handlers live beside it
by feature (slash_commands, menu, answers, files, identity_step, link_step); bot/telegram/dispatch.py
picks one."""

from __future__ import annotations

from typing import Any

from telegram import Bot

from bot.telegram.sender import keyboard_markup
from court import accounts
from court.commands import ClaimInput
from court.deliveries import TurnDeliveries
from court.outcomes import Outcome
from gateway.court import Court
from gateway.logs import case_id as log_case_id

ACTIVE_TTL = 30 * 86400  # how long a chat remembers the case it talks about

Keyboard = list[list[dict[str, Any]]]


class Turn:
    """One update from one person. `deliveries` collects the court's sends of this turn: a reply
    sent directly waits for those started before it, so it never overtakes them."""

    def __init__(
        self,
        court: Court,
        bot: Bot,
        person_id: str,
        locale: str,
        chat_id: int,
        key: str,
        deliveries: TurnDeliveries,
        self_hosted_api: bool,
    ) -> None:
        self.court, self.bot, self.deliveries = court, bot, deliveries
        self.person_id, self.locale, self.chat_id, self.key = person_id, locale, chat_id, key
        self.self_hosted_api = self_hosted_api  # a local Bot API server: no 20 MB download limit

    def text(self, key: str, **params: Any) -> str:
        return self.court.catalog.render(key, self.locale, params)

    async def say(self, key: str, keyboard: Keyboard | None = None, **params: Any) -> None:
        await self.deliveries.sent_so_far()
        markup = keyboard_markup(keyboard or [])
        await self.bot.send_message(self.chat_id, self.text(key, **params), reply_markup=markup)

    async def refuse(self, outcome: Outcome) -> None:
        if outcome.error == "duplicate_update":
            return  # Telegram repeated an update we already applied: say nothing twice
        self.court.metrics.inc("microcourt_errors_total", code=outcome.error or "")
        await self.say(f"errors.{outcome.error}", **outcome.params)

    async def say_once(self, key: str, keyboard: Keyboard | None = None, **params: Any) -> None:
        """Say something on a path no command of the service records (nothing open, a file where
        none is asked for): the update is claimed first, so a re-delivery is not answered twice."""
        if await self.claim(self.key):
            await self.say(key, keyboard, **params)

    async def refuse_once(self, outcome: Outcome) -> None:
        """`refuse`, on a path no command of the service records (see `say_once`)."""
        if await self.claim(self.key):
            await self.refuse(outcome)

    async def claim(self, key: str) -> bool:
        """Claim an update that changes no case (a command, a menu): False if seen before."""
        return await self.court.people.claim_input(ClaimInput(accounts.TELEGRAM, key))

    async def resend(self, message: dict[str, Any]) -> None:
        """Show a court message again in this chat (a case chosen from the menu)."""
        sender = self.court.router.channels.get(accounts.TELEGRAM)
        await self.deliveries.sent_so_far()
        if sender is not None:
            await sender.send(message, str(self.chat_id), self.locale)

    # -- the case this chat talks about ------------------------------------------------------

    async def active_case(self) -> str | None:
        """The case this chat talks about: the one chosen last, else the newest."""
        return await self.chosen_case() or await self.court.reads.newest_case(self.person_id)

    async def chosen_case(self) -> str | None:
        """The case this chat chose last (by /new, /cases, a link), if any."""
        state = await self.court.chat_state.get(self._active_key(), self.court.clock().timestamp())
        return str(state["case_id"]) if state else None

    async def set_active(self, case_id: str) -> None:
        log_case_id.set(case_id)
        now = self.court.clock().timestamp()
        await self.court.chat_state.put(self._active_key(), {"case_id": case_id}, ACTIVE_TTL, now)

    async def forget_active(self) -> None:
        await self.court.chat_state.delete(self._active_key())

    async def prompt(self, case_id: str) -> dict[str, Any] | Outcome | None:
        """The newest prompt the person was sent in the case (None: waiting; an Outcome: not theirs)."""
        found = await self.court.service.current_prompt(self.person_id, case_id)
        return found if isinstance(found, Outcome) else found[1]

    def _active_key(self) -> str:
        return f"active_case:{self.person_id}"
