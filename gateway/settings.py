"""Every setting comes from the environment; `Settings.from_env` documents each one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.durations import parse_duration

DEFAULT_DATA_DIR = Path(".data")


def _duration(value: str, name: str) -> str:
    """An ISO-8601 duration setting, refused at start when it cannot be read (e.g. `7 days`)."""
    try:
        parse_duration(value)
    except ValueError as error:
        raise SystemExit(f"{name}: {error}") from None
    return value


EVIDENCE_PERIOD_LIMITS = {  # EP 51, CPL 68: (the setting, its default, at most or at least, days)
    "evidence_period_small_claims": ("MICROCOURT_EVIDENCE_PERIOD_SMALL_CLAIMS", "P7D", "max", 7),
    "evidence_period_summary": ("MICROCOURT_EVIDENCE_PERIOD_SUMMARY", "P15D", "max", 15),
    "evidence_period_ordinary": ("MICROCOURT_EVIDENCE_PERIOD_ORDINARY", "P15D", "min", 15),
}


def _evidence_period(env: Mapping[str, str], field_name: str) -> str:
    """An evidence period setting in whole days, within its track's limit (EP 51): small claims at
    most 7 days, summary at most 15, ordinary at least 15; refused at start otherwise."""
    name, default, bound, days = EVIDENCE_PERIOD_LIMITS[field_name]
    value = _duration(env.get(name, default), name)
    period = parse_duration(value)
    within = period.days <= days if bound == "max" else period.days >= days
    if not period.is_day_period or period.months or not within:
        limit = "at most" if bound == "max" else "at least"
        raise SystemExit(f"{name}: {value!r} must be a period of whole days, {limit} {days} (EP 51)")
    return value


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    redis_url: str | None = None
    redis_prefix: str = "mc:"
    secret_key: str | None = None
    previous_secret_keys: tuple[str, ...] = ()  # open only: what they sealed before a rotation
    demo: bool = False
    court_code: str = "浙0192"
    court_name: str = "Micro Court (demo) 微法庭"
    timezone: str = "Asia/Shanghai"
    small_claims_ceiling: str = "50000"
    max_upload_mb: int = 20
    trial_window: str = "P7D"  # each asynchronous round or stage of the trial (DOMAIN §10.3), ISO-8601
    evidence_period_small_claims: str = "P7D"  # EP 51: at most 7 days
    evidence_period_summary: str = "P15D"  # EP 51: at most 15 days
    evidence_period_ordinary: str = "P15D"  # EP 51: at least 15 days
    correction_period: str = "P7D"  # the period the court sets to correct a filing (OLR 9, ICP 7), ISO-8601
    withdrawal_view_period: str = "P3D"  # the defendant's view on a withdrawal (Interp. 238), ISO-8601
    calendar_files: tuple[Path, ...] = ()
    tick_seconds: float = 2.0
    log_level: str = "INFO"
    public_url: str | None = None
    behind_proxy: bool = False  # trust X-Forwarded-For/-Host/-Proto from the reverse proxy in front
    metrics_token: str | None = None  # when set, /metrics asks for `Authorization: Bearer <token>`
    telegram_token: str | None = None
    telegram_webhook_url: str | None = None
    telegram_api_base_url: str | None = None
    telegram_proxy_url: str | None = None
    db_pool_size: int = 20
    # -- identity (issue 4): see identity/settings.py and README "Identity" --
    face_tolerance: float = 0.6
    verify_attempts_per_hour: int = 5
    selfie_suffices: bool = False
    keep_selfies: bool = False
    liveness_challenges: tuple[str, ...] = ("turn_left", "turn_right", "blink")
    face_workers: int = 1
    face_queue: int = 4
    # -- end identity --
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'microcourt.db'}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("MICROCOURT_DATA_DIR", str(DEFAULT_DATA_DIR)))
        calendars = tuple(Path(p) for p in env.get("MICROCOURT_CALENDAR_FILES", "").split(os.pathsep) if p)
        return cls(
            host=env.get("MICROCOURT_HOST", "127.0.0.1"),
            port=int(env.get("MICROCOURT_PORT", "8080")),
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL") or None,
            redis_prefix=env.get("MICROCOURT_REDIS_PREFIX", "mc:"),
            secret_key=env.get("MICROCOURT_SECRET_KEY") or None,
            previous_secret_keys=tuple(
                k.strip() for k in env.get("MICROCOURT_PREVIOUS_SECRET_KEYS", "").split(",") if k.strip()
            ),
            demo=_flag(env.get("MICROCOURT_DEMO")),
            court_code=env.get("MICROCOURT_COURT_CODE", "浙0192"),
            court_name=env.get("MICROCOURT_COURT_NAME", "Micro Court (demo) 微法庭"),
            timezone=env.get("MICROCOURT_TIMEZONE", "Asia/Shanghai"),
            small_claims_ceiling=env.get("MICROCOURT_SMALL_CLAIMS_CEILING", "50000"),
            max_upload_mb=int(env.get("MICROCOURT_MAX_UPLOAD_MB", "20")),
            trial_window=_duration(env.get("MICROCOURT_TRIAL_WINDOW", "P7D"), "MICROCOURT_TRIAL_WINDOW"),
            evidence_period_small_claims=_evidence_period(env, "evidence_period_small_claims"),
            evidence_period_summary=_evidence_period(env, "evidence_period_summary"),
            evidence_period_ordinary=_evidence_period(env, "evidence_period_ordinary"),
            correction_period=_duration(env.get("MICROCOURT_CORRECTION_PERIOD", "P7D"), "MICROCOURT_CORRECTION_PERIOD"),
            withdrawal_view_period=_duration(
                env.get("MICROCOURT_WITHDRAWAL_VIEW_PERIOD", "P3D"), "MICROCOURT_WITHDRAWAL_VIEW_PERIOD"
            ),
            calendar_files=calendars,
            tick_seconds=float(env.get("MICROCOURT_TICK_SECONDS", "2")),
            log_level=env.get("MICROCOURT_LOG_LEVEL", "INFO"),
            public_url=env.get("MICROCOURT_PUBLIC_URL") or None,
            behind_proxy=_flag(env.get("MICROCOURT_BEHIND_PROXY")),
            metrics_token=env.get("MICROCOURT_METRICS_TOKEN") or None,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            telegram_proxy_url=env.get("TELEGRAM_PROXY_URL") or None,
            db_pool_size=int(env.get("MICROCOURT_DB_POOL_SIZE", "20")),
            # -- identity (issue 4) --
            face_tolerance=float(env.get("MICROCOURT_FACE_TOLERANCE", "0.6")),
            verify_attempts_per_hour=int(env.get("MICROCOURT_VERIFY_ATTEMPTS_PER_HOUR", "5")),
            selfie_suffices=_flag(env.get("MICROCOURT_SELFIE_SUFFICES")),
            keep_selfies=_flag(env.get("MICROCOURT_KEEP_SELFIES")),
            liveness_challenges=tuple(
                c.strip()
                for c in env.get("MICROCOURT_LIVENESS_CHALLENGES", "turn_left,turn_right,blink").split(",")
                if c.strip()
            ),
            face_workers=int(env.get("MICROCOURT_FACE_WORKERS", "1")),
            face_queue=int(env.get("MICROCOURT_FACE_QUEUE", "4")),
            # -- end identity --
        )
