"""Every status a shipped flow's stage gives a case has its name in both languages: the case lists
of the parties and the court show it (court.read_models.case_card)."""

from __future__ import annotations

from app.bootstrap import court_procedures
from flows.library import load_library
from flows.texts import LOCALES, load_catalog


def test_every_shipped_stage_status_is_named_in_both_languages() -> None:
    catalog = load_catalog()
    library = load_library(court_procedures({}).registry, catalog)
    statuses = {stage.status for flow in library.flows.values() for stage in flow.stages.values()}
    assert {"LIVE_HEARING_PENDING", "EVIDENCE_EXCHANGE"} <= statuses
    missing = sorted((s, loc) for s in statuses for loc in LOCALES if not catalog.has(f"status.{s}", loc))
    assert missing == []
