"""Simulated participants: drive a filing through the real service layer (for `demo` and tests)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from court.commands import OpenCase, SubmitAnswer, UploadEvidence
from gateway.court import Court
from gateway.frames import render_message
from storage.models import Person

PLAINTIFF_ANSWERS: dict[str, Any] = {
    "consent_service": "yes",
    "plaintiff_name": "张三",
    "plaintiff_id": "11010519491231002X",
    "plaintiff_phone": "13800138000",
    "plaintiff_domicile": "浙江省杭州市西湖区文三路1号",
    "case_type": "online_shopping",
    "defendant_kind": "company",
    "defendant_name": "某某电子商务有限公司",
    "defendant_credit_code": "91350100M000100Y43",
    "defendant_phone": "13900139000",
    "defendant_domicile": "福建省福州市鼓楼区五四路100号",
    "defendant_address": "shop@example.com",
    "claim_text": "退还故障手机货款 Refund for the faulty phone",
    "claim_kind": "money",
    "claim_amount": "3999",
    "more_claims": "no",
    "facts": "2026年10月网购手机一部，收货即无法开机，商家拒绝退款。",
    "summary": "submit",
    "pay_fee": "pay",
}

Printer = Callable[[str], None]


class Simulation:
    """Plays people in one case by reading what the court last asked them."""

    def __init__(self, court: Court, locale: str = "zh", printer: Printer | None = None) -> None:
        self.court, self.locale, self.printer = court, locale, printer
        self._shown: set[int] = set()

    async def prompt_for(self, person: Person, case_id: str) -> dict[str, Any] | None:
        """The newest message with a prompt that `person` has in the case (None if waiting)."""
        async with self.court.store.tx() as tx:
            case = await tx.get_case(case_id)
            assert case is not None
            role = await tx.role_in_case(person, case)
            assert role is not None
            rows = await tx.history(case_id, person.id, role)
            messages = [
                {"id": r.id, "case_id": case_id, "at": r.created_at.isoformat(), **tx.sealer.open(r.payload)}
                for r in rows
            ]
        for message in messages:
            self._show(person, message)
        prompts = [m for m in messages if m.get("prompt")]
        return prompts[-1]["prompt"] if prompts else None

    def _show(self, person: Person, message: dict[str, Any]) -> None:
        if self.printer is None or message["id"] in self._shown:
            return
        self._shown.add(message["id"])
        text = render_message(message, self.locale, self.court.catalog)["text"]
        self.printer(f"[court → {person.display_name or person.id[:8]}] {text}")

    async def answer(self, person: Person, case_id: str, value: Any) -> None:
        prompt = await self.prompt_for(person, case_id)
        assert prompt is not None, "nothing to answer"
        if self.printer:
            self.printer(f"[{person.display_name or person.id[:8]}] {value}")
        outcome = await self.court.service.submit_answer(
            SubmitAnswer(person.id, case_id, prompt["step"], prompt["seq"], value, "simulation")
        )
        if not outcome.ok:
            raise AssertionError(f"{prompt['step']}: {outcome.error}")

    async def accept(self, clerk: Person, case_id: str, track: str | None = None) -> None:
        """The clerk accepts the filing; the judge assigned to it then decides the track (filing v4:
        the proposed one unless `track` says otherwise)."""
        await self.answer(clerk, case_id, "accept")
        async with self.court.store.tx() as tx:
            case = await tx.get_case(case_id)
            assert case is not None
            judge = await tx.person(case.judge_id) if case.judge_id else None
            proposed = tx.open_state(case)["data"].get("track")
        if judge is not None and (prompt := await self.prompt_for(judge, case_id)) and prompt["step"] == "decide_track":
            await self.answer(judge, case_id, track or proposed)

    async def file_case(
        self, plaintiff: Person, evidence: bytes = b"%PDF-1.4 receipt", answers: Mapping[str, Any] | None = None
    ) -> str:
        """File the standard online-shopping case up to submission (`answers` replace some of the
        standard ones, by step; a list gives a step's answers in turn); return the case id."""
        given = {**PLAINTIFF_ANSWERS, **{k: list(v) if isinstance(v, list) else v for k, v in (answers or {}).items()}}
        opened = await self.court.service.open_case(OpenCase(plaintiff.id, "filing", "simulation"))
        case_id = str(opened.case_id)
        while True:
            prompt = await self.prompt_for(plaintiff, case_id)
            assert prompt is not None
            if prompt["step"] == "evidence":
                await self.court.service.upload_evidence(
                    UploadEvidence(
                        plaintiff.id,
                        case_id,
                        "evidence",
                        prompt["seq"],
                        "receipt.pdf",
                        "application/pdf",
                        evidence,
                        "simulation",
                    )
                )
                await self.answer(plaintiff, case_id, "done")
                continue
            if prompt["step"] in ("wait_review", "verify_identity", "identity_mismatch"):  # submitted, or OLR 7
                return case_id
            value = given[prompt["step"]]
            await self.answer(plaintiff, case_id, value.pop(0) if isinstance(value, list) else value)
