"""The identity API over real HTTP against the real aiohttp app (OLR 7, ICP 6, PIPL 28).

The first test runs the court's own EncoderPool (worker processes, the real face library); the
others swap in the session's cached in-process encoder. The live check's recordings are made from
a still photo by tests/support/recordings.py: a live head turning (``recordings.live``), the
photo held up as a flat card and tilted (``recordings.held_photo``, a spoof the court refuses).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.web import build_app
from gateway.court import Court
from gateway.requests import COURT_KEY
from identity.card import CardReading
from identity.encoder import EncoderBusy, EncoderPool
from identity.faces import FaceProbe
from identity.liveness import FrameObservation, RecordingObservation
from tests.support import recordings
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.court import court_settings, decisions
from tests.support.faces import FACES, FacePhotos
from tests.support.id_cards import card_photo
from tests.support.identity_review import id_number, signed_in, staff_member, with_pending_selfie

ID_NUMBER = "11010519491231002X"


@pytest.fixture(scope="module")
def faces() -> FacePhotos:
    """The shared face photos."""
    return FacePhotos(FACES)


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    """The real app on a free port, with turn challenges only (blinks cannot be synthesised)."""
    app: web.Application = build_app(court_settings(tmp_path), clock, ticker=False)
    async with TestServer(app) as test_server:
        court = app[COURT_KEY]
        court.identity.settings = replace(court.identity.settings, challenge_kinds=("turn_left", "turn_right"))
        yield test_server


def court_of(server: TestServer) -> Court:
    """The running app's court."""
    return server.app[COURT_KEY]


async def client(server: TestServer, demo: str | None = None) -> aiohttp.ClientSession:
    """A browser: a new litigant (or a demo person's one-click sign-in), cookie kept."""
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    if demo is None:
        response = await session.post("/api/session", json={"locale": "en"})
    else:
        response = await session.post("/api/demo/signin", json={"person": demo})
    assert response.status == 200
    return session


def form(**fields: Any) -> aiohttp.FormData:
    """A multipart body; bytes values (or lists of them) become JPEG file parts."""
    data = aiohttp.FormData()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bytes) and name == "video":
                data.add_field(name, io.BytesIO(item), filename="live.webm", content_type="video/webm")
            elif isinstance(item, bytes):
                data.add_field(name, io.BytesIO(item), filename=f"{name}.jpg", content_type="image/jpeg")
            else:
                data.add_field(name, str(item))
    return data


