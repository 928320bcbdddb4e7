"""Litigation fees under the Litigation Fee Measures (FM, State Council Decree 481, 2007).

Pure functions on ``Decimal`` (never ``float``). Numbers the law leaves to a province or a court
(non-property fees, rounding, whether halvings stack) live in ``FeeSettings``; the FM 13 property
bands are national law and live in ``FM13_BANDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from court.texts import has_text, text

Locale = Literal["zh", "en"]

TRACKS: tuple[str, ...] = ("small_claims", "summary", "ordinary")
CASE_KINDS: tuple[str, ...] = (
    "property",
    "labour_pay",
    "labour",
    "non_property",
    "personal_rights",
    "ip_no_amount",
    "administrative",
    "administrative_special",
)

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12

# FM 13(2)(3): the ranges a province may choose within.
NON_PROPERTY_RANGE = (Decimal(50), Decimal(100))
PERSONAL_RIGHTS_RANGE = (Decimal(100), Decimal(500))
IP_NO_AMOUNT_RANGE = (Decimal(500), Decimal(1000))

RULE_PROPERTY = "FM 13 property bands"
RULE_LABOUR = "FM 13 labour dispute fee per case"
RULE_NON_PROPERTY = "FM 13 other non-property fee per case"
RULE_PERSONAL_RIGHTS = "FM 13(2) personality-rights case fee per case, plus a share of damages above 50,000"
RULE_IP_NO_AMOUNT = "FM 13 IP case without an amount, fee per case"
RULE_ADMINISTRATIVE = "FM 13 administrative case fee per case"
RULE_ADMINISTRATIVE_SPECIAL = "FM 13 trademark, patent or maritime administrative case fee per case"
RULE_LABOUR_PAY = "FM 20 labour pay: nothing paid in advance"
HALF_SMALL_CLAIMS = "FM 16 half fee for the summary procedure, of which small claims are part (CPL 165)"
HALF_SUMMARY = "FM 16 summary procedure half fee"
HALF_COUNTERCLAIM = "FM 18 counterclaim half fee"

RULE_NAMES_ZH: dict[str, str] = {
    RULE_PROPERTY: "《诉讼费用交纳办法》第十三条 财产案件分段累计交纳",
    RULE_LABOUR: "《诉讼费用交纳办法》第十三条 劳动争议案件每件交纳",
    RULE_NON_PROPERTY: "《诉讼费用交纳办法》第十三条 其他非财产案件每件交纳",
    RULE_PERSONAL_RIGHTS: (
        "《诉讼费用交纳办法》第十三条第（二）项 侵害人格权的案件每件交纳，损害赔偿超过5万元的部分另行交纳"
    ),
    RULE_IP_NO_AMOUNT: "《诉讼费用交纳办法》第十三条 没有争议金额的知识产权民事案件每件交纳",
    RULE_ADMINISTRATIVE: "《诉讼费用交纳办法》第十三条 行政案件每件交纳",
    RULE_ADMINISTRATIVE_SPECIAL: "《诉讼费用交纳办法》第十三条 商标、专利、海事行政案件每件交纳",
    RULE_LABOUR_PAY: "《诉讼费用交纳办法》第二十条 追索劳动报酬的案件不预交案件受理费",
    HALF_SMALL_CLAIMS: (
        "《诉讼费用交纳办法》第十六条 适用简易程序审理的案件减半交纳"
        "（小额诉讼程序属简易程序，民事诉讼法第一百六十五条）"
    ),
    HALF_SUMMARY: "《诉讼费用交纳办法》第十六条 适用简易程序减半交纳",
    HALF_COUNTERCLAIM: "《诉讼费用交纳办法》第十八条 反诉减半交纳",
}

_FLAT_RULES: dict[str, str] = {
    "labour": RULE_LABOUR,
    "labour_pay": RULE_LABOUR,
    "non_property": RULE_NON_PROPERTY,
    "personal_rights": RULE_PERSONAL_RIGHTS,
    "ip_no_amount": RULE_IP_NO_AMOUNT,
    "administrative": RULE_ADMINISTRATIVE,
    "administrative_special": RULE_ADMINISTRATIVE_SPECIAL,
}


class FeeError(ValueError):
    """A fee cannot be computed; ``code`` is a key under ``fees.errors`` in court/texts."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def error_text(code: str, locale: Locale) -> str:
    """Render a fee error code in one language, telling the person what to do next."""
    key = f"fees.errors.{code}"
    if not has_text(key):
        return code
    separator = "、" if locale == "zh" else ", "
    return text(key, locale, kinds=separator.join(CASE_KINDS))


