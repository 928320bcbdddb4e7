"""Web sessions: a random token in an HttpOnly cookie; only its hash is stored."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from storage.models import Person, WebSession
from storage.store import Tx

COOKIE = "mc_session"
SESSION_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(tx: Tx, person_id: str, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    tx.add(
        WebSession(
            token_hash=_hash(token), person_id=person_id, created_at=now, expires_at=now + timedelta(days=SESSION_DAYS)
        )
    )
    return token


async def person_for(tx: Tx, token: str | None, now: datetime) -> Person | None:
    if not token or ":" in token:  # a session token never has one; a sign-in link's key does
        return None
    session = await tx.session.get(WebSession, _hash(token))
    if session is None or session.expires_at < now:
        return None
    return await tx.person(session.person_id)


async def end_session(tx: Tx, token: str | None) -> None:
    if token:
        session = await tx.session.get(WebSession, _hash(token))
        if session is not None:
            await tx.session.delete(session)


def new_litigant(now: datetime, locale: str) -> Person:
    return Person(id=str(uuid.uuid4()), display_name="", locale=locale, created_at=now)


async def move_session(tx: Tx, token: str, person_id: str) -> None:
    """Point an existing session at another person (after linking accounts)."""
    session = await tx.session.get(WebSession, _hash(token))
    if session is not None:
        session.person_id = person_id


SIGNIN_LINK_HOURS = 24


async def issue_signin_link(tx: Tx, person_id: str, now: datetime) -> str:
    """A one-time sign-in token for staff created outside demo mode (valid 24 hours)."""
    token = secrets.token_urlsafe(32)
    tx.add(
        WebSession(
            token_hash=_hash("link:" + token),
            person_id=person_id,
            created_at=now,
            expires_at=now + timedelta(hours=SIGNIN_LINK_HOURS),
        )
    )
    return token


async def redeem_signin_link(tx: Tx, token: str, now: datetime) -> str | None:
    """Exchange a sign-in link for a new session token; the link works once."""
    link = await tx.session.get(WebSession, _hash("link:" + token))
    if link is None:
        return None
    await tx.session.delete(link)
    if link.expires_at < now:
        return None
    return await start_session(tx, link.person_id, now)
