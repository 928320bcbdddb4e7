"""The judgment as the public reads it: the case data's `judgment` object (the judgment flow's
contract: title, facts, reasoning, orders, kind, locale) with the parties named at its head, all
masked (`masking`). Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from court.publication.masking import KINDS, Masking, mask, masked_names
from court.texts import text

PARTY_ROLES = ("plaintiff", "defendant")
_NUMBERED = re.compile(r"^\s*(?:\d+[.、．]|[一二三四五六七八九十]+、)")
_KNOWN = {"id_number": "id_number", "phone": "phone", "domicile": "address", "e_address": "email"}


@dataclass(frozen=True)
class Party:
    role: str
    name: str
    natural: bool  # a natural person (masked when published) or a company (named)


def parties_of(data: Mapping[str, Any]) -> list[Party]:
    """The plaintiff and the defendant as the filing recorded them (`defendant.kind`: person or company)."""
    found = []
    for role in PARTY_ROLES:
        party = data.get(role) or {}
        if party.get("name"):
            found.append(Party(role, str(party["name"]), party.get("kind") != "company"))
    return found


def masking_of(data: Mapping[str, Any], locale: str, more_people: Iterable[str] = ()) -> Masking:
    """What to mask in this case's judgment: the natural persons among the parties, whoever joined
    for a company defendant and `more_people` (names verified by those taking part); the
    parties' ID numbers, phones, domiciles and e-service addresses as the filing holds them."""
    joined = (data.get("invitation") or {}).get("joined_as") or {}
    people = [p.name for p in parties_of(data) if p.natural]
    companies = {p.name for p in parties_of(data) if not p.natural}
    names = [*people, joined.get("name") or "", *more_people]
    known = {}
    for role in PARTY_ROLES:
        party = data.get(role) or {}
        for field_name, kind in _KNOWN.items():
            value = party.get(field_name)
            if isinstance(value, str) and value.strip():
                known[value.strip()] = kind
    removed = {kind: text(f"publication.removed.{kind}", locale) for kind in KINDS}
    return Masking(masked_names(n for n in names if n and n not in companies), removed, known)


def masked_document(data: Mapping[str, Any], masking: Masking) -> tuple[str, str]:
    """(title, text) of the judgment in `data`, masked: the parties, then facts, reasoning and
    orders under their headings, in the judgment's language."""
    judgment = data["judgment"]
    locale = judgment.get("locale", "zh")
    lines = [text(f"publication.{p.role}", locale, name=masking.names.get(p.name, p.name)) for p in parties_of(data)]
    orders = "orders_ruling" if judgment.get("kind") == "ruling" else "orders"
    for heading, key in (("facts", "facts"), ("reasoning", "reasoning"), (orders, "orders")):
        paragraphs = [str(p) for p in judgment.get(key) or [] if str(p).strip()]
        if key == "orders":  # numbered as the served judgment numbers them, unless they are already
            paragraphs = [p if _NUMBERED.match(p) else f"{n}. {p}" for n, p in enumerate(paragraphs, 1)]
        if paragraphs:
            lines += ["", text(f"publication.{heading}", locale), *paragraphs]
    lines += ["", text("publication.published_note", locale)]
    return mask(str(judgment.get("title", "")), masking), mask("\n".join(lines), masking)
