"""Who bears the court fee (FM 29; FM 15 for a withdrawal, one halving only): pure arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from judgment.fees import case_fee, shares

D = Decimal


@pytest.mark.parametrize(
    ("outcome", "granted", "expected"),
    [
        ("granted", D("150000"), [("defendant", D("3300.00"))]),
        ("default", D("150000"), [("defendant", D("3300.00"))]),
        ("dismissed", D("0"), [("plaintiff", D("3300.00"))]),
        ("partly", D("100000"), [("plaintiff", D("1100.00")), ("defendant", D("2200.00"))]),
        ("partly", D("1"), [("plaintiff", D("3299.98")), ("defendant", D("0.02"))]),
        ("withdrawal_approved", None, [("plaintiff", D("3300.00"))]),
    ],
)
def test_fm29_the_loser_bears_the_fee_partly_in_proportion(
    outcome: str, granted: Decimal | None, expected: list[tuple[str, Decimal]]
) -> None:
    """The loser bears the fee; partly granted, in proportion to granted/claimed, the defendant's
    part rounded to the fen and the plaintiff the rest, so the parts always add up to the fee."""
    parts = shares(outcome, D("3300.00"), D("150000"), granted)
    assert parts == expected and sum(amount for _role, amount in parts) == D("3300.00")


def test_fm15_a_withdrawal_costs_half_the_fee_halved_once() -> None:
    """A withdrawal halves the full fee (FM 15); a fee already halved for the track stays (DOMAIN §5)."""
    assert case_fee("withdrawal_approved", D("3300"), D("3300")) == D("1650.00")
    assert case_fee("withdrawn_treated", D("50"), D("25")) == D("25")
    assert case_fee("granted", D("3300"), D("3300")) == D("3300.00")


def test_a_partly_granted_claim_needs_both_amounts() -> None:
    """No proportion without the amounts claimed and granted: refused, never guessed."""
    with pytest.raises(ValueError, match="amounts"):
        shares("partly", D("50"), None, D("10"))
