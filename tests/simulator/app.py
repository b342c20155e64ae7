# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flask application of the CircleCI API v1/v1.1 simulator.

``create_app(token=..., project_token=..., build_seconds=...)`` returns a Flask
app. All routing is done by hand on the *raw* request path so that URL-encoded
slashes in branch names (``tree/feature%2Fx``) survive. See README.md.
"""

from __future__ import annotations

import copy
import datetime
import heapq
import itertools
import json
import re
import socket
import threading
import time
from urllib.parse import parse_qs, quote, unquote

from flask import Flask, Response, request

import data

API_PREFIXES = (("/api/v1.1/", "v1.1"), ("/api/v1/", "v1"))
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
SUNSET = "Sun, 01 Feb 2027 00:00:00 GMT"
V2_LINK = '<https://circleci.com/docs/api/v2/index.html#operation/triggerPipelineRun>; rel="successor-version"'
SECRET_KEYS = {"value", "private_key", "apikey"}
OUTCOMES = ("success", "failed", "canceled", "timedout", "infrastructure_fail", "no_tests")
FILTERS = ("completed", "successful", "failed", "running")
FAILED_OUTCOMES = ("failed", "timedout", "infrastructure_fail", "no_tests")
STATUS_TEXT = {
    400: "Bad request", 401: "You must log in first.", 403: "Permission denied", 404: "Not found",
    409: "Conflict", 410: "Gone", 429: "Rate limit exceeded", 500: "An internal server error occurred.",
    502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout",
}
HTML_404 = (
    "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
    "<p>The page you requested could not be found.</p></body></html>\n"
)
EMPTY = object()  # sentinel: answer with an empty body
DEFAULT_CONFIG = {"build_seconds": 2.0, "retired": False, "checkout_key_algorithm": "ed25519"}
SUMMARY_FIELDS = (
    "build_num", "build_url", "username", "reponame", "vcs_type", "branch", "vcs_revision", "status",
    "outcome", "lifecycle", "why", "queued_at", "start_time", "stop_time", "build_time_millis",
    "committer_name", "subject", "canceled", "retry_of",
)


class DropConnection(ConnectionResetError):
    """Raised to drop the client connection without an answer (werkzeug ignores ConnectionError)."""


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _redact(obj):
    if isinstance(obj, dict):
        return {k: ("***" if k in SECRET_KEYS and v is not None else _redact(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_redact(v) for v in obj]
    return obj


_EDN_KEYWORD = re.compile(r"^[A-Za-z_*+!?<>=-][A-Za-z0-9_*+!?<>=.-]*$")


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


class SimState:
    """All mutable simulator state, guarded by one re-entrant lock."""

    def __init__(self, build_seconds: float):
        self.lock = threading.RLock()
        self.default_build_seconds = float(build_seconds)
        self.reset()

    # ------------------------------------------------------------------ seed
    def reset(self) -> None:
        with self.lock:
            self.config = dict(DEFAULT_CONFIG, build_seconds=self.default_build_seconds)
            self.requests: list[dict] = []
            self.faults: list[dict] = []
            self.next_outcomes: list[dict] = []
            self.fault_ids = itertools.count(1)
            self.seq = itertools.count(1)
            self.user = copy.deepcopy(data.USER_SEED)
            self.user["heroku_api_key"] = None
            self.projects: dict[tuple, dict] = {}
            for vcs, user, repo, followed, default_branch in data.PROJECT_SEED:
                self.projects[(vcs, user, repo)] = {
                    "vcs": vcs, "user": user, "repo": repo, "followed": followed,
                    "default_branch": default_branch, "builds": [], "by_num": {}, "next_num": 1,
                    "branch_last": {}, "envvars": {}, "checkout_keys": [], "ssh_keys": [],
                }
            for i, (vcs, user, repo, branch, outcome, nart, tests) in enumerate(data.BUILD_SEED):
                proj = self.projects[(vcs, user, repo)]
                queued = data.SEED_EPOCH + datetime.timedelta(hours=i)
                self._add_build(
                    proj, branch=branch, why="github", outcome=outcome, duration=60.0 + 7 * i,
                    queued_wall=queued, finished=True, artifacts=data.default_artifact_paths(nart),
                    tests={"pass": data.passing_tests(), "fail": data.failing_tests()}.get(tests, []),
                    subject="Commit %d on %s" % (proj["next_num"], branch),
                )
            for key, pairs in data.ENVVAR_SEED.items():
                self.projects[key]["envvars"] = dict(pairs)
            for key, keys in data.CHECKOUT_KEY_SEED.items():
                self.projects[key]["checkout_keys"] = [
                    dict(k, fingerprint=data.md5_fingerprint(k["public_key"])) for k in keys
                ]

    def _add_build(self, proj: dict, *, branch: str, why: str, outcome: str, duration: float,
                   queued_wall: datetime.datetime, finished: bool, artifacts: list[str] | None = None,
                   tests: list[dict] | None = None, revision: str | None = None, tag: str | None = None,
                   parallel: int = 1, build_parameters: dict | None = None, retry_of: int | None = None,
                   subject: str | None = None) -> dict:
        num = proj["next_num"]
        proj["next_num"] = num + 1
        build = {
            "num": num, "vcs": proj["vcs"], "user": proj["user"], "repo": proj["repo"],
            "branch": branch,
            "revision": revision or data.revision_for(proj["vcs"], proj["user"], proj["repo"], branch, num),
            "tag": tag, "why": why, "outcome": outcome, "duration": float(duration),
            "queued_wall": queued_wall, "created_mono": None if finished else time.monotonic(),
            "canceled": False, "cancel_wall": None, "cancel_elapsed": None, "retry_of": retry_of,
            "parallel": parallel, "build_parameters": build_parameters, "artifacts": artifacts or [],
            "tests": tests or [], "subject": subject or "Build of %s" % branch, "seq": next(self.seq),
            "previous": proj["branch_last"].get(branch),
        }
        proj["builds"].append(build)
        proj["by_num"][num] = build
        proj["branch_last"][branch] = num
        return build

    def take_next_outcome(self) -> tuple[str, float]:
        """Outcome and duration for a newly triggered/retried build."""
        outcome, seconds = "success", float(self.config["build_seconds"])
        if self.next_outcomes:
            entry = self.next_outcomes[0]
            outcome = entry["outcome"]
            if entry.get("build_seconds") is not None:
                seconds = float(entry["build_seconds"])
            entry["count"] -= 1
            if entry["count"] <= 0:
                self.next_outcomes.pop(0)
        return outcome, seconds


def build_phase(build: dict, now: float | None = None) -> dict:
    """Lazily computed lifecycle/status/outcome/timestamps of a build."""
    dur = build["duration"]
    queued = build["queued_wall"]
    start = queued + datetime.timedelta(seconds=0.25 * dur)
    stop = queued + datetime.timedelta(seconds=dur)
    if build["created_mono"] is None:
        elapsed = float("inf")
    else:
        elapsed = (time.monotonic() if now is None else now) - build["created_mono"]
    if build["canceled"]:
        celapsed = build["cancel_elapsed"]
        started = celapsed is not None and celapsed >= 0.25 * dur
        return {"lifecycle": "finished", "status": "canceled", "outcome": "canceled",
                "start_time": data.iso(start) if started else None, "stop_time": data.iso(build["cancel_wall"]),
                "build_time_millis": int(max(0.0, celapsed - 0.25 * dur) * 1000) if started else None}
    if elapsed < 0.25 * dur:
        return {"lifecycle": "queued", "status": "queued", "outcome": None,
                "start_time": None, "stop_time": None, "build_time_millis": None}
    if elapsed < dur:
        return {"lifecycle": "running", "status": "running", "outcome": None,
                "start_time": data.iso(start), "stop_time": None, "build_time_millis": None}
    return {"lifecycle": "finished", "status": build["outcome"], "outcome": build["outcome"],
            "start_time": data.iso(start), "stop_time": data.iso(stop),
            "build_time_millis": int(0.75 * dur * 1000)}


def create_app(token: str = "sim-token", project_token: str = "sim-project-token",
               build_seconds: float = 2.0) -> Flask:
    """Create the simulator Flask app (state lives in ``app.config['SIM_STATE']``)."""
    app = Flask("circleci_simulator")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    state = SimState(build_seconds)
    app.config["SIM_STATE"] = state
    tokens = {token: "user", project_token: "project"}

    @app.before_request
    def _read_whole_body():
        # Connections are kept alive (server.py): a body the handler never reads
        # would otherwise be taken for the next request line.
        request.get_data(cache=True)

    # ------------------------------------------------------------ helpers
    def raw_path() -> str:
        env = request.environ
        raw = env.get("RAW_URI") or env.get("REQUEST_URI")
        if raw:
            raw = raw.split("?", 1)[0]
            if "://" in raw:  # absolute-form request target
                raw = "/" + raw.split("://", 1)[1].split("/", 1)[-1]
            return raw
        path = env.get("PATH_INFO", "/")
        return quote(path.encode("latin-1").decode("utf-8", "replace"), safe="/%:@!$&'()*+,;=-._~")

    def query_dict() -> dict:
        parsed = parse_qs(request.environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return {k: (v[0] if len(v) == 1 else v) for k, v in parsed.items()}

    def parsed_body():
        raw = request.get_data(cache=True)
        if not raw:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
        try:
            return json.loads(text)
        except ValueError:
            return text

    def base_url() -> str:
        return request.host_url.rstrip("/")

    def auth_role(query: dict) -> str | None:
        candidates = []
        if "Circle-Token" in request.headers:
            candidates.append(request.headers.get("Circle-Token", ""))
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            candidates.append(auth.username or "")
        if "circle-token" in query:
            qtok = query["circle-token"]
            candidates.append(qtok if isinstance(qtok, str) else qtok[0])
        if not candidates:
            return None
        return tokens.get(candidates[0])

    def wants_json() -> bool:
        return "application/json" in request.headers.get("Accept", "").lower()

    def render(status: int, payload, headers: dict | None = None) -> Response:
        if payload is EMPTY:
            resp = Response(b"", status=status, content_type="application/json")
        elif wants_json():
            resp = Response(json.dumps(payload), status=status, content_type="application/json")
        else:
            resp = Response(to_edn(payload) + "\n", status=status, content_type="application/edn; charset=utf-8")
        for key, value in (headers or {}).items():
            resp.headers[key] = value
        return resp

    def html_404() -> Response:
        return Response(HTML_404, status=404, content_type="text/html; charset=utf-8")

    def json_ok(payload, status=200):
        return Response(json.dumps(payload), status=status, content_type="application/json")

    # ------------------------------------------------------------ serialization
    def ser_artifacts(build: dict, base: str) -> list[dict]:
        slug = "%s/%s/%s/%d" % (build["vcs"], quote(build["user"]), quote(build["repo"]), build["num"])
        return [{"path": p, "pretty_path": "$CIRCLE_ARTIFACTS/" + p.split("/", 3)[-1] if p.startswith(
            "home/circleci/project/") else p, "node_index": 0,
            "url": "%s/_sim/artifacts/%s/%s" % (base, slug, quote(p))} for p in build["artifacts"]]

    def ser_previous(proj: dict, num: int | None):
        if num is None:
            return None
        prev = proj["by_num"][num]
        phase = build_phase(prev)
        return {"build_num": num, "status": phase["status"], "build_time_millis": phase["build_time_millis"]}

    def ser_build(proj: dict, build: dict, base: str, detail: bool = False, shallow: bool = False) -> dict:
        phase = build_phase(build)
        slug = data.VCS_SLUG[build["vcs"]]
        out = {
            "build_num": build["num"],
            "build_url": "%s/%s/%s/%s/%d" % (base, slug, build["user"], build["repo"], build["num"]),
            "username": build["user"], "reponame": build["repo"], "vcs_type": build["vcs"],
            "branch": build["branch"], "vcs_revision": build["revision"], "vcs_tag": build["tag"],
            "status": phase["status"], "outcome": phase["outcome"], "lifecycle": phase["lifecycle"],
            "why": build["why"], "queued_at": data.iso(build["queued_wall"]),
            "start_time": phase["start_time"], "stop_time": phase["stop_time"],
            "build_time_millis": phase["build_time_millis"], "committer_name": "Demo User",
            "subject": build["subject"], "canceled": build["canceled"], "retry_of": build["retry_of"],
        }
        if shallow:
            return out
        queued = data.iso(build["queued_wall"])
        out.update({
            "vcs_url": "%s/%s/%s" % (data.VCS_HOST[build["vcs"]], build["user"], build["repo"]),
            "committer_email": "demo@example.com", "author_name": "Demo User", "author_email": "demo@example.com",
            "committer_date": queued, "author_date": queued, "body": "", "dont_build": None,
            "pushed_at": queued, "added_at": queued, "usage_queued_at": queued,
            "parallel": build["parallel"], "platform": "2.0", "job_name": "build", "fail_reason": None,
            "build_parameters": build["build_parameters"], "infrastructure_fail": build["outcome"] ==
            "infrastructure_fail" and phase["lifecycle"] == "finished",
            "timedout": phase["outcome"] == "timedout", "is_first_green_build": False,
            "previous": ser_previous(proj, build["previous"]), "user": {
                "login": "demo", "name": "Demo User", "is_user": True, "vcs_type": build["vcs"],
                "avatar_url": data.USER_SEED["avatar_url"], "id": data.USER_SEED["github_id"]},
            "ssh_enabled": None, "retries": None, "compare": None, "oss": False,
        })
        if detail:
            prev_ok = None
            for cand in reversed(proj["builds"][:build["num"] - 1]):  # build numbers are 1..n in order
                if cand["branch"] == build["branch"] and build_phase(cand)["outcome"] == "success":
                    prev_ok = ser_previous(proj, cand["num"])
                    break
            out.update({
                "steps": [], "node": None, "previous_successful_build": prev_ok,
                "all_commit_details": [{
                    "commit": build["revision"], "subject": build["subject"], "body": "",
                    "author_name": "Demo User", "author_email": "demo@example.com", "author_login": "demo",
                    "author_date": queued, "committer_name": "Demo User", "committer_email": "demo@example.com",
                    "committer_login": "demo", "committer_date": queued,
                    "commit_url": "%s/%s/%s/commit/%s" % (data.VCS_HOST[build["vcs"]], build["user"],
                                                          build["repo"], build["revision"]),
                }],
                "all_commit_details_truncated": False, "circle_yml": {"string": "version: 2.1\n"},
                "messages": [], "picard": None, "ssh_users": [], "context_ids": [],
            })
        return out

    def ser_project(proj: dict, base: str) -> dict:
        branches: dict[str, dict] = {}
        for build in reversed(proj["builds"]):
            entry = branches.setdefault(quote(build["branch"], safe=""), {
                "pusher_logins": ["demo"], "running_builds": [], "recent_builds": [],
                "last_success": None, "last_non_success": None, "is_using_workflows": False})
            phase = build_phase(build)
            short = {"build_num": build["num"], "status": phase["status"], "outcome": phase["outcome"],
                     "lifecycle": phase["lifecycle"], "vcs_revision": build["revision"],
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
        null_fields = (
            "irc_server", "irc_keyword", "irc_channel", "irc_username", "irc_password", "irc_notify_prefs",
            "flowdock_api_token", "campfire_subdomain", "campfire_room", "campfire_token",
            "campfire_notify_prefs", "slack_api_token", "slack_channel", "slack_channel_override",
            "slack_subdomain", "slack_notify_prefs", "hipchat_notify", "hipchat_room", "hipchat_api_token",
            "hipchat_notify_prefs", "heroku_deploy_user", "slack_webhook_url",
        )
        out = {
            "vcs_url": "%s/%s/%s" % (data.VCS_HOST[proj["vcs"]], proj["user"], proj["repo"]),
            "vcs_type": proj["vcs"], "username": proj["user"], "reponame": proj["repo"],
            "following": proj["followed"], "followed": proj["followed"], "oss": False, "parallel": 1,
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
        for field in null_fields:
            out[field] = None
        return out

    def ser_key(proj: dict, idx: int) -> dict:
        key = proj["checkout_keys"][idx]
        return {"public_key": key["public_key"], "type": key["type"], "fingerprint": key["fingerprint"],
                "login": key["login"], "preferred": idx == 0, "time": key["time"]}

    def ser_user() -> dict:
        out = copy.deepcopy(state.user)
        if out.get("heroku_api_key"):
            out["heroku_api_key"] = data.mask(out["heroku_api_key"])
        out["projects"] = {
            "%s/%s/%s" % (data.VCS_HOST[p["vcs"]], p["user"], p["repo"]): {
                "emails": "default", "on_dashboard": True}
            for p in state.projects.values() if p["followed"]
        }
        return out

    # ------------------------------------------------------------ builds
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

    def build_matches(build: dict, flt: str | None, branch: str | None = None) -> bool:
        if branch is not None and build["branch"] != branch:
            return False
        if not flt:
            return True
        phase = build_phase(build)
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

    def new_build(proj: dict, branch: str, opts: dict, why: str = "api", retry_of: int | None = None,
                  artifacts: list[str] | None = None, tests: list[dict] | None = None) -> dict:
        outcome, seconds = state.take_next_outcome()
        return state._add_build(  # pylint: disable=protected-access
            proj, branch=branch, why=why, outcome=outcome, duration=seconds, queued_wall=_utcnow(),
            finished=False, revision=opts.get("revision"), tag=opts.get("tag"),
            parallel=opts.get("parallel", 1), build_parameters=opts.get("build_parameters"),
            retry_of=retry_of, subject=None, tests=tests if tests is not None else data.passing_tests(),
            artifacts=artifacts if artifacts is not None else data.default_artifact_paths(2),
        )

    def deprecation_headers() -> dict:
        return {"Deprecation": "true", "Sunset": SUNSET, "Link": V2_LINK}

    def check_retired():
        if state.config.get("retired"):
            raise ApiError(410, "This endpoint has been removed. Use API v2 pipelines.")

    def get_build(proj: dict, num_s: str) -> dict:
        build = proj["by_num"].get(int(num_s))
        if build is None:
            raise ApiError(404, "Build not found")
        return build

    # ------------------------------------------------------------ project routes
    def project_route(proj: dict, method: str, rest: list[str], body, query: dict, role: str, prefix: str):
        base = base_url()
        if not rest:
            if method == "GET":
                limit, offset = page_params(query)
                flt = check_filter(query)
                shallow = str(query.get("shallow", "")).lower() == "true"
                builds = proj["builds"]
                if flt is None:
                    end = len(builds) - offset
                    start = max(0, end - limit)
                    selected = list(reversed(builds[start:end])) if end > 0 else []
                else:
                    matches = (b for b in reversed(builds) if build_matches(b, flt))
                    selected = list(itertools.islice(matches, offset, offset + limit))
                return 200, [ser_build(proj, b, base, shallow=shallow) for b in selected], None
            if method == "POST":
                check_retired()
                opts = parse_trigger_body(body)
                build = new_build(proj, proj["default_branch"], opts)
                return 201, ser_build(proj, build, base), deprecation_headers()
            return None
        head = rest[0]
        if head == "tree" and len(rest) >= 2 and method == "GET":
            # v1.1 lists one branch's builds here, with the paging/filter/shallow of the project list.
            limit, offset = page_params(query)
            flt = check_filter(query)
            shallow = str(query.get("shallow", "")).lower() == "true"
            branch = "/".join(rest[1:])
            matches = (b for b in reversed(proj["builds"]) if build_matches(b, flt, branch))
            selected = list(itertools.islice(matches, offset, offset + limit))
            return 200, [ser_build(proj, b, base, shallow=shallow) for b in selected], None
        if head == "tree" and len(rest) >= 2 and method == "POST":
            check_retired()
            branch = "/".join(rest[1:])
            opts = parse_trigger_body(body)
            opts["tag"] = None
            build = new_build(proj, branch, opts)
            headers = deprecation_headers()
            headers["Location"] = "%s%s/%d" % (base, prefix, build["num"])
            return 201, ser_build(proj, build, base), headers
        if head == "build" and len(rest) == 1 and method == "POST":
            check_retired()
            body = body if isinstance(body, dict) else {}
            opts = parse_trigger_body({k: body.get(k) for k in ("revision", "tag")})
            opts["build_parameters"] = body.get("parameters") if isinstance(body.get("parameters"), dict) else None
            new_build(proj, body.get("branch") or proj["default_branch"], opts)
            return 200, {"status": 200, "body": "Build created"}, deprecation_headers()
        if head.isdigit():
            if len(rest) == 1 and method == "GET":
                return 200, ser_build(proj, get_build(proj, head), base, detail=True), None
            if len(rest) != 2:
                return None
            action = rest[1]
            if action == "artifacts" and method == "GET":
                return 200, ser_artifacts(get_build(proj, head), base), None
            if action == "tests" and method == "GET":
                return 200, {"tests": copy.deepcopy(get_build(proj, head)["tests"]),
                             "exceptions": None}, None
            if action == "retry" and method == "POST":
                check_retired()
                old = get_build(proj, head)
                opts = {"revision": old["revision"], "tag": old["tag"], "parallel": old["parallel"],
                        "build_parameters": old["build_parameters"]}
                build = new_build(proj, old["branch"], opts, why="retry", retry_of=old["num"],
                                  artifacts=list(old["artifacts"]) or None)
                return 200, ser_build(proj, build, base), deprecation_headers()
            if action == "cancel" and method == "POST":
                build = get_build(proj, head)
                if build_phase(build)["lifecycle"] != "finished":
                    build["canceled"] = True
                    build["cancel_wall"] = _utcnow()
                    build["cancel_elapsed"] = time.monotonic() - build["created_mono"]
                return 200, ser_build(proj, build, base), None
            return None
        if rest == ["latest", "artifacts"] and method == "GET":
            flt = check_filter(query)
            branch = query.get("branch") or None
            for build in reversed(proj["builds"]):
                if build_matches(build, flt, branch):
                    return 200, ser_artifacts(build, base), None
            raise ApiError(404, "Build not found")
        if head == "envvar":
            return envvar_route(proj, method, rest, body)
        if head == "checkout-key":
            return checkout_key_route(proj, method, rest, body, role)
        if rest == ["ssh-key"]:
            return ssh_key_route(proj, method, body)
        if rest == ["build-cache"] and method == "DELETE":
            return 200, {"status": "build dependency caches deleted"}, None
        if rest == ["follow"] and method == "POST":
            proj["followed"] = True
            return 200, {"following": True, "workflow": False, "first_build": None}, None
        if rest == ["unfollow"] and method == "POST":
            proj["followed"] = False
            return 200, {"following": False}, None
        if rest == ["settings"] and method == "GET":
            return 200, ser_project(proj, base), None
        return None

    def envvar_route(proj: dict, method: str, rest: list[str], body):
        envvars = proj["envvars"]
        if len(rest) == 1:
            if method == "GET":
                return 200, [{"name": k, "value": data.mask(v)} for k, v in envvars.items()], None
            if method == "POST":
                if not isinstance(body, dict):
                    raise ApiError(400, "The request body must be a JSON object with name and value")
                name, value = body.get("name"), body.get("value")
                if not isinstance(name, str) or not data.ENVVAR_NAME_RE.match(name):
                    raise ApiError(400, "Environment variable name must match [A-Za-z_][A-Za-z0-9_]*")
                if value is None:
                    value = ""
                if not isinstance(value, str):
                    raise ApiError(400, "value must be a string")
                envvars[name] = value
                return 201, {"name": name, "value": data.mask(value)}, None
            return None
        if len(rest) == 2:
            name = rest[1]
            if method == "GET":
                if name not in envvars:
                    raise ApiError(404, "env var not found")
                return 200, {"name": name, "value": data.mask(envvars[name])}, None
            if method == "DELETE":
                if name not in envvars:
                    raise ApiError(404, "env var not found")
                del envvars[name]
                return 200, {"message": "ok"}, None
        return None

    def checkout_key_route(proj: dict, method: str, rest: list[str], body, role: str):
        keys = proj["checkout_keys"]
        if len(rest) == 1:
            if method == "GET":
                return 200, [ser_key(proj, i) for i in range(len(keys))], None
            if method == "POST":
                ktype = body.get("type") if isinstance(body, dict) else body  # spec defect 4: bare string
                if ktype not in ("deploy-key", "github-user-key"):
                    raise ApiError(400, "type must be deploy-key or github-user-key")
                if ktype == "github-user-key" and role != "user":
                    raise ApiError(403, "Permission denied")
                public_key = data.generate_public_key(state.config.get("checkout_key_algorithm", "ed25519"))
                keys.append({"public_key": public_key, "type": ktype,
                             "fingerprint": data.md5_fingerprint(public_key),
                             "login": "demo" if ktype == "github-user-key" else None,
                             "time": data.iso(_utcnow())})
                return 201, ser_key(proj, len(keys) - 1), None
            return None
        if len(rest) == 2:
            fingerprint = rest[1]
            idx = next((i for i, k in enumerate(keys) if k["fingerprint"] == fingerprint), None)
            if method not in ("GET", "DELETE"):
                return None
            if idx is None:
                raise ApiError(404, "checkout key not found")
            if method == "GET":
                return 200, ser_key(proj, idx), None
            del keys[idx]
            return 200, {"message": "OK"}, None
        return None

    def ssh_key_route(proj: dict, method: str, body):
        if method == "POST":
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
            return 200, EMPTY, None
        if method == "DELETE":
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
            return 200, {"message": "OK"}, None
        return None

    # ------------------------------------------------------------ api dispatch
    def api_route(version: str, segments: list[str], method: str, body, query: dict, role: str | None):
        """Returns (status, payload, headers) or None for unknown route. Auth checked inside."""
        def need_auth():
            if role is None:
                raise ApiError(401, "You must log in first.")

        if segments == ["me"] and method == "GET":
            need_auth()
            return 200, ser_user(), None
        if segments == ["projects"] and method == "GET":
            need_auth()
            base = base_url()
            return 200, [ser_project(p, base) for p in state.projects.values() if p["followed"]], None
        if segments == ["recent-builds"] and method == "GET":
            need_auth()
            limit, offset = page_params(query)
            base = base_url()
            followed = [p for p in state.projects.values() if p["followed"]]
            merged = heapq.merge(*[reversed(p["builds"]) for p in followed], key=lambda b: -b["seq"])
            selected = list(itertools.islice(merged, offset, offset + limit))
            return 200, [ser_build(state.projects[(b["vcs"], b["user"], b["repo"])], b, base) for b in selected], None
        if segments == ["user", "heroku-key"] and method == "POST":
            need_auth()
            apikey = body.get("apikey") if isinstance(body, dict) else None
            if apikey is None:
                apikey = request.form.get("apikey") or query.get("apikey")
            if not isinstance(apikey, str) or not data.HEROKU_KEY_RE.match(apikey):
                raise ApiError(403, "Invalid Heroku API key")
            state.user["heroku_api_key"] = apikey
            return 200, EMPTY, None
        if not segments or segments[0] != "project":
            return None
        if version == "v1.1":
            if len(segments) < 4:
                return None
            vcs_raw, user, repo, rest = segments[1], segments[2], segments[3], segments[4:]
            vcs = data.VCS_ALIASES.get(vcs_raw.lower())
            prefix = "/api/v1.1/project/%s/%s/%s" % (vcs_raw, quote(user), quote(repo))
        else:
            if len(segments) < 3:
                return None
            vcs, user, repo, rest = "github", segments[1], segments[2], segments[3:]
            prefix = "/api/v1/project/%s/%s" % (quote(user), quote(repo))
        need_auth()
        proj = state.projects.get((vcs, user, repo))
        if proj is None:
            raise ApiError(404, "Project not found")
        return project_route(proj, method, rest, body, query, role, prefix)

    def apply_fault(path: str, method: str, entry: dict):
        """Consume the first matching fault; returns a Response, raises DropConnection, or None."""
        with state.lock:
            fault = None
            for cand in state.faults:
                if cand["method"] in ("*", method) and re.search(cand["path"], path):
                    fault = dict(cand)
                    cand["remaining"] -= 1
                    if cand["remaining"] <= 0:
                        state.faults.remove(cand)
                    break
        if fault is None:
            return None
        entry["fault"] = fault["id"]
        if fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault.get("drop"):
            entry["status"] = None
            entry["dropped"] = True
            sock = request.environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            raise DropConnection("simulated connection drop")
        if not fault.get("status"):
            return None
        status = int(fault["status"])
        fbody = fault.get("body")
        if fbody is None:
            fbody = {"message": STATUS_TEXT.get(status, "Simulated fault")}
        if isinstance(fbody, str):
            resp = Response(fbody, status=status, content_type="text/plain; charset=utf-8")
        else:
            resp = render(status, fbody)
        if fault.get("retry_after") is not None:
            resp.headers["Retry-After"] = str(fault["retry_after"])
        return resp

    def handle_client_request(path: str) -> Response:
        query = query_dict()
        body = parsed_body()
        log_query = {k: ("***" if k == "circle-token" else v) for k, v in query.items()}
        entry = {"method": request.method, "path": path, "query": log_query, "body": _redact(body),
                 "status": None, "token_header": "Circle-Token" in request.headers,
                 "token_in_query": "circle-token" in query,
                 # The client's port: requests sharing it came over one kept-alive connection.
                 "connection": "%s:%s" % (request.environ.get("REMOTE_ADDR"), request.environ.get("REMOTE_PORT")),
                 "user_agent": request.headers.get("User-Agent")}
        with state.lock:
            state.requests.append(entry)
        resp = apply_fault(path, request.method, entry)
        if resp is None:
            resp = route_client_request(path, query, body)
        entry["status"] = resp.status_code
        return resp

    def route_client_request(path: str, query: dict, body) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        role = auth_role(query)
        if path.startswith("/_sim/artifacts/"):
            return artifact_download(path, role)
        for prefix, version in API_PREFIXES:
            if path.startswith(prefix):
                segments = [unquote(s) for s in path[len(prefix):].split("/")]
                if segments and segments[-1] == "" and len(segments) > 1:
                    segments = segments[:-1]
                try:
                    with state.lock:
                        result = api_route(version, segments, method, body, query, role)
                except ApiError as err:
                    return render(err.status, {"message": err.message})
                if result is None:
                    return html_404()
                return render(*result)
        return html_404()

    def artifact_download(path: str, role: str | None) -> Response:
        parts = path[len("/_sim/artifacts/"):].split("/", 4)
        if len(parts) < 5 or not parts[3].isdigit():
            return html_404()
        if role is None:
            return render(401, {"message": "You must log in first."})
        vcs, user, repo, num, apath = parts[0], unquote(parts[1]), unquote(parts[2]), int(parts[3]), unquote(parts[4])
        with state.lock:
            proj = state.projects.get((data.VCS_ALIASES.get(vcs, vcs), user, repo))
            build = proj["by_num"].get(num) if proj else None
            if build is None or apath not in build["artifacts"]:
                return render(404, {"message": "Artifact not found"})
        content, ctype = data.artifact_content(apath, num)
        return Response(content, status=200, content_type=ctype)

    # ------------------------------------------------------------ control endpoints
    def control(path: str) -> Response:
        method = request.method
        body = parsed_body()
        body = body if isinstance(body, dict) else {}
        with state.lock:
            if path == "/_sim/requests":
                if method == "GET":
                    return json_ok(state.requests)
                if method == "DELETE":
                    state.requests.clear()
                    return json_ok({"message": "OK"})
            elif path == "/_sim/reset" and method == "POST":
                state.reset()
                return json_ok({"message": "OK"})
            elif path == "/_sim/faults":
                if method == "GET":
                    return json_ok(state.faults)
                if method == "DELETE":
                    state.faults.clear()
                    return json_ok({"message": "OK"})
                if method == "POST":
                    try:
                        re.compile(body.get("path", ""))
                    except re.error as exc:
                        return json_ok({"message": "invalid path regex: %s" % exc}, 400)
                    count = int(body.get("count", 1))
                    fault = {"id": next(state.fault_ids), "method": str(body.get("method", "*")).upper(),
                             "path": body.get("path", ""), "count": count, "remaining": count,
                             "status": body.get("status"), "retry_after": body.get("retry_after"),
                             "body": body.get("body"), "delay": float(body.get("delay", 0) or 0),
                             "drop": bool(body.get("drop", False))}
                    state.faults.append(fault)
                    return json_ok(fault, 201)
            elif path == "/_sim/builds/next":
                if method == "GET":
                    return json_ok(state.next_outcomes)
                if method == "DELETE":
                    state.next_outcomes.clear()
                    return json_ok({"message": "OK"})
                if method == "POST":
                    outcome = body.get("outcome", "success")
                    if outcome not in OUTCOMES:
                        return json_ok({"message": "outcome must be one of: " + ", ".join(OUTCOMES)}, 400)
                    state.next_outcomes.append({
                        "outcome": outcome, "count": int(body.get("count", 1)),
                        "build_seconds": None if body.get("build_seconds") is None else float(body["build_seconds"])})
                    return json_ok(state.next_outcomes, 201)
            elif path == "/_sim/config":
                if method == "POST":
                    unknown = set(body) - set(DEFAULT_CONFIG)
                    if unknown:
                        return json_ok({"message": "unknown config keys: " + ", ".join(sorted(unknown))}, 400)
                    if "build_seconds" in body:
                        state.config["build_seconds"] = float(body["build_seconds"])
                    if "retired" in body:
                        state.config["retired"] = bool(body["retired"])
                    if "checkout_key_algorithm" in body:
                        if body["checkout_key_algorithm"] not in ("ed25519", "rsa"):
                            return json_ok({"message": "checkout_key_algorithm must be ed25519 or rsa"}, 400)
                        state.config["checkout_key_algorithm"] = body["checkout_key_algorithm"]
                    return json_ok(state.config)
                if method == "GET":
                    return json_ok(state.config)
            elif path == "/_sim/seed/builds" and method == "POST":
                return seed_builds(body)
            elif path == "/_sim/state" and method == "GET":
                return json_ok(dump_state())
        return html_404()

    def seed_builds(body: dict) -> Response:
        vcs = data.VCS_ALIASES.get(str(body.get("vcs_type", "github")).lower(), "github")
        key = (vcs, body.get("username", "acme"), body.get("project", "app"))
        proj = state.projects.get(key)
        if proj is None:
            return json_ok({"message": "Project not found"}, 404)
        count = int(body.get("count", 1))
        branch = body.get("branch") or proj["default_branch"]
        outcome = body.get("outcome", "success")
        paths = data.default_artifact_paths(int(body.get("artifacts", 2)))
        now = _utcnow()
        first = proj["next_num"]
        for i in range(count):
            state._add_build(  # pylint: disable=protected-access
                proj, branch=branch, why="github", outcome=outcome, duration=30.0,
                queued_wall=now - datetime.timedelta(seconds=60 + count - i), finished=True,
                artifacts=list(paths), tests=[], subject="Seeded build %d" % i)
        return json_ok({"created": count, "first_build_num": first, "last_build_num": proj["next_num"] - 1}, 201)

    def dump_state() -> dict:
        hidden = ("queued_wall", "created_mono", "cancel_wall", "tests")
        projects = []
        for proj in state.projects.values():
            projects.append({
                "vcs_type": proj["vcs"], "username": proj["user"], "reponame": proj["repo"],
                "following": proj["followed"], "default_branch": proj["default_branch"],
                "envvars": dict(proj["envvars"]), "checkout_keys": copy.deepcopy(proj["checkout_keys"]),
                "ssh_keys": copy.deepcopy(proj["ssh_keys"]),
                "builds": [dict({k: v for k, v in b.items() if k not in hidden},
                                queued_at=data.iso(b["queued_wall"]), **build_phase(b)) for b in proj["builds"]],
            })
        return {"config": state.config, "user": state.user, "projects": projects, "faults": state.faults,
                "next_outcomes": state.next_outcomes, "request_count": len(state.requests)}

    # ------------------------------------------------------------ flask glue
    def dispatch(_p: str = ""):
        path = raw_path()
        if path.startswith("/_sim/") and not path.startswith("/_sim/artifacts/"):
            return control(path)
        return handle_client_request(path)

    app.add_url_rule("/", "root", dispatch, methods=ALL_METHODS, provide_automatic_options=False)
    app.add_url_rule("/<path:_p>", "any", dispatch, methods=ALL_METHODS, provide_automatic_options=False)
    return app
