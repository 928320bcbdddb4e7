"""Files received in cases are sealed at rest (personal data: ID cards, licences, contracts)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from court.blobs import BlobStore
from storage.sealing import CHUNK, Sealer, SealError


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


CONTENT = "营业执照 / business licence of 某某电子商务有限公司, legal representative 王五".encode()


async def test_a_file_is_stored_sealed_under_its_content_hash_and_read_back(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, Sealer(Sealer.new_key()))
    key = await store.put(CONTENT)
    assert key == hashlib.sha256(CONTENT).hexdigest()
    [on_disk] = _files(tmp_path)
    assert on_disk.name == f"{key}.sealed"
    assert "某某".encode() not in on_disk.read_bytes() and b"business licence" not in on_disk.read_bytes()
    assert await store.get(key) == CONTENT
    assert await store.put(CONTENT) == key  # the same content is kept once
    assert len(_files(tmp_path)) == 1


async def test_a_file_stored_before_sealing_began_is_still_read(tmp_path: Path) -> None:
    key = hashlib.sha256(CONTENT).hexdigest()
    (tmp_path / key[:2]).mkdir()
    (tmp_path / key[:2] / key).write_bytes(CONTENT)
    assert await BlobStore(tmp_path, Sealer(Sealer.new_key())).get(key) == CONTENT


async def test_a_sealed_file_does_not_open_with_another_key(tmp_path: Path) -> None:
    key = await BlobStore(tmp_path, Sealer(Sealer.new_key())).put(CONTENT)
    with pytest.raises(SealError, match="MICROCOURT_SECRET_KEY"):
        await BlobStore(tmp_path, Sealer(Sealer.new_key())).get(key)


async def test_the_same_file_received_by_several_uploads_at_once_is_stored_whole(tmp_path: Path) -> None:
    """Each writer seals into a temporary file of its own, then renames: none fails, none reads
    a half-written file."""
    import asyncio

    store = BlobStore(tmp_path, Sealer(Sealer.new_key()))
    for round_ in range(5):
        content = bytes([round_]) * (2 * 1024 * 1024)
        keys = await asyncio.gather(*(store.put(content) for _ in range(4)))
        assert set(keys) == {hashlib.sha256(content).hexdigest()}
        assert await store.get(keys[0]) == content
    assert not [p for p in _files(tmp_path) if p.name.endswith(".part")]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + CHUNK // 2])
def test_files_seal_in_chunks_and_open_whole_at_any_size(size: int) -> None:
    sealer = Sealer(Sealer.new_key())
    content = os.urandom(size)
    sealed = sealer.seal_bytes(content)
    assert sealed.startswith(b"MCF1")
    assert size < 64 or content[:64] not in sealed
    assert sealer.open_bytes(sealed) == content


def test_a_sealed_file_cut_short_or_reordered_does_not_open() -> None:
    """Each chunk is bound to its place and to whether it is the last one."""
    sealer = Sealer(Sealer.new_key())
    sealed = sealer.seal_bytes(os.urandom(3 * CHUNK))
    head, size = 12, CHUNK + 16
    chunks = [sealed[head + i * size : head + (i + 1) * size] for i in range(3)]
    for broken in (
        sealed[: head + 2 * size],  # the last chunk gone
        sealed[:head] + chunks[1] + chunks[0] + chunks[2],  # two chunks swapped
        sealed[:-1],  # one byte short
    ):
        with pytest.raises(SealError):
            sealer.open_bytes(broken)


async def test_a_file_sealed_before_the_chunked_format_still_opens(tmp_path: Path) -> None:
    """Files sealed as one Fernet token (the format's first days) open as they are."""
    sealer = Sealer(Sealer.new_key())
    key = hashlib.sha256(CONTENT).hexdigest()
    (tmp_path / key[:2]).mkdir()
    (tmp_path / key[:2] / f"{key}.sealed").write_bytes(sealer._fernet.encrypt(CONTENT))
    assert await BlobStore(tmp_path, sealer).get(key) == CONTENT


def test_the_sweep_puts_back_a_file_received_again_while_it_looked(tmp_path: Path) -> None:
    """Listed as old, then received again (its time renewed) before the sweep reaches it: the
    file is moved aside, found fresh, and put back, so the new row naming it is not left empty."""
    from court.blob_sweep import _remove_if_still_old

    path = tmp_path / "ab" / ("ab" + "0" * 62 + ".sealed")
    path.parent.mkdir()
    path.write_bytes(b"sealed")
    cutoff = path.stat().st_mtime - 1  # as if listed a day ago, and touched since
    assert _remove_if_still_old(path, cutoff) is False and path.read_bytes() == b"sealed"
    assert not path.with_name(path.name + ".sweep").exists()
    assert _remove_if_still_old(path, path.stat().st_mtime + 1) is True and not path.exists()


async def test_resealing_seals_plain_and_old_files_and_leaves_files_set_aside_alone(tmp_path: Path) -> None:
    """A key rotation: a file under the old key and one stored before sealing are sealed under the
    new key; a file a stopped sweep set aside (`.sweep`) too, where it lies (the next sweep settles
    it), never taken for a plain one; a half-written file is left alone."""
    old, new = Sealer.new_key(), Sealer.new_key()
    key = await BlobStore(tmp_path, Sealer(old)).put(CONTENT)
    sealed = tmp_path / key[:2] / f"{key}.sealed"
    aside = sealed.with_name(sealed.name + ".sweep")
    aside.write_bytes(sealed.read_bytes())
    plain_content = b"stored before sealing began"
    plain_key = hashlib.sha256(plain_content).hexdigest()
    (tmp_path / plain_key[:2]).mkdir()
    (tmp_path / plain_key[:2] / plain_key).write_bytes(plain_content)
    rotating = BlobStore(tmp_path, Sealer(new, [old]))
    half = sealed.with_name(f"{key}.x1.part")
    half.write_bytes(b"cut short")
    done = {stored.path.name: rotating.reseal(stored) for stored in rotating.files()}
    assert done == {sealed.name: True, aside.name: True, plain_key: True, half.name: False}
    assert Sealer(new).open_bytes(aside.read_bytes()) == CONTENT and half.read_bytes() == b"cut short"
    new_only = BlobStore(tmp_path, Sealer(new))
    assert await new_only.get(key) == CONTENT and await new_only.get(plain_key) == plain_content
    assert not (tmp_path / plain_key[:2] / plain_key).exists()  # the plain copy is gone
    assert not any(rotating.reseal(stored) for stored in rotating.files())  # nothing left to do
