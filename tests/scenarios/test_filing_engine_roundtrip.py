"""The filing flow on the pure engine, straight and with the state saved and restored each step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from app.bootstrap import court_procedures
from flows.context import FlowContext
from flows.effects import Message, ServiceCall
from flows.engine import advance
from flows.events import Answer, Event, Signal, Start
from flows.library import load_library
from flows.state import CaseState
from flows.texts import load_catalog

REGISTRY = court_procedures({}).registry
FLOW = load_library(REGISTRY, load_catalog()).latest("filing")
EVIDENCE = {"evidence_id": "e1", "name": "receipt.pdf", "size": 5, "sha256": "ab" * 32}
SCRIPT: list[tuple[str, Any]] = [
    ("plaintiff", "yes"),
    ("plaintiff", "李四"),
    ("plaintiff", "11010519491231002X"),
    ("plaintiff", "13800138000"),
    ("plaintiff", "浙江省杭州市西湖区文三路1号"),
    ("plaintiff", "online_loan"),
    ("plaintiff", "person"),
    ("plaintiff", "王五"),
    ("plaintiff", "11010519491231002X"),
    ("plaintiff", "13900139000"),
    ("plaintiff", "北京市西城区某街2号"),
    ("plaintiff", "13900139000"),
    ("plaintiff", "归还借款本金"),
    ("plaintiff", "money"),
    ("plaintiff", "150000"),
    ("plaintiff", "yes"),
    ("plaintiff", "支付利息"),
    ("plaintiff", "money"),
    ("plaintiff", "2000"),
    ("plaintiff", "no"),
    ("plaintiff", "no"),  # no agreement to small claims (CPL 165(2)), asked as 152,000 is within 4x the ceiling
    ("plaintiff", "借款到期未还。"),
    ("plaintiff", EVIDENCE),
    ("plaintiff", "done"),
    ("plaintiff", "edit:facts"),
    ("plaintiff", "借款到期后多次催讨未还。"),
    ("plaintiff", "submit"),
    ("court", "accept"),
    ("court", "ordinary"),  # the judge decides the proposed track (filing v4)
    ("plaintiff", "pay"),
]


def _drive(round_trip: bool) -> tuple[CaseState, list[str]]:
    now = datetime(2026, 11, 30, 2, tzinfo=UTC)
    state = CaseState("filing", 1)
    texts: list[str] = []

    def apply(event: Event) -> None:
        nonlocal state, now
        now += timedelta(minutes=5)
        decision = advance(FLOW, state, event, FlowContext(now), REGISTRY)
        assert decision.ok, decision.error
        state = decision.state
        texts.extend(e.text for e in decision.effects if isinstance(e, Message))
        for effect in decision.effects:
            if isinstance(effect, ServiceCall) and effect.name == "allocate_case_number":
                apply(Signal("case_number_allocated", {"case_number": "(2026)浙0192民初7号"}))
            if isinstance(effect, ServiceCall) and effect.name == "invite_defendant":
                apply(Signal("defendant_invited", {"invitation": {"hash": "h"}}))
            if isinstance(effect, ServiceCall) and effect.name == "check_identity":
                apply(Signal("identity_verified"))  # the plaintiff verifies (OLR 7)
        if round_trip:
            state = CaseState.from_json(json.loads(json.dumps(state.to_json())))

    apply(Start())
    for role, value in SCRIPT:
        cursor = state.cursors[role]
        apply(Answer(role, cursor.step, cursor.seq, value))
    apply(Signal("payment_confirmed"))
    return state, texts


def test_filing_flow_straight_through() -> None:
    """Two claims totalling 152,000 → ordinary track, FM 13 fee 3,340, ends serving the defendant."""
    state, texts = _drive(round_trip=False)
    assert state.stage == "awaiting_defendant"
    assert state.data["track"] == "ordinary"
    assert state.data["fee"]["due"] == "3340.00"
    assert state.data["facts"] == "借款到期后多次催讨未还。"
    assert state.data["evidence"] == [EVIDENCE]
    assert "filing.acceptance_notice" in texts


def test_filing_flow_survives_save_and_restore_between_every_step() -> None:
    """Saving the state as JSON and loading it back between steps changes nothing."""
    assert _drive(round_trip=True) == _drive(round_trip=False)
