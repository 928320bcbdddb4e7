"""The court's identity settings (DOMAIN §2: numbers the law leaves to the court).

``gateway.settings`` reads them from the environment; ``app.bootstrap`` builds this from there, so
``identity/`` never imports the composition root.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from identity.faces import DEFAULT_TOLERANCE
from identity.liveness import ChallengeKind

__all__ = [
    "CLOSED_STATUSES",
    "MAX_FRAMES",
    "MAX_FRAME_BYTES",
    "MAX_PHOTO_BYTES",
    "MAX_RECORDING_BYTES",
    "IdentitySettings",
]

MAX_FRAMES = 12  # frames of a session re-check
MAX_FRAME_BYTES = 2 * 1024 * 1024  # each re-check frame
MAX_RECORDING_BYTES = 12 * 1024 * 1024  # a live-check recording (a few seconds of WebM or MP4)
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # an ID photo or a selfie sent as one picture

# Case statuses after which nothing more happens in the case (DOMAIN §2.4: delete the face
# template on request "once the case is archived"). SERVING_DEFENDANT ends the filing flow but
# the case itself goes on, so it is not here; any status not listed counts as live.
CLOSED_STATUSES = frozenset({"WITHDRAWN", "RETURNED", "NOT_ACCEPTED", "ROUTED_ELSEWHERE", "ARCHIVED"})


@dataclass(frozen=True)
class IdentitySettings:
    """How a court verifies people (OLR 7, ICP 6) and keeps their biometrics (PIPL 28)."""

    court_code: str = "浙0192"
    timezone: str = "Asia/Shanghai"  # the court date an ID number's birth date is checked against
    tolerance: float = DEFAULT_TOLERANCE  # MICROCOURT_FACE_TOLERANCE
    attempts_per_hour: int = 5  # MICROCOURT_VERIFY_ATTEMPTS_PER_HOUR, selfie checks per person
    selfie_suffices: bool = False  # MICROCOURT_SELFIE_SUFFICES: a still selfie verifies alone
    keep_selfies: bool = False  # MICROCOURT_KEEP_SELFIES: keep the photos (sealed) with decisions
    challenge_ttl: datetime.timedelta = datetime.timedelta(seconds=60)  # to record and send it
    challenge_kinds: tuple[ChallengeKind, ...] = ("turn_left", "turn_right", "blink")
    challenge_length: int = 2  # actions per challenge, drawn in a random order
    closed_statuses: frozenset[str] = CLOSED_STATUSES

    def __post_init__(self) -> None:
        """Refuse settings that cannot be meant (a court must not verify everyone by accident)."""
        if not 0.0 < self.tolerance <= 1.0:
            raise ValueError(f"face tolerance must be in (0, 1], got {self.tolerance}")
        if self.attempts_per_hour < 1:
            raise ValueError("at least one verification attempt per hour must be allowed")
        if len(set(self.challenge_kinds)) < 2 or self.challenge_length < 2:
            raise ValueError("a liveness challenge needs at least two kinds and two actions")
