"""The filing flow driven end to end through the service layer (DOMAIN §4, §5)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from app.simulation import PLAINTIFF_ANSWERS, Simulation
from court import accounts
from court.agency import AgencyService
from court.commands import JoinCase, OpenCase, SubmitAnswer, UploadEvidence
from court.decisions import PARTICIPANTS_CHANGED
from court.invitations import release_defendant
from court.outcomes import Pending
from court.read_models import court_cases
from court.sessions import new_litigant
from court.writes import write
from flows.effects import Message
from flows.engine import Decision
from flows.state import CaseState
from gateway.court import Court
from gateway.frames import render_message
from identity.models import IdentityProfile
from identity.service import IdentityRefused
from storage.models import AgentMandate, Deadline, Evidence, Participant, Payment, Person
from tests.support.clock import FakeClock
from tests.support.court import demo_person, draft_with_a_file


async def _state(court: Court, case_id: str) -> dict:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return tx.open_state(case)


async def test_file_accept_pay_reaches_service_of_the_defendant(court: Court) -> None:
    """A filing goes draft → review → accepted with a case number → fee paid → serving."""
    sim = Simulation(court)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review"
    assert state["data"]["track"] == "small_claims"
    assert state["data"]["fee"]["due"] == "25.00"  # FM 13: 50 flat, FM 16: halved
    await sim.accept(clerk, case_id)
    state = await _state(court, case_id)
    assert state["stage"] == "fee_pending"
    assert state["data"]["case_number"] == "(2026)浙0192民初1号"
    await sim.answer(plaintiff, case_id, "pay")
    state = await _state(court, case_id)
    assert state["stage"] == "awaiting_defendant"  # served; the defendant is invited (OLR 10)
    async with court.store.tx() as tx:
        payment = await tx.session.scalar(select(Payment).where(Payment.case_id == case_id))
    assert payment is not None and payment.status == "confirmed"


async def test_case_numbers_run_per_court_and_year_and_never_repeat(court: Court, clock: FakeClock) -> None:
    """DOMAIN §4.5: SEQ increases per court and year; a new year starts again at 1."""
    sim = Simulation(court)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    numbers = []
    for _ in range(2):
        case_id = await sim.file_case(plaintiff)
        await sim.accept(clerk, case_id)
        numbers.append((await _state(court, case_id))["data"]["case_number"])
    clock.jump(days=40)  # into 2027
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    numbers.append((await _state(court, case_id))["data"]["case_number"])
    assert numbers == ["(2026)浙0192民初1号", "(2026)浙0192民初2号", "(2027)浙0192民初1号"]


async def test_correction_request_lists_defects_and_restarts_the_clock(court: Court, clock: FakeClock) -> None:
    """OLR 9, ICP 7: corrections are asked at once; resubmission restarts the 7-day review."""
    sim = Simulation(court)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    first_due = (await _state(court, case_id))["data"]["_due"]["review"]
    await sim.answer(clerk, case_id, "correct")
    await sim.answer(clerk, case_id, "1. 缺少购物订单截图\n2. 被告电话有误")
    assert (await _state(court, case_id))["stage"] == "correction_requested"
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None and prompt["step"] == "correction_summary"
    await sim.answer(plaintiff, case_id, "edit:plaintiff_phone")
    await sim.answer(plaintiff, case_id, "13700137000")
    clock.jump(days=3)
    await sim.answer(plaintiff, case_id, "submit")
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review"
    assert state["data"]["plaintiff"]["phone"] == "13700137000"
    assert state["data"]["_due"]["review"] > first_due
    assert state["data"]["submissions"] == 2


async def test_refusal_gives_reasons_and_the_appeal_period(court: Court) -> None:
    """CPL 171: a refusal is a ruling with reasons, appealable within 10 days; OLR 9(3): it is first
    explained and returned, and the judge rules only when the plaintiff insists."""
    sim = Simulation(court, locale="en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    judge = await demo_person(court, "judge")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "Not within this court's jurisdiction")
    assert (await _state(court, case_id))["stage"] == "refusal_explained"
    await sim.answer(plaintiff, case_id, "insist")
    await sim.answer(judge, case_id, "refuse")
    await sim.answer(judge, case_id, "Not within this court's jurisdiction")
    assert (await _state(court, case_id))["stage"] == "not_accepted"
    lines: list[str] = []
    Simulation(court, "en", lines.append)
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    assert any("appeal within 10 days" in line and "jurisdiction" in line for line in lines)


async def test_unpaid_fee_after_seven_days_is_treated_as_withdrawn(court: Court, clock: FakeClock) -> None:
    """FM 22: no fee within 7 days of the notice → treated as withdrawn by the judge's ruling
    (Interp. 213); a reminder comes first."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    async with court.store.tx() as tx:  # the fee notice reaches an address the plaintiff uses (OLR 31)
        await accounts.use_channel(tx, plaintiff.id, accounts.WEB, plaintiff.id, court.clock())
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    clock.jump(days=6, hours=23)
    assert await court.sweeper.run_once() >= 1  # the 24-hour reminder
    assert (await _state(court, case_id))["stage"] == "fee_pending"
    clock.jump(days=2)
    await court.sweeper.run_once()
    assert (await _state(court, case_id))["stage"] == "withdrawal_ruling"
    await sim.answer(await demo_person(court, "judge"), case_id, "issue")
    assert (await _state(court, case_id))["stage"] == "withdrawn"
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    text = "\n".join(lines)
    assert "Reminder: the fee payment period ends" in text
    assert "treated as withdrawn" in text
    async with court.store.tx() as tx:
        rows = (await tx.session.scalars(select(Deadline).where(Deadline.case_id == case_id))).all()
    payment = next(r for r in rows if r.kind == "payment")
    assert payment.status == "fired" and payment.lag_seconds is not None and payment.lag_seconds > 0


