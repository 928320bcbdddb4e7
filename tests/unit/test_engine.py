"""The pure engine on a small question-round flow: parallel windows, deadlines, stale input."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from court import reverify
from flows.context import FlowContext
from flows.effects import CancelDeadlines, Message, ScheduleDeadline
from flows.engine import advance, discharge_duties, open_duties
from flows.events import Answer, DeadlineReached, Signal, Start
from flows.library import check_file
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.state import CaseState
from flows.texts import Catalog

ROUND = """
id: round
version: 1
roles: [plaintiff, defendant, court]
start_stage: questions
stages:
  questions:
    entry: {plaintiff: p_answer, defendant: d_answer}
    when_all_done: review
    deadline: {kind: round, duration: P7D, remind_before: PT24H, on_expire: review, notify: [court]}
  review:
    entry: {court: decide}
    final: true
steps:
  p_answer:
    {role: plaintiff, text: q, input: {kind: long_text, max_length: 10}, store: answers.plaintiff, next: {done: true}}
  d_answer: {role: defendant, text: q, input: {kind: long_text}, store: answers.defendant, next: {done: true}}
  decide: {role: court, text: q}
"""
TEXTS = {loc: {"q": "?", "deadline.kind.round": "round", "late": "Case {case_number}: late"} for loc in ("zh", "en")}
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _flow(tmp_path: Path, body: str = ROUND) -> tuple[FlowDefinition | None, list[Any]]:
    path = tmp_path / "round.yaml"
    path.write_text(body)
    return check_file(path, Registry(), Catalog(TEXTS))


def _start(tmp_path: Path) -> tuple[FlowDefinition, CaseState, list[Any]]:
    flow, problems = _flow(tmp_path)
    assert flow is not None and problems == []
    decision = advance(flow, CaseState("round", 1), Start(), FlowContext(NOW), Registry())
    return flow, decision.state, decision.effects


def _answer(
    flow: FlowDefinition, state: CaseState, role: str, value: Any, now: datetime = NOW, registry: Registry | None = None
) -> Any:
    cursor = state.cursors[role]
    event = Answer(role, cursor.step, cursor.seq, value)
    return advance(flow, state, event, FlowContext(now), registry or Registry())


def test_parallel_window_prompts_both_parties_and_schedules_one_deadline(tmp_path: Path) -> None:
    """OLR 20(1): both parties answer the same round, each at their own time."""
    _flow, _state, effects = _start(tmp_path)
    prompts = sorted(e.role for e in effects if isinstance(e, Message) and e.prompt)
    deadlines = [e for e in effects if isinstance(e, ScheduleDeadline)]
    assert prompts == ["defendant", "plaintiff"]
    assert [d.due_at for d in deadlines] == [NOW + timedelta(days=7)]
    assert deadlines[0].remind_at == NOW + timedelta(days=6)
    assert isinstance(effects[0], CancelDeadlines)


def test_stage_moves_on_only_when_every_party_is_done(tmp_path: Path) -> None:
    """`when_all_done`: the first answer waits for the second."""
    flow, state, _ = _start(tmp_path)
    first = _answer(flow, state, "defendant", "no")
    assert first.ok and first.state.stage == "questions" and "plaintiff" in first.state.cursors
    second = _answer(flow, first.state, "plaintiff", "yes")
    assert second.state.stage == "review"
    assert second.state.data["answers"] == {"plaintiff": "yes", "defendant": "no"}


def test_a_stale_deadline_changes_nothing(tmp_path: Path) -> None:
    """A deadline row from an earlier stage is refused as stale."""
    flow, state, _ = _start(tmp_path)
    stale = advance(flow, state, DeadlineReached("round", state.stage_seq - 1), FlowContext(NOW), Registry())
    assert stale.error == "stale_deadline" and stale.state is state and stale.effects == []


def test_window_expiry_records_no_answer_and_moves_on(tmp_path: Path) -> None:
    """DOMAIN §10.4: a window passing records it and the judge decides; silence is not admission."""
    flow, state, _ = _start(tmp_path)
    half = _answer(flow, state, "plaintiff", "yes").state
    expired = advance(flow, half, DeadlineReached("round", half.stage_seq), FlowContext(NOW), Registry())
    assert expired.state.stage == "review"
    assert "defendant" not in expired.state.data.get("answers", {})
    assert expired.state.data["_expired"] == ["round"]
    assert any(isinstance(e, Message) and e.role == "court" for e in expired.effects)


def test_reminder_goes_to_those_still_asked_only(tmp_path: Path) -> None:
    """The 24-hour reminder reaches parties who have not answered yet."""
    flow, state, _ = _start(tmp_path)
    half = _answer(flow, state, "plaintiff", "yes").state
    reminded = advance(
        flow, half, DeadlineReached("round", half.stage_seq, reminder=True), FlowContext(NOW), Registry()
    )
    assert [e.role for e in reminded.effects] == ["defendant"]
    assert reminded.state.stage == "questions"


def test_too_long_and_not_your_turn_are_refused(tmp_path: Path) -> None:
    """Input over the step's cap, and a role with no prompt, change nothing."""
    flow, state, _ = _start(tmp_path)
    long = _answer(flow, state, "plaintiff", "x" * 11)
    assert long.error == "too_long" and long.error_params == {"limit": 10, "length": 11}
    nobody = advance(flow, state, Answer("court", "decide", 1, "x"), FlowContext(NOW), Registry())
    assert nobody.error == "not_your_turn"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("answers.plaintiff, next: {done: true}", "answers.plaintiff, next: nowhere"), "unknown step 'nowhere'"),
        (("duration: P7D", "duration: 7 days"), "bad ISO-8601 duration"),
        (
            ("text: q, input: {kind: long_text, max", "text: missing, input: {kind: long_text, max"),
            "text 'missing' is missing in zh",
        ),
        (
            (
                "store: answers.plaintiff, next: {done: true}",
                "store: answers.plaintiff, next: [{if: magic, done: true}]",
            ),
            "unknown guard 'magic'",
        ),
        (
            ("  decide: {role: court, text: q}", "  decide: {role: court, text: q}\n  orphan: {role: court, text: q}"),
            "step 'orphan' is unreachable",
        ),
        (("input: {kind: long_text}", "input: {kind: telepathy}"), "unknown input kind 'telepathy'"),
        (
            ("notify: [court]}", "notify: [court], expire_text: late}"),
            "expire text 'late' uses ['case_number'] but the deadline has no params",
        ),
        (
            ("    entry: {court: decide}", "    entry: {court: decide}\n    unadmitted: [company]"),
            "unadmitted names unknown role 'company'",
        ),
    ],
)
def test_validator_reports_problems_with_their_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    """Unknown steps, bad durations, missing texts, unknown guards, unreachable steps are loud."""
    body = ROUND.replace(*change)
    assert body != ROUND
    _definition, problems = _flow(tmp_path, body)
    matching = [p for p in problems if expected in p.message]
    assert matching, problems
    assert all(p.line > 0 and p.file.endswith("round.yaml") for p in matching)


