"""The pictures a clerk needs for a manual identity check, held only until it is decided.

Which pictures: the ID photo of every reference the person gave (the face the others are compared
with), and the stills of a check that went to the clerk (the selfie; a few frames spread over a
live recording). Any part of the identity service may hold more for a decision (e.g. the ID card
photos that could not be read): the clerk's screen shows whatever a person's decisions hold, by
decision, in order.

Each decision's pictures are one file, sealed with the data key, readable only by the server's
user, beside the kept photos (``identity.photos``: the same key rotation, account linking and
deletion cover them) and named ``<decision id>.review.sealed``. They are opened only for a clerk
or judge of the person's court, and deleted once the person is verified or the clerk decides.
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Sequence
from pathlib import Path

from identity.photos import write_private
from storage.sealing import Sealer

__all__ = ["held_pictures", "hold_pictures", "open_picture", "release_pictures"]

SUFFIX = ".review.sealed"
_NAME = re.compile(r"^(\d+)\.review\.sealed$")


def _path(photo_dir: Path, person_id: str, decision_id: int) -> Path:
    return photo_dir / person_id / f"{decision_id}{SUFFIX}"


async def hold_pictures(
    photo_dir: Path, sealer: Sealer, person_id: str, decision_id: int, pictures: Sequence[bytes]
) -> None:
    """Hold one decision's pictures (JPEG or PNG) for the clerk, sealed off the event loop."""
    if not pictures:
        return

    def seal_and_write() -> None:
        sealed = sealer.seal([base64.b64encode(p).decode() for p in pictures])
        write_private(_path(photo_dir, person_id, decision_id), sealed)

    await asyncio.to_thread(seal_and_write)


def _count(photo_dir: Path, sealer: Sealer, person_id: str) -> dict[int, int]:
    folder = photo_dir / person_id
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match:
            opened = sealer.open(path.read_text())
            found[int(match.group(1))] = len(opened) if isinstance(opened, list) else 0
    return found


async def held_pictures(photo_dir: Path, sealer: Sealer, person_id: str) -> dict[int, int]:
    """How many pictures each of the person's decisions holds (decision id -> count)."""
    return await asyncio.to_thread(_count, photo_dir, sealer, person_id)


def _open(photo_dir: Path, sealer: Sealer, person_id: str, decision_id: int, index: int) -> bytes | None:
    path = _path(photo_dir, person_id, decision_id)
    if not path.is_file():
        return None
    opened = sealer.open(path.read_text())
    if not isinstance(opened, list) or not 0 <= index < len(opened):
        return None
    return base64.b64decode(str(opened[index]))


async def open_picture(photo_dir: Path, sealer: Sealer, person_id: str, decision_id: int, index: int) -> bytes | None:
    """One held picture's bytes (None: there is no such picture)."""
    return await asyncio.to_thread(_open, photo_dir, sealer, person_id, decision_id, index)


def _release(photo_dir: Path, person_id: str) -> None:
    folder = photo_dir / person_id
    if folder.is_dir():
        for path in folder.iterdir():
            if _NAME.match(path.name):
                path.unlink(missing_ok=True)


async def release_pictures(photo_dir: Path, person_id: str) -> None:
    """Delete every picture held for the person's manual check (kept photos stay)."""
    await asyncio.to_thread(_release, photo_dir, person_id)
