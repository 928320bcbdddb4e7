"""Decoding uploaded photos and measuring sharpness: PIL and numpy only, no face library."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from identity.faces import FaceBox

__all__ = ["MAX_PIXELS", "RgbArray", "UnreadableImage", "decode_rgb", "sharpness"]

RgbArray = npt.NDArray[np.uint8]
MAX_PIXELS = 50_000_000  # refuse larger pictures before decoding them (decompression bombs)
_SHARPNESS_SIDE = 64  # the face is resampled to this square before measuring, so size cancels out


class UnreadableImage(ValueError):
    """The bytes are not a picture we can decode (or one too large to try)."""


def _flatten(image: Image.Image) -> Image.Image:
    """Any mode to RGB; transparent parts become white rather than whatever colour they hide."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _downscale(image: Image.Image, max_side: int) -> Image.Image:
    """Shrink so that the long side is at most ``max_side`` pixels, keeping proportions."""
    long_side = max(image.size)
    if long_side <= max_side:
        return image
    scale = max_side / long_side
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def decode_rgb(data: bytes, max_side: int = 1280) -> RgbArray:
    """Decode a photo to a C-contiguous RGB uint8 array, upright and at most ``max_side`` long.

    Applies the EXIF orientation, flattens alpha/palette modes onto white, and downscales very
    large pictures (dlib also needs C-contiguous memory: DEPENDENCIES.md pitfall 3).
    """
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UnreadableImage(f"picture too large: {image.width}x{image.height}")
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale when possible
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(str(exc)) from exc
    upright = ImageOps.exif_transpose(image)
    rgb = _downscale(_flatten(upright), max_side)
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def sharpness(rgb: RgbArray, box: FaceBox) -> float:
    """Variance of the Laplacian of the face, greyscale and resampled to 64x64 (higher = sharper).

    Resampling to a fixed size makes a big soft face and a small crisp one comparable.
    """
    crop = Image.fromarray(rgb[box.top : box.bottom, box.left : box.right]).convert("L")
    grey = np.asarray(
        crop.resize((_SHARPNESS_SIDE, _SHARPNESS_SIDE), Image.Resampling.BILINEAR),
        dtype=np.float64,
    )
    laplacian = grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4.0 * grey[1:-1, 1:-1]
    return float(laplacian.var())
