"""Redis implementations of the ephemeral ports in `storage.ephemeral`.

Every key and channel is namespaced by a prefix (`<prefix>:<kind>:...`), so several apps or
test runs can share one Redis. Expiry uses Redis's own TTLs on the server clock: the `now`
arguments of `ChatState` and `TokenStore` are ignored here (they drive only the in-process
implementations). The rate limiter is the exception: its window is computed from the injected
`now`, so every process must pass wall-clock epoch seconds from a synchronised clock.

Needs Redis >= 6.2 (GETDEL). The client is owned by the caller, who closes it with `aclose()`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from typing import Any

from redis.asyncio import Redis

from storage.ephemeral import (
    Inbox,
    JsonObject,
    LocalFanout,
    PubSubClosedError,
    QueueSubscription,
    SubscriptionLostError,
    check_limit,
    check_purpose,
    check_ttl,
    decode_message,
    encode_message,
    is_token_shaped,
    new_token,
)

DEFAULT_PREFIX = "microcourt"

_log = logging.getLogger(__name__)

# KEYS[1] the log of allowed calls; ARGV now, window, limit, a unique member for this call.
# Calls at or before now - window have left the window; a refused call is not recorded.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return 1
"""


async def connect_redis(url: str) -> Redis:
    """Connect to the Redis at `url` (responses decoded to str) and check it answers PING."""
    client = Redis.from_url(url, decode_responses=True)
    try:
        await client.ping()
    except BaseException:
        await client.aclose()
        raise
    return client


def _key(prefix: str, *parts: str) -> str:
    """Join a prefix (a trailing colon is optional) and key parts with colons."""
    return ":".join((prefix.rstrip(":"), *parts))


def _text(value: str | bytes) -> str:
    """Return a Redis reply as str, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value


class RedisRateLimiter:
    """`RateLimiter` as a sliding log in a sorted set per (key, window), updated by one script."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        """Use `client`, keeping logs under `<prefix>:rate:`."""
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_SLIDING_WINDOW)

    async def allow(self, key: str, limit: int, window_seconds: float, now: float) -> bool:
        """Allow and record the call unless `limit` calls fell in (now - window, now]."""
        check_limit(limit, window_seconds)
        window = float(window_seconds)
        log_key = _key(self._prefix, "rate", repr(window), key)
        member = f"{now!r}:{secrets.token_hex(8)}"
        allowed = await self._script(keys=[log_key], args=[repr(now), repr(window), limit, member])
        return bool(allowed)


class RedisChatState:
    """`ChatState` as JSON strings with a Redis TTL; `now` is ignored (Redis expires keys)."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        """Use `client`, keeping state under `<prefix>:chat:`."""
        self._client = client
        self._prefix = prefix

    async def get(self, key: str, now: float) -> JsonObject | None:
        """Return the stored object, or None if absent or expired."""
        payload = await self._client.get(_key(self._prefix, "chat", key))
        return None if payload is None else decode_message(_text(payload))

    async def put(self, key: str, value: JsonObject, ttl_seconds: int, now: float) -> None:
        """Store `value` with a TTL of `ttl_seconds`, replacing any previous one."""
        check_ttl(ttl_seconds)
        payload = encode_message(value)
        await self._client.set(_key(self._prefix, "chat", key), payload, px=ttl_seconds * 1000)

    async def delete(self, key: str) -> None:
        """Forget the key; absent keys are fine."""
        await self._client.delete(_key(self._prefix, "chat", key))


class RedisTokenStore:
    """`TokenStore` with a Redis TTL per token and GETDEL to redeem once; `now` is ignored."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        """Use `client`, keeping tokens under `<prefix>:token:`."""
        self._client = client
        self._prefix = prefix

    async def issue(self, purpose: str, value: str, ttl_seconds: int, now: float) -> str:
        """Store `value` under a new token that Redis expires after `ttl_seconds`."""
        check_purpose(purpose)
        check_ttl(ttl_seconds)
        while True:
            token = new_token()
            key = _key(self._prefix, "token", purpose, token)
            if await self._client.set(key, value, px=ttl_seconds * 1000, nx=True):
                return token

    async def redeem(self, purpose: str, token: str, now: float) -> str | None:
        """Atomically fetch and delete the token's value; None if unknown, spent or expired."""
        check_purpose(purpose)
        if not is_token_shaped(token):
            return None
        value = await self._client.getdel(_key(self._prefix, "token", purpose, token))
        return None if value is None else _text(value)


