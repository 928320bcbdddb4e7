"""Shared fixtures for the identity tests: the real face photos and a per-session cache.

Encoding a photo costs ~0.1-0.2 s, so each photo is encoded at most once per test session.
The photos live in shared/testdata/faces (see its README), next to the project root.
"""

from __future__ import annotations

import pytest

from tests.support.faces import FACES, FacePhotos


@pytest.fixture(scope="session")
def faces() -> FacePhotos:
    """The shared face photos (fails loudly if the folder is missing: never a silent skip)."""
    assert FACES.is_dir(), f"face photos missing at {FACES}: see shared/README.md"
    return FacePhotos(FACES)
