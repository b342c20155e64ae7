# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v2_webhooks and deliveries: the webhook API (CRUD, every refusal, snake_case keys read
and hyphenated ones ignored, the write-only secret), and signed deliveries to a real loopback
HTTPS listener this file starts (its own CA), with retries, redelivery and ping. In-process
(Flask test client, fake clock), plus one real server process for --webhook-ca."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import ipaddress
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sim_testlib import PROJECT_TOKEN, SIM_DATE, SIM_DIR, TOKEN, AppClient

import data  # pylint: disable=import-error

APP_ID = data.PROJ_APP
WEBAPP_ID = data.PROJ_WEBAPP
RUN = "/project/gh/acme/app/pipeline/run"
BOTH = ["workflow-completed", "job-completed"]
ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FAST = {"webhook_retry_seconds": [0.05, 0.05, 0.05], "webhook_timeout_seconds": 2}


def v1_signature(secret: str, body: bytes) -> str:
    """What a receiver checks: the hex HMAC-SHA256 of the raw body keyed by the secret."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def test_signature_algorithm_matches_the_published_vectors():
    import deliveries  # pylint: disable=import-error,import-outside-toplevel

    vectors = [(b"hello world", "secret", "734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a"),
               (b"an-important-request-payload", "hunter123",
                "9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa")]
    for body, secret, expected in vectors:
        assert v1_signature(secret, body) == expected
        assert deliveries.signature(secret, body) == "v1=" + expected


# ---------------------------------------------------------------- a CA, certificates, a listener
def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(subject, issuer, public_key, signing_key, ca: bool):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    else:
        builder = (builder.add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(folder, name: str) -> dict:
    """A CA and a server certificate for 127.0.0.1 it signed, as PEM files in ``folder``."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = _cert(_name(name + " CA"), _name(name + " CA"), ca_key.public_key(), ca_key, ca=True)
    cert = _cert(_name("127.0.0.1"), ca_cert.subject, key.public_key(), ca_key, ca=False)
    paths = {part: str(folder / ("%s-%s.pem" % (name, part))) for part in ("ca", "cert", "key")}
    with open(paths["ca"], "wb") as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["cert"], "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["key"], "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    return {"trusted": make_pki(folder, "trusted"), "untrusted": make_pki(folder, "untrusted")}


class Listener:
    """A loopback HTTPS server that records every POST (path, lower-cased headers, raw body) and
    answers the scripted statuses in turn (then 200); ``silent``: it never answers."""

    def __init__(self, paths: dict, statuses=(), silent: bool = False):
        self.received: list[dict] = []
        self.statuses = list(statuses)
        self.silent = silent
        self.closing = threading.Event()
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # pylint: disable=invalid-name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                listener.received.append({"path": self.path, "body": body,
                                          "headers": {k.lower(): v for k, v in self.headers.items()}})
                if listener.silent:
                    listener.closing.wait(10)
                    return
                status = listener.statuses.pop(0) if listener.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # pylint: disable=arguments-differ
                return None

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                return None  # a client that refuses our certificate is expected

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(paths["cert"], paths["key"])
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.url = "https://127.0.0.1:%d/hooks/circleci" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture()
def listeners(pki):
    made = []

    def make(kind: str = "trusted", **kwargs) -> Listener:
        made.append(Listener(pki[kind], **kwargs))
        return made[-1]
    yield make
    for listener in made:
        listener.close()


@pytest.fixture()
def client(pki):  # pylint: disable=redefined-outer-name
    """The app in-process, trusting the test CA, with fast retries."""
    app = AppClient(webhook_ca=pki["trusted"]["ca"])
    app.control("POST", "/config", json=FAST)
    yield app
    app.state.deliverer.close()


def wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def deliveries(client, **query) -> list[dict]:
    return client.control("GET", "/deliveries", query_string=query).get_json()


def settled(client, count: int, timeout: float = 5.0) -> list[dict]:
    """The delivery log once ``count`` deliveries have had their last attempt."""
    wait_for(lambda: len([d for d in deliveries(client) if d["final"]]) >= count, timeout)
    time.sleep(0.1)  # nothing more should follow
    return deliveries(client)


