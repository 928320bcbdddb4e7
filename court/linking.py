"""Linking two accounts of one person: their two person records become one.

Someone may start on the web and later open the bot (or the other way round) before linking; each
channel then made a person of its own, perhaps with a case, a draft or a verified identity. Linking
merges the two, so every case follows the person to both channels ("one person can move between
the two mid-case"). What belonged to the merged record moves to the kept one: case roles, agent
mandates, channel accounts, web sessions, outbox messages, identity decisions and delivery
problems. The record of the acts stays as it happened (events and evidence keep the id that acted);
the merged record remains, pointing at the kept one (`Person.merged_into`).

A merge that would join two different people, or a person to both sides of a case, is refused.
So is one that would bring a code's issuer into a verified or staff record: a link code proves only
that its issuer wants the link, and someone tricked into redeeming another's code must not hand
over their identity. Such a link is started from the verified (or staff) account instead.
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
    """Merge the person who redeemed a link code into the person who issued it.

    Refused (`link_start_here`) when the redeemer's record outranks the issuer's (a verified
    identity, or court staff): then the link must be started from the redeemer's account.
    """
    if issuer_id == redeemer_id:
        return Linked(issuer_id)
    people = await _lock_people(tx, issuer_id, redeemer_id)
    if len(people) != 2 or any(person.merged_into for person in people.values()):
        return Linked(error="link_bad")
    profiles = {person_id: await _profile(tx, person_id) for person_id in people}
    if _rank(people[redeemer_id], profiles[redeemer_id]) > _rank(people[issuer_id], profiles[issuer_id]):
        return Linked(error="link_start_here")
    await _lock_cases(tx, people)  # before reading roles, so that no join or answer slips between
    roles = {person_id: await _roles(tx, person_id) for person_id in people}
    problem = _conflict(people, profiles, roles) or await _agent_of_the_other(tx, issuer_id, redeemer_id)
    if problem:
        return Linked(error=problem)
    keep, gone = issuer_id, redeemer_id
    cases_moved = await _move_participation(tx, keep, gone, roles)
    await _move_belongings(tx, keep, gone, profiles)
    people[gone].merged_into, people[gone].merged_at = keep, now
    return Linked(keep, cases_moved, merged=gone)


async def aliases(tx: Tx, person_id: str) -> list[str]:
    """The person's id and the ids merged into it: who acted in the record as this person."""
    merged = await tx.session.scalars(select(Person.id).where(Person.merged_into == person_id))
    return [person_id, *merged]


async def _lock_people(tx: Tx, *ids: str) -> dict[str, Person]:
    # FOR NO KEY UPDATE: a command holding its case lock while it writes outbox rows for these
    # people (a foreign key, so KEY SHARE on their rows) must not wait on us while we wait on it
    rows = await tx.session.scalars(
        select(Person).where(Person.id.in_(ids)).order_by(Person.id).with_for_update(key_share=True)
    )
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


def _rank(person: Person, profile: IdentityProfile | None) -> tuple[bool, bool]:
    """What a record holds that a link code must not be able to take over."""
    return (profile is not None and profile.verified_at is not None, person.staff_role is not None)


def _other(one: str, a: str, b: str) -> str:
    return b if one == a else a


async def _lock_cases(tx: Tx, people: dict[str, Person]) -> None:
    """Lock both people's cases in id order, so that no command on them (an answer, a join)
    runs half before and half after the merge."""
    theirs = select(Participant.case_id).where(Participant.person_id.in_(list(people)))
    await tx.session.execute(select(Case.id).where(Case.id.in_(theirs)).order_by(Case.id).with_for_update())


async def _agent_of_the_other(tx: Tx, a: str, b: str) -> str | None:
    """A lawyer's record never merges with their client's: agent and party are two people."""
    found = await tx.session.scalar(
        select(AgentMandate.id).where(AgentMandate.party_id.in_([a, b]), AgentMandate.agent_id.in_([a, b])).limit(1)
    )
    return "link_both_sides" if found else None


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


async def _move_belongings(tx: Tx, keep: str, gone: str, profiles: dict[str, IdentityProfile | None]) -> None:
    """Channels, sessions, messages and the identity history follow the person. An identity
    check begun on the merged record moves too unless the kept one has its own: a second face
    template is not kept (PIPL 28: no more biometric data than needed)."""
    for model in (ChannelAccount, WebSession, OutboxMessage, DeliveryProblem, IdentityDecision):
        await tx.session.execute(update(model).where(model.person_id == gone).values(person_id=keep))
    profile = profiles[gone]
    if profile is None:
        return
    await tx.session.delete(profile)
    await tx.session.flush()
    if profiles[keep] is None:
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
