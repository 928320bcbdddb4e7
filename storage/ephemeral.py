"""Ports for ephemeral state, and their in-process implementations.

Four ports live here: `PubSub` (fan-out of web-chat messages across server processes),
`RateLimiter`, `ChatState` (per-person UI state such as the open case or a draft) and
`TokenStore` (short-lived one-time tokens). Nothing behind them is a record: case state,
deadlines and anything with legal meaning live in the database, never here.

The `Memory*` classes serve a single process when no Redis is configured; they are the
embedded default, not mocks, and pass the same contract tests as `storage.redis_ports`.
Time is injected as `now` (seconds since the Unix epoch, UTC) so tests jump it instead of
sleeping; the in-process implementations expire entries by that clock.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

JsonObject = dict[str, Any]
"""A JSON object as Python sees it: what pub/sub carries and chat state stores."""

Inbox = asyncio.Queue["JsonObject | BaseException | None"]
"""A subscription's buffer: messages, then `None` when it ends or an error when it breaks."""

Attach = Callable[[str, Inbox], Awaitable[None]]
"""Registers an inbox on a channel and returns once the subscription is live."""

_SWEEP_FLOOR = 1024
_TOKEN_BYTES = 24
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")
_PURPOSE_SHAPE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class PubSubClosedError(RuntimeError):
    """Raised when publishing or subscribing through a closed `PubSub`."""


class SubscriptionLostError(ConnectionError):
    """Raised by a subscription whose transport failed: subscribe again and resync."""


# --- ports -----------------------------------------------------------------------------------


class Subscription(Protocol):
    """A live subscription to one channel: an async context manager and async iterator.

    `__aenter__` returns once the subscription is live, so every message published after it
    returns is delivered (a message published concurrently with it may be delivered too).
    Iteration ends when the subscription is exited or its `PubSub` closed.
    """

    async def __aenter__(self) -> Self:
        """Subscribe, returning once the subscription is live."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Unsubscribe; nothing is delivered to this subscription afterwards."""
        ...

    def __aiter__(self) -> Self:
        """Return the subscription itself."""
        ...

    async def __anext__(self) -> JsonObject:
        """Wait for the next message (a fresh dict each time)."""
        ...


class PubSub(Protocol):
    """Fan-out of JSON objects to every live subscriber of a channel, e.g. `person:<id>`."""

    async def publish(self, channel: str, message: JsonObject) -> None:
        """Deliver `message` to the channel's current subscribers; no one listening is fine."""
        ...

    def subscribe(self, channel: str) -> Subscription:
        """Return a subscription to enter with `async with`."""
        ...

    async def close(self) -> None:
        """End every subscription and release connections; idempotent."""
        ...


class RateLimiter(Protocol):
    """A sliding-window limit: at most `limit` allowed calls per key in any `window_seconds`."""

    async def allow(self, key: str, limit: int, window_seconds: float, now: float) -> bool:
        """Count and allow this call, or refuse it (refused calls are not counted)."""
        ...


class ChatState(Protocol):
    """Ephemeral UI state per person (the open case, a draft). Never case state."""

    async def get(self, key: str, now: float) -> JsonObject | None:
        """Return the stored object, or None if absent or expired."""
        ...

    async def put(self, key: str, value: JsonObject, ttl_seconds: int, now: float) -> None:
        """Store `value`, replacing any previous one, for `ttl_seconds`."""
        ...

    async def delete(self, key: str) -> None:
        """Forget the key; absent keys are fine."""
        ...


class TokenStore(Protocol):
    """Short-lived one-time tokens for account linking and sign-in codes."""

    async def issue(self, purpose: str, value: str, ttl_seconds: int, now: float) -> str:
        """Store `value` under a new random URL-safe token valid for `ttl_seconds`."""
        ...

    async def redeem(self, purpose: str, token: str, now: float) -> str | None:
        """Return the value and consume the token, once only; None if unknown or expired."""
        ...


# --- shared rules, used by the in-process and the Redis implementations ----------------------


def encode_message(message: JsonObject) -> str:
    """Serialise a message for transport; raises TypeError if it is not a JSON object."""
    if not isinstance(message, dict):
        raise TypeError(f"a message must be a dict, not {type(message).__name__}")
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def decode_message(payload: str) -> JsonObject:
    """Parse a transported message; raises ValueError unless it is a JSON object."""
    value = json.loads(payload)
    if not isinstance(value, dict):
        # ValueError like any other malformed payload, so one `except ValueError` drops them all
        raise ValueError(f"a message must be a JSON object, not {type(value).__name__}")
    return value


def check_ttl(ttl_seconds: int) -> None:
    """Reject a TTL that is not a positive whole number of seconds."""
    if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int) or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be a positive int, got {ttl_seconds!r}")


