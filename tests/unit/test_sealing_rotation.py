"""Rotating the data key: the new key seals, previous keys still open what they sealed."""

from __future__ import annotations

import pytest

from storage.sealing import CHUNK, Sealer, SealError

OLD, NEW, STRANGER = Sealer.new_key(), Sealer.new_key(), Sealer.new_key()
VALUE = {"name": "张三", "id_number": "11010519491231002X"}
FILE = b"%PDF " + bytes(range(256)) * (CHUNK // 128)  # three chunks


def test_values_sealed_under_a_previous_key_open_and_are_sealed_again_under_the_new_one() -> None:
    old, rotating = Sealer(OLD), Sealer(NEW, [OLD])
    token = old.seal(VALUE)
    assert rotating.open(token) == VALUE and not rotating.is_current(token)
    with pytest.raises(SealError):
        Sealer(NEW).open(token)  # the new key alone does not open it
    again = rotating.reseal(token)
    assert rotating.is_current(again) and Sealer(NEW).open(again) == VALUE
    assert rotating.is_current(rotating.seal(VALUE))  # new data: the new key
    assert rotating.rotating and not Sealer(NEW).rotating
    with pytest.raises(SealError):
        rotating.reseal(Sealer(STRANGER).seal(VALUE))  # a key nobody gave


def test_files_sealed_under_a_previous_key_open_and_tell_which_key_sealed_them() -> None:
    old, rotating = Sealer(OLD), Sealer(NEW, [OLD])
    sealed = old.seal_bytes(FILE)
    assert rotating.open_bytes(sealed) == FILE and not rotating.file_is_current(sealed)
    assert rotating.file_is_current(rotating.seal_bytes(FILE))
    assert not rotating.file_is_current(old._fernet.encrypt(FILE))  # the first days' Fernet files
    assert rotating.open_bytes(old._fernet.encrypt(FILE)) == FILE
    with pytest.raises(SealError, match="another key"):
        rotating.open_bytes(Sealer(STRANGER).seal_bytes(FILE))
    damaged = bytearray(sealed)
    damaged[-5] ^= 1  # the last chunk, under the previous key
    with pytest.raises(SealError, match="damaged"):
        rotating.open_bytes(bytes(damaged))