def test_flows_package_does_no_io() -> None:
    """ARCH: the engine imports nothing that does I/O."""
    banned = {"aiohttp", "telegram", "sqlalchemy", "redis", "aiortc", "asyncio", "socket", "requests"}
    for path in Path("flows").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert name.split(".")[0] not in banned, f"{path} imports {name}"


def test_a_session_stage_blocks_acts_until_identity_is_rechecked(tmp_path: Path) -> None:
    """OLR 7(3): re-verify at the start of a session; a failed re-check blocks and alerts the court."""
    body = ROUND.replace(
        "    when_all_done: review\n", "    when_all_done: review\n    reverify: [plaintiff, defendant]\n"
    )
    texts = {loc: {**TEXTS[loc], "reverify.needed": "!", "reverify.failed_alert": "!"} for loc in TEXTS}
    path = tmp_path / "round.yaml"
    path.write_text(body)
    registry = Registry()
    reverify.register(registry)
    flow, problems = check_file(path, registry, Catalog(texts))
    assert flow is not None and problems == []
    started = advance(flow, CaseState("round", 1), Start(), FlowContext(NOW), registry)
    assert sorted(e.role for e in started.effects if isinstance(e, Message) and e.text == "reverify.needed") == [
        "defendant",
        "plaintiff",
    ]
    state = started.state
    assert _answer(flow, state, "plaintiff", "yes", registry=registry).error == "reverify_first"
    from flows.events import Signal

    passed = advance(
        flow, state, Signal("identity_rechecked", {"role": "plaintiff", "passed": True}), FlowContext(NOW), registry
    )
    assert _answer(flow, passed.state, "plaintiff", "yes", registry=registry).ok
    failed = advance(
        flow,
        passed.state,
        Signal("identity_rechecked", {"role": "defendant", "passed": False}),
        FlowContext(NOW),
        registry,
    )
    assert [e.role for e in failed.effects] == ["court"]
    assert _answer(flow, failed.state, "defendant", "no", registry=registry).error == "reverify_failed"