def check_limit(limit: int, window_seconds: float) -> None:
    """Reject a negative limit or a window that is not positive."""
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit!r}")
    if not window_seconds > 0:
        raise ValueError(f"window_seconds must be > 0, got {window_seconds!r}")


def check_purpose(purpose: str) -> None:
    """Reject a token purpose that could collide with another (letters, digits, `_.-` only)."""
    if not _PURPOSE_SHAPE.fullmatch(purpose):
        raise ValueError(f"purpose must match {_PURPOSE_SHAPE.pattern}, got {purpose!r}")


def is_token_shaped(token: str) -> bool:
    """Tell whether a presented token could have been issued (URL-safe, bounded length)."""
    return isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) is not None


def new_token() -> str:
    """Return a fresh random URL-safe token (192 bits, 32 characters)."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


# --- local fan-out and the queue-backed subscription -----------------------------------------


class LocalFanout:
    """Routes payloads to the inboxes of this process's subscriptions, channel by channel."""

    def __init__(self) -> None:
        """Start with no subscriptions."""
        self._inboxes: dict[str, set[Inbox]] = {}

    def add(self, channel: str, inbox: Inbox) -> bool:
        """Register an inbox; True if it is the channel's first."""
        inboxes = self._inboxes.setdefault(channel, set())
        inboxes.add(inbox)
        return len(inboxes) == 1

    def remove(self, channel: str, inbox: Inbox) -> bool:
        """Unregister an inbox; True if the channel had it and now has none."""
        inboxes = self._inboxes.get(channel)
        if inboxes is None or inbox not in inboxes:
            return False
        inboxes.discard(inbox)
        if inboxes:
            return False
        del self._inboxes[channel]
        return True

    def has(self, channel: str) -> bool:
        """Tell whether any inbox is registered on `channel`."""
        return channel in self._inboxes

    def deliver(self, channel: str, payload: str) -> int:
        """Put a freshly decoded copy of `payload` in each inbox; return how many got it."""
        inboxes = self._inboxes.get(channel, set())
        for inbox in inboxes:
            inbox.put_nowait(decode_message(payload))
        return len(inboxes)

    def end_all(self, error: BaseException | None = None) -> None:
        """End every subscription (with `error` raised to readers if given) and forget them."""
        for inboxes in self._inboxes.values():
            for inbox in inboxes:
                inbox.put_nowait(error)
        self._inboxes.clear()


