"""Identity document numbers: mainland resident ID and Unified Social Credit Code.

Pure functions, no I/O and no clock: the caller passes ``today``.

- Resident ID: GB 11643-1999, 18 characters (DOMAIN §2.2).
- Unified Social Credit Code of a legal person: GB 32100-2015, 18 characters.
- A stored resident ID number is looked up by a keyed hash and shown to staff masked.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CREDIT_CODE_CHARSET",
    "InvalidCreditCode",
    "InvalidIdNumber",
    "ResidentId",
    "credit_code_check_char",
    "id_number_hash",
    "id_number_key",
    "masked_id_number",
    "parse_credit_code",
    "parse_resident_id",
    "resident_id_check_char",
]

IdErrorCode = Literal["id_length", "id_format", "id_region", "id_birth_date", "id_checksum"]
CreditCodeErrorCode = Literal["credit_code_length", "credit_code_format", "credit_code_checksum"]

# GB 11643-1999 / ISO 7064 MOD 11-2: weight of each of the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Remainder 0..10 of the weighted sum -> check character.
_ID_CHECK_CHARS = "10X98765432"
# First two digits of the region code: province-level codes in use
# (11-15 north, 21-23 north-east, 31-37 east, 41-46 south-central, 50-54 south-west,
# 61-65 north-west, 71 Taiwan, 81 Hong Kong, 82 Macao, 83 Taiwan residents' permits, 91 abroad).
_PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82, 83, 91]
)
_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# GB 32100-2015: 31 characters (no I, O, S, V, Z); a character's value is its index.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidIdNumber(ValueError):
    """A resident ID number that fails GB 11643-1999; ``code`` says which rule."""

    def __init__(self, code: IdErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code: IdErrorCode = code


class InvalidCreditCode(ValueError):
    """A Unified Social Credit Code that fails GB 32100-2015; ``code`` says which rule."""

    def __init__(self, code: CreditCodeErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code: CreditCodeErrorCode = code


@dataclass(frozen=True)
class ResidentId:
    """What a valid 18-character resident ID number encodes (GB 11643-1999)."""

    number: str
    region_code: str
    birth_date: datetime.date
    sequence: str
    sex: Literal["male", "female"]

    def masked(self) -> str:
        """The number with the birth date hidden: first 6 and last 4 characters kept."""
        return masked_id_number(self.number)


def _normalise(raw: str) -> str:
    """Drop all whitespace (people type groups) and upper-case letters."""
    return "".join(raw.split()).upper()


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _birth_date(digits: str, today: datetime.date) -> datetime.date:
    """The YYYYMMDD birth date: a real calendar date, from 1900-01-01 up to ``today``."""
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise InvalidIdNumber("id_birth_date", f"{digits} is not a calendar date") from exc
    if born < _EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber("id_birth_date", f"{born} is before {_EARLIEST_BIRTH_DATE}")
    if born > today:
        raise InvalidIdNumber("id_birth_date", f"{born} is in the future")
    return born


def parse_resident_id(raw: str, today: datetime.date) -> ResidentId:
    """Validate a mainland resident ID number (DOMAIN §2.2) and return what it encodes.

    Checks, in order: length, characters, province code, birth date, check character.
    Raises InvalidIdNumber with the code of the first rule that fails.
    """
    number = _normalise(raw)
    if len(number) != 18:
        raise InvalidIdNumber("id_length", f"expected 18 characters, got {len(number)}")
    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or not (check == "X" or check.isdigit()):
        raise InvalidIdNumber("id_format", "17 digits then a digit or X expected")
    if int(number[:2]) not in _PROVINCE_CODES:
        raise InvalidIdNumber("id_region", f"{number[:2]} is not a province code")
    born = _birth_date(number[6:14], today)
    if resident_id_check_char(body) != check:
        raise InvalidIdNumber("id_checksum", "check character does not match")
    sequence = number[14:17]
    return ResidentId(
        number=number,
        region_code=number[:6],
        birth_date=born,
        sequence=sequence,
        sex="male" if int(sequence) % 2 == 1 else "female",
    )


def id_number_key(secret: str) -> bytes:
    """A key for ID-number hashes, derived from the sealing secret (never the secret itself)."""
    return hmac.new(secret.encode(), b"microcourt/identity/id-number/v1", hashlib.sha256).digest()


def id_number_hash(key: bytes, number: str) -> str:
    """HMAC-SHA256 of a normalised ID number: look-ups without the plain number.

    A plain SHA-256 would not do: there are few enough valid ID numbers to try them all.
    """
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def masked_id_number(number: str) -> str:
    """An ID number with the birth date and sequence hidden, for staff screens."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else ""


def credit_code_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def parse_credit_code(raw: str) -> str:
    """Validate a Unified Social Credit Code (GB 32100-2015); return it normalised.

    Whitespace is dropped and letters upper-cased. Raises InvalidCreditCode.
    """
    code = _normalise(raw)
    if len(code) != 18:
        raise InvalidCreditCode("credit_code_length", f"expected 18 characters, got {len(code)}")
    bad = sorted({char for char in code if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise InvalidCreditCode("credit_code_format", f"characters not allowed: {''.join(bad)}")
    if credit_code_check_char(code[:17]) != code[17]:
        raise InvalidCreditCode("credit_code_checksum", "check character does not match")
    return code
