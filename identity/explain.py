"""What a person is told about an identity code: the reason in their language, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flows.texts import Catalog
from identity import texts as face_texts
from identity.results import Verification

__all__ = ["challenge_text", "explain", "failure_text"]


def explain(catalog: Catalog, code: str, locale: str, **params: Any) -> str:
    """The text for an identity code in the person's language, saying what to do next.

    Keys under ``identity.`` in the flow texts first; then the identity library's own messages
    (ID-number, photo and liveness reasons); then the court's general ``errors.`` texts.
    """
    if catalog.has(f"identity.{code}", locale):
        return catalog.render(f"identity.{code}", locale, params)
    if face_texts.has(code):
        return face_texts.message(code, "en" if locale == "en" else "zh")
    return catalog.render(f"errors.{code}", locale, params)


def failure_text(catalog: Catalog, result: Verification, locale: str, channel: str | None = None) -> str:
    """Why a check failed, what to do, and the attempts left (or that a clerk takes over).
    ``channel`` (e.g. ``tg``): its own wording of a reason where it has one (``identity.tg.<code>``),
    for a reason whose general text names a button the channel does not have."""
    code = result.reason or "not_same_person"
    if channel is not None and catalog.has(f"identity.{channel}.{code}", locale):
        code = f"{channel}.{code}"
    reason = explain(catalog, code, locale)
    follow = "queued" if result.queued else "attempts_left"
    return f"{reason} {explain(catalog, follow, locale, n=result.attempts_left)}"


def challenge_text(catalog: Catalog, actions: Sequence[str], locale: str) -> str:
    """What to record, in order: "Look at the camera, then: 1. … 2. …" in the person's language."""
    steps = " ".join(f"{n}. {explain(catalog, f'challenge.{a}', locale)}" for n, a in enumerate(actions, 1))
    return f"{explain(catalog, 'challenge.intro', locale)} {steps}"
