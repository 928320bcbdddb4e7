"""Answers to the court's prompts: a typed reply or a pressed button, read against the prompt
last shown, under the case lock (no race with a newer prompt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.telegram import callback_data, withdrawal_view
from bot.telegram.callback_data import ButtonPress
from bot.telegram.identity_step import IdentityStep
from bot.telegram.slash_commands import ask_to_withdraw
from bot.telegram.turn import Turn
from court import accounts
from court.commands import AnswerPrompt
from court.outcomes import NotAnAnswer, Outcome
from gateway.court import Court

Interpret = Callable[[dict[str, Any] | None], Any]
TYPED_KINDS = frozenset({"text", "long_text", "amount", "statement"})
"""Prompts answered by typing, even when they carry a button (a window's self-service extension)."""


async def on_text(turn: Turn, text: str) -> None:
    if await withdrawal_view.take_reasons(turn, text):  # "object" was pressed: these are the reasons
        return
    case_id = await turn.active_case()
    if case_id is None:
        await turn.say_once("telegram.no_active_case")
        return

    def interpret(shown: dict[str, Any] | None) -> Any:
        prompt = shown["prompt"] if shown else None
        if prompt is None or prompt["kind"] == "wait":
            raise NotAnAnswer("waiting", shown)
        if prompt["kind"] == "identity":  # issue 4: this step takes photos; say which
            raise NotAnAnswer("identity", shown)
        if prompt.get("options") and prompt["kind"] != "files":
            value = _option_by_label(prompt["options"], text, turn.court, turn.locale)
            if value is not None:
                return value
            if prompt["kind"] not in TYPED_KINDS:  # a text step's only button is the extension
                raise NotAnAnswer("press_button", shown)
        return text

    await answer(turn, case_id, interpret)


async def on_press(turn: Turn, data: str) -> None:
    """A prompt's button: stale if the prompt it belongs to is no longer the newest."""
    press = callback_data.decode(data)
    if press is None:
        await turn.refuse_once(Outcome(error="bad_request"))
        return

    def interpret(shown: dict[str, Any] | None) -> Any:
        if shown is None or shown["prompt"]["seq"] != press.seq:
            raise NotAnAnswer("stale_step", shown)  # a button from an earlier prompt
        options = shown["prompt"].get("options", [])
        if not 0 <= press.option < len(options):
            raise NotAnAnswer("choose_an_option", shown)
        return options[press.option]["value"]

    await answer(turn, press.case_id, interpret, activate=True, standing=press)


STANDING_OPTIONS = frozenset({"filing.withdraw_e_service"})
"""Buttons for an act a party may do at any stage (withdrawing consent to e-service, OLR 4-5): on
a prompt the case has moved past, pressing one still asks to do it, never "this question is old"."""


async def answer(
    turn: Turn, case_id: str, interpret: Interpret, activate: bool = False, standing: ButtonPress | None = None
) -> None:
    """Answer the prompt shown, read and answered in one transaction; `activate`: make it the
    case this chat talks about (a button pressed on it); `standing`: the press, to recognise an
    old button for an act open at any stage."""
    command = AnswerPrompt(turn.person_id, case_id, accounts.TELEGRAM, interpret, turn.key)
    try:
        outcome = await turn.court.service.answer_prompt(command, turn.deliveries)
    except NotAnAnswer as why:
        if activate:
            await turn.set_active(case_id)
        if why.reason == "stale_step" and standing is not None and await _is_standing(turn, standing):
            await ask_to_withdraw(turn, case_id)  # an old button for an act open at any stage: still that act
            return
        await _not_an_answer(turn, case_id, why.reason, why.prompt)
        return
    if activate and outcome.error != "not_a_party":
        await turn.set_active(case_id)
    if not outcome.ok:
        await turn.refuse(outcome)
        return
    turn.court.metrics.inc("microcourt_chat_turns_total", channel=accounts.TELEGRAM)


async def _not_an_answer(turn: Turn, case_id: str, reason: str, shown: dict[str, Any] | None) -> None:
    """Say why nothing was answered (the service recorded the update as seen: said once)."""
    if reason == "stale_step":  # "answer the current question below": so it is sent below
        await turn.refuse(Outcome(case_id, reason))
        if shown is not None:
            await turn.resend(shown)
        else:
            await turn.say("telegram.waiting")
    elif reason == "waiting":
        await turn.say("telegram.waiting")
    elif reason == "identity":
        await IdentityStep(turn).guide(case_id)
    elif reason == "press_button":
        await turn.say("telegram.press_button")
    else:
        await turn.refuse(Outcome(case_id, reason))


async def _is_standing(turn: Turn, press: ButtonPress) -> bool:
    option = await turn.court.reads.earlier_option(turn.person_id, press.case_id, press.seq, press.option)
    return option is not None and option.get("text") in STANDING_OPTIONS


def _option_by_label(options: list[dict[str, Any]], text: str, court: Court, locale: str) -> str | None:
    """A typed reply that names an option (its label in either language, or its value)."""
    wanted = text.strip().casefold()
    for option in options:
        labels = {court.catalog.render(option["text"], loc).casefold() for loc in ("zh", "en")}
        if wanted == option["value"].casefold() or wanted in labels:
            return str(option["value"])
    return None
