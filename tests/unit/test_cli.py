"""The `microcourt` command: flow validation, diagrams and the simulated demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


def test_shipped_flows_validate_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """`flows validate` on the shipped definitions finds no problem."""
    assert main(["flows", "validate", "flows/definitions"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_validate_prints_every_problem_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken copy of the filing flow: each problem names the file and line."""
    broken = Path("flows/definitions/filing.v1.yaml").read_text()
    broken = broken.replace("next: plaintiff_phone", "next: plaintiff_fone").replace("duration: P7D", "duration: 7d", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    assert main(["flows", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out and "unknown step 'plaintiff_fone'" in out and "bad ISO-8601 duration" in out
    line = next(ln for ln in out.splitlines() if "plaintiff_fone" in ln)
    number = int(line.split(":")[1])
    assert "plaintiff_id:" in broken.splitlines()[number - 1]


def test_diagram_is_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    """`flows diagram filing` prints a Mermaid state diagram with the FM 22 expiry edge (version 4:
    to the judge's ruling, Interp. 213)."""
    assert main(["flows", "diagram", "filing"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stateDiagram-v2") and "fee_pending --> withdrawal_ruling: payment P7D expires" in out


def test_the_trial_diagram_shows_the_inquiry_consent_asked_once(capsys: pytest.CaptureFixture[str]) -> None:
    """OLR 4: the inquiry's consent stage is passed through once every party agreed (`skip_to`)."""
    assert main(["flows", "diagram", "trial"]) == 0
    out = capsys.readouterr().out
    assert "inquiry_consent --> inquiry_questions: skipped if inquiry_agreed" in out


def test_demo_drives_a_whole_filing(capsys: pytest.CaptureFixture[str]) -> None:
    """`demo` files, accepts and pays through the real service layer and prints the conversation."""
    assert main(["demo", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "is with the court" in out and "民初1号" in out and "the fee is paid" in out


def test_demo_trial_runs_one_whole_asynchronous_case_and_writes_its_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo trial`: filing, answer, an exchange with one disputed item, two inquiry rounds (the
    second lapsing for the defendant), an asynchronous hearing of three stages (OLR 20(2)), the
    record confirmed with one correction, the judgment issued and served, and FINAL once each
    party's appeal period has passed (CPL 158); the record as JSON, judgment.pdf and record.pdf
    signed by the court."""
    import json

    assert main(["demo", "trial", "--lang", "en", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "inquiry round 2 is closed: its window ended" in out and "No answer within the window" in out
    [written] = tmp_path.glob("record-*.json")
    record = json.loads(written.read_text())
    stages = [stage["stage"] for stage in record["stages"]]
    assert record["stage"] == "final" and "final since" in out and "CPL 250" in out
    for name in ("judgment.pdf", "record.pdf"):
        pdf = (tmp_path / name).read_bytes()
        assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf and b"ETSI.CAdES.detached" in pdf  # court-signed
    for stage in ("evidence_exchange", "inquiry_round", "hearing_investigation", "hearing_debate", "hearing_final"):
        assert stage in stages
    disputed = [item for item in record["evidence"] if "dispute" in json.dumps(item)]
    assert disputed, "the exchange has one disputed item"


def test_blobs_sweep_lists_then_removes_old_files_no_case_refers_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`blobs sweep --dry-run` only lists; `blobs sweep` removes; both say so in both languages."""
    import os

    monkeypatch.setenv("MICROCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MICROCOURT_DEMO", "1")
    leftover = tmp_path / "blobs" / "ab" / ("ab" + "0" * 62 + ".sealed")
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"sealed bytes of an upload refused meanwhile")
    os.utime(leftover, (0, 0))
    assert main(["blobs", "sweep", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would remove {leftover}" in out and "将删除 1 个无案件引用的文件" in out and leftover.exists()
    assert main(["blobs", "sweep"]) == 0
    assert "removed 1 file(s)" in capsys.readouterr().out and not leftover.exists()


def test_calendar_due_of_3000000_days_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    """`calendar due --days 3000000` exits 2 with a zh and en message saying the limit, no traceback."""
    assert main(["calendar", "due", "--from", "2026-12-31", "--days", "3000000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert "too large" in captured.err and "3,653" in captured.err and "过大" in captured.err


def test_calendar_due_cpl85_2026_12_31_plus_1_is_not_new_years_day(capsys: pytest.CaptureFixture[str]) -> None:
    """`calendar due --from 2026-12-31 --days 1` gives Monday 4 Jan 2027, marked provisional."""
    assert main(["calendar", "due", "--from", "2026-12-31", "--days", "1"]) == 0
    out = capsys.readouterr().out
    assert "Due date: 2027-01-04" in out and "Provisional: 是，可能顺延 / yes, may move later" in out


def test_calendar_due_cpl85_2027_02_01_plus_7_is_not_spring_festival(capsys: pytest.CaptureFixture[str]) -> None:
    """`calendar due --from 2027-02-01 --days 7` moves past 8 Feb (Spring Festival day 3) to 9 Feb."""
    assert main(["calendar", "due", "--from", "2027-02-01", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "Due date: 2027-02-09" in out and "yes, from 2027-02-08" in out


def test_fee_fm13_3_ip_case_with_an_amount_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """`fee --case-kind ip_no_amount 500000` exits 2: an IP case with an amount uses the property bands."""
    assert main(["fee", "--case-kind", "ip_no_amount", "500000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert "property-case fee" in captured.err and "按照财产案件的标准交纳" in captured.err
