"""The ruling on a jurisdiction objection (CPL 130) as a court document: its download is laid out
as the court's rulings are (民事裁定书: parties, the objection, the reasoning, the order, the judge),
with its appeal notice (10 days, CPL 171), and signed by the court; read back with Debian's
`pdftotext`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.simulation import Simulation
from court.commands import SignServedDocument
from court.documents import court_key
from court.documents.signing import Signed
from court.documents.verify import INTACT, verify
from gateway.court import Court
from tests.integration.test_judgment_served_files import _pdftotext
from tests.scenarios.test_trial_evidence_period import _answer, _judge, _objected, _served_rulings
from tests.support.court import demo_person
from tests.support.judgment import make_court_key


async def test_cpl130_cpl171_the_jurisdiction_ruling_downloads_as_a_signed_court_ruling(
    court: Court, tmp_path: Path
) -> None:
    """Upheld: each party's download is a signed 民事裁定书 naming the parties, quoting the
    objection, stating the judge's reasons and the order transferring the case, signed by the judge,
    with 10 days to appeal to the court above; in English the same layout."""
    sim = Simulation(court, "en")
    case_id, rep = await _objected(court, sim)
    judge = await _judge(court)
    await _answer(court, sim, judge, case_id, "uphold", "上海市浦东新区人民法院", "被告住所地在上海市浦东新区。")
    make_court_key(court)
    certs = court_key.certificates(court_key.key_dir(court.settings.data_dir))
    for party in (await demo_person(court, "litigant_a"), rep):
        (served,) = await _served_rulings(court, case_id, party)
        command = SignServedDocument(party.id, case_id, served["message_id"], "document", "zh")
        signed = await court.service.served_document_pdf(command, court.catalog)
        assert isinstance(signed, Signed), signed
        assert (await asyncio.to_thread(verify, signed.pdf, certs)).code == INTACT
        words = "".join(_pdftotext(signed.pdf, tmp_path).split())
        for expected in ("民事裁定书", "管辖权异议", "WeareinShanghai.", "被告住所地在上海市浦东新区。", "裁定如下"):
            assert expected in words, expected
        assert "移送上海市浦东新区人民法院处理" in words and "送达之日起10日内" in words and "上一级人民法院" in words
        assert "审判员：" + "".join((judge.display_name or "-").split()) in words
    english = SignServedDocument(rep.id, case_id, served["message_id"], "document", "en")
    signed = await court.service.served_document_pdf(english, court.catalog)
    assert isinstance(signed, Signed)
    text = " ".join(_pdftotext(signed.pdf, tmp_path).split())
    assert "Objection to jurisdiction" in text and "within 10 days" in text and "is upheld" in text
