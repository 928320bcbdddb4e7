"""The identity service: real-name verification of the people who act in a case.

OLR 7 / ICP 6: an act with legal effect needs a verified person; here that is the face on their
resident ID card, the card read and its name and number the ones they typed (the reference,
identity.card), compared with the person's face. PIPL 28: the face template is sensitive personal
information, so capture needs separate, explicit consent (``give_consent``), the template is
sealed at rest, it never reaches a log, and it is deleted on request once the person's cases are
closed. Every comparison is recorded in ``IdentityDecision`` (distance, tolerance, liveness,
outcome), never the picture, unless the court's setting says to keep the pictures.

Two ways to verify:
- the live check: a challenge (``issue_challenge``, a random sequence of actions) answered with
  one continuous recording (the mini-app's MediaRecorder, a Telegram video note) of the reference
  person doing them in order (``verify_recording``; identity.liveness);
- a single still selfie (Telegram): compared with the reference only. A still photo cannot show
  that a live person took it, so by default (``selfie_suffices`` false) a matching selfie puts the
  person in the clerk's manual-check queue instead of verifying them.

A person gets ``attempts_per_hour`` checks per hour; beyond that the check is refused and the
person goes to the clerk's queue, where a clerk's decision is an override with a reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete

from identity.card import card_reason
from identity.card_review import CARD_UNREADABLE, record_card
from identity.challenges import new_challenge, redeem_challenge
from identity.decisions import Check, public_outcome, recording_outcome, reverify_outcome, selfie_outcome
from identity.id_numbers import id_number_hash
from identity.models import IdentityDecision, IdentityProfile
from identity.photos import forget_photos, keep_photos
from identity.probing import FaceEncoder, probe_card, probe_frames, probe_photo, probe_recording
from identity.recording import still_frames
from identity.records import (
    CHECKING,
    DELETE,
    REFERENCE,
    VERIFY,
    attempts_in_last_hour,
    id_number_holder,
    latest_reverification,
    latest_verify_decision,
    live_profile,
    lock_attempts,
    profile_for_update,
    profile_verified,
    record_decision,
    sealed_content,
)
from identity.reference import check_reference_allowed, valid_id_number
from identity.results import (
    HistoryEntry,
    IdentityRefused,
    IdentityStatus,
    IssuedChallenge,
    QueueItem,
    Reverification,
    Verification,
)
from identity.review import QUEUE_OUTCOMES, decision_history, record_override, review_item, review_queue
from identity.review_pictures import held_pictures, hold_pictures, open_picture, release_pictures
from identity.settings import IdentitySettings
from storage.ephemeral import TokenStore
from storage.store import Store, Tx

__all__ = ["SESSION_KINDS", "IdentityService"]

log = logging.getLogger("microcourt.identity")

SESSION_KINDS = frozenset({"mediation", "evidence_exchange", "inquiry", "hearing"})  # OLR 7(3), OMR 17

Clock = Callable[[], datetime]
OnVerified = Callable[[str], Awaitable[int]]
OnRechecked = Callable[[str, str, bool], Awaitable[object]]
"""(person, case, passed) -> feed a session's re-check to the case as an event (OLR 7(3))."""
Stills = Callable[[], Awaitable[Sequence[bytes]]]
"""The pictures of a check, as a clerk would look at them (a selfie; frames of a recording)."""


