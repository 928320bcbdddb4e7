"""What only the court can answer for the trial, with the case locked in the command's transaction."""

from __future__ import annotations

from asynchronous_trial.judges import judge_of
from court.procedures import CallContext
from flows.effects import ServiceCall
from flows.events import Signal


async def name_judge(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """The case's judge, as the `judge_named` signal (none yet: no signal, the texts say so)."""
    judge = await judge_of(ctx.tx, ctx.case)
    if judge is None:
        return None
    return Signal("judge_named", {"person_id": judge.id, "name": judge.display_name or ""})
