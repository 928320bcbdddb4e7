"""Publishing a final judgment, masked, and unpublishing it (DOMAIN §12.4, OLR 27)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from court.access import known_as
from court.outcomes import Outcome
from court.publication.document import masked_document, masking_of
from storage.models import Case, Participant, PublishedJudgment
from storage.store import Tx

GROUNDS = ("state_secrets", "national_security", "privacy", "minors", "trade_secrets", "divorce")
"""Why a judgment may be withheld from the public: the grounds on which a hearing is not public
(OLR 27; CPL 137): state secrets, national security, privacy; trade secrets and divorce on a
party's request; and minors."""
COURT_TZ = "Asia/Shanghai"


async def published(tx: Tx, case_id: str) -> PublishedJudgment | None:
    """The case's published judgment row (unpublished or not), if it was ever published."""
    return await tx.session.scalar(select(PublishedJudgment).where(PublishedJudgment.case_id == case_id))


async def publish(
    tx: Tx, case_id: str, now: datetime, data: Mapping[str, Any] | None = None, timezone: str = COURT_TZ
) -> PublishedJudgment | None:
    """Publish the case's judgment (the case data's `judgment` object), masked. `data`: the case
    data as the calling command holds it (else as stored). Once per case: a second call changes
    nothing, and a judgment its judge unpublished stays unpublished. None: no judgment to publish."""
    case = await tx.get_case(case_id)
    if case is None:
        return None
    data = data if data is not None else tx.open_state(case)["data"]
    judgment = data.get("judgment")
    if not isinstance(judgment, Mapping) or not (judgment.get("orders") or judgment.get("reasoning")):
        return None
    earlier = await published(tx, case_id)
    if earlier is not None:
        return earlier
    locale = str(judgment.get("locale") or "zh")
    masking = masking_of(data, locale, await _verified_names(tx, case))
    title, masked = masked_document(data, masking)
    row = PublishedJudgment(
        case_id=case.id,
        case_number=str(data.get("case_number") or case.case_number or ""),
        court_code=case.court_code,
        cause=str(data.get("case_type") or "other"),
        kind=str(judgment.get("kind") or "judgment"),
        decided_on=_court_day(judgment.get("issued_at"), now, timezone),
        locale=locale,
        title=title[:200],
        masked_text=masked,
        published_at=now,
    )
    tx.add(row)
    await tx.flush()
    await tx.log(
        case.id, 0, "judgment_published", {"published_id": row.id, "rule": "DOMAIN §12.4"}, now, channel="court"
    )
    return row


async def unpublish(
    tx: Tx, case: Case, person_id: str, ground: str, reason: str, now: datetime, channel: str
) -> Outcome:
    """The case's judge withdraws its published judgment from the public on an OLR 27 ground,
    with their reasons; recorded in the case. Whether this person may is `court.access`'s to say."""
    if ground not in GROUNDS:
        return Outcome(case.id, "unpublish_ground_needed")
    if not reason.strip():
        return Outcome(case.id, "unpublish_reason_needed")
    row = await published(tx, case.id)
    if row is None or row.unpublished_at is not None:
        return Outcome(case.id, "not_published")
    row.unpublished_at, row.unpublished_by = now, person_id
    row.unpublish_ground, row.unpublish_reason = ground, reason.strip()
    detail = {"published_id": row.id, "ground": ground, "reason": reason.strip(), "rule": "OLR 27"}
    await tx.log(case.id, 0, "judgment_unpublished", detail, now, actor_id=person_id, role="court", channel=channel)
    return Outcome(case.id)


async def publication_view(tx: Tx, case: Case) -> dict[str, Any]:
    """The case's publication as its court sees it: state (`none`, `published`, `unpublished`),
    when, and for a withdrawn one the ground and reasons; with the grounds a judge may give."""
    row = await published(tx, case.id)
    view: dict[str, Any] = {"case_id": case.id, "state": "none", "grounds": list(GROUNDS)}
    if row is None:
        return view
    view.update(judgment_id=row.id, published_at=row.published_at.isoformat(), title=row.title)
    if row.unpublished_at is None:
        return {**view, "state": "published"}
    withdrawn = {"unpublished_at": row.unpublished_at.isoformat(), "ground": row.unpublish_ground}
    return {**view, **withdrawn, "state": "unpublished", "reason": row.unpublish_reason}


async def _verified_names(tx: Tx, case: Case) -> list[str]:
    """The names everyone taking part in the case (parties, representatives, agents) verified
    with: masked too, wherever the judgment names them."""
    rows = await tx.session.scalars(
        select(Participant.person_id).where(Participant.case_id == case.id, Participant.role != "court")
    )
    return [name for person_id in rows if (name := await known_as(tx, person_id))]


def _court_day(issued_at: Any, now: datetime, timezone: str) -> date:
    """The day the judgment was issued, in the court's time zone (now, if it does not say)."""
    try:
        instant = datetime.fromisoformat(str(issued_at)) if issued_at else now
    except ValueError:
        instant = now
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo("UTC"))
    return instant.astimezone(ZoneInfo(timezone)).date()
