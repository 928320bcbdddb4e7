"""Telegram rendering, callback data and Web App initData validation: pure functions."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from bot.telegram.callback_data import LIMIT, ButtonPress, decode, encode
from bot.telegram.render import MAX_TEXT, render, split_text
from bot.telegram.webapp import InitDataError, sign, validate
from flows.texts import load_catalog
from gateway.frames import render_message

TOKEN = "123456:TEST-TOKEN"
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)
CASE = str(uuid.uuid4())


def test_callback_data_round_trips_within_64_bytes() -> None:
    """ARCH 5: a button carries the case and the prompt's seq in at most 64 bytes."""
    press = ButtonPress(CASE, 123456789, 11)
    data = encode(press)
    assert len(data.encode()) <= LIMIT
    assert decode(data) == press


@pytest.mark.parametrize("data", ["", "a:x:1:2", "o:abc", "a:" + "A" * 22 + ":zz:", "garbage"])
def test_foreign_callback_data_is_rejected(data: str) -> None:
    """Anything we did not produce decodes to None."""
    assert decode(data) is None


def _frame(locale: str) -> dict:
    message = {
        "id": 7,
        "case_id": CASE,
        "at": NOW.isoformat(),
        "text": "filing.case_type",
        "params": {},
        "prompt": {
            "step": "case_type",
            "seq": 9,
            "kind": "choice",
            "options": [
                {"value": "online_shopping", "text": "case_type.online_shopping"},
                {"value": "other", "text": "case_type.other"},
            ],
            "due_at": (NOW + timedelta(days=3, hours=4)).isoformat(),
            "deadline": "review",
        },
    }
    return render_message(message, locale, load_catalog())


@pytest.mark.parametrize(
    ("locale", "label", "countdown"),
    [("zh", "网络购物合同纠纷", "剩余 3 天 4 小时"), ("en", "Online shopping contract", "3 days 4 hours left")],
)
def test_prompt_renders_as_text_and_inline_keyboard(locale: str, label: str, countdown: str) -> None:
    """A choice prompt becomes one button per option, with the countdown in the text."""
    [message] = render(_frame(locale), "filing.case_type", NOW, locale)
    assert message.keyboard[0][0]["text"] == label
    assert decode(message.keyboard[1][0]["callback_data"]) == ButtonPress(CASE, 9, 1)
    assert countdown in message.text
    assert not message.protect


def test_court_documents_are_protected_and_mini_app_button_is_offered() -> None:
    """Notices go with protect_content; a summary offers the mini-app."""
    frame = _frame("en") | {"prompt": {"step": "summary", "seq": 3, "kind": "summary", "options": []}}
    [message] = render(frame, "filing.summary", NOW, "en", "https://court.example/")
    assert message.protect
    assert message.keyboard[-1][0]["web_app"]["url"] == f"https://court.example/?case={CASE}"


@pytest.mark.parametrize("public_url", [None, "https://court.example/"])
def test_issue_14_the_identity_prompt_says_what_to_send_in_telegram_and_offers_the_mini_app_only_with_a_url(
    public_url: str | None,
) -> None:
    """The filing's identity prompt, in Telegram: the court's text says nothing about buttons; the
    channel adds what to send here, in order, a "verify here" button, and the mini-app only where
    the court has a public address."""
    frame = _frame("en") | {
        "text": "Please verify your identity.",
        "prompt": {"step": "verify_identity", "seq": 4, "kind": "identity", "options": []},
    }
    [message] = render(frame, "filing.verify_identity", NOW, "en", public_url)
    hint = message.text.split("\n\n")[-1]
    assert hint.index("agree to the face check") < hint.index("ID card") < hint.index("round video note")
    assert message.keyboard[0] == [{"text": "🪪 Verify here", "callback_data": "i:start"}]
    mini_apps = [b for row in message.keyboard for b in row if "web_app" in b]
    if public_url is None:
        assert mini_apps == []
    else:
        assert mini_apps[0]["web_app"]["url"] == f"https://court.example/?verify=identity&case={CASE}"


def test_long_text_splits_on_paragraphs_not_mid_sentence() -> None:
    """Telegram's 4096-character cap: paragraphs stay whole; buttons ride on the last piece."""
    paragraphs = [f"第{i}段。" + "事实" * 900 for i in range(4)]
    text = "\n\n".join(paragraphs)
    pieces = split_text(text)
    assert all(len(p) <= MAX_TEXT for p in pieces)
    assert "\n\n".join(pieces) == text
    assert all(p.startswith("第") for p in pieces)
    huge = "字" * (MAX_TEXT * 2 + 10)
    assert "".join(split_text(huge)) == huge


def _init_data(**overrides: str) -> str:
    fields = {
        "auth_date": str(int(NOW.timestamp())),
        "query_id": "AAH",
        "user": json.dumps({"id": 4242, "first_name": "张三", "language_code": "zh"}),
    }
    fields.update(overrides)
    return urlencode({**fields, "hash": sign(fields, TOKEN)})


