"""What anyone may read without signing in: a case's status by its number and the published
judgments (DOMAIN §12.4). Nothing here names a party: a case's status is its stage and the next
hearing window; a judgment is its masked text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from flows.texts import Catalog
from storage.models import Case, Deadline, PublishedJudgment
from storage.store import Store

NUMBER = re.compile(r"^\((\d{4})\)([0-9A-Za-z\u4e00-\u9fff]{1,20}?)民初(\d{1,9})号$")
HEARING_WINDOWS = ("hearing_investigation", "hearing_debate", "hearing_final")  # asynchronous hearing stages
PAGE_SIZE = 20
_WIDE = str.maketrans({"（": "(", "）": ")", "　": ""})


def case_number(raw: str) -> str | None:
    """A case number as the court writes it, `(2026)浙0192民初1234号` (full-width brackets and
    spaces allowed), or None if it is not one (DOMAIN §4.5)."""
    plain = "".join(raw.translate(_WIDE).split())
    return plain if NUMBER.match(plain) else None


@dataclass(frozen=True)
class Search:
    """A search of the published judgments: by cause (a case type), a date range and words."""

    cause: str | None = None
    since: date | None = None
    until: date | None = None
    words: str = ""
    page: int = 1


class PublicRecords:
    """The public's reads; each opens its own short transaction."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store, self.catalog = store, catalog

    async def case_status(self, number: str, locale: str) -> dict[str, Any] | None:
        """The case's stage and next hearing window (None: no case has that number)."""
        async with self.store.tx() as tx:
            case = await tx.session.scalar(select(Case).where(Case.case_number == number))
            if case is None:
                return None
            hearing = await tx.session.scalar(
                select(Deadline).where(
                    Deadline.case_id == case.id, Deadline.status == "pending", Deadline.kind.in_(HEARING_WINDOWS)
                )
            )
            shown = await tx.session.scalar(
                select(PublishedJudgment.id).where(
                    PublishedJudgment.case_id == case.id, PublishedJudgment.unpublished_at.is_(None)
                )
            )
        return {
            "case_number": case.case_number,
            "court_code": case.court_code,
            "status": case.status,
            "status_text": self.catalog.render(f"status.{case.status}", locale),
            "updated_at": case.updated_at.isoformat(),
            "next_hearing": _hearing(hearing),
            "judgment_id": shown,
        }

    async def judgments(self, search: Search, locale: str) -> dict[str, Any]:
        """Published judgments matching `search`, newest first, a page at a time (no full texts)."""
        query = select(PublishedJudgment).where(PublishedJudgment.unpublished_at.is_(None))
        if search.cause:
            query = query.where(PublishedJudgment.cause == search.cause)
        if search.since:
            query = query.where(PublishedJudgment.decided_on >= search.since)
        if search.until:
            query = query.where(PublishedJudgment.decided_on <= search.until)
        for word in search.words.split()[:5]:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(PublishedJudgment.masked_text.ilike(pattern, escape="\\"))
        query = query.order_by(PublishedJudgment.decided_on.desc(), PublishedJudgment.id.desc())
        async with self.store.tx() as tx:
            rows = list(await tx.session.scalars(query.offset((search.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
        items = [self._card(row, locale) for row in rows[:PAGE_SIZE]]
        return {"judgments": items, "page": search.page, "more": len(rows) > PAGE_SIZE}

    async def judgment(self, judgment_id: int, locale: str) -> dict[str, Any] | None:
        """One published judgment with its masked text (None: none, or unpublished)."""
        async with self.store.tx() as tx:
            row = await tx.session.get(PublishedJudgment, judgment_id)
        if row is None or row.unpublished_at is not None:
            return None
        return {**self._card(row, locale), "text": row.masked_text}

    def causes(self, locale: str) -> list[dict[str, str]]:
        """The causes a search may name, each with its label."""
        table = self.catalog.texts.get("en", {})
        codes = [k.removeprefix("case_type.") for k in table if k.startswith("case_type.")]
        return [{"cause": code, "text": self.catalog.render(f"case_type.{code}", locale)} for code in codes]

    def _card(self, row: PublishedJudgment, locale: str) -> dict[str, Any]:
        return {
            "id": row.id,
            "case_number": row.case_number,
            "title": row.title,
            "kind": row.kind,
            "cause": row.cause,
            "cause_text": self.catalog.render(f"case_type.{row.cause}", locale),
            "decided_on": row.decided_on.isoformat(),
            "locale": row.locale,
            "published_at": row.published_at.isoformat(),
        }


def _hearing(deadline: Deadline | None) -> dict[str, Any] | None:
    """The asynchronous hearing stage open now (the case's status names it): when its window
    closes. Live hearings are not scheduled by the court yet, so none is shown."""
    if deadline is None or deadline.due_at is None:
        return None
    return {"mode": "asynchronous", "window_closes_at": deadline.due_at.isoformat()}
