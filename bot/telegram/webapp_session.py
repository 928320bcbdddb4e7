"""The mini-app opened from the bot signs in with Telegram's signed `initData`."""

from __future__ import annotations

from aiohttp import web

from bot.telegram.webapp import InitDataError, validate
from court import accounts
from court.commands import StartAccountSession
from gateway.court import Court
from gateway.requests import parse_json, signed_in_response
from gateway.settings import Settings


async def start_webapp_session(request: web.Request, court: Court, settings: Settings) -> web.Response:
    """Validate initData (HMAC-SHA256, auth_date fresh) and open a web session for that person."""
    assert settings.telegram_token
    try:
        body = parse_json(await request.text())  # depth-limited, like every JSON body
        user = validate(str(body.get("init_data", "")), settings.telegram_token, court.clock())
    except (InitDataError, ValueError, AttributeError):  # JsonRefused and UnicodeDecodeError are ValueErrors
        text = (
            court.catalog.render("errors.init_data_bad", "zh")
            + " / "
            + court.catalog.render("errors.init_data_bad", "en")
        )
        return web.json_response({"error": "init_data_bad", "text": text}, status=401)
    locale = "en" if (user.language_code or "").startswith("en") else "zh"
    account = StartAccountSession(accounts.TELEGRAM, str(user.id), locale, user.first_name)
    return signed_in_response(request, court, *await court.sessions.start_for_account(account))
