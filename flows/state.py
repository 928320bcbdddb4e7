"""A case's position in its flow, as plain data that round-trips through JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Cursor:
    """The prompt one role is looking at. `seq` makes older buttons stale."""

    step: str
    seq: int
    return_to: str | None = None
    return_at: str | None = None
    loop: str | None = None  # the `for_each` step whose items are being asked about
    item: int | None = None  # which of them (0-based)


@dataclass(frozen=True)
class CaseState:
    flow_id: str
    version: int
    stage: str = ""
    stage_seq: int = 0
    seq: int = 0
    cursors: dict[str, Cursor] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> CaseState:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "flow_id": self.flow_id,
            "version": self.version,
            "stage": self.stage,
            "stage_seq": self.stage_seq,
            "seq": self.seq,
            "cursors": {role: {k: v for k, v in vars(c).items() if v is not None} for role, c in self.cursors.items()},
            "data": self.data,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CaseState:
        return cls(
            flow_id=raw["flow_id"],
            version=raw["version"],
            stage=raw["stage"],
            stage_seq=raw["stage_seq"],
            seq=raw["seq"],
            cursors={role: Cursor(**c) for role, c in raw["cursors"].items()},
            data=raw["data"],
        )
