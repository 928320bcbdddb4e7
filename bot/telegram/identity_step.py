"""The filing's identity step in Telegram (issue 4; OLR 7, ICP 6, PIPL 28).

The whole step can be done in the chat, so that a person without the mini-app is not stuck:
1. consent: a separate "I agree" button (PIPL 28); nothing is captured before it;
2. the ID photo: the first photo after consent is the portrait side of the ID card. It becomes
   the reference, stored with the name and ID number the person already gave in this filing
   (validated there), so nothing is typed twice;
3. the live check: the bot draws a challenge (a random sequence of actions, valid a minute) and
   asks for a round video note doing them in order; the note is checked as the mini-app's
   recording is (identity.liveness) and verifies at once. A still selfie photo is still taken,
   compared with the reference only: the court's setting (MICROCOURT_SELFIE_SUFFICES) decides
   whether it verifies or goes to the clerk's queue, and the reply says which. A check that fails
   with attempts left is followed by a new challenge, so the person knows what to send next.
   Only when MICROCOURT_PUBLIC_URL is set does a reply carry the mini-app button.

Every text says what to send here, in Telegram (issue 14, part 5): never a button of the web chat
or the mini-app that this chat does not show. A clerk's decision on a check that went to them
reaches this chat as a court message (court.identity_review).

A repeated Telegram update is claimed first and changes nothing, so a redelivered selfie is not
counted as a second attempt.
"""

from __future__ import annotations

from typing import Any

from telegram import Message

from bot.telegram.sender import keyboard_markup
from bot.telegram.turn import Turn
from identity.explain import challenge_text, explain, failure_text
from identity.id_numbers import masked_id_number
from identity.results import IdentityRefused, Verification
from identity.settings import MAX_PHOTO_BYTES, MAX_RECORDING_BYTES

CONSENT_DATA = "i:consent"  # callback data of the consent button
CHALLENGE_KEY = "identity_challenge:{}"  # chat state: the nonce of the challenge shown last


