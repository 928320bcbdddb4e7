"""Issue 14, part 2: the ID card is read, not just looked at (OLR 7: the real identity behind
every act).

Specimen cards drawn by tests/support/id_cards.py (WenQuanYi Micro Hei, a face from
shared/testdata/faces, 样本 SPECIMEN on each: never a real card), read by the real OCR engine
(rapidocr-onnxruntime, its models in its wheel) and the real face library, in this process
through the cached encoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.court import Court
from identity.card import CardReading, TextLine, card_reason, read_card_text
from identity.card_reader import OCR_THREADS, ocr_engine
from identity.card_review import CARD_READS
from identity.faces import FaceProbe, face_distance
from identity.id_numbers import resident_id_check_char
from identity.models import IdentityProfile
from identity.results import IdentityRefused
from identity.service import IdentityService
from tests.identity.test_identity_service import ID_NUMBER, NAME, cached, new_person, suffices
from tests.support.cached_encoder import shared_encoder
from tests.support.clock import FakeClock
from tests.support.court import decisions, demo_person
from tests.support.id_cards import card_photo

if TYPE_CHECKING:
    from tests.support.faces import FacePhotos

OTHER_NUMBER = "44030419850612003" + resident_id_check_char("44030419850612003")


@pytest.fixture
async def identity(court: Court) -> IdentityService:
    """The identity service of a court on SQLite, with the cached encoder; consent is given in
    each test for a new person."""
    return await cached(court)


async def consenting(court: Court, identity: IdentityService) -> str:
    """A new litigant who has consented to the face check (PIPL 28)."""
    person = await new_person(court)
    await identity.give_consent(person.id)
    return person.id


async def refusal(identity: IdentityService, person_id: str, photo: bytes, name: str = NAME) -> str:
    """The code the reference upload is refused with (it must be refused)."""
    with pytest.raises(IdentityRefused) as refused:
        await identity.set_reference(person_id, name, ID_NUMBER, photo)
    return refused.value.code


async def test_olr7_the_card_read_is_accepted_and_its_face_is_the_reference(
    court: Court, identity: IdentityService, faces: FacePhotos
) -> None:
    """The person's own card, its number and name the ones typed: the reference is the face on
    the card, which the person's other photo matches and another person's does not."""
    person_id = await consenting(court, identity)
    card = card_photo(NAME, ID_NUMBER, "obama_1.jpg")
    await identity.set_reference(person_id, NAME, ID_NUMBER.lower(), card)
    reading = await shared_encoder().read_card(card)
    assert (reading.text.name, reading.text.number) == (NAME, ID_NUMBER)
    async with court.store.tx() as tx:
        profile = await tx.session.get(IdentityProfile, person_id)
        assert profile is not None
        template = tx.sealer.open(profile.sealed)["template"]
    assert reading.face.encoding is not None and face_distance(template, reading.face.encoding) == 0
    assert face_distance(template, faces.probe("obama_1.jpg").encoding or ()) > 0  # the card's face, not the file's
    suffices(identity)
    stranger = await identity.verify_selfie(person_id, faces.raw("biden_1.jpg"), "telegram")
    assert (stranger.outcome, stranger.reason) == ("failed", "not_same_person")
    same = await identity.verify_selfie(person_id, faces.raw("obama_2.jpg"), "telegram")
    assert same.outcome == "verified"
    first = (await decisions(court, person_id))[0]
    assert (first.purpose, first.outcome) == ("reference", "accepted")


async def test_olr7_a_card_with_another_number_is_refused(court: Court, identity: IdentityService) -> None:
    """A card whose number is not the one typed (someone else's card, or a typo) stores nothing."""
    person_id = await consenting(court, identity)
    assert await refusal(identity, person_id, card_photo(NAME, OTHER_NUMBER)) == "card_number_mismatch"
    status = await identity.status(person_id)
    assert status.reference is False and status.in_review is False
    [row] = await decisions(court, person_id)
    assert (row.purpose, row.outcome, row.reason) == ("reference", "unusable", "card_number_mismatch")


async def test_olr7_a_card_with_another_name_is_refused(court: Court, identity: IdentityService) -> None:
    """The right number on a card of another name is refused; spaces and width in the typed
    name do not matter."""
    person_id = await consenting(court, identity)
    assert await refusal(identity, person_id, card_photo("李四", ID_NUMBER)) == "card_name_mismatch"
    await identity.set_reference(person_id, "陈 一鸣", ID_NUMBER, card_photo(NAME, ID_NUMBER))
    assert (await identity.status(person_id)).reference is True


async def test_issue_14_a_face_photo_is_not_a_card(court: Court, identity: IdentityService, faces: FacePhotos) -> None:
    """The issue's attack: any face photo of the victim as "the ID photo". A sharp photo with no
    card in it, a soft one too (lacamoire_3.png), is refused as not a card; nothing is stored."""
    person_id = await consenting(court, identity)
    for photo in ("obama_1.jpg", "lacamoire_3.png", "two_people.jpg"):
        assert await refusal(identity, person_id, faces.raw(photo)) == "not_a_card", photo
    assert (await identity.status(person_id)).reference is False


async def test_a_card_without_its_face_is_refused(court: Court, identity: IdentityService) -> None:
    """A card whose photo shows no face (covered, or cut out) cannot be the reference."""
    person_id = await consenting(court, identity)
    assert await refusal(identity, person_id, card_photo(NAME, ID_NUMBER, "blank")) == "card_face_missing"


async def test_an_unreadable_card_asks_for_a_better_photo_and_the_third_goes_to_the_clerk(
    court: Court, identity: IdentityService
) -> None:
    """Blur and glare: a better photo is asked for; the third unreadable card in an hour puts the
    person in the clerk's manual review with reason ``card_unreadable``, each photo held for the
    clerk's desk with its decision; the clerk's pass verifies them as the name and number typed."""
    person_id = await consenting(court, identity)
    tried = [
        card_photo(NAME, ID_NUMBER, blur=5.0),
        card_photo(NAME, ID_NUMBER, glare=True),
        card_photo(NAME, ID_NUMBER, blur=8.0),
    ]
    for photo in tried[: CARD_READS - 1]:
        assert await refusal(identity, person_id, photo) == "card_unreadable"
        assert (await identity.status(person_id)).in_review is False
    assert await refusal(identity, person_id, tried[-1]) == "card_review"
    status = await identity.status(person_id)
    assert status.in_review and not status.reference and not status.verified
    [item] = await identity.manual_review_queue(court.settings.court_code)
    assert (item.person_id, item.outcome, item.reason, item.name) == (
        person_id,
        "pending_review",
        "card_unreadable",
        NAME,
    )
    assert item.id_masked == f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"
    desk = court.settings.court_code  # what the clerk's identity desk shows
    found = await identity.review_detail(desk, person_id)
    assert found is not None
    _item, history, held = found
    reads = [e.decision_id for e in history if (e.purpose, e.reason) == ("reference", "card_unreadable")]
    assert len(reads) == CARD_READS and all(held[read] == 1 for read in reads)
    assert [await identity.review_picture(desk, person_id, read, 0) for read in reads] == tried
    clerk = await demo_person(court, "clerk")
    await identity.override(clerk.id, desk, person_id, "verified", "read the card by hand: 陈一鸣, number as typed")
    assert (await identity.status(person_id)).verified
    assert await identity.manual_review_queue(court.settings.court_code) == []
    assert await identity.review_picture(desk, person_id, reads[0], 0) is None  # decided: deleted


async def test_unreadable_cards_of_the_last_hour_only_count(
    court: Court, identity: IdentityService, clock: FakeClock
) -> None:
    """Three unreadable photos spread over more than an hour do not send the card to the clerk:
    the person is still asked for a better photo."""
    person_id = await consenting(court, identity)
    blurred = card_photo(NAME, ID_NUMBER, blur=6.0)
    for _ in range(CARD_READS):
        assert await refusal(identity, person_id, blurred) == "card_unreadable"
        clock.jump(minutes=35)
    assert (await identity.status(person_id)).in_review is False


def line(text: str, left: float, top: float, score: float = 0.99) -> TextLine:
    """A text line the OCR engine might return, 40 px high, 30 px a character."""
    return TextLine(text, left, top, left + 30 * len(text), top + 40, score)


def test_the_name_is_read_from_its_own_box_beside_the_label() -> None:
    """姓名 and the name read as two boxes on one row; the number with a small x; a number
    failing its check character is no number."""
    bad = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2")
    text = read_card_text(
        [line("姓名", 60, 60), line("陈一鸣", 150, 58), line("性别男", 60, 125), line(ID_NUMBER.lower(), 270, 433)]
    )
    assert (text.name, text.number, text.labels) == (NAME, ID_NUMBER, 2)
    assert read_card_text([line("公民身份号码", 60, 440), line(bad, 270, 433)]).number is None
    unsure = read_card_text([line("姓名陈一鸣", 60, 60, score=0.5), line("住址", 60, 255)])
    assert unsure.is_card and unsure.name is None  # read with too little confidence


def test_a_blurred_picture_without_card_text_is_unreadable_a_sharp_one_is_no_card(faces: FacePhotos) -> None:
    """With no card text at all, sharpness decides what the person is told; so it does for a card
    read whose face is not found."""
    empty = read_card_text([])
    probe = faces.probe("obama_1.jpg")
    assert card_reason(CardReading(empty, probe, 3.0), NAME, ID_NUMBER) == "card_unreadable"
    assert card_reason(CardReading(empty, probe, 200.0), NAME, ID_NUMBER) == "not_a_card"
    card = read_card_text([line(f"姓名{NAME}", 60, 60), line(ID_NUMBER, 270, 433)])
    faceless = FaceProbe(0, None, None, None, (1280, 960), "no_face")
    assert card_reason(CardReading(card, faceless, 12.0), NAME, ID_NUMBER) == "card_unreadable"  # soft: retake
    assert card_reason(CardReading(card, faceless, 700.0), NAME, ID_NUMBER) == "card_face_missing"


def test_the_ocr_engine_is_loaded_once_per_process_and_reads_on_one_thread() -> None:
    """Every card of a worker reuses one engine, and each of its three models (detection, direction,
    recognition; rapidocr-onnxruntime 1.4.4's sessions) runs on one onnxruntime thread, not a
    spinning thread per core (docs/identity.md)."""
    engine = ocr_engine()
    assert ocr_engine() is engine
    sessions = (engine.text_det.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session)
    options = [session.get_session_options() for session in sessions]
    assert OCR_THREADS == 1
    assert [(o.intra_op_num_threads, o.inter_op_num_threads) for o in options] == [(1, 1)] * 3
