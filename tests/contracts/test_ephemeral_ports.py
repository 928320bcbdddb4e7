"""Contract of the ephemeral ports, run against the in-process and the Redis implementations.

Time is injected: the in-process implementations are driven past expiry by jumping `now`;
the Redis ones rely on Redis TTLs, so for them the tests check the TTL Redis was given.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from storage.ephemeral import (
    ChatState,
    MemoryChatState,
    MemoryPubSub,
    MemoryRateLimiter,
    MemoryTokenStore,
    PubSub,
    PubSubClosedError,
    RateLimiter,
    Subscription,
    TokenStore,
)
from storage.redis_ports import (
    RedisChatState,
    RedisPubSub,
    RedisRateLimiter,
    RedisTokenStore,
    connect_redis,
)
from tests.support.services import redis_client, redis_prefix, require_redis  # noqa: F401 - fixtures used by name

NOW = 1_700_000_000.0
WAIT_SECONDS = 5.0


@dataclass
class Backend:
    """Which implementation a test runs against, and for Redis its client and key prefix."""

    kind: str
    redis: Redis | None = None
    prefix: str = ""

    async def ttls_ms(self) -> list[int]:
        """PTTL of every Redis key under this test's prefix."""
        assert self.redis is not None
        keys = [key async for key in self.redis.scan_iter(match=f"{self.prefix}:*")]
        return [await self.redis.pttl(key) for key in keys]


@pytest.fixture
def redis_under_test(request: pytest.FixtureRequest) -> tuple[Redis, str]:
    """The test Redis (skipping or failing if absent) and this test's key prefix."""
    return request.getfixturevalue("redis_client"), request.getfixturevalue("redis_prefix")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each contract test runs once in-process and once on the real Redis."""
    if request.param == "memory":
        return Backend("memory")
    return Backend("redis", *request.getfixturevalue("redis_under_test"))


@pytest.fixture
async def pubsub(backend: Backend) -> AsyncIterator[PubSub]:
    """A PubSub of the backend under test, closed afterwards."""
    port: PubSub = MemoryPubSub() if backend.redis is None else RedisPubSub(backend.redis, backend.prefix)
    try:
        yield port
    finally:
        await port.close()


@pytest.fixture
def limiter(backend: Backend) -> RateLimiter:
    """A RateLimiter of the backend under test."""
    if backend.redis is None:
        return MemoryRateLimiter()
    return RedisRateLimiter(backend.redis, backend.prefix)


@pytest.fixture
def chat_state(backend: Backend) -> ChatState:
    """A ChatState of the backend under test."""
    if backend.redis is None:
        return MemoryChatState()
    return RedisChatState(backend.redis, backend.prefix)


@pytest.fixture
def tokens(backend: Backend) -> TokenStore:
    """A TokenStore of the backend under test."""
    if backend.redis is None:
        return MemoryTokenStore()
    return RedisTokenStore(backend.redis, backend.prefix)


async def next_message(subscription: Subscription) -> dict[str, object]:
    """The subscription's next message, failing the test if none comes in time."""
    async with asyncio.timeout(WAIT_SECONDS):
        return await anext(subscription)


async def wait_until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll `condition` until it holds, failing the test if it does not in time."""
    async with asyncio.timeout(WAIT_SECONDS):
        while not await condition():  # noqa: ASYNC110 - waits on another process (Redis), bounded
            await asyncio.sleep(0.01)


# --- PubSub ----------------------------------------------------------------------------------


async def test_pubsub_delivers_to_every_subscriber_of_a_channel(pubsub: PubSub) -> None:
    """A message reaches both subscribers of its channel, each as an equal dict."""
    async with pubsub.subscribe("person:1") as first, pubsub.subscribe("person:1") as second:
        await pubsub.publish("person:1", {"text": "hearing at 10:00", "seq": 1})
        assert await next_message(first) == {"text": "hearing at 10:00", "seq": 1}
        assert await next_message(second) == {"text": "hearing at 10:00", "seq": 1}


async def test_pubsub_keeps_messages_in_publish_order(pubsub: PubSub) -> None:
    """Messages from one publisher arrive in the order they were published."""
    async with pubsub.subscribe("person:1") as subscription:
        for seq in range(5):
            await pubsub.publish("person:1", {"seq": seq})
        assert [(await next_message(subscription))["seq"] for _ in range(5)] == [0, 1, 2, 3, 4]


async def test_pubsub_isolates_channels(pubsub: PubSub) -> None:
    """A subscriber gets only its own channel's messages."""
    async with pubsub.subscribe("person:1") as one, pubsub.subscribe("person:2") as two:
        await pubsub.publish("person:1", {"to": 1, "n": 1})
        await pubsub.publish("person:2", {"to": 2, "n": 1})
        await pubsub.publish("person:1", {"to": 1, "n": 2})
        assert await next_message(one) == {"to": 1, "n": 1}
        assert await next_message(one) == {"to": 1, "n": 2}
        assert await next_message(two) == {"to": 2, "n": 1}


