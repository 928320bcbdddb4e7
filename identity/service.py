"""The identity service: real-name verification of the people who act in a case.

OLR 7 / ICP 6: an act with legal effect needs a verified person; here that is an ID photo (the
reference) compared with the person's face. PIPL 28: the face template is sensitive personal
information, so capture needs separate, explicit consent (``give_consent``), the template is
sealed at rest, it never reaches a log, and it is deleted on request once the person's cases are
closed. Every comparison is recorded in ``IdentityDecision`` (distance, tolerance, liveness,
outcome), never the picture, unless the court's setting says to keep the pictures.

Two ways to verify:
- the mini-app: a liveness challenge (``issue_challenge``) answered with a few frames, each of
  which must show the reference person, plus the head turn or blink asked for;
- a single still selfie (Telegram): compared with the reference only. A still photo cannot show
  that a live person took it, so by default (``selfie_suffices`` false) a matching selfie puts the
  person in the clerk's manual-check queue instead of verifying them.

A person gets ``attempts_per_hour`` checks per hour; beyond that the check is refused and the
person goes to the clerk's queue, where a clerk's decision is an override with a reason.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import hmac
import json
import logging
import secrets
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from flows.texts import Catalog
from identity import texts as face_texts
from identity.encoder import EncoderBusy
from identity.faces import FaceProbe, face_distance, match_encoding
from identity.id_numbers import InvalidIdNumber, parse_resident_id
from identity.images import UnreadableImage
from identity.liveness import (
    Challenge,
    ChallengeKind,
    FrameObservation,
    check_liveness,
    matches_reference,
)
from identity.models import IdentityDecision, IdentityProfile
from identity.settings import IdentitySettings
from storage.ephemeral import TokenStore
from storage.models import Case, Participant, Person
from storage.store import Store, Tx

__all__ = [
    "SESSION_KINDS",
    "FaceEncoder",
    "IdentityRefused",
    "IdentityService",
    "IdentityStatus",
    "IssuedChallenge",
    "QueueItem",
    "Reverification",
    "Verification",
    "explain",
    "failure_text",
    "id_number_key",
    "staff_court",
]

log = logging.getLogger("microcourt.identity")

VERIFY, REFERENCE, DELETE = "verify", "reference", "delete"
SESSION_KINDS = frozenset({"mediation", "evidence_exchange", "inquiry", "hearing"})  # OLR 7(3), OMR 17
CHALLENGE_PURPOSE = "identity_challenge"
CHALLENGE_GRACE_SECONDS = 10  # the token outlives the challenge, so a late answer hears "expired"
QUEUE_OUTCOMES = ("pending_review", "refused")  # a person whose latest check ended so waits
# A "selfie" this close to the reference is the reference picture itself sent again (distinct
# photos of one person measured 0.08 apart at the closest), not a new photo of a present person.
REPLAY_DISTANCE = 0.03
PENDING = "pending"  # IdentityProfile.method before any verification

Outcome = Literal["verified", "pending_review", "failed", "refused"]
Clock = Callable[[], datetime]
OnVerified = Callable[[str], Awaitable[int]]
OnRechecked = Callable[[str, str, bool], Awaitable[object]]
"""(person, case, passed) -> feed a session's re-check to the case as an event (OLR 7(3))."""


class FaceEncoder(Protocol):
    """The face encoder port: ``identity.encoder.EncoderPool`` in production."""

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """Measure one photo (may raise EncoderBusy or UnreadableImage)."""
        ...

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Landmarks and encodings of liveness frames (may raise EncoderBusy)."""
        ...

    async def close(self) -> None:
        """Release the workers."""
        ...


class IdentityRefused(Exception):
    """The request cannot go ahead; ``code`` is a text key (see ``explain``), nothing recorded."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class IdentityStatus:
    """Where a person stands: what the mini-app shows and what to do next."""

    verified: bool
    method: str | None
    consent: bool
    reference: bool
    attempts_left: int
    in_review: bool


@dataclass(frozen=True)
class IssuedChallenge:
    """A liveness challenge for the mini-app; the nonce is single-use and bound to the person."""

    nonce: str
    kind: ChallengeKind
    expires_at: datetime