def test_stage_calls_asks_the_current_stages_question_again_and_changes_nothing(tmp_path: Path) -> None:
    """What a stage asked the court on entry can be asked again later (a person verified since)."""
    from flows.effects import ServiceCall
    from flows.engine import stage_calls

    body = ROUND.replace("    entry: {court: decide}\n", "    entry: {court: decide}\n    on_enter: [ask]\n")
    registry = Registry()
    registry.actions["ask"] = lambda data, ctx: [ServiceCall("check", {"who": data.setdefault("asked", "x")})]
    path = tmp_path / "round.yaml"
    path.write_text(body)
    flow, problems = check_file(path, registry, Catalog(TEXTS))
    assert flow is not None and problems == []
    waiting = CaseState("round", 1, stage="questions")
    assert stage_calls(flow, waiting, FlowContext(NOW), registry) == []  # this stage asked nothing
    reviewing = CaseState("round", 1, stage="review", data={})
    assert stage_calls(flow, reviewing, FlowContext(NOW), registry) == [ServiceCall("check", {"who": "x"})]
    assert reviewing.data == {}  # an action's scratch writes never reach the state


JOINING = """
id: joining
version: 1
roles: [plaintiff, court]
start_stage: waiting
stages:
  waiting:
    entry: {plaintiff: wait}
    on_signal:
      joined:
        - {if: is_company, stage: proof}
        - {stage: joined}
  proof:
    entry: {plaintiff: papers}
  review:
    entry: {court: decide}
    final: true
  joined:
    entry: {court: decide}
    final: true
steps:
  wait: {role: plaintiff, text: q}
  papers: {role: plaintiff, text: q, input: {kind: files, min_files: 1}, store: papers, next: {stage: review}}
  decide: {role: court, text: q}
"""


def _joining(tmp_path: Path, body: str = JOINING) -> tuple[FlowDefinition | None, list[Any], Registry]:
    registry = Registry()
    registry.guards["is_company"] = lambda data, _value: data.get("kind") == "company"
    path = tmp_path / "joining.yaml"
    path.write_text(body)
    return (*check_file(path, registry, Catalog(TEXTS)), registry)


def test_a_signal_leads_to_the_first_stage_whose_guard_holds(tmp_path: Path) -> None:
    """on_signal may route by guard, as `next` does (filing v3: a company proves who acts for it)."""
    flow, problems, registry = _joining(tmp_path)
    assert flow is not None and problems == []
    start = advance(flow, CaseState("joining", 1), Start(), FlowContext(NOW), registry).state
    for kind, stage in (("company", "proof"), ("person", "joined")):
        decision = advance(flow, start, Signal("joined", {"kind": kind}), FlowContext(NOW), registry)
        assert decision.ok and decision.state.stage == stage and decision.state.data["kind"] == kind


