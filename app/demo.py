"""Demo mode: a seeded court with staff and two litigants, each a one-click sign-in."""

from __future__ import annotations

import uuid
from datetime import datetime

from identity.models import IdentityProfile
from storage.models import Person
from storage.store import Store

DEMO_PEOPLE = (
    ("litigant_a", "张三 Zhang San", None, "litigant"),
    ("litigant_b", "李四 Li Si", None, "litigant"),
    ("clerk", "王书记员 Clerk Wang", "clerk", "clerk"),
    ("judge", "赵法官 Judge Zhao", "judge", "judge"),
    ("admin", "管理员 Admin", "admin", "admin"),
)


async def seed(store: Store, court_code: str, now: datetime) -> None:
    """Create the demo people once (idempotent)."""
    async with store.tx() as tx:
        for key, name, staff_role, _kind in DEMO_PEOPLE:
            if await tx.person_by_demo_key(key) is not None:
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
                tx.add(
                    IdentityProfile(
                        person_id=person.id,
                        sealed=tx.sealer.seal({"name": name}),
                        id_number_hash="demo",
                        method="demo_seed",
                        verified_at=now,
                        consent_at=now,
                    )
                )
