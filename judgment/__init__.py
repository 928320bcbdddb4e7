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

The appeal flow (`flows/definitions/appeal.v1.yaml`, `appeal.v2.yaml`): `appeal` (who may appeal, the fee, what
an appeal records), `finality` (FINAL and the enforcement period, CPL 250) and `export` (the
file for the higher court: `microcourt case export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.procedures import Procedures
from judgment import appeal, finality, formatters


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Everything the judgment and appeal flows name: guards, validators, actions and formatters."""
    registry = procedures.registry
    registry.guards.update(judgment_is_ruling=formatters.is_ruling)
    registry.formatters.update(
        judgment_reference=formatters.judgment_reference,
        judgment_served=formatters.judgment_served,
    )
    _register_appeal(procedures)


def _register_appeal(procedures: Procedures) -> None:
    """The appeal flow's guards, validator, actions and formatters."""
    registry = procedures.registry
    registry.guards.update(appeal.GUARDS)
    registry.validators["appealed_amount"] = appeal.appealed_amount
    registry.actions.update(
        request_appeal_fee=appeal.request_appeal_fee,
        appeal_fee_unpaid=appeal.appeal_fee_unpaid,
        appeal_file_prepared=appeal.appeal_file_prepared,
        record_appeal_service=appeal.record_appeal_service,
        judgment_final=finality.judgment_final,
    )
    registry.formatters.update(
        appeal_notice=appeal.appeal_notice, appeal_lodged=appeal.lodged, finality=finality.finality
    )
    for role in appeal.PARTIES:
        registry.actions[f"appeal_lodged_{role}"] = appeal.lodged_by(role)
        registry.formatters[f"appeal_summary_{role}"] = appeal.summary_of(role)
        registry.formatters[f"appealed_{role}"] = appeal.appealed_for(role)
        registry.formatters[f"appeal_offer_{role}"] = appeal.offer_of(role)
