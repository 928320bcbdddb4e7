"""After the trial: the judgment and the appeal window (DOMAIN §11.4, §13; CPL 155-158, 171, 286).

A case leaves the trial at DELIBERATION. The judge drafts the judgment (or a ruling) in the
workspace from a template chosen by outcome, issues it, and the court serves it as a signed PDF.
The appeal window then runs from each party's effective service; an appeal moves the case to
APPEALED, no appeal in time to FINAL.

The appeal flow (`flows/definitions/appeal.v1.yaml`): `appeal` (who may appeal, the fee, what
an appeal records), `finality` (FINAL and the enforcement period, CPL 250) and `export` (the
file for the higher court: `microcourt case export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.procedures import Procedures
from judgment import appeal, finality


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Everything the judgment and appeal flows name: actions, guards, formatters, service calls."""
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
        judgment_final=finality.judgment_final,
    )
    registry.formatters.update(
        appeal_notice=appeal.appeal_notice, appeal_lodged=appeal.lodged, finality=finality.finality
    )
    for role in appeal.PARTIES:
        registry.actions[f"appeal_lodged_{role}"] = appeal.lodged_by(role)
        registry.formatters[f"appeal_summary_{role}"] = appeal.summary_of(role)
        registry.formatters[f"appealed_{role}"] = appeal.appealed_for(role)
