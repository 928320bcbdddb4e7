"""A fake front camera for Chromium, made from a still photo.

Chromium's ``--use-file-for-fake-video-capture=FILE`` plays a Y4M video (YUV4MPEG2, 4:2:0) as
the camera, from its first frame every time a page opens the camera, looping at the end. A
photo cannot turn its head, so the turns are made geometrically: the photo is a flat card turned
about a vertical axis through the face and seen through a pinhole camera one face width away
(a perspective warp). The near side of the face grows and the far side shrinks, so the nose tip
moves against the jaw line and the eye corners the way it does in a real head turn, which is
what the server's liveness check measures (identity.liveness.head_yaw).

Directions are the person's own, as the camera sees them (unmirrored): a positive angle pushes
the right of the picture away, which is how a person turning to *their* left looks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

FACES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "faces"
WIDTH, HEIGHT, FPS = 640, 480, 10


@dataclass(frozen=True)
class Portrait:
    """A 640x480 frame with one face: where its centre is and how wide it is (pixels)."""

    image: Image.Image
    cx: float
    cy: float
    face_width: float


def portrait(path: Path, face_box: tuple[int, int, int, int]) -> Portrait:
    """Crop a photo to 4:3 around a face (``face_box`` = top, right, bottom, left) and scale it to 640x480.

    The crop is three face widths wide, centred on the face where the photo allows.
    """
    photo = Image.open(path).convert("RGB")
    top, right, bottom, left = face_box
    fx, fy, fw = (left + right) / 2, (top + bottom) / 2, right - left
    crop_w = min(3 * fw, photo.width)
    crop_h = crop_w * HEIGHT / WIDTH
    if crop_h > photo.height:
        crop_h, crop_w = photo.height, photo.height * WIDTH / HEIGHT
    x0 = min(max(fx - crop_w / 2, 0), photo.width - crop_w)
    y0 = min(max(fy - crop_h / 2, 0), photo.height - crop_h)
    scale = WIDTH / crop_w
    image = photo.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS, box=(x0, y0, x0 + crop_w, y0 + crop_h))
    return Portrait(image, (fx - x0) * scale, (fy - y0) * scale, fw * scale)


def obama() -> Portrait:
    """obama_1.jpg, whose face face_recognition finds at (142, 617, 409, 349)."""
    return portrait(FACES / "obama_1.jpg", (142, 617, 409, 349))


def turned(face: Portrait, degrees: float) -> Image.Image:
    """The frame as a card turned ``degrees`` about the vertical line through the face centre.

    For an output pixel (x', y') the source pixel follows from the pinhole projection
    x' - cx = f·u·cosθ / (f + u·sinθ), y' - cy = f·(y - cy) / (f + u·sinθ), u = x - cx,
    solved for (x, y); that inverse is itself a projective map, which PIL applies directly.
    """
    if degrees == 0:
        return face.image.copy()
    theta = math.radians(degrees)
    sin, cos = math.sin(theta), math.cos(theta)
    f, cx, cy = face.face_width, face.cx, face.cy
    k = f * cos + cx * sin
    coefficients = (
        (f - cx * sin) / k, 0.0, cx * (k - f) / k,
        -cy * sin / k, f * cos / k, cy * cx * sin / k,
        -sin / k, 0.0,
    )
    return face.image.transform(
        (WIDTH, HEIGHT), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC,
        fillcolor=(96, 96, 96),  # what the turned card no longer covers: a plain wall
    )


def ramp(start: float, end: float, frames: int) -> list[float]:
    """``frames`` angles from just after ``start`` up to ``end``."""
    return [start + (end - start) * (i + 1) / frames for i in range(frames)]


def both_turns(frontal_s: float, peak: float = 35.0, total_s: float = 8.0) -> list[float]:
    """Angles per frame: still, then a turn to the person's left and back, then to their right and back.

    The page starts recording a few seconds after it opens the camera (the video's first frame)
    and takes its first frame, the liveness baseline, while the face is still frontal; within the
    next ~2.25 s it sees both turns, so either turn challenge passes. Each peak is held for
    0.3 s so that one of the frames taken 0.25 s apart lands on it.
    """
    angles = [0.0] * round(frontal_s * FPS)
    for sign in (1, -1):
        angles += ramp(0, sign * peak, 3) + [sign * peak] * 3 + ramp(sign * peak, 0, 3)
    angles += [0.0] * max(0, round(total_s * FPS) - len(angles))
    return angles


def still(seconds: float = 8.0) -> list[float]:
    """A photo held up to the camera: no movement at all."""
    return [0.0] * round(seconds * FPS)


def frames_for(face: Portrait, angles: Iterable[float]) -> list[np.ndarray]:
    """RGB arrays, each angle rendered once (repeated angles share the rendering)."""
    cache: dict[float, np.ndarray] = {}
    out = []
    for angle in angles:
        if angle not in cache:
            cache[angle] = np.asarray(turned(face, angle), dtype=np.uint8)
        out.append(cache[angle])
    return out


def yuv420(rgb: np.ndarray) -> Sequence[np.ndarray]:
    """BT.601 studio-range Y, Cb, Cr; chroma averaged over 2x2 blocks (4:2:0)."""
    x = rgb.astype(np.float32)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    h, w = y.shape

    def half(c: np.ndarray) -> np.ndarray:
        return c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    return [np.clip(np.rint(p), 0, 255).astype(np.uint8) for p in (y, half(cb), half(cr))]


def write_y4m(path: Path, frames: Sequence[np.ndarray], fps: int = FPS) -> Path:
    """Write RGB frames as an uncompressed YUV4MPEG2 4:2:0 video."""
    height, width = frames[0].shape[:2]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for rgb in frames:
            out.write(b"FRAME\n")
            for plane in yuv420(rgb):
                out.write(plane.tobytes())
    return path


def from_yuv420(y: np.ndarray, cb: np.ndarray, cr: np.ndarray) -> np.ndarray:
    """Back to RGB, roughly as the browser shows it (for checking a video without a browser)."""
    up = lambda c: np.repeat(np.repeat(c.astype(np.float32), 2, axis=0), 2, axis=1)  # noqa: E731
    yy = (y.astype(np.float32) - 16) * 255 / 219
    u, v = (up(cb) - 128) * 255 / 224, (up(cr) - 128) * 255 / 224
    rgb = np.stack([yy + 1.402 * v, yy - 0.344136 * u - 0.714136 * v, yy + 1.772 * u], axis=-1)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
