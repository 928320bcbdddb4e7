"""A 10-page judgment rendered and signed, next to a baseline in the same run.

Three timings per run, each the median of ``--repeat`` runs after one warm-up (the font is read
once per process, as in the server):

- **baseline**: the same text as plain paragraphs in one font, no court layout, unsigned;
- **render**: the court's judgment (court.documents.kinds.judgment, the court layout);
- **render + sign**: the same, signed by a court key (PAdES, pyHanko).

Printed: pages, milliseconds of each, and their ratios to the baseline. Exit status 1 if the
judgment is not 10 pages or more, or rendering and signing take a second or more.
Usage::

    .venv/bin/python bench/documents.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from court.documents import court_key
from court.documents.fonts import register
from court.documents.kinds import Header, JudgmentParts, judgment
from court.documents.layout import render
from court.documents.signing import sign
from storage.sealing import Sealer

REASON = (
    "本院认为，原告与被告之间的民间借贷关系系双方真实意思表示，不违反法律、行政法规的强制性规定，"
    "合法有效。被告向原告借款后未按约定期限归还，应当承担相应的民事责任。The court finds the loan proven. "
)


def parts() -> JudgmentParts:
    return JudgmentParts(
        parties=["原告：张三，男，汉族，住浙江省杭州市。", "被告：李四，男，汉族，住浙江省宁波市。"],
        claims=["判令被告归还借款 50000 元及利息", "本案诉讼费用由被告负担"],
        reasoning=[REASON * 4] * 26,
        orders=["被告李四于本判决生效之日起十日内归还原告张三借款 50000 元", "驳回原告其他诉讼请求"],
        fee=Decimal("1050"),
        fee_shares=[("原告张三", Decimal("150")), ("被告李四", Decimal("900"))],
        appeal_court="浙江省杭州市中级人民法院",
    )


def baseline(paragraphs: list[str]) -> bytes:
    out = io.BytesIO()
    style = ParagraphStyle("plain", fontName=register(), fontSize=12, leading=20, wordWrap="CJK")
    SimpleDocTemplate(out, initialFontName=register()).build([Paragraph(p, style) for p in paragraphs])
    return out.getvalue()


def median_ms(work: Callable[[], bytes], repeat: int) -> tuple[float, bytes]:
    result = work()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=7)
    repeat = arguments.parse_args().repeat
    header = Header("zh", "杭州互联网法院", "（2026）浙0192民初17号", date(2026, 12, 6), "王审判", "李书记")
    document = judgment(header, parts())
    with tempfile.TemporaryDirectory() as directory:
        key = court_key.init(Path(directory), Sealer(Sealer.new_key()), "杭州互联网法院", "浙0192", datetime.now(UTC))
    plain = [p for section in document.sections for p in section.paragraphs]
    base_ms, _ = median_ms(lambda: baseline(plain), repeat)
    render_ms, pdf = median_ms(lambda: render(document), repeat)
    signed_ms, _ = median_ms(lambda: sign(render(document), key, "judgment").pdf, repeat)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"judgment of {pages} pages, median of {repeat} runs")
    print(f"baseline (same text, one plain page style): {base_ms:7.1f} ms")
    print(f"render (court layout):                     {render_ms:7.1f} ms  ({render_ms / base_ms:.2f}× baseline)")
    print(f"render + sign (PAdES):                     {signed_ms:7.1f} ms  ({signed_ms / base_ms:.2f}× baseline)")
    return 0 if pages >= 10 and signed_ms < 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
