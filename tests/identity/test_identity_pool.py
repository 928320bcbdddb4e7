"""EncoderPool: face work in other processes, off the event loop, with a bounded queue.

ARCHITECTURE habit 10 (heavy work off the event loop). Deterministic: a job is held on a
multiprocessing Manager event the test releases; no sleeps.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from typing import TYPE_CHECKING

import pytest

from identity.encoder import EncoderBusy, EncoderPool, encode_image
from identity.faces import face_distance

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos


async def test_pool_encodes_in_another_process(faces: FacePhotos) -> None:
    """The job runs in a worker process and gives the same 128-d encoding as in-process."""
    async with EncoderPool(workers=1, max_pending=2) as pool:
        assert await pool.run(os.getpid) != os.getpid()
        probe = await pool.encode(faces.raw("obama_2.jpg"))
        assert pool.pending == 0
    local = faces.probe("obama_2.jpg")
    assert probe.encoding is not None and local.encoding is not None
    assert len(probe.encoding) == 128
    assert face_distance(probe.encoding, local.encoding) < 1e-9
    assert (probe.n_faces, probe.reason, probe.box) == (1, None, local.box)


async def test_pool_observes_liveness_frames(faces: FacePhotos) -> None:
    """observe() returns one observation per frame with 68 landmarks for a single face."""
    frames = [faces.raw("obama_5_480p.jpg"), faces.gradient(320, 240)]
    async with EncoderPool(workers=1, max_pending=1) as pool:
        observed = await pool.observe(frames)
    assert [o.n_faces for o in observed] == [1, 0]
    assert observed[0].landmarks is not None
    assert sum(len(points) for points in observed[0].landmarks.values()) >= 68
    assert observed[1].landmarks is None and observed[1].encoding is None


async def test_encoder_busy_when_the_queue_is_full(faces: FacePhotos) -> None:
    """With max_pending=1 and one job held in the worker, the next request fails at once."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        gate = manager.Event()
        async with EncoderPool(workers=1, max_pending=1, preload=False) as pool:
            held = pool.submit(gate.wait, 60)
            try:
                assert pool.pending == 1
                with pytest.raises(EncoderBusy):
                    pool.submit(os.getpid)
                # encode() must refuse in its first step, before any await: drive that step by
                # hand so that a regression fails here instead of waiting behind the held job.
                request = pool.encode(faces.raw("obama_1.jpg"))
                with pytest.raises(EncoderBusy):
                    request.send(None)
                assert pool.pending == 1
            finally:
                gate.set()
            assert await held is True
            assert pool.pending == 0
            assert await pool.run(os.getpid) != os.getpid()


async def test_pool_recovers_after_a_worker_dies() -> None:
    """A worker that dies (as dlib might on a bad image) fails its job; the next job works."""
    async with EncoderPool(workers=1, max_pending=2, preload=False) as pool:
        with pytest.raises(concurrent.futures.BrokenExecutor):
            await pool.run(os._exit, 1)
        assert pool.pending == 0
        assert await pool.run(os.getpid) != os.getpid()


async def test_errors_in_the_worker_reach_the_caller() -> None:
    """An exception raised in the worker (unreadable image) is raised to the awaiting caller."""
    async with EncoderPool(workers=1, max_pending=1, preload=False) as pool:
        with pytest.raises(ValueError, match="cannot identify image"):
            await pool.run(encode_image, b"not a picture")
        assert pool.pending == 0


async def test_closed_pool_refuses_work() -> None:
    """After close(), submitting is an error and frees no slot it never took."""
    pool = EncoderPool(workers=1, max_pending=1, preload=False)
    await pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(os.getpid)
    assert pool.pending == 0


def test_pool_arguments_are_checked() -> None:
    """A pool needs at least one worker and one slot."""
    with pytest.raises(ValueError):
        EncoderPool(workers=0)
    with pytest.raises(ValueError):
        EncoderPool(max_pending=0)
