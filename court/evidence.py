"""Evidence on receipt (OLR 16): which files the court takes, and each file hashed and chained to
the case's previous one."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from court.commands import UploadEvidence
from court.deadlines import closed_period_refusal
from court.outcomes import Outcome
from court.settings import CourtSettings
from flows.library import FlowLibrary
from storage.models import Evidence
from storage.store import Tx
from storage.text import storable


def file_problem(cmd: UploadEvidence, settings: CourtSettings) -> tuple[str, dict[str, Any]] | None:
    """Why the file is refused before it is stored, as an error key and its params (None: taken)."""
    ext = PurePosixPath(cmd.name).suffix.lower().lstrip(".")
    accepted = settings.flow_settings.get("accepted_extensions")
    if not storable(cmd.name):  # NUL or a lone surrogate: the database could not hold the name
        return "file_name_bad", {}
    if not cmd.content:
        return "file_empty", {"name": cmd.name}
    if len(cmd.content) > settings.max_upload_bytes:
        size_mb = f"{len(cmd.content) / 1048576:.1f}"
        return "file_too_large", {"name": cmd.name, "size_mb": size_mb, "limit_mb": settings.max_upload_mb}
    if accepted and ext not in accepted:
        return "file_type", {"ext": ext or "?", "accept": ", ".join(accepted)}
    return None


def chained_evidence(
    cmd: UploadEvidence, case_id: str, sha256: str, previous: Evidence | None, now: datetime
) -> Evidence:
    """The evidence row for a stored file, its chain hash covering the case's previous file."""
    chain = hashlib.sha256(((previous.chain_hash if previous else "") + sha256).encode()).hexdigest()
    return Evidence(
        id=str(uuid.uuid4()),
        case_id=case_id,
        uploader_id=cmd.person_id,
        name=cmd.name[:255],
        content_type=cmd.content_type[:100],
        size=len(cmd.content),
        sha256=sha256,
        chain_hash=chain,
        blob_key=sha256,
        received_at=now,
    )


async def upload_refusal(tx: Tx, cmd: UploadEvidence, library: FlowLibrary) -> Outcome | None:
    """Why nothing may be stored for this upload (None: it may): the person takes part in the
    case and its current question for them is this `files` or `statement` step. Checked again when it is taken."""
    case = await tx.get_case(cmd.case_id)  # a read: the upload itself locks the case
    role = (await tx.access(cmd.person_id, case))[0] if case is not None else None
    if case is None or role is None:
        return Outcome(cmd.case_id, "not_a_party")
    state = tx.open_state(case)
    cursor = state["cursors"].get(role)
    if cursor is None or (cursor["step"], cursor["seq"]) != (cmd.step, cmd.seq):
        late = await closed_period_refusal(tx, case, cmd.person_id, role, cmd.step, cmd.seq)  # e.g. CPL 68
        if late is not None:
            return late
    if cursor is None:
        return Outcome(case.id, "not_your_turn")
    if (cursor["step"], cursor["seq"]) != (cmd.step, cmd.seq):
        return Outcome(case.id, "stale_step", {"current": cursor["step"]})
    spec = library.get(case.flow_id, case.flow_version).steps[cmd.step].input
    if spec.kind not in ("files", "statement"):
        return Outcome(case.id, "no_file_expected")
    ext = PurePosixPath(cmd.name).suffix.lower().lstrip(".")
    if spec.accept and ext not in spec.accept:  # this question's own list (e.g. PDF or photos)
        return Outcome(case.id, "file_type", {"ext": ext or "?", "accept": ", ".join(spec.accept)})
    return None
