"""Stored files no case refers to are swept once old enough; nothing a case names is touched."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.simulation import Simulation
from court.blob_sweep import sweep
from court.blobs import BlobStore
from gateway.court import Court
from storage.models import Evidence
from tests.support.court import demo_person

DAY = timedelta(days=1).total_seconds()


def _age(blobs: BlobStore, key: str, seconds: float) -> Path:
    """Make the stored file of `key` look `seconds` older (files carry the real time)."""
    [path] = [f.path for f in blobs.files() if f.key == key]
    os.utime(path, (path.stat().st_atime - seconds, path.stat().st_mtime - seconds))
    return path


def _half_written(beside: Path) -> Path:
    half = beside.with_name("0" * 64 + ".part")
    half.write_bytes(b"cut short")
    os.utime(half, (0, 0))
    return half


def _exist(*paths: Path) -> list[bool]:
    return [p.exists() for p in paths]


async def test_an_old_unreferenced_file_is_swept_and_referenced_or_recent_ones_kept(court: Court) -> None:
    blobs = court.service.blobs
    case_id = await Simulation(court).file_case(await demo_person(court, "litigant_a"), b"%PDF-1.4 receipt 42")
    async with court.store.tx() as tx:
        [evidence] = (await tx.session.scalars(select(Evidence).where(Evidence.case_id == case_id))).all()
    referenced = _age(blobs, evidence.blob_key, 2 * DAY)
    orphan = _age(blobs, await blobs.put(b"refused after it was written"), 2 * DAY)
    recent = await blobs.put(b"an upload not yet committed")
    half = _half_written(orphan)
    now = datetime.now(UTC)

    listed = await sweep(court.store, blobs, now, dry_run=True)
    assert sorted(f.path for f in listed.removed) == sorted([orphan, half]) and _exist(orphan) == [True]
    swept = await sweep(court.store, blobs, now)
    assert {f.path for f in swept.removed} == {orphan, half} and swept.kept == 1
    assert _exist(orphan, half, referenced) == [False, False, True]
    assert await blobs.get(evidence.blob_key) == b"%PDF-1.4 receipt 42"
    assert any(f.key == recent for f in blobs.files())


async def test_a_file_received_again_is_no_longer_a_leftover(court: Court) -> None:
    """The same content uploaded again finds the old file: it counts as received now."""
    blobs = court.service.blobs
    key = await blobs.put(b"the same contract, sent twice")
    _age(blobs, key, 2 * DAY)
    assert (await sweep(court.store, blobs, datetime.now(UTC), dry_run=True)).removed != []
    assert await blobs.put(b"the same contract, sent twice") == key
    assert (await sweep(court.store, blobs, datetime.now(UTC), dry_run=True)).removed == []


async def test_a_file_a_stopped_sweep_left_aside_goes_back_if_a_case_names_it(court: Court) -> None:
    """A sweep stopped between moving a file aside and removing it: the next sweep puts back a file
    a case names (its row was committed meanwhile) and removes one nobody names or written anew."""
    blobs = court.service.blobs
    case_id = await Simulation(court).file_case(await demo_person(court, "litigant_a"), b"%PDF-1.4 receipt 43")
    async with court.store.tx() as tx:
        [evidence] = (await tx.session.scalars(select(Evidence).where(Evidence.case_id == case_id))).all()
    named = _age(blobs, evidence.blob_key, 2 * DAY)
    named_aside = named.rename(named.with_name(named.name + ".sweep"))
    orphan = _age(blobs, await blobs.put(b"nobody names this"), 2 * DAY)
    orphan_aside = orphan.rename(orphan.with_name(orphan.name + ".sweep"))
    swept = await sweep(court.store, blobs, datetime.now(UTC))
    assert {f.path for f in swept.removed} == {orphan_aside}
    assert _exist(named, named_aside, orphan_aside) == [True, False, False]
    assert await blobs.get(evidence.blob_key) == b"%PDF-1.4 receipt 43"