class IdentityStep:
    """One update in the identity step, for the person behind ``turn``."""

    def __init__(self, turn: Turn) -> None:
        self.turn, self.court = turn, turn.court
        self.identity = turn.court.identity

    def text(self, code: str, **params: Any) -> str:
        """An identity text in the person's language."""
        return explain(self.court.catalog, code, self.turn.locale, **params)

    async def send(self, text: str, case_id: str | None, *buttons: dict[str, Any]) -> None:
        """One message, with the given buttons and the mini-app button (one per row)."""
        rows = [[button] for button in buttons]
        if self.court.settings.public_url:
            url = f"{self.court.settings.public_url.rstrip('/')}/?verify=identity"
            url += f"&case={case_id}" if case_id else ""
            rows.append([{"text": self.text("tg.open_miniapp"), "web_app": {"url": url}}])
        await self.turn.deliveries.sent_so_far()  # after the court's messages of this turn (e.g. the case moving on)
        await self.turn.bot.send_message(self.turn.chat_id, text, reply_markup=keyboard_markup(rows))

    # -- what to do next ---------------------------------------------------------------------

    async def guide(self, case_id: str | None) -> None:
        """Tell the person the next thing to do in the identity step."""
        status = await self.identity.status(self.turn.person_id)
        if status.verified:
            await self.send(self.text("already_verified"), case_id)
        elif not status.consent:
            consent = {"text": self.text("tg.consent_button"), "callback_data": CONSENT_DATA}
            await self.send(self.text("consent_text"), case_id, consent)
        elif status.in_review:  # a clerk has it (an unreadable ID card too, before any reference)
            await self.send(self.text("tg.in_review"), case_id)
        elif not status.reference:
            await self._ask_for_id_photo(case_id)
        else:
            await self._ask_for_video_note(case_id, "tg.record_video_note")

    async def _ask_for_video_note(self, case_id: str | None, lead: str) -> None:
        """Draw a challenge, keep its nonce for this chat, and say what to record and by when."""
        try:
            challenge = await self.identity.issue_challenge(self.turn.person_id)
        except IdentityRefused as refused:
            await self.send(self.text(refused.code, **refused.params), case_id)
            return
        now = self.court.clock()
        seconds = max(1, int((challenge.expires_at - now).total_seconds()))
        ttl = seconds + 60  # kept a little longer, so that a late note hears "expired"
        await self.court.chat_state.put(self._challenge_key(), {"nonce": challenge.nonce}, ttl, now.timestamp())
        actions = challenge_text(self.court.catalog, challenge.actions, self.turn.locale)
        rule = "tg.selfie_rule_suffices" if self.identity.settings.selfie_suffices else "tg.selfie_rule_clerk"
        text = self.text(lead, challenge=actions, seconds=seconds)
        await self.send(f"{text} {self.text(rule)}", case_id)

    def _challenge_key(self) -> str:
        return CHALLENGE_KEY.format(self.turn.person_id)

    async def _ask_for_id_photo(self, case_id: str | None) -> None:
        """Ask for the ID photo, showing the name and masked ID number it will be stored with."""
        found = await self._filing_identity(case_id)
        if found is None:
            await self.send(self.text("tg.no_filing_identity"), case_id)
            return
        name, number = found
        await self.send(self.text("tg.send_id_photo", name=name, id_masked=masked_id_number(number)), case_id)

    async def _filing_identity(self, case_id: str | None) -> tuple[str, str] | None:
        """The name and ID number this person gave as the plaintiff of this filing (validated there)."""
        if case_id is None:
            return None
        return await self.court.reads.filed_as(self.turn.person_id, case_id)

    # -- the person's acts ---------------------------------------------------------------------

    async def consent(self) -> None:
        """The "I agree" button: record the consent (PIPL 28), then ask for the ID photo."""
        await self.identity.give_consent(self.turn.person_id)
        await self.guide(await self.turn.active_case())

    async def photo(self, case_id: str, message: Message) -> None:
        """A photo in the identity step: the ID photo first, then selfies."""
        if not await self.turn.claim(self.turn.key):
            return  # Telegram repeated this update: it was handled already
        status = await self.identity.status(self.turn.person_id)
        if status.verified or not status.consent or status.in_review:
            await self.guide(case_id)  # nothing is captured without consent (PIPL 28)
            return
        if message.video_note is not None:  # a short round video: its frames are the selfie
            await self._video_note(case_id, message, status.reference)
            return
        content = await self._download(message, case_id)
        if content is None:
            return
        try:
            if not status.reference:
                await self._reference(case_id, content)
            else:
                await self._selfie(case_id, content)  # a still photo
        except IdentityRefused as refused:
            await self.send(self.text(refused.code, **refused.params), case_id)

    async def _video_note(self, case_id: str, message: Message, has_reference: bool) -> None:
        """A video note answering the challenge shown last: the live check (identity.liveness)."""
        note = message.video_note
        assert note is not None
        if not has_reference:
            await self.guide(case_id)  # the ID photo comes first, as a photo
            return
        if (note.file_size or 0) > MAX_RECORDING_BYTES:
            await self.send(self.text("recording_too_large", limit_mb=MAX_RECORDING_BYTES // 1048576), case_id)
            return
        shown = await self.court.chat_state.get(self._challenge_key(), self.court.clock().timestamp())
        if not shown:  # nothing asked for (or long ago): ask now, for a new note
            await self._ask_for_video_note(case_id, "tg.challenge_first")
            return
        await self.court.chat_state.delete(self._challenge_key())
        video = bytes(await (await self.turn.bot.get_file(note.file_id)).download_as_bytearray())
        try:
            result = await self.identity.verify_recording(
                self.turn.person_id, video, str(shown["nonce"]), "telegram", case_id, on_verified=self._cases_move_on
            )
        except IdentityRefused as refused:
            await self.send(self.text(refused.code, **refused.params), case_id)
            return
        await self._tell(case_id, result, "tg.verified_live")

    async def _download(self, message: Message, case_id: str) -> bytes | None:
        """The photo's bytes (largest size, or an image sent as a file); None if refused."""
        if message.photo:
            file_id, size = message.photo[-1].file_id, message.photo[-1].file_size or 0
        elif message.document is not None:
            file_id, size = message.document.file_id, message.document.file_size or 0
        else:  # a video or audio file: not a picture
            await self.guide(case_id)
            return None
        if size > MAX_PHOTO_BYTES:
            await self.send(self.text("tg.photo_too_large", limit_mb=MAX_PHOTO_BYTES // 1048576), case_id)
            return None
        return bytes(await (await self.turn.bot.get_file(file_id)).download_as_bytearray())

    async def _reference(self, case_id: str, photo: bytes) -> None:
        """Store the ID photo as the reference, with the filing's name and ID number."""
        found = await self._filing_identity(case_id)
        if found is None:
            await self.send(self.text("tg.no_filing_identity"), case_id)
            return
        await self.identity.set_reference(self.turn.person_id, *found, photo, channel="telegram")
        await self._ask_for_video_note(case_id, "tg.reference_saved")

    async def _cases_move_on(self, person_id: str) -> int:
        """A match: the person's cases waiting on it move on, their messages sent in this turn."""
        return await self.court.service.identity_verified(person_id, self.turn.deliveries)

    async def _selfie(self, case_id: str, photo: bytes) -> None:
        """Compare a still selfie with the reference; say what came of it."""
        result = await self.identity.verify_selfie(
            self.turn.person_id, photo, "telegram", case_id, on_verified=self._cases_move_on
        )
        await self._tell(case_id, result, "tg.verified")

    async def _tell(self, case_id: str, result: Verification, verified: str) -> None:
        """What came of a check, and what to do next: after a failure with attempts left, a new
        challenge for a new video note."""
        if result.outcome == "verified":
            text = self.text(verified)
        elif result.outcome == "pending_review":
            text = self.text("tg.pending_review")
        elif result.outcome == "refused":
            text = self.text("too_many_attempts")
        else:
            text = failure_text(self.court.catalog, result, self.turn.locale, "tg")
        await self.send(text, case_id)
        if result.outcome == "failed" and not result.queued:
            await self._ask_for_video_note(case_id, "tg.record_again")