async def test_bad_input_is_refused_and_nothing_entered_is_lost(court: Court) -> None:
    """Bad ID, text for an amount, negative amount, empty text: each refused with its own key."""
    plaintiff = await demo_person(court, "litigant_a")
    sim = Simulation(court)
    case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    await sim.answer(plaintiff, case_id, "yes")
    await sim.answer(plaintiff, case_id, "张三")

    async def try_answer(value: object) -> str | None:
        prompt = await sim.prompt_for(plaintiff, case_id)
        assert prompt is not None
        outcome = await court.service.submit_answer(
            SubmitAnswer(plaintiff.id, case_id, prompt["step"], prompt["seq"], value, "test")
        )
        return outcome.error

    assert await try_answer("110105194912310021") == "id_checksum"
    assert await try_answer("12345") == "id_length"
    assert await try_answer("   ") == "empty_text"
    assert (await _state(court, case_id))["data"]["plaintiff"]["name"] == "张三"
    while (prompt := await sim.prompt_for(plaintiff, case_id)) is not None and prompt["step"] != "claim_amount":
        await sim.answer(plaintiff, case_id, PLAINTIFF_ANSWERS[prompt["step"]])
    assert await try_answer("three thousand") == "not_an_amount"
    assert await try_answer("-5") == "amount_not_positive"
    assert await try_answer("1e400") in ("not_an_amount", "amount_too_large")
    assert await try_answer("999999999999") == "amount_too_large"
    assert await try_answer("3,999.50元") is None
    assert (await _state(court, case_id))["data"]["claims"] == [
        {"text": PLAINTIFF_ANSWERS["claim_text"], "kind": "money", "amount": "3999.50"}
    ]


async def test_stale_button_and_double_submit_change_nothing(court: Court) -> None:
    """ARCH 5: an answer quoting an earlier step's seq is refused as stale."""
    plaintiff = await demo_person(court, "litigant_a")
    sim = Simulation(court)
    case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    prompt = await sim.prompt_for(plaintiff, case_id)
    assert prompt is not None
    answer = SubmitAnswer(plaintiff.id, case_id, prompt["step"], prompt["seq"], "yes", "test")
    assert (await court.service.submit_answer(answer)).ok
    before = await _state(court, case_id)
    repeat = await court.service.submit_answer(answer)  # the double click
    assert repeat.error == "stale_step"
    assert await _state(court, case_id) == before


async def test_another_persons_case_is_never_visible_or_writable(court: Court) -> None:
    """A litigant cannot answer or upload in someone else's case, nor learn it exists."""
    owner, other = await demo_person(court, "litigant_a"), await demo_person(court, "litigant_b")
    case_id = str((await court.service.open_case(OpenCase(owner.id, "filing", "test"))).case_id)
    refused = await court.service.submit_answer(SubmitAnswer(other.id, case_id, "consent_service", 2, "yes", "test"))
    missing = await court.service.submit_answer(SubmitAnswer(other.id, "no-such-case", "x", 1, "yes", "test"))
    assert refused.error == missing.error == "not_a_party"
    upload = await court.service.upload_evidence(
        UploadEvidence(other.id, case_id, "evidence", 1, "a.pdf", "application/pdf", b"x", "test")
    )
    assert upload.error == "not_a_party"
    async with court.store.tx() as tx:
        assert [c.id for c, _ in await tx.cases_of(other.id)] == []


async def test_evidence_is_hashed_chained_and_checked_for_size_and_type(court: Court) -> None:
    """OLR 16: SHA-256 on receipt, chained; oversized, empty and unknown types refused."""
    plaintiff = await demo_person(court, "litigant_a")
    sim = Simulation(court)
    case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(plaintiff, case_id)) and prompt["step"] != "evidence":
        await sim.answer(plaintiff, case_id, PLAINTIFF_ANSWERS[prompt["step"]])
    assert prompt is not None

    async def upload(name: str, content: bytes) -> object:
        return await court.service.upload_evidence(
            UploadEvidence(plaintiff.id, case_id, "evidence", prompt["seq"], name, "x", content, "test")
        )

    big = b"0" * (court.settings.max_upload_mb * 1024 * 1024 + 1)
    assert (await upload("huge.pdf", big)).error == "file_too_large"  # type: ignore[attr-defined]
    assert (await upload("tool.exe", b"MZ")).error == "file_type"  # type: ignore[attr-defined]
    assert (await upload("empty.pdf", b"")).error == "file_empty"  # type: ignore[attr-defined]
    first = await upload("a.pdf", b"first")
    second = await upload("b.png", b"second")
    assert (await upload("again.pdf", b"first")).error == "duplicate_file"  # type: ignore[attr-defined]
    assert first.evidence["sha256"] == "a7937b64b8caa58f03721bb6bacf5c78cb235febe0e70b1b84cd99541461a08e"  # type: ignore[attr-defined]
    async with court.store.tx() as tx:
        rows = (await tx.session.scalars(select(Evidence).where(Evidence.case_id == case_id))).all()
    import hashlib

    by_name = {r.name: r for r in rows}
    assert (
        by_name["b.png"].chain_hash
        == hashlib.sha256((by_name["a.pdf"].chain_hash + by_name["b.png"].sha256).encode()).hexdigest()
    )
    assert second.ok  # type: ignore[attr-defined]