@dataclass(frozen=True)
class Band:
    """One band of FM 13(1): the part of the claim from ``lower`` to ``upper`` pays ``rate`` or ``flat``."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal | None = None
    flat: Decimal | None = None


# FM 13(1): property cases, summed band by band on the amount claimed.
FM13_BANDS: tuple[Band, ...] = (
    Band(Decimal(0), Decimal(10000), flat=Decimal(50)),
    Band(Decimal(10000), Decimal(100000), rate=Decimal("0.025")),
    Band(Decimal(100000), Decimal(200000), rate=Decimal("0.02")),
    Band(Decimal(200000), Decimal(500000), rate=Decimal("0.015")),
    Band(Decimal(500000), Decimal(1000000), rate=Decimal("0.01")),
    Band(Decimal(1000000), Decimal(2000000), rate=Decimal("0.009")),
    Band(Decimal(2000000), Decimal(5000000), rate=Decimal("0.008")),
    Band(Decimal(5000000), Decimal(10000000), rate=Decimal("0.007")),
    Band(Decimal(10000000), Decimal(20000000), rate=Decimal("0.006")),
    Band(Decimal(20000000), None, rate=Decimal("0.005")),
)

# FM 13(2)(2): a personality-rights case (name, likeness, reputation, honour, privacy and other
# personality rights) pays a per-case fee; damages claimed in it add nothing up to 50,000 yuan,
# 1% of the part from 50,000 to 100,000 and 0.5% of the part above 100,000.
PERSONAL_RIGHTS_DAMAGES_BANDS: tuple[Band, ...] = (
    Band(Decimal(50000), Decimal(100000), rate=Decimal("0.01")),
    Band(Decimal(100000), None, rate=Decimal("0.005")),
)


@dataclass(frozen=True)
class FeeSettings:
    """Per-court fee settings: rounding, which halvings apply and the FM 13 non-property fees."""

    quantum: Decimal = FEN
    rounding: str = ROUND_HALF_UP
    half_fee_tracks: frozenset[str] = frozenset({"small_claims", "summary"})
    single_halving: bool = True
    labour_fee: Decimal = Decimal(10)
    non_property_fee: Decimal = Decimal(100)
    personal_rights_fee: Decimal = Decimal(100)
    ip_no_amount_fee: Decimal = Decimal(1000)
    administrative_fee: Decimal = Decimal(50)
    administrative_special_fee: Decimal = Decimal(100)

    def __post_init__(self) -> None:
        """Reject settings outside what FM 13 allows, so a bad setting fails at start-up."""
        if self.quantum <= 0:
            raise FeeError("setting_out_of_range", "quantum must be positive")
        if not self.half_fee_tracks <= set(TRACKS):
            raise FeeError("setting_out_of_range", f"half_fee_tracks {sorted(self.half_fee_tracks)}")
        _check_range("non_property_fee", self.non_property_fee, NON_PROPERTY_RANGE)
        _check_range("personal_rights_fee", self.personal_rights_fee, PERSONAL_RIGHTS_RANGE)
        _check_range("ip_no_amount_fee", self.ip_no_amount_fee, IP_NO_AMOUNT_RANGE)
        for name in ("labour_fee", "administrative_fee", "administrative_special_fee"):
            if getattr(self, name) < 0:
                raise FeeError("setting_out_of_range", f"{name} is negative")

    def per_case_fee(self, case_kind: str) -> Decimal:
        """The FM 13 per-case fee for a non-property case kind."""
        fees = {
            "labour": self.labour_fee,
            "labour_pay": self.labour_fee,
            "non_property": self.non_property_fee,
            "personal_rights": self.personal_rights_fee,
            "ip_no_amount": self.ip_no_amount_fee,
            "administrative": self.administrative_fee,
            "administrative_special": self.administrative_special_fee,
        }
        return fees[case_kind]


def _check_range(name: str, value: Decimal, bounds: tuple[Decimal, Decimal]) -> None:
    """Raise ``setting_out_of_range`` unless ``value`` lies within ``bounds`` (inclusive)."""
    low, high = bounds
    if not low <= value <= high:
        raise FeeError("setting_out_of_range", f"{name}={value} not in {low}-{high}")


@dataclass(frozen=True)
class BandCharge:
    """What one FM 13 band contributed: ``portion`` of the claim, ``charged`` exact (unrounded)."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal | None
    flat: Decimal | None
    portion: Decimal
    charged: Decimal


