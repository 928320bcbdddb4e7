"""Each case stays on the flow version it started on (ARCH habit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.simulation import Simulation
from court.commands import OpenCase
from flows.library import DEFINITIONS_DIR, load_library
from gateway.court import Court
from tests.support.court import demo_person


async def test_a_new_version_never_changes_running_cases(court: Court, tmp_path: Path) -> None:
    """A case opened on the shipped version keeps its questions after a newer one ships; new cases
    get the newer one."""
    plaintiff = await demo_person(court, "litigant_a")
    old = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    folder = tmp_path / "flows"
    shutil.copytree(DEFINITIONS_DIR, folder)
    shipped = court.service.library.latest("filing").version
    newer = f"""id: filing
version: {shipped + 1}
based_on: {shipped}
steps:
  plaintiff_name:
    role: plaintiff
    text: filing.plaintiff_name_v2
    input: {{kind: text, max_length: 50}}
    store: plaintiff.name
    next: plaintiff_id
"""
    (folder / f"filing.v{shipped + 1}.yaml").write_text(newer)
    catalog = court.catalog
    extra = {
        loc: {**catalog.texts[loc], "filing.plaintiff_name_v2": f"v2 name question ({loc})"} for loc in catalog.texts
    }
    court.catalog.texts.update(extra)  # type: ignore[attr-defined]
    court.service.library = load_library(court.registry, court.catalog, folder)
    new = str((await court.service.open_case(OpenCase(plaintiff.id, "filing", "test"))).case_id)
    sim = Simulation(court)
    for case_id in (old, new):
        await sim.answer(plaintiff, case_id, "yes")
    old_prompt, new_prompt = [await _prompt_text(court, plaintiff, c) for c in (old, new)]
    assert old_prompt == "filing.plaintiff_name" and new_prompt == "filing.plaintiff_name_v2"
    async with court.store.tx() as tx:
        versions = [(await tx.get_case(c)).flow_version for c in (old, new)]  # type: ignore[union-attr]
    assert versions == [shipped, shipped + 1]


async def _prompt_text(court: Court, person: object, case_id: str) -> str:
    found = await court.service.current_prompt(person.id, case_id)  # type: ignore[attr-defined]
    return found[1]["text"]  # type: ignore[index]
