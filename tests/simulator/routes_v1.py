# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API v1 / v1.1 routes: user, projects, builds, env vars, checkout keys, SSH keys, cache,
and the artifact downloads their ``url`` fields point at.

Every project route exists in two forms: v1.1 ``/api/v1.1/project/{vcs}/{username}/{reponame}/...``
(``vcs`` github/bitbucket or gh/bb) and v1 ``/api/v1/project/{username}/{reponame}/...`` (GitHub).
"""

from __future__ import annotations

import copy
import heapq
import itertools
from urllib.parse import quote

from flask import Response

import data
from render import EMPTY, ApiError, RouteNotFound
from routing import Route
from state import utcnow

SUNSET_HEADER = "Sun, 01 Feb 2027 00:00:00 GMT"
V2_LINK = '<https://circleci.com/docs/api/v2/index.html#operation/triggerPipelineRun>; rel="successor-version"'
GONE = "This endpoint has been removed. Use API v2 pipelines."
# On this day CircleCI removes `branches` (recent builds per branch) from GET /projects and from
# project settings: from the simulator's date (--date, POST /_sim/config) on, neither has it.
BRANCHES_REMOVED_DATE = "2026-12-07"
OUTCOMES = ("success", "failed", "canceled", "timedout", "infrastructure_fail", "no_tests")
FILTERS = ("completed", "successful", "failed", "running")
FAILED_OUTCOMES = ("failed", "timedout", "infrastructure_fail", "no_tests")
NULL_PROJECT_FIELDS = (
    "irc_server", "irc_keyword", "irc_channel", "irc_username", "irc_password", "irc_notify_prefs",
    "flowdock_api_token", "campfire_subdomain", "campfire_room", "campfire_token",
    "campfire_notify_prefs", "slack_api_token", "slack_channel", "slack_channel_override",
    "slack_subdomain", "slack_notify_prefs", "hipchat_notify", "hipchat_room", "hipchat_api_token",
    "hipchat_notify_prefs", "heroku_deploy_user", "slack_webhook_url",
)


# ---------------------------------------------------------------- serialization
def ser_artifacts(build: dict, base: str) -> list[dict]:
    slug = "%s/%s/%s/%d" % (build["vcs_type"], quote(build["username"]), quote(build["reponame"]),
                            build["build_num"])
    out = []
    for path in build["artifacts"]:
        pretty = "$CIRCLE_ARTIFACTS/" + path.split("/", 3)[-1] if path.startswith("home/circleci/project/") else path
        out.append({"path": path, "pretty_path": pretty, "node_index": 0,
                    "url": "%s/_sim/artifacts/%s/%s" % (base, slug, quote(path))})
    return out


def ser_previous(state, proj: dict, num: int | None):
    if num is None:
        return None
    phase = state.phase(proj["by_num"][num])
    return {"build_num": num, "status": phase["status"], "build_time_millis": phase["build_time_millis"]}


def ser_build(state, proj: dict, build: dict, base: str, detail: bool = False, shallow: bool = False) -> dict:
    phase = state.phase(build)
    slug = data.VCS_SLUG[build["vcs_type"]]
    out = {
        "build_num": build["build_num"],
        "build_url": "%s/%s/%s/%s/%d" % (base, slug, build["username"], build["reponame"], build["build_num"]),
        "username": build["username"], "reponame": build["reponame"], "vcs_type": build["vcs_type"],
        "branch": build["branch"], "vcs_revision": build["vcs_revision"], "vcs_tag": build["vcs_tag"],
        "status": phase["status"], "outcome": phase["outcome"], "lifecycle": phase["lifecycle"],
        "why": build["why"], "queued_at": data.iso(build["queued_wall"]),
        "start_time": phase["start_time"], "stop_time": phase["stop_time"],
        "build_time_millis": phase["build_time_millis"], "committer_name": "Demo User",
        "subject": build["subject"], "canceled": phase["canceled"], "retry_of": build["retry_of"],
    }
    if shallow:
        return out
    queued = data.iso(build["queued_wall"])
    out.update({
        "vcs_url": "%s/%s/%s" % (data.VCS_HOST[build["vcs_type"]], build["username"], build["reponame"]),
        "committer_email": "demo@example.com", "author_name": "Demo User", "author_email": "demo@example.com",
        "committer_date": queued, "author_date": queued, "body": "", "dont_build": None,
        "pushed_at": queued, "added_at": queued, "usage_queued_at": queued,
        "parallel": build["parallel"], "platform": "2.0", "job_name": build["job_name"], "fail_reason": None,
        "build_parameters": build["build_parameters"],
        "infrastructure_fail": build["outcome"] == "infrastructure_fail" and phase["lifecycle"] == "finished",
        "timedout": phase["outcome"] == "timedout", "is_first_green_build": False,
        "previous": ser_previous(state, proj, build["previous"]), "user": {
            "login": "demo", "name": "Demo User", "is_user": True, "vcs_type": build["vcs_type"],
            "avatar_url": data.USER_SEED["avatar_url"], "id": data.USER_SEED["github_id"]},
        "ssh_enabled": build["ssh_enabled"], "retries": None, "compare": None, "oss": False,
    })
    if detail:
        prev_ok = None
        for cand in reversed(proj["builds"][:build["build_num"] - 1]):  # build numbers are 1..n in order
            if cand["branch"] == build["branch"] and state.phase(cand)["outcome"] == "success":
                prev_ok = ser_previous(state, proj, cand["build_num"])
                break
        out.update({
            "steps": [], "node": None, "previous_successful_build": prev_ok,
            "all_commit_details": [{
                "commit": build["vcs_revision"], "subject": build["subject"], "body": "",
                "author_name": "Demo User", "author_email": "demo@example.com", "author_login": "demo",
                "author_date": queued, "committer_name": "Demo User", "committer_email": "demo@example.com",
                "committer_login": "demo", "committer_date": queued,
                "commit_url": "%s/%s/%s/commit/%s" % (data.VCS_HOST[build["vcs_type"]], build["username"],
                                                      build["reponame"], build["vcs_revision"]),
            }],
            "all_commit_details_truncated": False, "circle_yml": {"string": "version: 2.1\n"},
            "messages": [], "picard": None, "ssh_users": [], "context_ids": [],
        })
    return out


def branches_removed(state) -> bool:
    """Whether the simulator's date is on or after the day CircleCI removes ``branches``."""
    return state.config["date"] >= BRANCHES_REMOVED_DATE