class RedisPubSub:
    """`PubSub` across processes: one Redis subscriber connection per instance, multiplexed.

    A reader task reads that connection and hands each message to this process's local
    subscribers of the channel. The first local subscriber of a channel sends SUBSCRIBE and
    the last one to leave sends UNSUBSCRIBE; both wait for Redis to confirm, so a subscription
    is live when entered and gone from the server when exited. Messages are lost while the
    connection is down (Redis pub/sub keeps nothing): consumers resync from the database.
    If the connection fails for good, subscriptions raise `SubscriptionLostError`; close this
    instance and build a new one. Leave the client's `health_check_interval` at 0 (the
    default): a health check would read from the connection the reader task is reading.
    """

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX, *, confirm_timeout: float = 5.0) -> None:
        """Use `client` for publishing and one connection of its pool for subscribing."""
        self._client = client
        self._prefix = prefix
        self._confirm_timeout = confirm_timeout
        self._pubsub = client.pubsub()
        self._fanout = LocalFanout()
        self._sent: Counter[tuple[str, str]] = Counter()
        self._acked: Counter[tuple[str, str]] = Counter()
        self._acks = asyncio.Condition()
        self._commands = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None
        self._closed = False

    async def publish(self, channel: str, message: JsonObject) -> None:
        """Publish `message` to every subscriber of `channel` in any process."""
        payload = encode_message(message)
        self._raise_if_unusable()
        await self._client.publish(_key(self._prefix, "chan", channel), payload)

    def subscribe(self, channel: str) -> QueueSubscription:
        """Return a subscription to `channel`, live once entered."""
        return QueueSubscription(channel, self._attach, self._detach)

    async def close(self) -> None:
        """End every subscription, stop the reader and release the subscriber connection."""
        if self._closed:
            return
        self._closed = True
        self._fanout.end_all()
        async with self._acks:
            self._acks.notify_all()
        if self._reader is not None:
            await _cancel_and_wait(self._reader)
        async with self._commands:
            await self._pubsub.aclose()

    async def _attach(self, channel: str, inbox: Inbox) -> None:
        """Register an inbox, subscribing in Redis if needed, and wait until it is live."""
        self._raise_if_unusable()
        name = _key(self._prefix, "chan", channel)
        try:
            if self._fanout.add(name, inbox):
                target = await self._command("subscribe", name)
            else:
                target = self._sent["subscribe", name]
            await self._await_ack("subscribe", name, target)
        except BaseException:
            await self._detach(channel, inbox)
            raise

    async def _detach(self, channel: str, inbox: Inbox) -> None:
        """Unregister an inbox; the last one of a channel unsubscribes and waits for Redis."""
        name = _key(self._prefix, "chan", channel)
        if not self._fanout.remove(name, inbox) or self._closed or self._failure is not None:
            return
        try:
            target = await self._command("unsubscribe", name)
            await self._await_ack("unsubscribe", name, target)
        except (PubSubClosedError, SubscriptionLostError):
            return  # the subscriber connection is gone, and its subscriptions with it
        self._forget_if_idle(name)

    async def _command(self, kind: str, name: str) -> int:
        """Send SUBSCRIBE or UNSUBSCRIBE in call order; return the confirmation to wait for.

        The count is taken before any await so later subscribers wait for this command, and
        the send is shielded so a cancelled caller cannot leave a counted command unsent.
        """
        self._sent[kind, name] += 1
        target = self._sent[kind, name]
        await asyncio.shield(self._send(kind, name))
        self._raise_if_unusable()
        return target

    async def _send(self, kind: str, name: str) -> None:
        """Write one command under the lock; a failure breaks this instance (recorded)."""
        async with self._commands:
            if self._closed or self._failure is not None:
                return
            try:
                if kind == "subscribe":
                    await self._pubsub.subscribe(name)
                else:
                    await self._pubsub.unsubscribe(name)
            except Exception as exc:
                await self._fail(exc)
                return
            self._start_reader()

    async def _await_ack(self, kind: str, name: str, target: int) -> None:
        """Wait, bounded, until Redis has confirmed the `target`-th command of this kind."""
        async with asyncio.timeout(self._confirm_timeout), self._acks:
            await self._acks.wait_for(
                lambda: self._acked[kind, name] >= target or self._closed or self._failure is not None
            )
        self._raise_if_unusable()

    def _forget_if_idle(self, name: str) -> None:
        """Drop a channel's counters when it has no subscribers and no command in flight."""
        keys = [("subscribe", name), ("unsubscribe", name)]
        if self._fanout.has(name) or any(self._acked[k] < self._sent[k] for k in keys):
            return
        for k in keys:
            self._sent.pop(k, None)
            self._acked.pop(k, None)

    def _start_reader(self) -> None:
        """Start the reader task once the subscriber connection exists."""
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="redis-pubsub-reader")

    async def _read_forever(self) -> None:
        """Read the subscriber connection until cancelled or broken."""
        try:
            while True:
                message = await self._pubsub.get_message(timeout=None)
                if message is not None:
                    await self._handle(message)
        except Exception as exc:
            await self._fail(exc)

    async def _handle(self, message: dict[str, Any]) -> None:
        """Count a confirmation or deliver a published message to local subscribers."""
        kind = _text(message["type"])
        name = _text(message["channel"])
        if kind in ("subscribe", "unsubscribe"):
            self._acked[kind, name] += 1
            async with self._acks:
                self._acks.notify_all()
        elif kind == "message":
            try:
                self._fanout.deliver(name, _text(message["data"]))
            except ValueError:
                _log.warning("dropped a message that is not a JSON object on %s", name)

    async def _fail(self, exc: BaseException) -> None:
        """Record a broken connection and end every subscription with it."""
        _log.error("Redis pub/sub connection lost: %s", exc)
        self._failure = exc
        self._fanout.end_all(exc)
        async with self._acks:
            self._acks.notify_all()

    def _raise_if_unusable(self) -> None:
        """Raise if this instance is closed or its connection is broken."""
        if self._closed:
            raise PubSubClosedError("RedisPubSub is closed")
        if self._failure is not None:
            raise SubscriptionLostError("Redis pub/sub connection lost") from self._failure


async def _cancel_and_wait(task: asyncio.Task[None]) -> None:
    """Cancel a task and wait for it, without swallowing a cancellation of the caller."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
