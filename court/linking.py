"""Linking two accounts of one person: their two person records become one.

Someone may start on the web and later open the bot (or the other way round) before linking; each
channel then made a person of its own, perhaps with a draft or a verified identity. Linking
merges the two, so every case follows the person to both channels ("one person can move between
the two mid-case"). What belonged to the merged record moves to the kept one: case roles, agent
mandates, channel accounts, web sessions, outbox messages, identity decisions and delivery
problems. The record of the acts stays as it happened (events and evidence keep the id that acted);
the merged record remains, pointing at the kept one (`Person.merged_into`).

Only the redeemer's record moves, and only what a tricked redeemer could afford to lose to the
code's issuer: a record holding an identity check (begun, passed or deleted) never redeems, nor
does court staff; such a link is started from that account instead (`link_start_here`). Records
that would put one person on both sides of a case, or a lawyer with their client, are not merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from identity.models import IdentityDecision, IdentityProfile
from storage.models import (
    AgentMandate,
    Case,
    ChannelAccount,
    DeliveryProblem,
    OutboxMessage,
    Participant,
    Person,
    WebSession,
)
from storage.store import Tx


@dataclass(frozen=True)
class Linked:
    """The merge's result: the person both accounts now belong to, or why not (`error`)."""

    person_id: str | None = None
    cases_moved: int = 0
    error: str | None = None
    merged: str | None = None  # the record merged into `person_id`, if there were two


async def link_people(tx: Tx, issuer_id: str, redeemer_id: str, now: datetime) -> Linked:
    """Merge the person who redeemed a link code into the person who issued it."""
    if issuer_id == redeemer_id:
        return Linked(issuer_id)
    people = await _lock_people(tx, issuer_id, redeemer_id)
    if len(people) != 2 or any(person.merged_into for person in people.values()):
        return Linked(error="link_bad")
    if any(person.staff_role for person in people.values()):
        return Linked(error="link_staff")  # staff sign in with their own links; no takeover by code
    if await _has_identity(tx, redeemer_id):
        return Linked(error="link_two_people" if await _has_identity(tx, issuer_id) else "link_start_here")
    await _lock_cases(tx, people)  # before reading roles, so that no join or answer slips between
    roles = {person_id: await _roles(tx, person_id) for person_id in people}
    if _both_sides(roles) or await _agent_of_the_other(tx, issuer_id, redeemer_id):
        return Linked(error="link_both_sides")
    keep, gone = issuer_id, redeemer_id
    cases_moved = await _move_participation(tx, keep, gone, roles)
    for model in (ChannelAccount, WebSession, OutboxMessage, DeliveryProblem, IdentityDecision):
        await tx.session.execute(update(model).where(model.person_id == gone).values(person_id=keep))
    people[gone].merged_into, people[gone].merged_at = keep, now
    return Linked(keep, cases_moved, merged=gone)


async def aliases(tx: Tx, person_id: str) -> list[str]:
    """The person's id and the ids merged into it, and into those (a record merged earlier into
    one merged later): who acted in the record as this person."""
    merged = select(Person.id).where(Person.merged_into == person_id).cte("merged", recursive=True)
    merged = merged.union_all(select(Person.id).where(Person.merged_into == merged.c.id))
    return [person_id, *await tx.session.scalars(select(merged.c.id))]


async def _lock_people(tx: Tx, *ids: str) -> dict[str, Person]:
    # FOR NO KEY UPDATE: a command holding its case lock while it writes outbox rows for these
    # people (a foreign key, so KEY SHARE on their rows) must not wait on us while we wait on it
    rows = await tx.session.scalars(
        select(Person).where(Person.id.in_(ids)).order_by(Person.id).with_for_update(key_share=True)
    )
    return {person.id: person for person in rows}


async def _has_identity(tx: Tx, person_id: str) -> bool:
    """Any identity record, live or deleted: name, ID number, perhaps a face template."""
    return await tx.session.get(IdentityProfile, person_id) is not None


async def _roles(tx: Tx, person_id: str) -> dict[str, set[str]]:
    """Case id -> the person's roles in it."""
    found: dict[str, set[str]] = {}
    for case, role in await tx.cases_of(person_id):
        found.setdefault(case.id, set()).add(role)
    return found


def _both_sides(roles: dict[str, dict[str, set[str]]]) -> bool:
    """One person in two different roles of one case."""
    a, b = roles.values()
    return any(a[case_id] != b[case_id] for case_id in a.keys() & b.keys())


async def _lock_cases(tx: Tx, people: dict[str, Person]) -> None:
    """Lock both people's cases in id order, so that no command on them (an answer, a join)
    runs half before and half after the merge."""
    theirs = select(Participant.case_id).where(Participant.person_id.in_(list(people)))
    await tx.session.execute(select(Case.id).where(Case.id.in_(theirs)).order_by(Case.id).with_for_update())


async def _agent_of_the_other(tx: Tx, a: str, b: str) -> bool:
    """A lawyer's record never merges with their client's (any mandate, even one not yet decided)."""
    found = await tx.session.scalar(
        select(AgentMandate.id).where(AgentMandate.party_id.in_([a, b]), AgentMandate.agent_id.in_([a, b])).limit(1)
    )
    return found is not None


async def _move_participation(tx: Tx, keep: str, gone: str, roles: dict[str, dict[str, set[str]]]) -> int:
    """Case roles and agent mandates; a role both records hold in a case is kept once."""
    shared = list(roles[keep].keys() & roles[gone].keys())
    if shared:
        await tx.session.execute(
            delete(Participant).where(Participant.person_id == gone, Participant.case_id.in_(shared))
        )
    await tx.session.execute(update(Participant).where(Participant.person_id == gone).values(person_id=keep))
    await tx.session.execute(update(AgentMandate).where(AgentMandate.party_id == gone).values(party_id=keep))
    await tx.session.execute(update(AgentMandate).where(AgentMandate.agent_id == gone).values(agent_id=keep))
    return len(roles[gone].keys() - roles[keep].keys())
