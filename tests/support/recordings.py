"""Live-check recordings made from the still test photos, encoded with PyAV as a browser or
Telegram would send them (WebM/VP8 as MediaRecorder writes it, MP4/H.264 as a video note).

A take is a script of actions; each action becomes frame angles for ``fake_camera.turned`` (a
synthetic head turn: the photo on an ellipsoid with a nose, rotated and projected back) or
``fake_camera.tilted`` (the spoof: the photo as a flat card turned in perspective). The camera
may also pan and zoom slowly over the take (a hand-held phone). The attacks are made the same
way: still photos one after the other (the issue's probe), a take cut from two takes, a take of
another challenge.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from identity.encoder import face_library
from tests.support import fake_camera
from tests.support.fake_camera import FPS, HEIGHT, WIDTH, Portrait

Render = Callable[[Portrait, float], Image.Image]
PEAK = 30.0  # degrees of a head turn
WALL = (96, 96, 96)  # fake_camera.tilted's fill


@functools.cache
def portrait_of(name: str) -> Portrait:
    """A 640x480 portrait of one test photo, its face box and nose tip found by the face library."""
    path = fake_camera.FACES / name
    rgb = np.ascontiguousarray(np.asarray(Image.open(path).convert("RGB")))
    library = face_library()
    boxes = library.face_locations(rgb, number_of_times_to_upsample=1, model="hog")
    assert len(boxes) == 1, f"{name}: one face expected"
    nose = library.face_landmarks(rgb, face_locations=boxes)[0]["nose_tip"]
    tip = max(nose, key=lambda p: p[1])  # the lowest nose point is near the tip's centre
    return fake_camera.portrait(Path(path), boxes[0], (float(sum(p[0] for p in nose) / len(nose)), float(tip[1])))


def angles_for(actions: Sequence[str], lead_in: float = 0.8, peak: float = PEAK) -> list[float]:
    """Frame angles for a script: frontal for ``lead_in`` s, then each turn out and back
    (positive = the person's left), frontal for 0.3 s after each, frontal at the end."""
    angles = [0.0] * round(lead_in * FPS)
    for action in actions:
        sign = {"turn_left": 1, "turn_right": -1}[action]
        angles += fake_camera.ramp(0, sign * peak, 4) + [sign * peak] * 3 + fake_camera.ramp(sign * peak, 0, 4)
        angles += [0.0] * 3
    return angles + [0.0] * 3


def camera_motion(image: Image.Image, index: int) -> Image.Image:
    """A hand-held camera: a slow pan of a few pixels and a zoom of a few per cent."""
    t = index / FPS
    zoom = 1 + 0.03 * math.sin(t)
    dx, dy = 6 * math.sin(0.8 * t), 3 * math.cos(0.6 * t)
    cx, cy = WIDTH / 2, HEIGHT / 2
    coefficients = (1 / zoom, 0, cx - (cx + dx) / zoom, 0, 1 / zoom, cy - (cy + dy) / zoom)
    return image.transform((WIDTH, HEIGHT), Image.Transform.AFFINE, coefficients, Image.Resampling.BILINEAR)


def take(
    face: Portrait, angles: Sequence[float], render: Render = fake_camera.turned, moving: bool = True
) -> list[np.ndarray]:
    """RGB frames of the face at these angles, the camera panning and zooming if ``moving``."""
    rendered: dict[float, Image.Image] = {}
    frames = []
    for index, angle in enumerate(angles):
        if angle not in rendered:
            rendered[angle] = render(face, angle)
        image = camera_motion(rendered[angle], index) if moving else rendered[angle]
        frames.append(np.asarray(image.convert("RGB"), dtype=np.uint8))
    return frames


def encode(frames: Sequence[np.ndarray], fps: float = FPS, container: str = "webm") -> bytes:
    """The frames as a WebM (VP8) or MP4 (H.264) file, ``fps`` frames a second."""
    codec = "libvpx" if container == "webm" else "libx264"
    options = {"deadline": "realtime", "cpu-used": "8"} if codec == "libvpx" else {"preset": "ultrafast"}
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000), options=options)  # type: ignore[call-overload]
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 1_500_000
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def live(name: str, actions: Sequence[str], container: str = "webm") -> bytes:
    """A live person doing ``actions`` in one take, the camera hand-held."""
    return encode(take(portrait_of(name), angles_for(actions)), container=container)


def held_photo(name: str, actions: Sequence[str]) -> bytes:
    """A printed photo or a screen held to the camera and tilted as the actions ask, in front of a
    plain wall (the grey ``fake_camera.tilted`` fills in where the card no longer covers)."""
    return encode(take(portrait_of(name), angles_for(actions), render=_card_on_wall))


def _card_on_wall(face: Portrait, degrees: float) -> Image.Image:
    """The tilted card at 80 % of the frame, centred on a grey wall."""
    card = fake_camera.tilted(face, degrees).resize((WIDTH * 4 // 5, HEIGHT * 4 // 5), Image.Resampling.BILINEAR)
    wall = Image.new("RGB", (WIDTH, HEIGHT), WALL)
    wall.paste(card, (WIDTH // 10, HEIGHT // 10))
    return wall


def stills(names: Sequence[str], seconds_each: float = 1.0, fps: float = FPS) -> bytes:
    """Separately taken still photos shown one after the other (the issue's probe, as a video)."""
    frames: list[np.ndarray] = []
    for name in names:
        still = np.asarray(portrait_of(name).image, dtype=np.uint8)
        frames += [still] * max(1, round(seconds_each * fps))
    return encode(frames, fps=fps)


def spliced(first: bytes, second: bytes) -> bytes:
    """Two takes put one after the other: a cut between them."""
    return encode(decoded(first) + decoded(second))


def decoded(video: bytes) -> list[np.ndarray]:
    """Every frame of a video as RGB arrays."""
    with av.open(io.BytesIO(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
