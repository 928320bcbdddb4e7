"""Whether a party is domiciled abroad, read from the domicile the complaint states (CPL 124):
such a defendant has 30 days to answer instead of 15 (CPL 285), such a party 30 days to appeal
instead of 15 or 10 (CPL 286), and so do parties in Hong Kong,
Macao and Taiwan, to whom the foreign-related rules apply by analogy (Interp. 549).

The complaint gives the domicile as free text. A domicile naming a mainland province, region or
municipality is at home; one naming Hong Kong, Macao or Taiwan, or none of the mainland's, is
abroad, so that when in doubt the defendant gets the longer period. A case may also say so
itself (`abroad: true|false` on the party), which wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OUTSIDE_MAINLAND = ("香港", "澳门", "澳門", "台湾", "台灣", "hong kong", "macao", "macau", "taiwan")
MAINLAND = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆", "中国", "中华人民共和国",
    "beijing", "tianjin", "shanghai", "chongqing", "hebei", "shanxi", "liaoning", "jilin",
    "heilongjiang", "jiangsu", "zhejiang", "anhui", "fujian", "jiangxi", "shandong", "henan", "hubei",
    "hunan", "guangdong", "hainan", "sichuan", "guizhou", "yunnan", "shaanxi", "gansu", "qinghai",
    "inner mongolia", "guangxi", "tibet", "xizang", "ningxia", "xinjiang", "china", "prc",
)  # fmt: skip


def domiciled_abroad(party: Mapping[str, Any]) -> bool:
    """Whether the party is domiciled outside the mainland (CPL 285, Interp. 549); a party whose
    domicile was never given (cases filed before filing version 4) is taken to be at home."""
    if isinstance(party.get("abroad"), bool):
        return bool(party["abroad"])
    domicile = str(party.get("domicile") or "").strip().lower()
    if not domicile:
        return False
    if any(place in domicile for place in OUTSIDE_MAINLAND):
        return True
    return not any(place in domicile for place in MAINLAND)
