# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v2 context routes: contexts of an organization, their environment variables (never a
value in an answer) and their restrictions."""

from __future__ import annotations

import uuid

import data
from render import ApiError
from routing import Route
from state import utcnow
from v2common import NOT_FOUND, body_object, need_personal_token, page

MAX_CONTEXT_NAME = 200
MAX_CONTEXTS_PER_OWNER = 500
MAX_VARIABLES = 100
MAX_VARIABLE_NAME = 300
MAX_VARIABLE_VALUE = 32768
RESTRICTION_TYPES = ("project", "expression", "group")
OWNER_TYPES = ("organization", "account")


def _one(query: dict, key: str):
    value = query.get(key)
    return value[0] if isinstance(value, list) else value


def _owner(call, slug: str | None, owner_id: str | None, owner_type: str | None) -> dict:
    """The organization named by an owner slug or id; 400 when neither or a bad type, 404 when unknown."""
    if owner_type is not None and owner_type not in OWNER_TYPES:
        raise ApiError(400, "owner type must be organization or account")
    if (slug is None) == (owner_id is None):
        raise ApiError(400, "Give exactly one of owner-slug or owner-id")
    state = call.state
    if slug is not None:
        if not isinstance(slug, str):
            raise ApiError(400, "owner slug must be a string")
        org = state.organization_by_slug(slug)
    else:
        org = state.organizations.get(owner_id) if isinstance(owner_id, str) else None
    if org is None:
        raise ApiError(404, NOT_FOUND)
    return org


def ser_context(ctx: dict) -> dict:
    return {"id": ctx["id"], "name": ctx["name"], "created_at": ctx["created_at"]}


def _context(call) -> dict:
    need_personal_token(call)
    ctx = call.state.contexts.get(call.params["id"])
    if ctx is None:
        raise ApiError(404, NOT_FOUND)
    return ctx


# ---------------------------------------------------------------- contexts
def get_contexts(call):
    need_personal_token(call)
    query = call.query
    org = _owner(call, _one(query, "owner-slug"), _one(query, "owner-id"), _one(query, "owner-type"))
    return 200, page(call, [ser_context(c) for c in call.state.contexts.values() if c["owner_id"] == org["id"]])


def post_context(call):
    need_personal_token(call)
    body = body_object(call, {"name", "owner"})
    name, owner = body.get("name"), body.get("owner")
    if not isinstance(name, str) or not name or len(name) > MAX_CONTEXT_NAME:
        raise ApiError(400, "name must have 1 to %d characters" % MAX_CONTEXT_NAME)
    if not isinstance(owner, dict) or not set(owner) <= {"slug", "id", "type"}:
        raise ApiError(400, "owner must be an object with slug or id, and type")
    org = _owner(call, owner.get("slug"), owner.get("id"), owner.get("type"))
    contexts = [c for c in call.state.contexts.values() if c["owner_id"] == org["id"]]
    if any(c["name"] == name for c in contexts):
        raise ApiError(400, "A context named %s already exists." % name)
    if len(contexts) >= MAX_CONTEXTS_PER_OWNER:
        raise ApiError(400, "An organization has at most %d contexts" % MAX_CONTEXTS_PER_OWNER)
    ctx = {"id": str(uuid.uuid4()), "name": name, "owner_id": org["id"], "created_at": data.iso(utcnow()),
           "variables": {}, "restrictions": []}
    call.state.contexts[ctx["id"]] = ctx
    return 200, ser_context(ctx)


def get_context(call):
    return 200, ser_context(_context(call))


def delete_context(call):
    ctx = _context(call)
    del call.state.contexts[ctx["id"]]
    return 200, {"message": "Context deleted."}


# ---------------------------------------------------------------- environment variables
def ser_variable(ctx: dict, name: str) -> dict:
    var = ctx["variables"][name]
    return {"variable": name, "context_id": ctx["id"], "created_at": var["created_at"],
            "updated_at": var["updated_at"]}


def get_variables(call):
    ctx = _context(call)
    return 200, page(call, [ser_variable(ctx, name) for name in ctx["variables"]])


def put_variable(call):
    """Create or replace a variable in one step (no moment without it)."""
    ctx = _context(call)
    name = call.params["name"]
    if not data.ENVVAR_NAME_RE.match(name) or len(name) > MAX_VARIABLE_NAME:
        raise ApiError(400, "Variable names must match [A-Za-z_][A-Za-z0-9_]* (at most %d characters)"
                       % MAX_VARIABLE_NAME)
    body = body_object(call, {"value"})
    value = body.get("value")
    if not isinstance(value, str):
        raise ApiError(400, "value must be a string")
    if len(value) > MAX_VARIABLE_VALUE:
        raise ApiError(400, "Values have at most %d characters" % MAX_VARIABLE_VALUE)
    now = data.iso(utcnow())
    old = ctx["variables"].get(name)
    if old is None and len(ctx["variables"]) >= MAX_VARIABLES:
        raise ApiError(400, "A context has at most %d environment variables" % MAX_VARIABLES)
    ctx["variables"][name] = {"value": value, "created_at": old["created_at"] if old else now, "updated_at": now}
    return 200, ser_variable(ctx, name)


def delete_variable(call):
    ctx = _context(call)
    if call.params["name"] not in ctx["variables"]:
        raise ApiError(404, NOT_FOUND)
    del ctx["variables"][call.params["name"]]
    return 200, {"message": "Environment variable deleted."}


# ---------------------------------------------------------------- restrictions
def get_restrictions(call):
    ctx = _context(call)
    return 200, page(call, [dict(r) for r in ctx["restrictions"]])


def post_restriction(call):
    ctx = _context(call)
    state = call.state
    body = body_object(call, {"restriction_type", "restriction_value"})
    rtype, value = body.get("restriction_type"), body.get("restriction_value")
    if rtype not in RESTRICTION_TYPES:
        raise ApiError(400, "restriction_type must be one of: " + ", ".join(RESTRICTION_TYPES))
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "restriction_value must be a non-empty string")
    name = value
    if rtype == "project":
        proj = state.project_by_id(value)
        if proj is None:
            raise ApiError(400, "restriction_value of a project restriction must be the UUID of an existing project")
        name = proj["name"]
    elif rtype == "group" and state.organizations[ctx["owner_id"]]["vcs_type"] != "github":
        raise ApiError(400, "Group restrictions work only for GitHub organizations")
    if any(r["restriction_type"] == rtype and r["restriction_value"] == value for r in ctx["restrictions"]):
        raise ApiError(400, "This restriction already exists")
    restriction = {"id": str(uuid.uuid4()), "restriction_type": rtype, "restriction_value": value, "name": name}
    ctx["restrictions"].append(restriction)
    return 201, dict(restriction)


def delete_restriction(call):
    ctx = _context(call)
    rid = call.params["restriction_id"]
    if not any(r["id"] == rid for r in ctx["restrictions"]):
        raise ApiError(404, NOT_FOUND)
    ctx["restrictions"] = [r for r in ctx["restrictions"] if r["id"] != rid]
    return 200, {"message": "Context restriction deleted."}


def _v2(method: str, pattern: str, handler) -> Route:
    return Route(method, "/api/v2/context" + pattern, handler, api="v2")


ROUTES = [
    _v2("GET", "", get_contexts),
    _v2("POST", "", post_context),
    _v2("GET", "/{id}", get_context),
    _v2("DELETE", "/{id}", delete_context),
    _v2("GET", "/{id}/environment-variable", get_variables),
    _v2("PUT", "/{id}/environment-variable/{name}", put_variable),
    _v2("DELETE", "/{id}/environment-variable/{name}", delete_variable),
    _v2("GET", "/{id}/restrictions", get_restrictions),
    _v2("POST", "/{id}/restrictions", post_restriction),
    _v2("DELETE", "/{id}/restrictions/{restriction_id}", delete_restriction),
]
