"""Agents act for a party once the clerk accepts the power of attorney (DOMAIN §1)."""

from __future__ import annotations

from sqlalchemy import select

from app.simulation import Simulation
from court.agency import AgencyService
from court.commands import OpenCase, SubmitAnswer
from court.sessions import new_litigant
from gateway.court import Court
from storage.models import CaseEvent, Participant
from tests.support.court import demo_person


async def test_an_accepted_agent_acts_for_the_party_and_the_record_says_so(court: Court) -> None:
    """Invite → verified agent uploads the PoA → clerk accepts → the agent's answer is recorded for the party."""
    agency = AgencyService(court.service)
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id = str((await court.service.open_case(OpenCase(party.id, "filing", "test"))).case_id)
    invited = await agency.invite(party.id, case_id)
    code = invited.params["code"]
    assert (await agency.invite(agent.id, case_id)).error == "not_a_party"  # only a party invites
    async with court.store.tx() as tx:
        stranger = new_litigant(court.clock(), "zh")
        tx.add(stranger)
    assert (await agency.accept(stranger.id, code, "poa.pdf", b"signed")).error == "agent_verify_first"
    accepted = await agency.accept(agent.id, code, "poa.pdf", b"%PDF signed power of attorney")
    assert accepted.ok and len(accepted.params["sha256"]) == 64
    prompt = await Simulation(court).prompt_for(party, case_id)
    assert prompt is not None
    early = await court.service.submit_answer(
        SubmitAnswer(agent.id, case_id, prompt["step"], prompt["seq"], "yes", "test")
    )
    assert early.error == "not_a_party"  # not before the clerk accepts
    [waiting] = await agency.queue(clerk.id)
    assert waiting.poa_name == "poa.pdf" and await agency.queue(party.id) == []
    assert (waiting.agent_name, waiting.party_name) == ("李四", "张三")  # the names they verified with
    assert await agency.power_of_attorney(clerk.id, waiting.id) == ("poa.pdf", b"%PDF signed power of attorney")
    assert await agency.power_of_attorney(party.id, waiting.id) is None  # only the reviewing court
    assert (await agency.accept(party.id, invited.params["code"], "x.pdf", b"x")).error == "invitation_unknown"
    assert (await agency.decide(party.id, waiting.id, True, "")).error == "not_a_party"
    assert (await agency.decide(clerk.id, waiting.id, True, "PoA in order")).ok
    answered = await court.service.submit_answer(
        SubmitAnswer(agent.id, case_id, prompt["step"], prompt["seq"], "yes", "test")
    )
    assert answered.ok
    async with court.store.tx() as tx:
        event = await tx.session.scalar(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "answer")
        )
    assert event is not None and (event.actor_id, event.on_behalf_of) == (agent.id, party.id)
    assert (await agency.revoke(party.id, waiting.id)).ok
    prompt = await Simulation(court).prompt_for(party, case_id)
    assert prompt is not None
    after = await court.service.submit_answer(
        SubmitAnswer(agent.id, case_id, prompt["step"], prompt["seq"], "张三", "test")
    )
    assert after.error == "not_a_party"


async def test_a_party_cannot_be_an_agent_in_its_own_case_and_nothing_is_stored(court: Court) -> None:
    """The code is checked before the file is kept: a refused attempt leaves no blob behind."""
    agency = AgencyService(court.service)
    party = await demo_person(court, "litigant_a")
    case_id = await Simulation(court).file_case(party)
    code = (await agency.invite(party.id, case_id)).params["code"]
    blobs = sorted(p.name for p in court.settings.data_dir.glob("blobs/*/*"))
    assert (await agency.accept(party.id, code, "poa.pdf", b"self-appointed")).error == "agent_is_party"
    assert sorted(p.name for p in court.settings.data_dir.glob("blobs/*/*")) == blobs


async def test_the_clerk_cannot_accept_an_agent_who_became_a_party_meanwhile(court: Court) -> None:
    """One person is never both an agent and a party of one case: checked again at the decision."""
    agency = AgencyService(court.service)
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id = str((await court.service.open_case(OpenCase(party.id, "filing", "test"))).case_id)
    code = (await agency.invite(party.id, case_id)).params["code"]
    assert (await agency.accept(agent.id, code, "poa.pdf", b"%PDF signed")).ok
    async with court.store.tx() as tx:
        tx.add(Participant(case_id=case_id, role="defendant", person_id=agent.id))  # joined the other side
    [waiting] = await agency.queue(clerk.id)
    assert (await agency.decide(clerk.id, waiting.id, True, "PoA in order")).error == "agent_is_party"
    async with court.store.tx() as tx:
        roles = list(await tx.session.scalars(select(Participant.role).where(Participant.person_id == agent.id)))
    assert roles == ["defendant"]


async def test_the_clerk_cannot_accept_an_agent_whose_principal_left_the_case(court: Court) -> None:
    """A power of attorney counts only while the party who gave it takes part (a company's
    representative refused meanwhile, say): the clerk is told why and nothing is granted."""
    from sqlalchemy import delete

    from storage.models import Participant

    agency = AgencyService(court.service)
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id = await Simulation(court).file_case(party)
    code = (await agency.invite(party.id, case_id)).params["code"]
    assert (await agency.accept(agent.id, code, "poa.pdf", b"%PDF signed")).ok
    [waiting] = await agency.queue(clerk.id)
    async with court.store.tx() as tx:  # the principal leaves the case
        await tx.session.execute(delete(Participant).where(Participant.person_id == party.id))
    refused = await agency.decide(clerk.id, waiting.id, True, "in order")
    assert refused.error == "principal_not_admitted"
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and await tx.role_in_case(agent, case) is None
