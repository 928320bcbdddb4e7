"""Linking two accounts of one person: their two person records become one.

Someone may start on the web and later open the bot (or the other way round) before linking; each
channel then made a person of its own, perhaps with a case, a draft or a verified identity. Linking
merges the two, so every case follows the person to both channels ("one person can move between
the two mid-case"). What belonged to the merged record moves to the kept one: case roles, agent
mandates, channel accounts, web sessions, outbox messages, identity decisions and delivery
problems. The record of the acts stays as it happened (events and evidence keep the id that acted);
the merged record remains, pointing at the kept one (`Person.merged_into`).

A merge that would join two different people, or a person to both sides of a case, is refused.
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


async def link_people(tx: Tx, issuer_id: str, redeemer_id: str, now: datetime) -> Linked:
    """Merge the person who issued a link code and the person who redeemed it.

    The kept record is the one with a verified identity, else court staff, else the issuer.
    """
    if issuer_id == redeemer_id:
        return Linked(issuer_id)
    people = await _lock_people(tx, issuer_id, redeemer_id)
    if len(people) != 2 or any(person.merged_into for person in people.values()):
        return Linked(error="link_bad")
    profiles = {person_id: await _profile(tx, person_id) for person_id in people}
    roles = {person_id: await _roles(tx, person_id) for person_id in people}
    problem = _conflict(people, profiles, roles)
    if problem:
        return Linked(error=problem)
    keep, gone = _choose(issuer_id, redeemer_id, people, profiles)
    await _lock_cases(tx, roles[gone])
    cases_moved = await _move_participation(tx, keep, gone, roles)
    await _move_belongings(tx, keep, gone)
    people[gone].merged_into, people[gone].merged_at = keep, now
    return Linked(keep, cases_moved)


async def aliases(tx: Tx, person_id: str) -> list[str]:
    """The person's id and the ids merged into it: who acted in the record as this person."""
    merged = await tx.session.scalars(select(Person.id).where(Person.merged_into == person_id))
    return [person_id, *merged]


async def _lock_people(tx: Tx, *ids: str) -> dict[str, Person]:
    rows = await tx.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id).with_for_update())
    return {person.id: person for person in rows}


async def _profile(tx: Tx, person_id: str) -> IdentityProfile | None:
    profile = await tx.session.get(IdentityProfile, person_id)
    return profile if profile is not None and profile.deleted_at is None else None


async def _roles(tx: Tx, person_id: str) -> dict[str, set[str]]:
    """Case id -> the person's roles in it."""
    rows = await tx.session.execute(
        select(Participant.case_id, Participant.role).where(Participant.person_id == person_id)
    )
    found: dict[str, set[str]] = {}
    for case_id, role in rows:
        found.setdefault(case_id, set()).add(role)
    return found


def _conflict(
    people: dict[str, Person],
    profiles: dict[str, IdentityProfile | None],
    roles: dict[str, dict[str, set[str]]],
) -> str | None:
    a, b = people
    verified = [profile.id_number_hash for profile in profiles.values() if profile and profile.verified_at]
    if len(verified) == 2 and verified[0] != verified[1]:
        return "link_two_people"  # two different verified identities (OLR 7)
    staff = [p for p in people if people[p].staff_role]
    if len(staff) == 2:
        return "link_two_people"
    if staff and (roles[_other(staff[0], a, b)] or profiles[_other(staff[0], a, b)] is not None):
        return "link_staff"  # a court officer's account never carries a litigant's cases
    for case_id in roles[a].keys() & roles[b].keys():
        if roles[a][case_id] != roles[b][case_id]:
            return "link_both_sides"  # one person in two roles of one case
    return None


def _choose(
    issuer_id: str, redeemer_id: str, people: dict[str, Person], profiles: dict[str, IdentityProfile | None]
) -> tuple[str, str]:
    def rank(person_id: str) -> tuple[bool, bool, bool]:
        profile = profiles[person_id]
        return (
            profile is not None and profile.verified_at is not None,
            people[person_id].staff_role is not None,
            profile is not None,
        )

    keep = redeemer_id if rank(redeemer_id) > rank(issuer_id) else issuer_id
    return keep, _other(keep, issuer_id, redeemer_id)


def _other(one: str, a: str, b: str) -> str:
    return b if one == a else a


async def _lock_cases(tx: Tx, roles: dict[str, set[str]]) -> None:
    """Lock the merged person's cases (in id order, as every command does) so that no command
    on them runs half before and half after the merge."""
    if roles:
        await tx.session.execute(select(Case.id).where(Case.id.in_(sorted(roles))).order_by(Case.id).with_for_update())


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


async def _move_belongings(tx: Tx, keep: str, gone: str) -> None:
    """Channels, sessions, messages and the identity history follow the person."""
    for model in (ChannelAccount, WebSession, OutboxMessage, DeliveryProblem, IdentityDecision):
        await tx.session.execute(update(model).where(model.person_id == gone).values(person_id=keep))
    if await _profile(tx, keep) is None:  # an identity check begun (consent given) on the merged record
        profile = await tx.session.get(IdentityProfile, gone)
        if profile is not None and profile.deleted_at is None:
            await tx.session.delete(profile)
            await tx.session.flush()
            tx.add(_moved_profile(profile, keep))


def _moved_profile(profile: IdentityProfile, keep: str) -> IdentityProfile:
    return IdentityProfile(
        person_id=keep,
        sealed=profile.sealed,
        id_number_hash=profile.id_number_hash,
        method=profile.method,
        verified_at=profile.verified_at,
        consent_at=profile.consent_at,
        deleted_at=None,
    )
