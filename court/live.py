"""Going live from the middle of an asynchronous stage (OLR 5, 21): a party withdraws its consent
to the asynchronous trial, or the assigned judge orders a live hearing. Each is a signal that the
trial's asynchronous stages route to their live-hearing stage (`on_signal`); a stage that does not
route it is not asynchronous, and the act is refused there (`court.service`'s `_go_live`)."""

from __future__ import annotations

from court.outcomes import Outcome
from storage.models import Case

WITHDRAWN = "async_consent_withdrawn"
"""A party withdrew its consent to the asynchronous trial (OLR 5)."""
ORDERED = "live_hearing_ordered"
"""The assigned judge ordered a live hearing, with reasons (a ruling)."""
WENT_LIVE = "went_live"
"""Where the signal leaves, in the case data, what sent the case live: `why` ("withdrawn" or
"ordered"), `by` (the party's role, or "judge"), `stage`, `at`, the judge's `reasons`, and
`kept`: what was done before stays valid (OLR 21)."""
PARTIES = ("plaintiff", "defendant")


def live_refusal(case: Case, role: str, signal: str) -> Outcome | None:
    """Only a party (or its agent, who shares its role) withdraws its consent; the judge orders
    instead (checked as a ruling by `court.access.ruling_refusal`)."""
    if signal == WITHDRAWN and role not in PARTIES:
        return Outcome(case.id, "parties_withdraw")
    return None
