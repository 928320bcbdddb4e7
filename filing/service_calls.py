"""The filing procedure's service calls: the defendant's invitation (OLR 10) and the release of
a company's representative the court did not admit (CPL 51, 62)."""

from __future__ import annotations

from court.invitations import keep_short_code, new_invitation, release_defendant
from court.procedures import CallContext
from flows.effects import ServiceCall
from flows.events import Signal
from identity.models import is_verified
from identity.records import id_number_holder


async def invite_defendant(ctx: CallContext, call: ServiceCall) -> Signal:
    invitation = new_invitation(ctx.case.id, ctx.now, ctx.links)
    await keep_short_code(ctx.tx, ctx.case.id, invitation, ctx.now)
    return Signal("defendant_invited", {"invitation": invitation})


async def release(ctx: CallContext, call: ServiceCall) -> Signal:
    return await release_defendant(ctx.tx, ctx.case.id, ctx.now)


async def serve_defendant_notice(ctx: CallContext, call: ServiceCall) -> None:
    """Filing v4 (OLR 10): a defendant the court already knows (a verified person holding the
    resident ID number the complaint gives) is served the notice and invitation in the chat, a
    served document whose effect starts their 3 days. Anyone else is served by the clerk outside
    the chat, who records it. The court is told which."""
    holder = None
    number = call.params.get("id_number")
    if number and ctx.number_hashes is not None:
        holder = await id_number_holder(ctx.tx, ctx.number_hashes(str(number)))
    if holder is not None and not await is_verified(ctx.tx.session, holder):
        holder = None
    notice = {"text": "filing.defendant_notice", "params": call.params["notice"]}
    if holder is not None:
        ctx.tx.outbox(ctx.case.id, "defendant", holder, notice, ctx.now, ctx.case.court_code)
    told = "filing.defendant_notice_in_chat" if holder else "filing.defendant_notice_by_clerk"
    court = {"text": told, "params": call.params["notice"]}
    ctx.tx.outbox(ctx.case.id, "court", None, court, ctx.now, ctx.case.court_code)
