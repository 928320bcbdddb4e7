"""Who bears the court fee (FM 29): the losing party; a claim granted in part, both, in proportion
to what was granted of what was claimed. A withdrawal (approved, or treated as one, CPL 146) costs
the plaintiff half the fee (FM 15), with one halving only (DOMAIN §5): a fee already halved for the
track (FM 16) stays as it is. Computed, never typed. Pure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
WITHDRAWALS = ("withdrawn_treated", "withdrawal_approved")
PLAINTIFF_LOSES = ("dismissed", *WITHDRAWALS)


def money(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def case_fee(outcome: str, full: Decimal, due: Decimal) -> Decimal:
    """The fee the case costs: what was due (FM 13, halved for the track by FM 16); half the full
    fee for a withdrawal (FM 15), never halved twice."""
    if outcome in WITHDRAWALS:
        return min(due, money(full / 2))
    return money(due)


def shares(outcome: str, fee: Decimal, claimed: Decimal | None, granted: Decimal | None) -> list[tuple[str, Decimal]]:
    """Each party's part of `fee` (FM 29): the plaintiff's if it lost or withdrew, the
    defendant's if the claims were granted (also by default, CPL 147), else in proportion to
    `granted` of `claimed` (the defendant's part rounded to the fen, the plaintiff the rest)."""
    if outcome in PLAINTIFF_LOSES:
        return [("plaintiff", money(fee))]
    if outcome != "partly":
        return [("defendant", money(fee))]
    if not claimed or granted is None:
        raise ValueError("a partly granted claim needs the amounts claimed and granted")
    defendant = money(fee * granted / claimed)
    return [("plaintiff", money(fee) - defendant), ("defendant", defendant)]
