# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v2_projects on its own: the v2 project, env vars, checkout keys; v2 auth, slugs,
paging. In-process (Flask test client, fake clock)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from sim_testlib import PROJECT_TOKEN, TOKEN, AppClient

import data  # pylint: disable=import-error

APP = "/project/gh/acme/app"
WEBAPP = "/project/circleci/%s/%s" % (data.ORG_CLOUD, data.PROJ_WEBAPP)


def test_project_object(client):
    expected = {"id": "67899bff-f2d0-43c4-a0ea-f019e733cb62", "slug": "gh/acme/app", "name": "app",
                "organization_name": "acme", "organization_slug": "gh/acme",
                "organization_id": "688e283b-82a6-4f12-85e4-5fc6ced69c2b",
                "vcs_info": {"vcs_url": "https://github.com/acme/app", "provider": "GitHub", "default_branch": "main"}}
    for path in (APP, "/project/github/acme/app", "/project/gh%2Facme%2Fapp", "/project/github%2Facme%2Fapp/"):
        resp = client.v2("GET", path)
        assert resp.status_code == 200 and resp.get_json() == expected, path
    lib = client.v2("GET", "/project/bitbucket/acme/lib").get_json()
    assert lib["slug"] == "bb/acme/lib" and lib["vcs_info"]["provider"] == "Bitbucket"
    assert lib["organization_id"] == data.ORG_BB_ACME
    webapp = client.v2("GET", WEBAPP).get_json()
    assert webapp == {"id": data.PROJ_WEBAPP, "slug": "circleci/%s/%s" % (data.ORG_CLOUD, data.PROJ_WEBAPP),
                      "name": "webapp", "organization_name": "acme-cloud",
                      "organization_slug": "circleci/" + data.ORG_CLOUD, "organization_id": data.ORG_CLOUD,
                      "vcs_info": {"vcs_url": "https://github.com/acme-cloud/webapp", "provider": "GitHub",
                                   "default_branch": "main"}}
    assert client.v2("GET", "/project/gh/acme/newsvc").get_json()["id"] == data.PROJ_NEWSVC


def test_ids_are_stable_across_reset(client):
    before = client.v2("GET", APP).get_json()
    client.control("POST", "/reset")
    assert client.v2("GET", APP).get_json() == before


def test_auth_and_errors(client):
    for token in (None, "wrong"):
        resp = client.v2("GET", APP, token=token)
        assert resp.status_code == 401 and resp.get_json() == {"message": "Credentials provided are invalid"}
    assert client.v2("GET", APP, token=None, headers={"Authorization": "Bearer " + TOKEN}).status_code == 200
    basic = base64.b64encode((TOKEN + ":").encode()).decode()
    assert client.v2("GET", APP, token=None, headers={"Authorization": "Basic " + basic}).status_code == 200
    # v1.1 does not take a bearer token
    assert client.v1("GET", "/me", token=None, headers={"Authorization": "Bearer " + TOKEN}).status_code == 401
    resp = client.v2("GET", APP, token=PROJECT_TOKEN)
    assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}
    for path in ("/project/gh/acme/nothere", "/project/gitlab/acme/app", "/project/circleci/x/y"):
        resp = client.v2("GET", path)
        assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}, path
    for path in ("/nope", APP + "/envvar/X/extra", "/project/gh/acme"):
        resp = client.v2("GET", path)
        assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html"), path
    resp = client.v2("GET", APP, accept=False)
    assert resp.headers["Content-Type"] == "application/json"  # v2 has no EDN