async def test_an_unverified_plaintiff_waits_for_identity_then_goes_to_review(court: Court, clock: FakeClock) -> None:
    """OLR 7, ICP 6: a filing reaches the court only once its plaintiff is verified."""
    from court.sessions import new_litigant
    from identity.models import IdentityProfile

    async with court.store.tx() as tx:
        person = new_litigant(clock(), "en")
        tx.add(person)
    lines: list[str] = []
    sim = Simulation(court, "en", lines.append)
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] != "verify_identity":
        value = "done" if prompt["step"] == "evidence" else PLAINTIFF_ANSWERS[prompt["step"]]
        await sim.answer(person, case_id, value)
    assert (await _state(court, case_id))["stage"] == "identity_check"
    assert await court.service.identity_verified(person.id) == 0  # not verified yet: nothing moves
    async with court.store.tx() as tx:
        tx.add(
            IdentityProfile(
                person_id=person.id,
                sealed=tx.sealer.seal({"name": "张三", "id_number": PLAINTIFF_ANSWERS["plaintiff_id"]}),
                id_number_hash="x",
                method="face_liveness",
                verified_at=clock(),
            )
        )
    assert await court.service.identity_verified(person.id) == 1
    assert (await _state(court, case_id))["stage"] == "filing_review"
    await sim.prompt_for(person, case_id)
    assert any("verify your identity" in line for line in lines)


OTHER_ID = "31010419850615004X"  # a valid resident ID number, not the one the filing names


async def _filed_until_identity(
    court: Court, sim: Simulation, person: Person, plaintiff_id: str, name: str = "张三"
) -> str:
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    answers = {**PLAINTIFF_ANSWERS, "plaintiff_id": plaintiff_id, "plaintiff_name": name}
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] not in (
        "verify_identity",
        "identity_mismatch",
        "wait_review",
    ):
        await sim.answer(person, case_id, "done" if prompt["step"] == "evidence" else answers[prompt["step"]])
    return case_id


async def _in_telegram(court: Court, person: Person, case_id: str, locale: str) -> list[Any]:
    """The person's newest message in the case as the Telegram bot renders it."""
    from bot.telegram.render import render
    from gateway.frames import render_message

    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        row = (await tx.history(case_id, person.id, await tx.role_in_case(person, case) or ""))[-1]
        message = {"id": row.id, "case_id": case_id, "at": row.created_at.isoformat(), **tx.sealer.open(row.payload)}
    frame = render_message(message, locale, court.catalog)
    return render(frame, message["text"], court.clock(), locale, "https://court.example/")


async def _verify(court: Court, person_id: str, name: str, id_number: str) -> None:
    from identity.models import IdentityProfile

    async with court.store.tx() as tx:
        tx.add(
            IdentityProfile(
                person_id=person_id,
                sealed=tx.sealer.seal({"name": name, "id_number": id_number}),
                id_number_hash=court.identity.number_hashes(id_number)[0],
                method="face_liveness",
                verified_at=court.clock(),
            )
        )


async def test_olr7_a_person_verified_as_someone_else_cannot_file_as_the_plaintiff(
    court: Court, clock: FakeClock
) -> None:
    """OLR 7, ICP 6: the verified name and resident ID number must be the plaintiff's in the
    filing. The person is told both, corrects them in place, and the filing then reaches the court."""
    from court.sessions import new_litigant

    async with court.store.tx() as tx:
        person = new_litigant(clock(), "en")
        tx.add(person)
    lines: list[str] = []
    sim = Simulation(court, "en", lines.append)
    case_id = await _filed_until_identity(court, sim, person, PLAINTIFF_ANSWERS["plaintiff_id"])
    await _verify(court, person.id, "李四", OTHER_ID)
    assert await court.service.identity_verified(person.id) == 1
    state = await _state(court, case_id)
    assert state["stage"] == "identity_mismatch" and state["data"]["_status"] == "IDENTITY_MISMATCH"
    prompt = await sim.prompt_for(person, case_id)
    assert prompt is not None and prompt["step"] == "identity_mismatch"
    told = lines[-1]
    assert "verified as 李四 (ID 310104********004X)" in told and "names 张三 (ID 110105********002X)" in told
    assert "has not reached the court" in told and "delete your face data" in told
    assert "11010519491231002X" not in told and OTHER_ID not in told  # masked, as every ID number in a message

    await sim.answer(person, case_id, "submit")  # unchanged: still not them
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    for value in ("edit:plaintiff_id", OTHER_ID, "submit"):  # the number alone is not enough
        await sim.answer(person, case_id, value)
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    for value in ("edit:plaintiff_name", "李 四"):  # spaces aside, the same name
        await sim.answer(person, case_id, value)
    await sim.prompt_for(person, case_id)
    assert "] Corrected: this filing now names 李 四 (ID 310104********004X)" in lines[-1]
    await sim.answer(person, case_id, "submit")
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review" and state["data"]["plaintiff"]["id_number"] == OTHER_ID
    assert state["data"]["facts"] == PLAINTIFF_ANSWERS["facts"]  # nothing else was lost


