# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control API under ``/_sim/``: request log, reset, faults, queued outcomes, config,
wire forms, bulk seeding, state dump, webhook deliveries (log, redelivery, ping). No token; JSON only; not recorded in the request log.
(``/_sim/artifacts/...`` is client traffic and lives in routes_v1.)"""

from __future__ import annotations

import datetime
import re
import uuid

import data
import faults
import routes_runner
import workflows
from routes_v1 import OUTCOMES
from routing import Route
from state import check_seconds, utcnow

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


# ---------------------------------------------------------------- wire forms
# Where CircleCI's published v2 reference and recorded traffic disagree on an answer's form,
# the simulator answers one of them; the first form of each is the default (restored by reset).
# checkout_keys: recorded circleci.com answers spell public_key and created_at, the reference
# public-key and created-at. rerun: recorded 2020 traffic answered {"message": "Accepted."}
# without the new workflow's id; today's reference answers {"workflow_id"}.
WIRE_FORMS = {"checkout_keys": ("recorded", "reference"), "rerun": ("reference", "recorded")}


def wire(state, name: str) -> str:
    """The form the simulator answers ``name`` (a WIRE_FORMS key) in."""
    return state.config.get("wire", {}).get(name, WIRE_FORMS[name][0])


def _wire_forms(state) -> dict:
    return {name: wire(state, name) for name in WIRE_FORMS}


def get_wire(call):
    return 200, _wire_forms(call.state)


def post_wire(call):
    body = _body(call)
    for name, form in body.items():
        if name not in WIRE_FORMS or form not in WIRE_FORMS[name]:
            return 400, {"message": "give some of " + "; ".join(
                "%s: %s" % (n, " or ".join(forms)) for n, forms in WIRE_FORMS.items())}
    # Kept in the config, so that POST /_sim/reset restores the defaults.
    call.state.config["wire"] = dict(_wire_forms(call.state), **body)
    return 200, _wire_forms(call.state)


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


def post_seed_projects(call):
    """``count`` more followed projects of an organization (default gh/acme): <prefix>01, <prefix>02, ...
    Existing names are left as they are; the answer lists the slugs of all of them."""
    state, body = call.state, _body(call)
    vcs = data.VCS_ALIASES.get(str(body.get("vcs_type", "github")).lower())
    username = body.get("username", "acme")
    prefix = body.get("prefix", "svc")
    org = next((o for o in state.organizations.values() if o["vcs_type"] == vcs and o["name"] == username), None)
    if org is None:
        return 404, {"message": "Organization not found: give vcs_type github or bitbucket and an organization's name"}
    try:
        count = int(body.get("count", 1))
    except (TypeError, ValueError):
        return 400, {"message": "count must be an integer"}
    if not 1 <= count <= 1000 or not isinstance(prefix, str) or not re.match(r"^[A-Za-z0-9_.-]+$", prefix):
        return 400, {"message": "count must be 1..1000 and prefix a repository name"}
    slugs = []
    for i in range(1, count + 1):
        name = "%s%02d" % (prefix, i)
        if state.v1_project(vcs, username, name) is None:
            state.add_project({
                "vcs_type": vcs, "username": username, "reponame": name, "following": bool(body.get("following", True)),
                "default_branch": "main", "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s/%s" % (vcs, username, name))),
                "name": name, "organization_id": org["id"], "vcs_url": "%s/%s/%s" % (data.VCS_HOST[vcs], username, name)})
        slugs.append("%s/%s/%s" % (data.VCS_SLUG[vcs], username, name))
    return 201, {"projects": slugs}


def get_state(call):
    return 200, call.state.dump()


# ---------------------------------------------------------------- API v2 pipelines
NEXT_PIPELINE_KEYS = {"workflows", "count", "skip", "project", "compile_seconds", "error"}


def get_pipelines_next(call):
    return 200, call.state.next_pipelines


def post_pipelines_next(call):
    """Queue what the next ``count`` pipelines (of ``project``, or of any project) get."""
    state, body = call.state, _body(call)
    unknown = set(body) - NEXT_PIPELINE_KEYS
    if unknown:
        return 400, {"message": "unknown keys: " + ", ".join(sorted(unknown))}
    entry = {"workflows": None, "count": 1, "skip": False, "project": None, "compile_seconds": None, "error": None}
    try:
        if body.get("workflows") is not None:
            entry["workflows"] = workflows.normalize_workflows(body["workflows"])
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError("count must be an integer >= 1")
        entry["count"] = count
        if not isinstance(body.get("skip", False), bool):
            raise ValueError("skip must be true or false")
        entry["skip"] = body.get("skip", False)
        if body.get("compile_seconds") is not None:
            entry["compile_seconds"] = check_seconds(body["compile_seconds"], "compile_seconds")
        if body.get("error") is not None:
            if not isinstance(body["error"], str) or not body["error"]:
                raise ValueError("error must be a non-empty string (a config error message)")
            entry["error"] = body["error"]
        if body.get("project") is not None:
            proj = state.v2_project(body["project"]) if isinstance(body["project"], str) else None
            if proj is None:
                raise ValueError("project must be the slug of a known project, e.g. gh/acme/app")
            entry["project"] = state.project_slug(proj)
    except ValueError as exc:
        return 400, {"message": str(exc)}
    state.next_pipelines.append(entry)
    return 201, state.next_pipelines


def delete_pipelines_next(call):
    call.state.next_pipelines.clear()
    return 200, OK


def _project(call):
    return call.state.v2_project(call.params["slug"])


def get_project_config(call):
    proj = _project(call)
    if proj is None:
        return 404, {"message": "Project not found"}
    return 200, proj["pipeline_config"]


def post_project_config(call):
    """Replace the declared ``parameters`` and/or the ``workflows`` of a project's config."""
    proj, body = _project(call), _body(call)
    if proj is None:
        return 404, {"message": "Project not found"}
    unknown = set(body) - {"parameters", "workflows"}
    if unknown:
        return 400, {"message": "unknown keys: " + ", ".join(sorted(unknown))}
    new = dict(proj["pipeline_config"])
    try:
        if "parameters" in body:
            new["parameters"] = workflows.normalize_parameters(body["parameters"])
        if "workflows" in body:
            new["workflows"] = workflows.normalize_workflows(body["workflows"])
    except ValueError as exc:
        return 400, {"message": str(exc)}
    proj["pipeline_config"] = new
    return 200, new


