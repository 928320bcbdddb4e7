"""The appeal (CPL 171, 286; FM 8, 13, 17, 22): who may appeal what, the fee, and what is recorded.

The case data's `judgment` object is the judgment flow's (kind, small_claims, appealable,
claimed_amount, ...). Each party's answers are kept under `appeal.<role>` while it writes its
appeal; lodging it records `appeal.lodged` (who, when, grounds, evidence with their SHA-256, the
amount appealed and the fee). An appeal whose fee is not paid in time is treated as withdrawn and
kept under `appeal.withdrawn` (FM 22).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from court.domicile import domiciled_abroad
from court.fees import FeeBreakdown, property_fee
from flows.context import FlowContext
from flows.effects import Effect, Message, ServiceCall
from flows.model import InputSpec
from flows.registry import Action, Formatter, InputError

PARTIES = ("plaintiff", "defendant")


def issued(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The judgment (or ruling) the case was decided by."""
    found = data.get("judgment")
    return found if isinstance(found, Mapping) else {}


def final_at_service(data: Mapping[str, Any], _value: Any) -> bool:
    """A small-claims judgment, or one the judge issued as not appealable, is final once served (CPL 165)."""
    judgment = issued(data)
    return judgment.get("kind") == "judgment" and (bool(judgment.get("small_claims")) or not judgment.get("appealable"))


def ruling_to_appeal(data: Mapping[str, Any], _value: Any) -> bool:
    """An appealable ruling: 10 days, not 15 (CPL 171)."""
    return issued(data).get("kind") == "ruling"


def party_abroad(data: Mapping[str, Any], role: Any) -> bool:
    """The party whose period this is (the guard's value) is domiciled abroad: 30 days (CPL 286)."""
    return isinstance(role, str) and domiciled_abroad(data.get(role) or {})


def stake(data: Mapping[str, Any]) -> Decimal | None:
    """The money the first instance decided on (what was claimed); None when nothing was claimed in
    money, or for a ruling (FM 8: appealing a ruling costs nothing)."""
    judgment = issued(data)
    amount = judgment.get("claimed_amount")
    if judgment.get("kind") != "judgment" or not amount or Decimal(str(amount)) <= 0:
        return None
    return Decimal(str(amount))


def appeal_has_amount(data: Mapping[str, Any], _value: Any) -> bool:
    """The appeal states the amount appealed: the judgment decided a money claim."""
    return stake(data) is not None


def appeal_fee_due(data: Mapping[str, Any], _value: Any) -> bool:
    return Decimal(str(data.get("appeal", {}).get("lodged", {}).get("fee", {}).get("due", "0"))) > 0


def appealed_amount(value: Any, _spec: InputSpec, ctx: FlowContext) -> Any:
    """The amount appealed is at most what the first instance decided on (FM 17: the fee follows it)."""
    limit = stake(ctx.case)
    if limit is not None and Decimal(str(value)) > limit:
        raise InputError("appeal_amount_too_large", limit=str(limit))
    return value


def appeal_fee(data: Mapping[str, Any], amount: str | None) -> FeeBreakdown | None:
    """The appeal fee: the first-instance fee (FM 13, not halved) on the amount appealed (FM 17); a
    judgment on a claim not in money pays the per-case fee; appealing a ruling nothing (FM 8)."""
    judgment = issued(data)
    if judgment.get("kind") != "judgment":
        return None
    if amount:
        return property_fee(Decimal(amount), track="ordinary")
    return property_fee(Decimal(0), track="ordinary", case_kind="non_property")


def fee_record(fee: FeeBreakdown | None) -> dict[str, Any]:
    if fee is None:
        return {"due": "0", "rule": "FM 8", "explain": {}}
    return {"due": str(fee.fee_due), "rule": fee.rule, "explain": {loc: fee.explain(loc) for loc in ("zh", "en")}}


