"""After the judgment (DOMAIN §12): each party's own appeal period from its service of the judgment
(CPL 171, 286), an appeal online with its fee (FM 17, 22) → APPEALED, no appeal in time → FINAL with
the enforcement period (CPL 158, 250), small claims final once served (CPL 165); the clock jumped."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from app.simulation import Simulation
from court.commands import AcknowledgeService, SubmitAnswer
from court.publication.publishing import published
from gateway.court import Court
from storage.models import Person
from tests.support.appeal import judgment_served, serve_judgment
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.judgment import judgment_issued
from tests.support.trial import case_in_trial, case_state, latest_deadline, sweep, upload


async def _told(court: Court, person_key_or_person: object, case_id: str) -> str:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person_key_or_person, case_id)  # type: ignore[arg-type]
    return "\n".join(lines)


async def test_cpl171_each_party_has_15_days_from_its_own_service_with_the_countdown(court: Court) -> None:
    """The judgment served, each party's period starts from its own effective service: 15 days to the
    end of a court day (CPL 171, 85), each prompt carrying that party's own countdown."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    state = await case_state(court, case_id)
    assert (state["flow_id"], state["stage"], state["data"]["_status"]) == ("appeal", "appeal_window", "APPEAL_WINDOW")
    for person, kind in ((plaintiff, "appeal_plaintiff"), (rep, "appeal_defendant")):
        row = await latest_deadline(court, case_id, kind)
        assert row.status == "pending" and row.due_at is not None and row.started_at is not None
        assert row.due_at - row.started_at > timedelta(days=15) and row.rule == "CPL 171, CPL 286"
        prompt = await sim.prompt_for(person, case_id)
        assert prompt is not None and prompt["step"].startswith("appeal_home") and prompt["deadline"] == kind
        assert datetime.fromisoformat(prompt["due_at"]) == row.due_at


async def _jump_past(court: Court, clock: FakeClock, case_id: str, kind: str) -> None:
    """Jump the clock just past the end of the case's `kind` period and sweep."""
    row = await latest_deadline(court, case_id, kind)
    assert row.due_at is not None
    clock.now = row.due_at + timedelta(seconds=1)
    await sweep(court)


