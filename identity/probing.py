"""The face encoder as the identity service uses it: the port, and its failures as refusals.

A photo the encoder cannot read says ``unreadable_image``, a recording ``unreadable_video``; a
full queue or a dead worker says ``busy``.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from typing import Protocol

from identity.card import CardReading
from identity.encoder import EncoderBusy
from identity.faces import FaceProbe
from identity.images import UnreadableImage
from identity.liveness import FrameObservation, RecordingObservation
from identity.recording import RecordingUnreadable
from identity.results import IdentityRefused

__all__ = ["FaceEncoder", "probe_card", "probe_frames", "probe_photo", "probe_recording"]


class FaceEncoder(Protocol):
    """The face encoder port: ``identity.encoder.EncoderPool`` in production."""

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """Measure one photo (may raise EncoderBusy or UnreadableImage)."""
        ...

    async def read_card(self, image_bytes: bytes) -> CardReading:
        """Read a photo of an ID card: text, face, sharpness (may raise EncoderBusy or
        UnreadableImage)."""
        ...

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Landmarks and encodings of liveness frames (may raise EncoderBusy)."""
        ...

    async def observe_recording(self, video: bytes) -> RecordingObservation:
        """A live-check recording's continuity, landmarks and a few encodings (may raise
        EncoderBusy or RecordingUnreadable)."""
        ...

    async def close(self) -> None:
        """Release the workers."""
        ...


async def probe_photo(encoder: FaceEncoder, photo: bytes) -> FaceProbe:
    """One photo through the encoder; a full queue or dead worker says ``busy``."""
    try:
        return await encoder.encode(photo)
    except UnreadableImage:
        raise IdentityRefused("unreadable_image") from None
    except (EncoderBusy, concurrent.futures.BrokenExecutor):
        raise IdentityRefused("busy") from None


async def probe_card(encoder: FaceEncoder, photo: bytes) -> CardReading:
    """An ID card photo through the reader; a full queue or dead worker says ``busy``."""
    try:
        return await encoder.read_card(photo)
    except UnreadableImage:
        raise IdentityRefused("unreadable_image") from None
    except (EncoderBusy, concurrent.futures.BrokenExecutor):
        raise IdentityRefused("busy") from None


async def probe_frames(encoder: FaceEncoder, frames: Sequence[bytes]) -> list[FrameObservation]:
    """Liveness frames through the encoder; a full queue or dead worker says ``busy``."""
    try:
        return await encoder.observe(frames)
    except UnreadableImage:
        raise IdentityRefused("unreadable_image") from None
    except (EncoderBusy, concurrent.futures.BrokenExecutor):
        raise IdentityRefused("busy") from None


async def probe_recording(encoder: FaceEncoder, video: bytes) -> RecordingObservation:
    """A live-check recording through the encoder; not a video says ``unreadable_video``."""
    try:
        return await encoder.observe_recording(video)
    except RecordingUnreadable:
        raise IdentityRefused("unreadable_video") from None
    except (EncoderBusy, concurrent.futures.BrokenExecutor):
        raise IdentityRefused("busy") from None
