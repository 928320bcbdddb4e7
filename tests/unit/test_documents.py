"""Court documents as signed PDFs (issue 16 items 2-3): the CJK font embedded and the Chinese
extractable, the appeal notice, the court's PAdES signature, and `microcourt documents verify`."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli import main
from court.documents import court_key
from court.documents.kinds import (
    Header,
    JudgmentParts,
    RecordEntry,
    acceptance_notice,
    fee_notice,
    judgment,
    record,
    service_certificate,
)
from court.documents.layout import CourtDocument, render
from court.documents.signing import sign
from court.documents.verify import INTACT, NOT_COURT, TAMPERED, verify
from storage.sealing import Sealer, SealError

COURT = "杭州互联网法院"
NUMBER = "（2026）浙0192民初17号"
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def header(locale: str = "zh") -> Header:
    return Header(locale, COURT, NUMBER, date(2026, 12, 6), judge="王审判", clerk="李书记")


def parts(appeal_days: int | None = 15) -> JudgmentParts:
    return JudgmentParts(
        parties=["原告：张三", "被告：李四"],
        claims=["判令被告归还借款 50000 元"],
        reasoning=["原告与被告之间的民间借贷关系合法有效，被告应当按约归还借款。"] * 3,
        orders=["被告李四于本判决生效之日起十日内归还原告张三借款 50000 元"],
        fee=Decimal("1050"),
        fee_shares=[("被告李四", Decimal("1050"))],
        appeal_court="浙江省杭州市中级人民法院",
        appeal_days=appeal_days,
    )


def extracted(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """Every font the pages use, and whether its program is embedded in the file."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sealer]:
    directory, sealer = tmp_path_factory.mktemp("court-key"), Sealer(Sealer.new_key())
    court_key.init(directory, sealer, COURT, "浙0192", NOW)
    return directory, sealer


@pytest.fixture(scope="module")
def signed(key_dir: tuple[Path, Sealer]) -> bytes:
    directory, sealer = key_dir
    return sign(render(judgment(header(), parts())), court_key.load(directory, sealer), "judgment", NOW).pdf


