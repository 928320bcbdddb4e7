"""Liveness by challenge and response, from one continuous recording: pure rules, no face library
(OLR 7, DOMAIN §2.3).

The court draws a random sequence of actions (``draw_actions``: at least two, no action twice in a
row, from turning the head left or right and blinking) and gives it a nonce and a short expiry.
The person records themself doing them (the mini-app's MediaRecorder, a Telegram video note); the
server decodes the recording (``identity.recording``) and the encoder turns about ten frames a
second into 68 landmarks each, and a few of them into encodings (``RecordingObservation``).
``check_recording`` then decides, in this order, each failure with its own reason:

1. in time: the challenge has not expired, and the recording is no longer than the time since the
   challenge was issued (plus ``clock_slack``), so it cannot have begun before the person knew
   what to do (``challenge_expired``, ``recorded_before_challenge``);
2. one continuous take: long enough, every frame the same size, no gap between frames longer than
   ``max_frame_gap`` (a few stills made into a video, one every few seconds), no jump of the whole picture between two
   consecutive frames (a cut) and no jump of the face from one sampled frame to the next
   (``too_short``, ``not_continuous``, ``cut``);
3. one face, present in most frames, and the verified person's (``several_faces``, ``face_lost``,
   ``face_mismatch``);
4. the actions, in the order asked: the head turns seen must be exactly the turns asked, in order
   (the same turn twice in a row counts once), and every asked action must be seen after the one
   before it (``no_movement``,
   ``wrong_direction``, ``wrong_order``, ``no_blink``); a natural blink in between does no harm;
5. each turn must move the nose out of the plane of the face (``flat_face``, below).

Which actions: a turn is read from the nose tip's offset between the jaw line and the eye corners
(``head_yaw``), reliably on every recording the tests make; a blink from the eyelid gaps
(``eye_aspect_ratio``), which needs frames close together (a blink lasts 0.1-0.3 s, hence ten
frames a second). Looking up and opening the mouth are not asked: the 68-point model's pitch
signal (nose against the eye line) moves as much with a nod of the camera as with the head, and
an open mouth could not be made from the test photos to calibrate a threshold on.

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

What this stops: separately taken stills, however ordered; a photo or a screen held up and
tilted; a recording made for another challenge or before this one. What it does not stop: a card
tilted far, very near a wide-angle lens; a printed photo bent into a curve and turned far; a
video of the person doing exactly the asked actions, made by someone who can make such videos
on demand within the challenge's seconds (a deepfake rig); a 3D mask. Those need other signals.

Directions are the person's own: frames are as the camera sees them (not the mirrored preview),
so a person turning to their left moves the nose towards the right of the picture.
"""

from __future__ import annotations

import datetime
import itertools
import math
import secrets
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from identity.faces import DEFAULT_TOLERANCE, face_distance

__all__ = [
    "CHALLENGE_KINDS",
    "Challenge",
    "ChallengeKind",
    "FaceLandmarks",
    "FrameObservation",
    "LivenessDecision",
    "LivenessPolicy",
    "LivenessReason",
    "RecordingObservation",
    "TimedFrame",
    "check_recording",
    "draw_actions",
    "eye_aspect_ratio",
    "fit_homography",
    "head_yaw",
    "matches_reference",
    "nose_parallax",
]

