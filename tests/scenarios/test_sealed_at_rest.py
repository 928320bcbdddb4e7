"""Personal data is sealed at rest everywhere (rule 2.2): beside the case state, messages and
identity, the names of files (which name people), people's display names and the clerk's
reasons. Read through the ORM they come back as written; in the database they are tokens that
only the data key opens, and the key check and rotation cover them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from court.agency import AgencyService
from court.commands import OpenCase
from court.key_rotation import SEALED_COLUMNS
from gateway.court import Court
from identity.models import IdentityDecision
from storage.models import AgentMandate, Evidence, Person
from tests.support.court import demo_person, draft_with_a_file

FILE = "名字张三身份证.pdf"


async def _raw(court: Court, sql: str) -> list[str]:
    async with court.store.tx() as tx:
        return [str(value) for (value,) in (await tx.session.execute(text(sql))).all()]


async def test_names_file_names_and_reasons_are_sealed_in_the_database_and_read_back(court: Court) -> None:
    party, agent, clerk = [await demo_person(court, k) for k in ("litigant_a", "litigant_b", "clerk")]
    case_id, evidence_id = await draft_with_a_file(court, party, FILE)
    agency = AgencyService(court.service)
    mandate_case = str((await court.service.open_case(OpenCase(party.id, "filing", "test"))).case_id)
    code = (await agency.invite(party.id, mandate_case)).params["code"]
    assert (await agency.accept(agent.id, code, "委托书-李四.pdf", b"%PDF power of attorney")).ok
    [waiting] = await agency.queue(clerk.id)
    assert (await agency.decide(clerk.id, waiting.id, False, "委托书未签名 李四")).ok
    async with court.store.tx() as tx:
        tx.add(
            IdentityDecision(
                person_id=party.id,
                purpose="verify",
                channel="clerk",
                tolerance=0.5,
                liveness="not_checked",
                outcome="override_verified",
                decided_by=clerk.id,
                override_reason="张三本人到庭核对身份证",
                at=court.clock() + timedelta(minutes=1),
            )
        )

    stored = {
        "evidence.name": await _raw(court, f"SELECT name FROM evidence WHERE id = '{evidence_id}'"),
        "people.display_name": await _raw(court, f"SELECT display_name FROM people WHERE id = '{party.id}'"),
        "agent_mandates": await _raw(court, "SELECT poa_name || ' ' || reason FROM agent_mandates"),
        "identity_decisions": await _raw(court, "SELECT override_reason FROM identity_decisions"),
    }
    for where, values in stored.items():
        assert values and all(v.startswith("gAAAAA") for value in values for v in value.split()), where
        assert not any(word in value for value in values for word in ("张三", "李四", "名字")), where
    async with court.store.tx() as tx:  # the ORM opens them as they were written
        evidence = await tx.session.get(Evidence, evidence_id)
        person = await tx.session.get(Person, party.id)
        mandate = await tx.session.get(AgentMandate, waiting.id)
    assert evidence is not None and evidence.name == FILE
    assert person is not None and person.display_name == party.display_name != ""
    assert mandate is not None and (mandate.poa_name, mandate.reason) == ("委托书-李四.pdf", "委托书未签名 李四")
    sealed = {f"{model.__tablename__}.{column}" for model, _key, column in SEALED_COLUMNS}
    assert {"evidence.name", "people.display_name", "identity_decisions.override_reason"} <= sealed
    assert {"agent_mandates.reason", "agent_mandates.poa_name"} <= sealed
    assert case_id
