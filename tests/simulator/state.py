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
import threading
import time

import data

SUNSET_DATE = "2027-02-01"
DAY_BEFORE_SUNSET = "2027-01-31"
CLOUD = "cloud"
CONFIG_KEYS = ("build_seconds", "retired", "checkout_key_algorithm", "date", "server_version", "page_size",
               "compile_seconds")
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
                 server_version: str | None = CLOUD, page_size: int = 20, compile_seconds: float = 1.0):
        self.lock = threading.RLock()
        self.clock = clock
        # What POST /_sim/reset goes back to (the command line's choices).
        self.defaults = {
            "build_seconds": check_seconds(build_seconds, "build_seconds"), "checkout_key_algorithm": "ed25519",
            "date": None if date is None else check_date(date), "server_version": check_server_version(server_version),
            "page_size": check_page_size(page_size), "compile_seconds": check_seconds(compile_seconds, "compile_seconds"),
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
            self.projects: dict[tuple, dict] = {}
            for vcs_type, username, reponame, following, default_branch in data.PROJECT_SEED:
                self.projects[(vcs_type, username, reponame)] = {
                    "vcs_type": vcs_type, "username": username, "reponame": reponame, "following": following,
                    "default_branch": default_branch, "builds": [], "by_num": {}, "next_num": 1,
                    "branch_last": {}, "envvars": {}, "checkout_keys": [], "ssh_keys": [],
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

    # ------------------------------------------------------------------ projects and builds
    def v1_project(self, vcs: str | None, username: str, reponame: str) -> dict | None:
        """The project of a v1/v1.1 path (``vcs`` already resolved from its aliases), or None."""
        return self.projects.get((vcs, username, reponame))

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
        """A build's lifecycle, status, outcome and times, now."""
        return build_phase(build, self.now())

    def cancel_build(self, build: dict) -> None:
        """Cancel a build that has not finished (a finished one stays as it is)."""
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
                "compile_seconds": self.config["compile_seconds"]}

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
                "envvars": dict(proj["envvars"]), "checkout_keys": copy.deepcopy(proj["checkout_keys"]),
                "ssh_keys": copy.deepcopy(proj["ssh_keys"]),
                # "num" repeats build_num: the name older tests of the collection read.
                "builds": [dict({k: v for k, v in b.items() if k not in hidden}, num=b["build_num"],
                                queued_at=data.iso(b["queued_wall"]), **self.phase(b)) for b in proj["builds"]],
            })
        return {"config": self.public_config(), "user": self.user, "projects": projects, "faults": self.faults,
                "next_outcomes": self.next_outcomes, "request_count": len(self.requests)}
