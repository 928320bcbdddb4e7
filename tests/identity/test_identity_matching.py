"""Face matching on the real photos, through the real encoder (OLR 7, ICP 6: biometric check).

Pairs come from the table in shared/testdata/faces/README.md.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageFilter

from identity.encoder import EncoderSettings, encode_image
from identity.faces import DEFAULT_TOLERANCE, FaceProbe, face_distance, match_probes
from identity.images import UnreadableImage

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

PERSON = {
    "obama_1.jpg": "obama",
    "obama_2.jpg": "obama",
    "obama_3.jpg": "obama",
    "obama_4.jpg": "obama",
    "obama_5_480p.jpg": "obama",
    "biden_1.jpg": "biden",
    "biden_2.jpg": "biden",
    "lacamoire_1.jpg": "lacamoire",
    "lacamoire_2.jpg": "lacamoire",
    "lacamoire_3.png": "lacamoire",
    "miranda_1.png": "miranda",
}
PAIRS = list(itertools.combinations(sorted(PERSON), 2))
SAME = [(a, b) for a, b in PAIRS if PERSON[a] == PERSON[b]]
DIFFERENT = [(a, b) for a, b in PAIRS if PERSON[a] != PERSON[b]]
PARTIAL = "obama_partial_1.jpg"


def _encoding(probe: FaceProbe) -> tuple[float, ...]:
    """The probe's encoding, asserting there is one."""
    assert probe.encoding is not None
    return probe.encoding


def test_pair_table_covers_the_readme() -> None:
    """14 same-person and 41 different-person pairs are checked (11 single-face photos)."""
    assert (len(SAME), len(DIFFERENT)) == (14, 41)


@pytest.mark.parametrize("name", sorted(PERSON))
def test_each_single_face_photo_is_usable(faces: FacePhotos, name: str) -> None:
    """Every single-face photo in the table gives one usable face with a 128-d encoding."""
    probe = faces.probe(name)
    assert (probe.n_faces, probe.reason) == (1, None)
    assert probe.usable


@pytest.mark.parametrize(("reference", "probe"), SAME, ids=["-".join(p) for p in SAME])
def test_olr7_same_person_matches(faces: FacePhotos, reference: str, probe: str) -> None:
    """OLR 7: two photos of the same person match at the default tolerance 0.6."""
    decision = match_probes(faces.probe(reference), faces.probe(probe))
    assert decision.match, decision
    assert decision.reason is None
    assert decision.distance is not None and decision.distance <= DEFAULT_TOLERANCE


@pytest.mark.parametrize(("reference", "probe"), DIFFERENT, ids=["-".join(p) for p in DIFFERENT])
def test_olr7_different_people_do_not_match(faces: FacePhotos, reference: str, probe: str) -> None:
    """OLR 7: photos of two different people never match, in either order."""
    for a, b in ((reference, probe), (probe, reference)):
        decision = match_probes(faces.probe(a), faces.probe(b))
        assert not decision.match
        assert decision.reason == "not_same_person"
        assert decision.distance is not None and decision.distance > DEFAULT_TOLERANCE


def test_tolerance_0_6_sits_in_the_measured_gap(faces: FacePhotos) -> None:
    """The default 0.6 is at least 0.05 above every same pair and below every different pair."""

    def distance(pair: tuple[str, str]) -> float:
        return face_distance(_encoding(faces.probe(pair[0])), _encoding(faces.probe(pair[1])))

    worst_same = max(map(distance, SAME))
    closest_different = min(map(distance, DIFFERENT))
    assert worst_same + 0.05 <= DEFAULT_TOLERANCE <= closest_different - 0.05, (
        worst_same,
        closest_different,
    )


def test_a_real_face_is_really_encoded(faces: FacePhotos) -> None:
    """The library really ran (DEPENDENCIES pitfall 2): a finite, non-zero 128-d vector."""
    encoding = _encoding(faces.probe("obama_1.jpg"))
    assert len(encoding) == 128
    assert all(isinstance(v, float) and math.isfinite(v) for v in encoding)
    assert 0.1 < math.hypot(*encoding) < 10
    assert encoding != _encoding(faces.probe("obama_2.jpg"))


@pytest.mark.parametrize("name", ["two_people.jpg", "obama_and_biden.jpg"])
def test_several_faces_is_refused(faces: FacePhotos, name: str) -> None:
    """A photo with two or three faces is refused as several_faces, on either side."""
    crowd = faces.probe(name)
    assert crowd.n_faces == (2 if name == "two_people.jpg" else 3)
    assert (crowd.reason, crowd.encoding) == ("several_faces", None)
    single = faces.probe("obama_1.jpg")
    assert match_probes(single, crowd).reason == "several_faces"
    as_reference = match_probes(crowd, single)
    assert (as_reference.reason, as_reference.image) == ("several_faces", "reference")


@pytest.mark.parametrize("size", [(640, 480), (1600, 1200)])
def test_no_face_in_a_gradient(faces: FacePhotos, size: tuple[int, int]) -> None:
    """A generated gradient PNG (small: retried with upsampling; large: downscaled) is no_face."""
    probe = encode_image(faces.gradient(*size))
    assert (probe.n_faces, probe.reason, probe.encoding) == (0, "no_face", None)
    assert max(probe.image_size) == min(max(size), 1280)
    decision = match_probes(faces.probe("obama_1.jpg"), probe)
    assert (decision.match, decision.reason, decision.image) == (False, "no_face", "probe")


def test_png_with_alpha_channel_works(faces: FacePhotos) -> None:
    """lacamoire_3.png (RGBA) is decoded and matches the other Lacamoire photo."""
    assert faces.image("lacamoire_3.png").mode == "RGBA"
    assert match_probes(faces.probe("lacamoire_1.jpg"), faces.probe("lacamoire_3.png")).match


