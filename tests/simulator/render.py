# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the simulator answers: JSON or EDN (v1/v1.1, by the Accept header), JSON only (v2 and
the control API), the HTML 404 page of unknown routes, and the errors handlers raise."""

from __future__ import annotations

import json
import re

from flask import Response

STATUS_TEXT = {
    400: "Bad request", 401: "You must log in first.", 403: "Permission denied", 404: "Not found",
    409: "Conflict", 410: "Gone", 429: "Rate limit exceeded", 500: "An internal server error occurred.",
    502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout",
}
HTML_404 = (
    "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
    "<p>The page you requested could not be found.</p></body></html>\n"
)
EMPTY = object()  # sentinel payload: answer with an empty body

_EDN_KEYWORD = re.compile(r"^[A-Za-z_*+!?<>=-][A-Za-z0-9_*+!?<>=.-]*$")


class ApiError(Exception):
    """A handler's error answer: ``{"message": message}`` with ``status``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class RouteNotFound(Exception):
    """Answer the HTML 404 page, as for a route that does not exist (e.g. one a server version lacks)."""


def to_edn(obj) -> str:
    """Very small EDN writer (what CircleCI answers when Accept lacks application/json)."""
    if obj is None:
        return "nil"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, (int, float)):
        return repr(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            key_s = ":" + key if isinstance(key, str) and _EDN_KEYWORD.match(key) else to_edn(key)
            items.append("%s %s" % (key_s, to_edn(value)))
        return "{" + ", ".join(items) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + " ".join(to_edn(v) for v in obj) + "]"
    return json.dumps(str(obj))


def wants_json(accept: str | None) -> bool:
    """CircleCI answers JSON only when Accept names application/json (``*/*`` alone gives EDN)."""
    return "application/json" in (accept or "").lower()


def render(status: int, payload, headers: dict | None = None, accept: str | None = "application/json",
           json_only: bool = False) -> Response:
    """An API answer: JSON, or EDN when the client did not ask for JSON (v1/v1.1 only)."""
    if payload is EMPTY:
        resp = Response(b"", status=status, content_type="application/json")
    elif json_only or wants_json(accept):
        resp = Response(json.dumps(payload), status=status, content_type="application/json")
    else:
        resp = Response(to_edn(payload) + "\n", status=status, content_type="application/edn; charset=utf-8")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def json_response(payload, status: int = 200) -> Response:
    """A JSON answer whatever the Accept header (control API)."""
    return Response(json.dumps(payload), status=status, content_type="application/json")


def html_404() -> Response:
    """The page of an unknown route (no auth needed), as CircleCI's front end answers it."""
    return Response(HTML_404, status=404, content_type="text/html; charset=utf-8")