async def test_pubsub_delivers_nothing_after_unsubscribe(pubsub: PubSub) -> None:
    """A subscription that was exited ends and misses later messages the others still get."""
    async with pubsub.subscribe("person:1") as staying:
        async with pubsub.subscribe("person:1") as leaving:
            pass
        await pubsub.publish("person:1", {"n": 1})
        assert await next_message(staying) == {"n": 1}
        with pytest.raises(StopAsyncIteration):
            await next_message(leaving)


async def test_pubsub_resubscribing_a_channel_works(pubsub: PubSub) -> None:
    """After the last subscriber leaves, a new subscription to the channel is live again."""
    async with pubsub.subscribe("person:1"):
        pass
    async with pubsub.subscribe("person:1") as again:
        await pubsub.publish("person:1", {"n": 2})
        assert await next_message(again) == {"n": 2}


async def test_pubsub_concurrent_entries_and_exits_stay_live(pubsub: PubSub) -> None:
    """Subscriptions entered all at once, racing others leaving, are all live when entered."""
    leaving = [pubsub.subscribe("person:1") for _ in range(5)]
    await asyncio.gather(*(s.__aenter__() for s in leaving))
    entering = [pubsub.subscribe("person:1") for _ in range(10)]
    await asyncio.gather(
        *(s.__aexit__(None, None, None) for s in leaving),
        *(s.__aenter__() for s in entering),
    )
    try:
        await pubsub.publish("person:1", {"n": 1})
        assert [await next_message(s) for s in entering] == [{"n": 1}] * 10
    finally:
        await asyncio.gather(*(s.__aexit__(None, None, None) for s in entering))


async def test_pubsub_cancelled_entry_leaves_the_channel_usable(pubsub: PubSub) -> None:
    """A subscriber cancelled while entering does not stop the next one from going live."""

    async def enter_and_stay() -> None:
        async with pubsub.subscribe("person:1"):
            await asyncio.Event().wait()

    for _ in range(3):
        task = asyncio.create_task(enter_and_stay())
        await asyncio.sleep(0)  # a scheduling yield, not a wait: the entry is under way
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with pubsub.subscribe("person:1") as subscription:
        await pubsub.publish("person:1", {"n": 1})
        assert await next_message(subscription) == {"n": 1}


async def test_pubsub_publish_without_subscribers_is_fine(pubsub: PubSub) -> None:
    """Publishing to a channel nobody listens to neither fails nor lingers."""
    await pubsub.publish("person:nobody", {"n": 1})
    async with pubsub.subscribe("person:nobody") as late:
        await pubsub.publish("person:nobody", {"n": 2})
        assert await next_message(late) == {"n": 2}


async def test_pubsub_subscribers_get_independent_copies(pubsub: PubSub) -> None:
    """Mutating a received message affects neither the publisher's dict nor other subscribers."""
    sent = {"items": [1]}
    async with pubsub.subscribe("person:1") as first, pubsub.subscribe("person:1") as second:
        await pubsub.publish("person:1", sent)
        (await next_message(first))["items"].append(2)
        assert await next_message(second) == {"items": [1]}
        assert sent == {"items": [1]}