def create(client, url="https://hooks.example.com/circleci", project=APP_ID, expect=201, **fields):
    body = {"name": "deploy-hook", "events": BOTH, "url": url, "verify_tls": True, "signing_secret": "s3cret",
            "scope": {"id": project, "type": "project"}}
    body.update(fields)
    resp = client.v2("POST", "/webhook", json={k: v for k, v in body.items() if v is not None})
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


def finish_pipeline(client, workflows=None, project="gh/acme/app", advance: float = 100.0):
    """Trigger a pipeline whose workflows are ``workflows`` (default: the project's config) and
    move the clock until every one of them has finished."""
    if workflows is not None:
        client.control("POST", "/pipelines/next", json={"workflows": workflows, "project": project})
    run = "/project/%s/pipeline/run" % project
    resp = client.v2("POST", run, json={})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    client.advance(advance)
    return resp.get_json()


def listed(client, project=APP_ID):
    resp = client.v2("GET", "/webhook", query_string={"scope-id": project, "scope-type": "project"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


# ---------------------------------------------------------------- the API
def test_create_get_list_update_delete(client):
    hook = create(client)
    assert set(hook) == {"id", "name", "events", "url", "verify_tls", "signing_secret", "scope", "created_at",
                         "updated_at"}
    assert UUID_RE.match(hook["id"]) and ISO_RE.match(hook["created_at"]) and hook["updated_at"] == hook["created_at"]
    assert (hook["name"], hook["events"], hook["url"], hook["verify_tls"], hook["signing_secret"], hook["scope"]) == (
        "deploy-hook", BOTH, "https://hooks.example.com/circleci", True, "****", {"id": APP_ID, "type": "project"})
    assert client.v2("GET", "/webhook/" + hook["id"]).get_json() == hook
    assert listed(client) == {"items": [hook], "next_page_token": None}
    assert listed(client, project=data.PROJ_LIB) == {"items": [], "next_page_token": None}

    time.sleep(0.002)
    resp = client.v2("PUT", "/webhook/" + hook["id"], json={
        "name": "renamed", "events": ["job-completed"], "url": "https://other.example.com/x", "verify_tls": False,
        "scope": {"id": data.PROJ_LIB, "type": "project"}})
    assert resp.status_code == 200
    updated = resp.get_json()
    assert (updated["name"], updated["events"], updated["url"], updated["verify_tls"]) == (
        "renamed", ["job-completed"], "https://other.example.com/x", False)
    assert updated["scope"] == {"id": APP_ID, "type": "project"}, "the scope cannot be changed"
    assert updated["signing_secret"] == "****", "a PUT without a secret keeps it"
    assert updated["created_at"] == hook["created_at"] and updated["updated_at"] > hook["updated_at"]
    assert listed(client)["items"] == [updated]

    resp = client.v2("DELETE", "/webhook/" + hook["id"])
    assert resp.status_code == 200 and resp.get_json() == {"message": "Webhook deleted."}
    assert listed(client)["items"] == []
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        resp = client.v2(method, "/webhook/" + hook["id"], json=body)
        assert resp.status_code == 404 and resp.get_json() == {"message": "Webhook not found"}


def test_snake_case_keys_are_read_and_hyphenated_ones_ignored(client):
    # CircleCI's field engineers report that the service reads verify_tls / signing_secret and
    # silently ignores verify-tls / signing-secret: a webhook created with signing-secret has no secret.
    hyphen = create(client, name="hyphen", verify_tls=None, signing_secret=None,
                    **{"signing-secret": "s3cret", "verify-tls": False})
    assert hyphen["signing_secret"] == "" and hyphen["verify_tls"] is True
    both = create(client, name="both", verify_tls=False, **{"signing-secret": "s3cret", "verify-tls": True})
    assert both["signing_secret"] == "****" and both["verify_tls"] is False
    state = {w["id"]: w for w in client.control("GET", "/state").get_json()["webhooks"]}
    assert state[hyphen["id"]]["signing_secret"] == "" and state[both["id"]]["signing_secret"] == "s3cret"

    # On update too: a hyphenated secret changes nothing; signing_secret "" removes the secret.
    resp = client.v2("PUT", "/webhook/" + hyphen["id"], json={"signing-secret": "later", "verify-tls": False})
    assert resp.status_code == 200 and (resp.get_json()["signing_secret"], resp.get_json()["verify_tls"]) == ("", True)
    resp = client.v2("PUT", "/webhook/" + hyphen["id"], json={"signing_secret": "later"})
    assert resp.get_json()["signing_secret"] == "****"
    assert client.v2("GET", "/webhook/" + hyphen["id"]).get_json()["signing_secret"] == "****"
    resp = client.v2("PUT", "/webhook/" + both["id"], json={"signing_secret": ""})
    assert resp.get_json()["signing_secret"] == ""


def test_the_secret_is_never_shown_nor_logged(client):
    hook = create(client, signing_secret="top-secret-value", **{"signing-secret": "top-secret-value"})
    client.v2("PUT", "/webhook/" + hook["id"], json={"signing_secret": "second-secret-value"})
    answers = [client.v2("GET", "/webhook/" + hook["id"]).get_data(as_text=True),
               client.v2("GET", "/webhook", query_string={"scope-id": APP_ID, "scope-type": "project"}).get_data(
                   as_text=True)]
    log = json.dumps(client.log())
    for text in answers + [log]:
        assert "top-secret-value" not in text and "second-secret-value" not in text
    assert client.log()[0]["body"]["signing_secret"] == "***" and client.log()[0]["body"]["signing-secret"] == "***"


@pytest.mark.parametrize("change,message", [
    ({"url": "http://hooks.example.com/x"}, "url must be an https:// URL"),
    ({"url": "ftp://hooks.example.com/x"}, "url must be an https:// URL"),
    ({"url": "https:///nohost"}, "url must be an https:// URL"),
    ({"url": "https://hooks.example.com:99999/x"}, "url must be an https:// URL"),
    ({"url": None}, "url must be an https:// URL"),
    ({"events": ["workflow-completed", "build-completed"]}, "events must be a non-empty list of"),
    ({"events": ["ping"]}, "events must be a non-empty list of"),
    ({"events": []}, "events must be a non-empty list of"),
    ({"events": "workflow-completed"}, "events must be a non-empty list of"),
    ({"name": None}, "name must be a non-empty string"),
    ({"name": " "}, "name must be a non-empty string"),
    ({"verify_tls": "yes"}, "verify_tls must be true or false"),
    ({"signing_secret": 12345}, "signing_secret must be a string"),
    ({"scope": None}, "scope must be an object"),
    ({"scope": {"id": APP_ID, "type": "organization"}}, 'scope type must be "project"'),
    ({"scope": {"type": "project"}}, "scope id must be the UUID of a project"),
])
def test_create_refusals(client, change, message):
    assert create(client, expect=400, **change)["message"].startswith(message)
    assert listed(client)["items"] == []


def test_a_body_that_is_no_object_is_refused(client):
    resp = client.v2("POST", "/webhook", json=["not", "an", "object"])
    assert resp.status_code == 400 and resp.get_json() == {"message": "The request body must be a JSON object"}


def test_update_refusals_change_nothing(client):
    hook = create(client)
    for body in ({"url": "http://hooks.example.com/x"}, {"events": ["nope"]}, {"name": ""}, {"verify_tls": 1},
                 {"signing_secret": None}, []):
        resp = client.v2("PUT", "/webhook/" + hook["id"], json=body)
        assert resp.status_code == 400 and resp.get_json()["message"]
    assert client.v2("GET", "/webhook/" + hook["id"]).get_json() == hook


def test_unknown_project_in_scope_is_not_found(client):
    nobody = "00000000-0000-4000-8000-000000000000"
    assert create(client, project=nobody, expect=404) == {"message": "Project not found"}
    resp = client.v2("GET", "/webhook", query_string={"scope-id": nobody, "scope-type": "project"})
    assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}


def test_at_most_five_webhooks_per_project(client):
    hooks = [create(client, name="hook-%d" % i) for i in range(5)]
    resp = client.v2("POST", "/webhook", json={"name": "sixth", "events": BOTH, "url": "https://h.example.com/",
                                               "scope": {"id": APP_ID, "type": "project"}})
    assert resp.status_code == 400 and resp.get_json() == {"message": "A project can have at most 5 webhooks"}
    assert [h["name"] for h in listed(client)["items"]] == ["hook-%d" % i for i in range(5)]
    assert listed(client)["next_page_token"] is None
    create(client, project=data.PROJ_LIB, name="other-project")  # the limit is per project
    client.v2("DELETE", "/webhook/" + hooks[0]["id"])
    create(client, name="again")


@pytest.mark.parametrize("query", [{}, {"scope-id": APP_ID}, {"scope-type": "project"},
                                   {"scope-id": APP_ID, "scope-type": "organization"}])
def test_list_needs_scope_id_and_project_type(client, query):
    resp = client.v2("GET", "/webhook", query_string=query)
    assert resp.status_code == 400 and resp.get_json()["message"]


def test_tokens(client):
    hook = create(client)
    assert client.v2("GET", "/webhook/" + hook["id"], token=None).status_code == 401
    resp = client.v2("GET", "/webhook/" + hook["id"], token=PROJECT_TOKEN)
    assert resp.status_code == 404
    resp = client.v2("POST", "/webhook", token=PROJECT_TOKEN, json={})
    assert resp.status_code == 404 and listed(client)["items"] == [hook]


def test_reset_removes_webhooks_and_deliveries(client, listeners):
    listener = listeners()
    hook = create(client, url=listener.url)
    client.control("POST", "/webhooks/ping/" + hook["id"])
    settled(client, 1)
    client.control("POST", "/reset")
    assert listed(client)["items"] == [] and deliveries(client) == []
    assert client.control("GET", "/state").get_json()["webhooks"] == []


# ---------------------------------------------------------------- deliveries
def _by_type(listener) -> dict:
    out: dict = {}
    for request in listener.received:
        out.setdefault(json.loads(request["body"])["type"], []).append(request)
    return out


def test_a_finished_workflow_delivers_signed_events(client, listeners):
    listener = listeners()
    hook = create(client, url=listener.url, signing_secret="s3cret")
    only_workflows = create(client, name="only-workflows", url=listener.url, events=["workflow-completed"],
                            signing_secret="")
    create(client, name="other-project", url=listener.url, project=data.PROJ_LIB)
    pipeline = finish_pipeline(client)
    log = settled(client, 4)
    assert len(listener.received) == 4 and all(d["ok"] and d["status"] == 200 and d["attempt"] == 1 for d in log)

    received = [r for r in listener.received if json.loads(r["body"])["webhook"]["id"] == hook["id"]]
    assert sorted(json.loads(r["body"])["type"] for r in received) == ["job-completed", "job-completed",
                                                                       "workflow-completed"]
    for request in received:
        headers, body = request["headers"], request["body"]
        event = json.loads(body)
        assert request["path"] == "/hooks/circleci"
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"] == "CircleCI-Webhook/1.0"
        assert headers["circleci-event-type"] == event["type"]
        assert headers["circleci-signature"] == "v1=" + v1_signature("s3cret", body)
        assert headers["circleci-signature"] != "v1=" + v1_signature("wrong", body)
    plain = [r for r in listener.received if json.loads(r["body"])["webhook"]["id"] == only_workflows["id"]]
    assert len(plain) == 1 and json.loads(plain[0]["body"])["type"] == "workflow-completed"
    assert "circleci-signature" not in plain[0]["headers"], "no secret, no signature"

    events = {e["type"] + ":" + e.get("job", {}).get("name", ""): e for e in (json.loads(r["body"]) for r in received)}
    workflow_event = events["workflow-completed:"]
    assert set(workflow_event) == {"id", "type", "happened_at", "webhook", "project", "organization", "pipeline",
                                   "workflow"}
    assert UUID_RE.match(workflow_event["id"]) and ISO_RE.match(workflow_event["happened_at"])
    assert workflow_event["webhook"] == {"id": hook["id"], "name": "deploy-hook"}
    assert workflow_event["project"] == {"id": APP_ID, "name": "app", "slug": "github/acme/app"}
    assert workflow_event["organization"] == {"id": data.ORG_GH_ACME, "name": "acme"}
    api_pipeline = client.v2("GET", "/pipeline/" + pipeline["id"]).get_json()
    part = workflow_event["pipeline"]
    assert set(part) == {"id", "number", "created_at", "trigger", "vcs"}
    assert (part["id"], part["number"], part["created_at"], part["trigger"]) == (
        pipeline["id"], 1, pipeline["created_at"], {"type": "api"})
    vcs = part["vcs"]
    assert (vcs["provider_name"], vcs["origin_repository_url"], vcs["target_repository_url"], vcs["revision"],
            vcs["branch"]) == ("GitHub", "https://github.com/acme/app", "https://github.com/acme/app",
                               api_pipeline["vcs"]["revision"], "main")
    assert set(vcs["commit"]) == {"subject", "body", "author", "authored_at", "committer", "committed_at"}
    assert set(vcs["commit"]["author"]) == {"name", "email"} and "tag" not in vcs
    api_workflow = client.v2("GET", "/pipeline/%s/workflow" % pipeline["id"]).get_json()["items"][0]
    assert workflow_event["workflow"] == {
        "id": api_workflow["id"], "name": "build-and-test", "status": "success",
        "created_at": api_workflow["created_at"], "stopped_at": api_workflow["stopped_at"],
        "url": "https://app.circleci.com/pipelines/github/acme/app/1/workflows/" + api_workflow["id"]}
    assert workflow_event["happened_at"] == api_workflow["stopped_at"]

    jobs = {j["name"]: j for j in client.v2("GET", "/workflow/%s/job" % api_workflow["id"]).get_json()["items"]}
    for name in ("build", "test"):
        event = events["job-completed:" + name]
        assert set(event) == set(workflow_event) | {"job"}
        assert "status" not in event["workflow"], "a job event carries no workflow status"
        assert event["job"] == {"id": jobs[name]["id"], "number": jobs[name]["job_number"], "name": name,
                                "status": "success", "started_at": jobs[name]["started_at"],
                                "stopped_at": jobs[name]["stopped_at"]}
        assert event["happened_at"] == jobs[name]["stopped_at"]
    assert events["job-completed:build"]["workflow"]["stopped_at"] is None, "the workflow still ran"
    assert events["job-completed:test"]["workflow"]["stopped_at"] == api_workflow["stopped_at"]
    assert len({json.loads(r["body"])["id"] for r in listener.received}) == 4, "every event has its own id"

    record = deliveries(client, event_id=workflow_event["id"])
    assert record == [dict(record[0], webhook_id=hook["id"], event_id=workflow_event["id"],
                           event_type="workflow-completed", url=listener.url, attempt=1, status=200, error=None,
                           ok=True, final=True, redelivery=False)]


def test_failed_workflow_and_jobs(client, listeners):
    listener = listeners()
    create(client, url=listener.url)
    finish_pipeline(client, workflows=[{"name": "build-and-deploy", "jobs": [
        {"name": "build", "outcome": "timedout"}, {"name": "deploy", "requires": ["build"]}]},
        {"name": "lint", "outcome": "failed"}])
    settled(client, 4)
    events = _by_type(listener)
    workflows_done = {json.loads(r["body"])["workflow"]["name"]: json.loads(r["body"])["workflow"]["status"]
                      for r in events["workflow-completed"]}
    assert workflows_done == {"build-and-deploy": "failed", "lint": "failed"}
    jobs = sorted((json.loads(r["body"])["job"]["name"], json.loads(r["body"])["job"]["status"])
                  for r in events["job-completed"])
    # deploy did not run (its requirement failed): no event; timedout is sent as failed.
    assert jobs == [("build", "failed"), ("lint", "failed")]


def _summary(listener) -> list:
    return sorted((e["type"], e.get("job", {}).get("name"), e.get("job", e["workflow"]).get("status"))
                  for e in listener.events())


def test_canceled_workflows_and_approval_jobs(client, listeners):
    listener = listeners()
    create(client, url=listener.url)
    pipeline = finish_pipeline(client, workflows=[{"name": "release", "jobs": [
        {"name": "build"}, {"name": "hold", "type": "approval", "requires": ["build"]},
        {"name": "deploy", "requires": ["hold"]}]}])
    wf = client.v2("GET", "/pipeline/%s/workflow" % pipeline["id"]).get_json()["items"][0]
    assert wf["status"] == "on_hold"
    settled(client, 1)
    assert _summary(listener) == [("job-completed", "build", "success")]
    client.v2("POST", "/workflow/%s/cancel" % wf["id"])
    settled(client, 2)
    # The approval job (no job number, no executor) and deploy (canceled before it started) send no job event.
    assert _summary(listener) == [("job-completed", "build", "success"), ("workflow-completed", None, "canceled")]

    # A running job that is canceled sends its job-completed, canceled.
    client.control("POST", "/pipelines/next", json={"workflows": [{"name": "slow", "jobs": [
        {"name": "compile", "seconds": 20}]}]})
    pipeline = client.v2("POST", RUN, json={}).get_json()
    client.advance(10)
    wf = client.v2("GET", "/pipeline/%s/workflow" % pipeline["id"]).get_json()["items"][0]
    assert wf["status"] == "running"
    client.v2("POST", "/workflow/%s/cancel" % wf["id"])
    settled(client, 4)
    assert _summary(listener) == [("job-completed", "build", "success"), ("job-completed", "compile", "canceled"),
                                  ("workflow-completed", None, "canceled"), ("workflow-completed", None, "canceled")]


def test_a_rerun_sends_events_for_the_jobs_that_ran_again(client, listeners):
    listener = listeners()
    create(client, url=listener.url)
    pipeline = finish_pipeline(client, workflows=[{"name": "ci", "jobs": [
        {"name": "build"}, {"name": "test", "requires": ["build"], "outcome": "failed"}]}])
    settled(client, 3)
    wf = client.v2("GET", "/pipeline/%s/workflow" % pipeline["id"]).get_json()["items"][0]
    resp = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={"from_failed": True})
    assert resp.status_code == 202
    client.advance(100)
    settled(client, 5)
    # build was copied into the rerun as it ended: it did not run again and sends nothing.
    assert _summary(listener) == [("job-completed", "build", "success"), ("job-completed", "test", "failed"),
                                  ("job-completed", "test", "success"), ("workflow-completed", None, "failed"),
                                  ("workflow-completed", None, "success")]


