"""The face encoder adapter: dlib through face_recognition, run in a process pool.

``encode_image``, ``read_card`` (with the OCR engine of identity.card_reader) and
``observe_frames`` are plain functions a worker process runs; the face
library is imported lazily so that the web process only pays for it inside the pool.
``EncoderPool`` keeps that heavy work off the event loop (ARCHITECTURE habit 10) and refuses
new work at once, with ``EncoderBusy``, when its bounded queue is full.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import importlib
import multiprocessing
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from types import ModuleType, TracebackType
from typing import Any, Self, TypeVar

from identity.card import CardReading, read_card_text
from identity.card_reader import picture_sharpness, read_lines
from identity.faces import FaceBox, FaceProbe, ProbeLimits, probe_reason
from identity.images import RgbArray, decode_rgb, sharpness
from identity.liveness import FrameObservation, RecordingObservation, TimedFrame
from identity.recording import decode_recording

__all__ = [
    "EncoderBusy",
    "EncoderPool",
    "EncoderSettings",
    "FaceLibraryMissing",
    "encode_image",
    "face_library",
    "observe_frames",
    "observe_recording",
    "read_card",
]

T = TypeVar("T")


@dataclass(frozen=True)
class EncoderSettings:
    """How photos are decoded and searched (settings)."""

    max_side: int = 1280  # larger photos are downscaled to this long side first
    upsample_max_side: int = 640  # only photos this small get a second, upsampled search
    limits: ProbeLimits = field(default_factory=ProbeLimits)
    recording_side: int = 640  # a recording's frames are looked at this long at most
    recording_seconds: float = 15.0  # and only its first seconds
    encoded_frames: int = 4  # frames of a recording compared with the reference, spread over it


class FaceLibraryMissing(RuntimeError):
    """dlib, face_recognition or its models cannot be loaded: a deployment error."""


@functools.cache
def face_library() -> ModuleType:
    """face_recognition, imported on first use (loads dlib and ~100 MB of models).

    DEPENDENCIES.md pitfall 2: without its models face_recognition prints a line and exits the
    process with status 0, which a caller would read as success (``identity match`` 0 = match).
    The models are imported first so that their absence raises instead. They import
    ``pkg_resources``, which warns on setuptools 81; that one warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        try:
            importlib.import_module("face_recognition_models")
            return importlib.import_module("face_recognition")
        except (ImportError, SystemExit) as exc:
            raise FaceLibraryMissing(f"face library unavailable: {exc!r}") from exc


def _locate(rgb: RgbArray, settings: EncoderSettings) -> list[FaceBox]:
    """HOG face boxes; upsample once only if nothing was found in a small picture.

    Upsampling finds faces down to ~40 px but costs 3-4x and finds more false faces
    (DEPENDENCIES.md pitfall 4), so big pictures never get it.
    """
    library = face_library()
    found = library.face_locations(rgb, number_of_times_to_upsample=0, model="hog")
    if not found and max(rgb.shape[:2]) <= settings.upsample_max_side:
        found = library.face_locations(rgb, number_of_times_to_upsample=1, model="hog")
    return [FaceBox(*(int(v) for v in css)) for css in found]


def _css(box: FaceBox) -> tuple[int, int, int, int]:
    """A box back in face_recognition's (top, right, bottom, left) order."""
    return (box.top, box.right, box.bottom, box.left)


def encode_image(image_bytes: bytes, settings: EncoderSettings | None = None) -> FaceProbe:
    """Measure one photo: number of faces, the 128-d encoding of a single face, size, sharpness.

    Raises images.UnreadableImage when the bytes are not a picture.
    """
    settings = settings or EncoderSettings()
    return _measure_face(decode_rgb(image_bytes, settings.max_side), settings)


def read_card(image_bytes: bytes, settings: EncoderSettings | None = None) -> CardReading:
    """Read a photo of an ID card: its text (OCR), its face and its sharpness, all on the one
    decoded picture, so that the face's box and the text's boxes share coordinates.

    Raises images.UnreadableImage when the bytes are not a picture.
    """
    settings = settings or EncoderSettings()
    rgb = decode_rgb(image_bytes, settings.max_side)
    text = read_card_text(read_lines(rgb))
    return CardReading(text, _measure_face(rgb, settings), picture_sharpness(rgb))


