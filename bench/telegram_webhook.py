"""Telegram webhook benchmark: the real app filing cases for simulated users, next to a bare baseline.

Three processes on 127.0.0.1: this driver (the simulated users and the Bot API stand-in, which
stand for Telegram and so are not in the servers' process), and one process for each server:

- a fresh PostgreSQL database (created here, dropped at the end) and a unique Redis key prefix
  (its keys are deleted at the end);
- the local Bot API stand-in (``tests/support/telegram_standin.py``), with two tiny hooks added at run
  time by this script (the stand-in file is not changed): ``_record`` stamps the moment a
  ``sendMessage`` arrives, and the ``sendMessage`` handler hands the finished call to the
  simulated user it is addressed to;
- **ours** (its own process): the real Micro Court app (``app.web.build_app``, ticker on) with the
  Telegram channel in webhook mode, the webhook registered with the stand-in by the app itself;
- **baseline** (its own process): a bare aiohttp handler that checks the secret header, parses a
  JSON update of the same shape, does one INSERT and COMMIT on the same database, through an
  engine from ``storage.db.create_engine`` (so the same pool size as the app's).

Simulated users file the standard case (``app.simulation.PLAINTIFF_ANSWERS``; the evidence step is
answered ``done`` without an upload): ``/new``, then every prompt answered by pressing the right
inline button (a ``callback_query`` built from the stand-in's recorded ``sendMessage``) or by text.
Before measuring, one pilot user is driven by reading the court's current prompt from the
database (as the end-to-end tests do) to learn the script: per step, text or button (and which option), and the
first characters of the reply that should come back. Load users then follow that script without
touching the database; a reply that does not start as expected counts as an error.

Measured, for ours and the baseline alike, with the same client: one aiohttp session with at most
``--connections`` requests in flight (default 40, what Telegram's ``max_connections`` defaults
to for a webhook; an update waits for a free connection as it would wait at Telegram), JSON
updates with the secret header:

- unloaded (ours only, before the load): three whole filings one update at a time, the reply
  latency by kind of update, and the SQL statements and transactions the app ran per update
  (counted inside its process);
- closed loop: ``--users`` users at once, each sending its next update only after the reply to
  the previous one. Every user starts at once, so the first ``--seconds`` settle (unmeasured)
  and the next ``--seconds`` are the window. Throughput is the updates answered in the window
  per second (updates still in flight at its end are finished, not counted). Latency, for
  every update sent in the window, is from the POST being sent (including any wait for a
  connection) to the stand-in recording the resulting ``sendMessage`` (ours) or to the HTTP
  answer (the baseline has no outbound call). Also the server process's CPU time per answered
  update in the window;
- open loop: updates arrive at a fixed ``--rate`` for ``--seconds``, each from the idle user who
  has waited longest (an arrival that finds nobody idle waits: a stall; arrivals not sent by
  1.5 x ``--seconds`` are dropped). Latency counts from the scheduled arrival, so a client
  falling behind is not hidden.

Each target has one population of ``--users`` users for both phases and all runs: users carry on
through their filings from one run to the next, so the runs are not all ``/new`` (the mix
answered is printed). A user who finishes (or falls out of
step after an error) is replaced by a new one. While ours runs, a separate connection samples
the app's pending outbox rows every 0.25 s.

Each measurement is repeated ``--repeat`` times, ours and baseline interleaved, and the medians are
reported, with the throughput ratio ours/baseline (closed loop) and whether ours has p99 < 100 ms
in the open loop. The exit status is 1 if any update failed. Usage::

    .venv/bin/python bench/telegram_webhook.py [--users 200] [--rate 100] [--seconds 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import itertools
import json
import logging
import math
import multiprocessing
import multiprocessing.process
import os
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.simulation import PLAINTIFF_ANSWERS  # noqa: E402
from app.web import build_app  # noqa: E402
from bot.telegram.callback_data import decode  # noqa: E402
from gateway import logs  # noqa: E402
from gateway.requests import COURT_KEY  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.models import ChannelAccount  # noqa: E402
from storage.sealing import Sealer  # noqa: E402
from storage.store import Store  # noqa: E402
from tests.support.telegram_standin import SECRET_HEADER, BotApiStandIn  # noqa: E402

HOST = "127.0.0.1"
REPLY_TIMEOUT = 30.0  # seconds a user waits for one reply before counting an error
DRAIN_TIMEOUT = 60.0  # seconds the open loop waits for updates still in flight
MAX_PROBES = 10_000  # backlog samples per run at most (40 minutes)
OVERRUN = 1.5  # the open loop sends no arrival later than this many times --seconds
MAX_SCRIPT = 60  # a filing longer than this means the pilot is lost
PREFIX_CHARS = 8  # how much of each reply the script checks
FIRST_USER_ID = 700_000_000
UNLOADED_FILINGS = 3  # whole filings measured one update at a time before the load


class StepError(Exception):
    """One update failed: bad status, no reply in time, or not the reply the script expects."""


# --- measurement --------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Result:
    """One run of one target in one phase."""

    updates: int = 0  # answered updates
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # reply latency, seconds
    acks: list[float] = field(default_factory=list)  # POST -> HTTP answer, seconds
    lags: list[float] = field(default_factory=list)  # open loop: scheduled -> sent
    stalls: int = 0  # open loop: arrivals that found no idle user
    dropped: int = 0  # open loop: arrivals never sent (the target fell too far behind)
    backlog: int | None = None  # ours: the most outbox rows seen pending at once
    cpu_seconds: float = 0.0  # closed loop: the server process's CPU time during the window
    kinds: Counter[str] = field(default_factory=Counter)  # answered updates by action kind

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.updates if self.updates else math.nan

    @property
    def throughput(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0

    def ms(self, p: float, samples: list[float] | None = None) -> float:
        return percentile(self.latencies if samples is None else samples, p) * 1000


# --- targets and users ----------------------------------------------------------------------


class User(Protocol):
    done: bool
    position: int  # the index of the next action in the script

    async def step(self) -> tuple[float, float, float]:
        """Send the next update; return (sent, answered over HTTP, reply) perf_counter times."""


class Target(Protocol):
    name: str
    script: list[Action]
    pid: int  # the server process

    def new_user(self) -> User: ...


@dataclass(frozen=True)
class Action:
    """One update of the learned filing script."""

    kind: str  # "command", "text" or "button"
    value: str  # the command name, the text, or the option's value
    option: int = -1  # for buttons: the option index on the prompt
    expect: str = ""  # the reply starts with this


@dataclass
class Reply:
    recorded: float  # when the stand-in recorded the sendMessage
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None = None


class ReplyTap:
    """Hooks on a running stand-in: timestamps at `_record`, finished sendMessage calls per chat."""

    def __init__(self, api: BotApiStandIn) -> None:
        self.waiting: dict[int, asyncio.Future[Reply]] = {}
        self.unexpected = 0
        stamps: dict[int, float] = {}
        record = api._record
        send = api._handlers["sendMessage"]

        async def timed_record(call: Any) -> None:
            if call.method == "sendMessage":
                stamps[id(call.params)] = time.perf_counter()
            await record(call)

        async def tapped_send(params: dict[str, Any]) -> Any:
            recorded = stamps.pop(id(params), None) or time.perf_counter()
            try:
                result = await send(params)
            except Exception as error:
                self._deliver(Reply(recorded, params, None, str(error)))
                raise
            self._deliver(Reply(recorded, params, result))
            return result

        api._record = timed_record  # type: ignore[method-assign]
        api._handlers["sendMessage"] = tapped_send

    def expect(self, chat_id: int) -> asyncio.Future[Reply]:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future

    def _deliver(self, reply: Reply) -> None:
        future = self.waiting.pop(reply.params.get("chat_id"), None)  # type: ignore[arg-type]
        if future is None or future.done():
            self.unexpected += 1
            return
        future.set_result(reply)


class Client:
    """The one HTTP client of both targets: at most `connections` requests in flight, served in order.

    Like Telegram with its webhook ``max_connections``: an update waits for a free connection.
    The cap is an asyncio.Semaphore, which is first come first served (a task releasing a slot
    cannot take it again ahead of the waiters), unlike a capped aiohttp connector, where a
    releasing task can keep winning its connection back and others starve.
    """

    def __init__(self, connections: int) -> None:
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        self.slots = asyncio.Semaphore(connections)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        """POST and read the answer; return its status and when it was read."""
        async with self.slots, self.session.post(url, data=body, headers=headers) as answer:
            await answer.read()
            return answer.status, time.perf_counter()

    async def close(self) -> None:
        await self.session.close()


class Ours:
    """The real app behind its Telegram webhook."""

    name = "ours"

    def __init__(
        self,
        api: BotApiStandIn,
        tap: ReplyTap,
        client: Client,
        script: list[Action],
        user_ids: itertools.count[int],
        pid: int,
    ) -> None:
        self.api, self.tap, self.client, self.script, self.user_ids = api, tap, client, script, user_ids
        self.pid = pid
        assert api.webhook_url and api.webhook_secret
        self.url, self.headers = api.webhook_url, {SECRET_HEADER: api.webhook_secret}

    def new_user(self) -> TelegramUser:
        return TelegramUser(self, next(self.user_ids))

    async def sql_counts(self) -> dict[str, int]:
        """The SQL statements and transactions the server has run so far."""
        async with self.client.session.get(self.url.replace("/telegram/hook", SQL_COUNTS_PATH)) as answer:
            return dict(await answer.json())


class TelegramUser:
    def __init__(self, target: Ours, user_id: int) -> None:
        self.target, self.user_id = target, user_id
        self.position = 0
        self.last: Reply | None = None
        self.done = False

    def _update(self, action: Action) -> dict[str, Any]:
        api = self.target.api
        if action.kind == "command":
            update = api.command_update(self.user_id, action.value)
        elif action.kind == "text":
            update = api.text_update(self.user_id, action.value)
        else:
            if self.last is None or self.last.result is None:
                raise StepError("no message to press a button on")
            rows = (self.last.params.get("reply_markup") or {}).get("inline_keyboard", [])
            data = next(
                (
                    button["callback_data"]
                    for row in rows
                    for button in row
                    if "callback_data" in button
                    and (press := decode(button["callback_data"])) is not None
                    and press.option == action.option
                ),
                None,
            )
            if data is None:
                raise StepError(f"no button for {action.value!r}")
            update = api.callback_update(self.user_id, data, self.last.result["message_id"])
        return api._numbered(update)  # an update id, and the callback query becomes answerable

    async def step(self) -> tuple[float, float, float]:
        target = self.target
        action = target.script[self.position]
        update = self._update(action)
        body = json.dumps(update, ensure_ascii=False).encode()
        future = target.tap.expect(self.user_id)
        sent = time.perf_counter()
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                status, acked = await target.client.post(target.url, body, target.headers)
                if status != 200:
                    raise StepError(f"webhook answered {status}")
                reply = await future
        except TimeoutError:
            raise StepError("no reply in time") from None
        except aiohttp.ClientError as error:
            raise StepError(f"webhook request failed: {error!r}") from None
        finally:
            if target.tap.waiting.get(self.user_id) is future:
                del target.tap.waiting[self.user_id]
        if reply.error is not None:
            raise StepError(f"sendMessage failed: {reply.error}")
        if not str(reply.params.get("text", "")).startswith(action.expect):
            raise StepError(f"unexpected reply to {action.value!r}: {reply.params.get('text')!r:.60}")
        self.last = reply
        self.position += 1
        self.done = self.position >= len(target.script)
        return sent, acked, reply.recorded


class Baseline:
    """A bare aiohttp handler: check the secret, parse the update, one INSERT, COMMIT."""

    name = "baseline"

    def __init__(
        self, url: str, secret: str, client: Client, script: list[Action], user_ids: itertools.count[int], pid: int
    ) -> None:
        self.url, self.client, self.script, self.user_ids, self.pid = url, client, script, user_ids, pid
        self.headers = {SECRET_HEADER: secret}
        self.update_ids = itertools.count(1)

    def new_user(self) -> BaselineUser:
        return BaselineUser(self, next(self.user_ids))


class BaselineUser:
    """Sends updates shaped like the real ones (same texts, same callback data sizes)."""

    def __init__(self, target: Baseline, user_id: int) -> None:
        self.target, self.user_id = target, user_id
        self.position = 0
        self.done = False

    def _update(self, action: Action) -> dict[str, Any]:
        sender = {"id": self.user_id, "is_bot": False, "first_name": "Test", "language_code": "zh"}
        chat = {"id": self.user_id, "type": "private", "first_name": "Test"}
        message = {"message_id": self.position * 2 + 1, "from": sender, "chat": chat, "date": int(time.time())}
        update_id = next(self.target.update_ids)
        if action.kind == "button":
            data = f"a:{uuid.uuid4().hex[:22]}:{self.position:x}:{action.option:x}"
            return {
                "update_id": update_id,
                "callback_query": {
                    "id": f"{self.user_id}{update_id:08d}",
                    "from": sender,
                    "message": message,
                    "chat_instance": f"instance-{self.user_id}",
                    "data": data,
                },
            }
        body = f"/{action.value}" if action.kind == "command" else action.value
        return {"update_id": update_id, "message": {**message, "text": body}}

    async def step(self) -> tuple[float, float, float]:
        target = self.target
        body = json.dumps(self._update(target.script[self.position]), ensure_ascii=False).encode()
        sent = time.perf_counter()
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                status, acked = await target.client.post(target.url, body, target.headers)
            if status != 200:
                raise StepError(f"baseline answered {status}")
        except TimeoutError:
            raise StepError("no answer in time") from None
        except aiohttp.ClientError as error:
            raise StepError(f"baseline request failed: {error!r}") from None
        self.position += 1
        self.done = self.position >= len(target.script)
        return sent, acked, acked


def baseline_app(engine: Any, secret: str) -> web.Application:
    async def hook(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403, text="forbidden")
        update = await request.json()
        source = update.get("message") or update.get("callback_query") or {}
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO bench_baseline (update_id, user_id, body) VALUES (:u, :c, :b)"),
                {
                    "u": update["update_id"],
                    "c": (source.get("from") or {}).get("id"),
                    "b": json.dumps(update, ensure_ascii=False),
                },
            )
        return web.Response(text="ok")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/hook", hook)
    return app


# --- load patterns ---------------------------------------------------------------------------


class Population:
    """`size` users who keep filing: one who finishes (or falls out of step) is replaced."""

    def __init__(self, target: Target, size: int) -> None:
        self.target = target
        self.users = [target.new_user() for _ in range(size)]


async def closed_loop(population: Population, seconds: float, settle: float) -> Result:
    """Every user at once, each sending its next update only after the reply to the previous one.

    All users start together, so the first `settle` seconds (one burst of every user's update,
    and the app's inbound side running ahead of its outbox) are not measured; the window is the
    `seconds` after that. Throughput counts the updates answered in the window; updates still in
    flight at its end are finished (so every user stays in step) but not counted. Latency is
    recorded for every update sent in the window, including those answered after it, so slow ones
    are not left out.
    """
    result = Result()
    target = population.target
    begin = time.perf_counter() + settle
    stop = begin + seconds

    async def run(slot: int) -> None:
        while time.perf_counter() < stop:  # bounded: each step ends within REPLY_TIMEOUT
            user = population.users[slot]
            kind = target.script[user.position].kind
            try:
                sent, acked, replied = await user.step()
            except StepError:
                result.errors += 1
                population.users[slot] = target.new_user()
                continue
            if user.done:
                population.users[slot] = target.new_user()
            if begin <= replied <= stop:
                result.updates += 1
                result.kinds[kind] += 1
            if begin <= sent:
                result.latencies.append(replied - sent)
                result.acks.append(acked - sent)

    async def cpu_in_window() -> None:
        await asyncio.sleep(max(0.0, begin - time.perf_counter()))
        cpu = process_cpu(target.pid)
        await asyncio.sleep(max(0.0, stop - time.perf_counter()))
        result.cpu_seconds = process_cpu(target.pid) - cpu

    await asyncio.gather(cpu_in_window(), *(run(slot) for slot in range(len(population.users))))
    result.seconds = seconds
    return result


async def open_loop(population: Population, rate: float, seconds: float) -> Result:
    """Updates at a fixed rate, each from the idle user who has waited longest.

    An arrival that finds nobody idle waits for the next user to come back (a stall). Arrivals
    not sent by `OVERRUN` x `seconds` (the target cannot keep up) are dropped and counted.
    """
    result = Result()
    target = population.target
    idle: deque[User] = deque(population.users)
    freed = asyncio.Event()
    tasks: set[asyncio.Task[None]] = set()
    last = 0.0

    async def one(user: User, due: float) -> None:
        nonlocal last
        kind = target.script[user.position].kind
        try:
            sent, acked, replied = await user.step()
        except StepError:
            result.errors += 1
            idle.append(target.new_user())  # the user is out of step; a new one takes its place
        else:
            result.updates += 1
            result.kinds[kind] += 1
            result.latencies.append(replied - due)
            result.acks.append(acked - sent)
            result.lags.append(sent - due)
            last = max(last, replied)
            idle.append(target.new_user() if user.done else user)
        freed.set()

    count = int(rate * seconds)
    start = time.perf_counter() + 0.01
    cutoff = start + seconds * OVERRUN
    for k in range(count):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if not idle:
            result.stalls += 1
            try:
                async with asyncio.timeout(max(0.0, cutoff - time.perf_counter())):
                    while not idle:  # bounded by the cutoff
                        freed.clear()
                        await freed.wait()
            except TimeoutError:
                pass
        if not idle or time.perf_counter() > cutoff:
            result.dropped = count - k
            break
        task = asyncio.create_task(one(idle.popleft(), due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        _done, pending = await asyncio.wait(set(tasks), timeout=DRAIN_TIMEOUT)
        for task in pending:  # cannot happen while every step ends within REPLY_TIMEOUT
            task.cancel()
            result.errors += 1
    result.seconds = (last or time.perf_counter()) - start
    lost = len(population.users) - len(idle)  # users of cancelled steps, if any
    population.users = list(idle) + [target.new_user() for _ in range(max(0, lost))]
    return result


# --- the pilot ------------------------------------------------------------------------------


async def learn_script(
    api: BotApiStandIn, tap: ReplyTap, store: Store, session: aiohttp.ClientSession, user_id: int
) -> list[Action]:
    """Drive one user by reading the court's current prompt from the database; return the steps."""
    assert api.webhook_url and api.webhook_secret
    headers = {SECRET_HEADER: api.webhook_secret}

    async def send(update: dict[str, Any]) -> Reply:
        future = tap.expect(user_id)
        async with session.post(
            api.webhook_url,
            json=api._numbered(update),  # type: ignore[arg-type]
            headers=headers,
        ) as answer:
            if answer.status != 200:
                raise RuntimeError(f"pilot: the webhook answered {answer.status}")
        reply = await asyncio.wait_for(future, REPLY_TIMEOUT)
        if reply.error is not None or reply.result is None:
            raise RuntimeError(f"pilot: sendMessage failed: {reply.error}")
        return reply

    async def current() -> dict[str, Any]:
        async with store.tx() as tx:
            account = await tx.session.get(ChannelAccount, ("telegram", str(user_id)))
            cases = await tx.cases_of(account.person_id) if account is not None else []
            if account is None or not cases:
                raise RuntimeError("pilot: /new opened no case")
            case, role = cases[0]
            row = await tx.latest_prompt(case.id, account.person_id, role)
            if row is None:
                raise RuntimeError("pilot: no current prompt")
            return tx.sealer.open(row[1])["prompt"]  # type: ignore[no-any-return]

    reply = await send(api.command_update(user_id, "new"))
    script = [Action("command", "new", expect=reply.params["text"][:PREFIX_CHARS])]
    for _ in range(MAX_SCRIPT):
        prompt = await current()
        step = prompt["step"]
        if prompt["kind"] == "files":
            value = "done"
        elif step in PLAINTIFF_ANSWERS:
            value = PLAINTIFF_ANSWERS[step]
        else:
            return script  # the filing is in (the next prompt asks for identity verification)
        options = [option["value"] for option in prompt.get("options") or []]
        if options:
            option = options.index(value)
            rows = reply.params["reply_markup"]["inline_keyboard"]
            data = next(
                b["callback_data"]
                for row in rows
                for b in row
                if (press := decode(b.get("callback_data", ""))) and press.option == option
            )
            reply = await send(api.callback_update(user_id, data, reply.result["message_id"]))  # type: ignore[index]
            script.append(Action("button", value, option, reply.params["text"][:PREFIX_CHARS]))
        else:
            reply = await send(api.text_update(user_id, value))
            script.append(Action("text", value, expect=reply.params["text"][:PREFIX_CHARS]))
    raise RuntimeError(f"the filing did not end within {MAX_SCRIPT} steps")


# --- the servers, each in a process of its own ---------------------------------------------

SQL_COUNTS_PATH = "/_bench/sql"


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ours_server(settings: Settings, port: int) -> None:
    """Child process: the real app, as `microcourt serve` runs it, plus a counter of its SQL."""

    def app() -> web.Application:
        served = build_app(settings)
        counts = Counter({"statements": 0, "transactions": 0})

        async def count_sql(app: web.Application) -> None:  # runs after the court has started
            engine = app[COURT_KEY].store.engine.sync_engine
            event.listen(engine, "before_cursor_execute", lambda *_a: counts.update(["statements"]))
            event.listen(engine, "begin", lambda *_a: counts.update(["transactions"]))

        async def report(_request: web.Request) -> web.Response:
            return web.json_response(dict(counts))

        served.on_startup.append(count_sql)
        served.router.add_get(SQL_COUNTS_PATH, report)
        return served

    _serve_until_stopped(app, port)


def baseline_server(database_url: str, secret: str, port: int) -> None:
    """Child process: the bare handler, on an engine from the app's own factory (same pool)."""

    def app() -> web.Application:
        engine = create_engine(database_url)
        served = baseline_app(engine, secret)

        async def dispose(_app: web.Application) -> None:
            await engine.dispose()

        served.on_cleanup.append(dispose)
        return served

    _serve_until_stopped(app, port)


def _serve_until_stopped(make_app: Callable[[], web.Application], port: int) -> None:
    """Serve until SIGTERM (or Ctrl-C), then shut the app down cleanly."""
    logs.configure("WARNING")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # see bench()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        runner = await serve(make_app(), port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(run())


async def start_server(target: Callable[..., None], *args: Any, port: int) -> multiprocessing.process.BaseProcess:
    """Start a server process and wait until it answers on `port`."""
    process = multiprocessing.get_context("spawn").Process(target=target, args=(*args, port), daemon=True)
    process.start()
    deadline = time.perf_counter() + 60
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() < deadline:  # bounded: a minute to start
            if not process.is_alive():
                raise RuntimeError(f"the server process exited with {process.exitcode}")
            try:
                async with session.get(f"http://{HOST}:{port}/") as answer:
                    await answer.read()
                    return process
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    process.terminate()
    raise RuntimeError("the server process did not start within a minute")


async def stop_server(process: multiprocessing.process.BaseProcess) -> None:
    process.terminate()  # SIGTERM: the app shuts down cleanly
    await asyncio.to_thread(process.join, 30)
    if process.is_alive():
        process.kill()


# --- environment ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5)
    await runner.setup()
    await web.TCPSite(runner, HOST, port).start()
    return runner


async def pg_connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database=parsed.database
    )