async def test_olr7_an_already_verified_person_hears_of_a_mismatch_on_submitting(court: Court) -> None:
    """Verified before filing: the summary's submit finds the mismatch at once, and the filing
    reaches the court only once the ID number is theirs."""
    plaintiff = await demo_person(court, "litigant_a")  # verified as 张三, 11010519491231002X
    sim = Simulation(court, "en")
    case_id = await _filed_until_identity(court, sim, plaintiff, OTHER_ID)
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    [message] = await _in_telegram(court, plaintiff, case_id, "zh")  # what the bot would send
    assert "您已实名认证为 张三（身份证号 110105********002X）" in message.text and message.protect
    labels = [row[0]["text"] for row in message.keyboard]
    assert labels == ["提交立案", "修改姓名", "修改身份证号", "在小程序中打开"]
    for value in ("edit:plaintiff_id", PLAINTIFF_ANSWERS["plaintiff_id"], "submit"):
        await sim.answer(plaintiff, case_id, value)
    assert (await _state(court, case_id))["stage"] == "filing_review"


async def test_olr7_a_correction_of_the_plaintiffs_id_number_is_checked_again(court: Court) -> None:
    """OLR 9 corrections may touch the plaintiff's details: a changed number meets the identity
    check again, not the court directly."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "correct")
    await sim.answer(clerk, case_id, "1. 原告电话有误")
    for value in ("edit:plaintiff_id", OTHER_ID, "submit"):
        await sim.answer(plaintiff, case_id, value)
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    for value in ("edit:plaintiff_id", PLAINTIFF_ANSWERS["plaintiff_id"], "submit"):
        await sim.answer(plaintiff, case_id, value)
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review" and state["data"]["submissions"] == 3


async def test_olr7_an_agent_is_not_compared_with_the_plaintiff_named(court: Court) -> None:
    """The agent acts for the plaintiff (DOMAIN §1) and is verified as themself: only the
    party's own identity must be the one the filing names."""
    agency = AgencyService(court.service)
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id = str((await court.service.open_case(OpenCase(party.id, "filing", "test"))).case_id)
    code = (await agency.invite(party.id, case_id)).params["code"]
    assert (await agency.accept(agent.id, code, "poa.pdf", b"%PDF signed")).ok
    [waiting] = await agency.queue(clerk.id)
    assert (await agency.decide(clerk.id, waiting.id, True, "PoA in order")).ok
    sim = Simulation(court, "en")
    done = ("wait_review", "identity_mismatch")
    while (prompt := await sim.prompt_for(party, case_id)) and prompt["step"] not in done:
        await sim.answer(party, case_id, "done" if prompt["step"] == "evidence" else PLAINTIFF_ANSWERS[prompt["step"]])
    assert (await _state(court, case_id))["stage"] == "filing_review"


async def test_a_case_begun_on_filing_v1_keeps_v1s_identity_rule(court: Court) -> None:
    """Flow versions are pinned per case (ARCH habit 2): v1 asked only whether the account was
    verified, and a v1 draft still does, whatever name and number it gives."""
    from flows.library import FlowLibrary

    plaintiff = await demo_person(court, "litigant_a")
    shipped = court.service.library
    court.service.library = FlowLibrary({("filing", 1): shipped.get("filing", 1)})  # as before v2 shipped
    try:
        case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    finally:
        court.service.library = shipped
    sim = Simulation(court, "en")
    while (prompt := await sim.prompt_for(plaintiff, case_id)) and prompt["step"] != "wait_review":
        answers = {**PLAINTIFF_ANSWERS, "plaintiff_id": OTHER_ID}
        await sim.answer(plaintiff, case_id, "done" if prompt["step"] == "evidence" else answers[prompt["step"]])
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review" and state["data"]["plaintiff"]["id_number"] == OTHER_ID
    async with court.store.tx() as tx:
        assert (await tx.get_case(case_id)).flow_version == 1  # type: ignore[union-attr]


async def _served_on_a_company(court: Court, sim: Simulation) -> tuple[str, str]:
    """A case filed against the standard company defendant, accepted and paid: (case id, code)."""
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    state = await _state(court, case_id)
    assert state["stage"] == "awaiting_defendant" and state["data"]["defendant"]["kind"] == "company"
    return case_id, state["data"]["invitation"]["code"]


