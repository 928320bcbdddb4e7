"""Which channel carries a person's message: the web inbox always, plus the channel used last.

A channel that refuses for good (a blocked bot) is reported and the next linked channel is tried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from court.accounts import WEB, Route

INBOX = "inbox"


class RetryLater(Exception):
    """The channel asked us to wait (Telegram 429 `retry_after`); the row stays pending.

    `parts_sent`: how many parts of a message split for `channel` it already has (not re-sent).
    """

    def __init__(self, seconds: float, channel: str | None = None, parts_sent: int = 0) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds, self.channel, self.parts_sent = seconds, channel, parts_sent


class Interrupted(Exception):
    """A message split in parts failed after `parts_sent` of them reached `channel`; the row stays
    pending and the retry starts at the part that failed."""

    def __init__(self, error: Exception, channel: str, parts_sent: int) -> None:
        super().__init__(f"{type(error).__name__} after {parts_sent} parts")
        self.error, self.channel, self.parts_sent = error, channel, parts_sent


class Unreachable(Exception):
    """The channel will not deliver to this account again (e.g. the user blocked the bot)."""


class ChannelSender(Protocol):
    channel: str

    async def send(self, message: dict[str, Any], external_id: str, locale: str) -> None:
        """Send one rendered-later court message to an account; raise RetryLater or Unreachable."""


@runtime_checkable
class Notifier(Protocol):
    """A channel that can send a short notice that is not a court message (nothing recorded)."""

    async def notify(self, external_id: str, text: str) -> None: ...


class InboxSender(Protocol):
    async def deliver(self, message: dict[str, Any]) -> None:
        """Put the message in the web inbox (pub/sub to open tabs)."""


@dataclass
class Delivery:
    channel: str
    # the account it reached: the external id, "inbox" for the web chat of a person who uses it,
    # None for the web inbox of one who never has (a fallback: no address they confirmed)
    address: str | None = None
    unreachable: list[tuple[str, str, str]] = field(default_factory=list)


class RoutingSender:
    channel = "routed"

    def __init__(self, inbox: InboxSender, channels: dict[str, ChannelSender] | None = None) -> None:
        self.inbox = inbox
        self.channels = channels or {}

    async def deliver(self, message: dict[str, Any], route: Route | None) -> Delivery:
        await self.inbox.deliver(message)
        uses_web = route is not None and any(channel == WEB for channel, _id in route.accounts)
        delivery = Delivery(WEB, INBOX if uses_web else None)
        if route is None:
            return delivery
        for channel, external_id in route.accounts:
            sender = self.channels.get(channel)
            if channel == WEB or sender is None:
                break
            try:
                await sender.send(message, external_id, route.locale)
            except Unreachable as error:
                delivery.unreachable.append((channel, external_id, str(error)))
                continue
            delivery.channel, delivery.address = channel, external_id
            break
        return delivery
