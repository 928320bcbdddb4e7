"""OCR engines compared on the specimen ID cards: RapidOCR (the court's) against Debian's Tesseract.

The issue that asked for card reading named both candidates: an OCR wheel that ships its model
(``rapidocr-onnxruntime``, chosen) or Debian's ``tesseract-ocr`` with ``tesseract-ocr-chi-sim``
(``make bench-ocr`` installs them with scripts/ensure-tesseract.sh; the court never needs them).
Tesseract runs through its command line, one process per card, as a court would call it.

The cards, looks and people are bench/id_card.py's. Each engine's lines go through the court's
own rules (``identity.card.read_card_text`` and ``card_reason``, confidence floor included;
Tesseract's line confidence is the mean of its words' 0-100 confidences, over 100), with the
face measured once per photo and shared, so only the text reading differs. Per look:

- accepted: the card's number and name read and the ones typed, its face where the photo is;
- unreadable: ``card_unreadable`` or ``not_a_card`` (a better photo is asked for);
- misread: ``card_number_mismatch`` or ``card_name_mismatch``, the person's own card refused as
  someone else's (the error a court must not make);
- other: any other reason (``card_face_missing``: the text's boxes put the face elsewhere).

Each engine is counted twice: with its own confidences, and with the confidence floor off
(every line scored 1), since the floor was set on RapidOCR's scale and Tesseract's differs.

Time: OCR alone on the same decoded picture, the engines taking turns card by card, median per
card over every look and over the sharp cards; the machine may be shared, so medians and ratios.

Usage: ``python bench/ocr_engines.py [--rounds 1] [--psm 3 --psm 11]``
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.id_card import LOOKS, PEOPLE, specimens
from identity.card import CardReading, TextLine, card_reason, read_card_text
from identity.card_reader import ocr_engine, picture_sharpness, read_lines
from identity.encoder import encode_image
from identity.images import RgbArray, decode_rgb
from tests.support.id_cards import Specimen, photo_bytes

Reader = Callable[[RgbArray], list[TextLine]]
OUTCOMES = ("accepted", "unreadable", "misread", "other")
_GROUPS = {
    "card_unreadable": "unreadable",
    "not_a_card": "unreadable",
    "card_number_mismatch": "misread",
    "card_name_mismatch": "misread",
}


def tesseract_reader(psm: int) -> Reader:
    """Tesseract's CLI with its Simplified Chinese model, page segmentation mode ``psm``."""

    def read(rgb: RgbArray) -> list[TextLine]:
        png = io.BytesIO()
        Image.fromarray(rgb).save(png, format="PNG", compress_level=1)
        command = ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", str(psm), "tsv"]
        done = subprocess.run(command, input=png.getvalue(), capture_output=True, check=True)
        return tsv_lines(done.stdout.decode("utf-8"))

    return read


def tsv_lines(tsv: str) -> list[TextLine]:
    """Tesseract's word rows grouped into lines: words joined by spaces, the box around them,
    the mean of the words' confidences (0-100) as a 0-1 score."""
    words: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and (row["text"] or "").strip() and float(row["conf"]) >= 0:
            words[(row["block_num"], row["par_num"], row["line_num"])].append(row)
    lines = []
    for group in words.values():
        left = min(float(w["left"]) for w in group)
        top = min(float(w["top"]) for w in group)
        right = max(float(w["left"]) + float(w["width"]) for w in group)
        bottom = max(float(w["top"]) + float(w["height"]) for w in group)
        score = statistics.fmean(float(w["conf"]) for w in group) / 100
        lines.append(TextLine(" ".join(w["text"] for w in group), left, top, right, bottom, score))
    return lines


@dataclass
class Tally:
    """One engine's outcomes by look, and its OCR times."""

    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    numbers: Counter[str] = field(default_factory=Counter)  # numbers read exactly, by look
    names: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    sharp_seconds: list[float] = field(default_factory=list)
    misreads: list[str] = field(default_factory=list)  # what was read instead, for the report

    def count(self, label: str, spec: Specimen, reading: CardReading) -> None:
        """The court's answer to this card's owner, and whether number and name were read."""
        reason = card_reason(reading, spec.name, spec.number)
        outcome = _GROUPS.get(reason, "other") if reason else "accepted"
        self.outcomes[label][outcome] += 1
        if outcome == "misread":
            text = reading.text
            self.misreads.append(f"{label}: {text.name} {text.number} for {spec.name} {spec.number}")
        self.numbers[label] += reading.text.number == spec.number
        self.names[label] += reading.text.name == spec.name