def ser_project(state, proj: dict, branches_wanted: bool = True) -> dict:
    """The v1.1 project object; ``branches`` only when wanted and the date is before its removal."""
    branches: dict[str, dict] = {}
    for build in reversed(proj["builds"]):
        entry = branches.setdefault(quote(build["branch"], safe=""), {
            "pusher_logins": ["demo"], "running_builds": [], "recent_builds": [],
            "last_success": None, "last_non_success": None, "is_using_workflows": False})
        phase = state.phase(build)
        short = {"build_num": build["build_num"], "status": phase["status"], "outcome": phase["outcome"],
                 "lifecycle": phase["lifecycle"], "vcs_revision": build["vcs_revision"],
                 "pushed_at": data.iso(build["queued_wall"]), "added_at": data.iso(build["queued_wall"])}
        if phase["lifecycle"] in ("queued", "running") and len(entry["running_builds"]) < 5:
            entry["running_builds"].append(short)
        if len(entry["recent_builds"]) < 5:
            entry["recent_builds"].append(short)
        if phase["outcome"] == "success" and entry["last_success"] is None:
            entry["last_success"] = short
        elif phase["lifecycle"] == "finished" and phase["outcome"] != "success" and \
                entry["last_non_success"] is None:
            entry["last_non_success"] = short
    out = {
        "vcs_url": "%s/%s/%s" % (data.VCS_HOST[proj["vcs_type"]], proj["username"], proj["reponame"]),
        "vcs_type": proj["vcs_type"], "username": proj["username"], "reponame": proj["reponame"],
        "following": proj["following"], "followed": proj["following"], "oss": False, "parallel": 1,
        "default_branch": proj["default_branch"], "branches": branches,
        "has_usable_key": bool(proj["checkout_keys"]),
        "ssh_keys": [{"hostname": k["hostname"], "public_key": k["public_key"], "fingerprint": k["fingerprint"]}
                     for k in proj["ssh_keys"]],
        "dependencies": "", "setup": "", "compile": "", "test": "", "extra": "", "language": "python",
        "scopes": ["write-settings", "view-builds", "read-settings", "trigger-builds", "all", "status", "none"],
        "aws": {"keypair": None},
        "feature_flags": {"set-github-status": True, "oss": False, "build-fork-prs": False, "junit": True,
                          "osx": False, "fleet": None, "trusty-beta": False, "builds-service": True,
                          "forks-receive-secret-env-vars": False, "build-prs-only": False,
                          "autocancel-builds": False},
    }
    for name in NULL_PROJECT_FIELDS:
        out[name] = None
    if not branches_wanted or branches_removed(state):
        del out["branches"]
    return out


