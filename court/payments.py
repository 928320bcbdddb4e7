"""The payment port. A real provider plugs in here without touching any flow."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

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
