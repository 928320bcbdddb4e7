"""Resident ID (GB 11643-1999, DOMAIN §2.2) and credit code (GB 32100-2015) validation.

Valid numbers are computed here with the standards' own formulas (weights 2^k mod 11 and
3^k mod 31), independently of the tables in identity.id_numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools

import pytest

from identity.id_numbers import (
    InvalidCreditCode,
    InvalidIdNumber,
    ResidentId,
    parse_credit_code,
    parse_resident_id,
)

TODAY = datetime.date(2024, 6, 15)
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
NOT_PROVINCES = ["00", "10", "16", "20", "24", "30", "38", "47", "55", "72", "84", "90", "99"]
PROVINCE_RANGE_EDGES = ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"]
PROVINCE_RANGE_EDGES += ["71", "81", "82", "83", "91"]


def iso7064_mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 as the standard states it: weight of position i is 2^(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def resident_id(region: str, born: str, sequence: str) -> str:
    """A well-formed 18-character ID number with a correct check character."""
    first17 = region + born + sequence
    return first17 + iso7064_mod11_2(first17)


def credit_code(first17: str) -> str:
    """A credit code with its GB 32100-2015 check character (weights 3^i mod 31)."""
    total = sum(CREDIT_CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + CREDIT_CHARSET[(31 - total % 31) % 31]


def error_code(raw: str, today: datetime.date = TODAY) -> str:
    """The error code parse_resident_id raises for ``raw``."""
    with pytest.raises(InvalidIdNumber) as info:
        parse_resident_id(raw, today)
    return info.value.code


def test_gb11643_published_example_is_valid() -> None:
    """The standard's own example 11010519491231002X parses: X check char, female (even 002)."""
    parsed = parse_resident_id("11010519491231002X", TODAY)
    assert parsed == ResidentId(
        number="11010519491231002X",
        region_code="110105",
        birth_date=datetime.date(1949, 12, 31),
        sequence="002",
        sex="female",
    )


def test_domain_2_2_fields_of_a_computed_male_number() -> None:
    """DOMAIN §2.2: region, birth date, sequence and sex (odd sequence = male) are decoded."""
    number = resident_id("440305", "19880716", "137")
    parsed = parse_resident_id(number, TODAY)
    assert parsed.number == number
    assert parsed.region_code == "440305"
    assert parsed.birth_date == datetime.date(1988, 7, 16)
    assert parsed.sequence == "137"
    assert parsed.sex == "male"


def test_domain_2_2_even_sequence_is_female() -> None:
    """DOMAIN §2.2: an even sequence number means female."""
    assert parse_resident_id(resident_id("310101", "19700101", "048"), TODAY).sex == "female"


def test_x_check_character_upper_and_lower_case_with_spaces() -> None:
    """A number whose check is X parses when typed with lower-case x and spaces."""
    first17 = next(
        f"32010219900307{seq:03d}" for seq in range(1000) if iso7064_mod11_2(f"32010219900307{seq:03d}") == "X"
    )
    typed = f" {first17[:6]} {first17[6:14]} {first17[14:]}x "
    assert parse_resident_id(typed, TODAY).number == first17 + "X"


def test_every_check_value_0_to_10_is_accepted() -> None:
    """ISO 7064 MOD 11-2: numbers with each of the 11 possible check characters all parse."""
    numbers = {resident_id("510104", "19920304", f"{seq:03d}") for seq in range(200)}
    assert {n[-1] for n in numbers} == set("0123456789X")
    for number in numbers:
        assert parse_resident_id(number, TODAY).number == number


@pytest.mark.parametrize("raw", ["", "11010519491231002", "11010519491231002X1", "110105491231002"])
def test_id_length_not_18_characters(raw: str) -> None:
    """GB 11643-1999: anything but 18 characters (incl. the old 15-digit form) is id_length."""
    assert error_code(raw) == "id_length"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100XX",  # X before the last position
        "11010519491231002Y",  # check character neither digit nor X
        "11010519A91231002X",  # letter in the body
        "１１０１０５19491231002X",  # full-width digits are not ASCII digits
        "1101051949-231002X",  # punctuation (17 characters plus one dash)
    ],
)
def test_id_format_non_digits(raw: str) -> None:
    """GB 11643-1999: 17 digits then a digit or X; anything else is id_format."""
    assert error_code(raw) == "id_format"


@pytest.mark.parametrize("province", NOT_PROVINCES)
def test_id_region_first_two_digits_not_a_province(province: str) -> None:
    """DOMAIN §2.2 region code: the first two digits must be a province-level code."""
    assert error_code(resident_id(province + "0101", "19800101", "001")) == "id_region"


@pytest.mark.parametrize("province", PROVINCE_RANGE_EDGES)
def test_id_region_edges_of_each_province_range_are_valid(province: str) -> None:
    """DOMAIN §2.2 region code: the first and last code of every province range is accepted."""
    number = resident_id(province + "0101", "19800101", "001")
    assert parse_resident_id(number, TODAY).region_code == province + "0101"


def test_id_birth_date_feb_29_leap_year_valid() -> None:
    """DOMAIN §2.2 real date: 29 February exists in 2000 and 1996."""
    for born in ("20000229", "19960229"):
        parsed = parse_resident_id(resident_id("110101", born, "011"), TODAY)
        assert parsed.birth_date.month == 2 and parsed.birth_date.day == 29