def ser_key(proj: dict, idx: int) -> dict:
    key = proj["checkout_keys"][idx]
    return {"public_key": key["public_key"], "type": key["type"], "fingerprint": key["fingerprint"],
            "login": key["login"], "preferred": idx == 0, "time": key["time"]}


def ser_user(state) -> dict:
    out = copy.deepcopy(state.user)
    if out.get("heroku_api_key"):
        out["heroku_api_key"] = data.mask(out["heroku_api_key"])
    out["projects"] = {
        "%s/%s/%s" % (data.VCS_HOST[p["vcs_type"]], p["username"], p["reponame"]): {
            "emails": "default", "on_dashboard": True}
        for p in v1_projects(state) if p["following"]
    }
    return out


def v1_projects(state) -> list[dict]:
    """Projects v1.1 can reach (GitHub OAuth and Bitbucket Cloud ones)."""
    return [p for p in state.projects.values() if p["vcs_type"] in data.VCS_SLUG]


# ---------------------------------------------------------------- request helpers
def parse_int(value, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, list):
        value = value[0]
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "%s must be an integer" % name) from None


def page_params(query: dict) -> tuple[int, int]:
    limit = parse_int(query.get("limit"), "limit", 30)
    offset = parse_int(query.get("offset"), "offset", 0)
    if limit > 100:
        raise ApiError(400, "limit must be <= 100")
    if limit < 0 or offset < 0:
        raise ApiError(400, "limit and offset must be >= 0")
    return limit, offset


def build_matches(state, build: dict, flt: str | None, branch: str | None = None) -> bool:
    if branch is not None and build["branch"] != branch:
        return False
    if not flt:
        return True
    phase = state.phase(build)
    if flt == "completed":
        return phase["lifecycle"] == "finished"
    if flt == "successful":
        return phase["outcome"] == "success"
    if flt == "failed":
        return phase["outcome"] in FAILED_OUTCOMES
    return phase["lifecycle"] == "running"


def check_filter(query: dict) -> str | None:
    flt = query.get("filter") or None
    if flt is not None and flt not in FILTERS:
        raise ApiError(400, "filter must be one of: " + ", ".join(FILTERS))
    return flt


def parse_trigger_body(body) -> dict:
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    if body.get("revision") and body.get("tag"):
        raise ApiError(400, "Cannot specify both revision and tag")
    parallel = body.get("parallel")
    if parallel is not None and parallel != "":
        try:
            parallel = int(parallel)
        except (TypeError, ValueError):
            raise ApiError(400, "parallel must be a number") from None
        if parallel < 1:
            raise ApiError(400, "parallel must be >= 1")
    else:
        parallel = 1
    params = body.get("build_parameters")
    if params is not None and not isinstance(params, dict):
        raise ApiError(400, "build_parameters must be a map of names to values")
    return {"revision": body.get("revision") or None, "tag": body.get("tag") or None,
            "parallel": parallel, "build_parameters": params}