def test_only_webhooks_that_existed_when_it_ended(client, listeners):
    listener = listeners()
    finish_pipeline(client)
    create(client, url=listener.url)
    time.sleep(0.3)
    assert listener.received == [] and deliveries(client) == []


def test_github_app_project_carries_trigger_parameters(client, listeners):
    listener = listeners()
    create(client, url=listener.url, project=WEBAPP_ID, events=["workflow-completed"])
    finish_pipeline(client, project="circleci/%s/%s" % (data.ORG_CLOUD, WEBAPP_ID))
    settled(client, 1)
    event = listener.events()[0]
    assert event["project"] == {"id": WEBAPP_ID, "name": "webapp",
                                "slug": "circleci/%s/%s" % (data.ORG_CLOUD, WEBAPP_ID)}
    assert event["organization"] == {"id": data.ORG_CLOUD, "name": "acme-cloud"}
    assert "vcs" not in event["pipeline"]
    params = event["pipeline"]["trigger_parameters"]
    assert params["git"]["branch"] == "main" and params["git"]["ref"] == "refs/heads/main"
    assert params["git"]["checkout_sha"] and params["git"]["checkout_url"]
    # Recorded GitHub App payloads put event_time in Go's time format, not ISO 8601.
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$", params["circleci"]["event_time"])
    assert event["workflow"]["url"].startswith("https://app.circleci.com/pipelines/circleci/")


