"""The bot's slash commands: /start (and its deep links), /help, /new, /cases, /language,
/cancel, /link, /join, /moretime, /withdraw_e_service, /live, /withdraw_suit, /withdrawal_view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.telegram import withdrawal_view
from bot.telegram.callback_data import short_case_id
from bot.telegram.link_step import LinkStep
from bot.telegram.render import countdown
from bot.telegram.turn import Turn
from court import accounts
from court.commands import ApplyForMoreTime, ApplyToWithdraw, JoinCase, OpenCase
from court.outcomes import Outcome
from gateway.limits import may_open_case, may_try_invitation


async def on_start(turn: Turn, arg: str) -> None:
    if arg.startswith("link_"):
        await LinkStep(turn).redeem(arg.removeprefix("link_"))
    elif arg.startswith("j"):
        await join(turn, arg)
    else:
        await turn.say("telegram.welcome")


async def on_help(turn: Turn, _arg: str = "") -> None:
    await turn.say("telegram.help", max_mb=turn.court.settings.max_upload_mb)


async def on_new(turn: Turn, _arg: str = "") -> None:
    if not await may_open_case(turn.court, turn.person_id):
        await turn.refuse(Outcome(error="too_many_new_cases"))
        return
    outcome = await turn.court.service.open_case(OpenCase(turn.person_id, "filing", accounts.TELEGRAM), turn.deliveries)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.set_active(str(outcome.case_id))


async def on_cases(turn: Turn, _arg: str = "") -> None:
    """My cases and their next step: whose move it is and the time left; a button opens each."""
    cards = await turn.court.reads.my_cases(turn.person_id, turn.locale)
    lines, keyboard = [], []
    for index, card in enumerate(cards[:20], 1):
        label = card["case_number"] or card["reference"]
        left = f" {countdown(card['due_at'], turn.court.clock(), turn.locale)}" if card["due_at"] else ""
        lines.append(f"{index}. {label} · {card['status_text']}: {card['prompt_text']}{left}")
        if card.get("enforcement"):  # final: the last days to perform and to apply for enforcement (CPL 250)
            lines.append(f"   {card['enforcement']['text']}")
        button = f"{index}. {label} · {card['status_text']}"
        keyboard.append([{"text": button, "callback_data": "o:" + short_case_id(card["case_id"])}])
    keyboard.append([{"text": turn.text("telegram.new_case"), "callback_data": "n:filing"}])
    if cards:
        await turn.say("telegram.cases_header", keyboard, cases="\n".join(lines))
    else:
        await turn.say("telegram.no_cases", keyboard)


async def on_language(turn: Turn, _arg: str = "") -> None:
    keyboard = [[{"text": "中文", "callback_data": "l:zh"}, {"text": "English", "callback_data": "l:en"}]]
    await turn.say("telegram.choose_language", keyboard)


async def on_cancel(turn: Turn, _arg: str = "") -> None:
    await turn.forget_active()
    await withdrawal_view.forget(turn)
    await turn.say("telegram.paused")


async def on_link(turn: Turn, _arg: str = "") -> None:
    await LinkStep(turn).code()


async def on_moretime(turn: Turn, arg: str = "") -> None:
    """`/moretime YYYY-MM-DD reason`: in the current case, apply for more time after an obstacle
    that ended on that day (CPL 86); the judge decides."""
    case_id = await turn.active_case()
    ended, _, reason = arg.strip().partition(" ")
    if case_id is None or not ended:
        await turn.say("telegram.moretime_usage")
        return
    command = ApplyForMoreTime(turn.person_id, case_id, ended, reason, accounts.TELEGRAM)
    outcome = await turn.court.service.apply_for_more_time(command)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.say("telegram.moretime_sent", application=outcome.params["application"])


async def on_withdraw_suit(turn: Turn, arg: str = "") -> None:
    """`/withdraw_suit [reasons]`: the plaintiff applies to withdraw the suit in the current case
    (CPL 148); the judge approves it by a ruling or refuses it with reasons."""
    case_id = await turn.active_case()
    if case_id is None:
        await turn.say("telegram.withdraw_suit_no_case")
        return
    outcome = await turn.court.service.apply_to_withdraw(
        ApplyToWithdraw(turn.person_id, case_id, arg, accounts.TELEGRAM)
    )
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.say("telegram.withdraw_suit_sent")


VIEW_WORDS = {"agree": "agree", "同意": "agree", "object": "object", "反对": "object", "不同意": "object"}
"""The first word of /withdrawal_view, in either language."""


async def on_withdrawal_view(turn: Turn, arg: str = "") -> None:
    """`/withdrawal_view agree|object [reasons]` (同意/反对): the defendant's view on the plaintiff's
    pending application to withdraw in the current case (Interp. 238(2)); the judge decides."""
    case_id = await turn.active_case()
    word, _, reasons = arg.strip().partition(" ")
    view = VIEW_WORDS.get(word.lower())
    if case_id is None or view is None:
        await turn.say("telegram.withdrawal_view_usage")
        return
    await withdrawal_view.state(turn, case_id, view, reasons)


async def on_withdraw_e_service(turn: Turn, _arg: str = "") -> None:
    """`/withdraw_e_service`: withdraw consent to electronic service in the current case (OLR 4-5),
    after a confirmation that says what it means."""
    case_id = await turn.active_case()
    if case_id is None:
        await turn.say("telegram.withdraw_no_case")
        return
    await ask_to_withdraw(turn, case_id)


async def ask_to_withdraw(turn: Turn, case_id: str) -> None:
    """The confirmation before consent to e-service is withdrawn in `case_id` (OLR 4-5)."""
    await _confirm(turn, case_id, "withdraw", "w")


async def on_live(turn: Turn, _arg: str = "") -> None:
    """`/live`: withdraw consent to the asynchronous trial in the current case (OLR 5): its stage
    goes on at a live hearing, what was done stays valid (OLR 21); after a confirmation."""
    case_id = await turn.active_case()
    if case_id is None:
        await turn.say("telegram.live_no_case")
        return
    await _confirm(turn, case_id, "live", "v")


async def _confirm(turn: Turn, case_id: str, texts: str, button: str) -> None:
    """Ask `telegram.<texts>_confirm` about the case, with a yes button (`<button>:<case>`) and a
    no button (`<button>:-`)."""
    cards = {card["case_id"]: card for card in await turn.court.reads.my_cases(turn.person_id, turn.locale)}
    card = cards.get(case_id)
    if card is None:
        await turn.refuse(Outcome(case_id, "not_a_party"))
        return
    keyboard = [
        [{"text": turn.text(f"telegram.{texts}_yes"), "callback_data": f"{button}:" + short_case_id(case_id)}],
        [{"text": turn.text(f"telegram.{texts}_no"), "callback_data": f"{button}:-"}],
    ]
    await turn.say(f"telegram.{texts}_confirm", keyboard, case=card["case_number"] or card["reference"])


async def on_join(turn: Turn, arg: str) -> None:
    """`/join K7MQ-2XPD`: the short code from the court's notice, typed in (OLR 10)."""
    if not arg.strip():
        await turn.say("telegram.join_usage")
        return
    await join(turn, arg)


async def join(turn: Turn, code: str) -> None:
    """The defendant's invitation: the deep link's long code or a short code (OLR 10)."""
    if not await may_try_invitation(turn.court, turn.person_id):
        await turn.refuse(Outcome(error="join_tries"))
        return
    outcome = await turn.court.service.join_case(JoinCase(turn.person_id, code, accounts.TELEGRAM), turn.deliveries)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.set_active(str(outcome.case_id))


HANDLERS: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "start": on_start,
    "help": on_help,
    "new": on_new,
    "cases": on_cases,
    "language": on_language,
    "cancel": on_cancel,
    "link": on_link,
    "moretime": on_moretime,
    "withdraw_e_service": on_withdraw_e_service,
    "live": on_live,
    "withdraw_suit": on_withdraw_suit,
    "withdrawal_view": on_withdrawal_view,
    "join": on_join,
}