def test_good_init_data_is_accepted() -> None:
    """HMAC-SHA256 keyed by HMAC("WebAppData", token) over the sorted fields."""
    user = validate(_init_data(), TOKEN, NOW + timedelta(minutes=5))
    assert (user.id, user.first_name, user.language_code) == (4242, "张三", "zh")


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        (lambda d: d.replace("4242", "4243"), "init_data_bad_hash"),
        (lambda d: _init_data(), "init_data_bad_hash"),  # signed with another bot's token below
        (lambda d: "&".join(p for p in d.split("&") if not p.startswith("hash=")), "init_data_missing_hash"),
        (lambda d: _init_data(auth_date=str(int((NOW - timedelta(days=2)).timestamp()))), "init_data_stale"),
        (lambda d: "%%%not=a&query", "init_data_malformed"),
    ],
)
def test_forged_or_stale_init_data_is_refused(forge, code: str) -> None:  # type: ignore[no-untyped-def]
    """Tampered fields, a wrong bot, no hash, old auth_date: each refused with its own code."""
    token = "999:OTHER" if code == "init_data_bad_hash" and forge(_init_data()) == _init_data() else TOKEN
    with pytest.raises(InitDataError) as refused:
        validate(forge(_init_data()), token, NOW)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "user",
    [
        '{"id": 4242, "first_name": "a\\u0000b"}',  # a NUL, which PostgreSQL text cannot hold
        '{"id": 4242, "first_name": "a\\ud800b"}',  # a lone surrogate, which UTF-8 cannot encode
        '{"id": 4242, "first_name": "x", "deep": ' + "[" * 5000 + "]" * 5000 + "}",  # past the depth limit
    ],
)
def test_validly_signed_init_data_with_a_name_no_database_holds_is_refused(user: str) -> None:
    """Signed correctly, but the name would fail when stored (a 500): refused as malformed (a 401)."""
    with pytest.raises(InitDataError) as refused:
        validate(_init_data(user=user), TOKEN, NOW)
    assert refused.value.code == "init_data_malformed"


@pytest.mark.parametrize(
    ("locale", "named", "periods"),
    [
        ("en", "⏳ period for the defendant to join online: 2 days 23 hours left", ("3 days", "5 days")),
        ("zh", "⏳ 被告在线关联期限：剩余 2 天 23 小时", ("3日内", "5日内")),
    ],
)
def test_the_fee_paid_message_says_which_clock_the_countdown_is(
    locale: str, named: str, periods: tuple[str, ...]
) -> None:
    """The plaintiff's "fee paid" message speaks of two periods (the defendant's 3 days to join
    online, OLR 10; service within 5 days, CPL 128): the countdown under it names its own."""
    message = {
        "id": 8,
        "case_id": CASE,
        "at": NOW.isoformat(),
        "text": "filing.wait_service",
        "params": {"case_number": "(2026)浙0192民初1号"},
        "prompt": {
            "step": "wait_service",
            "seq": 20,
            "kind": "wait",
            "due_at": (NOW + timedelta(days=2, hours=23)).isoformat(),
            "deadline": "defendant_link",
        },
    }
    [sent] = render(render_message(message, locale, load_catalog()), "filing.wait_service", NOW, locale)
    assert named in sent.text.splitlines()[-1]
    assert all(period in sent.text for period in periods)


@pytest.mark.parametrize(
    ("locale", "how", "countdown"),
    [
        ("zh", "或发送 🎤 语音消息、⭕ 视频消息", "证据交换期间：剩余 6 天 21 小时"),
        ("en", "or send a 🎤 voice message or a ⭕ video note", "evidence exchange window: 6 days 21 hours left"),
    ],
)
def test_a_statement_prompt_says_how_to_answer_before_its_countdown(locale: str, how: str, countdown: str) -> None:
    """DOMAIN §10.3: a statement question says it is written or spoken (with the kinds and size the
    court takes) and shows the time left; its mini-app button records a video."""
    message = {
        "id": 8,
        "case_id": CASE,
        "at": NOW.isoformat(),
        "text": "trial.answer_statement",
        "params": {},
        "prompt": {
            "step": "statement",
            "seq": 4,
            "kind": "statement",
            "max_length": 2000,
            "accept": ["ogg", "mp4", "webm"],
            "max_mb": 20,
            "due_at": (NOW + timedelta(days=6, hours=21, minutes=59)).isoformat(),
            "deadline": "exchange",
        },
    }
    frame = render_message(message, locale, load_catalog())
    [sent] = render(frame, "trial.answer_statement", NOW, locale, "https://court.example/")
    hint, left = sent.text.index(how), sent.text.index(countdown)
    assert hint < left and "ogg, mp4, webm" in sent.text and "20 MB" in sent.text
    assert [row[0]["web_app"]["url"] for row in sent.keyboard] == [f"https://court.example/?case={CASE}"]