ChallengeKind = Literal["turn_left", "turn_right", "blink"]
CHALLENGE_KINDS: tuple[ChallengeKind, ...] = ("turn_left", "turn_right", "blink")
TURNS = frozenset({"turn_left", "turn_right"})
LivenessReason = Literal[
    "challenge_expired",
    "recorded_before_challenge",
    "too_short",
    "not_continuous",
    "cut",
    "several_faces",
    "face_lost",
    "face_mismatch",
    "no_movement",
    "wrong_direction",
    "wrong_order",
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
class TimedFrame:
    """A sampled frame of a recording, ``time`` seconds after its first frame. Its encoding is
    measured only for a few frames (the face track links the others to them)."""

    time: float
    seen: FrameObservation


@dataclass(frozen=True)
class RecordingObservation:
    """What the encoder found in a recording: the take's continuity, and the sampled frames."""

    duration: float
    frame_count: int
    sizes: tuple[tuple[int, int], ...]
    largest_gap: float
    largest_change: float
    frames: tuple[TimedFrame, ...]


@dataclass(frozen=True)
class LivenessPolicy:
    """Liveness settings (see the module docstring and identity.recording for the measurements)."""

    min_seconds: float = 1.5  # a shorter recording cannot show two actions
    min_frames: int = 10
    clock_slack: float = 2.0  # s a recording may exceed the time since the challenge (clocks, upload)
    max_frame_gap: float = 1.2  # s between consecutive frames (a busy phone may stall for a moment)
    max_scene_change: float = 16.0  # grey levels between consecutive thumbnails; cuts measured 28-126
    max_face_jump: float = 0.5  # face centre move between sampled frames, in face widths
    max_face_scale: float = 1.4  # face width change between sampled frames, as a ratio
    min_face_share: float = 0.6  # of the sampled frames must show the face (a far turn may hide it)
    min_yaw_change: float = 0.08  # nose shift, as a share of face width, from the start
    min_nose_parallax: float = 0.09  # nose off the face's plane at the turn, in eye distances
    blink_closed_ratio: float = 0.75  # eye aspect ratio at most this share of the open level
    blink_open_ratio: float = 0.9  # ... and at least this share before and after the dip


@dataclass(frozen=True)
class Challenge:
    """What the person is asked to do, in order, bound to a nonce and an expiry instant (UTC)."""

    actions: tuple[ChallengeKind, ...]
    nonce: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime

    def expired(self, now: datetime.datetime) -> bool:
        """True once ``now`` is past the expiry."""
        return now > self.expires_at

    @property
    def label(self) -> str:
        """The actions as recorded in a decision, e.g. ``turn_left+blink``."""
        return "+".join(self.actions)


@dataclass(frozen=True)
class LivenessDecision:
    """Outcome, for the decision record: ``measure`` the largest yaw change seen; ``parallax``
    the smallest nose parallax of the asked turns (see ``nose_parallax``)."""

    passed: bool
    reason: LivenessReason | None
    measure: float | None = None
    parallax: float | None = None


def draw_actions(kinds: Sequence[ChallengeKind], length: int = 2) -> tuple[ChallengeKind, ...]:
    """A random sequence of ``length`` actions, never the same twice in a row (``secrets``, not
    ``random``: it must not be predictable). Needs at least two kinds."""
    if len(set(kinds)) < 2 or length < 2:
        raise ValueError("a challenge needs at least two kinds and two actions")
    actions = [secrets.choice(list(kinds))]
    while len(actions) < length:
        actions.append(secrets.choice([k for k in kinds if k != actions[-1]]))
    return tuple(actions)


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


@dataclass(frozen=True)
class _Event:
    """An action seen in the recording: which, at which face frame (its peak), how far."""

    kind: ChallengeKind
    index: int
    measure: float


def _turn_events(yaws: Sequence[float], policy: LivenessPolicy) -> list[_Event]:
    """One event per run of consecutive frames turned past the threshold the same way from the
    start (the median of the first three), at the run's furthest frame."""
    start = statistics.median(yaws[:3])
    events: list[_Event] = []
    previous = 0
    for index, yaw in enumerate(yaws):
        move = yaw - start
        side = 0 if abs(move) < policy.min_yaw_change else (1 if move > 0 else -1)
        if side and side == previous and abs(move) > events[-1].measure:
            events[-1] = _Event(events[-1].kind, index, abs(move))
        elif side and side != previous:
            events.append(_Event("turn_left" if side > 0 else "turn_right", index, abs(move)))
        previous = side
    return events


def _blink_events(ratios: Sequence[float | None], policy: LivenessPolicy) -> list[_Event]:
    """Eyes open, then closed (the ratio dips), then open again; frames turned away are None."""
    seen = [r for r in ratios if r is not None]
    open_level = statistics.median(seen) if seen else 0.0
    if open_level <= 0:
        return []
    events: list[_Event] = []
    seen_open, dip = False, None
    for index, ratio in enumerate(ratios):
        if ratio is None:
            continue
        relative = ratio / open_level
        if relative >= policy.blink_open_ratio:
            if dip is not None:
                events.append(_Event("blink", dip[0], dip[1]))
            seen_open, dip = True, None
        elif seen_open and relative <= policy.blink_closed_ratio and (dip is None or relative < dip[1]):
            dip = (index, relative)
    return events


def _in_order(asked: Sequence[ChallengeKind], events: Sequence[_Event]) -> list[_Event] | None:
    """The events answering the asked actions, each after the one before, or None."""
    found: list[_Event] = []
    position = 0
    for action in asked:
        match = next((e for e in events[position:] if e.kind == action), None)
        if match is None:
            return None
        found.append(match)
        position = events.index(match) + 1
    return found


def _collapsed(kinds: Sequence[ChallengeKind]) -> list[ChallengeKind]:
    """The kinds with runs of the same one made one (a turn held unsteadily is still one turn)."""
    return [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]


def _sequence_reason(asked: Sequence[ChallengeKind], events: Sequence[_Event]) -> LivenessReason:
    """Why the actions seen do not answer the ones asked."""
    kinds = {e.kind for e in events}
    asked_turns = [a for a in asked if a in TURNS]
    if "blink" in asked and "blink" not in kinds:
        return "no_blink"
    if any(a not in kinds for a in asked_turns):
        opposite = any(k in TURNS for k in kinds)
        return "wrong_direction" if opposite else "no_movement"
    return "wrong_order"


def _continuity_reason(rec: RecordingObservation, policy: LivenessPolicy) -> LivenessReason | None:
    """Is it one continuous take of a single face? (Steps 2 and 3a of the module docstring.)"""
    if rec.largest_gap > policy.max_frame_gap:
        return "not_continuous"
    if rec.duration < policy.min_seconds or rec.frame_count < policy.min_frames:
        return "too_short"
    if len(rec.sizes) != 1 or rec.largest_change > policy.max_scene_change:
        return "cut"
    if any(f.seen.n_faces > 1 for f in rec.frames):
        return "several_faces"
    faces = [f for f in rec.frames if f.seen.landmarks is not None]
    if not rec.frames or len(faces) < policy.min_face_share * len(rec.frames) or len(faces) < 3:
        return "face_lost"
    boxes = [_face_box(f.seen.landmarks) for f in faces if f.seen.landmarks is not None]
    for (x0, y0, w0), (x1, y1, w1) in itertools.pairwise(boxes):
        jump = math.dist((x0, y0), (x1, y1)) / max(w0, 1.0)
        if jump > policy.max_face_jump or max(w0, w1) > policy.max_face_scale * max(min(w0, w1), 1.0):
            return "cut"
    return None


def _face_box(landmarks: FaceLandmarks) -> tuple[float, float, float]:
    """The face's centre and width, from the jaw line and the eyes."""
    chin, eyes = landmarks["chin"], [*landmarks["left_eye"], *landmarks["right_eye"]]
    xs = [p[0] for p in chin]
    ys = [p[1] for p in (*chin, *eyes)]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, float(max(xs) - min(xs)))


