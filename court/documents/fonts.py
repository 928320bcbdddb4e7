"""The one font every court PDF is set in: WenQuanYi Micro Hei, a TrueType CJK font with Latin
letters, embedded (subset) in each document so that Chinese shows and extracts everywhere."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

FONT = "CourtCJK"


def font_path() -> Path:
    """The font file shipped by the `paperang-p2-fonts-cjk` package (WenQuanYi Micro Hei)."""
    return Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))


@cache
def register() -> str:
    """Registers the font with reportlab once per process (reading it takes about a second) and
    returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT
