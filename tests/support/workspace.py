"""Builders for the workspace's tests: a trial case brought to the judge's review."""

from __future__ import annotations

from app.simulation import Simulation
from court.commands import UploadEvidence
from gateway.court import Court
from tests.support.court import demo_person
from tests.support.trial import case_in_trial, case_state, upload


async def case_at_exchange_closed(court: Court, defendant_says: bool = True, video: bytes | None = None) -> str:
    """A case whose defendant disputed the claims with one item of evidence, both parties agreed
    to an asynchronous exchange, the plaintiff disputed the defendant's item and the defendant
    accepted the plaintiff's (or, `defendant_says=False`, left the window to lapse): the exchange
    is closed and the judge is asked `next_act`. With `video`, the plaintiff attaches it as
    counter-evidence, `statement.mp4`, late (after the evidence period): the plaintiff says why and
    the judge admits it with a reprimand. Returns the case id."""
    sim = Simulation(court, "en")
    case_id, defendant = await case_in_trial(court, sim)
    for value in ("dispute", "Delivered working.", "accept", "no"):
        await sim.answer(defendant, case_id, value)
    await upload(court, defendant, case_id, "courier_receipt.pdf", b"%PDF signed on delivery")
    for value in ("done", "submit"):
        await sim.answer(defendant, case_id, value)
    plaintiff = await demo_person(court, "litigant_a")
    for person in (plaintiff, defendant):
        await sim.answer(person, case_id, "done")  # nothing more in the evidence period (CPL 68)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(defendant, case_id, "yes")
    for value in ("opinion", "dispute", "The signature on the receipt is not mine."):
        await sim.answer(plaintiff, case_id, value)
    if video is not None:
        prompt = await sim.prompt_for(plaintiff, case_id)
        assert prompt is not None and prompt["kind"] == "files", prompt
        sent = UploadEvidence(
            plaintiff.id, case_id, prompt["step"], prompt["seq"], "statement.mp4", "video/mp4", video, "test"
        )
        assert (await court.service.upload_evidence(sent)).ok
    await sim.answer(plaintiff, case_id, "done")
    if video is not None:  # after the evidence period: asked why, then the judge rules (CPL 68)
        await sim.answer(plaintiff, case_id, "I recorded it after the evidence period.")
    if defendant_says:
        for value in ("opinion", "accept", "done"):
            await sim.answer(defendant, case_id, value)
    if defendant_says and video is not None:
        for value in ("admit", "Admitted; reprimanded for the delay."):
            await sim.answer(await demo_person(court, "judge"), case_id, value)
    assert not defendant_says or (await case_state(court, case_id))["stage"] == "exchange_closed"
    return case_id
