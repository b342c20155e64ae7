# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v2 project settings (the ``advanced`` settings) and OIDC custom claims.

Project settings: ``GET|PATCH /api/v2/project/{provider}/{org}/{project}/settings``, on
circleci.com and CircleCI Server 4.8 and newer (older Servers have no such endpoint: the HTML
404). The reference marks the endpoint experimental; the PATCH is partial and always answers the
full object, also when nothing changed. The reference says that answer "can also be returned when
``oss: true`` fails to set": after ``POST /_sim/settings/oss {"refused": true}`` the simulator
keeps ``oss`` false and answers 200 all the same, so that a client can show it reads the answer.
A project's settings start as CircleCI's defaults for a new project (SETTINGS_DEFAULTS, the
simulator's choice: what each project of circleci.com holds is not recorded), created on first use
and dropped by ``POST /_sim/reset`` with the project.

OIDC custom claims: ``GET|PATCH|DELETE /api/v2/org/{org_id}/oidc-custom-claims`` and
``.../org/{org_id}/project/{project_id}/oidc-custom-claims`` (CircleCI Server 4.4 and newer).
Errors here are ``{"error": "..."}``, not ``{"message": ...}``, as CircleCI's reference shows them.
A claim never set is absent from the answer (the simulator's choice: not recorded).
"""

from __future__ import annotations

import copy
import re

import data
from render import ApiError
from routing import Route
from state import utcnow
from v2common import UUID_RE, need_personal_token, project_of

BOOL_SETTINGS = ("autocancel_builds", "build_fork_prs", "build_prs_only", "disable_ssh",
                 "forks_receive_secret_env_vars", "oss", "set_github_status", "setup_workflows",
                 "write_settings_requires_admin")
SETTINGS_DEFAULTS = {"autocancel_builds": False, "build_fork_prs": False, "build_prs_only": False,
                     "disable_ssh": False, "forks_receive_secret_env_vars": False, "oss": False,
                     "set_github_status": True, "setup_workflows": False, "write_settings_requires_admin": False}
CLAIMS = ("audience", "ttl")
# A duration such as 1h, 30m or 1h30m (the simulator's rule: CircleCI's limits are not recorded).
TTL_RE = re.compile(r"^(\d+h)?(\d+m)?(\d+s)?$")


# ---------------------------------------------------------------- project settings
def settings_of(proj: dict) -> dict:
    """The project's advanced settings, created from the defaults on first use."""
    if "settings" not in proj:
        proj["settings"] = dict(copy.deepcopy(SETTINGS_DEFAULTS), pr_only_branch_overrides=[proj["default_branch"]])
    return proj["settings"]


def ser_settings(proj: dict) -> dict:
    return {"advanced": copy.deepcopy(settings_of(proj))}


def get_settings(call):
    return 200, ser_settings(project_of(call))


def patch_settings(call):
    """Partial: only the keys given change; the answer is the full object."""
    proj = project_of(call)
    body = call.body
    advanced = body.get("advanced") if isinstance(body, dict) else None
    if not isinstance(advanced, dict) or set(body) != {"advanced"}:
        raise ApiError(400, 'The request body must be {"advanced": {...}}')
    unknown = set(advanced) - set(BOOL_SETTINGS) - {"pr_only_branch_overrides"}
    if unknown:
        raise ApiError(400, "Unknown setting(s): " + ", ".join(sorted(unknown)))
    for key in BOOL_SETTINGS:
        if key in advanced and not isinstance(advanced[key], bool):
            raise ApiError(400, "%s must be true or false" % key)
    overrides = advanced.get("pr_only_branch_overrides")
    if "pr_only_branch_overrides" in advanced and (
            not isinstance(overrides, list) or not all(isinstance(b, str) and b for b in overrides)):
        raise ApiError(400, "pr_only_branch_overrides must be a list of branch names")
    settings = settings_of(proj)
    for key, value in advanced.items():
        if key == "oss" and value is True and call.state.settings_oss_refused:
            # "can also be returned when oss: true fails to set": 200, the full object, oss unchanged.
            continue
        settings[key] = list(value) if isinstance(value, list) else value
    return 200, ser_settings(proj)


def settings_exist(state) -> bool:
    """Project settings: cloud, and CircleCI Server from 4.8."""
    return state.server_at_least(4, 8)


# ---------------------------------------------------------------- OIDC custom claims
class ClaimsError(Exception):
    """An error these endpoints answer as {"error": ...}."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _claims_errors(handler):
    """The handler's ApiError (the shared checks answer {"message"}) and ClaimsError as {"error": ...}."""
    def wrapped(call):
        try:
            return handler(call)
        except (ApiError, ClaimsError) as err:
            return err.status, {"error": err.message}
    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def _owner(call) -> tuple:
    """(org_id, project_id or None) of the path: the organisation must exist, the project be one of its own."""
    need_personal_token(call)
    org_id = call.params["org_id"]
    if not UUID_RE.match(org_id) or org_id.lower() not in call.state.organizations:
        raise ClaimsError(404, "organization not found")
    org_id = org_id.lower()
    project_id = call.params.get("project_id")
    if project_id is not None:
        proj = call.state.project_by_id(project_id.lower()) if UUID_RE.match(project_id) else None
        if proj is None or proj["organization_id"] != org_id:
            raise ClaimsError(404, "project not found")
        project_id = project_id.lower()
    return org_id, project_id


def _claims(state, owner: tuple) -> dict:
    return state.oidc_claims.setdefault(owner, {})


def ser_claims(owner: tuple, claims: dict) -> dict:
    out = {"org_id": owner[0]}
    if owner[1] is not None:
        out["project_id"] = owner[1]
    for name in CLAIMS:
        if name in claims:
            out[name] = copy.deepcopy(claims[name]["value"])
            out[name + "_updated_at"] = claims[name]["updated_at"]
    return out


@_claims_errors
def get_claims(call):
    owner = _owner(call)
    return 200, ser_claims(owner, _claims(call.state, owner))


@_claims_errors
def patch_claims(call):
    """``{audience?: [..], ttl?: "1h"}``: the claims given change; the answer is the whole object."""
    owner = _owner(call)
    body = call.body
    if not isinstance(body, dict) or not body:
        raise ClaimsError(400, "the body must be a JSON object with audience and/or ttl")
    unknown = set(body) - set(CLAIMS)
    if unknown:
        raise ClaimsError(400, "unknown claim(s): " + ", ".join(sorted(unknown)))
    if "audience" in body:
        audience = body["audience"]
        if not isinstance(audience, list) or not audience or not all(isinstance(a, str) and a for a in audience):
            raise ClaimsError(400, "audience must be a non-empty list of strings")
    if "ttl" in body:
        ttl = body["ttl"]
        if not isinstance(ttl, str) or not ttl or not TTL_RE.match(ttl):
            raise ClaimsError(400, "invalid ttl: a duration such as 1h or 30m")
    claims = _claims(call.state, owner)
    now = data.iso(utcnow())
    for name in CLAIMS:
        if name in body:
            claims[name] = {"value": copy.deepcopy(body[name]), "updated_at": now}
    return 200, ser_claims(owner, claims)


@_claims_errors
def delete_claims(call):
    """``?claims=audience,ttl`` (required): those claims go back to unset; the answer is the object after."""
    owner = _owner(call)
    raw = call.query.get("claims")
    if isinstance(raw, list):
        raw = ",".join(raw)
    names = [n for n in (raw or "").split(",") if n]
    if not names or not set(names) <= set(CLAIMS):
        raise ClaimsError(400, "claims must name some of: audience, ttl")
    claims = _claims(call.state, owner)
    for name in names:
        claims.pop(name, None)
    return 200, ser_claims(owner, claims)


def claims_exist(state) -> bool:
    """OIDC custom claims: cloud, and CircleCI Server from 4.4."""
    return state.server_at_least(4, 4)


SETTINGS = "/api/v2/project/{slug:slug}/settings"
ORG_CLAIMS = "/api/v2/org/{org_id}/oidc-custom-claims"
PROJECT_CLAIMS = "/api/v2/org/{org_id}/project/{project_id}/oidc-custom-claims"


def _v2(method: str, pattern: str, handler, when) -> Route:
    return Route(method, pattern, handler, api="v2", when=when)


ROUTES = [
    _v2("GET", SETTINGS, get_settings, settings_exist),
    _v2("PATCH", SETTINGS, patch_settings, settings_exist),
    _v2("GET", ORG_CLAIMS, get_claims, claims_exist),
    _v2("PATCH", ORG_CLAIMS, patch_claims, claims_exist),
    _v2("DELETE", ORG_CLAIMS, delete_claims, claims_exist),
    _v2("GET", PROJECT_CLAIMS, get_claims, claims_exist),
    _v2("PATCH", PROJECT_CLAIMS, patch_claims, claims_exist),
    _v2("DELETE", PROJECT_CLAIMS, delete_claims, claims_exist),
]
