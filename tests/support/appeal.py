"""Builders for the appeal's tests: a case whose judgment is issued and served, handed to flow `appeal`.

`judgment_served` stands in for the judgment flow's issue (judgment helper's `tests/support/judgment.py`
takes the real path from DELIBERATION): it puts the contract's `judgment` object in the case data,
serves it on each party in the chat (`judgment.served_judgment` / `judgment.served_ruling`) and hands
the case over to the newest `appeal` flow through the service layer's own decide-and-write.
"""

from __future__ import annotations

from typing import Any

from app.simulation import Simulation
from court import accounts
from court.writes import write
from flows.engine import handed_over
from flows.events import Start
from flows.state import CaseState
from gateway.court import Court
from storage.models import Person
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, sweep


def judgment_object(kind: str = "judgment", small_claims: bool = False, claimed: str | None = "3000") -> dict[str, Any]:
    """The `judgment` object of the contract between the judgment and appeal flows."""
    return {
        "kind": kind,
        "outcome": "granted" if kind == "judgment" else "jurisdiction",
        "appealable": not small_claims,
        "small_claims": small_claims,
        "title": "民事判决书" if kind == "judgment" else "民事裁定书",
        "facts": ["The phone was delivered faulty."],
        "reasoning": ["The seller must refund."],
        "orders": ["The defendant refunds 3000 yuan."],
        "claimed_amount": claimed,
        "granted_amount": claimed,
        "fee": "25.00",
        "fee_shares": [["defendant", "25.00"]],
        "issued_at": "2026-12-01T02:00:00+00:00",
        "issued_by": "judge",
        "locale": "zh",
        "document_sha256": "0" * 64,
    }


async def judgment_served(
    court: Court,
    sim: Simulation,
    kind: str = "judgment",
    small_claims: bool = False,
    claimed: str | None = "3000",
    defendant_abroad: bool = False,
) -> tuple[str, Person, Person]:
    """A case in trial whose judgment (or ruling) was issued, served on both parties in the chat and
    handed over to flow `appeal`; the served copies delivered and the periods started (a sweep).
    (case id, the plaintiff, the defendant's representative)."""
    case_id, rep = await case_in_trial(court, sim)
    plaintiff = await demo_person(court, "litigant_a")
    async with court.store.tx() as tx:  # the plaintiff uses the web chat too: served on arrival (CPL 90)
        await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, court.clock())
    await serve_judgment(court, case_id, plaintiff, rep, kind, small_claims, claimed, defendant_abroad)
    return case_id, plaintiff, rep


async def serve_judgment(
    court: Court,
    case_id: str,
    plaintiff: Person,
    defendant: Person,
    kind: str = "judgment",
    small_claims: bool = False,
    claimed: str | None = "3000",
    defendant_abroad: bool = False,
) -> None:
    """Issue and serve the judgment (or ruling) of a case in trial and hand it over to flow `appeal`."""
    service = court.service
    now = court.clock()
    text = "judgment.served_judgment" if kind == "judgment" else "judgment.served_ruling"
    async with court.store.tx() as tx:
        case = await tx.lock_case(case_id)
        assert case is not None
        state = CaseState.from_json(tx.open_state(case))
        state.data["judgment"] = judgment_object(kind, small_claims, claimed)
        state.data["defendant"]["abroad"] = defendant_abroad
        for role, person in (("plaintiff", plaintiff), ("defendant", defendant)):
            tx.outbox(case.id, role, person.id, {"text": text, "params": {}}, now, case.court_code)
        await tx.write_outbox()
        pending = service._pending()
        flow = court.library.latest("appeal")
        decision = await service._decide(tx, case, handed_over(state, flow), Start(), now, pending)
        assert decision.ok, decision.error
        who = {"channel": "test"}
        await write(tx, case, decision, now, pending, "judgment_served", who, max_upload_mb=20, clock=court.clock)
    await service._after(pending, None)  # the messages the hand-over leased, sent after commit
    await court.dispatcher.run_once()  # the served copies: delivered, so served (CPL 90)
    await sweep(court)
