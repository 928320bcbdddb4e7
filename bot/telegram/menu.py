"""The menu's buttons: a new case, a language, a case opened from /cases, "received" on a served
document, the buttons of the link and identity steps and of the notice of a withdrawal. Each is
claimed once (see dispatch)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.telegram import withdrawal_view
from bot.telegram.callback_data import long_case_id
from bot.telegram.identity_step import IdentityStep
from bot.telegram.link_step import LinkStep
from bot.telegram.slash_commands import on_new
from bot.telegram.turn import Turn
from court import accounts
from court.commands import AcknowledgeService, SetLocale, WithdrawAsynchronousConsent, WithdrawEServiceConsent
from court.outcomes import Outcome


async def on_new_case(turn: Turn, _flow: str) -> None:
    await on_new(turn)


async def on_language(turn: Turn, locale: str) -> None:
    if locale not in ("zh", "en"):
        return
    await turn.court.people.set_locale(SetLocale(turn.person_id, locale))
    turn.locale = locale
    await turn.say("telegram.language_set")


async def on_link_answer(turn: Turn, answer: str) -> None:
    await LinkStep(turn).confirm(answer)


async def on_identity(turn: Turn, arg: str) -> None:
    """The identity step's buttons: the biometric consent (issue 4, PIPL 28), or "verify here"
    under the filing's identity prompt (issue 14), which says what to do first."""
    step = IdentityStep(turn)
    if arg == "consent":
        await step.consent()
    else:
        await step.guide(await turn.active_case())


async def on_received(turn: Turn, message_id: str) -> None:
    """ "Received": a served court document (OLR 31)."""
    if not re.fullmatch(r"[0-9]{1,19}", message_id):
        await turn.refuse(Outcome(error="bad_request"))
        return
    received = AcknowledgeService(turn.person_id, int(message_id), accounts.TELEGRAM)
    outcome = await turn.court.service.acknowledge_service(received)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.say("service.acknowledged", **outcome.params)


async def on_open(turn: Turn, short: str) -> None:
    """A case chosen from /cases: this chat now talks about it, and its prompt is shown again."""
    case_id = long_case_id(short)
    current = await turn.prompt(case_id) if case_id else Outcome(error="not_a_party")
    if isinstance(current, Outcome) or case_id is None:
        await turn.refuse(current if isinstance(current, Outcome) else Outcome(error="not_a_party"))
        return
    await turn.set_active(case_id)
    if current is not None:
        await turn.resend(current)


async def on_withdraw(turn: Turn, short: str) -> None:
    """The confirmation of /withdraw_e_service: withdrawn in that case (OLR 4-5), or kept ("-")."""
    case_id = long_case_id(short) if short != "-" else None
    if case_id is None:
        await turn.say("telegram.withdraw_kept")
        return
    withdrawn = WithdrawEServiceConsent(turn.person_id, case_id, accounts.TELEGRAM)
    outcome = await turn.court.service.withdraw_e_service_consent(withdrawn)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    cards = {c["case_id"]: c for c in await turn.court.reads.my_cases(turn.person_id, turn.locale)}
    card = cards.get(case_id, {})
    await turn.say("filing.e_service_withdrawn", case_number=card.get("case_number") or card.get("reference", ""))


async def on_live(turn: Turn, short: str) -> None:
    """The confirmation of /live: consent to the asynchronous trial withdrawn in that case, its
    stage going live (OLR 5, 21; the court's messages say what follows), or kept ("-")."""
    case_id = long_case_id(short) if short != "-" else None
    if case_id is None:
        await turn.say("telegram.live_kept")
        return
    withdrawn = WithdrawAsynchronousConsent(turn.person_id, case_id, accounts.TELEGRAM)
    outcome = await turn.court.service.withdraw_asynchronous_consent(withdrawn, turn.deliveries)
    if not outcome.ok:
        await turn.refuse(outcome)


HANDLERS: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "n": on_new_case,
    "l": on_language,
    "k": on_link_answer,
    "i": on_identity,
    "r": on_received,
    "o": on_open,
    "w": on_withdraw,
    "v": on_live,
    "y": withdrawal_view.on_button,
}
