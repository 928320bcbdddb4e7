"""Liveness by challenge and response (OLR 7 real-name verification, DOMAIN §2.3 re-checks).

Two kinds of test: exact rules on synthetic 68-point landmarks, and real photos run through the
real landmark adapter. A real photo cannot turn its head, so the head-turn frames are made by a
geometric transform: the photo is treated as a flat card and rotated about a vertical axis
through the face, in perspective (a homography). That foreshortens one side of the face, which
moves the nose tip relative to the jaw line and the eye corners the way a real turn does
(though less: a real nose sticks out). Blinks could not be made this way (see test docstrings).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from identity.encoder import observe_frames
from identity.liveness import (
    Challenge,
    ChallengeKind,
    FaceLandmarks,
    FrameObservation,
    LivenessPolicy,
    check_liveness,
    eye_aspect_ratio,
    head_yaw,
    issue_challenge,
    matches_reference,
)

if TYPE_CHECKING:
    from tests.identity.conftest import FacePhotos

NOW = datetime.datetime(2024, 6, 15, 2, 0, tzinfo=datetime.UTC)


def challenge(kind: ChallengeKind) -> Challenge:
    """A challenge of the given kind issued at NOW, valid 30 s."""
    return Challenge(kind, "nonce", NOW, NOW + datetime.timedelta(seconds=30))


def synthetic(nose_shift: float = 0.0, eye_open: float = 12.0) -> FaceLandmarks:
    """A 200-px schematic face: nose moved ``nose_shift`` px to the right, eyes ``eye_open`` tall.

    Eye aspect ratio = eye_open / 40; head_yaw = nose_shift / 150.
    """
    chin = [(100 - 100 * math.cos(a), 60 + 140 * math.sin(a)) for a in np.linspace(0, math.pi, 17)]
    nose_x = 100 + nose_shift

    def eye(cx: float) -> list[tuple[float, float]]:
        h = eye_open / 2
        return [
            (cx - 20, 70),
            (cx - 7, 70 - h),
            (cx + 7, 70 - h),
            (cx + 20, 70),
            (cx + 7, 70 + h),
            (cx - 7, 70 + h),
        ]

    return {
        "chin": chin,
        "nose_bridge": [(nose_x, 60 + 17 * i) for i in range(4)],
        "left_eye": eye(60),
        "right_eye": eye(140),
    }


def check(kind: ChallengeKind, frames: Sequence[FaceLandmarks | None]) -> tuple[bool, str | None]:
    """check_liveness with every frame matching the reference; (passed, reason)."""
    decision = check_liveness(challenge(kind), frames, [True] * len(frames), now=NOW)
    return decision.passed, decision.reason


# --- the rules, on synthetic landmarks -------------------------------------------------------


def test_synthetic_face_measures() -> None:
    """head_yaw is 0 for a centred nose and grows to the right; eye ratio is height/width."""
    assert head_yaw(synthetic()) == pytest.approx(0.0)
    assert head_yaw(synthetic(15)) == pytest.approx(0.1)
    assert head_yaw(synthetic(-15)) == pytest.approx(-0.1)
    assert eye_aspect_ratio(synthetic(eye_open=12)) == pytest.approx(0.3)


def test_turn_left_moves_the_nose_to_the_right_of_the_picture() -> None:
    """Person's own left (unmirrored camera): nose shifts right in the picture by >= 0.08."""
    frames = [synthetic(0), synthetic(6), synthetic(14)]
    assert check("turn_left", frames) == (True, None)
    assert check("turn_right", frames) == (False, "wrong_direction")


def test_turn_right_moves_the_nose_to_the_left_of_the_picture() -> None:
    """turn_right passes on a leftward nose shift and fails on a rightward one."""
    frames = [synthetic(0), synthetic(-7), synthetic(-14)]
    assert check("turn_right", frames) == (True, None)
    assert check("turn_left", frames) == (False, "wrong_direction")


def test_a_small_head_movement_is_not_enough() -> None:
    """A nose shift below the 0.08 threshold (jitter, a nod) is no_movement."""
    frames = [synthetic(0), synthetic(5), synthetic(-5), synthetic(10)]
    assert check("turn_left", frames) == (False, "no_movement")


def test_yaw_threshold_is_a_setting() -> None:
    """With min_yaw_change 0.05 the same small movement passes."""
    frames = [synthetic(0), synthetic(10)]
    policy = LivenessPolicy(min_yaw_change=0.05, min_frames=2)
    decision = check_liveness(challenge("turn_left"), frames, [True, True], now=NOW, policy=policy)
    assert decision.passed and decision.measure == pytest.approx(10 / 150)


