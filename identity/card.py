"""The resident ID card read from a photo: the pure part (no OCR engine, no face library here).

Issue 14: any face photo used to pass as "the ID photo". The reference must now be a photo of the
photo side of a resident ID card (居民身份证): the OCR adapter (``identity.card_reader``) gives
the text lines it read with their boxes; this module finds the card's fields in them and decides
whether the card is the one the person typed (OLR 7: the real identity behind every act).

A card is recognised by its printed labels (姓名, 性别, 民族, 出生, 住址, 公民身份号码) or a
number that passes GB 11643-1999's check character. Its name is the text after 姓名; its number
the 18 characters that pass the check. The card's face is the face on the card, right of the
labels and above the number line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from identity.faces import FaceProbe
from identity.id_numbers import resident_id_check_char
from identity.names import same_name

__all__ = [
    "CardReading",
    "CardReason",
    "CardText",
    "TextLine",
    "card_reason",
    "read_card_text",
]

LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
NAME_LABEL, NUMBER_LABEL = "姓名", "公民身份号码"
MIN_LABELS = 2  # this many labels read make the picture a card even if its number is not read
MIN_SCORE = 0.8  # a name or number read with less confidence counts as not read
# Sharpness (variance of the Laplacian, grey, long side 640) below which a picture with no card
# text is called too blurred to read rather than "not a card". Measured on the specimen cards:
# 640-760 sharp, 48 at a Gaussian blur of 2 px, 12 at 3 px (still read), 4.5 at 4 px (labels no
# longer read), 1.5 at 6 px (nothing read);
# the face test photos 14-404 (docs/identity.md).
MIN_PICTURE_SHARPNESS = 8.0
# A card whose face is not found in a picture this soft is called unreadable, not faceless: at a
# 3 px blur (sharpness 12) the face detector missed 1 card in 10, at 2 px (48) none.
SOFT_PICTURE = 50.0

CardReason = Literal[
    "not_a_card",
    "card_unreadable",
    "card_number_mismatch",
    "card_name_mismatch",
    "card_face_missing",
]

_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_NAME_CHARS = re.compile(r"[^\u3400-\u9fff·A-Za-z]")  # a name's characters, the middle dot too


@dataclass(frozen=True)
class TextLine:
    """One line the OCR engine read: its text, its box (pixels), its confidence 0-1."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def plain(self) -> str:
        """The text without spaces, x as X (the number's check character)."""
        return "".join(self.text.split()).replace("x", "X")


@dataclass(frozen=True)
class CardText:
    """The fields found among the lines; a name or number is None when not read."""

    labels: int
    name: str | None
    number: str | None
    name_label: TextLine | None
    number_line: TextLine | None

    @property
    def is_card(self) -> bool:
        """The picture shows a card: its labels, or a valid resident ID number."""
        return self.labels >= MIN_LABELS or self.number is not None

    def holds_face(self, probe: FaceProbe) -> bool:
        """The face found lies where the card has its photo: right of the name label, between
        the name label's top and the number line's."""
        box = probe.box
        if box is None or self.name_label is None:
            return False
        centre_x, centre_y = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        floor = self.number_line.top if self.number_line is not None else float("inf")
        return centre_x > self.name_label.right and self.name_label.top - box.height < centre_y < floor


@dataclass(frozen=True)
class CardReading:
    """What the reader measured in one photo: the card's text, the face probe, the sharpness."""

    text: CardText
    face: FaceProbe
    sharpness: float


def read_card_text(lines: Sequence[TextLine]) -> CardText:
    """Find the labels, the name and the number among the OCR lines."""
    labels = {label for line in lines for label in LABELS if label in line.plain}
    name_label = next((line for line in lines if line.plain.startswith(NAME_LABEL)), None)
    number_line = next((line for line in lines if _number(line) is not None), None)
    return CardText(
        labels=len(labels),
        name=_name(name_label, lines),
        number=_number(number_line) if number_line is not None else None,
        name_label=name_label,
        number_line=number_line,
    )


def card_reason(
    reading: CardReading, name: str, number: str, min_sharpness: float = MIN_PICTURE_SHARPNESS
) -> CardReason | None:
    """Why this card cannot be the person's reference, or None when it can.

    A picture with no card text is ``not_a_card`` when it is sharp, ``card_unreadable`` when too
    blurred to tell. A number or name read and different from the one typed is a mismatch; one
    not read is ``card_unreadable`` (glare, blur: a better photo is asked for), and so is a card
    face too blurred or small to compare. The card's face must be the one face in the picture,
    whole, where the card has its photo (``card_face_missing``).
    """
    text = reading.text
    if not text.is_card:
        return "card_unreadable" if reading.sharpness < min_sharpness else "not_a_card"
    if text.number is not None and text.number != number.upper():
        return "card_number_mismatch"
    if text.name is not None and not same_name(text.name, name):
        return "card_name_mismatch"
    if text.number is None or text.name is None:
        return "card_unreadable"
    face = reading.face
    if face.reason in ("blurred", "face_too_small") or (face.n_faces == 0 and reading.sharpness < SOFT_PICTURE):
        return "card_unreadable"  # too blurred or too far to compare: a better photo
    if face.reason is not None or not text.holds_face(face):
        return "card_face_missing"  # no face, several, or one not where the card's photo is
    return None


def _number(line: TextLine | None) -> str | None:
    """The resident ID number in a line, if one there passes its check character."""
    if line is None or line.score < MIN_SCORE:
        return None
    for found in _NUMBER.finditer(line.plain):
        candidate = found.group()
        if resident_id_check_char(candidate[:17]) == candidate[17]:
            return candidate
    return None


def _name(label: TextLine | None, lines: Sequence[TextLine]) -> str | None:
    """The name: after 姓名 on the label's own line, else the nearest line to its right on its row."""
    if label is None:
        return None
    rest = _NAME_CHARS.sub("", label.plain[len(NAME_LABEL) :])
    if rest:
        return rest if label.score >= MIN_SCORE else None
    height = label.bottom - label.top
    beside = [
        line
        for line in lines
        if line.left >= label.right - height and abs((line.top + line.bottom) - (label.top + label.bottom)) < height
    ]
    if not beside:
        return None
    nearest = min(beside, key=lambda line: line.left)
    value = _NAME_CHARS.sub("", nearest.plain)
    return value if value and nearest.score >= MIN_SCORE else None
