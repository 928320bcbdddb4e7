"""A rendered court message -> Telegram messages (text chunks and an inline keyboard). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.telegram.callback_data import ButtonPress, encode, short_case_id
from court.e_service import served_document
from flows.texts import Catalog, load_catalog

MAX_TEXT = 4096

# Court documents in the filing flow: sent with protect_content (no forwarding or saving).
PROTECTED_TEXTS = frozenset(
    {
        "filing.acceptance_notice",
        "filing.fee_notice_text",
        "filing.evidence_notice",
        "filing.closed_refused",
        "filing.closed_returned",
        "filing.summary",
        "filing.correction_summary",
        "filing.identity_mismatch",
        "filing.defendant_welcome",  # the complaint, served on the defendant
        "filing.representative_refused_defendant",
        "judgment.served_judgment",  # the judgment and rulings, with their signed PDF
        "judgment.served_ruling",
        "trial.record_issued",  # the record the parties confirm, with its signed PDF (OLR 34)
        "trial.record_settled",
    }
)


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    keyboard: list[list[dict[str, Any]]] = field(default_factory=list)
    protect: bool = False
    document: dict[str, Any] | None = None  # a signed file the court issued, sent as a document ({name, sha256})


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split on paragraph boundaries (then lines, then hard) so no piece exceeds `limit`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for paragraph in _units(text, limit):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = paragraph
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[str]:
    units: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            units.append(paragraph)
            continue
        line_block = ""
        for line in paragraph.split("\n"):
            while len(line) > limit:
                units.append(line[:limit])
                line = line[limit:]
            if len(line_block) + len(line) + 1 > limit:
                units.append(line_block)
                line_block = line
            else:
                line_block = f"{line_block}\n{line}" if line_block else line
        if line_block:
            units.append(line_block)
    return units


def countdown(due_at: str, now: datetime, locale: str, label: str | None = None) -> str:
    """`⏳ period for the defendant to join online: 2 days 23 hours left` — the same countdown the
    web chat shows, as of sending, named by its deadline when it has one (so a message that
    speaks of another period is not read against it)."""
    left = max(0, int((datetime.fromisoformat(due_at) - now).total_seconds()))
    days, rest = divmod(left, 86400)
    params = {"days": days, "hours": rest // 3600, "label": label}
    return texts().render("telegram.countdown_of" if label else "telegram.countdown", locale, params)


def statement_hint(prompt: dict[str, Any], locale: str) -> str:
    """How a statement is given here: written, or sent as a voice message, a video note or a file,
    with the limits the court checks before it takes one."""
    params = {"max_length": prompt.get("max_length", ""), "max_mb": prompt.get("max_mb", "")}
    accept = prompt.get("accept") or []
    key = "telegram.statement_hint_accept" if accept else "telegram.statement_hint"
    return texts().render(key, locale, {**params, "accept": ", ".join(accept)})


def render(
    frame: dict[str, Any], text_key: str, now: datetime, locale: str, webapp_url: str | None = None
) -> list[OutgoingMessage]:
    """The web chat's `message` frame as Telegram messages; buttons go on the last piece."""
    text = frame["text"]
    prompt = frame.get("prompt")
    keyboard: list[list[dict[str, Any]]] = []
    if prompt:
        if prompt["kind"] == "statement":  # how to answer: in writing, or spoken into the chat
            text = f"{text}\n\n{statement_hint(prompt, locale)}"
        if prompt.get("due_at"):
            text = f"{text}\n\n{countdown(prompt['due_at'], now, locale, prompt.get('deadline_label'))}"
        keyboard = [
            [{"text": option["label"], "callback_data": encode(ButtonPress(frame["case_id"], prompt["seq"], index))}]
            for index, option in enumerate(prompt.get("options", []))
        ]
        if webapp_url and prompt["kind"] in ("summary", "files", "statement"):
            opens = "telegram.record_in_mini_app" if prompt["kind"] == "statement" else "telegram.open_mini_app"
            label = texts().render(opens, locale)
            keyboard.append([{"text": label, "web_app": {"url": f"{webapp_url}?case={frame['case_id']}"}}])
        if prompt["kind"] == "identity":  # issue 14: what to send here, and the mini-app only if there is one
            text = f"{text}\n\n{texts().render('telegram.identity_hint', locale)}"
            keyboard.extend(identity_buttons(frame["case_id"], locale, webapp_url))
    if text_key == "withdrawal.applied_defendant":  # Interp. 238(2): the defendant's view, by a button
        keyboard.extend(withdrawal_view_buttons(frame["case_id"], locale))
    if served_document(text_key) is not None:  # Telegram shows no read status: the person says so
        keyboard.append([{"text": texts().render("telegram.acknowledge", locale), "callback_data": f"r:{frame['id']}"}])
    pieces = split_text(text)
    protect = text_key in PROTECTED_TEXTS
    sent = [OutgoingMessage(piece, keyboard if i == len(pieces) - 1 else [], protect) for i, piece in enumerate(pieces)]
    issued = frame.get("document")
    if issued:  # the signed PDF itself, first, never to be forwarded or saved (protect_content)
        sent.insert(0, OutgoingMessage(issued["name"], protect=True, document=issued))
    return sent


def withdrawal_view_buttons(case_id: str, locale: str) -> list[list[dict[str, Any]]]:
    """Agree to the plaintiff's withdrawal, or object (the reasons follow as the next message)."""
    short = short_case_id(case_id)
    return [
        [{"text": texts().render("telegram.withdrawal_view_agree_button", locale), "callback_data": f"y:a{short}"}],
        [{"text": texts().render("telegram.withdrawal_view_object_button", locale), "callback_data": f"y:o{short}"}],
    ]


IDENTITY_START = "i:start"  # callback data: begin the identity step here (bot.telegram.identity_step)


def identity_buttons(case_id: str, locale: str, webapp_url: str | None) -> list[list[dict[str, Any]]]:
    """The identity prompt's buttons: begin the check in this chat; the mini-app only where the
    court has a public address (MICROCOURT_PUBLIC_URL)."""
    rows: list[list[dict[str, Any]]] = [
        [{"text": texts().render("telegram.identity_start", locale), "callback_data": IDENTITY_START}]
    ]
    if webapp_url:
        url = f"{webapp_url}?verify=identity&case={case_id}"
        rows.append([{"text": texts().render("telegram.open_mini_app", locale), "web_app": {"url": url}}])
    return rows


@cache
def texts() -> Catalog:
    """Telegram's own texts (buttons, the countdown), from `bot/telegram/texts/{zh,en}.yaml`."""
    return load_catalog(Path(__file__).parent / "texts")
