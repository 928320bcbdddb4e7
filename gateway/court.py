"""What channels and HTTP routes are given: the court's services, built once per app by the
composition root (`app.bootstrap`), which nothing else imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asynchronous_trial.workspace import Workspace
from court.dispatcher import OutboxDispatcher
from court.kick import Kick
from court.metrics import Metrics
from court.people import PeopleService
from court.publication.public import PublicRecords
from court.read_models import ReadModels
from court.routing import RoutingSender
from court.service import CourtService
from court.sessions import SessionService
from court.sweeper import DeadlineSweeper
from flows.library import FlowLibrary
from flows.registry import Registry
from flows.texts import Catalog
from gateway.settings import Settings
from identity.service import IdentityService
from judgment.desk import JudgmentDesk
from storage.ephemeral import ChatState, PubSub, RateLimiter, TokenStore
from storage.store import Store


@dataclass
class Court:
    """Everything a running court needs, built once per app (no module globals)."""

    settings: Settings
    store: Store
    service: CourtService
    catalog: Catalog
    library: FlowLibrary
    registry: Registry
    metrics: Metrics
    pubsub: PubSub
    rate_limiter: RateLimiter
    chat_state: ChatState
    dispatcher: OutboxDispatcher
    sweeper: DeadlineSweeper
    kick: Kick
    clock: Callable[[], datetime]
    router: RoutingSender
    tokens: TokenStore
    identity: IdentityService  # issue 4: consent, reference, face checks, the clerk's queue
    redis: Any = None
    telegram_username: str | None = None  # set once the bot has introduced itself
    # what channels may ask beside the case commands of `service`: built from the above
    people: PeopleService = field(init=False)
    sessions: SessionService = field(init=False)
    reads: ReadModels = field(init=False)
    workspace: Workspace = field(init=False)  # the judge's workspace and the case record
    judgments: JudgmentDesk = field(init=False)  # the judge drafts, previews and issues the judgment
    public: PublicRecords = field(init=False)  # case status by number, published judgments (DOMAIN §12.4)

    def __post_init__(self) -> None:
        self.people = PeopleService(self.store, self.clock)
        self.sessions = SessionService(self.store, self.clock)
        self.reads = ReadModels(self.store, self.catalog, self.library, self.clock)
        self.workspace = Workspace(self.store, self.library, self.catalog, self.clock)
        self.judgments = JudgmentDesk(self.service, self.registry.guards)
        self.public = PublicRecords(self.store, self.catalog)

    async def close(self) -> None:
        await self.dispatcher.settle()
        await self.identity.close()  # stops the face encoder's worker processes
        await self.pubsub.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.store.close()
