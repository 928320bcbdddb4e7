"""The HTTP API as an OpenAPI 3.1 document, served at /api/openapi.json.

Written by hand beside the routes; tests/e2e/test_openapi.py checks that it names exactly the
routes the app serves, so it cannot drift. The WebSocket (/ws) is described in
docs/webchat-protocol.md; the Telegram webhook's path is a setting, and Telegram alone calls it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

Operation = dict[str, Any]

_ERROR = {
    "type": "object",
    "required": ["error", "text"],
    "properties": {
        "error": {"type": "string", "description": "a code, e.g. not_signed_in, bad_request"},
        "text": {"type": "string", "description": "what to do next, in the reader's language"},
    },
}
_JSON = "application/json"
_MULTIPART = "multipart/form-data"


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema or {"type": "object"}}}}


def _refused(*statuses: int) -> dict[str, Any]:
    """The refusals an operation may answer with: each a JSON error in the reader's language."""
    return {str(status): {"$ref": "#/components/responses/Refused"} for status in statuses}


def _op(summary: str, ok: str, refusals: tuple[int, ...] = (), body: str | None = None, **extra: Any) -> Operation:
    operation: Operation = {"summary": summary, "responses": {"200": _answer(ok), **_refused(*refusals)}}
    if body is not None:
        operation["requestBody"] = {"required": body == _MULTIPART, "content": {body: {"schema": {"type": "object"}}}}
    operation.update(extra)
    return operation


def _param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


