"""Masking a judgment before it is published (DOMAIN §12.4). Pure: text in, text out.

What goes, what stays (after the SPC's rules for publishing judgments online):
- natural persons keep their surname only: 张三 → 张某, 欧阳明 → 欧阳某; a name in Latin letters
  keeps its first letter: Zhang San → Z. (the surname comes first in pinyin; for a Western name it
  is the given name's letter, masked all the same). The masked form follows the name's script, not
  the judgment's language, because a judgment quotes a name as it was registered. Two people whose
  masked forms would meet are told apart: 张某甲, 张某乙; Z. (A), Z. (B);
- resident ID numbers, phone numbers, bank and other account numbers, e-mail addresses and
  addresses are removed, each replaced by a marker naming what was there ("[地址已隐去]");
- companies and other legal persons stay named (they are not masked at all: only the names given
  as natural persons' are).

Names and contact details the court knows (the parties' own, from the filing) are removed as
written; anything else is found by its shape (an 18-character ID number, a mainland mobile or
landline number, a long run of digits, an address after 住/住所地/位于…, or "No. 1 Wensan Road").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 南宫 西门 "
    "呼延 闻人 万俟 澹台 公冶 太叔 申屠 钟离 拓跋 百里 东郭 赫连 第五".split()
)
ORDINALS_ZH = "甲乙丙丁戊己庚辛壬癸"
KINDS = ("id_number", "phone", "account", "email", "address")  # what a marker may say was removed

_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ID_NUMBER = re.compile(_EDGE_L + r"(?:\d{17}[\dXx]|\d{15})" + _EDGE_R)
_MOBILE = r"(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"
_LANDLINE = r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?\d{7,8}(?:-\d{1,5})?"
_PHONE = re.compile(_EDGE_L + f"(?:{_MOBILE}|{_LANDLINE})" + _EDGE_R)
_ACCOUNT = re.compile(_EDGE_L + r"\d(?:[\s-]?\d){9,}" + _EDGE_R)  # ten digits or more, grouped or not
_ADDRESS_ZH = re.compile(
    rf"(?P<cue>住所地|住址|地址|居住于|居住在|家住|住(?![院宿房手])|位于|寄往|送至|寄至)(?P<link>为|是|：|:)?\s*"
    rf"(?P<place>[{CJK}0-9０-９A-Za-z\-－#＃]{{4,60}})"
)
_STREET_ZH = re.compile(
    rf"[{CJK}]{{1,4}}(?:路|街|巷|弄|大道|胡同)[0-9０-９一二三四五六七八九十百零〇]+(?:号|弄)"
    rf"(?:[0-9０-９A-Za-z一二三四五六七八九十\-－]+(?:号楼|幢|栋|楼|单元|层|室|号))*"
)
_PLACE_WORDS = re.compile(rf"[0-9０-９]|路|街|巷|弄|号|村|室|栋|幢|小区|大道|胡同|[{CJK}]{{2}}(?:省|市|区|县)")
_UNIT_EN = r"(?:(?:Room|Rm\.?|Flat|Unit|Apt\.?|Apartment|Building|Bldg\.?|Block|Floor)\s*[0-9A-Za-z-]+,?\s*)*"
_ROAD_EN = r"(?:Road|Street|Avenue|Lane|Alley|Boulevard|Drive|Rd|St|Ave)\b\.?"
_NAMED_EN = r"(?:[A-Z][A-Za-z']*\s+){1,4}"
_AREA_EN = r"(?:,\s*(?:[A-Z][A-Za-z']*\s+){1,3}(?:District|County|Town|Village|Township)\b)*"
_ADDRESS_EN = re.compile(
    _UNIT_EN
    + rf"(?:(?:No\.\s*)?\d+[A-Za-z]?(?:-\d+)?,?\s+{_NAMED_EN}{_ROAD_EN}|{_NAMED_EN}{_ROAD_EN},?\s+No\.\s*\d+[A-Za-z]?)"
    + _AREA_EN
)


@dataclass(frozen=True)
class Masking:
    """What to mask in one judgment: each natural person's name and its masked form, the details
    the court knows as written (their kind: `KINDS`), and the marker for each kind removed."""

    names: Mapping[str, str]
    removed: Mapping[str, str]  # kind -> the marker put in its place, in the judgment's language
    known: Mapping[str, str] = field(default_factory=dict)  # a detail as written -> its kind


def surname(name: str) -> str:
    """A Chinese name's surname: a known two-character surname, else the first character."""
    plain = "".join(name.split())
    return plain[:2] if plain[:2] in COMPOUND_SURNAMES else plain[:1]