@dataclass(frozen=True)
class Verification:
    """The outcome of one verification attempt (a recorded decision)."""

    outcome: Outcome
    reason: str | None
    distance: float | None
    liveness: str
    attempts_left: int
    queued: bool = False  # the person is now in the clerk's manual-check queue
    moved_cases: int = 0  # cases that left identity_check because of this


@dataclass(frozen=True)
class Reverification:
    """A re-verification at the start of a session (OLR 7(3)), as recorded."""

    passed: bool
    reason: str | None
    distance: float | None
    at: datetime


@dataclass(frozen=True)
class QueueItem:
    """A person waiting for a clerk's manual identity check."""

    person_id: str
    display_name: str
    name: str
    id_masked: str
    since: datetime
    outcome: str
    reason: str | None
    distance: float | None
    channel: str
    cases: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Check:
    """What one comparison found, before it is recorded."""

    outcome: str  # match | pending_review | no_match | unusable (IdentityDecision.outcome)
    reason: str | None
    distance: float | None
    liveness: str
    method: str | None = None  # how a match verifies: face_liveness | face_selfie


# -- small pure helpers ------------------------------------------------------------------------


def id_number_key(secret: str) -> bytes:
    """A key for ID-number hashes, derived from the sealing secret (never the secret itself)."""
    return hmac.new(secret.encode(), b"microcourt/identity/id-number/v1", hashlib.sha256).digest()


def _id_hash(key: bytes, number: str) -> str:
    """HMAC-SHA256 of a normalised ID number: look-ups without the plain number.

    A plain SHA-256 would not do: there are few enough valid ID numbers to try them all.
    """
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def _masked(number: str) -> str:
    """An ID number with the birth date and sequence hidden, for staff screens."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else ""


def staff_court(person: Person | None) -> str | None:
    """The court whose identity desk this person staffs (a clerk or judge), else None.

    The one authorization rule for the manual-check queue and overrides.
    """
    if person is None or person.staff_role not in ("clerk", "judge"):
        return None
    return person.court_code


def explain(catalog: Catalog, code: str, locale: str, **params: Any) -> str:
    """The text for an identity code in the person's language, saying what to do next.

    Keys under ``identity.`` in the flow texts first; then the identity library's own messages
    (ID-number, photo and liveness reasons); then the court's general ``errors.`` texts.
    """
    if catalog.has(f"identity.{code}", locale):
        return catalog.render(f"identity.{code}", locale, params)
    if code in face_texts.MESSAGES:
        return face_texts.message(code, "en" if locale == "en" else "zh")
    return catalog.render(f"errors.{code}", locale, params)


def failure_text(catalog: Catalog, result: Verification, locale: str) -> str:
    """Why a check failed, what to do, and the attempts left (or that a clerk takes over)."""
    reason = explain(catalog, result.reason or "not_same_person", locale)
    follow = "queued" if result.queued else "attempts_left"
    return f"{reason} {explain(catalog, follow, locale, n=result.attempts_left)}"


def _best_distance(reference: Sequence[float], observations: Sequence[FrameObservation]) -> float | None:
    """The smallest distance of any frame's face to the reference."""
    found = [face_distance(reference, o.encoding) for o in observations if o.encoding is not None]
    return min(found) if found else None


def _selfie_outcome(template: Sequence[float], probe: FaceProbe, settings: IdentitySettings) -> _Check:
    """A still photo against the reference: match only, liveness not checked."""
    decision = match_encoding(template, probe, settings.tolerance)
    if not decision.match:
        outcome = "no_match" if decision.reason == "not_same_person" else "unusable"
        return _Check(outcome, decision.reason, decision.distance, "not_checked")
    if decision.distance is not None and decision.distance < REPLAY_DISTANCE:
        return _Check("unusable", "same_photo", decision.distance, "not_checked")
    outcome = "match" if settings.selfie_suffices else "pending_review"
    return _Check(
        outcome,
        None if settings.selfie_suffices else "liveness_not_checked",
        decision.distance,
        "not_checked",
        "face_selfie",
    )


