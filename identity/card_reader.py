"""The OCR adapter: RapidOCR (PP-OCRv4 Chinese detection and recognition on onnxruntime).

``rapidocr-onnxruntime`` 1.4.4 carries its models inside the wheel, so reading needs no download
at run time (its 3.x successors fetch them on first use: not usable offline). The engine is
loaded lazily, once per worker process, like the face library: ``identity.encoder.read_card``
(run in the encoder's worker processes) reads a card's text with it.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

import numpy as np
from PIL import Image

from identity.card import TextLine
from identity.images import RgbArray

__all__ = ["OcrMissing", "ocr_engine", "picture_sharpness", "read_lines"]

_SHARPNESS_SIDE = 640
# onnxruntime threads per OCR run. A worker process reads one card at a time and the court runs
# more cards at once with more workers (MICROCOURT_FACE_WORKERS); onnxruntime's default, a thread
# per core spinning between operators, cost about twice the CPU per card on 2 cores for no shorter
# wait, and starves the other workers and the web process (docs/identity.md).
OCR_THREADS = 1


class OcrMissing(RuntimeError):
    """The OCR engine or its models cannot be loaded: a deployment error."""


@functools.cache
def ocr_engine() -> Any:
    """RapidOCR with the models from its own package, loaded on first use (~1 s), once per process."""
    try:
        module = importlib.import_module("rapidocr_onnxruntime")
        return module.RapidOCR(intra_op_num_threads=OCR_THREADS, inter_op_num_threads=OCR_THREADS)
    except (ImportError, OSError) as exc:
        raise OcrMissing(f"OCR engine unavailable: {exc!r}") from exc


def read_lines(rgb: RgbArray) -> list[TextLine]:
    """Every text line the engine reads in the picture, with its box and confidence."""
    found, _elapsed = ocr_engine()(np.ascontiguousarray(rgb[:, :, ::-1]))  # the engine wants BGR
    lines = []
    for corners, text, score in found or ():
        xs, ys = [float(p[0]) for p in corners], [float(p[1]) for p in corners]
        lines.append(TextLine(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
    return lines


def picture_sharpness(rgb: RgbArray) -> float:
    """Variance of the Laplacian of the whole picture, grey, long side 640 (higher = sharper)."""
    grey_image = Image.fromarray(rgb).convert("L")
    scale = _SHARPNESS_SIDE / max(grey_image.size)
    if scale < 1:
        size = (max(1, round(grey_image.width * scale)), max(1, round(grey_image.height * scale)))
        grey_image = grey_image.resize(size, Image.Resampling.BILINEAR)
    grey = np.asarray(grey_image, dtype=np.float64)
    laplacian = grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4.0 * grey[1:-1, 1:-1]
    return float(laplacian.var())
