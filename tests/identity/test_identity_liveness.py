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
    CHALLENGE_KINDS,
    Challenge,
    ChallengeKind,
    FaceLandmarks,
    FrameObservation,
    LivenessDecision,
    LivenessPolicy,
    LivenessReason,
    RecordingObservation,
    TimedFrame,
    check_recording,
    draw_actions,
    eye_aspect_ratio,
    fit_homography,
    head_yaw,
    matches_reference,
    nose_parallax,
)
from identity.texts import message
from tests.support import fake_camera

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

NOW = datetime.datetime(2024, 6, 15, 2, 0, tzinfo=datetime.UTC)


def challenge(*actions: ChallengeKind) -> Challenge:
    """A challenge of these actions issued 20 s before NOW, valid until 40 s after."""
    return Challenge(actions, "nonce", NOW - datetime.timedelta(seconds=20), NOW + datetime.timedelta(seconds=40))


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


def take(*parts: Sequence[FaceLandmarks | None], tail: bool = True) -> RecordingObservation:
    """A continuous recording of the given frames (frontal ones before, and after if ``tail``),
    0.1 s apart, every fourth frame encoded."""
    gap = 0.1
    frames = [synthetic()] * 8 + [f for part in parts for f in part] + [synthetic()] * (4 if tail else 0)
    timed = tuple(
        TimedFrame(i * gap, FrameObservation(1 if f else 0, f, (0.0,) if f and i % 4 == 0 else None))  # type: ignore[arg-type]
        for i, f in enumerate(frames)
    )
    duration = (len(frames) - 1) * gap
    return RecordingObservation(duration, len(frames), ((640, 480),), gap, 3.0, timed)


def turn(sign: int) -> list[FaceLandmarks]:
    """A head turn to the person's left (+1) or right (-1) and back: the nose out 14 px."""
    return [synthetic(sign * s) for s in (5, 10, 14, 14, 10, 5, 0)]


def blink() -> list[FaceLandmarks]:
    """Eyes open, closed, open."""
    return [synthetic(eye_open=h) for h in (12, 4, 12)]


def decide(
    asked: Sequence[ChallengeKind],
    recording: RecordingObservation,
    matches: Sequence[bool] = (True,),
    policy: LivenessPolicy | None = None,
    now: datetime.datetime = NOW,
) -> LivenessDecision:
    """check_recording of a synthetic recording."""
    return check_recording(challenge(*asked), recording, matches, received_at=now, policy=policy)


def check(asked: Sequence[ChallengeKind], *parts: Sequence[FaceLandmarks | None]) -> tuple[bool, str | None]:
    """(passed, reason) for a take of these parts, every encoded frame the reference person."""
    decision = decide(asked, take(*parts))
    return decision.passed, decision.reason


# --- the rules, on synthetic landmarks -------------------------------------------------------


def test_synthetic_face_measures() -> None:
    """head_yaw is 0 for a centred nose and grows to the right; eye ratio is height/width."""
    assert head_yaw(synthetic()) == pytest.approx(0.0)
    assert head_yaw(synthetic(15)) == pytest.approx(0.1)
    assert head_yaw(synthetic(-15)) == pytest.approx(-0.1)
    assert eye_aspect_ratio(synthetic(eye_open=12)) == pytest.approx(0.3)


def test_olr_7_a_left_then_right_turn_passes_in_that_order_only() -> None:
    """OLR 7 liveness: turn_left then turn_right passes; the same take answers neither the
    reverse order (wrong_order) nor a challenge with only one of its turns."""
    assert check(("turn_left", "turn_right"), turn(1), turn(-1)) == (True, None)
    assert check(("turn_right", "turn_left"), turn(1), turn(-1)) == (False, "wrong_order")
    assert check(("turn_left", "blink"), turn(1), turn(-1)) == (False, "no_blink")


def test_olr_7_turns_are_read_in_the_persons_own_direction() -> None:
    """Person's own left (unmirrored camera): the nose shifts right in the picture."""
    assert check(("turn_left", "blink"), turn(1), blink()) == (True, None)
    assert check(("turn_right", "blink"), turn(1), blink()) == (False, "wrong_direction")
    assert check(("blink", "turn_right"), blink(), turn(-1)) == (True, None)


def test_olr_7_every_action_must_come_after_the_one_before() -> None:
    """A blink asked after the turn does not count when it came before it."""
    assert check(("turn_left", "blink"), blink(), turn(1)) == (False, "wrong_order")


def test_olr_7_a_take_doing_every_turn_does_not_answer_any_challenge() -> None:
    """Turning both ways twice (hoping to cover any challenge) shows turns not asked: refused."""
    everything = (turn(1), turn(-1), turn(1), turn(-1))
    assert check(("turn_left", "turn_right"), *everything) == (False, "wrong_order")


def test_olr_7_a_turn_held_unsteadily_counts_once() -> None:
    """A turn that wavers back under the threshold and out again is still one turn to the left."""
    wavering = [synthetic(s) for s in (5, 14, 6, 14, 5, 0)]
    assert check(("turn_left", "turn_right"), wavering, turn(-1)) == (True, None)


