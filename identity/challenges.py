"""Liveness challenges (the mini-app, Telegram video notes): drawn at random, single-use, bound to the person.

A challenge lives in the token store under its nonce; redeeming it spends it.
"""

from __future__ import annotations

import json
from datetime import datetime

from identity.liveness import Challenge, draw_actions
from identity.results import IdentityRefused, IssuedChallenge
from identity.settings import IdentitySettings
from storage.ephemeral import TokenStore

__all__ = ["new_challenge", "redeem_challenge"]

CHALLENGE_PURPOSE = "identity_challenge"
CHALLENGE_GRACE_SECONDS = 10  # the token outlives the challenge, so a late answer hears "expired"


async def new_challenge(
    tokens: TokenStore, person_id: str, settings: IdentitySettings, now: datetime
) -> IssuedChallenge:
    """A random sequence of actions, valid ``challenge_ttl``, single-use, bound to the person."""
    actions = draw_actions(settings.challenge_kinds, settings.challenge_length)
    expires_at = now + settings.challenge_ttl
    value = json.dumps(
        {
            "person": person_id,
            "actions": list(actions),
            "issued_at": now.isoformat(),
            "expires_at": expires_at.isoformat(),
        }
    )
    ttl = int(settings.challenge_ttl.total_seconds()) + CHALLENGE_GRACE_SECONDS
    nonce = await tokens.issue(CHALLENGE_PURPOSE, value, ttl, now.timestamp())
    return IssuedChallenge(nonce, actions, now, expires_at)


async def redeem_challenge(tokens: TokenStore, person_id: str, nonce: str, now: datetime) -> Challenge:
    """The person's own unspent challenge for this nonce, else ``challenge_expired``."""
    raw = await tokens.redeem(CHALLENGE_PURPOSE, nonce, now.timestamp())
    value = json.loads(raw) if raw else {}
    if value.get("person") != person_id:
        raise IdentityRefused("challenge_expired")
    return Challenge(
        tuple(value["actions"]),
        nonce,
        datetime.fromisoformat(value["issued_at"]),
        datetime.fromisoformat(value["expires_at"]),
    )
