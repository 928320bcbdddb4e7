"""Masking a judgment before it is published (DOMAIN §12.4): natural persons by surname, ID
numbers, phones, accounts, e-mail and addresses removed, companies named; in both languages."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from court.publication.document import masked_document, masking_of
from court.publication.masking import KINDS, Masking, mask, masked_name, masked_names
from court.texts import text
from tests.support.publication import (
    COMPANY,
    JUDGMENT_EN,
    JUDGMENT_ZH,
    PERSON_EN,
    PLAINTIFF_EN,
    PLAINTIFF_ZH,
)

ID_SHAPE = re.compile(r"\d{17}[\dXx]|\d{15}")
MOBILE_SHAPE = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")
LONG_DIGITS = re.compile(r"\d(?:[\s-]?\d){9,}")


def _removed(locale: str) -> dict[str, str]:
    return {kind: text(f"publication.removed.{kind}", locale) for kind in KINDS}


def _published(data: dict[str, object], locale: str) -> str:
    title, body = masked_document(data, masking_of(data, locale, ["李四"]))
    return f"{title}\n{body}"


def test_domain_12_4_a_chinese_judgment_keeps_surnames_and_the_company_and_loses_every_detail() -> None:
    """张三 → 张某 everywhere (even written 张 三), the company named, the ID number, phones,
    accounts, e-mail and both addresses gone, each replaced by a marker saying what was there."""
    data = {"plaintiff": PLAINTIFF_ZH, "defendant": COMPANY, "judgment": JUDGMENT_ZH}
    published = _published(data, "zh")
    for detail in (
        "张三",
        "张 三",
        "李四",
        "11010519491231002X",
        "13800138000",
        "139-0013-9000",
        "文三路",
        "五四路",
        "解放路88号",
        "shop@example.com",
        "6222 0212",
        "6217000010001234567",
        "88886666",
    ):
        assert detail not in published, detail
    assert "原告：张某" in published and "被告：某某电子商务有限公司" in published
    assert "张某通过被告网店购买手机" in published and "委托诉讼代理人李某" in published
    assert published.startswith("张某与某某电子商务有限公司网络购物合同纠纷")
    for marker in ("[身份证号已隐去]", "[电话号码已隐去]", "[账号已隐去]", "[电子邮箱已隐去]", "[地址已隐去]"):
        assert marker in published
    assert "3999元" in published and "2026年10月" in published  # amounts and dates are not personal


def test_domain_12_4_an_english_judgment_keeps_initials_and_loses_every_detail() -> None:
    """Wang Fang → W., Mr Li → Mr L.; the addresses (Room…, No. 100 Wusi Road; 18 Jiefang Road),
    the ID numbers, the phones (+86 and dashed), the e-mail and both accounts gone."""
    data = {"plaintiff": PLAINTIFF_EN, "defendant": PERSON_EN, "judgment": JUDGMENT_EN}
    published = _published(data, "en")
    for detail in (
        "Wang",
        "Fang",
        "Li Lei",
        "Mr Li",
        "320102198001011234",
        "44030419900307563X",
        "138 0013",
        "137-0013-7000",
        "lilei@example.org",
        "Wusi Road",
        "Room 1203",
        "Jiefang Road",
        "6222 0212",
    ):
        assert detail not in published, detail
    assert "Plaintiff: W." in published and "Defendant: L." in published
    assert "Ms W. paid 2,000 yuan" in published and "Mr L.'s account [account number removed]" in published
    assert "[address removed]" in published and "Gulou District" not in published
    assert "1,500 yuan" in published


def test_masked_names_follow_the_script_and_tell_namesakes_apart() -> None:
    """欧阳明华 → 欧阳某 (a two-character surname); two 王 become 王某甲 and 王某乙; two Z. get (A), (B)."""
    assert masked_name("欧阳明华") == "欧阳某" and masked_name("王芳") == "王某" and masked_name("Wang Fang") == "W."
    assert masked_names(["王芳", "王伟", "李雷"]) == {"王芳": "王某甲", "王伟": "王某乙", "李雷": "李某"}
    assert masked_names(["Zhang San", "Zhou Si"]) == {"Zhang San": "Z. (A)", "Zhou Si": "Z. (B)"}


def test_words_that_merely_look_like_cues_are_left_alone() -> None:
    """住院 (in hospital) is not an address; a case number and a sum of money are not accounts."""
    masking = Masking({}, _removed("zh"))
    line = "原告住院治疗三个月，案号(2026)浙0192民初1234号，损失共计12,345.67元。"
    assert mask(line, masking) == line


_CJK_NAME_CHARS = st.sampled_from(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
_GIVEN = st.sampled_from("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
_FILLER = st.text(alphabet="的了和在是有我他这中大为上个国不以到说时要就出也得里后自之于年月日，。；：元", max_size=12)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


_ID = st.builds(lambda body, check: body + check, _digits(17), st.sampled_from("0123456789X"))
_MOBILE = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"), _digits(9))
_GROUPED = st.builds(
    lambda a, b, c, sep: sep.join((a, b, c)), _digits(4), _digits(4), _digits(4), st.sampled_from(" -")
)
_ACCOUNT = st.one_of(_digits(16), _digits(19), _GROUPED)


@settings(max_examples=200, deadline=None)
@given(
    surname=_CJK_NAME_CHARS,
    given_name=st.lists(_GIVEN, min_size=1, max_size=2).map("".join),
    pieces=st.lists(st.tuples(_FILLER, st.one_of(_ID, _MOBILE, _ACCOUNT)), min_size=1, max_size=6),
    tail=_FILLER,
)
def test_property_no_id_number_phone_account_or_name_survives_in_chinese(
    surname: str, given_name: str, pieces: list[tuple[str, str]], tail: str
) -> None:
    """Whatever text surrounds them, no 18-character ID number, mobile number, run of ten or more
    digits, or the person's name is left after masking; the surname + 某 stands in."""
    name = surname + given_name
    body = "".join(f"{filler}{name}{detail}" for filler, detail in pieces) + tail
    masked = mask(body, Masking(masked_names([name]), _removed("zh")))
    assert name not in masked
    assert not ID_SHAPE.search(masked) and not MOBILE_SHAPE.search(masked) and not LONG_DIGITS.search(masked)
    assert masked.count(surname + "某") >= len(pieces)


