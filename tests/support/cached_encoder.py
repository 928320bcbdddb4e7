"""The face-encoder port in the test process, each distinct picture measured once per session.

The real libraries do the measuring (``encode_image``, ``read_card``, ``observe_frames``); only the process pool
is skipped, so service tests pay ~0.1-0.2 s per new picture and nothing for a repeated one. At
least one test per channel goes through the real ``EncoderPool`` instead.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

from identity.card import CardReading
from identity.encoder import encode_image, observe_frames, observe_recording, read_card
from identity.faces import FaceProbe
from identity.liveness import FrameObservation, RecordingObservation


class CachedEncoder:
    """``identity.service.FaceEncoder`` without worker processes, with a cache by content hash."""

    def __init__(self) -> None:
        self._probes: dict[str, FaceProbe] = {}
        self._frames: dict[str, FrameObservation] = {}
        self._recordings: dict[str, RecordingObservation] = {}
        self._cards: dict[str, CardReading] = {}
        self.measured = 0  # pictures really measured (cache misses)

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """encode_image of the picture, cached (UnreadableImage is raised as by the pool)."""
        key = hashlib.sha256(image_bytes).hexdigest()
        if key not in self._probes:
            self.measured += 1
            self._probes[key] = encode_image(image_bytes)
        return self._probes[key]

    async def read_card(self, image_bytes: bytes) -> CardReading:
        """read_card of the photo (OCR and face), cached (UnreadableImage is raised as by the pool)."""
        key = hashlib.sha256(image_bytes).hexdigest()
        if key not in self._cards:
            self.measured += 1
            self._cards[key] = read_card(image_bytes)
        return self._cards[key]

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """observe_frames frame by frame, each distinct frame measured once."""
        found = []
        for frame in frames:
            key = hashlib.sha256(frame).hexdigest()
            if key not in self._frames:
                self.measured += 1
                self._frames[key] = observe_frames([frame])[0]
            found.append(self._frames[key])
        return found

    async def observe_recording(self, video: bytes) -> RecordingObservation:
        """observe_recording of the video, cached (RecordingUnreadable is raised as by the pool)."""
        key = hashlib.sha256(video).hexdigest()
        if key not in self._recordings:
            self.measured += 1
            self._recordings[key] = observe_recording(video)
        return self._recordings[key]

    async def close(self) -> None:
        """Nothing to release."""


@functools.cache
def shared_encoder() -> CachedEncoder:
    """One cache for the whole test session (pictures are the same across modules)."""
    return CachedEncoder()