def timed_read(reader: Reader, rgb: RgbArray) -> tuple[list[TextLine], float]:
    """The engine's lines and the seconds it took."""
    start = time.perf_counter()
    lines = reader(rgb)
    return lines, time.perf_counter() - start


def measure(engines: dict[str, Reader], rounds: int) -> dict[str, Tally]:
    """Every engine on every card of every look, taking turns card by card."""
    tallies = {name: Tally() for engine in engines for name in (engine, f"{engine}, no floor")}
    for label, look in LOOKS:
        for spec in specimens(look):
            data = photo_bytes(spec)
            rgb = decode_rgb(data)  # the picture read_card gives the engine (long side 1280)
            face, sharpness = encode_image(data), picture_sharpness(rgb)
            for engine, reader in engines.items():
                tally = tallies[engine]
                times = []
                for _ in range(rounds):
                    lines, seconds = timed_read(reader, rgb)
                    times.append(seconds)
                tally.seconds.extend(times)
                if label == "sharp":
                    tally.sharp_seconds.extend(times)
                unfloored = [replace(line, score=1.0) for line in lines]
                for counted, read in ((tally, lines), (tallies[f"{engine}, no floor"], unfloored)):
                    counted.count(label, spec, CardReading(read_card_text(read), face, sharpness))
    return tallies


def report(tallies: dict[str, Tally]) -> None:
    """Outcomes by look and engine, then the time medians and their ratio to the first engine."""
    n = len(PEOPLE)
    print(f"{'look':<10} {'engine':<27} {'accepted':>8} {'unreadable':>10} {'misread':>7} {'other':>5}  number  name")
    for label, _look in LOOKS:
        for engine, tally in tallies.items():
            counts = tally.outcomes[label]
            cells = " ".join(f"{counts[o]:>{w}}" for o, w in zip(OUTCOMES, (8, 10, 7, 5), strict=True))
            print(f"{label:<10} {engine:<27} {cells}  {tally.numbers[label]:>3}/{n} {tally.names[label]:>3}/{n}")
    print(f"\n{'every look':<29} " + " ".join(f"{o:>10}" for o in OUTCOMES))
    for engine, tally in tallies.items():
        total = sum((c for c in tally.outcomes.values()), Counter[str]())
        print(f"  {engine:<27} " + " ".join(f"{total[o]:>10}" for o in OUTCOMES))
    print("\nmisread (name and number read, for the card's own):")
    for engine, tally in tallies.items():
        for misread in tally.misreads:
            print(f"  {engine:<27} {misread}")
    first = next(iter(tallies.values()))
    print("\nOCR seconds per card, median (same pictures, same run, engines taking turns):")
    print(f"  {'engine':<18} {'every look':>10} {'sharp':>7} {'ratio':>6}")
    for engine, tally in ((e, t) for e, t in tallies.items() if t.seconds):
        every, sharp = statistics.median(tally.seconds), statistics.median(tally.sharp_seconds)
        ratio = every / statistics.median(first.seconds)
        print(f"  {engine:<18} {every:>10.3f} {sharp:>7.3f} {ratio:>5.2f}x")


def main() -> None:
    """Check Tesseract is there, warm RapidOCR up, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="timed reads per card and engine")
    parser.add_argument("--psm", type=int, action="append", help="Tesseract page segmentation modes (3)")
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        sys.exit("tesseract missing: run scripts/ensure-tesseract.sh (or make bench-ocr)")
    ocr_engine()  # loaded once, as in a worker, not timed
    engines: dict[str, Reader] = {"rapidocr": read_lines}
    engines |= {f"tesseract psm {psm}": tesseract_reader(psm) for psm in args.psm or [3]}
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"OCR engines: {len(PEOPLE)} specimen cards per look, 1280x960 JPEG; rapidocr-onnxruntime vs {version}")
    print(f"{args.rounds} timed read(s) per card and engine\n")
    report(measure(engines, args.rounds))


if __name__ == "__main__":
    main()
