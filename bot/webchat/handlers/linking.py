"""Linking this browser with a Telegram account (issue 3): a deep link for the bot, or a code
from the bot's /link, confirmed before anything moves."""

from __future__ import annotations

import secrets

from bot.webchat.connection import Connection, Frame, Handler
from bot.webchat.handlers.cases import on_list_cases
from court import accounts
from court.commands import LinkAccounts
from court.linking import Linked
from gateway.account_link import after_merge, merge_accounts
from gateway.requests import LOCALES


async def on_link_telegram(conn: Connection, frame: Frame) -> None:
    """A one-time deep link that binds a Telegram account to this person."""
    username = conn.court.telegram_username
    if not username:
        await conn.error("bad_request", client_id=frame.get("client_id"))
        return
    code = await conn.court.tokens.issue("link_tg", conn.person.id, 600, conn.court.clock().timestamp())
    await conn.send({"type": "link", "deep_link": f"https://t.me/{username}?start=link_{code}", "code": code})


async def on_link_code(conn: Connection, frame: Frame) -> None:
    """A code shown by the bot's /link. One code must not hand this browser's record to
    whoever sent it, so the court asks first (`link_confirm`), naming the Telegram account
    and how many cases would move; `link_answer` carries the reply."""
    code, now = str(frame.get("code", "")).strip(), conn.court.clock().timestamp()
    issuer = await conn.court.tokens.redeem("link_web", code, now)
    if issuer is None:
        await conn.error("link_bad", client_id=frame.get("client_id"))
        return
    other = await conn.court.people.person(issuer)
    cases = await conn.court.people.case_count(conn.person.id)
    nonce = secrets.token_urlsafe(9)  # ties the answer to this question, not an earlier one
    conn.link_pending = (issuer, nonce)
    params = {"name": (other.display_name if other else "") or "Telegram", "cases": cases}
    text = conn.text("link.web_confirm_cases" if cases else "link.web_confirm", params)
    await conn.send({"type": "link_confirm", "nonce": nonce, "text": text, "cases": cases})


async def on_link_answer(conn: Connection, frame: Frame) -> None:
    """The reply to `link_confirm`: `accept` true links this browser's record into the
    Telegram account's person; anything else, or another question's nonce, changes nothing."""
    pending, conn.link_pending = conn.link_pending, None
    if pending is None or frame.get("nonce") != pending[1]:
        await conn.error("link_bad", client_id=frame.get("client_id"))
        return
    if frame.get("accept") is not True:
        await conn.send({"type": "link_cancelled", "text": conn.text("link.cancelled")})
        return
    command = LinkAccounts(pending[0], conn.person.id, accounts.WEB, conn.person.id, conn.session_token)
    linked = await _follow_link(conn, command)
    if linked.person_id is None:
        await conn.error(linked.error or "link_bad", client_id=frame.get("client_id"))
        return
    await conn.send({"type": "linked"})  # the welcome that follows names the kept person
    await conn.welcome()
    await on_list_cases(conn, frame)
    await after_merge(conn.court, linked)


async def _follow_link(conn: Connection, command: LinkAccounts) -> Linked:
    """Link, and let this tab speak for the person kept: it is not told to sign in again."""
    conn.stop_listening()
    try:
        linked = await merge_accounts(conn.court, command)
        person = await conn.court.people.person(linked.person_id) if linked.person_id else None
        if person is not None:
            conn.become(person)
            conn.locale = person.locale if person.locale in LOCALES else conn.locale
    finally:
        conn.listen()
    return linked if person is not None else Linked(error=linked.error)


HANDLERS: dict[str, Handler] = {
    "link_telegram": on_link_telegram,
    "link_code": on_link_code,
    "link_answer": on_link_answer,
}
