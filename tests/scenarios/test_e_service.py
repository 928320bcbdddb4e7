"""E-service (CPL 90, OLR 31): each court document served on a party has a certificate, and the
party may say they received it; nobody else sees or acknowledges it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court import accounts
from court.agency import AgencyService
from court.commands import AcknowledgeService
from court.e_service import content_hash
from gateway.court import Court
from storage.models import CaseEvent, OutboxMessage, Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person


async def _accepted(court: Court, uses_the_web_chat: bool) -> tuple[Person, Person, str, list[dict[str, Any]]]:
    """Demo litigant A's filing accepted by the clerk: (plaintiff, clerk, case id, the court's
    certificates of the notices served on acceptance)."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    if uses_the_web_chat:
        async with court.store.tx() as tx:
            await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, court.clock())
    sim = Simulation(court, "en")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    found = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(found, list)
    return plaintiff, clerk, case_id, found


async def test_olr31_served_notices_have_certificates_and_the_party_confirms_receipt(
    any_court: Court, clock: FakeClock
) -> None:
    court = any_court
    plaintiff, clerk, case_id, found = await _accepted(court, uses_the_web_chat=True)
    other = await demo_person(court, "litigant_b")
    assert [c["document"] for c in found] == [
        "document.acceptance_notice",
        "document.fee_notice",
        "document.evidence_notice",
    ]
    notice = found[0]
    assert notice["recipient_id"] == plaintiff.id and notice["recipient_role"] == "plaintiff"
    assert notice["recipient_name"] == "张三" and notice["recipient_is_agent"] is False
    assert notice["sender"] == court.settings.court_code
    assert notice["delivered_at"] and notice["channel"] == "web" and notice["address"] == "web chat"
    assert notice["effective_at"] == notice["delivered_at"] and notice["effective_by"] == "delivered"  # OLR 31(1)
    assert notice["acknowledged_at"] is None
    async with court.store.tx() as tx:
        row = await tx.session.get(OutboxMessage, notice["message_id"])
        assert row is not None and notice["content_sha256"] == content_hash(tx.sealer.open(row.payload))
    assert await court.service.service_certificates(plaintiff.id, case_id) == found  # their own
    refused = await court.service.service_certificates(other.id, case_id)
    assert not isinstance(refused, list) and refused.error == "not_a_party"

    message_id = notice["message_id"]
    for who, which in ((clerk.id, message_id), (other.id, message_id), (plaintiff.id, 10**9)):
        assert (await court.service.acknowledge_service(AcknowledgeService(who, which, "web"))).error == "not_a_party"
    for which in (0, -1, 2**63):
        refused = await court.service.acknowledge_service(AcknowledgeService(plaintiff.id, which, "web"))
        assert refused.error == "bad_request"
    clock.jump(hours=2)
    said = await court.service.acknowledge_service(AcknowledgeService(plaintiff.id, message_id, "telegram"))
    assert said.ok and said.params["document"] == {"t": "document.acceptance_notice"}
    clock.jump(hours=1)
    again = await court.service.acknowledge_service(AcknowledgeService(plaintiff.id, message_id, "web"))
    assert again.ok and again.params["at_iso"] == said.params["at_iso"]  # the first time stands
    certified = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(certified, list)
    [updated] = [c for c in certified if c["message_id"] == message_id]
    assert (updated["acknowledged_at"], updated["acknowledged_via"]) == (said.params["at_iso"], "telegram")
    assert updated["effective_by"] == "delivered"  # the earlier event: the arrival
    async with court.store.tx() as tx:
        kinds = list(await tx.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
        not_served = await tx.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.person_id == plaintiff.id).order_by(OutboxMessage.id)
        )
    assert kinds.count("service_acknowledged") == 1  # recorded once, in the case record
    assert not_served is not None
    refused = await court.service.acknowledge_service(AcknowledgeService(plaintiff.id, not_served, "web"))
    assert refused.error == "not_a_served_document"


async def test_olr31_a_copy_in_an_inbox_the_party_never_uses_counts_from_their_receipt(
    court: Court, clock: FakeClock
) -> None:
    """Only the web inbox held it (the person never used the web chat, and no other account of
    theirs took it): it reached no address of theirs, so it is effective once they say received."""
    plaintiff, clerk, case_id, [notice, *_rest] = await _accepted(court, uses_the_web_chat=False)
    assert notice["address"] == "web inbox, unused" and notice["delivered_at"]
    assert (notice["effective_at"], notice["effective_by"]) == (None, None)
    clock.jump(days=1)
    said = await court.service.acknowledge_service(AcknowledgeService(plaintiff.id, notice["message_id"], "web"))
    [after, *_rest] = await court.service.service_certificates(clerk.id, case_id)  # type: ignore[misc]
    assert (after["effective_at"], after["effective_by"]) == (said.params["at_iso"], "acknowledged")  # OLR 31(2)


