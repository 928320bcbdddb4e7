"""Whether a defendant is domiciled abroad, read from the complaint's domicile (CPL 285, Interp. 549)."""

from __future__ import annotations

import pytest

from court.domicile import domiciled_abroad


@pytest.mark.parametrize(
    ("domicile", "abroad"),
    [
        ("福建省福州市鼓楼区五四路100号", False),
        ("No. 1 Wensan Road, Hangzhou, Zhejiang", False),
        ("上海市浦东新区", False),
        ("香港九龙弥敦道1号", True),  # Interp. 549: by analogy with the foreign-related rules
        ("Taipei, Taiwan", True),
        ("1 Raffles Place, Singapore 048616", True),
        ("", False),  # never given (filed before filing version 4): at home
    ],
)
def test_cpl285_a_domicile_outside_the_mainland_is_abroad(domicile: str, abroad: bool) -> None:
    assert domiciled_abroad({"domicile": domicile}) is abroad


def test_cpl285_a_case_that_says_so_itself_wins() -> None:
    assert domiciled_abroad({"domicile": "浙江省杭州市", "abroad": True}) is True
    assert domiciled_abroad({"domicile": "Singapore", "abroad": False}) is False
