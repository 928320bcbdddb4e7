"""The filing flow driven end to end through the service layer (DOMAIN §4, §5)."""

from __future__ import annotations

from sqlalchemy import select

from app.bootstrap import Court
from app.simulation import PLAINTIFF_ANSWERS, Simulation
from court.commands import OpenCase, SubmitAnswer, UploadEvidence
from storage.models import Deadline, Evidence, Payment, Person
from tests.clock import FakeClock
from tests.conftest import demo_person


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
    await sim.answer(clerk, case_id, "accept")
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
        await sim.answer(clerk, case_id, "accept")
        numbers.append((await _state(court, case_id))["data"]["case_number"])
    clock.jump(days=40)  # into 2027
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")
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
    """CPL 171: a refusal is a ruling with reasons, appealable within 10 days."""
    sim = Simulation(court, locale="en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "Not within this court's jurisdiction")
    assert (await _state(court, case_id))["stage"] == "not_accepted"
    lines: list[str] = []
    Simulation(court, "en", lines.append)
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    assert any("appeal within 10 days" in line and "jurisdiction" in line for line in lines)


async def test_unpaid_fee_after_seven_days_is_treated_as_withdrawn(court: Court, clock: FakeClock) -> None:
    """FM 22: no fee within 7 days of the notice → treated as withdrawn; a reminder comes first."""
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")
    clock.jump(days=6, hours=23)
    assert await court.sweeper.run_once() >= 1  # the 24-hour reminder
    assert (await _state(court, case_id))["stage"] == "fee_pending"
    clock.jump(days=2)
    await court.sweeper.run_once()
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
    for step in (
        "plaintiff_id",
        "plaintiff_phone",
        "case_type",
        "defendant_kind",
        "defendant_name",
        "defendant_credit_code",
        "defendant_phone",
        "defendant_address",
        "claim_text",
    ):
        await sim.answer(plaintiff, case_id, PLAINTIFF_ANSWERS[step])
    assert await try_answer("three thousand") == "not_an_amount"
    assert await try_answer("-5") == "amount_not_positive"
    assert await try_answer("1e400") in ("not_an_amount", "amount_too_large")
    assert await try_answer("999999999999") == "amount_too_large"
    assert await try_answer("3,999.50元") is None
    assert (await _state(court, case_id))["data"]["claims"] == [
        {"text": PLAINTIFF_ANSWERS["claim_text"], "amount": "3999.50"}
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
    from app.auth import new_litigant
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


async def _filed_until_identity(court: Court, sim: Simulation, person: Person, plaintiff_id: str) -> str:
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    answers = {**PLAINTIFF_ANSWERS, "plaintiff_id": plaintiff_id}
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] not in (
        "verify_identity",
        "identity_mismatch",
        "wait_review",
    ):
        await sim.answer(person, case_id, "done" if prompt["step"] == "evidence" else answers[prompt["step"]])
    return case_id


async def test_olr7_a_person_verified_as_someone_else_cannot_file_as_the_plaintiff(
    court: Court, clock: FakeClock
) -> None:
    """OLR 7, ICP 6: the verified resident ID number must be the plaintiff's in the filing. The
    person is told, corrects the number in place, and the filing then reaches the court."""
    from app.auth import new_litigant
    from identity.models import IdentityProfile

    async with court.store.tx() as tx:
        person = new_litigant(clock(), "en")
        tx.add(person)
    lines: list[str] = []
    sim = Simulation(court, "en", lines.append)
    case_id = await _filed_until_identity(court, sim, person, PLAINTIFF_ANSWERS["plaintiff_id"])
    async with court.store.tx() as tx:
        tx.add(
            IdentityProfile(
                person_id=person.id,
                sealed=tx.sealer.seal({"name": "李四", "id_number": OTHER_ID}),
                id_number_hash="y",
                method="face_liveness",
                verified_at=clock(),
            )
        )
    assert await court.service.identity_verified(person.id) == 1
    state = await _state(court, case_id)
    assert state["stage"] == "identity_mismatch" and state["data"]["_status"] == "IDENTITY_CHECK"
    prompt = await sim.prompt_for(person, case_id)
    assert prompt is not None and prompt["step"] == "identity_mismatch"
    assert "110105********002X" in lines[-1] and "not the one you verified with" in lines[-1]
    assert "11010519491231002X" not in lines[-1]  # masked, like every ID number in a message

    await sim.answer(person, case_id, "submit")  # unchanged: still not theirs
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    for value in ("edit:plaintiff_id", OTHER_ID, "submit"):
        await sim.answer(person, case_id, value)
    state = await _state(court, case_id)
    assert state["stage"] == "filing_review" and state["data"]["plaintiff"]["id_number"] == OTHER_ID
    assert state["data"]["facts"] == PLAINTIFF_ANSWERS["facts"]  # nothing else was lost


async def test_olr7_an_already_verified_person_hears_of_a_mismatch_on_submitting(court: Court) -> None:
    """Verified before filing: the summary's submit finds the mismatch at once, and the filing
    reaches the court only once the ID number is theirs."""
    plaintiff = await demo_person(court, "litigant_a")  # verified as 11010519491231002X
    sim = Simulation(court, "en")
    case_id = await _filed_until_identity(court, sim, plaintiff, OTHER_ID)
    assert (await _state(court, case_id))["stage"] == "identity_mismatch"
    for value in ("edit:plaintiff_id", PLAINTIFF_ANSWERS["plaintiff_id"], "submit"):
        await sim.answer(plaintiff, case_id, value)
    assert (await _state(court, case_id))["stage"] == "filing_review"


async def test_a_verified_plaintiff_is_not_asked_to_verify_again(court: Court) -> None:
    """A prompt superseded within the same command is never sent."""
    lines: list[str] = []
    plaintiff = await demo_person(court, "litigant_a")
    case_id = await Simulation(court, "en", lines.append).file_case(plaintiff)
    await Simulation(court, "en", lines.append).prompt_for(plaintiff, case_id)
    assert not any("verify your identity" in line for line in lines)


async def _served_case(court: Court) -> tuple[str, str]:
    sim = Simulation(court)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    case_id = await sim.file_case(plaintiff)
    await sim.answer(clerk, case_id, "accept")
    await sim.answer(plaintiff, case_id, "pay")
    code = (await _state(court, case_id))["data"]["invitation"]["code"]
    return case_id, code


async def test_the_defendant_joins_by_the_invitation_once_verified(court: Court) -> None:
    """OLR 10: the notice's one-time code binds the verified defendant's account to the case."""
    from app.auth import new_litigant

    case_id, code = await _served_case(court)
    defendant = await demo_person(court, "litigant_b")
    async with court.store.tx() as tx:
        stranger = new_litigant(court.clock(), "zh")
        tx.add(stranger)
    forged = code[:-1] + ("y" if code.endswith("x") else "x")
    assert (await court.service.join_case(defendant.id, forged, "test")).error == "invitation_unknown"
    assert (await court.service.join_case(stranger.id, code, "test")).error == "verify_first"
    assert (await court.service.join_case(defendant.id, code, "test")).ok
    assert (await court.service.join_case(defendant.id, code, "test")).error == "invitation_used"
    state = await _state(court, case_id)
    assert state["stage"] == "defendant_joined" and state["data"]["invitation"].get("code") is None
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(defendant, case_id)
    assert any("You are the defendant" in line for line in lines)


async def test_a_defendant_not_online_within_three_days_is_served_offline(court: Court, clock: FakeClock) -> None:
    """OLR 10: no link within 3 days → offline service, and the case continues."""
    case_id, _code = await _served_case(court)
    clock.jump(days=5)
    await court.sweeper.run_once()
    assert (await _state(court, case_id))["stage"] == "offline_service"


async def test_a_deadline_in_a_year_without_calendar_data_warns_person_and_court(
    court: Court, clock: FakeClock
) -> None:
    """CPL 85: the 7-day review of a late-December filing ends in 2027, which has no data yet."""
    from datetime import UTC, datetime

    clock.now = datetime(2026, 12, 28, 2, tzinfo=UTC)
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    lines: list[str] = []
    case_id = await Simulation(court, "en", lines.append).file_case(plaintiff)
    state = await _state(court, case_id)
    assert state["data"]["_due_warnings"]["review"] == ["calendar_missing_year:2027"]
    assert state["data"]["_due"]["review"] == "2027-01-04T15:59:59+00:00"  # 01-04 is a Monday
    await Simulation(court, "en", lines.append).prompt_for(clerk, case_id)
    warnings = [line for line in lines if "counted on weekends only" in line]
    assert len(warnings) == 2 and any("Clerk" in w for w in warnings)