async def test_olr31_an_agent_confirms_while_acting_and_not_once_revoked(court: Court) -> None:
    """An agent receives the party's documents too; the certificate says so. Once the mandate is
    revoked, the former agent no longer speaks for the party: no receipt from them."""
    sim = Simulation(court, "en")
    agency = AgencyService(court.service)
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id = await sim.file_case(party)
    code = (await agency.invite(party.id, case_id)).params["code"]
    assert (await agency.accept(agent.id, code, "poa.pdf", b"%PDF signed")).ok
    [mandate] = await agency.queue(clerk.id)
    assert (await agency.decide(clerk.id, mandate.id, True, "")).ok
    await sim.accept(clerk, case_id)
    found = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(found, list)
    [for_agent, *_rest] = [c for c in found if c["recipient_id"] == agent.id]
    assert for_agent["recipient_is_agent"] is True and for_agent["recipient_name"] == "李四"
    assert (await agency.revoke(party.id, mandate.id)).ok
    refused = await court.service.acknowledge_service(AcknowledgeService(agent.id, for_agent["message_id"], "web"))
    assert refused.error == "not_a_party"
    later = await court.service.service_certificates(clerk.id, case_id)
    assert isinstance(later, list)
    [still] = [c for c in later if c["message_id"] == for_agent["message_id"]]
    assert still["recipient_is_agent"] is True  # served on them as the agent, revoked since or not


async def test_olr31_a_copy_delivered_twice_keeps_its_first_arrival(any_court: Court, clock: FakeClock) -> None:
    """Delivery is at least once: a row sent again after its lease ran out keeps the time and the
    account of its first arrival, which is when service took effect."""
    from storage import queries

    court = any_court
    _plaintiff, clerk, case_id, [first, *_rest] = await _accepted(court, uses_the_web_chat=True)
    clock.jump(minutes=5)
    async with court.store.tx() as tx:
        again = {"b_ids": [first["message_id"]], "b_now": clock(), "b_channel": "web", "b_address": None}
        await tx.session.execute(queries.MARK_SENT, again)
    [after, *_rest] = await court.service.service_certificates(clerk.id, case_id)  # type: ignore[misc]
    assert (after["delivered_at"], after["address"], after["effective_at"]) == (
        first["delivered_at"],
        "web chat",
        first["effective_at"],
    )
    assert after["attempts"] == first["attempts"] + 1


async def test_olr31_a_stale_sender_failing_later_leaves_the_first_arrival_alone(any_court: Court) -> None:
    """A sender whose lease ran out fails (an interrupted Telegram send) after another sender
    delivered the row: the failure is not recorded over the delivery the certificate rests on."""
    from court.routing import Interrupted
    from storage.outbox import Letter

    court = any_court
    plaintiff, clerk, case_id, [first, *_rest] = await _accepted(court, uses_the_web_chat=True)
    stale = Letter(case_id, "plaintiff", plaintiff.id, {"text": "filing.acceptance_notice"}, court.clock())
    stale.id = first["message_id"]
    async with court.store.tx() as tx:
        await court.dispatcher._record(tx, [(stale, Interrupted(OSError("reset"), "telegram", 1))], court.clock())
    [after, *_rest] = await court.service.service_certificates(clerk.id, case_id)  # type: ignore[misc]
    assert (after["channel"], after["address"], after["status"]) == ("web", "web chat", "sent")


async def test_delivery_times_are_stored_like_every_other_time(court: Court) -> None:
    """`sent_at` goes through the court's UTC column type like every other instant (SQLite stores
    them as naive UTC text of one shape)."""
    from sqlalchemy import text

    sim = Simulation(court, "en")
    case_id = await sim.file_case(await demo_person(court, "litigant_a"))
    async with court.store.tx() as tx:
        stored = (
            await tx.session.execute(text("SELECT created_at, sent_at FROM outbox WHERE case_id = :c"), {"c": case_id})
        ).all()
    assert stored and all(len(created) == len(sent) for created, sent in stored if sent)


async def test_olr31_the_first_reading_stands_when_two_tabs_open_the_case_at_once(
    any_court: Court, clock: FakeClock
) -> None:
    """Two openings read the rows before either marks them: the later one does not move the
    time of reading that service may rest on."""
    from court.e_service import mark_read

    court = any_court
    plaintiff, clerk, case_id, _found = await _accepted(court, uses_the_web_chat=False)
    async with court.store.tx() as tx:  # what both tabs read, before either marks anything
        rows = await tx.history(case_id, plaintiff.id, "plaintiff")
        shown = [(row, tx.sealer.open(row.payload)) for row in rows]
    async with court.store.tx() as tx:
        await mark_read(tx, shown, plaintiff.id, clock())
    first = clock().isoformat()
    clock.jump(minutes=3)
    async with court.store.tx() as tx:
        await mark_read(tx, shown, plaintiff.id, clock())
    [notice, *_rest] = await court.service.service_certificates(clerk.id, case_id)  # type: ignore[misc]
    assert notice["read_at"] == first and notice["effective_by"] == "read"
