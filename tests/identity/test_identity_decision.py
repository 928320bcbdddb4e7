"""The pure face-matching decision (identity.faces): no photos, no library, exact numbers."""

from __future__ import annotations

import pytest

from identity.faces import (
    DEFAULT_TOLERANCE,
    FaceBox,
    FaceProbe,
    ProbeLimits,
    face_distance,
    match_encoding,
    match_probes,
    probe_reason,
)

LIMITS = ProbeLimits()
BOX = FaceBox(top=100, right=300, bottom=300, left=100)
SIZE = (640, 480)


def probe(encoding: tuple[float, ...] | None, **changes: object) -> FaceProbe:
    """A usable single-face probe with the given encoding, fields overridable."""
    fields: dict[str, object] = {
        "n_faces": 1,
        "encoding": encoding,
        "box": BOX,
        "sharpness": 500.0,
        "image_size": SIZE,
        "reason": None,
    }
    fields.update(changes)
    return FaceProbe(**fields)  # type: ignore[arg-type]


def at(distance: float) -> tuple[float, ...]:
    """A 128-d encoding exactly ``distance`` away from the zero vector."""
    return (distance,) + (0.0,) * 127


ZERO = at(0.0)


def test_default_tolerance_is_0_6() -> None:
    """The court's default tolerance (a setting) is 0.6."""
    assert DEFAULT_TOLERANCE == 0.6
    assert match_encoding(ZERO, probe(at(0.3))).tolerance == 0.6


def test_distance_at_the_tolerance_matches_and_just_above_does_not() -> None:
    """The boundary is inclusive: distance == tolerance matches, a hair more does not."""
    assert match_encoding(ZERO, probe(at(0.5)), tolerance=0.5).match
    above = match_encoding(ZERO, probe(at(0.5001)), tolerance=0.5)
    assert (above.match, above.reason) == (False, "not_same_person")
    assert above.distance == pytest.approx(0.5001)


def test_tolerance_is_a_setting() -> None:
    """A stricter court setting turns a 0.45 distance from a match into a refusal."""
    assert match_encoding(ZERO, probe(at(0.45))).match
    assert not match_encoding(ZERO, probe(at(0.45)), tolerance=0.4).match


@pytest.mark.parametrize("tolerance", [0.0, -0.1, 1.5])
def test_implausible_tolerance_is_rejected(tolerance: float) -> None:
    """A tolerance outside (0, 1] is a configuration error, not a silent accept-all."""
    with pytest.raises(ValueError, match="tolerance"):
        match_encoding(ZERO, probe(at(0.1)), tolerance=tolerance)


def test_face_distance_is_euclidean_and_checks_lengths() -> None:
    """face_distance is the Euclidean distance; encodings of different length are an error."""
    assert face_distance((0.0, 3.0), (4.0, 0.0)) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        face_distance((0.0,), (0.0, 1.0))


@pytest.mark.parametrize(
    ("n_faces", "box", "sharpness", "expected"),
    [
        (0, None, None, "no_face"),
        (2, None, None, "several_faces"),
        (3, BOX, 500.0, "several_faces"),
        (1, FaceBox(0, 200, 200, 0), 500.0, "face_cut_off"),
        (1, FaceBox(10, 640, 200, 450), 500.0, "face_cut_off"),
        (1, FaceBox(300, 200, 480, 20), 500.0, "face_cut_off"),
        (1, FaceBox(100, 179, 179, 100), 500.0, "face_too_small"),
        (1, FaceBox(100, 180, 180, 100), 29.9, "blurred"),
        (1, FaceBox(100, 180, 180, 100), 30.0, None),
        (1, BOX, None, None),
    ],
)
def test_probe_reason_in_order(
    n_faces: int, box: FaceBox | None, sharpness: float | None, expected: str | None
) -> None:
    """Checked in order: face count, cut off by the edge, size (80 px), sharpness (30)."""
    assert probe_reason(n_faces, box, SIZE, sharpness, LIMITS) == expected


def test_quality_limits_are_settings() -> None:
    """A court may accept smaller faces or softer photos by changing ProbeLimits."""
    small = FaceBox(100, 160, 160, 100)
    assert probe_reason(1, small, SIZE, 20.0, LIMITS) == "face_too_small"
    assert probe_reason(1, small, SIZE, 20.0, ProbeLimits(min_face_px=50)) == "blurred"
    lenient = ProbeLimits(min_face_px=50, min_sharpness=10.0)
    assert probe_reason(1, small, SIZE, 20.0, lenient) is None


def test_unusable_probe_is_refused_with_its_reason_and_distance_kept() -> None:
    """A blurred probe is refused as blurred even when close; the distance is still recorded."""
    decision = match_encoding(ZERO, probe(at(0.2), reason="blurred"))
    assert (decision.match, decision.reason, decision.image) == (False, "blurred", "probe")
    assert decision.distance == pytest.approx(0.2)


def test_probe_without_encoding_is_no_face() -> None:
    """A probe with no encoding and no reason can never match (defensive: no_face)."""
    decision = match_encoding(ZERO, probe(None))
    assert (decision.match, decision.reason, decision.distance) == (False, "no_face", None)


def test_unusable_reference_is_named() -> None:
    """When the reference photo is the bad one, the decision says so (image='reference')."""
    reference = probe(None, n_faces=2, box=None, reason="several_faces")
    decision = match_probes(reference, probe(at(0.1)))
    assert (decision.match, decision.reason, decision.image) == (
        False,
        "several_faces",
        "reference",
    )


def test_two_usable_photos_are_compared() -> None:
    """match_probes compares the two encodings when both photos are usable."""
    decision = match_probes(probe(ZERO), probe(at(0.35)))
    assert (decision.match, decision.reason, decision.image) == (True, None, None)
    assert decision.distance == pytest.approx(0.35)
