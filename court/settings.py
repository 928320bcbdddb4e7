"""The court's own settings, as the service layer reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CourtSettings:
    court_code: str = "浙0192"
    timezone: str = "Asia/Shanghai"
    max_upload_mb: int = 20
    flow_settings: Mapping[str, Any] = field(default_factory=dict)
    public_url: str | None = None
    court_name: str = "Micro Court (demo) 微法庭"  # on every court document
    court_key_dir: Path | None = None  # the court's signing key (court/documents/court_key.py)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
