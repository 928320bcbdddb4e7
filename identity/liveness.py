"""Liveness by challenge and response: pure rules, no face library (OLR 7, DOMAIN §2.3).

The court asks for one random action (turn the head left or right, or blink) with a nonce and a
short expiry; the client sends a few frames; the encoder's ``observe_frames`` turns them into 68
landmarks and an encoding per frame; ``check_liveness`` decides. A printed photo or a replayed
still cannot turn its head on demand, and every frame must show the verified person.

A flat picture can still be *tilted*: a printed photo or a phone screen turned in front of the
camera moves the nose against the jaw line in perspective, and the landmark model reads that as a
yaw change. What a tilted picture cannot do is move its nose out of its own plane. Any view of a
plane is a homography (a 2D projective map) of any other view, so for a turn challenge the court
fits one homography (normalised DLT, least squares) from the first frame's brow, eye and lip
points to those of the frame with the largest turn, and measures how far the nose points land
from where that homography puts them (RMS, in inter-ocular distances: ``nose_parallax``). A real
nose stands out of the face by roughly half the distance between the eyes and moves off the
plane by that times the sine of the turn; a flat picture's nose stays where the plane puts it, up
to landmark noise. A turn whose parallax is below ``LivenessPolicy.min_nose_parallax`` (0.09)
fails as ``flat_face``.

Calibration, in eye distances, on 640x480 JPEG frames made from the 10 test photos of 4 people
(shared/testdata/faces), counting only frames whose yaw change passes the 0.08 threshold:

- a photo tilted 10-40 deg as a flat card in perspective (139 frames): median 0.040. With the
  camera 2 face widths from the card (a frame about 74 deg across, like a phone's front camera)
  at most 0.069; 1.5 widths (90 deg) at most 0.083; 1 width (113 deg, the card a hand's width
  from the lens) at most 0.101, with 4 of 90 frames, all tilted 35-40 deg, at 0.09 or more.
- the same photo bent round a cylinder and turned (71 frames): 0.038-0.113, median 0.065; 10 at
  0.09 or more, all turned 30-40 deg.
- different photos of the same person whose yaw differs by at least 0.08 (real 3D pose changes,
  with some change of expression; 14 ordered pairs of 7 photos): 0.113-0.223.
- the tests' head turn (the photo on an ellipsoid with a nose, rotated and projected back,
  tests/support/fake_camera.py): 15 deg 0.053-0.10, 20 deg 0.076-0.127, 25-40 deg 0.095-0.318.

The same fit over all 68 points (the plain RMS residual of a homography) separates worse: tilted
cards up to 0.112, real pose changes from 0.073; the jaw line and brows carry landmark error as
large as the depth signal, the nose carries the depth.

What this stops: a photo or a screen showing a still picture, held up and tilted towards the
asked side, at the distances a phone is held. What it does not stop: a card tilted far, very near
a wide-angle lens (the tail above); a printed photo bent into a curve and turned far; a video of
the person turning their head replayed on a screen (the screen is flat, the head in the video is
not); a 3D mask. Those need other signals (texture, screen moiré and glare, depth sensing). No
video of real people turning was available: real heads were measured only through pairs of
photos, so a person who turns very little (about 15 deg or less) may be refused as
``flat_face``; the message then asks them to turn their real head a little further.

Directions are the person's own: frames are as the camera sees them (not the mirrored preview),
so a person turning to their left moves the nose towards the right of the picture.
"""

from __future__ import annotations

import datetime
import math
import secrets
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from identity.faces import DEFAULT_TOLERANCE, face_distance

__all__ = [
    "Challenge",
    "ChallengeKind",
    "FaceLandmarks",
    "FrameObservation",
    "LivenessDecision",
    "LivenessPolicy",
    "LivenessReason",
    "check_liveness",
    "eye_aspect_ratio",
    "fit_homography",
    "head_yaw",
    "issue_challenge",
    "matches_reference",
    "nose_parallax",
]