def test_verify_tls_true_refuses_an_untrusted_certificate_and_retries(client, listeners):
    listener = listeners("untrusted")
    hook = create(client, url=listener.url, events=["workflow-completed"])
    finish_pipeline(client)
    log = settled(client, 1)
    assert [d["attempt"] for d in log] == [1, 2, 3, 4], "three retries after the first attempt"
    assert len({d["event_id"] for d in log}) == 1, "every retry keeps the event id"
    assert all(d["status"] is None and "CERTIFICATE_VERIFY_FAILED" in d["error"] and not d["ok"] for d in log)
    assert [d["final"] for d in log] == [False, False, False, True] and listener.received == []

    client.control("DELETE", "/deliveries")
    client.v2("PUT", "/webhook/" + hook["id"], json={"verify_tls": False})
    client.control("POST", "/webhooks/ping/" + hook["id"])
    log = settled(client, 1)
    assert [(d["attempt"], d["status"], d["ok"]) for d in log] == [(1, 200, True)]
    assert [e["type"] for e in listener.events()] == ["ping"]


def test_verify_tls_false_delivers_to_an_untrusted_certificate(client, listeners):
    listener = listeners("untrusted")
    create(client, url=listener.url, events=["workflow-completed"], verify_tls=False)
    finish_pipeline(client)
    assert [(d["attempt"], d["status"]) for d in settled(client, 1)] == [(1, 200)]
    assert listener.events()[0]["type"] == "workflow-completed"


