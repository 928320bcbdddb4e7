"""The defendant's invitation in a form a plaintiff can pass on by phone or paper (OLR 10): a short
code like `K7MQ-2XPD`, with the same security as the long one (single use, only while the
defendant may still join, only for the verified defendant, guessing rate-limited), and a QR code
of the join link for those who pass it on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from app.simulation import Simulation
from app.web import build_app
from court.commands import JoinCase
from court.invitations import SHORT_ALPHABET, normal_short_code, short_code
from gateway.court import Court
from gateway.limits import JOIN_TRIES_PER_HOUR, may_try_invitation
from gateway.requests import COURT_KEY
from storage.models import InvitationCode
from tests.support.clock import FakeClock
from tests.support.court import court_settings, demo_person, started_court
from tests.support.trial import case_state, served_case


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7MQ-2XPD", "K7MQ-2XPD"),
        ("k7mq 2xpd", "K7MQ-2XPD"),
        (" K7MQ－2XPD ", "K7MQ-2XPD"),  # a full-width dash from a Chinese keyboard
        ("K7MQ2XPD", "K7MQ-2XPD"),
        ("K7MQ-2XP", None),  # too short
        ("K7MQ-2XP0", None),  # 0 is never in a code: nothing to confuse with O
        ("j" + "A" * 42, None),  # the long code is not a short one
    ],
)
def test_a_short_code_is_read_however_it_was_typed(typed: str, expected: str | None) -> None:
    assert normal_short_code(typed) == expected


def test_short_codes_use_only_unambiguous_characters() -> None:
    code = short_code()
    assert len(code) == 9 and code[4] == "-" and all(c in SHORT_ALPHABET for c in code.replace("-", ""))
    assert not {"0", "O", "1", "I"} & set(SHORT_ALPHABET)


async def test_the_defendant_joins_with_the_short_code_once_OLR_10(court: Court) -> None:
    """The short code, typed in lower case with a space, brings the verified defendant in; it is
    then used up, like the long code, and its lookup row is gone."""
    sim = Simulation(court, "en")
    case_id, _long = await served_case(court, sim)
    short = (await case_state(court, case_id))["data"]["invitation"]["short_code"]
    rep = await demo_person(court, "litigant_b")
    typed = short.lower().replace("-", " ")
    assert (await court.service.join_case(JoinCase(rep.id, typed, "test"))).case_id == case_id
    again = await court.service.join_case(JoinCase(rep.id, short, "test"))
    assert not again.ok and again.error == "invitation_unknown"
    invitation = (await case_state(court, case_id))["data"]["invitation"]
    assert invitation["used_by"] == rep.id and invitation["short_code"] is None
    async with court.store.tx() as tx:
        assert await tx.session.scalar(select(func.count()).select_from(InvitationCode)) == 0


async def test_a_short_code_is_only_for_the_defendant_named_OLR_10(court: Court) -> None:
    sim = Simulation(court, "en")
    case_id, _long = await served_case(court, sim)
    short = (await case_state(court, case_id))["data"]["invitation"]["short_code"]
    plaintiff = await demo_person(court, "litigant_a")
    refused = await court.service.join_case(JoinCase(plaintiff.id, short, "test"))
    assert refused.error == "already_in_case"  # the plaintiff cannot answer their own claim
    wrong = await court.service.join_case(JoinCase(plaintiff.id, "ZZZZ-ZZZZ", "test"))
    assert wrong.error == "invitation_unknown"
    assert not (await case_state(court, case_id))["data"]["invitation"].get("used_by")


async def test_guessing_invitation_codes_is_rate_limited(tmp_path: Path, clock: FakeClock) -> None:
    """A person may try 10 codes an hour (outside the demo, whose sample people are shared)."""
    court = await started_court(replace(court_settings(tmp_path), demo=False), clock)
    try:
        tries = [await may_try_invitation(court, "p-1") for _ in range(JOIN_TRIES_PER_HOUR + 1)]
        assert tries == [True] * JOIN_TRIES_PER_HOUR + [False]
        assert await may_try_invitation(court, "p-2")  # someone else is not held back
        clock.jump(hours=1, seconds=1)
        assert await may_try_invitation(court, "p-1")
    finally:
        await court.close()


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[TestServer]:
    settings = replace(court_settings(tmp_path), public_url="https://court.example")  # the links need the site
    async with TestServer(build_app(settings, clock, ticker=False)) as test_server:
        yield test_server


async def _session(server: TestServer, who: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(base_url=str(server.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    assert (await http.post("/api/demo/signin", json={"person": who})).status == 200
    return http


async def test_the_join_link_qr_code_is_for_those_who_pass_the_invitation_on(server: TestServer) -> None:
    """The plaintiff and the court get the QR code while the invitation is open; anyone else,
    and everyone once it is used, gets 404."""
    court: Court = server.app[COURT_KEY]
    case_id, code = await served_case(court, Simulation(court, "en"))
    url = f"/api/cases/{case_id}/invitation.svg"
    for who, status in (("litigant_a", 200), ("clerk", 200), ("litigant_b", 404)):  # b: not in the case yet
        async with await _session(server, who) as http:
            answer = await http.get(url)
            assert answer.status == status, who
            if status == 200:
                assert answer.content_type == "image/svg+xml" and "<svg" in await answer.text()
    rep = await demo_person(court, "litigant_b")
    assert (await court.service.join_case(JoinCase(rep.id, code, "test"))).ok
    async with await _session(server, "litigant_a") as http:
        assert (await http.get(url)).status == 404