def _liveness_outcome(
    template: Sequence[float],
    challenge: Challenge,
    observations: Sequence[FrameObservation],
    received_at: datetime,
    tolerance: float,
) -> _Check:
    """Frames against the challenge: every frame the reference person, and the movement asked."""
    matches = matches_reference(template, observations, tolerance)
    landmarks = [o.landmarks if o.n_faces == 1 else None for o in observations]
    live = check_liveness(challenge, landmarks, matches, now=received_at)
    distance = _best_distance(template, observations)
    if live.passed and distance is not None and distance <= tolerance:
        return _Check("match", None, distance, f"passed:{challenge.kind}", "face_liveness")
    reason: str | None = live.reason
    if reason == "face_mismatch" and not any(matches):
        reason = "not_same_person"  # nobody in the frames is the reference person
    outcome = "unusable" if reason in ("face_lost", "too_few_frames") else "no_match"
    return _Check(outcome, reason, distance, f"failed:{live.reason}")


def _public_outcome(outcome: str) -> Outcome:
    """The recorded outcome as the API names it."""
    if outcome == "match":
        return "verified"
    if outcome == "pending_review":
        return "pending_review"
    return "failed"


# -- the service -------------------------------------------------------------------------------


class IdentityService:
    """Consent, reference, verification, re-verification, the clerk's queue and deletion."""

    def __init__(
        self,
        store: Store,
        encoder: FaceEncoder,
        tokens: TokenStore,
        clock: Clock,
        settings: IdentitySettings,
        on_verified: OnVerified,
        id_key: bytes,
        photo_dir: Path | None = None,
        on_rechecked: OnRechecked | None = None,
    ) -> None:
        self.store, self.encoder, self.tokens, self.clock = store, encoder, tokens, clock
        self.settings, self.on_verified, self._id_key = settings, on_verified, id_key
        self.photo_dir = photo_dir  # kept photos, only when settings.keep_selfies
        self.on_rechecked = on_rechecked

    async def close(self) -> None:
        """Stop the encoder's workers."""
        await self.encoder.close()

    # -- reading ---------------------------------------------------------------------------

    async def status(self, person_id: str) -> IdentityStatus:
        """Verified? By what? Consent and reference given? Attempts left this hour? In review?"""
        now = self.clock()
        async with self.store.tx() as tx:
            profile = await tx.session.get(IdentityProfile, person_id)
            used = await self._attempts_used(tx, person_id, now)
            latest = await _latest_verify_decision(tx, person_id)
            content = _content(tx, profile)
        verified = _verified(profile)
        return IdentityStatus(
            verified=verified,
            method=profile.method if profile is not None and verified else None,
            consent=profile is not None and profile.consent_at is not None,
            reference=bool(content.get("template")),
            attempts_left=max(0, self.settings.attempts_per_hour - used),
            in_review=not verified and latest is not None and latest.outcome in QUEUE_OUTCOMES,
        )

    async def person_for_id_number(self, id_number: str) -> str | None:
        """Who holds this resident ID number (a look-up by HMAC, never by the plain number)."""
        wanted = _id_hash(self._id_key, "".join(id_number.split()).upper())
        async with self.store.tx() as tx:
            return await tx.session.scalar(
                select(IdentityProfile.person_id).where(
                    IdentityProfile.id_number_hash == wanted, IdentityProfile.deleted_at.is_(None)
                )
            )

    # -- consent and reference --------------------------------------------------------------

    async def give_consent(self, person_id: str) -> datetime:
        """Record the person's separate, explicit consent to face capture (PIPL 28)."""
        now = self.clock()
        async with self.store.tx() as tx:
            profile = await self._profile_for_update(tx, person_id)
            profile.consent_at = now
        log.info("biometric consent recorded", extra={"code": "consent"})
        return now

    async def set_reference(
        self, person_id: str, name: str, id_number: str, photo: bytes, channel: str = "web"
    ) -> None:
        """Store the ID photo's face template with the name and ID number, all sealed.

        Refuses (IdentityRefused) an invalid ID number, a missing consent, an unusable photo
        (with the photo's specific reason), a busy encoder, or a person already verified.
        """
        now = self.clock()
        name = " ".join(name.split())
        if not name or len(name) > 50:
            raise IdentityRefused("name_required")
        number = self._valid_id_number(id_number, now)
        await self._check_reference_allowed(person_id, number, now)
        probe = await self._encode(photo)
        async with self.store.tx() as tx:
            if not probe.usable:
                self._record(
                    tx, person_id, REFERENCE, channel, _Check("unusable", probe.reason, None, "not_checked"), now
                )
            else:
                await self._store_reference(tx, person_id, name, number, probe, channel, now)
        if not probe.usable:
            raise IdentityRefused(probe.reason or "no_face")
        log.info("identity reference stored", extra={"code": "reference"})

    def _valid_id_number(self, raw: str, now: datetime) -> str:
        """The normalised resident ID number, checked against the court's date (DOMAIN §2.2)."""
        today = now.astimezone(ZoneInfo(self.settings.timezone)).date()
        try:
            return parse_resident_id(raw, today).number
        except InvalidIdNumber as exc:
            raise IdentityRefused(exc.code) from None

    async def _check_reference_allowed(self, person_id: str, number: str, now: datetime) -> None:
        """Consent given, not yet verified, attempts left, ID number not someone else's."""
        async with self.store.tx() as tx:
            profile = await tx.session.get(IdentityProfile, person_id)
            if profile is None or profile.consent_at is None:
                raise IdentityRefused("consent_required")
            if _verified(profile):
                raise IdentityRefused("already_verified")
            if await self._count(tx, person_id, REFERENCE, now) >= self.settings.attempts_per_hour:
                raise IdentityRefused("too_many_attempts")
            holder = await tx.session.scalar(
                select(IdentityProfile.person_id).where(
                    IdentityProfile.id_number_hash == _id_hash(self._id_key, number),
                    IdentityProfile.person_id != person_id,
                    IdentityProfile.deleted_at.is_(None),
                )
            )
        if holder is not None:
            raise IdentityRefused("id_number_in_use")

    async def _store_reference(
        self,
        tx: Tx,
        person_id: str,
        name: str,
        number: str,
        probe: FaceProbe,
        channel: str,
        now: datetime,
    ) -> None:
        """Seal name, ID number and template into the profile; record the accepted reference."""
        profile = await self._profile_for_update(tx, person_id)
        template = list(probe.encoding or ())
        profile.sealed = tx.sealer.seal(
            {"name": name, "id_number": number, "template": template, "reference_at": now.isoformat()}
        )
        profile.id_number_hash = _id_hash(self._id_key, number)
        profile.method, profile.verified_at, profile.deleted_at = PENDING, None, None
        self._record(tx, person_id, REFERENCE, channel, _Check("accepted", None, None, "not_checked"), now)

    # -- verification ------------------------------------------------------------------------

    async def issue_challenge(self, person_id: str) -> IssuedChallenge:
        """A random liveness challenge, valid ``challenge_ttl``, single-use, bound to the person."""
        await self._reference_template(person_id)
        now = self.clock()
        kind = _choose(self.settings.challenge_kinds)
        expires_at = now + self.settings.challenge_ttl
        value = json.dumps(
            {"person": person_id, "kind": kind, "issued_at": now.isoformat(), "expires_at": expires_at.isoformat()}
        )
        ttl = int(self.settings.challenge_ttl.total_seconds()) + CHALLENGE_GRACE_SECONDS
        nonce = await self.tokens.issue(CHALLENGE_PURPOSE, value, ttl, now.timestamp())
        return IssuedChallenge(nonce, kind, expires_at)

    async def verify_selfie(
        self,
        person_id: str,
        frames: Sequence[bytes],
        nonce: str | None,
        channel: str,
        case_id: str | None = None,
    ) -> Verification:
        """Check the person against their reference and record the decision.

        With a nonce: liveness frames from the mini-app. Without: one still photo (Telegram),
        whose match verifies only if the court's ``selfie_suffices`` setting says so.
        """
        if not frames:
            raise IdentityRefused("photo_missing")
        received_at = self.clock()
        template = await self._reference_template(person_id)
        async with self.store.tx() as tx:
            used = await self._attempts_used(tx, person_id, received_at)
        if used >= self.settings.attempts_per_hour:
            return await self._refuse_attempt(person_id, channel, case_id, received_at)
        if nonce is None:
            check = _selfie_outcome(template, await self._encode(frames[0]), self.settings)
        else:
            check = await self._liveness_check(person_id, template, nonce, frames, received_at)
        return await self._conclude(person_id, channel, case_id, check, used, frames, received_at)

    async def _liveness_check(
        self,
        person_id: str,
        template: Sequence[float],
        nonce: str,
        frames: Sequence[bytes],
        received_at: datetime,
    ) -> _Check:
        """Redeem the challenge, observe the frames in the pool, decide."""
        challenge = await self._redeem(person_id, nonce, received_at)
        if challenge.expired(received_at):  # no need to spend the encoder on a late answer
            return _Check("no_match", "challenge_expired", None, "failed:challenge_expired")
        observations = await self._observe(frames)
        return _liveness_outcome(template, challenge, observations, received_at, self.settings.tolerance)

    async def _redeem(self, person_id: str, nonce: str, now: datetime) -> Challenge:
        """The person's own unspent challenge for this nonce, else ``challenge_expired``."""
        raw = await self.tokens.redeem(CHALLENGE_PURPOSE, nonce, now.timestamp())
        value = json.loads(raw) if raw else {}
        if value.get("person") != person_id:
            raise IdentityRefused("challenge_expired")
        return Challenge(
            value["kind"],
            nonce,
            datetime.fromisoformat(value["issued_at"]),
            datetime.fromisoformat(value["expires_at"]),
        )

    async def _conclude(
        self,
        person_id: str,
        channel: str,
        case_id: str | None,
        check: _Check,
        used: int,
        frames: Sequence[bytes],
        now: datetime,
    ) -> Verification:
        """Record the decision; verify on a match; queue the person when attempts run out."""
        left = max(0, self.settings.attempts_per_hour - used - 1)
        queued = check.outcome == "pending_review"
        async with self.store.tx() as tx:
            decision = self._record(tx, person_id, VERIFY, channel, check, now, case_id)
            if check.outcome == "match":
                profile = await self._profile_for_update(tx, person_id)
                profile.verified_at, profile.method = now, check.method or "face_liveness"
            elif check.outcome != "pending_review" and left == 0:
                self._record_refusal(tx, person_id, channel, now, case_id)
                queued = True
            await tx.flush()
            decision_id = decision.id
        await self._keep_photos(person_id, decision_id, frames)
        moved = await self.on_verified(person_id) if check.outcome == "match" else 0
        return Verification(
            _public_outcome(check.outcome), check.reason, check.distance, check.liveness, left, queued, moved
        )

    async def _refuse_attempt(self, person_id: str, channel: str, case_id: str | None, now: datetime) -> Verification:
        """Over the hourly limit: refuse, and make sure the person is in the clerk's queue."""
        async with self.store.tx() as tx:
            latest = await _latest_verify_decision(tx, person_id)
            if latest is None or latest.outcome != "refused":
                self._record_refusal(tx, person_id, channel, now, case_id)
        return Verification("refused", "too_many_attempts", None, "not_checked", 0, queued=True)

    def _record_refusal(self, tx: Tx, person_id: str, channel: str, now: datetime, case_id: str | None) -> None:
        """Out of attempts: a `refused` decision, which puts the person in the clerk's queue."""
        refused = _Check("refused", "too_many_attempts", None, "not_checked")
        self._record(tx, person_id, VERIFY, channel, refused, now, case_id)

    # -- re-verification (OLR 7(3)) ----------------------------------------------------------

    async def reverify(
        self, person_id: str, case_id: str, session_kind: str, frames: Sequence[bytes]
    ) -> Reverification:
        """A fresh face check against the verified reference at the start of a session.

        Frames without exactly one face are skipped; at least one must show a face and every
        face shown must be the verified person. A failure is recorded for the session feature
        to act on (block acts, alert the judge) through ``last_reverification``.
        """
        if session_kind not in SESSION_KINDS:
            raise ValueError(f"unknown session kind {session_kind!r}")
        if not frames:
            raise IdentityRefused("photo_missing")
        now = self.clock()
        async with self.store.tx() as tx:
            profile = await _live_profile(tx, person_id)
            template = _content(tx, profile).get("template")
        if profile is None or profile.verified_at is None or not template:
            raise IdentityRefused("not_verified")
        observations = [o for o in await self._observe(frames) if o.n_faces == 1]
        check = _reverify_outcome(template, observations, self.settings.tolerance)
        async with self.store.tx() as tx:
            self._record(tx, person_id, f"reverify:{session_kind}", "session", check, now, case_id)
        passed = check.outcome == "match"
        if self.on_rechecked is not None:  # the case's flow blocks or frees the participant
            await self.on_rechecked(person_id, case_id, passed)
        return Reverification(passed, check.reason, check.distance, now)

    async def last_reverification(self, person_id: str, case_id: str, session_kind: str) -> Reverification | None:
        """The newest re-verification of this person for this case and kind of session."""
        async with self.store.tx() as tx:
            row = await tx.session.scalar(
                select(IdentityDecision)
                .where(
                    IdentityDecision.person_id == person_id,
                    IdentityDecision.case_id == case_id,
                    IdentityDecision.purpose == f"reverify:{session_kind}",
                )
                .order_by(IdentityDecision.id.desc())
                .limit(1)
            )
        if row is None:
            return None
        return Reverification(row.outcome == "match", row.reason, row.distance, row.at)

    # -- the clerk's manual check --------------------------------------------------------------

    async def manual_review_queue(self, court_code: str) -> list[QueueItem]:
        """People waiting for a manual check (selfie without liveness, or out of attempts)."""
        async with self.store.tx() as tx:
            rows = await _queue_rows(tx)
            items = []
            for decision, profile, person in rows:
                cases = await _court_cases(tx, person.id, court_code, self.settings.court_code)
                if cases is not None:
                    items.append(_queue_item(tx, decision, profile, person, cases))
        return items

    async def override(self, clerk_id: str, person_id: str, outcome: str, reason: str) -> int:
        """A clerk's (or judge's) manual decision, recorded with who and why.

        ``outcome`` is ``verified`` or ``rejected``. Returns how many cases moved on.
        """
        reason = reason.strip()
        if outcome not in ("verified", "rejected"):
            raise IdentityRefused("override_outcome")
        if not reason:
            raise IdentityRefused("override_reason_required")
        now = self.clock()
        async with self.store.tx() as tx:
            court = staff_court(await tx.person(clerk_id))
            if court is None:
                raise IdentityRefused("not_staff")
            if (
                await tx.person(person_id) is None
                or await _court_cases(tx, person_id, court, self.settings.court_code) is None
            ):
                raise IdentityRefused("unknown_person")
            profile = await self._profile_for_update(tx, person_id)
            if outcome == "verified":
                profile.verified_at, profile.method, profile.deleted_at = now, "clerk_override", None
            self._record(
                tx,
                person_id,
                VERIFY,
                "clerk",
                _Check(f"override_{outcome}", None, None, "not_checked"),
                now,
                decided_by=clerk_id,
                override_reason=reason[:2000],
            )
        log.info("identity override", extra={"code": f"override_{outcome}"})
        return await self.on_verified(person_id) if outcome == "verified" else 0

    # -- deletion (PIPL 28, DOMAIN §2.4) -------------------------------------------------------

    async def delete_biometrics(self, person_id: str) -> bool:
        """Wipe the face template once every case of the person is closed; False if none held.

        Refuses with ``case_live`` (naming the case) while a case is still going on. Name and
        ID number stay with the closed cases' record; consent must be given anew for any later
        capture, and the person is no longer verified.
        """
        now = self.clock()
        async with self.store.tx() as tx:
            for case, _role in await tx.cases_of(person_id):
                if case.status not in self.settings.closed_statuses:
                    raise IdentityRefused("case_live", reference=case.case_number or case.reference)
            profile = await _live_profile(tx, person_id)
            content = _content(tx, profile)
            if profile is None or "template" not in content:
                return False
            content.pop("template")
            profile.sealed = tx.sealer.seal(content)
            profile.deleted_at, profile.consent_at = now, None
            self._record(tx, person_id, DELETE, "web", _Check("deleted", None, None, "not_checked"), now)
        await self._forget_photos(person_id)
        log.info("biometrics deleted", extra={"code": "delete"})
        return True

    # -- shared steps ----------------------------------------------------------------------------

    async def _reference_template(self, person_id: str) -> list[float]:
        """The person's reference template, checking consent, reference and not yet verified."""
        async with self.store.tx() as tx:
            profile = await tx.session.get(IdentityProfile, person_id)
            content = _content(tx, profile)
        if profile is None or profile.consent_at is None:
            raise IdentityRefused("consent_required")
        if _verified(profile):
            raise IdentityRefused("already_verified")
        template = content.get("template")
        if not template:
            raise IdentityRefused("no_reference")
        return [float(v) for v in template]

    async def _profile_for_update(self, tx: Tx, person_id: str) -> IdentityProfile:
        """The person's profile, created empty (sealed ``{}``) on first use."""
        profile = await tx.session.get(IdentityProfile, person_id)
        if profile is not None:
            return profile
        if await tx.person(person_id) is None:
            raise IdentityRefused("unknown_person")
        profile = IdentityProfile(person_id=person_id, sealed=tx.sealer.seal({}), id_number_hash="", method=PENDING)
        tx.add(profile)
        return profile

    async def _attempts_used(self, tx: Tx, person_id: str, now: datetime) -> int:
        """Verification attempts in the last hour (clerk decisions and refusals not counted)."""
        return await self._count(tx, person_id, VERIFY, now)

    async def _count(self, tx: Tx, person_id: str, purpose: str, now: datetime) -> int:
        """Decisions of ``purpose`` the person's own attempts made in the last hour."""
        found = await tx.session.scalar(
            select(func.count(IdentityDecision.id)).where(
                IdentityDecision.person_id == person_id,
                IdentityDecision.purpose == purpose,
                IdentityDecision.decided_by.is_(None),
                IdentityDecision.outcome != "refused",
                IdentityDecision.at > now - timedelta(hours=1),
            )
        )
        return int(found or 0)

    def _record(
        self,
        tx: Tx,
        person_id: str,
        purpose: str,
        channel: str,
        check: _Check,
        now: datetime,
        case_id: str | None = None,
        decided_by: str | None = None,
        override_reason: str | None = None,
    ) -> IdentityDecision:
        """Add one decision row: numbers and outcome only, never a picture or a template."""
        row = IdentityDecision(
            person_id=person_id,
            purpose=purpose,
            case_id=case_id,
            channel=channel[:20],
            distance=check.distance,
            tolerance=self.settings.tolerance,
            liveness=check.liveness[:40],
            outcome=check.outcome,
            reason=check.reason,
            decided_by=decided_by,
            override_reason=override_reason,
            at=now,
        )
        tx.add(row)
        log.info("identity decision", extra={"code": f"{purpose}:{check.outcome}", "channel": channel})
        return row

    async def _encode(self, photo: bytes) -> FaceProbe:
        """One photo through the encoder; a full queue or dead worker says ``busy``."""
        try:
            return await self.encoder.encode(photo)
        except UnreadableImage:
            raise IdentityRefused("unreadable_image") from None
        except (EncoderBusy, concurrent.futures.BrokenExecutor):
            raise IdentityRefused("busy") from None

    async def _observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Liveness frames through the encoder; a full queue or dead worker says ``busy``."""
        try:
            return await self.encoder.observe(frames)
        except UnreadableImage:
            raise IdentityRefused("unreadable_image") from None
        except (EncoderBusy, concurrent.futures.BrokenExecutor):
            raise IdentityRefused("busy") from None

    async def _keep_photos(self, person_id: str, decision_id: int, photos: Sequence[bytes]) -> None:
        """With MICROCOURT_KEEP_SELFIES only: the photos, sealed, named by the decision id."""
        if not self.settings.keep_selfies or self.photo_dir is None:
            return
        sealed = self.store.sealer.seal([base64.b64encode(p).decode() for p in photos])
        path = self.photo_dir / person_id / f"{decision_id}.sealed"
        await asyncio.to_thread(_write_private, path, sealed)

    async def _forget_photos(self, person_id: str) -> None:
        """Delete any kept photos of the person."""
        if self.photo_dir is not None:
            await asyncio.to_thread(shutil.rmtree, self.photo_dir / person_id, True)


# -- module-level steps that need a transaction but no service state -----------------------------


def _choose(kinds: Sequence[ChallengeKind]) -> ChallengeKind:
    """An unpredictable pick (``secrets``), as identity.liveness does."""
    return secrets.choice(list(kinds))


def _write_private(path: Path, text: str) -> None:
    """Write a file only the server's user can read."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(text)
    path.chmod(0o600)


