"""The aiohttp application factory: lifecycle in cleanup contexts, state in typed app keys."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from aiohttp import web

from app.bootstrap import build_court, data_key_problem, utc_now
from app.openapi import openapi
from app.ticker import start_ticker
from bot.webchat.identity_http import add_identity_routes
from bot.webchat.origin import same_site_only
from bot.webchat.routes import add_routes
from bot.workspace.routes import add_routes as add_workspace_routes
from gateway.court import Court
from gateway.demo import seed
from gateway.requests import COURT_KEY, error_response, request_locale
from gateway.settings import Settings

if TYPE_CHECKING:
    from bot.telegram.runner import Backoff

log = logging.getLogger("microcourt.web")

SETTINGS_KEY = web.AppKey("settings", Settings)


@runtime_checkable
class TelegramChannelLike(Protocol):
    async def webhook(self, request: web.Request) -> web.Response: ...


TELEGRAM_KEY = web.AppKey("telegram", object)


async def healthz(request: web.Request) -> web.Response:
    """200 once the database answers and the data key opens what is sealed in it."""
    court = request.app[COURT_KEY]
    try:
        problem = await data_key_problem(court.store)
    except Exception:
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)
    if problem is not None:
        return web.json_response({"ok": False, "data_key": "does_not_open_sealed_data", "text": problem}, status=503)
    return web.json_response({"ok": True})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text (counts only); behind a bearer token when MICROCOURT_METRICS_TOKEN is set."""
    token = (request.app[SETTINGS_KEY].metrics_token or "").strip()
    given = request.headers.get("Authorization", "").strip()
    if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        text = "metrics: send Authorization: Bearer <MICROCOURT_METRICS_TOKEN>\n"
        return web.Response(status=401, text=text, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body = await request.app[COURT_KEY].metrics.render()
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


def build_app(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    ticker: bool = True,
    telegram_backoff: Backoff | None = None,
) -> web.Application:
    """An app for `settings`. Tests build as many as they like; nothing is global. The Telegram bot
    starts in the background once the Bot API answers, retrying with `telegram_backoff`."""

    def cross_site(request: web.Request) -> web.Response:
        return error_response(request.app[COURT_KEY], 403, "cross_site", request_locale(request))

    same_site = same_site_only(settings.public_url, settings.behind_proxy, cross_site)
    app = web.Application(client_max_size=1024 * 1024, middlewares=[same_site])
    app[SETTINGS_KEY] = settings

    async def court_ctx(app: web.Application) -> AsyncIterator[None]:
        court = await build_court(settings, clock)
        if settings.demo:
            await seed(court.store, settings.court_code, clock())
        app[COURT_KEY] = court
        telegram = None
        if settings.telegram_token:
            from bot.telegram.runner import Backoff, TelegramChannel

            telegram = TelegramChannel(court, settings, telegram_backoff or Backoff())
            app[TELEGRAM_KEY] = telegram
            await telegram.launch()
        scheduler = None
        if ticker:
            scheduler = start_ticker(
                settings.tick_seconds,
                {
                    "deadline-sweeper": court.sweeper.run_once,
                    "outbox-dispatcher": court.kick,  # one dispatcher round at a time per process
                },
            )
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if telegram is not None:
            await telegram.stop()
        await court.close()

    app.cleanup_ctx.append(court_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/openapi.json", openapi)  # the HTTP API, described (app/openapi.py)
    add_routes(app)
    add_identity_routes(app)  # issue 4: /api/identity/*
    add_workspace_routes(app)  # the judge's workspace (/judge) and the case record (issue 13)
    if settings.telegram_webhook_url:
        from bot.telegram.runner import webhook_path

        app.router.add_post(webhook_path(settings) or "/telegram", _telegram_webhook)
    app.router.add_post("/api/telegram/session", _telegram_session)
    return app


async def _telegram_webhook(request: web.Request) -> web.Response:
    channel = request.app.get(TELEGRAM_KEY)
    if channel is None:
        return web.Response(status=503, text="starting")
    assert isinstance(channel, TelegramChannelLike)
    return await channel.webhook(request)


async def _telegram_session(request: web.Request) -> web.Response:
    from bot.telegram.webapp_session import start_webapp_session

    if not request.app[SETTINGS_KEY].telegram_token:  # this court runs no bot: say so, in both languages
        court = request.app[COURT_KEY]
        text = " / ".join(court.catalog.render("errors.telegram_not_configured", loc) for loc in ("zh", "en"))
        return web.json_response({"error": "telegram_not_configured", "text": text}, status=404)
    return await start_webapp_session(request, request.app[COURT_KEY], request.app[SETTINGS_KEY])


def court_of(app: web.Application) -> Court:
    return app[COURT_KEY]