@pytest.mark.parametrize("born", ["20010229", "19000229", "19991301", "19990431", "19990000", "19990100"])
def test_id_birth_date_not_a_real_date(born: str) -> None:
    """DOMAIN §2.2 real date: 29 Feb of a non-leap year (incl. 1900), month 13, 31 April are refused."""
    assert error_code(resident_id("110101", born, "011")) == "id_birth_date"


def test_id_birth_date_before_1900() -> None:
    """A birth date before 1900-01-01 is id_birth_date; 1900-01-01 itself is accepted."""
    assert error_code(resident_id("110101", "18991231", "011")) == "id_birth_date"
    assert parse_resident_id(resident_id("110101", "19000101", "011"), TODAY).birth_date.year == 1900


def test_id_birth_date_in_the_future() -> None:
    """DOMAIN §2.2 not in the future: tomorrow is refused, today is accepted (clock injected)."""
    assert error_code(resident_id("110101", "20240616", "011")) == "id_birth_date"
    parsed = parse_resident_id(resident_id("110101", "20240615", "011"), TODAY)
    assert parsed.birth_date == TODAY
    later = datetime.date(2024, 6, 16)
    assert parse_resident_id(resident_id("110101", "20240616", "011"), later).birth_date == later


def test_id_checksum_every_wrong_check_character() -> None:
    """ISO 7064 MOD 11-2: each of the 10 wrong check characters is id_checksum."""
    good = resident_id("420102", "19850505", "123")
    for wrong in sorted(set("0123456789X") - {good[-1]}):
        assert error_code(good[:17] + wrong) == "id_checksum"


def test_id_checksum_detects_swapped_digits() -> None:
    """ISO 7064 MOD 11-2 catches a transposition of two adjacent different digits."""
    good = resident_id("420102", "19850505", "123")
    swapped = good[:14] + good[15] + good[14] + good[16:]
    assert swapped != good
    assert error_code(swapped) == "id_checksum"


def test_first_failing_rule_is_reported() -> None:
    """Rules are checked in order: a bad region with a bad checksum reports id_region."""
    assert error_code("990101198001010010") == "id_region"
    assert error_code("110101201302290010") == "id_birth_date"


def test_masked_keeps_first_6_and_last_4() -> None:
    """DOMAIN §12.4 masking: the birth date and first sequence digits are hidden."""
    parsed = parse_resident_id("11010519491231002X", TODAY)
    assert parsed.masked() == "110105********002X"
    assert len(parsed.masked()) == 18


def test_resident_id_is_immutable_and_errors_are_value_errors() -> None:
    """ResidentId is frozen and InvalidIdNumber is a ValueError carrying its code."""
    parsed = parse_resident_id("11010519491231002X", TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.number = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="id_checksum"):
        parse_resident_id("110105194912310021", TODAY)


def test_credit_code_published_example_and_computed_codes() -> None:
    """GB 32100-2015: a published code and codes computed here parse and are normalised."""
    assert parse_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    for first17 in ("91110108MA01ABCDE", "12100000400000000", "5132000050000127X"):
        code = credit_code(first17)
        assert parse_credit_code(code) == code
        assert parse_credit_code(" " + code.lower() + " ") == code


def test_credit_code_check_value_31_maps_to_zero() -> None:
    """GB 32100-2015: when 31 - sum mod 31 is 31 the check character is 0."""
    first17 = next(
        "".join(chars)
        for chars in itertools.product("0123", repeat=17)
        if sum(int(c) * pow(3, i, 31) for i, c in enumerate(chars)) % 31 == 0
    )
    assert parse_credit_code(first17 + "0") == first17 + "0"


@pytest.mark.parametrize("raw", ["", "91350100M000100Y4", "91350100M000100Y431"])
def test_credit_code_length(raw: str) -> None:
    """GB 32100-2015: a code is 18 characters."""
    with pytest.raises(InvalidCreditCode) as info:
        parse_credit_code(raw)
    assert info.value.code == "credit_code_length"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-", "中"])
def test_credit_code_format_letters_outside_the_charset(letter: str) -> None:
    """GB 32100-2015: I, O, S, V, Z and non-alphanumerics are not in the code's charset."""
    with pytest.raises(InvalidCreditCode) as info:
        parse_credit_code("91350100M000100Y4" + letter)
    assert info.value.code == "credit_code_format"


def test_credit_code_checksum() -> None:
    """GB 32100-2015: every wrong check character is credit_code_checksum."""
    good = credit_code("91440300MA5F000X1")
    for wrong in (c for c in CREDIT_CHARSET if c != good[-1]):
        with pytest.raises(InvalidCreditCode) as info:
            parse_credit_code(good[:17] + wrong)
        assert info.value.code == "credit_code_checksum"


def test_one_name_written_with_other_spaces_width_or_case_is_the_same_name() -> None:
    """A filing's plaintiff name against the verified one (filing v2): writing aside, not spelling."""
    from identity.names import same_name

    assert same_name("张三", "张 三") and same_name("张三", "张　三")  # an ideographic space too
    assert same_name("ZHANG San", "zhang san") and same_name("Ｚｈａｎｇ", "Zhang")  # full-width letters
    assert not same_name("张三", "张山") and not same_name("张三", "")
