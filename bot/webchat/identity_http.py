"""The identity API (JSON over HTTP, the web chat's cookie session): thin handlers that read the
request, call ``IdentityService`` and answer with a text in the person's language.

Pictures are read part by part with a size limit on each, never buffered whole by aiohttp.
Staff routes (the clerk's manual-check queue, a person's decision history and held pictures, and
overrides) are authorized in ``_staff`` alone, by ``court.access.identity_desk``. The pictures are
opened only there, answered with ``Cache-Control: no-store``, and never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import BadHttpMessage

from court.access import identity_desk
from court.outcomes import Outcome
from gateway.court import Court
from gateway.requests import court_of, current_person, error_response, read_json, request_locale
from identity.explain import challenge_text, explain, failure_text
from identity.results import HistoryEntry, IdentityRefused, QueueItem, Verification
from identity.service import SESSION_KINDS
from identity.settings import MAX_FRAME_BYTES, MAX_FRAMES, MAX_PHOTO_BYTES, MAX_RECORDING_BYTES
from storage.models import Person

__all__ = ["add_identity_routes"]

MAX_FIELD_BYTES = 200  # name, ID number, nonce
CHALLENGES_PER_MINUTE = 10
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML, the start of every WebM/Matroska file
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # a clerk's view of a person's pictures

# HTTP status of each refusal code; anything else is 422 (the request was understood, not met).
STATUS = {
    "consent_required": 409,
    "no_reference": 409,
    "already_verified": 409,
    "not_verified": 409,
    "id_number_in_use": 409,
    "case_live": 409,
    "challenge_required": 400,
    "photo_missing": 400,
    "name_required": 400,
    "consent_not_given": 400,
    "override_outcome": 400,
    "override_reason_required": 400,
    "bad_request": 400,
    "not_staff": 403,
    "unknown_person": 404,
    "photo_too_large": 413,
    "recording_too_large": 413,
    "recording_missing": 400,
    "recording_type": 415,
    "unreadable_video": 422,
    "frames_retired": 410,
    "frame_too_large": 413,
    "too_many_frames": 413,
    "frame_type": 415,
    "too_many_attempts": 429,
    "rate_limited": 429,
    "busy": 503,
}


class _FormError(Exception):
    """A multipart body that breaks a limit: refused before anything reaches the service."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def _refusal(
    court: Court, code: str, locale: str, params: Mapping[str, Any] | None = None, **extra: Any
) -> web.Response:
    """``{"error", "text", ...}`` with the status for ``code``."""
    court.metrics.inc("microcourt_errors_total", code=code)
    text = explain(court.catalog, code, locale, **(params or {}))
    return web.json_response({"error": code, "text": text, **extra}, status=STATUS.get(code, 422))


async def _signed_in(request: web.Request) -> Person | web.Response:
    """The session's person, or the web chat's 401 answer."""
    person = await current_person(request)
    if person is None:
        return error_response(court_of(request), 401, "not_signed_in", request_locale(request))
    return person


async def _staff(request: web.Request) -> tuple[Person, str] | web.Response:
    """A clerk or judge and their court, else 401/403: the one authorization check for staff."""
    person = await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    court_code = identity_desk(person)
    if court_code is None:
        return _refusal(court_of(request), "not_staff", person.locale)
    return person, court_code


# -- multipart ----------------------------------------------------------------------------------