def test_envvars_shared_with_v1_and_masked(client):
    assert client.v2("GET", APP + "/envvar").get_json() == {
        "items": [{"name": "AWS_REGION", "value": "xxxxst-1"}, {"name": "SHORT", "value": "xxxxR"}],
        "next_page_token": None}
    resp = client.v2("POST", APP + "/envvar", json={"name": "DB_PASSWORD", "value": "hunter2-abcd"})
    assert resp.status_code == 201 and resp.get_json() == {"name": "DB_PASSWORD", "value": "xxxxabcd"}
    assert client.v1("GET", "/project/github/acme/app/envvar/DB_PASSWORD").get_json()["value"] == "xxxxabcd"
    assert client.state.projects[("github", "acme", "app")]["envvars"]["DB_PASSWORD"] == "hunter2-abcd"
    assert client.v2("GET", APP + "/envvar/DB_PASSWORD").get_json() == {"name": "DB_PASSWORD", "value": "xxxxabcd"}
    resp = client.v2("DELETE", APP + "/envvar/DB_PASSWORD")
    assert resp.status_code == 200 and resp.get_json() == {"message": "Environment variable deleted."}
    for method in ("GET", "DELETE"):
        resp = client.v2(method, APP + "/envvar/DB_PASSWORD")
        assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}
    assert client.v2("GET", "/project/gh/acme/nothere/envvar").get_json() == {"message": "Project not found"}


@pytest.mark.parametrize("body", [
    {"name": "1BAD", "value": "x"}, {"name": "A" * 301, "value": "x"}, {"name": "OK"}, {"name": "OK", "value": 5},
    {"name": "OK", "value": "x", "extra": 1}, ["OK", "x"],
])
def test_envvar_validation(client, body):
    resp = client.v2("POST", APP + "/envvar", json=body)
    assert resp.status_code == 400 and resp.get_json()["message"]


def test_circleci_project_envvars(client):
    items = client.v2("GET", WEBAPP + "/envvar").get_json()["items"]
    # FEATURE_FLAG=on: two characters, shown as one (the simulator's assumption for 1 to 3).
    assert items == [{"name": "API_URL", "value": "xxxx.com"}, {"name": "FEATURE_FLAG", "value": "xxxxn"}]
    assert client.v2("POST", WEBAPP + "/envvar", json={"name": "NEW", "value": "v"}).status_code == 201
    assert client.v2("DELETE", WEBAPP + "/envvar/NEW").status_code == 200
    assert client.v1("GET", "/project/circleci/%s/%s/envvar" % (data.ORG_CLOUD, data.PROJ_WEBAPP)).status_code == 404


def test_paging_by_token():
    client = AppClient(page_size=2)
    for i in range(3):
        client.v2("POST", APP + "/envvar", json={"name": "V%d" % i, "value": "value-%d" % i})
    names, token, pages = [], None, 0
    while True:
        resp = client.v2("GET", APP + "/envvar", query_string={"page-token": token} if token else {})
        body = resp.get_json()
        assert len(body["items"]) <= 2
        names += [i["name"] for i in body["items"]]
        pages += 1
        token = body["next_page_token"]
        if token is None:
            break
    assert pages == 3 and names == ["AWS_REGION", "SHORT", "V0", "V1", "V2"]
    resp = client.v2("GET", APP + "/envvar", query_string={"page-token": "garbage!"})
    assert resp.status_code == 400 and resp.get_json() == {"message": "Invalid page-token"}
    client.control("POST", "/config", json={"page_size": 20})
    assert client.v2("GET", APP + "/envvar").get_json()["next_page_token"] is None


