"""After the trial: the judgment and the appeal window (DOMAIN §11.4, §13; CPL 155-158, 171, 286).

A case leaves the trial at DELIBERATION. The judge drafts the judgment (or a ruling) in the
workspace from a template chosen by outcome, issues it, and the court serves it as a signed PDF.
The appeal window then runs from each party's effective service; an appeal moves the case to
APPEALED, no appeal in time to FINAL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.procedures import Procedures


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Everything the judgment and appeal flows name: actions, guards, formatters, service calls."""