def _measure_face(rgb: RgbArray, settings: EncoderSettings) -> FaceProbe:
    """The single face of a decoded picture, measured (see encode_image)."""
    size = (int(rgb.shape[1]), int(rgb.shape[0]))
    boxes = _locate(rgb, settings)
    if len(boxes) != 1:
        reason = probe_reason(len(boxes), None, size, None, settings.limits)
        return FaceProbe(len(boxes), None, None, None, size, reason)
    box = boxes[0]
    vector = face_library().face_encodings(rgb, known_face_locations=[_css(box)])[0]
    blur = sharpness(rgb, box)
    reason = probe_reason(1, box, size, blur, settings.limits)
    return FaceProbe(1, tuple(float(v) for v in vector), box, blur, size, reason)


def observe_frames(frames: Sequence[bytes], settings: EncoderSettings | None = None) -> list[FrameObservation]:
    """For liveness: landmarks (68 points) and encoding of the single face in each frame."""
    settings = settings or EncoderSettings()
    library = face_library()
    observations = []
    for frame in frames:
        rgb = decode_rgb(frame, settings.max_side)
        boxes = _locate(rgb, settings)
        if len(boxes) != 1:
            observations.append(FrameObservation(len(boxes), None, None))
            continue
        css = [_css(boxes[0])]
        marks = library.face_landmarks(rgb, face_locations=css, model="large")[0]
        vector = library.face_encodings(rgb, known_face_locations=css)[0]
        landmarks = {name: tuple((int(x), int(y)) for x, y in pts) for name, pts in marks.items()}
        observations.append(FrameObservation(1, landmarks, tuple(float(v) for v in vector)))
    return observations


def observe_recording(video: bytes, settings: EncoderSettings | None = None) -> RecordingObservation:
    """For the live check: the take's continuity, landmarks of about ten frames a second, and the
    encodings of ``encoded_frames`` of them spread over the recording.

    Raises recording.RecordingUnreadable when the bytes are not a decodable video. No upsampling:
    a second search per frame would cost 3-4x, and frames are at most ``recording_side`` long.
    """
    settings = settings or EncoderSettings()
    decoded = decode_recording(video, settings.recording_seconds, settings.recording_side)
    library = face_library()
    seen = [_landmarks_only(library, picture) for picture in decoded.pictures]
    chosen = _spread([i for i, (box, _) in enumerate(seen) if box is not None], settings.encoded_frames)
    frames = []
    for i, (time, picture, (box, frame)) in enumerate(zip(decoded.times, decoded.pictures, seen, strict=True)):
        if i in chosen and box is not None:
            vector = library.face_encodings(picture, known_face_locations=[box])[0]
            frame = FrameObservation(1, frame.landmarks, tuple(float(v) for v in vector))
        frames.append(TimedFrame(time, frame))
    take = decoded.continuity
    assert take is not None
    return RecordingObservation(
        take.duration, take.frame_count, take.sizes, take.largest_gap, take.largest_change, tuple(frames)
    )


def _landmarks_only(
    library: ModuleType, picture: RgbArray
) -> tuple[tuple[int, int, int, int] | None, FrameObservation]:
    """One sampled frame: the single face's box and 68 landmarks (no encoding yet)."""
    boxes = library.face_locations(picture, number_of_times_to_upsample=0, model="hog")
    if len(boxes) != 1:
        return None, FrameObservation(len(boxes), None, None)
    box = tuple(int(v) for v in boxes[0])
    points = library.face_landmarks(picture, face_locations=[box], model="large")[0]
    landmarks = {name: tuple((int(x), int(y)) for x, y in pts) for name, pts in points.items()}
    return box, FrameObservation(1, landmarks, None)  # type: ignore[return-value]


def _spread(indices: Sequence[int], count: int) -> set[int]:
    """``count`` of the indices, evenly spread from the first to the last."""
    if not indices:
        return set()
    return {indices[round(k * (len(indices) - 1) / max(1, count - 1))] for k in range(count)}


def _warm_up() -> None:
    """Pool initializer: load the library and models once per worker, not on the first job."""
    face_library()