ChallengeKind = Literal["turn_left", "turn_right", "blink"]
CHALLENGE_KINDS: tuple[ChallengeKind, ...] = ("turn_left", "turn_right", "blink")
LivenessReason = Literal[
    "challenge_expired",
    "too_few_frames",
    "face_lost",
    "face_mismatch",
    "no_movement",
    "wrong_direction",
    "no_blink",
    "flat_face",
]
Point = tuple[float, float]
FaceLandmarks = Mapping[str, Sequence[Point]]  # face_recognition's 68-point "large" model names


@dataclass(frozen=True)
class FrameObservation:
    """One frame as the encoder saw it: face count, landmarks and encoding of a single face."""

    n_faces: int
    landmarks: Mapping[str, tuple[tuple[int, int], ...]] | None
    encoding: tuple[float, ...] | None


@dataclass(frozen=True)
class LivenessPolicy:
    """Liveness settings."""

    ttl: datetime.timedelta = datetime.timedelta(seconds=30)
    min_frames: int = 3
    min_yaw_change: float = 0.08  # nose shift, as a share of face width, from the first frame
    min_nose_parallax: float = 0.09  # nose off the face's plane at the turn, in eye distances
    blink_closed_ratio: float = 0.75  # eye aspect ratio at most this share of the open level
    blink_open_ratio: float = 0.9  # ... and at least this share before and after the dip


@dataclass(frozen=True)
class Challenge:
    """What the person is asked to do, bound to a nonce and an expiry instant (UTC)."""

    kind: ChallengeKind
    nonce: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime

    def expired(self, now: datetime.datetime) -> bool:
        """True once ``now`` is past the expiry."""
        return now > self.expires_at


@dataclass(frozen=True)
class LivenessDecision:
    """Outcome, for the decision record: ``measure`` is the yaw change or the deepest eye ratio;
    ``parallax`` the nose parallax of a turn that moved far enough (see ``nose_parallax``)."""

    passed: bool
    kind: ChallengeKind
    reason: LivenessReason | None
    measure: float | None = None
    parallax: float | None = None


def issue_challenge(now: datetime.datetime, policy: LivenessPolicy | None = None) -> Challenge:
    """A new random challenge (``secrets``, not ``random``: it must not be predictable)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    ttl = (policy or LivenessPolicy()).ttl
    kind = secrets.choice(CHALLENGE_KINDS)
    return Challenge(kind, secrets.token_urlsafe(16), now, now + ttl)


def _share(x: float, left: float, right: float) -> float:
    """Where x lies between left (0.0) and right (1.0)."""
    return (x - left) / (right - left) if right != left else 0.5


def head_yaw(landmarks: FaceLandmarks) -> float:
    """Head yaw proxy: nose tip's offset from the face's middle, as a share of its width.

    Averages two spans: the jaw line (points 0 and 16) and the outer eye corners (36 and 45).
    0 is frontal; positive means the nose is towards the right of the picture.
    """
    nose_x = landmarks["nose_bridge"][-1][0]
    chin = landmarks["chin"]
    jaw = _share(nose_x, chin[0][0], chin[-1][0])
    eyes = _share(nose_x, landmarks["left_eye"][0][0], landmarks["right_eye"][3][0])
    return (jaw + eyes) / 2 - 0.5


def _one_eye(points: Sequence[Point]) -> float:
    """Eye aspect ratio of six eye points: eyelid gaps over eye width."""
    p1, p2, p3, p4, p5, p6 = points
    width = math.dist(p1, p4)
    return (math.dist(p2, p6) + math.dist(p3, p5)) / (2 * width) if width else 0.0


def eye_aspect_ratio(landmarks: FaceLandmarks) -> float:
    """Mean eye aspect ratio of both eyes (about 0.2-0.3 open, near 0.1 closed)."""
    return (_one_eye(landmarks["left_eye"]) + _one_eye(landmarks["right_eye"])) / 2


PLANE_FEATURES = ("left_eyebrow", "right_eyebrow", "left_eye", "right_eye", "top_lip", "bottom_lip")
NOSE_FEATURES = ("nose_bridge", "nose_tip")


def _points(landmarks: FaceLandmarks, features: Sequence[str]) -> np.ndarray:
    """The named features' points, in order, as an (n, 2) float array (missing features skipped)."""
    rows = [point for name in features if name in landmarks for point in landmarks[name]]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2)


