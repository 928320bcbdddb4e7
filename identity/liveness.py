"""Liveness by challenge and response: pure rules, no face library (OLR 7, DOMAIN §2.3).

The court asks for one random action (turn the head left or right, or blink) with a nonce and a
short expiry; the client sends a few frames; the encoder's ``observe_frames`` turns them into 68
landmarks and an encoding per frame; ``check_liveness`` decides. A printed photo or a replayed
still cannot turn its head on demand, and every frame must show the verified person.

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
    "head_yaw",
    "issue_challenge",
    "matches_reference",
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
    """Outcome, for the decision record: ``measure`` is the yaw change or the deepest eye ratio."""

    passed: bool
    kind: ChallengeKind
    reason: LivenessReason | None
    measure: float | None = None


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


def _check_turn(
    kind: ChallengeKind, frames: Sequence[FaceLandmarks], policy: LivenessPolicy
) -> LivenessDecision:
    """The nose must move by min_yaw_change in the asked direction from the first frame."""
    sign = 1.0 if kind == "turn_left" else -1.0
    start = head_yaw(frames[0])
    moves = [sign * (head_yaw(frame) - start) for frame in frames[1:]]
    best, worst = max(moves), min(moves)
    if best >= policy.min_yaw_change:
        return LivenessDecision(True, kind, None, best)
    reason: LivenessReason = "wrong_direction" if -worst >= policy.min_yaw_change else "no_movement"
    return LivenessDecision(False, kind, reason, best)


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
    A still sequence (the same picture again and again) never passes.
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
    return [
        obs.encoding is not None and face_distance(reference, obs.encoding) <= tolerance
        for obs in observations
    ]