def new_build(state, proj: dict, branch: str, opts: dict, why: str = "api", retry_of: int | None = None,
              artifacts: list[str] | None = None, tests: list[dict] | None = None,
              ssh_enabled: bool | None = None) -> dict:
    outcome, seconds = state.take_next_outcome()
    return state.add_build(
        proj, branch=branch, why=why, outcome=outcome, duration=seconds, queued_wall=utcnow(),
        finished=False, revision=opts.get("revision"), tag=opts.get("tag"),
        parallel=opts.get("parallel", 1), build_parameters=opts.get("build_parameters"),
        retry_of=retry_of, subject=None, tests=tests if tests is not None else data.passing_tests(),
        artifacts=artifacts if artifacts is not None else data.default_artifact_paths(2), ssh_enabled=ssh_enabled,
    )


def deprecation_headers() -> dict:
    return {"Deprecation": "true", "Sunset": SUNSET_HEADER, "Link": V2_LINK}


def check_retired(call) -> None:
    if call.state.retired:
        raise ApiError(410, GONE)


def project_of(call) -> dict:
    """The project named by the path (after auth), or 404 ``Project not found``."""
    params = call.params
    if "vcs" in params:
        vcs = data.VCS_ALIASES.get(params["vcs"].lower())
    else:
        vcs = "github"
    proj = call.state.v1_project(vcs, params["username"], params["reponame"])
    if proj is None:
        raise ApiError(404, "Project not found")
    return proj


def project_prefix(call) -> str:
    params = call.params
    if "vcs" in params:
        return "/api/v1.1/project/%s/%s/%s" % (params["vcs"], quote(params["username"]), quote(params["reponame"]))
    return "/api/v1/project/%s/%s" % (quote(params["username"]), quote(params["reponame"]))


def build_of(proj: dict, num: int) -> dict:
    build = proj["by_num"].get(num)
    if build is None:
        raise ApiError(404, "Build not found")
    return build


def shallow_param(query: dict) -> bool:
    return str(query.get("shallow", "")).lower() == "true"


# ---------------------------------------------------------------- user and listings
def get_me(call):
    return 200, ser_user(call.state)


def get_projects(call):
    # shallow=true, the light form, leaves out the per-branch build data (branches): an assumption of
    # the simulator (the light form's exact fields were never recorded); everything else stays.
    wanted = not shallow_param(call.query)
    return 200, [ser_project(call.state, p, branches_wanted=wanted) for p in v1_projects(call.state) if p["following"]]


def get_recent_builds(call):
    state = call.state
    limit, offset = page_params(call.query)
    followed = [p for p in v1_projects(state) if p["following"]]
    merged = heapq.merge(*[reversed(p["builds"]) for p in followed], key=lambda b: -b["seq"])
    selected = list(itertools.islice(merged, offset, offset + limit))
    return 200, [ser_build(state, state.projects[(b["vcs_type"], b["username"], b["reponame"])], b, call.base)
                 for b in selected]


def post_heroku_key(call):
    body = call.body
    apikey = body.get("apikey") if isinstance(body, dict) else None
    if apikey is None:
        apikey = call.form.get("apikey") or call.query.get("apikey")
    if not isinstance(apikey, str) or not data.HEROKU_KEY_RE.match(apikey):
        raise ApiError(403, "Invalid Heroku API key")
    call.state.user["heroku_api_key"] = apikey
    return 200, EMPTY


# ---------------------------------------------------------------- builds
def get_builds(call):
    state, proj = call.state, project_of(call)
    limit, offset = page_params(call.query)
    flt = check_filter(call.query)
    builds = proj["builds"]
    if flt is None:
        end = len(builds) - offset
        start = max(0, end - limit)
        selected = list(reversed(builds[start:end])) if end > 0 else []
    else:
        matches = (b for b in reversed(builds) if build_matches(state, b, flt))
        selected = list(itertools.islice(matches, offset, offset + limit))
    shallow = shallow_param(call.query)
    return 200, [ser_build(state, proj, b, call.base, shallow=shallow) for b in selected]


def post_trigger(call):
    proj = project_of(call)
    check_retired(call)
    opts = parse_trigger_body(call.body)
    build = new_build(call.state, proj, proj["default_branch"], opts)
    return 201, ser_build(call.state, proj, build, call.base), deprecation_headers()


