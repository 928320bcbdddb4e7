"""The channels' side of linking accounts (the `LinkAccounts` command does the merge itself).

After a merge the merged record's open web tabs are told to sign in again (their session now
names the kept person); then (`after_merge`) drafts that waited for an identity check the kept
record has already passed move on.
"""

from __future__ import annotations

import asyncio
import logging

from court import accounts
from court.commands import LinkAccounts
from court.deliveries import TurnDeliveries
from court.linking import Linked
from court.routing import Notifier
from gateway.court import Court
from gateway.fanout import person_channel
from identity.photos import move_photos

RELINKED = "relinked"
NOTICE = "notice"
_notices: set[asyncio.Task[None]] = set()

log = logging.getLogger("microcourt.linking")


async def merge_accounts(court: Court, cmd: LinkAccounts) -> Linked:
    """Link the redeemer's account to the issuer's person, then tell the merged record's tabs
    to sign in again and the issuer that an account was linked."""
    linked = await court.people.link_accounts(cmd)
    redeemed_on = (cmd.channel, cmd.external_id)
    if linked.merged is not None and linked.person_id is not None:
        await court.pubsub.publish(person_channel(linked.merged), {"type": RELINKED})
        if court.identity.photo_dir is not None:  # kept selfies follow the decisions they belong to
            await move_photos(court.identity.photo_dir, linked.merged, linked.person_id)
        notice = asyncio.create_task(_tell_the_issuer(court, linked.person_id, redeemed_on))
        _notices.add(notice)  # in the background: a slow Bot API must not hold the link's reply
        notice.add_done_callback(_notices.discard)
    return linked


def notice_text(court: Court, channel: str, locale: str) -> str:
    """'An account of `channel` was just linked to yours', in the reader's language."""
    name = court.catalog.render(f"link.channel.{channel}", locale)
    return court.catalog.render("link.notice", locale, {"channel": name})


async def _tell_the_issuer(court: Court, person_id: str, redeemed_on: tuple[str, str]) -> None:
    """The code's issuer hears of the link in their own channels, so a leaked code is noticed:
    their open web tabs, and their Telegram chats other than the one that used the code. A
    courtesy: the link stands whatever happens here."""
    channel_name = redeemed_on[0]
    try:
        await court.pubsub.publish(person_channel(person_id), {"type": NOTICE, "linked": channel_name})
        telegram = court.router.channels.get(accounts.TELEGRAM)
        if not isinstance(telegram, Notifier):
            return
        route = await court.people.route(person_id)
        if route is None:
            return
        text = notice_text(court, channel_name, route.locale)
        for account in route.accounts:
            if account[0] == accounts.TELEGRAM and account != redeemed_on:
                await telegram.notify(account[1], text)
    except Exception:
        log.warning("could not tell the issuer of a link", exc_info=True)


async def after_merge(court: Court, linked: Linked, deliveries: TurnDeliveries | None = None) -> None:
    """Once the redeeming channel listens as the kept person: drafts that waited for an identity
    check the kept person has passed go on (their next prompts reach that channel)."""
    if linked.merged is not None and linked.person_id is not None and linked.cases_moved:
        await court.service.identity_verified(linked.person_id, deliveries)
