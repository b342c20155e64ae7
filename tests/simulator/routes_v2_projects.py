# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v2 project routes: the project, its env vars and its checkout keys.

Slugs: ``gh/acme/app`` = ``github/acme/app``, ``bb``/``bitbucket``, and
``circleci/<org-id>/<project-id>`` for GitHub App projects; the slug may also come as one
``%2F``-encoded segment. Env vars and checkout keys share their storage with v1.1.
"""

from __future__ import annotations

import data
from render import ApiError
from routes_control import wire
from routing import Route
from v2common import NOT_FOUND, body_object, is_circleci, page, project_of, ser_project

V2_KEY_TYPES = {"deploy-key": "deploy-key", "user-key": "github-user-key"}
NO_KEYS_FOR_CIRCLECI = ("Checkout keys cannot be created for GitHub App, GitLab or Bitbucket Data Center "
                        "projects (circleci/ slugs): they check out with the app's credentials")
ENVVAR_NAME_MAX = 300


def get_project(call):
    return 200, ser_project(call.state, project_of(call))


# ---------------------------------------------------------------- env vars
def get_envvars(call):
    proj = project_of(call)
    return 200, page(call, [{"name": k, "value": data.mask(v)} for k, v in proj["envvars"].items()])


def post_envvar(call):
    proj = project_of(call)
    body = body_object(call, {"name", "value"})
    name, value = body.get("name"), body.get("value")
    if not isinstance(name, str) or not data.ENVVAR_NAME_RE.match(name) or len(name) > ENVVAR_NAME_MAX:
        raise ApiError(400, "name must match [A-Za-z_][A-Za-z0-9_]* (at most %d characters)" % ENVVAR_NAME_MAX)
    if not isinstance(value, str):
        raise ApiError(400, "value must be a string")
    proj["envvars"][name] = value
    return 201, {"name": name, "value": data.mask(value)}


def _envvar_name(call, proj: dict) -> str:
    name = call.params["name"]
    if name not in proj["envvars"]:
        raise ApiError(404, NOT_FOUND)
    return name


def get_envvar(call):
    proj = project_of(call)
    name = _envvar_name(call, proj)
    return 200, {"name": name, "value": data.mask(proj["envvars"][name])}


def delete_envvar(call):
    proj = project_of(call)
    del proj["envvars"][_envvar_name(call, proj)]
    return 200, {"message": "Environment variable deleted."}


# ---------------------------------------------------------------- checkout keys
def _digest(call) -> str:
    digest = call.query.get("digest", "md5")
    if digest not in ("md5", "sha256"):
        raise ApiError(400, "digest must be md5 or sha256")
    return digest


def ser_key(call, proj: dict, idx: int, digest: str) -> dict:
    """A v2 checkout key. Recorded circleci.com answers (list and create) spell public_key and created_at;
    the published reference spells public-key and created-at (POST /_sim/wire {"checkout_keys": "reference"})."""
    key = proj["checkout_keys"][idx]
    fingerprint = data.sha256_fingerprint(key["public_key"]) if digest == "sha256" else key["fingerprint"]
    public_key, created_at = ("public-key", "created-at") if wire(call.state, "checkout_keys") == "reference" \
        else ("public_key", "created_at")
    return {public_key: key["public_key"], "type": key["type"], "fingerprint": fingerprint,
            "preferred": idx == 0, created_at: key["time"]}


def get_checkout_keys(call):
    proj = project_of(call)
    digest = _digest(call)
    return 200, page(call, [ser_key(call, proj, i, digest) for i in range(len(proj["checkout_keys"]))])


def post_checkout_key(call):
    proj = project_of(call)
    body = body_object(call, {"type"})
    ktype = V2_KEY_TYPES.get(body.get("type"))
    if ktype is None:
        raise ApiError(400, "type must be deploy-key or user-key")
    if is_circleci(proj):
        raise ApiError(400, NO_KEYS_FOR_CIRCLECI)
    call.state.new_checkout_key(proj, ktype)
    return 201, ser_key(call, proj, len(proj["checkout_keys"]) - 1, "md5")


def _key_index(proj: dict, fingerprint: str) -> int:
    """A key by its MD5 fingerprint (``MD5:`` prefix tolerated) or its ``SHA256:...`` one."""
    if fingerprint.lower().startswith("md5:"):
        fingerprint = fingerprint[4:]
    for idx, key in enumerate(proj["checkout_keys"]):
        if fingerprint in (key["fingerprint"], data.sha256_fingerprint(key["public_key"])):
            return idx
    raise ApiError(404, NOT_FOUND)


def get_checkout_key(call):
    proj = project_of(call)
    digest = _digest(call)
    return 200, ser_key(call, proj, _key_index(proj, call.params["fingerprint"]), digest)


def delete_checkout_key(call):
    proj = project_of(call)
    del proj["checkout_keys"][_key_index(proj, call.params["fingerprint"])]
    return 200, {"message": "Checkout key deleted."}


PROJECT = "/api/v2/project/{slug:slug}"


def _v2(method: str, pattern: str, handler) -> Route:
    return Route(method, pattern, handler, api="v2")


ROUTES = [
    _v2("GET", PROJECT, get_project),
    _v2("GET", PROJECT + "/envvar", get_envvars),
    _v2("POST", PROJECT + "/envvar", post_envvar),
    _v2("GET", PROJECT + "/envvar/{name}", get_envvar),
    _v2("DELETE", PROJECT + "/envvar/{name}", delete_envvar),
    _v2("GET", PROJECT + "/checkout-key", get_checkout_keys),
    _v2("POST", PROJECT + "/checkout-key", post_checkout_key),
    _v2("GET", PROJECT + "/checkout-key/{fingerprint}", get_checkout_key),
    _v2("DELETE", PROJECT + "/checkout-key/{fingerprint}", delete_checkout_key),
]