def get_branch_builds(call):
    # v1.1 lists one branch's builds here, with the paging/filter/shallow of the project list.
    state, proj = call.state, project_of(call)
    limit, offset = page_params(call.query)
    flt = check_filter(call.query)
    branch = call.params["branch"]
    matches = (b for b in reversed(proj["builds"]) if build_matches(state, b, flt, branch))
    selected = list(itertools.islice(matches, offset, offset + limit))
    shallow = shallow_param(call.query)
    return 200, [ser_build(state, proj, b, call.base, shallow=shallow) for b in selected]


def post_branch_trigger(call):
    proj = project_of(call)
    check_retired(call)
    opts = parse_trigger_body(call.body)
    opts["tag"] = None
    build = new_build(call.state, proj, call.params["branch"], opts)
    headers = deprecation_headers()
    headers["Location"] = "%s%s/%d" % (call.base, project_prefix(call), build["build_num"])
    return 201, ser_build(call.state, proj, build, call.base), headers


def post_build(call):
    proj = project_of(call)
    check_retired(call)
    body = call.body if isinstance(call.body, dict) else {}
    opts = parse_trigger_body({k: body.get(k) for k in ("revision", "tag")})
    opts["build_parameters"] = body.get("parameters") if isinstance(body.get("parameters"), dict) else None
    new_build(call.state, proj, body.get("branch") or proj["default_branch"], opts)
    return 200, {"status": 200, "body": "Build created"}, deprecation_headers()


def get_build(call):
    proj = project_of(call)
    return 200, ser_build(call.state, proj, build_of(proj, call.params["build_num"]), call.base, detail=True)


def get_build_artifacts(call):
    proj = project_of(call)
    return 200, ser_artifacts(build_of(proj, call.params["build_num"]), call.base)


def get_build_tests(call):
    proj = project_of(call)
    return 200, {"tests": copy.deepcopy(build_of(proj, call.params["build_num"])["tests"]), "exceptions": None}


def post_retry(call):
    proj = project_of(call)
    check_retired(call)
    old = build_of(proj, call.params["build_num"])
    opts = {"revision": old["vcs_revision"], "tag": old["vcs_tag"], "parallel": old["parallel"],
            "build_parameters": old["build_parameters"]}
    build = new_build(call.state, proj, old["branch"], opts, why="retry", retry_of=old["build_num"],
                      artifacts=list(old["artifacts"]) or None)
    return 200, ser_build(call.state, proj, build, call.base), deprecation_headers()


def post_ssh(call):
    """Rebuild with SSH: a new build like a retry, ``ssh_enabled: true``."""
    proj = project_of(call)
    check_retired(call)
    old = build_of(proj, call.params["build_num"])
    opts = {"revision": old["vcs_revision"], "tag": old["vcs_tag"], "parallel": old["parallel"],
            "build_parameters": old["build_parameters"]}
    build = new_build(call.state, proj, old["branch"], opts, why="retry", retry_of=old["build_num"],
                      artifacts=list(old["artifacts"]) or None, ssh_enabled=True)
    return 200, ser_build(call.state, proj, build, call.base), deprecation_headers()


def post_cancel(call):
    proj = project_of(call)
    build = build_of(proj, call.params["build_num"])
    call.state.cancel_build(build)
    return 200, ser_build(call.state, proj, build, call.base)


def get_latest_artifacts(call):
    state, proj = call.state, project_of(call)
    flt = check_filter(call.query)
    branch = call.query.get("branch") or None
    for build in reversed(proj["builds"]):
        if build_matches(state, build, flt, branch):
            return 200, ser_artifacts(build, call.base)
    raise ApiError(404, "Build not found")


# ---------------------------------------------------------------- env vars
def get_envvars(call):
    proj = project_of(call)
    return 200, [{"name": k, "value": data.mask(v)} for k, v in proj["envvars"].items()]