async def call(session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of one request."""
    async with session.request(method, path, **kwargs) as response:
        return response.status, await response.json()


@functools.cache
def take(kind: str, actions: tuple[str, ...] = ()) -> bytes:
    """A WebM recording of obama_1.jpg: ``live`` doing the actions, ``held`` the photo tilted as
    they ask, ``still`` the photo held still for 3 s. Made once per module."""
    if kind == "still":
        return recordings.stills(["obama_1.jpg"], seconds_each=3.0)
    if kind == "held":
        return recordings.held_photo("obama_1.jpg", actions)
    return recordings.live("obama_1.jpg", actions)


async def challenged(session: aiohttp.ClientSession, clock: FakeClock) -> tuple[str, tuple[str, ...]]:
    """A new challenge's nonce and actions; the clock then moves on by the time a person takes to
    record (a recording may not be longer than the time since its challenge)."""
    status, body = await call(session, "POST", "/api/identity/challenge")
    assert status == 200, body
    clock.jump(seconds=8)
    return body["nonce"], tuple(body["actions"])


async def enrolled(server: TestServer, faces: FacePhotos) -> aiohttp.ClientSession:
    """A new litigant who consented and gave a specimen ID card with obama_2.jpg on it."""
    session = await client(server)
    assert (await call(session, "POST", "/api/identity/consent", json={"biometric": True}))[0] == 200
    status, body = await call(
        session,
        "POST",
        "/api/identity/reference",
        data=form(name="陈一鸣", id_number=ID_NUMBER, photo=card_photo("陈一鸣", ID_NUMBER, "obama_2.jpg")),
    )
    assert status == 200, body
    return session


async def test_olr_7_the_live_recording_through_the_real_pool_still_fails_and_the_challenge_passes(
    server: TestServer, faces: FacePhotos, clock: FakeClock
) -> None:
    """OLR 7: consent, ID photo, then a recording: a still take fails, the asked turns verify."""
    assert isinstance(court_of(server).identity.encoder, EncoderPool)
    session = await client(server)
    try:
        status, body = await call(session, "GET", "/api/identity/status")
        assert (status, body["verified"], body["consent"], body["reference"], body["attempts_left"]) == (
            200,
            False,
            False,
            False,
            5,
        )
        assert "PIPL" in body["consent_text"]
        photo = form(name="陈一鸣", id_number=ID_NUMBER, photo=faces.raw("obama_2.jpg"))
        status, body = await call(session, "POST", "/api/identity/reference", data=photo)
        assert (status, body["error"]) == (409, "consent_required") and "I agree" in body["text"]
        status, body = await call(session, "POST", "/api/identity/consent", json={"biometric": "yes"})
        assert (status, body["error"]) == (400, "consent_not_given")
        status, body = await call(session, "POST", "/api/identity/consent", json={"biometric": True})
        assert status == 200 and body["consent"] is True
        bad = form(name="陈一鸣", id_number=ID_NUMBER[:-1] + "1", photo=faces.raw("obama_2.jpg"))
        status, body = await call(session, "POST", "/api/identity/reference", data=bad)
        assert (status, body["error"]) == (422, "id_checksum") and "ID card" in body["text"]
        face_only = form(name="陈一鸣", id_number=ID_NUMBER, photo=faces.raw("obama_2.jpg"))
        status, body = await call(session, "POST", "/api/identity/reference", data=face_only)  # issue 14's probe
        assert (status, body["error"]) == (422, "not_a_card") and "photo of your ID card's photo side" in body["text"]
        card = form(name="陈一鸣", id_number=ID_NUMBER, photo=card_photo("陈一鸣", ID_NUMBER, "obama_2.jpg"))
        assert (await call(session, "POST", "/api/identity/reference", data=card))[0] == 200

        status, challenge = await call(session, "POST", "/api/identity/challenge")
        assert status == 200 and set(challenge["actions"]) == {"turn_left", "turn_right"}
        assert "in this order" in challenge["text"] and challenge["expires_at"]
        assert [step.startswith("turn your head") for step in challenge["steps"]] == [True, True]
        clock.jump(seconds=8)
        status, body = await call(
            session, "POST", "/api/identity/recording", data=form(nonce=challenge["nonce"], video=take("still"))
        )
        assert (status, body["outcome"], body["error"], body["attempts_left"]) == (422, "failed", "no_movement", 4)
        assert "Attempts left this hour: 4." in body["text"]

        nonce, actions = await challenged(session, clock)
        live = form(nonce=nonce, video=take("live", actions))
        status, body = await call(session, "POST", "/api/identity/recording", data=live)
        assert (status, body["outcome"]) == (200, "verified"), body
        status, body = await call(session, "GET", "/api/identity/status")
        assert (body["verified"], body["method"], body["attempts_left"]) == (True, "face_liveness", 3)
    finally:
        await session.close()


async def test_issue_14_separate_frames_no_longer_verify_and_the_recording_form_is_checked_first(
    server: TestServer, faces: FacePhotos
) -> None:
    """Issue 14: the old frames route answers 410 with what to do instead. The recording route
    refuses no nonce, no video, a non-video, an oversized one and an unknown nonce before any
    face work, and counts no attempt."""
    court = court_of(server)
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    anonymous = aiohttp.ClientSession(base_url=str(server.make_url("/")))
    session = await enrolled(server, faces)
    try:
        status, body = await call(anonymous, "GET", "/api/identity/status")
        assert (status, body["error"]) == (401, "not_signed_in")
        nonce = (await call(session, "POST", "/api/identity/challenge"))[1]["nonce"]
        probe = form(nonce=nonce, frames=[faces.raw("obama_1.jpg"), faces.raw("obama_3.jpg"), faces.raw("obama_4.jpg")])
        status, body = await call(session, "POST", "/api/identity/selfie", data=probe)
        assert (status, body["error"]) == (410, "frames_retired") and "Start the check" in body["text"]
        measured = shared_encoder().measured
        webm = b"\x1a\x45\xdf\xa3" + b"0" * 64
        cases = [
            (form(video=webm), 400, "challenge_required"),
            (form(nonce="x", video=b""), 400, "recording_missing"),
            (form(nonce="x", video=faces.raw("obama_1.jpg")), 415, "recording_type"),
            (form(nonce="x", video=webm + b"0" * (12 * 1024 * 1024)), 413, "recording_too_large"),
            (form(nonce="no-such-challenge", video=webm), 422, "challenge_expired"),
        ]
        for data, expected_status, code in cases:
            status, body = await call(session, "POST", "/api/identity/recording", data=data)
            assert (status, body["error"]) == (expected_status, code)
            assert body["text"]
        assert shared_encoder().measured == measured  # nothing reached the face library
        status, body = await call(session, "GET", "/api/identity/status")
        assert body["attempts_left"] == 5
    finally:
        await anonymous.close()
        await session.close()


async def test_a_photo_tilted_to_the_camera_is_refused_as_flat(
    server: TestServer, faces: FacePhotos, clock: FakeClock
) -> None:
    """DOMAIN §2: the ID holder's photo held up and tilted the asked ways moves the measured yaw,
    but it is flat: 422 flat_face, with what to do, an attempt used, and the person not verified;
    the same person's real head turns then verify."""
    court = court_of(server)
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    session = await enrolled(server, faces)
    try:
        nonce, actions = await challenged(session, clock)
        held = form(nonce=nonce, video=take("held", actions))
        status, body = await call(session, "POST", "/api/identity/recording", data=held)
        assert (status, body["outcome"], body["error"], body["attempts_left"]) == (422, "failed", "flat_face", 4)
        assert "do not hold up a photo or a screen" in body["text"] and "Attempts left this hour: 4." in body["text"]
        status, body = await call(session, "GET", "/api/identity/status")
        assert (body["verified"], body["attempts_left"]) == (False, 4)
        me = (await call(session, "GET", "/api/me"))[1]["person"]["id"]
        assert (await decisions(court, me))[-1].liveness == "failed:flat_face"

        nonce, actions = await challenged(session, clock)
        live = form(nonce=nonce, video=take("live", actions))
        status, body = await call(session, "POST", "/api/identity/recording", data=live)
        assert (status, body["outcome"]) == (200, "verified"), body
    finally:
        await session.close()


class FullEncoder:
    """An encoder whose queue is always full (EncoderPool at max_pending)."""

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """Refuse at once."""
        raise EncoderBusy("full")

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Refuse at once."""
        raise EncoderBusy("full")

    async def observe_recording(self, video: bytes) -> RecordingObservation:
        """Refuse at once."""
        raise EncoderBusy("full")

    async def read_card(self, image_bytes: bytes) -> CardReading:
        """Refuse at once."""
        raise EncoderBusy("full")

    async def close(self) -> None:
        """Nothing to release."""


async def test_busy_too_many_attempts_and_the_clerks_override(server: TestServer, faces: FacePhotos) -> None:
    """503 busy; 429 once the hour's attempts are used; only staff see the queue and override."""
    court = court_of(server)
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    court.identity.settings = replace(court.identity.settings, attempts_per_hour=1)
    session = await enrolled(server, faces)
    clerk = await client(server, "clerk")
    try:
        person_id = (await call(session, "GET", "/api/me"))[1]["person"]["id"]
        video = take("still")
        court.identity.encoder = FullEncoder()
        nonce = (await call(session, "POST", "/api/identity/challenge"))[1]["nonce"]
        status, body = await call(session, "POST", "/api/identity/recording", data=form(nonce=nonce, video=video))
        assert (status, body["error"]) == (503, "busy") and "try again" in body["text"]
        court.identity.encoder = shared_encoder()
        telegram_selfie = await court.identity.verify_selfie(person_id, faces.raw("obama_4.jpg"), "telegram")
        assert telegram_selfie.outcome == "pending_review"  # the default: a clerk confirms
        nonce = (await call(session, "POST", "/api/identity/challenge"))[1]["nonce"]
        status, body = await call(session, "POST", "/api/identity/recording", data=form(nonce=nonce, video=video))
        assert (status, body["error"]) == (429, "too_many_attempts") and "clerk" in body["text"]

        status, body = await call(session, "GET", "/api/identity/queue")
        assert (status, body["error"]) == (403, "not_staff")
        status, body = await call(
            session,
            "POST",
            "/api/identity/override",
            json={"person_id": person_id, "outcome": "verified", "reason": "me"},
        )
        assert (status, body["error"]) == (403, "not_staff")
        status, body = await call(clerk, "GET", "/api/identity/queue")
        assert status == 200
        assert [(i["person_id"], i["reason"], i["id_masked"]) for i in body["items"]] == [
            (person_id, "too_many_attempts", "110105********002X")
        ]
        status, body = await call(
            clerk, "POST", "/api/identity/override", json={"person_id": person_id, "outcome": "verified", "reason": ""}
        )
        assert (status, body["error"]) == (400, "override_reason_required")
        status, body = await call(
            clerk,
            "POST",
            "/api/identity/override",
            json={"person_id": person_id, "outcome": "verified", "reason": "Seen at the counter with the ID card"},
        )
        assert (status, body["outcome"]) == (200, "verified") and body["text"]
        status, body = await call(session, "GET", "/api/identity/status")
        assert (body["verified"], body["method"]) == (True, "clerk_override")
        assert (await call(clerk, "GET", "/api/identity/queue"))[1]["items"] == []
        status, body = await call(session, "DELETE", "/api/identity/biometrics")
        assert (status, body["deleted"]) == (200, True) and body["text"]
    finally:
        await session.close()
        await clerk.close()


async def test_a_session_re_check_passes_for_the_person_and_fails_for_another(
    server: TestServer, faces: FacePhotos, clock: FakeClock
) -> None:
    """OLR 7(3): a fresh selfie against the verified reference; the case hears of the result."""
    from court.commands import OpenCase

    court = court_of(server)
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    session = await enrolled(server, faces)
    stranger = await client(server, "litigant_b")
    try:
        nonce, actions = await challenged(session, clock)
        live = form(nonce=nonce, video=take("live", actions))
        assert (await call(session, "POST", "/api/identity/recording", data=live))[0] == 200
        me = (await call(session, "GET", "/api/me"))[1]["person"]["id"]
        case_id = str((await court.service.open_case(OpenCase(me, "filing", "test"))).case_id)
        status, body = await call(
            session,
            "POST",
            "/api/identity/reverify",
            data=form(case_id=case_id, session="hearing", frames=[faces.raw("obama_4.jpg")]),
        )
        assert (status, body["passed"]) == (200, True) and "go on" in body["text"]
        status, body = await call(
            session,
            "POST",
            "/api/identity/reverify",
            data=form(case_id=case_id, session="hearing", frames=[faces.raw("biden_2.jpg")]),
        )
        assert (status, body["passed"]) == (422, False) and "judge" in body["text"]
        last = await court.identity.last_reverification(me, case_id, "hearing")
        assert last is not None and last.passed is False
        status, body = await call(
            stranger,
            "POST",
            "/api/identity/reverify",
            data=form(case_id=case_id, session="hearing", frames=[faces.raw("biden_2.jpg")]),
        )
        assert (status, body["error"]) == (404, "not_a_party")
        status, body = await call(
            session,
            "POST",
            "/api/identity/reverify",
            data=form(case_id=case_id, session="lunch", frames=[faces.raw("obama_4.jpg")]),
        )
        assert (status, body["error"]) == (400, "bad_request")
    finally:
        await session.close()
        await stranger.close()


async def test_the_status_offers_the_plaintiff_a_filing_names_to_the_reference_form(
    server: TestServer, faces: FacePhotos
) -> None:
    """OLR 7, ICP 6 (filing v2): the check must find the plaintiff a filing names, so the
    reference form starts from the name and number typed there; only for that plaintiff, and only
    until the reference is given."""
    from app.simulation import PLAINTIFF_ANSWERS, Simulation

    court = court_of(server)
    plaintiff, stranger = await client(server), await client(server)
    try:
        assert (await call(plaintiff, "GET", "/api/identity/status"))[1]["filed_as"] is None
        me = (await call(plaintiff, "GET", "/api/me"))[1]["person"]["id"]
        async with court.store.tx() as tx:
            person = await tx.person(me)
        assert person is not None
        await Simulation(court).file_case(person)  # waits in identity_check
        status = (await call(plaintiff, "GET", "/api/identity/status"))[1]
        assert status["filed_as"] == {"name": "张三", "id_number": PLAINTIFF_ANSWERS["plaintiff_id"]}
        assert (await call(stranger, "GET", "/api/identity/status"))[1]["filed_as"] is None

        assert (await call(plaintiff, "POST", "/api/identity/consent", json={"biometric": True}))[0] == 200
        number = PLAINTIFF_ANSWERS["plaintiff_id"]
        photo = form(name="张三", id_number=number, photo=card_photo("张三", number, "obama_2.jpg"))
        assert (await call(plaintiff, "POST", "/api/identity/reference", data=photo))[0] == 200
        assert (await call(plaintiff, "GET", "/api/identity/status"))[1]["filed_as"] is None
    finally:
        await plaintiff.close()
        await stranger.close()


async def test_issue_14_only_a_clerk_or_judge_of_the_persons_court_sees_the_pictures_and_decides(
    server: TestServer, faces: FacePhotos, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 14 part 4 (OLR 7, PIPL 28): the clerk of the person's court reads why the check came
    to them, every check in order and the pictures held (no-store, never logged), and decides; a
    party, an admin, a judge of another court and someone signed out are refused everything
    (court.access.identity_desk); the decision deletes the pictures."""
    court = court_of(server)
    await court.identity.encoder.close()
    court.identity.encoder = shared_encoder()
    person_id = await with_pending_selfie(court, faces, "陈二", id_number(11))
    here = court.settings.court_code
    other_judge = await signed_in(server, await staff_member(court, "judge", "京0491", "Judge of another court"))
    admin = await signed_in(server, await staff_member(court, "admin", here, "Court IT"))
    party, nobody, clerk = await client(server), aiohttp.ClientSession(base_url=str(server.make_url("/"))), None
    try:
        clerk = await client(server, "clerk")
        status, queue = await call(clerk, "GET", "/api/identity/queue?lang=en")
        [item] = [i for i in queue["items"] if i["person_id"] == person_id]
        assert (item["reason"], item["id_masked"]) == ("liveness_not_checked", "110105********0117")
        assert "taken live" in item["reason_text"]
        async with clerk.get(f"/api/identity/queue/{person_id}?lang=en") as response:
            assert (response.status, response.headers["Cache-Control"]) == (200, "no-store")
            detail = await response.json()
        assert [(e["purpose"], e["outcome"], e["reason"], e["pictures"]) for e in detail["history"]] == [
            ("reference", "accepted", None, 1),
            ("verify", "no_match", "not_same_person", 0),
            ("verify", "pending_review", "liveness_not_checked", 1),
        ]
        assert detail["in_queue"] and detail["history"][1]["reason_text"].startswith("The face does not match")
        reference = f"/api/identity/queue/{person_id}/pictures/{detail['history'][0]['decision_id']}/0"
        caplog.set_level(logging.DEBUG)
        async with clerk.get(reference) as response:
            assert (response.status, response.content_type) == (200, "image/jpeg")
            assert response.headers["Cache-Control"] == "no-store"
            assert await response.read() == card_photo("陈二", id_number(11), "obama_1.jpg")
        assert not [r for r in caplog.records if "陈二" in r.getMessage() or "/9j/" in r.getMessage()]
        decide = {"person_id": person_id, "outcome": "verified", "reason": "Compared by eye"}
        paths = [("GET", "/api/identity/queue"), ("GET", f"/api/identity/queue/{person_id}"), ("GET", reference)]
        for who, expected in ((nobody, 401), (party, 403), (admin, 403)):
            for method, path in [*paths, ("POST", "/api/identity/override")]:
                async with who.request(method, path, json=decide if method == "POST" else None) as response:
                    assert response.status == expected, (method, path, expected)
                    assert (await response.json())["text"]
        assert (await call(other_judge, "GET", "/api/identity/queue"))[1]["items"] == []  # their court's desk
        for method, path in paths[1:]:
            assert (await call(other_judge, method, path))[0] == 404  # as if no such person
        status, body = await call(other_judge, "POST", "/api/identity/override", json=decide)
        assert (status, body["error"]) == (404, "unknown_person")
        assert not (await court.identity.status(person_id)).verified
        status, body = await call(clerk, "POST", "/api/identity/override", json=decide)
        assert (status, body["outcome"]) == (200, "verified")
        assert (await court.identity.status(person_id)).method == "clerk_override"
        async with clerk.get(reference) as response:
            assert response.status == 404  # deleted with the decision
    finally:
        for session in (other_judge, admin, party, nobody, clerk):
            if session is not None:
                await session.close()
