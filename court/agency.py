"""Agents: a party invites a lawyer or other agent, who verifies, uploads a power of attorney,
and acts for the party once the clerk accepts it. Every act records who acted and for whom.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from court.access import known_as
from court.outcomes import Outcome
from court.postbag import KICK
from court.service import CourtService
from identity.models import is_verified
from storage.models import AgentMandate, Case, Participant
from storage.store import Tx, staff_of
from storage.text import storable

PARTY_ROLES = ("plaintiff", "defendant")


def _may_appoint(court: CourtService, tx: Tx, case: Case, role: str | None) -> bool:
    """A party may appoint an agent, unless the court has not admitted them to the role yet (the
    stage says so: filing v3's representative stages, CPL 51, 62)."""
    if role not in PARTY_ROLES:
        return False
    state = tx.open_state(case)
    stage = court.library.get(case.flow_id, case.flow_version).stages.get(state["stage"])
    return stage is not None and role not in stage.unadmitted  # a stage unknown to its flow: no


@dataclass(frozen=True)
class MandateView:
    id: str
    case_id: str
    reference: str
    party_role: str
    status: str
    poa_name: str | None
    poa_sha256: str | None
    agent_name: str = ""
    party_name: str = ""
    company: str = ""  # the company the party acts for (a company defendant, CPL 51)


def _company(data: dict[str, Any], party_role: str) -> str:
    party = data.get(party_role) or {}
    return str(party.get("name", "")) if party.get("kind") == "company" else ""


def _code(case_id: str) -> str:
    return (
        "g" + base64.urlsafe_b64encode(uuid.UUID(case_id).bytes).decode().rstrip("=") + secrets.token_urlsafe(15)[:20]
    )


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


class AgencyService:
    """Mandates live beside the case flow: they change who may act, not where the case is."""

    def __init__(self, court: CourtService) -> None:
        self.court = court

    async def invite(self, party_id: str, case_id: str) -> Outcome:
        """A party asks for a one-time code to give its agent."""
        now = self.court.clock()
        async with self.court.store.tx() as tx:
            person = await tx.person(party_id)
            case = await tx.get_case(case_id)
            role = await tx.role_in_case(person, case) if person and case else None
            if case is None or role not in PARTY_ROLES or await self.agent_for(tx, case_id, party_id):
                return Outcome(case_id, "not_a_party")
            if not _may_appoint(self.court, tx, case, role):
                return Outcome(case_id, "representative_not_admitted")
            code = _code(case_id)
            tx.add(
                AgentMandate(
                    id=str(uuid.uuid4()),
                    case_id=case_id,
                    party_role=str(role),
                    party_id=party_id,
                    code_hash=_hash(code),
                    status="invited",
                    created_at=now,
                )
            )
            await tx.log(case_id, 0, "agent_invited", {"party_role": role}, now, actor_id=party_id, role=role)
        return Outcome(case_id, params={"code": code})

    async def accept(self, agent_id: str, code: str, poa_name: str, poa: bytes) -> Outcome:
        """The agent, verified, takes the code and uploads the power of attorney for review."""
        if not storable(poa_name):  # NUL or a lone surrogate: refused before a byte is stored
            return Outcome(error="file_name_bad")
        if not poa:
            return Outcome(error="file_empty", params={"name": poa_name})
        if len(poa) > self.court.settings.max_upload_bytes:
            return Outcome(
                error="file_too_large",
                params={
                    "name": poa_name,
                    "size_mb": f"{len(poa) / 1048576:.1f}",
                    "limit_mb": self.court.settings.max_upload_mb,
                },
            )
        async with self.court.store.tx() as tx:  # check first: nothing is stored for a refused attempt
            refused = await self._refusal(tx, agent_id, code)
        if refused is not None:
            return refused
        sha256 = await self.court.blobs.put(poa)
        now = self.court.clock()
        async with self.court.store.tx() as tx:
            found = await tx.session.scalar(select(AgentMandate.id).where(AgentMandate.code_hash == _hash(code)))
            mandate, _case = await _locked(tx, found or "")  # a release may have revoked it meanwhile
            refused = await self._refusal(tx, agent_id, code)
            if refused is not None:
                return refused
            assert mandate is not None
            mandate.agent_id, mandate.status = agent_id, "pending_review"
            mandate.poa_sha256, mandate.poa_name = sha256, poa_name[:255]
            self._tell(tx, mandate, "court", None, "agency.review_needed", now)
            await tx.log(
                mandate.case_id,
                0,
                "agent_poa_uploaded",
                {"sha256": sha256},
                now,
                actor_id=agent_id,
                on_behalf_of=mandate.party_id,
                role="agent",
            )
        await self._kick()
        return Outcome(mandate.case_id, params={"mandate_id": mandate.id, "sha256": sha256})

    @staticmethod
    async def _refusal(tx: Tx, agent_id: str, code: str) -> Outcome | None:
        """Why this person may not take this agent code, if they may not."""
        mandate = await tx.session.scalar(select(AgentMandate).where(AgentMandate.code_hash == _hash(code)))
        if mandate is None or mandate.status != "invited":
            return Outcome(error="invitation_unknown")
        if not await is_verified(tx.session, agent_id):
            return Outcome(mandate.case_id, "agent_verify_first")
        if agent_id == mandate.party_id or await _holds_a_role(tx, mandate.case_id, agent_id):
            return Outcome(mandate.case_id, "agent_is_party")
        return None

    async def decide(self, clerk_id: str, mandate_id: str, accept: bool, reason: str) -> Outcome:
        """The clerk accepts or refuses the power of attorney (one place checks who may)."""
        now = self.court.clock()
        async with self.court.store.tx() as tx:
            mandate, case = await _locked(tx, mandate_id)
            clerk = await tx.person(clerk_id)
            # the court reviews a power of attorney sent to it, for a draft too (it is not the draft)
            if mandate is None or case is None or clerk is None or not staff_of(clerk, case):
                return Outcome(error="not_a_party")
            if mandate.status != "pending_review" or mandate.agent_id is None:
                return Outcome(case.id, "stale_step")
            if accept and await _holds_a_role(tx, case.id, mandate.agent_id):
                return Outcome(case.id, "agent_is_party")  # became a party since taking the code
            principal = mandate.party_id in (await tx.participants(case.id)).get(mandate.party_role, [])
            if accept and not (principal and _may_appoint(self.court, tx, case, mandate.party_role)):
                return Outcome(case.id, "principal_not_admitted")  # left, or not admitted yet
            mandate.status = "accepted" if accept else "refused"
            mandate.decided_by, mandate.decided_at, mandate.reason = clerk_id, now, reason[:2000]
            if accept:
                tx.add(Participant(case_id=case.id, role=mandate.party_role, person_id=mandate.agent_id))
            key = "agency.accepted" if accept else "agency.refused"
            for person_id in (mandate.party_id, mandate.agent_id):
                self._tell(tx, mandate, mandate.party_role, person_id, key, now, reason=reason)
            detail = {"reason": reason}
            await tx.log(case.id, 0, f"agent_{mandate.status}", detail, now, actor_id=clerk_id, role="court")
        await self._kick()
        return Outcome(case.id)

    async def revoke(self, party_id: str, mandate_id: str) -> Outcome:
        """The party withdraws the mandate; the agent can no longer act."""
        now = self.court.clock()
        async with self.court.store.tx() as tx:
            mandate, _case = await _locked(tx, mandate_id)
            if mandate is None or mandate.party_id != party_id or mandate.status not in ("accepted", "pending_review"):
                return Outcome(error="not_a_party")
            if mandate.status == "accepted" and mandate.agent_id:
                await tx.session.execute(
                    delete(Participant).where(
                        Participant.case_id == mandate.case_id, Participant.person_id == mandate.agent_id
                    )
                )
            mandate.status, mandate.decided_at = "revoked", now
            await tx.log(mandate.case_id, 0, "agent_revoked", {}, now, actor_id=party_id, role=mandate.party_role)
        return Outcome(mandate.case_id)

    async def queue(self, clerk_id: str) -> list[MandateView]:
        """Powers of attorney waiting for the clerk of this court."""
        async with self.court.store.tx() as tx:
            clerk = await tx.person(clerk_id)
            if clerk is None or clerk.staff_role not in ("clerk", "judge"):
                return []
            rows = await tx.session.execute(
                select(AgentMandate, Case.reference, Case.state)
                .join(Case, Case.id == AgentMandate.case_id)
                .where(AgentMandate.status == "pending_review", Case.court_code == clerk.court_code)
                .order_by(AgentMandate.created_at)
            )
            views = []
            for m, ref, sealed in rows:
                views.append(
                    MandateView(
                        m.id,
                        m.case_id,
                        ref,
                        m.party_role,
                        m.status,
                        m.poa_name,
                        m.poa_sha256,
                        await known_as(tx, m.agent_id),
                        await known_as(tx, m.party_id),
                        _company(tx.sealer.open(sealed)["data"], m.party_role),
                    )
                )
            return views

    async def power_of_attorney(self, clerk_id: str, mandate_id: str) -> tuple[str, bytes] | None:
        """The uploaded power of attorney, for the court that reviews it (None for anyone else)."""
        async with self.court.store.tx() as tx:
            mandate = await tx.session.get(AgentMandate, mandate_id)
            case = await tx.get_case(mandate.case_id) if mandate else None
            clerk = await tx.person(clerk_id)
            if mandate is None or case is None or clerk is None or mandate.poa_sha256 is None:
                return None
            if not staff_of(clerk, case):  # the reviewing court, for a draft's agent too
                return None
            name, key = mandate.poa_name or "power-of-attorney", mandate.poa_sha256
        return name, await self.court.blobs.get(key)

    @staticmethod
    async def agent_for(tx: Tx, case_id: str, person_id: str) -> str | None:
        """If `person_id` acts in the case as an accepted agent: for whom."""
        return await tx.session.scalar(
            select(AgentMandate.party_id).where(
                AgentMandate.case_id == case_id, AgentMandate.agent_id == person_id, AgentMandate.status == "accepted"
            )
        )

    def _tell(
        self, tx: Tx, mandate: AgentMandate, role: str, person_id: str | None, text: str, now: Any, **params: Any
    ) -> None:
        tx.outbox(
            mandate.case_id,
            role,
            person_id,
            {
                "text": text,
                "params": {
                    "party_role": {"t": f"agency.role.{mandate.party_role}"},
                    "file": mandate.poa_name or "",
                    **params,
                },
            },
            now,
        )

    async def _kick(self) -> None:
        if self.court.after_commit is not None:
            await self.court.after_commit(KICK)


async def _holds_a_role(tx: Tx, case_id: str, person_id: str) -> bool:
    """Whether the person is already in the case (a party, or another party's agent)."""
    return any(person_id in people for people in (await tx.participants(case_id)).values())


async def _locked(tx: Tx, mandate_id: str) -> tuple[AgentMandate | None, Case | None]:
    """The mandate, read again once its case is locked: decisions and revocations on one case
    run one at a time, and none of them acts on a status another has just changed."""
    mandate = await tx.session.get(AgentMandate, mandate_id)
    if mandate is None:
        return None, None
    case = await tx.lock_case(mandate.case_id)
    fresh = await tx.session.get(AgentMandate, mandate_id, populate_existing=True)
    return fresh, case
