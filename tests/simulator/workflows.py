# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model behind API v2 pipelines, without HTTP: what a project's config declares
(workflow specs, pipeline parameters) and how a workflow's jobs progress in time.

Nothing here is stored as a status: ``evaluate(workflow, jobs, now)`` computes every job's
status from the monotonic clock, the way v1.1 builds' lifecycles are computed.

A build job with duration D starts when the workflow has appeared (the pipeline's config
compiled) and every job it requires has succeeded: ``queued`` for the first 25 % of D, then
``running``, then its outcome. An approval job is ``on_hold`` from that moment until approved,
then ``success``. A job whose requirement failed (or was canceled, or did not run) is
``not_run``. A job still waiting for its requirements is ``blocked``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BUILD_OUTCOMES = ("success", "failed", "timedout", "infrastructure_fail")
FAILED = ("failed", "timedout", "infrastructure_fail")
BAD = FAILED + ("canceled", "not_run")
TERMINAL = ("success",) + BAD
TEST_RESULTS = ("pass", "fail", "none")
PARAMETER_TYPES = ("string", "boolean", "integer", "enum")
WORKFLOW_KEYS = {"name", "jobs", "outcome", "branches", "tags", "tag"}
JOB_KEYS = {"name", "type", "outcome", "requires", "artifacts", "tests", "seconds", "rerun_outcome"}


@dataclass
class JobView:
    """A job at one moment (monotonic times; None when not known yet)."""

    status: str
    queued: float | None = None  # when it was queued (an approval job: when it went on hold)
    start: float | None = None  # when it started running
    end: float | None = None  # when it finished (or will, for a job already on its way)


# ---------------------------------------------------------------- specs (what a config declares)
def _str_list(value, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("%s must be a list of strings" % what)
    return list(value)


def _regex_list(value, what: str) -> list[str]:
    patterns = _str_list(value, what)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError("%s: invalid regular expression %r: %s" % (what, pattern, exc)) from None
    return patterns


def _normalize_job(spec, wf_name: str, default_outcome: str) -> dict:
    if not isinstance(spec, dict):
        raise ValueError("workflow %s: every job must be an object" % wf_name)
    unknown = set(spec) - JOB_KEYS
    if unknown:
        raise ValueError("workflow %s: unknown job keys: %s" % (wf_name, ", ".join(sorted(unknown))))
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("workflow %s: every job needs a name" % wf_name)
    jtype = spec.get("type", "build")
    if jtype not in ("build", "approval"):
        raise ValueError("job %s: type must be build or approval" % name)
    outcome = spec.get("outcome", default_outcome)
    if outcome not in BUILD_OUTCOMES:
        raise ValueError("job %s: outcome must be one of: %s" % (name, ", ".join(BUILD_OUTCOMES)))
    rerun_outcome = spec.get("rerun_outcome", "success")
    if rerun_outcome not in BUILD_OUTCOMES:
        raise ValueError("job %s: rerun_outcome must be one of: %s" % (name, ", ".join(BUILD_OUTCOMES)))
    tests = spec.get("tests", "fail" if outcome in FAILED else "pass")
    if tests not in TEST_RESULTS:
        raise ValueError("job %s: tests must be one of: %s" % (name, ", ".join(TEST_RESULTS)))
    seconds = spec.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0):
        raise ValueError("job %s: seconds must be a number >= 0" % name)
    return {"name": name, "type": jtype, "outcome": outcome, "rerun_outcome": rerun_outcome,
            "requires": _str_list(spec.get("requires", []), "job %s: requires" % name),
            "artifacts": [] if jtype == "approval" else _str_list(spec.get("artifacts", []), "job %s: artifacts" % name),
            "tests": tests, "seconds": None if seconds is None else float(seconds)}