def test_without_a_ca_the_system_default_does_not_trust_the_test_ca(listeners):
    app = AppClient()
    app.control("POST", "/config", json=FAST)
    try:
        listener = listeners()
        hook = create(app, url=listener.url)
        app.control("POST", "/webhooks/ping/" + hook["id"])
        log = settled(app, 1)
        assert len(log) == 4 and all("CERTIFICATE_VERIFY_FAILED" in d["error"] for d in log)
        assert listener.received == []
    finally:
        app.state.deliverer.close()


def test_the_ca_can_be_set_through_the_config(pki, listeners):
    app = AppClient()
    app.control("POST", "/config", json=dict(FAST, webhook_ca=pki["trusted"]["ca"]))
    try:
        assert app.control("GET", "/config").get_json()["webhook_ca"] == pki["trusted"]["ca"]
        listener = listeners()
        hook = create(app, url=listener.url)
        app.control("POST", "/webhooks/ping/" + hook["id"])
        assert [d["status"] for d in settled(app, 1)] == [200]
        app.control("POST", "/reset")
        assert app.control("GET", "/config").get_json()["webhook_ca"] is None
    finally:
        app.state.deliverer.close()


def test_a_500_is_retried_with_the_same_event(client, listeners):
    listener = listeners(statuses=[500])
    create(client, url=listener.url, events=["workflow-completed"])
    finish_pipeline(client)
    log = settled(client, 1)
    assert [(d["attempt"], d["status"], d["ok"], d["final"]) for d in log] == [
        (1, 500, False, False), (2, 200, True, True)]
    first, second = listener.received
    assert first["body"] == second["body"], "the retry sends the same body, id included"
    assert first["headers"]["circleci-signature"] == second["headers"]["circleci-signature"]
    assert json.loads(first["body"])["id"] == log[0]["event_id"] == log[1]["event_id"]


