"""IdentityService on real photos: consent, reference, selfie checks, the clerk's queue, deletion.

OLR 7 / ICP 6 (verified before acting), OLR 7(3) (re-verification per session), PIPL 28
(separate consent, sealed template, deletion once the cases are closed). The face library runs in
this process through a cache (tests/support/cached_encoder.py); the real pool is exercised by
tests/e2e/test_identity_http.py.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, text

from app.simulation import PLAINTIFF_ANSWERS, Simulation
from court.access import identity_desk
from court.commands import OpenCase
from court.sessions import new_litigant
from gateway.court import Court
from identity.card import CardReading
from identity.encoder import EncoderBusy
from identity.faces import FaceProbe
from identity.id_numbers import resident_id_check_char
from identity.liveness import FrameObservation, RecordingObservation
from identity.models import IdentityProfile, is_verified
from identity.results import IdentityRefused
from identity.service import IdentityService
from storage.models import OutboxMessage, Person
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.court import decisions, demo_person
from tests.support.id_cards import card_photo

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

NAME, ID_NUMBER = "陈一鸣", PLAINTIFF_ANSWERS["plaintiff_id"]  # not a demo person's name


async def cached(court: Court) -> IdentityService:
    """The court's identity service, switched to the in-process cached encoder."""
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    return court.identity


@pytest.fixture
async def identity(court: Court) -> IdentityService:
    """The identity service of a court on SQLite, with the cached encoder."""
    return await cached(court)


def suffices(identity: IdentityService, value: bool = True) -> None:
    """Set the court's MICROCOURT_SELFIE_SUFFICES for this test."""
    identity.settings = replace(identity.settings, selfie_suffices=value)


async def new_person(court: Court) -> Person:
    """A new, unverified litigant."""
    async with court.store.tx() as tx:
        person = new_litigant(court.clock(), "en")
        tx.add(person)
    return person


async def waiting_case(court: Court, person: Person) -> str:
    """A filing by ``person`` as NAME, ID_NUMBER driven up to the identity step (stage identity_check)."""
    sim = Simulation(court, "en")
    answers = {**PLAINTIFF_ANSWERS, "plaintiff_name": NAME, "plaintiff_id": ID_NUMBER}
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] != "verify_identity":
        value = "done" if prompt["step"] == "evidence" else answers[prompt["step"]]
        await sim.answer(person, case_id, value)
    assert await stage(court, case_id) == "identity_check"
    return case_id


async def stage(court: Court, case_id: str) -> str:
    """The case's current stage."""
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
    assert case is not None
    return case.stage


async def enrol(
    identity: IdentityService, person_id: str, faces: FacePhotos, photo: str = "obama_1.jpg", id_number: str = ID_NUMBER
) -> None:
    """Consent, then a photo of a specimen ID card of NAME and ``id_number`` with ``photo`` on it."""
    await identity.give_consent(person_id)
    await identity.set_reference(person_id, NAME, id_number, card_photo(NAME, id_number, photo))


def database_bytes(folder: Path) -> bytes:
    """Every byte of the SQLite database files (main file and any journal)."""
    return b"".join(path.read_bytes() for path in folder.glob("microcourt.db*"))


def other_id_number() -> str:
    """A second valid resident ID number (another person)."""
    body = "44030419850612003"
    return body + resident_id_check_char(body)


# -- consent and the reference (PIPL 28) -------------------------------------------------------


async def test_pipl_28_consent_is_required_before_any_capture(
    court: Court, identity: IdentityService, faces: FacePhotos, clock: FakeClock
) -> None:
    """PIPL 28: no photo is measured and no challenge issued before separate, recorded consent."""
    person = await new_person(court)
    measured = shared_encoder().measured
    with pytest.raises(IdentityRefused) as refused:
        await identity.set_reference(person.id, NAME, ID_NUMBER, faces.raw("obama_1.jpg"))
    assert refused.value.code == "consent_required"
    with pytest.raises(IdentityRefused, match="consent_required"):
        await identity.issue_challenge(person.id)
    with pytest.raises(IdentityRefused, match="consent_required"):
        await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    assert shared_encoder().measured == measured
    assert (await identity.status(person.id)).consent is False
    assert await identity.give_consent(person.id) == clock()
    async with court.store.tx() as tx:
        profile = await tx.session.get(IdentityProfile, person.id)
    assert profile is not None and profile.consent_at == clock() and profile.verified_at is None


