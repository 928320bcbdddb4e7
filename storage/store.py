"""The unit of work: one transaction per command, the case row locked while it changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage import outbox, queries
from storage.db import is_sqlite, session_factory
from storage.models import (
    Case,
    CaseNumberCounter,
    Deadline,
    Evidence,
    OutboxMessage,
    Participant,
    Payment,
    Person,
)
from storage.outbox import Letter
from storage.sealed_column import bind_sealer
from storage.sealing import Sealer


class ConcurrentUpdate(Exception):
    """The case changed under us (optimistic check); the command may be retried."""


@dataclass
class Store:
    """Opens transactions; each `Tx` is one short unit of work."""

    engine: AsyncEngine
    sealer: Sealer

    def __post_init__(self) -> None:
        bind_sealer(self.engine, self.sealer)  # the SealedText columns (names, file names, reasons)
        self._sessions = session_factory(self.engine)
        self.sqlite = is_sqlite(self.engine)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        async with self._sessions() as session, session.begin():
            tx = Tx(session, self.sealer, self.sqlite)
            yield tx
            await tx.write_deferred()  # rows nobody leased go to the dispatcher

    async def execute_alone(self, statement: Executable, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run one self-contained statement and return its rows: without BEGIN and COMMIT round
        trips on PostgreSQL (autocommit), in its own serialised transaction on SQLite."""
        if self.sqlite:
            async with self.engine.begin() as connection:
                return [tuple(row) for row in await connection.execute(statement, params)]
        async with self._autocommit.connect() as connection:
            return [tuple(row) for row in await connection.execute(statement, params)]

    async def close(self) -> None:
        await self.engine.dispose()


