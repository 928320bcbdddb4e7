"""The defendant's period to state its view on a withdrawal (Interp. 238), as pure decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from court.commands import StateWithdrawalView
from court.withdrawal_view import open_for, refusal, status
from flows.texts import load_catalog

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
OBJECTION = StateWithdrawalView("p", "c", "object", "A counterclaim.", "test")


def test_interp238_the_period_runs_to_its_end_inclusive_then_lapses() -> None:
    """Running up to and at its last instant, lapsed after it; a view given stays `given`."""
    application = {"reasons": "", "view_until": NOW.isoformat()}
    assert status(application, NOW) == "running"
    assert status(application, NOW + timedelta(seconds=1)) == "lapsed"
    assert status({**application, "view": {"view": "agree"}}, NOW + timedelta(days=9)) == "given"
    assert open_for("defendant", application, NOW) == {"reasons": "", "until": NOW.isoformat()}
    assert open_for("plaintiff", application, NOW) is None


def test_interp238_an_application_from_before_the_period_existed_refuses_a_late_view_without_a_date() -> None:
    """An application recorded before this court kept a view period has none: it counts as lapsed,
    and the refusal renders in both languages without a date."""
    refused = refusal("defendant", {"reasons": ""}, OBJECTION, NOW)
    assert refused is not None and refused.error == "withdrawal_view_lapsed"
    catalog = load_catalog()
    for locale in ("zh", "en"):
        assert "—" in catalog.render("errors.withdrawal_view_lapsed", locale, refused.params)
