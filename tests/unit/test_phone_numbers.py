"""Phone numbers in a filing (filing.validators.phone): the separators people write are accepted."""

from __future__ import annotations

from typing import Any

import pytest

from filing.validators import e_address, phone
from flows.registry import InputError

NO_SPEC: Any = None
NO_CONTEXT: Any = None


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138－0013－8000", "13800138000"),  # full-width hyphens, as a Chinese keyboard types them
        ("138.0013.8000", "13800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("0571-88888888", "057188888888"),
        ("(0571) 8888-8888", "057188888888"),
        ("（0571）88888888", "057188888888"),
    ],
)
def test_a_phone_number_with_the_usual_separators_is_accepted(written: str, kept: str) -> None:
    assert phone(written, NO_SPEC, NO_CONTEXT) == kept


@pytest.mark.parametrize("written", ["138-0013-800", "23800138000", "138/0013/8000", "phone me", ""])
def test_what_is_not_a_phone_number_is_refused(written: str) -> None:
    with pytest.raises(InputError) as refused:
        phone(written, NO_SPEC, NO_CONTEXT)
    assert refused.value.code == "phone"


def test_an_e_service_mobile_number_takes_the_same_separators() -> None:
    assert e_address("138-0013-8000", NO_SPEC, NO_CONTEXT) == "138-0013-8000"
