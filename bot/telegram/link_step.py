"""Linking a Telegram account with a web session in the chat (issue 3).

- `/link` gives a one-time code to type in the web chat (the web record is then merged into this
  one: court.linking decides whether it may be);
- the web chat's `t.me/<bot>?start=link_<token>` deep link merges this account's record into the
  web's. One tap must not merge two records, so the bot asks first; the buttons carry a nonce, so
  an earlier question's "Link them" cannot confirm a later link.
"""

from __future__ import annotations

import secrets

from bot.telegram.turn import Turn
from court import accounts
from court.commands import LinkAccounts
from court.outcomes import Outcome
from gateway.account_link import after_merge, merge_accounts

LINK_TTL = 600  # seconds a code, or a question waiting for its answer, stays good


class LinkStep:
    """One update of the link conversation, for the person behind ``turn``."""

    def __init__(self, turn: Turn) -> None:
        self.turn, self.court = turn, turn.court

    async def code(self) -> None:
        """`/link`: a one-time code for the web chat."""
        now = self.court.clock().timestamp()
        code = await self.court.tokens.issue("link_web", self.turn.person_id, LINK_TTL, now)
        await self.turn.say("telegram.link_code", code=code)

    async def redeem(self, token: str) -> None:
        """The web chat's deep link: ask before merging, saying how many cases would move."""
        now = self.court.clock()
        issuer = await self.court.tokens.redeem("link_tg", token, now.timestamp())
        if issuer is None:
            await self.turn.say("telegram.link_bad")
            return
        nonce = secrets.token_urlsafe(6)  # ties the buttons to this question, not a later one
        pending = {"issuer": issuer, "nonce": nonce}
        await self.court.chat_state.put(self._key(), pending, LINK_TTL, now.timestamp())
        cases = await self.court.people.case_count(self.turn.person_id)
        keyboard = [
            [
                {"text": self.turn.text("telegram.link_yes"), "callback_data": f"k:y{nonce}"},
                {"text": self.turn.text("telegram.link_no"), "callback_data": f"k:n{nonce}"},
            ]
        ]
        if cases:
            await self.turn.say("telegram.link_confirm_cases", keyboard, cases=cases)
        else:
            await self.turn.say("telegram.link_confirm", keyboard)

    async def confirm(self, answer: str) -> None:
        """The answer to `redeem`'s question (`y`/`n` and the nonce): merge into the web's record."""
        turn, now = self.turn, self.court.clock()
        pending = await self.court.chat_state.get(self._key(), now.timestamp())
        if not pending or answer[1:] != pending["nonce"]:
            await turn.say("telegram.link_bad")  # expired, or the buttons of an earlier question
            return
        await self.court.chat_state.delete(self._key())
        if answer[:1] != "y":
            await turn.say("telegram.link_cancelled")
            return
        chosen = await turn.chosen_case()
        command = LinkAccounts(str(pending["issuer"]), turn.person_id, accounts.TELEGRAM, str(turn.chat_id))
        linked = await merge_accounts(self.court, command)
        if linked.person_id is None:
            await turn.refuse(Outcome(error=linked.error))
            return
        turn.person_id = linked.person_id
        if chosen:  # the case this chat was talking about stays the one it talks about
            await turn.set_active(chosen)
        if linked.cases_moved:
            await turn.say("telegram.linked_cases", cases=linked.cases_moved)
        else:
            await turn.say("telegram.linked")
        await after_merge(self.court, linked, turn.deliveries)

    def _key(self) -> str:
        return f"link_pending:telegram:{self.turn.chat_id}"