def _sha256(public_key: str) -> str:
    digest = hashlib.sha256(base64.b64decode(public_key.split()[1])).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def test_checkout_keys(client):
    keys = client.v2("GET", APP + "/checkout-key").get_json()["items"]
    assert len(keys) == 1
    seeded = keys[0]
    # Recorded circleci.com answers spell public_key and created_at (the reference: public-key, created-at).
    assert set(seeded) == {"public_key", "type", "fingerprint", "preferred", "created_at"}
    assert seeded["created_at"] == data.CHECKOUT_KEY_SEED[("github", "acme", "app")][0]["time"]
    assert seeded["fingerprint"] == "a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b" and seeded["preferred"] is True
    sha = client.v2("GET", APP + "/checkout-key", query_string={"digest": "sha256"}).get_json()["items"][0]
    assert sha["fingerprint"] == _sha256(seeded["public_key"])
    resp = client.v2("POST", APP + "/checkout-key", json={"type": "deploy-key"})
    assert resp.status_code == 201
    key = resp.get_json()
    assert key["type"] == "deploy-key" and key["preferred"] is False and key["public_key"].startswith("ssh-ed25519 ")
    assert key["created_at"].endswith("Z")
    user_key = client.v2("POST", APP + "/checkout-key", json={"type": "user-key"}).get_json()
    assert user_key["type"] == "github-user-key"
    v1_keys = client.v1("GET", "/project/github/acme/app/checkout-key").get_json()
    assert [k["fingerprint"] for k in v1_keys] == [seeded["fingerprint"], key["fingerprint"], user_key["fingerprint"]]
    assert client.v2("GET", APP + "/checkout-key/" + key["fingerprint"]).get_json() == key
    by_sha = APP + "/checkout-key/" + _sha256(key["public_key"]).replace("/", "%2F").replace("+", "%2B")
    got = client.v2("GET", by_sha, query_string={"digest": "sha256"}).get_json()
    assert got["fingerprint"] == _sha256(key["public_key"])
    resp = client.v2("DELETE", by_sha)
    assert resp.status_code == 200 and resp.get_json() == {"message": "Checkout key deleted."}
    resp = client.v2("GET", APP + "/checkout-key/" + key["fingerprint"])
    assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}
    for body in ({"type": "github-user-key"}, {}, {"type": "deploy-key", "x": 1}):
        assert client.v2("POST", APP + "/checkout-key", json=body).status_code == 400
    assert client.v2("GET", APP + "/checkout-key", query_string={"digest": "sha1"}).status_code == 400


def test_checkout_keys_in_the_reference_spelling_on_request(client):
    assert client.control("GET", "/wire").get_json()["checkout_keys"] == "recorded"
    client.control("POST", "/wire", json={"checkout_keys": "reference"})
    [seeded] = client.v2("GET", APP + "/checkout-key").get_json()["items"]
    assert set(seeded) == {"public-key", "type", "fingerprint", "preferred", "created-at"}
    assert seeded["created-at"] == data.CHECKOUT_KEY_SEED[("github", "acme", "app")][0]["time"]
    created = client.v2("POST", APP + "/checkout-key", json={"type": "deploy-key"}).get_json()
    assert created["public-key"].startswith("ssh-ed25519 ") and "public_key" not in created
    client.control("POST", "/reset")
    assert "public_key" in client.v2("GET", APP + "/checkout-key").get_json()["items"][0]


def test_no_checkout_keys_for_circleci_projects(client):
    resp = client.v2("POST", WEBAPP + "/checkout-key", json={"type": "deploy-key"})
    assert resp.status_code == 400 and "GitHub App" in resp.get_json()["message"]
    assert client.v2("GET", WEBAPP + "/checkout-key").get_json() == {"items": [], "next_page_token": None}


def test_log_and_faults_cover_v2(client):
    client.v2("POST", APP + "/envvar", json={"name": "SECRET_B", "value": "v2-secret-value"},
              query_string={"circle-token": TOKEN})
    entry = client.log()[0]
    assert entry["path"] == "/api/v2/project/gh/acme/app/envvar" and entry["status"] == 201
    assert entry["body"] == {"name": "SECRET_B", "value": "***"} and entry["query"] == {"circle-token": "***"}
    assert entry["token_in_query"] is True and entry["method"] == "POST"
    assert "v2-secret-value" not in client.control("GET", "/requests").get_data(as_text=True)
    client.control("POST", "/faults", json={"method": "GET", "path": "^/api/v2/project/.*/envvar$", "status": 429,
                                            "retry_after": 3})
    resp = client.v2("GET", APP + "/envvar", accept=False)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "3"
    assert resp.get_json() == {"message": "Rate limit exceeded"}  # JSON even without Accept on v2
    assert client.log()[-1]["fault"] == 1
    assert client.v2("GET", APP + "/envvar").status_code == 200
