"""A message split for Telegram's 4096-character cap resumes where it failed: no part twice."""

from __future__ import annotations

import pytest
from telegram import Bot

from app.simulation import Simulation
from bot.telegram.render import render
from bot.telegram.sender import TelegramSender
from bot.telegram.transport import AiohttpRequest
from court import accounts
from gateway.court import Court
from gateway.frames import render_message
from tests.support.clock import FakeClock
from tests.support.court import demo_person
from tests.support.telegram_standin import BotApiStandIn

CHAT = 4242


pytestmark = pytest.mark.usefixtures("ptb_timedelta")


@pytest.mark.parametrize(
    ("code", "description", "wait"),
    [(429, "Too Many Requests: retry after 3", 4), (400, "Bad Request: message can't be sent", 0)],
    ids=["flood wait", "other error"],
)
async def test_a_long_notice_refused_halfway_sends_only_its_missing_parts_later(
    court: Court, clock: FakeClock, code: int, description: str, wait: int
) -> None:
    plaintiff = await demo_person(court, "litigant_a")
    case_id = await Simulation(court).file_case(plaintiff)
    await court.dispatcher.settle()
    async with BotApiStandIn() as api, Bot(api.token, base_url=api.base_url, request=AiohttpRequest()) as bot:
        court.router.channels["telegram"] = TelegramSender(bot, court.catalog, clock)
        async with court.store.tx() as tx:
            await accounts.use_channel(tx, plaintiff.id, "telegram", str(CHAT), clock())
        reasons = "\n\n".join(f"第{i}条理由。" + "理由" * 900 for i in range(6))
        payload = {"text": "filing.closed_refused", "params": {"reference": "MC-1", "reasons": reasons}}
        async with court.store.tx() as tx:
            tx.outbox(case_id, "plaintiff", plaintiff.id, payload, clock())
        api.fail_next("sendMessage", code, description, retry_after=3 if code == 429 else None, after=1)

        assert await court.dispatcher.run_once() == 0  # the first part went, the second was refused
        clock.jump(seconds=wait)
        assert await court.dispatcher.run_once() == 1

    message = {"id": 0, "case_id": case_id, "at": clock().isoformat(), **payload}
    parts = render(render_message(message, "zh", court.catalog), payload["text"], clock(), "zh")
    delivered = [call.params["text"] for call in api.sent_to(CHAT)]
    assert len(parts) >= 3 and delivered == [part.text for part in parts]  # each part once, in order
    assert len(api.sent_to(CHAT, include_failed=True)) == len(parts) + 1  # and one refused attempt
