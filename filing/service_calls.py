"""The filing procedure's service calls: the defendant's invitation (OLR 10) and the release of
a company's representative the court did not admit (CPL 51, 62)."""

from __future__ import annotations

from court.invitations import new_invitation, release_defendant
from court.procedures import CallContext
from flows.effects import ServiceCall
from flows.events import Signal


async def invite_defendant(ctx: CallContext, call: ServiceCall) -> Signal:
    return Signal("defendant_invited", {"invitation": new_invitation(ctx.case.id, ctx.now, ctx.links)})


async def release(ctx: CallContext, call: ServiceCall) -> Signal:
    return await release_defendant(ctx.tx, ctx.case.id, ctx.now)