def test_olr_7_a_natural_blink_between_asked_turns_does_no_harm() -> None:
    """People blink: an extra blink between two asked turns still passes."""
    assert check(("turn_right", "turn_left"), turn(-1), blink(), turn(1)) == (True, None)


def test_olr_7_a_small_head_movement_is_not_enough() -> None:
    """A nose shift below the 0.08 threshold (jitter, a nod) is no_movement."""
    small = [synthetic(s) for s in (0, 5, -5, 10, 0)]
    assert check(("turn_left", "turn_right"), small) == (False, "no_movement")


def test_yaw_threshold_is_a_setting() -> None:
    """With min_yaw_change 0.05 a 10 px (0.067) turn each way passes."""
    small = [[synthetic(s) for s in (5, 10, 5, 0)], [synthetic(-s) for s in (5, 10, 5, 0)]]
    assert not decide(("turn_left", "turn_right"), take(*small)).passed
    relaxed = decide(("turn_left", "turn_right"), take(*small), policy=LivenessPolicy(min_yaw_change=0.05))
    assert relaxed.passed and relaxed.measure == pytest.approx(10 / 150)


def test_olr_7_a_still_take_fails_every_challenge() -> None:
    """The same landmarks again and again (a photo held up, not tilted) pass nothing."""
    still = [synthetic()] * 12
    assert check(("turn_left", "turn_right"), still) == (False, "no_movement")
    assert check(("blink", "turn_left"), still) == (False, "no_blink")


@pytest.mark.parametrize(
    "heights",
    [
        [12, 12, 10, 12, 12],  # a flicker, not a blink (10/12 > 0.75)
        [12, 12, 12, 12, 3, 10, 10],  # reopens only to 83% of the open level (< 90%)
    ],
)
def test_not_a_blink(heights: list[float]) -> None:
    """Without open -> closed -> open, a blink is not seen (no_blink)."""
    frames = [synthetic(eye_open=h) for h in heights]
    decision = decide(("turn_left", "blink"), take(turn(1), frames, tail=False))
    assert (decision.passed, decision.reason) == (False, "no_blink")


def test_eyes_closed_to_the_end_are_not_a_blink() -> None:
    """Eyes that close and never reopen before the recording ends are not a blink."""
    closing = take(turn(1), [synthetic(eye_open=h) for h in (12, 12, 3, 3)], tail=False)
    decision = decide(("turn_left", "blink"), closing)
    assert (decision.passed, decision.reason) == (False, "no_blink")


def test_head_turn_does_not_count_as_a_blink() -> None:
    """Eye ratios measured while the head is turned away are not read as a blink."""
    assert check(("turn_left", "blink"), turn(1)) == (False, "no_blink")


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


