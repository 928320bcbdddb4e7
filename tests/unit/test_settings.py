"""Settings from the environment reach what they configure."""

from __future__ import annotations

import pytest

from app.bootstrap import sealer_for
from gateway.settings import Settings
from storage.db import create_engine
from storage.sealing import Sealer


async def test_the_pool_size_setting_reaches_the_engine() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://court@db.example/court", "MICROCOURT_DB_POOL_SIZE": "5"}
    )
    engine = create_engine(settings.db_url, settings.db_pool_size)  # no connection is made yet
    try:
        assert settings.db_pool_size == 5
        assert engine.pool.size() == 5  # type: ignore[attr-defined]
        assert engine.pool._max_overflow == 5  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


def test_previous_data_keys_only_open_and_a_malformed_key_is_named() -> None:
    old, new = Sealer.new_key(), Sealer.new_key()
    settings = Settings.from_env({"MICROCOURT_SECRET_KEY": new, "MICROCOURT_PREVIOUS_SECRET_KEYS": f"{old}, {new},"})
    assert settings.previous_secret_keys == (old, new)
    sealer = sealer_for(settings)
    token = Sealer(old).seal("x")
    assert sealer.open(token) == "x" and not sealer.is_current(token) and sealer.is_current(sealer.seal("y"))
    broken = Settings.from_env({"MICROCOURT_SECRET_KEY": new, "MICROCOURT_PREVIOUS_SECRET_KEYS": "not-a-key"})
    with pytest.raises(SystemExit, match="MICROCOURT_PREVIOUS_SECRET_KEYS"):
        sealer_for(broken)


def test_the_trial_window_is_an_iso_duration_checked_at_start() -> None:
    assert Settings.from_env({"MICROCOURT_TRIAL_WINDOW": "P10D"}).trial_window == "P10D"
    assert Settings.from_env({}).trial_window == "P7D"
    with pytest.raises(SystemExit, match="MICROCOURT_TRIAL_WINDOW"):
        Settings.from_env({"MICROCOURT_TRIAL_WINDOW": "7 days"})


def test_ep51_evidence_periods_per_track_are_settings_within_the_tracks_limits() -> None:
    """EP 51: small claims at most 7 days, summary at most 15, ordinary at least 15; checked at start."""
    settings = Settings.from_env({"MICROCOURT_EVIDENCE_PERIOD_SMALL_CLAIMS": "P5D"})
    assert (settings.evidence_period_small_claims, settings.evidence_period_summary) == ("P5D", "P15D")
    assert Settings.from_env({}).evidence_period_ordinary == "P15D"
    assert Settings.from_env({"MICROCOURT_EVIDENCE_PERIOD_ORDINARY": "P30D"}).evidence_period_ordinary == "P30D"
    for name, value in (
        ("MICROCOURT_EVIDENCE_PERIOD_SMALL_CLAIMS", "P8D"),
        ("MICROCOURT_EVIDENCE_PERIOD_SUMMARY", "P16D"),
        ("MICROCOURT_EVIDENCE_PERIOD_ORDINARY", "P10D"),
        ("MICROCOURT_EVIDENCE_PERIOD_SUMMARY", "PT48H"),
    ):
        with pytest.raises(SystemExit, match="EP 51"):
            Settings.from_env({name: value})


def test_olr9_the_correction_period_is_an_iso_duration_checked_at_start() -> None:
    """OLR 9, ICP 7: the court sets the correction period (MICROCOURT_CORRECTION_PERIOD, 7 days by default)."""
    assert Settings.from_env({"MICROCOURT_CORRECTION_PERIOD": "P10D"}).correction_period == "P10D"
    assert Settings.from_env({}).correction_period == "P7D"
    with pytest.raises(SystemExit, match="MICROCOURT_CORRECTION_PERIOD"):
        Settings.from_env({"MICROCOURT_CORRECTION_PERIOD": "ten days"})


def test_interp238_the_withdrawal_view_period_is_an_iso_duration_checked_at_start() -> None:
    """Interp. 238: the defendant's period to state its view on a withdrawal is the court's
    (MICROCOURT_WITHDRAWAL_VIEW_PERIOD, 3 days by default), refused at start when unreadable."""
    assert Settings.from_env({"MICROCOURT_WITHDRAWAL_VIEW_PERIOD": "P5D"}).withdrawal_view_period == "P5D"
    assert Settings.from_env({}).withdrawal_view_period == "P3D"
    with pytest.raises(SystemExit, match="MICROCOURT_WITHDRAWAL_VIEW_PERIOD"):
        Settings.from_env({"MICROCOURT_WITHDRAWAL_VIEW_PERIOD": "three days"})