async def test_cpl158_no_appeal_in_time_makes_the_judgment_final_with_the_enforcement_period(
    court: Court, clock: FakeClock
) -> None:
    """Neither party appeals: when the last period ends the judgment is FINAL (CPL 158), and each
    party is told the last day to apply for enforcement, two years on (CPL 250)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    state = await case_state(court, case_id)
    assert state["stage"] == "final" and state["data"]["_status"] == "FINAL"
    finality = state["data"]["finality"]
    final_at, until = (datetime.fromisoformat(finality[k]) for k in ("final_at", "enforcement_until"))
    assert finality["rule"] == "CPL 158" and until.year == final_at.year + 2
    for person in (plaintiff, rep):
        told = await _told(court, person, case_id)
        assert "is final since" in told and "CPL 158" in told and "CPL 250" in told
        assert court.catalog.local_time(finality["enforcement_until"]) in told


async def test_cpl171_an_appeal_with_evidence_and_its_fee_is_appealed_and_exported(
    court: Court, clock: FakeClock, tmp_path: object
) -> None:
    """The defendant appeals in its period: grounds, a file hashed on receipt, the amount appealed;
    the fee (the first-instance fee on that amount, FM 17) is paid through the payment port; a copy is
    served on the plaintiff, who answers (CPL 174); once its own period has ended the case is
    APPEALED, and `export_case` writes the file with the appeal and the answer."""
    from pathlib import Path

    from judgment.export import export_case

    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim, claimed="150000")
    clock.jump(days=3)
    for value in ("appeal", "The phone was dropped by the buyer; the court ignored the courier receipt."):
        await sim.answer(rep, case_id, value)
    evidence = await upload(court, rep, case_id, "drop_test.pdf", b"%PDF drop test report")
    await sim.answer(rep, case_id, "done")
    await sim.answer(rep, case_id, "150000")
    lines: list[str] = []
    prompt = await Simulation(court, "en", lines.append).prompt_for(rep, case_id)
    assert (
        prompt is not None and prompt["step"] == "appeal_summary_defendant" and prompt["deadline"] == "appeal_defendant"
    )
    assert "Appeal fee: 3300.00 yuan" in lines[-1] and evidence["sha256"] in lines[-1]
    await sim.answer(rep, case_id, "lodge")
    state = await case_state(court, case_id)
    assert state["data"]["appeal"]["appeals"]["defendant"]["status"] == "fee_pending"
    assert state["data"]["appeal"]["appeals"]["defendant"]["fee"]["due"] == "3300.00"
    await sim.answer(rep, case_id, "pay")  # the demo provider confirms at once
    state = await case_state(court, case_id)
    assert state["data"]["appeal"]["appeals"]["defendant"]["status"] == "paid" and state["stage"] == "appeal_window"
    assert "A copy of the appeal is served on you" in await _told(court, plaintiff, case_id)
    for value in ("answer", "The receipt proves nothing about the drop."):
        await sim.answer(plaintiff, case_id, value)
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    state = await case_state(court, case_id)
    assert state["stage"] == "appealed" and state["data"]["_status"] == "APPEALED"
    out = Path(str(tmp_path)) / "appeal-file"
    exported = await export_case(
        court.store, court.service.blobs.get, case_id, out, court.catalog, "demo court", None, clock.now
    )
    assert exported.evidence_intact
    manifest = json.loads((out / "manifest.json").read_text())
    by_path = {f["path"]: f for f in manifest["files"]}
    appeal_file = next(f for f in manifest["files"] if f["path"].endswith("drop_test.pdf"))
    assert appeal_file["recorded_sha256"] == evidence["sha256"] == hashlib.sha256(b"%PDF drop test report").hexdigest()
    assert appeal_file["matches_recorded_sha256"] and appeal_file["from"] == "defendant"
    for path, entry in by_path.items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == entry["sha256"]
    case_json = json.loads((out / "case.json").read_text())
    assert case_json["status"] == "APPEALED" and case_json["appeal"]["appeals"]["defendant"]["role"] == "defendant"
    assert case_json["appeal"]["answers"]["plaintiff"]["text"] == "The receipt proves nothing about the drop."
    assert (out / "record.pdf").read_bytes().startswith(b"%PDF")


async def test_cpl165_a_small_claims_judgment_is_final_once_served(court: Court, clock: FakeClock) -> None:
    """A small-claims judgment has no appeal: no one is offered one, and it is FINAL as soon as its
    service on each party has taken effect (CPL 165)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim, small_claims=True)
    assert (await case_state(court, case_id))["stage"] == "small_claims_service"
    told = await _told(court, plaintiff, case_id)
    assert "there is no appeal (CPL 165)" in told and "Appeal" not in str(await sim.prompt_for(plaintiff, case_id))
    clock.jump(seconds=2)
    await sweep(court)
    state = await case_state(court, case_id)
    assert state["data"]["_status"] == "FINAL" and state["data"]["finality"]["rule"] == "CPL 165"
    assert "small-claims judgment, final once served, CPL 165" in await _told(court, rep, case_id)


async def test_cpl286_a_party_domiciled_abroad_has_30_days_and_appeals_after_the_other_is_closed(
    court: Court, clock: FakeClock
) -> None:
    """The defendant is domiciled abroad: its period is 30 days (CPL 286), the plaintiff's 15. After
    16 days the plaintiff's period has closed and the case is not final; the defendant appeals on day 25."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim, defendant_abroad=True)
    mine = await latest_deadline(court, case_id, "appeal_plaintiff")
    theirs = await latest_deadline(court, case_id, "appeal_defendant")
    assert mine.due_at is not None and theirs.due_at is not None and mine.started_at is not None
    assert 15 <= (mine.due_at - mine.started_at).days <= 17 and 30 <= (theirs.due_at - mine.started_at).days <= 32
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    assert (await case_state(court, case_id))["data"]["_status"] == "APPEAL_WINDOW"
    assert await sim.prompt_for(plaintiff, case_id) is not None  # its old prompt: refused below
    clock.jump(days=9)
    for value in ("appeal", "The court was wrong on the law.", "done", "3000", "lodge"):
        await sim.answer(rep, case_id, value)
    assert (await case_state(court, case_id))["data"]["appeal"]["appeals"]["defendant"]["status"] == "fee_pending"


async def test_cpl86_an_appeal_after_the_window_is_refused_with_the_date_it_closed(
    court: Court, clock: FakeClock
) -> None:
    """The plaintiff's period closed: its appeal, answered to the prompt it had, is refused with when
    the period closed and CPL 86's way to ask the judge for more time; nothing is recorded."""
    sim = Simulation(court, "en")
    case_id, plaintiff, _rep = await judgment_served(court, sim, defendant_abroad=True)
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    closed = await latest_deadline(court, case_id, "appeal_plaintiff")
    outcome = await court.service.submit_answer(
        SubmitAnswer(plaintiff.id, case_id, prompt["step"], prompt["seq"], "appeal", "test")
    )
    assert outcome.error == "period_closed"
    assert closed.due_at is not None and outcome.params["closed_at"] == {"time": closed.due_at.isoformat()}
    assert outcome.params["rule"] == "CPL 171, CPL 286"
    text = court.catalog.render("errors.period_closed", "en", outcome.params)
    assert "CPL 86" in text and court.catalog.local_time(closed.due_at.isoformat()) in text
    assert "ended" in await _told(court, plaintiff, case_id)
    assert "appeal" not in (await case_state(court, case_id))["data"].get("appeal", {}).get("plaintiff", {})


