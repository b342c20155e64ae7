# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Behaviour tests of the CircleCI API simulator (real server process, requests client)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import shutil
import signal
import subprocess
import sys
import tarfile
import time

import pytest
import requests

from sim_testlib import PROJECT_TOKEN, SIM_DIR, TOKEN

APP = "/project/github/acme/app"


def wait_for(sim, path, lifecycle, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        build = sim.call("GET", path).json()
        if build["lifecycle"] == lifecycle or time.monotonic() > deadline:
            return build
        time.sleep(0.05)


# ---------------------------------------------------------------- auth and formats
def test_cli_first_line_and_sigterm():
    proc = subprocess.Popen([sys.executable, SIM_DIR + "/server.py", "--port", "0", "--token", "t0k"],
                            stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith("/api/v1.1")
        resp = requests.get(base + "/me", headers={"Circle-Token": "t0k", "Accept": "application/json"}, timeout=5)
        assert resp.json()["login"] == "demo"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_cli_switches():
    proc = subprocess.Popen([sys.executable, SIM_DIR + "/server.py", "--port", "0", "--date", "2027-02-01",
                             "--server-version", "4.7", "--page-size", "2", "--compile-seconds", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip()
        config = requests.get(base.replace("/api/v1.1", "/_sim/config"), timeout=5).json()
        assert (config["date"], config["retired"], config["server_version"], config["page_size"]) == (
            "2027-02-01", True, "4.7", 2)
        assert config["compile_seconds"] == 0
        resp = requests.post(base + "/project/github/acme/app/tree/main", json={},
                             headers={"Circle-Token": "sim-token", "Accept": "application/json"}, timeout=5)
        assert resp.status_code == 410
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    bad = subprocess.run([sys.executable, SIM_DIR + "/server.py", "--date", "01/02/2027"], capture_output=True,
                         text=True, check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_auth_missing_and_wrong_token(sim):
    for token in (None, "wrong"):
        resp = sim.call("GET", "/me", token=token)
        assert resp.status_code == 401
        assert resp.json() == {"message": "You must log in first."}
    resp = sim.call("GET", APP + "/envvar", token=None)
    assert resp.status_code == 401


def test_auth_header_basic_and_query(sim):
    assert sim.call("GET", "/me").status_code == 200
    assert sim.call("GET", "/me", token=None, auth=(TOKEN, "")).status_code == 200
    assert sim.call("GET", "/me", token=None, params={"circle-token": TOKEN}).status_code == 200
    assert sim.call("GET", "/me", token=PROJECT_TOKEN).status_code == 200
    log = sim.control("GET", "/requests").json()
    assert [e["token_header"] for e in log] == [True, False, False, True]
    assert [e["token_in_query"] for e in log] == [False, False, True, False]
    assert log[2]["query"] == {"circle-token": "***"}


def test_edn_without_accept(sim):
    resp = sim.call("GET", APP + "/envvar", accept=False)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/edn")
    assert resp.text.startswith('[{:name "AWS_REGION", :value "xxxxst-1"}')
    with pytest.raises(ValueError):
        resp.json()
    resp = sim.call("GET", APP + "/envvar", accept=False, headers={"Accept": "*/*"})
    assert resp.headers["Content-Type"].startswith("application/edn")
    resp = sim.call("GET", "/me", token=None, accept=False)
    assert resp.status_code == 401 and resp.text.startswith("{:message ")


def test_html_404_unknown_route(sim):
    for path in ("/nope", APP + "/envvar/X/extra", "/project/github/acme"):
        resp = sim.call("GET", path)
        assert resp.status_code == 404
        assert resp.headers["Content-Type"].startswith("text/html")
        assert "<title>404 Not Found</title>" in resp.text
    resp = sim.call("GET", sim.root + "/somewhere/else")
    assert resp.status_code == 404 and "<html>" in resp.text


def test_unknown_project_and_build(sim):
    for path in ("/project/github/acme/nothere", "/project/github/acme/nothere/envvar",
                 "/project/github/acme/nothere/settings", "/project/gitlab/acme/app"):
        resp = sim.call("GET", path)
        assert resp.status_code == 404 and resp.json() == {"message": "Project not found"}
    resp = sim.call("GET", APP + "/999")
    assert resp.status_code == 404 and resp.json() == {"message": "Build not found"}


def test_v1_and_v1_1_forms_and_aliases(sim):
    v11 = sim.call("GET", APP + "/envvar").json()
    assert sim.call("GET", "/project/acme/app/envvar", base=sim.v1).json() == v11
    assert sim.call("GET", "/project/gh/acme/app/envvar").json() == v11
    assert sim.call("GET", "/me", base=sim.v1).json()["login"] == "demo"
    assert sim.call("GET", "/project/bb/acme/lib").json()[0]["vcs_type"] == "bitbucket"
    resp = sim.call("POST", "/project/acme/app/tree/main", base=sim.v1, json={})
    assert resp.status_code == 201 and resp.json()["build_num"] == 7


# ---------------------------------------------------------------- env vars
# Recorded: 8 characters or more show the last four, `test` shows as `xxxxst`. The other short
# lengths are the simulator's assumption (5-7 show three, 1-3 show one), documented in data.mask_shown.
@pytest.mark.parametrize("value, shown", [
    ("", "xxxx"), ("R", "xxxxR"), ("on", "xxxxn"), ("dev", "xxxxv"), ("test", "xxxxst"), ("prod1", "xxxxod1"),
    ("eu-ab2", "xxxxab2"), ("stage-3", "xxxxe-3"), ("eu-west1", "xxxxest1"), ("eu-west-1", "xxxxst-1"),
    ("p\u00e4ssw\u00f6rd", "xxxxw\u00f6rd"),
])
def test_envvar_mask_by_length_as_recorded(sim, value, shown):
    for base, path in ((None, APP + "/envvar"), (sim.root + "/api/v2", "/project/gh/acme/app/envvar")):
        created = sim.call("POST", path, base=base, json={"name": "MASKED", "value": value})
        assert created.status_code == 201 and created.json() == {"name": "MASKED", "value": shown}
        listed = sim.call("GET", path, base=base).json()
        items = listed["items"] if base else listed
        assert {"name": "MASKED", "value": shown} in items
        assert sim.call("GET", path + "/MASKED", base=base).json() == {"name": "MASKED", "value": shown}


def test_envvar_masking_overwrite_delete(sim):
    values = {e["name"]: e["value"] for e in sim.call("GET", APP + "/envvar").json()}
    assert values == {"AWS_REGION": "xxxxst-1", "SHORT": "xxxxR"}
    resp = sim.call("POST", APP + "/envvar", json={"name": "TOKEN_X", "value": "supersecret"})
    assert resp.status_code == 201 and resp.json() == {"name": "TOKEN_X", "value": "xxxxcret"}
    resp = sim.call("POST", APP + "/envvar", json={"name": "TOKEN_X", "value": "other-abcd"})
    assert resp.status_code == 201 and resp.json()["value"] == "xxxxabcd"
    assert sim.call("POST", APP + "/envvar", json={"name": "EMPTY", "value": ""}).json()["value"] == "xxxx"
    names = [e["name"] for e in sim.call("GET", APP + "/envvar").json()]
    assert names == ["AWS_REGION", "SHORT", "TOKEN_X", "EMPTY"]
    assert sim.call("GET", APP + "/envvar/TOKEN_X").json() == {"name": "TOKEN_X", "value": "xxxxabcd"}
    resp = sim.call("DELETE", APP + "/envvar/TOKEN_X")
    assert resp.status_code == 200 and resp.json() == {"message": "ok"}
    resp = sim.call("DELETE", APP + "/envvar/TOKEN_X")
    assert resp.status_code == 404 and resp.json() == {"message": "env var not found"}
    assert sim.call("GET", APP + "/envvar/TOKEN_X").status_code == 404
    resp = sim.call("POST", APP + "/envvar", json={"name": "1BAD-NAME", "value": "x"})
    assert resp.status_code == 400 and "message" in resp.json()


# ---------------------------------------------------------------- checkout keys
def test_checkout_keys(sim):
    keys = sim.call("GET", APP + "/checkout-key").json()
    assert len(keys) == 1 and keys[0]["preferred"] is True and keys[0]["type"] == "deploy-key"
    resp = sim.call("POST", APP + "/checkout-key", json={"type": "deploy-key"})
    assert resp.status_code == 201
    key = resp.json()
    assert set(key) == {"public_key", "type", "fingerprint", "login", "preferred", "time"}
    assert key["preferred"] is False and key["login"] is None
    blob = base64.b64decode(key["public_key"].split()[1])
    digest = hashlib.md5(blob).hexdigest()
    assert key["fingerprint"] == ":".join(digest[i:i + 2] for i in range(0, 32, 2))
    assert key["time"].endswith("Z")
    # spec defect 4: bare JSON string body
    resp = sim.call("POST", APP + "/checkout-key", data='"deploy-key"', headers={"Content-Type": "application/json"})
    assert resp.status_code == 201
    assert sim.call("GET", APP + "/checkout-key/" + key["fingerprint"]).json() == key
    resp = sim.call("DELETE", APP + "/checkout-key/" + key["fingerprint"])
    assert resp.status_code == 200 and resp.json() == {"message": "OK"}
    resp = sim.call("GET", APP + "/checkout-key/" + key["fingerprint"])
    assert resp.status_code == 404 and resp.json() == {"message": "checkout key not found"}
    assert sim.call("DELETE", APP + "/checkout-key/" + key["fingerprint"]).status_code == 404


def test_github_user_key_needs_user_token(sim):
    resp = sim.call("POST", APP + "/checkout-key", json={"type": "github-user-key"}, token=PROJECT_TOKEN)
    assert resp.status_code == 403 and resp.json() == {"message": "Permission denied"}
    resp = sim.call("POST", APP + "/checkout-key", json={"type": "deploy-key"}, token=PROJECT_TOKEN)
    assert resp.status_code == 201
    resp = sim.call("POST", APP + "/checkout-key", json={"type": "github-user-key"})
    assert resp.status_code == 201 and resp.json()["login"] == "demo"


# ---------------------------------------------------------------- ssh keys
def _ssh_keygen(tmp_path, name, *args):
    path = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-N", "", "-C", "", "-f", str(path), *args], check=True)
    out = subprocess.run(["ssh-keygen", "-E", "md5", "-lf", str(path) + ".pub"], check=True,
                         capture_output=True, text=True).stdout
    return path.read_text(), out.split()[1].replace("MD5:", "")


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
@pytest.mark.parametrize("args", [
    ("-t", "rsa", "-b", "2048", "-m", "PEM"),
    ("-t", "rsa", "-b", "2048", "-m", "PKCS8"),
    ("-t", "ecdsa", "-b", "256"),
    ("-t", "ed25519"),
], ids=["rsa-pkcs1", "rsa-pkcs8", "ecdsa-openssh", "ed25519-openssh"])
def test_ssh_key_fingerprint_matches_ssh_keygen(sim, tmp_path, args):
    private, expected = _ssh_keygen(tmp_path, "key", *args)
    resp = sim.call("POST", APP + "/ssh-key", json={"hostname": "deploy.example.com", "private_key": private})
    assert resp.status_code == 200 and resp.content == b""
    keys = sim.call("GET", APP + "/settings").json()["ssh_keys"]
    assert keys == [{"hostname": "deploy.example.com", "fingerprint": expected,
                     "public_key": (tmp_path / "key.pub").read_text().split()[0] + " " +
                     (tmp_path / "key.pub").read_text().split()[1]}]


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_ssh_key_not_idempotent_delete_and_invalid(sim, tmp_path):
    private, fingerprint = _ssh_keygen(tmp_path, "k", "-t", "ed25519")
    body = {"hostname": "h.example.com", "private_key": private}
    assert sim.call("POST", APP + "/ssh-key", json=body).status_code == 200
    assert sim.call("POST", APP + "/ssh-key", json=body).status_code == 200
    assert sim.call("POST", APP + "/ssh-key", json=dict(body, hostname="other.example.com")).status_code == 200
    keys = sim.call("GET", APP + "/settings").json()["ssh_keys"]
    assert [k["hostname"] for k in keys] == ["h.example.com", "h.example.com", "other.example.com"]
    resp = sim.call("DELETE", APP + "/ssh-key", json={"fingerprint": fingerprint, "hostname": "h.example.com"})
    assert resp.status_code == 200 and resp.json() == {"message": "OK"}
    keys = sim.call("GET", APP + "/settings").json()["ssh_keys"]
    assert [k["hostname"] for k in keys] == ["other.example.com"]
    invalid = {"message": "it looks like private key is invalid key.  Double check"}
    resp = sim.call("POST", APP + "/ssh-key", json={"hostname": "h", "private_key": "garbage"})
    assert resp.status_code == 400 and resp.json() == invalid
    encrypted = tmp_path / "enc"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "passphrase", "-f", str(encrypted)], check=True)
    resp = sim.call("POST", APP + "/ssh-key", json={"hostname": "h", "private_key": encrypted.read_text()})
    assert resp.status_code == 400 and resp.json() == invalid
    assert sim.call("POST", APP + "/ssh-key", json={"private_key": private}).status_code == 400


# ---------------------------------------------------------------- builds
def test_trigger_branch_with_slash_and_unicode(sim):
    resp = sim.call("POST", APP + "/tree/feature%2Flogin", json={"parallel": "2"})
    assert resp.status_code == 201
    build = resp.json()
    assert build["branch"] == "feature/login" and build["parallel"] == 2 and build["why"] == "api"
    assert resp.headers["Location"].endswith(APP + "/%d" % build["build_num"])
    resp = sim.call("POST", APP + "/tree/" + requests.utils.quote("fix/ünïcode-ß", safe=""), json={})
    assert resp.status_code == 201 and resp.json()["branch"] == "fix/ünïcode-ß"
    log = sim.control("GET", "/requests").json()
    assert log[0]["path"] == "/api/v1.1/project/github/acme/app/tree/feature%2Flogin"
    projects = sim.call("GET", "/projects").json()
    app = [p for p in projects if p["reponame"] == "app"][0]
    assert "feature%2Flogin" in app["branches"] and "fix%2F%C3%BCn%C3%AFcode-%C3%9F" in app["branches"]


def test_trigger_validation(sim):
    resp = sim.call("POST", APP, json={"revision": "a" * 40, "tag": "v1"})
    assert resp.status_code == 400 and resp.json() == {"message": "Cannot specify both revision and tag"}
    assert sim.call("POST", APP, json={"parallel": "many"}).status_code == 400
    resp = sim.call("POST", APP, json={"tag": "v1.0.0", "build_parameters": {"A": "1"}})
    assert resp.status_code == 201
    build = resp.json()
    assert build["branch"] == "main" and build["build_parameters"] == {"A": "1"} and build["outcome"] is None


def test_lifecycle_queued_running_finished(sim):
    sim.control("POST", "/config", json={"build_seconds": 0.6})
    build = sim.call("POST", APP, json={}).json()
    assert build["lifecycle"] == "queued" and build["status"] == "queued" and build["outcome"] is None
    path = APP + "/%d" % build["build_num"]
    running = wait_for(sim, path, "running")
    assert running["status"] == "running" and running["start_time"] and running["stop_time"] is None
    done = wait_for(sim, path, "finished")
    assert done["outcome"] == "success" and done["status"] == "success"
    assert done["stop_time"] and isinstance(done["build_time_millis"], int)


def test_next_outcome_retry_cancel(sim):
    sim.control("POST", "/builds/next", json={"outcome": "failed", "count": 1, "build_seconds": 0.2})
    first = sim.call("POST", APP + "/tree/main", json={}).json()
    done = wait_for(sim, APP + "/%d" % first["build_num"], "finished")
    assert done["outcome"] == "failed" and done["status"] == "failed"
    resp = sim.call("POST", APP + "/%d/retry" % first["build_num"])
    assert resp.status_code == 200
    retry = resp.json()
    assert retry["build_num"] == first["build_num"] + 1 and retry["retry_of"] == first["build_num"]
    assert retry["branch"] == "main" and retry["vcs_revision"] == first["vcs_revision"]
    resp = sim.call("POST", APP + "/%d/cancel" % retry["build_num"])
    canceled = resp.json()
    assert resp.status_code == 200 and canceled["canceled"] is True
    assert (canceled["lifecycle"], canceled["outcome"], canceled["status"]) == ("finished", "canceled", "canceled")
    seeded = sim.call("POST", APP + "/1/cancel").json()
    assert seeded["canceled"] is False and seeded["outcome"] == "success"


def test_deprecation_headers_and_retired(sim):
    for method, path in (("POST", APP), ("POST", APP + "/tree/main"), ("POST", APP + "/1/retry")):
        resp = sim.call(method, path, json={})
        assert resp.status_code in (200, 201)
        assert resp.headers["Deprecation"] and resp.headers["Sunset"] == "Sun, 01 Feb 2027 00:00:00 GMT"
        assert "circleci.com/docs/api/v2" in resp.headers["Link"]
    assert "Deprecation" not in sim.call("POST", APP + "/1/cancel").headers
    sim.control("POST", "/config", json={"retired": True})
    gone = {"message": "This endpoint has been removed. Use API v2 pipelines."}
    for path in (APP, APP + "/tree/main", APP + "/1/retry", APP + "/build"):
        resp = sim.call("POST", path, json={})
        assert resp.status_code == 410 and resp.json() == gone
    assert sim.call("POST", APP + "/1/cancel").status_code == 200
    assert sim.call("GET", APP).status_code == 200


def test_pagination_and_filters(sim):
    builds = sim.call("GET", APP).json()
    assert [b["build_num"] for b in builds] == [6, 5, 4, 3, 2, 1]
    assert [b["build_num"] for b in sim.call("GET", APP, params={"limit": 2, "offset": 1}).json()] == [5, 4]
    assert [b["build_num"] for b in sim.call("GET", APP, params={"filter": "failed"}).json()] == [2]
    assert len(sim.call("GET", APP, params={"filter": "successful"}).json()) == 5
    resp = sim.call("GET", APP, params={"limit": 101})
    assert resp.status_code == 400 and resp.json() == {"message": "limit must be <= 100"}
    shallow = sim.call("GET", APP, params={"shallow": "true", "limit": 1}).json()[0]
    assert "steps" not in shallow and "vcs_url" not in shallow and shallow["build_num"] == 6
    sim.control("POST", "/seed/builds", json={"vcs_type": "github", "username": "acme", "project": "app",
                                              "count": 250, "branch": "main", "artifacts": 2})
    page = sim.call("GET", APP, params={"limit": 100, "offset": 200}).json()
    assert len(page) == 56 and page[0]["build_num"] == 56
    recent = sim.call("GET", "/recent-builds", params={"limit": 3}).json()
    assert [b["build_num"] for b in recent] == [256, 255, 254]


def test_recent_builds_only_followed(sim):
    recent = sim.call("GET", "/recent-builds").json()
    assert {(b["vcs_type"], b["reponame"]) for b in recent} == {("github", "app"), ("bitbucket", "lib")}
    assert recent[0]["reponame"] == "lib"
    sim.call("POST", "/project/bitbucket/acme/lib/unfollow")
    assert {b["reponame"] for b in sim.call("GET", "/recent-builds").json()} == {"app"}


def test_follow_unfollow_projects(sim):
    names = [p["reponame"] for p in sim.call("GET", "/projects").json()]
    assert names == ["app", "lib"]
    assert sim.call("POST", "/project/github/acme/newsvc/follow").json() == {
        "following": True, "workflow": False, "first_build": None}
    assert "newsvc" in [p["reponame"] for p in sim.call("GET", "/projects").json()]
    assert sim.call("POST", "/project/github/acme/newsvc/unfollow").json() == {"following": False}
    assert sim.call("GET", "/project/github/acme/newsvc/settings").json()["following"] is False


def test_artifacts_and_download(sim):
    arts = sim.call("GET", APP + "/1/artifacts").json()
    assert [a["path"] for a in arts] == ["home/circleci/project/dist/app-1.0.0.tar.gz",
                                         "home/circleci/project/reports/junit.xml"]
    assert arts[0]["url"].startswith(sim.root + "/_sim/artifacts/github/acme/app/1/")
    assert sim.call("GET", arts[0]["url"], token=None).status_code == 401
    resp = sim.call("GET", arts[0]["url"])
    assert resp.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(resp.content))) as tar:
        assert tar.extractfile("VERSION").read() == b"1.0.1\n"
    assert sim.call("GET", arts[0]["url"], token=None, auth=(TOKEN, "")).content == resp.content
    latest = sim.call("GET", APP + "/latest/artifacts", params={"branch": "main"}).json()
    assert "/6/" in latest[0]["url"]
    assert sim.call("GET", APP + "/latest/artifacts", params={"branch": "docs"}).json() == []
    failed = sim.call("GET", APP + "/latest/artifacts", params={"filter": "failed"}).json()
    assert "/2/" in failed[0]["url"]
    resp = sim.call("GET", APP + "/latest/artifacts", params={"branch": "nope"})
    assert resp.status_code == 404 and resp.json() == {"message": "Build not found"}


def test_tests_metadata(sim):
    tests = sim.call("GET", APP + "/2/tests").json()["tests"]
    assert [t["result"] for t in tests].count("failed") == 1
    assert all(t["result"] == "success" for t in sim.call("GET", APP + "/1/tests").json()["tests"])


def test_heroku_key_and_build_cache(sim):
    assert sim.call("GET", "/me").json()["heroku_api_key"] is None
    resp = sim.call("POST", "/user/heroku-key", json={"apikey": "abc"})
    assert resp.status_code == 403 and resp.json() == {"message": "Invalid Heroku API key"}
    resp = sim.call("POST", "/user/heroku-key", json={"apikey": "0123-4567-89ab-cdef"})
    assert resp.status_code == 200 and resp.content == b""
    assert sim.call("GET", "/me").json()["heroku_api_key"] == "xxxxcdef"
    resp = sim.call("DELETE", APP + "/build-cache")
    assert resp.json() == {"status": "build dependency caches deleted"}


# ---------------------------------------------------------------- faults and log
def test_fault_status_retry_after_and_count(sim):
    fault = sim.control("POST", "/faults", json={"method": "GET", "path": r"/envvar$", "count": 2,
                                                 "status": 429, "retry_after": 2}).json()
    assert fault["remaining"] == 2
    for dummy in range(2):
        resp = sim.call("GET", APP + "/envvar")
        assert resp.status_code == 429 and resp.headers["Retry-After"] == "2" and "message" in resp.json()
    assert sim.call("GET", APP + "/envvar").status_code == 200
    assert sim.control("GET", "/faults").json() == []
    sim.control("POST", "/faults", json={"path": "/me", "status": 500, "body": "plain text boom"})
    resp = sim.call("GET", "/me")
    assert resp.status_code == 500 and resp.text == "plain text boom"
    sim.control("POST", "/faults", json={"path": "/me", "status": 503})
    sim.control("DELETE", "/faults")
    assert sim.call("GET", "/me").status_code == 200


def test_fault_delay_and_drop(sim):
    sim.control("POST", "/faults", json={"method": "*", "path": "/me", "delay": 0.3})
    started = time.monotonic()
    assert sim.call("GET", "/me").status_code == 200
    assert time.monotonic() - started >= 0.3
    sim.control("POST", "/faults", json={"path": "/me", "drop": True})
    with pytest.raises(requests.exceptions.ConnectionError):
        sim.call("GET", "/me")
    assert sim.call("GET", "/me").status_code == 200
    log = sim.control("GET", "/requests").json()
    assert log[1].get("dropped") is True


def test_request_log_redaction(sim, tmp_path):
    sim.call("POST", APP + "/envvar", json={"name": "SECRET_A", "value": "topsecretvalue"},
             params={"circle-token": TOKEN})
    sim.call("POST", "/user/heroku-key", json={"apikey": "heroku-secret-1234"})
    sim.call("POST", APP + "/ssh-key", json={"hostname": "h", "private_key": "-----BEGIN garbage"})
    sim.control("GET", "/state")  # control calls are not logged
    log = sim.control("GET", "/requests")
    text = log.text
    for secret in (TOKEN, "topsecretvalue", "heroku-secret-1234", "BEGIN garbage"):
        assert secret not in text
    entries = log.json()
    assert len(entries) == 3
    first = dict(entries[0])
    assert first.pop("connection").startswith("127.0.0.1:")
    assert first.pop("user_agent").startswith("python-requests/")
    assert first == {"method": "POST", "path": "/api/v1.1/project/github/acme/app/envvar",
                     "query": {"circle-token": "***"}, "body": {"name": "SECRET_A", "value": "***"},
                     "status": 201, "token_header": True, "token_in_query": True}
    assert entries[1]["body"] == {"apikey": "***"} and entries[2]["body"]["private_key"] == "***"
    assert entries[2]["status"] == 400
    sim.control("DELETE", "/requests")
    assert sim.control("GET", "/requests").json() == []
    assert TOKEN not in sim.control("GET", "/state").text


def test_reset_restores_seed(sim):
    sim.call("DELETE", APP + "/envvar/AWS_REGION")
    sim.call("POST", APP, json={})
    sim.control("POST", "/config", json={"retired": True})
    sim.control("POST", "/faults", json={"path": "x", "status": 500})
    sim.control("POST", "/reset")
    assert sim.control("GET", "/requests").json() == []
    assert len(sim.call("GET", APP + "/envvar").json()) == 2
    assert len(sim.call("GET", APP).json()) == 6
    assert sim.control("GET", "/config").json() == {"build_seconds": 0.4, "retired": False,
                                                    "checkout_key_algorithm": "ed25519", "date": "2026-06-01",
                                                    "server_version": "cloud", "page_size": 20,
                                                    "compile_seconds": 0.2, "webhook_retry_seconds": [0.5, 1.0, 2.0],
                                                    "webhook_timeout_seconds": 10.0, "webhook_ca": None}
    assert sim.control("GET", "/faults").json() == []


def test_seed_builds_is_fast(sim):
    started = time.monotonic()
    resp = sim.control("POST", "/seed/builds", json={"vcs_type": "github", "username": "acme", "project": "app",
                                                     "count": 1000, "branch": "main", "artifacts": 2})
    assert time.monotonic() - started < 1.0
    assert resp.json() == {"created": 1000, "first_build_num": 7, "last_build_num": 1006}
    started = time.monotonic()
    page = sim.call("GET", APP, params={"limit": 100}).json()
    assert time.monotonic() - started < 0.5 and page[0]["build_num"] == 1006
    state = json.loads(sim.control("GET", "/state").text)
    assert len(state["projects"][0]["builds"]) == 1006


def test_connections_are_kept_alive(sim):
    """A client session reuses one connection, as with CircleCI; the log shows it."""
    session = requests.Session()
    session.headers.update({"Circle-Token": TOKEN, "Accept": "application/json"})
    base = sim.control("GET", "/config").url.split("/_sim/")[0] + "/api/v1.1"
    for dummy in range(3):
        assert session.get(base + APP, params={"limit": 1}).status_code == 200
    assert session.post(base + APP + "/envvar", json={"name": "K", "value": "v"}).status_code == 201
    assert session.delete(base + APP + "/ssh-key", json={"fingerprint": "x", "hostname": "h"}).status_code == 200
    assert session.get(base + "/nope").status_code == 404
    session.close()
    log = sim.control("GET", "/requests").json()
    assert len(log) == 6
    assert len({entry["connection"] for entry in log}) == 1


def test_v2_pipeline_over_http(sim):
    """A v2 pipeline through the real server: compile 0.2 s, two 0.4 s jobs, one kept-alive connection."""
    v2 = sim.root + "/api/v2"
    created = sim.call("POST", v2 + "/project/gh/acme/app/pipeline/run", json={"checkout": {"branch": "feature/x"}})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert sim.call("GET", v2 + "/pipeline/%s/workflow" % pid).json() == {"items": [], "next_page_token": None}
    deadline = time.monotonic() + 5
    while True:
        items = sim.call("GET", v2 + "/pipeline/%s/workflow" % pid).json()["items"]
        if (items and items[0]["status"] == "success") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert items[0]["status"] == "success" and items[0]["name"] == "build-and-test"
    jobs = sim.call("GET", v2 + "/workflow/%s/job" % items[0]["id"]).json()["items"]
    assert [j["job_number"] for j in jobs] == [7, 8]
    assert sim.call("GET", APP + "/7").json()["branch"] == "feature/x"
    resp = sim.call("POST", v2 + "/project/gh%2Facme%2Fapp/pipeline/run", json={})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    log = sim.control("GET", "/requests").json()
    assert log[-1]["path"] == "/api/v2/project/gh%2Facme%2Fapp/pipeline/run"
    assert len({entry["connection"] for entry in log}) == 1
