# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API under ``/_sim/``: request log, reset, faults, queued outcomes, config,
bulk seeding, state dump. No token; JSON only; not recorded in the request log.
(``/_sim/artifacts/...`` is client traffic and lives in routes_v1.)"""

from __future__ import annotations

import datetime

import data
import faults
from routes_v1 import OUTCOMES
from routing import Route
from state import utcnow

OK = {"message": "OK"}


def _body(call) -> dict:
    return call.body if isinstance(call.body, dict) else {}


# ---------------------------------------------------------------- request log, reset
def get_requests(call):
    return 200, call.state.requests


def delete_requests(call):
    call.state.requests.clear()
    return 200, OK


def post_reset(call):
    call.state.reset()
    return 200, OK


# ---------------------------------------------------------------- faults
def get_faults(call):
    return 200, call.state.faults


def post_fault(call):
    state = call.state
    try:
        fault = faults.make_fault(next(state.fault_ids), _body(call))
    except ValueError as exc:
        return 400, {"message": str(exc)}
    state.faults.append(fault)
    return 201, fault


def delete_faults(call):
    call.state.faults.clear()
    return 200, OK


# ---------------------------------------------------------------- v1.1 build outcomes
def get_builds_next(call):
    return 200, call.state.next_outcomes


def post_builds_next(call):
    body = _body(call)
    outcome = body.get("outcome", "success")
    if outcome not in OUTCOMES:
        return 400, {"message": "outcome must be one of: " + ", ".join(OUTCOMES)}
    try:
        entry = {"outcome": outcome, "count": int(body.get("count", 1)),
                 "build_seconds": None if body.get("build_seconds") is None else float(body["build_seconds"])}
    except (TypeError, ValueError):
        return 400, {"message": "count must be an integer and build_seconds a number"}
    call.state.next_outcomes.append(entry)
    return 201, call.state.next_outcomes


def delete_builds_next(call):
    call.state.next_outcomes.clear()
    return 200, OK


# ---------------------------------------------------------------- config
def get_config(call):
    return 200, call.state.public_config()


def post_config(call):
    try:
        call.state.update_config(_body(call))
    except ValueError as exc:
        return 400, {"message": str(exc)}
    return 200, call.state.public_config()


# ---------------------------------------------------------------- seeding and dump
def post_seed_builds(call):
    state, body = call.state, _body(call)
    vcs = data.VCS_ALIASES.get(str(body.get("vcs_type", "github")).lower(), "github")
    proj = state.v1_project(vcs, body.get("username", "acme"), body.get("project", "app"))
    if proj is None:
        return 404, {"message": "Project not found"}
    try:
        count = int(body.get("count", 1))
        nart = int(body.get("artifacts", 2))
    except (TypeError, ValueError):
        return 400, {"message": "count and artifacts must be integers"}
    branch = body.get("branch") or proj["default_branch"]
    outcome = body.get("outcome", "success")
    paths = data.default_artifact_paths(nart)
    now = utcnow()
    first = proj["next_num"]
    for i in range(count):
        state.add_build(proj, branch=branch, why="github", outcome=outcome, duration=30.0,
                        queued_wall=now - datetime.timedelta(seconds=60 + count - i), finished=True,
                        artifacts=list(paths), tests=[], subject="Seeded build %d" % i)
    return 201, {"created": count, "first_build_num": first, "last_build_num": proj["next_num"] - 1}


def get_state(call):
    return 200, call.state.dump()


def _control(method: str, path: str, handler) -> Route:
    return Route(method, "/_sim" + path, handler, api="control", auth=False)


ROUTES = [
    _control("GET", "/requests", get_requests),
    _control("DELETE", "/requests", delete_requests),
    _control("POST", "/reset", post_reset),
    _control("GET", "/faults", get_faults),
    _control("POST", "/faults", post_fault),
    _control("DELETE", "/faults", delete_faults),
    _control("GET", "/builds/next", get_builds_next),
    _control("POST", "/builds/next", post_builds_next),
    _control("DELETE", "/builds/next", delete_builds_next),
    _control("GET", "/config", get_config),
    _control("POST", "/config", post_config),
    _control("POST", "/seed/builds", post_seed_builds),
    _control("GET", "/state", get_state),
]
