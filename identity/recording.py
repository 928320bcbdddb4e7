"""A live-check recording decoded (PyAV): the frames to look at, and how continuous the take is.

The mini-app records a few seconds with MediaRecorder (WebM, VP8/VP9) and Telegram sends a video
note (MP4, H.264). Every frame is decoded, because a cut or a gap can sit between any two of
them, but only a few per second are kept as pictures for the face library: the rest are reduced
to a 64x48 grey thumbnail, compared with the one before and dropped.

What one continuous take looks like, measured on the tests' recordings (640x480 at 10 frames a
second, animated from the face photos: pan, zoom, head turns; VP8 and H.264): every frame the
same size; no two consecutive frames further apart than 0.1 s; consecutive thumbnails at most
4.7 grey levels apart on average (a 30° head turn in 0.4 s included), and 12.7 for a printed
photo tilted 7.5° from one frame to the next. Two different photos one after the other (any
pair of the 11 test portraits, the same person's or not) differ by 28-126: a cut, or stills
shown in turn. Chromium's MediaRecorder on this (busy, shared) machine gave 6 frames a second
with gaps up to 0.44 s, and once over 0.5 s. ``identity.liveness.LivenessPolicy`` holds the
limits (16 grey levels, 1.2 s).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import av
import numpy as np
from PIL import Image

__all__ = ["Continuity", "DecodedRecording", "RecordingUnreadable", "decode_recording", "still_frames"]

THUMBNAIL = (64, 48)
SAMPLE_GAP = 0.1  # seconds between the frames kept as pictures (about 10 a second)


class RecordingUnreadable(ValueError):
    """Not a video we can decode, or one with no frames."""


@dataclass(frozen=True)
class Continuity:
    """Measures of the whole take, over every decoded frame."""

    duration: float  # seconds from the first frame to the last
    frame_count: int
    sizes: tuple[tuple[int, int], ...]  # every distinct (width, height)
    largest_gap: float  # seconds between two consecutive frames, at most
    largest_change: float  # mean absolute grey difference of consecutive thumbnails, at most


@dataclass
class DecodedRecording:
    """The kept pictures (RGB, at most ``max_side`` long) with their times, and the take's measures."""

    times: list[float] = field(default_factory=list)
    pictures: list[np.ndarray] = field(default_factory=list)
    continuity: Continuity | None = None


def _thumbnail(image: Image.Image) -> np.ndarray:
    """A small grey copy for comparing consecutive frames."""
    return np.asarray(image.convert("L").resize(THUMBNAIL, Image.Resampling.BILINEAR), dtype=np.float32)


def _kept(image: Image.Image, max_side: int) -> np.ndarray:
    """The picture as a C-contiguous RGB array (dlib needs one), scaled down to ``max_side``."""
    scale = max_side / max(image.size)
    if scale < 1:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def decode_recording(data: bytes, max_seconds: float, max_side: int = 640) -> DecodedRecording:
    """Decode every frame of the first video stream, up to ``max_seconds`` (blocking).

    Raises RecordingUnreadable for anything that is not a decodable video with frames.
    """
    decoded = DecodedRecording()
    sizes: set[tuple[int, int]] = set()
    first: float | None = None
    last_time = last_kept = -1.0
    previous: np.ndarray | None = None
    gap = change = 0.0
    count = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or 30)
            for frame in container.decode(stream):
                time = frame.time if frame.time is not None else count / rate
                first = time if first is None else first
                at = time - first
                if at > max_seconds:
                    break
                image = frame.to_image()  # type: ignore[no-untyped-call]
                sizes.add(image.size)
                thumb = _thumbnail(image)
                if previous is not None:
                    gap = max(gap, at - last_time)
                    if thumb.shape == previous.shape:
                        change = max(change, float(np.abs(thumb - previous).mean()))
                previous, last_time, count = thumb, at, count + 1
                if last_kept < 0 or at - last_kept >= SAMPLE_GAP - 1e-6:
                    decoded.times.append(at)
                    decoded.pictures.append(_kept(image, max_side))
                    last_kept = at
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as error:
        raise RecordingUnreadable(str(error)) from None
    if count == 0:
        raise RecordingUnreadable("no video frames")
    decoded.continuity = Continuity(max(last_time, 0.0), count, tuple(sorted(sizes)), gap, change)
    return decoded


def still_frames(data: bytes, count: int = 4, max_seconds: float = 30.0) -> list[bytes]:
    """``count`` frames spread evenly over the take, as JPEG (blocking): what a clerk looks at
    when a live check comes to them. [] for a recording that cannot be decoded."""
    try:
        decoded = decode_recording(data, max_seconds, max_side=480)
    except RecordingUnreadable:
        return []
    pictures = decoded.pictures
    if len(pictures) > count:
        step = (len(pictures) - 1) / (count - 1)
        pictures = [pictures[round(i * step)] for i in range(count)]
    stills = []
    for picture in pictures:
        out = io.BytesIO()
        Image.fromarray(picture).save(out, format="JPEG", quality=85)
        stills.append(out.getvalue())
    return stills
