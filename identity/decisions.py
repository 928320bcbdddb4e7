"""What one face comparison found, before it is recorded: pure functions, no I/O, no clock.

The recorded outcomes are those of ``IdentityDecision.outcome``; ``public_outcome`` names them as
the API does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from identity.faces import FaceProbe, face_distance, match_encoding
from identity.liveness import Challenge, FrameObservation, RecordingObservation, check_recording, matches_reference
from identity.results import Outcome
from identity.settings import IdentitySettings

__all__ = ["REPLAY_DISTANCE", "Check", "public_outcome", "recording_outcome", "reverify_outcome", "selfie_outcome"]

# A "selfie" this close to the reference is the reference picture itself sent again (distinct
# photos of one person measured 0.08 apart at the closest), not a new photo of a present person.
REPLAY_DISTANCE = 0.03


@dataclass(frozen=True)
class Check:
    """What one comparison found, before it is recorded."""

    outcome: str  # match | pending_review | no_match | unusable (IdentityDecision.outcome)
    reason: str | None
    distance: float | None
    liveness: str
    method: str | None = None  # how a match verifies: face_liveness | face_selfie


def selfie_outcome(template: Sequence[float], probe: FaceProbe, settings: IdentitySettings) -> Check:
    """A still photo against the reference: match only, liveness not checked."""
    decision = match_encoding(template, probe, settings.tolerance)
    if not decision.match:
        outcome = "no_match" if decision.reason == "not_same_person" else "unusable"
        return Check(outcome, decision.reason, decision.distance, "not_checked")
    if decision.distance is not None and decision.distance < REPLAY_DISTANCE:
        return Check("unusable", "same_photo", decision.distance, "not_checked")
    outcome = "match" if settings.selfie_suffices else "pending_review"
    return Check(
        outcome,
        None if settings.selfie_suffices else "liveness_not_checked",
        decision.distance,
        "not_checked",
        "face_selfie",
    )


def recording_outcome(
    template: Sequence[float],
    challenge: Challenge,
    recording: RecordingObservation,
    received_at: datetime,
    tolerance: float,
) -> Check:
    """A recording against the challenge: one continuous take of the reference person doing the
    asked actions in order (identity.liveness.check_recording)."""
    encoded = [f.seen for f in recording.frames if f.seen.encoding is not None]
    matches = matches_reference(template, encoded, tolerance)
    live = check_recording(challenge, recording, matches, received_at=received_at)
    distance = _best_distance(template, encoded)
    if live.passed and distance is not None and distance <= tolerance:
        return Check("match", None, distance, f"passed:{challenge.label}", "face_liveness")
    reason: str | None = live.reason
    if reason == "face_mismatch" and not any(matches):
        reason = "not_same_person"  # nobody in the recording is the reference person
    outcome = "unusable" if reason in ("face_lost", "too_short", "several_faces") else "no_match"
    return Check(outcome, reason, distance, f"failed:{live.reason}")


def reverify_outcome(template: Sequence[float], faces: Sequence[FrameObservation], tolerance: float) -> Check:
    """Every single-face frame must be the verified person; at least one such frame."""
    if not faces:
        return Check("unusable", "no_face", None, "not_checked")
    distances = [face_distance(template, o.encoding) for o in faces if o.encoding is not None]
    if not distances or max(distances) > tolerance:
        return Check("no_match", "not_same_person", min(distances, default=None), "not_checked")
    return Check("match", None, min(distances), "not_checked")


def public_outcome(outcome: str) -> Outcome:
    """The recorded outcome as the API names it."""
    if outcome == "match":
        return "verified"
    if outcome == "pending_review":
        return "pending_review"
    return "failed"


def _best_distance(reference: Sequence[float], observations: Sequence[FrameObservation]) -> float | None:
    """The smallest distance of any frame's face to the reference."""
    found = [face_distance(reference, o.encoding) for o in observations if o.encoding is not None]
    return min(found) if found else None