async def test_cpl171_a_ruling_has_10_days_and_its_appeal_costs_nothing(court: Court, clock: FakeClock) -> None:
    """An appealable ruling: 10 days (CPL 171); appealing it pays no fee (FM 8), so the appeal
    stands as it is lodged and its copy is served on the other party at once (CPL 174)."""
    sim = Simulation(court, "en")
    case_id, plaintiff, _rep = await judgment_served(court, sim, kind="ruling")
    row = await latest_deadline(court, case_id, "appeal_plaintiff")
    assert row.due_at is not None and row.started_at is not None and 10 <= (row.due_at - row.started_at).days <= 12
    for value in ("appeal", "The objection should have been upheld.", "done"):
        await sim.answer(plaintiff, case_id, value)
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    assert "No appeal fee (FM 8" in lines[-1]
    await sim.answer(plaintiff, case_id, "lodge")
    assert (await case_state(court, case_id))["data"]["appeal"]["appeals"]["plaintiff"]["status"] == "paid"
    assert "A copy of the appeal is served on you" in await _told(court, _rep, case_id)


async def test_fm22_an_unpaid_appeal_fee_treats_the_appeal_as_withdrawn_and_the_periods_run_on(
    court: Court, clock: FakeClock
) -> None:
    """The appeal fee unpaid in 7 days: the appeal is treated as withdrawn (FM 22); the periods still
    run from the judgment's service, so once they have ended the judgment is FINAL."""
    sim = Simulation(court, "en")
    case_id, plaintiff, rep = await judgment_served(court, sim)
    for value in ("appeal", "Wrong.", "done", "1000", "lodge"):
        await sim.answer(plaintiff, case_id, value)
    await _jump_past(court, clock, case_id, "appeal_fee_plaintiff")
    await sweep(court)  # the periods again, from the same service (the next tick starts them)
    state = await case_state(court, case_id)
    assert state["data"]["appeal"]["withdrawn"][0]["rule"] == "FM 22" and state["stage"] == "appeal_window"
    assert "treated as withdrawn (FM 22)" in await _told(court, rep, case_id)
    again = await latest_deadline(court, case_id, "appeal_plaintiff")
    assert again.status == "pending" and again.started_at is not None and again.due_at is not None
    assert again.started_at < clock.now - timedelta(days=7)  # from the judgment's service, not from now
    lines: list[str] = []  # offered again: the period runs on and the offer names its end
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    offer = next(line for line in reversed(lines) if "has been served on you" in line)
    assert "are running and end " + court.catalog.local_time(again.due_at.isoformat()) in offer
    await _jump_past(court, clock, case_id, "appeal_plaintiff")
    assert (await case_state(court, case_id))["data"]["_status"] == "FINAL"


async def _acknowledge_judgment(court: Court, case_id: str, person: Person, role: str) -> None:
    """The party says it received the served judgment (it uses no channel where arrival is service)."""
    async with court.store.tx() as tx:
        rows = await tx.history(case_id, person.id, role)
        served = [r.id for r in rows if tx.sealer.open(r.payload).get("text") == "judgment.served_judgment"]
    assert served
    assert (await court.service.acknowledge_service(AcknowledgeService(person.id, served[-1], "web"))).ok