def test_no_answer_is_retried_after_the_timeout(client, listeners):
    listener = listeners(silent=True)
    client.control("POST", "/config", json={"webhook_timeout_seconds": 0.5, "webhook_retry_seconds": [0.05]})
    create(client, url=listener.url, events=["workflow-completed"])
    finish_pipeline(client)
    log = settled(client, 1)
    assert [(d["attempt"], d["status"], d["final"]) for d in log] == [(1, None, False), (2, None, True)]
    assert all("timed out" in d["error"] for d in log) and log[0]["event_id"] == log[1]["event_id"]
    assert 0.4 < log[0]["seconds"] < 3


def test_redeliver_sends_the_same_event_signed_anew(client, listeners):
    listener = listeners()
    hook = create(client, url=listener.url, events=["workflow-completed"], signing_secret="first")
    finish_pipeline(client)
    first = settled(client, 1)[0]
    client.v2("PUT", "/webhook/" + hook["id"], json={"signing_secret": "second"})
    resp = client.control("POST", "/deliveries/%s/redeliver" % first["event_id"])
    assert resp.status_code == 202 and resp.get_json() == {"event_id": first["event_id"], "webhook_id": hook["id"],
                                                           "event_type": "workflow-completed"}
    log = settled(client, 2)
    assert [(d["event_id"], d["attempt"], d["redelivery"], d["status"]) for d in log] == [
        (first["event_id"], 1, False, 200), (first["event_id"], 1, True, 200)]
    original, again = listener.received
    assert original["body"] == again["body"]
    assert original["headers"]["circleci-signature"] == "v1=" + v1_signature("first", original["body"])
    assert again["headers"]["circleci-signature"] == "v1=" + v1_signature("second", again["body"])
    client.control("POST", "/deliveries/no-such-event/redeliver", expect=404)
    client.v2("DELETE", "/webhook/" + hook["id"])
    client.control("POST", "/deliveries/%s/redeliver" % first["event_id"], expect=404)


