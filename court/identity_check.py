"""Whether the people in a role are verified, and as whom (OLR 7, ICP 6): the court's answer
to a flow's `check_identity` service call."""

from __future__ import annotations

from typing import Any

from flows.events import Signal
from identity.models import is_verified, verified_as
from identity.names import same_name
from storage.queries import ACCEPTED_AGENTS
from storage.store import Tx


async def identity_answer(tx: Tx, case_id: str, params: dict[str, Any]) -> Signal | None:
    """Whether everyone in the role is verified (OLR 7, ICP 6): None while someone is not. When the
    flow gives the party's name and resident ID number (filing v2), also whether the party (not an
    agent acting for it) was verified as that person; a mismatch carries what they verified with."""
    people = (await tx.participants(case_id)).get(params["role"], [])
    if not people or not all([await is_verified(tx.session, person_id) for person_id in people]):
        return None
    if "id_number" not in params:  # filing v1 asked only whether the account was verified
        return Signal("identity_verified")
    agents = set(await tx.session.scalars(ACCEPTED_AGENTS, {"case_id": case_id}))
    for person_id in (p for p in people if p not in agents):
        found = await verified_as(tx, person_id)
        assert found is not None  # verified, just above
        name, number = found
        if number != params["id_number"] or not same_name(name, str(params.get("name", ""))):
            verified = {"name": name, "id_number": number}  # sealed with the case; shown masked
            if verified == params.get("known"):
                return None  # the mismatch the plaintiff was already told: nothing new
            return Signal("identity_mismatch", {"identity_check.verified": verified})
    return Signal("identity_verified", {"identity_check.verified": None})
