"""Files no case refers to: an upload refused after its file was written (its question moved on
meanwhile), or a write cut short. Only files older than a grace period are considered, so an
upload between its write and its commit is never touched."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import CompoundSelect, select, union

from court.blobs import ASIDE, BlobStore, StoredFile
from storage.models import AgentMandate, Evidence, IssuedDocument
from storage.store import Store

GRACE = timedelta(hours=24)

REFERENCED: CompoundSelect[Any] = union(
    select(Evidence.blob_key),
    select(AgentMandate.poa_sha256).where(AgentMandate.poa_sha256.is_not(None)),
    select(IssuedDocument.blob_key),
)
"""Every kind of row that names a stored file: evidence (and documents sent at a files question),
powers of attorney and the signed documents the court issued. A new kind of file reference must be added here."""


@dataclass
class Swept:
    removed: list[StoredFile] = field(default_factory=list)
    kept: int = 0

    @property
    def removed_bytes(self) -> int:
        return sum(f.size for f in self.removed)


async def sweep(
    store: Store, blobs: BlobStore, now: datetime, grace: timedelta = GRACE, dry_run: bool = False
) -> Swept:
    """Remove the stored files older than `grace` that no row refers to (list them if `dry_run`)."""
    candidates = await asyncio.to_thread(blobs.older_than, now - grace)
    async with store.tx() as tx:
        referenced: set[str] = set(await tx.session.scalars(REFERENCED))
    swept = Swept()
    cutoff = (now - grace).timestamp()
    for stored in candidates:
        if stored.path.name.endswith(ASIDE):  # left by a sweep stopped midway: settle it now
            if await asyncio.to_thread(_settle_aside, stored.path, stored.key in referenced, dry_run):
                swept.removed.append(stored)
            else:
                swept.kept += 1
            continue
        if stored.key in referenced and not stored.path.name.endswith(".part"):
            swept.kept += 1
            continue
        if dry_run:
            swept.removed.append(stored)
        elif await asyncio.to_thread(_remove_if_still_old, stored.path, cutoff):
            swept.removed.append(stored)
    return swept


def _settle_aside(aside: Path, referenced: bool, dry_run: bool) -> bool:
    """A file a stopped sweep left aside: put back if a case names it and no writer has written it
    anew meanwhile (False), else removed (True)."""
    stored = aside.with_name(aside.name.removesuffix(ASIDE))
    if referenced and not stored.exists():
        if not dry_run:
            os.replace(aside, stored)
        return False
    if not dry_run:
        aside.unlink(missing_ok=True)
    return True


def _remove_if_still_old(path: Path, cutoff: float) -> bool:
    """Move the file aside, then remove it unless it was received again meanwhile (its time
    renewed): then it goes back. A writer touching it once it is aside finds nothing there and
    writes it anew (court/blobs.py), so a file a new row names is never lost."""
    aside = path.with_name(path.name + ASIDE)
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    if aside.stat().st_mtime >= cutoff:
        os.replace(aside, path)
        return False
    aside.unlink()
    return True