async def _court_lines(court: Court, case_id: str, needle: str) -> list[str]:
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(await demo_person(court, "clerk"), case_id)
    return [line for line in lines if needle in line]


async def _send_proof(
    court: Court, person: Person, case_id: str, name: str = "licence.pdf", content: bytes = b"%PDF licence"
) -> None:
    prompt = await Simulation(court).prompt_for(person, case_id)
    assert prompt is not None and prompt["step"] == "representative_documents"
    upload = UploadEvidence(person.id, case_id, prompt["step"], prompt["seq"], name, "application/pdf", content, "test")
    assert (await court.service.upload_evidence(upload)).ok


async def test_olr10_nobody_already_in_the_case_joins_it_as_the_defendant(court: Court) -> None:
    """The invitation goes to the address the plaintiff typed: the plaintiff (or anyone already
    in the case) following it is refused, and nothing changes; someone else verified may join."""
    sim = Simulation(court, "en")
    plaintiff, other = await demo_person(court, "litigant_a"), await demo_person(court, "litigant_b")
    case_id, code = await _served_on_a_company(court, sim)
    refused = await court.service.join_case(JoinCase(plaintiff.id, code, "test"))
    assert refused.error == "already_in_case"
    assert (await _state(court, case_id))["stage"] == "awaiting_defendant"
    assert (await court.service.join_case(JoinCase(other.id, code, "test"))).ok  # for the company
    assert (await _state(court, case_id))["stage"] == "representative_proof"


async def test_cpl51_a_company_acts_only_through_a_representative_the_court_admits(court: Court) -> None:
    """CPL 51, 62: whoever follows a company's invitation proves their authority (licence and
    certificate or letter of authorisation) and sees nothing of the complaint until the court,
    shown the documents, admits them; only then does the answer period begin."""
    sim = Simulation(court, "en")
    clerk, rep = await demo_person(court, "clerk"), await demo_person(court, "litigant_b")
    case_id, code = await _served_on_a_company(court, sim)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    [asked] = await _court_lines(court, case_id, "asked for the business licence")
    assert "李四 (ID 310104********004X)" in asked and "某某电子商务有限公司" in asked
    lines: list[str] = []
    prompt = await Simulation(court, "en", lines.append).prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "representative_documents"
    assert not any("Claims" in line or "13800138000" in line for line in lines)  # nothing of the complaint yet
    refused = await court.service.submit_answer(
        SubmitAnswer(rep.id, case_id, prompt["step"], prompt["seq"], "done", "test")
    )
    assert refused.error == "files_required"  # "done" with nothing sent changes nothing
    await _send_proof(court, rep, case_id)
    await sim.answer(rep, case_id, "done")
    state = await _state(court, case_id)
    assert state["stage"] == "representative_review" and state["data"]["_status"] == "REPRESENTATIVE_CHECK"
    decision = await sim.prompt_for(clerk, case_id)
    assert decision is not None and decision["step"] == "representative_decision"
    [document] = state["data"]["representative"]["documents"]
    async with court.store.tx() as tx:  # the web chat links the documents to the court's question
        sent = [
            {"id": r.id, "case_id": case_id, "at": "", **tx.sealer.open(r.payload)}
            for r in await tx.history(case_id, clerk.id, "court")
        ]
    [asking] = [m for m in sent if (m.get("prompt") or {}).get("step") == "representative_decision"]
    frame = render_message(asking, "en", court.catalog)
    assert "licence.pdf (SHA-256" in frame["text"]
    assert frame["attachments"] == [
        {"name": "licence.pdf", "url": f"/api/cases/{case_id}/files/{document['evidence_id']}"}
    ]
    assert await court.service.case_file(clerk.id, case_id, document["evidence_id"]) == ("licence.pdf", b"%PDF licence")
    plaintiff = await demo_person(court, "litigant_a")
    assert await court.service.case_file(plaintiff.id, case_id, document["evidence_id"]) is None  # not theirs
    await sim.answer(clerk, case_id, "admit")
    state = await _state(court, case_id)
    assert state["stage"] == "defendant_consent" and state["data"]["_status"] == "ANSWER_PERIOD"
    for answer in ("yes", "yes", "confirm"):  # online, e-service, the address (OLR 10, 29, 30)
        await sim.answer(rep, case_id, answer)
    state = await _state(court, case_id)
    assert state["stage"] == "answer_period" and state["data"]["_status"] == "ANSWER_PERIOD"  # in the trial now
    lines.clear()
    asked = await Simulation(court, "en", lines.append).prompt_for(rep, case_id)
    assert asked is not None and asked["step"] == "answer_position"
    assert any("You are the defendant" in line and "13800138000" in line for line in lines)  # now the complaint


