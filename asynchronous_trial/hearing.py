"""The asynchronous hearing (OLR 20(2)): its guard, its three stages, and what each records.

The hearing runs asynchronously only when every condition holds, each checked and recorded under
`hearing.conditions` with when and who (`check`):

- `track`: the case is on the small-claims or summary track;
- `application`: one party applied in writing (an application with its reason);
- `consent`: every party agreed (and none withdrew later, OLR 5);
- `difficulty`: the judge, having read the application, finds attending at one time genuinely hard;
- `exchange`: an online evidence exchange or inquiry has taken place;
- `undisputed`: the judge certifies that the main facts and evidence are not disputed.

The first condition to fail, whenever it fails (an application refused, a consent withdrawn in the
middle of the debate), is recorded as `hearing.failed`; the flow's guard `hearing_failed` then sends
the case to a live hearing, which names that condition to the parties and the clerk. What was done
before stays valid (OLR 21).

Then three stages, court investigation → debate → final statement, each a window in which every
party records a video statement (`video_statement`: OLR 20(2) speaks of recorded video, so a typed
text is refused with what to do instead). A window closing records "no answer" for whoever said
nothing and tells the judge; silence admits nothing (DOMAIN §10.4).

Pure: no I/O, no clock but the context's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asynchronous_trial.formatters import PARTIES, trial_reference
from court.live import WENT_LIVE
from flows.context import FlowContext
from flows.effects import Effect, Message
from flows.model import InputSpec
from flows.registry import Action, Formatter, InputError

CONDITIONS = ("track", "application", "consent", "difficulty", "exchange", "undisputed")
"""OLR 20(2)'s conditions, in the order they are checked and named."""
STAGES = ("investigation", "debate", "final")
"""The hearing's stages in order: court investigation, debate, final statement (Hangzhou)."""
TRACKS = ("small_claims", "summary")


# -- the guard ----------------------------------------------------------------------------------


def _party_finished(said: Mapping[str, Any]) -> bool:
    """A party said all it will say on the application: agreed, refused, applied with a reason,
    or let the window close."""
    answer = said.get("answer")
    return answer in ("agree", "refuse") or (answer == "apply" and bool(said.get("reason"))) or "lapsed_at" in said


