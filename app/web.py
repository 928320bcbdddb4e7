"""The aiohttp application factory: lifecycle in cleanup contexts, state in typed app keys."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from aiohttp import web
from sqlalchemy import text

from app.bootstrap import Court, build_court, utc_now
from app.demo import seed
from app.settings import Settings
from app.ticker import start_ticker
from bot.webchat.routes import COURT_KEY, add_routes

log = logging.getLogger("microcourt.web")


async def healthz(request: web.Request) -> web.Response:
    """200 once the database answers."""
    court = request.app[COURT_KEY]
    try:
        async with court.store.tx() as tx:
            await tx.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means not healthy
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)
    return web.json_response({"ok": True})


async def metrics(request: web.Request) -> web.Response:
    body = await request.app[COURT_KEY].metrics.render()
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


def build_app(settings: Settings, clock: Callable[[], datetime] = utc_now, ticker: bool = True) -> web.Application:
    """An app for `settings`. Tests build as many as they like; nothing is global."""
    app = web.Application(client_max_size=1024 * 1024)

    async def court_ctx(app: web.Application) -> AsyncIterator[None]:
        court = await build_court(settings, clock)
        if settings.demo:
            await seed(court.store, settings.court_code, clock())
        app[COURT_KEY] = court
        scheduler = None
        if ticker:
            scheduler = start_ticker(settings.tick_seconds, {
                "deadline-sweeper": court.sweeper.run_once,
                "outbox-dispatcher": court.dispatcher.run_once,
            })
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await court.close()

    app.cleanup_ctx.append(court_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    add_routes(app)
    return app


def court_of(app: web.Application) -> Court:
    return app[COURT_KEY]
