"""Outbox rows: written in the transaction of the state change that caused them, sent at least once.

A command sends its own rows straight after it commits (the fast path, no dispatcher round).
So that the periodic dispatcher does not send them too meanwhile, such rows are written *leased*:
`available_at` lies `LEASE` ahead, and the dispatcher takes them only when the lease runs out
(the process died before marking them sent, or its send outlasted the lease: then a message may
arrive twice, which at-least-once allows). The dispatcher leases what it claims the same way.

Order: a row is leased only when its person has no earlier pending row, and the dispatcher sends
a person's rows only while they are that person's oldest pending rows, so one case's messages to
a person never overtake each other (commands on a case are serialised by its row lock). Two
commands on *different* cases committing at the same moment may both lease, and their messages
to a shared person may then arrive in either order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import queries
from storage.sealing import Sealer

LEASE = timedelta(seconds=60)  # longer than a slow send of a long message (5 s per part at most)


@dataclass
class Letter:
    """One outbox row as written, and as the channels see it once it has an id."""

    case_id: str
    role: str
    person_id: str | None
    payload: dict[str, Any]
    created_at: datetime
    court_code: str | None = None
    id: int = 0
    leased: bool = False  # written leased to the writer, who sends it after commit
    resume: tuple[str, int] | None = None  # (channel, parts it already has) after a flood wait

    @property
    def prompt_seq(self) -> int | None:
        prompt = self.payload.get("prompt")
        return int(prompt["seq"]) if prompt else None

    def message(self) -> dict[str, Any]:
        message = message_dict(
            self.id, self.case_id, self.role, self.person_id, self.court_code, self.created_at, self.payload
        )
        if self.resume:
            message["resume"] = {"channel": self.resume[0], "parts_sent": self.resume[1]}
        return message


def message_dict(
    row_id: int,
    case_id: str,
    role: str,
    person_id: str | None,
    court_code: str | None,
    created_at: datetime,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """An outbox row as the channels see it."""
    return {
        "id": row_id,
        "case_id": case_id,
        "role": role,
        "person_id": person_id,
        "court_code": court_code,
        "at": created_at.isoformat(),
        **payload,
    }


async def write(
    session: AsyncSession | AsyncConnection,
    sealer: Sealer,
    letters: Sequence[Letter],
    busy: Collection[str] | None,
    lease_until: datetime | None,
) -> list[Letter]:
    """Insert `letters` in one statement, setting their ids (in order) and whether each is leased.

    With `busy` (the people who still have a row pending) and `lease_until`, everyone else's
    rows are leased until then.
    """
    if not letters:
        return []
    for letter in letters:
        letter.leased = bool(
            busy is not None and lease_until and letter.person_id is not None and letter.person_id not in busy
        )
    rows = [
        {
            "case_id": letter.case_id,
            "role": letter.role,
            "person_id": letter.person_id,
            "payload": sealer.seal(letter.payload),
            "prompt_seq": letter.prompt_seq,
            "parts_sent": 0,
            "status": "pending",
            "attempts": 0,
            "created_at": letter.created_at,
            "available_at": lease_until if letter.leased and lease_until else letter.created_at,
        }
        for letter in letters
    ]
    ids = await session.scalars(queries.WRITE_OUTBOX, rows)
    for letter, row_id in zip(letters, ids, strict=True):
        letter.id = row_id
    return list(letters)
