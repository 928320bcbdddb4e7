"""Kept photos after a key rotation: sealed again under the new key; one no key opens is named,
not a crash; a folder removed meanwhile (the person's biometrics deleted) is not made again."""

from __future__ import annotations

from pathlib import Path

from identity.photos import _replace_private, reseal_photos
from storage.sealing import Sealer

OLD, NEW, STRANGER = Sealer.new_key(), Sealer.new_key(), Sealer.new_key()


def test_photos_are_sealed_again_and_one_no_key_opens_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "person"
    folder.mkdir()
    (folder / "1.sealed").write_text(Sealer(OLD).seal(["c2VsZmll"]))
    (folder / "2.sealed").write_text(Sealer(STRANGER).seal(["c2VsZmll"]))
    (folder / "3.sealed").write_text(Sealer(NEW).seal(["c2VsZmll"]))
    rotating = Sealer(NEW, [OLD])
    planned = reseal_photos(folder, rotating, dry_run=True)
    assert (planned.resealed, planned.current, planned.unopenable) == (1, 1, [str(folder / "2.sealed")])
    assert not Sealer(NEW).is_current((folder / "1.sealed").read_text())  # a dry run changes nothing
    done = reseal_photos(folder, rotating)
    assert (done.resealed, done.current, done.unopenable) == (1, 1, [str(folder / "2.sealed")])
    assert Sealer(NEW).open((folder / "1.sealed").read_text()) == ["c2VsZmll"]
    assert (folder / "1.sealed").stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in folder.iterdir()) == ["1.sealed", "2.sealed", "3.sealed"]


def test_a_folder_removed_meanwhile_is_not_made_again(tmp_path: Path) -> None:
    gone = tmp_path / "deleted-person" / "1.sealed"
    assert _replace_private(gone, "sealed") is False
    assert not gone.parent.exists()
