"""What the inquiry's texts show: the round's questions, each answer (its text, or its file with
the file's SHA-256) and "no answer", as the parties and the judge read them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asynchronous_trial.formatters import trial_reference
from asynchronous_trial.inquiry_draft import answered_questions, drafted, followed


def _rounds(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(data.get("inquiry", {}).get("rounds", []))


def round_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """The case, the current round's number and when its window ends (the countdown's end)."""
    rounds = _rounds(data)
    return {
        **trial_reference(data),
        "round": rounds[-1]["number"] if rounds else 1,
        "inquiry_due": {"time": data.get("_due", {}).get("inquiry", "")},
    }


def _question(q: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": q["id"], "to": {"t": f"role.{q['to']}"}, "text": q["text"]}


def _answer(q: Mapping[str, Any]) -> dict[str, Any]:
    """One question with what became of it: its answer (text or file), "no answer", or still open."""
    answer = q.get("answer")
    params = {**_question(q), "at": {"time": q.get("answered_at") or ""}}
    if answer is None:
        kind = "none" if q.get("no_answer") else "open"
    elif "file" in answer:
        kind = "file"
        params.update(name=answer["file"]["name"], sha256=answer["file"]["sha256"])
    else:
        kind = "text"
        params["answer"] = answer["text"]
    return {"t": f"trial.inquiry.answer_line.{kind}", "params": params}


def answer_lines(questions: Sequence[Mapping[str, Any]]) -> list[Any]:
    return [_answer(q) for q in questions] or [{"t": "trial.no_items"}]


def inquiry_review(data: Mapping[str, Any]) -> dict[str, Any]:
    """For the judge writing a round: every answer so far by its number (a follow-up names one)."""
    given = data.get("inquiry", {}).get("draft", {}).get("follows") or ""
    answered = list(answered_questions(data).values())
    answers = answer_lines(answered) if answered else [{"t": "trial.inquiry.no_answers_yet"}]
    return {**trial_reference(data), "answers": answers, "given": given}


def inquiry_follow(data: Mapping[str, Any]) -> dict[str, Any]:
    """The answer the judge follows up, and who will be asked."""
    answer = followed(data)
    lines = answer_lines([answer]) if answer else []
    who = {"t": f"role.{answer['to']}"} if answer else ""
    return {**trial_reference(data), "answer": lines, "who": who}


def inquiry_draft(data: Mapping[str, Any]) -> dict[str, Any]:
    """The round as the parties will read it, before the judge opens it."""
    lines: list[Any] = []
    for n, q in enumerate(drafted(data), 1):
        params = {"n": n, "to": {"t": f"role.{q['to']}"}, "text": q["text"]}
        lines.append({"t": "trial.inquiry.draft_line", "params": params})
        if q.get("follows"):
            lines.append({"t": "trial.inquiry.draft_follows", "params": {"id": q["follows"]}})
    return {**trial_reference(data), "questions": lines}


def _to(role: str) -> Any:
    def questions_to(data: Mapping[str, Any]) -> dict[str, Any]:
        mine = data.get("inquiry", {}).get("open", {}).get(role, [])
        lines = [{"t": "trial.inquiry.question_line", "params": _question(q)} for q in mine]
        return {**round_notice(data), "questions": lines, "count": len(mine)}

    questions_to.__doc__ = f"The current round's questions to the {role}, with the time left."
    return questions_to


inquiry_questions_to_plaintiff = _to("plaintiff")
inquiry_questions_to_defendant = _to("defendant")


def inquiry_question(data: Mapping[str, Any]) -> dict[str, Any]:
    """The question a per-question step asks (`_item`, set by the engine's `for_each`), and the
    answer it follows up, if it is a follow-up."""
    item = data.get("_item", {})
    question = item.get("value", {})
    follows: Any = ""
    if question.get("follows"):
        earlier = {q["id"]: q for r in _rounds(data) for q in r["questions"]}.get(question["follows"])
        follows = {"t": "trial.inquiry.follows", "params": {"answer": _answer(earlier)}} if earlier else ""
    return {
        **round_notice(data),
        "n": item.get("number", ""),
        "of": item.get("of", ""),
        "id": question.get("id", ""),
        "text": question.get("text", ""),
        "follows": follows,
    }