async def test_pubsub_rejects_messages_that_are_not_json(pubsub: PubSub) -> None:
    """Only JSON objects can be published."""
    with pytest.raises(TypeError):
        await pubsub.publish("person:1", {"when": object()})
    with pytest.raises(TypeError):
        await pubsub.publish("person:1", ["not", "a", "dict"])  # type: ignore[arg-type]


async def test_pubsub_close_ends_subscriptions(pubsub: PubSub) -> None:
    """Closing ends open subscriptions, and later subscribes and publishes raise."""
    async with pubsub.subscribe("person:1") as subscription:
        waiting = asyncio.create_task(next_message(subscription))
        await asyncio.sleep(0)  # a scheduling yield, not a wait: the reader now blocks
        await pubsub.close()
        with pytest.raises(StopAsyncIteration):
            await waiting
    with pytest.raises(PubSubClosedError):
        async with pubsub.subscribe("person:1"):
            pass
    with pytest.raises(PubSubClosedError):
        await pubsub.publish("person:1", {"n": 1})


async def test_pubsub_exiting_wakes_a_waiting_reader(pubsub: PubSub) -> None:
    """A reader waiting on a subscription that another task exits stops instead of hanging."""
    subscription = pubsub.subscribe("person:1")
    await subscription.__aenter__()
    waiting = asyncio.create_task(next_message(subscription))
    await asyncio.sleep(0)  # a scheduling yield, not a wait: the reader now blocks
    await subscription.__aexit__(None, None, None)
    with pytest.raises(StopAsyncIteration):
        await waiting


async def test_pubsub_iterating_before_entering_is_an_error(pubsub: PubSub) -> None:
    """A subscription must be entered with `async with` before it yields anything."""
    with pytest.raises(RuntimeError):
        await anext(pubsub.subscribe("person:1"))


@pytest.mark.redis
async def test_redis_pubsub_fans_out_between_processes(
    redis_under_test: tuple[Redis, str],
) -> None:
    """Two RedisPubSub instances on separate connections deliver to each other's subscribers."""
    client, prefix = redis_under_test
    other_client = await connect_redis(require_redis())
    here = RedisPubSub(client, prefix)
    there = RedisPubSub(other_client, prefix)
    try:
        async with here.subscribe("person:7") as near, there.subscribe("person:7") as far:
            await here.publish("person:7", {"from": "here"})
            await there.publish("person:7", {"from": "there"})
            assert [await next_message(far), await next_message(far)] == [
                {"from": "here"},
                {"from": "there"},
            ]
            assert [await next_message(near), await next_message(near)] == [
                {"from": "here"},
                {"from": "there"},
            ]
    finally:
        await here.close()
        await there.close()
        await other_client.aclose()


@pytest.mark.redis
async def test_redis_pubsub_releases_server_subscriptions(
    redis_under_test: tuple[Redis, str],
) -> None:
    """Exiting the last subscription unsubscribes in Redis at once; close drops the rest."""
    client, prefix = redis_under_test
    port = RedisPubSub(client, prefix)

    async def channels() -> list[str]:
        return await client.pubsub_channels(f"{prefix}:*")

    try:
        async with port.subscribe("person:1"), port.subscribe("person:1"):
            async with port.subscribe("person:2"):
                assert len(await channels()) == 2
            assert len(await channels()) == 1
        assert await channels() == []
        async with port.subscribe("person:3"):
            await port.close()
        await wait_until(lambda: _is_empty(channels()))
    finally:
        await port.close()


async def _is_empty(items: Awaitable[list[str]]) -> bool:
    """Whether the awaited list is empty."""
    return not await items


@pytest.mark.redis
async def test_redis_pubsub_drops_foreign_payloads(
    redis_under_test: tuple[Redis, str],
) -> None:
    """A payload on the channel that is not a JSON object is dropped, not delivered or fatal."""
    client, prefix = redis_under_test
    port = RedisPubSub(client, prefix)
    try:
        async with port.subscribe("person:1") as subscription:
            [channel] = await client.pubsub_channels(f"{prefix}:*")
            await client.publish(channel, "not json")
            await client.publish(channel, "[1, 2]")
            await port.publish("person:1", {"n": 1})
            assert await next_message(subscription) == {"n": 1}
    finally:
        await port.close()


# --- RateLimiter -----------------------------------------------------------------------------


