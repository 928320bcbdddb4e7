"""Demo mode: a seeded court with staff and two litigants, each a one-click sign-in."""

from __future__ import annotations

import uuid
from datetime import datetime

from identity.models import IdentityProfile
from storage.models import Person
from storage.store import Store, Tx

DEMO_PEOPLE = (
    ("litigant_a", "张三 Zhang San", None, "litigant"),
    ("litigant_b", "李四 Li Si", None, "litigant"),
    ("clerk", "王书记员 Clerk Wang", "clerk", "clerk"),
    ("judge", "赵法官 Judge Zhao", "judge", "judge"),
    ("admin", "管理员 Admin", "admin", "admin"),
)
# Who the demo litigants were verified as (made up): a filing must name them so (filing v2).
# litigant_a is the plaintiff the simulated filing names.
DEMO_IDENTITIES = {"litigant_a": ("张三", "11010519491231002X"), "litigant_b": ("李四", "31010419850615004X")}


async def seed(store: Store, court_code: str, now: datetime) -> None:
    """Create the demo people once (idempotent)."""
    async with store.tx() as tx:
        for key, name, staff_role, _kind in DEMO_PEOPLE:
            existing = await tx.person_by_demo_key(key)
            if existing is not None:
                await _give_identity(tx, existing.id, key)
                continue
            person = Person(
                id=str(uuid.uuid4()),
                display_name=name,
                locale="zh",
                staff_role=staff_role,
                court_code=court_code if staff_role else None,
                demo_key=key,
                created_at=now,
            )
            tx.add(person)
            if staff_role is None:  # demo litigants come pre-verified, and say so in the record
                await tx.flush()
                legal_name, number = DEMO_IDENTITIES[key]
                tx.add(
                    IdentityProfile(
                        person_id=person.id,
                        sealed=tx.sealer.seal({"name": legal_name, "id_number": number}),
                        # not registered: in a demo anyone may also verify as the sample numbers
                        id_number_hash="demo",
                        method="demo_seed",
                        verified_at=now,
                        consent_at=now,
                    )
                )


async def _give_identity(tx: Tx, person_id: str, key: str) -> None:
    """A demo litigant seeded before filings compared names and ID numbers (filing v2) gets them."""
    profile = await tx.session.get(IdentityProfile, person_id)
    if profile is None or profile.method != "demo_seed":
        return
    legal_name, number = DEMO_IDENTITIES[key]
    sealed = tx.sealer.open(profile.sealed)
    if (sealed.get("name"), sealed.get("id_number")) != (legal_name, number):
        profile.sealed = tx.sealer.seal({**sealed, "name": legal_name, "id_number": number})
