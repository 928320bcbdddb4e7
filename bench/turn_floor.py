"""The floor of a durable chat turn on the mandated stack, next to the webhook benchmark's baseline.

Can *any* app on aiohttp + python-telegram-bot (PTB) + SQLAlchemy async over asyncpg + a durable
outbox reach 40 % of the baseline's throughput in ``bench/telegram_webhook.py``? This measures the
least such an app does per update, with none of Micro Court's code. Three servers, each in its own
process, one under load at a time:

- **baseline**: ``telegram_webhook.py``'s own (secret header, JSON, one INSERT + COMMIT through an
  engine from ``storage.db.create_engine``);
- **floor**: secret header; ``telegram.Update.de_json``; one transaction on a SQLAlchemy
  ``AsyncConnection`` (``create_engine``, ``text()`` built once): claim the update id (``INSERT …
  ON CONFLICT DO NOTHING RETURNING``), lock the user's case row (``SELECT … FOR UPDATE``), update
  its state, insert a record row and an outbox row; COMMIT; answer 200. Then, in a background task,
  ``bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(...))`` through PTB on the
  app's aiohttp transport to the Bot API stand-in, and an autocommit UPDATE marking the outbox row
  sent. No flow engine, sealing, Redis or answerCallbackQuery;
- **floor_asyncpg** (unless ``--no-asyncpg``): the same turn on a raw asyncpg pool (20-40 connections).

The driver (this process: users, HTTP client, the stand-in ``tests/support/telegram_standin.py``) is
``telegram_webhook.py``'s closed loop: ``--users`` users, at most ``--connections`` requests in
flight, ``--seconds`` to settle then ``--seconds`` measured; the same updates for every server (the
baseline's, shaped like the filing: 1 command, 10 texts, 6 buttons, over and over). Each floor user
has a case row made at setup. A floor step is done when the stand-in records the ``sendMessage`` to
that user (latency: POST sent -> sendMessage recorded; "HTTP p50": the webhook's answer); a
baseline step when the webhook answers. CPU: the server process's (/proc) per update answered in the
window. Servers interleaved, ``--repeat`` times, medians printed. A fresh database
``mc_floor_<random>`` is created and dropped at the end; exit status 1 if any update failed. Usage::

    .venv/bin/python bench/turn_floor.py [--users 200] [--connections 40] [--seconds 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import itertools
import json
import os
import re
import secrets
import signal
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.error import TelegramError  # noqa: E402

import bench.telegram_webhook as tw  # noqa: E402
from app.simulation import PLAINTIFF_ANSWERS  # noqa: E402
from bot.telegram.transport import AiohttpRequest  # noqa: E402
from storage.db import create_engine  # noqa: E402
from tests.support.telegram_standin import SECRET_HEADER, BotApiStandIn  # noqa: E402

BUTTONS = {"consent_service", "case_type", "defendant_kind", "more_claims", "summary", "pay_fee"}
SCRIPT = [tw.Action("command", "new")] + [
    tw.Action("button", str(value), option=1) if step in BUTTONS else tw.Action("text", str(value))
    for step, value in PLAINTIFF_ANSWERS.items()
]
FIRST_USER_ID = 800_000_000  # floor users; each has a case row
SPARE_CASES = 10_000  # case rows for users replacing ones that fell out of step
PROMPT = "请核对以上信息。如需更正，请选择要修改的项目；确认无误后请点击“下一步”继续填写起诉状。" * 2
LABELS = ("下一步", "修改", "撤回")
PAUSE = 3.0  # seconds between runs: the last run's replies are marked sent, idle asyncpg connections close

SCHEMA = [
    "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, update_id bigint NOT NULL, "
    "user_id bigint, received_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)",
    "CREATE TABLE floor_updates (update_id bigint PRIMARY KEY, claimed_at timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE floor_cases (id bigserial PRIMARY KEY, user_id bigint NOT NULL UNIQUE, "
    "state integer NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE floor_records (id bigserial PRIMARY KEY, case_id bigint NOT NULL REFERENCES floor_cases, "
    "update_id bigint NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE floor_outbox (id bigserial PRIMARY KEY, case_id bigint NOT NULL REFERENCES floor_cases, "
    "chat_id bigint NOT NULL, payload text NOT NULL, status text NOT NULL DEFAULT 'pending', sent_at timestamptz)",
]
SQL = {  # name: (statement, its parameters in order: asyncpg numbers them $1, $2, ...)
    "claim": ("INSERT INTO floor_updates (update_id) VALUES (:u) ON CONFLICT DO NOTHING RETURNING update_id", "u"),
    "lock": ("SELECT id, state FROM floor_cases WHERE user_id = :c FOR UPDATE", "c"),
    "advance": ("UPDATE floor_cases SET state = :s, updated_at = now() WHERE id = :k", "sk"),
    "record": ("INSERT INTO floor_records (case_id, update_id, body) VALUES (:k, :u, :b)", "kub"),
    "outbox": ("INSERT INTO floor_outbox (case_id, chat_id, payload) VALUES (:k, :c, :p) RETURNING id", "kcp"),
    "sent": ("UPDATE floor_outbox SET status = 'sent', sent_at = now() WHERE id = :o", "o"),
}


def numbered(statement: str, order: str) -> str:
    """The statement with asyncpg's $1, $2, ... in place of the :names."""
    return re.sub(r":(\w)\b", lambda match: f"${order.index(match[1]) + 1}", statement)


