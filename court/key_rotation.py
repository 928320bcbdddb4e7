"""Rotating the data key: everything sealed under a previous key is sealed again under the
current one (MICROCOURT_SECRET_KEY), so that the previous keys can be dropped.

Run it with the new key as MICROCOURT_SECRET_KEY and the old ones in
MICROCOURT_PREVIOUS_SECRET_KEYS; the server may keep running meanwhile (with the same settings).
A row is replaced only if it still holds what was read (a write since then sealed it under the
current key anyway). ID-number look-up hashes are recomputed under the current key too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from court.blobs import BlobStore
from identity.id_numbers import id_number_hash
from identity.models import IdentityDecision, IdentityProfile
from identity.photos import forget_photos, people_with_photos, reseal_photos
from storage.models import (
    AgentMandate,
    Case,
    CaseEvent,
    Evidence,
    JudgmentDraft,
    OutboxMessage,
    Person,
    PublishedJudgment,
)
from storage.sealed_column import as_stored
from storage.sealing import SealError
from storage.store import Store, Tx

BATCH = 500

SEALED_COLUMNS: tuple[tuple[Any, str, str], ...] = (
    (Case, "id", "state"),
    (OutboxMessage, "id", "payload"),
    (CaseEvent, "id", "detail"),
    (JudgmentDraft, "case_id", "content"),
    (IdentityProfile, "person_id", "sealed"),
    # storage.sealed_column.SealedText: opened by the ORM, read here as stored (as_stored)
    (Evidence, "id", "name"),
    (Person, "id", "display_name"),
    (IdentityDecision, "id", "override_reason"),
    (AgentMandate, "id", "reason"),
    (AgentMandate, "id", "poa_name"),
    (PublishedJudgment, "id", "unpublish_reason"),
)
"""Every column that holds a sealed value. A new sealed column must be added here."""


@dataclass
class Tally:
    resealed: int = 0
    current: int = 0
    unopenable: list[str] = field(default_factory=list)  # where: table and row, or file


@dataclass
class Rotation:
    tallies: dict[str, Tally] = field(default_factory=dict)

    def of(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    @property
    def done(self) -> bool:
        """Nothing is left that a previous key alone opens."""
        return not any(t.unopenable for t in self.tallies.values())


async def rotate(
    store: Store, blobs: BlobStore, photo_dir: Path, id_keys: Sequence[bytes], dry_run: bool = False
) -> Rotation:
    """Seal every sealed value, stored file and kept photo again under the current key;
    `id_keys` are the ID-number HMAC keys, the current key's first. `dry_run` changes nothing."""
    rotation = Rotation()
    for model, key, column in SEALED_COLUMNS:
        extra = _number_hash(id_keys) if model is IdentityProfile else None
        target = _Column(model, getattr(model, key), getattr(model, column), extra)
        await _reseal_column(store, target, rotation.of(model.__tablename__), dry_run)
    await asyncio.to_thread(_reseal_files, blobs, rotation.of("files"), dry_run)
    for person_id in await asyncio.to_thread(people_with_photos, photo_dir):
        await _reseal_photos(store, photo_dir, person_id, rotation.of("kept photos"), dry_run)
    return rotation


Extra = Callable[[Tx, Any, str], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class _Column:
    model: Any
    ident: Any  # the primary key column
    sealed: Any
    extra: Extra | None  # other values derived from the opened value, written with it


def _number_hash(id_keys: Sequence[bytes]) -> Extra:
    """An identity profile's ID-number hash under the current key, from its (opened) number, if
    it holds one under a previous key (a demo profile's placeholder, which registers no number,
    stays as it is)."""

    async def values(tx: Tx, person_id: Any, token: str) -> dict[str, Any]:
        number = tx.sealer.open(token).get("id_number")
        if not number:
            return {}
        hashes = [id_number_hash(key, number) for key in id_keys]
        held = select(IdentityProfile.id_number_hash).where(IdentityProfile.person_id == person_id)
        return {"id_number_hash": hashes[0]} if await tx.session.scalar(held) in hashes[1:] else {}

    return values


async def _reseal_column(store: Store, target: _Column, tally: Tally, dry_run: bool) -> None:
    """Read in batches; write each row in a short transaction of its own, so that the rotation
    never holds one row while it waits for another (no deadlock with the running server)."""
    after: Any = None
    while True:
        async with store.tx() as tx:
            stored = as_stored(target.sealed)
            query = select(target.ident, stored).where(stored != "").order_by(target.ident).limit(BATCH)
            rows = (await tx.session.execute(query if after is None else query.where(target.ident > after))).all()
        if not rows:
            return
        for row_id, token in rows:
            if target.extra is None and store.sealer.is_current(token):
                tally.current += 1  # nothing to write
                continue
            async with store.tx() as tx:
                await _reseal_row(tx, target, row_id, token, tally, dry_run)
        after = rows[-1][0]


async def _reseal_row(tx: Tx, target: _Column, row_id: Any, token: str, tally: Tally, dry_run: bool) -> None:
    try:
        values = await target.extra(tx, row_id, token) if target.extra is not None else {}
        current = tx.sealer.is_current(token)
        if not current:
            values[target.sealed.key] = as_stored(tx.sealer.reseal(token))  # written as it is: sealed
    except SealError:
        tally.unopenable.append(f"{target.model.__tablename__} {row_id}")
        return
    if not values or dry_run:
        tally.current += current
        tally.resealed += not current
        return
    still = (target.ident == row_id, as_stored(target.sealed) == token)  # else written meanwhile, under the current key
    result = await tx.session.execute(update(target.model).where(*still).values(**values))
    changed = result.rowcount == 1  # type: ignore[attr-defined]
    tally.resealed += changed and not current
    tally.current += current or not changed


async def _reseal_photos(store: Store, photo_dir: Path, person_id: str, tally: Tally, dry_run: bool) -> None:
    """One person's kept photos, while they still hold biometrics. Their deletion commits before
    it removes the photos: if it committed meanwhile, the photos are removed here too (a photo
    rewritten as the folder went must not outlive the deletion, PIPL 28)."""
    if not await _holds_biometrics(store, person_id):
        return
    done = await asyncio.to_thread(reseal_photos, photo_dir / person_id, store.sealer, dry_run)
    tally.resealed, tally.current = tally.resealed + done.resealed, tally.current + done.current
    tally.unopenable.extend(done.unopenable)
    if not dry_run and not await _holds_biometrics(store, person_id):
        await forget_photos(photo_dir, person_id)


async def _holds_biometrics(store: Store, person_id: str) -> bool:
    async with store.tx() as tx:
        profile = await tx.session.get(IdentityProfile, person_id)
        return profile is not None and profile.deleted_at is None


def _reseal_files(blobs: BlobStore, tally: Tally, dry_run: bool) -> None:
    for stored in blobs.files():
        try:
            todo = blobs.reseal(stored, dry_run)
        except (SealError, FileNotFoundError) as error:
            if isinstance(error, SealError):
                tally.unopenable.append(str(stored.path))
            continue
        tally.resealed += todo
        tally.current += not todo
