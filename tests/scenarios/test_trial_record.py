"""The compiled record (OLR 34, CPL 150) through the service layer, the clock jumped: a window that
lapses records "no answer" for the silent party, which admits nothing (DOMAIN §10.4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from asynchronous_trial.record import COURT, case_record, sha256_of
from gateway.court import Court
from tests.support.clock import FakeClock
from tests.support.trial import case_state
from tests.support.workspace import case_at_exchange_closed


async def _record(court: Court, case_id: str, role: str = COURT) -> dict:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return await case_record(tx, case, role, court.library)


async def test_domain_10_4_a_lapsed_window_is_on_the_record_as_no_answer(court: Court, clock: FakeClock) -> None:
    """The defendant says nothing in the exchange window: when it closes the record shows its open
    question lapsed and a "no answer" entry at the time the window closed, in the exchange stage."""
    case_id = await case_at_exchange_closed(court, defendant_says=False)
    due = datetime.fromisoformat((await case_state(court, case_id))["data"]["_due"]["exchange"])
    clock.now = due + timedelta(seconds=1)
    await court.sweeper.run_once()
    assert (await case_state(court, case_id))["stage"] == "exchange_closed"
    record = await _record(court, case_id)
    exchange = next(s for s in record["stages"] if s["stage"] == "evidence_exchange")
    silent = exchange["parties"]["defendant"]
    lapsed = [e for e in silent if e["kind"] == "question" and e["lapsed"]]
    none = [e for e in silent if e["kind"] == "no_answer"]
    assert len(lapsed) == 1 and len(none) == 1 and none[0]["step"] == lapsed[0]["step"]
    assert none[0]["content"] == {"deadline": "exchange", "due_at": due.isoformat()}
    assert none[0]["sha256"] == sha256_of(none[0]["content"]) and none[0]["at"] == clock.now.isoformat()
    assert not [e for e in exchange["parties"]["plaintiff"] if e["kind"] == "no_answer"]  # the plaintiff answered
