"""Windows closing at the same instant: every one fired exactly once, how fast, how late.

``--windows`` procedural deadlines (default 10,000) fall due at one instant on PostgreSQL, and
``--sweepers`` server processes (default 2) sweep them with the court's own ``DeadlineSweeper``:
each claim is one short transaction with ``FOR UPDATE SKIP LOCKED``, and each firing runs the flow
engine, writes the case's new state, its record event and its outbox rows, and hands the rows to
the outbox dispatcher, as a running court does.

The windows are real: one case is filed and accepted through the service layer, so it waits for
its fee with a pending ``payment`` deadline (filing's window today; the trial's windows have the
same shape), and the database then holds ``--windows`` copies of that case (rows copied in SQL,
new ids and references), every deadline due now.

In the same run, on the same number of fresh rows, the **baseline** processes only claim and
update: one transaction per row, ``SELECT … FOR UPDATE SKIP LOCKED LIMIT 1`` then ``UPDATE … SET
status = 'fired'``, with nothing else.

Printed: windows fired and any fired twice or not at all (from the record: one ``deadline_fired``
event per case), throughput of both and their ratio, and the lag from due time to the case's
first outbox row (p50, p99). A fresh database ``mc_deadlines_<random>`` is created and dropped at
the end (also after Ctrl-C or SIGTERM). Exit status 1 if any window was not fired exactly once.
Usage::

    .venv/bin/python bench/deadlines.py [--windows 10000] [--sweepers 2] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.bootstrap import build_court  # noqa: E402
from app.simulation import Simulation  # noqa: E402
from gateway import logs  # noqa: E402
from gateway.demo import seed  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from storage.models import Case, Deadline, Participant  # noqa: E402
from storage.sealing import Sealer  # noqa: E402

DEFAULT_POSTGRES = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Run:
    """One sweep of every due row by the sweeper processes."""

    seconds: float
    fired: int
    twice: int
    missed: int
    lags: list[float]

    @property
    def per_second(self) -> float:
        return self.fired / self.seconds if self.seconds else 0.0


# --- the windows ------------------------------------------------------------------------------


async def one_waiting_case(settings: Settings) -> str:
    """A case filed and accepted through the service layer: it now waits for its fee (FM 22)."""
    court = await build_court(settings)
    try:
        await seed(court.store, settings.court_code, court.clock())
        sim = Simulation(court)
        async with court.store.tx() as tx:
            plaintiff, clerk = [await tx.person_by_demo_key(key) for key in ("litigant_a", "clerk")]
        assert plaintiff is not None and clerk is not None
        case_id = await sim.file_case(plaintiff)
        await sim.answer(clerk, case_id, "accept")
        await court.dispatcher.settle()
        return case_id
    finally:
        await court.close()


def _copy_rows(table: Any, replaced: dict[str, str], where: str) -> str:
    """INSERT … SELECT copying `table`'s rows matching `where` once per series value `g.n`; an
    `id` column not in `replaced` is left to the database (a sequence)."""
    columns = [c.name for c in table.columns if c.name != "id" or "id" in replaced]
    chosen = ", ".join(replaced.get(name, f't."{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    return f"INSERT INTO {table.name} ({names}) SELECT {chosen} FROM {table.name} t, g WHERE {where}"


async def copy_case(connection: asyncpg.Connection, template: str, copies: int, round_no: int) -> None:
    """`copies` copies of the template case, its participants and its pending deadline; their
    references carry the round (`…-r<round>-<n>`)."""
    new_id = f"md5(t.id || '-{round_no}-' || g.n)::uuid::text"
    new_case = f"md5(t.case_id || '-{round_no}-' || g.n)::uuid::text"
    await connection.execute("CREATE TEMP TABLE g AS SELECT generate_series(1, $1::int) AS n", copies)
    reference = f"left(t.reference, 12) || '-r{round_no}-' || g.n"
    number = f"t.case_number || '-r{round_no}-' || g.n"
    template_only = f"t.id = '{template}'"
    await connection.execute(
        _copy_rows(Case.__table__, {"id": new_id, "reference": reference, "case_number": number}, template_only)
    )
    of_template = f"t.case_id = '{template}'"
    await connection.execute(_copy_rows(Participant.__table__, {"case_id": new_case}, of_template))
    pending_payment = {"case_id": new_case, "status": "'pending'"}
    payment_only = f"{of_template} AND t.kind = 'payment'"
    await connection.execute(_copy_rows(Deadline.__table__, pending_payment, payment_only))
    await connection.execute("DROP TABLE g")


async def make_due(connection: asyncpg.Connection, kind: str) -> datetime:
    """Every pending deadline of `kind` due now (reminders out of the way); returns that instant."""
    now = datetime.now(UTC)
    await connection.execute(
        "UPDATE deadlines SET due_at = $1, remind_at = NULL WHERE status = 'pending' AND kind = $2", now, kind
    )
    return now


# --- the sweepers -----------------------------------------------------------------------------


def court_sweeper(settings: Settings, worker: str, start: Any, done: Any) -> None:
    """A server process's sweeper: fire what is due until a round finds nothing twice."""

    async def sweep() -> None:
        court = await build_court(settings, migrate=False)
        court.sweeper.worker = worker
        try:
            start.wait()
            idle = 0
            while idle < 2:
                idle = idle + 1 if await court.sweeper.run_once(limit=200) == 0 else 0
            await court.dispatcher.settle()
        finally:
            await court.close()

    logs.configure("ERROR")
    try:
        asyncio.run(sweep())
    finally:
        done.put(time.monotonic())  # a failed sweeper ends too; the count of fired windows shows it


