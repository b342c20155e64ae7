# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v2 outbound webhook routes: a project's webhooks (at most 5), their events and signing
secret (write-only). Deliveries of the events are in deliveries.py.

Key spelling: CircleCI's published reference spells the body keys ``verify-tls`` and
``signing-secret``; CircleCI's field engineers report that the service reads snake_case keys
(``verify_tls``, ``signing_secret``) and silently ignores the hyphenated ones (unknown keys are
ignored), so that webhooks created with ``signing-secret`` got no secret at all; and that answers
are snake_case (``verify_tls``, ``signing_secret``, ``created_at``, ``updated_at``). The simulator
does what that report records: a hyphenated key is an unknown key, ignored.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import data
from render import ApiError
from routing import Route
from state import utcnow
from v2common import PROJECT_NOT_FOUND, body_object, need_personal_token

EVENTS = ("workflow-completed", "job-completed")
MAX_PER_PROJECT = 5
WEBHOOK_NOT_FOUND = "Webhook not found"
# The secret is write-only: answers show "****" when one is set and "" when not.
SECRET_SET = "****"


def ser_webhook(webhook: dict) -> dict:
    return {"id": webhook["id"], "name": webhook["name"], "events": list(webhook["events"]), "url": webhook["url"],
            "verify_tls": webhook["verify_tls"], "signing_secret": SECRET_SET if webhook["signing_secret"] else "",
            "scope": dict(webhook["scope"]), "created_at": webhook["created_at"], "updated_at": webhook["updated_at"]}


def _one(query: dict, key: str):
    value = query.get(key)
    return value[0] if isinstance(value, list) else value


def _project(state, scope_id, scope_type):
    """The project a scope names: type ``project`` only (400 otherwise); an id that is no
    project's UUID answers 404 ``Project not found`` (the simulator's choice: what CircleCI
    answers for an unknown scope id was not recorded)."""
    if scope_type != "project":
        raise ApiError(400, 'scope type must be "project"')
    if not isinstance(scope_id, str) or not scope_id:
        raise ApiError(400, "scope id must be the UUID of a project")
    proj = state.project_by_id(scope_id)
    if proj is None:
        raise ApiError(404, PROJECT_NOT_FOUND)
    return proj


def _fields(body: dict, creating: bool) -> dict:
    """The checked fields of a create (every field) or update (those given) body; 400 otherwise.
    Only the snake_case keys are read (see the module docstring)."""
    out = {}
    if creating or "name" in body:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "name must be a non-empty string")
        out["name"] = name
    if creating or "events" in body:
        events = body.get("events")
        if (not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events)
                or not set(events) <= set(EVENTS)):
            raise ApiError(400, "events must be a non-empty list of: " + ", ".join(EVENTS))
        out["events"] = list(dict.fromkeys(events))
    if creating or "url" in body:
        url = body.get("url")
        # CircleCI only delivers to https:// URLs.
        try:
            parts = urlsplit(url) if isinstance(url, str) else None
            valid = parts is not None and parts.scheme.lower() == "https" and bool(parts.hostname)
            if valid:
                parts.port  # pylint: disable=pointless-statement  # raises ValueError when out of range
        except ValueError:
            valid = False
        if not valid:
            raise ApiError(400, "url must be an https:// URL")
        out["url"] = url
    if "verify_tls" in body or creating:
        # Absent (or only spelt verify-tls) on create: true, the simulator's choice.
        verify = body.get("verify_tls", True)
        if not isinstance(verify, bool):
            raise ApiError(400, "verify_tls must be true or false")
        out["verify_tls"] = verify
    if "signing_secret" in body or creating:
        # Absent (or only spelt signing-secret): no secret, as webhooks created with signing-secret had none.
        secret = body.get("signing_secret", "")
        if not isinstance(secret, str):
            raise ApiError(400, "signing_secret must be a string")
        out["signing_secret"] = secret
    return out


def _webhook(call) -> dict:
    need_personal_token(call)
    webhook = call.state.webhooks.get(call.params["id"])
    if webhook is None:
        raise ApiError(404, WEBHOOK_NOT_FOUND)
    return webhook


def get_webhooks(call):
    """Both ``scope-id`` and ``scope-type`` are required. The service is reported never to page:
    every webhook of the project comes at once, ``next_page_token`` null."""
    need_personal_token(call)
    scope_id, scope_type = _one(call.query, "scope-id"), _one(call.query, "scope-type")
    if scope_id is None or scope_type is None:
        raise ApiError(400, "scope-id and scope-type are required")
    proj = _project(call.state, scope_id, scope_type)
    items = [ser_webhook(w) for w in call.state.webhooks.values() if w["scope"]["id"] == proj["id"]]
    return 200, {"items": items, "next_page_token": None}


def post_webhook(call):
    state = call.state
    need_personal_token(call)
    body = body_object(call)
    scope = body.get("scope")
    if not isinstance(scope, dict):
        raise ApiError(400, 'scope must be an object {"id": <project UUID>, "type": "project"}')
    fields = _fields(body, creating=True)
    proj = _project(state, scope.get("id"), scope.get("type"))
    if sum(1 for w in state.webhooks.values() if w["scope"]["id"] == proj["id"]) >= MAX_PER_PROJECT:
        raise ApiError(400, "A project can have at most %d webhooks" % MAX_PER_PROJECT)
    now = data.iso(utcnow())
    webhook = dict(fields, id=str(uuid.uuid4()), scope={"id": proj["id"], "type": "project"}, created_at=now,
                   updated_at=now, created_mono=state.now())
    state.webhooks[webhook["id"]] = webhook
    deliverer = getattr(state, "deliverer", None)
    if deliverer is not None:
        deliverer.ensure_ticker()
    return 201, ser_webhook(webhook)


def get_webhook(call):
    return 200, ser_webhook(_webhook(call))


def put_webhook(call):
    """Changes the fields given (name, events, url, verify_tls, signing_secret); the scope cannot
    be changed and is ignored."""
    webhook = _webhook(call)
    fields = _fields(body_object(call), creating=False)
    webhook.update(fields, updated_at=data.iso(utcnow()))
    return 200, ser_webhook(webhook)


def delete_webhook(call):
    webhook = _webhook(call)
    del call.state.webhooks[webhook["id"]]
    return 200, {"message": "Webhook deleted."}


def _v2(method: str, pattern: str, handler) -> Route:
    return Route(method, "/api/v2/webhook" + pattern, handler, api="v2")


ROUTES = [
    _v2("GET", "", get_webhooks),
    _v2("POST", "", post_webhook),
    _v2("GET", "/{id}", get_webhook),
    _v2("PUT", "/{id}", put_webhook),
    _v2("DELETE", "/{id}", delete_webhook),
]
