"""Liveness by challenge and response (OLR 7 real-name verification, DOMAIN §2.3 re-checks).

Two kinds of test: exact rules on synthetic landmarks, and real photos run through the real
landmark adapter. A real photo cannot turn its head, so the frames are made geometrically
(tests/support/fake_camera.py): ``turned`` gives the face a rough 3D shape (an ellipsoid with a
nose), rotates it and projects it back, as a live head turning; ``tilted`` turns the photo as a
flat card in perspective, as a printed photo or a screen held up and tilted (DOMAIN §2: it must
not pass). Blinks could not be made from a photo (see test docstrings).
"""

from __future__ import annotations

import datetime
import math
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pytest

from identity.encoder import observe_frames
from identity.liveness import (
    Challenge,
    ChallengeKind,
    FaceLandmarks,
    FrameObservation,
    LivenessPolicy,
    LivenessReason,
    check_liveness,
    eye_aspect_ratio,
    fit_homography,
    head_yaw,
    issue_challenge,
    matches_reference,
    nose_parallax,
)
from identity.texts import message
from tests.support import fake_camera

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

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


def card(face: FaceLandmarks, degrees: float, focal: float = 200.0) -> FaceLandmarks:
    """``face`` drawn on a flat card turned ``degrees`` about the line x = 100, seen from ``focal``
    px away (positive: the right of the picture goes away, the nose seems to move right)."""
    theta = math.radians(degrees)

    def project(point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        depth = focal + (x - 100) * math.sin(theta)
        return 100 + focal * (x - 100) * math.cos(theta) / depth, 100 + focal * (y - 100) / depth

    return {name: [project(p) for p in points] for name, points in face.items()}


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


def test_fit_homography_recovers_a_projective_map() -> None:
    """The normalised DLT finds a known homography from exact correspondences (up to scale)."""
    truth = np.array([[0.9, 0.1, 12.0], [-0.05, 1.1, -7.0], [4e-4, -2e-4, 1.0]])
    source = np.array([[x, y] for x in (0.0, 50.0, 120.0, 200.0) for y in (10.0, 90.0, 160.0)])
    mapped = np.column_stack([source, np.ones(len(source))]) @ truth.T
    target = mapped[:, :2] / mapped[:, 2:]
    found = fit_homography(source, target)
    assert found / found[2, 2] == pytest.approx(truth, rel=1e-6, abs=1e-9)
    with pytest.raises(ValueError):
        fit_homography(source[:3], target[:3])


def test_nose_parallax_of_a_tilted_card_is_zero_and_of_a_moved_nose_is_its_shift() -> None:
    """A homography moves the nose with the face's plane; a nose moved on its own is measured,
    in eye distances (the synthetic face's eye centres are 80 px apart)."""
    assert nose_parallax(synthetic(), card(synthetic(), 30)) == pytest.approx(0.0, abs=1e-9)
    assert nose_parallax(synthetic(), card(synthetic(), -25, focal=150)) == pytest.approx(0.0, abs=1e-9)
    assert nose_parallax(synthetic(), synthetic(16)) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        nose_parallax(synthetic(), {k: v for k, v in synthetic().items() if k != "nose_bridge"})


@pytest.mark.parametrize(("kind", "sign"), [("turn_left", 1), ("turn_right", -1)])
def test_a_tilted_flat_picture_is_refused_as_flat_face(kind: ChallengeKind, sign: int) -> None:
    """DOMAIN §2: a photo or screen tilted towards the asked side moves the measured yaw enough,
    but the nose stays in the picture's plane: flat_face, with the measures recorded."""
    frames = [synthetic(), card(synthetic(), sign * 15), card(synthetic(), sign * 30)]
    decision = check_liveness(challenge(kind), frames, [True] * 3, now=NOW)
    assert (decision.passed, decision.reason) == (False, "flat_face")
    assert decision.measure is not None and decision.measure >= 0.08
    assert decision.parallax == pytest.approx(0.0, abs=1e-9)


def test_a_nose_standing_out_of_the_tilted_face_passes() -> None:
    """The same tilt with the nose moving off the plane, as on a real head, passes."""
    frames = [synthetic(), card(synthetic(7), 15), card(synthetic(14), 30)]
    decision = check_liveness(challenge("turn_left"), frames, [True] * 3, now=NOW)
    assert (decision.passed, decision.reason) == (True, None)
    assert decision.parallax is not None and decision.parallax > 0.09


def test_nose_parallax_threshold_is_a_setting() -> None:
    """The synthetic turn's parallax is 14/80 = 0.175: it passes at 0.09 and fails at 0.2."""
    frames = [synthetic(0), synthetic(7), synthetic(14)]
    passed = check_liveness(challenge("turn_left"), frames, [True] * 3, now=NOW)
    assert passed.passed and passed.parallax == pytest.approx(0.175)
    strict = LivenessPolicy(min_nose_parallax=0.2)
    refused = check_liveness(challenge("turn_left"), frames, [True] * 3, now=NOW, policy=strict)
    assert (refused.passed, refused.reason) == (False, "flat_face")


def test_the_wrong_direction_is_reported_before_flatness() -> None:
    """A card tilted the other way is wrong_direction: the movement is judged first."""
    frames = [synthetic(), card(synthetic(), -15), card(synthetic(), -30)]
    assert check("turn_left", frames) == (False, "wrong_direction")


def test_every_liveness_reason_tells_the_person_what_to_do() -> None:
    """Each failure reason has an English and a Chinese text (identity.texts); flat_face asks for
    the real head and warns off photos and screens."""
    for reason in typing.get_args(LivenessReason):
        assert message(reason, "en") and message(reason, "zh"), reason
    assert "do not hold up a photo or a screen" in message("flat_face", "en")
    assert "照片或屏幕" in message("flat_face", "zh")


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

ANGLES = (0, 10, 20, 30)


@pytest.fixture(scope="module")
def sequences(faces: FacePhotos) -> dict[str, list[FrameObservation]]:
    """Observed frames of obama_1.jpg (fake_camera's 640x480 portrait): a still sequence, head
    turns to the left and right, a flat tilt each way, and a sequence with an impostor frame.

    Every distinct picture is observed once (~0.2 s each).
    """
    face = fake_camera.obama()
    pictures = {
        (render.__name__, sign * angle): faces.encode(render(face, sign * angle), "JPEG", quality=90)
        for render in (fake_camera.turned, fake_camera.tilted)
        for sign in (1, -1)
        for angle in ANGLES
    }
    impostor = faces.raw("biden_2.jpg")
    distinct = sorted(set(pictures.values()) | {impostor})
    seen = dict(zip(distinct, observe_frames(distinct), strict=True))
    still = pictures[("turned", 0)]

    def frames(render: str, sign: int) -> list[FrameObservation]:
        return [seen[pictures[(render, sign * angle)]] for angle in ANGLES]

    return {
        "still": [seen[still]] * 4,
        "left": frames("turned", 1),
        "right": frames("turned", -1),
        "flat_left": frames("tilted", 1),
        "flat_right": frames("tilted", -1),
        "impostor": [seen[still], seen[impostor], seen[still]],
    }


def _decide(kind: ChallengeKind, frames: list[FrameObservation], faces: FacePhotos) -> tuple[bool, str | None]:
    """check_liveness of observed frames against obama_2.jpg as the verified reference."""
    reference = faces.probe("obama_2.jpg").encoding
    assert reference is not None
    matches = matches_reference(reference, frames)
    landmarks = [frame.landmarks for frame in frames]
    decision = check_liveness(challenge(kind), landmarks, matches, now=NOW)
    return decision.passed, decision.reason


def _landmarks(frames: list[FrameObservation]) -> list[FaceLandmarks]:
    """The frames' landmarks (each frame has one face)."""
    found = [f.landmarks for f in frames]
    assert all(lm is not None for lm in found)
    return [lm for lm in found if lm is not None]


def test_real_frames_every_frame_matches_the_reference(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos
) -> None:
    """Turned and tilted frames still show one face matching another Obama photo."""
    reference = faces.probe("obama_2.jpg").encoding
    assert reference is not None
    for name in ("still", "left", "right", "flat_left", "flat_right"):
        assert [f.n_faces for f in sequences[name]] == [1, 1, 1, 1]
        assert all(matches_reference(reference, sequences[name]))


@pytest.mark.parametrize("kind", ["turn_left", "turn_right", "blink"])
def test_real_still_sequence_fails(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos, kind: ChallengeKind
) -> None:
    """The same photo sent four times (a photo held to the camera) fails every challenge."""
    expected = "no_blink" if kind == "blink" else "no_movement"
    assert _decide(kind, sequences["still"], faces) == (False, expected)


def test_real_head_turn_left_passes(sequences: dict[str, list[FrameObservation]], faces: FacePhotos) -> None:
    """A head turned 0-30° to the person's left passes turn_left, not turn_right."""
    assert _decide("turn_left", sequences["left"], faces) == (True, None)
    assert _decide("turn_right", sequences["left"], faces) == (False, "wrong_direction")


def test_real_head_turn_right_passes(sequences: dict[str, list[FrameObservation]], faces: FacePhotos) -> None:
    """The turn to the right (0 to -30°) passes turn_right and fails turn_left."""
    assert _decide("turn_right", sequences["right"], faces) == (True, None)
    assert _decide("turn_left", sequences["right"], faces) == (False, "wrong_direction")


@pytest.mark.parametrize(("kind", "sequence"), [("turn_left", "flat_left"), ("turn_right", "flat_right")])
def test_real_photo_tilted_towards_the_asked_side_is_refused(
    sequences: dict[str, list[FrameObservation]], faces: FacePhotos, kind: ChallengeKind, sequence: str
) -> None:
    """DOMAIN §2: the photo as a flat card tilted 0-30° the asked way fails as flat_face."""
    assert _decide(kind, sequences[sequence], faces) == (False, "flat_face")


def test_real_yaw_change_clears_the_threshold_with_margin(
    sequences: dict[str, list[FrameObservation]],
) -> None:
    """The 30° head turn moves the measured yaw well past 0.08 (>= 0.1), and so does the flat
    tilt: the yaw alone cannot tell them apart."""
    yaws = [head_yaw(lm) for lm in _landmarks(sequences["left"])]
    assert yaws == sorted(yaws)
    assert yaws[-1] - yaws[0] >= 0.1
    for name, sign in (("right", -1), ("flat_left", 1), ("flat_right", -1)):
        first, *_, last = _landmarks(sequences[name])
        assert sign * (head_yaw(last) - head_yaw(first)) >= 0.1, name


def test_real_nose_parallax_separates_the_turn_from_the_tilt(
    sequences: dict[str, list[FrameObservation]],
) -> None:
    """At 30° the turned head's nose stands >= 0.11 eye distances off the face's plane, the
    tilted card's <= 0.07: both clear of the 0.09 threshold, so the fixtures are not borderline."""
    threshold = LivenessPolicy().min_nose_parallax
    for name in ("left", "right"):
        first, *_, last = _landmarks(sequences[name])
        assert nose_parallax(first, last) >= threshold + 0.02, name
    for name in ("flat_left", "flat_right"):
        first, *_, last = _landmarks(sequences[name])
        assert nose_parallax(first, last) <= threshold - 0.02, name


def test_real_impostor_frame_fails(sequences: dict[str, list[FrameObservation]], faces: FacePhotos) -> None:
    """OLR 7: a frame showing someone else (Biden) among Obama frames fails as face_mismatch."""
    assert _decide("turn_left", sequences["impostor"], faces) == (False, "face_mismatch")


def test_real_frame_without_a_face_fails(faces: FacePhotos) -> None:
    """A frame with no face (a gradient) is observed as none and fails as face_lost."""
    face = fake_camera.obama()
    shots = [faces.encode(fake_camera.turned(face, a), "JPEG") for a in (0, 30)]
    observed = observe_frames([shots[0], faces.gradient(640, 480), shots[1]])
    assert [o.n_faces for o in observed] == [1, 0, 1]
    assert _decide("turn_left", observed, faces) == (False, "face_lost")
