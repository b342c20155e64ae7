# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Outbound webhook deliveries: the events of finished jobs and workflows, signed and POSTed to
the webhooks of their project (routes_v2_webhooks manages the webhooks).

Statuses are computed when read (workflows.py), so nothing "reaches" a final status by itself:
``notice`` runs whenever a workflow's status is computed (``SimState.on_workflow_view``), and a
ticker thread computes the status of every unfinished workflow every ``TICK`` seconds while
webhooks exist, so an event leaves shortly after its job or workflow ends even when nobody
reads. An event goes to the webhooks of the project, subscribed to its type, that existed when
the job or workflow ended (by the simulator's clock).

Each delivery is posted from its own thread, never holding the state lock while it posts:
``webhook_timeout_seconds`` per attempt, and after a non-2xx answer or none, the retries of
``webhook_retry_seconds`` (both in ``/_sim/config``) with the same body and event id. Every
attempt is recorded in ``SimState.deliveries`` (``GET /_sim/deliveries``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import ssl
import threading
import time
import uuid
from urllib.parse import urlsplit

import data
import workflows

TICK = 0.05
USER_AGENT = "CircleCI-Webhook/1.0"
EVENT_TYPES = ("workflow-completed", "job-completed")
# The job statuses a job-completed event carries are success, failed, canceled and unauthorized:
# the simulator's other failures (timedout, infrastructure_fail) are sent as failed.
JOB_EVENT_STATUS = {"success": "success", "failed": "failed", "timedout": "failed",
                    "infrastructure_fail": "failed", "canceled": "canceled"}


def long_slug(proj: dict) -> str:
    """The payload's project slug is the long form: ``github/acme/app``, ``bitbucket/acme/lib``,
    ``circleci/<org-id>/<project-id>``."""
    return "%s/%s/%s" % (proj["vcs_type"], proj["username"], proj["reponame"])


def go_time(iso: str) -> str:
    """An ISO time in Go's time format, as recorded GitHub App payloads carry ``event_time``:
    ``2024-12-18 17:23:29.36 +0000 UTC`` (fraction without trailing zeros, none when zero)."""
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ")
    fraction = ("%06d" % moment.microsecond).rstrip("0")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + ("." + fraction if fraction else "") + " +0000 UTC"


def signature(secret: str, body: bytes) -> str:
    """The ``circleci-signature`` header: ``v1=`` + the hex HMAC-SHA256 of the raw body keyed by the secret."""
    return "v1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- payloads
def _pipeline_part(state, proj: dict, pipeline: dict) -> dict:
    """The payload's ``pipeline``: ``vcs`` for GitHub OAuth and Bitbucket Cloud projects;
    ``trigger_parameters`` instead for GitHub App (``circleci/``) projects."""
    wall = state.wall_clock(pipeline)
    created = wall(pipeline["mono0"])
    out = {"id": pipeline["id"], "number": pipeline["number"], "created_at": created, "trigger": {"type": "api"}}
    if proj["vcs_type"] == "circleci":
        ref = "refs/tags/%s" % pipeline["tag"] if pipeline["tag"] is not None else "refs/heads/%s" % pipeline["branch"]
        out["trigger_parameters"] = {
            "circleci": {"event_type": "api", "trigger_type": "api", "event_time": go_time(created),
                         "actor_id": data.USER_ID},
            "git": {"branch": pipeline["branch"] or "", "tag": pipeline["tag"] or "", "ref": ref,
                    "checkout_sha": pipeline["revision"], "checkout_url": proj["vcs_url"] + ".git"},
            "github_app": {"ref": ref, "branch": pipeline["branch"] or "", "checkout_sha": pipeline["revision"],
                           "repo_name": proj["vcs_url"].split("/", 3)[-1], "repo_url": proj["vcs_url"],
                           "web_url": proj["vcs_url"], "user_name": data.USER_SEED["name"]},
        }
        return out
    person = {"name": data.USER_SEED["name"], "email": data.USER_SEED["selected_email"]}
    vcs = {"provider_name": data.PROVIDER[proj["vcs_type"]], "origin_repository_url": proj["vcs_url"],
           "target_repository_url": proj["vcs_url"], "revision": pipeline["revision"],
           "commit": {"subject": "Pipeline %d" % pipeline["number"], "body": "", "author": dict(person),
                      "authored_at": created, "committer": dict(person), "committed_at": created}}
    if pipeline["tag"] is not None:
        vcs["tag"] = pipeline["tag"]
    else:
        vcs["branch"] = pipeline["branch"]
    out["vcs"] = vcs
    return out


def payload(state, wf: dict, event_type: str, happened_mono: float, webhook: dict, *, stopped: float | None,
            status: str | None = None, job: dict | None = None, view=None) -> dict:
    """One event's body (both events): id, type, happened_at, webhook, project, organization,
    pipeline, workflow (its status only in workflow-completed; stopped_at null while it runs)
    and, for job-completed, job."""
    pipeline = state.pipelines[wf["pipeline_id"]]
    proj = state.projects[pipeline["project_key"]]
    org = state.organization_of(proj)
    wall = state.wall_clock(wf)
    workflow = {"id": wf["id"], "name": wf["name"]}
    if job is None:
        workflow["status"] = status
    workflow.update(created_at=wall(wf["visible_mono"]),
                    stopped_at=wall(stopped) if stopped is not None and stopped <= happened_mono else None,
                    url="https://app.circleci.com/pipelines/%s/%d/workflows/%s" % (
                        long_slug(proj), pipeline["number"], wf["id"]))
    body = {"id": str(uuid.uuid4()), "type": event_type, "happened_at": wall(happened_mono),
            "webhook": {"id": webhook["id"], "name": webhook["name"]},
            "project": {"id": proj["id"], "name": proj["name"], "slug": long_slug(proj)},
            "organization": {"id": org["id"], "name": org["name"]},
            "pipeline": _pipeline_part(state, proj, pipeline), "workflow": workflow}
    if job is not None:
        body["job"] = {"id": job["id"], "number": job["job_number"], "name": job["name"],
                       "status": JOB_EVENT_STATUS[view.status], "started_at": wall(view.start),
                       "stopped_at": wall(view.end)}
    return body


def ping_payload(webhook: dict) -> dict:
    """A test ping sends ``{type: "ping", id, happened_at, webhook: {id, name}}`` only."""
    return {"type": "ping", "id": str(uuid.uuid4()), "happened_at": data.iso(datetime.datetime.now(datetime.timezone.utc)),
            "webhook": {"id": webhook["id"], "name": webhook["name"]}}


# ---------------------------------------------------------------- the deliverer
class Deliverer:
    """Notices finished jobs and workflows, and delivers their events (one per app)."""

    def __init__(self, state):
        self.state = state
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        state.on_workflow_view = self.notice

    # ------------------------------------------------------------ noticing (under the state lock)
    def notice(self, wf: dict, status: str, stopped: float | None, views: dict) -> None:
        """Called (state lock held) each time a workflow's status is computed: the build jobs that
        ran and have just ended send job-completed, the workflow that has just ended workflow-completed.
        A job copied into a rerun as it ended (its build belongs to the job it was copied from) did
        not run again and sends nothing, nor does a job that did not run or was canceled before it
        was queued; approval jobs (no job number, no executor) send nothing."""
        if wf.get("webhook_done"):
            return
        state = self.state
        pipeline = state.pipelines[wf["pipeline_id"]]
        proj = state.projects[pipeline["project_key"]]
        now = state.now()
        events = []
        for job in state.workflow_jobs(wf):
            view = views[job["id"]]
            if job.get("webhook_done") or view.status not in workflows.TERMINAL or view.end is None or view.end > now:
                continue
            job["webhook_done"] = True
            build = proj["by_num"].get(job["job_number"]) if job["job_number"] is not None else None
            ran = build is not None and build.get("job_id") == job["id"]
            started = view.status != "canceled" or view.queued is not None
            if job["type"] == "build" and ran and started and view.status in JOB_EVENT_STATUS:
                events.append((view.end, "job-completed", {"job": job, "view": view}))
        if stopped is not None:
            wf["webhook_done"] = True
            events.append((stopped, "workflow-completed", {"status": status}))
        if not events or not state.webhooks:
            return
        hooks = [wh for wh in state.webhooks.values() if wh["scope"]["id"] == proj["id"]]
        for happened, event_type, extra in sorted(events, key=lambda e: (e[0], e[1] == "workflow-completed")):
            for webhook in hooks:
                if event_type in webhook["events"] and webhook["created_mono"] <= happened:
                    self.send(payload(state, wf, event_type, happened, webhook, stopped=stopped, **extra), webhook)

    def scan(self) -> None:
        """Compute the status of every workflow not yet finished (``notice`` does the rest)."""
        state = self.state
        for wf in list(state.workflows.values()):
            if not wf.get("webhook_done"):
                state.workflow_view(wf)

    def ensure_ticker(self) -> None:
        """Start the ticker (state lock held); it stops by itself once no webhook is left."""
        if self._ticker is None and not self._stop.is_set():
            self._ticker = threading.Thread(target=self._tick, name="circleci-simulator-webhooks", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self.state.lock:
                if not self.state.webhooks:
                    self._ticker = None
                    return
                self.scan()

    def close(self) -> None:
        """Stop the ticker and every retry still waiting (the server is going away)."""
        self._stop.set()

    # ------------------------------------------------------------ sending
    def send(self, body: dict, webhook: dict, redelivery: bool = False) -> str:
        """Keep an event (its exact bytes, for redelivery) and deliver it from a new thread
        (state lock held). Returns the event id."""
        state = self.state
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode("utf-8")
        event = json.loads(raw.decode("utf-8"))
        event_id = event["id"]
        state.events.setdefault(event_id, {"id": event_id, "type": event["type"], "webhook_id": webhook["id"],
                                           "body": raw})
        thread = threading.Thread(target=self._deliver, args=(event_id, state.webhook_epoch, redelivery),
                                  name="circleci-simulator-delivery", daemon=True)
        thread.start()
        return event_id

    def redeliver(self, event_id: str) -> str | None:
        """Send a kept event again: the same id and body, signed with the webhook's secret now
        (state lock held). None when the event or its webhook is unknown."""
        event = self.state.events.get(event_id)
        webhook = self.state.webhooks.get(event["webhook_id"]) if event else None
        if webhook is None:
            return None
        return self.send(event["body"], webhook, redelivery=True)

    def ping(self, webhook: dict) -> str:
        return self.send(ping_payload(webhook), webhook)

    def _context(self, verify: bool, cafile: str | None) -> ssl.SSLContext:
        if not verify:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        # The CA the simulator was given (--webhook-ca, /_sim/config webhook_ca), else the system's.
        return ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()

    def _attempt(self, url: str, body: bytes, headers: dict, verify: bool, cafile: str | None,
                 timeout: float) -> tuple[int | None, str | None]:
        """POST once: (status, None) when answered, (None, error) when not."""
        parts = urlsplit(url)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        conn = None
        try:
            conn = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=timeout,
                                               context=self._context(verify, cafile))
            conn.request("POST", target, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            return resp.status, None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return None, "%s: %s" % (type(exc).__name__, exc)
        finally:
            if conn is not None:
                conn.close()

    def _deliver(self, event_id: str, epoch: int, redelivery: bool) -> None:
        state = self.state
        attempt = 0
        while True:
            attempt += 1
            with state.lock:
                if state.webhook_epoch != epoch:
                    return
                event = state.events[event_id]
                webhook = state.webhooks.get(event["webhook_id"])
                pauses = list(state.config["webhook_retry_seconds"])
                timeout = state.config["webhook_timeout_seconds"]
                cafile = state.config["webhook_ca"]
                record = {"webhook_id": event["webhook_id"], "event_id": event_id, "event_type": event["type"],
                          "url": webhook["url"] if webhook else None, "attempt": attempt, "redelivery": redelivery,
                          "at": data.iso(datetime.datetime.now(datetime.timezone.utc)), "status": None, "error": None}
                if webhook is None:
                    record.update(error="the webhook was deleted", ok=False, final=True)
                    state.deliveries.append(record)
                    return
                headers = {"content-type": "application/json", "user-agent": USER_AGENT,
                           "circleci-event-type": event["type"]}
                if webhook["signing_secret"]:
                    headers["circleci-signature"] = signature(webhook["signing_secret"], event["body"])
                url, verify, body = webhook["url"], webhook["verify_tls"], event["body"]
            started = time.monotonic()
            status, error = self._attempt(url, body, headers, verify, cafile, timeout)
            ok = status is not None and 200 <= status < 300
            final = ok or attempt > len(pauses)
            with state.lock:
                if state.webhook_epoch != epoch:
                    return
                record.update(status=status, error=error, ok=ok, final=final,
                              seconds=round(time.monotonic() - started, 3))
                state.deliveries.append(record)
            if final or self._stop.wait(pauses[attempt - 1]):
                return
