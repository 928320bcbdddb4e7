"""A court document laid out as a PDF (reportlab): the court's name, the title, the case number,
the body in sections, the appeal notice, the judge's and clerk's names and the date, a page
number on every page. Every glyph is set in the one embedded CJK font (fonts.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from court.documents.fonts import register
from court.texts import text

CREATOR = "Micro Court"


@dataclass(frozen=True)
class Section:
    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class CourtDocument:
    """What a court document says, already in its language; `kind` names it (e.g. `judgment`)."""

    kind: str
    locale: str
    court_name: str
    case_number: str
    title: str
    sections: tuple[Section, ...]
    issued_on: date
    judge: str | None = None
    clerk: str | None = None
    appeal_notice: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # written into the PDF's metadata


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    return {
        "court": ParagraphStyle("court", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=body, fontSize=22, leading=32, alignment=TA_CENTER, firstLineIndent=0),
        "number": ParagraphStyle("number", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=body, fontSize=13, leading=22, firstLineIndent=0, spaceBefore=6),
        "body": body,
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
    }


def render(document: CourtDocument) -> bytes:
    """The document as PDF bytes (unsigned: signing.py signs them)."""
    font = register()
    styles = _styles(font)
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{document.title} {document.case_number}",
        author=document.court_name,
        subject=document.kind,
        creator=CREATOR,
        initialFontName=font,  # else every page names a non-embedded Helvetica
        lang="zh-CN" if document.locale == "zh" else "en",
    )
    pdf.build(
        _story(document, styles), onFirstPage=_page_number(document, font), onLaterPages=_page_number(document, font)
    )
    return out.getvalue()


def _story(document: CourtDocument, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    locale = document.locale
    story = [
        Paragraph(escape(document.court_name), styles["court"]),
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(text("documents.case_number", locale, number=document.case_number)), styles["number"]),
        Spacer(1, 6 * mm),
    ]
    for section in document.sections:
        if section.heading:
            story.append(Paragraph(escape(section.heading), styles["heading"]))
        story.extend(Paragraph(escape(p).replace("\n", "<br/>"), styles["body"]) for p in section.paragraphs)
    if document.appeal_notice:
        story += [Spacer(1, 4 * mm), Paragraph(escape(document.appeal_notice), styles["body"])]
    story.append(Spacer(1, 10 * mm))
    for key, name in (("documents.judge", document.judge), ("documents.clerk", document.clerk)):
        if name:
            story.append(Paragraph(escape(text(key, locale, name=name)), styles["sign"]))
    story.append(Paragraph(escape(text("documents.date", locale, date=document.issued_on.isoformat())), styles["sign"]))
    return story


def _page_number(document: CourtDocument, font: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, pdf: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        label = f"{document.case_number} · {text('documents.page', document.locale, page=canvas.getPageNumber())}"
        canvas.drawCentredString(A4[0] / 2, 12 * mm, label)
        canvas.restoreState()

    return draw