async def test_cpl158_from_deliberation_an_issued_judgment_is_served_and_final_after_the_window(
    court: Court, clock: FakeClock
) -> None:
    """The real path: DELIBERATION → the judge issues (signed, served in the chat) → the judgment
    flow hands over to `appeal` in the same command → each party's period from its service → FINAL."""
    sim = Simulation(court, "en")
    issued = await judgment_issued(court, sim, track="ordinary")
    await _acknowledge_judgment(court, issued.case_id, issued.case.plaintiff, "plaintiff")  # OLR 31(2)
    await sweep(court)
    state = await case_state(court, issued.case_id)
    assert (state["flow_id"], state["stage"]) == ("appeal", "appeal_window")
    assert state["data"]["_flows"][-1] == {"flow": "judgment", "version": 1, "stage": "judgment_served"}
    for kind in ("appeal_plaintiff", "appeal_defendant"):
        assert (await latest_deadline(court, issued.case_id, kind)).status == "pending"
    await _jump_past(court, clock, issued.case_id, "appeal_plaintiff")
    await _jump_past(court, clock, issued.case_id, "appeal_defendant")
    assert (await case_state(court, issued.case_id))["data"]["_status"] == "FINAL"
    async with court.store.tx() as tx:  # DOMAIN §12.4: final, so published with the parties masked
        row = await published(tx, issued.case_id)
    assert row is not None and row.unpublished_at is None
    plaintiff = state["data"]["plaintiff"]["name"]  # a natural person; the defendant is a company, named
    assert plaintiff not in row.masked_text and f"{plaintiff[0]}某" in row.masked_text


async def test_cpl165_from_deliberation_a_small_claims_judgment_is_final_once_served(
    court: Court, clock: FakeClock
) -> None:
    """The real path on the small-claims track: issued, served, FINAL with no appeal offered (CPL 165)."""
    sim = Simulation(court, "en")
    issued = await judgment_issued(court, sim)
    await _acknowledge_judgment(court, issued.case_id, issued.case.plaintiff, "plaintiff")  # OLR 31(2)
    await sweep(court)
    clock.jump(seconds=2)
    await sweep(court)
    assert (await case_state(court, issued.case_id))["data"]["finality"]["rule"] == "CPL 165"


async def test_cpl90_a_party_served_outside_the_chat_has_its_period_from_the_clerks_record(
    court: Court, clock: FakeClock
) -> None:
    """The judgment did not reach the plaintiff in the chat: its period waits, and the clerk may
    record service on it (not on the defendant, served in the chat); the plaintiff's 15 days then
    run from that record."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    await serve_judgment(court, case_id, plaintiff, rep)
    assert (await latest_deadline(court, case_id, "appeal_plaintiff")).status == "unstarted"
    prompt = await sim.prompt_for(clerk, case_id)  # asked as the case arrived, before any service took effect
    assert prompt is not None and [o["value"] for o in prompt["options"]] == ["plaintiff", "defendant"]
    served_already = SubmitAnswer(clerk.id, case_id, prompt["step"], prompt["seq"], "defendant", "test")
    assert (await court.service.submit_answer(served_already)).error == "option_not_available"
    clock.jump(days=3)
    await sim.answer(clerk, case_id, "plaintiff")
    row = await latest_deadline(court, case_id, "appeal_plaintiff")
    assert row.status == "pending" and row.started_at == clock.now
    assert row.due_at is not None and (row.due_at - clock.now).days >= 15
    prompt = await sim.prompt_for(clerk, case_id)
    assert prompt is not None
    again = SubmitAnswer(clerk.id, case_id, prompt["step"], prompt["seq"], "plaintiff", "test")
    assert not (await court.service.submit_answer(again)).ok  # nothing is left to record


async def test_cpl90_olr31_the_offer_before_the_service_takes_effect_says_when_the_period_starts(
    court: Court, clock: FakeClock
) -> None:
    """The judgment was served in the chat but has not yet taken effect on the plaintiff (it uses no
    channel where arrival is service): its offer says its 15 days start when service takes effect and
    how (opening it, or "I have received it"), with no countdown; once it says it received it, the
    period starts from then and the plaintiff is told the last day (CPL 90, 171, OLR 31)."""
    sim = Simulation(court, "en")
    case_id, rep = await case_in_trial(court, sim)
    plaintiff = await demo_person(court, "litigant_a")
    await serve_judgment(court, case_id, plaintiff, rep)
    assert (await latest_deadline(court, case_id, "appeal_plaintiff")).status == "unstarted"
    lines: list[str] = []
    prompt = await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["step"] == "appeal_home_plaintiff" and prompt["due_at"] is None
    assert "Your 15 days have not started yet" in lines[-1] and "I have received it" in lines[-1]
    clock.jump(days=2)
    await _acknowledge_judgment(court, case_id, plaintiff, "plaintiff")
    await sweep(court)
    row = await latest_deadline(court, case_id, "appeal_plaintiff")
    assert row.status == "pending" and row.started_at == clock.now and row.due_at is not None
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and datetime.fromisoformat(prompt["due_at"]) == row.due_at
    assert court.catalog.local_time(row.due_at.isoformat()) in await _told(court, plaintiff, case_id)
