"""The only place that picks real or in-process adapters and wires the court together."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asynchronous_trial
import filing
import judgment
from bot.webchat.sender import WebChatSender
from court import calendar as court_calendar
from court.blobs import BlobStore
from court.deadline_rule import court_deadline_rule
from court.dispatcher import OutboxDispatcher
from court.documents.court_key import key_dir as court_key_dir
from court.identity_review import IdentityReviewNotices
from court.key_rotation import SEALED_COLUMNS
from court.metrics import Metrics, standard_metrics
from court.payments import DemoPaymentProvider, PaymentProvider
from court.procedures import Procedures, assemble
from court.routing import RoutingSender
from court.service import CourtService
from court.settings import CourtSettings
from court.sweeper import DeadlineSweeper
from flows.library import load_library
from flows.texts import load_catalog
from gateway.court import Court
from gateway.settings import Settings
from identity.encoder import EncoderPool
from identity.id_numbers import id_number_key
from identity.service import IdentityService
from identity.settings import IdentitySettings
from storage.db import create_engine
from storage.ephemeral import (
    ChatState,
    MemoryChatState,
    MemoryPubSub,
    MemoryRateLimiter,
    MemoryTokenStore,
    PubSub,
    RateLimiter,
    TokenStore,
)
from storage.key_check import unopenable_column
from storage.migrate import upgrade_async
from storage.sealing import Sealer, SealError
from storage.store import Store

log = logging.getLogger("microcourt")

ACCEPTED_EXTENSIONS = (
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "txt",
    "mp3",
    "m4a",
    "mp4",
    "zip",
    # statements: a Telegram voice message (Opus in Ogg), a video or voice recorded in the mini-app,
    # a phone's own video
    "ogg",
    "oga",
    "webm",
    "mov",
)


PROCEDURES = (filing.register, asynchronous_trial.register, judgment.register)
"""Every procedure the court runs, each a package with one `register`."""


def court_procedures(flow_settings: dict[str, Any]) -> Procedures:
    """The kernel and every procedure, registered with the flow settings they read."""
    return assemble(flow_settings, PROCEDURES)


def utc_now() -> datetime:
    return datetime.now(UTC)


def secret_key(settings: Settings) -> str:
    """The data key from MICROCOURT_SECRET_KEY; demo mode keeps a generated one in the data dir."""
    if settings.secret_key:
        return settings.secret_key
    if not settings.demo:
        raise SystemExit(
            "MICROCOURT_SECRET_KEY is not set. Generate one with "
            "`microcourt secret-key` and put it in the environment (never in the repository)."
        )
    path = settings.data_dir / "demo-secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Sealer.new_key())
        os.chmod(path, 0o600)
        log.warning("demo mode: generated a data key in the data directory; do not use for real cases")
    return path.read_text().strip()


def sealer_for(settings: Settings) -> Sealer:
    """The data key seals; MICROCOURT_PREVIOUS_SECRET_KEYS (comma-separated) only open, while
    `microcourt keys rotate` seals their data again under the new key."""
    key = secret_key(settings)
    previous = [k for k in settings.previous_secret_keys if k != key]
    try:
        return Sealer(key, previous)
    except ValueError:
        raise SystemExit(
            "MICROCOURT_SECRET_KEY or one of MICROCOURT_PREVIOUS_SECRET_KEYS is not a data key "
            "(32 url-safe base64-encoded bytes, as `microcourt secret-key` prints)."
        ) from None


WRONG_DATA_KEY = (
    "MICROCOURT_SECRET_KEY does not open the data already in the database ({where}); the court will not "
    "serve with it. If the key was changed (rotated), keep the new key in MICROCOURT_SECRET_KEY, put the old "
    "one in MICROCOURT_PREVIOUS_SECRET_KEYS (comma-separated), start again, then run `microcourt keys rotate`. "
    "Otherwise set MICROCOURT_SECRET_KEY back to the key this data was sealed with.\n"
    "MICROCOURT_SECRET_KEY 无法解密数据库中已有的数据（{where}），法院不会以此密钥提供服务。若密钥已更换，"
    "请把新密钥保留在 MICROCOURT_SECRET_KEY，把旧密钥放入 MICROCOURT_PREVIOUS_SECRET_KEYS（以逗号分隔），"
    "重新启动后运行 `microcourt keys rotate`；否则请把 MICROCOURT_SECRET_KEY 改回加密这些数据时所用的密钥。"
)


class WrongDataKey(Exception):
    """The configured keys do not open data already sealed: serving would fail every read."""


async def data_key_problem(store: Store) -> str | None:
    """What to tell the operator when the store's keys do not open its sealed data; None if they do."""
    where = await unopenable_column(store, (getattr(model, column) for model, _key, column in SEALED_COLUMNS))
    return None if where is None else WRONG_DATA_KEY.format(where=where)


async def _migrate(settings: Settings, sealer: Sealer) -> None:
    try:
        await upgrade_async(settings.db_url, sealer)
    except SealError:  # a migration that reads sealed data (0005) found it sealed under another key
        raise WrongDataKey(WRONG_DATA_KEY.format(where="a migration's sealed rows")) from None


async def _checked_store(settings: Settings, sealer: Sealer) -> Store:
    """The store, once its keys are known to open the sealed data already there."""
    store = Store(create_engine(settings.db_url, settings.db_pool_size), sealer)
    try:
        problem = await data_key_problem(store)
    except BaseException:
        await store.close()
        raise
    if problem is not None:
        await store.close()
        raise WrongDataKey(problem)
    return store


