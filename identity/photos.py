"""Kept photos, only with MICROCOURT_KEEP_SELFIES: sealed, one file per decision, readable only
by the server's user, and deleted with the person's biometrics."""

from __future__ import annotations

import asyncio
import base64
import shutil
from collections.abc import Sequence
from pathlib import Path

from storage.sealing import Sealer

__all__ = ["forget_photos", "keep_photos"]


async def keep_photos(
    photo_dir: Path, sealer: Sealer, person_id: str, decision_id: int, photos: Sequence[bytes]
) -> None:
    """The photos of one decision, sealed, named by the decision id (sealed off the event loop)."""
    path = photo_dir / person_id / f"{decision_id}.sealed"

    def seal_and_write() -> None:
        _write_private(path, sealer.seal([base64.b64encode(p).decode() for p in photos]))

    await asyncio.to_thread(seal_and_write)


async def forget_photos(photo_dir: Path, person_id: str) -> None:
    """Delete any kept photos of the person."""
    await asyncio.to_thread(shutil.rmtree, photo_dir / person_id, True)


async def move_photos(photo_dir: Path, from_id: str, to_id: str) -> None:
    """Two records of one person merged (court.linking): the photos follow their decisions,
    which are named by the decision id and so never collide."""
    await asyncio.to_thread(_move_all, photo_dir / from_id, photo_dir / to_id)


def _move_all(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in source.iterdir():
        path.replace(target / path.name)
    source.rmdir()


def _write_private(path: Path, text: str) -> None:
    """Write a file only the server's user can read."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(text)
    path.chmod(0o600)


def reseal_photos(photo_dir: Path, sealer: Sealer, dry_run: bool = False) -> tuple[int, int]:
    """Seal kept photos again under the current key (after a key rotation): (resealed, already
    current). Each file is replaced whole, through a private temporary file. (Blocking.)"""
    resealed = current = 0
    for path in sorted(photo_dir.glob("*/*.sealed")) if photo_dir.is_dir() else []:
        token = path.read_text()
        if sealer.is_current(token):
            current += 1
            continue
        if not dry_run:
            temp = path.with_suffix(".part")
            _write_private(temp, sealer.reseal(token))
            temp.replace(path)
        resealed += 1
    return resealed, current
