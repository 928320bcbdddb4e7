"""Files received in cases (evidence, documents, powers of attorney), stored by the SHA-256 of
their content and sealed at rest like every other piece of personal data; reads and writes
happen off the event loop."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.sealing import Sealer

SEALED = ".sealed"
ASIDE = ".sweep"  # a stored file the sweep moved aside while it checks (court/blob_sweep.py)


@dataclass(frozen=True)
class StoredFile:
    path: Path
    key: str  # the content's SHA-256; for a half-written `.part`, the key it was written for
    size: int
    modified: float  # seconds since the epoch


class BlobStore:
    def __init__(self, root: Path, sealer: Sealer) -> None:
        self.root, self.sealer = root, sealer

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    async def put(self, content: bytes) -> str:
        """Store `content` sealed and return its SHA-256 (of the content), which is also its key.
        Hashing and sealing happen in a thread."""
        return await asyncio.to_thread(self._write, content)

    def _write(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        path = self._path(key).with_suffix(SEALED)
        if self._received_again(path):
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_durably(path, key, self.sealer.seal_bytes(content))
        return key

    def reseal(self, stored: StoredFile, dry_run: bool = False) -> bool:
        """Seal a stored file again under the current key, if it was sealed under a previous one
        or stored plain before sealing began; False if there was nothing to do (`dry_run`: say,
        do nothing). A file no key opens raises SealError either way. (Blocking.)"""
        plain = stored.path.name == stored.key
        if not plain and stored.path.name not in (stored.key + SEALED, stored.key + SEALED + ASIDE):
            return False  # being written, under the current key
        raw = stored.path.read_bytes()
        if not plain and self.sealer.file_is_current(raw):
            return False
        if dry_run:
            return True
        content = raw if plain else self.sealer.open_bytes(raw)
        target = self._path(stored.key).with_suffix(SEALED) if plain else stored.path  # aside: stays aside
        _write_durably(target, stored.key, self.sealer.seal_bytes(content))
        if plain:
            stored.path.unlink(missing_ok=True)
        return True

    @staticmethod
    def _received_again(path: Path) -> bool:
        """The same content is stored already: it counts as received now, so the sweep
        (court/blob_sweep.py) leaves it; if the sweep removed it meanwhile, it is written anew."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return path.exists()

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    def _read(self, key: str) -> bytes:
        """The content; a file stored before sealing began (no suffix) is read as it is."""
        sealed = self._path(key).with_suffix(SEALED)
        if sealed.exists():
            return self.sealer.open_bytes(sealed.read_bytes())
        return self._path(key).read_bytes()

    def files(self) -> Iterator[StoredFile]:
        """Every file under the store, sealed, plain (from before sealing) or half-written."""
        for path in sorted(self.root.glob("??/*")):
            try:
                stat = path.stat()
            except FileNotFoundError:  # renamed or removed since listed (a writer, the sweep)
                continue
            yield StoredFile(path, path.name.split(".", 1)[0], stat.st_size, stat.st_mtime)

    def older_than(self, moment: datetime) -> list[StoredFile]:
        return [f for f in self.files() if f.modified < moment.timestamp()]


def _write_durably(path: Path, key: str, sealed: bytes) -> None:
    """Write into a temporary file of this writer's own, fsync it, rename it over `path`."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f"{key}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(sealed)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        _sync_folder(path.parent)  # the name too survives a power cut, as the row naming it will
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
