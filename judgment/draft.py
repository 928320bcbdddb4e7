"""A judgment or ruling drafted from the case by outcome, and the one the judge issues. Pure.

The draft is filled from the case data the filing and the trial left: the parties, the claims,
what the plaintiff stated and the defendant answered, each evidence item with the other side's
opinion on it (the record's `evidence_opinions`), and that the record was confirmed. The judge
edits the facts, the reasoning and the orders (and, partly granted, the amount); the rest is
computed again when it is issued: the title, the parties, the claims, the fee and who bears it
(FM 29, `judgment.fees`), whether it can be appealed and for how long (CPL 171, 286; final in
small claims, CPL 165; no appeal from a ruling on a withdrawal, CPL 157). An order to pay money
sets the time to perform it, in days from the judgment taking effect (10 unless the judge sets
another), stated in the order; the last day to apply for enforcement is counted from that time's
last day (CPL 250, `judgment.finality`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from court.documents.kinds import JudgmentParts
from court.texts import text as court_text
from court.withdrawal import pending
from flows.texts import Catalog, load_catalog
from judgment import fees

OUTCOMES = ("granted", "partly", "dismissed", "default", "withdrawn_treated", "withdrawal_approved")
RULINGS = frozenset({"withdrawn_treated", "withdrawal_approved"})
PARTIES = ("plaintiff", "defendant")
APPEAL_DAYS, APPEAL_DAYS_ABROAD = 15, 30  # CPL 171, 286
PERFORMANCE_DAYS, PERFORMANCE_DAYS_MAX = 10, 365  # the usual time to pay; at most a year (CPL 250 counts from its end)


class Refused(Exception):
    """The draft cannot be issued as it is: `code` is an `errors.` text key."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@cache
def catalog() -> Catalog:
    return load_catalog(Path(__file__).parent / "texts")


def t(key: str, locale: str, **params: Any) -> str:
    return catalog().render(key, locale, params)


@dataclass(frozen=True)
class Edited:
    """What the judge writes: the outcome, and the facts, reasoning and orders as paragraphs."""

    outcome: str
    locale: str
    facts: Sequence[str] = ()
    reasoning: Sequence[str] = ()
    orders: Sequence[str] = ()
    granted_amount: str | None = None
    performance_days: int = PERFORMANCE_DAYS  # the time to pay what is ordered (CPL 250)


def claimed_amount(data: Mapping[str, Any]) -> Decimal | None:
    """The sum of the money claims (None: no claim names an amount)."""
    amounts = [Decimal(str(c["amount"])) for c in data.get("claims") or [] if c.get("amount")]
    return fees.money(sum(amounts, Decimal(0))) if amounts else None


def defendant_took_part(data: Mapping[str, Any]) -> str | None:
    """How the defendant took part: an answer, opinions on the evidence, a statement at the
    hearing; None if it never did (silence at every window, or never joined), when a default
    judgment may be given (CPL 147). Agreeing to the asynchronous mode alone is not taking part."""
    if (data.get("answer") or {}).get("filed_at"):
        return "answer"
    if ((data.get("exchange") or {}).get("defendant") or {}).get("items"):
        return "evidence_exchange"
    stages = (data.get("hearing") or {}).values()
    if any(isinstance(stage, dict) and (stage.get("defendant") or {}).get("statement") for stage in stages):
        return "hearing"
    return None


def party_name(data: Mapping[str, Any], role: str) -> str:
    return str((data.get(role) or {}).get("name") or "")


def parties(data: Mapping[str, Any], locale: str) -> list[str]:
    lines = []
    for role in PARTIES:
        party = data.get(role) or {}
        place = str(party.get("domicile") or "")
        domicile = t("domicile", locale, place=place) if place else ""
        lines.append(t("party", locale, role=t(f"role.{role}", locale), name=party.get("name", ""), domicile=domicile))
    return lines


def claims(data: Mapping[str, Any], locale: str) -> list[str]:
    return [
        t("claim", locale, text=c["text"], amount=c["amount"]) if c.get("amount") else str(c["text"])
        for c in data.get("claims") or []
    ]


