"""Files sent in the chat: evidence for a `files` step, a statement's one file (a voice message,
a video note, a video, an audio file or a document) for a `statement` step, or photos for the
identity step."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from telegram import Message

from bot.telegram.identity_step import IdentityStep
from bot.telegram.turn import Turn
from court import accounts
from court.commands import UploadEvidence
from court.outcomes import Outcome

CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what the Bot API's cloud server lets a bot download
Attachment = tuple[str, int, str, str]  # file id, size, name, type

# evidence Telegram carries as a file of its own kind: (attribute, default name, default type)
_FILE_KINDS = (
    ("document", "document-{}", "application/octet-stream"),
    ("video", "video-{}.mp4", "video/mp4"),
    ("video_note", "video-note-{}.mp4", "video/mp4"),  # in the identity step, the selfie (IdentityStep)
    ("audio", "audio-{}.mp3", "audio/mpeg"),
    ("voice", "voice-{}.ogg", "audio/ogg"),  # Opus in Ogg: taken as a statement
)
SPOKEN_KINDS = ("voice", "video_note")  # recorded in the chat: a statement, never a document


async def on_file(turn: Turn, message: Message, attachment: Attachment) -> None:
    case_id = await turn.active_case()
    if case_id is None:
        await turn.say_once("telegram.no_active_case")
        return
    current = await turn.prompt(case_id)
    if isinstance(current, Outcome):
        await turn.refuse_once(current)
        return
    if current is not None and current["prompt"]["kind"] == "identity":  # issue 4: ID photo or selfie
        await IdentityStep(turn).photo(case_id, message)
        return
    if current is None or current["prompt"]["kind"] == "wait":  # e.g. a second statement: the first stands
        await turn.say_once("telegram.waiting")
        return
    if current["prompt"]["kind"] not in ("files", "statement"):
        spoken = any(getattr(message, k) is not None for k in SPOKEN_KINDS)
        await turn.say_once("telegram.not_statement_step" if spoken else "telegram.not_files_step")
        return
    if await _refused_unseen(turn, case_id, current["prompt"], attachment):
        return
    file_id, _size, name, mime = attachment
    content = bytes(await (await turn.bot.get_file(file_id)).download_as_bytearray())
    step, seq = current["prompt"]["step"], current["prompt"]["seq"]
    command = UploadEvidence(turn.person_id, case_id, step, seq, name, mime, content, accounts.TELEGRAM, turn.key)
    outcome = await turn.court.service.upload_evidence(command, turn.deliveries)
    if not outcome.ok:
        await turn.refuse(outcome)


async def _refused_unseen(turn: Turn, case_id: str, prompt: dict[str, Any], attachment: Attachment) -> bool:
    """Refuse, before a byte is downloaded, a file of a kind the question does not take or over
    the size limit (Telegram gives the name and size in the update); True if refused."""
    _file_id, _size, name, _mime = attachment
    ext = PurePosixPath(name).suffix.lower().lstrip(".")
    accept = prompt.get("accept") or []
    if accept and ext not in accept:
        await turn.refuse_once(Outcome(case_id, "file_type", {"ext": ext or "?", "accept": ", ".join(accept)}))
        return True
    return await _too_large(turn, case_id, attachment)


async def _too_large(turn: Turn, case_id: str, attachment: Attachment) -> bool:
    """Refuse a file over the court's limit, or over what a bot may download; say which."""
    _file_id, size, name, _mime = attachment
    limit_mb = turn.court.settings.max_upload_mb
    if size > limit_mb * 1024 * 1024:
        params = {"name": name, "size_mb": f"{size / 1048576:.1f}", "limit_mb": limit_mb}
        await turn.refuse_once(Outcome(case_id, "file_too_large", params))
        return True
    if size > CLOUD_DOWNLOAD_LIMIT and not turn.self_hosted_api:
        await turn.say_once("telegram.file_too_big_for_bot", name=name)
        return True
    return False


def attachment(message: Message) -> Attachment | None:
    """A file sent as evidence or a statement: (file id, size, name, type) of a document, the
    largest size of a photo, a video, a video note, an audio file or a voice message; None for
    anything else."""
    number = message.message_id
    if message.photo:
        photo = message.photo[-1]
        return photo.file_id, photo.file_size or 0, f"photo-{number}.jpg", "image/jpeg"
    for kind, name, mime in _FILE_KINDS:
        sent = getattr(message, kind)
        if sent is not None:
            given_name, given_mime = getattr(sent, "file_name", None), getattr(sent, "mime_type", None)
            return sent.file_id, sent.file_size or 0, given_name or name.format(number), given_mime or mime
    return None