def check_recording(
    challenge: Challenge,
    recording: RecordingObservation,
    matches: Sequence[bool],
    *,
    received_at: datetime.datetime,
    policy: LivenessPolicy | None = None,
) -> LivenessDecision:
    """Did this one continuous take answer the challenge, in time and in order, by the verified
    person? ``matches``: for each encoded frame, whether it showed the reference person."""
    policy = policy or LivenessPolicy()
    if challenge.expired(received_at):
        return LivenessDecision(False, "challenge_expired")
    since_issue = (received_at - challenge.issued_at).total_seconds()
    if recording.duration > since_issue + policy.clock_slack:
        return LivenessDecision(False, "recorded_before_challenge")
    reason = _continuity_reason(recording, policy)
    if reason is not None:
        return LivenessDecision(False, reason)
    if not matches or not all(matches):
        return LivenessDecision(False, "face_mismatch")
    faces = [f.seen.landmarks for f in recording.frames if f.seen.landmarks is not None]
    yaws = [head_yaw(lm) for lm in faces]
    ratios = [eye_aspect_ratio(lm) for lm in faces]
    start = statistics.median(yaws[:3])
    calm = [r if abs(y - start) < policy.min_yaw_change else None for r, y in zip(ratios, yaws, strict=True)]
    events = sorted(_turn_events(yaws, policy) + _blink_events(calm, policy), key=lambda e: e.index)
    largest = max(abs(y - start) for y in yaws)
    turns_seen = _collapsed([e.kind for e in events if e.kind in TURNS])
    answered = _in_order(challenge.actions, events)
    if answered is None or turns_seen != _collapsed([a for a in challenge.actions if a in TURNS]):
        return LivenessDecision(False, _sequence_reason(challenge.actions, events), largest)
    base = min(range(min(3, len(yaws))), key=lambda i: abs(yaws[i] - start))
    parallaxes = [nose_parallax(faces[base], faces[e.index]) for e in answered if e.kind in TURNS]
    least = min(parallaxes, default=None)
    if least is not None and least < policy.min_nose_parallax:
        return LivenessDecision(False, "flat_face", largest, least)
    return LivenessDecision(True, None, largest, least)


def matches_reference(
    reference: Sequence[float],
    observations: Sequence[FrameObservation],
    tolerance: float = DEFAULT_TOLERANCE,
) -> list[bool]:
    """Per frame: a single face whose encoding is within ``tolerance`` of the reference."""
    return [obs.encoding is not None and face_distance(reference, obs.encoding) <= tolerance for obs in observations]