def prompt(case_id: int, state: int) -> tuple[str, list[tuple[str, str]]]:
    """The next prompt: its text and buttons (label, callback data shaped like the app's)."""
    return f"第 {state} 步。{PROMPT}", [(label, f"a:{case_id:022x}:{state:x}:{i:x}") for i, label in enumerate(LABELS)]


def outbox_payload(case_id: int, chat_id: int, state: int) -> str:
    """The outbox row: the message to send (the app seals it; the floor does not)."""
    said, buttons = prompt(case_id, state)
    return json.dumps({"chat_id": chat_id, "text": said, "buttons": buttons}, ensure_ascii=False)


# --- the floor servers ----------------------------------------------------------------------

Turn = tuple[int, int, int]  # case id, new state, outbox row id


class SqlAlchemyTurns:
    """The turn on an AsyncConnection from the app's engine factory (20 + 20 pool), text() built once."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.sql = {name: text(statement) for name, (statement, _parameters) in SQL.items()}

    async def open(self) -> None:
        pass

    async def commit(self, update_id: int, user_id: int, body: str) -> Turn | None:
        """One transaction; None if the update id was claimed already (a redelivery)."""
        sql = self.sql
        async with self.engine.begin() as connection:
            if (await connection.execute(sql["claim"], {"u": update_id})).first() is None:
                return None
            case_id, state = (await connection.execute(sql["lock"], {"c": user_id})).one()
            state += 1
            await connection.execute(sql["advance"], {"s": state, "k": case_id})
            await connection.execute(sql["record"], {"k": case_id, "u": update_id, "b": body})
            payload = outbox_payload(case_id, user_id, state)
            outbox = await connection.execute(sql["outbox"], {"k": case_id, "c": user_id, "p": payload})
            outbox_id: int = outbox.scalar_one()
        return case_id, state, outbox_id

    async def mark_sent(self, outbox_id: int) -> None:
        async with self.autocommit.connect() as connection:
            await connection.execute(self.sql["sent"], {"o": outbox_id})

    async def close(self) -> None:
        await self.engine.dispose()


class AsyncpgTurns:
    """The same statements on a raw asyncpg pool (which prepares them once per connection)."""

    def __init__(self, database_url: str) -> None:
        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.sql = {name: numbered(*statement) for name, statement in SQL.items()}
        self.pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        # Idle connections close after 2 s (as the engine closes its overflow at once), so that the
        # three servers' pools stay under PostgreSQL's max_connections (100) between runs.
        self.pool = await asyncpg.create_pool(self.dsn, min_size=20, max_size=40, max_inactive_connection_lifetime=2)

    async def commit(self, update_id: int, user_id: int, body: str) -> Turn | None:
        sql = self.sql
        assert self.pool is not None
        async with self.pool.acquire() as connection, connection.transaction():
            if await connection.fetchval(sql["claim"], update_id) is None:
                return None
            case_id, state = await connection.fetchrow(sql["lock"], user_id)
            state += 1
            await connection.execute(sql["advance"], state, case_id)
            await connection.execute(sql["record"], case_id, update_id, body)
            payload = outbox_payload(case_id, user_id, state)
            outbox_id = await connection.fetchval(sql["outbox"], case_id, user_id, payload)
        return case_id, state, outbox_id

    async def mark_sent(self, outbox_id: int) -> None:
        assert self.pool is not None
        await self.pool.execute(self.sql["sent"], outbox_id)  # autocommit

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()


def floor_app(turns: SqlAlchemyTurns | AsyncpgTurns, bot: Bot, secret: str) -> web.Application:
    """The webhook: parse with PTB, commit the turn, answer 200; send the reply in the background."""
    sending: set[asyncio.Task[None]] = set()

    async def deliver(chat_id: int, turn: Turn) -> None:
        said, buttons = prompt(turn[0], turn[1])
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons])
        try:
            await bot.send_message(chat_id, said, reply_markup=keyboard)
        except TelegramError:
            return  # the row stays pending (the app would retry it); the user times out, an error
        await turns.mark_sent(turn[2])

    async def hook(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403, text="forbidden")
        body = await request.text()
        update = Update.de_json(json.loads(body), bot)
        if update.effective_user is not None:
            turn = await turns.commit(update.update_id, update.effective_user.id, body)
            if turn is not None:
                task = asyncio.create_task(deliver(update.effective_user.id, turn))
                sending.add(task)
                task.add_done_callback(sending.discard)
        return web.Response(text="ok")

    async def start(_app: web.Application) -> None:
        await turns.open()
        await bot.initialize()

    async def stop(_app: web.Application) -> None:
        await asyncio.gather(*sending, return_exceptions=True)
        await bot.shutdown()
        await turns.close()

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/hook", hook)
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def floor_server(kind: str, database_url: str, secret: str, api_root: str, token: str, port: int) -> None:
    """Child process: the floor on SQLAlchemy (kind "sqlalchemy") or on raw asyncpg ("asyncpg")."""

    def app() -> web.Application:
        bot = Bot(token, base_url=f"{api_root}/bot", request=AiohttpRequest(), get_updates_request=AiohttpRequest())
        turns = SqlAlchemyTurns(database_url) if kind == "sqlalchemy" else AsyncpgTurns(database_url)
        return floor_app(turns, bot, secret)

    tw._serve_until_stopped(app, port)


# --- the driver -----------------------------------------------------------------------------


FLOOR_USER_IDS, FLOOR_UPDATE_IDS = itertools.count(FIRST_USER_ID), itertools.count(1)  # shared by the floors


class Floor(tw.Baseline):
    """A floor server: its users send the baseline's updates, then wait for the reply's sendMessage."""

    def __init__(self, name: str, url: str, pid: int, secret: str, client: tw.Client, tap: tw.ReplyTap) -> None:
        super().__init__(url, secret, client, SCRIPT, FLOOR_USER_IDS, pid)
        self.name, self.tap, self.update_ids = name, tap, FLOOR_UPDATE_IDS  # unique across the floors

    def new_user(self) -> FloorUser:
        return FloorUser(self, next(self.user_ids))


class FloorUser(tw.BaselineUser):
    target: Floor

    async def step(self) -> tuple[float, float, float]:
        """POST the next update; done when the stand-in has recorded the sendMessage to this user."""
        target = self.target
        body = json.dumps(self._update(target.script[self.position]), ensure_ascii=False).encode()
        future = target.tap.expect(self.user_id)
        sent = time.perf_counter()
        try:
            async with asyncio.timeout(tw.REPLY_TIMEOUT):
                status, acked = await target.client.post(target.url, body, target.headers)
                if status != 200:
                    raise tw.StepError(f"floor answered {status}")
                reply = await future
        except TimeoutError:
            raise tw.StepError("no reply in time") from None
        except aiohttp.ClientError as error:
            raise tw.StepError(f"webhook request failed: {error!r}") from None
        finally:
            if target.tap.waiting.get(self.user_id) is future:
                del target.tap.waiting[self.user_id]
        if reply.error is not None:
            raise tw.StepError(f"sendMessage failed: {reply.error}")
        self.position = (self.position + 1) % len(target.script)  # floor users never finish
        return sent, acked, reply.recorded


def table(results: dict[str, list[tw.Result]]) -> list[str]:
    """Medians over the repetitions, one line per server, then each floor against the baseline."""
    lines = [
        f"  {'':<14}{'upd/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'HTTP p50':>10}{'CPU ms/upd':>12}{'core':>6}{'errors':>8}"
    ]
    rates = {name: tw.median([r.throughput for r in runs]) for name, runs in results.items()}
    cpus = {name: tw.median([r.cpu_ms_per_update for r in runs]) for name, runs in results.items()}
    for name, runs in results.items():
        lines.append(
            f"  {name:<14}{rates[name]:8.1f}{tw.median([r.ms(50) for r in runs]):9.1f}"
            f"{tw.median([r.ms(99) for r in runs]):9.1f}{tw.median([r.ms(50, r.acks) for r in runs]):10.1f}"
            f"{cpus[name]:12.2f}{tw.median([r.cpu_seconds / r.seconds for r in runs]):6.2f}"
            f"{sum(r.errors for r in runs):8d}"
        )
    for name in list(results)[1:]:
        lines.append(
            f"  {name}/baseline: throughput {rates[name] / rates['baseline']:.2f}; CPU per update "
            f"{cpus[name] / cpus['baseline']:.2f}x (throughput ratio if each server were bound by its own core: "
            f"{cpus['baseline'] / cpus[name]:.2f})"
        )
    return lines


async def measure(args: argparse.Namespace, database_url: str, cleanups: list[Callable[[], Awaitable[Any]]]) -> int:
    setup = await tw.pg_connect(database_url)
    cleanups.append(setup.close)
    for statement in SCHEMA:
        await setup.execute(statement)
    last = FIRST_USER_ID + 2 * args.users + SPARE_CASES
    await setup.execute("INSERT INTO floor_cases (user_id) SELECT generate_series($1::bigint, $2)", FIRST_USER_ID, last)
    api = BotApiStandIn()
    await api.start()
    cleanups.append(api.stop)
    tap, client, secret = tw.ReplyTap(api), tw.Client(args.connections), secrets.token_urlsafe(32)
    cleanups.append(client.close)

    async def started(server: Callable[..., None], *params: Any) -> tuple[str, int]:
        port = tw.free_port()
        process = await tw.start_server(server, *params, port=port)
        cleanups.append(lambda: tw.stop_server(process))
        assert process.pid is not None
        return f"http://{tw.HOST}:{port}/hook", process.pid

    url, pid = await started(tw.baseline_server, database_url, secret)
    targets = [tw.Baseline(url, secret, client, SCRIPT, itertools.count(1), pid)]
    for name, kind in (("floor", "sqlalchemy"), ("floor_asyncpg", "asyncpg"))[: 1 + args.asyncpg]:
        url, pid = await started(floor_server, kind, database_url, secret, api.root_url, api.token)
        targets.append(Floor(name, url, pid, secret, client, tap))
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; closed loop: {args.users} users over "
        f"{args.connections} connections, {args.seconds:g} s to settle then {args.seconds:g} s measured; "
        f"{args.repeat} repetitions, interleaved",
        flush=True,
    )
    populations = {target.name: tw.Population(target, args.users) for target in targets}
    results: dict[str, list[tw.Result]] = {target.name: [] for target in targets}
    for repetition in range(args.repeat):
        shift = repetition % len(targets)
        for target in targets[shift:] + targets[:shift]:
            api.calls.clear()  # nobody waits on the list; keep it from growing
            await asyncio.sleep(PAUSE)
            result = await tw.closed_loop(populations[target.name], args.seconds, settle=args.seconds)
            results[target.name].append(result)
            cpu = f"{result.cpu_ms_per_update:.2f} ms CPU/upd"
            print(f"  run {repetition + 1} {target.name:<14}{tw.describe(result)}, {cpu}", flush=True)
    print(
        f"\nmedians of {args.repeat}. Latency: POST sent -> sendMessage recorded (floors), -> HTTP answer "
        "(baseline). HTTP p50: the webhook's own answer. CPU: the server process's, per update answered; "
        "core: the share of one core it kept busy"
    )
    print("\n".join(table(results)))
    await asyncio.sleep(0.5)  # the last outbox rows get marked sent
    claimed, records, pending = await setup.fetchrow(
        "SELECT (SELECT count(*) FROM floor_updates), (SELECT count(*) FROM floor_records), "
        "(SELECT count(*) FROM floor_outbox WHERE status = 'pending')"
    )
    print(
        f"load average after: {os.getloadavg()[0]:.2f}; floors: {claimed} updates claimed, {records} records, "
        f"{pending} outbox rows left pending; sendMessage calls nobody waited for: {tap.unexpected}"
    )
    return 1 if any(r.errors for runs in results.values() for r in runs) else 0


async def bench(args: argparse.Namespace) -> int:
    """Create the database, measure, drop it (also after Ctrl-C or SIGTERM)."""
    this = asyncio.current_task()
    assert this is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, this.cancel)
    name = f"mc_floor_{uuid.uuid4().hex[:10]}"
    database_url = make_url(args.postgres).set(drivername="postgresql+asyncpg", database=name)
    admin = await tw.pg_connect(args.postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    cleanups: list[Callable[[], Awaitable[Any]]] = []
    try:
        return await measure(args, database_url.render_as_string(hide_password=False), cleanups)
    finally:
        for cleanup in reversed(cleanups):
            try:
                await cleanup()
            except Exception as error:
                print(f"cleanup: {error!r}", file=sys.stderr)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users per server (default 200)")
    parser.add_argument("--connections", type=int, default=40, help="requests in flight at most (default 40)")
    parser.add_argument("--seconds", type=float, default=6.0, help="settle, then the measured window (default 6)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions, servers interleaved (default 3)")
    parser.add_argument("--no-asyncpg", dest="asyncpg", action="store_false", help="skip the raw asyncpg floor")
    postgres = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres", default=postgres, help="a database to connect to for CREATE/DROP DATABASE")
    args = parser.parse_args()
    if min(args.users, args.connections, args.seconds, args.repeat) <= 0:
        parser.error("--users, --connections, --seconds and --repeat must be positive")
    return tw.run(bench(args), "the database was dropped")


if __name__ == "__main__":
    sys.exit(main())
