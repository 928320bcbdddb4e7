"""The judge's inquiry rounds (OLR 20(1), DOMAIN §10): actions, guards and the questions' validator.

The judge writes a round (the same questions to both parties, to one of them, different questions
to each, or a follow-up to one answer), the round opens with a window, each party asked answers
each of its questions by text or one file (a voice message, a video, a document: hashed on receipt
like evidence), and the round closes when everyone asked has answered or when the window ends.
Then the judge reviews it and opens another round or moves on.

The case data the record is compiled from (`asynchronous_trial/record.py`, with the event log for
who acted and on whose behalf)::

    consent.inquiry = {"plaintiff": "yes" | "no" | "withdrawn", "defendant": ..., "lapsed_at": iso?}
    mode.inquiry = {"mode": "asynchronous" | "live", "at": iso, "why": ..., "by": role?, "kept": "OLR 21"?}
    inquiry.rounds = [                    # round 1, 2, ... in order; never rewritten once closed
        {
            "number": 1,
            "to": "both" | "plaintiff" | "defendant" | "each" | "follow_up",
            "asked_by": {"person_id": ..., "name": ...},   # the case's judge
            "opened_at": iso, "due_at": iso,               # the window as opened (CPL 85 court time)
            "questions": [
                {
                    "id": "1.2", "n": 2, "to": "plaintiff" | "defendant", "text": "...",
                    "asked_at": iso,
                    "follows": "1.1",                      # follow-ups only: the answer it follows
                    "answer": {"text": ...} | {"file": {"evidence_id", "name", "size", "sha256", "received_at"}},
                    "answered_at": iso, "sha256": "..." | None,   # the file's, when answered by a file
                    "no_answer": {"at": iso},              # only when the window closed without it
                },
            ],
            "answered": {"plaintiff": iso},                # when each party had answered all its questions
            "closed_at": iso, "closed": "answered" | "lapsed" | "live",
        },
    ]

Working keys, reset for every round: `inquiry.draft` (the round the judge is writing),
`inquiry.open.<role>` (that party's questions this round: the `for_each` loop's items),
`inquiry.answers.<role>.item_<n>` (the loop's answers, copied into the round as they arrive) and
`inquiry.<role>.choice` ("answer", or "withdraw": consent withdrawn, OLR 5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from asynchronous_trial.formatters import PARTIES
from asynchronous_trial.inquiry_draft import addressees, answered_questions, draft, drafted, followed
from asynchronous_trial.inquiry_texts import answer_lines, round_notice
from flows.context import FlowContext
from flows.effects import Effect, Message
from flows.model import InputSpec
from flows.registry import InputError

MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = 1000


# -- consent and mode (OLR 4, 5, 20(1)) ------------------------------------------------------------


def mode_asked(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The mode in question from now on is the inquiry's (a refusal or withdrawal sends it live)."""
    data["mode_stage"] = "inquiry"
    return []


def agreed(data: Mapping[str, Any], _value: Any) -> bool:
    """Every party agreed to the asynchronous inquiry: later rounds do not ask again."""
    consent = data.get("consent", {}).get("inquiry", {})
    return all(consent.get(role) == "yes" for role in PARTIES)


def interrupted(data: dict[str, Any], ctx: FlowContext) -> None:
    """The inquiry goes live while a round is open: the round closes as it stands; what was
    answered stays valid (OLR 21)."""
    rounds = data.get("inquiry", {}).get("rounds", [])
    if not rounds:
        return
    if "closed_at" not in rounds[-1]:
        rounds[-1].update(closed_at=ctx.now.isoformat(), closed="live")
    data.get("mode", {}).get("inquiry", {})["kept"] = "OLR 21"


# -- the judge writes the round ---------------------------------------------------------------------


_NUMBERING = re.compile(r"^(?:[-*•·](?=\s|$)|[(（]?\d{1,2}(?:[.)](?=\s|$)|[、）]))\s*")
"""A judge's own numbering or bullet before a question: the court numbers the questions itself."""