def test_judgment_embeds_its_cjk_font_and_the_chinese_extracts() -> None:
    """DOMAIN §12.1: a judgment in writing people can keep: every font embedded (no fallback
    boxes), the court, the case number, judge, clerk and date in extractable Chinese."""
    pdf = render(judgment(header(), parts()))
    fonts = fonts_of(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert all("WenQuanYi" in name for name, _embedded in fonts), fonts
    words = extracted(pdf).replace(" ", "")
    for expected in (COURT, "民事判决书", "（2026）浙0192民初17号", "审判员：王审判", "书记员：李书记", "2026-12-06"):
        assert expected in words


def test_judgment_states_right_period_and_court_of_appeal_CPL_171() -> None:
    """CPL 171 (DOMAIN §12.1-2): the judgment states the right, period and court of appeal; a
    ruling says ruling; the fee allocation shows the numbers handed in (FM 29)."""
    words = extracted(render(judgment(header(), parts()))).replace(" ", "").replace("\n", "")
    assert "判决书送达之日起15日内" in words and "上诉于浙江省杭州市中级人民法院" in words
    assert "被告李四负担1050元" in words
    english = extracted(render(judgment(header("en"), parts(appeal_days=10)))).replace("\n", " ")
    assert "within 10 days of service" in english and "Civil Judgment" in english


def test_small_claims_judgment_says_final_CPL_165() -> None:
    """CPL 165 (DOMAIN §12.2): a small-claims judgment is final: no appeal notice, "final"."""
    words = extracted(render(judgment(header(), parts(appeal_days=None)))).replace(" ", "").replace("\n", "")
    assert "终审判决" in words and "上诉于" not in words


def test_notices_certificate_and_record_render_in_both_scripts_OLR_31() -> None:
    """OLR 31 and FM 13, 22: the acceptance notice, fee notice, e-service certificate and the
    record render in Chinese and English with their facts extractable."""
    certificate = {
        "recipient_name": "李四",
        "channel": "telegram",
        "address": "telegram ···4321",
        "issued_at": "2026-12-01T02:00:00+00:00",
        "effective_at": "2026-12-01T02:00:05+00:00",
        "effective_by": "delivered",
        "content_sha256": "ab" * 32,
    }
    entries = [
        RecordEntry("2026-12-01 10:00", "原告张三", "提交起诉状"),
        RecordEntry("2026-12-02 09:30", "被告李四", "提交答辩"),
    ]
    documents: list[tuple[CourtDocument, tuple[str, ...]]] = [
        (acceptance_notice(header(), "张三", "李四", "民间借贷纠纷", "小额诉讼程序"), ("受理案件通知书", "张三诉李四")),
        (fee_notice(header(), Decimal("1050")), ("交纳诉讼费用通知书", "1050元")),
        (service_certificate(header(), certificate, "受理案件通知书"), ("电子送达凭证", "telegram···4321", "abab")),
        (record(header(), ["原告：张三", "被告：李四"], entries), ("庭审笔录", "提交起诉状", "被告李四：提交答辩")),
        (fee_notice(header("en"), Decimal("1050")), ("NoticeofCourtFees", "1050yuan")),
    ]
    for document, expected in documents:
        words = extracted(render(document)).replace(" ", "").replace("\n", "")
        for piece in expected:
            assert piece in words, (document.kind, piece)


def test_court_signature_validates_and_names_the_court_ESL_13(key_dir: tuple[Path, Sealer], signed: bytes) -> None:
    """ESL 13 (DOMAIN §13.2): the court's signature validates and says who signed when."""
    verdict = verify(signed, court_key.certificates(key_dir[0]))
    assert verdict.code == INTACT and verdict.signer == COURT and verdict.signed_at is not None
    assert COURT in verdict.message("zh") and "Intact" in verdict.message("en")


def test_any_changed_byte_fails_verification_ESL_13(key_dir: tuple[Path, Sealer], signed: bytes) -> None:
    """ESL 13: any later change to the document is detectable: a flipped bit in the signed bytes
    (the file's head, pages, fonts, trailer), in the signature itself (also the parts of the CMS
    its signature does not cover) or in its reserved space is TAMPERED."""
    certificates = court_key.certificates(key_dir[0])
    contents = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", contents)
    around = [*range(0, contents, max(1, contents // 60)), *range(end, len(signed), 97)]
    for position in [*around, *range(contents, end, 11), end - 20]:  # the signature and its padding too
        changed = bytearray(signed)
        changed[position] ^= 1
        assert verify(bytes(changed), certificates).code == TAMPERED, position


def test_a_re_signed_copy_with_another_key_never_verifies(
    key_dir: tuple[Path, Sealer], signed: bytes, tmp_path: Path
) -> None:
    """ESL 13: the court's document re-signed by someone else on top (an incremental update) is
    changed after the court signed; a document signed only by another key is not the court's."""
    other = court_key.init(tmp_path, Sealer(Sealer.new_key()), "某某公司", "X", NOW)
    certificates = court_key.certificates(key_dir[0])
    assert verify(sign(signed, other, "forged", NOW, field="Other").pdf, certificates).code == TAMPERED
    alone = verify(sign(render(fee_notice(header(), Decimal(50))), other, "forged", NOW).pdf, certificates)
    assert alone.code == NOT_COURT and alone.problem == "other_signer" and "某某公司" in alone.message("zh")


def test_cli_verify_exit_codes(
    key_dir: tuple[Path, Sealer], signed: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`microcourt documents verify`: 0 and who signed when; 1 and what is wrong; 2 for a PDF the
    court did not sign and for a file that is no PDF."""
    certificates = str(key_dir[0])
    files = {"intact": signed, "unsigned": render(fee_notice(header(), Decimal(50))), "text": b"hello"}
    changed = bytearray(signed)
    changed[len(signed) // 4] ^= 1
    files["changed"] = bytes(changed)
    for name, content in files.items():
        (tmp_path / f"{name}.pdf").write_bytes(content)

    def run(name: str) -> tuple[int, str]:
        code = main(["documents", "verify", str(tmp_path / f"{name}.pdf"), "--certificates", certificates])
        return code, capsys.readouterr().out

    code, said = run("intact")
    assert code == 0 and COURT in said and "Intact" in said
    code, said = run("changed")
    assert code == 1 and "changed after the court signed" in said
    code, said = run("unsigned")
    assert code == 2 and "no signature" in said
    assert run("text")[0] == 2


def test_court_key_is_sealed_and_rotation_keeps_old_documents_verifiable(
    tmp_path: Path,
) -> None:
    """The court's key is kept sealed under the data key (no private key in the clear); `init`
    twice is refused; after `rotate` the new key signs and what the old one signed still verifies."""
    old_key, new_key = Sealer.new_key(), Sealer.new_key()
    directory, sealer = tmp_path / "key", Sealer(old_key)
    court_key.init(directory, sealer, COURT, "浙0192", NOW)
    assert b"PRIVATE KEY" not in (directory / court_key.KEY_FILE).read_bytes()
    with pytest.raises(SealError):
        court_key.load(directory, Sealer(Sealer.new_key()))
    with pytest.raises(court_key.CourtKeyError):
        court_key.init(directory, sealer, COURT, "浙0192", NOW)
    first = sign(render(fee_notice(header(), Decimal(50))), court_key.load(directory, sealer), "fee notice", NOW).pdf
    rotated = court_key.rotate(directory, sealer, COURT, "浙0192", NOW)
    assert court_key.load(directory, sealer).certificate == rotated.certificate
    after = sign(render(fee_notice(header(), Decimal(50))), rotated, "fee notice", NOW).pdf
    certificates = court_key.certificates(directory)
    assert len(certificates) == 2
    assert verify(first, certificates).code == INTACT and verify(after, certificates).code == INTACT
    assert court_key.reseal(directory, Sealer(new_key, [old_key]))  # `microcourt keys rotate`
    assert court_key.load(directory, Sealer(new_key)).certificate == rotated.certificate