def _application(parties: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    for role in PARTIES:
        said = parties.get(role, {})
        if said.get("answer") == "apply" and said.get("reason"):
            return True, {"by": role, "reason": said["reason"], "applied_at": said.get("at")}
    if all(_party_finished(parties.get(role, {})) for role in PARTIES):
        return False, {"why": "no_application"}
    return None, {}


def _consent(hearing: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    parties = hearing.get("parties", {})
    for stage in STAGES:  # withdrawn mid-hearing (OLR 5)
        for role in PARTIES:
            if hearing.get(stage, {}).get(role, {}).get("choice") == "withdraw":
                return False, {"why": "withdrawn", "by": role, "stage": stage}
    for role in PARTIES:
        said = parties.get(role, {})
        if said.get("answer") == "refuse":
            return False, {"why": "refused", "by": role}
        if "lapsed_at" in said and said.get("answer") in (None, "apply"):
            return False, {"why": "lapsed", "by": role}
    if all(parties.get(role, {}).get("answer") in ("apply", "agree") for role in PARTIES):
        return True, {"parties": {role: parties[role]["answer"] for role in PARTIES}}
    return None, {}


def _exchange(data: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    """An online evidence exchange closed, or an inquiry round ran online to its end."""
    modes = data.get("mode", {})
    exchanged = modes.get("evidence_exchange", {}).get("mode") == "asynchronous" and "evidence_opinions" in data
    rounds = data.get("inquiry", {}).get("rounds", [])
    inquired = any(r.get("closed") in ("answered", "lapsed") for r in rounds)
    return exchanged or inquired, {"evidence_exchange": exchanged, "inquiry": inquired}


def _judge_found(data: Mapping[str, Any], key: str, holds_if: str) -> tuple[bool | None, dict[str, Any]]:
    """A condition the judge rules on (`hearing.<key>`): holds when the ruling is `holds_if`."""
    found = data.get("hearing", {}).get(key)
    if found is None:
        return None, {}
    return found == holds_if, {"by": "judge", "judge": data.get("judge", {}).get("person_id"), "ruling": found}


def conditions(data: Mapping[str, Any]) -> dict[str, tuple[bool | None, dict[str, Any]]]:
    """Each condition of OLR 20(2): holds (True), fails (False) or not decided yet (None), with
    who decided it and what it rests on."""
    hearing = data.get("hearing", {})
    track = data.get("track")
    return {
        "track": (track in TRACKS, {"by": "court", "track": track}),
        "application": _application(hearing.get("parties", {})),
        "consent": _consent(hearing),
        "difficulty": _judge_found(data, "difficulty", "hard"),
        "exchange": _exchange(data),
        "undisputed": _judge_found(data, "certification", "undisputed"),
    }


def check(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Record every condition as it stands now, each with when it was decided and by whom (a party's
    answer to the invitation timed too); the first one failing becomes `hearing.failed` (OLR 20(2))."""
    _stamp_answers(data, ctx)
    hearing = data.setdefault("hearing", {})
    recorded = hearing.setdefault("conditions", {})
    now = ctx.now.isoformat()
    for name, (holds, detail) in conditions(data).items():
        entry = {"holds": holds, **detail}
        if {k: v for k, v in recorded.get(name, {}).items() if k != "at"} != entry:
            recorded[name] = {**entry, "at": now}
        if holds is False and "failed" not in hearing:
            hearing["failed"] = {"condition": name, **detail, "at": now}
    return []


def impossible(data: Mapping[str, Any], value: Any) -> bool:
    """The guard that passes the invitation straight to a live hearing: what the court already
    knows (the track, the exchange or inquiry) rules an asynchronous hearing out, so the parties
    are not asked to apply."""
    found = conditions(data)
    return found["track"][0] is False or found["exchange"][0] is False


def failed(data: Mapping[str, Any], value: Any) -> bool:
    """The guard: a condition of OLR 20(2) has failed, so the hearing cannot be (or stay) asynchronous."""
    return "failed" in data.get("hearing", {})


def invited(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The judge invited an asynchronous hearing: a new application starts (an earlier one is kept
    under `hearing_history`), and the conditions the court knows already are recorded."""
    if "hearing" in data:
        data.setdefault("hearing_history", []).append(data.pop("hearing"))
    data["hearing"] = {"invited_at": ctx.now.isoformat()}
    return check(data, ctx)


def _stamp_answers(data: dict[str, Any], ctx: FlowContext) -> None:
    """When each party answered the invitation (its application's time is when it gave its reason)."""
    for role in PARTIES:
        said = data.get("hearing", {}).get("parties", {}).get(role, {})
        if said.get("answer") and "at" not in said and (said["answer"] != "apply" or said.get("reason")):
            said["at"] = ctx.now.isoformat()


def application_lapsed(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """The invitation's window closed before everyone applied or agreed: agreement is never
    presumed, so the hearing is not asynchronous (OLR 20(2))."""
    for role in PARTIES:
        said = data.setdefault("hearing", {}).setdefault("parties", {}).setdefault(role, {})
        if not _party_finished(said):
            said["lapsed_at"] = ctx.now.isoformat()
    check(data, ctx)
    data["hearing"].setdefault("failed", {"condition": "consent", "why": "lapsed", "at": ctx.now.isoformat()})
    return []


def opened(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """Every condition held: the hearing runs asynchronously, and the judge is told."""
    now = ctx.now.isoformat()
    data["hearing"]["granted_at"] = now
    data.setdefault("mode", {})["hearing"] = {"mode": "asynchronous", "at": now}
    return [Message("court", "trial.hearing_granted_court", invitation(data))]


def live(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """A condition failed: the hearing will be live, recorded with the condition and who; the
    clerk is told to arrange it. What was done stays valid (OLR 21)."""
    hearing = data.setdefault("hearing", {})
    went = data.get(WENT_LIVE)  # consent withdrawn, or the judge's order, in the middle of a stage (OLR 5, 21)
    if went and "failed" not in hearing:
        condition = "consent" if went["why"] == "withdrawn" else "ordered"
        hearing["failed"] = {"condition": condition, **went}
    if "failed" not in hearing:  # reached by a route that did not check: the conditions recorded now
        check(data, ctx)
    why = hearing.get("failed") or {"condition": "consent", "why": "lapsed"}
    hearing["live_at"] = ctx.now.isoformat()
    data.setdefault("mode", {})["hearing"] = {"mode": "live", **why, "at": hearing["live_at"]}
    return [Message("court", "trial.hearing_live_court", live_notice(data))]


# -- the stages ---------------------------------------------------------------------------------


def stated(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
    """When each statement arrived (its file was hashed on receipt already, OLR 16)."""
    for stage in STAGES:
        for role in PARTIES:
            said = data.get("hearing", {}).get(stage, {}).get(role, {})
            if said.get("statement") and "at" not in said:
                said["at"] = ctx.now.isoformat()
    return []


def silence(stage: str) -> Action:
    """The action run when `stage`'s window closes: "no answer" for each party that made no
    statement, and the judge is told. Silence admits nothing (DOMAIN §10.4)."""

    def record(data: dict[str, Any], ctx: FlowContext) -> list[Effect]:
        effects: list[Effect] = []
        for role in PARTIES:
            said = data.setdefault("hearing", {}).setdefault(stage, {}).setdefault(role, {})
            if not said.get("statement"):
                said["no_answer"] = {"at": ctx.now.isoformat()}
                params = {**trial_reference(data), "stage": {"t": f"trial.hearing_stage_name.{stage}"}}
                effects.append(Message("court", "trial.hearing_lapsed_court", {**params, "who": {"t": f"role.{role}"}}))
        return effects

    return record


def video_statement(value: Any, spec: InputSpec, ctx: FlowContext) -> Any:
    """OLR 20(2): each participant records a video of its part of the hearing. A typed text is not
    such a recording, so it is refused with what to do instead; a video file is taken."""
    if isinstance(value, dict) and "file" in value:
        return value
    raise InputError("video_statement_required")


# -- what the texts show ------------------------------------------------------------------------


def _condition_lines(data: Mapping[str, Any]) -> list[Any]:
    recorded = data.get("hearing", {}).get("conditions", {})
    lines: list[Any] = []
    for name in CONDITIONS:
        entry = recorded.get(name, {})
        state = {True: "holds", False: "fails"}.get(entry.get("holds"), "open")
        params = {"mark": {"t": f"trial.hearing_mark.{state}"}, "track": {"t": f"track.{data.get('track')}"}}
        lines.append({"t": f"trial.hearing_condition.{name}", "params": params})
        if name == "application" and entry.get("holds"):
            applied = {"who": {"t": f"role.{entry['by']}"}, "reason": entry.get("reason", "")}
            lines.append({"t": "trial.hearing_applied", "params": applied})
    return lines


def invitation(data: Mapping[str, Any]) -> dict[str, Any]:
    """The invitation as the parties and the judge read it: each condition, and how it stands."""
    due = {"time": data.get("_due", {}).get("hearing_application", "")}
    return {**trial_reference(data), "conditions": _condition_lines(data), "due": due}


def statement_line(role: str, said: Mapping[str, Any]) -> dict[str, Any]:
    """One party's statement in a stage as the record shows it: the video with its fingerprint, a
    text, "no answer", or nothing yet."""
    who = {"t": f"role.{role}"}
    statement = said.get("statement") or {}
    if "file" in statement:
        file = statement["file"]
        params = {"who": who, "name": file.get("name", ""), "sha256": file.get("sha256", "")}
        return {"t": "trial.statement_line.file", "params": {**params, "at": {"time": said.get("at", "")}}}
    if "text" in statement:
        return {"t": "trial.statement_line.text", "params": {"who": who, "text": statement["text"]}}
    if "no_answer" in said:
        return {"t": "trial.statement_line.none", "params": {"who": who}}
    return {"t": "trial.statement_line.pending", "params": {"who": who}}


def statement_lines(data: Mapping[str, Any], stages: tuple[str, ...] = STAGES) -> list[Any]:
    """The hearing's statements, stage by stage, party by party."""
    hearing = data.get("hearing", {})
    lines: list[Any] = []
    for stage in stages:
        if stage not in hearing:
            continue
        lines.append({"t": f"trial.hearing_stage_name.{stage}"})
        lines.extend(statement_line(role, hearing[stage].get(role, {})) for role in PARTIES)
    return lines


def stage_notice(stage: str) -> Formatter:
    """The formatter of `stage`'s prompts: the stage, when its window closes, and what was said in
    the stages before it."""

    def params(data: Mapping[str, Any]) -> dict[str, Any]:
        earlier = statement_lines(data, STAGES[: STAGES.index(stage)])
        return {
            **trial_reference(data),
            "stage": {"t": f"trial.hearing_stage_name.{stage}"},
            "due": {"time": data.get("_due", {}).get(f"hearing_{stage}", "")},
            "earlier": earlier or [{"t": "trial.hearing_nothing_yet"}],
        }

    return params


def live_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """Why the hearing will be live: the condition of OLR 20(2) that failed, and who."""
    why = data.get("hearing", {}).get("failed") or {"condition": "consent", "why": "lapsed"}
    reason = why.get("why") or why["condition"]
    who = {"t": f"role.{why['by']}"} if why.get("by") in PARTIES else ""
    params = {"who": who, "track": {"t": f"track.{data.get('track')}"}, "reasons": why.get("reasons", "")}
    return {
        **trial_reference(data),
        "condition": {"t": f"trial.hearing_condition_name.{why['condition']}"},
        "why": {"t": f"trial.hearing_fails.{reason}", "params": params},
    }