def _reverify_outcome(template: Sequence[float], faces: Sequence[FrameObservation], tolerance: float) -> _Check:
    """Every single-face frame must be the verified person; at least one such frame."""
    if not faces:
        return _Check("unusable", "no_face", None, "not_checked")
    distances = [face_distance(template, o.encoding) for o in faces if o.encoding is not None]
    if not distances or max(distances) > tolerance:
        return _Check("no_match", "not_same_person", min(distances, default=None), "not_checked")
    return _Check("match", None, min(distances), "not_checked")


def _verified(profile: IdentityProfile | None) -> bool:
    """Verified and not since deleted (the same rule as identity.models.is_verified)."""
    return profile is not None and profile.verified_at is not None and profile.deleted_at is None


async def _live_profile(tx: Tx, person_id: str) -> IdentityProfile | None:
    """The person's profile unless its biometrics were deleted."""
    profile = await tx.session.get(IdentityProfile, person_id)
    return profile if profile is not None and profile.deleted_at is None else None


def _content(tx: Tx, profile: IdentityProfile | None) -> dict[str, Any]:
    """The sealed part of a profile, opened ({} when there is none)."""
    if profile is None:
        return {}
    opened = tx.sealer.open(profile.sealed)
    return cast(dict[str, Any], opened) if isinstance(opened, dict) else {}


