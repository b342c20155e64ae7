# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v2_contexts on its own: contexts, their variables (never a value) and restrictions,
and the documented limits. In-process (Flask test client)."""

from __future__ import annotations

import pytest

from sim_testlib import PROJECT_TOKEN, AppClient

import data  # pylint: disable=import-error

ORG_GLOBAL = "/context/" + data.CTX_ORG_GLOBAL


def contexts(client, **query):
    resp = client.v2("GET", "/context", query_string=query)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["items"]


def test_seeded_contexts(client):
    expected = [{"id": data.CTX_ORG_GLOBAL, "name": "org-global", "created_at": "2024-04-01T09:00:00.000Z"},
                {"id": data.CTX_DEPLOY_PROD, "name": "deploy-prod", "created_at": "2024-04-02T09:00:00.000Z"}]
    assert contexts(client, **{"owner-slug": "gh/acme"}) == expected
    assert contexts(client, **{"owner-slug": "github/acme"}) == expected
    assert contexts(client, **{"owner-id": data.ORG_GH_ACME}) == expected
    assert contexts(client, **{"owner-id": data.ORG_GH_ACME, "owner-type": "account"}) == expected
    assert contexts(client, **{"owner-slug": "bb/acme"}) == []
    assert contexts(client, **{"owner-slug": "circleci/" + data.ORG_CLOUD}) == []
    assert client.v2("GET", ORG_GLOBAL).get_json() == expected[0]
    variables = client.v2("GET", ORG_GLOBAL + "/environment-variable").get_json()
    assert [v["variable"] for v in variables["items"]] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    assert set(variables["items"][0]) == {"variable", "context_id", "created_at", "updated_at"}
    assert variables["items"][0]["context_id"] == data.CTX_ORG_GLOBAL
    restrictions = client.v2("GET", "/context/%s/restrictions" % data.CTX_DEPLOY_PROD).get_json()["items"]
    assert restrictions == [{"id": data.RESTRICTION_DEPLOY_PROD_APP, "restriction_type": "project",
                             "restriction_value": data.PROJ_APP, "name": "app"}]


@pytest.mark.parametrize("query,status", [
    ({}, 400), ({"owner-slug": "gh/acme", "owner-id": data.ORG_GH_ACME}, 400), ({"owner-slug": "gh/nobody"}, 404),
    ({"owner-id": "nope"}, 404), ({"owner-id": data.ORG_GH_ACME, "owner-type": "team"}, 400),
])
def test_list_owner_errors(client, query, status):
    resp = client.v2("GET", "/context", query_string=query)
    assert resp.status_code == status and resp.get_json()["message"]


def test_create_get_delete(client):
    resp = client.v2("POST", "/context", json={"name": "staging", "owner": {"slug": "gh/acme", "type": "organization"}})
    assert resp.status_code == 200
    ctx = resp.get_json()
    assert set(ctx) == {"id", "name", "created_at"} and ctx["name"] == "staging"
    assert contexts(client, **{"owner-slug": "gh/acme"})[-1] == ctx
    by_id = client.v2("POST", "/context", json={"name": "staging", "owner": {"id": data.ORG_BB_ACME}})
    assert by_id.status_code == 200  # the same name under another owner
    dup = client.v2("POST", "/context", json={"name": "staging", "owner": {"slug": "gh/acme"}})
    assert dup.status_code == 400 and dup.get_json() == {"message": "A context named staging already exists."}
    resp = client.v2("DELETE", "/context/" + ctx["id"])
    assert resp.status_code == 200 and resp.get_json() == {"message": "Context deleted."}
    for method in ("GET", "DELETE"):
        resp = client.v2(method, "/context/" + ctx["id"])
        assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}


@pytest.mark.parametrize("body", [
    {"name": "", "owner": {"slug": "gh/acme"}}, {"name": "n" * 201, "owner": {"slug": "gh/acme"}},
    {"name": "ok"}, {"name": "ok", "owner": "gh/acme"}, {"name": "ok", "owner": {"slug": "gh/acme", "x": 1}},
    {"name": "ok", "owner": {"slug": "gh/acme"}, "extra": True}, {"name": 5, "owner": {"slug": "gh/acme"}},
])
def test_create_validation(client, body):
    resp = client.v2("POST", "/context", json=body)
    assert resp.status_code == 400 and resp.get_json()["message"]


def test_name_of_200_characters_and_500_contexts(client):
    assert client.v2("POST", "/context", json={"name": "n" * 200, "owner": {"slug": "gh/acme"}}).status_code == 200
    for i in range(497):  # 2 seeded + 1 above + 497 = 500
        assert client.v2("POST", "/context", json={"name": "c%d" % i, "owner": {"slug": "gh/acme"}}).status_code == 200
    resp = client.v2("POST", "/context", json={"name": "one-too-many", "owner": {"slug": "gh/acme"}})
    assert resp.status_code == 400 and "500" in resp.get_json()["message"]
    assert client.v2("POST", "/context", json={"name": "elsewhere", "owner": {"slug": "bb/acme"}}).status_code == 200


def test_variables_never_show_a_value(client):
    put = client.v2("PUT", ORG_GLOBAL + "/environment-variable/NEW_SECRET", json={"value": "s3cr3t-value"})
    assert put.status_code == 200
    created = put.get_json()
    assert created["variable"] == "NEW_SECRET" and created["context_id"] == data.CTX_ORG_GLOBAL
    assert set(created) == {"variable", "context_id", "created_at", "updated_at"}
    replaced = client.v2("PUT", ORG_GLOBAL + "/environment-variable/AWS_ACCESS_KEY_ID", json={"value": "new"}).get_json()
    assert replaced["created_at"] == "2024-04-01T09:00:00.000Z" and replaced["updated_at"] > replaced["created_at"]
    listing = client.v2("GET", ORG_GLOBAL + "/environment-variable").get_data(as_text=True)
    assert "s3cr3t-value" not in listing and "seed-access-key" not in listing and "value" not in listing
    state = client.control("GET", "/state").get_json()
    stored = [c for c in state["contexts"] if c["id"] == data.CTX_ORG_GLOBAL][0]["variables"]
    assert stored["NEW_SECRET"] == "s3cr3t-value" and stored["AWS_ACCESS_KEY_ID"] == "new"
    entry = client.log()[0]
    assert entry["method"] == "PUT" and entry["body"] == {"value": "***"}
    resp = client.v2("DELETE", ORG_GLOBAL + "/environment-variable/NEW_SECRET")
    assert resp.status_code == 200 and resp.get_json() == {"message": "Environment variable deleted."}
    resp = client.v2("DELETE", ORG_GLOBAL + "/environment-variable/NEW_SECRET")
    assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}
    assert client.v2("PUT", "/context/nope/environment-variable/A", json={"value": "v"}).status_code == 404


@pytest.mark.parametrize("name,body", [
    ("1BAD", {"value": "v"}), ("A" * 301, {"value": "v"}), ("OK", {}), ("OK", {"value": 5}),
    ("OK", {"value": "v" * 32769}), ("OK", {"value": "v", "other": 1}),
])
def test_variable_validation(client, name, body):
    resp = client.v2("PUT", ORG_GLOBAL + "/environment-variable/" + name, json=body)
    assert resp.status_code == 400 and resp.get_json()["message"]


def test_variable_limits(client):
    assert client.v2("PUT", ORG_GLOBAL + "/environment-variable/" + "A" * 300,
                     json={"value": "v" * 32768}).status_code == 200
    for i in range(97):  # 2 seeded + 1 above + 97 = 100
        assert client.v2("PUT", ORG_GLOBAL + "/environment-variable/V%d" % i, json={"value": "x"}).status_code == 200
    resp = client.v2("PUT", ORG_GLOBAL + "/environment-variable/ONE_MORE", json={"value": "x"})
    assert resp.status_code == 400 and "100" in resp.get_json()["message"]
    assert client.v2("PUT", ORG_GLOBAL + "/environment-variable/V0", json={"value": "y"}).status_code == 200


def test_restrictions(client):
    path = ORG_GLOBAL + "/restrictions"
    resp = client.v2("POST", path, json={"restriction_type": "project", "restriction_value": data.PROJ_WEBAPP})
    assert resp.status_code == 201
    project = resp.get_json()
    assert set(project) == {"id", "restriction_type", "restriction_value", "name"} and project["name"] == "webapp"
    expression = client.v2("POST", path, json={"restriction_type": "expression",
                                               "restriction_value": 'pipeline.git.branch == "main"'}).get_json()
    assert expression["name"] == 'pipeline.git.branch == "main"'
    group = client.v2("POST", path, json={"restriction_type": "group", "restriction_value": "team-42"})
    assert group.status_code == 201
    assert len(client.v2("GET", path).get_json()["items"]) == 3
    for body in ({"restriction_type": "project", "restriction_value": "0000"},
                 {"restriction_type": "project", "restriction_value": data.PROJ_WEBAPP},
                 {"restriction_type": "branch", "restriction_value": "main"},
                 {"restriction_type": "expression", "restriction_value": ""}, {"restriction_type": "expression"}):
        resp = client.v2("POST", path, json=body)
        assert resp.status_code == 400 and resp.get_json()["message"], body
    resp = client.v2("DELETE", "%s/%s" % (path, project["id"]))
    assert resp.status_code == 200 and resp.get_json() == {"message": "Context restriction deleted."}
    assert client.v2("DELETE", "%s/%s" % (path, project["id"])).status_code == 404
    bb_ctx = client.v2("POST", "/context", json={"name": "bb", "owner": {"slug": "bb/acme"}}).get_json()
    resp = client.v2("POST", "/context/%s/restrictions" % bb_ctx["id"],
                     json={"restriction_type": "group", "restriction_value": "team"})
    assert resp.status_code == 400 and "GitHub" in resp.get_json()["message"]


def test_paging_and_project_token():
    client = AppClient(page_size=1)
    first = client.v2("GET", "/context", query_string={"owner-slug": "gh/acme"}).get_json()
    assert len(first["items"]) == 1 and first["next_page_token"]
    second = client.v2("GET", "/context", query_string={"owner-slug": "gh/acme",
                                                        "page-token": first["next_page_token"]}).get_json()
    assert second["items"][0]["name"] == "deploy-prod" and second["next_page_token"] is None
    for method, path in (("GET", "/context?owner-slug=gh/acme"), ("GET", ORG_GLOBAL),
                         ("GET", ORG_GLOBAL + "/environment-variable")):
        resp = client.v2(method, path, token=PROJECT_TOKEN)
        assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}
    assert client.v2("GET", ORG_GLOBAL, token=None).status_code == 401
