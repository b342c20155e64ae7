# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_runner: the runner API under /api/v3 (resource classes, tokens, runners, task counts),
its refusals, and the runner controls (connect a runner, set task counts). In-process."""

from __future__ import annotations

import json

import pytest

from sim_testlib import PROJECT_TOKEN

SEEDED = {"id": "5c0f6a8e-2b1d-4e3f-9a7c-6d5e4f3a2b1c", "resource_class": "acme/linux", "description": "Linux hosts"}


def v3(client, method, path, **kwargs):
    return client.call(method, "/api/v3" + path, **kwargs)


def make_class(client, name="acme/gpu", description="GPU hosts"):
    resp = v3(client, "POST", "/runner/resource", json={"resource_class": name, "description": description})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def make_token(client, name="acme/gpu", nickname="web-01"):
    resp = v3(client, "POST", "/runner/token", json={"resource_class": name, "nickname": nickname})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_resource_classes_are_created_listed_and_deleted(client):
    rc = make_class(client)
    assert set(rc) == {"id", "resource_class", "description"} and rc["resource_class"] == "acme/gpu"
    listed = v3(client, "GET", "/runner/resource?namespace=acme").get_json()
    assert listed == {"items": [SEEDED, rc]}
    again = v3(client, "POST", "/runner/resource", json={"resource_class": "acme/gpu", "description": ""})
    assert again.status_code == 400 and "already exists" in again.get_json()["message"]
    assert v3(client, "DELETE", "/runner/resource/" + rc["id"]).status_code == 200
    assert v3(client, "GET", "/runner/resource?namespace=acme").get_json() == {"items": [SEEDED]}
    assert v3(client, "DELETE", "/runner/resource/" + rc["id"]).status_code == 404


@pytest.mark.parametrize("name", ["acme", "acme/GPU", "Acme/gpu", "acme/gpu.large", "acme/gpu/x", "acme/", 7])
def test_resource_class_names_circleci_refuses(client, name):
    resp = v3(client, "POST", "/runner/resource", json={"resource_class": name, "description": ""})
    assert resp.status_code == 400 and "<namespace>/<name>" in resp.get_json()["message"]


def test_a_namespace_that_is_not_the_organisations_is_refused(client):
    assert v3(client, "GET", "/runner/resource?namespace=nobody").status_code == 404
    foreign = v3(client, "POST", "/runner/resource", json={"resource_class": "globex/gpu", "description": ""})
    assert foreign.status_code == 403 and foreign.get_json() == {"message": "You do not have access to this namespace"}
    assert v3(client, "GET", "/runner?namespace=globex").status_code == 403


def test_a_class_with_tokens_is_deleted_only_by_force(client):
    rc = make_class(client)
    make_token(client, nickname="a")
    make_token(client, nickname="b")
    refused = v3(client, "DELETE", "/runner/resource/" + rc["id"])
    assert refused.status_code == 400 and "has 2 token(s)" in refused.get_json()["message"]
    assert v3(client, "DELETE", "/runner/resource/%s/force" % rc["id"]).status_code == 200
    assert client.state.runner["tokens"] == {} and list(client.state.runner["classes"].values()) == [SEEDED]


def test_the_token_value_is_shown_only_in_the_answer_to_its_post(client):
    make_class(client)
    token = make_token(client)
    assert set(token) == {"id", "nickname", "resource_class", "created_at", "token"} and token["token"]
    listed = v3(client, "GET", "/runner/token?resource-class=acme/gpu").get_json()
    assert listed == {"items": [{k: v for k, v in token.items() if k != "token"}]}
    assert token["token"] not in json.dumps(client.control("GET", "/state").get_json())
    assert v3(client, "DELETE", "/runner/token/" + token["id"]).status_code == 200
    assert v3(client, "DELETE", "/runner/token/" + token["id"]).status_code == 404
    assert v3(client, "GET", "/runner/token?resource-class=acme/none").status_code == 404


def test_a_connected_runner_is_listed_by_class_and_by_namespace(client):
    make_class(client)
    token = make_token(client)
    body = {"token": token["token"], "hostname": "web-01.example", "name": "web-01", "version": "3.0.24"}
    runner = client.control("POST", "/runner/connect", json=body).get_json()
    assert runner["resource_class"] == "acme/gpu" and runner["version"] == "3.0.24" and runner["last_used"] is None
    by_class = v3(client, "GET", "/runner?resource-class=acme/gpu").get_json()["items"]
    assert by_class == [runner] and v3(client, "GET", "/runner?namespace=acme").get_json()["items"] == [runner]
    assert set(runner) == {"resource_class", "hostname", "name", "first_connected", "last_connected", "last_used",
                           "version"}
    assert v3(client, "GET", "/runner").status_code == 400


def test_connect_refuses_an_unknown_token_and_a_token_of_another_class(client):
    make_class(client)
    make_class(client, "acme/arm")
    token = make_token(client)
    client.control("POST", "/runner/connect", expect=401, json={"token": "nope", "hostname": "h"})
    other = client.control("POST", "/runner/connect", expect=400,
                           json={"token": token["token"], "hostname": "h", "resource_class": "acme/arm"})
    assert "another resource class" in other.get_json()["message"]


def test_task_counts_are_what_the_control_sets(client):
    make_class(client)
    assert v3(client, "GET", "/runner/tasks?resource-class=acme/gpu").get_json() == {"unclaimed_task_count": 0}
    client.control("POST", "/runner/tasks", json={"resource_class": "acme/gpu", "unclaimed": 4, "running": 2})
    assert v3(client, "GET", "/runner/tasks?resource-class=acme/gpu").get_json() == {"unclaimed_task_count": 4}
    assert v3(client, "GET", "/runner/tasks/running?resource-class=acme/gpu").get_json() == {"running_runner_tasks": 2}
    client.control("POST", "/runner/tasks", expect=400, json={"resource_class": "acme/gpu", "unclaimed": -1})
    client.control("POST", "/runner/tasks", expect=404, json={"resource_class": "acme/none", "unclaimed": 1})


def test_tokens_are_needed_and_personal(client):
    assert v3(client, "GET", "/runner/resource?namespace=acme", token=None).status_code == 401
    assert v3(client, "GET", "/runner/resource?namespace=acme", token=PROJECT_TOKEN).status_code == 403


def test_reset_forgets_runner_records_and_requests_are_logged(client):
    make_class(client)
    log = client.log()
    assert log[-1]["method"] == "POST" and log[-1]["path"] == "/api/v3/runner/resource"
    client.control("POST", "/reset")
    assert list(client.state.runner["classes"].values()) == [SEEDED] and client.state.runner["namespaces"]["acme"]