async def test_cpl51_a_refused_representative_leaves_and_the_company_is_invited_anew(court: Court) -> None:
    """Not yet admitted, the person may not appoint an agent for the company. A refusal is
    explained to them and to the plaintiff; they leave the case; the company is served a new
    invitation, and the old code no longer works."""
    sim = Simulation(court, "en")
    clerk, rep, plaintiff = [await demo_person(court, k) for k in ("clerk", "litigant_b", "litigant_a")]
    case_id, code = await _served_on_a_company(court, sim)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    appointing = await AgencyService(court.service).invite(rep.id, case_id)
    assert appointing.error == "representative_not_admitted"
    async with court.store.tx() as tx:  # as if one had slipped in (a race): the release revokes it too
        tx.add(
            AgentMandate(
                id="m-1",
                case_id=case_id,
                party_role="defendant",
                party_id=rep.id,
                code_hash="x",
                status="invited",
                created_at=court.clock(),
            )
        )
    await _send_proof(court, rep, case_id, "not-a-licence.pdf")
    await sim.answer(rep, case_id, "done")
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "No letter of authorisation; the licence names another company.")
    state = await _state(court, case_id)
    assert state["stage"] == "awaiting_defendant"
    new_code = state["data"]["invitation"]["code"]
    assert new_code and new_code != code and not state["data"]["invitation"].get("used_by")
    [attempt] = state["data"]["representatives_not_admitted"]
    assert attempt["decision"] == "refuse" and attempt["joined_as"]["name"] == "李四"
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and await tx.role_in_case(rep, case) is None  # out of the case
        assert (await tx.session.get(AgentMandate, "m-1")).status == "revoked"  # type: ignore[union-attr]
        sent = [tx.sealer.open(r.payload) for r in await tx.history(case_id, rep.id, "defendant")]
    [told] = [m for m in sent if m["text"] == "filing.representative_refused_defendant"]
    assert "did not admit you" in court.catalog.render(told["text"], "en", told["params"])  # told why
    assert "No letter of authorisation" in told["params"]["reasons"]
    plaintiff_lines: list[str] = []
    await Simulation(court, "en", plaintiff_lines.append).prompt_for(plaintiff, case_id)
    assert any(
        "did not admit the person who joined" in line and "Reasons: No letter" in line for line in plaintiff_lines
    )
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).error == "invitation_unknown"  # the old code
    assert (await court.service.join_case(JoinCase(rep.id, new_code, "test"))).ok
    prompt = await sim.prompt_for(rep, case_id)
    assert prompt is not None and prompt["step"] == "representative_documents"


async def test_messages_after_a_release_go_to_who_takes_part_then(court: Court) -> None:
    """A command that releases the person who joined for the company (CPL 51): its messages
    before the release still reach them (why they leave), those after it only who takes part then."""
    sim = Simulation(court, "en")
    rep = await demo_person(court, "litigant_b")
    case_id, code = await _served_on_a_company(court, sim)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    now = court.clock()
    async with court.store.tx() as tx:
        case = await tx.lock_case(case_id)
        assert case is not None
        people = await tx.participants(case_id)
        await release_defendant(tx, case_id, now)
        said = [Message("defendant", "test.before"), PARTICIPANTS_CHANGED, Message("defendant", "test.after")]
        decision = Decision(CaseState.from_json(tx.open_state(case)), said)  # type: ignore[arg-type]
        await write(
            tx,
            case,
            decision,
            now,
            Pending(inline=False),
            "test",
            {},
            people=people,
            max_upload_mb=20,
            clock=court.clock,
        )
    async with court.store.tx() as tx:
        texts = [tx.sealer.open(row.payload)["text"] for row in await tx.history(case_id, rep.id, "defendant")]
    assert "test.before" in texts and "test.after" not in texts


