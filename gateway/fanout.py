"""The fan-out channels a court message is published on, for every server process's web chat."""

from __future__ import annotations


def person_channel(person_id: str) -> str:
    """Where a person's open tabs listen."""
    return f"person:{person_id}"


def court_channel(court_code: str) -> str:
    """Where the court's staff tabs listen."""
    return f"court:{court_code}"
