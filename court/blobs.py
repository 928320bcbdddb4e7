"""Files received in cases (evidence, documents, powers of attorney), stored by the SHA-256 of
their content and sealed at rest like every other piece of personal data; reads and writes
happen off the event loop."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from storage.sealing import Sealer

SEALED = ".sealed"


class BlobStore:
    def __init__(self, root: Path, sealer: Sealer) -> None:
        self.root, self.sealer = root, sealer

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    async def put(self, content: bytes) -> str:
        """Store `content` sealed and return its SHA-256 (of the content), which is also its key."""
        digest = hashlib.sha256(content).hexdigest()
        await asyncio.to_thread(self._write, digest, content)
        return digest

    def _write(self, key: str, content: bytes) -> None:
        path = self._path(key).with_suffix(SEALED)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".part")
        temp.write_bytes(self.sealer.seal_bytes(content))
        temp.replace(path)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    def _read(self, key: str) -> bytes:
        """The content; a file stored before sealing began (no suffix) is read as it is."""
        sealed = self._path(key).with_suffix(SEALED)
        if sealed.exists():
            return self.sealer.open_bytes(sealed.read_bytes())
        return self._path(key).read_bytes()