class EncoderBusy(RuntimeError):
    """Every encoder slot is taken: tell the person the court is busy and to try again."""


class EncoderPool:
    """Face work in worker processes, with at most ``max_pending`` jobs queued or running.

    ``spawn`` is the default start method: forking a server that already runs threads (database
    drivers, the event loop's executor) can deadlock the child.
    """

    def __init__(
        self,
        workers: int = 1,
        max_pending: int = 4,
        settings: EncoderSettings | None = None,
        mp_context: BaseContext | None = None,
        preload: bool = True,
    ) -> None:
        if workers < 1 or max_pending < 1:
            raise ValueError("workers and max_pending must be at least 1")
        self.settings = settings or EncoderSettings()
        self._workers = workers
        self._max_pending = max_pending
        self._context = mp_context or multiprocessing.get_context("spawn")
        self._initializer = _warm_up if preload else None
        self._lock = threading.Lock()  # the pending count is released from the pool's thread
        self._pending = 0
        self._closed = False
        self._executor = self._new_executor()

    def _new_executor(self) -> concurrent.futures.ProcessPoolExecutor:
        """A fresh process pool whose workers (by default) preload the face library."""
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self._workers, mp_context=self._context, initializer=self._initializer
        )

    @property
    def pending(self) -> int:
        """Jobs queued or running now."""
        with self._lock:
            return self._pending

    def _free_slot(self) -> None:
        """One queued or running job fewer."""
        with self._lock:
            self._pending -= 1

    def _release(self, _: concurrent.futures.Future[Any]) -> None:
        """Done callback: free the slot when the worker has really finished the job."""
        self._free_slot()

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Queue ``fn(*args)`` in a worker; raise EncoderBusy at once if the queue is full.

        Must be called from the running event loop; ``fn`` and ``args`` must pickle.
        """
        if self._closed:
            raise RuntimeError("encoder pool is closed")
        with self._lock:
            if self._pending >= self._max_pending:
                raise EncoderBusy(f"{self._pending} face jobs pending, limit {self._max_pending}")
            self._pending += 1
        executor = self._executor
        try:
            job = executor.submit(fn, *args)
        except RuntimeError as exc:  # BrokenExecutor is one; so is "shut down"
            self._free_slot()
            if isinstance(exc, concurrent.futures.BrokenExecutor):
                self._replace(executor)
            raise
        job.add_done_callback(self._release)
        outcome = asyncio.wrap_future(job)
        outcome.add_done_callback(lambda done: self._after(executor, done))
        return outcome

    def _after(self, executor: concurrent.futures.Executor, done: asyncio.Future[Any]) -> None:
        """If a worker died (dlib crash, OOM kill), start a fresh pool for the next jobs."""
        if not done.cancelled() and isinstance(done.exception(), concurrent.futures.BrokenExecutor):
            self._replace(executor)

    def _replace(self, broken: concurrent.futures.Executor) -> None:
        """Swap in a new executor unless another job already did."""
        if self._executor is broken and not self._closed:
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process, awaited."""
        return await self.submit(fn, *args)

    async def encode(self, image_bytes: bytes) -> FaceProbe:
        """Measure one photo in a worker (see encode_image); may raise EncoderBusy."""
        return await self.submit(encode_image, image_bytes, self.settings)

    async def read_card(self, image_bytes: bytes) -> CardReading:
        """Read an ID card photo in a worker (see read_card); may raise EncoderBusy."""
        return await self.submit(read_card, image_bytes, self.settings)

    async def observe(self, frames: Sequence[bytes]) -> list[FrameObservation]:
        """Landmarks and encodings of liveness frames in a worker; may raise EncoderBusy."""
        return await self.submit(observe_frames, list(frames), self.settings)

    async def observe_recording(self, video: bytes) -> RecordingObservation:
        """A live-check recording in a worker (see observe_recording); may raise EncoderBusy."""
        return await self.submit(observe_recording, video, self.settings)

    async def close(self) -> None:
        """Stop the workers, dropping queued jobs, without blocking the event loop."""
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, True, cancel_futures=True)

    async def __aenter__(self) -> Self:
        """The pool itself; closed on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the pool."""
        await self.close()