def delete_project_config(call):
    proj = _project(call)
    if proj is None:
        return 404, {"message": "Project not found"}
    proj["pipeline_config"] = call.state.seed_pipeline_config((proj["vcs_type"], proj["username"], proj["reponame"]))
    return 200, proj["pipeline_config"]


# ---------------------------------------------------------------- webhook deliveries
DELIVERY_FILTERS = ("event_id", "webhook_id", "event_type")


def get_deliveries(call):
    """Every delivery attempt, oldest first; ``?event_id=``, ``?webhook_id=``, ``?event_type=`` filter."""
    wanted = {k: call.query[k] for k in DELIVERY_FILTERS if isinstance(call.query.get(k), str)}
    return 200, [d for d in call.state.deliveries if all(d[k] == v for k, v in wanted.items())]


def delete_deliveries(call):
    call.state.deliveries.clear()
    return 200, OK


def post_redeliver(call):
    """Post a kept event again: the same id and body, signed with the webhook's secret now
    (CircleCI may deliver an event more than once; receivers deduplicate on its id)."""
    event_id = call.state.deliverer.redeliver(call.params["event_id"])
    if event_id is None:
        return 404, {"message": "No such event, or its webhook was deleted"}
    event = call.state.events[event_id]
    return 202, {"event_id": event_id, "webhook_id": event["webhook_id"], "event_type": event["type"]}


def post_ping(call):
    """A test ping, as the web app sends: ``{type: "ping", id, happened_at, webhook: {id, name}}``."""
    webhook = call.state.webhooks.get(call.params["webhook_id"])
    if webhook is None:
        return 404, {"message": "Webhook not found"}
    event_id = call.state.deliverer.ping(webhook)
    return 202, {"event_id": event_id, "webhook_id": webhook["id"], "event_type": "ping"}


# ---------------------------------------------------------------- project settings
def post_settings_oss(call):
    """``{"refused": true}``: project settings PATCHes keep oss false and answer 200 (routes_v2_settings)."""
    refused = _body(call).get("refused")
    if not isinstance(refused, bool):
        return 400, {"message": 'give {"refused": true} or {"refused": false}'}
    call.state.settings_oss_refused = refused
    return 200, {"refused": refused}


# ---------------------------------------------------------------- self-hosted runners
def post_runner_connect(call):
    """A runner connects with a token of its class: ``{token, hostname, name, version, resource_class?}``."""
    return routes_runner.connect(call.state, _body(call))


def post_runner_tasks(call):
    """Set a resource class's task counts: ``{resource_class, unclaimed, running}``."""
    return routes_runner.set_tasks(call.state, _body(call))


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
    _control("GET", "/wire", get_wire),
    _control("POST", "/wire", post_wire),
    _control("POST", "/settings/oss", post_settings_oss),
    _control("POST", "/seed/builds", post_seed_builds),
    _control("POST", "/seed/projects", post_seed_projects),
    _control("GET", "/state", get_state),
    _control("GET", "/pipelines/next", get_pipelines_next),
    _control("POST", "/pipelines/next", post_pipelines_next),
    _control("DELETE", "/pipelines/next", delete_pipelines_next),
    _control("GET", "/projects/{slug:slug}/config", get_project_config),
    _control("POST", "/projects/{slug:slug}/config", post_project_config),
    _control("DELETE", "/projects/{slug:slug}/config", delete_project_config),
    _control("GET", "/deliveries", get_deliveries),
    _control("DELETE", "/deliveries", delete_deliveries),
    _control("POST", "/deliveries/{event_id}/redeliver", post_redeliver),
    _control("POST", "/webhooks/ping/{webhook_id}", post_ping),
    _control("POST", "/runner/connect", post_runner_connect),
    _control("POST", "/runner/tasks", post_runner_tasks),
]
