"""All shipped flow definitions, validated at load and looked up by (id, version)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from flows.loader import FlowError, FlowProblem, build_flow, read_yaml, with_base
from flows.model import FlowDefinition
from flows.registry import Registry
from flows.texts import Catalog
from flows.validator import validate

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


def check_file(path: Path, registry: Registry, catalog: Catalog) -> tuple[FlowDefinition | None, list[FlowProblem]]:
    """Load and validate one file, returning every problem rather than stopping at the first."""
    try:
        raw = with_base(read_yaml(path), path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [FlowProblem(str(path), mark.line + 1 if mark else 0, f"not valid YAML: {error}")]
    except FlowError as error:
        return None, error.problems
    flow, problems = build_flow(raw, str(path))
    return flow, problems + validate(flow, registry, catalog)


@dataclass(frozen=True)
class FlowLibrary:
    flows: dict[tuple[str, int], FlowDefinition]

    def get(self, flow_id: str, version: int) -> FlowDefinition:
        return self.flows[(flow_id, version)]

    def latest(self, flow_id: str) -> FlowDefinition:
        versions = [v for (fid, v) in self.flows if fid == flow_id]
        if not versions:
            raise KeyError(flow_id)
        return self.flows[(flow_id, max(versions))]


def load_library(registry: Registry, catalog: Catalog, directory: Path = DEFINITIONS_DIR) -> FlowLibrary:
    """Load every `*.yaml` in `directory`; refuse to start if any has a problem."""
    flows: dict[tuple[str, int], FlowDefinition] = {}
    problems: list[FlowProblem] = []
    for path in sorted(directory.glob("*.yaml")):
        flow, found = check_file(path, registry, catalog)
        problems.extend(found)
        if flow is not None and not found:
            if flow.key in flows:
                problems.append(FlowProblem(str(path), 1, f"{flow.key} defined twice"))
            flows[flow.key] = flow
    problems.extend(_handover_problems(flows))
    if problems:
        raise FlowError(problems)
    return FlowLibrary(flows)


def _handover_problems(flows: dict[tuple[str, int], FlowDefinition]) -> list[FlowProblem]:
    """A stage's `next_flow` must name a flow shipped beside it, and not its own."""
    known = {flow_id for flow_id, _ in flows}
    return [
        FlowProblem(
            stage.source or flow.source,
            stage.line,
            f"stage {stage.id!r}: next_flow {stage.next_flow!r} is "
            + ("this flow" if stage.next_flow == flow.id else "not a flow here"),
        )
        for flow in flows.values()
        for stage in flow.stages.values()
        if stage.next_flow and (stage.next_flow == flow.id or stage.next_flow not in known)
    ]