def test_files_step_with_a_minimum_refuses_done_until_enough_arrived(tmp_path: Path) -> None:
    flow, _problems, registry = _joining(tmp_path)
    assert flow is not None
    start = advance(flow, CaseState("joining", 1), Start(), FlowContext(NOW), registry).state
    state = advance(flow, start, Signal("joined", {"kind": "company"}), FlowContext(NOW), registry).state
    cursor = state.cursors["plaintiff"]
    refused = advance(flow, state, Answer("plaintiff", "papers", cursor.seq, "done"), FlowContext(NOW), registry)
    assert refused.error == "files_required" and refused.error_params == {"minimum": 1} and refused.state is state
    file = {"evidence_id": "e1", "name": "licence.pdf", "sha256": "a" * 64}
    state = advance(flow, state, Answer("plaintiff", "papers", cursor.seq, file), FlowContext(NOW), registry).state
    done = advance(flow, state, Answer("plaintiff", "papers", cursor.seq, "done"), FlowContext(NOW), registry)
    assert done.ok and done.state.stage == "review"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("        - {stage: joined}\n", ""), "the last route needs no `if`"),
        (("        - {stage: joined}", "        - {step: wait}"), "a signal leads to a stage, nothing else"),
        (("        - {stage: joined}", "        - {stage: nowhere}"), "unknown stage 'nowhere'"),
    ],
)
def test_validator_checks_signal_routes(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    body = JOINING.replace(*change)
    assert body != JOINING
    _unused, problems, _registry = _joining(tmp_path, body)
    assert any(expected in p.message for p in problems), problems


def test_a_version_based_on_another_states_only_what_changed(tmp_path: Path) -> None:
    """`based_on: N`: steps and stages named replace version N's, `null` removes one, the rest
    is version N's; a base that is not there is a loud problem."""
    (tmp_path / "round.v1.yaml").write_text(ROUND)
    newer = tmp_path / "round.v2.yaml"
    newer.write_text(
        "id: round\nversion: 2\nbased_on: 1\nsteps:\n"
        "  p_answer: {role: plaintiff, text: q, input: {kind: long_text, max_length: 99}, next: {done: true}}\n"
    )
    flow, problems = check_file(newer, Registry(), Catalog(TEXTS))
    assert flow is not None and problems == []
    assert flow.key == ("round", 2) and flow.steps["p_answer"].input.max_length == 99
    assert flow.steps["d_answer"].store == "answers.defendant" and set(flow.stages) == {"questions", "review"}
    newer.write_text("id: round\nversion: 2\nbased_on: 1\nstages:\n  review: null\n")
    _unused, problems = check_file(newer, Registry(), Catalog(TEXTS))
    [gone] = [p for p in problems if "unknown stage 'review'" in p.message]
    assert gone.file.endswith("round.v1.yaml") and gone.line == 7  # where the inherited stage is written
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")  # another file's problem is its own
    for body, expected in [
        ("based_on: 7", "based_on 7: no such version here"),
        ("based_on: true", "based_on True: name a version number"),
        ("based_on: 3", "based_on 2: versions based on each other"),
    ]:
        newer.write_text(f"id: round\nversion: 2\n{body}\n")
        (tmp_path / "round.v3.yaml").write_text("id: round\nversion: 3\nbased_on: 2\n")
        _unused, problems = check_file(newer, Registry(), Catalog(TEXTS))
        assert [p.message for p in problems] == [expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("{if: is_company, stage: proof}", "{guard: is_company, stage: proof}"),
            "unknown key 'guard' in this transition",
        ),
        (
            ("    entry: {plaintiff: papers}", "    entry: {plaintiff: papers}\n    finale: true"),
            "unknown key 'finale'",
        ),
        (("store: papers,", "store: papers, stor: x,"), "unknown key 'stor' in this step"),
        (("{kind: files, min_files: 1}", "{kind: files, min_file: 1}"), "unknown key 'min_file' in this input"),
    ],
)
def test_an_unknown_key_is_refused_not_ignored(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    """A misspelt key once passed silently: `guard:` for `if:` made a conditional route
    unconditional. Every part of a definition names the keys it has."""
    body = JOINING.replace(*change)
    assert body != JOINING
    _unused, problems, _registry = _joining(tmp_path, body)
    assert any(expected in p.message for p in problems), problems


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ("min_files: 9, max_files: 6", "min_files belongs to a files step and may not exceed max_files"),
        ("min_files: two", "min_files must be a whole number"),
    ],
)
def test_a_files_minimum_is_checked(tmp_path: Path, files: str, expected: str) -> None:
    body = JOINING.replace("{kind: files, min_files: 1}", f"{{kind: files, {files}}}")
    assert body != JOINING
    _unused, problems, _registry = _joining(tmp_path, body)
    assert any(expected in p.message for p in problems), problems