async def database_report(url: str) -> dict[str, Any]:
    """Case statuses and outbox backlog after the run (a sanity check, not timed)."""
    connection = await pg_connect(url)
    try:
        statuses = dict(await connection.fetch("SELECT status, count(*) FROM cases GROUP BY status"))
        pending = await connection.fetchval("SELECT count(*) FROM outbox WHERE status = 'pending'")
        baseline = await connection.fetchval("SELECT count(*) FROM bench_baseline")
    finally:
        await connection.close()
    return {"cases": statuses, "outbox_pending": pending, "baseline_rows": baseline}


class BacklogProbe:
    """Samples the app's pending outbox rows every 0.25 s over its own connection (not the pool)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    @contextlib.asynccontextmanager
    async def watch(self, samples: list[int]) -> AsyncIterator[None]:
        """Append a sample to `samples` every 0.25 s while the block runs."""

        async def sample() -> None:
            for _ in range(MAX_PROBES):  # cancelled when the block ends
                samples.append(await self.connection.fetchval("SELECT count(*) FROM outbox WHERE status = 'pending'"))
                await asyncio.sleep(0.25)

        task = asyncio.create_task(sample())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


# --- reporting ------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


def table(runs: dict[str, list[Result]], open_loop: bool) -> list[str]:
    """Medians over the repetitions, one line per target."""
    head = f"  {'':<9}{'upd/s':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'HTTP p50':>10}"
    head += f"{'lag p99':>9}{'stalls':>8}{'dropped':>8}" if open_loop else f"{'CPU ms/upd':>12}"
    lines = [head + f"{'outbox max':>12}{'errors':>8}"]
    for label, results in runs.items():
        line = f"  {label:<9}{median([r.throughput for r in results]):8.1f}"
        line += "".join(f"{median([r.ms(p) for r in results]):10.1f}" for p in (50, 95, 99))
        line += f"{median([r.ms(50, r.acks) for r in results]):10.1f}"
        if open_loop:
            line += f"{median([r.ms(99, r.lags) for r in results]):9.1f}"
            line += f"{sum(r.stalls for r in results):8d}{sum(r.dropped for r in results):8d}"
        else:
            line += f"{median([r.cpu_ms_per_update for r in results]):12.2f}"
        backlogs = [r.backlog for r in results if r.backlog is not None]
        line += f"{max(backlogs) if backlogs else '-':>12}{sum(r.errors for r in results):8d}"
        lines.append(line)
    return lines


def describe(result: Result) -> str:
    text = (
        f"{result.throughput:6.1f} upd/s, p50 {result.ms(50):7.1f} / p95 {result.ms(95):7.1f} / "
        f"p99 {result.ms(99):7.1f} ms, {result.updates} answered, {result.errors} errors"
    )
    if result.stalls or result.dropped:
        text += f", {result.stalls} stalls, {result.dropped} dropped"
    if result.backlog is not None:
        text += f", outbox backlog max {result.backlog}"
    return text


# --- main -----------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> int:
    # SIGTERM cancels the run like Ctrl-C does, so the database and Redis keys are still removed.
    this = asyncio.current_task()
    assert this is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, this.cancel)
    logs.configure("WARNING")
    # "skipped: maximum number of running instances reached": the dispatcher's tick found the
    # previous (kicked) run still going, which is expected under load.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    admin_url = make_url(args.postgres)
    name = f"mc_bench_{uuid.uuid4().hex[:10]}"
    database_url = admin_url.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    prefix = f"mcbench:{uuid.uuid4().hex[:10]}:"
    admin = await pg_connect(args.postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    cleanups: list[Callable[[], Awaitable[Any]]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="mc-bench-") as data_dir:
            return await _bench(args, database_url, prefix, Path(data_dir), cleanups)
    finally:
        for cleanup in reversed(cleanups):
            try:
                await cleanup()
            except Exception as error:
                print(f"cleanup: {error!r}", file=sys.stderr)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
        await _drop_redis_keys(args.redis, prefix)


async def _drop_redis_keys(url: str, prefix: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        for start in range(0, len(keys), 500):
            await client.delete(*keys[start : start + 500])
    finally:
        await client.aclose()


async def unloaded(target: Ours, filings: int) -> tuple[dict[str, list[float]], int, int, int]:
    """Whole filings one update at a time: reply latency by action kind, and the app's SQL.

    Returns the latencies by kind, the number of updates, and the SQL statements and
    transactions the app ran meanwhile (webhook handling and outbox dispatch; a ticker beat
    may add a few), as counted inside the server process.
    """
    by_kind: dict[str, list[float]] = {}
    updates = 0
    before = await target.sql_counts()
    for _ in range(filings):
        user = target.new_user()
        while not user.done:  # bounded: the script's length
            kind = target.script[user.position].kind
            sent, _acked, replied = await user.step()
            by_kind.setdefault(kind, []).append(replied - sent)
            updates += 1
            await asyncio.sleep(0.005)  # let the outbox transaction commit before the next
    after = await target.sql_counts()
    return by_kind, updates, after["statements"] - before["statements"], after["transactions"] - before["transactions"]


def mix(kinds: Counter[str]) -> str:
    total = sum(kinds.values()) or 1
    return ", ".join(f"{kind} {100 * kinds[kind] / total:.0f}%" for kind in ("command", "text", "button"))


async def _bench(
    args: argparse.Namespace,
    database_url: str,
    prefix: str,
    data_dir: Path,
    cleanups: list[Callable[[], Awaitable[Any]]],
) -> int:
    api = BotApiStandIn()
    await api.start()
    cleanups.append(api.stop)
    tap = ReplyTap(api)
    port = free_port()
    settings = Settings(
        host=HOST,
        port=port,
        data_dir=data_dir,
        database_url=database_url,
        redis_url=args.redis,
        redis_prefix=prefix,
        secret_key=Sealer.new_key(),
        demo=False,
        log_level="WARNING",
        telegram_token=api.token,
        telegram_api_base_url=api.root_url,
        telegram_webhook_url=f"http://{HOST}:{port}/telegram/hook",
    )
    started = time.perf_counter()
    ours_process = await start_server(ours_server, settings, port=port)
    cleanups.append(lambda: stop_server(ours_process))
    for _ in range(100):  # bounded: the app registers its webhook as it starts
        if api.webhook_url == settings.telegram_webhook_url:
            break
        await asyncio.sleep(0.05)
    assert api.webhook_url == settings.telegram_webhook_url, "the app did not register its webhook"

    engine = create_engine(database_url)  # the app's engine factory, for the pool size and the pilot
    cleanups.append(engine.dispose)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, update_id bigint NOT NULL, "
                "user_id bigint, received_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)"
            )
        )
    baseline_port = free_port()
    baseline_secret = secrets.token_urlsafe(32)
    baseline_process = await start_server(baseline_server, database_url, baseline_secret, port=baseline_port)
    cleanups.append(lambda: stop_server(baseline_process))

    # Telegram opens at most max_connections (setWebhook's default: 40) webhook requests at once;
    # the client does the same for both targets, so an update may wait for a connection.
    client = Client(args.connections)
    cleanups.append(client.close)
    probe = BacklogProbe(await pg_connect(database_url))
    cleanups.append(probe.connection.close)

    user_ids = itertools.count(FIRST_USER_ID)
    store = Store(engine, Sealer(settings.secret_key or ""))
    script = await learn_script(api, tap, store, client.session, next(user_ids))
    assert ours_process.pid is not None and baseline_process.pid is not None
    ours = Ours(api, tap, client, script, user_ids, ours_process.pid)
    baseline = Baseline(
        f"http://{HOST}:{baseline_port}/hook", baseline_secret, client, script, user_ids, baseline_process.pid
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run")
    overflow = engine.pool._max_overflow  # type: ignore[attr-defined]
    print(
        f"setup {time.perf_counter() - started:.1f} s; a filing is {len(script)} updates "
        f"({mix(Counter(a.kind for a in script))}); database pool {engine.pool.size()} "
        f"+ {overflow} overflow for both"
    )

    by_kind, updates, statements, transactions = await unloaded(ours, UNLOADED_FILINGS)
    every = [v for values in by_kind.values() for v in values]
    print(
        f"unloaded ({UNLOADED_FILINGS} filings, one update at a time): reply p50 "
        f"{percentile(every, 50) * 1000:.1f} ms ("
        + ", ".join(f"{kind} {percentile(v, 50) * 1000:.1f}" for kind, v in by_kind.items())
        + f" ms); app SQL per update: {statements / updates:.1f} statements in "
        f"{transactions / updates:.1f} transactions"
    )
    print(
        f"closed loop: {args.users} users over {args.connections} connections, {args.seconds:g} s to settle "
        f"then {args.seconds:g} s measured; open loop: {args.rate:g} updates/s for {args.seconds:g} s "
        "from the same users; "
        f"{args.repeat} repetitions, ours and baseline interleaved; medians reported",
        flush=True,
    )

    populations = {target.name: Population(target, args.users) for target in (ours, baseline)}

    results: dict[tuple[str, str], list[Result]] = {}
    for repetition in range(1, args.repeat + 1):
        for phase in ("closed", "open"):
            for target in (ours, baseline) if repetition % 2 else (baseline, ours):
                api.calls.clear()  # nobody waits on the list; keep it from growing
                backlog: list[int] = []
                async with probe.watch(backlog) if target is ours else contextlib.nullcontext():
                    if phase == "closed":
                        result = await closed_loop(populations[target.name], args.seconds, settle=args.seconds)
                    else:
                        result = await open_loop(populations[target.name], args.rate, args.seconds)
                if target is ours:
                    result.backlog = max(backlog, default=0)
                results.setdefault((target.name, phase), []).append(result)
                print(f"  run {repetition} {phase:<6} {target.name:<8} {describe(result)}", flush=True)

    closed_ours, closed_base = results[("ours", "closed")], results[("baseline", "closed")]
    open_ours = results[("ours", "open")]
    print()
    print(
        f"closed loop, {args.users} users over {args.connections} connections, {args.seconds:g} s windows "
        f"after {args.seconds:g} s to settle, medians of {args.repeat}. Latency: POST sent "
        "-> sendMessage recorded (ours), -> HTTP answer (baseline); HTTP p50: the webhook's own answer; "
        "CPU: the server process's, per answered update"
    )
    print("\n".join(table({"ours": closed_ours, "baseline": closed_base}, open_loop=False)))
    print(f"  updates ours answered: {mix(sum((r.kinds for r in closed_ours), Counter()))}")
    print(
        f"open loop, {args.rate:g} updates/s offered for {args.seconds:g} s, medians of "
        f"{args.repeat}. Latency from the scheduled arrival; lag: scheduled -> sent"
    )
    print("\n".join(table({"ours": open_ours, "baseline": results[("baseline", "open")]}, open_loop=True)))
    ratio = median([r.throughput for r in closed_ours]) / median([r.throughput for r in closed_base])
    p99 = median([r.ms(99) for r in open_ours])
    kept_up = median([r.throughput for r in open_ours]) >= 0.95 * args.rate and not any(r.dropped for r in open_ours)
    print()
    print(f"throughput ratio ours/baseline (closed loop): {ratio:.2f} (aim >= 0.4: {'yes' if ratio >= 0.4 else 'NO'})")
    print(
        f"ours p99 at {args.rate:g} updates/s: {p99:.1f} ms (< 100 ms: {'yes' if p99 < 100 else 'NO'}"
        f"{'' if kept_up else '; ours did not keep up with the offered rate'})"
    )
    print(f"load average after the run: {os.getloadavg()[0]:.2f} (other processes compete for the same CPUs)")
    report = await database_report(database_url)
    print(
        f"database after the run: cases by status {report['cases']}, outbox pending "
        f"{report['outbox_pending']}, baseline rows {report['baseline_rows']}; "
        f"sendMessage calls nobody waited for: {tap.unexpected}"
    )
    errors = sum(r.errors for runs in results.values() for r in runs)
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users per target (default 200)")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop updates/s (default 100)")
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="closed-loop settle and window, open-loop duration (default 6)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL database to connect to for CREATE/DROP DATABASE",
    )
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument(
        "--connections",
        type=int,
        default=40,
        help="webhook requests in flight at most, like Telegram's max_connections (default 40)",
    )
    args = parser.parse_args()
    if args.users < 1 or args.rate <= 0 or args.seconds <= 0 or args.repeat < 1 or args.connections < 1:
        parser.error("--users, --rate, --seconds, --repeat and --connections must be positive")
    return run(bench(args), "the database and Redis keys were removed")


def run(measured: Coroutine[Any, Any, int], cleaned: str) -> int:
    """Run a benchmark to its exit status; Ctrl-C says what was cleaned up and exits 130."""
    try:
        return asyncio.run(measured)
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(f"interrupted ({cleaned})", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