def post_envvar(call):
    proj = project_of(call)
    body = call.body
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object with name and value")
    name, value = body.get("name"), body.get("value")
    if not isinstance(name, str) or not data.ENVVAR_NAME_RE.match(name):
        raise ApiError(400, "Environment variable name must match [A-Za-z_][A-Za-z0-9_]*")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApiError(400, "value must be a string")
    proj["envvars"][name] = value
    return 201, {"name": name, "value": data.mask(value)}


def get_envvar(call):
    proj = project_of(call)
    name = call.params["name"]
    if name not in proj["envvars"]:
        raise ApiError(404, "env var not found")
    return 200, {"name": name, "value": data.mask(proj["envvars"][name])}


def delete_envvar(call):
    proj = project_of(call)
    name = call.params["name"]
    if name not in proj["envvars"]:
        raise ApiError(404, "env var not found")
    del proj["envvars"][name]
    return 200, {"message": "ok"}


# ---------------------------------------------------------------- checkout keys
def get_checkout_keys(call):
    proj = project_of(call)
    return 200, [ser_key(proj, i) for i in range(len(proj["checkout_keys"]))]


def post_checkout_key(call):
    proj = project_of(call)
    body = call.body
    ktype = body.get("type") if isinstance(body, dict) else body  # spec defect 4: bare string
    if ktype not in ("deploy-key", "github-user-key"):
        raise ApiError(400, "type must be deploy-key or github-user-key")
    if ktype == "github-user-key" and call.role != "user":
        raise ApiError(403, "Permission denied")
    call.state.new_checkout_key(proj, ktype)
    return 201, ser_key(proj, len(proj["checkout_keys"]) - 1)


def _key_index(proj: dict, fingerprint: str) -> int:
    idx = next((i for i, k in enumerate(proj["checkout_keys"]) if k["fingerprint"] == fingerprint), None)
    if idx is None:
        raise ApiError(404, "checkout key not found")
    return idx


def get_checkout_key(call):
    proj = project_of(call)
    return 200, ser_key(proj, _key_index(proj, call.params["fingerprint"]))


def delete_checkout_key(call):
    proj = project_of(call)
    del proj["checkout_keys"][_key_index(proj, call.params["fingerprint"])]
    return 200, {"message": "OK"}


# ---------------------------------------------------------------- ssh keys, cache, follow, settings
def post_ssh_key(call):
    proj = project_of(call)
    body = call.body
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object with hostname and private_key")
    hostname, private_key = body.get("hostname"), body.get("private_key")
    if not private_key:
        raise ApiError(400, "a private key is required")
    if not isinstance(hostname, str):
        raise ApiError(400, "a hostname is required")
    if not isinstance(private_key, str):
        raise ApiError(400, data.INVALID_PRIVATE_KEY)
    try:
        public_key = data.public_key_from_private(private_key)
    except ValueError:
        raise ApiError(400, data.INVALID_PRIVATE_KEY) from None
    proj["ssh_keys"].append({"hostname": hostname, "public_key": public_key,
                             "fingerprint": data.md5_fingerprint(public_key)})
    return 200, EMPTY


def delete_ssh_key(call):
    proj = project_of(call)
    body = call.body
    if not isinstance(body, dict) or not body.get("fingerprint"):
        raise ApiError(400, "a fingerprint is required")
    fingerprint = body["fingerprint"]
    if fingerprint.lower().startswith("md5:"):
        fingerprint = fingerprint[4:]
    hostname = body.get("hostname")
    proj["ssh_keys"] = [
        k for k in proj["ssh_keys"]
        if not (k["fingerprint"] == fingerprint and (hostname is None or k["hostname"] == hostname))
    ]
    return 200, {"message": "OK"}


def delete_build_cache(call):
    project_of(call)
    return 200, {"status": "build dependency caches deleted"}


def post_follow(call):
    proj = project_of(call)
    proj["following"] = True
    return 200, {"following": True, "workflow": False, "first_build": None}


def post_unfollow(call):
    proj = project_of(call)
    proj["following"] = False
    return 200, {"following": False}


def get_settings(call):
    return 200, ser_project(call.state, project_of(call))


def unknown_project_route(call):
    """Any other path under a project: 404 ``Project not found`` for an unknown project, else the HTML 404."""
    project_of(call)
    raise RouteNotFound()


