"""Channel-neutral messages -> web chat frames, in the reader's language. Pure."""

from __future__ import annotations

from typing import Any

from court.e_service import ISSUED, served_document
from flows.texts import Catalog

_PROMPT_FIELDS = ("max_length", "accept", "max_files", "min_files", "max_mb", "due_at")
# the messages that hand the invitation to whoever passes it on (the court, the plaintiff): with a
# QR code of the join link, to print or show beside the short code (OLR 10)
_JOIN_QR_TEXTS = frozenset({"filing.serve_defendant_notice", "filing.defendant_invitation"})


def render_message(message: dict[str, Any], locale: str, catalog: Catalog) -> dict[str, Any]:
    """An outbox message as the `message` frame of the web chat protocol."""
    frame: dict[str, Any] = {
        "type": "message",
        "id": message["id"],
        "case_id": message["case_id"],
        "at": message["at"],
        "text": catalog.render(message["text"], locale, message.get("params")),
        "prompt": None,
    }
    attachments = (message.get("params") or {}).get("attachments")
    if attachments:  # files the message refers to, opened through the case's file route
        frame["attachments"] = [
            {"name": a["name"], "url": f"/api/cases/{message['case_id']}/files/{a['evidence_id']}"} for a in attachments
        ]
    if message["text"] in _JOIN_QR_TEXTS:
        qr = {
            "name": catalog.render("files.join_qr", locale),
            "url": f"/api/cases/{message['case_id']}/invitation.svg",
        }
        frame.setdefault("attachments", []).append(qr)
    document = served_document(message["text"])
    if document is not None:  # a court document served on the reader (OLR 31)
        frame["service"] = {
            "document": catalog.render(document, locale),
            "acknowledged_at": message.get("acknowledged_at"),
            "button": catalog.render("service.acknowledge_button", locale),
        }
        issued = (message.get("params") or {}).get(ISSUED)
        if isinstance(issued, dict):  # the signed file the court issued: downloaded as it is
            frame["document"] = issued_file(message, catalog.render(document, locale), issued)
            frame.setdefault("attachments", []).append(
                {"name": frame["document"]["name"], "url": frame["document"]["url"]}
            )
    prompt = message.get("prompt")
    if prompt:
        rendered: dict[str, Any] = {
            "step": prompt["step"],
            "seq": prompt["seq"],
            "kind": prompt["kind"],
            "options": [
                {"value": o["value"], "label": catalog.render(o["text"], locale)} for o in prompt.get("options", [])
            ],
        }
        rendered.update({k: prompt[k] for k in _PROMPT_FIELDS if prompt.get(k) is not None})
        if prompt.get("deadline"):
            rendered["deadline_label"] = catalog.render(f"deadline.kind.{prompt['deadline']}", locale)
        frame["prompt"] = rendered
    return frame


def issued_file(message: dict[str, Any], name: str, issued: dict[str, Any]) -> dict[str, Any]:
    """The signed file a message serves: its name, SHA-256 and where it is downloaded (the served
    document's route, which gives the stored file)."""
    return {
        "name": f"{name}.pdf",
        "sha256": issued["sha256"],
        "url": f"/api/cases/{message['case_id']}/documents/{message['id']}.pdf",
    }


def render_error(code: str, params: dict[str, Any], locale: str, catalog: Catalog, **extra: Any) -> dict[str, Any]:
    """An `error` frame whose text tells the person what to do next."""
    return {"type": "error", "code": code, "text": catalog.render(f"errors.{code}", locale, params), **extra}
