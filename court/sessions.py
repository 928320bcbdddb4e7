"""Web sessions: a random token in an HttpOnly cookie; only its hash is stored.

`SessionService` is the one way channels start, end and look up sessions, each one transaction;
the functions below it work inside a transaction it (or the CLI) opened.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from court import accounts
from court.commands import EndSession, RedeemSigninLink, StartAccountSession, StartDemoSession, StartNewcomerSession
from storage.models import Person, WebSession
from storage.store import Store, Tx

SESSION_DAYS = 30
SignedIn = tuple[Person, str]  # the person and their new session token


class SessionService:
    """Web sessions, each command one transaction."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    async def person_for(self, token: str | None) -> Person | None:
        """The person a session token signs in, if it stands."""
        async with self.store.tx() as tx:
            return await person_for(tx, token, self.clock())

    async def start_for_demo(self, cmd: StartDemoSession) -> SignedIn | None:
        """Sign in as a seeded demo person (None: no such person)."""
        async with self.store.tx() as tx:
            person = await tx.person_by_demo_key(cmd.demo_key)
            if person is None:
                return None
            return person, await start_session(tx, person.id, self.clock())

    async def start_for_newcomer(self, cmd: StartNewcomerSession) -> SignedIn:
        """A new litigant with a session; identity is given and checked inside the filing flow."""
        async with self.store.tx() as tx:
            person = new_litigant(self.clock(), cmd.locale)
            tx.add(person)
            await tx.flush()
            return person, await start_session(tx, person.id, self.clock())

    async def start_for_account(self, cmd: StartAccountSession) -> SignedIn:
        """A session for the person behind a channel account (created on first contact)."""
        now = self.clock()
        async with self.store.tx() as tx:
            person = await accounts.person_for_account(
                tx, cmd.channel, cmd.external_id, now, cmd.locale, cmd.display_name
            )
            return person, await start_session(tx, person.id, now)

    async def redeem_signin_link(self, cmd: RedeemSigninLink) -> str | None:
        """A staff sign-in link exchanged for a session token, once."""
        async with self.store.tx() as tx:
            return await redeem_signin_link(tx, cmd.token, self.clock())

    async def end(self, cmd: EndSession) -> None:
        async with self.store.tx() as tx:
            await end_session(tx, cmd.token)


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