async def _latest_verify_decision(tx: Tx, person_id: str) -> IdentityDecision | None:
    """The newest verification decision about the person (their own or a clerk's)."""
    return await tx.session.scalar(
        select(IdentityDecision)
        .where(IdentityDecision.person_id == person_id, IdentityDecision.purpose == VERIFY)
        .order_by(IdentityDecision.id.desc())
        .limit(1)
    )


async def _queue_rows(tx: Tx) -> list[tuple[IdentityDecision, IdentityProfile, Person]]:
    """Unverified people whose latest verification decision left them waiting for a clerk."""
    latest = (
        select(IdentityDecision.person_id, func.max(IdentityDecision.id).label("last_id"))
        .where(IdentityDecision.purpose == VERIFY)
        .group_by(IdentityDecision.person_id)
        .subquery()
    )
    rows = await tx.session.execute(
        select(IdentityDecision, IdentityProfile, Person)
        .join(latest, IdentityDecision.id == latest.c.last_id)
        .join(IdentityProfile, IdentityProfile.person_id == IdentityDecision.person_id)
        .join(Person, Person.id == IdentityDecision.person_id)
        .where(
            IdentityDecision.outcome.in_(QUEUE_OUTCOMES),
            IdentityProfile.verified_at.is_(None),
            IdentityProfile.deleted_at.is_(None),
        )
        .order_by(IdentityDecision.at)
    )
    return [(d, p, person) for d, p, person in rows]