def _normaliser(points: np.ndarray) -> np.ndarray:
    """Hartley's similarity: centroid to the origin, mean distance from it sqrt(2)."""
    centre = points.mean(axis=0)
    spread = float(np.sqrt(((points - centre) ** 2).sum(axis=1)).mean())
    scale = math.sqrt(2) / spread if spread > 0 else 1.0
    return np.array([[scale, 0.0, -scale * centre[0]], [0.0, scale, -scale * centre[1]], [0.0, 0.0, 1.0]])


def _homogeneous(points: np.ndarray) -> np.ndarray:
    """(x, y) rows as (x, y, 1)."""
    return np.column_stack([points, np.ones(len(points))])


def fit_homography(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3x3 projective map taking ``source`` points closest to ``target`` (least squares).

    Normalised direct linear transform: both point sets are normalised, each correspondence gives
    two rows of ``A h = 0``, and h is the right singular vector of A with the smallest singular
    value (the least-squares solution with |h| = 1); then the normalisation is undone.
    Needs at least 4 correspondences.
    """
    if len(source) != len(target) or len(source) < 4:
        raise ValueError("at least 4 point pairs expected")
    t_source, t_target = _normaliser(source), _normaliser(target)
    s = _homogeneous(source) @ t_source.T
    t = _homogeneous(target) @ t_target.T
    x, y, one = s[:, 0], s[:, 1], s[:, 2]
    u, v = t[:, 0], t[:, 1]
    zero = np.zeros_like(x)
    a = np.vstack(
        [
            np.column_stack([x, y, one, zero, zero, zero, -u * x, -u * y, -u]),
            np.column_stack([zero, zero, zero, x, y, one, -v * x, -v * y, -v]),
        ]
    )
    h = np.linalg.svd(a)[2][-1].reshape(3, 3)
    return np.asarray(np.linalg.inv(t_target) @ h @ t_source)


def nose_parallax(first: FaceLandmarks, later: FaceLandmarks) -> float:
    """How far the nose left the plane of the face between two frames, in eye distances.

    A homography is fitted from ``first``'s brow, eye and lip points to ``later``'s; the result
    is the RMS distance between ``later``'s nose points (bridge and tip) and where that
    homography puts ``first``'s, divided by ``later``'s inter-ocular distance (between the eye
    centres). Near 0 for two views of a flat picture; grows with the turn of a real head.
    A degenerate fit (a point sent to infinity, eyes on top of each other) counts as 0: no depth
    seen.
    """
    plane_a, plane_b = _points(first, PLANE_FEATURES), _points(later, PLANE_FEATURES)
    nose_a, nose_b = _points(first, NOSE_FEATURES), _points(later, NOSE_FEATURES)
    if len(plane_a) != len(plane_b) or len(nose_a) != len(nose_b) or not len(nose_a):
        raise ValueError("both frames need the same eye, brow, lip and nose landmarks")
    eyes = math.dist(_centre(later["left_eye"]), _centre(later["right_eye"]))
    homography = fit_homography(plane_a, plane_b)
    mapped = _homogeneous(nose_a) @ homography.T
    depth = mapped[:, 2]
    if eyes <= 0 or not np.all(np.abs(depth) > 1e-9):
        return 0.0
    error = mapped[:, :2] / depth[:, None] - nose_b
    return float(np.sqrt((error**2).sum(axis=1).mean())) / eyes


def _centre(points: Sequence[Point]) -> Point:
    """Mean of the points."""
    return (statistics.fmean(p[0] for p in points), statistics.fmean(p[1] for p in points))


def _check_turn(kind: ChallengeKind, frames: Sequence[FaceLandmarks], policy: LivenessPolicy) -> LivenessDecision:
    """The nose must move by min_yaw_change in the asked direction from the first frame, and at
    the frame where it moved most it must stand out of the face's plane (not a tilted picture)."""
    sign = 1.0 if kind == "turn_left" else -1.0
    start = head_yaw(frames[0])
    moves = [sign * (head_yaw(frame) - start) for frame in frames[1:]]
    best, worst = max(moves), min(moves)
    if best < policy.min_yaw_change:
        reason: LivenessReason = "wrong_direction" if -worst >= policy.min_yaw_change else "no_movement"
        return LivenessDecision(False, kind, reason, best)
    peak = frames[1 + moves.index(best)]
    parallax = nose_parallax(frames[0], peak)
    if parallax < policy.min_nose_parallax:
        return LivenessDecision(False, kind, "flat_face", best, parallax)
    return LivenessDecision(True, kind, None, best, parallax)


def _check_blink(frames: Sequence[FaceLandmarks], policy: LivenessPolicy) -> LivenessDecision:
    """Eyes open, then closed (ratio dips), then open again."""
    ratios = [eye_aspect_ratio(frame) for frame in frames]
    open_level = statistics.median(ratios)
    if open_level <= 0:
        return LivenessDecision(False, "blink", "no_blink", None)
    relative = [r / open_level for r in ratios]
    deepest = min(relative)
    seen_open = seen_closed = False
    for value in relative:
        if not seen_closed and value >= policy.blink_open_ratio:
            seen_open = True
        elif seen_open and value <= policy.blink_closed_ratio:
            seen_closed = True
        elif seen_closed and value >= policy.blink_open_ratio:
            return LivenessDecision(True, "blink", None, deepest)
    return LivenessDecision(False, "blink", "no_blink", deepest)


def check_liveness(
    challenge: Challenge,
    frames_landmarks: Sequence[FaceLandmarks | None],
    reference_encoding_matches: Sequence[bool],
    *,
    now: datetime.datetime,
    policy: LivenessPolicy | None = None,
) -> LivenessDecision:
    """Did the frames answer the challenge, in time, with the verified person in every frame?

    ``frames_landmarks[i]`` is None when frame i did not show exactly one face;
    ``reference_encoding_matches[i]`` says whether frame i's face matched the reference.
    A still sequence (the same picture again and again) never passes; a turn that only a tilted
    flat picture could have made fails as ``flat_face``.
    """
    policy = policy or LivenessPolicy()
    if len(frames_landmarks) != len(reference_encoding_matches):
        raise ValueError("one match flag per frame expected")
    kind = challenge.kind
    if challenge.expired(now):
        return LivenessDecision(False, kind, "challenge_expired")
    if len(frames_landmarks) < max(2, policy.min_frames):
        return LivenessDecision(False, kind, "too_few_frames")
    frames = [frame for frame in frames_landmarks if frame is not None]
    if len(frames) != len(frames_landmarks):
        return LivenessDecision(False, kind, "face_lost")
    if not all(reference_encoding_matches):
        return LivenessDecision(False, kind, "face_mismatch")
    if kind == "blink":
        return _check_blink(frames, policy)
    return _check_turn(kind, frames, policy)


def matches_reference(
    reference: Sequence[float],
    observations: Sequence[FrameObservation],
    tolerance: float = DEFAULT_TOLERANCE,
) -> list[bool]:
    """Per frame: a single face whose encoding is within ``tolerance`` of the reference."""
    return [obs.encoding is not None and face_distance(reference, obs.encoding) <= tolerance for obs in observations]