def test_transparent_background_is_flattened(faces: FacePhotos) -> None:
    """An RGBA photo whose background is fully transparent (black underneath) still matches."""
    rgba = faces.image("obama_2.jpg").convert("RGBA")
    width, height = rgba.size
    mask = Image.new("L", rgba.size, 0)
    mask.paste(255, (width // 8, height // 8, width * 7 // 8, height * 3 // 4))
    black = Image.new("RGBA", rgba.size, (0, 0, 0, 0))
    cut_out = Image.composite(rgba, black, mask)
    for image in (cut_out, cut_out.convert("LA")):
        probe = encode_image(faces.encode(image))
        assert probe.reason is None
        assert match_probes(faces.probe("obama_1.jpg"), probe).match


def test_transparent_pixels_are_never_looked_at(faces: FacePhotos) -> None:
    """A second face hidden under fully transparent pixels is not seen: one face, no several."""
    obama = faces.image("obama_2.jpg").convert("RGBA")
    biden = faces.image("biden_2.jpg").convert("RGBA").resize((obama.height, obama.height))
    biden.putalpha(0)
    canvas = Image.new("RGBA", (obama.width + biden.width, obama.height))
    canvas.paste(obama, (0, 0))
    canvas.paste(biden, (obama.width, 0))
    probe = encode_image(faces.encode(canvas))
    assert (probe.n_faces, probe.reason) == (1, None)
    assert match_probes(faces.probe("obama_1.jpg"), probe).match
    revealed = encode_image(faces.encode(canvas.convert("RGB")))
    assert revealed.reason == "several_faces"  # the control: the hidden face is really there


def test_exif_orientation_is_applied(faces: FacePhotos) -> None:
    """A sideways JPEG with EXIF orientation 6 is turned upright; without the tag no face is found."""
    sideways = faces.image("obama_2.jpg").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    tagged = encode_image(faces.encode(sideways, "JPEG", exif=exif, quality=95))
    assert tagged.image_size == faces.image("obama_2.jpg").size
    assert match_probes(faces.probe("obama_1.jpg"), tagged).match
    untagged = encode_image(faces.encode(sideways, "JPEG", quality=95))
    assert untagged.reason == "no_face"


def test_very_large_photo_is_downscaled(faces: FacePhotos) -> None:
    """A 3000-px-wide photo is measured at 1280 px on its long side and still matches."""
    big = faces.image("obama_4.jpg").resize((3000, 1686))
    probe = encode_image(faces.encode(big, "JPEG", quality=90))
    assert probe.image_size == (1280, 719)
    assert match_probes(faces.probe("obama_1.jpg"), probe).match


@pytest.mark.parametrize("width", [230, 150])
def test_face_too_small(faces: FacePhotos, width: int) -> None:
    """Faces ~70 px (found directly) and ~45 px (found by the retry) wide are face_too_small."""
    original = faces.image("obama_1.jpg")
    small = original.resize((width, round(original.height * width / original.width)))
    probe = encode_image(faces.encode(small))
    assert probe.n_faces == 1
    assert probe.box is not None and probe.box.width < 80
    assert probe.reason == "face_too_small"


def test_upsampled_retry_only_for_small_photos(faces: FacePhotos) -> None:
    """The ~45 px face is found only by the upsampled retry, which is limited to small photos."""
    original = faces.image("obama_1.jpg")
    small = faces.encode(original.resize((150, round(original.height * 150 / original.width))))
    assert encode_image(small).n_faces == 1
    no_retry = encode_image(small, EncoderSettings(upsample_max_side=100))
    assert (no_retry.n_faces, no_retry.reason) == (0, "no_face")


def test_blurred_photo_is_refused(faces: FacePhotos) -> None:
    """A heavily blurred face (Gaussian radius ~3% of the face) is refused as blurred."""
    blurred = faces.image("obama_1.jpg").filter(ImageFilter.GaussianBlur(8))
    probe = encode_image(faces.encode(blurred))
    assert probe.n_faces == 1
    assert probe.sharpness is not None and probe.sharpness < 30
    assert probe.reason == "blurred"
    sharp = faces.probe("obama_1.jpg")
    assert sharp.sharpness is not None and sharp.sharpness > 300


def test_partial_face_is_refused_as_cut_off(faces: FacePhotos) -> None:
    """obama_partial_1.jpg: one face found, cut by the left edge: refused as face_cut_off."""
    partial = faces.probe(PARTIAL)
    assert partial.n_faces == 1
    assert partial.box is not None and partial.box.left == 0
    assert partial.reason == "face_cut_off"
    decision = match_probes(faces.probe("obama_1.jpg"), partial)
    assert (decision.match, decision.reason, decision.image) == (False, "face_cut_off", "probe")
    as_reference = match_probes(partial, faces.probe("obama_1.jpg"))
    assert (as_reference.reason, as_reference.image) == ("face_cut_off", "reference")


def test_partial_face_refusal_is_policy_not_recognition(faces: FacePhotos) -> None:
    """The cut-off face is still close to every other Obama photo (<0.45): refused by rule."""
    partial = _encoding(faces.probe(PARTIAL))
    obama = [name for name, person in PERSON.items() if person == "obama"]
    distances = [face_distance(partial, _encoding(faces.probe(name))) for name in obama]
    assert max(distances) < 0.45
    others = [name for name, person in PERSON.items() if person != "obama"]
    assert min(face_distance(partial, _encoding(faces.probe(n))) for n in others) > 0.6


def test_bytes_that_are_not_a_picture() -> None:
    """Random bytes raise UnreadableImage (a ValueError) instead of a library error."""
    with pytest.raises(UnreadableImage):
        encode_image(b"this is not a picture")
