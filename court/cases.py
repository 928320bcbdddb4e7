"""A new case: the filing reference shown on its receipt, its first state and its row; and what a
filing says of its plaintiff."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from court.settings import CourtSettings
from flows.model import FlowDefinition
from flows.state import CaseState
from storage.models import Case
from storage.sealing import Sealer
from storage.store import Tx


def new_case(flow: FlowDefinition, settings: CourtSettings, sealer: Sealer, now: datetime) -> tuple[Case, CaseState]:
    """The row and first state of a case on `flow`, before the engine starts it."""
    case_id = str(uuid.uuid4())
    reference = _reference(now, settings.timezone)
    state = CaseState(flow.id, flow.version, data={"reference": reference})
    case = Case(
        id=case_id,
        court_code=settings.court_code,
        reference=reference,
        flow_id=flow.id,
        flow_version=flow.version,
        stage="",
        status="DRAFT",
        state=sealer.seal(state.to_json()),
        version=1,
        created_at=now,
        updated_at=now,
    )
    return case, state


def _reference(now: datetime, timezone: str) -> str:
    """A filing reference shown on the receipt, e.g. `MC-20261129-7Q2K9X`."""
    day = now.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d")
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"MC-{day}-" + "".join(secrets.choice(alphabet) for _ in range(6))


async def filed_as(tx: Tx, person_id: str, case_id: str | None = None) -> tuple[str, str] | None:
    """The name and resident ID number a person typed as the plaintiff of a filing: of `case_id`,
    else of their newest filing waiting for the identity check. That is who the check must find
    (filing v2 compares the ID numbers: OLR 7, ICP 6). None if they are not its plaintiff."""
    for case, role in await tx.cases_of(person_id):
        wanted = case.id == case_id if case_id is not None else case.stage == "identity_check"
        if role != "plaintiff" or not wanted:
            continue
        plaintiff = tx.open_state(case)["data"].get("plaintiff", {})
        name, number = plaintiff.get("name"), plaintiff.get("id_number")
        return (str(name), str(number)) if name and number else None
    return None
