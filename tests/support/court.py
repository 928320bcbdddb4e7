"""Court builders shared by the suites: settings with the test data key, a started demo court, a
fresh PostgreSQL database, the demo people, a draft with a file."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.bootstrap import build_court
from gateway.court import Court
from gateway.demo import seed
from gateway.settings import Settings
from identity.models import IdentityDecision
from storage.models import Person
from storage.sealing import Sealer
from tests.support.clock import FakeClock
from tests.support.services import postgres_url, require_postgres

TEST_KEY = Sealer.new_key()


def court_settings(tmp_path: Path, database_url: str = "", redis_url: str | None = None) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, redis_url=redis_url, secret_key=TEST_KEY, demo=True)


async def started_court(settings: Settings, clock: FakeClock) -> Court:
    court = await build_court(settings, clock)
    await seed(court.store, settings.court_code, clock())
    return court


async def _admin_connection() -> asyncpg.Connection:
    url = make_url(postgres_url())
    return await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)


@asynccontextmanager
async def fresh_pg_database() -> AsyncIterator[str]:
    """A new PostgreSQL database (skip or fail per the CI rule when there is no server)."""
    require_postgres()
    name = f"mc_{uuid.uuid4().hex[:12]}"
    admin = await _admin_connection()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def draft_with_a_file(
    court: Court, person: Person, name: str, answers: dict[str, str] | None = None
) -> tuple[str, str]:
    """A new filing by `person`, answered up to its evidence question, with one file sent there
    (an image, its content `PNG`): (case id, the file's evidence id)."""
    from app.simulation import PLAINTIFF_ANSWERS, Simulation
    from court.commands import OpenCase, UploadEvidence

    sim, answers = Simulation(court, "en"), answers or PLAINTIFF_ANSWERS
    case_id = str((await court.service.open_case(OpenCase(person.id, "filing", "test"))).case_id)
    while (prompt := await sim.prompt_for(person, case_id)) and prompt["step"] != "evidence":
        await sim.answer(person, case_id, answers[prompt["step"]])
    assert prompt is not None
    sent = UploadEvidence(person.id, case_id, "evidence", prompt["seq"], name, "image/png", b"PNG", "test")
    return case_id, (await court.service.upload_evidence(sent)).evidence["evidence_id"]


async def demo_person(court: Court, key: str) -> Person:
    async with court.store.tx() as tx:
        person = await tx.person_by_demo_key(key)
    assert person is not None
    return person


async def decisions(court: Court, person_id: str) -> list[IdentityDecision]:
    """The person's decision rows, oldest first."""
    async with court.store.tx() as tx:
        rows = await tx.session.scalars(
            select(IdentityDecision).where(IdentityDecision.person_id == person_id).order_by(IdentityDecision.id)
        )
        return list(rows)
