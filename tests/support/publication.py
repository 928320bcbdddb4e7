"""Builders for openness (DOMAIN §12.4): a case in the store at FINAL whose data holds a
`judgment` object as the judgment flow leaves it (contract in court/publication), with judgments
full of personal details in both languages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flows.state import CaseState
from gateway.court import Court
from storage.models import Case, Participant
from tests.support.court import demo_person

PLAINTIFF_ZH = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "domicile": "浙江省杭州市西湖区文三路1号",
}
COMPANY = {
    "kind": "company",
    "name": "某某电子商务有限公司",
    "credit_code": "91350100M000100Y43",
    "phone": "13900139000",
    "domicile": "福建省福州市鼓楼区五四路100号",
    "e_address": "shop@example.com",
}
JUDGMENT_ZH = {
    "kind": "judgment",
    "outcome": "granted",
    "appealable": True,
    "small_claims": False,
    "title": "张三与某某电子商务有限公司网络购物合同纠纷一审民事判决书",
    "facts": [
        "原告张三，男，身份证号码11010519491231002X，住浙江省杭州市西湖区文三路1号，联系电话13800138000。",
        "被告某某电子商务有限公司，住所地福建省福州市鼓楼区五四路100号，电子送达地址shop@example.com，"
        "其委托诉讼代理人李四，电话 139-0013-9000。",
        "2026年10月，张三通过被告网店购买手机一部，以尾号为6222 0212 3456 7890 123的银行卡支付3999元；"
        "手机送至杭州市上城区解放路88号3幢2单元501室，收货即无法开机。张 三致电被告客服0571-88886666要求退款被拒。",
    ],
    "reasoning": ["张三与被告之间的网络购物合同合法有效。被告交付的商品不符合约定，应当退还货款。"],
    "orders": [
        "一、被告某某电子商务有限公司于本判决生效之日起十日内退还原告张三货款3999元，汇入张三账户6217000010001234567。"
    ],
    "claimed_amount": "3999",
    "granted_amount": "3999",
    "fee": "50",
    "fee_shares": [["defendant", "50"]],
    "issued_at": "2026-11-20T03:00:00+00:00",
    "issued_by": "",
    "locale": "zh",
    "document_sha256": "0" * 64,
}
PLAINTIFF_EN = {"name": "Wang Fang", "id_number": "320102198001011234", "phone": "+86 138 0013 8001"}
PERSON_EN = {"kind": "person", "name": "Li Lei", "id_number": "44030419900307563X", "phone": "13700137000"}
JUDGMENT_EN = {
    **JUDGMENT_ZH,
    "outcome": "partly",
    "title": "Wang Fang v Li Lei: online service contract, first-instance civil judgment",
    "facts": [
        "The plaintiff, Wang Fang (resident ID 320102198001011234, phone +86 138 0013 8001), lives at "
        "Room 1203, Building 5, No. 100 Wusi Road, Gulou District, Fuzhou.",
        "The defendant, Li Lei (ID number 44030419900307563X), can be reached on 137-0013-7000 or at "
        "lilei@example.org; he lives at 18 Jiefang Road, Shangcheng District.",
        "Ms Wang paid 2,000 yuan from account 6222 0212 3456 7890 into Mr Li's account 6217 0000 1000 1234 567.",
    ],
    "reasoning": ["Wang Fang proved the payment; Li Lei did not prove the service was delivered in full."],
    "orders": ["1. Li Lei shall pay Wang Fang 1,500 yuan within ten days of this judgment taking effect."],
    "granted_amount": "1500",
    "locale": "en",
}


async def final_case(
    court: Court,
    judgment: Mapping[str, Any],
    seq: int,
    plaintiff: Mapping[str, Any] = PLAINTIFF_ZH,
    defendant: Mapping[str, Any] = COMPANY,
    case_type: str = "online_shopping",
    status: str = "FINAL",
) -> str:
    """A case at `status` whose data holds `judgment`, numbered `(2026)<court>民初<seq>号`, with
    the demo judge assigned and litigant_a and litigant_b taking part. Returns its id."""
    judge, plaintiff_person = await demo_person(court, "judge"), await demo_person(court, "litigant_a")
    defendant_person = await demo_person(court, "litigant_b")
    now, code = court.clock(), court.settings.court_code
    number = f"(2026){code}民初{seq}号"
    data = {
        "case_number": number,
        "case_type": case_type,
        "plaintiff": dict(plaintiff),
        "defendant": dict(defendant),
        "invitation": {"joined_as": {"name": "李四", "id_masked": "310104********004X"}},
        "judgment": {**judgment, "issued_by": judge.id},
    }
    state = CaseState("trial", 2, stage="deliberation", stage_seq=9, seq=9, data=data)  # the last stage there is yet
    case_id = str(uuid.uuid4())
    async with court.store.tx() as tx:
        tx.add(
            Case(
                id=case_id,
                court_code=code,
                reference=f"MC-T-{uuid.uuid4().hex[:8]}",
                case_number=number,
                flow_id="trial",
                flow_version=2,
                stage="deliberation",
                status=status,
                state=tx.sealer.seal(state.to_json()),
                version=1,
                created_at=now - timedelta(days=60),
                received_at=now - timedelta(days=60),
                updated_at=now,
                judge_id=judge.id,
                judge_assigned_at=now - timedelta(days=50),
            )
        )
        await tx.flush()
        tx.add(Participant(case_id=case_id, role="plaintiff", person_id=plaintiff_person.id))
        tx.add(Participant(case_id=case_id, role="defendant", person_id=defendant_person.id))
    return case_id


def issued(judgment: Mapping[str, Any], at: datetime, **changes: Any) -> dict[str, Any]:
    """The judgment issued at `at`, with `changes`."""
    return {**judgment, "issued_at": at.isoformat(), **changes}