class ReviewListener(Protocol):
    """The court's side of a clerk's decision: the person is told, in the channel they use."""

    async def queue_review_notice(
        self, tx: Tx, person_id: str, court_code: str, outcome: str, reason: str, now: datetime
    ) -> None:
        """Queue the message telling the person, in the decision's own transaction."""

    async def review_decided(self, person_id: str, outcome: str) -> int:
        """After commit: send it, and move the person's waiting cases on if verified (how many)."""


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
        id_keys: Sequence[bytes],
        photo_dir: Path | None = None,
        on_rechecked: OnRechecked | None = None,
        on_reviewed: ReviewListener | None = None,
    ) -> None:
        self.store, self.encoder, self.tokens, self.clock = store, encoder, tokens, clock
        # the ID-number HMAC keys, the current first (see app.bootstrap.id_number_keys)
        self.settings, self.on_verified, self._id_keys = settings, on_verified, tuple(id_keys)
        self.photo_dir = photo_dir  # kept photos, only when settings.keep_selfies
        self.on_rechecked = on_rechecked
        self.on_reviewed = on_reviewed

    async def close(self) -> None:
        """Stop the encoder's workers."""
        await self.encoder.close()

    # -- reading ---------------------------------------------------------------------------

    async def status(self, person_id: str) -> IdentityStatus:
        """Verified? By what? Consent and reference given? Attempts left this hour? In review?"""
        now = self.clock()
        async with self.store.tx() as tx:
            profile = await tx.session.get(IdentityProfile, person_id)
            used = await attempts_in_last_hour(tx, person_id, VERIFY, now)
            latest = await latest_verify_decision(tx, person_id)
            content = sealed_content(tx, profile)
        verified = profile_verified(profile)
        return IdentityStatus(
            verified=verified,
            method=profile.method if profile is not None and verified else None,
            consent=profile is not None and profile.consent_at is not None,
            reference=bool(content.get("template")),
            attempts_left=max(0, self.settings.attempts_per_hour - used),
            in_review=not verified and latest is not None and latest.outcome in QUEUE_OUTCOMES,
        )

    def number_hashes(self, id_number: str) -> list[str]:
        """The HMACs a resident ID number is looked up by (never the plain number): under the
        current key, which stores it, then under the previous keys, until `keys rotate` ran."""
        number = "".join(id_number.split()).upper()
        return [id_number_hash(key, number) for key in self._id_keys]

    async def person_for_id_number(self, id_number: str) -> str | None:
        """Who holds this resident ID number (a look-up by HMAC, never by the plain number)."""
        async with self.store.tx() as tx:
            return await id_number_holder(tx, self.number_hashes(id_number))

    # -- consent and reference --------------------------------------------------------------

    async def give_consent(self, person_id: str) -> datetime:
        """Record the person's separate, explicit consent to face capture (PIPL 28)."""
        now = self.clock()
        async with self.store.tx() as tx:
            profile = await profile_for_update(tx, person_id)
            profile.consent_at = now
        log.info("biometric consent recorded", extra={"code": "consent"})
        return now

    async def set_reference(
        self, person_id: str, name: str, id_number: str, photo: bytes, channel: str = "web"
    ) -> None:
        """Read the photo of the person's ID card; keep its face's template with the name and ID
        number, all sealed.

        Refuses (IdentityRefused) an invalid ID number, a missing consent, a photo that is not
        of a card (``not_a_card``), a card whose number or name is not the one typed, one that
        cannot be read (``card_unreadable``: a better photo is asked for; at the third in an hour
        the clerk reads it by hand, ``card_review``), a card with no usable face, a busy encoder,
        or a person already verified. The hourly limit holds however uploads arrive: each takes
        its attempt (a `checking` row) in the transaction that counts them, under the person's
        attempts lock, before the photo is read.
        """
        now = self.clock()
        name = " ".join(name.split())
        if not name or len(name) > 50:
            raise IdentityRefused("name_required")
        number = valid_id_number(id_number, now, self.settings)
        hashes = self.number_hashes(number)
        async with self.store.tx() as tx:  # count and take the attempt at once (see _reserve_attempt)
            await lock_attempts(tx, person_id)
            await check_reference_allowed(tx, person_id, hashes, now, self.settings)
            reserved = record_decision(tx, person_id, REFERENCE, channel, CHECKING, now, self.settings.tolerance)
            await tx.flush()
            decision_id = reserved.id
        try:  # no database connection is held while the card is read
            reading = await probe_card(self.encoder, photo)
        except BaseException:  # not read (encoder busy, unreadable, cancelled): no attempt
            await asyncio.shield(self._cancel_attempt(decision_id))
            raise
        reason = card_reason(reading, name, number)
        async with self.store.tx() as tx:
            await tx.session.execute(delete(IdentityDecision).where(IdentityDecision.id == decision_id))
            read = await record_card(
                tx, person_id, name, number, hashes[0], reading.face, reason, channel, now, self.settings
            )
        if reason is None or reason == CARD_UNREADABLE:  # the card a clerk compares with, or reads by hand
            await self._hold(person_id, read.decision_id, [photo])
        if read.to_clerk:
            raise IdentityRefused("card_review")
        if reason is not None:
            raise IdentityRefused(reason)
        log.info("identity reference stored", extra={"code": "reference"})

    # -- verification ------------------------------------------------------------------------

    async def issue_challenge(self, person_id: str) -> IssuedChallenge:
        """A random liveness challenge, valid ``challenge_ttl``, single-use, bound to the person."""
        await self._reference_template(person_id)
        return await new_challenge(self.tokens, person_id, self.settings, self.clock())

    async def verify_selfie(
        self,
        person_id: str,
        photo: bytes,
        channel: str,
        case_id: str | None = None,
        on_verified: OnVerified | None = None,
    ) -> Verification:
        """A still selfie (Telegram) against the reference, recorded. A still photo cannot show
        that a live person took it, so a match verifies only with ``selfie_suffices``; otherwise it
        goes to the clerk. ``on_verified``: what moves the person's cases on a match, for this call
        (default: the service's own; a Telegram turn gives one that collects the court's sends)."""
        if not photo:
            raise IdentityRefused("photo_missing")

        async def compare(template: Sequence[float], _received_at: datetime) -> Check:
            return selfie_outcome(template, await probe_photo(self.encoder, photo), self.settings)

        async def stills() -> Sequence[bytes]:
            return [photo]

        return await self._attempt(person_id, channel, case_id, compare, [photo], stills, on_verified)

    async def verify_recording(
        self,
        person_id: str,
        video: bytes,
        nonce: str,
        channel: str,
        case_id: str | None = None,
        on_verified: OnVerified | None = None,
    ) -> Verification:
        """The live check: one continuous recording answering the challenge ``nonce`` (the
        mini-app's MediaRecorder, or a Telegram video note), recorded as a decision."""
        if not video:
            raise IdentityRefused("recording_missing")

        async def compare(template: Sequence[float], received_at: datetime) -> Check:
            challenge = await redeem_challenge(self.tokens, person_id, nonce, received_at)
            if challenge.expired(received_at):  # no need to spend the encoder on a late answer
                return Check("no_match", "challenge_expired", None, "failed:challenge_expired")
            recording = await probe_recording(self.encoder, video)
            log.info(  # the take's measures only: nothing about the person
                "live recording measured: %.1f s, %d frames, largest gap %.2f s, largest change %.1f",
                recording.duration,
                recording.frame_count,
                recording.largest_gap,
                recording.largest_change,
                extra={"code": "recording"},
            )
            return recording_outcome(template, challenge, recording, received_at, self.settings.tolerance)

        async def stills() -> Sequence[bytes]:
            return await asyncio.to_thread(still_frames, video)

        return await self._attempt(person_id, channel, case_id, compare, [video], stills, on_verified)

    async def _attempt(
        self,
        person_id: str,
        channel: str,
        case_id: str | None,
        compare: Callable[[Sequence[float], datetime], Awaitable[Check]],
        pictures: Sequence[bytes],
        stills: Stills,
        on_verified: OnVerified | None,
    ) -> Verification:
        """Take an attempt, compare with no database connection held, record the decision."""
        received_at = self.clock()
        template = await self._reference_template(person_id)
        reserved = await self._reserve_attempt(person_id, channel, case_id, received_at)
        if isinstance(reserved, Verification):
            return reserved  # over the hourly limit
        decision_id, used = reserved
        try:
            check = await compare(template, received_at)
        except BaseException:  # not compared (encoder busy, unreadable, cancelled): no attempt
            await asyncio.shield(self._cancel_attempt(decision_id))
            raise
        settled = self._record(decision_id, person_id, channel, case_id, check, used, received_at)
        decision_id, left, queued = await asyncio.shield(settled)  # recorded even if the caller goes
        moved_by = on_verified or self.on_verified
        if queued:  # the clerk will need to see what was sent
            await self._hold(person_id, decision_id, await stills())
        return await self._conclude(person_id, check, decision_id, left, queued, pictures, moved_by)

    async def _reserve_attempt(
        self, person_id: str, channel: str, case_id: str | None, now: datetime
    ) -> tuple[int, int] | Verification:
        """Count the person's attempts and take the next as a `checking` decision row, in one short
        transaction that checks sent together (in any process) pass one at a time: a PostgreSQL
        advisory lock, SQLite's single writer. Returns the row's id and the attempts used before."""
        async with self.store.tx() as tx:
            await lock_attempts(tx, person_id)
            used = await attempts_in_last_hour(tx, person_id, VERIFY, now)
            if used >= self.settings.attempts_per_hour:
                return await self._refuse_attempt(tx, person_id, channel, case_id, now)
            row = record_decision(tx, person_id, VERIFY, channel, CHECKING, now, self.settings.tolerance, case_id)
            await tx.flush()
            return row.id, used

    async def _cancel_attempt(self, decision_id: int) -> None:
        async with self.store.tx() as tx:
            await tx.session.execute(delete(IdentityDecision).where(IdentityDecision.id == decision_id))

    async def _record(
        self,
        decision_id: int,
        person_id: str,
        channel: str,
        case_id: str | None,
        check: Check,
        used: int,
        now: datetime,
    ) -> tuple[int, int, bool]:
        """The reserved attempt becomes the decision, a row of its own as decisions are ordered
        by when they were made; verify on a match; queue the person when attempts run out.
        Returns the decision's id, the attempts left and whether the person is queued."""
        left = max(0, self.settings.attempts_per_hour - used - 1)
        queued = check.outcome == "pending_review"
        async with self.store.tx() as tx:
            await tx.session.execute(delete(IdentityDecision).where(IdentityDecision.id == decision_id))
            row = record_decision(tx, person_id, VERIFY, channel, check, now, self.settings.tolerance, case_id)
            if check.outcome == "match":
                profile = await profile_for_update(tx, person_id)
                profile.verified_at, profile.method = now, check.method or "face_liveness"
            elif check.outcome != "pending_review" and left == 0:
                self._record_refusal(tx, person_id, channel, now, case_id)
                queued = True
            await tx.flush()
            return row.id, left, queued

    async def _conclude(
        self,
        person_id: str,
        check: Check,
        decision_id: int,
        left: int,
        queued: bool,
        frames: Sequence[bytes],
        on_verified: OnVerified,
    ) -> Verification:
        """After the decision is committed: keep the pictures if the court says so, move the
        person's cases on a match, and say what happened."""
        if self.settings.keep_selfies and self.photo_dir is not None:  # MICROCOURT_KEEP_SELFIES only
            await keep_photos(self.photo_dir, self.store.sealer, person_id, decision_id, frames)
        if check.outcome == "match":
            await self._release(person_id)
        moved = await on_verified(person_id) if check.outcome == "match" else 0
        return Verification(
            public_outcome(check.outcome), check.reason, check.distance, check.liveness, left, queued, moved
        )

    async def _refuse_attempt(
        self, tx: Tx, person_id: str, channel: str, case_id: str | None, now: datetime
    ) -> Verification:
        """Over the hourly limit: refuse, and make sure the person is in the clerk's queue."""
        latest = await latest_verify_decision(tx, person_id)
        if latest is None or latest.outcome != "refused":
            self._record_refusal(tx, person_id, channel, now, case_id)
        return Verification("refused", "too_many_attempts", None, "not_checked", 0, queued=True)

    def _record_refusal(self, tx: Tx, person_id: str, channel: str, now: datetime, case_id: str | None) -> None:
        """Out of attempts: a `refused` decision, which puts the person in the clerk's queue."""
        refused = Check("refused", "too_many_attempts", None, "not_checked")
        record_decision(tx, person_id, VERIFY, channel, refused, now, self.settings.tolerance, case_id)

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
            profile = await live_profile(tx, person_id)
            template = sealed_content(tx, profile).get("template")
        if profile is None or profile.verified_at is None or not template:
            raise IdentityRefused("not_verified")
        observations = [o for o in await probe_frames(self.encoder, frames) if o.n_faces == 1]
        check = reverify_outcome(template, observations, self.settings.tolerance)
        async with self.store.tx() as tx:
            purpose = f"reverify:{session_kind}"
            record_decision(tx, person_id, purpose, "session", check, now, self.settings.tolerance, case_id)
        passed = check.outcome == "match"
        if self.on_rechecked is not None:  # the case's flow blocks or frees the participant
            await self.on_rechecked(person_id, case_id, passed)
        return Reverification(passed, check.reason, check.distance, now)

    async def last_reverification(self, person_id: str, case_id: str, session_kind: str) -> Reverification | None:
        """The newest re-verification of this person for this case and kind of session."""
        async with self.store.tx() as tx:
            row = await latest_reverification(tx, person_id, case_id, session_kind)
        if row is None:
            return None
        return Reverification(row.outcome == "match", row.reason, row.distance, row.at)

    # -- the clerk's manual check --------------------------------------------------------------

    # ``court_code`` in these is the desk of the clerk asking (``court.access.identity_desk``).

    async def manual_review_queue(self, court_code: str) -> list[QueueItem]:
        """People waiting for a manual check (selfie without liveness, or out of attempts)."""
        async with self.store.tx() as tx:
            items = await review_queue(tx, court_code, self.settings.court_code)
        return items

    async def review_detail(
        self, court_code: str, person_id: str
    ) -> tuple[QueueItem, list[HistoryEntry], dict[int, int]] | None:
        """A person of the court as the clerk decides on them: where they stand, every reference
        and check in order, and how many pictures each decision holds (None: not of this court)."""
        async with self.store.tx() as tx:
            item = await review_item(tx, court_code, self.settings.court_code, person_id)
            history = await decision_history(tx, person_id) if item is not None else []
        if item is None:
            return None
        held = {} if self.photo_dir is None else await held_pictures(self.photo_dir, self.store.sealer, person_id)
        return item, history, held

    async def review_picture(self, court_code: str, person_id: str, decision_id: int, index: int) -> bytes | None:
        """One picture held for the manual check of a person of the court (None: no such picture)."""
        async with self.store.tx() as tx:
            item = await review_item(tx, court_code, self.settings.court_code, person_id)
        if item is None or self.photo_dir is None:
            return None
        return await open_picture(self.photo_dir, self.store.sealer, person_id, decision_id, index)

    async def override(self, clerk_id: str, court_code: str, person_id: str, outcome: str, reason: str) -> int:
        """A clerk's (or judge's) manual decision, recorded with who and why; the person is told
        in their channel, the pictures held for it are deleted.

        ``outcome`` is ``verified`` or ``rejected``. Returns how many cases moved on.
        """
        reason = reason.strip()
        if outcome not in ("verified", "rejected"):
            raise IdentityRefused("override_outcome")
        if not reason:
            raise IdentityRefused("override_reason_required")
        now = self.clock()
        async with self.store.tx() as tx:
            await record_override(tx, clerk_id, court_code, person_id, outcome, reason, now, self.settings)
            if self.on_reviewed is not None:
                await self.on_reviewed.queue_review_notice(tx, person_id, court_code, outcome, reason[:2000], now)
        log.info("identity override", extra={"code": f"override_{outcome}"})
        await self._release(person_id)
        if self.on_reviewed is not None:
            return await self.on_reviewed.review_decided(person_id, outcome)
        return await self.on_verified(person_id) if outcome == "verified" else 0

    # -- deletion (PIPL 28, DOMAIN §2.4) -------------------------------------------------------

    async def delete_biometrics(self, person_id: str) -> bool:
        """Wipe the face template once every case of the person is closed; False if none held.

        Refuses with ``case_live`` (naming the case) while a case is still going on; a filing the
        court has never received does not count. Name and ID number stay with the closed cases'
        record; consent must be given anew for any later capture, and the person is no longer
        verified (a draft then waits for the new check).
        """
        now = self.clock()
        async with self.store.tx() as tx:
            for case, _role in await tx.cases_of(person_id):
                if case.received_at is not None and case.status not in self.settings.closed_statuses:
                    raise IdentityRefused("case_live", reference=case.case_number or case.reference)
            profile = await live_profile(tx, person_id)
            content = sealed_content(tx, profile)
            if profile is None or "template" not in content:
                return False
            content.pop("template")
            profile.sealed = tx.sealer.seal(content)
            profile.deleted_at, profile.consent_at = now, None
            deleted = Check("deleted", None, None, "not_checked")
            record_decision(tx, person_id, DELETE, "web", deleted, now, self.settings.tolerance)
        if self.photo_dir is not None:
            await forget_photos(self.photo_dir, person_id)
        log.info("biometrics deleted", extra={"code": "delete"})
        return True

    # -- shared steps ----------------------------------------------------------------------------

    async def _hold(self, person_id: str, decision_id: int, pictures: Sequence[bytes]) -> None:
        """Hold a decision's pictures for a possible manual check (identity.review_pictures)."""
        if self.photo_dir is not None:
            await hold_pictures(self.photo_dir, self.store.sealer, person_id, decision_id, pictures)

    async def _release(self, person_id: str) -> None:
        """The manual check is no longer needed: delete what was held for it."""
        if self.photo_dir is not None:
            await release_pictures(self.photo_dir, person_id)

    async def _reference_template(self, person_id: str) -> list[float]:
        """The person's reference template, checking consent, reference and not yet verified."""
        async with self.store.tx() as tx:
            profile = await tx.session.get(IdentityProfile, person_id)
            content = sealed_content(tx, profile)
        if profile is None or profile.consent_at is None:
            raise IdentityRefused("consent_required")
        if profile_verified(profile):
            raise IdentityRefused("already_verified")
        template = content.get("template")
        if not template:
            raise IdentityRefused("no_reference")
        return [float(v) for v in template]
