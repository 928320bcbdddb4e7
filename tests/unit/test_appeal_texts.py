"""The appeal's summary as a party reads it, in both languages: one item a line, the amount in yuan
or "not in money" (a ruling, FM 8), and the fee (FM 17)."""

from __future__ import annotations

from typing import Any

import pytest

from flows.texts import load_catalog
from judgment.appeal import offer_of, summary_of
from tests.support.appeal import judgment_object

CATALOG = load_catalog()


def _case(kind: str, amount: str | None) -> dict[str, Any]:
    appeal = {"grounds": "事实认定错误", "evidence": [{"name": "a.pdf", "sha256": "ab" * 32}]}
    if amount:
        appeal["amount"] = amount
    return {"case_number": "(2026)浙0192民初1号", "judgment": judgment_object(kind), "appeal": {"plaintiff": appeal}}


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        (
            "en",
            [
                "Grounds: 事实认定错误",
                "• a.pdf — SHA-256 " + "ab" * 32,
                "Amount appealed: 3000 yuan",
                "Appeal fee: 50.00 yuan",
            ],
        ),
        ("zh", ["上诉理由：事实认定错误", "• a.pdf，SHA-256 " + "ab" * 32, "上诉金额：3000 元", "上诉费：50.00 元"]),
    ],
)
def test_fm17_the_appeal_summary_shows_one_item_a_line_with_the_amount_and_its_fee(
    locale: str, lines: list[str]
) -> None:
    text = CATALOG.render("appeal.summary", locale, summary_of("plaintiff")(_case("judgment", "3000")))
    shown = text.split("\n")
    for line in lines:
        assert any(s.startswith(line) for s in shown), (line, text)


@pytest.mark.parametrize(("locale", "line"), [("en", "Amount appealed: not in money"), ("zh", "上诉金额：非金钱请求")])
def test_fm8_a_ruling_appealed_shows_no_amount_in_yuan_and_no_fee(locale: str, line: str) -> None:
    text = CATALOG.render("appeal.summary", locale, summary_of("plaintiff")(_case("ruling", None)))
    assert line in text.split("\n") and "FM 8" in text


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["within 15 days", "Your 15 days have not started yet", "I have received it"]),
        ("zh", ["15 日内", "您的 15 日上诉期限尚未开始计算", "确认收到"]),
    ],
)
def test_cpl90_olr31_an_offer_before_the_service_takes_effect_says_when_the_period_starts(
    locale: str, words: list[str]
) -> None:
    """The judgment served but its service on the party not yet effective: the offer says the days
    start when it takes effect and how (no countdown to show yet)."""
    case = {**_case("judgment", None), "_unstarted": {"appeal_plaintiff": "judgment.served_judgment"}}
    text = CATALOG.render("appeal.offer_own_period", locale, offer_of("plaintiff")(case))
    assert all(word in text for word in words), text


@pytest.mark.parametrize(
    ("locale", "words"), [("en", ["within 30 days", "are running and end"]), ("zh", ["30 日内", "届满"])]
)
def test_cpl286_a_running_period_abroad_is_30_days_and_the_offer_names_its_end(locale: str, words: list[str]) -> None:
    """Once running, the offer names the day the party's own period ends: 30 days abroad (CPL 286)."""
    due = "2026-12-20T15:59:59+00:00"
    case = {**_case("judgment", None), "_due": {"appeal_defendant": due}, "defendant": {"abroad": True}}
    text = CATALOG.render("appeal.offer_own_period", locale, offer_of("defendant")(case))
    assert all(word in text for word in words) and CATALOG.local_time(due) in text, text
    assert "not started" not in text and "尚未" not in text


def test_cpl171_a_ruling_offers_10_days() -> None:
    params = offer_of("plaintiff")(_case("ruling", None))
    assert params["days"] == 10 and params["period"]["t"] == "appeal.period_starts_on_service"
