"""The payment port. A real provider plugs in here without touching any flow."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from storage.models import Case, Payment
from storage.store import Tx

log = logging.getLogger("microcourt.payments")

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
    withdrawn, Interp. 213) is owed back: marked `refund_due`, recorded, the plaintiff and the court
    told. The court never keeps it while the case closes."""
    payment.status = "refund_due"
    params = {"amount": payment.amount, "reference": case.case_number or case.reference}
    for person_id in (await tx.participants(case.id)).get("plaintiff", []):
        tx.outbox(case.id, "plaintiff", person_id, {"text": "payment.refund_due", "params": params}, now)
    tx.outbox(case.id, "court", None, {"text": "payment.refund_due_court", "params": params}, now, case.court_code)
    detail = {"payment_id": payment.id, "amount": payment.amount}
    await tx.log(case.id, 0, "payment_refund_due", detail, now, channel=payment.provider)