class Tx:
    """Repository operations inside one transaction."""

    def __init__(self, session: AsyncSession, sealer: Sealer, sqlite: bool) -> None:
        self.session, self.sealer, self.sqlite = session, sealer, sqlite
        self._letters: list[Letter] = []
        self._locked: dict[str, Case] = {}  # cases this transaction holds locked
        self._people: dict[str, dict[str, list[str]]] = {}  # participants read ahead, each used once
        self._records: list[dict[str, Any]] | None = None  # record rows kept back (`defer_writes`)
        self._cancels: list[dict[str, Any]] = []  # deadline cancellations kept back (`defer_writes`)
        self._states: list[dict[str, Any]] = []  # states of cases locked here, kept back (`defer_writes`)

    def defer_writes(self) -> None:
        """From now on keep the record rows, the outbox rows nobody leases, the cancelling of
        deadlines and the new states of the cases this transaction holds locked until
        `write_deferred` (at the latest when the transaction ends): a transaction that changes
        many cases, each once (the sweeper's batch), then writes each kind in one statement.
        Nothing in it may read them back from the database before."""
        self._records = []

    async def write_deferred(self) -> list[Letter]:
        """Write what `defer_writes` kept back and every queued message; returns the messages."""
        records, self._records = self._records, None if self._records is None else []
        cancels, self._cancels = self._cancels, []
        states, self._states = self._states, []
        if states:
            await self._write(queries.SAVE_STATE, states)
        if cancels:
            await self._write(queries.CANCEL_DEADLINES, cancels)
        if records:
            await self._write(queries.RECORD, records)
        return await self._write_letters(None, None)

    async def _write(self, statement: Executable, params: Any) -> Any:
        """Run a write. While deferring, on the connection, without flushing the session first
        (the rows the session holds changed are then written together, at its next flush)."""
        if self._records is None:
            return await self.session.execute(statement, params)
        return await (await self.session.connection()).execute(statement, params)

    # -- people and access ----------------------------------------------------------------

    async def person(self, person_id: str) -> Person | None:
        return await self.session.get(Person, person_id)

    async def person_shared(self, person_id: str) -> Person | None:
        """The person row read FOR SHARE: an account link merging it waits for this transaction,
        or this one sees the merge (PostgreSQL; SQLite's transactions run one at a time)."""
        query = select(Person).where(Person.id == person_id).execution_options(populate_existing=True)
        return await self.session.scalar(query if self.sqlite else query.with_for_update(read=True))

    async def person_by_demo_key(self, key: str) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.demo_key == key))

    async def role_in_case(self, person: Person, case: Case) -> str | None:
        return (await self.access(person.id, case))[0]

    async def access(self, person_id: str, case: Case) -> tuple[str | None, dict[str, list[str]]]:
        """The one place that decides who may act in a case, and as what; with everyone taking part.

        A participant acts in their role; the court's clerks and judges act as `court` in the
        cases their court has received. A draft is the plaintiff's alone: until the filing is
        received the court has no part in it, and is not told it exists.
        """
        people = await self.participants(case.id)
        role = next((role for role, ids in people.items() if person_id in ids), None)
        if role is None and case.received_at is not None:  # a draft: nobody's but its parties'
            person = await self.person(person_id)
            if person and staff_of(person, case):
                role = "court"
        return role, people

    async def participants(self, case_id: str) -> dict[str, list[str]]:
        """Who takes part in the case, by role (read ahead by `read_participants`: answered from
        there once, as anything after may change them)."""
        ahead = self._people.pop(case_id, None)
        if ahead is not None:
            return ahead
        rows = await self.session.execute(queries.PARTICIPANTS, {"case_id": case_id})
        found: dict[str, list[str]] = {}
        for role, person_id in rows:
            found.setdefault(role, []).append(person_id)
        return found

    async def read_participants(self, case_ids: Collection[str]) -> None:
        """Read the participants of several cases in one query, for their next `participants`."""
        if not case_ids:
            return
        rows = await self.session.execute(queries.PARTICIPANTS_OF, {"case_ids": list(case_ids)})
        ahead: dict[str, dict[str, list[str]]] = {case_id: {} for case_id in case_ids}
        for case_id, role, person_id in rows:
            ahead[case_id].setdefault(role, []).append(person_id)
        self._people.update(ahead)

    async def cases_of(self, person_id: str) -> Sequence[tuple[Case, str]]:
        rows = await self.session.execute(
            select(Case, Participant.role)
            .join(Participant, Participant.case_id == Case.id)
            .where(Participant.person_id == person_id)
            .order_by(Case.updated_at.desc())
        )
        return [(case, role) for case, role in rows]

    async def cases_in_stage(self, court_code: str, stages: Sequence[str]) -> Sequence[Case]:
        rows = await self.session.scalars(
            select(Case).where(Case.court_code == court_code, Case.stage.in_(stages)).order_by(Case.updated_at)
        )
        return list(rows)

    # -- cases ----------------------------------------------------------------------------

    async def lock_case(self, case_id: str) -> Case | None:
        """Load a case row, locked FOR UPDATE on PostgreSQL (SQLite serialises writers); a case
        this transaction already holds is answered without asking again (the same row object)."""
        held = self._locked.get(case_id)
        if held is not None:
            return held
        query = queries.CASE if self.sqlite else queries.CASE_LOCKED
        case = await self.session.scalar(query, {"case_id": case_id})
        if case is not None:
            self._locked[case_id] = case
        return case

    async def get_case(self, case_id: str) -> Case | None:
        return await self.session.get(Case, case_id)

    def open_state(self, case: Case) -> dict[str, Any]:
        return self.sealer.open(case.state)  # type: ignore[no-any-return]

    async def save_state(
        self, case: Case, state: dict[str, Any], status: str, now: datetime, received: bool = False
    ) -> None:
        """Write the new state, refusing if someone else wrote since we read (version check).

        `received`: the court has the filing now; the first such write stamps `received_at`."""
        received_at = case.received_at or (now if received else None)
        sealed = self.sealer.seal(state)
        row = {
            "b_id": case.id,
            "b_version": case.version,
            "state": sealed,
            "stage": state["stage"],
            "status": status,
            "flow_id": state["flow_id"],  # a case handed over to another flow (`next_flow`) is pinned to it
            "flow_version": state["version"],
            "version": case.version + 1,
            "updated_at": now,
            "case_number": state["data"].get("case_number"),
            "received_at": received_at,
        }
        if self._records is not None and self._locked.get(case.id) is case:
            self._states.append(row)  # deferred: this transaction holds the row, nobody wrote it since
        elif (await self._write(queries.SAVE_STATE, row)).rowcount != 1:
            raise ConcurrentUpdate(case.id)
        set_committed_value(case, "version", case.version + 1)  # already written: no second UPDATE
        set_committed_value(case, "state", sealed)  # the row as written: read again in this transaction
        set_committed_value(case, "stage", state["stage"])
        set_committed_value(case, "status", status)
        set_committed_value(case, "updated_at", now)
        set_committed_value(case, "case_number", state["data"].get("case_number"))
        set_committed_value(case, "flow_id", state["flow_id"])
        set_committed_value(case, "flow_version", state["version"])
        set_committed_value(case, "received_at", received_at)
        set_committed_value(case, "state", sealed)  # a later open_state in this transaction reads it

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    async def next_case_number(self, court: str, year: int, category: str) -> int:
        """The next SEQ for (court, year, category): one atomic increment, never repeated."""
        insert = sqlite_insert if self.sqlite else pg_insert
        await self.session.execute(
            insert(CaseNumberCounter)
            .values(court_code=court, year=year, category=category, last_seq=0)
            .on_conflict_do_nothing()
        )
        seq = await self.session.scalar(
            update(CaseNumberCounter)
            .where(
                CaseNumberCounter.court_code == court,
                CaseNumberCounter.year == year,
                CaseNumberCounter.category == category,
            )
            .values(last_seq=CaseNumberCounter.last_seq + 1)
            .returning(CaseNumberCounter.last_seq)
        )
        assert seq is not None
        return int(seq)

    async def count_cases(self) -> int:
        return int(await self.session.scalar(select(func.count(Case.id))) or 0)

    # -- the record -----------------------------------------------------------------------

    async def log(self, case_id: str, seq: int, kind: str, detail: dict[str, Any], now: datetime, **who: Any) -> None:
        """Add to the case record (a plain INSERT, written at once)."""
        row = {"actor_id": None, "on_behalf_of": None, "role": None, "channel": None, **who}
        sealed = self.sealer.seal(detail)
        record = {"case_id": case_id, "seq": seq, "kind": kind, "detail": sealed, "at": now, **row}
        if self._records is not None:
            self._records.append(record)
            return
        await self.session.execute(queries.RECORD, record)

    def outbox(
        self,
        case_id: str,
        role: str,
        person_id: str | None,
        payload: dict[str, Any],
        now: datetime,
        court_code: str | None = None,
    ) -> None:
        """Queue a message; it is written with the transaction (see `write_outbox`)."""
        self._letters.append(Letter(case_id, role, person_id, payload, now, court_code))

    def queued_for(self) -> set[str]:
        """The people the queued messages are for."""
        return {letter.person_id for letter in self._letters if letter.person_id}

    async def write_outbox(
        self, busy: Collection[str] | None = None, lease_until: datetime | None = None
    ) -> list[Letter]:
        """Write the queued messages now and return them; with `busy` and `lease_until`, some come
        back leased. Deferring (`defer_writes`), a call that leases nothing writes nothing yet
        and returns nothing: `write_deferred` writes them."""
        if self._records is not None and busy is None:
            return []
        return await self._write_letters(busy, lease_until)

    async def _write_letters(self, busy: Collection[str] | None, lease_until: datetime | None) -> list[Letter]:
        letters, self._letters = self._letters, []
        writer = self.session if self._records is None else await self.session.connection()
        return await outbox.write(writer, self.sealer, letters, busy, lease_until)

    async def latest_prompt(self, case_id: str, person_id: str, role: str) -> Row[int, str, datetime] | None:
        """The newest message that asked this participant something (court staff: the court's):
        its id, sealed payload and time."""
        if role == "court":
            found = await self.session.execute(queries.LATEST_COURT_PROMPT, {"case_id": case_id})
        else:
            found = await self.session.execute(queries.LATEST_PROMPT, {"case_id": case_id, "person_id": person_id})
        return found.first()

    async def history(self, case_id: str, person_id: str | None, role: str, limit: int = 200) -> list[OutboxMessage]:
        """Messages a participant has in a case, oldest first (court staff see the court's)."""
        query = select(OutboxMessage).where(OutboxMessage.case_id == case_id)
        if role == "court":
            query = query.where(OutboxMessage.role == "court")
        else:
            query = query.where(OutboxMessage.person_id == person_id)
        rows = await self.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit))
        return list(reversed(list(rows)))

    # -- deadlines ------------------------------------------------------------------------

    async def cancel_deadlines(self, case_id: str, before_stage_seq: int, keep: tuple[str, ...] = ()) -> None:
        """Cancel the case's running and unstarted deadlines of stages before `before_stage_seq`,
        but those of the kinds in `keep` (the court's open duties, which outlive their stage). A
        plain UPDATE: what this session changed in deadline rows is written at its next flush, and
        a status it set, such as `fired`, stands."""
        if keep:  # a court duty is open (rare): cancelled at once, around it
            await self.session.execute(
                update(Deadline)
                .where(
                    Deadline.case_id == case_id,
                    Deadline.status.in_(("pending", "unstarted")),
                    Deadline.stage_seq < before_stage_seq,
                    Deadline.kind.not_in(keep),
                )
                .values(status="cancelled")
                .execution_options(synchronize_session=False)
            )
            return
        cancel = {"b_case_id": case_id, "before": before_stage_seq}
        if self._records is not None:
            self._cancels.append(cancel)
            return
        await self.session.execute(queries.CANCEL_DEADLINES, cancel)

    async def pending_deadline(self, case_id: str, kind: str | None = None) -> Deadline | None:
        query = select(Deadline).where(Deadline.case_id == case_id, Deadline.status == "pending")
        if kind:
            query = query.where(Deadline.kind == kind)
        return await self.session.scalar(query.order_by(Deadline.due_at).limit(1))

    async def save_fired(self, deadlines: Sequence[Deadline]) -> None:
        """Write what firing changed in claimed deadline rows (status, when and by whom, how late,
        when reminded) in one statement, not one UPDATE per row at the next flush."""
        if not deadlines:
            return
        rows = [{"b_id": d.id, **{f"b_{name}": getattr(d, name) for name in queries.FIRING}} for d in deadlines]
        await self._write(queries.SAVE_FIRED, rows)
        for deadline in deadlines:
            for name in queries.FIRING:
                set_committed_value(deadline, name, getattr(deadline, name))

    async def claim_due_deadlines(self, now: datetime, limit: int) -> list[Deadline]:
        """Up to `limit` due deadlines (or due reminders), soonest first, each locked with its case
        so that no other sweeper takes them. On PostgreSQL both rows are taken with SKIP LOCKED: a
        deadline another sweeper holds, or whose case a command holds, is passed over until a later
        round, so a sweeper never waits for a case while it holds deadline rows. The cases stay
        locked and loaded: `lock_case` answers them without another query."""
        query = queries.DUE_DEADLINES if self.sqlite else queries.DUE_DEADLINES_LOCKED
        rows = (await self.session.execute(query, {"now": now, "limit": limit})).all()
        for _deadline, case in rows:
            self._locked[case.id] = case
        return [deadline for deadline, _case in rows]

    # -- evidence and payments ------------------------------------------------------------

    async def last_evidence(self, case_id: str) -> Evidence | None:
        return await self.session.scalar(
            select(Evidence)
            .where(Evidence.case_id == case_id)
            .order_by(Evidence.received_at.desc(), Evidence.id)
            .limit(1)
        )

    async def payment(self, payment_id: str) -> Payment | None:
        query = select(Payment).where(Payment.id == payment_id)
        return await self.session.scalar(query if self.sqlite else query.with_for_update())


def staff_of(person: Person, case: Case) -> bool:
    """A clerk or judge of the case's court. Alone this is no part in the case (see `Tx.access`):
    it is who reviews what a party sends the court beside it, such as a power of attorney."""
    return person.staff_role in ("clerk", "judge") and person.court_code == case.court_code
