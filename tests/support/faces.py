"""The real face photos in shared/testdata/faces, each encoded at most once per test session."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from identity.encoder import encode_image
from identity.faces import FaceProbe

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "faces"


class FacePhotos:
    """Access to the test photos, with each photo's FaceProbe computed once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._probes: dict[str, FaceProbe] = {}

    def raw(self, name: str) -> bytes:
        """The file's bytes."""
        return (self.folder / name).read_bytes()

    def image(self, name: str) -> Image.Image:
        """The photo opened with PIL, pixels loaded."""
        image = Image.open(self.folder / name)
        image.load()
        return image

    def probe(self, name: str) -> FaceProbe:
        """encode_image of the photo, cached for the session."""
        if name not in self._probes:
            self._probes[name] = encode_image(self.raw(name))
        return self._probes[name]

    @staticmethod
    def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
        """A PIL image saved to bytes."""
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **params)
        return buffer.getvalue()

    @classmethod
    def gradient(cls, width: int, height: int) -> bytes:
        """A PNG of a smooth colour gradient: certainly no face in it."""
        x = np.broadcast_to(np.linspace(0, 255, width)[None, :], (height, width))
        y = np.broadcast_to(np.linspace(0, 255, height)[:, None], (height, width))
        rgb = np.stack([x, y, (x + y) / 2], axis=-1).astype(np.uint8)
        return cls.encode(Image.fromarray(rgb, "RGB"))
