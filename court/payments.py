"""The payment port. A real provider plugs in here without touching any flow."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from storage.models import Case, Payment
from storage.store import Tx

log = logging.getLogger("microcourt.payments")

FILING_REFUND = ("payment.refund_due", "payment.refund_due_court")
"""What a fee arriving after the case closed by a ruling says (Interp. 213), to the plaintiff and the court."""

Confirm = Callable[[str, str], Awaitable[None]]
"""(payment id, provider reference) -> tell the court the money arrived."""


class PaymentProvider(Protocol):
    name: str

    def label(self) -> dict[str, str]:
        """How the provider is named to the payer, per language."""

    async def start(self, payment_id: str, amount: str, reference: str, confirm: Confirm) -> str:
        """Begin collecting `amount` yuan; return the provider's reference.

        A real provider answers later through its own callback route, which calls `confirm`.
        """


class DemoPaymentProvider:
    """Confirms every payment at once. For demonstrations only: no money moves."""

    name = "demo"

    def label(self) -> dict[str, str]:
        return {"t": "payment.demo_provider"}

    async def start(self, payment_id: str, amount: str, reference: str, confirm: Confirm) -> str:
        provider_ref = f"DEMO-{payment_id[:8]}"
        await confirm(payment_id, provider_ref)
        return provider_ref


async def start_payment(
    provider: PaymentProvider, payment_id: str, amount: str, reference: str, confirm: Confirm
) -> None:
    """Start collecting a fee after its command committed."""
    try:
        await provider.start(payment_id, amount, reference, confirm)
    except Exception:  # a provider failure leaves the payment pending; the person may retry
        log.exception("payment provider failed", extra={"payment_id": payment_id})


async def refund_due(tx: Tx, case: Case, payment: Payment, now: datetime) -> None:
    """A fee that arrived when the case no longer takes one (closed by a ruling treating it as
    withdrawn, Interp. 213), or that no longer pays for anything (an appeal treated as withdrawn for
    its fee, FM 22), is owed back: marked `refund_due`, recorded, the payer (the plaintiff, or the
    role the payment was requested for) and the court told. The court never keeps it."""
    payment.status = "refund_due"
    payer = tx.open_state(case)["data"].get("_payments", {}).get(payment.id)
    text, court_text = ("payment.refund_due_fee", "payment.refund_due_fee_court") if payer else FILING_REFUND
    role = payer or "plaintiff"
    params = {"amount": payment.amount, "reference": case.case_number or case.reference, "payer": {"t": f"role.{role}"}}
    for person_id in (await tx.participants(case.id)).get(role, []):
        tx.outbox(case.id, role, person_id, {"text": text, "params": params}, now)
    tx.outbox(case.id, "court", None, {"text": court_text, "params": params}, now, case.court_code)
    detail = {"payment_id": payment.id, "amount": payment.amount}
    await tx.log(case.id, 0, "payment_refund_due", detail, now, channel=payment.provider)