@dataclass(frozen=True)
class FeeBreakdown:
    """A computed case acceptance fee with the rules that produced it."""

    amount_claimed: Decimal
    bands: list[BandCharge]
    full_fee: Decimal
    reductions: list[str]
    fee_due: Decimal
    rule: str
    case_kind: str = "property"
    track: str = "ordinary"
    grounds_not_applied: list[str] = field(default_factory=list)
    quantum: Decimal = FEN

    def explain(self, locale: Locale) -> str:
        """A human explanation of the fee in Chinese (``zh``) or English (``en``)."""
        if locale == "en":
            return "\n".join(_explain_en(self))
        if locale == "zh":
            return "\n".join(_explain_zh(self))
        raise ValueError(f"unknown locale {locale!r}: use 'zh' or 'en'")


def parse_amount(text: str) -> Decimal:
    """Parse a typed amount in yuan ("150000", "150,000.50") into a Decimal, or raise FeeError."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FeeError("amount_invalid", repr(text)) from None
    if not value.is_finite():
        raise FeeError("amount_invalid", repr(text))
    return value


def _checked_amount(amount: Decimal, *, must_be_positive: bool) -> Decimal:
    """Validate an amount in yuan: a finite Decimal (or int), to the fen, within 0..10^12."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise FeeError("amount_invalid", str(value))
    if must_be_positive and value <= 0:
        raise FeeError("amount_not_positive", str(value))
    if value < 0:
        raise FeeError("amount_negative", str(value))
    if value > MAX_AMOUNT:
        raise FeeError("amount_too_large", str(value))
    if value != value.quantize(FEN):
        raise FeeError("amount_sub_fen", str(value))
    return value


def fm13_band_charges(amount: Decimal) -> list[BandCharge]:
    """Split a property claim over the FM 13(1) bands; each charge is exact (not rounded)."""
    charges: list[BandCharge] = []
    for band in FM13_BANDS:
        if amount <= band.lower and band.flat is None:
            break
        top = amount if band.upper is None else min(amount, band.upper)
        portion = top - band.lower
        charged = band.flat if band.flat is not None else portion * (band.rate or Decimal(0))
        charges.append(BandCharge(band.lower, band.upper, band.rate, band.flat, portion, charged))
    return charges


def personal_rights_damages_charges(damages: Decimal) -> list[BandCharge]:
    """FM 13(2)(2): the damages claimed in a personality-rights case over the surcharge bands;
    nothing is charged on the first 50,000 yuan, so below that the list is empty."""
    charges: list[BandCharge] = []
    for band in PERSONAL_RIGHTS_DAMAGES_BANDS:
        if damages <= band.lower:
            break
        top = damages if band.upper is None else min(damages, band.upper)
        portion = top - band.lower
        charges.append(BandCharge(band.lower, band.upper, band.rate, None, portion, portion * (band.rate or 0)))
    return charges


def _halving_grounds(track: str, counterclaim: bool, settings: FeeSettings) -> list[str]:
    """The half-fee grounds present: FM 16 (small claims, summary) and FM 18 (counterclaim)."""
    grounds: list[str] = []
    if track in settings.half_fee_tracks:
        grounds.append(HALF_SMALL_CLAIMS if track == "small_claims" else HALF_SUMMARY)
    if counterclaim:
        grounds.append(HALF_COUNTERCLAIM)
    return grounds


def _round(value: Decimal, settings: FeeSettings) -> Decimal:
    """Round to the court's quantum (the fen by default) with its rounding mode."""
    return value.quantize(settings.quantum, rounding=settings.rounding)