def questions(value: Any, spec: InputSpec, ctx: FlowContext) -> list[str]:
    """The judge's questions, one per line, their own numbering or bullets dropped, and blank (or
    only numbered) lines with them; none, too many or one too long is refused with what to do."""
    lines = [_NUMBERING.sub("", line.strip()).strip() for line in str(value).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError("inquiry_no_questions")
    if len(lines) > MAX_QUESTIONS:
        raise InputError("inquiry_too_many_questions", limit=MAX_QUESTIONS, count=len(lines))
    longest = max(lines, key=len)
    if len(longest) > MAX_QUESTION_LENGTH:
        raise InputError("inquiry_question_too_long", limit=MAX_QUESTION_LENGTH, length=len(longest))
    return lines


def draft_started(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The judge chose whom to ask: what an earlier draft said is cleared."""
    inquiry = data.setdefault("inquiry", {})
    inquiry["draft"] = {"to": inquiry.get("draft", {}).get("to")}
    return []


def has_answers(data: Mapping[str, Any], _value: Any) -> bool:
    """Some question has been answered: a follow-up has something to follow."""
    return bool(answered_questions(data))


def follows_an_answer(data: Mapping[str, Any], _value: Any) -> bool:
    return followed(data) is not None


def to_each(data: Mapping[str, Any], _value: Any) -> bool:
    return draft(data).get("to") == "each"


def for_both(data: Mapping[str, Any], _value: Any) -> bool:
    return set(addressees(data)) == set(PARTIES)


def for_plaintiff(data: Mapping[str, Any], _value: Any) -> bool:
    return addressees(data) == ["plaintiff"]


# -- the round -------------------------------------------------------------------------------------


def round_opened(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The drafted round becomes round N, its questions numbered N.1, N.2, ...; each party asked
    gets its own list (the loop's items); a party not asked is told it need not act."""
    inquiry = data.setdefault("inquiry", {})
    rounds = inquiry.setdefault("rounds", [])
    number, now = len(rounds) + 1, ctx.now.isoformat()
    asked = [
        {**q, "id": f"{number}.{n}", "n": n, "asked_at": now, "answer": None, "answered_at": None, "sha256": None}
        for n, q in enumerate(drafted(data), 1)
    ]
    judge = data.get("judge", {})
    rounds.append(
        {
            "number": number,
            "to": draft(data).get("to"),
            "asked_by": {"person_id": judge.get("person_id"), "name": judge.get("name", "")},
            "opened_at": now,
            "due_at": data.get("_due", {}).get("inquiry", ""),
            "questions": asked,
            "answered": {},
        }
    )
    inquiry["open"] = {role: [q for q in asked if q["to"] == role] for role in PARTIES}
    inquiry["answers"] = {}
    for role in PARTIES:
        inquiry[role] = {}
    inquiry.pop("draft", None)
    params = round_notice(data)
    return [Message(role, "trial.inquiry.not_asked", params) for role in PARTIES if not inquiry["open"][role]]


def answer_given(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Each new answer is copied into the round with when it came and its file's SHA-256; when a
    party has answered all its questions the judge reads its answers and the party is told."""
    inquiry = data["inquiry"]
    current = inquiry["rounds"][-1]
    by_id = {q["id"]: q for q in current["questions"]}
    effects: list[Effect] = []
    for role in PARTIES:
        given = inquiry.get("answers", {}).get(role, {})
        for n, asked in enumerate(inquiry["open"][role], 1):
            question = by_id[asked["id"]]
            answer = given.get(f"item_{n}")
            if answer is None or question["answer"] is not None:
                continue
            question.update(answer=answer, answered_at=ctx.now.isoformat())
            question["sha256"] = answer["file"]["sha256"] if "file" in answer else None
        mine = [by_id[q["id"]] for q in inquiry["open"][role]]
        if mine and role not in current["answered"] and all(q["answer"] is not None for q in mine):
            current["answered"][role] = ctx.now.isoformat()
            params = {**round_notice(data), "who": {"t": f"role.{role}"}, "answers": answer_lines(mine)}
            effects += [Message("court", "trial.inquiry.answered_court", params)]
            effects += [Message(role, "trial.inquiry.answers_recorded", params)]
    return effects


def silence(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The window closed: each question left unanswered is recorded as "no answer", which admits
    nothing (DOMAIN §10.4); the judge reads it when the round closes."""
    current = data["inquiry"]["rounds"][-1]
    for question in current["questions"]:
        if question["answer"] is None:
            question["no_answer"] = {"at": ctx.now.isoformat()}
    current["lapsed"] = True
    return []


def round_closed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The round is over (everyone asked answered, or the window ended): recorded as closed, and
    its questions and answers go to the judge and to both parties."""
    current = data["inquiry"]["rounds"][-1]
    current.update(closed_at=ctx.now.isoformat(), closed="lapsed" if current.pop("lapsed", False) else "answered")
    data["inquiry"]["open"] = {}
    params = {**round_notice(data), "answers": answer_lines(current["questions"])}
    key = f"trial.inquiry.closed_{current['closed']}"
    return [Message("court", f"{key}_court", params), *(Message(role, key, params) for role in PARTIES)]
