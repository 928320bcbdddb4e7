"""Encryption at rest for personal data (ID numbers, answers, messages): Fernet (AES + HMAC)."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class SealError(Exception):
    """Data that cannot be opened with the configured key."""


class Sealer:
    """Seals JSON-able values; the key comes from configuration, never from the repository."""

    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(key)

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, value: Any) -> str:
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return self._fernet.encrypt(raw).decode()

    def open(self, token: str) -> Any:
        return json.loads(self.open_bytes(token.encode()))

    def seal_bytes(self, content: bytes) -> bytes:
        """Seal a file's bytes (evidence, documents): the same key as every other sealed value."""
        return self._fernet.encrypt(content)

    def open_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise SealError("sealed data does not open with this key (MICROCOURT_SECRET_KEY)") from None