def property_fee(
    amount: Decimal,
    *,
    track: str = "ordinary",
    case_kind: str = "property",
    counterclaim: bool = False,
    settings: FeeSettings = FeeSettings(),
) -> FeeBreakdown:
    """Compute the case acceptance fee (FM 13) with FM 16/18 halving and FM 20 labour pay.

    Property cases are summed band by band and the sum is rounded once; a halving is applied to
    the rounded full fee and rounded again. With ``settings.single_halving`` only the first
    ground is applied and the others are listed in ``grounds_not_applied``. For the other case
    kinds the amount may be 0 and is recorded but does not change the per-case fee.
    """
    if track not in TRACKS:
        raise FeeError("unknown_track", repr(track))
    if case_kind not in CASE_KINDS:
        raise FeeError("unknown_case_kind", repr(case_kind))
    value = _checked_amount(amount, must_be_positive=case_kind == "property")
    if case_kind == "ip_no_amount" and value > 0:  # FM 13(3): with an amount, the property bands
        raise FeeError("ip_with_amount", str(value))
    if case_kind == "property":
        bands = fm13_band_charges(value)
        full_fee = _round(sum((b.charged for b in bands), Decimal(0)), settings)
        rule = RULE_PROPERTY
    elif case_kind == "personal_rights":  # FM 13(2)(2): per case, plus a share of the damages
        bands = personal_rights_damages_charges(value)
        surcharge = sum((b.charged for b in bands), Decimal(0))
        full_fee = _round(settings.per_case_fee(case_kind) + surcharge, settings)
        rule = RULE_PERSONAL_RIGHTS
    else:
        bands = []
        full_fee = _round(settings.per_case_fee(case_kind), settings)
        rule = _FLAT_RULES[case_kind]
    labour_pay = case_kind == "labour_pay"
    grounds = [] if labour_pay else _halving_grounds(track, counterclaim, settings)
    applied = grounds[:1] if settings.single_halving else grounds
    fee_due = _round(full_fee * Decimal("0.5") ** len(applied), settings)
    if labour_pay:  # FM 20: nothing is paid in advance
        fee_due, rule = _round(Decimal(0), settings), RULE_LABOUR_PAY
    return FeeBreakdown(
        amount_claimed=value,
        bands=bands,
        full_fee=full_fee,
        reductions=applied,
        fee_due=fee_due,
        rule=rule,
        case_kind=case_kind,
        track=track,
        grounds_not_applied=grounds[len(applied) :],
        quantum=settings.quantum,
    )


def propose_track(
    amount: Decimal,
    *,
    small_claims_ceiling: Decimal,
    simple_money_claim: bool = True,
    summary_guide: Decimal | None = None,
    small_claims_agreed: bool = False,
) -> str:
    """Propose a track from the amount alone; the judge decides (CPL 160, 165-166).

    ``small_claims_ceiling`` is the province's figure for CPL 165(1): 50% of the previous year's
    average annual wage, a setting per province. With ``small_claims_agreed`` (CPL 165(2)) the
    parties may agree to small claims up to 200% of that wage, i.e. four times the ceiling.
    Small claims needs a simple money claim. Otherwise ``summary`` when ``summary_guide`` is
    given and the amount is at most that guide (a court setting: CPL 160 turns on clear facts and
    little dispute, not an amount), else ``ordinary``.
    """
    value = _checked_amount(amount, must_be_positive=True)
    if small_claims_ceiling <= 0 or (summary_guide is not None and summary_guide <= 0):
        raise FeeError("setting_out_of_range", "track ceilings must be positive")
    ceiling = small_claims_ceiling * 4 if small_claims_agreed else small_claims_ceiling
    if simple_money_claim and value <= ceiling:
        return "small_claims"
    if summary_guide is not None and value <= summary_guide:
        return "summary"
    return "ordinary"


def _money(value: Decimal, quantum: Decimal) -> str:
    """Format an amount of yuan with thousands separators, rounded half up to ``quantum``."""
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def _percent(rate: Decimal) -> str:
    """Format a rate such as 0.025 as '2.5%'."""
    return f"{(rate * 100).normalize():f}%"


