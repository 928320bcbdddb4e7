"""The channels' side of linking accounts (court.linking does the merge itself).

After a merge the merged record's open web tabs are told to sign in again (their session now
names the kept person); then (`after_merge`) drafts that waited for an identity check the kept
record has already passed move on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from app.bootstrap import Court
from bot.telegram.sender import TelegramSender
from bot.webchat.sender import person_channel
from court import accounts
from court.linking import Linked, link_people
from identity.photos import move_photos
from storage.store import Tx

RELINKED = "relinked"
NOTICE = "notice"

log = logging.getLogger("microcourt.linking")


async def merge_accounts(
    court: Court, issuer: str, redeemer: str, redeemed_on: str, bind: Callable[[Tx, str], Awaitable[None]]
) -> Linked:
    """Link the redeemer's account (on channel `redeemed_on`) to the issuer's person; `bind`
    attaches that account or session to the person kept, in the same transaction."""
    async with court.store.tx() as tx:
        linked = await link_people(tx, issuer, redeemer, court.clock())
        if linked.person_id is not None:
            await bind(tx, linked.person_id)
    if linked.merged is not None and linked.person_id is not None:
        await court.pubsub.publish(person_channel(linked.merged), {"type": RELINKED})
        if court.identity.photo_dir is not None:  # kept selfies follow the decisions they belong to
            await move_photos(court.identity.photo_dir, linked.merged, linked.person_id)
        await _tell_the_issuer(court, linked.person_id, redeemed_on)
    return linked


def notice_text(court: Court, channel: str, locale: str) -> str:
    """'An account of `channel` was just linked to yours', in the reader's language."""
    name = court.catalog.render(f"link.channel.{channel}", locale)
    return court.catalog.render("link.notice", locale, {"channel": name})


async def _tell_the_issuer(court: Court, person_id: str, redeemed_on: str) -> None:
    """The code's issuer hears of the link in their own channels, so a leaked code is noticed:
    their open web tabs at once, their Telegram chat when the code was used on the web."""
    await court.pubsub.publish(person_channel(person_id), {"type": NOTICE, "linked": redeemed_on})
    telegram = court.router.channels.get(accounts.TELEGRAM)
    if redeemed_on == accounts.TELEGRAM or not isinstance(telegram, TelegramSender):
        return
    async with court.store.tx() as tx:
        route = (await accounts.routes(tx, [person_id])).get(person_id)
    if route is None:
        return
    text = notice_text(court, redeemed_on, route.locale)
    for channel, external_id in route.accounts:
        if channel == accounts.TELEGRAM:
            try:
                await telegram.notify(external_id, text)
            except Exception:  # the link stands; the notice is a courtesy
                log.warning("could not tell the issuer of a link", extra={"channel": channel})


async def after_merge(court: Court, linked: Linked) -> None:
    """Once the redeeming channel listens as the kept person: drafts that waited for an identity
    check the kept person has passed go on (their next prompts reach that channel)."""
    if linked.merged is not None and linked.person_id is not None and linked.cases_moved:
        await court.service.identity_verified(linked.person_id)