def test_a_statement_takes_a_text_or_one_file_and_nothing_else(tmp_path: Path) -> None:
    """A `statement` answer (an inquiry answer, a hearing statement) is written or sent as one
    file, a voice message or a video; either is stored as what it is, and the party is done."""
    body = ROUND.replace(
        "input: {kind: long_text}, store: answers.defendant", "input: {kind: statement}, store: answers.defendant"
    )
    flow, problems = _flow(tmp_path, body)
    assert flow is not None and problems == []
    state = advance(flow, CaseState("round", 1), Start(), FlowContext(NOW), Registry()).state
    assert _answer(flow, state, "defendant", {"name": "x.mp4"}).error == "say_or_send"
    assert _answer(flow, state, "defendant", "  ").error == "say_or_send"
    video = {"evidence_id": "e1", "name": "video-note-1.mp4", "sha256": "b" * 64}
    sent = _answer(flow, state, "defendant", video)
    assert sent.ok and sent.state.data["answers"]["defendant"] == {"file": video}
    written = _answer(flow, state, "defendant", "I paid on 3 May.")
    assert written.state.data["answers"]["defendant"] == {"text": "I paid on 3 May."}


def test_a_statement_sent_as_a_file_is_acknowledged_with_its_fingerprint(tmp_path: Path) -> None:
    """OLR 16: a statement sent as a voice message or a video is held as it arrived, and its sender
    is told so with its SHA-256, like evidence; a written statement needs no fingerprint."""
    body = ROUND.replace(
        "input: {kind: long_text}, store: answers.defendant", "input: {kind: statement}, store: answers.defendant"
    )
    flow, _problems = _flow(tmp_path, body)
    assert flow is not None
    state = advance(flow, CaseState("round", 1), Start(), FlowContext(NOW), Registry()).state
    video = {"evidence_id": "e1", "name": "video-note-1.mp4", "sha256": "b" * 64}
    receipts = [m for m in _answer(flow, state, "defendant", video).effects if isinstance(m, Message)]
    assert [(m.role, m.text, m.params) for m in receipts if m.text == "files.statement_received"] == [
        ("defendant", "files.statement_received", {"name": "video-note-1.mp4", "sha256": "b" * 64})
    ]
    written = _answer(flow, state, "defendant", "I paid on 3 May.").effects
    assert not [m for m in written if isinstance(m, Message) and m.text == "files.statement_received"]


def test_a_statement_step_needs_a_store(tmp_path: Path) -> None:
    body = ROUND.replace("input: {kind: long_text}, store: answers.defendant", "input: {kind: statement}")
    _flow_def, problems = _flow(tmp_path, body)
    assert any("a statement step needs a store path" in str(p) for p in problems)


ASKED_ONCE = """
id: asked
version: 1
roles: [plaintiff, defendant, court]
start_stage: consent
stages:
  consent:
    skip_to: [{if: agreed, stage: round}]
    entry: {plaintiff: agree}
    when_all_done: round
  round:
    entry: {plaintiff: say}
    when_all_done: review
    deadline: {kind: round, duration: P7D, self_extension: P7D, on_expire: review}
  review:
    entry: {court: again}
steps:
  agree:
    role: plaintiff
    text: q
    input: {kind: choice, options: [{value: "yes", text: q}]}
    store: agreed
    next: {done: true}
  say: {role: plaintiff, text: q, input: {kind: long_text}, store: said, next: {done: true}}
  again: {role: court, text: q, input: {kind: choice, options: [{value: more, text: q}]}, next: {stage: consent}}
"""
ASKED_TEXTS = {
    loc: {k: "?" for k in ("q", "deadline.kind.round", "role.plaintiff", "role.defendant", "role.court")}
    | {f"deadline.{k}": "?" for k in ("extend", "extend_confirm", "extend_warning", "self_extended")}
    for loc in ("zh", "en")
}


def _asked(tmp_path: Path, body: str = ASKED_ONCE) -> tuple[FlowDefinition | None, list[Any], Registry]:
    registry = Registry()
    registry.guards["agreed"] = lambda data, _value: data.get("agreed") == "yes"
    path = tmp_path / "asked.yaml"
    path.write_text(body)
    return (*check_file(path, registry, Catalog(ASKED_TEXTS)), registry)


def test_a_stage_whose_skip_guard_holds_is_passed_through_to_its_target(tmp_path: Path) -> None:
    """OLR 4, 20(1): consent to the asynchronous inquiry is asked once per case; the round after it
    passes through the consent stage (`skip_to`): no question, no status, straight to the round."""
    flow, problems, registry = _asked(tmp_path)
    assert flow is not None and problems == []
    state = advance(flow, CaseState("asked", 1), Start(), FlowContext(NOW), registry).state
    assert state.stage == "consent"  # not agreed yet: asked
    state = _answer(flow, state, "plaintiff", "yes", registry=registry).state
    state = _answer(flow, state, "plaintiff", "First answer.", registry=registry).state
    assert state.stage == "review"
    again = _answer(flow, state, "court", "more", registry=registry)
    assert again.ok and again.state.stage == "round" and again.state.data["_status"] == "ROUND"
    asked = [e.prompt.step for e in again.effects if isinstance(e, Message) and e.prompt]
    assert asked == ["say"]  # the consent question is not asked again


