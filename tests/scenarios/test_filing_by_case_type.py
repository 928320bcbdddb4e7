"""Filing version 4 through the service layer: fees and tracks by case type (FM 13, CPL 165-166),
claims that are not money, both parties' domicile (CPL 124), case numbers by type, and the
defendant's own consent to online litigation and e-service (OLR 10, 29, 30)."""

from __future__ import annotations

from typing import Any

from app.simulation import Simulation
from court.commands import JoinCase, WithdrawEServiceConsent
from gateway.court import Court
from storage.models import Person
from tests.scenarios.test_filing_flow import _send_proof
from tests.support.court import demo_person


async def _state(court: Court, case_id: str) -> dict[str, Any]:
    async with court.store.tx() as tx:
        case = await tx.get_case(case_id)
        assert case is not None
        return tx.open_state(case)


async def _lines(court: Court, person: Person, case_id: str, locale: str = "en") -> list[str]:
    lines: list[str] = []
    await Simulation(court, locale, lines.append).prompt_for(person, case_id)
    return lines


async def _filed(court: Court, answers: dict[str, Any]) -> tuple[Simulation, Person, Person, str]:
    sim = Simulation(court, "en")
    plaintiff, clerk = await demo_person(court, "litigant_a"), await demo_person(court, "clerk")
    return sim, plaintiff, clerk, await sim.file_case(plaintiff, answers=answers)


async def test_fm13_5_an_administrative_case_pays_50_is_never_small_claims_and_is_numbered_行初(court: Court) -> None:
    """An administrative case pays 50 yuan per case (FM 13(5)), whatever is claimed; small claims
    never hear it; its number is in the 行初 series, not 民初."""
    sim, _, clerk, case_id = await _filed(court, {"case_type": "administrative"})
    data = (await _state(court, case_id))["data"]
    assert (data["track"], data["fee"]["due"]) == ("ordinary", "50.00")
    await sim.accept(clerk, case_id)
    assert (await _state(court, case_id))["data"]["case_number"] == "(2026)浙0192行初1号"


async def test_fm13_2_a_personality_rights_claim_of_150000_pays_the_per_case_fee_and_the_damages_share(
    court: Court,
) -> None:
    """FM 13(2)(2): 100 per case, nothing on the first 50,000 of damages, 1% to 100,000 and 0.5%
    above: 850 yuan, not the property bands' 3,300."""
    answers = {"case_type": "online_personal_rights", "rights_kind": "personality", "claim_amount": "150000"}
    _, _, _, case_id = await _filed(court, {**answers, "small_claims_agreement": "no"})
    data = (await _state(court, case_id))["data"]
    assert (data["track"], data["fee"]["due"]) == ("ordinary", "850.00")


async def test_fm13_3_a_domain_transfer_is_claimed_without_an_amount_and_pays_the_ip_fee(court: Court) -> None:
    """A claim need not be money: a domain-name case asking only for the transfer has no amount
    and pays the per-case fee of an IP case without an amount (FM 13(3)), on the ordinary track."""
    answers = {"case_type": "domain_name", "claim_text": "将域名 example.cn 转移给原告", "claim_kind": "non_monetary"}
    _, _, _, case_id = await _filed(court, answers)
    data = (await _state(court, case_id))["data"]
    assert data["claims"] == [{"text": "将域名 example.cn 转移给原告", "kind": "non_monetary"}]
    assert (data["track"], data["fee"]["due"]) == ("ordinary", "1000.00")


async def test_fm13_a_money_claim_and_an_apology_are_charged_each_by_its_kind(court: Court) -> None:
    """A mixed filing: the money claim by the property bands (50), the apology as a non-property
    claim (100, FM 13(2)(3)); not a simple money claim, so no small claims (CPL 165)."""
    answers = {
        "claim_text": ["退还货款", "公开赔礼道歉"],
        "claim_kind": ["money", "non_monetary"],
        "more_claims": ["yes", "no"],
    }
    _, _, _, case_id = await _filed(court, answers)
    data = (await _state(court, case_id))["data"]
    assert (data["track"], data["fee"]["due"]) == ("ordinary", "150.00")
    assert "FM 13 property bands" in data["fee"]["explain"]["en"]
    assert "non-property" in data["fee"]["explain"]["en"]


async def test_cpl165_2_the_parties_agreement_takes_a_claim_above_the_ceiling_to_small_claims(court: Court) -> None:
    """150,000 is above the 50,000 ceiling but within 200% of the wage (four times it): asked,
    the plaintiff says the parties agreed, and small claims is proposed to the judge."""
    _, _, _, agreed = await _filed(court, {"claim_amount": "150000", "small_claims_agreement": "yes"})
    _, _, _, not_agreed = await _filed(court, {"claim_amount": "150000", "small_claims_agreement": "no"})
    assert (await _state(court, agreed))["data"]["track"] == "small_claims"
    assert (await _state(court, not_agreed))["data"]["track"] == "ordinary"


