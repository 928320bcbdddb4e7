"""The judge's questions as the inquiry takes them (`asynchronous_trial.inquiry.questions`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from asynchronous_trial.inquiry import questions
from flows.context import FlowContext
from flows.model import InputSpec
from flows.registry import InputError

NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("When?\n\n2. Where?\n", ["When?", "Where?"]),
        ("- Who signed?\n（3）谁签收的？\n4、何时？", ["Who signed?", "谁签收的？", "何时？"]),
        ("3.5 kg: was that the weight?", ["3.5 kg: was that the weight?"]),  # a number, not numbering
    ],
)
def test_the_judges_questions_are_one_per_line_without_their_own_numbering(written: str, expected: list[str]) -> None:
    """OLR 20(1): the court numbers a round's questions itself (1.1, 1.2, ...)."""
    assert questions(written, InputSpec("long_text"), FlowContext(NOW)) == expected


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("1.\n2.\n-", "inquiry_no_questions"),
        ("\n".join("Why?" for _ in range(21)), "inquiry_too_many_questions"),
        ("x" * 1001, "inquiry_question_too_long"),
    ],
)
def test_an_empty_overlong_or_too_large_round_is_refused(written: str, code: str) -> None:
    with pytest.raises(InputError) as refused:
        questions(written, InputSpec("long_text"), FlowContext(NOW))
    assert refused.value.code == code
