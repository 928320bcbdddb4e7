"""E-service (CPL 90, OLR 31): each court document served on a party has a certificate, and the
party may say they received it; nobody else sees or acknowledges it."""

from __future__ import annotations

from sqlalchemy import select

from app.bootstrap import Court
from app.simulation import Simulation
from court.e_service import content_hash
from storage.models import CaseEvent, OutboxMessage
from tests.clock import FakeClock
from tests.conftest import demo_person


async def test_ol31_served_notices_have_certificates_and_the_party_confirms_receipt(
    any_court: Court, clock: FakeClock
) -> None:
    court = any_court
    sim = Simulation(court, "en")
    plaintiff, clerk, other = [await demo_person(court, k) for k in ("litigant_a", "clerk", "litigant_b")]
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")

    found = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(found, list)
    assert [c["document"] for c in found] == [
        "document.acceptance_notice",
        "document.fee_notice",
        "document.evidence_notice",
    ]
    notice = found[0]
    assert notice["recipient_id"] == plaintiff.id and notice["recipient_role"] == "plaintiff"
    assert notice["delivered_at"] and notice["channel"] == "web" and notice["address"] == "web chat"
    assert notice["effective_at"] == notice["delivered_at"] and notice["effective_by"] == "delivered"
    assert notice["acknowledged_at"] is None
    async with court.store.tx() as tx:
        row = await tx.session.get(OutboxMessage, notice["message_id"])
        assert row is not None and notice["content_sha256"] == content_hash(tx.sealer.open(row.payload))
    assert await court.service.service_certificates(plaintiff.id, case_id) == found  # their own
    refused = await court.service.service_certificates(other.id, case_id)
    assert not isinstance(refused, list) and refused.error == "not_a_party"

    message_id = notice["message_id"]
    assert (await court.service.acknowledge_service(clerk.id, message_id, "web")).error == "not_a_party"
    assert (await court.service.acknowledge_service(other.id, message_id, "web")).error == "not_a_party"
    assert (await court.service.acknowledge_service(plaintiff.id, 10**9, "web")).error == "not_a_party"
    clock.jump(hours=2)
    said = await court.service.acknowledge_service(plaintiff.id, message_id, "telegram")
    assert said.ok and said.params["document"] == {"t": "document.acceptance_notice"}
    clock.jump(hours=1)
    again = await court.service.acknowledge_service(plaintiff.id, message_id, "web")
    assert again.ok and again.params["at_iso"] == said.params["at_iso"]  # the first time stands
    [updated] = [
        c for c in await court.service.service_certificates(clerk.id, case_id) if c["message_id"] == message_id
    ]  # type: ignore[union-attr]
    assert (updated["acknowledged_at"], updated["acknowledged_via"]) == (said.params["at_iso"], "telegram")
    async with court.store.tx() as tx:
        kinds = list(await tx.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
        not_served = await tx.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.person_id == plaintiff.id).order_by(OutboxMessage.id)
        )
    assert kinds.count("service_acknowledged") == 1  # recorded once, in the case record
    assert not_served is not None
    assert (await court.service.acknowledge_service(plaintiff.id, not_served, "web")).error == "not_a_served_document"