def baseline_sweeper(database_url: str, start: Any, done: Any) -> None:
    """Claim and update only: one row per transaction, SKIP LOCKED, nothing else."""

    async def sweep() -> None:
        connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
        claim = await connection.prepare(
            "SELECT id FROM deadlines WHERE status = 'pending' AND due_at <= now() "
            "ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        fire = await connection.prepare("UPDATE deadlines SET status = 'fired', fired_at = now() WHERE id = $1")
        start.wait()
        while True:
            async with connection.transaction():
                row = await claim.fetchrow()
                if row is None:
                    break
                await fire.fetch(row["id"])
        await connection.close()

    try:
        asyncio.run(sweep())
    finally:
        done.put(time.monotonic())


def sweep_with(target: Any, args: tuple[Any, ...], processes: int) -> float:
    """Start `processes` sweepers, release them together, return seconds until the last is done."""
    context = multiprocessing.get_context("spawn")
    start, done = context.Event(), context.Queue()
    workers = [context.Process(target=target, args=(*args(n), start, done)) for n in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(5)  # let each process build its court before the clock starts (not a test)
    began = time.monotonic()
    start.set()
    finished = [done.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join()
    return max(finished) - began


# --- what happened ----------------------------------------------------------------------------


async def outcome(connection: asyncpg.Connection, round_no: int, due: datetime, seconds: float) -> Run:
    """Fired once, twice or never (from the record), and the lag from due to the first outbox row."""
    this_round = f"%-r{round_no}-%"
    counts = await connection.fetch(
        "SELECT c.id, count(e.id) AS fired FROM cases c LEFT JOIN case_events e "
        "ON e.case_id = c.id AND e.kind = 'deadline_fired' WHERE c.reference LIKE $1 GROUP BY c.id",
        this_round,
    )
    lags = await connection.fetch(
        "SELECT min(o.created_at) AS first FROM outbox o JOIN cases c ON c.id = o.case_id "
        "WHERE c.reference LIKE $1 AND o.created_at >= $2 GROUP BY o.case_id",
        this_round,
        due,
    )
    return Run(
        seconds,
        sum(1 for row in counts if row["fired"] >= 1),
        sum(1 for row in counts if row["fired"] > 1),
        sum(1 for row in counts if row["fired"] == 0),
        [(row["first"] - due).total_seconds() for row in lags],
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p / 100))] if ordered else float("nan")


# --- one benchmark ----------------------------------------------------------------------------


async def measure(args: argparse.Namespace, database_url: str, data_dir: Path) -> int:
    plain_url = database_url.replace("postgresql+asyncpg", "postgresql")
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key=Sealer.new_key(), demo=True)
    template = await one_waiting_case(settings)
    connection = await asyncpg.connect(plain_url)
    ours, baseline = [], []
    try:
        await connection.execute("UPDATE deadlines SET status = 'cancelled' WHERE case_id = $1", template)
        # The copies share the template's sealed state, case number included, and firing writes
        # the state's number back to its row: in this throwaway database numbers need not be unique.
        await connection.execute("ALTER TABLE cases DROP CONSTRAINT uq_cases_case_number")
        for round_no in range(1, args.repeat + 1):
            await copy_case(connection, template, args.windows, round_no)
            due = await make_due(connection, "payment")
            seconds = await asyncio.to_thread(
                sweep_with, court_sweeper, lambda n: (settings, f"sweeper-{n}"), args.sweepers
            )
            ours.append(await outcome(connection, round_no, due, seconds))
            # the same rows again, for the baseline: pending, due, under a kind no flow knows
            await connection.execute(
                "UPDATE deadlines SET status = 'pending', kind = 'baseline' WHERE kind = 'payment' AND status = 'fired'"
            )
            await make_due(connection, "baseline")
            seconds = await asyncio.to_thread(sweep_with, baseline_sweeper, lambda n: (database_url,), args.sweepers)
            baseline.append(Run(seconds, args.windows, 0, 0, []))
    finally:
        await connection.close()
    return report(args, ours, baseline)


def report(args: argparse.Namespace, ours: list[Run], baseline: list[Run]) -> int:
    lags = [lag for run in ours for lag in run.lags]
    ours_rate = statistics.median(run.per_second for run in ours)
    base_rate = statistics.median(run.per_second for run in baseline)
    print(f"{args.windows} windows due at one instant, {args.sweepers} sweeper processes, {args.repeat} round(s)")
    print(f"fired: {[r.fired for r in ours]}  twice: {[r.twice for r in ours]}  never: {[r.missed for r in ours]}")
    print(f"ours:     {ours_rate:8.0f} windows/s  (median of {[round(r.per_second) for r in ours]})")
    print(f"baseline: {base_rate:8.0f} rows/s     (claim + update only; {[round(r.per_second) for r in baseline]})")
    print(f"ratio:    {ours_rate / base_rate:.2f}  (aim >= 0.50)")
    print(f"lag due -> outbox row: p50 {percentile(lags, 50):.2f} s, p99 {percentile(lags, 99):.2f} s (aim p99 < 5 s)")
    exactly_once = all(r.fired == args.windows and r.twice == 0 and r.missed == 0 for r in ours)
    return 0 if exactly_once else 1


async def bench(args: argparse.Namespace) -> int:
    """Create the database, measure, drop it (also after Ctrl-C or SIGTERM)."""
    this = asyncio.current_task()
    assert this is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, this.cancel)
    logs.configure("ERROR")
    admin_url = make_url(args.postgres)
    name = f"mc_deadlines_{uuid.uuid4().hex[:10]}"
    database_url = admin_url.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(args.postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="mc-deadlines-") as data_dir:
            return await measure(args, database_url, Path(data_dir))
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", type=int, default=10_000)
    parser.add_argument("--sweepers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a database to connect to for CREATE/DROP")
    args = parser.parse_args()
    try:
        return asyncio.run(bench(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted (the benchmark database was dropped)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
