"""Fees under the Litigation Fee Measures (FM 13, 16, 18, 20) and track proposals (CPL 165)."""

from __future__ import annotations

import argparse
from decimal import ROUND_HALF_UP, Decimal

import pytest

from court.cli_tools import add_fee_parser
from court.fees import (
    HALF_COUNTERCLAIM,
    HALF_SMALL_CLAIMS,
    HALF_SUMMARY,
    RULE_LABOUR_PAY,
    RULE_PROPERTY,
    FeeError,
    FeeSettings,
    error_text,
    parse_amount,
    property_fee,
    propose_track,
)

D = Decimal


# --- FM 13 property bands -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fee"),
    [("8000", "50.00"), ("150000", "3300.00"), ("3000000", "30800.00")],
)
def test_fm13_domain_worked_examples(amount: str, fee: str) -> None:
    """The worked examples of DOMAIN §5 give 50, 3,300 and 30,800."""
    result = property_fee(D(amount))
    assert result.full_fee == D(fee)
    assert result.fee_due == D(fee)
    assert result.rule == RULE_PROPERTY
    assert result.reductions == []


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        ("10000", "50.00"),
        ("100000", "2300.00"),
        ("200000", "4300.00"),
        ("500000", "8800.00"),
        ("1000000", "13800.00"),
        ("2000000", "22800.00"),
        ("5000000", "46800.00"),
        ("10000000", "81800.00"),
        ("20000000", "141800.00"),
    ],
)
def test_fm13_band_edges_give_cumulative_fee(amount: str, fee: str) -> None:
    """At the top of each band the fee equals the cumulative figure of FM 13, that band last."""
    result = property_fee(D(amount))
    assert result.full_fee == D(fee)
    assert result.bands[-1].upper == D(amount)


@pytest.mark.parametrize(
    ("amount", "fee", "next_rate"),
    [
        ("10000.01", "50.00", "0.025"),
        ("100000.01", "2300.00", "0.02"),
        ("200000.01", "4300.00", "0.015"),
        ("500000.01", "8800.00", "0.01"),
        ("1000000.01", "13800.00", "0.009"),
        ("2000000.01", "22800.00", "0.008"),
        ("5000000.01", "46800.00", "0.007"),
        ("10000000.01", "81800.00", "0.006"),
        ("20000000.01", "141800.00", "0.005"),
    ],
)
def test_fm13_one_cent_above_each_edge_opens_next_band(amount: str, fee: str, next_rate: str) -> None:
    """One fen above an edge charges the next band's rate on 0.01 only (rounds to the edge fee)."""
    result = property_fee(D(amount))
    assert result.full_fee == D(fee)
    last = result.bands[-1]
    assert last.portion == D("0.01")
    assert last.rate == D(next_rate)
    assert last.charged == D("0.01") * D(next_rate)


def test_fm13_band_breakdown_for_150000() -> None:
    """150,000 is 50 flat + 2.5% of 90,000 + 2% of 50,000."""
    bands = property_fee(D("150000")).bands
    assert [(b.lower, b.upper, b.portion, b.charged) for b in bands] == [
        (D("0"), D("10000"), D("10000"), D("50")),
        (D("10000"), D("100000"), D("90000"), D("2250.000")),
        (D("100000"), D("200000"), D("50000"), D("1000.00")),
    ]


@pytest.mark.parametrize(
    ("amount", "fee"),
    [("0.01", "50.00"), ("1500000", "18300.00"), ("25000000", "166800.00")],
)
def test_fm13_inside_bands_including_open_top_band(amount: str, fee: str) -> None:
    """A tiny claim pays 50 flat; mid-band and the open 0.5% band above 20M add correctly."""
    assert property_fee(D(amount)).full_fee == D(fee)


def test_fm13_rounds_to_the_fen_half_up() -> None:
    """10,000.20 gives 50.005, rounded half up to 50.01; 10,000.19 gives 50.00."""
    assert property_fee(D("10000.20")).full_fee == D("50.01")
    assert property_fee(D("10000.19")).full_fee == D("50.00")


def test_fm13_fees_are_decimal_quantized_to_the_fen() -> None:
    """Fee amounts are Decimals with exactly two places, never floats."""
    result = property_fee(D("123456.78"))
    assert isinstance(result.full_fee, Decimal) and isinstance(result.fee_due, Decimal)
    assert result.full_fee.as_tuple().exponent == -2


