"""Openness (DOMAIN §12.4; the SPC white paper's platforms for case status and judgments).

Anyone may ask how a case stands by its number `(YEAR)CODE民初SEQ号` (`public.case_status`: its
stage and the next hearing window, nothing about who the parties are), and read the court's final
judgments, masked (`masking`: natural persons as 张某 or Z., ID numbers, phones, accounts, e-mail
and addresses removed, companies named), searchable by cause, date and words (`public`).

A judgment is published when its case becomes final: the flow's final stage names the action
`publish_judgment` in its `on_enter`, which asks the court (service call `publish_judgment`) to
`publishing.publish` the case data's `judgment` object. The case's judge may unpublish it on an
OLR 27 ground with reasons (`publishing.unpublish`, authorised by `court.access`); the public then
no longer sees it, and the case record says who withdrew it, when and why.
"""

from __future__ import annotations

from typing import Any

from court.procedures import CallContext, Procedures
from court.publication.publishing import publish
from flows.context import FlowContext
from flows.effects import Effect, ServiceCall
from flows.events import Signal

PUBLISH = "publish_judgment"
CARRIED = ("judgment", "plaintiff", "defendant", "invitation", "case_number", "case_type")  # what publishing reads


def register(procedures: Procedures) -> None:
    """The action a final stage names (`on_enter: [publish_judgment]`) and the court's call behind it."""
    procedures.registry.actions[PUBLISH] = publish_judgment
    procedures.service_call(PUBLISH, published_on_call)


def publish_judgment(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The case is final: publish its judgment, masked (DOMAIN §12.4). Pure: the court does it."""
    return [ServiceCall(PUBLISH, {"data": {key: data[key] for key in CARRIED if key in data}})]


async def published_on_call(ctx: CallContext, call: ServiceCall) -> Signal | None:
    """The service call: publish with the case data as the command holds it (no signal back)."""
    await publish(ctx.tx, ctx.case.id, ctx.now, call.params.get("data"), ctx.timezone)
    return None
