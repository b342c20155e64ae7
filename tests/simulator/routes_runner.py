# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner API under ``/api/v3``: self-hosted runners, resource classes, tokens, task counts.

CircleCI serves it on a host of its own (runner.circleci.com; the Server's own host on CircleCI
Server); the simulator serves it on its one address, so that clients pass the simulator's root
as ``runner_url``. The documented reads (``/runner``, ``/runner/tasks``, ``/runner/tasks/running``)
and the undocumented management routes answer with the bodies CircleCI's own Terraform provider is
recorded to use: ``{items: [...]}`` lists without paging, a token's value only in the answer to
its POST. Resource classes are ``<namespace>/<name>`` in lower-case letters, digits, ``-`` and
``_``; the namespace is the organisation's orb namespace (state.runner["namespaces"]).

The simulator's choices, where CircleCI's answers are not recorded: a namespace no organisation
has answers 404 ``Namespace not found``, one of an organisation the user is not in 403; a project
token 403; a duplicate resource class 400; the delete of a class with tokens 400 naming how many.
"""

from __future__ import annotations

import re
import secrets
import uuid

import data
from render import ApiError
from routing import Route
from state import utcnow

RESOURCE_PART_RE = re.compile(r"^[a-z0-9_-]+$")
NAMESPACE_NOT_FOUND = "Namespace not found"
FOREIGN_NAMESPACE = "You do not have access to this namespace"
CLASS_NOT_FOUND = "Resource class not found"


def _one(query: dict, key: str):
    value = query.get(key)
    return value[0] if isinstance(value, list) else value


def _need_personal_token(call) -> None:
    if call.role != "user":
        raise ApiError(403, "A personal API token is required")


def _namespace(state, namespace) -> str:
    """A namespace the user's organisations own, else 404 (nobody's) or 403 (another organisation's)."""
    owner = state.runner["namespaces"].get(namespace) if isinstance(namespace, str) else None
    if owner is None:
        raise ApiError(404, NAMESPACE_NOT_FOUND)
    if owner not in state.organizations:
        raise ApiError(403, FOREIGN_NAMESPACE)
    return namespace


def _resource_class_name(state, value) -> str:
    parts = value.split("/") if isinstance(value, str) else []
    if len(parts) != 2 or not all(RESOURCE_PART_RE.match(p) for p in parts):
        raise ApiError(400, "resource_class must be <namespace>/<name> of lower-case letters, digits, - and _")
    _namespace(state, parts[0])
    return value


def _class_record(state, name: str) -> dict | None:
    return next((rc for rc in state.runner["classes"].values() if rc["resource_class"] == name), None)


def _query_class(call, must_exist: bool) -> str:
    name = _one(call.query, "resource-class")
    if name is None:
        raise ApiError(400, "resource-class is required")
    _resource_class_name(call.state, name)
    if must_exist and _class_record(call.state, name) is None:
        raise ApiError(404, CLASS_NOT_FOUND)
    return name


def ser_class(rc: dict) -> dict:
    return {"id": rc["id"], "resource_class": rc["resource_class"], "description": rc["description"]}


def ser_token(token: dict, with_value: bool = False) -> dict:
    out = {"id": token["id"], "nickname": token["nickname"], "resource_class": token["resource_class"],
           "created_at": token["created_at"]}
    if with_value:
        out["token"] = token["token"]
    return out


def ser_runner(runner: dict) -> dict:
    return {k: runner[k] for k in ("resource_class", "hostname", "name", "first_connected", "last_connected",
                                   "last_used", "version")}


# ---------------------------------------------------------------- documented reads
def get_runners(call):
    """``?resource-class=`` or ``?namespace=`` (exactly one)."""
    _need_personal_token(call)
    name, namespace = _one(call.query, "resource-class"), _one(call.query, "namespace")
    if (name is None) == (namespace is None):
        raise ApiError(400, "give either resource-class or namespace")
    if name is not None:
        _resource_class_name(call.state, name)
    else:
        _namespace(call.state, namespace)

    def wanted(runner: dict) -> bool:
        if name is not None:
            return runner["resource_class"] == name
        return runner["resource_class"].split("/", 1)[0] == namespace
    return 200, {"items": [ser_runner(r) for r in call.state.runner["runners"] if wanted(r)]}


def get_unclaimed(call):
    _need_personal_token(call)
    name = _query_class(call, must_exist=False)
    return 200, {"unclaimed_task_count": call.state.runner["tasks"].get(name, {}).get("unclaimed", 0)}


def get_running(call):
    _need_personal_token(call)
    name = _query_class(call, must_exist=False)
    return 200, {"running_runner_tasks": call.state.runner["tasks"].get(name, {}).get("running", 0)}


# ---------------------------------------------------------------- resource classes (undocumented)
def get_classes(call):
    _need_personal_token(call)
    namespace = _one(call.query, "namespace")
    if namespace is None:
        raise ApiError(400, "namespace is required")
    _namespace(call.state, namespace)
    items = [ser_class(rc) for rc in call.state.runner["classes"].values()
             if rc["resource_class"].split("/", 1)[0] == namespace]
    return 200, {"items": items}


def post_class(call):
    state = call.state
    _need_personal_token(call)
    body = call.body if isinstance(call.body, dict) else None
    if body is None:
        raise ApiError(400, "The request body must be a JSON object")
    name = _resource_class_name(state, body.get("resource_class"))
    description = body.get("description", "")
    if not isinstance(description, str):
        raise ApiError(400, "description must be a string")
    if _class_record(state, name) is not None:
        raise ApiError(400, "resource class %s already exists" % name)
    rc = {"id": str(uuid.uuid4()), "resource_class": name, "description": description}
    state.runner["classes"][rc["id"]] = rc
    return 200, ser_class(rc)


def _class_by_id(call) -> dict:
    _need_personal_token(call)
    rc = call.state.runner["classes"].get(call.params["id"])
    if rc is None:
        raise ApiError(404, CLASS_NOT_FOUND)
    return rc


def _drop_class(state, rc: dict) -> None:
    del state.runner["classes"][rc["id"]]
    for token_id in [t["id"] for t in state.runner["tokens"].values() if t["resource_class"] == rc["resource_class"]]:
        del state.runner["tokens"][token_id]
    state.runner["runners"] = [r for r in state.runner["runners"] if r["resource_class"] != rc["resource_class"]]
    state.runner["tasks"].pop(rc["resource_class"], None)


def delete_class(call):
    """Refused while the class has tokens (the force route deletes them with it)."""
    rc = _class_by_id(call)
    count = sum(1 for t in call.state.runner["tokens"].values() if t["resource_class"] == rc["resource_class"])
    if count:
        raise ApiError(400, "resource class %s has %d token(s): delete them first, or use force"
                       % (rc["resource_class"], count))
    _drop_class(call.state, rc)
    return 200, {"message": "Resource class deleted"}


def delete_class_force(call):
    rc = _class_by_id(call)
    _drop_class(call.state, rc)
    return 200, {"message": "Resource class deleted"}


# ---------------------------------------------------------------- tokens (undocumented)
def get_tokens(call):
    _need_personal_token(call)
    name = _query_class(call, must_exist=True)
    return 200, {"items": [ser_token(t) for t in call.state.runner["tokens"].values() if t["resource_class"] == name]}


def post_token(call):
    """The answer is the only place the token's value is ever shown."""
    state = call.state
    _need_personal_token(call)
    body = call.body if isinstance(call.body, dict) else None
    if body is None:
        raise ApiError(400, "The request body must be a JSON object")
    name = _resource_class_name(state, body.get("resource_class"))
    if _class_record(state, name) is None:
        raise ApiError(404, CLASS_NOT_FOUND)
    nickname = body.get("nickname")
    if not isinstance(nickname, str) or not nickname.strip():
        raise ApiError(400, "nickname must be a non-empty string")
    token = {"id": str(uuid.uuid4()), "nickname": nickname, "resource_class": name,
             "created_at": data.iso(utcnow()), "token": "simrunner_" + secrets.token_hex(24)}
    state.runner["tokens"][token["id"]] = token
    return 200, ser_token(token, with_value=True)


def delete_token(call):
    _need_personal_token(call)
    token = call.state.runner["tokens"].pop(call.params["id"], None)
    if token is None:
        raise ApiError(404, "Token not found")
    return 200, {"message": "Token deleted"}


def _v3(method: str, pattern: str, handler) -> Route:
    return Route(method, "/api/v3/runner" + pattern, handler, api="runner")


ROUTES = [
    _v3("GET", "", get_runners),
    _v3("GET", "/tasks", get_unclaimed),
    _v3("GET", "/tasks/running", get_running),
    _v3("GET", "/resource", get_classes),
    _v3("POST", "/resource", post_class),
    _v3("DELETE", "/resource/{id}", delete_class),
    _v3("DELETE", "/resource/{id}/force", delete_class_force),
    _v3("GET", "/token", get_tokens),
    _v3("POST", "/token", post_token),
    _v3("DELETE", "/token/{id}", delete_token),
]


# ---------------------------------------------------------------- controls (routes_control registers them)
def connect(state, body: dict) -> tuple[int, dict]:
    """A runner connects with a token: the token names its class. ``resource_class``, when given,
    must be the token's class (an agent configured with a token of another class is refused)."""
    token = next((t for t in state.runner["tokens"].values() if t["token"] == body.get("token")), None)
    if token is None:
        return 401, {"message": "unknown runner token"}
    wanted = body.get("resource_class")
    if wanted is not None and wanted != token["resource_class"]:
        return 400, {"message": "the token is of another resource class: %s" % token["resource_class"]}
    name = body.get("name") or body.get("hostname")
    hostname = body.get("hostname") or name
    if not isinstance(name, str) or not name:
        return 400, {"message": "give a hostname or a name"}
    now = data.iso(utcnow())
    runner = next((r for r in state.runner["runners"] if r["resource_class"] == token["resource_class"]
                   and r["name"] == name), None)
    if runner is None:
        runner = {"resource_class": token["resource_class"], "hostname": hostname, "name": name,
                  "first_connected": now, "last_used": None, "token_id": token["id"]}
        state.runner["runners"].append(runner)
    runner.update(hostname=hostname, last_connected=now, version=str(body.get("version") or "3.0.0"))
    return 200, ser_runner(runner)


def set_tasks(state, body: dict) -> tuple[int, dict]:
    name = body.get("resource_class")
    counts = {}
    for key in ("unclaimed", "running"):
        value = body.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return 400, {"message": "%s must be an integer >= 0" % key}
        counts[key] = value
    if not isinstance(name, str) or _class_record(state, name) is None:
        return 404, {"message": CLASS_NOT_FOUND}
    state.runner["tasks"][name] = counts
    return 200, dict(counts, resource_class=name)
