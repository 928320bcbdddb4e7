"""Where the real services live for tests, how to require them, and fixtures that use them.

Locally a test that needs an absent service skips with a reason saying how to start it; with
`CI` set in the environment it fails instead, because CI must run everything. The conftest
re-exports the fixtures `redis_prefix` and `redis_client`.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from redis.asyncio import Redis

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROBE_TIMEOUT_SECONDS = 2.0

_START_HINTS = {
    "PostgreSQL": (
        "start it with `pg_ctlcluster 15 main start` (or `docker run -p 5432:5432 "
        "-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15`), "
        "or point TEST_DATABASE_URL at one"
    ),
    "Redis": (
        "start it with `redis-server --daemonize yes` and check with `redis-cli ping`, or point TEST_REDIS_URL at one"
    ),
}


def postgres_url() -> str:
    """The SQLAlchemy URL of the test database: TEST_DATABASE_URL or the local default."""
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL


def redis_url() -> str:
    """The URL of the test Redis: TEST_REDIS_URL or the local default."""
    return os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL


def redact(url: str) -> str:
    """Hide the password in a URL so it can appear in a skip or failure message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def check_postgres() -> None:
    """Raise OSError unless something accepts TCP connections where the test database is."""
    parts = urlsplit(postgres_url())
    address = (parts.hostname or "127.0.0.1", parts.port or 5432)
    with socket.create_connection(address, timeout=PROBE_TIMEOUT_SECONDS):
        pass


def check_redis() -> None:
    """Raise unless the test Redis answers PING."""
    client = redis.Redis.from_url(
        redis_url(),
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def require_service(name: str, check: Callable[[], object]) -> None:
    """Skip the test (fail it if env CI is set) when `check` raises or returns False."""
    try:
        reachable = check() is not False
        error = "" if reachable else "the check said no"
    except Exception as exc:
        reachable, error = False, f"{type(exc).__name__}: {exc}"
    if reachable:
        return
    message = f"{_service_absence(name)} ({error})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI needs every service", pytrace=False)
    pytest.skip(message)


def _service_absence(name: str) -> str:
    """Say which service is unreachable where, and how to start it."""
    where = {"PostgreSQL": postgres_url, "Redis": redis_url}.get(name)
    at = f" at {redact(where())}" if where else ""
    hint = _START_HINTS.get(name, f"start {name}")
    return f"{name} not reachable{at}; {hint}"


def require_postgres() -> str:
    """Require the test database and return its URL."""
    require_service("PostgreSQL", check_postgres)
    return postgres_url()


def require_redis() -> str:
    """Require the test Redis and return its URL."""
    require_service("Redis", check_redis)
    return redis_url()


async def delete_prefixed(client: Redis, prefix: str) -> int:
    """Delete every key under `<prefix>:` and return how many there were."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=500)]
    for start in range(0, len(keys), 500):
        await client.unlink(*keys[start : start + 500])
    return len(keys)


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix no other test uses, for Redis keys and channels."""
    return f"test:{uuid.uuid4().hex}"


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[Redis]:
    """A client of the test Redis (str replies); deletes the keys under `redis_prefix` after."""
    url = require_redis()
    client = Redis.from_url(url, decode_responses=True)
    try:
        yield client
        await delete_prefixed(client, redis_prefix)
    finally:
        await client.aclose()