async def test_rate_limit_allows_limit_then_refuses(limiter: RateLimiter) -> None:
    """Within one window, exactly `limit` calls are allowed."""
    results = [await limiter.allow("signin:alice", 3, 60, NOW + i) for i in range(5)]
    assert results == [True, True, True, False, False]


async def test_rate_limit_allows_again_after_the_window(limiter: RateLimiter) -> None:
    """A call frees its slot exactly `window` seconds after it was allowed."""
    for _ in range(2):
        assert await limiter.allow("signin:alice", 2, 60, NOW)
    assert not await limiter.allow("signin:alice", 2, 60, NOW + 59.999)
    assert await limiter.allow("signin:alice", 2, 60, NOW + 60)
    assert await limiter.allow("signin:alice", 2, 60, NOW + 60)
    assert not await limiter.allow("signin:alice", 2, 60, NOW + 60)


async def test_rate_limit_window_slides(limiter: RateLimiter) -> None:
    """Slots free one by one as each allowed call leaves the window; refusals are not counted."""
    assert await limiter.allow("msg:bob", 2, 60, NOW)
    assert await limiter.allow("msg:bob", 2, 60, NOW + 30)
    assert not await limiter.allow("msg:bob", 2, 60, NOW + 45)
    assert await limiter.allow("msg:bob", 2, 60, NOW + 60)
    assert not await limiter.allow("msg:bob", 2, 60, NOW + 61)
    assert await limiter.allow("msg:bob", 2, 60, NOW + 90)


async def test_rate_limit_keys_and_windows_are_independent(limiter: RateLimiter) -> None:
    """Each key, and each window size on a key, has its own budget."""
    assert await limiter.allow("signin:alice", 1, 60, NOW)
    assert not await limiter.allow("signin:alice", 1, 60, NOW)
    assert await limiter.allow("signin:bob", 1, 60, NOW)
    assert await limiter.allow("signin:alice", 1, 3600, NOW)


async def test_rate_limit_concurrent_calls_never_exceed_the_limit(limiter: RateLimiter) -> None:
    """Of many simultaneous calls, exactly `limit` are allowed."""
    results = await asyncio.gather(*(limiter.allow("msg:carol", 5, 60, NOW) for _ in range(20)))
    assert results.count(True) == 5


async def test_rate_limit_zero_refuses_and_bad_arguments_raise(limiter: RateLimiter) -> None:
    """A limit of zero refuses everything; a negative limit or empty window is an error."""
    assert not await limiter.allow("k", 0, 60, NOW)
    with pytest.raises(ValueError):
        await limiter.allow("k", -1, 60, NOW)
    with pytest.raises(ValueError):
        await limiter.allow("k", 1, 0, NOW)


# --- ChatState -------------------------------------------------------------------------------


async def test_chat_state_put_get_delete(chat_state: ChatState) -> None:
    """A stored object comes back equal, is replaced by a later put, and is gone when deleted."""
    assert await chat_state.get("person:1", NOW) is None
    await chat_state.put("person:1", {"open_case": "C-1", "draft": "Dear court"}, 600, NOW)
    assert await chat_state.get("person:1", NOW) == {"open_case": "C-1", "draft": "Dear court"}
    await chat_state.put("person:1", {"open_case": "C-2"}, 600, NOW)
    assert await chat_state.get("person:1", NOW) == {"open_case": "C-2"}
    await chat_state.delete("person:1")
    assert await chat_state.get("person:1", NOW) is None
    await chat_state.delete("person:1")


async def test_chat_state_keys_are_independent(chat_state: ChatState) -> None:
    """Writing or deleting one key leaves the others alone."""
    await chat_state.put("person:1", {"n": 1}, 600, NOW)
    await chat_state.put("person:2", {"n": 2}, 600, NOW)
    await chat_state.delete("person:1")
    assert await chat_state.get("person:2", NOW) == {"n": 2}


async def test_chat_state_stores_a_copy(chat_state: ChatState) -> None:
    """Mutating the dict that was put, or one that was got, does not change what is stored."""
    value = {"draft": ["line 1"]}
    await chat_state.put("person:1", value, 600, NOW)
    value["draft"].append("line 2")
    got = await chat_state.get("person:1", NOW)
    assert got == {"draft": ["line 1"]}
    got["draft"].append("line 3")
    assert await chat_state.get("person:1", NOW) == {"draft": ["line 1"]}