def lodged_by(role: str) -> Action:
    """Action `appeal_lodged_<role>`: the party's appeal lodged now, in its period (CPL 171)."""

    def appeal_lodged(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        data.setdefault("appeal", {})["lodged"] = appeal_record(data, role, ctx)
        return [Message("court", "appeal.lodged_court", lodged(data))]

    return appeal_lodged


def appeal_record(data: Mapping[str, Any], role: str, ctx: FlowContext) -> dict[str, Any]:
    """`role`'s appeal as it writes it (`appeal.<role>`), lodged now with its fee (FM 17)."""
    mine = data.get("appeal", {}).get(role, {})
    amount = mine.get("amount")
    return {
        "role": role,
        "grounds": mine.get("grounds", ""),
        "evidence": list(mine.get("evidence") or []),
        "amount": amount,
        "fee": fee_record(appeal_fee(data, amount)),
        "lodged_at": ctx.now.isoformat(),
    }


def request_appeal_fee(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Ask the payment port to collect the appeal fee, as the filing fee is (FM 22)."""
    return [ServiceCall("request_payment", {"amount": data["appeal"]["lodged"]["fee"]["due"]})]


def appeal_fee_unpaid(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The appeal fee unpaid in 7 days: the appeal is treated as withdrawn (FM 22); the periods run
    on from the same service, so a party still in time may appeal again."""
    return withdrawn(data, data.setdefault("appeal", {}).pop("lodged", {}), ctx)


def withdrawn(data: dict[str, Any], appeal: Mapping[str, Any], ctx: FlowContext) -> list[Effect]:
    """`appeal`, its fee unpaid in time, kept under `appeal.withdrawn` (FM 22); everyone told."""
    record = {**appeal, "withdrawn_at": ctx.now.isoformat(), "rule": "FM 22"}
    data.setdefault("appeal", {}).setdefault("withdrawn", []).append(record)
    params = {"appellant": {"t": f"role.{record.get('role', 'plaintiff')}"}, "rule": "FM 22"}
    return [Message(role, "appeal.treated_withdrawn", params) for role in (*PARTIES, "court")]


def _waiting_kinds(data: Mapping[str, Any], role: Any) -> list[str]:
    """`role`'s own periods still waiting for a document sent to it to take effect: its period to
    appeal (the judgment), and its period to answer once a copy of the other's appeal was sent and
    not yet answered (CPL 174)."""
    waiting = [kind for kind in data.get("_unstarted", {}) if kind.endswith(f"_{role}")]
    appeal = data.get("appeal", {})
    answer = f"answer_to_appeal_{role}"
    if (
        appeal.get("served", {}).get(role)
        and role not in appeal.get("answers", {})
        and answer not in data.get("_due", {})
    ):
        waiting.append(answer)
    return waiting


def appeal_service_waits(data: Mapping[str, Any], role: Any) -> bool:
    """A document has not yet reached the party (the option's value): the clerk may record serving it."""
    return bool(_waiting_kinds(data, role))


def record_appeal_service(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The clerk served on a party outside the chat (at its address, on paper) what had not reached
    it, and records it: that party's periods run from now (CPL 90, 171, 174), as the kernel's
    `record_service` starts them."""
    role = data.get("appeal", {}).get("served_offline")
    kinds = _waiting_kinds(data, role)
    for kind in kinds:  # no longer offered (the kernel's `deadline_started` says the same)
        data.get("_unstarted", {}).pop(kind, None)
        data.setdefault("_due", {}).setdefault(kind, ctx.now.isoformat())  # started now: see deadline_started
    return [ServiceCall("record_service", {"kind": kind}) for kind in kinds]


def appeal_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the window's prompts show: the decision appealed and how long the period is."""
    judgment = issued(data)
    ruling = judgment.get("kind") == "ruling"
    return {
        "case_number": data.get("case_number", ""),
        "title": judgment.get("title", ""),
        "kind": {"t": "appeal.kind_ruling" if ruling else "appeal.kind_judgment"},
        "days": 10 if ruling else 15,
        "stake": str(stake(data) or ""),
    }


def own_days(data: Mapping[str, Any], role: str) -> int:
    """`role`'s own period in days: 10 for a ruling, 15 for a judgment (CPL 171), 30 abroad (CPL 286)."""
    if party_abroad(data, role):
        return 30
    return 10 if issued(data).get("kind") == "ruling" else 15


def offer_of(role: str) -> Formatter:
    """Formatter `appeal_offer_<role>`: the offer with `role`'s own period said truthfully: the day
    it ends once running, or, while the judgment's service on `role` has not taken effect (CPL 90,
    OLR 31), that its days start only then and how that happens."""

    def appeal_offer(data: Mapping[str, Any]) -> dict[str, Any]:
        notice, period_kind, days = appeal_notice(data), f"appeal_{role}", own_days(data, role)
        due = data.get("_due", {}).get(period_kind)  # once started it runs on (also back from FM 22)
        if due:
            period: dict[str, Any] = {"t": "appeal.period_ends", "params": {"days": days, "due_at": {"time": due}}}
        else:
            period = {"t": "appeal.period_starts_on_service", "params": {"days": days, "kind": notice["kind"]}}
        return {**notice, "days": days, "period": period}

    return appeal_offer


def _files(files: Any) -> list[dict[str, Any]]:
    """Evidence lines: each file's name and SHA-256, as received (OLR 16)."""
    return [
        {"t": "appeal.file_line", "params": {"name": f.get("name", ""), "sha256": f.get("sha256", "")}}
        for f in (files or [])
    ] or [{"t": "appeal.no_files"}]


def _amount(amount: Any) -> dict[str, Any]:
    """The amount appealed, in yuan; or that the appeal is not about money."""
    return {"t": "appeal.amount_yuan", "params": {"amount": amount}} if amount else {"t": "appeal.no_amount"}


def _fee_params(fee: Mapping[str, Any]) -> dict[str, Any]:
    due = Decimal(str(fee.get("due", "0")))
    if due <= 0:
        return {"t": "appeal.no_fee", "params": {"rule": fee.get("rule", "FM 8")}}
    return {"t": "appeal.fee_line", "params": {"fee": str(due), "explain": fee.get("explain") or ""}}


def summary_of(role: str) -> Formatter:
    """Formatter `appeal_summary_<role>`: the appeal as it will be lodged, with its fee."""

    def appeal_summary(data: Mapping[str, Any]) -> dict[str, Any]:
        mine = data.get("appeal", {}).get(role, {})
        amount = mine.get("amount")
        return {
            **appeal_notice(data),
            "grounds": mine.get("grounds", ""),
            "evidence": _files(mine.get("evidence")),
            "amount": _amount(amount),
            "fee": _fee_params(fee_record(appeal_fee(data, amount))),
        }

    return appeal_summary


def lodged(data: Mapping[str, Any]) -> dict[str, Any]:
    """The appeal lodged: who, grounds, evidence with hashes, amount, fee and when the fee is due."""
    return lodged_params(data, data.get("appeal", {}).get("lodged", {}), "appeal_fee")


def lodged_params(data: Mapping[str, Any], appeal: Mapping[str, Any], fee_kind: str) -> dict[str, Any]:
    """An appeal as lodged (`appeal`), its fee due by the end of the period `fee_kind`."""
    role = appeal.get("role", "plaintiff")
    return {
        **appeal_notice(data),
        "appellant": {"t": f"role.{role}"},
        "appellant_name": data.get(role, {}).get("name", ""),
        "grounds": appeal.get("grounds", ""),
        "evidence": _files(appeal.get("evidence")),
        "amount": _amount(appeal.get("amount")),
        "fee": _fee_params(appeal.get("fee", {})),
        "fee_due": {"time": data.get("_due", {}).get(fee_kind, "")},
    }


def appealed_for(role: str) -> Formatter:
    """Formatter `appealed_<role>`: the appellant is told its appeal went up, the other party that
    it may answer it in the higher court (CPL 174)."""

    def appealed(data: Mapping[str, Any]) -> dict[str, Any]:
        mine = data.get("appeal", {}).get("lodged", {}).get("role") == role
        params = lodged(data)
        return {**params, "what": {"t": "appeal.you_appealed" if mine else "appeal.other_appealed", "params": params}}

    return appealed


def appeal_file_prepared(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """APPEALED: the file for the higher court is ready to export (`microcourt case export`)."""
    data.setdefault("appeal", {}).setdefault("lodged", {})["file_prepared_at"] = ctx.now.isoformat()
    return []


GUARDS: dict[str, Callable[[Mapping[str, Any], Any], bool]] = {
    "final_at_service": final_at_service,
    "ruling_to_appeal": ruling_to_appeal,
    "party_abroad": party_abroad,
    "appeal_has_amount": appeal_has_amount,
    "appeal_fee_due": appeal_fee_due,
    "appeal_service_waits": appeal_service_waits,
}
