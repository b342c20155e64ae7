# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_control on its own: /_sim/config and its switches, /_sim/pipelines/next,
/_sim/projects/{slug}/config, reset, state dump, request log. In-process (Flask test client)."""

from __future__ import annotations

import pytest

from sim_testlib import TOKEN, AppClient

import data  # pylint: disable=import-error
import routes_control  # pylint: disable=import-error
from routing import Router  # pylint: disable=import-error

RUN = "/project/gh/acme/app/pipeline/run"


def test_control_routes_need_no_token_and_are_not_logged(client):
    for method, pattern in Router(routes_control.ROUTES).describe():
        assert pattern.startswith("/_sim/"), pattern
    assert client.control("GET", "/config").status_code == 200
    assert client.control("GET", "/state").status_code == 200
    assert client.log() == []
    resp = client.control("GET", "/nope", expect=404)
    assert resp.headers["Content-Type"].startswith("text/html")


def test_config_defaults_and_switches(client):
    assert client.control("GET", "/config").get_json() == {
        "build_seconds": 4.0, "retired": False, "checkout_key_algorithm": "ed25519", "date": "2026-06-01",
        "server_version": "cloud", "page_size": 20, "compile_seconds": 1.0,
        "webhook_retry_seconds": [0.5, 1.0, 2.0], "webhook_timeout_seconds": 10.0, "webhook_ca": None}
    config = client.control("POST", "/config", json={"date": "2027-02-01", "server_version": "4.7", "page_size": 2,
                                                     "compile_seconds": 0, "build_seconds": 1}).get_json()
    assert (config["retired"], config["server_version"], config["page_size"], config["compile_seconds"]) == (
        True, "4.7", 2, 0.0)
    assert client.control("POST", "/config", json={"server_version": None}).get_json()["server_version"] == "cloud"
    client.control("POST", "/reset")
    assert client.control("GET", "/config").get_json()["date"] == "2026-06-01"


@pytest.mark.parametrize("body", [
    {"nope": 1}, {"date": "2027-02-30"}, {"date": "1 Feb 2027"}, {"server_version": "four"}, {"server_version": 4.7},
    {"page_size": 0}, {"page_size": "2"}, {"page_size": True}, {"compile_seconds": -1}, {"build_seconds": "fast"},
    {"retired": "yes"}, {"checkout_key_algorithm": "dsa"},
])
def test_config_validation(client, body):
    before = client.control("GET", "/config").get_json()
    resp = client.control("POST", "/config", json=body, expect=400)
    assert resp.get_json()["message"]
    assert client.control("GET", "/config").get_json() == before


def test_wire_forms_default_switch_and_reset(client):
    assert client.control("GET", "/wire").get_json() == {"checkout_keys": "recorded", "rerun": "reference"}
    assert client.control("POST", "/wire", json={"rerun": "recorded"}).get_json() == {
        "checkout_keys": "recorded", "rerun": "recorded"}
    assert client.control("POST", "/wire", json={"checkout_keys": "reference"}).get_json() == {
        "checkout_keys": "reference", "rerun": "recorded"}
    # A config change keeps the forms; a reset restores the defaults.
    client.control("POST", "/config", json={"page_size": 2})
    assert client.control("GET", "/wire").get_json()["rerun"] == "recorded"
    client.control("POST", "/reset")
    assert client.control("GET", "/wire").get_json() == {"checkout_keys": "recorded", "rerun": "reference"}


@pytest.mark.parametrize("body", [{"rerun": "2020"}, {"nope": "recorded"}, {"checkout_keys": None}])
def test_wire_forms_validation(client, body):
    resp = client.control("POST", "/wire", json=body, expect=400)
    assert resp.get_json() == {"message": "give some of checkout_keys: recorded or reference; "
                                          "rerun: reference or recorded"}
    assert client.control("GET", "/wire").get_json() == {"checkout_keys": "recorded", "rerun": "reference"}


def test_pipelines_next_queue(client):
    resp = client.control("POST", "/pipelines/next", json={"workflows": [{"name": "lint", "outcome": "failed"}],
                                                           "count": 2, "project": "github/acme/app"}, expect=201)
    [entry] = resp.get_json()
    assert entry["count"] == 2 and entry["project"] == "gh/acme/app" and entry["skip"] is False
    assert entry["workflows"][0]["jobs"] == [{"name": "lint", "type": "build", "outcome": "failed",
                                              "rerun_outcome": "success", "requires": [], "artifacts": [],
                                              "tests": "fail", "seconds": None}]
    lib = client.v2("POST", "/project/bb/acme/lib/pipeline/run", json={}).get_json()
    assert len(client.control("GET", "/pipelines/next").get_json()) == 1  # not for lib
    first = client.v2("POST", RUN, json={}).get_json()
    second = client.v2("POST", RUN, json={}).get_json()
    third = client.v2("POST", RUN, json={}).get_json()
    assert client.control("GET", "/pipelines/next").get_json() == []
    client.advance(1)
    names = {pid: [w["name"] for w in client.v2("GET", "/pipeline/%s/workflow" % pid).get_json()["items"]]
             for pid in (lib["id"], first["id"], second["id"], third["id"])}
    assert names == {lib["id"]: ["build-and-test"], first["id"]: ["lint"], second["id"]: ["lint"],
                     third["id"]: ["build-and-test"]}
    client.control("POST", "/pipelines/next", json={"error": "Cannot find a definition for job named deploy"},
                   expect=201)
    errored = client.v2("POST", RUN, json={}).get_json()
    client.advance(1)
    assert client.v2("GET", "/pipeline/" + errored["id"]).get_json()["errors"] == [
        {"type": "config", "message": "Cannot find a definition for job named deploy"}]
    client.control("POST", "/pipelines/next", json={"skip": True}, expect=201)
    assert client.control("DELETE", "/pipelines/next").get_json() == {"message": "OK"}
    assert client.control("GET", "/pipelines/next").get_json() == []


@pytest.mark.parametrize("body", [
    {"workflows": {"name": "x"}}, {"workflows": [{"jobs": []}]}, {"workflows": [{"name": "a", "jobs": []}]},
    {"workflows": [{"name": "a"}, {"name": "a"}]}, {"workflows": [{"name": "a", "outcome": "maybe"}]},
    {"workflows": [{"name": "a", "jobs": [{"name": "b", "requires": ["c"]}]}]},
    {"workflows": [{"name": "a", "jobs": [{"name": "b", "requires": ["c"]}, {"name": "c", "requires": ["b"]}]}]},
    {"workflows": [{"name": "a", "jobs": [{"name": "b", "type": "manual"}]}]},
    {"workflows": [{"name": "a", "branches": ["("]}]}, {"workflows": [{"name": "a", "color": "red"}]},
    {"count": 0}, {"skip": "yes"}, {"project": "gh/acme/nothere"}, {"compile_seconds": -1}, {"error": ""},
    {"unknown": 1},
])
def test_pipelines_next_validation(client, body):
    assert client.control("POST", "/pipelines/next", json=body, expect=400).get_json()["message"]


def test_project_config(client):
    config = client.control("GET", "/projects/gh/acme/app/config").get_json()
    assert config["parameters"] == {"deploy_env": {"type": "string", "default": "staging"},
                                    "run_tests": {"type": "boolean", "default": True}}
    assert [w["name"] for w in config["workflows"]] == ["build-and-test"]
    assert [j["name"] for j in config["workflows"][0]["jobs"]] == ["build", "test"]
    webapp = "/projects/circleci/%s/%s/config" % (data.ORG_CLOUD, data.PROJ_WEBAPP)
    assert list(client.control("GET", webapp).get_json()["parameters"]) == ["deploy_env"]
    assert client.control("GET", "/projects/bb/acme/lib/config").get_json()["parameters"] == {}
    new = client.control("POST", "/projects/github/acme/app/config", json={"parameters": {
        "region": {"type": "enum", "enum": ["eu", "us"]}, "replicas": {"type": "integer"}}}).get_json()
    assert set(new["parameters"]) == {"region", "replicas"} and new["workflows"] == config["workflows"]
    created = client.v2("POST", RUN, json={"parameters": {"region": "asia", "replicas": "3"}}).get_json()
    client.advance(1)
    messages = [e["message"] for e in client.v2("GET", "/pipeline/" + created["id"]).get_json()["errors"]]
    assert messages == ['Type error for argument region: expected type: enum ("eu", "us"), actual value: "asia" '
                        '(type string)',
                        'Type error for argument replicas: expected type: integer, actual value: "3" (type string)']
    ok = client.v2("POST", RUN, json={"parameters": {"region": "eu", "replicas": 3}}).get_json()
    client.advance(1)
    assert client.v2("GET", "/pipeline/" + ok["id"]).get_json()["state"] == "created"
    client.control("POST", "/projects/gh/acme/app/config", json={"parameters": {"x": {"type": "list"}}}, expect=400)
    client.control("POST", "/projects/gh/acme/app/config", json={"workflows": "all"}, expect=400)
    client.control("POST", "/projects/gh/acme/app/config", json={"jobs": []}, expect=400)
    client.control("GET", "/projects/gh/acme/nothere/config", expect=404)
    assert client.control("DELETE", "/projects/gh/acme/app/config").get_json() == config


def test_reset_restores_v2_seed(client):
    client.v2("POST", RUN, json={})
    client.v2("DELETE", "/context/" + data.CTX_ORG_GLOBAL)
    client.control("POST", "/pipelines/next", json={"skip": True}, expect=201)
    client.control("POST", "/projects/gh/acme/app/config", json={"workflows": []})
    client.control("POST", "/reset")
    state = client.control("GET", "/state").get_json()
    assert state["pipelines"] == [] and state["next_pipelines"] == []
    assert [c["name"] for c in state["contexts"]] == ["org-global", "deploy-prod"]
    app = [p for p in state["projects"] if p["slug"] == "gh/acme/app"][0]
    assert [w["name"] for w in app["pipeline_config"]["workflows"]] == ["build-and-test"]
    assert client.v2("POST", RUN, json={}).get_json()["number"] == 1


def test_state_dump(client):
    pid = client.v2("POST", RUN, json={"parameters": {"deploy_env": "prod"}}).get_json()["id"]
    state = client.control("GET", "/state").get_json()
    assert TOKEN not in client.control("GET", "/state").get_data(as_text=True)
    assert [o["slug"] for o in state["organizations"]] == ["gh/acme", "bb/acme", "circleci/" + data.ORG_CLOUD]
    by_slug = {p["slug"]: p for p in state["projects"]}
    assert by_slug["gh/acme/app"]["id"] == data.PROJ_APP
    assert by_slug["circleci/%s/%s" % (data.ORG_CLOUD, data.PROJ_WEBAPP)]["envvars"] == {
        "API_URL": "https://api.example.com", "FEATURE_FLAG": "on"}
    app_builds = by_slug["gh/acme/app"]["builds"]
    assert [b["num"] for b in app_builds] == [b["build_num"] for b in app_builds] == list(range(1, 9))
    [pipeline] = state["pipelines"]
    assert pipeline["id"] == pid and pipeline["parameters"] == {"deploy_env": "prod"}
    assert pipeline["workflows"][0]["visible"] is False
    assert [j["job_number"] for j in pipeline["workflows"][0]["jobs"]] == [7, 8]
    contexts = {c["name"]: c for c in state["contexts"]}
    assert contexts["deploy-prod"]["variables"] == {"DEPLOY_TOKEN": "seed-deploy-token-0003"}


def test_seed_builds_then_pipeline_numbers_follow(client):
    client.control("POST", "/seed/builds", json={"count": 10}, expect=201)
    client.v2("POST", RUN, json={})
    client.advance(1)
    state = client.control("GET", "/state").get_json()
    assert [j["job_number"] for j in state["pipelines"][0]["workflows"][0]["jobs"]] == [17, 18]


def test_builds_next_and_faults_validation(client):
    client.control("POST", "/builds/next", json={"outcome": "exploded"}, expect=400)
    client.control("POST", "/builds/next", json={"count": "many"}, expect=400)
    client.control("POST", "/faults", json={"path": "("}, expect=400)
    client.control("POST", "/faults", json={"path": "x", "status": "teapot"}, expect=400)
    client.control("POST", "/seed/builds", json={"project": "nope"}, expect=404)


def test_in_process_server_options():
    client = AppClient(date="2027-02-02", server_version="4.8", page_size=3, compile_seconds=0.5)
    config = client.control("GET", "/config").get_json()
    assert (config["retired"], config["server_version"], config["page_size"], config["compile_seconds"]) == (
        True, "4.8", 3, 0.5)
    assert client.v2("POST", RUN, json={}).status_code == 201


def test_seed_projects_adds_followed_projects_of_an_organization(client):
    resp = client.control("POST", "/seed/projects", json={"count": 3, "prefix": "svc"}, expect=201)
    assert resp.get_json() == {"projects": ["gh/acme/svc01", "gh/acme/svc02", "gh/acme/svc03"]}
    followed = [p["reponame"] for p in client.v1("GET", "/projects").get_json()]
    assert {"svc01", "svc02", "svc03"} <= set(followed)
    project = client.v2("GET", "/project/gh/acme/svc02").get_json()
    assert project["slug"] == "gh/acme/svc02" and project["organization_slug"] == "gh/acme"
    assert client.v1("POST", "/project/github/acme/svc02/envvar", json={"name": "A", "value": "b"}).status_code == 201
    # Again: the existing ones are kept as they are (their variables too).
    client.control("POST", "/seed/projects", json={"count": 2, "prefix": "svc"}, expect=201)
    assert client.v1("GET", "/project/github/acme/svc02/envvar").get_json() == [{"name": "A", "value": "xxxxb"}]
    client.control("POST", "/reset")
    assert client.v1("GET", "/project/github/acme/svc01/envvar").status_code == 404


@pytest.mark.parametrize("body, status", [
    ({"username": "nobody"}, 404), ({"vcs_type": "gitlab"}, 404), ({"count": 0}, 400), ({"count": "x"}, 400),
    ({"prefix": "a/b"}, 400)])
def test_seed_projects_validation(client, body, status):
    resp = client.control("POST", "/seed/projects", json=body, expect=status)
    assert resp.get_json()["message"]