async def test_chat_state_expires(chat_state: ChatState, backend: Backend) -> None:
    """An entry lives `ttl_seconds`: memory by the injected clock, Redis by the key's TTL."""
    await chat_state.put("person:1", {"open_case": "C-1"}, 600, NOW)
    if backend.redis is None:
        assert await chat_state.get("person:1", NOW + 599.9) == {"open_case": "C-1"}
        assert await chat_state.get("person:1", NOW + 600) is None
    else:
        assert [0 < ttl <= 600_000 and ttl > 590_000 for ttl in await backend.ttls_ms()] == [True]


async def test_chat_state_rejects_bad_ttls_and_values(chat_state: ChatState) -> None:
    """The TTL is a positive whole number of seconds and the value a JSON object."""
    for ttl in (0, -5, 1.5):
        with pytest.raises(ValueError):
            await chat_state.put("person:1", {"n": 1}, ttl, NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await chat_state.put("person:1", {"when": object()}, 600, NOW)


# --- TokenStore ------------------------------------------------------------------------------


async def test_token_is_url_safe_and_random(tokens: TokenStore) -> None:
    """Tokens are long, URL-safe and different each time."""
    issued = {await tokens.issue("link", "person:1", 300, NOW) for _ in range(20)}
    assert len(issued) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token) for token in issued)


async def test_token_redeems_once(tokens: TokenStore) -> None:
    """A token yields its value once, then nothing."""
    token = await tokens.issue("link", "telegram:42", 300, NOW)
    assert await tokens.redeem("link", token, NOW + 1) == "telegram:42"
    assert await tokens.redeem("link", token, NOW + 2) is None


async def test_token_wrong_purpose_fails_without_spending_it(tokens: TokenStore) -> None:
    """A token redeemed for another purpose yields nothing and stays valid for its own."""
    token = await tokens.issue("link", "telegram:42", 300, NOW)
    assert await tokens.redeem("signin", token, NOW) is None
    assert await tokens.redeem("link", token, NOW) == "telegram:42"


async def test_token_unknown_or_malformed_fails(tokens: TokenStore) -> None:
    """Tokens never issued, or not shaped like one, yield nothing."""
    assert await tokens.redeem("link", "A" * 32, NOW) is None
    assert await tokens.redeem("link", "", NOW) is None
    assert await tokens.redeem("link", "x:y*", NOW) is None
    assert await tokens.redeem("link", "x" * 1000, NOW) is None


async def test_token_concurrent_redeems_succeed_once(tokens: TokenStore) -> None:
    """Of simultaneous redeems of one token, exactly one gets the value."""
    token = await tokens.issue("signin", "person:9", 300, NOW)
    results = await asyncio.gather(*(tokens.redeem("signin", token, NOW) for _ in range(10)))
    assert results.count("person:9") == 1
    assert results.count(None) == 9


async def test_token_expires(tokens: TokenStore, backend: Backend) -> None:
    """A token lives `ttl_seconds`: memory by the injected clock, Redis by the key's TTL."""
    token = await tokens.issue("signin", "person:9", 300, NOW)
    if backend.redis is None:
        late = await tokens.issue("signin", "person:10", 300, NOW)
        assert await tokens.redeem("signin", token, NOW + 299.9) == "person:9"
        assert await tokens.redeem("signin", late, NOW + 300) is None
    else:
        assert [0 < ttl <= 300_000 and ttl > 290_000 for ttl in await backend.ttls_ms()] == [True]


async def test_token_rejects_bad_purpose_and_ttl(tokens: TokenStore) -> None:
    """Purposes cannot contain separators (no cross-purpose collisions); TTLs are positive."""
    with pytest.raises(ValueError):
        await tokens.issue("link:tg", "person:1", 300, NOW)
    with pytest.raises(ValueError):
        await tokens.redeem("", "A" * 32, NOW)
    with pytest.raises(ValueError):
        await tokens.issue("link", "person:1", 0, NOW)
