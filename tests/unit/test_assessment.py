"""The fee and track a filing proposes by case type (FM 13; CPL 165-166, Interp. 257), the case
number's category by type, and the filing texts that state the law (issue 12)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from court.cli_tools import add_fee_parser
from court.fees import FeeError, FeeSettings, property_fee
from filing.actions import request_typed_case_number
from filing.assessment import assess, assess_by_case_type, small_claims_by_agreement_possible
from filing.formatters import fee_notice, masked_address, reference
from flows.context import FlowContext
from flows.effects import ServiceCall
from flows.texts import load_catalog

SETTINGS = {"small_claims_ceiling": "50000"}
CATALOG = load_catalog()


def _money(amount: str) -> dict[str, str]:
    return {"text": "pay", "kind": "money", "amount": amount}


def _filing(case_type: str, *claims: dict[str, str], **more: Any) -> dict[str, Any]:
    return {"case_type": case_type, "claims": list(claims), **more}


# --- FM 13 kinds ------------------------------------------------------------------------------


def test_fm13_2_personality_rights_150000_is_the_per_case_fee_plus_the_damages_share() -> None:
    """100 + 1% of 50,000 + 0.5% of 50,000 = 850; version 3 charged the property bands' 3,300."""
    data = _filing("online_personal_rights", _money("150000"), rights_kind="personality")
    track, fee = assess_by_case_type(data, SETTINGS)
    assert fee is not None and (track, fee.fee_due) == ("ordinary", Decimal("850.00"))
    legacy = assess(data, SETTINGS)[1]
    assert legacy is not None and legacy.fee_due == Decimal("3300.00")


def test_fm13_2_personality_rights_damages_up_to_50000_add_nothing() -> None:
    assert property_fee(Decimal("50000"), case_kind="personal_rights").full_fee == Decimal("100.00")
    assert property_fee(Decimal("0"), case_kind="personal_rights").full_fee == Decimal("100.00")
    assert property_fee(Decimal("100000"), case_kind="personal_rights").full_fee == Decimal("600.00")


def test_fm13_2_the_personality_rights_fee_is_a_setting_between_100_and_500() -> None:
    highest = FeeSettings(personal_rights_fee=Decimal(500))
    assert property_fee(Decimal(0), case_kind="personal_rights", settings=highest).full_fee == Decimal("500.00")
    with pytest.raises(FeeError):
        FeeSettings(personal_rights_fee=Decimal(600))


def test_fm13_2_a_property_rights_infringement_pays_the_property_bands() -> None:
    data = _filing("online_personal_rights", _money("150000"), rights_kind="property")
    fee = assess_by_case_type(data, SETTINGS)[1]
    assert fee is not None and fee.fee_due == Decimal("3300.00")


def test_fm13_5_an_administrative_case_pays_50_on_the_ordinary_track() -> None:
    """Version 3 put it on small claims and charged 25."""
    track, fee = assess_by_case_type(_filing("administrative", _money("3000")), SETTINGS)
    assert fee is not None and (track, fee.fee_due) == ("ordinary", Decimal("50.00"))
    assert assess(_filing("administrative", _money("3000")), SETTINGS)[0] == "small_claims"


def test_fm13_3_an_ip_case_without_an_amount_pays_the_ip_fee_and_with_one_the_bands() -> None:
    transfer = {"text": "transfer the domain", "kind": "non_monetary"}
    fee = assess_by_case_type(_filing("domain_name", transfer), SETTINGS)[1]
    assert fee is not None and fee.fee_due == Decimal("1000.00")
    fee = assess_by_case_type(_filing("online_copyright_infringement", _money("8000")), SETTINGS)[1]
    assert fee is not None and fee.fee_due == Decimal("25.00")  # 50, halved on small claims (FM 16)


def test_fm13_a_non_monetary_claim_is_charged_as_non_property_and_a_mixed_filing_adds_both() -> None:
    apology = {"text": "apologise", "kind": "non_monetary"}
    only = assess_by_case_type(_filing("online_service", apology), SETTINGS)
    assert only[1] is not None and only == ("ordinary", only[1]) and only[1].fee_due == Decimal("100.00")
    track, fee = assess_by_case_type(_filing("online_shopping", _money("3999"), apology), SETTINGS)
    assert fee is not None and (track, fee.fee_due) == ("ordinary", Decimal("150.00"))
    assert "FM 13 property bands" in fee.rule and "non-property" in fee.rule
    assert "《诉讼费用交纳办法》第十三条 其他非财产案件" in fee.explain("zh")