# ---------------------------------------------------------------- artifact downloads
def get_artifact_download(call):
    """``{root}/_sim/artifacts/<vcs>/<user>/<repo>/<build>/<path>``: needs the token, like CircleCI's."""
    if call.role is None:
        return 401, {"message": "You must log in first."}
    params = call.params
    state = call.state
    vcs = data.VCS_ALIASES.get(params["vcs"], params["vcs"])
    proj = state.projects.get((vcs, params["username"], params["reponame"]))
    build = proj["by_num"].get(params["build_num"]) if proj else None
    if build is None or params["path"] not in build["artifacts"]:
        return 404, {"message": "Artifact not found"}
    content, ctype = data.artifact_content(params["path"], params["build_num"])
    return Response(content, status=200, content_type=ctype)


# ---------------------------------------------------------------- the route table
V11_PROJECT = "/api/v1.1/project/{vcs}/{username}/{reponame}"
V1_PROJECT = "/api/v1/project/{username}/{reponame}"

# (method, path under /api/v1.1 and /api/v1, handler)
TOP_ROUTES = (
    ("GET", "/me", get_me),
    ("GET", "/projects", get_projects),
    ("GET", "/recent-builds", get_recent_builds),
    ("POST", "/user/heroku-key", post_heroku_key),
)


def cloud_only(state) -> bool:
    """Retry and rebuild-with-SSH never existed on CircleCI Server."""
    return state.is_cloud


# (method, path under the project, handler[, when])
PROJECT_ROUTES = (
    ("GET", "", get_builds),
    ("POST", "", post_trigger),
    ("GET", "/tree/{branch:path}", get_branch_builds),
    ("POST", "/tree/{branch:path}", post_branch_trigger),
    ("POST", "/build", post_build),
    ("GET", "/{build_num:int}", get_build),
    ("GET", "/{build_num:int}/artifacts", get_build_artifacts),
    ("GET", "/{build_num:int}/tests", get_build_tests),
    ("POST", "/{build_num:int}/retry", post_retry, cloud_only),
    ("POST", "/{build_num:int}/ssh", post_ssh, cloud_only),
    ("POST", "/{build_num:int}/cancel", post_cancel),
    ("GET", "/latest/artifacts", get_latest_artifacts),
    ("GET", "/envvar", get_envvars),
    ("POST", "/envvar", post_envvar),
    ("GET", "/envvar/{name}", get_envvar),
    ("DELETE", "/envvar/{name}", delete_envvar),
    ("GET", "/checkout-key", get_checkout_keys),
    ("POST", "/checkout-key", post_checkout_key),
    ("GET", "/checkout-key/{fingerprint}", get_checkout_key),
    ("DELETE", "/checkout-key/{fingerprint}", delete_checkout_key),
    ("POST", "/ssh-key", post_ssh_key),
    ("DELETE", "/ssh-key", delete_ssh_key),
    ("DELETE", "/build-cache", delete_build_cache),
    ("POST", "/follow", post_follow),
    ("POST", "/unfollow", post_unfollow),
    ("GET", "/settings", get_settings),
    # Last: anything else under a known project is an unknown route (HTML 404).
    ("*", "", unknown_project_route),
    ("*", "/{rest:path}", unknown_project_route),
)


def _table() -> list[Route]:
    routes = []
    for method, path, handler in TOP_ROUTES:
        routes.append(Route(method, "/api/v1.1" + path, handler, api="v1.1"))
        routes.append(Route(method, "/api/v1" + path, handler, api="v1"))
    for method, path, handler, *when in PROJECT_ROUTES:
        routes.append(Route(method, V11_PROJECT + path, handler, api="v1.1", when=when[0] if when else None))
        routes.append(Route(method, V1_PROJECT + path, handler, api="v1", when=when[0] if when else None))
    routes.append(Route("GET", "/_sim/artifacts/{vcs}/{username}/{reponame}/{build_num:int}/{path:path}",
                        get_artifact_download, api="artifacts", auth=False))
    return routes


ROUTES = _table()
