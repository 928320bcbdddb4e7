"""The workspace's routes, in one table."""

from __future__ import annotations

from aiohttp import web

from bot.workspace import http, judgment_http

__all__ = ["add_routes"]


def add_routes(app: web.Application) -> None:
    app.router.add_get("/judge", http.page)
    app.router.add_static("/workspace/static", http.STATIC)
    app.router.add_get("/api/cases/{case_id}/record", http.case_record)
    app.router.add_get("/api/workspace/cases", http.my_cases)
    app.router.add_get("/api/workspace/cases/{case_id}", http.case_view)
    app.router.add_post("/api/workspace/cases/{case_id}/ruling", http.ruling)
    app.router.add_post("/api/workspace/cases/{case_id}/more-time/{application}", http.more_time)
    app.router.add_post("/api/workspace/cases/{case_id}/live-hearing", http.live_hearing)
    app.router.add_post("/api/workspace/cases/{case_id}/withdrawal/refuse", http.refuse_withdrawal)
    judgment_http.add_routes(app)
    app.router.add_get("/api/workspace/cases/{case_id}/publication", http.publication)
    app.router.add_post("/api/workspace/cases/{case_id}/unpublish", http.unpublish)