async def test_an_invalid_id_number_is_refused_with_its_reason(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """DOMAIN §2.2: the ID number is checked (court date) before the photo is measured."""
    person = await new_person(court)
    await identity.give_consent(person.id)
    bad = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2")
    for number, code in ((bad, "id_checksum"), ("12345", "id_length")):
        with pytest.raises(IdentityRefused) as refused:
            await identity.set_reference(person.id, NAME, number, faces.raw("obama_1.jpg"))
        assert refused.value.code == code
    with pytest.raises(IdentityRefused, match="name_required"):
        await identity.set_reference(person.id, "  ", ID_NUMBER, faces.raw("obama_1.jpg"))


async def test_unusable_photos_are_refused_with_their_specific_reason(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """An ID photo that is no card, or a selfie with no face, several faces or no picture at all
    says which."""
    person = await new_person(court)
    await identity.give_consent(person.id)
    with pytest.raises(IdentityRefused, match="not_a_card"):
        await identity.set_reference(person.id, NAME, ID_NUMBER, faces.raw("two_people.jpg"))
    assert (await identity.status(person.id)).reference is False
    with pytest.raises(IdentityRefused, match="unreadable_image"):
        await identity.set_reference(person.id, NAME, ID_NUMBER, b"not a picture")
    card = card_photo(NAME, ID_NUMBER)
    await identity.set_reference(person.id, NAME, ID_NUMBER, card)
    no_face = await identity.verify_selfie(person.id, faces.gradient(640, 480), "telegram")
    several = await identity.verify_selfie(person.id, faces.raw("two_people.jpg"), "telegram")
    assert (no_face.outcome, no_face.reason) == ("failed", "no_face")
    assert (several.outcome, several.reason, several.attempts_left) == ("failed", "several_faces", 3)
    same = await identity.verify_selfie(person.id, card, "telegram")
    assert (same.outcome, same.reason) == ("failed", "same_photo")  # the ID card's photo sent again
    rows = await decisions(court, person.id)
    assert [(r.purpose, r.outcome, r.reason) for r in rows] == [
        ("reference", "unusable", "not_a_card"),
        ("reference", "accepted", None),
        ("verify", "unusable", "no_face"),
        ("verify", "unusable", "several_faces"),
        ("verify", "unusable", "same_photo"),
    ]


async def test_the_sealed_profile_holds_no_plain_id_number(
    court: Court,
    identity: IdentityService,
    faces: FacePhotos,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PIPL 28: name, ID number and template are sealed; look-ups go by HMAC; logs carry none."""
    caplog.set_level(logging.INFO, logger="microcourt")
    person = await new_person(court)
    await enrol(identity, person.id, faces)
    async with court.store.tx() as tx:
        row = (
            await tx.session.execute(
                text("SELECT sealed, id_number_hash FROM identity_profiles WHERE person_id = :p"), {"p": person.id}
            )
        ).one()
        opened = tx.sealer.open(row.sealed)
    assert ID_NUMBER not in row.sealed and NAME not in row.sealed
    assert row.id_number_hash != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
    assert opened["id_number"] == ID_NUMBER and len(opened["template"]) == 128
    database = database_bytes(tmp_path)
    assert ID_NUMBER.encode() not in database and NAME.encode() not in database
    assert await identity.person_for_id_number(ID_NUMBER.lower()) == person.id
    assert ID_NUMBER not in caplog.text and NAME not in caplog.text
    assert str(opened["template"][0])[:8] not in caplog.text
    other = await new_person(court)
    await identity.give_consent(other.id)
    with pytest.raises(IdentityRefused, match="id_number_in_use"):
        await identity.set_reference(other.id, "李四", ID_NUMBER, faces.raw("biden_1.jpg"))


# -- verifying (OLR 7, ICP 6) ------------------------------------------------------------------


async def test_a_same_person_selfie_verifies_and_moves_the_waiting_case(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """OLR 7: with MICROCOURT_SELFIE_SUFFICES a matching selfie verifies; the filing goes to review."""
    suffices(identity)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    result = await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram", case_id)
    assert (result.outcome, result.reason, result.liveness, result.moved_cases) == ("verified", None, "not_checked", 1)
    assert result.distance is not None and 0.03 < result.distance <= 0.6
    assert await stage(court, case_id) == "filing_review"
    status = await identity.status(person.id)
    assert (status.verified, status.method, status.attempts_left) == (True, "face_selfie", 4)
    last = (await decisions(court, person.id))[-1]
    assert (last.purpose, last.outcome, last.tolerance, last.case_id, last.channel) == (
        "verify",
        "match",
        0.6,
        case_id,
        "telegram",
    )
    with pytest.raises(IdentityRefused, match="already_verified"):
        await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")


async def test_a_different_person_fails_as_not_same_person(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """OLR 7: Biden's selfie against Obama's ID photo fails; the case keeps waiting."""
    suffices(identity)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    result = await identity.verify_selfie(person.id, faces.raw("biden_1.jpg"), "telegram")
    assert (result.outcome, result.reason, result.attempts_left, result.queued) == (
        "failed",
        "not_same_person",
        4,
        False,
    )
    assert result.distance is not None and result.distance > 0.6
    assert await stage(court, case_id) == "identity_check"
    assert (await decisions(court, person.id))[-1].outcome == "no_match"


async def test_attempts_run_out_then_refused_and_queued_for_the_clerk(
    any_court: Court, faces: FacePhotos, clock: FakeClock
) -> None:
    """Five checks an hour: the fifth failure queues the person, the sixth is too_many_attempts."""
    court, identity = any_court, await cached(any_court)
    person = await new_person(court)
    await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    impostor = faces.raw("biden_1.jpg")
    results = [await identity.verify_selfie(person.id, impostor, "web") for _ in range(5)]
    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    assert [r.queued for r in results] == [False] * 4 + [True]
    for _ in range(2):
        refused = await identity.verify_selfie(person.id, impostor, "web")
        assert (refused.outcome, refused.reason, refused.queued) == ("refused", "too_many_attempts", True)
    assert [r.outcome for r in await decisions(court, person.id)].count("refused") == 1
    clerk = await demo_person(court, "clerk")
    queue = await identity.manual_review_queue(clerk.court_code or "")
    assert [(i.person_id, i.reason, i.name, i.id_masked) for i in queue] == [
        (person.id, "too_many_attempts", NAME, "110105********002X")
    ]
    assert queue[0].cases[0]["status"] == "IDENTITY_CHECK"
    assert await identity.manual_review_queue("京0491") == []  # another court's desk sees nobody
    clock.jump(hours=1, seconds=1)
    status = await identity.status(person.id)
    assert (status.attempts_left, status.in_review) == (5, True)


async def test_a_clerk_override_verifies_and_records_who_and_why(any_court: Court, faces: FacePhotos) -> None:
    """A selfie without liveness waits for the clerk (default setting); the override is recorded."""
    court, identity = any_court, await cached(any_court)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    result = await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    assert (result.outcome, result.queued, result.moved_cases) == ("pending_review", True, 0)
    assert await stage(court, case_id) == "identity_check"
    clerk = await demo_person(court, "clerk")
    [item] = await identity.manual_review_queue(clerk.court_code or "")
    assert (item.person_id, item.reason, item.channel) == (person.id, "liveness_not_checked", "telegram")
    assert identity_desk(person) is None  # a party is no clerk (court.access decides who is)
    with pytest.raises(IdentityRefused, match="unknown_person"):  # another court's desk reaches nobody here
        await identity.override(clerk.id, "京0491", person.id, "verified", "I say so")
    desk = identity_desk(clerk) or ""
    with pytest.raises(IdentityRefused, match="override_reason_required"):
        await identity.override(clerk.id, desk, person.id, "verified", "  ")
    reason = "Video call: face and ID card compared with the ID photo"
    assert await identity.override(clerk.id, desk, person.id, "verified", reason) == 1
    assert await stage(court, case_id) == "filing_review"
    last = (await decisions(court, person.id))[-1]
    assert (last.outcome, last.decided_by, last.override_reason, last.channel) == (
        "override_verified",
        clerk.id,
        reason,
        "clerk",
    )
    assert (await identity.status(person.id)).method == "clerk_override"
    assert await identity.manual_review_queue(clerk.court_code or "") == []


async def test_olr_7_a_check_with_the_clerk_holds_its_pictures_until_decided_and_the_person_is_told(
    any_court: Court, faces: FacePhotos
) -> None:
    """Issue 14 part 4: the clerk sees the ID photo and the selfie that went to them, with every
    decision in order; another court's desk sees nothing; the decision deletes the pictures and
    queues a message in the person's case telling them the outcome and the clerk's reason."""
    court, identity = any_court, await cached(any_court)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    await identity.verify_selfie(person.id, faces.raw("biden_1.jpg"), "telegram")  # not the person
    selfie = faces.raw("obama_2.jpg")
    assert (await identity.verify_selfie(person.id, selfie, "telegram")).outcome == "pending_review"
    desk = identity_desk(await demo_person(court, "clerk")) or ""
    found = await identity.review_detail(desk, person.id)
    assert found is not None
    item, history, held = found
    assert (item.outcome, item.reason) == ("pending_review", "liveness_not_checked")
    assert [(e.purpose, e.outcome, e.reason) for e in history] == [
        ("reference", "accepted", None),
        ("verify", "no_match", "not_same_person"),
        ("verify", "pending_review", "liveness_not_checked"),
    ]
    reference, failed, pending = (e.decision_id for e in history)
    assert held == {reference: 1, pending: 1}  # the failure that did not reach the clerk holds nothing
    assert await identity.review_picture(desk, person.id, reference, 0) == card_photo(NAME, ID_NUMBER)
    assert await identity.review_picture(desk, person.id, pending, 0) == selfie
    assert await identity.review_picture(desk, person.id, failed, 0) is None
    assert await identity.review_detail("京0491", person.id) is None  # another court's desk
    assert await identity.review_picture("京0491", person.id, pending, 0) is None
    reason = "The selfie is a photo of a screen"
    clerk = await demo_person(court, "clerk")
    assert await identity.override(clerk.id, desk, person.id, "rejected", reason) == 0
    assert await identity.review_picture(desk, person.id, reference, 0) is None  # deleted with the decision
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(OutboxMessage).where(OutboxMessage.person_id == person.id).order_by(OutboxMessage.id)
        )
        told = [tx.sealer.open(row.payload) for row in rows if row.case_id == case_id]
    assert told[-1] == {"text": "identity.review_rejected", "params": {"reason": reason}}
    assert (await identity.status(person.id)).in_review is False  # free to check again


# -- challenges, re-verification, busy, kept photos ---------------------------------------------


async def test_a_challenge_is_single_use_bound_to_its_person_and_expires(
    court: Court, identity: IdentityService, faces: FacePhotos, clock: FakeClock
) -> None:
    """A nonce works once, for its own person, within 60 s; a late answer is recorded unmeasured."""
    alice, mallory = await new_person(court), await new_person(court)
    await enrol(identity, alice.id, faces)
    await enrol(identity, mallory.id, faces, "biden_1.jpg", other_id_number())
    video = b"\x1a\x45\xdf\xa3 a recording never looked at"
    stolen = await identity.issue_challenge(alice.id)
    assert stolen.expires_at == clock() + identity.settings.challenge_ttl
    with pytest.raises(IdentityRefused, match="challenge_expired"):
        await identity.verify_recording(mallory.id, video, stolen.nonce, "web")
    with pytest.raises(IdentityRefused, match="challenge_expired"):
        await identity.verify_recording(alice.id, video, stolen.nonce, "web")  # spent
    late = await identity.issue_challenge(alice.id)
    clock.jump(seconds=61)
    measured = shared_encoder().measured
    result = await identity.verify_recording(alice.id, video, late.nonce, "web")
    assert (result.outcome, result.reason, result.liveness) == (
        "failed",
        "challenge_expired",
        "failed:challenge_expired",
    )
    assert shared_encoder().measured == measured


async def test_olr_7_3_reverification_is_recorded_per_case_and_session(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """OLR 7(3): a fresh check at a session's start; a failure stays visible for that session."""
    suffices(identity)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    with pytest.raises(IdentityRefused, match="consent_required"):
        await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    await enrol(identity, person.id, faces)
    with pytest.raises(IdentityRefused, match="not_verified"):
        await identity.reverify(person.id, case_id, "hearing", [faces.raw("obama_2.jpg")])
    await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    passed = await identity.reverify(
        person.id, case_id, "hearing", [faces.gradient(320, 240), faces.raw("obama_4.jpg")]
    )
    assert passed.passed and passed.distance is not None and passed.distance <= 0.6
    failed = await identity.reverify(person.id, case_id, "hearing", [faces.raw("biden_2.jpg")])
    assert (failed.passed, failed.reason) == (False, "not_same_person")
    assert await identity.last_reverification(person.id, case_id, "hearing") == failed
    assert await identity.last_reverification(person.id, case_id, "mediation") is None
    rows = await decisions(court, person.id)
    assert [r.purpose for r in rows[-2:]] == ["reverify:hearing", "reverify:hearing"]
    with pytest.raises(ValueError):
        await identity.reverify(person.id, case_id, "lunch", [faces.raw("obama_4.jpg")])


class BusyEncoder:
    """An encoder whose queue is always full."""

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """Refuse at once, as EncoderPool does when full."""
        raise EncoderBusy("full")

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Refuse at once, as EncoderPool does when full."""
        raise EncoderBusy("full")

    async def observe_recording(self, video: bytes) -> RecordingObservation:
        """Refuse at once, as EncoderPool does when full."""
        raise EncoderBusy("full")

    async def read_card(self, image_bytes: bytes) -> CardReading:
        """Refuse at once, as EncoderPool does when full."""
        raise EncoderBusy("full")

    async def close(self) -> None:
        """Nothing to release."""


class HeldEncoder:
    """Holds every comparison until released, counting those under way: checks that all found an
    attempt left before any was taken would all be here at once."""

    def __init__(self, inner: object, expected: int) -> None:
        import asyncio

        self.inner, self.expected, self.comparing = inner, expected, 0
        self.all_in, self.one_more, self.release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        self.comparing += 1
        if self.comparing == self.expected:
            self.all_in.set()
        if self.comparing > self.expected:
            self.one_more.set()
        await self.release.wait()
        return await self.inner.encode(image_bytes)  # type: ignore[attr-defined, no-any-return]

    async def close(self) -> None:
        """The inner encoder is closed by its owner."""


async def _eight_at_once(services: list[IdentityService], person_id: str, faces: FacePhotos, court: Court) -> None:
    """Eight selfies at once over `services`, comparisons held: five attempts are taken and
    compared together, the other three refused at once; no connection waits on the encoder."""
    import asyncio
    import contextlib

    held = HeldEncoder(services[0].encoder, expected=5)
    for service in services:
        service.encoder = held  # type: ignore[assignment]
    impostor = faces.raw("biden_1.jpg")
    checks = [
        asyncio.create_task(services[i % len(services)].verify_selfie(person_id, impostor, "web")) for i in range(8)
    ]
    await asyncio.wait_for(held.all_in.wait(), timeout=30)
    with contextlib.suppress(TimeoutError):  # must not happen: an absence is waited for, boundedly
        await asyncio.wait_for(held.one_more.wait(), timeout=1)
    assert held.comparing == 5
    refused = [t for t in checks if t.done()]
    assert len(refused) == 3 and all(t.result().outcome == "refused" for t in refused)  # not queued behind
    held.release.set()
    results = await asyncio.gather(*checks)
    assert sorted(r.outcome for r in results).count("refused") == 3
    outcomes = [d.outcome for d in await decisions(court, person_id) if d.purpose == "verify"]
    assert outcomes.count("no_match") == 5 and "checking" not in outcomes


async def test_checks_sent_together_cannot_each_find_an_attempt_left(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """The hourly limit holds however the checks arrive: each takes its attempt before comparing."""
    person = await new_person(court)
    await enrol(identity, person.id, faces)
    await _eight_at_once([identity], person.id, faces, court)


class GateEncoder:
    """Holds every photo until the gate opens, counting those waiting; ``arrived`` is set when
    one more comes in."""

    def __init__(self, inner: object) -> None:
        import asyncio

        self.inner, self.waiting = inner, 0
        self.arrived, self.gate = asyncio.Event(), asyncio.Event()

    async def read_card(self, image_bytes: bytes) -> CardReading:
        self.waiting += 1
        self.arrived.set()
        await self.gate.wait()
        return await self.inner.read_card(image_bytes)  # type: ignore[attr-defined, no-any-return]

    async def close(self) -> None:
        """The inner encoder is closed by its owner."""


async def _uploads_in_waves(services: list[IdentityService], person_id: str, faces: FacePhotos) -> list[str]:
    """12 reference uploads in 3 waves of 4 at once, spread over ``services`` (one per server);
    in each wave no photo is measured before all four have either reached the encoder or been
    refused. The outcome of each upload ("stored" or the refusal's code)."""
    import asyncio

    async def upload(service: IdentityService) -> str:
        try:
            await service.set_reference(person_id, NAME, ID_NUMBER, card_photo(NAME, ID_NUMBER))
        except IdentityRefused as refused:
            return refused.code
        return "stored"

    inner, outcomes = services[0].encoder, []
    for _ in range(3):
        gate = GateEncoder(inner)
        for service in services:
            service.encoder = gate  # type: ignore[assignment]
        wave = [asyncio.create_task(upload(services[i % len(services)])) for i in range(4)]
        while gate.waiting + sum(t.done() for t in wave) < len(wave):
            gate.arrived.clear()
            arrival = asyncio.create_task(gate.arrived.wait())
            await asyncio.wait([arrival, *(t for t in wave if not t.done())], return_when=asyncio.FIRST_COMPLETED)
            arrival.cancel()
        gate.gate.set()
        outcomes += await asyncio.gather(*wave)
    for service in services:
        service.encoder = inner
    return outcomes


async def test_pipl_28_reference_uploads_sent_together_hold_the_hourly_limit(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """Issue 14: 12 uploads in 3 waves of 4 at once process at most the limit (5): each takes its
    attempt in the transaction that counts, before its photo is measured; the rest are refused."""
    person = await new_person(court)
    await identity.give_consent(person.id)
    outcomes = await _uploads_in_waves([identity], person.id, faces)
    assert outcomes.count("stored") == identity.settings.attempts_per_hour == 5
    assert outcomes.count("too_many_attempts") == 7
    references = [d for d in await decisions(court, person.id) if d.purpose == "reference"]
    assert len(references) == 5 and {d.outcome for d in references} == {"accepted"}


async def test_two_server_processes_share_the_hourly_limit(
    pg_court: Court, pg_database_url: str, faces: FacePhotos, tmp_path: Path, clock: FakeClock
) -> None:
    """Two servers on one PostgreSQL: attempts are counted and taken under an advisory lock, so
    the limit holds across processes too, and a small pool is never held by a comparison."""
    from tests.support.court import court_settings, started_court

    settings = replace(court_settings(tmp_path / "other", pg_database_url), db_pool_size=1)
    other = await started_court(settings, clock)
    try:
        here, there = await cached(pg_court), await cached(other)
        person = await new_person(pg_court)
        await enrol(here, person.id, faces)
        await _eight_at_once([here, there], person.id, faces, pg_court)
    finally:
        await other.close()


async def test_pipl_28_reference_uploads_to_two_server_processes_hold_the_hourly_limit(
    pg_court: Court, pg_database_url: str, faces: FacePhotos, tmp_path: Path, clock: FakeClock
) -> None:
    """Issue 14 on PostgreSQL: uploads spread over two servers take their attempts under the
    person's advisory lock, so the 12 in 3 waves of 4 still store at most 5."""
    from tests.support.court import court_settings, started_court

    other = await started_court(court_settings(tmp_path / "other", pg_database_url), clock)
    try:
        here, there = await cached(pg_court), await cached(other)
        person = await new_person(pg_court)
        await here.give_consent(person.id)
        outcomes = await _uploads_in_waves([here, there], person.id, faces)
        assert outcomes.count("stored") == 5 and outcomes.count("too_many_attempts") == 7
    finally:
        await other.close()


async def test_a_busy_encoder_says_busy_and_counts_no_attempt(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """EncoderBusy becomes ``busy`` (try again): nothing recorded, no attempt used."""
    person = await new_person(court)
    await enrol(identity, person.id, faces)
    identity.encoder = BusyEncoder()
    with pytest.raises(IdentityRefused, match="busy"):
        await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    with pytest.raises(IdentityRefused, match="busy"):  # a card not read is no attempt either
        await identity.set_reference(person.id, NAME, ID_NUMBER, card_photo(NAME, ID_NUMBER))
    assert (await identity.status(person.id)).attempts_left == 5
    assert [r.purpose for r in await decisions(court, person.id)] == ["reference"]


async def test_selfies_are_kept_only_when_the_setting_says_so(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """DOMAIN §2.4: by default no selfie is kept (only what a pending manual check needs, held
    until the clerk decides: see the next test); MICROCOURT_KEEP_SELFIES keeps it sealed."""
    suffices(identity)
    person = await new_person(court)
    await enrol(identity, person.id, faces)
    selfie = faces.raw("obama_2.jpg")
    await identity.verify_selfie(person.id, faces.raw("biden_1.jpg"), "telegram")  # fails, attempts left
    assert identity.photo_dir is not None
    assert [p.name for p in (identity.photo_dir / person.id).iterdir() if not p.name.endswith(".review.sealed")] == []
    identity.settings = replace(identity.settings, keep_selfies=True)
    await identity.verify_selfie(person.id, selfie, "telegram")
    [kept] = list((identity.photo_dir / person.id).iterdir())  # verified: the held ID photo is released
    last = (await decisions(court, person.id))[-1]
    assert kept.name == f"{last.id}.sealed" and selfie[:64] not in kept.read_bytes()
    assert kept.stat().st_mode & 0o077 == 0


# -- deletion (PIPL 28) ---------------------------------------------------------------------------


async def test_deletion_is_refused_while_a_case_is_live_and_done_once_final(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """PIPL 28, DOMAIN §2.4: the template goes on request once every case is closed, not before."""
    suffices(identity)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    await enrol(identity, person.id, faces)
    await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    with pytest.raises(IdentityRefused) as refused:
        await identity.delete_biometrics(person.id)
    assert refused.value.code == "case_live" and refused.value.params["reference"]
    sim, clerk = Simulation(court, "en"), await demo_person(court, "clerk")
    await sim.answer(clerk, case_id, "refuse")
    await sim.answer(clerk, case_id, "Not an Internet dispute (ICP 2).")  # explained and returned first (OLR 9(3))
    await sim.answer(person, case_id, "accept")  # the plaintiff takes the materials back: the case ends
    assert await stage(court, case_id) == "returned"
    assert await identity.delete_biometrics(person.id) is True
    async with court.store.tx() as tx:
        profile = await tx.session.get(IdentityProfile, person.id)
        assert profile is not None
        assert "template" not in tx.sealer.open(profile.sealed)
        assert profile.deleted_at is not None and not await is_verified(tx.session, person.id)
    status = await identity.status(person.id)
    assert (status.verified, status.consent, status.reference) == (False, False, False)
    assert await identity.delete_biometrics(person.id) is False
    assert (await decisions(court, person.id))[-1].purpose == "delete"


async def test_olr7_verified_with_a_wrong_number_the_person_deletes_verifies_again_and_files(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """A number mistyped in the identity check (not in the filing): the draft waits for the
    plaintiff it names. Deleting the face data is allowed while the court has not received the
    filing (DOMAIN §2.4 waits for cases, not drafts); verified again as the person the filing
    names, the filing goes to the court by itself."""
    suffices(identity)
    person = await new_person(court)
    case_id = await waiting_case(court, person)
    wrong = ID_NUMBER[:-2] + "1" + resident_id_check_char(ID_NUMBER[:-2] + "1")
    await enrol(identity, person.id, faces, id_number=wrong)
    await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    assert await stage(court, case_id) == "identity_mismatch"

    assert await identity.delete_biometrics(person.id) is True  # the draft does not hold it
    assert await stage(court, case_id) == "identity_mismatch"  # and is kept
    other = ID_NUMBER[:-2] + "3" + resident_id_check_char(ID_NUMBER[:-2] + "3")  # wrong again
    await enrol(identity, person.id, faces, id_number=other)
    await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "web")
    assert await stage(court, case_id) == "identity_mismatch"
    lines: list[str] = []
    await Simulation(court, "en", lines.append).prompt_for(person, case_id)
    assert f"verified as {NAME} (ID {other[:6]}********{other[-4:]})" in lines[-1]  # the new one shown
    assert await identity.delete_biometrics(person.id) is True
    await enrol(identity, person.id, faces)
    verified = await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    assert verified.moved_cases == 1 and await stage(court, case_id) == "filing_review"  # filing v3: by itself
    with pytest.raises(IdentityRefused) as refused:  # received by the court: the case holds it now
        await identity.delete_biometrics(person.id)
    assert refused.value.code == "case_live"


async def test_a_check_under_way_leaves_the_person_where_they_were_in_the_clerks_queue(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """A selfie waits for the clerk; a second check, still comparing, is not anyone's latest
    decision: the person stays in the queue and 'in review' meanwhile; its result then counts."""
    import asyncio

    person = await new_person(court)
    await enrol(identity, person.id, faces)
    waiting = await identity.verify_selfie(person.id, faces.raw("obama_2.jpg"), "telegram")
    assert waiting.outcome == "pending_review"
    clerk = await demo_person(court, "clerk")
    held = HeldEncoder(identity.encoder, expected=1)
    identity.encoder = held  # type: ignore[assignment]
    second = asyncio.create_task(identity.verify_selfie(person.id, faces.raw("biden_1.jpg"), "web"))
    await asyncio.wait_for(held.all_in.wait(), timeout=30)
    assert (await identity.status(person.id)).in_review
    assert [item.person_id for item in await identity.manual_review_queue(clerk.court_code or "")] == [person.id]
    held.release.set()
    assert (await second).outcome == "failed"
    outcomes = [d.outcome for d in await decisions(court, person.id) if d.purpose == "verify"]
    assert outcomes == ["pending_review", "no_match"]  # the reservation became the decision