def test_fm13_rounding_quantum_is_a_setting() -> None:
    """A court rounding to the whole yuan gets 50 for 10,000.20."""
    settings = FeeSettings(quantum=D("1"), rounding=ROUND_HALF_UP)
    assert property_fee(D("10000.20"), settings=settings).full_fee == D("50")


# --- FM 16 / FM 18 halving ------------------------------------------------------------------


def test_fm16_small_claims_half_fee() -> None:
    """A small-claims case pays half: 8,000 → 25.00."""
    result = property_fee(D("8000"), track="small_claims")
    assert result.full_fee == D("50.00")
    assert result.fee_due == D("25.00")
    assert result.reductions == [HALF_SMALL_CLAIMS]


def test_fm16_summary_procedure_half_fee() -> None:
    """A summary-procedure case pays half: 150,000 → 1,650.00."""
    result = property_fee(D("150000"), track="summary")
    assert result.fee_due == D("1650.00")
    assert result.reductions == [HALF_SUMMARY]


def test_fm18_counterclaim_half_fee() -> None:
    """A counterclaim in ordinary procedure pays half."""
    result = property_fee(D("3000000"), counterclaim=True)
    assert result.fee_due == D("15400.00")
    assert result.reductions == [HALF_COUNTERCLAIM]


def test_fm16_fm18_single_halving_not_double() -> None:
    """A counterclaim in summary procedure is halved once, and the unused ground is named."""
    result = property_fee(D("150000"), track="summary", counterclaim=True)
    assert result.fee_due == D("1650.00")
    assert result.reductions == [HALF_SUMMARY]
    assert result.grounds_not_applied == [HALF_COUNTERCLAIM]


def test_fm16_fm18_double_halving_only_when_setting_allows() -> None:
    """With single_halving=False both halvings apply: 3,300 → 825."""
    settings = FeeSettings(single_halving=False)
    result = property_fee(D("150000"), track="summary", counterclaim=True, settings=settings)
    assert result.fee_due == D("825.00")
    assert result.reductions == [HALF_SUMMARY, HALF_COUNTERCLAIM]


def test_fm16_half_of_a_fee_with_odd_fen_rounds_half_up() -> None:
    """Half of 50.01 is 25.005, which rounds half up to 25.01."""
    assert property_fee(D("10000.20"), track="summary").fee_due == D("25.01")


def test_fm16_half_fee_tracks_are_a_setting() -> None:
    """A court whose setting halves only small claims charges summary cases in full."""
    settings = FeeSettings(half_fee_tracks=frozenset({"small_claims"}))
    assert property_fee(D("150000"), track="summary", settings=settings).fee_due == D("3300.00")


def test_fm16_ordinary_track_pays_full_fee() -> None:
    """The ordinary track has no halving."""
    assert property_fee(D("150000"), track="ordinary").fee_due == D("3300.00")


# --- FM 13 non-property and FM 20 labour pay --------------------------------------------------


@pytest.mark.parametrize(
    ("case_kind", "fee"),
    [
        ("labour", "10.00"),
        ("non_property", "100.00"),
        ("ip_no_amount", "1000.00"),
        ("administrative", "50.00"),
        ("administrative_special", "100.00"),
    ],
)
def test_fm13_non_property_default_fees(case_kind: str, fee: str) -> None:
    """Per-case fees default to labour 10, other 100, IP 1,000, administrative 50/100."""
    result = property_fee(D("0"), case_kind=case_kind)
    assert result.fee_due == D(fee)
    assert result.bands == []


def test_fm13_non_property_fees_are_settings() -> None:
    """A province choosing 50 for other non-property cases and 500 for IP gets those fees."""
    settings = FeeSettings(non_property_fee=D("50"), ip_no_amount_fee=D("500"))
    assert property_fee(D("0"), case_kind="non_property", settings=settings).fee_due == D("50.00")
    assert property_fee(D("0"), case_kind="ip_no_amount", settings=settings).fee_due == D("500.00")


