"""The appeal fee (FM 8, 13, 17): the first-instance fee on the amount appealed, not halved; none
for a ruling; the amount appealed at most what the judgment decided on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from flows.context import FlowContext
from flows.model import InputSpec
from flows.registry import InputError
from judgment.appeal import appeal_fee, appealed_amount
from tests.support.appeal import judgment_object


def test_fm17_the_appeal_fee_is_the_first_instance_fee_on_the_amount_appealed() -> None:
    """150,000 appealed: 3,300 yuan (FM 13's bands), even from a small-claims or summary first
    instance (the halving of FM 16 is the first instance's); 8,000: 50; a non-money judgment: per case."""
    data = {"judgment": judgment_object(claimed="200000")}
    fee = appeal_fee(data, "150000")
    assert fee is not None and fee.fee_due == Decimal("3300.00") and not fee.reductions
    small = appeal_fee(data, "8000")
    assert small is not None and small.fee_due == Decimal("50.00")
    no_money = appeal_fee({"judgment": judgment_object(claimed=None)}, None)
    assert no_money is not None and no_money.case_kind == "non_property" and no_money.fee_due > 0


def test_fm8_appealing_a_ruling_costs_nothing() -> None:
    """A ruling (on jurisdiction, refusing a filing): no appeal fee (FM 8(3))."""
    assert appeal_fee({"judgment": judgment_object(kind="ruling")}, None) is None


def test_fm17_the_amount_appealed_is_at_most_what_the_judgment_decided_on() -> None:
    """More than the 3,000 decided on is refused with the limit; up to it is taken."""
    ctx = FlowContext(now=datetime(2026, 12, 1, tzinfo=UTC), case={"judgment": judgment_object(claimed="3000")})
    assert appealed_amount("3000", InputSpec("amount"), ctx) == "3000"
    with pytest.raises(InputError) as refused:
        appealed_amount("3000.01", InputSpec("amount"), ctx)
    assert refused.value.code == "appeal_amount_too_large" and refused.value.params == {"limit": "3000"}