async def ephemeral_ports(settings: Settings) -> tuple[PubSub, RateLimiter, ChatState, TokenStore, Any]:
    """Redis when REDIS_URL is set, else in-process (one server process only)."""
    if not settings.redis_url:
        return MemoryPubSub(), MemoryRateLimiter(), MemoryChatState(), MemoryTokenStore(), None
    from storage.redis_ports import (
        RedisChatState,
        RedisPubSub,
        RedisRateLimiter,
        RedisTokenStore,
        connect_redis,
    )

    client = await connect_redis(settings.redis_url)
    prefix = settings.redis_prefix
    return (
        RedisPubSub(client, prefix),
        RedisRateLimiter(client, prefix),
        RedisChatState(client, prefix),
        RedisTokenStore(client, prefix),
        client,
    )


async def build_court(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    payments: PaymentProvider | None = None,
    migrate: bool = True,
) -> Court:
    """Migrate the database and assemble a court from `settings`; WrongDataKey if the data key does
    not open the data already sealed."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    sealer = sealer_for(settings)
    if migrate:
        await _migrate(settings, sealer)
    store = await _checked_store(settings, sealer)
    flow_settings = {
        "small_claims_ceiling": str(Decimal(settings.small_claims_ceiling)),
        "max_upload_mb": settings.max_upload_mb,
        "trial_window": settings.trial_window,
        "evidence_period_small_claims": settings.evidence_period_small_claims,
        "evidence_period_summary": settings.evidence_period_summary,
        "evidence_period_ordinary": settings.evidence_period_ordinary,
        "correction_period": settings.correction_period,
        "withdrawal_view_period": settings.withdrawal_view_period,
        "accepted_extensions": ACCEPTED_EXTENSIONS,
    }
    procedures = court_procedures(flow_settings)
    registry = procedures.registry
    catalog = load_catalog(timezone=settings.timezone)
    library = load_library(registry, catalog)
    calendar = court_calendar.load_calendar(_calendar_files(settings))
    metrics = standard_metrics()
    pubsub, rate_limiter, chat_state, tokens, redis = await ephemeral_ports(settings)
    router = RoutingSender(WebChatSender(pubsub))
    dispatcher = OutboxDispatcher(store, router, clock, metrics)
    service = CourtService(
        store,
        library,
        procedures,
        CourtSettings(
            settings.court_code,
            settings.timezone,
            settings.max_upload_mb,
            flow_settings,
            settings.public_url,
            court_name=settings.court_name,
            court_key_dir=court_key_dir(settings.data_dir),
        ),
        clock,
        BlobStore(settings.data_dir / "blobs", store.sealer),
        payments or DemoPaymentProvider(),
        court_deadline_rule(calendar, settings.timezone),
        after_commit=dispatcher.after_commit,
    )
    sweeper = DeadlineSweeper(service, f"{socket.gethostname()}:{os.getpid()}", metrics)
    identity = build_identity(settings, store, tokens, clock, service)
    service.number_hashes = identity.number_hashes  # a defendant the court knows is served in the chat (OLR 10)

    async def collect(m: Metrics) -> None:
        m.set("microcourt_outbox_backlog", await dispatcher.backlog())

    metrics.on_scrape(collect)
    return Court(
        settings,
        store,
        service,
        catalog,
        library,
        registry,
        metrics,
        pubsub,
        rate_limiter,
        chat_state,
        dispatcher,
        sweeper,
        dispatcher.kick,
        clock,
        router,
        tokens,
        identity,
        redis,
    )


def build_identity(
    settings: Settings, store: Store, tokens: TokenStore, clock: Callable[[], datetime], service: CourtService
) -> IdentityService:
    """The identity service (issue 4) with its face encoder pool; workers start on first use."""
    pool = EncoderPool(workers=settings.face_workers, max_pending=settings.face_queue)
    identity_settings = IdentitySettings(
        court_code=settings.court_code,
        timezone=settings.timezone,
        tolerance=settings.face_tolerance,
        attempts_per_hour=settings.verify_attempts_per_hour,
        selfie_suffices=settings.selfie_suffices,
        keep_selfies=settings.keep_selfies,
        challenge_kinds=tuple(k for k in settings.liveness_challenges if k in ("turn_left", "turn_right", "blink")),  # type: ignore[misc]
    )
    return IdentityService(
        store,
        pool,
        tokens,
        clock,
        identity_settings,
        service.identity_verified,
        id_number_keys(settings),
        settings.data_dir / "identity-photos",
        on_rechecked=service.identity_rechecked,
        on_reviewed=IdentityReviewNotices(service),
    )


def id_number_keys(settings: Settings) -> tuple[bytes, ...]:
    """The ID-number HMAC keys: the current data key's first, then the previous keys' (look-ups
    find a number hashed before a rotation too)."""
    current = secret_key(settings)
    return tuple(id_number_key(k) for k in (current, *(k for k in settings.previous_secret_keys if k != current)))


def _calendar_files(settings: Settings) -> list:  # type: ignore[type-arg]
    files = list(settings.calendar_files)
    own = court_calendar.court_calendar_path(settings.court_code)
    if own is not None:
        files.insert(0, own)
    return files
