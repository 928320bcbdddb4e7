"""Face verification benchmark: our pipeline next to the raw face_recognition calls.

For 640x480 and 1280x960 "selfies" (the single-face test photos, cropped to 4:3 around the
face and resized, saved as JPEG), measures in the same run and on the same bytes:

- ours: ``encode_image`` (decode, EXIF, flatten, downscale, HOG, encoding, sharpness) plus
  ``match_encoding`` against a stored reference, i.e. one verification;
- raw: ``face_recognition.load_image_file`` + ``face_locations`` (HOG, upsample 0, the same
  setting as ours) + ``face_encodings``; and the library's defaults (upsample 1) for reference;
- the pool: verifications per second through ``EncoderPool`` with one worker per core.

Each round measures every variant on every selfie, interleaved; the script prints the median
over rounds of p50/p95 per verification and of the overhead ratio ours/raw (DEPENDENCIES.md:
these machines are shared and noisy, so only ratios and medians mean anything).

Usage: ``python bench/face_verify.py [--rounds 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps

from identity.encoder import EncoderPool, EncoderSettings, encode_image, face_library
from identity.faces import FaceBox, match_encoding

FACES = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "faces"
PHOTOS = [
    "obama_1.jpg",
    "obama_2.jpg",
    "obama_3.jpg",
    "obama_4.jpg",
    "biden_1.jpg",
    "biden_2.jpg",
    "lacamoire_1.jpg",
    "lacamoire_2.jpg",
    "miranda_1.png",
]
SIZES = [(640, 480), (1280, 960)]


@functools.cache
def face_box(name: str) -> FaceBox:
    """Where the face is in the full-size photo."""
    probe = encode_image((FACES / name).read_bytes(), EncoderSettings(max_side=100_000))
    assert probe.box is not None, name
    return probe.box


def selfie(name: str, size: tuple[int, int]) -> bytes:
    """A 4:3 crop centred on the face (face about 1/3 of the width), resized, as JPEG."""
    image = ImageOps.exif_transpose(Image.open(FACES / name)).convert("RGB")
    box = face_box(name)
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    width = min(image.width, image.height * 4 / 3, box.width * 3.2)
    height = width * 3 / 4
    left = min(max(cx - width / 2, 0), image.width - width)
    top = min(max(cy - height / 2, 0), image.height - height)
    crop = image.crop((round(left), round(top), round(left + width), round(top + height)))
    buffer = io.BytesIO()
    crop.resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def raw_call(upsample: int) -> Callable[[bytes], int]:
    """The bare library: decode with load_image_file, locate, encode; returns faces found."""
    library = face_library()

    def run(data: bytes) -> int:
        image = library.load_image_file(io.BytesIO(data))
        locations = library.face_locations(image, number_of_times_to_upsample=upsample)
        return len(library.face_encodings(image, known_face_locations=locations))

    return run


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def time_each(fn: Callable[[bytes], object], selfies: list[bytes]) -> list[float]:
    """Seconds per call, one call per selfie."""
    durations = []
    for data in selfies:
        start = time.perf_counter()
        fn(data)
        durations.append(time.perf_counter() - start)
    return durations


async def pool_rate(selfies: list[bytes], reference: tuple[float, ...], workers: int) -> float:
    """Verifications per second through EncoderPool, all selfies queued at once."""
    async with EncoderPool(workers=workers, max_pending=len(selfies)) as pool:
        await asyncio.gather(*(pool.run(os.getpid) for _ in range(workers)))  # workers up
        start = time.perf_counter()
        probes = await asyncio.gather(*(pool.encode(data) for data in selfies))
        elapsed = time.perf_counter() - start
    for probe in probes:
        match_encoding(reference, probe)
    return len(selfies) / elapsed


def main() -> None:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    reference = encode_image((FACES / "obama_5_480p.jpg").read_bytes()).encoding
    assert reference is not None
    raw0, raw1 = raw_call(0), raw_call(1)

    def ours(data: bytes) -> object:
        return match_encoding(reference, encode_image(data))

    print(f"face verification benchmark: {workers} cores, {args.rounds} rounds, {len(PHOTOS)} selfies per size\n")
    print(f"{'size':>9}  {'variant':<24} {'p50 ms':>8} {'p95 ms':>8} {'verif/s':>8}")
    for size in SIZES:
        selfies = [selfie(name, size) for name in PHOTOS]
        unusable = [n for n, s in zip(PHOTOS, selfies, strict=True) if encode_image(s).reason]
        rows: dict[str, list[tuple[float, float, float]]] = {}
        ratios = []
        for _ in range(args.rounds):
            measured = {
                "ours (encode+match)": time_each(ours, selfies),
                "raw, upsample 0": time_each(raw0, selfies),
                "raw, library default": time_each(raw1, selfies),
            }
            for variant, durations in measured.items():
                rows.setdefault(variant, []).append(
                    (
                        percentile(durations, 0.5),
                        percentile(durations, 0.95),
                        len(durations) / sum(durations),
                    )
                )
            ratios.append(sum(measured["ours (encode+match)"]) / sum(measured["raw, upsample 0"]))
        pool = [asyncio.run(pool_rate(selfies * 4, reference, workers)) for _ in range(3)]
        label = f"{size[0]}x{size[1]}"
        for variant, runs in rows.items():
            p50, p95, rate = (statistics.median(r[i] for r in runs) for i in range(3))
            print(f"{label:>9}  {variant:<24} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {rate:8.2f}")
        print(f"{label:>9}  {f'EncoderPool x{workers}':<24} {'':>8} {'':>8} {statistics.median(pool):8.2f}")
        print(
            f"{label:>9}  overhead ours/raw (same settings): median {statistics.median(ratios):.3f}"
            f" (rounds: {', '.join(f'{r:.3f}' for r in ratios)})"
        )
        if unusable:
            print(f"{label:>9}  refused by quality rules: {', '.join(unusable)}")
        print()


if __name__ == "__main__":
    main()