def _topological(jobs: list[dict], wf_name: str) -> list[dict]:
    by_name = {j["name"]: j for j in jobs}
    for job in jobs:
        for req in job["requires"]:
            if req not in by_name:
                raise ValueError("workflow %s: job %s requires unknown job %s" % (wf_name, job["name"], req))
    ordered, done, remaining = [], set(), list(jobs)
    while remaining:
        ready = [j for j in remaining if all(r in done for r in j["requires"])]
        if not ready:
            raise ValueError("workflow %s: the requires of its jobs form a cycle" % wf_name)
        for job in ready:
            ordered.append(job)
            done.add(job["name"])
        remaining = [j for j in remaining if j["name"] not in done]
    return ordered


def normalize_workflows(specs) -> list[dict]:
    """Validate workflow specs (control API input) and fill in defaults; ValueError with a message.

    A workflow: ``{"name", "jobs": [...] (default: one build job named like the workflow),
    "outcome" (default outcome of its build jobs, default success), "branches": [regex],
    "tags": [regex] (default: every branch / every tag), "tag": "setup" (optional)}``.
    A job: ``{"name", "type": "build"|"approval", "outcome", "requires": [names],
    "artifacts": [paths], "tests": "pass"|"fail"|"none", "seconds", "rerun_outcome"}``.
    """
    if not isinstance(specs, list):
        raise ValueError("workflows must be a list")
    out, names = [], set()
    for spec in specs:
        if not isinstance(spec, dict):
            raise ValueError("every workflow must be an object")
        unknown = set(spec) - WORKFLOW_KEYS
        if unknown:
            raise ValueError("unknown workflow keys: " + ", ".join(sorted(unknown)))
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("every workflow needs a name")
        if name in names:
            raise ValueError("workflow names must be unique: %s" % name)
        names.add(name)
        outcome = spec.get("outcome", "success")
        if outcome not in BUILD_OUTCOMES:
            raise ValueError("workflow %s: outcome must be one of: %s" % (name, ", ".join(BUILD_OUTCOMES)))
        jobs = spec.get("jobs")
        if jobs is None:
            jobs = [{"name": name}]
        if not isinstance(jobs, list) or not jobs:
            raise ValueError("workflow %s: jobs must be a non-empty list" % name)
        normalized = [_normalize_job(j, name, outcome) for j in jobs]
        if len({j["name"] for j in normalized}) != len(normalized):
            raise ValueError("workflow %s: job names must be unique" % name)
        tag = spec.get("tag")
        if tag is not None and not isinstance(tag, str):
            raise ValueError("workflow %s: tag must be a string" % name)
        out.append({
            "name": name, "jobs": _topological(normalized, name), "tag": tag,
            "branches": None if spec.get("branches") is None else _regex_list(spec["branches"], "branches"),
            "tags": None if spec.get("tags") is None else _regex_list(spec["tags"], "tags"),
        })
    return out


def workflow_runs_for(spec: dict, branch: str | None, tag: str | None) -> bool:
    """Whether a workflow spec's filters let it run for a pipeline of this branch or tag."""
    if tag is not None:
        patterns, value = spec.get("tags"), tag
    else:
        patterns, value = spec.get("branches"), branch
    if patterns is None:
        return True
    return any(re.fullmatch(p, value or "") for p in patterns)


def normalize_parameters(declared) -> dict:
    """Validate declared pipeline parameters ``{name: {"type", "default"?, "enum"?}}``; ValueError."""
    if not isinstance(declared, dict):
        raise ValueError("parameters must be an object of name: {type, default, enum}")
    out = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict) or spec.get("type") not in PARAMETER_TYPES:
            raise ValueError("parameter %s: type must be one of: %s" % (name, ", ".join(PARAMETER_TYPES)))
        unknown = set(spec) - {"type", "default", "enum", "description"}
        if unknown:
            raise ValueError("parameter %s: unknown keys: %s" % (name, ", ".join(sorted(unknown))))
        if spec["type"] == "enum" and (not isinstance(spec.get("enum"), list) or not spec["enum"]):
            raise ValueError("parameter %s: an enum needs a non-empty enum list" % name)
        out[name] = dict(spec)
    return out


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"%s"' % value
    return str(value)


