"""Synthetic specimen resident ID cards (居民身份证, the photo side) for the card-reading tests.

Drawn here with WenQuanYi Micro Hei (the font the court's PDFs use) and a face from
shared/testdata/faces pasted on the right, at the real card's proportions (85.6 × 54 mm), then
photographed: put on a desk-coloured background, turned a little, optionally blurred or with a
patch of glare. Every card says 样本 SPECIMEN and carries made-up details; never a real card.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from functools import cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from court.documents.fonts import font_path
from identity.encoder import encode_image
from tests.support.faces import FACES

WIDTH, HEIGHT = 856, 540  # 10 px a millimetre
LABEL, VALUE = (40, 90, 150), (20, 20, 20)


@dataclass(frozen=True)
class Specimen:
    """What a specimen card shows, and how it is photographed."""

    name: str = "陈一鸣"
    number: str = "110105194912310029"
    sex: str = "男"
    ethnicity: str = "汉"
    birth: tuple[int, int, int] = (1949, 12, 31)
    address: tuple[str, ...] = ("北京市朝阳区建国路", "八十八号院三号楼")
    face: str = "obama_1.jpg"
    blur: float = 0.0  # Gaussian radius in pixels of the 1280-wide photo
    glare: bool = False  # a bright patch over the number
    angle: float = 3.0  # the card turned this many degrees on the desk

    def but(self, **changes: object) -> Specimen:
        """The same card with some details changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), size)


def card(spec: Specimen) -> Image.Image:
    """The card itself, flat, WIDTH × HEIGHT."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (236, 240, 238))
    draw = ImageDraw.Draw(image)
    for y in range(0, HEIGHT, 6):  # a faint guilloche-like background
        draw.line([(0, y), (WIDTH, y + 40 * math.sin(y / 37))], fill=(226, 233, 236), width=2)
    draw.rounded_rectangle([0, 0, WIDTH - 1, HEIGHT - 1], radius=32, outline=(190, 200, 205), width=3)
    _fields(draw, spec)
    _paste_face(image, spec.face)
    draw.text((620, 20), "样本 SPECIMEN", font=_font(22), fill=(200, 120, 120))
    return image


def _fields(draw: ImageDraw.ImageDraw, spec: Specimen) -> None:
    """The labels in blue, the values in black, where the real card has them."""
    label, value = _font(26), _font(32)
    year, month, day = spec.birth
    draw.text((60, 60), "姓 名", font=label, fill=LABEL)
    draw.text((150, 55), spec.name, font=value, fill=VALUE)
    draw.text((60, 125), "性 别", font=label, fill=LABEL)
    draw.text((150, 120), spec.sex, font=value, fill=VALUE)
    draw.text((260, 125), "民 族", font=label, fill=LABEL)
    draw.text((350, 120), spec.ethnicity, font=value, fill=VALUE)
    draw.text((60, 190), "出 生", font=label, fill=LABEL)
    draw.text((150, 185), f"{year}  年  {month}  月  {day}  日", font=value, fill=VALUE)
    draw.text((60, 255), "住 址", font=label, fill=LABEL)
    for i, line in enumerate(spec.address):
        draw.text((150, 250 + 45 * i), line, font=value, fill=VALUE)
    draw.text((60, 440), "公民身份号码", font=label, fill=LABEL)
    draw.text((270, 433), spec.number, font=_font(36), fill=VALUE)


def _paste_face(image: Image.Image, face: str) -> None:
    """The holder's photo on the right, 260 × 320: head and shoulders, the face about half as
    wide as the photo, as on a real card; ``blank``: the photo covered by a grey patch."""
    if face == "blank":
        ImageDraw.Draw(image).rectangle([560, 70, 820, 390], fill=(150, 150, 150))
        return
    image.paste(_portrait(face), (560, 70))


@cache
def _portrait(face: str) -> Image.Image:
    """The face photo cropped around its face (found by the face library) to 260 × 320."""
    box = encode_image((FACES / face).read_bytes()).box
    assert box is not None, f"{face} shows no single face"
    photo = ImageOps.exif_transpose(Image.open(FACES / face)).convert("RGB")
    scale = max(1.0, max(photo.size) / 1280)  # the encoder measured it shrunk to 1280 at most
    centre_x, centre_y = (box.left + box.right) / 2 * scale, (box.top + box.bottom) / 2 * scale
    width = box.width * scale * 2.0
    height = width * 320 / 260
    crop = (centre_x - width / 2, centre_y - height * 0.42, centre_x + width / 2, centre_y + height * 0.58)
    return photo.crop(crop).resize((260, 320), Image.Resampling.LANCZOS)


def photographed(spec: Specimen, size: tuple[int, int] = (1280, 960)) -> Image.Image:
    """The card on a desk, turned ``angle`` degrees, then blurred or glared as the spec says."""
    scene = Image.new("RGB", size, (118, 96, 72))
    flat = card(spec).rotate(spec.angle, expand=True, fillcolor=(118, 96, 72), resample=Image.Resampling.BICUBIC)
    scene.paste(flat, ((size[0] - flat.width) // 2, (size[1] - flat.height) // 2))
    if spec.glare:
        glow = Image.new("L", size, 0)
        cx, cy = size[0] // 2 - 30, size[1] // 2 + 170
        ImageDraw.Draw(glow).ellipse([cx - 190, cy - 45, cx + 190, cy + 45], fill=255)
        scene = Image.composite(
            Image.new("RGB", size, (252, 252, 250)), scene, glow.filter(ImageFilter.GaussianBlur(12))
        )
    if spec.blur:
        scene = scene.filter(ImageFilter.GaussianBlur(spec.blur))
    return scene


def photo_bytes(spec: Specimen, quality: int = 90) -> bytes:
    """The photographed card as a JPEG, as a phone would send it."""
    buffer = io.BytesIO()
    photographed(spec).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def card_photo(name: str, number: str, face: str = "obama_1.jpg", **look: object) -> bytes:
    """A specimen card of ``name`` and ``number`` with ``face`` on it, photographed (the same
    bytes every time, so that the cached encoder reads each card once per session)."""
    return _photo(Specimen(name=name, number=number, face=face).but(**look))


@cache
def _photo(spec: Specimen) -> bytes:
    return photo_bytes(spec)