def tilt(sign: int, nose: int = 0) -> list[FaceLandmarks]:
    """The synthetic face as a flat card tilted 15° then 30° and back (``nose``: px the nose also
    moves off the card, as a real head's does)."""
    return [card(synthetic(sign * nose // 2), sign * 15), card(synthetic(sign * nose), sign * 30), synthetic()]


@pytest.mark.parametrize(("kind", "sign"), [("turn_left", 1), ("turn_right", -1)])
def test_a_tilted_flat_picture_is_refused_as_flat_face(kind: ChallengeKind, sign: int) -> None:
    """DOMAIN §2: a photo or screen tilted towards the asked side moves the measured yaw enough,
    but the nose stays in the picture's plane: flat_face, with the measures recorded."""
    decision = decide((kind, "blink"), take(tilt(sign), blink()))
    assert (decision.passed, decision.reason) == (False, "flat_face")
    assert decision.measure is not None and decision.measure >= 0.08
    assert decision.parallax == pytest.approx(0.0, abs=1e-9)


def test_a_nose_standing_out_of_the_tilted_face_passes() -> None:
    """The same tilt with the nose moving off the plane, as on a real head, passes."""
    decision = decide(("turn_left", "blink"), take(tilt(1, nose=14), blink()))
    assert (decision.passed, decision.reason) == (True, None)
    assert decision.parallax is not None and decision.parallax > 0.09


def test_nose_parallax_threshold_is_a_setting() -> None:
    """The synthetic turn's parallax is 14/80 = 0.175: it passes at 0.09 and fails at 0.2."""
    passed = decide(("turn_left", "blink"), take(turn(1), blink()))
    assert passed.passed and passed.parallax == pytest.approx(0.175)
    strict = decide(("turn_left", "blink"), take(turn(1), blink()), policy=LivenessPolicy(min_nose_parallax=0.2))
    assert (strict.passed, strict.reason) == (False, "flat_face")


def test_the_wrong_direction_is_reported_before_flatness() -> None:
    """A card tilted the other way is wrong_direction: the movement is judged first."""
    assert check(("turn_left", "blink"), tilt(-1), blink()) == (False, "wrong_direction")


def test_every_liveness_reason_tells_the_person_what_to_do() -> None:
    """Each failure reason has an English and a Chinese text (identity.texts); flat_face asks for
    the real head and warns off photos and screens; a cut asks for one live take."""
    for reason in typing.get_args(LivenessReason):
        assert message(reason, "en") and message(reason, "zh"), reason
    assert "do not hold up a photo or a screen" in message("flat_face", "en")
    assert "照片或屏幕" in message("flat_face", "zh")
    assert "in one go" in message("cut", "en") and "一次性连续录制" in message("cut", "zh")


def test_olr_7_an_expired_challenge_fails_first() -> None:
    """A challenge answered after its expiry fails; exactly at the expiry it is still valid."""
    good = take(turn(1), turn(-1))
    late = decide(("turn_left", "turn_right"), good, now=NOW + datetime.timedelta(seconds=40, microseconds=1))
    assert (late.passed, late.reason) == (False, "challenge_expired")
    assert decide(("turn_left", "turn_right"), good, now=NOW + datetime.timedelta(seconds=40)).passed


def test_olr_7_a_recording_longer_than_the_time_since_the_challenge_began_before_it() -> None:
    """A recording older than the challenge (longer than the 20 s since it was issued, with 2 s
    of slack for clocks and upload) is refused as recorded_before_challenge."""
    old = take(turn(1), turn(-1), [synthetic()] * 200)  # 22.6 s
    assert decide(("turn_left", "turn_right"), old).reason == "recorded_before_challenge"
    slow = take(turn(1), turn(-1), [synthetic()] * 180)  # 20.6 s: within the slack
    assert decide(("turn_left", "turn_right"), slow).passed


def test_olr_7_a_recording_with_gaps_between_frames_is_not_one_take() -> None:
    """Frames more than 1.2 s apart (stills made into a video) are refused as not_continuous."""
    good = take(turn(1), turn(-1))
    sparse = RecordingObservation(good.duration, good.frame_count, good.sizes, 1.5, 3.0, good.frames)
    assert decide(("turn_left", "turn_right"), sparse).reason == "not_continuous"
    stalled = RecordingObservation(good.duration, good.frame_count, good.sizes, 1.2, 3.0, good.frames)
    assert decide(("turn_left", "turn_right"), stalled).passed  # a busy phone's stall is allowed


def test_olr_7_a_cut_is_refused() -> None:
    """A jump of the whole picture, a change of frame size, or the face jumping across the frame
    between consecutive frames is a cut."""
    good = take(turn(1), turn(-1))
    jump = RecordingObservation(good.duration, good.frame_count, good.sizes, good.largest_gap, 30.0, good.frames)
    assert decide(("turn_left", "turn_right"), jump).reason == "cut"
    resized = RecordingObservation(
        good.duration, good.frame_count, ((640, 480), (480, 640)), good.largest_gap, 3.0, good.frames
    )
    assert decide(("turn_left", "turn_right"), resized).reason == "cut"
    moved = {name: [(x + 300, y) for x, y in points] for name, points in synthetic().items()}
    assert check(("turn_left", "turn_right"), turn(1), [moved] * 3, turn(-1)) == (False, "cut")


def test_olr_7_too_short_a_recording_is_refused() -> None:
    """Under 1.5 s or 10 frames cannot show two actions: too_short."""
    short = RecordingObservation(1.0, 11, ((640, 480),), 0.1, 3.0, take(turn(1)).frames[:11])
    assert decide(("turn_left", "turn_right"), short).reason == "too_short"


def test_olr_7_every_encoded_frame_must_match_the_reference() -> None:
    """OLR 7: one encoded frame showing another person fails the check (face_mismatch)."""
    good = take(turn(1), turn(-1))
    decision = decide(("turn_left", "turn_right"), good, matches=(True, False, True))
    assert (decision.passed, decision.reason) == (False, "face_mismatch")


def test_olr_7_the_face_must_stay_in_view_and_alone() -> None:
    """Most sampled frames must show the face; any frame with two faces fails."""
    gone = take(turn(1), [None] * 20, turn(-1))  # half the frames
    assert decide(("turn_left", "turn_right"), gone).reason == "face_lost"
    good = take(turn(1), turn(-1))
    two = (*good.frames[:5], TimedFrame(0.5, FrameObservation(2, None, None)), *good.frames[6:])
    crowded = RecordingObservation(good.duration, good.frame_count, good.sizes, good.largest_gap, 3.0, two)
    assert decide(("turn_left", "turn_right"), crowded).reason == "several_faces"


def test_olr_7_challenges_are_random_sequences_of_two_different_actions() -> None:
    """draw_actions: two actions, never the same twice in a row, every ordered pair drawn."""
    drawn = {draw_actions(CHALLENGE_KINDS) for _ in range(400)}
    assert drawn == {(a, b) for a in CHALLENGE_KINDS for b in CHALLENGE_KINDS if a != b}
    assert len(draw_actions(CHALLENGE_KINDS, 3)) == 3
    with pytest.raises(ValueError):
        draw_actions(("blink",))


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