async def test_cpl62_the_court_asks_for_what_is_missing_before_it_decides(court: Court) -> None:
    """'Ask for more documents': the representative is told what, keeps what they sent, adds
    the rest and the court decides on all of it; once admitted they may appoint an agent."""
    sim = Simulation(court, "en")
    clerk, rep = await demo_person(court, "clerk"), await demo_person(court, "litigant_b")
    case_id, code = await _served_on_a_company(court, sim)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    await _send_proof(court, rep, case_id)
    await sim.answer(rep, case_id, "done")
    await sim.answer(clerk, case_id, "more")
    await sim.answer(clerk, case_id, "The letter of authorisation bears no company seal.")
    state = await _state(court, case_id)
    assert state["stage"] == "representative_proof" and state["data"]["_status"] == "REPRESENTATIVE_PROOF"
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(rep, case_id)
    assert any("asks you for more: The letter of authorisation bears no company seal." in line for line in lines)
    again = await sim.prompt_for(rep, case_id)
    assert again is not None
    nothing_new = await court.service.submit_answer(
        SubmitAnswer(rep.id, case_id, again["step"], again["seq"], "done", "test")
    )
    assert nothing_new.error == "files_required"  # the court asked for something: send it first
    await _send_proof(court, rep, case_id, "letter-sealed.pdf", b"%PDF letter, sealed")
    refused = await court.service.upload_evidence(  # this question takes PDF or photos only
        UploadEvidence(
            rep.id,
            case_id,
            "representative_documents",
            (await sim.prompt_for(rep, case_id) or {})["seq"],
            "letter.docx",
            "application/msword",
            b"DOCX",
            "test",
        )
    )
    assert refused.error == "file_type" and "pdf, jpg" in refused.params["accept"]
    await sim.answer(rep, case_id, "done")
    sent = (await _state(court, case_id))["data"]["representative"]
    assert [d["name"] for d in sent["earlier_documents"]] == ["licence.pdf"]  # kept from the first round
    assert [d["name"] for d in sent["documents"]] == ["letter-sealed.pdf"]  # this round: its own limit
    decision = await sim.prompt_for(clerk, case_id)
    assert decision is not None and decision["step"] == "representative_decision"
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(clerk, case_id)
    assert "licence.pdf" in lines[-1] and "letter-sealed.pdf" in lines[-1]  # the court sees both
    assert len(await _court_lines(court, case_id, "asked for the business licence")) == 1  # said once
    await sim.answer(clerk, case_id, "admit")
    assert (await _state(court, case_id))["stage"] == "defendant_consent"  # admitted: asked for consent first
    for answer in ("yes", "yes", "confirm"):  # online, e-service, the address (OLR 10, 29, 30)
        await sim.answer(rep, case_id, answer)
    assert (await _state(court, case_id))["stage"] == "answer_period"  # the trial's answer period
    agency = AgencyService(court.service)
    invited = await agency.invite(rep.id, case_id)
    assert invited.ok  # admitted: may appoint
    async with court.store.tx() as tx:  # a lawyer, verified
        lawyer = new_litigant(court.clock(), "en")
        tx.add(lawyer)
        await tx.flush()
        tx.add(
            IdentityProfile(
                person_id=lawyer.id,
                sealed=tx.sealer.seal({"name": "王律师", "id_number": OTHER_ID}),
                id_number_hash="-",
                method="test",
                verified_at=court.clock(),
            )
        )
    assert (await agency.accept(lawyer.id, invited.params["code"], "poa.pdf", b"%PDF sealed letter")).ok
    [waiting] = await agency.queue(clerk.id)
    assert (waiting.party_role, waiting.company) == ("defendant", PLAINTIFF_ANSWERS["defendant_name"])
    assert (waiting.agent_name, waiting.party_name) == ("王律师", "李四")  # for the company, its representative


async def test_draft_files_are_the_litigants_own_until_the_court_receives_them(court: Court) -> None:
    """The file route's rule: the court opens a case's files once it has the case, not before."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id, file_id = await draft_with_a_file(court, plaintiff, "chat.png")
    assert await court.service.case_file(clerk.id, case_id, file_id) is None  # a draft
    assert await court.service.case_file(plaintiff.id, case_id, file_id) == ("chat.png", b"PNG")
    await sim.answer(plaintiff, case_id, "done")
    await sim.answer(plaintiff, case_id, "submit")
    assert (await _state(court, case_id))["stage"] == "filing_review"
    assert await court.service.case_file(clerk.id, case_id, file_id) == ("chat.png", b"PNG")
    async with court.store.tx() as tx:  # the plaintiff's record merged into another (a link)
        kept = Person(id="kept-person", display_name="kept", locale="en", created_at=court.clock())
        tx.add(kept)
        await tx.flush()
        gone = await tx.person(plaintiff.id)
        assert gone is not None
        gone.merged_into = kept.id
        await tx.session.execute(
            update(Participant).where(Participant.person_id == plaintiff.id).values(person_id=kept.id)
        )
    assert await court.service.case_file(kept.id, case_id, file_id) == ("chat.png", b"PNG")  # still theirs
    async with court.store.tx() as tx:  # and the kept record merged in turn into a third
        third = Person(id="third-person", display_name="third", locale="en", created_at=court.clock())
        tx.add(third)
        await tx.flush()
        kept_row = await tx.person(kept.id)
        assert kept_row is not None
        kept_row.merged_into = third.id
        await tx.session.execute(update(Participant).where(Participant.person_id == kept.id).values(person_id=third.id))
    assert await court.service.case_file(third.id, case_id, file_id) == ("chat.png", b"PNG")


async def test_a_filing_routed_elsewhere_before_submission_never_reaches_this_court(court: Court) -> None:
    """ICP 2: a dispute outside the Internet court's list is routed elsewhere from the summary; the
    court was never told of it, so it is not on the clerk's list and its files stay the plaintiff's."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    answers = {**PLAINTIFF_ANSWERS, "case_type": "other", "other_type_notice": "route"}
    case_id, file_id = await draft_with_a_file(court, plaintiff, "mine.png", answers)
    for value in ("done", "submit"):
        await sim.answer(plaintiff, case_id, value)
    assert (await _state(court, case_id))["data"]["_status"] == "ROUTED_ELSEWHERE"
    assert await court.service.case_file(clerk.id, case_id, file_id) is None
    async with court.store.tx() as tx:
        listed = await court_cases(tx, court.settings.court_code, "en", court.catalog, court.library)
    assert case_id not in {card["case_id"] for card in listed}