def masked_name(name: str) -> str:
    """张三 → 张某; Zhang San → Z. (the form follows the name's script)."""
    plain = name.strip()
    if re.match(rf"[{CJK}]", plain):
        return surname(plain) + "某"
    initial = next((c for c in plain if c.isalpha()), "")
    return f"{initial.upper()}." if initial else ""


def masked_names(names: Iterable[str]) -> dict[str, str]:
    """Each distinct name and its masked form; forms that would meet get 甲, 乙… or (A), (B)…"""
    distinct = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    forms: dict[str, list[str]] = {}
    for name in distinct:
        forms.setdefault(masked_name(name), []).append(name)
    masked = {}
    for form, holders in forms.items():
        for i, name in enumerate(holders):
            latin = form.endswith(".")
            tag = "" if len(holders) == 1 else (f" ({chr(65 + i)})" if latin else ORDINALS_ZH[i % 10])
            masked[name] = form + tag
    return masked


def mask(text: str, masking: Masking) -> str:
    """The text with every detail `masking` knows removed, then every detail of a known shape,
    then the natural persons' names masked."""
    removed = masking.removed
    for detail in sorted(masking.known, key=len, reverse=True):
        if detail.strip():
            text = text.replace(detail, removed[masking.known[detail]])
    text = _EMAIL.sub(removed["email"], text)
    text = _ADDRESS_ZH.sub(lambda m: _address(m, removed["address"]), text)
    text = _STREET_ZH.sub(removed["address"], text)
    text = _ADDRESS_EN.sub(removed["address"], text)
    text = _ID_NUMBER.sub(removed["id_number"], text)
    text = _PHONE.sub(removed["phone"], text)
    text = _ACCOUNT.sub(removed["account"], text)
    return _mask_names(text, masking.names)


def _address(match: re.Match[str], marker: str) -> str:
    """After a cue (住, 位于…): what follows is an address when it names a place or a number."""
    if not _PLACE_WORDS.search(match["place"]):
        return match[0]
    return match["cue"] + (match["link"] or "") + marker


def _mask_names(text: str, names: Mapping[str, str]) -> str:
    """Whole names first (longest first, so 欧阳明华 before 欧阳明), then a Latin name's surname
    standing alone ("Mr Zhang"), when no other person masked here shares it."""
    for name in sorted(names, key=len, reverse=True):
        words = name.split()
        if re.match(rf"[{CJK}]", name):
            text = re.sub(r"\s*".join(map(re.escape, "".join(words))), names[name], text)
            continue
        for order in (words, words[::-1]):  # Zhang San, San Zhang
            whole = _EDGE_L + r"\s+".join(map(re.escape, order)) + _EDGE_R
            text = re.sub(whole, names[name], text, flags=re.IGNORECASE)
    surnames = [n.split()[0] for n in names if not re.match(rf"[{CJK}]", n) and n.split()]
    for name in names:
        first = name.split()[0] if name.split() else ""
        if len(first) > 1 and not re.match(rf"[{CJK}]", first) and surnames.count(first) == 1:
            text = re.sub(_EDGE_L + re.escape(first) + _EDGE_R, names[name], text)
    return text
