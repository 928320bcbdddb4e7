"""Builders for the identity desk's tests (issue 14 part 4): people whose identity check went to
the clerk, with the pictures it holds, and court staff signed in over HTTP."""

from __future__ import annotations

import uuid
from dataclasses import replace

import aiohttp
from aiohttp.test_utils import TestServer

from court import sessions
from court.sessions import new_litigant
from gateway.court import Court
from gateway.requests import COURT_KEY
from identity.id_numbers import resident_id_check_char
from storage.models import Person
from tests.support import recordings
from tests.support.clock import FakeClock
from tests.support.faces import FacePhotos
from tests.support.id_cards import card_photo


def id_number(sequence: int) -> str:
    """A valid resident ID number (GB 11643-1999) of a made-up person born 1990-01-01."""
    first = f"11010519900101{sequence:03d}"
    return first + resident_id_check_char(first)


async def staff_member(court: Court, role: str, court_code: str, name: str) -> Person:
    """A clerk, judge or admin of ``court_code``, as `microcourt staff add` makes one."""
    async with court.store.tx() as tx:
        person = Person(
            id=str(uuid.uuid4()),
            display_name=name,
            locale="en",
            staff_role=role,
            court_code=court_code,
            created_at=court.clock(),
        )
        tx.add(person)
    return person


async def signed_in(server: TestServer, person: Person) -> aiohttp.ClientSession:
    """A browser signed in as ``person`` through a one-time sign-in link (cookie kept)."""
    court = server.app[COURT_KEY]
    async with court.store.tx() as tx:
        token = await sessions.issue_signin_link(tx, person.id, court.clock())
    session = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"/signin/{token}", allow_redirects=False) as response:
        assert response.status == 302
    return session


async def enrolled_litigant(court: Court, faces: FacePhotos, name: str, number: str, photo: str) -> str:
    """A new litigant who consented and gave a specimen ID card of ``name`` and ``number`` with
    ``photo`` on it; returns their id."""
    async with court.store.tx() as tx:
        person = new_litigant(court.clock(), "en")
        tx.add(person)
    await court.identity.give_consent(person.id)
    await court.identity.set_reference(person.id, name, number, card_photo(name, number, photo))
    return person.id


async def with_pending_selfie(court: Court, faces: FacePhotos, name: str, number: str) -> str:
    """A litigant (ID photo obama_1) whose first Telegram selfie was someone else's and whose
    second matched, a still photo: with the clerk as ``liveness_not_checked``."""
    person_id = await enrolled_litigant(court, faces, name, number, "obama_1.jpg")
    await court.identity.verify_selfie(person_id, faces.raw("biden_1.jpg"), "telegram")
    assert (await court.identity.verify_selfie(person_id, faces.raw("obama_2.jpg"), "telegram")).queued
    return person_id


async def out_of_attempts(court: Court, faces: FacePhotos, clock: FakeClock, name: str, number: str) -> str:
    """A litigant (ID photo biden_1) whose live check, a still take, used the hour's only attempt:
    with the clerk as ``too_many_attempts``, holding frames of that recording."""
    person_id = await enrolled_litigant(court, faces, name, number, "biden_1.jpg")
    kept = court.identity.settings
    court.identity.settings = replace(kept, attempts_per_hour=1)
    try:
        challenge = await court.identity.issue_challenge(person_id)
        clock.jump(seconds=8)
        video = recordings.stills(["biden_2.jpg"], seconds_each=3.0)
        result = await court.identity.verify_recording(person_id, video, challenge.nonce, "web")
    finally:
        court.identity.settings = kept
    assert result.queued, result
    return person_id