def test_a_new_window_gives_each_party_its_one_self_extension_again(tmp_path: Path) -> None:
    """DOMAIN §10.3: one self-service extension per party per window; a stage entered again (the
    next inquiry round) opens a new window, so the extension is offered again."""
    flow, _problems, registry = _asked(tmp_path)
    assert flow is not None
    state = advance(flow, CaseState("asked", 1), Start(), FlowContext(NOW), registry).state
    state = _answer(flow, state, "plaintiff", "yes", registry=registry).state
    for value in ("_extend", "_extend_confirm"):
        state = _answer(flow, state, "plaintiff", value, registry=registry).state
    assert state.data["_extended"] == {"round": ["plaintiff"]}
    assert _answer(flow, state, "plaintiff", "_extend", registry=registry).error == "extension_unavailable"
    state = _answer(flow, state, "plaintiff", "Said.", registry=registry).state
    again = _answer(flow, state, "court", "more", registry=registry)
    [prompt] = [e.prompt for e in again.effects if isinstance(e, Message) and e.prompt]
    assert "_extend" in [o["value"] for o in prompt.input["options"]]
    assert "round" not in again.state.data["_extended"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("skip_to: [{stage: round}]", "each route is {if: <guard>, stage: <stage>}"),
        ("skip_to: [{if: agreed, step: say}]", "each route is {if: <guard>, stage: <stage>}"),
        ("skip_to: [{if: agreed, stage: nowhere}]", "unknown stage 'nowhere'"),
        ("skip_to: [{if: magic, stage: round}]", "unknown guard 'magic'"),
        ("skip_to: [{if: agreed, stage: consent}]", "skipping leads back to 'consent'"),
    ],
)
def test_validator_checks_skip_routes(tmp_path: Path, change: str, expected: str) -> None:
    body = ASKED_ONCE.replace("skip_to: [{if: agreed, stage: round}]", change)
    assert body != ASKED_ONCE
    _unused, problems, _registry = _asked(tmp_path, body)
    assert any(expected in p.message for p in problems), problems


DUTY = """
id: duty
version: 1
roles: [plaintiff, defendant, court]
start_stage: accepted
stages:
  accepted:
    entry: {court: go_on}
    duty: {kind: send, duration: P5D, until: {sent: served, to: defendant}, notify: [court], rule: CPL 128}
  later:
    entry: {court: close}
  closed:
    entry: {court: done}
    final: true
steps:
  go_on: {role: court, text: q, input: {kind: choice, options: [{value: "yes", text: q}]}, next: {stage: later}}
  close: {role: court, text: q, input: {kind: choice, options: [{value: "yes", text: q}]}, next: {stage: closed}}
  done: {role: court, text: q}
"""


def _duty_flow(tmp_path: Path, body: str = DUTY) -> tuple[FlowDefinition | None, list[Any], Registry]:
    registry = Registry()
    registry.served_texts.add("served")
    path = tmp_path / "duty.yaml"
    path.write_text(body)
    texts = {loc: {"q": "?", "deadline.kind.send": "sending"} for loc in ("zh", "en")}
    flow, problems = check_file(path, registry, Catalog(texts))
    return flow, problems, registry