_WORD = st.sampled_from(["the", "paid", "on", "and", "said", "court", "contract", "yuan", "5", "2026-10-01", ","])


@settings(max_examples=200, deadline=None)
@given(
    surname=st.sampled_from(["Wang", "Zhang", "Smith", "Ouyang", "Chen"]),
    given_name=st.sampled_from(["Fang", "Wei", "Mary", "Minghua", "Jie"]),
    pieces=st.lists(
        st.tuples(st.lists(_WORD, max_size=6).map(" ".join), st.one_of(_ID, _MOBILE, _ACCOUNT)), min_size=1
    ),
    mobile_prefix=st.sampled_from(["", "+86 ", "0086-"]),
)
def test_property_no_id_number_phone_account_or_name_survives_in_english(
    surname: str, given_name: str, pieces: list[tuple[str, str]], mobile_prefix: str
) -> None:
    """The same in English text, with Latin names in either order and phones with a country code."""
    name = f"{surname} {given_name}"
    body = " ".join(f"{words} {name} on {mobile_prefix}{detail} and {given_name} {surname}" for words, detail in pieces)
    masked = mask(body, Masking(masked_names([name]), _removed("en")))
    assert surname not in masked and name not in masked
    assert not ID_SHAPE.search(masked) and not MOBILE_SHAPE.search(masked) and not LONG_DIGITS.search(masked)


def test_the_published_orders_are_numbered_as_served_unless_they_already_are() -> None:
    """The judgment flow keeps its orders unnumbered and numbers them when served: so does the
    published text; orders written with their numbers (一、, 1.) keep them. A ruling's orders
    stand under 裁定如下, a judgment's under 判决如下."""
    plain = {**JUDGMENT_ZH, "orders": ["被告退还货款3999元。", "驳回原告其他诉讼请求。"]}
    data = {"plaintiff": PLAINTIFF_ZH, "defendant": COMPANY, "judgment": plain}
    published = _published(data, "zh")
    assert "1. 被告退还货款3999元。\n2. 驳回原告其他诉讼请求。" in published
    numbered = _published({**data, "judgment": JUDGMENT_ZH}, "zh")
    assert "\n一、被告某某电子商务有限公司" in numbered and "1. 一、" not in numbered
    assert "\n判决如下\n" in published and "\n裁定如下\n" not in published
    ruling = _published({**data, "judgment": {**plain, "kind": "ruling"}}, "zh")
    assert "\n裁定如下\n1. 被告退还货款3999元。" in ruling
