"""Who takes part in a case: a person's role in the locked case, who acted for whom, and the
prompt a person was last shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.linking import aliases
from court.outcomes import Outcome
from identity.models import verified_as
from storage import queries
from storage.models import Case, Person
from storage.store import Tx

People = Mapping[str, list[str]]  # role -> person ids

IDENTITY_DESK = ("clerk", "judge")
"""Who checks identities by hand (DOMAIN §1: the court's staff; an admin is court IT and sees no
sealed content, which ID photos and live recordings are)."""


def identity_desk(person: Person | None) -> str | None:
    """The court whose manual identity checks this person may see and decide (its queue, the
    pictures, the decision history, pass or fail), else None: a clerk or judge of that court,
    never a party, an admin or someone signed out. The one place this is decided; a person of
    another court is then out of reach (identity.review keeps each court's people apart)."""
    if person is None or person.staff_role not in IDENTITY_DESK or not person.court_code:
        return None
    return person.court_code


async def case_for(tx: Tx, person_id: str, case_id: str) -> tuple[Case, str, People] | Outcome:
    """The case locked, the person's role in it and everyone taking part; never reveals whether
    a case the person has no part in exists."""
    case = await tx.lock_case(case_id)
    if case is None:
        return Outcome(case_id, "not_a_party")
    role, people = await tx.access(person_id, case)
    if role is None:
        return Outcome(case_id, "not_a_party")
    return case, role, people


async def court_case(tx: Tx, person_id: str, case_id: str) -> Case | Outcome:
    """The case read (not locked) for a member of its court (clerk or judge: role `court`);
    `not_a_party` for anyone else, as for a case that does not exist."""
    case = await tx.get_case(case_id)
    if case is None or (await tx.access(person_id, case))[0] != "court":
        return Outcome(case_id, "not_a_party")
    return case


async def ruling_refusal(tx: Tx, case: Case, person_id: str, role: str, ruling: bool) -> Outcome | None:
    """Why the person may not do this act in the case (None: they may). A ruling (a step marked
    `ruling`, an extension, a decision on an application) is the act of the judge assigned to the
    case and nobody else's (DOMAIN §1): a clerk prepares and serves it. A case that has no judge
    (filed on an earlier flow version, before judges were assigned) takes any of the court's
    judges. The one place this is checked."""
    if not ruling:
        return None
    if role != "court":
        return Outcome(case.id, "judges_rule")
    if case.judge_id is None:  # a case from before judges were assigned: one of the court's judges
        person = await tx.person(person_id)
        is_judge = person is not None and person.staff_role == "judge" and person.court_code == case.court_code
        return None if is_judge else Outcome(case.id, "judges_rule")
    if case.judge_id not in await aliases(tx, person_id) and person_id != case.judge_id:
        return Outcome(case.id, "judges_rule")
    return None


async def who_acted(tx: Tx, case: Case, person_id: str, role: str, channel: str, people: People) -> dict[str, Any]:
    """Who acted, and for whom when an agent acts for a party (an agent shares the party's role,
    so someone alone in their role acts for themselves)."""
    on_behalf_of = None
    if len(people.get(role, ())) > 1:
        on_behalf_of = await tx.session.scalar(queries.MANDATE_FOR, {"case_id": case.id, "agent_id": person_id})
    return {"actor_id": person_id, "on_behalf_of": on_behalf_of, "role": role, "channel": channel}


async def prompt_of(tx: Tx, case: Case, person_id: str, role: str) -> dict[str, Any] | None:
    """The newest prompt sent to the person in this role (None: none yet)."""
    row = await tx.latest_prompt(case.id, person_id, role)
    if row is None:
        return None
    return {"id": row.id, "case_id": case.id, "at": row.created_at.isoformat(), **tx.sealer.open(row.payload)}


async def known_as(tx: Tx, person_id: str | None) -> str:
    """The name a person verified with (agents and parties are verified), else the name their
    channel gave, else nothing."""
    if not person_id:
        return ""
    verified = await verified_as(tx, person_id)
    person = await tx.person(person_id) if verified is None else None
    return verified[0] if verified else (person.display_name if person else "")