def test_a_courts_duty_outlives_its_stage_lapses_without_moving_the_case_and_is_discharged(tmp_path: Path) -> None:
    """CPL 128 (the court sends within 5 days): a `duty` starts on entering its stage, is kept
    when the case moves on, lapses by telling the court while the case stays put, and is done
    when its document is sent; a final stage ends the others."""
    flow, problems, registry = _duty_flow(tmp_path)
    assert flow is not None and problems == []
    started = advance(flow, CaseState("duty", 1), Start(), FlowContext(NOW), registry)
    [scheduled] = [e for e in started.effects if isinstance(e, ScheduleDeadline)]
    assert (scheduled.kind, scheduled.due_at, scheduled.rule) == ("send", NOW + timedelta(days=5), "CPL 128")
    cursor = started.state.cursors["court"]
    moved = advance(flow, started.state, Answer("court", cursor.step, cursor.seq, "yes"), FlowContext(NOW), registry)
    [cancel] = [e for e in moved.effects if isinstance(e, CancelDeadlines)]
    assert cancel.keep == ("send",) and moved.state.stage == "later"
    lapsed = advance(
        flow, moved.state, DeadlineReached("send", scheduled.stage_seq), FlowContext(NOW + timedelta(days=6)), registry
    )
    assert lapsed.ok and lapsed.state.stage == "later"  # nothing happens to the case itself
    assert [e.role for e in lapsed.effects if isinstance(e, Message)] == ["court"]
    assert lapsed.state.data["_duties"]["send"]["overdue_at"]
    again = advance(flow, lapsed.state, DeadlineReached("send", scheduled.stage_seq), FlowContext(NOW), registry)
    assert again.error == "stale_deadline"  # told once
    data = dict(lapsed.state.data)
    assert discharge_duties(data, "served", "plaintiff", NOW) == []  # another recipient: not it
    assert discharge_duties(data, "served", "defendant", NOW) == ["send"] and open_duties(data) == {}
    cursor = moved.state.cursors["court"]
    ended = advance(flow, moved.state, Answer("court", cursor.step, cursor.seq, "yes"), FlowContext(NOW), registry)
    assert ended.state.data["_duties"]["send"]["ended_at"]
    assert [e.keep for e in ended.effects if isinstance(e, CancelDeadlines)] == [()]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("until: {sent: served, to: defendant}", "until: {sent: nothing, to: defendant}"), "serves no court document"),
        (("to: defendant}", "to: judge}"), "names unknown role 'judge'"),
        (("until: {sent: served, to: defendant}, ", ""), "a duty needs until"),
        (("kind: send", "kind: other"), "text 'deadline.kind.other' is missing"),
    ],
)
def test_a_duty_is_validated(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    """A duty names a served document, roles of the flow and a kind with its words."""
    problems = _duty_flow(tmp_path, DUTY.replace(*change))[1]
    assert any(expected in p.message for p in problems), problems


def test_a_choice_offers_only_the_options_whose_guard_holds_and_refuses_the_others(tmp_path: Path) -> None:
    """CPL 166 (the tracks a case allows): an option's `if` guard decides, per case, whether it is
    offered; sent anyway it is refused, after the step's validator (which sees the case data in
    `ctx.case`) had its say."""
    body = """
id: pick
version: 1
roles: [plaintiff, defendant, court]
start_stage: asked
stages:
  asked: {entry: {court: pick}}
  done: {entry: {court: end}, final: true}
steps:
  pick:
    role: court
    text: q
    input:
      kind: choice
      validator: seen
      options: [{value: a, text: q, if: not_b}, {value: b, text: q, if: not_b}]
    next: {stage: done}
  end: {role: court, text: q}
"""
    registry = Registry()
    registry.guards["not_b"] = lambda data, value: not (value == "b" and data.get("kind") == "x")
    seen: list[Any] = []
    registry.validators["seen"] = lambda value, spec, ctx: seen.append(dict(ctx.case)) or value
    path = tmp_path / "pick.yaml"
    path.write_text(body)
    flow, problems = check_file(path, registry, Catalog({loc: {"q": "?"} for loc in ("zh", "en")}))
    assert flow is not None and problems == []
    started = advance(flow, CaseState("pick", 1, data={"kind": "x"}), Start(), FlowContext(NOW), registry)
    [prompt] = [e.prompt for e in started.effects if isinstance(e, Message) and e.prompt]
    assert [o["value"] for o in prompt.input["options"]] == ["a"]
    cursor = started.state.cursors["court"]
    refused = advance(flow, started.state, Answer("court", cursor.step, cursor.seq, "b"), FlowContext(NOW), registry)
    assert refused.error == "option_not_available" and seen == [{"kind": "x", "_status": "ASKED"}]
    unknown = check_file(path, Registry(), Catalog({loc: {"q": "?"} for loc in ("zh", "en")}))[1]
    assert any("unknown guard 'not_b'" in p.message for p in unknown)