async def _court_cases(tx: Tx, person_id: str, court_code: str, home_court: str) -> list[Case] | None:
    """The person's cases in ``court_code``; [] for someone with no case at all in this
    deployment's own court (they verify before filing); None if they belong to another court."""
    cases = list(
        await tx.session.scalars(
            select(Case)
            .join(Participant, Participant.case_id == Case.id)
            .where(Participant.person_id == person_id)
            .order_by(Case.created_at)
        )
    )
    mine = [case for case in cases if case.court_code == court_code]
    if mine or (not cases and court_code == home_court):
        return mine
    return None


def _queue_item(
    tx: Tx, decision: IdentityDecision, profile: IdentityProfile, person: Person, cases: list[Case]
) -> QueueItem:
    """What a clerk needs to see for one waiting person (masked ID number, no biometrics)."""
    content = _content(tx, profile)
    return QueueItem(
        person_id=person.id,
        display_name=person.display_name,
        name=str(content.get("name", "")),
        id_masked=_masked(str(content.get("id_number", ""))),
        since=decision.at,
        outcome=decision.outcome,
        reason=decision.reason,
        distance=decision.distance,
        channel=decision.channel,
        cases=[{"case_id": c.id, "reference": c.case_number or c.reference, "status": c.status} for c in cases],
    )
