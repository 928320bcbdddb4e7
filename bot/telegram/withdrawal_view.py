"""The defendant's view on the plaintiff's application to withdraw, in Telegram (CPL 148; SPC
Interpretation of the CPL Art. 238(2)): the notice's two buttons — agree, or object and then write
the reasons as the next message — and `/withdrawal_view agree|object [reasons]`. The judge decides
either way; the service refuses a view that is late, repeated or not the defendant's."""

from __future__ import annotations

from bot.telegram.callback_data import long_case_id
from bot.telegram.turn import Turn
from court import accounts
from court.commands import StateWithdrawalView

OBJECTION_TTL = 86400
"""How long "object" waits for the reasons typed next (the service still checks the period)."""


async def state(turn: Turn, case_id: str, view: str, reasons: str) -> None:
    """Send the view to the judge, or say why it was not taken and what to do."""
    stated = StateWithdrawalView(turn.person_id, case_id, view, reasons, accounts.TELEGRAM)
    outcome = await turn.court.service.state_withdrawal_view(stated)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    await turn.say("telegram.withdrawal_view_sent")


async def on_button(turn: Turn, arg: str) -> None:
    """The notice's buttons: `a<case>` agrees at once; `o<case>` asks for the reasons, taken from
    the person's next message (`take_reasons`)."""
    case_id = long_case_id(arg[1:])
    if case_id is None or arg[:1] not in ("a", "o"):
        await turn.say("telegram.withdrawal_view_usage")
        return
    if arg[:1] == "a":
        await state(turn, case_id, "agree", "")
        return
    now = turn.court.clock().timestamp()
    await turn.court.chat_state.put(_objection_key(turn), {"case_id": case_id}, OBJECTION_TTL, now)
    await turn.say("telegram.withdrawal_view_reasons_next")


async def take_reasons(turn: Turn, text: str) -> bool:
    """The reasons for an objection, when "object" was pressed last: sent with it (True), else
    False and the text is an ordinary answer."""
    waiting = await turn.court.chat_state.get(_objection_key(turn), turn.court.clock().timestamp())
    if waiting is None:
        return False
    await turn.court.chat_state.delete(_objection_key(turn))
    await state(turn, str(waiting["case_id"]), "object", text)
    return True


async def forget(turn: Turn) -> None:
    """/cancel: an objection waiting for its reasons is dropped."""
    await turn.court.chat_state.delete(_objection_key(turn))


def _objection_key(turn: Turn) -> str:
    return f"withdrawal_objection:{turn.person_id}"
