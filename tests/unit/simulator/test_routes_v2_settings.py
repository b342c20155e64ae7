# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v2_settings: project settings (defaults, partial PATCH answering the full object, the
refused oss, Server before 4.8) and OIDC custom claims (org and project, {"error"} answers). In-process."""

from __future__ import annotations

import pytest

from sim_testlib import PROJECT_TOKEN, AppClient

import data  # pylint: disable=import-error

SETTINGS = "/project/gh/acme/app/settings"
DEFAULTS = {"autocancel_builds": False, "build_fork_prs": False, "build_prs_only": False, "disable_ssh": False,
            "forks_receive_secret_env_vars": False, "oss": False, "set_github_status": True, "setup_workflows": False,
            "write_settings_requires_admin": False, "pr_only_branch_overrides": ["main"]}
ORG = "/org/%s/oidc-custom-claims" % data.ORG_GH_ACME
PROJ = "/org/%s/project/%s/oidc-custom-claims" % (data.ORG_GH_ACME, data.PROJ_APP)


@pytest.fixture
def sim():
    return AppClient()


def test_settings_start_as_the_defaults_on_every_slug_form(sim):
    for path in (SETTINGS, "/project/github/acme/app/settings", "/project/gh%2Facme%2Fapp/settings",
                 "/project/circleci/%s/%s/settings" % (data.ORG_CLOUD, data.PROJ_WEBAPP)):
        resp = sim.v2("GET", path)
        assert resp.status_code == 200, path
        assert resp.get_json() == {"advanced": DEFAULTS}


def test_patch_is_partial_and_answers_the_full_object(sim):
    resp = sim.v2("PATCH", SETTINGS, json={"advanced": {"build_fork_prs": True, "pr_only_branch_overrides": ["main", "release/*"]}})
    assert resp.status_code == 200
    expected = dict(DEFAULTS, build_fork_prs=True, pr_only_branch_overrides=["main", "release/*"])
    assert resp.get_json() == {"advanced": expected}
    assert sim.v2("GET", SETTINGS).get_json() == {"advanced": expected}
    # Nothing to change: the full object all the same.
    assert sim.v2("PATCH", SETTINGS, json={"advanced": {}}).get_json() == {"advanced": expected}
    # Another project is untouched; a reset restores the defaults.
    assert sim.v2("GET", "/project/bb/acme/lib/settings").get_json()["advanced"]["build_fork_prs"] is False
    sim.control("POST", "/reset")
    assert sim.v2("GET", SETTINGS).get_json() == {"advanced": DEFAULTS}


@pytest.mark.parametrize("body, message", [
    ({"build_fork_prs": True}, 'The request body must be {"advanced": {...}}'),
    ({"advanced": {"bogus": True}}, "Unknown setting(s): bogus"),
    ({"advanced": {"oss": "yes"}}, "oss must be true or false"),
    ({"advanced": {"pr_only_branch_overrides": "main"}}, "pr_only_branch_overrides must be a list of branch names"),
    ({"advanced": {"pr_only_branch_overrides": [""]}}, "pr_only_branch_overrides must be a list of branch names"),
])
def test_patch_refuses_bad_bodies(sim, body, message):
    resp = sim.v2("PATCH", SETTINGS, json=body)
    assert resp.status_code == 400 and resp.get_json() == {"message": message}
    assert sim.v2("GET", SETTINGS).get_json() == {"advanced": DEFAULTS}


def test_a_refused_oss_is_answered_with_200_and_oss_still_false(sim):
    sim.control("POST", "/settings/oss", json={"refused": True})
    resp = sim.v2("PATCH", SETTINGS, json={"advanced": {"oss": True, "disable_ssh": True}})
    assert resp.status_code == 200
    assert resp.get_json()["advanced"]["oss"] is False and resp.get_json()["advanced"]["disable_ssh"] is True
    sim.control("POST", "/settings/oss", json={"refused": False})
    assert sim.v2("PATCH", SETTINGS, json={"advanced": {"oss": True}}).get_json()["advanced"]["oss"] is True


def test_the_oss_switch_checks_its_body_and_resets(sim):
    resp = sim.control("POST", "/settings/oss", json={"refused": "yes"}, expect=400)
    assert resp.get_json() == {"message": 'give {"refused": true} or {"refused": false}'}
    sim.control("POST", "/settings/oss", json={"refused": True})
    sim.control("POST", "/reset")
    assert sim.v2("PATCH", SETTINGS, json={"advanced": {"oss": True}}).get_json()["advanced"]["oss"] is True


def test_unknown_project_and_project_token(sim):
    resp = sim.v2("GET", "/project/gh/acme/nope/settings")
    assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}
    assert sim.v2("GET", SETTINGS, token=PROJECT_TOKEN).status_code == 404


def test_settings_are_absent_before_server_4_8(sim):
    sim.control("POST", "/config", json={"server_version": "4.7"})
    for method in ("GET", "PATCH"):
        resp = sim.v2(method, SETTINGS, json={"advanced": {}})
        assert resp.status_code == 404 and "<html" in resp.get_data(as_text=True).lower()
    sim.control("POST", "/config", json={"server_version": "4.8"})
    assert sim.v2("GET", SETTINGS).status_code == 200


# ---------------------------------------------------------------- OIDC custom claims

def test_claims_set_read_and_delete_for_an_org(sim):
    assert sim.v2("GET", ORG).get_json() == {"org_id": data.ORG_GH_ACME}
    resp = sim.v2("PATCH", ORG, json={"audience": ["sts.example.com"], "ttl": "1h"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["audience"] == ["sts.example.com"] and body["ttl"] == "1h"
    assert body["audience_updated_at"] and body["ttl_updated_at"]
    # The project has claims of its own.
    assert sim.v2("GET", PROJ).get_json() == {"org_id": data.ORG_GH_ACME, "project_id": data.PROJ_APP}
    resp = sim.v2("DELETE", ORG, query_string={"claims": "ttl"})
    assert resp.status_code == 200
    assert set(resp.get_json()) == {"org_id", "audience", "audience_updated_at"}
    sim.v2("DELETE", ORG, query_string={"claims": "audience,ttl"})
    assert sim.v2("GET", ORG).get_json() == {"org_id": data.ORG_GH_ACME}


def test_claims_for_a_project(sim):
    resp = sim.v2("PATCH", PROJ, json={"ttl": "30m"})
    assert resp.status_code == 200
    assert resp.get_json()["project_id"] == data.PROJ_APP and resp.get_json()["ttl"] == "30m"
    assert "ttl" not in sim.v2("GET", ORG).get_json()


@pytest.mark.parametrize("method, path, kwargs, status, error", [
    ("GET", "/org/%s/oidc-custom-claims" % data.ORG_GLOBEX, {}, 404, "organization not found"),
    ("GET", "/org/not-a-uuid/oidc-custom-claims", {}, 404, "organization not found"),
    ("GET", "/org/%s/project/%s/oidc-custom-claims" % (data.ORG_GH_ACME, data.PROJ_LIB), {}, 404, "project not found"),
    ("PATCH", ORG, {"json": {}}, 400, "the body must be a JSON object with audience and/or ttl"),
    ("PATCH", ORG, {"json": {"aud": ["x"]}}, 400, "unknown claim(s): aud"),
    ("PATCH", ORG, {"json": {"audience": "x"}}, 400, "audience must be a non-empty list of strings"),
    ("PATCH", ORG, {"json": {"ttl": "1 hour"}}, 400, "invalid ttl: a duration such as 1h or 30m"),
    ("DELETE", ORG, {}, 400, "claims must name some of: audience, ttl"),
    ("DELETE", ORG, {"query_string": {"claims": "audience,sub"}}, 400, "claims must name some of: audience, ttl"),
])
def test_claims_errors_are_error_objects(sim, method, path, kwargs, status, error):
    resp = sim.v2(method, path, **kwargs)
    assert resp.status_code == status and resp.get_json() == {"error": error}


def test_a_project_token_gets_an_error_object_too(sim):
    resp = sim.v2("GET", ORG, token=PROJECT_TOKEN)
    assert resp.status_code == 404 and set(resp.get_json()) == {"error"}


def test_claims_are_absent_before_server_4_4(sim):
    sim.control("POST", "/config", json={"server_version": "4.3"})
    assert sim.v2("GET", ORG).status_code == 404 and "<html" in sim.v2("GET", ORG).get_data(as_text=True).lower()
    sim.control("POST", "/config", json={"server_version": "4.4"})
    assert sim.v2("GET", ORG).status_code == 200