@pytest.mark.parametrize("kind", ["turn_left", "turn_right", "blink"])
def test_still_synthetic_sequence_fails(kind: ChallengeKind) -> None:
    """The same landmarks repeated (a photo held up) never pass any challenge."""
    passed, reason = check(kind, [synthetic()] * 5)
    assert not passed
    assert reason == ("no_blink" if kind == "blink" else "no_movement")


def test_blink_open_closed_open_passes() -> None:
    """Blink: the eye ratio dips below 75% of its open level, then recovers."""
    frames = [synthetic(eye_open=12), synthetic(eye_open=11), synthetic(eye_open=4)]
    frames += [synthetic(eye_open=12)]
    decision = check_liveness(challenge("blink"), frames, [True] * 4, now=NOW)
    assert (decision.passed, decision.reason) == (True, None)
    assert decision.measure == pytest.approx(4 / 11.5)


@pytest.mark.parametrize(
    "heights",
    [
        [12, 12, 10, 12, 12],  # a flicker, not a blink (10/12 > 0.75)
        [12, 12, 12, 3, 3],  # closes and never reopens
        [12, 12, 12, 12, 3, 10, 10],  # reopens only to 83% of the open level (< 90%)
        [3, 3, 12, 12, 12],  # opens but was never seen open first
    ],
)
def test_not_a_blink(heights: list[float]) -> None:
    """Without open -> closed -> open, the blink challenge fails as no_blink."""
    assert check("blink", [synthetic(eye_open=h) for h in heights]) == (False, "no_blink")


def test_head_turn_does_not_count_as_a_blink() -> None:
    """Turning the head while asked to blink fails: eyes never close."""
    assert check("blink", [synthetic(s) for s in (0, 10, 20, 30)]) == (False, "no_blink")


def test_expired_challenge_fails_first() -> None:
    """A challenge answered after its expiry fails; exactly at the expiry it is still valid."""
    frames = [synthetic(0), synthetic(7), synthetic(14)]
    late = NOW + datetime.timedelta(seconds=30, microseconds=1)
    on_time = NOW + datetime.timedelta(seconds=30)
    decision = check_liveness(challenge("turn_left"), frames, [True] * 3, now=late)
    assert (decision.passed, decision.reason) == (False, "challenge_expired")
    assert check_liveness(challenge("turn_left"), frames, [True] * 3, now=on_time).passed


def test_every_frame_must_match_the_reference() -> None:
    """OLR 7: one frame with another person's face fails the check (face_mismatch)."""
    frames = [synthetic(0), synthetic(7), synthetic(14)]
    decision = check_liveness(challenge("turn_left"), frames, [True, False, True], now=NOW)
    assert (decision.passed, decision.reason) == (False, "face_mismatch")


def test_every_frame_must_show_one_face() -> None:
    """A frame without a single face (None) fails as face_lost."""
    assert check("turn_left", [synthetic(0), None, synthetic(14)]) == (False, "face_lost")


def test_too_few_frames() -> None:
    """Fewer than min_frames (3) frames cannot show a movement: too_few_frames."""
    assert check("turn_left", [synthetic(0), synthetic(20)]) == (False, "too_few_frames")


def test_one_match_flag_per_frame() -> None:
    """A caller bug (flags and frames of different lengths) raises instead of deciding."""
    with pytest.raises(ValueError):
        check_liveness(challenge("blink"), [synthetic()] * 3, [True], now=NOW)


def test_issue_challenge_is_random_with_nonce_and_expiry() -> None:
    """Challenges use all three kinds, fresh unguessable nonces, and expire after the ttl."""
    issued = [issue_challenge(NOW) for _ in range(300)]
    assert {c.kind for c in issued} == {"turn_left", "turn_right", "blink"}
    assert len({c.nonce for c in issued}) == 300
    assert min(len(c.nonce) for c in issued) >= 20
    assert all(c.issued_at == NOW for c in issued)
    assert all(c.expires_at == NOW + datetime.timedelta(seconds=30) for c in issued)
    short = issue_challenge(NOW, LivenessPolicy(ttl=datetime.timedelta(seconds=5)))
    assert short.expired(NOW + datetime.timedelta(seconds=6))


def test_issue_challenge_needs_an_aware_clock() -> None:
    """ARCHITECTURE habit 4: a naive datetime is refused."""
    with pytest.raises(ValueError):
        issue_challenge(datetime.datetime(2024, 6, 15, 10, 0))


# --- real photos through the real landmark adapter -------------------------------------------


def _selfie(faces: FacePhotos) -> tuple[Image.Image, tuple[float, float, float]]:
    """obama_1.jpg cropped to a 640x480 video frame; returns it and (face x, face y, width)."""
    frame = faces.image("obama_1.jpg").convert("RGB").crop((82, 0, 908, 620)).resize((640, 480))
    scale = 640 / 826
    return frame, ((495 - 82) * scale, 265 * scale, 258 * scale)