def parameter_errors(declared: dict, given: dict) -> list[dict]:
    """Config errors of a pipeline's parameters against the declared ones (empty when fine)."""
    errors = []
    unexpected = [name for name in given if name not in declared]
    if unexpected:
        errors.append({"type": "config", "message": "Unexpected argument(s): " + ", ".join(unexpected)})
    for name, value in given.items():
        spec = declared.get(name)
        if spec is None:
            continue
        ptype = spec["type"]
        if ptype == "enum":
            if value not in spec["enum"]:
                choices = ", ".join(_shown(v) for v in spec["enum"])
                errors.append({"type": "config", "message": "Type error for argument %s: expected type: enum (%s), "
                               "actual value: %s (type %s)" % (name, choices, _shown(value), _type_name(value))})
            continue
        actual = _type_name(value)
        if actual != ptype:
            errors.append({"type": "config", "message": "Type error for argument %s: expected type: %s, "
                           "actual value: %s (type %s)" % (name, ptype, _shown(value), actual)})
    return errors


# ---------------------------------------------------------------- progress in time
def evaluate(workflow: dict, jobs: list[dict], now: float) -> dict[str, JobView]:
    """Every job of a workflow at ``now`` (jobs in topological order), by job id."""
    views: dict[str, JobView] = {}
    for job in jobs:
        fixed = job.get("fixed")
        if fixed is not None:
            views[job["id"]] = JobView(**fixed)
            continue
        deps = [views[d] for d in job["dependencies"]]
        bad = [d for d in deps if d.status in BAD]
        if bad:
            views[job["id"]] = JobView("not_run", end=max(d.end for d in bad))
            continue
        ends = [d.end for d in deps]
        ready = None if any(e is None for e in ends) else max([workflow["visible_mono"]] + ends)
        if ready is None or now < ready:
            # Blocked; a build job's times are already known when its requirements are on their way.
            if ready is not None and job["type"] == "build":
                views[job["id"]] = JobView("blocked", end=ready + job["duration"])
            else:
                views[job["id"]] = JobView("blocked")
            continue
        if job["type"] == "approval":
            approved = job.get("approved_mono")
            if approved is None:
                views[job["id"]] = JobView("on_hold", queued=ready)
            else:
                views[job["id"]] = JobView("success", queued=ready, start=ready, end=max(ready, approved))
            continue
        dur = job["duration"]
        start, end = ready + 0.25 * dur, ready + dur
        if now < start:
            status = "queued"
        elif now < end:
            status = "running"
        else:
            status = job["outcome"]
        views[job["id"]] = JobView(status, queued=ready, start=start, end=end)
    return views


def frozen(view: JobView, now: float, status: str | None = None) -> dict:
    """A job's view fixed at ``now`` (for a cancel: ``status="canceled"`` unless it had finished)."""
    if view.status in TERMINAL and view.end is not None and view.end <= now:
        return {"status": view.status, "queued": view.queued, "start": view.start, "end": view.end}
    queued = view.queued if view.queued is not None and view.queued <= now else None
    start = view.start if view.start is not None and view.start <= now else None
    return {"status": status or view.status, "queued": queued, "start": start, "end": now}


def workflow_status(views: list[JobView], canceled: bool) -> tuple[str, float | None]:
    """(status, stopped) of a workflow from its jobs' views; stopped is None until it has finished."""
    statuses = [v.status for v in views]
    if all(s in TERMINAL for s in statuses):
        stopped = max([v.end for v in views if v.end is not None], default=None)
        if canceled or "canceled" in statuses:
            return "canceled", stopped
        if any(s in FAILED for s in statuses):
            return "failed", stopped
        return "success", stopped
    moving = any(s in ("queued", "running") for s in statuses)
    if not moving and "on_hold" in statuses:
        return "on_hold", None
    if any(s in FAILED for s in statuses):
        return "failing", None
    return "running", None