def test_fm13_3_ip_case_with_an_amount_is_refused() -> None:
    """An IP case with an amount in dispute pays on the property bands (FM 13(3)), not per case."""
    with pytest.raises(FeeError) as err:
        property_fee(D("500000"), case_kind="ip_no_amount")
    assert err.value.code == "ip_with_amount"
    assert "property" in error_text("ip_with_amount", "en") and "财产案件" in error_text("ip_with_amount", "zh")
    assert property_fee(D("500000"), case_kind="property").fee_due == D("8800.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"non_property_fee": D("49")},
        {"non_property_fee": D("101")},
        {"ip_no_amount_fee": D("499")},
        {"ip_no_amount_fee": D("1001")},
        {"labour_fee": D("-1")},
        {"quantum": D("0")},
        {"half_fee_tracks": frozenset({"express"})},
    ],
)
def test_fm13_settings_outside_allowed_ranges_are_rejected(kwargs: dict[str, object]) -> None:
    """Settings outside the FM 13 ranges (50-100, 500-1,000) fail when built."""
    with pytest.raises(FeeError) as err:
        FeeSettings(**kwargs)  # type: ignore[arg-type]
    assert err.value.code == "setting_out_of_range"


def test_fm16_summary_halves_a_non_property_fee() -> None:
    """FM 16 halving applies to per-case fees too: a labour dispute in summary pays 5."""
    assert property_fee(D("0"), case_kind="labour", track="summary").fee_due == D("5.00")


def test_fm20_labour_pay_nothing_in_advance() -> None:
    """A labour-pay claim pays nothing in advance, and the rule is named."""
    result = property_fee(D("30000"), case_kind="labour_pay")
    assert result.fee_due == D("0.00")
    assert result.rule == RULE_LABOUR_PAY
    assert result.amount_claimed == D("30000")


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "amount_not_positive"),
        ("-1", "amount_not_positive"),
        ("1000000000000.01", "amount_too_large"),
        ("NaN", "amount_invalid"),
        ("Infinity", "amount_invalid"),
        ("100.001", "amount_sub_fen"),
    ],
)
def test_fm13_bad_property_amounts_raise_fee_error(amount: str, code: str) -> None:
    """Zero, negative, above 10^12, non-finite and sub-fen amounts are refused with a code."""
    with pytest.raises(FeeError) as err:
        property_fee(D(amount))
    assert err.value.code == code


def test_fm13_amount_of_exactly_ten_to_the_twelve_is_accepted() -> None:
    """10^12 yuan is the largest amount accepted."""
    assert property_fee(D(10) ** 12).full_fee == D("5000041800.00")


def test_fm13_negative_amount_for_non_property_is_refused() -> None:
    """A non-property case may have amount 0 but not a negative one."""
    with pytest.raises(FeeError) as err:
        property_fee(D("-5"), case_kind="labour")
    assert err.value.code == "amount_negative"


def test_fm13_float_amount_is_a_type_error() -> None:
    """Floats are refused: money is Decimal throughout."""
    with pytest.raises(TypeError):
        property_fee(150000.0)  # type: ignore[arg-type]


def test_fm13_unknown_track_or_kind_raises_fee_error() -> None:
    """An unknown track or case kind is refused with its code."""
    with pytest.raises(FeeError) as err:
        property_fee(D("100"), track="express")
    assert err.value.code == "unknown_track"
    with pytest.raises(FeeError) as err:
        property_fee(D("100"), case_kind="divorce")
    assert err.value.code == "unknown_case_kind"


def test_parse_amount_accepts_thousands_separators() -> None:
    """Typed amounts like '150,000.50' parse to Decimal; words are refused."""
    assert parse_amount(" 150,000.50 ") == D("150000.50")
    with pytest.raises(FeeError) as err:
        parse_amount("ten thousand")
    assert err.value.code == "amount_invalid"


# --- explanation --------------------------------------------------------------------------------


def test_fm13_explain_in_english_shows_bands_and_reduction() -> None:
    """The English explanation lists each band, the full fee, the halving and the fee due."""
    text = property_fee(D("150000"), track="summary", counterclaim=True).explain("en")
    assert "90,000.00 × 2.5% = 2,250.00" in text
    assert "Full fee: 3,300.00 yuan" in text
    assert "FM 16 summary procedure half fee" in text
    assert "FM 18 counterclaim half fee (the fee is halved only once)" in text
    assert text.endswith("Fee due now: 1,650.00 yuan.")


def test_fm13_explain_in_chinese_names_the_measures() -> None:
    """The Chinese explanation cites the Measures article and ends with the amount due."""
    text = property_fee(D("150000"), track="small_claims").explain("zh")
    assert "《诉讼费用交纳办法》第十三条" in text
    assert "第十六条 适用简易程序审理的案件减半交纳" in text  # FM 16 as written: the summary procedure
    assert text.endswith("应预交：1,650.00元。")


