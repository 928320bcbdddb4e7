"""Encryption at rest for personal data: values (ID numbers, answers, messages) with Fernet (AES
and HMAC), files (evidence, documents) with AES-256-GCM in chunks, both from the one data key.

Rotating the key: the new key seals, previous keys (MICROCOURT_PREVIOUS_SECRET_KEYS) still open
what they sealed until `microcourt keys rotate` has sealed it all again under the new one."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"MCF1"  # a sealed file: magic, a 16-byte salt (the file's own key), then the chunks
CHUNK = 1 << 20  # plaintext bytes per chunk; each chunk carries a 16-byte tag
_SALT = 16
_TAG = 16
_KEY_WRONG = "sealed data does not open with this key (MICROCOURT_SECRET_KEY)"
_FILE_WRONG = "a sealed file does not open: damaged, cut short, or sealed with another key (MICROCOURT_SECRET_KEY)"


class SealError(Exception):
    """Data that cannot be opened with the configured key."""


class Sealer:
    """Seals JSON-able values and files; the key comes from configuration, never from the
    repository."""

    def __init__(self, key: str | bytes, previous: Sequence[str | bytes] = ()) -> None:
        """`key` seals and opens; each of `previous` only opens (what it sealed before a rotation)."""
        keys = [key, *previous]
        self._fernet = Fernet(key)
        self._fernets = MultiFernet([Fernet(k) for k in keys])
        self._raws = [base64.urlsafe_b64decode(k) for k in keys]

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, value: Any) -> str:
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return self._fernet.encrypt(raw).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernets.decrypt(token.encode()))
        except InvalidToken:
            raise SealError(_KEY_WRONG) from None

    @property
    def rotating(self) -> bool:
        """Previous keys are configured: some data may still be sealed under one of them."""
        return len(self._raws) > 1

    def is_current(self, token: str) -> bool:
        """Whether `token` opens with the current key (False: a previous key's, or none)."""
        try:
            self._fernet.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def reseal(self, token: str) -> str:
        """`token` sealed again under the current key (it may have been sealed under any)."""
        try:
            return self._fernets.rotate(token.encode()).decode()
        except InvalidToken:
            raise SealError(_KEY_WRONG) from None

    def seal_bytes(self, content: bytes) -> bytes:
        """Seal a file's bytes. AES-GCM in 1 MiB chunks, each bound to its place and to whether
        it is the last, so a reordered or cut-short file does not open. (Unlike Fernet's base64,
        this leaves the interpreter free: sealing 20 MB in a thread barely pauses the loop.)"""
        salt = os.urandom(_SALT)
        aead, parts = self._file_key(salt), [FILE_MAGIC, salt]
        starts = range(0, max(len(content), 1), CHUNK)
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            parts.append(aead.encrypt(_nonce(index), content[start : start + CHUNK], _place(index, last)))
        return b"".join(parts)

    def open_bytes(self, sealed: bytes) -> bytes:
        return self._open_file(sealed)[0]

    def file_is_current(self, sealed: bytes) -> bool:
        """Whether a sealed file opens with the current key in the current format."""
        return sealed.startswith(FILE_MAGIC) and self._open_file(sealed)[1] == 0

    def _open_file(self, sealed: bytes) -> tuple[bytes, int]:
        """The content, and the index of the key it opened with (a file sealed as a Fernet token,
        before files had their format, counts as under no current key: -1)."""
        if sealed.startswith(b"gAAAAA"):
            try:
                return self._fernets.decrypt(sealed), -1
            except InvalidToken:
                raise SealError(_KEY_WRONG) from None
        head = len(FILE_MAGIC) + _SALT
        if not sealed.startswith(FILE_MAGIC) or len(sealed) < head + _TAG:
            raise SealError("not a sealed file")
        salt, body = sealed[len(FILE_MAGIC) : head], sealed[head:]
        size = CHUNK + _TAG
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        for index, raw in enumerate(self._raws):  # the first chunk tells which key sealed it
            aead = self._file_key(salt, raw)
            try:
                first = aead.decrypt(_nonce(0), pieces[0], _place(0, len(pieces) == 1))
            except InvalidTag:
                continue
            try:
                rest = [aead.decrypt(_nonce(i), p, _place(i, i == len(pieces) - 1)) for i, p in enumerate(pieces) if i]
            except InvalidTag:
                raise SealError(_FILE_WRONG) from None
            return b"".join([first, *rest]), index
        raise SealError(_FILE_WRONG)

    def _file_key(self, salt: bytes, raw: bytes | None = None) -> AESGCM:
        """Each file its own key (HKDF of the data key and the file's random salt), so nonces
        need only count chunks and never repeat under one key."""
        info = b"microcourt sealed file v1"
        return AESGCM(HKDF(SHA256(), 32, salt=salt, info=info).derive(self._raws[0] if raw is None else raw))


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _place(index: int, last: bool) -> bytes:
    return index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
