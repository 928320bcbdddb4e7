"""Saying hello and choosing a language: the web chat becomes the person's channel."""

from __future__ import annotations

from bot.webchat.connection import Connection, Frame, Handler
from bot.webchat.handlers.cases import on_list_cases
from court.commands import SetLocale
from gateway.requests import LOCALES


async def on_hello(conn: Connection, frame: Frame) -> None:
    await conn.used_web()
    if frame.get("locale") in LOCALES:
        await _set_locale(conn, frame["locale"])
    await conn.welcome()
    await on_list_cases(conn, frame)


async def on_set_locale(conn: Connection, frame: Frame) -> None:
    if frame.get("locale") in LOCALES:
        await _set_locale(conn, frame["locale"])
    await conn.welcome()


async def _set_locale(conn: Connection, locale: str) -> None:
    conn.locale = locale
    await conn.court.people.set_locale(SetLocale(conn.person.id, locale))


HANDLERS: dict[str, Handler] = {"hello": on_hello, "set_locale": on_set_locale}
