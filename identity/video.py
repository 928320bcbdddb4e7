"""Frames from a short video (a Telegram video note) for a selfie check."""

from __future__ import annotations

import io

import av
from PIL import Image

MAX_FRAMES = 5


class VideoUnreadable(ValueError):
    """Not a video we can decode."""


def sample_frames(video: bytes, count: int = MAX_FRAMES) -> list[bytes]:
    """Up to `count` JPEG frames spread over the video (blocking: run it off the event loop)."""
    try:
        with av.open(io.BytesIO(video), mode="r") as container:
            decoded = [frame.to_image() for frame in container.decode(video=0)]  # type: ignore[no-untyped-call]
    except (av.error.FFmpegError, ValueError, IndexError) as error:
        raise VideoUnreadable(str(error)) from None
    if not decoded:
        raise VideoUnreadable("no video frames")
    step = max(1, len(decoded) // count)
    return [_jpeg(image) for image in decoded[::step][:count]]


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
