"""ID card reading benchmark: accuracy on specimen cards by blur level, and the time per card.

Specimen cards (tests/support/id_cards.py: WenQuanYi Micro Hei, a face from shared/testdata/faces,
never a real card) of ten made-up people, photographed at 1280×960 as JPEG, sharp, blurred
(Gaussian radius 1-6 px) and with a patch of glare over the number. For each:

- accuracy: read as the court reads it (``identity.encoder.read_card`` then ``card_reason``
  against the details drawn): accepted, or the reason; and whether the number and the name were
  read exactly;
- time, in the same run and on the same bytes, median over rounds: decoding the image alone
  (``decode_rgb``), the OCR alone, and the whole read (decode, OCR, face search and encoding).

Usage: ``python bench/id_card.py [--rounds 3]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from identity.card import card_reason
from identity.card_reader import ocr_engine, read_lines
from identity.encoder import read_card
from identity.id_numbers import resident_id_check_char
from identity.images import decode_rgb
from tests.support.id_cards import Specimen, photo_bytes

PEOPLE = [
    ("陈一鸣", "11010519491231002", "obama_1.jpg"),
    ("李四", "31010419800315123", "biden_1.jpg"),
    ("王小红", "44030419850612003", "lacamoire_1.jpg"),
    ("欧阳明月", "33010619900307001", "miranda_1.png"),
    ("张三", "11010119700101005", "obama_2.jpg"),
    ("赵六", "32010219881120004", "biden_2.jpg"),
    ("孙悦", "51010419950228006", "lacamoire_2.jpg"),
    ("周建国", "61010319761001007", "obama_3.jpg"),
    ("吴晓", "21010219830505008", "obama_4.jpg"),
    ("郑和平", "35010219920909009", "lacamoire_3.png"),
]
LOOKS: list[tuple[str, dict[str, object]]] = [
    ("sharp", {}),
    *((f"blur {r} px", {"blur": float(r)}) for r in (1, 2, 3, 4, 5, 6)),
    ("glare", {"glare": True}),
]


def specimens(look: dict[str, object]) -> list[Specimen]:
    """The ten cards with this look."""
    return [
        Specimen(name=name, number=body + resident_id_check_char(body), face=face).but(**look)
        for name, body, face in PEOPLE
    ]


def timed(fn: object, data: object) -> float:
    """Seconds for one call."""
    start = time.perf_counter()
    fn(data)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    """Print accuracy by look, then the medians of the time per card."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ocr_engine()  # loaded once, as in a worker, not timed
    print(f"ID card reading: {len(PEOPLE)} specimen cards per look, 1280x960 JPEG, {args.rounds} rounds\n")
    print(f"{'look':<10} {'accepted':>8} {'number':>7} {'name':>5}  reasons")
    decode, ocr, whole = [], [], []
    for label, look in LOOKS:
        outcomes: Counter[str] = Counter()
        numbers = names = 0
        for spec in specimens(look):
            data = photo_bytes(spec)
            reading = read_card(data)
            numbers += reading.text.number == spec.number
            names += reading.text.name == spec.name
            outcomes[card_reason(reading, spec.name, spec.number) or "accepted"] += 1
            if label == "sharp":
                rgb = decode_rgb(data)
                for _ in range(args.rounds):
                    decode.append(timed(decode_rgb, data))
                    ocr.append(timed(read_lines, rgb))
                    whole.append(timed(read_card, data))
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()) if k != "accepted")
        n = len(PEOPLE)
        print(f"{label:<10} {outcomes['accepted']:>5}/{n} {numbers:>5}/{n} {names:>3}/{n}  {reasons}")
    print("\nmedian seconds per sharp card (same bytes, same run):")
    for variant, values in (("decode only", decode), ("OCR only", ocr), ("whole read", whole)):
        print(f"  {variant:<12} {statistics.median(values):7.3f}")
    print(f"  whole / decode {statistics.median(whole) / statistics.median(decode):7.1f}x")


if __name__ == "__main__":
    main()
