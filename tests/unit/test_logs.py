"""Structured logs carry request and case ids and never the personal data put into a record."""

from __future__ import annotations

import json
import logging

from gateway.logs import JsonFormatter, case_id, request_id


def test_log_lines_are_json_with_ids_and_only_whitelisted_extras() -> None:
    """An answer passed as an extra never reaches the log line; the ids do."""
    request_id.set("req-1")
    case_id.set("case-9")
    record = logging.LogRecord("microcourt", logging.INFO, __file__, 1, "answer received", None, None)
    record.value = "11010519491231002X"  # what a careless caller might attach
    record.channel = "web"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["request_id"] == "req-1" and entry["case_id"] == "case-9" and entry["channel"] == "web"
    assert "11010519491231002X" not in line
