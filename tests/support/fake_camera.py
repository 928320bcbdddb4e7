"""A fake front camera for Chromium, made from a still photo.

Chromium's ``--use-file-for-fake-video-capture=FILE`` plays a Y4M video (YUV4MPEG2, 4:2:0) as
the camera, from its first frame every time a page opens the camera, looping at the end. A
photo cannot turn its head, so the turns are made geometrically, in two ways:

- ``turned``: a head turn. The face is given a rough 3D shape (an ellipsoid with a nose on it),
  rotated about a vertical axis and projected back; the nose moves more than the cheeks and
  hides what is behind it, which no flat picture can do. This is what a live person looks like
  to the server's liveness check (identity.liveness: head_yaw and nose_parallax).
- ``tilted``: the spoof. The photo is a flat card turned about a vertical axis through the face
  and seen through a pinhole camera one face width away (a perspective warp): a printed photo
  or a screen held up and tilted. Its yaw changes, but it stays a plane, so the check refuses it.

Directions are the person's own, as the camera sees them (unmirrored): a positive angle moves
the nose to the right of the picture (the card's right side away), which is how a person
turning to *their* left looks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

FACES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "faces"
WIDTH, HEIGHT, FPS = 640, 480, 10


@dataclass(frozen=True)
class Portrait:
    """A 640x480 frame with one face: its centre, its width and its nose tip (pixels)."""

    image: Image.Image
    cx: float
    cy: float
    face_width: float
    nose: tuple[float, float]


def portrait(path: Path, face_box: tuple[int, int, int, int], nose_tip: tuple[float, float]) -> Portrait:
    """Crop a photo to 4:3 around a face (``face_box`` = top, right, bottom, left; ``nose_tip`` =
    x, y, both in the photo's pixels) and scale it to 640x480.

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
    nose = ((nose_tip[0] - x0) * scale, (nose_tip[1] - y0) * scale)
    return Portrait(image, (fx - x0) * scale, (fy - y0) * scale, fw * scale, nose)


def obama() -> Portrait:
    """obama_1.jpg, whose face face_recognition finds at (142, 617, 409, 349), nose tip (496, 288)."""
    return portrait(FACES / "obama_1.jpg", (142, 617, 409, 349), (496, 288))


# The head's shape, in face widths (the face box's width) from the face box's centre.
HEAD_AXES = (0.55, 0.8, 0.55)  # ellipsoid half-axes: across, up-down, depth
HEAD_RAISE = 0.05  # the ellipsoid's centre is this far above the face box's centre
NOSE_HEIGHT = 0.2  # how far the nose tip stands out of the ellipsoid
NOSE_LENGTH = 0.3  # from the brows down to the tip
NOSE_HALF_WIDTH = 0.06  # the ridge's Gaussian profile across


def depth(face: Portrait) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, how far the head's surface stands towards the camera from the vertical plane
    through the head's axis (pixels), and whether the pixel is on the head at all.

    An ellipsoid for the head plus a ridge for the nose: low at the brows, highest at the tip,
    falling off quickly below it.
    """
    w = face.face_width
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    across, down = (x - face.cx) / w, (y - face.cy) / w
    ax, ay, az = HEAD_AXES
    inside = 1 - (across / ax) ** 2 - ((down + HEAD_RAISE) / ay) ** 2
    on_head = inside > 0
    surface = az * np.sqrt(np.clip(inside, 0, None))
    nose_x, nose_y = (face.nose[0] - face.cx) / w, (face.nose[1] - face.cy) / w
    brows = nose_y - NOSE_LENGTH
    along = np.clip((down - brows) / NOSE_LENGTH, 0, None)
    ridge = np.where(
        down <= nose_y,
        NOSE_HEIGHT * (0.25 + 0.75 * along),
        NOSE_HEIGHT * np.exp(-(((down - nose_y) / 0.04) ** 2) / 2),
    )
    ridge = np.where(down < brows, NOSE_HEIGHT * 0.25 * np.exp(-(((down - brows) / 0.05) ** 2) / 2), ridge)
    surface += on_head * ridge * np.exp(-(((across - nose_x) / NOSE_HALF_WIDTH) ** 2) / 2)
    return surface * w, on_head


def turned(face: Portrait, degrees: float) -> Image.Image:
    """The frame with the head turned ``degrees`` about the vertical axis through its centre.

    Each row of pixels on the head is a curve (x, depth(x)); it is rotated and projected straight
    onto the picture: x' = cx + (x - cx)·cosθ + depth·sinθ. Where the curve folds (the cheek
    behind the nose, the far side of the head), the nearer surface wins; the strip turning into
    view, which the photo never showed, repeats the photo's edge. Off the head nothing moves.
    """
    if degrees == 0:
        return face.image.copy()
    pixels = np.asarray(face.image.convert("RGB"), dtype=np.float64)
    if degrees < 0:  # mirror, turn the other way, mirror back
        mirrored = Portrait(
            Image.fromarray(pixels[:, ::-1].astype(np.uint8)),
            WIDTH - 1 - face.cx,
            face.cy,
            face.face_width,
            (WIDTH - 1 - face.nose[0], face.nose[1]),
        )
        return turned(mirrored, -degrees).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    theta = math.radians(degrees)
    surface, on_head = depth(face)
    columns = np.arange(WIDTH, dtype=np.float64)
    out = pixels.copy()
    for row in np.flatnonzero(on_head.any(axis=1)):
        source = columns[on_head[row]]
        seen_at = face.cx + (source - face.cx) * math.cos(theta) + surface[row, on_head[row]] * math.sin(theta)
        # Turning towards +x, of two points landing on the same column the one further left is nearer.
        ahead = np.maximum.accumulate(seen_at)
        visible = np.concatenate([[True], seen_at[1:] > ahead[:-1]])
        targets = source.astype(int)
        x = np.interp(source, seen_at[visible], source[visible])
        left = np.clip(np.floor(x).astype(int), 0, WIDTH - 2)
        share = (x - left)[:, None]
        out[row, targets] = pixels[row, left] * (1 - share) + pixels[row, left + 1] * share
    return Image.fromarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def tilted(face: Portrait, degrees: float) -> Image.Image:
    """The spoof: the frame as a flat card (a printed photo, a screen) turned ``degrees`` about the
    vertical line through the face centre, the camera one face width (f) away.

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
        (f - cx * sin) / k,
        0.0,
        cx * (k - f) / k,
        -cy * sin / k,
        f * cos / k,
        cy * cx * sin / k,
        -sin / k,
        0.0,
    )
    return face.image.transform(
        (WIDTH, HEIGHT),
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BICUBIC,
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


def frames_for(
    face: Portrait, angles: Iterable[float], render: Callable[[Portrait, float], Image.Image] | None = None
) -> list[np.ndarray]:
    """RGB arrays of ``render`` (by default a head turn), each angle rendered once."""
    render = render or turned
    cache: dict[float, np.ndarray] = {}
    out = []
    for angle in angles:
        if angle not in cache:
            cache[angle] = np.asarray(render(face, angle), dtype=np.uint8)
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