async def test_cpl166_a_public_interest_suit_is_never_proposed_for_small_claims(court: Court) -> None:
    """CPL 166, Interp. 257: 3,999 yuan would be small claims in a shopping case, not here."""
    _, _, _, case_id = await _filed(court, {"case_type": "public_interest"})
    assert (await _state(court, case_id))["data"]["track"] == "ordinary"


async def test_cpl124_both_domiciles_are_collected_and_shown_masked(court: Court) -> None:
    """The complaint states both parties' domicile (CPL 124), shown masked like ID numbers."""
    _, _, clerk, case_id = await _filed(court, {})
    data = (await _state(court, case_id))["data"]
    assert data["plaintiff"]["domicile"] == "浙江省杭州市西湖区文三路1号"
    assert data["defendant"]["domicile"] == "福建省福州市鼓楼区五四路100号"
    text = "\n".join(await _lines(court, clerk, case_id))
    assert "浙江省杭州市" in text and "福建省福州市" in text
    assert "文三路1号" not in text and "五四路100号" not in text


async def _joined(court: Court, sim: Simulation, case_id: str) -> Person:
    """Accepted, paid, and the (company) defendant's representative joined and admitted."""
    clerk, plaintiff = await demo_person(court, "clerk"), await demo_person(court, "litigant_a")
    await sim.accept(clerk, case_id)
    await sim.answer(plaintiff, case_id, "pay")
    code = (await _state(court, case_id))["data"]["invitation"]["code"]
    defendant = await demo_person(court, "litigant_b")
    assert (await court.service.join_case(JoinCase(defendant.id, code, "test"))).ok
    await _send_proof(court, defendant, case_id)
    await sim.answer(defendant, case_id, "done")
    await sim.answer(clerk, case_id, "admit")
    assert (await _state(court, case_id))["stage"] == "defendant_consent"
    return defendant


async def test_olr29_30_the_defendant_consents_confirms_the_address_and_can_withdraw(court: Court) -> None:
    """The defendant is asked to take part online (OLR 10) and to accept e-service, told what it
    means (OLR 29, 31), gives the address (OLR 30); all recorded and the court told. Withdrawing
    consent later is recorded too, and the clerk is told to serve on paper at the domicile."""
    sim, _, clerk, case_id = await _filed(court, {})
    defendant = await _joined(court, sim, case_id)
    lines = await _lines(court, defendant, case_id)
    assert any("take part in this case online" in line for line in lines)
    await sim.answer(defendant, case_id, "yes")
    lines = await _lines(court, defendant, case_id)
    assert any("counts as served when it reaches" in line for line in lines)  # what e-service means
    await sim.answer(defendant, case_id, "yes")
    await sim.answer(defendant, case_id, "change")
    await sim.answer(defendant, case_id, "legal@example.com")
    consent = (await _state(court, case_id))["data"]["defendant"]["e_service_consent"]
    assert consent["online"] and consent["e_service"] and consent["address"] == "legal@example.com"
    assert "OLR 29" in consent["how"] and consent["at"]
    court_text = "\n".join(await _lines(court, clerk, case_id))
    assert "confirmed the address legal@example.com" in court_text
    state = await _state(court, case_id)  # consented: the complaint copy is served, the trial begins
    assert (state["flow_id"], state["stage"]) == ("trial", "answer_period")
    plaintiff = await demo_person(court, "litigant_a")
    refused = await court.service.withdraw_e_service_consent(WithdrawEServiceConsent(plaintiff.id, case_id, "web"))
    assert refused.error == "no_e_service_consent"  # the plaintiff gave none here to withdraw
    withdrawn = await court.service.withdraw_e_service_consent(WithdrawEServiceConsent(defendant.id, case_id, "web"))
    assert withdrawn.ok  # at any stage, the trial's too
    assert (await _state(court, case_id))["stage"] == "answer_period"  # nothing else moves
    consent = (await _state(court, case_id))["data"]["defendant"]["e_service_consent"]
    assert consent["withdrawn_at"]
    court_text = "\n".join(await _lines(court, clerk, case_id))
    assert "withdrew consent to electronic service" in court_text and "福建省福州市鼓楼区五四路100号" in court_text


async def test_olr10_a_defendant_who_declines_to_take_part_online_is_recorded_and_the_court_told(
    court: Court,
) -> None:
    """Declining is lawful (mixed mode, OLR 4): recorded, and the clerk told to serve on paper."""
    sim, _, clerk, case_id = await _filed(court, {})
    defendant = await _joined(court, sim, case_id)
    await sim.answer(defendant, case_id, "no")
    consent = (await _state(court, case_id))["data"]["defendant"]["e_service_consent"]
    assert consent["online"] is False and consent["e_service"] is False and consent["address"] is None
    court_text = "\n".join(await _lines(court, clerk, case_id))
    assert "did not agree to take part online" in court_text