def test_fm20_explain_says_nothing_in_advance() -> None:
    """The labour-pay explanation names FM 20 in both languages."""
    fee = property_fee(D("0"), case_kind="labour_pay")
    assert "FM 20" in fee.explain("en")
    assert "第二十条" in fee.explain("zh")


def test_explain_rejects_unknown_locale() -> None:
    """Only zh and en explanations exist."""
    with pytest.raises(ValueError):
        property_fee(D("8000")).explain("fr")  # type: ignore[arg-type]


# --- CPL 165 track proposal --------------------------------------------------------------------

CEILING = D("60000")  # an example province setting: 50% of last year's average annual wage


def test_cpl165_small_claims_up_to_the_ceiling() -> None:
    """A simple money claim at the province ceiling is proposed for small claims."""
    assert propose_track(D("60000"), small_claims_ceiling=CEILING) == "small_claims"


def test_cpl165_above_ceiling_goes_summary_or_ordinary_by_guide() -> None:
    """Above the ceiling: summary up to the court's guide amount, ordinary above it."""
    guide = D("500000")
    assert propose_track(D("60000.01"), small_claims_ceiling=CEILING, summary_guide=guide) == "summary"
    assert propose_track(D("500000.01"), small_claims_ceiling=CEILING, summary_guide=guide) == "ordinary"
    assert propose_track(D("60000.01"), small_claims_ceiling=CEILING) == "ordinary"


def test_cpl165_not_a_simple_money_claim_is_never_small_claims() -> None:
    """Small claims needs a simple money claim, whatever the amount."""
    track = propose_track(D("1000"), small_claims_ceiling=CEILING, simple_money_claim=False, summary_guide=D("5000"))
    assert track == "summary"


def test_cpl165_agreement_extends_small_claims_to_200_percent_of_wage() -> None:
    """By agreement small claims reach 200% of the average wage: four times the 50% ceiling."""

    def agreed(amount: str) -> str:
        """The proposal for ``amount`` when the parties agreed to small claims."""
        return propose_track(D(amount), small_claims_ceiling=CEILING, small_claims_agreed=True)

    assert agreed("240000") == "small_claims"
    assert agreed("240000.01") == "ordinary"


def test_cpl165_bad_inputs_are_refused() -> None:
    """A non-positive amount or ceiling is refused with a code."""
    with pytest.raises(FeeError) as err:
        propose_track(D("0"), small_claims_ceiling=CEILING)
    assert err.value.code == "amount_not_positive"
    with pytest.raises(FeeError) as err:
        propose_track(D("10"), small_claims_ceiling=D("0"))
    assert err.value.code == "setting_out_of_range"


# --- CLI ------------------------------------------------------------------------------------------


def _run_cli(argv: list[str]) -> int:
    """Parse ``argv`` with the fee sub-command registered and run its handler."""
    parser = argparse.ArgumentParser(prog="microcourt")
    add_fee_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_fee_prints_fee_and_english_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    """`fee 150000 --track summary --lang en` prints 1,650.00 and the FM 16 reduction."""
    assert _run_cli(["fee", "150000", "--track", "summary", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Fee due: 1,650.00 yuan")
    assert "FM 16 summary procedure half fee" in out


def test_cli_fee_chinese_with_case_kind(capsys: pytest.CaptureFixture[str]) -> None:
    """`fee 0 --case-kind labour --lang zh` prints the 10 yuan labour fee in Chinese."""
    assert _run_cli(["fee", "0", "--case-kind", "labour", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("应预交案件受理费: 10.00元")
    assert "劳动争议案件" in out


def test_cli_fee_fm13_3_ip_case_with_an_amount_exits_2_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    """`fee --case-kind ip_no_amount 500000` refuses in both languages and says what to do instead."""
    assert _run_cli(["fee", "--case-kind", "ip_no_amount", "500000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "错误：" in captured.err and "Error: " in captured.err
    assert "as a property case" in captured.err and "enter 0" in captured.err


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "1e13"])
def test_cli_fee_bad_amount_exits_2_bilingual(amount: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad amount prints a Chinese and an English message on stderr and exits 2."""
    assert _run_cli(["fee", amount]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "错误：" in captured.err and "Error: " in captured.err
    assert "yuan" in captured.err and "元" in captured.err
