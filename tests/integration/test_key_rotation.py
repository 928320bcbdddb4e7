"""Rotating the data key (`microcourt keys rotate`): a court keeps working on the new key with the
old one as a previous key, and after the rotation on the new key alone: every sealed column,
stored file and kept photo opens, and ID numbers are still found."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import build_court
from app.cli import main
from app.simulation import PLAINTIFF_ANSWERS, Simulation
from court.key_rotation import SEALED_COLUMNS
from gateway.settings import Settings
from identity.models import IdentityProfile
from identity.photos import keep_photos
from storage.sealed_column import as_stored
from storage.sealing import Sealer
from tests.support.clock import FakeClock
from tests.support.court import (
    TEST_KEY,
    court_settings,
    demo_person,
    draft_with_a_file,
    fresh_pg_database,
    started_court,
)

NEW_KEY = Sealer.new_key()
NUMBER = PLAINTIFF_ANSWERS["plaintiff_id"]


@asynccontextmanager
async def _database(kind: str) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield ""  # the embedded default, in the data dir
        return
    async with fresh_pg_database() as url:
        yield url


async def _rotate(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> int:
    """The command as an administrator runs it, from the environment."""
    monkeypatch.setenv("MICROCOURT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MICROCOURT_SECRET_KEY", NEW_KEY)
    monkeypatch.setenv("MICROCOURT_PREVIOUS_SECRET_KEYS", f" {TEST_KEY} ")
    return await asyncio.to_thread(main, ["keys", "rotate"])


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
async def test_after_a_rotation_everything_opens_with_the_new_key_alone(
    database: str, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with _database(database) as url:
        old = court_settings(tmp_path, url)
        court = await started_court(old, clock)
        plaintiff = await demo_person(court, "litigant_a")
        case_id, file_id = await draft_with_a_file(court, plaintiff, "a.png")
        async with court.store.tx() as tx:  # the demo profile, findable by its number as a real one is
            profile = await tx.session.get(IdentityProfile, plaintiff.id)
            assert profile is not None
            profile.id_number_hash = court.identity.number_hashes(NUMBER)[0]
        photo_dir = tmp_path / "identity-photos"
        await keep_photos(photo_dir, court.store.sealer, plaintiff.id, 1, [b"selfie"])
        await court.close()

        rotating = await build_court(replace(old, secret_key=NEW_KEY, previous_secret_keys=(TEST_KEY,)), clock)
        try:  # before the rotation: old data opens, new data is sealed under the new key
            assert await rotating.service.case_file(plaintiff.id, case_id, file_id) == ("a.png", b"PNG")
            assert await rotating.identity.person_for_id_number(NUMBER) == plaintiff.id
            await sim_answer(rotating, plaintiff.id, case_id)
        finally:
            await rotating.close()

        assert await _rotate(old, monkeypatch) == 0
        said = capsys.readouterr().out
        assert "cases: sealed again 0, already under the current key 1" in said  # written since: new key
        assert "outbox: sealed again 19, already under the current key 1" in said  # the v4 draft's prompts
        assert "files: sealed again 1" in said and "kept photos: sealed again 1" in said
        assert "evidence: sealed again 1," in said  # its file name (issue 15 item 16)
        assert re.search(r"people: sealed again [1-9]", said)  # the demo people's display names
        assert "can be removed" in said

        new_only = await build_court(replace(old, secret_key=NEW_KEY), clock)
        try:
            sealer = new_only.store.sealer
            async with new_only.store.tx() as tx:
                for model, _key, column in SEALED_COLUMNS:
                    stored = as_stored(getattr(model, column))  # the token, also of a SealedText column
                    for token in await tx.session.scalars(select(stored).where(stored != "")):
                        sealer.open(token)  # raises if any value is still under the old key
            assert await new_only.service.case_file(plaintiff.id, case_id, file_id) == ("a.png", b"PNG")
            assert await new_only.identity.person_for_id_number(NUMBER) == plaintiff.id
            other = await demo_person(new_only, "litigant_b")
            async with new_only.store.tx() as tx:  # a demo profile's placeholder registers no number
                assert (await tx.session.get(IdentityProfile, other.id)).id_number_hash == "demo"  # type: ignore[union-attr]
            [photo] = photo_dir.glob("*/*.sealed")
            assert Sealer(NEW_KEY).open(photo.read_text())
            await sim_answer(new_only, plaintiff.id, case_id)
        finally:
            await new_only.close()
        assert await _rotate(old, monkeypatch) == 0  # again: nothing left to do
        said = capsys.readouterr().out
        assert "sealed again 0" in said and "sealed again 1" not in said


async def sim_answer(court: object, person_id: str, case_id: str) -> None:
    """The plaintiff goes on with the filing: the case's state and prompt open and are written."""
    from gateway.court import Court

    assert isinstance(court, Court)
    person = await demo_person(court, "litigant_a")
    assert person.id == person_id
    sim = Simulation(court, "en")
    prompt = await sim.prompt_for(person, case_id)
    assert prompt is not None and prompt["step"] in ("evidence", "summary")
    await sim.answer(person, case_id, "done" if prompt["step"] == "evidence" else "edit:plaintiff_phone")