class QueueSubscription:
    """A `Subscription` fed through an inbox that `attach` registers and `detach` removes."""

    def __init__(self, channel: str, attach: Attach, detach: Attach) -> None:
        """Prepare a subscription to `channel`; nothing happens until it is entered."""
        self.channel = channel
        self._attach = attach
        self._detach = detach
        self._inbox: Inbox = asyncio.Queue()
        self._entered = False
        self._attached = False
        self._ended = False

    async def __aenter__(self) -> Self:
        """Subscribe, returning once the subscription is live."""
        if self._entered:
            raise RuntimeError("a subscription can be entered only once")
        self._entered = True
        await self._attach(self.channel, self._inbox)
        self._attached = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Unsubscribe and wake any reader still waiting on this subscription."""
        self._ended = True
        self._inbox.put_nowait(None)
        if self._attached:
            self._attached = False
            await self._detach(self.channel, self._inbox)

    def __aiter__(self) -> Self:
        """Return the subscription itself."""
        return self

    async def __anext__(self) -> JsonObject:
        """Wait for the next message; stop when ended, raise if the transport broke."""
        if not self._entered:
            raise RuntimeError("enter the subscription with `async with` before iterating")
        if self._ended:
            raise StopAsyncIteration
        item = await self._inbox.get()
        if item is None:
            self._ended = True
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            self._ended = True
            raise SubscriptionLostError(f"subscription to {self.channel!r} lost") from item
        return item


# --- in-process implementations --------------------------------------------------------------


class MemoryPubSub:
    """`PubSub` within one process: delivery is immediate and in publish order."""

    def __init__(self) -> None:
        """Start open, with no subscriptions."""
        self._fanout = LocalFanout()
        self._closed = False

    async def publish(self, channel: str, message: JsonObject) -> None:
        """Deliver a copy of `message` to each live subscriber of `channel`."""
        payload = encode_message(message)
        if self._closed:
            raise PubSubClosedError("publish on a closed MemoryPubSub")
        self._fanout.deliver(channel, payload)

    def subscribe(self, channel: str) -> QueueSubscription:
        """Return a subscription to `channel`, live once entered."""
        return QueueSubscription(channel, self._attach, self._detach)

    async def close(self) -> None:
        """End every subscription; later publishes and subscribes raise."""
        self._closed = True
        self._fanout.end_all()

    async def _attach(self, channel: str, inbox: Inbox) -> None:
        """Register an inbox; it is live at once."""
        if self._closed:
            raise PubSubClosedError("subscribe on a closed MemoryPubSub")
        self._fanout.add(channel, inbox)

    async def _detach(self, channel: str, inbox: Inbox) -> None:
        """Unregister an inbox."""
        self._fanout.remove(channel, inbox)


class MemoryRateLimiter:
    """`RateLimiter` within one process: a sliding log of allowed calls per (key, window)."""

    def __init__(self) -> None:
        """Start with no calls recorded."""
        self._hits: dict[tuple[str, float], list[float]] = {}
        self._sweep_above = _SWEEP_FLOOR

    async def allow(self, key: str, limit: int, window_seconds: float, now: float) -> bool:
        """Allow and record the call unless `limit` calls fell in (now - window, now]."""
        check_limit(limit, window_seconds)
        window = float(window_seconds)
        hits = self._hits.setdefault((key, window), [])
        del hits[: bisect.bisect_right(hits, now - window)]
        if len(hits) >= limit:
            return False
        bisect.insort(hits, now)
        self._sweep(now)
        return True

    def _sweep(self, now: float) -> None:
        """Drop keys with no call inside their window once the table has grown enough."""
        if len(self._hits) <= self._sweep_above:
            return
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - k[1]]
        for k in stale:
            del self._hits[k]
        self._sweep_above = max(_SWEEP_FLOOR, 2 * len(self._hits))


_V = TypeVar("_V")


class _ExpiringStore(Generic[_V]):
    """A dict whose entries expire at an instant on the injected clock."""

    def __init__(self) -> None:
        """Start empty."""
        self._entries: dict[str, tuple[float, _V]] = {}
        self._sweep_above = _SWEEP_FLOOR

    def get(self, key: str, now: float) -> _V | None:
        """Return the live value under `key`, dropping it if expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if now >= entry[0]:
            del self._entries[key]
            return None
        return entry[1]

    def pop(self, key: str, now: float) -> _V | None:
        """Remove and return the live value under `key` (None if absent or expired)."""
        entry = self._entries.pop(key, None)
        if entry is None or now >= entry[0]:
            return None
        return entry[1]

    def contains(self, key: str, now: float) -> bool:
        """Tell whether a live value is stored under `key`."""
        return self.get(key, now) is not None

    def put(self, key: str, value: _V, ttl_seconds: int, now: float) -> None:
        """Store `value` until `now + ttl_seconds`, replacing any previous one."""
        self._entries[key] = (now + ttl_seconds, value)
        self._sweep(now)

    def delete(self, key: str) -> None:
        """Forget `key` if present."""
        self._entries.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Drop expired entries once the table has grown enough."""
        if len(self._entries) <= self._sweep_above:
            return
        expired = [key for key, (expires_at, _) in self._entries.items() if now >= expires_at]
        for key in expired:
            del self._entries[key]
        self._sweep_above = max(_SWEEP_FLOOR, 2 * len(self._entries))


class MemoryChatState:
    """`ChatState` within one process; values are stored as JSON, so each get is a fresh copy."""

    def __init__(self) -> None:
        """Start empty."""
        self._store: _ExpiringStore[str] = _ExpiringStore()

    async def get(self, key: str, now: float) -> JsonObject | None:
        """Return a copy of the stored object, or None if absent or expired at `now`."""
        payload = self._store.get(key, now)
        return None if payload is None else decode_message(payload)

    async def put(self, key: str, value: JsonObject, ttl_seconds: int, now: float) -> None:
        """Store a copy of `value` until `now + ttl_seconds`."""
        check_ttl(ttl_seconds)
        self._store.put(key, encode_message(value), ttl_seconds, now)

    async def delete(self, key: str) -> None:
        """Forget the key; absent keys are fine."""
        self._store.delete(key)


class MemoryTokenStore:
    """`TokenStore` within one process; a redeem never yields, so it is atomic."""

    def __init__(self) -> None:
        """Start empty."""
        self._store: _ExpiringStore[str] = _ExpiringStore()

    async def issue(self, purpose: str, value: str, ttl_seconds: int, now: float) -> str:
        """Store `value` under a new token valid until `now + ttl_seconds`."""
        check_purpose(purpose)
        check_ttl(ttl_seconds)
        token = new_token()
        while self._store.contains(f"{purpose}:{token}", now):
            token = new_token()
        self._store.put(f"{purpose}:{token}", value, ttl_seconds, now)
        return token

    async def redeem(self, purpose: str, token: str, now: float) -> str | None:
        """Consume the token and return its value, or None if unknown, spent or expired."""
        check_purpose(purpose)
        if not is_token_shaped(token):
            return None
        return self._store.pop(f"{purpose}:{token}", now)
