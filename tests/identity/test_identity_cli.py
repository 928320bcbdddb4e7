"""``microcourt identity match`` and ``identity check-id``: JSON out, exit codes, bilingual errors."""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from identity.cli import add_identity_parser, check_id_command, match_command

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

ROOT = Path(__file__).resolve().parents[2]


def run_match(
    faces: FacePhotos, capsys: pytest.CaptureFixture[str], ref: str, probe: str, tol: float = 0.6
) -> tuple[int, dict[str, object], str]:
    """match_command on two test photos: (exit code, parsed stdout JSON, stderr)."""
    code = match_command(str(faces.folder / ref), str(faces.folder / probe), tol)
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_match_same_person_exit_0(faces: FacePhotos, capsys: pytest.CaptureFixture[str]) -> None:
    """Two Obama photos: exit 0 and the JSON decision with both face counts."""
    code, result, err = run_match(faces, capsys, "obama_1.jpg", "obama_2.jpg")
    assert code == 0
    assert result["match"] is True
    assert result["faces"] == [1, 1]
    assert result["tolerance"] == 0.6
    assert isinstance(result["distance"], float) and result["distance"] < 0.6
    assert err == ""


def test_match_different_people_exit_1(faces: FacePhotos, capsys: pytest.CaptureFixture[str]) -> None:
    """Obama against Biden: exit 1, not_same_person on stderr in English and Chinese."""
    code, result, err = run_match(faces, capsys, "obama_1.jpg", "biden_1.jpg")
    assert (code, result["match"], result["reason"]) == (1, False, "not_same_person")
    assert "does not match" in err and "不一致" in err


def test_match_tolerance_is_passed_through(faces: FacePhotos, capsys: pytest.CaptureFixture[str]) -> None:
    """--tolerance 0.3 turns the 0.36 Obama pair into a non-match (exit 1)."""
    code, result, _ = run_match(faces, capsys, "obama_1.jpg", "obama_2.jpg", 0.3)
    assert (code, result["match"], result["tolerance"]) == (1, False, 0.3)


@pytest.mark.parametrize(
    ("ref", "probe", "faces_seen", "reason", "chinese"),
    [
        ("obama_1.jpg", "two_people.jpg", [1, 2], "several_faces", "多张人脸"),
        ("obama_and_biden.jpg", "obama_1.jpg", [3, 1], "several_faces", "多张人脸"),
        ("obama_1.jpg", "obama_partial_1.jpg", [1, 1], "face_cut_off", "画面之外"),
    ],
)
def test_match_no_usable_single_face_exit_2(
    faces: FacePhotos,
    capsys: pytest.CaptureFixture[str],
    ref: str,
    probe: str,
    faces_seen: list[int],
    reason: str,
    chinese: str,
) -> None:
    """Several faces or a cut-off face on either side: exit 2, reason on stderr in both languages."""
    code, result, err = run_match(faces, capsys, ref, probe)
    assert (code, result["match"], result["faces"], result["reason"]) == (
        2,
        False,
        faces_seen,
        reason,
    )
    assert reason in err and chinese in err


def test_match_unreadable_file_exit_2(faces: FacePhotos, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A missing or non-image file: exit 2 with unreadable_image."""
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture")
    for ref in (str(tmp_path / "missing.jpg"), str(junk)):
        assert match_command(ref, str(faces.folder / "obama_1.jpg"), 0.6) == 2
        out, err = capsys.readouterr()
        assert json.loads(out)["reason"] == "unreadable_image"
        assert "无法读取" in err


def test_check_id_valid_prints_masked_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """GB 11643-1999: a valid number prints region, birth date, sex, masked number; exit 0."""
    assert check_id_command("11010519491231002X", datetime.date(2024, 1, 1)) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "valid": True,
        "masked": "110105********002X",
        "region_code": "110105",
        "birth_date": "1949-12-31",
        "sex": "female",
    }
    assert "19491231" not in out  # DOMAIN §2.4: the full number is not echoed


def test_check_id_invalid_prints_code_and_bilingual_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An invalid number: exit 1, the error code and an English and a Chinese message."""
    assert check_id_command("110105194912310021", datetime.date(2024, 1, 1)) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["valid"], result["error"]) == (False, "id_checksum")
    assert "mistake" in result["message"]["en"] and "校验位" in result["message"]["zh"]


def test_check_id_future_birth_date_uses_the_court_today(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without an explicit date the court's today (Asia/Shanghai) applies: 2999 is the future."""
    assert check_id_command("110105299912310016") == 1
    assert json.loads(capsys.readouterr().out)["error"] == "id_birth_date"


def test_add_identity_parser_wires_both_commands(faces: FacePhotos) -> None:
    """The subcommands parse and carry a func(Namespace) -> int; bad tolerances are refused."""
    parser = argparse.ArgumentParser(prog="microcourt")
    add_identity_parser(parser.add_subparsers(dest="command", required=True))
    ref, probe = str(faces.folder / "obama_1.jpg"), str(faces.folder / "obama_2.jpg")
    args = parser.parse_args(["identity", "match", ref, probe, "--tolerance", "0.5"])
    assert (args.reference, args.probe, args.tolerance) == (ref, probe, 0.5)
    assert callable(args.func)
    assert parser.parse_args(["identity", "check-id", "X"]).number == "X"
    with pytest.raises(SystemExit):
        parser.parse_args(["identity", "match", ref, probe, "--tolerance", "1.5"])
    with pytest.raises(SystemExit):
        parser.parse_args(["identity"])


def _main_in_a_new_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """``identity.cli.main(argv)`` in a fresh interpreter with warnings as errors."""
    script = "import sys; from identity.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", script, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_match_exit_code_in_a_real_process(faces: FacePhotos) -> None:
    """A fresh process (face library imported warning-free) exits 2 on a two-face photo."""
    ref, probe = str(faces.folder / "two_people.jpg"), str(faces.folder / "biden_2.jpg")
    done = _main_in_a_new_process("identity", "match", ref, probe)
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["faces"] == [2, 1]
    assert "several_faces" in done.stderr


def test_cli_check_id_exit_code_in_a_real_process() -> None:
    """A fresh process exits 1 on a bad check character and 0 on a good number."""
    assert _main_in_a_new_process("identity", "check-id", "110105194912310021").returncode == 1
    good = _main_in_a_new_process("identity", "check-id", "11010519491231002X")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["masked"] == "110105********002X"


def test_missing_face_models_never_exit_0(faces: FacePhotos) -> None:
    """DEPENDENCIES pitfall 2: models unimportable -> exit 3 with the cause, never 0 ("match")."""
    ref = str(faces.folder / "obama_1.jpg")
    script = (
        "import sys; sys.modules['face_recognition_models'] = None; "
        "from identity.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "identity", "match", ref, ref],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, (done.returncode, done.stdout, done.stderr)
    assert "face library unavailable" in done.stderr
    assert done.stdout == ""
