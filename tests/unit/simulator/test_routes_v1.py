# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v1 on its own: the v1/v1.1 route table, the 2027 sunset switch, CircleCI Server
(no retry/ssh), rebuild with SSH. In-process (Flask test client, fake clock)."""

from __future__ import annotations

import pytest

from sim_testlib import AppClient

import routes_v1  # pylint: disable=import-error
from routing import Router  # pylint: disable=import-error

APP = "/project/github/acme/app"
GONE = {"message": "This endpoint has been removed. Use API v2 pipelines."}
# The ten endpoints CircleCI removes on 2027-02-01: five forms, each in v1.1 and v1 path form.
RETIRED = [
    "/api/v1.1/project/github/acme/app", "/api/v1.1/project/github/acme/app/tree/main",
    "/api/v1.1/project/github/acme/app/build", "/api/v1.1/project/github/acme/app/1/retry",
    "/api/v1.1/project/github/acme/app/1/ssh",
    "/api/v1/project/acme/app", "/api/v1/project/acme/app/tree/main", "/api/v1/project/acme/app/build",
    "/api/v1/project/acme/app/1/retry", "/api/v1/project/acme/app/1/ssh",
]


def test_route_table_has_both_path_forms():
    table = Router(routes_v1.ROUTES).describe()
    for method, suffix, dummy, *rest in routes_v1.PROJECT_ROUTES:
        assert (method, routes_v1.V11_PROJECT + suffix) in table
        assert (method, routes_v1.V1_PROJECT + suffix) in table
    assert ("GET", "/api/v1/me") in table and ("GET", "/api/v1.1/me") in table


def test_route_match_raw_path_keeps_encoded_slash():
    router = Router(routes_v1.ROUTES)
    route, params = router.match("POST", "/api/v1.1/project/gh/acme/app/tree/feature%2Fx")
    assert route.handler is routes_v1.post_branch_trigger
    assert params == {"vcs": "gh", "username": "acme", "reponame": "app", "branch": "feature/x"}
    route, params = router.match("GET", "/api/v1/project/acme/app/12/artifacts")
    assert route.handler is routes_v1.get_build_artifacts and params["build_num"] == 12
    route, dummy = router.match("PUT", "/api/v1.1/project/github/acme/app/envvar")
    assert route.handler is routes_v1.unknown_project_route


@pytest.mark.parametrize("path", RETIRED)
def test_before_the_sunset_retired_endpoints_warn(client, path):
    resp = client.call("POST", path, json={})
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    assert resp.headers["Deprecation"] == "true"
    assert resp.headers["Sunset"] == "Sun, 01 Feb 2027 00:00:00 GMT"
    assert "successor-version" in resp.headers["Link"]


@pytest.mark.parametrize("path", RETIRED)
def test_from_the_sunset_date_retired_endpoints_answer_410(path):
    client = AppClient(date="2027-02-01")
    resp = client.call("POST", path, json={})
    assert resp.status_code == 410 and resp.get_json() == GONE
    assert client.control("GET", "/config").get_json()["retired"] is True


def test_sunset_keeps_everything_else(client):
    client.control("POST", "/config", json={"date": "2027-03-15"})
    assert client.v1("POST", APP + "/1/cancel").status_code == 200
    assert client.v1("GET", APP).status_code == 200
    assert client.v1("POST", APP + "/envvar", json={"name": "A", "value": "b"}).status_code == 201
    assert client.v1("POST", APP + "/checkout-key", json={"type": "deploy-key"}).status_code == 201
    assert client.v1("DELETE", APP + "/build-cache").status_code == 200
    assert client.v1("POST", APP + "/follow").status_code == 200
    client.control("POST", "/config", json={"date": "2027-01-31"})
    assert client.v1("POST", APP, json={}).status_code == 201


def test_retired_flag_is_the_date(client):
    assert client.control("GET", "/config").get_json()["date"] == "2026-06-01"
    config = client.control("POST", "/config", json={"retired": True}).get_json()
    assert config["retired"] is True and config["date"] == "2027-02-01"
    assert client.v1("POST", APP + "/tree/main", json={}).status_code == 410
    config = client.control("POST", "/config", json={"retired": False}).get_json()
    assert config["retired"] is False and config["date"] == "2026-06-01"  # back to the start date
    assert client.v1("POST", APP + "/tree/main", json={}).status_code == 201
    late = AppClient(date="2027-06-01")
    assert late.control("POST", "/config", json={"retired": False}).get_json()["date"] == "2027-01-31"


# On 2026-12-07 CircleCI removes `branches` from GET /projects and from project settings.
PROJECT_READS = ["/api/v1.1/projects", "/api/v1.1/project/github/acme/app/settings", "/api/v1/project/acme/app/settings"]


def project_objects(client, path, **kwargs):
    answer = client.call("GET", path, **kwargs).get_json()
    return answer if isinstance(answer, list) else [answer]


@pytest.mark.parametrize("path", PROJECT_READS)
def test_the_day_before_the_removal_projects_and_settings_hold_branches(path):
    client = AppClient(date="2026-12-06")
    objects = project_objects(client, path)
    assert objects and all("main" in p["branches"] for p in objects if p["reponame"] == "app")
    assert all("branches" in p for p in objects)


@pytest.mark.parametrize("path", PROJECT_READS)
@pytest.mark.parametrize("date", ["2026-12-07", "2027-03-01"])
def test_from_the_removal_date_projects_and_settings_have_no_branches(path, date):
    client = AppClient(date=date)
    objects = project_objects(client, path)
    assert objects and all("branches" not in p for p in objects)
    # The rest of the project object stays.
    assert all(p["default_branch"] == "main" and "ssh_keys" in p and "following" in p for p in objects)


def test_the_removal_follows_the_date_set_at_run_time(client):
    client.control("POST", "/config", json={"date": "2026-12-07"})
    assert all("branches" not in p for p in project_objects(client, "/api/v1.1/projects"))
    client.control("POST", "/config", json={"date": "2026-12-06"})
    assert all("branches" in p for p in project_objects(client, "/api/v1.1/projects"))


def test_the_light_projects_list_leaves_out_branches_only():
    client = AppClient(date="2026-12-06")
    full = project_objects(client, "/api/v1.1/projects")
    light = project_objects(client, "/api/v1.1/projects", query_string={"shallow": "true"})
    assert [p["reponame"] for p in light] == [p["reponame"] for p in full]
    assert [dict(p, branches=None) for p in light] == [dict(p, branches=None) for p in full]
    assert all("branches" not in p for p in light) and all("branches" in p for p in full)


def test_default_date_is_today():
    import datetime  # pylint: disable=import-outside-toplevel
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert AppClient(date=None).control("GET", "/config").get_json()["date"] == today


def test_rebuild_with_ssh(client):
    resp = client.v1("POST", APP + "/2/ssh")
    assert resp.status_code == 200
    build = resp.get_json()
    assert build["build_num"] == 7 and build["retry_of"] == 2 and build["ssh_enabled"] is True
    assert build["branch"] == "feature/login" and resp.headers["Deprecation"] == "true"
    assert client.v1("GET", APP + "/1").get_json()["ssh_enabled"] is None


def test_server_has_no_retry_or_ssh():
    client = AppClient(server_version="4.7")
    for path in ("/api/v1.1/project/github/acme/app/1/retry", "/api/v1/project/acme/app/1/ssh"):
        resp = client.call("POST", path)
        assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    assert client.call("POST", "/api/v1.1/project/github/acme/nope/1/retry").get_json() == {
        "message": "Project not found"}
    assert client.v1("POST", APP + "/1/cancel").status_code == 200
    resp = client.v1("POST", APP + "/tree/main", json={})
    assert resp.status_code == 201 and resp.headers["Sunset"]  # triggers exist on Server until the sunset
    client.control("POST", "/config", json={"server_version": "cloud"})
    assert client.v1("POST", APP + "/1/retry").status_code == 200


def test_lifecycle_by_the_fake_clock(client):
    build = client.v1("POST", APP, json={}).get_json()
    path = APP + "/%d" % build["build_num"]
    assert build["lifecycle"] == "queued"
    client.advance(1.5)  # 25 % of 4 s
    assert client.v1("GET", path).get_json()["lifecycle"] == "running"
    client.advance(3)
    done = client.v1("GET", path).get_json()
    assert done["lifecycle"] == "finished" and done["outcome"] == "success" and done["build_time_millis"] == 3000


def test_unknown_routes_under_a_project(client):
    resp = client.v1("PUT", APP + "/envvar")
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    resp = client.v1("GET", "/project/github/acme/nothere/whatever/else")
    assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}
    assert client.v1("GET", "/project/github/acme/nothere/whatever", token=None).status_code == 401
    resp = client.v1("GET", "/project/circleci/x/y")
    assert resp.get_json() == {"message": "Project not found"}  # v1.1 cannot reach circleci/ projects


def test_v1_listings_leave_out_circleci_projects(client):
    assert [p["reponame"] for p in client.v1("GET", "/projects").get_json()] == ["app", "lib"]
    assert {b["vcs_type"] for b in client.v1("GET", "/recent-builds").get_json()} == {"github", "bitbucket"}
    assert set(client.v1("GET", "/me").get_json()["projects"]) == {
        "https://github.com/acme/app", "https://bitbucket.org/acme/lib"}
