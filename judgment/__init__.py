"""After the trial: the judgment (DOMAIN §12; CPL 145-158, 171, 286).

A case leaves the trial at DELIBERATION (trial v3 hands it over: `next_flow: judgment`). In the
judge's workspace the assigned judge drafts the judgment or a ruling from a template chosen by
outcome (`draft`: granted, partly granted, dismissed, a default judgment when the defendant never
took part, CPL 147; rulings treating the suit as withdrawn, CPL 146, or approving a withdrawal,
CPL 148), filled from the case; edits the facts, reasoning and orders; previews the PDF; and issues
it (`desk`). The fee is allocated by the court (FM 29, `fees`). Issuing renders the document,
signs it with the court's key, stores the signed file and its SHA-256, sets `judgment` in the case
data and serves the document on every party (`flows/definitions/judgment.v1.yaml`), all through
`CourtService.issue_document`, or nothing at all. A judgment then goes on to the appeal window
(flow `appeal`); a ruling on a withdrawal ends the case (WITHDRAWN).

What this package holds: `draft` (the templates, filled, and the record the judge issues; texts in
`judgment/texts/`), `fees` (FM 29), `desk` (draft, preview, issue for the workspace), `formatters`
(what the served messages show, and the guard that tells a ruling from a judgment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.procedures import Procedures
from judgment import formatters


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Everything the judgment flow names: its guard and formatters."""
    registry = procedures.registry
    registry.guards.update(judgment_is_ruling=formatters.is_ruling)
    registry.formatters.update(
        judgment_reference=formatters.judgment_reference,
        judgment_served=formatters.judgment_served,
    )