def _band_line(charge: BandCharge, q: Decimal, locale: Locale) -> str:
    """One line of the band-by-band explanation."""
    lower, portion, charged = (_money(v, q) for v in (charge.lower, charge.portion, charge.charged))
    top = _money(charge.upper, q) if charge.upper is not None else None
    if charge.flat is not None:
        if locale == "en":
            return f"  up to {top}: flat {_money(charge.flat, q)}"
        return f"  {top}元以下：按件交纳{_money(charge.flat, q)}元"
    rate = _percent(charge.rate or Decimal(0))
    if locale == "en":
        span = f"{lower} to {top}" if top else f"above {lower}"
        return f"  {span}: {portion} × {rate} = {charged}"
    span = f"{lower}元至{top}元的部分" if top else f"超过{lower}元的部分"
    return f"  {span}：{portion}元 × {rate} = {charged}元"


def _explain_en(fee: FeeBreakdown) -> list[str]:
    """English explanation lines."""
    q = fee.quantum
    kind = text(f"fees.case_kind.{fee.case_kind}", "en")
    lines = [f"Amount claimed: {_money(fee.amount_claimed, q)} yuan ({kind})."]
    if fee.case_kind == "personal_rights":
        base = fee.full_fee - sum((b.charged for b in fee.bands), Decimal(0))
        lines.append(f"Rule: {RULE_PERSONAL_RIGHTS}: {_money(base, q)} yuan per case.")
        lines += [_band_line(c, q, "en") for c in fee.bands]
        lines.append(f"Full fee: {_money(fee.full_fee, q)} yuan.")
    elif fee.bands:
        lines.append(f"Rule: {RULE_PROPERTY}, summed band by band:")
        lines += [_band_line(c, q, "en") for c in fee.bands]
        lines.append(f"Full fee: {_money(fee.full_fee, q)} yuan (rounded to {q} yuan).")
    else:
        lines.append(f"Rule: {_FLAT_RULES[fee.case_kind]}: {_money(fee.full_fee, q)} yuan.")
    if fee.rule == RULE_LABOUR_PAY:
        lines.append(f"Rule: {RULE_LABOUR_PAY}; the fee is settled at the end of the case.")
    for name in fee.reductions:
        lines.append(f"Reduction: {name}.")
    for name in fee.grounds_not_applied:
        lines.append(f"Also a ground, not applied: {name} (the fee is halved only once).")
    lines.append(f"Fee due now: {_money(fee.fee_due, q)} yuan.")
    return lines


def _explain_zh(fee: FeeBreakdown) -> list[str]:
    """Chinese explanation lines."""
    q = fee.quantum
    kind = text(f"fees.case_kind.{fee.case_kind}", "zh")
    lines = [f"诉讼请求金额：{_money(fee.amount_claimed, q)}元（{kind}）。"]
    if fee.case_kind == "personal_rights":
        base = fee.full_fee - sum((b.charged for b in fee.bands), Decimal(0))
        lines.append(f"依据：{RULE_NAMES_ZH[RULE_PERSONAL_RIGHTS]}：每件{_money(base, q)}元。")
        lines += [_band_line(c, q, "zh") for c in fee.bands]
        lines.append(f"案件受理费：{_money(fee.full_fee, q)}元。")
    elif fee.bands:
        lines.append(f"依据：{RULE_NAMES_ZH[RULE_PROPERTY]}：")
        lines += [_band_line(c, q, "zh") for c in fee.bands]
        lines.append(f"案件受理费：{_money(fee.full_fee, q)}元（精确到{q}元，四舍五入）。")
    else:
        rule = RULE_NAMES_ZH[_FLAT_RULES[fee.case_kind]]
        lines.append(f"依据：{rule}：{_money(fee.full_fee, q)}元。")
    if fee.rule == RULE_LABOUR_PAY:
        lines.append(f"依据：{RULE_NAMES_ZH[RULE_LABOUR_PAY]}，案件受理费在结案时处理。")
    for name in fee.reductions:
        lines.append(f"减免：{RULE_NAMES_ZH[name]}。")
    for name in fee.grounds_not_applied:
        lines.append(f"另有减半事由未再适用：{RULE_NAMES_ZH[name]}（只减半一次）。")
    lines.append(f"应预交：{_money(fee.fee_due, q)}元。")
    return lines