def test_microcourt_fee_computes_a_personality_rights_case(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_fee_parser(parser.add_subparsers())
    args = parser.parse_args(["fee", "150000", "--case-kind", "personal_rights", "--lang", "en"])
    assert args.func(args) == 0
    assert "Fee due: 850.00 yuan" in capsys.readouterr().out


# --- tracks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case_type", ["administrative", "public_interest", "online_copyright_ownership"])
def test_cpl166_interp257_no_small_claims_for_administrative_public_interest_or_title_cases(case_type: str) -> None:
    assert assess_by_case_type(_filing(case_type, _money("3000")), SETTINGS)[0] == "ordinary"


def test_cpl165_a_claim_that_is_not_money_is_never_small_claims() -> None:
    apology = {"text": "apologise", "kind": "non_monetary"}
    assert assess_by_case_type(_filing("online_shopping", _money("100"), apology), SETTINGS)[0] == "ordinary"


def test_cpl165_2_agreement_reaches_small_claims_up_to_four_times_the_ceiling() -> None:
    agreed = _filing("online_shopping", _money("200000"), small_claims_agreement="yes")
    assert assess_by_case_type(agreed, SETTINGS)[0] == "small_claims"
    assert assess_by_case_type({**agreed, "claims": [_money("200000.01")]}, SETTINGS)[0] == "ordinary"
    assert small_claims_by_agreement_possible(_filing("online_shopping", _money("150000")), SETTINGS)
    assert not small_claims_by_agreement_possible(_filing("online_shopping", _money("40000")), SETTINGS)
    assert not small_claims_by_agreement_possible(_filing("online_shopping", _money("250000")), SETTINGS)
    assert not small_claims_by_agreement_possible(_filing("public_interest", _money("150000")), SETTINGS)


# --- case numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("case_type", "category"), [("administrative", "行初"), ("online_loan", "民初")])
def test_case_number_category_follows_the_case_type(case_type: str, category: str) -> None:
    ctx = FlowContext(datetime(2026, 12, 1, tzinfo=UTC))
    assert request_typed_case_number({"case_type": case_type}, ctx) == [
        ServiceCall("allocate_case_number", {"category": category})
    ]


def test_cpl124_a_domicile_is_shown_masked() -> None:
    assert masked_address("浙江省杭州市西湖区文三路1号") == "浙江省杭州市********"
    assert "文三路" not in masked_address("浙江省杭州市西湖区文三路1号")


# --- texts that state the law (both languages) -------------------------------------------------


def _say(key: str, params: dict[str, Any], locale: str) -> str:
    return CATALOG.render(key, locale, params)


def test_cpl171_the_refusal_counts_the_appeal_period_from_service() -> None:
    text = _say("filing.closed_refused", {"reference": "R", "reasons": "x"}, "en")
    assert "from the day this ruling is served on you (CPL 171)" in text
    assert "送达之日起10日内上诉" in _say("filing.closed_refused", {"reference": "R", "reasons": "x"}, "zh")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_plaintiff_is_not_told_the_defendant_has_been_served_when_service_goes_offline(locale: str) -> None:
    text = _say("filing.wait_answer", reference({"case_number": "N"}), locale)
    assert "has been served" not in text and "已向被告送达" not in text
    assert "CPL 128" in text or "第128条" in text


def test_interp275_small_claims_defendants_are_told_the_court_sets_at_most_15_days() -> None:
    small = reference({"track": "small_claims"})
    assert "at most 15 days from service (Interp. 275)" in _say("filing.wait_answer", small, "en")
    assert "最长不超过15日" in _say("filing.wait_answer", small, "zh")
    assert "15 days from service of the complaint copy (CPL 128)" in _say("filing.wait_answer", reference({}), "en")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_interp213_treated_as_withdrawn_cites_its_basis(locale: str) -> None:
    for key in ("filing.payment_expired", "filing.closed_withdrawn"):
        text = _say(key, {"case_number": "N"}, locale)
        assert "Interp. 213" in text or "第213条" in text


def test_interp211_a_filing_for_another_court_is_told_which_court_to_sue_in() -> None:
    text = _say("filing.closed_routed", {"reference": "R"}, "en")
    assert "recorded for transfer" not in text and "has not been sent to any court" in text
    assert "Interp. 211" in text and "where the defendant is domiciled (CPL 22)" in text
    assert "第211条" in _say("filing.closed_routed", {"reference": "R"}, "zh")


def test_ep50_the_evidence_notice_states_the_period_and_the_consequence_of_late_evidence() -> None:
    en = _say("filing.evidence_notice", fee_notice({"track": "small_claims"}), "en")
    assert "true and lawful (CPL 67)" not in en
    assert "at most 7 days (EP 51)" in en and "CPL 68" in en and "EP 50" in en
    zh = _say("filing.evidence_notice", fee_notice({"track": "ordinary"}), "zh")
    assert "不少于15日" in zh and "逾期提供证据" in zh


def test_cpl128_service_after_payment_is_counted_from_acceptance() -> None:
    assert "within 5 days of acceptance" in _say("filing.wait_service", {"case_number": "N"}, "en")
    assert "立案之日起5日内" in _say("filing.wait_service", {"case_number": "N"}, "zh")


def test_olr9_the_correction_period_is_the_courts_not_olr_9s() -> None:
    en = _say("filing.correction_list", {}, "en")
    assert "7 days to fix them (OLR 9)" not in en and "the correction period this court sets" in en
    assert "本院确定的补正期限" in _say("filing.correction_list", {}, "zh")


def test_fm16_is_quoted_as_the_summary_procedure_half_fee() -> None:
    fee = property_fee(Decimal("8000"), track="small_claims")
    assert "small claims are part (CPL 165)" in fee.explain("en")
    assert "第十六条 适用简易程序审理的案件减半交纳" in fee.explain("zh")
