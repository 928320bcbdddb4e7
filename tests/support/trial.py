"""Builders for the trial's tests: a case handed over from filing to the trial."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.simulation import Simulation
from court import accounts
from court.commands import JoinCase, UploadEvidence
from gateway.court import Court
from storage.models import Deadline, Person
from tests.support.court import demo_person


async def case_state(court: Court, case_id: str) -> dict[str, Any]:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return tx.open_state(case)


async def served_case(
    court: Court, sim: Simulation, track: str | None = None, answers: Mapping[str, Any] | None = None
) -> tuple[str, str]:
    """The standard case against a company (`answers` replace some of the plaintiff's, by step),
    accepted (on `track`, else the proposed one) and paid, its invitation out: (case id, code)."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff, answers=answers)
    await sim.accept(clerk, case_id, track)  # and the judge decides the track
    await sim.answer(plaintiff, case_id, "pay")
    return case_id, (await case_state(court, case_id))["data"]["invitation"]["code"]


async def case_in_trial(
    court: Court,
    sim: Simulation,
    consent: bool = True,
    track: str | None = None,
    served: bool = True,
    version: int | None = None,
    answers: Mapping[str, Any] | None = None,
) -> tuple[str, Person]:
    """A case whose defendant (a company, acting through litigant_b whom the clerk admitted) has
    joined and consented to taking part online: the complaint copy is sent and the case is in the
    trial. `served`: the representative uses the web chat, so the copy takes effect on arrival and
    the answer period runs (CPL 90, 128); otherwise it waits for the copy's effective service.
    `version`: pin the case to that trial version, as a case that began before newer ones existed.
    (case id, the defendant's representative)."""
    rep, clerk = await demo_person(court, "litigant_b"), await demo_person(court, "clerk")
    if served:
        async with court.store.tx() as tx:
            await accounts.use_channel(tx, rep.id, accounts.WEB, rep.id, court.clock())
    case_id, code = await served_case(court, sim, track, answers)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "representative_documents"
    upload = UploadEvidence(
        rep.id, case_id, prompt["step"], prompt["seq"], "licence.pdf", "application/pdf", b"%PDF licence", "test"
    )
    assert (await court.service.upload_evidence(upload)).ok
    await sim.answer(rep, case_id, "done")
    await sim.answer(clerk, case_id, "admit")
    for answer in ("yes", "yes", "confirm") if consent else ():  # online, e-service, the address (filing v4)
        await sim.answer(rep, case_id, answer)
    await sweep(court)
    if version is not None:
        await pin(court, case_id, version)
    return case_id, rep


async def pin(court: Court, case_id: str, version: int) -> None:
    """Pin a case to an earlier version of its flow, as if it had started before the newer ones."""
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        raw = tx.open_state(case)
        raw["version"] = case.flow_version = version
        await tx.save_state(case, raw, case.status, court.clock())


async def sweep(court: Court) -> int:
    """A sweep once the messages already committed have been delivered: a period starts from a
    document's arrival, which the dispatcher records after the command that wrote it returns."""
    await court.dispatcher.settle()
    return await court.sweeper.run_once()


async def upload(court: Court, person: Person, case_id: str, name: str, content: bytes) -> dict[str, Any]:
    """Send a file to the person's current `files` prompt; the evidence it became."""
    prompt = await Simulation(court).prompt_for(person, case_id)
    assert prompt is not None and prompt["kind"] == "files", prompt
    sent = UploadEvidence(person.id, case_id, prompt["step"], prompt["seq"], name, "application/pdf", content, "test")
    outcome = await court.service.upload_evidence(sent)
    assert outcome.ok, outcome.error
    return outcome.evidence


async def exchange_closed(
    court: Court, sim: Simulation, track: str | None = None, answers: Mapping[str, Any] | None = None
) -> tuple[str, Person, Person]:
    """A case (on `track`, else the proposed one) whose defendant disputed with one item of
    evidence, both parties gave no more in the evidence period, agreed to the asynchronous exchange
    and accepted each other's evidence: with the judge, at `exchange_closed` (trial v2). (case id,
    the plaintiff, the defendant's representative). `answers`: the plaintiff's, as `served_case`."""
    case_id, rep = await case_in_trial(court, sim, track=track, answers=answers)
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(rep, case_id, value)
    await upload(court, rep, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    for value in ("done", "submit"):
        await sim.answer(rep, case_id, value)
    plaintiff = await demo_person(court, "litigant_a")
    for person in (plaintiff, rep):
        await sim.answer(person, case_id, "done")  # no more evidence in the evidence period (CPL 68)
    for person in (plaintiff, rep):
        await sim.answer(person, case_id, "yes")
    for person in (plaintiff, rep):
        for value in ("opinion", "accept", "done"):
            await sim.answer(person, case_id, value)
    return case_id, plaintiff, rep


async def answer_with_file(
    court: Court, person: Person, case_id: str, name: str, content: bytes, content_type: str = "audio/ogg"
) -> dict[str, Any]:
    """Send one file (a voice message, a video, a document) to the person's current `statement`
    prompt, as the channels do: stored and hashed on receipt like evidence; the evidence it became."""
    prompt = await Simulation(court).prompt_for(person, case_id)
    assert prompt is not None and prompt["kind"] == "statement", prompt
    sent = UploadEvidence(person.id, case_id, prompt["step"], prompt["seq"], name, content_type, content, "test")
    outcome = await court.service.upload_evidence(sent)
    assert outcome.ok, outcome.error
    return outcome.evidence


async def latest_deadline(court: Court, case_id: str, kind: str) -> Deadline:
    """The case's newest deadline row of `kind`."""
    async with court.store.tx() as tx:
        found = await tx.session.scalar(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind).order_by(Deadline.id.desc())
        )
    assert found is not None
    return found