async def _read_part(part: BodyPartReader, limit: int, too_large: str) -> bytes:
    """One part's bytes, refusing (``too_large``) as soon as it passes ``limit``."""
    content = bytearray()
    while chunk := await part.read_chunk():
        content += chunk
        if len(content) > limit:
            raise _FormError(too_large, limit_mb=limit // (1024 * 1024))
    return bytes(content)


async def _read_form(request: web.Request, limits: Mapping[str, tuple[int, str, int]]) -> dict[str, list[bytes]]:
    """Named parts of a multipart body; ``limits[name]`` = (bytes each, code if larger, how many).

    Unknown part names and malformed bodies are a bad request; one part too many is refused
    with ``too_many_frames`` for pictures, ``bad_request`` for fields.
    """
    form: dict[str, list[bytes]] = {}
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None or part.name not in limits:
                raise _FormError("bad_request")
            size, too_large, count = limits[part.name]
            if len(form.get(part.name, [])) >= count:
                raise _FormError("too_many_frames" if count > 1 else "bad_request", limit=count)
            form.setdefault(part.name, []).append(await _read_part(part, size, too_large))
    except (AssertionError, ValueError, KeyError, BadHttpMessage):  # not multipart, a malformed body or header
        raise _FormError("bad_request") from None
    return form


def _field(form: Mapping[str, list[bytes]], name: str) -> str:
    """A text field of the form ('' when absent or not UTF-8)."""
    try:
        return form.get(name, [b""])[0].decode("utf-8").strip()
    except UnicodeDecodeError:
        return ""


def _is_video(data: bytes) -> bool:
    """WebM/Matroska (EBML header) or MP4/QuickTime (``ftyp`` box) by its first bytes."""
    return data.startswith(WEBM_MAGIC) or data[4:8] == b"ftyp"


def _is_picture(data: bytes) -> bool:
    """JPEG or PNG by its first bytes (what the client says the type is does not count)."""
    return data.startswith(IMAGE_MAGIC)


# -- the person's routes ----------------------------------------------------------------------


async def identity_status(request: web.Request) -> web.Response:
    """``GET /api/identity/status``: where the person stands and what the consent covers."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    status = await court.identity.status(person.id)
    filed = None
    if not status.verified and not status.reference:  # the reference form starts with what the filing says
        filed = await court.reads.filed_as(person.id)
    return web.json_response(
        {
            "filed_as": {"name": filed[0], "id_number": filed[1]} if filed else None,
            "verified": status.verified,
            "method": status.method,
            "consent": status.consent,
            "reference": status.reference,
            "attempts_left": status.attempts_left,
            "in_review": status.in_review,
            "keeps_selfies": court.identity.settings.keep_selfies,
            "consent_text": explain(court.catalog, "consent_text", person.locale),
        }
    )


async def give_consent(request: web.Request) -> web.Response:
    """``POST /api/identity/consent {"biometric": true}``: separate consent to face capture (PIPL 28)."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    if (await read_json(request, person.locale)).get("biometric") is not True:
        return _refusal(court, "consent_not_given", person.locale)
    at = await court.identity.give_consent(person.id)
    return web.json_response(
        {"consent": True, "at": at.isoformat(), "text": explain(court.catalog, "consent_given", person.locale)}
    )


async def set_reference(request: web.Request) -> web.Response:
    """``POST /api/identity/reference`` (multipart ``name``, ``id_number``, ``photo``)."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    field_limit = (MAX_FIELD_BYTES, "bad_request", 1)
    try:
        form = await _read_form(
            request, {"name": field_limit, "id_number": field_limit, "photo": (MAX_PHOTO_BYTES, "photo_too_large", 1)}
        )
        photo = form.get("photo", [b""])[0]
        if not photo:
            raise _FormError("photo_missing")
        await court.identity.set_reference(person.id, _field(form, "name"), _field(form, "id_number"), photo)
    except (_FormError, IdentityRefused) as refused:
        return _refusal(court, refused.code, person.locale, refused.params)
    return web.json_response({"reference": True, "text": explain(court.catalog, "reference_saved", person.locale)})


async def issue_challenge(request: web.Request) -> web.Response:
    """``POST /api/identity/challenge``: what to do, in the person's language, and until when."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    if not await court.rate_limiter.allow(
        f"identity_challenge:{person.id}", CHALLENGES_PER_MINUTE, 60.0, court.clock().timestamp()
    ):
        return _refusal(court, "rate_limited", person.locale)
    try:
        challenge = await court.identity.issue_challenge(person.id)
    except IdentityRefused as refused:
        return _refusal(court, refused.code, person.locale, refused.params)
    return web.json_response(
        {
            "nonce": challenge.nonce,
            "actions": list(challenge.actions),
            "steps": [explain(court.catalog, f"challenge.{action}", person.locale) for action in challenge.actions],
            "text": challenge_text(court.catalog, challenge.actions, person.locale),
            "expires_at": challenge.expires_at.isoformat(),
        }
    )


async def submit_frames(request: web.Request) -> web.Response:
    """``POST /api/identity/selfie``: separately taken frames no longer verify anyone (issue 14:
    stills in a plausible order passed as a head turn). 410, saying to record the check instead."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    return _refusal(court, "frames_retired", person.locale)


async def submit_recording(request: web.Request) -> web.Response:
    """``POST /api/identity/recording`` (multipart ``nonce`` and one ``video``, WebM or MP4): the
    live check, one continuous recording of the challenge's actions (identity.liveness)."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    try:
        form = await _read_form(
            request,
            {"nonce": (MAX_FIELD_BYTES, "bad_request", 1), "video": (MAX_RECORDING_BYTES, "recording_too_large", 1)},
        )
        video, nonce = form.get("video", [b""])[0], _field(form, "nonce")
        if not nonce:
            raise _FormError("challenge_required")
        if not video:
            raise _FormError("recording_missing")
        if not _is_video(video):
            raise _FormError("recording_type")
        verification = await court.identity.verify_recording(person.id, video, nonce, "web")
    except (_FormError, IdentityRefused) as refused:
        return _refusal(court, refused.code, person.locale, refused.params)
    return _verification_response(court, verification, person.locale)