def test_ping(client, listeners):
    listener = listeners()
    hook = create(client, url=listener.url, signing_secret="pingsecret")
    resp = client.control("POST", "/webhooks/ping/" + hook["id"])
    assert resp.status_code == 202
    answer = resp.get_json()
    log = settled(client, 1)
    request = listener.received[0]
    event = json.loads(request["body"])
    assert set(event) == {"type", "id", "happened_at", "webhook"}
    assert (event["type"], event["id"], event["webhook"]) == (
        "ping", answer["event_id"], {"id": hook["id"], "name": "deploy-hook"})
    assert ISO_RE.match(event["happened_at"])
    assert request["headers"]["circleci-event-type"] == "ping"
    assert request["headers"]["circleci-signature"] == "v1=" + v1_signature("pingsecret", request["body"])
    assert [(d["event_type"], d["status"]) for d in log] == [("ping", 200)]
    assert deliveries(client, event_type="job-completed") == [] and deliveries(client, webhook_id=hook["id"]) == log
    client.control("POST", "/webhooks/ping/no-such-webhook", expect=404)


@pytest.mark.parametrize("body", [
    {"webhook_retry_seconds": 3}, {"webhook_retry_seconds": [-1]}, {"webhook_retry_seconds": [0.1] * 11},
    {"webhook_retry_seconds": ["soon"]}, {"webhook_timeout_seconds": 0}, {"webhook_timeout_seconds": "soon"},
    {"webhook_ca": "/nonexistent/ca.pem"}, {"webhook_ca": 5}, {"webhook_ca": ""},
])
def test_delivery_config_validation(client, body):
    before = client.control("GET", "/config").get_json()
    resp = client.control("POST", "/config", json=body, expect=400)
    assert resp.get_json()["message"]
    assert client.control("GET", "/config").get_json() == before


