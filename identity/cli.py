"""``microcourt identity ...``: compare two face photos, check an ID number (JSON on stdout).

Exit codes: ``match`` 0 same person, 1 different people, 2 no usable single face, 3 the face
library itself cannot load; ``check-id`` 0 valid, 1 invalid. Reasons go to stderr in English
and Chinese.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from identity.encoder import FaceLibraryMissing, encode_image
from identity.faces import DEFAULT_TOLERANCE, FaceProbe, match_probes
from identity.id_numbers import InvalidIdNumber, parse_resident_id
from identity.images import UnreadableImage
from identity.texts import message

__all__ = ["add_identity_parser", "check_id_command", "main", "match_command"]

COURT_TIME_ZONE = ZoneInfo("Asia/Shanghai")  # DOMAIN §14.3: "today" is the court's today


def _say(label: str, key: str) -> None:
    """A reason on stderr, English then Chinese."""
    print(f"{label}: {key}: {message(key, 'en')} / {message(key, 'zh')}", file=sys.stderr)


def _probe(path: str, label: str) -> FaceProbe | None:
    """Encode one photo file; None (after saying why) when it cannot be read."""
    try:
        return encode_image(Path(path).read_bytes())
    except (OSError, UnreadableImage):
        _say(f"{label} {path}", "unreadable_image")
        return None


def match_command(reference_path: str, probe_path: str, tolerance: float = DEFAULT_TOLERANCE) -> int:
    """Compare the faces in two photos; print the decision as JSON; exit code as documented."""
    try:
        reference = _probe(reference_path, "reference")
        probe = _probe(probe_path, "probe")
    except FaceLibraryMissing as exc:
        print(f"error: {exc}; install dlib-bin and face-recognition-models", file=sys.stderr)
        return 3
    if reference is None or probe is None:
        faces = [None if p is None else p.n_faces for p in (reference, probe)]
        out: dict[str, Any] = {"match": False, "distance": None, "tolerance": tolerance}
        print(json.dumps(out | {"faces": faces, "reason": "unreadable_image"}))
        return 2
    decision = match_probes(reference, probe, tolerance)
    print(
        json.dumps(
            {
                "match": decision.match,
                "distance": None if decision.distance is None else round(decision.distance, 4),
                "tolerance": decision.tolerance,
                "faces": [reference.n_faces, probe.n_faces],
                "reason": decision.reason,
            }
        )
    )
    if decision.match:
        return 0
    if decision.reason == "not_same_person":
        _say("probe", "not_same_person")
        return 1
    _say(decision.image or "probe", decision.reason or "no_face")
    return 2


def check_id_command(number: str, today: datetime.date | None = None) -> int:
    """Print what a resident ID number encodes (number masked), or its error; 0 valid, 1 not."""
    today = today or datetime.datetime.now(COURT_TIME_ZONE).date()
    try:
        parsed = parse_resident_id(number, today)
    except InvalidIdNumber as exc:
        texts = {"en": message(exc.code, "en"), "zh": message(exc.code, "zh")}
        print(json.dumps({"valid": False, "error": exc.code, "message": texts}, ensure_ascii=False))
        _say("id", exc.code)
        return 1
    result = {
        "valid": True,
        "masked": parsed.masked(),
        "region_code": parsed.region_code,
        "birth_date": parsed.birth_date.isoformat(),
        "sex": parsed.sex,
    }
    print(json.dumps(result))
    return 0


def _tolerance(text: str) -> float:
    """argparse type: a tolerance in (0, 1]."""
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"tolerance must be in (0, 1], got {text}")
    return value


def add_identity_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``identity match`` and ``identity check-id`` on an argparse subparsers object."""
    parser = subparsers.add_parser("identity", help="face matching and ID numbers")
    commands = parser.add_subparsers(dest="identity_command", required=True)
    match = commands.add_parser("match", help="do two photos show the same person?")
    match.add_argument("reference", help="reference photo (e.g. the verified one)")
    match.add_argument("probe", help="photo to check against it")
    match.add_argument("--tolerance", type=_tolerance, default=DEFAULT_TOLERANCE)
    match.set_defaults(func=lambda ns: match_command(ns.reference, ns.probe, ns.tolerance))
    check = commands.add_parser("check-id", help="validate a resident ID number")
    check.add_argument("number")
    check.set_defaults(func=lambda ns: check_id_command(ns.number))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry: ``python -m identity.cli identity match A B``."""
    parser = argparse.ArgumentParser(prog="microcourt")
    add_identity_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