async def submit_reverification(request: web.Request) -> web.Response:
    """``POST /api/identity/reverify`` (multipart ``case_id``, ``session``, ``frames``): OLR 7(3).

    A fresh check against the verified reference at the start of a session; the case hears of it
    as an event (a failure blocks the person's acts in that session and alerts the judge).
    """
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    try:
        form = await _read_form(
            request,
            {
                "case_id": (MAX_FIELD_BYTES, "bad_request", 1),
                "session": (MAX_FIELD_BYTES, "bad_request", 1),
                "frames": (MAX_FRAME_BYTES, "frame_too_large", MAX_FRAMES),
            },
        )
        case_id, session, frames = _field(form, "case_id"), _field(form, "session"), form.get("frames", [])
        if session not in SESSION_KINDS:
            raise _FormError("bad_request")
        if isinstance(await court.service.current_prompt(person.id, case_id), Outcome):
            return error_response(court, 404, "not_a_party", person.locale)
        if not frames or not all(_is_picture(frame) for frame in frames):
            raise _FormError("frame_type" if frames else "photo_missing")
        result = await court.identity.reverify(person.id, case_id, session, frames)
    except (_FormError, IdentityRefused) as refused:
        return _refusal(court, refused.code, person.locale, refused.params)
    key = "reverify.passed" if result.passed else "reverify.failed"
    body = {"passed": result.passed, "reason": result.reason, "text": court.catalog.render(key, person.locale)}
    return web.json_response(body, status=200 if result.passed else 422)


def _verification_response(court: Court, result: Verification, locale: str) -> web.Response:
    """200 verified, 202 waiting for a clerk, 422 failed (with attempts left), 429 refused."""
    if result.outcome == "refused":
        return _refusal(court, "too_many_attempts", locale)
    if result.outcome in ("verified", "pending_review"):
        text = explain(court.catalog, result.outcome, locale)
        status = 200 if result.outcome == "verified" else 202
        return web.json_response({"outcome": result.outcome, "text": text}, status=status)
    code = result.reason or "not_same_person"
    court.metrics.inc("microcourt_errors_total", code=code)
    return web.json_response(
        {
            "outcome": "failed",
            "error": code,
            "text": failure_text(court.catalog, result, locale),
            "attempts_left": result.attempts_left,
        },
        status=422,
    )


async def delete_biometrics(request: web.Request) -> web.Response:
    """``DELETE /api/identity/biometrics``: the face template, once every case is closed."""
    court, person = court_of(request), await _signed_in(request)
    if isinstance(person, web.Response):
        return person
    try:
        deleted = await court.identity.delete_biometrics(person.id)
    except IdentityRefused as refused:
        return _refusal(court, refused.code, person.locale, refused.params)
    key = "deleted" if deleted else "nothing_to_delete"
    return web.json_response({"deleted": deleted, "text": explain(court.catalog, key, person.locale)})


# -- staff routes ------------------------------------------------------------------------------


def _reason_text(court: Court, code: str | None, locale: str) -> str:
    """Why a person is with the clerk, or why a check ended so, in the clerk's language: the
    queue's own wording first, then what the person was told; an unknown code as it is."""
    if not code:
        return ""
    if court.catalog.has(f"identity.review_reason.{code}", locale):
        return court.catalog.render(f"identity.review_reason.{code}", locale)
    text = explain(court.catalog, code, locale)
    return code if text == f"errors.{code}" else text


def _queueread_json(item: QueueItem) -> dict[str, Any]:
    """One waiting person as the clerk's screen shows it (masked ID number, no biometrics)."""
    return {
        "person_id": item.person_id,
        "display_name": item.display_name,
        "name": item.name,
        "id_masked": item.id_masked,
        "since": item.since.isoformat(),
        "outcome": item.outcome,
        "reason": item.reason,
        "distance": item.distance,
        "channel": item.channel,
        "cases": item.cases,
    }


def _staff_locale(request: web.Request, person: Person) -> str:
    """The language the clerk's page asks for (``?lang=``), else the clerk's own."""
    asked = request.query.get("lang")
    return asked if asked in ("zh", "en") else person.locale


