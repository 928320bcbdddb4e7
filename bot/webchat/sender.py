"""Web chat delivery: publish to the recipient's channel; every server process fans it out."""

from __future__ import annotations

from typing import Any

from gateway.fanout import court_channel, person_channel
from storage.ephemeral import PubSub


class WebChatSender:
    channel = "web"

    def __init__(self, pubsub: PubSub) -> None:
        self.pubsub = pubsub

    async def deliver(self, message: dict[str, Any]) -> None:
        if message["person_id"]:
            await self.pubsub.publish(person_channel(message["person_id"]), message)
        else:
            await self.pubsub.publish(court_channel(message["court_code"]), message)
