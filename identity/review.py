"""The clerk's manual identity check: who waits for it, what led there, and a clerk's decision
(an override).

A person waits when their latest ``verify`` decision ended ``pending_review`` (a selfie, liveness
not checked; or anything else a part of the identity service sends to the clerk, its reason
saying why) or ``refused`` (out of attempts). Who may see and decide is settled before these run
(``court.access.identity_desk``: a clerk or judge, for their court); here each court's people are
kept apart, and a decision is recorded with who decided and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from identity.decisions import Check
from identity.id_numbers import masked_id_number
from identity.models import IdentityDecision, IdentityProfile
from identity.records import CHECKING, REFERENCE, VERIFY, profile_for_update, record_decision, sealed_content
from identity.results import HistoryEntry, IdentityRefused, QueueItem
from identity.settings import IdentitySettings
from storage.models import Case, Participant, Person
from storage.store import Tx

__all__ = ["QUEUE_OUTCOMES", "decision_history", "record_override", "review_item", "review_queue"]

QUEUE_OUTCOMES = ("pending_review", "refused")  # a person whose latest check ended so waits
HISTORY_PURPOSES = (REFERENCE, VERIFY)  # what led to the clerk: the ID photos given and each check


async def review_queue(tx: Tx, court_code: str, home_court: str) -> list[QueueItem]:
    """The people of ``court_code`` waiting for a manual check, longest waiting first."""
    items = []
    for decision, profile, person in await _queue_rows(tx):
        cases = await _court_cases(tx, person.id, court_code, home_court)
        if cases is not None:
            items.append(_queue_item(tx, decision, profile, person, cases))
    return items


async def review_item(tx: Tx, court_code: str, home_court: str, person_id: str) -> QueueItem | None:
    """One person of ``court_code`` as the clerk sees them, from their latest verify decision
    (None: not a person of this court, or never checked)."""
    person = await tx.person(person_id)
    cases = None if person is None else await _court_cases(tx, person_id, court_code, home_court)
    profile = await tx.session.get(IdentityProfile, person_id)
    latest = await tx.session.scalar(
        select(IdentityDecision)
        .where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.purpose == VERIFY,
            IdentityDecision.outcome != CHECKING.outcome,
        )
        .order_by(IdentityDecision.id.desc())
        .limit(1)
    )
    if person is None or cases is None or profile is None or latest is None:
        return None
    return _queue_item(tx, latest, profile, person, cases)


async def decision_history(tx: Tx, person_id: str) -> list[HistoryEntry]:
    """Every reference and check of the person, with its outcome and reasons, oldest first."""
    rows = await tx.session.scalars(
        select(IdentityDecision)
        .where(
            IdentityDecision.person_id == person_id,
            IdentityDecision.purpose.in_(HISTORY_PURPOSES),
            IdentityDecision.outcome != CHECKING.outcome,
        )
        .order_by(IdentityDecision.id)
    )
    return [
        HistoryEntry(
            decision_id=row.id,
            at=row.at,
            purpose=row.purpose,
            channel=row.channel,
            outcome=row.outcome,
            reason=row.reason,
            liveness=row.liveness,
            distance=row.distance,
            tolerance=row.tolerance,
            decided_by=row.decided_by,
            override_reason=row.override_reason,
        )
        for row in rows
    ]


async def record_override(
    tx: Tx,
    clerk_id: str,
    court_code: str,
    person_id: str,
    outcome: str,
    reason: str,
    now: datetime,
    settings: IdentitySettings,
) -> None:
    """Record the decision of a clerk of ``court_code`` (authorized by the caller) about a person
    of that court; ``verified`` verifies."""
    if await tx.person(person_id) is None or await _court_cases(tx, person_id, court_code, settings.court_code) is None:
        raise IdentityRefused("unknown_person")
    profile = await profile_for_update(tx, person_id)
    if outcome == "verified":
        profile.verified_at, profile.method, profile.deleted_at = now, "clerk_override", None
    record_decision(
        tx,
        person_id,
        VERIFY,
        "clerk",
        Check(f"override_{outcome}", None, None, "not_checked"),
        now,
        settings.tolerance,
        decided_by=clerk_id,
        override_reason=reason[:2000],
    )


async def _queue_rows(tx: Tx) -> list[tuple[IdentityDecision, IdentityProfile, Person]]:
    """Unverified people whose latest verification decision left them waiting for a clerk."""
    latest = (
        select(IdentityDecision.person_id, func.max(IdentityDecision.id).label("last_id"))
        .where(IdentityDecision.purpose == VERIFY, IdentityDecision.outcome != CHECKING.outcome)
        .group_by(IdentityDecision.person_id)
        .subquery()
    )
    rows = await tx.session.execute(
        select(IdentityDecision, IdentityProfile, Person)
        .join(latest, IdentityDecision.id == latest.c.last_id)
        .join(IdentityProfile, IdentityProfile.person_id == IdentityDecision.person_id)
        .join(Person, Person.id == IdentityDecision.person_id)
        .where(
            IdentityDecision.outcome.in_(QUEUE_OUTCOMES),
            IdentityProfile.verified_at.is_(None),
            IdentityProfile.deleted_at.is_(None),
        )
        .order_by(IdentityDecision.at)
    )
    return [(d, p, person) for d, p, person in rows]


async def _court_cases(tx: Tx, person_id: str, court_code: str, home_court: str) -> list[Case] | None:
    """The person's cases in ``court_code``; [] for someone with no case at all in this
    deployment's own court (they verify before filing); None if they belong to another court."""
    cases = list(
        await tx.session.scalars(
            select(Case)
            .join(Participant, Participant.case_id == Case.id)
            .where(Participant.person_id == person_id)
            .order_by(Case.created_at)
        )
    )
    mine = [case for case in cases if case.court_code == court_code]
    if mine or (not cases and court_code == home_court):
        return mine
    return None


def _queue_item(
    tx: Tx, decision: IdentityDecision, profile: IdentityProfile, person: Person, cases: list[Case]
) -> QueueItem:
    """What a clerk needs to see for one waiting person (masked ID number, no biometrics)."""
    opened = sealed_content(tx, profile)
    return QueueItem(
        person_id=person.id,
        display_name=person.display_name,
        name=str(opened.get("name", "")),
        id_masked=masked_id_number(str(opened.get("id_number", ""))),
        since=decision.at,
        outcome=decision.outcome,
        reason=decision.reason,
        distance=decision.distance,
        channel=decision.channel,
        cases=[{"case_id": c.id, "reference": c.case_number or c.reference, "status": c.status} for c in cases],
    )
