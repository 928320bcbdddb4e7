"""A flow as a Mermaid state diagram (stages, and the steps inside each)."""

from __future__ import annotations

from flows.model import FlowDefinition


def to_mermaid(flow: FlowDefinition) -> str:
    """Render `flow` as `stateDiagram-v2` text."""
    lines = ["stateDiagram-v2", f"    [*] --> {flow.start_stage}"]
    for stage in flow.stages.values():
        lines.append(f"    state {stage.id} {{")
        for role, step_id in stage.entry.items():
            lines.append(f"        [*] --> {step_id}: {role}")
        for step in flow.steps.values():
            for t in step.transitions:
                if t.goto_step and _in_stage(flow, stage.id, step.id):
                    label = f": {t.answer}" if t.answer else ""
                    lines.append(f"        {step.id} --> {t.goto_step}{label}")
        lines.append("    }")
        if stage.deadline and stage.deadline.on_expire:
            spec = stage.deadline
            lines.append(f"    {stage.id} --> {spec.on_expire}: {spec.kind} {spec.duration_text} expires")
        for signal, routes in stage.on_signal.items():
            for route in routes:
                guard = f" if {route.guard}" if route.guard else ""
                lines.append(f"    {stage.id} --> {route.goto_stage}: {signal}{guard}")
        if stage.when_all_done:
            lines.append(f"    {stage.id} --> {stage.when_all_done}: all done")
        for route in stage.skip_to:
            lines.append(f"    {stage.id} --> {route.goto_stage}: skipped if {route.guard}")
        if stage.final:
            lines.append(f"    {stage.id} --> [*]")
    for step in flow.steps.values():
        for t in step.transitions:
            if t.goto_stage:
                owner = _stage_of(flow, step.id)
                label = f"{step.id}" + (f" = {t.answer}" if t.answer else "")
                lines.append(f"    {owner} --> {t.goto_stage}: {label}")
    return "\n".join(lines) + "\n"


def _reach(flow: FlowDefinition, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in flow.steps:
            continue
        seen.add(step_id)
        step = flow.steps[step_id]
        todo.extend(t.goto_step for t in step.transitions if t.goto_step)
        todo.extend(e.step for e in step.edit_targets)
    return seen


def _in_stage(flow: FlowDefinition, stage_id: str, step_id: str) -> bool:
    return any(step_id in _reach(flow, s) for s in flow.stages[stage_id].entry.values())


def _stage_of(flow: FlowDefinition, step_id: str) -> str:
    for stage in flow.stages.values():
        if _in_stage(flow, stage.id, step_id):
            return stage.id
    return "[*]"
