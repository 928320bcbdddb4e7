"""The appeal's summary as a party reads it, in both languages: one item a line, the amount in yuan
or "not in money" (a ruling, FM 8), and the fee (FM 17)."""

from __future__ import annotations

from typing import Any

import pytest

from flows.texts import load_catalog
from judgment.appeal import summary_of
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
