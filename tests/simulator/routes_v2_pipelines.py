# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v2 pipeline routes: trigger (``pipeline/run`` and the older ``pipeline``), pipelines,
workflows (rerun, cancel, approve), jobs, and a job's artifacts and tests.

The time model is in workflows.py, the records in state.py. A job's ``job_number`` is a
v1.1 ``build_num`` of its project, so v1.1 GETs see the jobs of v2 pipelines too.
"""

from __future__ import annotations

import copy

import data
import routes_v1
import workflows
from render import ApiError
from routes_control import wire
from routing import Route
from v2common import (NOT_FOUND, PROJECT_NOT_FOUND, UUID_RE, body_object, is_circleci, need_personal_token, page,
                      project_of)

RUN_PROVIDERS = ("gh", "bb", "circleci")
SKIPPED = "Pipeline not created: the commit carries a skip marker ([ci skip])."
CLASSIC_NOT_FOR_CIRCLECI = ("This endpoint triggers GitHub OAuth and Bitbucket Cloud projects only; "
                            "use POST /project/{provider}/{org}/{project}/pipeline/run")
ACCEPTED = {"message": "Accepted."}
MAX_PARAMETERS = 100
MAX_PARAMETER_NAME = 128
MAX_PARAMETER_VALUE = 512
FINISHED = ("success", "failed", "canceled", "error", "unauthorized", "not_run")


# ---------------------------------------------------------------- trigger
def _ref(value, what: str) -> tuple[str | None, str | None]:
    """(branch, tag) of a ``config``/``checkout`` object: exactly one of branch or tag."""
    if not isinstance(value, dict) or len(value) != 1 or not set(value) <= {"branch", "tag"}:
        raise ApiError(400, "%s must have exactly one of branch or tag" % what)
    key, ref = next(iter(value.items()))
    if not isinstance(ref, str) or not ref:
        raise ApiError(400, "%s.%s must be a non-empty string" % (what, key))
    return (ref, None) if key == "branch" else (None, ref)


def _parameters(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, "parameters must be an object")
    if len(value) > MAX_PARAMETERS:
        raise ApiError(400, "A pipeline takes at most %d parameters" % MAX_PARAMETERS)
    for name, item in value.items():
        if not name or len(name) > MAX_PARAMETER_NAME:
            raise ApiError(400, "Parameter names must have 1 to %d characters" % MAX_PARAMETER_NAME)
        if item is None or isinstance(item, (dict, list)):
            raise ApiError(400, "Parameter %s: values must be strings, booleans or numbers" % name)
        if isinstance(item, str) and len(item) > MAX_PARAMETER_VALUE:
            raise ApiError(400, "Parameter %s: values must have at most %d characters" % (name, MAX_PARAMETER_VALUE))
    return dict(value)


def _trigger(call, proj: dict, branch: str | None, tag: str | None, parameters: dict):
    state = call.state
    entry = state.take_next_pipeline(proj)
    if entry is not None and entry.get("skip"):
        return 200, {"message": SKIPPED}
    pipeline = state.create_pipeline(proj, branch=branch, tag=tag, parameters=parameters, entry=entry)
    return 201, {"id": pipeline["id"], "state": state.pipeline_state(pipeline), "number": pipeline["number"],
                 "created_at": state.wall_clock(pipeline)(pipeline["mono0"])}


def post_pipeline_run(call):
    need_personal_token(call, about_project=True)
    params = call.params
    if params["provider"] not in RUN_PROVIDERS:
        raise ApiError(404, PROJECT_NOT_FOUND)  # only the short gh/bb forms (and circleci)
    proj = project_of(call, "%s/%s/%s" % (params["provider"], params["org"], params["project"]))
    body = body_object(call, {"definition_id", "config", "checkout", "parameters"}, required=False)
    definition_id = body.get("definition_id")
    if definition_id is not None and (not isinstance(definition_id, str) or not UUID_RE.match(definition_id)):
        raise ApiError(400, "definition_id must be a UUID")
    config = _ref(body["config"], "config") if "config" in body else None
    checkout = _ref(body["checkout"], "checkout") if "checkout" in body else None
    branch, tag = checkout or config or (proj["default_branch"], None)
    return _trigger(call, proj, branch, tag, _parameters(body.get("parameters")))


def post_pipeline(call):
    """The older trigger (GitHub OAuth and Bitbucket Cloud only; the only one on Server 4.7)."""
    proj = project_of(call)
    if is_circleci(proj):
        raise ApiError(400, CLASSIC_NOT_FOR_CIRCLECI)
    body = body_object(call, {"branch", "tag", "parameters"}, required=False)
    branch, tag = body.get("branch"), body.get("tag")
    if branch is not None and tag is not None:
        raise ApiError(400, "Only one of branch or tag may be given")
    for key, value in (("branch", branch), ("tag", tag)):
        if value is not None and (not isinstance(value, str) or not value):
            raise ApiError(400, "%s must be a non-empty string" % key)
    if branch is None and tag is None:
        branch = proj["default_branch"]
    return _trigger(call, proj, branch, tag, _parameters(body.get("parameters")))


def run_exists(state) -> bool:
    """``pipeline/run``: cloud, and CircleCI Server from 4.8."""
    return state.server_at_least(4, 8)


# ---------------------------------------------------------------- pipelines
def ser_pipeline(state, pipeline: dict) -> dict:
    wall = state.wall_clock(pipeline)
    proj = state.projects[pipeline["project_key"]]
    pstate = state.pipeline_state(pipeline)
    created = wall(pipeline["mono0"])
    vcs = {"provider_name": data.PROVIDER[proj["vcs_type"]], "origin_repository_url": proj["vcs_url"],
           "target_repository_url": proj["vcs_url"], "revision": pipeline["revision"],
           "commit": {"subject": "Pipeline %d" % pipeline["number"], "body": ""}}
    if pipeline["tag"] is not None:
        vcs["tag"] = pipeline["tag"]
    else:
        vcs["branch"] = pipeline["branch"]
    return {"id": pipeline["id"], "errors": copy.deepcopy(pipeline["errors"]) if pstate == "errored" else [],
            "project_slug": pipeline["project_slug"], "number": pipeline["number"], "state": pstate,
            "created_at": created, "updated_at": wall(pipeline["visible_mono"]) if pstate == "errored" else created,
            "trigger": {"type": "api", "received_at": created,
                        "actor": {"login": "demo", "avatar_url": data.USER_SEED["avatar_url"]}},
            "vcs": vcs}


def _pipeline(call) -> dict:
    need_personal_token(call)
    pipeline = call.state.pipelines.get(call.params["id"])
    if pipeline is None:
        raise ApiError(404, NOT_FOUND)
    return pipeline


def get_pipeline(call):
    return 200, ser_pipeline(call.state, _pipeline(call))


def get_project_pipelines(call):
    state, proj = call.state, project_of(call)
    branch = call.query.get("branch")
    found = [state.pipelines[p] for p in reversed(proj["pipelines"])]
    if branch is not None:
        found = [p for p in found if p["branch"] == branch and p["tag"] is None]
    return 200, page(call, [ser_pipeline(state, p) for p in found])


def get_project_pipeline(call):
    state, proj = call.state, project_of(call)
    for pid in proj["pipelines"]:
        if state.pipelines[pid]["number"] == call.params["number"]:
            return 200, ser_pipeline(state, state.pipelines[pid])
    raise ApiError(404, NOT_FOUND)


# ---------------------------------------------------------------- workflows
def ser_workflow(state, wf: dict) -> dict:
    status, stopped, dummy = state.workflow_view(wf)
    out = {"id": wf["id"], "name": wf["name"], "status": status, "pipeline_id": wf["pipeline_id"],
           "pipeline_number": wf["pipeline_number"], "project_slug": wf["project_slug"],
           "started_by": data.USER_ID, "created_at": state.wall_clock(wf)(wf["visible_mono"]), "stopped_at": stopped}
    if wf["tag"] is not None:
        out["tag"] = wf["tag"]
    if wf["canceled_by"] is not None:
        out["canceled_by"] = wf["canceled_by"]
    return out


def _workflow(call) -> dict:
    need_personal_token(call)
    wf = call.state.workflows.get(call.params["id"])
    if wf is None or not call.state.workflow_visible(wf):
        raise ApiError(404, NOT_FOUND)
    return wf


def get_pipeline_workflows(call):
    state, pipeline = call.state, _pipeline(call)
    wfs = [state.workflows[w] for w in reversed(pipeline["workflow_ids"])]
    return 200, page(call, [ser_workflow(state, wf) for wf in wfs if state.workflow_visible(wf)])


def get_workflow(call):
    return 200, ser_workflow(call.state, _workflow(call))


def ser_job(state, wf: dict, job: dict, view: workflows.JobView) -> dict:
    wall = state.wall_clock(wf)
    now = state.now()
    if job["type"] == "approval":
        started = view.queued if view.status != "blocked" else None
    else:
        started = view.start if view.start is not None and view.start <= now else None
    finished = view.status in workflows.TERMINAL and view.end is not None and view.end <= now
    out = {"id": job["id"], "name": job["name"], "type": job["type"], "status": view.status,
           "dependencies": list(job["dependencies"]), "project_slug": wf["project_slug"],
           "started_at": wall(started), "stopped_at": wall(view.end) if finished else None}
    if job["job_number"] is not None and job["type"] == "build":
        out["job_number"] = job["job_number"]
    if job["type"] == "approval":
        out["approval_request_id"] = job["approval_request_id"]
        if job["approved_by"] is not None:
            out["approved_by"] = job["approved_by"]
    return out


def get_workflow_jobs(call):
    state, wf = call.state, _workflow(call)
    dummy, dummy2, views = state.workflow_view(wf)
    return 200, page(call, [ser_job(state, wf, job, views[job["id"]]) for job in state.workflow_jobs(wf)])


def post_rerun(call):
    state, wf = call.state, _workflow(call)
    body = body_object(call, {"from_failed", "jobs", "enable_ssh", "sparse_tree"}, required=False)
    for key in ("from_failed", "enable_ssh", "sparse_tree"):
        if key in body and not isinstance(body[key], bool):
            raise ApiError(400, "%s must be true or false" % key)
    from_failed, job_ids = body.get("from_failed", False), body.get("jobs")
    if job_ids is not None and (not isinstance(job_ids, list) or not job_ids
                                or not all(isinstance(j, str) for j in job_ids)):
        raise ApiError(400, "jobs must be a non-empty list of job ids")
    if from_failed and job_ids is not None:
        raise ApiError(400, "Give either from_failed or jobs, not both")
    if body.get("enable_ssh") and job_ids is None:
        raise ApiError(400, "enable_ssh needs jobs")
    status, dummy, views = state.workflow_view(wf)
    if status not in FINISHED:
        raise ApiError(400, "Cannot rerun a workflow that has not finished (status: %s)" % status)
    jobs = state.workflow_jobs(wf)
    if from_failed:
        names = {j["name"] for j in jobs if views[j["id"]].status in workflows.BAD}
        if not names:
            raise ApiError(400, "This workflow has no failed jobs to rerun")
    elif job_ids is not None:
        by_id = {j["id"]: j for j in jobs}
        missing = [j for j in job_ids if j not in by_id]
        if missing:
            raise ApiError(400, "Not jobs of this workflow: " + ", ".join(missing))
        names = {by_id[j]["name"] for j in job_ids}
    else:
        names = {j["name"] for j in jobs}
    new = state.rerun_workflow(wf, names)
    if wire(state, "rerun") == "recorded":
        # Recorded 2020 traffic: the rerun accepted, without the new workflow's id (POST /_sim/wire).
        return 202, dict(ACCEPTED)
    return 202, {"workflow_id": new["id"]}


def post_cancel(call):
    call.state.cancel_workflow(_workflow(call))
    return 202, dict(ACCEPTED)


def post_approve(call):
    state, wf = call.state, _workflow(call)
    job = next((j for j in state.workflow_jobs(wf)
                if j["type"] == "approval" and j["approval_request_id"] == call.params["approval_request_id"]), None)
    if job is None:
        raise ApiError(404, NOT_FOUND)
    status = state.job_view(job).status
    if status == "success":
        raise ApiError(400, "Job already approved.")
    if status == "blocked":
        raise ApiError(400, "Job is not waiting for approval yet (status: blocked).")
    if status != "on_hold":
        raise ApiError(400, "Job can no longer be approved (status: %s)." % status)
    state.approve(job)
    return 202, dict(ACCEPTED)


# ---------------------------------------------------------------- jobs (by number), artifacts, tests
def _build(call) -> tuple[dict, dict]:
    proj = project_of(call)
    build = proj["by_num"].get(call.params["job_number"])
    if build is None:
        raise ApiError(404, NOT_FOUND)
    return proj, build


V1_TO_V2_STATUS = {"queued": "queued", "running": "running", "not_running": "blocked", "not_run": "not_run"}


def get_job(call):
    state = call.state
    proj, build = _build(call)
    phase = state.phase(build)
    slug = state.project_slug(proj)
    status = phase["outcome"] if phase["lifecycle"] == "finished" else V1_TO_V2_STATUS[phase["lifecycle"]]
    queued_at = data.iso(build["queued_wall"])
    latest, pipeline, web_url = None, None, "https://app.circleci.com/pipelines/%s/jobs/%d" % (slug, build["build_num"])
    if build.get("job_id") is not None:
        wf = latest_workflow(state, proj, build["build_num"])
        latest = {"id": wf["id"], "name": wf["name"]}
        pipeline = {"id": wf["pipeline_id"]}
        web_url = "https://app.circleci.com/pipelines/%s/%d/workflows/%s/jobs/%d" % (
            slug, wf["pipeline_number"], wf["id"], build["build_num"])
        queued_at = state.wall_clock(wf)(state.job_view(state.jobs[build["job_id"]]).queued) or queued_at
    org = state.organization_of(proj)
    return 200, {
        "web_url": web_url, "project": {"id": proj["id"], "slug": slug, "name": proj["name"],
                                        "external_url": proj["vcs_url"]},
        "parallel_runs": [{"index": 0, "status": status}], "started_at": phase["start_time"],
        "latest_workflow": latest, "name": build["job_name"],
        "executor": {"type": "docker", "resource_class": "medium"}, "parallelism": build["parallel"],
        "status": status, "number": build["build_num"], "pipeline": pipeline, "duration": phase["build_time_millis"],
        "created_at": queued_at, "queued_at": queued_at, "stopped_at": phase["stop_time"], "messages": [],
        "contexts": [], "organization": {"name": org["name"]},
    }


def latest_workflow(state, proj: dict, job_number: int) -> dict:
    """The newest workflow with a job of that number (a rerun keeps the numbers of copied jobs)."""
    for pid in reversed(proj["pipelines"]):
        for wf_id in reversed(state.pipelines[pid]["workflow_ids"]):
            wf = state.workflows[wf_id]
            if any(state.jobs[j]["job_number"] == job_number for j in wf["job_ids"]):
                return wf
    raise ApiError(404, NOT_FOUND)


def get_job_artifacts(call):
    dummy, build = _build(call)
    items = [{"path": a["path"], "node_index": a["node_index"], "url": a["url"]}
             for a in routes_v1.ser_artifacts(build, call.base)]
    return 200, page(call, items)


def get_job_tests(call):
    dummy, build = _build(call)
    return 200, page(call, copy.deepcopy(build["tests"]))


PROJECT = "/api/v2/project/{slug:slug}"


def _v2(method: str, pattern: str, handler, when=None) -> Route:
    return Route(method, pattern, handler, api="v2", when=when)


ROUTES = [
    _v2("POST", "/api/v2/project/{provider}/{org}/{project}/pipeline/run", post_pipeline_run, when=run_exists),
    _v2("POST", PROJECT + "/pipeline", post_pipeline),
    _v2("GET", PROJECT + "/pipeline", get_project_pipelines),
    _v2("GET", PROJECT + "/pipeline/{number:int}", get_project_pipeline),
    _v2("GET", "/api/v2/pipeline/{id}", get_pipeline),
    _v2("GET", "/api/v2/pipeline/{id}/workflow", get_pipeline_workflows),
    _v2("GET", "/api/v2/workflow/{id}", get_workflow),
    _v2("GET", "/api/v2/workflow/{id}/job", get_workflow_jobs),
    _v2("POST", "/api/v2/workflow/{id}/rerun", post_rerun),
    _v2("POST", "/api/v2/workflow/{id}/cancel", post_cancel),
    _v2("POST", "/api/v2/workflow/{id}/approve/{approval_request_id}", post_approve),
    _v2("GET", PROJECT + "/job/{job_number:int}", get_job),
    _v2("GET", PROJECT + "/{job_number:int}/artifacts", get_job_artifacts),
    _v2("GET", PROJECT + "/{job_number:int}/tests", get_job_tests),
]
