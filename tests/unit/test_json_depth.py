"""Every JSON body and WebSocket frame is parsed with a depth limit (gateway.requests.parse_json)."""

from __future__ import annotations

import pytest

from gateway.requests import MAX_JSON_DEPTH, JsonRefused, parse_json
from storage.text import storable


def test_json_within_the_depth_limit_parses_like_json_loads() -> None:
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json('{"a": [1, {"b": "[[[[ ]]}"}]}') == {"a": [1, {"b": "[[[[ ]]}"}]}  # brackets in strings
    assert parse_json(nested) is not None
    assert parse_json('{"q": "a \\" [[[[ quoted"}') == {"q": 'a " [[[[ quoted'}


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        "[" * 100_000 + "]" * 100_000,  # json.loads alone: RecursionError
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "{not json",
        "",
    ],
)
def test_json_too_deep_or_not_json_is_refused_not_a_recursion_error(text: str) -> None:
    with pytest.raises(JsonRefused):
        parse_json(text)


@pytest.mark.parametrize(
    ("text", "ok"), [("收据 receipt.pdf", True), ("a\x00b", False), ("a\ud800", False), ("a\nb", False)]
)
def test_storable_text_has_no_nul_control_character_or_lone_surrogate(text: str, ok: bool) -> None:
    assert storable(text) is ok