async def test_a_filing_the_court_received_stays_received_when_a_correction_no_longer_matches(
    court: Court,
) -> None:
    """OLR 9 then OLR 7: the court asked for corrections and the corrected ID number is not the
    verified one. The filing waits at IDENTITY_MISMATCH, but the court keeps what it received:
    the case stays on the clerk's list and its files open; the identity it rests on stays held."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id, file_id = await draft_with_a_file(court, plaintiff, "order.png")
    for value in ("done", "submit"):
        await sim.answer(plaintiff, case_id, value)
    await sim.answer(clerk, case_id, "correct")
    await sim.answer(clerk, case_id, "1. 原告电话有误")
    for value in ("edit:plaintiff_id", OTHER_ID, "submit"):
        await sim.answer(plaintiff, case_id, value)
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    assert await court.service.case_file(clerk.id, case_id, file_id) == ("order.png", b"PNG")
    async with court.store.tx() as tx:
        listed = await court_cases(tx, court.settings.court_code, "en", court.catalog, court.library)
    assert case_id in {card["case_id"] for card in listed}
    with pytest.raises(IdentityRefused) as refused:
        await court.identity.delete_biometrics(plaintiff.id)
    assert refused.value.code == "case_live"


async def test_olr10_no_proof_of_authority_in_time_means_offline_service(court: Court, clock: FakeClock) -> None:
    """Three days to prove the authority (OLR 10): then the person leaves the case, everyone is
    told in their own words, and the company is served offline as if nobody had joined."""
    sim = Simulation(court, "en")
    rep, plaintiff = await demo_person(court, "litigant_b"), await demo_person(court, "litigant_a")
    case_id, code = await _served_on_a_company(court, sim)
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    joined: list[str] = []
    await Simulation(court, "en", joined.append).prompt_for(plaintiff, case_id)
    assert any("李四 followed the court's invitation for the defendant 某某电子商务有限公司" in line for line in joined)
    clock.jump(days=4)
    await court.sweeper.run_once()
    state = await _state(court, case_id)
    assert state["data"]["_flows"][-1]["stage"] == "offline_service"  # served offline, then on to the trial
    assert state["stage"] == "answer_period"
    [court_told] = await _court_lines(court, case_id, "did not send proof of authority")
    assert court_told.startswith("[court → ") and "(2026)浙0192民初1号" in court_told
    lapsed: list[str] = []
    await Simulation(court, "en", lapsed.append).prompt_for(plaintiff, case_id)
    assert any("did not prove their authority in time" in line for line in lapsed)
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None and await tx.role_in_case(rep, case) is None
        sent = [tx.sealer.open(r.payload)["text"] for r in await tx.history(case_id, rep.id, "defendant")]
    assert "filing.representative_lapsed_defendant" in sent


async def test_expiry_messages_name_the_case(court: Court, clock: FakeClock) -> None:
    """A deadline's expiry text is filled in from the case (its `params`), never '{case_number}'."""
    sim = Simulation(court, "en")
    case_id, _code = await _served_on_a_company(court, sim)
    await sim.answer(await demo_person(court, "clerk"), case_id, "served")  # the notice served (OLR 10)
    clock.jump(days=4)
    await court.sweeper.run_once()
    [told] = await _court_lines(court, case_id, "did not join online within 3 days")
    assert "Case (2026)浙0192民初1号: the defendant" in told and "{" not in told


async def test_olr16_a_file_reaches_a_case_only_as_an_upload(court: Court) -> None:
    """An answer that describes a file (name, hash) is refused: evidence is what was received and
    hashed. An upload is refused before a byte is stored when the case is not the person's, or
    its current question for them takes no file, or is an earlier one."""
    plaintiff, other = await demo_person(court, "litigant_a"), await demo_person(court, "litigant_b")
    sim = Simulation(court, "en")
    case_id = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(plaintiff, case_id)) and prompt["step"] != "evidence":
        await sim.answer(plaintiff, case_id, PLAINTIFF_ANSWERS[prompt["step"]])
    assert prompt is not None
    forged = {"evidence_id": "x", "name": "signed_contract.pdf", "sha256": "0" * 64}
    outcome = await court.service.submit_answer(
        SubmitAnswer(plaintiff.id, case_id, "evidence", prompt["seq"], forged, "web")
    )
    assert outcome.error == "send_the_file" and "evidence" not in (await _state(court, case_id))["data"]

    def upload(person_id: str, step: str, seq: int) -> UploadEvidence:
        return UploadEvidence(person_id, case_id, step, seq, "a.pdf", "application/pdf", b"%PDF-1.4 x", "test")

    blobs = court.service.blobs.root
    before = sorted(blobs.rglob("*")) if blobs.exists() else []
    assert (await court.service.upload_evidence(upload(other.id, "evidence", prompt["seq"]))).error == "not_a_party"
    assert (await court.service.upload_evidence(upload(plaintiff.id, "evidence", prompt["seq"] - 1))).error == (
        "stale_step"
    )
    after = sorted(blobs.rglob("*")) if blobs.exists() else []
    assert after == before  # nothing was written for refused uploads
    assert (await court.service.upload_evidence(upload(plaintiff.id, "evidence", prompt["seq"]))).ok
    await sim.answer(plaintiff, case_id, "done")
    summary = await sim.prompt_for(plaintiff, case_id)
    assert summary is not None and summary["step"] == "summary"
    not_asked = await court.service.upload_evidence(upload(plaintiff.id, "summary", summary["seq"]))
    assert not_asked.error == "no_file_expected"
