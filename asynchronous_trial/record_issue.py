"""The record the parties confirm is the compiled record itself, issued by the court as a signed
PDF (OLR 34, CPL 150; trial v5).

When the record closes the court issues it (`issue_record`): every entry both parties read, in
order and numbered (`record.number_entries`), each with when, who, what and its SHA-256, as a
court document signed with the court's key and listed in `issued_documents`, under the assigned
judge. When the confirmation settles (everyone confirmed, the 5 days passed, every correction
ruled) it is issued again with the accepted corrections written in as amendments (`settled`):
that is the record the judgment is given on.

The act that closed the record (the last final statement, the judge's order) is written before
the record is read: the service call leaves its work for after the write (`Pending.after_write`),
and its answer, the `record_issued` signal, carries what the served messages name (the file's
SHA-256, signer and time, its pages and entries), or why it could not be issued (no court key):
then the parties confirm the summary in the chat, as before version 5.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from asynchronous_trial.formatters import PARTIES
from asynchronous_trial.record import Entry, compile_entries
from court.access import known_as
from court.documents.kinds import Header, RecordEntry, record
from court.documents.layout import CourtDocument
from court.outcomes import Outcome
from court.procedures import CallContext
from court.texts import text
from flows.effects import ServiceCall
from flows.events import Signal
from flows.texts import Catalog, load_catalog
from storage.models import Case
from storage.store import Tx

ISSUED_SIGNAL = "record_issued"
LOCALE = "zh"  # the court's record is kept in the court's language (CPL 11)


@cache
def _catalog(timezone: str) -> Catalog:
    return load_catalog(timezone=timezone)


async def issue_record(ctx: CallContext, call: ServiceCall) -> None:
    """Issue the record once the act that closed it (or settled it) is on the log: `settled` in the
    call's parameters for the final record with its amendments (kept under `transcript.settled`),
    else the record as closed (`transcript.issued`)."""
    key = "settled" if call.params.get("settled") else "issued"
    library, issue, timezone = ctx.library, ctx.issue, ctx.timezone

    async def job(tx: Tx, case: Case) -> Signal:
        if library is None or issue is None:
            return Signal(ISSUED_SIGNAL, {f"transcript.{key}": {"failed": "not_issued"}})
        entries = [e for e in await compile_entries(tx, case, library) if e.number is not None]
        document = await record_document(tx, case, entries, _catalog(timezone), ctx.now)
        issued = await issue(tx, case, document)
        if isinstance(issued, Outcome):
            return Signal(ISSUED_SIGNAL, {f"transcript.{key}": {"failed": issued.error or "not_issued"}})
        value = {**issued, "entries": len(entries), "amendments": sum(e.kind == "amendment" for e in entries)}
        return Signal(ISSUED_SIGNAL, {f"transcript.{key}": {**value, "at": ctx.now.isoformat()}})

    ctx.pending.after_write.append(job)


async def record_document(tx: Tx, case: Case, entries: list[Entry], catalog: Catalog, now: datetime) -> CourtDocument:
    """The record as a court document: the parties, then each numbered entry."""
    people = await tx.participants(case.id)
    parties = [
        text("documents.party_line", LOCALE, role=catalog.render(f"role.{role}", LOCALE), name=await known_as(tx, pid))
        for role in PARTIES
        for pid in people.get(role, [])
    ]
    judge = await tx.person(case.judge_id) if case.judge_id else None
    day = now.astimezone(ZoneInfo(catalog.timezone)).date()
    header = Header(LOCALE, "", case.case_number or case.reference, day, judge=judge.display_name if judge else None)
    lines = [await _line(tx, entry, catalog) for entry in entries]
    return record(header, parties, lines)


async def _line(tx: Tx, entry: Entry, catalog: Catalog) -> RecordEntry:
    """One numbered entry: when, who (by name, else the side it is filed under), what, its hash,
    and the amendments written in about it."""
    who = await known_as(tx, entry.actor_id) if entry.actor_id else catalog.render(_side(entry.party), LOCALE)
    what = text(
        "documents.record_entry",
        LOCALE,
        n=entry.number,
        kind=text(f"documents.record_kind_{entry.kind}", LOCALE),
        side=catalog.render(_side(entry.party), LOCALE),
        what=_content(entry, catalog),
        sha256=entry.sha256,
    )
    if entry.amended_by:
        amended = ", ".join(str(n) for n in entry.amended_by)
        what = f"{what} {text('documents.record_amended', LOCALE, by=amended)}"
    return RecordEntry(catalog.local_time(entry.at), who, what)


def _side(role: str) -> str:
    return f"role.{role}" if role in PARTIES else "role.court"


def _content(entry: Entry, catalog: Catalog) -> str:
    """What an entry says, in words: a question as it was asked, an answer as given, a file by
    name, an amendment with what was corrected and the judge's reason."""
    content = entry.content
    if entry.kind == "question":
        return catalog.render(content["text"], LOCALE, content.get("params") or {})
    if entry.kind == "file":
        return str(content.get("name", ""))
    if entry.kind == "no_answer":
        return text("documents.record_no_answer", LOCALE)
    if entry.kind == "amendment":
        cited = content.get("amends")
        return text(
            "documents.record_amendment",
            LOCALE,
            n=content["correction"],
            who=catalog.render(_side(content["asked_by"]), LOCALE),
            asked=catalog.local_time(content["asked_at"]),
            amends=text("documents.record_amends", LOCALE, n=cited) if cited else "",
            text=content["text"],
            reason=content["reason"],
        )
    if isinstance(content, str):
        return content
    return json.dumps(content, ensure_ascii=False, sort_keys=True)
