"""The file of an appealed case for the higher court (CPL 173-175): `microcourt case export CASE DIR`.

The export is a folder the court of appeal can read and check without the court's database:

- `case.json`: the case (number, status, parties), the judgment object, the appeal as lodged, and the
  compiled record: every event of the case log in order, with when, who and what;
- `record.pdf`: the record the court issued signed and the parties confirmed, with its amendments
  (trial v5, OLR 34: the stored file, byte for byte; `issued_record` in case.json names it); for a
  case without one, the same record as a court document, signed by the court when it has a key
  (`microcourt court-key init`), so `microcourt documents verify` checks it offline;
- `evidence/`: every file received in the case as it arrived, each checked against the SHA-256
  recorded on receipt and listed with that hash, its place in the hash chain (OLR 16), who sent it
  and when;
- `manifest.json`: every file of the export with its SHA-256, and whether the evidence matched.

A command-line export rather than a workspace download: the file goes from court to court, is large
(videos), and is sent by the clerk, who runs the court's tools; the case itself says so when it is
APPEALED. Exporting writes nothing to the case.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from court.access import known_as
from court.documents.case_record import case_record, issued_record
from court.documents.court_key import CourtKey
from court.documents.layout import render
from court.documents.signing import sign
from court.outcomes import Outcome
from flows.texts import Catalog
from storage.models import CaseEvent, Evidence, Participant
from storage.store import Store, Tx

ReadBlob = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True)
class Exported:
    directory: Path
    files: int
    evidence_intact: bool  # every evidence file matched the SHA-256 recorded on receipt


class ExportRefused(Exception):
    """The case cannot be exported: unknown, or no judge to read its record as."""


async def export_case(
    store: Store,
    read_blob: ReadBlob,
    case_id: str,
    out: Path,
    catalog: Catalog,
    court_name: str,
    key: CourtKey | None,
    now: datetime,
    locale: str = "zh",
) -> Exported:
    """Write the case's file for the higher court into `out` (created; must be empty if it exists)."""
    async with store.tx() as tx:
        case_json, evidence, judge_id = await _case(tx, case_id, catalog)
        document = await case_record(tx, case_id, judge_id, locale, catalog, court_name, now.astimezone().date())
    if isinstance(document, Outcome):
        raise ExportRefused(f"case {case_id}: the record cannot be read ({document.error})")
    issued = case_json["issued_record"]
    if issued is not None:  # the record the court issued and the parties confirmed, byte for byte (OLR 34)
        pdf, meta = await read_blob(issued["sha256"]), {"signed_by_court": True, "issued_record": True}
    else:
        pdf, meta = render(document), {"signed_by_court": key is not None}
        if key is not None:
            pdf = (await asyncio.to_thread(sign, pdf, key, "record", now)).pdf  # pyHanko runs its own event loop
    parts: list[tuple[str, bytes, dict[str, Any]]] = [("record.pdf", pdf, meta)]
    intact = True
    for number, row in enumerate(evidence, start=1):
        content = await read_blob(row["blob_key"])
        matches = hashlib.sha256(content).hexdigest() == row["sha256"]
        intact = intact and matches
        extra = {**_evidence_entry(row), "matches_recorded_sha256": matches}
        parts.append((f"evidence/{number:03d}-{Path(row['name']).name}", content, extra))
    case_json["evidence"] = [_evidence_entry(row) for row in evidence]
    parts.append(("case.json", _json(case_json), {}))
    manifest = {
        "case_id": case_id,
        "case_number": case_json["case_number"],
        "exported_at": now.isoformat(),
        "court": court_name,
        "evidence_intact": intact,
    }
    await asyncio.to_thread(_write_all, out, parts, manifest)
    return Exported(out, len(parts) + 1, intact)


def _write_all(out: Path, parts: list[tuple[str, bytes, dict[str, Any]]], manifest: dict[str, Any]) -> None:
    """The files, then the manifest listing each with its SHA-256."""
    if out.exists() and any(out.iterdir()):
        raise ExportRefused(f"{out} is not empty: choose a new folder")
    (out / "evidence").mkdir(parents=True, exist_ok=True)
    files = []
    for name, content, extra in parts:
        (out / name).write_bytes(content)
        files.append({"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content), **extra})
    (out / "manifest.json").write_bytes(_json({**manifest, "files": files}))


async def _case(tx: Tx, case_id: str, catalog: Catalog) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The case as JSON, its evidence rows, and the judge whose access reads the record."""
    case = await tx.get_case(case_id)
    if case is None:
        raise ExportRefused(f"no case {case_id}")
    if case.judge_id is None:
        raise ExportRefused(f"case {case_id} has no judge assigned")
    data = tx.open_state(case)["data"]
    participants = await tx.session.scalars(select(Participant).where(Participant.case_id == case_id))
    people = {p.person_id: p.role for p in participants}
    parties = [{"role": role, "name": await known_as(tx, person)} for person, role in people.items()]
    events = await tx.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    record = [
        {
            "at": event.at.isoformat(),
            "kind": event.kind,
            "actor": await known_as(tx, event.actor_id) if event.actor_id else "court",
            "detail": tx.sealer.open(event.detail),
        }
        for event in events
    ]
    rows = await tx.session.scalars(
        select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.received_at, Evidence.id)
    )
    evidence = [
        {
            "id": row.id,
            "name": row.name,
            "sha256": row.sha256,
            "chain_hash": row.chain_hash,
            "blob_key": row.blob_key,
            "received_at": row.received_at.isoformat(),
            "from": people.get(row.uploader_id, "court"),
            "content_type": row.content_type,
        }
        for row in rows
    ]
    case_json = {
        "case_number": case.case_number or case.reference,
        "status": case.status,
        "status_text": {loc: catalog.render(f"status.{case.status}", loc) for loc in ("zh", "en")},
        "parties": parties,
        "claims": data.get("claims", []),
        "judgment": data.get("judgment"),
        "appeal": data.get("appeal"),
        "finality": data.get("finality"),
        "record": record,
        "issued_record": issued_record(data),
    }
    return case_json, evidence, case.judge_id


def _evidence_entry(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "name", "sha256", "chain_hash", "received_at", "from", "content_type")
    return {f"recorded_{k}" if k == "sha256" else k: row[k] for k in keep}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode()