def _homography(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """PIL PERSPECTIVE coefficients mapping output points ``dst`` back to input points ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


def turned(frame: Image.Image, face: tuple[float, float, float], degrees: float) -> Image.Image:
    """The frame as a flat card rotated ``degrees`` about a vertical axis through the face.

    Positive angles push the right of the picture away, as when the person turns to their left.
    Focal length = one face width, for a strong perspective.
    """
    cx, cy, focal = face
    theta = math.radians(degrees)

    def project(x: float, y: float) -> tuple[float, float]:
        depth = focal + (x - cx) * math.sin(theta)
        return (
            cx + focal * (x - cx) * math.cos(theta) / depth,
            cy + focal * (y - cy) / depth,
        )

    w, h = frame.size
    corners = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    coefficients = _homography(corners, [project(x, y) for x, y in corners])
    return frame.transform(
        frame.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )


@pytest.fixture(scope="module")
def sequences(faces: FacePhotos) -> dict[str, list[FrameObservation]]:
    """Observed frames: a still sequence, turns to the left and right, and an impostor frame."""
    frame, face = _selfie(faces)
    still = faces.encode(frame, "JPEG", quality=90)
    angles = (0, 10, 20, 30)
    left = [faces.encode(turned(frame, face, a), "JPEG", quality=90) for a in angles]
    right = [faces.encode(turned(frame, face, -a), "JPEG", quality=90) for a in angles]
    impostor = faces.raw("biden_2.jpg")
    return {
        "still": observe_frames([still] * 4),
        "left": observe_frames(left),
        "right": observe_frames(right),
        "impostor": observe_frames([still, impostor, still]),
    }


def _decide(
    kind: ChallengeKind, frames: list[FrameObservation], faces: FacePhotos
) -> tuple[bool, str | None]:
    """check_liveness of observed frames against obama_2.jpg as the verified reference."""
    reference = faces.probe("obama_2.jpg").encoding
    assert reference is not None
    matches = matches_reference(reference, frames)
    landmarks = [frame.landmarks for frame in frames]
    decision = check_liveness(challenge(kind), landmarks, matches, now=NOW)
    return decision.passed, decision.reason


def test_real_frames_every_frame_matches_the_reference(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos
) -> None:
    """The perspective-turned frames still show one face matching another Obama photo."""
    reference = faces.probe("obama_2.jpg").encoding
    assert reference is not None
    for name in ("still", "left", "right"):
        assert [f.n_faces for f in sequences[name]] == [1, 1, 1, 1]
        assert all(matches_reference(reference, sequences[name]))


@pytest.mark.parametrize("kind", ["turn_left", "turn_right", "blink"])
def test_real_still_sequence_fails(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos, kind: ChallengeKind
) -> None:
    """The same photo sent four times (a photo held to the camera) fails every challenge."""
    assert _decide(kind, sequences["still"], faces)[0] is False


def test_real_head_turn_left_passes(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos
) -> None:
    """Frames made by turning the photo in perspective (0-30°) pass turn_left, not turn_right."""
    assert _decide("turn_left", sequences["left"], faces) == (True, None)
    assert _decide("turn_right", sequences["left"], faces) == (False, "wrong_direction")


def test_real_head_turn_right_passes(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos
) -> None:
    """The mirror-image transform (0 to -30°) passes turn_right and fails turn_left."""
    assert _decide("turn_right", sequences["right"], faces) == (True, None)
    assert _decide("turn_left", sequences["right"], faces) == (False, "wrong_direction")


def test_real_yaw_change_clears_the_threshold_with_margin(
    sequences: dict[str, list[FrameObservation]],
) -> None:
    """The 30° transform moves the measured yaw by well over the 0.08 threshold (>= 0.1)."""
    yaws = [head_yaw(f.landmarks) for f in sequences["left"] if f.landmarks is not None]
    assert yaws == sorted(yaws)
    assert yaws[-1] - yaws[0] >= 0.1


def test_real_impostor_frame_fails(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos
) -> None:
    """OLR 7: a frame showing someone else (Biden) among Obama frames fails as face_mismatch."""
    assert _decide("turn_left", sequences["impostor"], faces) == (False, "face_mismatch")


def test_real_frame_without_a_face_fails(faces: FacePhotos) -> None:
    """A frame with no face (a gradient) is observed as none and fails as face_lost."""
    frame, face = _selfie(faces)
    shots = [faces.encode(turned(frame, face, a), "JPEG") for a in (0, 30)]
    observed = observe_frames([shots[0], faces.gradient(640, 480), shots[1]])
    assert [o.n_faces for o in observed] == [1, 0, 1]
    assert _decide("turn_left", observed, faces) == (False, "face_lost")
