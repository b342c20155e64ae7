# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""All mutable simulator state, guarded by one lock (``SimState.lock``).

Field names follow the API: a project has ``vcs_type``, ``username``, ``reponame``,
``following``, ``default_branch``; a build ``build_num``, ``branch``, ``vcs_revision``,
``vcs_tag``, ``why``, ``outcome`` ... Time-dependent values (a build's lifecycle) are not
stored: they are computed when read, from the monotonic clock (``SimState.now()``).
"""

from __future__ import annotations

import copy
import datetime
import itertools
import re
import ssl
import threading
import time
import uuid

import data
import workflows

SUNSET_DATE = "2027-02-01"
DAY_BEFORE_SUNSET = "2027-01-31"
CLOUD = "cloud"
CONFIG_KEYS = ("build_seconds", "retired", "checkout_key_algorithm", "date", "server_version", "page_size",
               "compile_seconds", "webhook_retry_seconds", "webhook_timeout_seconds", "webhook_ca")
# Webhook deliveries: the pause before each retry of a failed delivery (CircleCI retries a non-2xx
# or unanswered delivery later, count and interval undocumented), and how long one attempt waits
# (CircleCI expects a 2xx within 10 seconds).
WEBHOOK_RETRY_SECONDS = (0.5, 1.0, 2.0)
WEBHOOK_TIMEOUT_SECONDS = 10.0
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def today() -> str:
    """Today's real date (UTC), YYYY-MM-DD."""
    return utcnow().date().isoformat()


def check_date(value) -> str:
    """A YYYY-MM-DD date string, or ValueError."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError("date must be a YYYY-MM-DD string")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("date must be a valid YYYY-MM-DD date") from None
    return value


def check_server_version(value) -> str:
    """``cloud`` (also for None) or a CircleCI Server version such as ``4.7``, or ValueError."""
    if value is None or value == CLOUD:
        return CLOUD
    if not isinstance(value, str) or not _VERSION_RE.match(value):
        raise ValueError('server_version must be "cloud" or a version string such as "4.7"')
    return value


def check_page_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("page_size must be an integer >= 1")
    return value


def check_seconds(value, name: str) -> float:
    if isinstance(value, bool):
        raise ValueError("%s must be a number" % name)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number" % name) from None
    if seconds < 0:
        raise ValueError("%s must be >= 0" % name)
    return seconds


def check_retry_seconds(value) -> list[float]:
    """The pauses before the retries of a failed webhook delivery: a list of at most 10 numbers >= 0."""
    if not isinstance(value, list) or len(value) > 10:
        raise ValueError("webhook_retry_seconds must be a list of at most 10 numbers >= 0")
    return [check_seconds(v, "webhook_retry_seconds") for v in value]


def check_timeout(value) -> float:
    seconds = check_seconds(value, "webhook_timeout_seconds")
    if seconds <= 0:
        raise ValueError("webhook_timeout_seconds must be > 0")
    return seconds


def check_webhook_ca(value) -> str | None:
    """None (the system's CA certificates) or the path of a PEM file of CA certificates, or ValueError."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError("webhook_ca must be the path of a PEM CA file, or null")
    try:
        ssl.create_default_context(cafile=value)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError("webhook_ca %s: not a readable PEM CA file (%s)" % (value, exc)) from None
    return value


def build_phase(build: dict, now: float) -> dict:
    """Lifecycle/status/outcome/timestamps of a plain (v1.1-triggered or seeded) build at ``now``.

    With duration D: queued for the first 25 % of D, running until D, then finished.
    """
    dur = build["duration"]
    queued = build["queued_wall"]
    start = queued + datetime.timedelta(seconds=0.25 * dur)
    stop = queued + datetime.timedelta(seconds=dur)
    elapsed = float("inf") if build["created_mono"] is None else now - build["created_mono"]
    if build["canceled"]:
        celapsed = build["cancel_elapsed"]
        started = celapsed is not None and celapsed >= 0.25 * dur
        return {"lifecycle": "finished", "status": "canceled", "outcome": "canceled", "canceled": True,
                "start_time": data.iso(start) if started else None, "stop_time": data.iso(build["cancel_wall"]),
                "build_time_millis": int(max(0.0, celapsed - 0.25 * dur) * 1000) if started else None}
    if elapsed < 0.25 * dur:
        return {"lifecycle": "queued", "status": "queued", "outcome": None, "canceled": False,
                "start_time": None, "stop_time": None, "build_time_millis": None}
    if elapsed < dur:
        return {"lifecycle": "running", "status": "running", "outcome": None, "canceled": False,
                "start_time": data.iso(start), "stop_time": None, "build_time_millis": None}
    return {"lifecycle": "finished", "status": build["outcome"], "outcome": build["outcome"], "canceled": False,
            "start_time": data.iso(start), "stop_time": data.iso(stop),
            "build_time_millis": int(0.75 * dur * 1000)}


class SimState:
    """The simulator's state. Hold ``lock`` while reading or changing anything."""

    def __init__(self, build_seconds: float = 2.0, clock=time.monotonic, date: str | None = None,
                 server_version: str | None = CLOUD, page_size: int = 20, compile_seconds: float = 1.0,
                 webhook_ca: str | None = None):
        self.lock = threading.RLock()
        self.clock = clock
        # Called as on_workflow_view(wf, status, stopped_mono, views) whenever a workflow's status is
        # computed (deliveries.py notices there the jobs and workflows that have just finished).
        self.on_workflow_view = None
        # What POST /_sim/reset goes back to (the command line's choices).
        self.defaults = {
            "build_seconds": check_seconds(build_seconds, "build_seconds"), "checkout_key_algorithm": "ed25519",
            "date": None if date is None else check_date(date), "server_version": check_server_version(server_version),
            "page_size": check_page_size(page_size), "compile_seconds": check_seconds(compile_seconds, "compile_seconds"),
            "webhook_retry_seconds": list(WEBHOOK_RETRY_SECONDS), "webhook_timeout_seconds": WEBHOOK_TIMEOUT_SECONDS,
            "webhook_ca": check_webhook_ca(webhook_ca),
        }
        self.reset()

    def now(self) -> float:
        """Monotonic seconds (the clock builds and workflows progress by)."""
        return self.clock()

    # ------------------------------------------------------------------ seed
    def reset(self) -> None:
        with self.lock:
            self.config = dict(self.defaults, date=self.defaults["date"] or today())
            self.requests: list[dict] = []
            self.faults: list[dict] = []
            self.next_outcomes: list[dict] = []
            self.fault_ids = itertools.count(1)
            self.seq = itertools.count(1)
            self.user = copy.deepcopy(data.USER_SEED)
            self.user["heroku_api_key"] = None
            self.organizations = {org["id"]: dict(org) for org in data.ORG_SEED}
            self.projects: dict[tuple, dict] = {}
            for seed in data.PROJECT_SEED:
                self.add_project(seed)
            self.pipelines: dict[str, dict] = {}
            self.workflows: dict[str, dict] = {}
            self.jobs: dict[str, dict] = {}
            self.next_pipelines: list[dict] = []
            # Webhooks by id (routes_v2_webhooks), the events sent to them by id (body bytes kept
            # for redelivery) and every delivery attempt (deliveries.py). A new epoch abandons the
            # deliveries still on their way.
            self.webhooks: dict[str, dict] = {}
            # OIDC custom claims (routes_v2_settings) by (org_id, project_id or None): {claim: {value, updated_at}}.
            self.oidc_claims: dict[tuple, dict] = {}
            # POST /_sim/settings/oss {"refused": true}: project settings PATCHes keep oss false (routes_v2_settings).
            self.settings_oss_refused = False
            self.events: dict[str, dict] = {}
            self.deliveries: list[dict] = []
            self.webhook_epoch = getattr(self, "webhook_epoch", 0) + 1
            # The runner API (routes_runner): namespaces -> owning organisation, resource classes and
            # tokens by id, connected runners, task counts by resource class.
            self.runner = {"namespaces": dict(data.RUNNER_NAMESPACE_SEED), "tokens": {}, "runners": [], "tasks": {},
                           "classes": {rc["id"]: dict(rc) for rc in data.RUNNER_CLASS_SEED}}
            self.contexts: dict[str, dict] = {}
            for seed in data.CONTEXT_SEED:
                self.contexts[seed["id"]] = {
                    "id": seed["id"], "name": seed["name"], "owner_id": seed["owner_id"],
                    "created_at": seed["created_at"], "restrictions": copy.deepcopy(seed["restrictions"]),
                    "variables": {name: {"value": value, "created_at": seed["created_at"],
                                         "updated_at": seed["created_at"]} for name, value in seed["variables"]},
                }
            for i, (vcs_type, username, reponame, branch, outcome, nart, tests) in enumerate(data.BUILD_SEED):
                proj = self.projects[(vcs_type, username, reponame)]
                queued = data.SEED_EPOCH + datetime.timedelta(hours=i)
                self.add_build(
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

    def add_project(self, seed: dict) -> dict:
        """A project from its seed fields (vcs_type, username, reponame, following, default_branch,
        id, name, organization_id, vcs_url), with no builds, variables or keys yet."""
        key = (seed["vcs_type"], seed["username"], seed["reponame"])
        self.projects[key] = dict(
            seed, builds=[], by_num={}, next_num=1, branch_last={}, envvars={}, checkout_keys=[],
            ssh_keys=[], pipelines=[], next_pipeline_number=1,
            pipeline_config=self.seed_pipeline_config(key))
        return self.projects[key]

    @staticmethod
    def seed_pipeline_config(key: tuple) -> dict:
        """A project's config as seeded: declared parameters and the default workflow."""
        return {"parameters": copy.deepcopy(data.PARAMETER_SEED.get(key, {})),
                "workflows": workflows.normalize_workflows(data.default_workflows())}

    # ------------------------------------------------------------------ projects and builds
    def v1_project(self, vcs: str | None, username: str, reponame: str) -> dict | None:
        """The project of a v1/v1.1 path (``vcs`` already resolved from its aliases), or None."""
        return self.projects.get((vcs, username, reponame))

    def v2_project(self, slug: str) -> dict | None:
        """The project of a v2 slug (``gh``/``github``/``bb``/``bitbucket``/``circleci``), or None."""
        parts = slug.split("/")
        if len(parts) != 3:
            return None
        provider, org, name = parts
        vcs = data.VCS_ALIASES.get(provider.lower())
        if vcs is not None:
            return self.projects.get((vcs, org, name))
        if provider == "circleci":
            proj = self.projects.get(("circleci", org, name))
            return proj
        return None

    @staticmethod
    def project_slug(proj: dict) -> str:
        """The v2 slug of a project: ``gh/acme/app``, ``bb/acme/lib``, ``circleci/<org-id>/<project-id>``."""
        return "%s/%s/%s" % (data.V2_PREFIX[proj["vcs_type"]], proj["username"], proj["reponame"])

    def organization_of(self, proj: dict) -> dict:
        return self.organizations[proj["organization_id"]]

    def organization_by_slug(self, slug: str) -> dict | None:
        """An organization by ``gh/acme``, ``github/acme``, ``bb/acme``, ``circleci/<org-id>``."""
        parts = slug.split("/")
        if len(parts) != 2:
            return None
        provider, name = parts
        vcs = data.VCS_ALIASES.get(provider.lower(), provider)
        for org in self.organizations.values():
            if org["vcs_type"] == vcs and (org["name"] == name if vcs != "circleci" else org["id"] == name):
                return org
        return None

    def project_by_id(self, project_id: str) -> dict | None:
        return next((p for p in self.projects.values() if p["id"] == project_id), None)

    def add_build(self, proj: dict, *, branch: str, why: str, outcome: str, duration: float,
                  queued_wall: datetime.datetime, finished: bool, artifacts: list[str] | None = None,
                  tests: list[dict] | None = None, revision: str | None = None, tag: str | None = None,
                  parallel: int = 1, build_parameters: dict | None = None, retry_of: int | None = None,
                  subject: str | None = None, job_name: str = "build", ssh_enabled: bool | None = None) -> dict:
        num = proj["next_num"]
        proj["next_num"] = num + 1
        build = {
            "build_num": num, "vcs_type": proj["vcs_type"], "username": proj["username"],
            "reponame": proj["reponame"], "branch": branch,
            "vcs_revision": revision or data.revision_for(proj["vcs_type"], proj["username"], proj["reponame"],
                                                          branch, num),
            "vcs_tag": tag, "why": why, "outcome": outcome, "duration": float(duration),
            "queued_wall": queued_wall, "created_mono": None if finished else self.now(),
            "canceled": False, "cancel_wall": None, "cancel_elapsed": None, "retry_of": retry_of,
            "parallel": parallel, "build_parameters": build_parameters, "artifacts": artifacts or [],
            "tests": tests or [], "subject": subject or "Build of %s" % branch, "seq": next(self.seq),
            "previous": proj["branch_last"].get(branch), "job_name": job_name, "ssh_enabled": ssh_enabled,
        }
        proj["builds"].append(build)
        proj["by_num"][num] = build
        proj["branch_last"][branch] = num
        return build

    def phase(self, build: dict) -> dict:
        """A build's lifecycle, status, outcome and times, now (a v2 job's build: its job's)."""
        if build.get("job_id") is None:
            return build_phase(build, self.now())
        job = self.jobs[build["job_id"]]
        view = self.job_view(job)
        wall = self.wall_clock(self.workflows[job["workflow_id"]])
        started = view.start is not None and view.status not in ("blocked", "on_hold", "queued")
        out = {"lifecycle": "finished", "status": view.status, "outcome": view.status, "canceled": False,
               "start_time": wall(view.start) if started else None, "stop_time": wall(view.end),
               "build_time_millis": int(round((view.end - view.start) * 1000)) if started else None}
        if view.status in ("blocked", "on_hold"):
            out.update(lifecycle="not_running", status="not_running", outcome=None, stop_time=None)
        elif view.status in ("queued", "running"):
            out.update(lifecycle=view.status, outcome=None, stop_time=None, build_time_millis=None)
        elif view.status == "not_run":
            out.update(lifecycle="not_run", outcome=None)
        elif view.status == "canceled":
            out["canceled"] = True
        return out

    def cancel_build(self, build: dict) -> None:
        """Cancel a build that has not finished (a finished one stays as it is)."""
        if build.get("job_id") is not None:
            self.cancel_job(self.jobs[build["job_id"]])
            return
        if self.phase(build)["lifecycle"] != "finished":
            build["canceled"] = True
            build["cancel_wall"] = utcnow()
            build["cancel_elapsed"] = self.now() - build["created_mono"]

    def new_checkout_key(self, proj: dict, ktype: str) -> dict:
        """Generate and store a checkout key (``deploy-key`` or ``github-user-key``)."""
        public_key = data.generate_public_key(self.config.get("checkout_key_algorithm", "ed25519"))
        key = {"public_key": public_key, "type": ktype, "fingerprint": data.md5_fingerprint(public_key),
               "login": "demo" if ktype == "github-user-key" else None, "time": data.iso(utcnow())}
        proj["checkout_keys"].append(key)
        return key

    def take_next_outcome(self) -> tuple[str, float]:
        """Outcome and duration for a newly triggered/retried v1.1 build."""
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

    # ------------------------------------------------------------------ pipelines (API v2)
    @staticmethod
    def wall_clock(record: dict):
        """``mono -> ISO time`` for a pipeline or workflow (anchored at its pipeline's creation)."""
        wall0, mono0 = record["wall0"], record["mono0"]

        def wall(mono: float | None) -> str | None:
            if mono is None:
                return None
            return data.iso(wall0 + datetime.timedelta(seconds=mono - mono0))
        return wall

    def take_next_pipeline(self, proj: dict) -> dict | None:
        """Consume the first ``/_sim/pipelines/next`` entry for this project (or for any project)."""
        slug = self.project_slug(proj)
        for entry in self.next_pipelines:
            if entry.get("project") in (None, slug):
                entry["count"] -= 1
                if entry["count"] <= 0:
                    self.next_pipelines.remove(entry)
                return entry
        return None

    def create_pipeline(self, proj: dict, *, branch: str | None, tag: str | None, parameters: dict,
                        entry: dict | None) -> dict:
        """A new pipeline with the workflows its config (or the queued ``entry``) gives it.

        Its workflows appear after ``compile_seconds``; an undeclared or mistyped parameter
        (or an ``error`` in ``entry``) makes it ``errored`` without workflows.
        """
        entry = entry or {}
        now, wall0 = self.now(), utcnow()
        number = proj["next_pipeline_number"]
        proj["next_pipeline_number"] = number + 1
        config = proj["pipeline_config"]
        compile_seconds = entry.get("compile_seconds")
        if compile_seconds is None:
            compile_seconds = self.config["compile_seconds"]
        errors = workflows.parameter_errors(config["parameters"], parameters)
        if entry.get("error"):
            errors.append({"type": "config", "message": entry["error"]})
        ref = tag if tag is not None else branch
        pipeline = {
            "id": str(uuid.uuid4()), "number": number,
            "project_key": (proj["vcs_type"], proj["username"], proj["reponame"]),
            "project_slug": self.project_slug(proj), "wall0": wall0, "mono0": now,
            "visible_mono": now + compile_seconds, "errors": errors, "parameters": dict(parameters),
            "branch": branch, "tag": tag,
            "revision": data.revision_for(proj["vcs_type"], proj["username"], proj["reponame"], ref, "pipeline", number),
            "workflow_ids": [],
        }
        self.pipelines[pipeline["id"]] = pipeline
        proj["pipelines"].append(pipeline["id"])
        if errors:
            return pipeline
        specs = entry["workflows"] if entry.get("workflows") is not None else config["workflows"]
        for spec in specs:
            if workflows.workflow_runs_for(spec, branch, tag):
                self.create_workflow(proj, pipeline, spec, pipeline["visible_mono"])
        return pipeline

    def pipeline_state(self, pipeline: dict) -> str:
        if pipeline["errors"] and self.now() >= pipeline["visible_mono"]:
            return "errored"
        return "created"

    def create_workflow(self, proj: dict, pipeline: dict, spec: dict, visible_mono: float,
                        rerun: tuple[dict, set] | None = None) -> dict:
        """A workflow of ``pipeline`` from a normalized spec; with ``rerun=(old_workflow, names)``,
        the jobs named run again and the others are copied from the old workflow as they ended."""
        wf = {"id": str(uuid.uuid4()), "name": spec["name"], "pipeline_id": pipeline["id"],
              "pipeline_number": pipeline["number"], "project_slug": pipeline["project_slug"], "tag": spec["tag"],
              "wall0": pipeline["wall0"], "mono0": pipeline["mono0"], "visible_mono": visible_mono,
              "canceled_mono": None, "canceled_by": None, "spec": spec, "job_ids": [],
              "rerun_of": rerun[0]["id"] if rerun else None}
        self.workflows[wf["id"]] = wf
        pipeline["workflow_ids"].append(wf["id"])
        old_jobs, old_views = {}, {}
        if rerun:
            old_list = [self.jobs[j] for j in rerun[0]["job_ids"]]
            old_views = workflows.evaluate(rerun[0], old_list, self.now())
            old_jobs = {j["name"]: j for j in old_list}
        ids = {}
        for jspec in spec["jobs"]:
            job = {"id": str(uuid.uuid4()), "name": jspec["name"], "type": jspec["type"], "workflow_id": wf["id"],
                   "dependencies": [ids[r] for r in jspec["requires"]], "outcome": jspec["outcome"],
                   "duration": jspec["seconds"] if jspec["seconds"] is not None else self.config["build_seconds"],
                   "job_number": None, "approval_request_id": None, "approved_mono": None, "approved_at": None,
                   "approved_by": None, "fixed": None, "spec": jspec}
            ids[jspec["name"]] = job["id"]
            old = old_jobs.get(jspec["name"])
            if rerun and jspec["name"] not in rerun[1] and old is not None:
                job["fixed"] = workflows.frozen(old_views[old["id"]], self.now())
                job["job_number"] = old["job_number"]
                for field in ("approved_at", "approved_by", "approval_request_id"):
                    job[field] = old[field]
            else:
                if rerun:
                    job["outcome"] = jspec["rerun_outcome"]
                if jspec["type"] == "approval":
                    job["approval_request_id"] = job["id"]
                else:
                    tests = {"pass": data.passing_tests(), "fail": data.failing_tests()}.get(jspec["tests"], [])
                    if rerun and jspec["tests"] == "fail" and job["outcome"] == "success":
                        tests = data.passing_tests()
                    build = self.add_build(
                        proj, branch=pipeline["branch"] or proj["default_branch"], why="retry" if rerun else "api",
                        outcome=job["outcome"], duration=job["duration"], queued_wall=pipeline["wall0"],
                        finished=False, artifacts=list(jspec["artifacts"]), tests=tests, revision=pipeline["revision"],
                        tag=pipeline["tag"], job_name=jspec["name"],
                        retry_of=old["job_number"] if rerun and old is not None else None)
                    build["job_id"] = job["id"]
                    job["job_number"] = build["build_num"]
            self.jobs[job["id"]] = job
            wf["job_ids"].append(job["id"])
        return wf

    def workflow_jobs(self, wf: dict) -> list[dict]:
        return [self.jobs[j] for j in wf["job_ids"]]

    def workflow_view(self, wf: dict) -> tuple[str, str | None, dict]:
        """(status, stopped_at, job views by id) of a workflow now."""
        views = workflows.evaluate(wf, self.workflow_jobs(wf), self.now())
        status, stopped = workflows.workflow_status(list(views.values()), wf["canceled_mono"] is not None)
        if self.on_workflow_view is not None:
            self.on_workflow_view(wf, status, stopped, views)
        return status, self.wall_clock(wf)(stopped), views

    def job_view(self, job: dict) -> workflows.JobView:
        wf = self.workflows[job["workflow_id"]]
        return workflows.evaluate(wf, self.workflow_jobs(wf), self.now())[job["id"]]

    def workflow_visible(self, wf: dict) -> bool:
        """A workflow appears once its pipeline's config has compiled."""
        return self.now() >= wf["visible_mono"]

    def cancel_workflow(self, wf: dict) -> None:
        """Cancel every job that has not finished; a finished workflow stays as it is."""
        now = self.now()
        status, dummy, views = self.workflow_view(wf)
        if status in ("success", "failed", "canceled", "error", "unauthorized", "not_run"):
            return
        for job in self.workflow_jobs(wf):
            view = views[job["id"]]
            job["fixed"] = workflows.frozen(view, now, None if view.status in workflows.TERMINAL else "canceled")
        wf["canceled_mono"] = now
        wf["canceled_by"] = data.USER_ID

    def cancel_job(self, job: dict) -> None:
        """Cancel one job (v1.1 cancel of a job's build); jobs requiring it do not run."""
        view = self.job_view(job)
        if view.status not in workflows.TERMINAL:
            job["fixed"] = workflows.frozen(view, self.now(), "canceled")

    def approve(self, job: dict) -> None:
        job["approved_mono"] = self.now()
        job["approved_at"] = data.iso(utcnow())
        job["approved_by"] = data.USER_ID

    def rerun_workflow(self, wf: dict, names: set) -> dict:
        """A new workflow in the same pipeline: the jobs named, and every job requiring them, run
        again; the others keep how they ended. It appears at once (no compile time)."""
        spec = wf["spec"]
        for jspec in spec["jobs"]:
            if any(r in names for r in jspec["requires"]):
                names.add(jspec["name"])
        pipeline = self.pipelines[wf["pipeline_id"]]
        proj = self.projects[pipeline["project_key"]]
        return self.create_workflow(proj, pipeline, spec, self.now(), rerun=(wf, names))

    # ------------------------------------------------------------------ switches
    @property
    def retired(self) -> bool:
        """Whether the ten v1/v1.1 trigger/retry/ssh endpoints answer 410: the date is on or after 2027-02-01."""
        return self.config["date"] >= SUNSET_DATE

    @property
    def is_cloud(self) -> bool:
        return self.config["server_version"] == CLOUD

    def server_at_least(self, major: int, minor: int) -> bool:
        """Cloud, or a CircleCI Server of at least that version."""
        if self.is_cloud:
            return True
        parts = [int(p) for p in self.config["server_version"].split(".")]
        return (parts[0], parts[1]) >= (major, minor)

    def public_config(self) -> dict:
        """The config as ``GET /_sim/config`` shows it (``retired`` derived from ``date``)."""
        return {"build_seconds": self.config["build_seconds"], "retired": self.retired,
                "checkout_key_algorithm": self.config["checkout_key_algorithm"], "date": self.config["date"],
                "server_version": self.config["server_version"], "page_size": self.config["page_size"],
                "compile_seconds": self.config["compile_seconds"],
                "webhook_retry_seconds": list(self.config["webhook_retry_seconds"]),
                "webhook_timeout_seconds": self.config["webhook_timeout_seconds"], "webhook_ca": self.config["webhook_ca"]}

    def update_config(self, body: dict) -> None:
        """Apply a partial ``POST /_sim/config`` body; ValueError (nothing changed) when it is invalid.

        ``date`` is applied before ``retired``. ``retired: true`` moves a date before the
        sunset to 2027-02-01; ``retired: false`` moves a date on or after it back to the start
        date (``--date`` or today) when that is before the sunset, else to 2027-01-31.
        """
        unknown = set(body) - set(CONFIG_KEYS)
        if unknown:
            raise ValueError("unknown config keys: " + ", ".join(sorted(unknown)))
        new = dict(self.config)
        if "build_seconds" in body:
            new["build_seconds"] = check_seconds(body["build_seconds"], "build_seconds")
        if "compile_seconds" in body:
            new["compile_seconds"] = check_seconds(body["compile_seconds"], "compile_seconds")
        if "checkout_key_algorithm" in body:
            if body["checkout_key_algorithm"] not in ("ed25519", "rsa"):
                raise ValueError("checkout_key_algorithm must be ed25519 or rsa")
            new["checkout_key_algorithm"] = body["checkout_key_algorithm"]
        if "server_version" in body:
            new["server_version"] = check_server_version(body["server_version"])
        if "page_size" in body:
            new["page_size"] = check_page_size(body["page_size"])
        if "date" in body:
            new["date"] = check_date(body["date"])
        if "webhook_retry_seconds" in body:
            new["webhook_retry_seconds"] = check_retry_seconds(body["webhook_retry_seconds"])
        if "webhook_timeout_seconds" in body:
            new["webhook_timeout_seconds"] = check_timeout(body["webhook_timeout_seconds"])
        if "webhook_ca" in body:
            new["webhook_ca"] = check_webhook_ca(body["webhook_ca"])
        if "retired" in body:
            if not isinstance(body["retired"], bool):
                raise ValueError("retired must be true or false")
            if body["retired"] and new["date"] < SUNSET_DATE:
                new["date"] = SUNSET_DATE
            elif not body["retired"] and new["date"] >= SUNSET_DATE:
                start = self.defaults["date"] or today()
                new["date"] = start if start < SUNSET_DATE else DAY_BEFORE_SUNSET
        self.config = new

    # ------------------------------------------------------------------ dump
    def dump(self) -> dict:
        """The whole state as JSON-able data (``GET /_sim/state``): env var values in clear, never a token."""
        hidden = ("queued_wall", "created_mono", "cancel_wall", "tests")
        projects = []
        for proj in self.projects.values():
            projects.append({
                "vcs_type": proj["vcs_type"], "username": proj["username"], "reponame": proj["reponame"],
                "following": proj["following"], "default_branch": proj["default_branch"],
                "id": proj["id"], "slug": self.project_slug(proj), "name": proj["name"],
                "organization_id": proj["organization_id"], "pipeline_config": proj["pipeline_config"],
                "envvars": dict(proj["envvars"]), "checkout_keys": copy.deepcopy(proj["checkout_keys"]),
                "ssh_keys": copy.deepcopy(proj["ssh_keys"]),
                # "num" repeats build_num: the name older tests of the collection read.
                "builds": [dict({k: v for k, v in b.items() if k not in hidden}, num=b["build_num"],
                                queued_at=data.iso(b["queued_wall"]), **self.phase(b)) for b in proj["builds"]],
            })
        pipelines = []
        for pipeline in self.pipelines.values():
            wfs = []
            for wf_id in pipeline["workflow_ids"]:
                wf = self.workflows[wf_id]
                status, stopped, views = self.workflow_view(wf)
                wfs.append({"id": wf["id"], "name": wf["name"], "status": status, "stopped_at": stopped,
                            "visible": self.workflow_visible(wf), "rerun_of": wf["rerun_of"],
                            "jobs": [{"id": j["id"], "name": j["name"], "type": j["type"], "job_number": j["job_number"],
                                      "status": views[j["id"]].status, "approval_request_id": j["approval_request_id"]}
                                     for j in self.workflow_jobs(wf)]})
            pipelines.append({"id": pipeline["id"], "number": pipeline["number"], "project_slug": pipeline["project_slug"],
                              "state": self.pipeline_state(pipeline), "errors": pipeline["errors"],
                              "branch": pipeline["branch"], "tag": pipeline["tag"], "parameters": pipeline["parameters"],
                              "workflows": wfs})
        contexts = [dict({k: v for k, v in ctx.items() if k != "variables"},
                         variables={n: v["value"] for n, v in ctx["variables"].items()})
                    for ctx in self.contexts.values()]
        return {"config": self.public_config(), "user": self.user, "projects": projects, "faults": self.faults,
                "next_outcomes": self.next_outcomes, "request_count": len(self.requests),
                "organizations": list(self.organizations.values()), "contexts": contexts, "pipelines": pipelines,
                "next_pipelines": self.next_pipelines,
                # Webhooks with their signing secrets in clear (as env var values are here).
                "webhooks": [{k: v for k, v in wh.items() if k != "created_mono"} for wh in self.webhooks.values()],
                # Runner tokens without their values (never a token here).
                "runner": {"namespaces": dict(self.runner["namespaces"]), "classes": list(self.runner["classes"].values()),
                           "tokens": [{k: v for k, v in t.items() if k != "token"} for t in self.runner["tokens"].values()],
                           "runners": copy.deepcopy(self.runner["runners"]), "tasks": copy.deepcopy(self.runner["tasks"])}}