def _history_json(court: Court, entry: HistoryEntry, pictures: int, locale: str) -> dict[str, Any]:
    """One reference or check, with its outcome, reasons and how many pictures it holds."""
    return {
        "decision_id": entry.decision_id,
        "at": entry.at.isoformat(),
        "purpose": entry.purpose,
        "channel": entry.channel,
        "outcome": entry.outcome,
        "reason": entry.reason,
        "reason_text": _reason_text(court, entry.reason, locale),
        "liveness": entry.liveness,
        "distance": entry.distance,
        "tolerance": entry.tolerance,
        "decided_by": entry.decided_by,
        "override_reason": entry.override_reason,
        "pictures": pictures,
    }


async def review_queue(request: web.Request) -> web.Response:
    """``GET /api/identity/queue`` (clerk, judge): people waiting for a manual identity check."""
    court, staff = court_of(request), await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    locale = _staff_locale(request, staff[0])
    items = await court.identity.manual_review_queue(staff[1])
    return web.json_response(
        {"items": [{**_queueread_json(i), "reason_text": _reason_text(court, i.reason, locale)} for i in items]}
    )


async def review_detail(request: web.Request) -> web.Response:
    """``GET /api/identity/queue/{person_id}`` (clerk, judge of the person's court): where the
    person stands, why they are with the clerk, and every reference and check in order."""
    court, staff = court_of(request), await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    locale = _staff_locale(request, staff[0])
    found = await court.identity.review_detail(staff[1], request.match_info["person_id"])
    if found is None:
        return _refusal(court, "unknown_person", locale)
    item, history, held = found
    body = {
        **_queueread_json(item),
        "reason_text": _reason_text(court, item.reason, locale),
        "in_queue": item.outcome in ("pending_review", "refused"),
        "history": [_history_json(court, e, held.get(e.decision_id, 0), locale) for e in history],
    }
    return web.json_response(body, headers=NO_STORE)


async def review_picture(request: web.Request) -> web.StreamResponse:
    """``GET /api/identity/queue/{person_id}/pictures/{decision_id}/{index}``: one picture held
    for the manual check (an ID photo, a selfie, a frame of a recording), opened for this clerk
    only, never cached, never logged."""
    court, staff = court_of(request), await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    info = request.match_info
    if not (info["decision_id"].isdigit() and info["index"].isdigit()):
        return _refusal(court, "bad_request", staff[0].locale)
    person_id, decision_id, index = info["person_id"], int(info["decision_id"]), int(info["index"])
    picture = await court.identity.review_picture(staff[1], person_id, decision_id, index)
    if picture is None:
        return _refusal(court, "unknown_person", _staff_locale(request, staff[0]))
    kind = "image/png" if picture.startswith(IMAGE_MAGIC[1]) else "image/jpeg"
    return web.Response(body=picture, content_type=kind, headers=NO_STORE)


async def override(request: web.Request) -> web.Response:
    """``POST /api/identity/override {"person_id", "outcome": "verified"|"rejected", "reason"}``."""
    court, staff = court_of(request), await _staff(request)
    if isinstance(staff, web.Response):
        return staff
    clerk = staff[0]
    locale = _staff_locale(request, clerk)
    body = await read_json(request, locale)
    outcome, reason = str(body.get("outcome", "")), str(body.get("reason", ""))
    try:
        moved = await court.identity.override(clerk.id, staff[1], str(body.get("person_id", "")), outcome, reason)
    except IdentityRefused as refused:
        return _refusal(court, refused.code, locale, refused.params)
    return web.json_response(
        {
            "ok": True,
            "outcome": outcome,
            "moved_cases": moved,
            "text": explain(court.catalog, f"override_{outcome}", locale),
        }
    )


def add_identity_routes(app: web.Application) -> None:
    """Register the identity API on the app (after the web chat's routes)."""
    app.router.add_get("/api/identity/status", identity_status)
    app.router.add_post("/api/identity/consent", give_consent)
    app.router.add_post("/api/identity/reference", set_reference)
    app.router.add_post("/api/identity/challenge", issue_challenge)
    app.router.add_post("/api/identity/selfie", submit_frames)
    app.router.add_post("/api/identity/recording", submit_recording)
    app.router.add_post("/api/identity/reverify", submit_reverification)
    app.router.add_delete("/api/identity/biometrics", delete_biometrics)
    app.router.add_get("/api/identity/queue", review_queue)
    app.router.add_get("/api/identity/queue/{person_id}", review_detail)
    app.router.add_get("/api/identity/queue/{person_id}/pictures/{decision_id}/{index}", review_picture)
    app.router.add_post("/api/identity/override", override)