def facts(data: Mapping[str, Any], locale: str) -> list[str]:
    """What the case shows: the plaintiff's statement, the answer, each item of evidence with the
    other side's opinion, and that the record was confirmed."""
    lines = [t("facts.stated", locale, facts=data["facts"])] if data.get("facts") else []
    answer = data.get("answer") or {}
    position = answer.get("position")
    if answer.get("filed_at") and position in ("admit", "partly", "dispute"):
        lines.append(t(f"facts.answer_{position}", locale, statement=answer.get("statement") or ""))
    else:
        lines.append(t("facts.no_answer", locale))
    for item in data.get("evidence_opinions") or []:
        opinion = item.get("opinion") if item.get("opinion") in ("accept", "dispute", "original") else "silent"
        side = t(f"role.{item['side']}", locale)
        sha = str(item.get("sha256") or "")[:12]
        reasons = item.get("reasons") or ""
        lines.append(
            t(f"facts.evidence_{opinion}", locale, side=side, n=item["n"], name=item["name"], sha=sha, reasons=reasons)
        )
    if (data.get("transcript") or {}).get("settled_at"):
        lines.append(t("facts.settled", locale))
    return lines


def granted_for(outcome: str, data: Mapping[str, Any], asked: str | None) -> Decimal | None:
    """The amount granted: all that was claimed (granted, default), none (dismissed), the judge's
    figure (partly: more than nothing, less than all); None for a ruling or claims without amounts."""
    claimed = claimed_amount(data)
    if outcome in RULINGS or claimed is None:
        if outcome == "partly":
            raise Refused("judgment_partly_needs_amount")
        return None
    if outcome in ("granted", "default"):
        return claimed
    if outcome == "dismissed":
        return Decimal("0.00")
    try:
        granted = fees.money(Decimal(str(asked).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        raise Refused("judgment_granted_amount", claimed=str(claimed)) from None
    if not Decimal(0) < granted < claimed:
        raise Refused("judgment_granted_amount", claimed=str(claimed))
    return granted


def reasoning(outcome: str, data: Mapping[str, Any], locale: str, granted: Decimal | None) -> list[str]:
    names = {role: party_name(data, role) for role in PARTIES}
    return [t(f"reasoning.{outcome}", locale, granted=granted, **names)]


def performance_days(granted: Decimal | None, days: int) -> int | None:
    """The days the judgment gives to pay what it orders (None: it orders no money); refused
    outside 1 to 365 days."""
    if not granted:
        return None
    if not 1 <= days <= PERFORMANCE_DAYS_MAX:
        raise Refused("judgment_performance_days", most=PERFORMANCE_DAYS_MAX)
    return days


def orders(
    outcome: str, data: Mapping[str, Any], locale: str, granted: Decimal | None, days: int = PERFORMANCE_DAYS
) -> list[str]:
    """The orders as the template words them; an order to pay states the time to pay (CPL 250)."""
    names = {role: party_name(data, role) for role in PARTIES}
    if outcome in RULINGS or outcome == "dismissed":
        return [t(f"orders.{'all_dismissed' if outcome == 'dismissed' else outcome}", locale, **names)]
    lines = [t("orders.pay", locale, amount=granted, days=days, **names)] if granted else []
    lines += [
        t("orders.claim", locale, claim=c["text"], **names) for c in data.get("claims") or [] if not c.get("amount")
    ]
    if outcome == "partly":
        lines.append(t("orders.rest_dismissed", locale, **names))
    return lines


def case_fee(outcome: str, data: Mapping[str, Any]) -> Decimal:
    """The fee the case costs (FM 13, 16; FM 15 for a withdrawal)."""
    paid = data.get("fee") or {}
    full = Decimal(str(paid.get("full") or paid.get("due") or 0))
    return fees.case_fee(outcome, full, Decimal(str(paid.get("due") or full)))


def allocation(
    outcome: str, data: Mapping[str, Any], granted: Decimal | None
) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    """The fee and each party's part (FM 29)."""
    fee = case_fee(outcome, data)
    return fee, fees.shares(outcome, fee, claimed_amount(data), granted)


def small_claims(data: Mapping[str, Any]) -> bool:
    return data.get("track") == "small_claims"


def drafted(
    data: Mapping[str, Any],
    outcome: str,
    locale: str,
    granted_asked: str | None = None,
    days: int = PERFORMANCE_DAYS,
) -> dict[str, Any]:
    """The draft for `outcome`, filled from the case, as the workspace shows it for editing (partly
    granted: for the amount `granted_asked`, without which it is refused; money ordered: to be
    paid within `days` of the judgment taking effect)."""
    check_outcome(outcome, data)
    granted = granted_for(outcome, data, granted_asked)
    period = performance_days(granted, days)
    fee, shares = allocation(outcome, data, granted)
    return {
        "outcome": outcome,
        "kind": "ruling" if outcome in RULINGS else "judgment",
        "locale": locale,
        "title": court_text(f"documents.title_{'ruling' if outcome in RULINGS else 'judgment'}", locale),
        "parties": parties(data, locale),
        "claims": claims(data, locale),
        "facts": [*application_facts(data, locale), *facts(data, locale)]
        if outcome == "withdrawal_approved"
        else facts(data, locale),
        "application": pending(data),
        "reasoning": reasoning(outcome, data, locale, granted),
        "orders": orders(outcome, data, locale, granted, days),
        "claimed_amount": _str(claimed_amount(data)),
        "granted_amount": _str(granted),
        "performance_days": period,
        "fee": str(fee),
        "fee_shares": [[role, str(amount)] for role, amount in shares],
        "appealable": appealable(outcome, data),
        "small_claims": small_claims(data),
    }


def application_facts(data: Mapping[str, Any], locale: str) -> list[str]:
    """The plaintiff's pending application to withdraw (CPL 148), quoted for the ruling on it."""
    application = pending(data)
    if application is None:
        return []
    day, reasons = application["applied_at"][:10], application.get("reasons") or ""
    return [
        t("facts.withdrawal_applied" if reasons else "facts.withdrawal_applied_bare", locale, day=day, reasons=reasons)
    ]


def check_outcome(outcome: str, data: Mapping[str, Any]) -> None:
    if outcome not in OUTCOMES:
        raise Refused("judgment_outcome_unknown")
    how = defendant_took_part(data) if outcome == "default" else None
    if how is not None:  # CPL 147: only against a defendant who never took part
        raise Refused("judgment_default_needs_absence", how={"t": f"judgment.took_part.{how}"})


def appealable(outcome: str, data: Mapping[str, Any]) -> bool:
    """A judgment, unless in small claims (CPL 165); never a ruling on a withdrawal (CPL 157)."""
    return outcome not in RULINGS and not small_claims(data)


def appeal_days(outcome: str, data: Mapping[str, Any], abroad: bool) -> int | None:
    if not appealable(outcome, data):
        return None
    return APPEAL_DAYS_ABROAD if abroad else APPEAL_DAYS


def _paragraphs(lines: Sequence[Any]) -> list[str]:
    return [str(line).strip() for line in lines if isinstance(line, str) and line.strip()]


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def issued(
    data: Mapping[str, Any], edited: Edited, person_id: str, now: datetime, abroad: bool
) -> tuple[dict[str, Any], JudgmentParts]:
    """What the judge issues: the `judgment` record for the case data (its shape is the contract
    the appeal and openness read) and the document's parts. Refused: an unknown outcome, a default
    judgment against a defendant who took part, a wrong amount, no order."""
    check_outcome(edited.outcome, data)
    outcome, locale = edited.outcome, edited.locale
    granted = granted_for(outcome, data, edited.granted_amount)
    period = performance_days(granted, edited.performance_days)
    orders_given = _paragraphs(edited.orders)
    if not orders_given:
        raise Refused("judgment_orders_empty")
    fee, shares = allocation(outcome, data, granted)
    ruling = outcome in RULINGS
    facts_given, reasoning_given = _paragraphs(edited.facts), _paragraphs(edited.reasoning)
    days = appeal_days(outcome, data, abroad)
    record: dict[str, Any] = {
        "kind": "ruling" if ruling else "judgment",
        "outcome": outcome,
        "appealable": appealable(outcome, data),
        "appeal_days": days,  # CPL 171, 286 (None: no appeal)
        "small_claims": small_claims(data),
        "title": court_text(f"documents.title_{'ruling' if ruling else 'judgment'}", locale),
        "facts": facts_given,
        "reasoning": reasoning_given,
        "orders": orders_given,
        "claimed_amount": _str(claimed_amount(data)),
        "granted_amount": _str(granted),
        "performance_days": period,  # CPL 250: enforcement is counted from this period's last day
        "fee": str(fee),
        "fee_shares": [[role, str(amount)] for role, amount in shares],
        "issued_at": now.isoformat(),
        "issued_by": person_id,
        "locale": locale,
    }
    names = {role: f"{t(f'role.{role}', locale)}{party_name(data, role)}" for role in PARTIES}
    parts = JudgmentParts(
        parties=parties(data, locale),
        claims=claims(data, locale),
        facts=facts_given,
        reasoning=reasoning_given,
        orders=orders_given,
        fee=fee,
        fee_shares=[(names[role], amount) for role, amount in shares],
        appeal_court=t("appeal_court", locale),
        appeal_days=days,
        ruling=ruling,
        appealable=outcome not in RULINGS,
    )
    return record, parts
