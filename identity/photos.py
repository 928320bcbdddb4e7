"""Kept photos, only with MICROCOURT_KEEP_SELFIES: sealed, one file per decision, readable only
by the server's user, and deleted with the person's biometrics."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage.sealing import Sealer, SealError

__all__ = ["forget_photos", "keep_photos", "write_private"]


async def keep_photos(
    photo_dir: Path, sealer: Sealer, person_id: str, decision_id: int, photos: Sequence[bytes]
) -> None:
    """The photos of one decision, sealed, named by the decision id (sealed off the event loop)."""
    path = photo_dir / person_id / f"{decision_id}.sealed"

    def seal_and_write() -> None:
        write_private(path, sealer.seal([base64.b64encode(p).decode() for p in photos]))

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


def write_private(path: Path, text: str) -> None:
    """Write a file only the server's user can read."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(text)
    path.chmod(0o600)


@dataclass
class Resealed:
    resealed: int = 0
    current: int = 0
    unopenable: list[str] = field(default_factory=list)


def people_with_photos(photo_dir: Path) -> list[str]:
    """The people who have kept photos (their folders). (Blocking.)"""
    return sorted(p.name for p in photo_dir.iterdir() if p.is_dir()) if photo_dir.is_dir() else []


def reseal_photos(folder: Path, sealer: Sealer, dry_run: bool = False) -> Resealed:
    """Seal one person's kept photos again under the current key (after a key rotation). Each
    file is replaced whole through a private temporary file; a folder removed meanwhile is not
    made again. (Blocking.)"""
    done = Resealed()
    for path in sorted(folder.glob("*.sealed")):
        try:
            token = path.read_text()
        except FileNotFoundError:
            continue  # deleted meanwhile
        if sealer.is_current(token):
            done.current += 1
            continue
        try:
            again = sealer.reseal(token)
        except SealError:
            done.unopenable.append(str(path))
            continue
        if dry_run or _replace_private(path, again):
            done.resealed += 1
    return done


def _replace_private(path: Path, text: str) -> bool:
    """Replace an existing file whole (fsynced); False if its folder is gone."""
    temp = path.with_name(path.name + ".part")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError:
        return False
    with os.fdopen(handle, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    try:
        os.replace(temp, path)
    except FileNotFoundError:
        return False
    return True