SIGNED_IN = (401,)
_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["zh", "en"]}}
PATHS: dict[str, dict[str, Operation]] = {
    "/healthz": {"get": _op("Liveness and readiness (the data key opens the data)", "serving", (503,))},
    "/metrics": {"get": _op("Prometheus metrics (bearer token when MICROCOURT_METRICS_TOKEN is set)", "text", (401,))},
    "/signin/{token}": {
        "get": {
            "summary": "A one-time staff sign-in link: sets the session cookie, redirects to /",
            "parameters": [_param("token")],
            "responses": {"302": {"description": "signed in"}, **_refused(404)},
        }
    },
    "/api/openapi.json": {"get": _op("This document", "the OpenAPI document")},
    "/verify": {
        "get": {
            "summary": "The public page that checks a court PDF (plain HTML and a JS module)",
            "responses": {"200": {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
    "/api/cases/{case_id}/documents/{name}.pdf": {
        "get": {
            "summary": "A served document ({message_id}.pdf) or its service certificate "
            "({message_id}-certificate.pdf), signed by the court: for the court and the party it was served on",
            "parameters": [_param("case_id"), _param("name")],
            "responses": {
                "200": {
                    "description": "the signed PDF",
                    "content": {"application/pdf": {"schema": {"type": "string"}}},
                },
                **_refused(401, 404, 503),
            },
        }
    },
    "/api/verify": {
        "post": _op(
            "Check a court PDF (the body): intact and who signed when, changed after signing, or not the court's",
            "result (intact, tampered, not_court), code (0, 1, 2), problem, signer, signed_at, sha256, message",
            (403, 413),
            requestBody={
                "required": True,
                "description": "the file's bytes, as is (the page sends it as application/pdf; any type is read)",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
        )
    },
    "/cases": {
        "get": {
            "summary": "The public page that finds a case's status by its number (DOMAIN §12.4)",
            "responses": {"200": {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
    "/judgments": {
        "get": {
            "summary": "The public page of published judgments, masked, searchable (DOMAIN §12.4)",
            "responses": {"200": {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
    "/api/public/cases/{number}": {
        "get": _op(
            "A case's status by its number, e.g. (2026)浙0192民初1234号 (URL-encoded): status, status_text, "
            "next_hearing (the asynchronous hearing window, or null), judgment_id (its published judgment, "
            "or null); nothing about the parties. Refusals carry the text in both languages (texts.zh, "
            "texts.en). Counted per network address (429 when over)",
            "the status",
            (400, 404, 429),
            parameters=[_param("number"), _LANG],
        )
    },
    "/api/public/judgments": {
        "get": _op(
            "Published judgments, masked, newest first, 20 a page: by cause (a case type), issue date "
            "range and words; with the causes one may search by",
            "judgments (id, case_number, title, kind, cause, cause_text, decided_on, locale), page, more, causes",
            (400, 429),
            parameters=[
                {"name": "cause", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
                {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                _LANG,
            ],
        )
    },
    "/api/public/judgments/{judgment_id}": {
        "get": _op(
            "One published judgment with its masked text (404 once its judge withdrew it)",
            "the judgment, as in the list, and text",
            (404, 429),
            parameters=[_param("judgment_id"), _LANG],
        )
    },
    "/api/me": {"get": _op("Who is signed in (person null when nobody is)", "the person, locale and demo flag")},
    "/api/demo/people": {"get": _op("The demo court's people (demo mode only)", "people", (404,))},
    "/api/demo/signin": {
        "post": _op("Sign in as a demo person (demo mode only)", "as /api/me", (400, 403, 404), _JSON)
    },
    "/api/session": {"post": _op("Start as a new litigant", "as /api/me", (400, 403, 429), _JSON)},
    "/api/signout": {"post": _op("End the session", "ok", (403,))},
    "/api/telegram/session": {
        "post": _op("Sign in from the Telegram mini-app with its initData", "as /api/me", (400, 401, 404), _JSON)
    },
    "/api/agency/accept": {
        "post": _op(
            "An agent takes a party's code and uploads the power of attorney",
            "mandate",
            (400, 401, 413, 422),
            _MULTIPART,
        )
    },
    "/api/agency/{mandate_id}/poa": {
        "get": _op(
            "The power of attorney, for the reviewing court",
            "the file",
            (401, 404, 503),
            parameters=[_param("mandate_id")],
        )
    },
    "/api/cases/{case_id}/evidence": {
        "post": _op(
            "Upload one evidence file to the case's current files question",
            "the evidence's id, name, size and SHA-256",
            (400, 401, 404, 413, 422),
            _MULTIPART,
            parameters=[
                _param("case_id"),
                {"name": "step", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "seq", "in": "query", "required": True, "schema": {"type": "integer"}},
            ],
        )
    },
    "/api/cases/{case_id}/files/{file_id}": {
        "get": _op(
            "A file received in the case",
            "the file",
            (401, 404, 503),
            parameters=[_param("case_id"), _param("file_id")],
        )
    },
    "/api/cases/{case_id}/service": {
        "get": _op(
            "The case's e-service certificates (OLR 31)", "certificates", (401, 404), parameters=[_param("case_id")]
        )
    },
    "/api/cases/{case_id}/invitation.svg": {
        "get": _op(
            "The QR code of the defendant's join link, for the court and the plaintiff (OLR 10)",
            "an SVG image",
            (401, 404),
            parameters=[_param("case_id")],
        )
    },
    "/api/cases/{case_id}/record": {
        "get": _op(
            "The case record (OLR 34, CPL 150): every question, answer, file, ruling and no answer, per "
            "stage and party, each with who, when and its SHA-256; for the court and the parties, "
            "without what is sealed from the reader",
            "the record",
            (401, 404),
            parameters=[_param("case_id")],
        )
    },
    "/judge": {
        "get": {
            "summary": "The judge's workspace (a page)",
            "responses": {"200": {"description": "the page", "content": {"text/html": {}}}},
        }
    },
    "/api/workspace/cases": {
        "get": _op(
            "The cases assigned to the signed-in judge, most urgent first (court staff only)",
            "cases",
            (401, 404),
            parameters=[_LANG],
        )
    },
    "/api/workspace/cases/{case_id}": {
        "get": _op(
            "A case as the court works on it: record, evidence and opinions, the ruling asked now, "
            "applications for more time",
            "the case",
            (401, 404),
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/ruling": {
        "post": _op(
            "Answer what the case's flow asks of the court now ({step, seq, value}); a ruling is the "
            "assigned judge's alone (403 for anyone else)",
            "ok",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/publication": {
        "get": _op(
            "The case's published judgment as its court sees it: state (none, published, unpublished), "
            "when, and for a withdrawn one the OLR 27 ground and reasons; the grounds a judge may give",
            "the publication",
            (401, 404),
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/unpublish": {
        "post": _op(
            "The case's assigned judge withdraws its published judgment from the public ({ground, reason}; "
            "ground one of state_secrets, national_security, privacy, minors, trade_secrets, divorce: OLR 27)",
            "ok",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/live-hearing": {
        "post": _op(
            "The assigned judge sends the case from an asynchronous stage to a live hearing ({reasons}; "
            "OLR 21: what was done stays valid)",
            "ok",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/withdrawal/refuse": {
        "post": _op(
            "The assigned judge refuses the plaintiff's application to withdraw with reasons ({reasons}; "
            "CPL 148); approving it is issuing the ruling from the judgment desk",
            "ok",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/more-time/{application}": {
        "post": _op(
            "Grant or refuse an application for more time with reasons ({grant, days, reason}; CPL 86)",
            "ok",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _param("application"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/judgment/draft": {
        "get": _op(
            "The judgment or ruling drafted for an outcome (granted, partly, dismissed, default, "
            "withdrawn_treated, withdrawal_approved; `granted` for partly), filled from the case, with "
            "the fee allocated (FM 29); the assigned judge's, at DELIBERATION",
            "the draft",
            (400, 401, 403, 404, 422),
            parameters=[
                _param("case_id"),
                _LANG,
                {"name": "outcome", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "granted", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "days", "in": "query", "required": False, "schema": {"type": "integer"}},
                {"name": "doc_lang", "in": "query", "required": False, "schema": {"enum": ["zh", "en"]}},
            ],
        )
    },
    "/api/workspace/cases/{case_id}/judgment/preview": {
        "post": {
            "summary": "The edited draft ({outcome, locale, facts, reasoning, orders, granted_amount}) as "
            "the PDF it would be issued as, unsigned; nothing is recorded",
            "parameters": [_param("case_id"), _LANG],
            "requestBody": {"required": False, "content": {_JSON: {"schema": {"type": "object"}}}},
            "responses": {
                "200": {"description": "the PDF", "content": {"application/pdf": {"schema": {"type": "string"}}}},
                **_refused(400, 401, 403, 404, 422, 500),
            },
        }
    },
    "/api/workspace/cases/{case_id}/judgment": {
        "post": _op(
            "Issue the edited draft: rendered, signed by the court (its SHA-256 recorded), set in the case "
            "and served on every party; nothing is served if it cannot be made",
            "issued, with the signed file's sha256",
            (400, 401, 403, 404, 422, 500, 503),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        )
    },
    "/api/workspace/cases/{case_id}/judgment/saved-draft": {
        "get": _op(
            "The judgment the case's assigned judge is writing, as last saved: {draft, saved_at}, or "
            "{draft: null}; kept until a document is issued",
            "the saved draft",
            (401, 403, 404),
            parameters=[_param("case_id"), _LANG],
        ),
        "put": _op(
            "Save the judge's draft ({outcome, locale, granted_amount, performance_days, facts, "
            "reasoning, orders}, the texts as typed), replacing the case's one draft; the assigned "
            "judge's, while the case waits for the document",
            "{saved_at}",
            (400, 401, 403, 404, 422),
            _JSON,
            parameters=[_param("case_id"), _LANG],
        ),
    },
    "/api/identity/status": {"get": _op("The person's identity check: where it stands", "status", SIGNED_IN)},
    "/api/identity/consent": {
        "post": _op("Consent to face capture (PIPL 28)", "consent recorded", (400, 401, 409), _JSON)
    },
    "/api/identity/reference": {
        "post": _op("Name, ID number and ID photo", "reference taken", (400, 401, 409, 413, 415, 422), _MULTIPART)
    },
    "/api/identity/challenge": {
        "post": _op("A liveness challenge: actions to record, in order", "the challenge", (400, 401, 409, 429))
    },
    "/api/identity/selfie": {
        "post": _op("Retired: separate frames no longer verify anyone (issue 14)", "never", (401, 410))
    },
    "/api/identity/recording": {
        "post": _op(
            "The live check: one recording answering the challenge",
            "the outcome",
            (400, 401, 413, 415, 422, 429, 503),
            _MULTIPART,
        )
    },
    "/api/identity/reverify": {
        "post": _op(
            "Re-check the person's face for a session (OLR 7(3))",
            "the outcome",
            (400, 401, 404, 413, 415, 429, 503),
            _MULTIPART,
        )
    },
    "/api/identity/biometrics": {
        "delete": _op("Delete the face template once the cases are closed", "deleted", (401, 409))
    },
    "/api/identity/queue": {
        "get": _op("Identity checks waiting for a clerk of the signed-in clerk's or judge's court", "items", (401, 403))
    },
    "/api/identity/queue/{person_id}": {
        "get": _op(
            "One person's manual identity check (clerk or judge of the person's court): why it came to "
            "the clerk, and every ID photo given and check made, in order, with outcome, reasons and how "
            "many pictures each holds (Cache-Control: no-store)",
            "the person, the reasons and the history",
            (401, 403, 404),
            parameters=[_param("person_id"), _LANG],
        )
    },
    "/api/identity/queue/{person_id}/pictures/{decision_id}/{index}": {
        "get": {
            "summary": "A picture held for a manual identity check (the ID photo, a selfie, a frame of a live "
            "recording, an ID card photo), for a clerk or judge of the person's court only; never cached",
            "parameters": [_param("person_id"), _param("decision_id"), _param("index")],
            "responses": {
                "200": {
                    "description": "the picture (no-store)",
                    "content": {
                        "image/jpeg": {"schema": {"type": "string"}},
                        "image/png": {"schema": {"type": "string"}},
                    },
                },
                **_refused(400, 401, 403, 404),
            },
        }
    },
    "/api/identity/override": {
        "post": _op("A clerk's manual identity decision, with the reason", "the decision", (400, 401, 403, 404), _JSON)
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Micro Court 微法庭 HTTP API",
        "version": "1",
        "description": "The web chat's HTTP routes; the chat itself is a WebSocket at /ws (docs/webchat-protocol.md). "
        "Every refusal is JSON with an error code and a text in the reader's language.",
    },
    "paths": PATHS,
    "components": {
        "schemas": {"Error": _ERROR},
        "responses": {"Refused": _answer("refused, with the reason", {"$ref": "#/components/schemas/Error"})},
    },
}


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(DOCUMENT)
