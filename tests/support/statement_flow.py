"""A small flow with one `statement` question, for the channels' tests of statements (issue 13:
an inquiry answer or a hearing statement written, or sent as a voice message, a video note or a
video recorded in the mini-app). The trial's own statement stages are tested with the trial; this
flow puts a statement prompt, with a window and its countdown, in front of one party."""

from __future__ import annotations

from pathlib import Path

from court.commands import OpenCase
from flows.library import check_file
from gateway.court import Court

FLOW_ID = "statement_test"
STATEMENT_FLOW = f"""
id: {FLOW_ID}
version: 1
roles: [plaintiff, defendant, court]
start_stage: statements
stages:
  statements:
    entry: {{plaintiff: statement}}
    when_all_done: heard
    deadline: {{kind: exchange, duration: P7D, remind_before: PT24H, on_expire: heard, self_extension: P7D}}
  heard:
    entry: {{plaintiff: heard}}
    final: true
steps:
  statement:
    role: plaintiff
    text: trial.answer_statement
    params: trial_reference
    input: {{kind: statement, max_length: 2000, accept: [ogg, oga, mp3, m4a, mp4, webm, pdf]}}
    store: answers.plaintiff
    next: {{done: true}}
  heard:
    role: plaintiff
    text: trial.wait_for_judge
    params: trial_reference
"""


def add_statement_flow(court: Court, directory: Path) -> None:
    """Load the flow (validated against the court's own registry and texts) into the court's library."""
    path = directory / f"{FLOW_ID}.yaml"
    path.write_text(STATEMENT_FLOW, encoding="utf-8")
    flow, problems = check_file(path, court.registry, court.catalog)
    assert flow is not None and problems == [], problems
    court.library.flows[flow.key] = flow


async def statement_case(court: Court, person_id: str) -> str:
    """A case of the statement flow opened by `person_id`, its statement prompt sent to them."""
    outcome = await court.service.open_case(OpenCase(person_id, FLOW_ID, "test"))
    assert outcome.ok and outcome.case_id, outcome.error
    return str(outcome.case_id)