def test_deliveries_leave_without_anyone_reading(client, listeners):
    """Nobody polls the API: the simulator notices by itself that the workflow ended."""
    listener = listeners()
    create(client, url=listener.url, events=["workflow-completed"])
    client.v2("POST", RUN, json={})
    client.advance(100)
    wait_for(lambda: listener.received)
    assert listener.events()[0]["workflow"]["status"] == "success"


# ---------------------------------------------------------------- a real server process
def test_server_option_webhook_ca(pki, listeners):
    listener = listeners()
    bad = subprocess.run([sys.executable, os.path.join(SIM_DIR, "server.py"), "--webhook-ca", "/nonexistent.pem"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert bad.returncode == 2 and "webhook-ca" in bad.stderr
    env = dict(os.environ, CIRCLECI_SIM_WEBHOOK_CA=pki["trusted"]["ca"])
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.join(SIM_DIR, "server.py"), "--port", "0", "--date", SIM_DATE],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        base = proc.stdout.readline().strip()
        root = base.rsplit("/api/", 1)[0]
        assert requests.get(root + "/_sim/config", timeout=10).json()["webhook_ca"] == pki["trusted"]["ca"]
        resp = requests.post(root + "/api/v2/webhook", headers={"Circle-Token": TOKEN}, timeout=10, json={
            "name": "real", "events": BOTH, "url": listener.url, "verify_tls": True, "signing_secret": "k",
            "scope": {"id": APP_ID, "type": "project"}})
        assert resp.status_code == 201
        requests.post(root + "/_sim/webhooks/ping/" + resp.json()["id"], timeout=10)
        wait_for(lambda: requests.get(root + "/_sim/deliveries", timeout=10).json())
        assert [d["status"] for d in requests.get(root + "/_sim/deliveries", timeout=10).json()] == [200]
        assert listener.events()[0]["type"] == "ping"
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
