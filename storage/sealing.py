"""Encryption at rest for personal data: values (ID numbers, answers, messages) with Fernet (AES
and HMAC), files (evidence, documents) with AES-256-GCM in chunks, both from the one data key."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"MCF1"  # a sealed file: magic, 8 random bytes, then the chunks
CHUNK = 1 << 20  # plaintext bytes per chunk; each chunk carries a 16-byte tag
_TAG = 16
_KEY_WRONG = "sealed data does not open with this key (MICROCOURT_SECRET_KEY)"


class SealError(Exception):
    """Data that cannot be opened with the configured key."""


class Sealer:
    """Seals JSON-able values and files; the key comes from configuration, never from the
    repository."""

    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(key)
        raw = base64.urlsafe_b64decode(key)
        self._files = AESGCM(HKDF(SHA256(), 32, salt=None, info=b"microcourt sealed files v1").derive(raw))

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, value: Any) -> str:
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return self._fernet.encrypt(raw).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken:
            raise SealError(_KEY_WRONG) from None

    def seal_bytes(self, content: bytes) -> bytes:
        """Seal a file's bytes. AES-GCM in 1 MiB chunks, each bound to its place and to whether
        it is the last, so a reordered or cut-short file does not open. (Unlike Fernet's base64,
        this leaves the interpreter free: sealing 20 MB in a thread barely pauses the loop.)"""
        salt = os.urandom(8)
        parts = [FILE_MAGIC, salt]
        starts = range(0, max(len(content), 1), CHUNK)
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            parts.append(self._files.encrypt(_nonce(salt, index), content[start : start + CHUNK], _place(index, last)))
        return b"".join(parts)

    def open_bytes(self, sealed: bytes) -> bytes:
        if not sealed.startswith(FILE_MAGIC) or len(sealed) < len(FILE_MAGIC) + 8 + _TAG:
            raise SealError("not a sealed file")
        salt, body = sealed[4:12], sealed[12:]
        size = CHUNK + _TAG
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        try:
            return b"".join(
                self._files.decrypt(_nonce(salt, index), piece, _place(index, index == len(pieces) - 1))
                for index, piece in enumerate(pieces)
            )
        except InvalidTag:
            raise SealError(_KEY_WRONG) from None


def _nonce(salt: bytes, index: int) -> bytes:
    return salt + index.to_bytes(4, "big")


def _place(index: int, last: bool) -> bytes:
    return index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
