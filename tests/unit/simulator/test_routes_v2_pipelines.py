# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routes_v2_pipelines on its own: triggers, pipelines, workflow progressions (success, failed,
on_hold then approve, cancel, rerun, errored, skipped, compiling, no match), jobs, artifacts,
tests. In-process with a fake clock: build_seconds 4 (queued 1 s, running 3 s), compile 1 s."""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from sim_testlib import PROJECT_TOKEN, AppClient

import data  # pylint: disable=import-error

RUN = "/project/gh/acme/app/pipeline/run"
WEBAPP = "circleci/%s/%s" % (data.ORG_CLOUD, data.PROJ_WEBAPP)
GATED = [{"name": "build", "jobs": [
    {"name": "build", "outcome": "success", "artifacts": ["dist/app.tar.gz"]},
    {"name": "hold-for-prod", "type": "approval", "requires": ["build"]},
    {"name": "deploy", "requires": ["hold-for-prod"]},
]}, {"name": "lint", "outcome": "failed"}]


def trigger(client, body=None, path=RUN, status=201):
    resp = client.v2("POST", path, json=body if body is not None else {})
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def workflows_of(client, pipeline_id):
    resp = client.v2("GET", "/pipeline/%s/workflow" % pipeline_id)
    assert resp.status_code == 200
    return resp.get_json()["items"]


def jobs_of(client, workflow_id):
    return {j["name"]: j for j in client.v2("GET", "/workflow/%s/job" % workflow_id).get_json()["items"]}


def status(client, workflow_id):
    return client.v2("GET", "/workflow/%s" % workflow_id).get_json()["status"]


def test_trigger_and_default_workflow_succeeds(client):
    created = trigger(client, {"config": {"branch": "main"}, "checkout": {"branch": "main"},
                               "parameters": {"deploy_env": "prod", "run_tests": False}})
    assert set(created) == {"id", "state", "number", "created_at"}
    assert created["state"] == "created" and created["number"] == 1
    pipeline = client.v2("GET", "/pipeline/" + created["id"]).get_json()
    assert pipeline["project_slug"] == "gh/acme/app" and pipeline["vcs"]["branch"] == "main"
    assert pipeline["errors"] == [] and pipeline["trigger"]["type"] == "api" and pipeline["state"] == "created"
    assert workflows_of(client, created["id"]) == []  # config still compiling
    client.advance(1.0)
    [wf] = workflows_of(client, created["id"])
    assert wf["name"] == "build-and-test" and wf["status"] == "running" and wf["stopped_at"] is None
    assert wf["pipeline_id"] == created["id"] and wf["pipeline_number"] == 1 and wf["project_slug"] == "gh/acme/app"
    jobs = jobs_of(client, wf["id"])
    assert (jobs["build"]["status"], jobs["test"]["status"]) == ("queued", "blocked")
    assert jobs["build"]["job_number"] == 7 and jobs["test"]["job_number"] == 8  # after v1.1 builds 1-6
    assert jobs["test"]["dependencies"] == [jobs["build"]["id"]] and jobs["build"]["type"] == "build"
    client.advance(1.0)
    assert jobs_of(client, wf["id"])["build"]["status"] == "running"
    assert client.v1("GET", "/project/github/acme/app/7").get_json()["lifecycle"] == "running"
    assert client.v1("GET", "/project/github/acme/app/8").get_json()["lifecycle"] == "not_running"
    client.advance(6.0)  # build ran 1 s to 5 s after the compile, test 5 s to 9 s
    assert status(client, wf["id"]) == "running"
    client.advance(1.0)
    assert status(client, wf["id"]) == "success"
    jobs = jobs_of(client, wf["id"])
    assert all(j["status"] == "success" and j["started_at"] and j["stopped_at"] for j in jobs.values())
    assert client.v2("GET", "/workflow/" + wf["id"]).get_json()["stopped_at"] == jobs["test"]["stopped_at"]


def test_jobs_are_v1_builds(client):
    pid = trigger(client)["id"]
    client.advance(10)
    build = client.v1("GET", "/project/github/acme/app/7").get_json()
    assert build["job_name"] == "build" and build["outcome"] == "success" and build["why"] == "api"
    assert [b["build_num"] for b in client.v1("GET", "/project/github/acme/app", query_string={"limit": 2}).get_json()] == [8, 7]
    assert client.v1("GET", "/recent-builds", query_string={"limit": 1}).get_json()[0]["build_num"] == 8
    arts = client.v1("GET", "/project/github/acme/app/7/artifacts").get_json()
    assert [a["path"] for a in arts] == [data.TARBALL]
    tests = client.v1("GET", "/project/github/acme/app/8/tests").get_json()["tests"]
    assert tests and all(t["result"] == "success" for t in tests)
    detail = client.v2("GET", "/project/gh/acme/app/job/7").get_json()
    wf = workflows_of(client, pid)[0]
    assert detail["number"] == 7 and detail["name"] == "build" and detail["status"] == "success"
    assert detail["latest_workflow"] == {"id": wf["id"], "name": "build-and-test"}
    assert detail["pipeline"] == {"id": pid} and detail["duration"] == 3000
    assert detail["web_url"] == "https://app.circleci.com/pipelines/gh/acme/app/1/workflows/%s/jobs/7" % wf["id"]
    assert detail["parallel_runs"] == [{"index": 0, "status": "success"}]
    seeded = client.v2("GET", "/project/github/acme/app/job/2").get_json()
    assert seeded["status"] == "failed" and seeded["latest_workflow"] is None
    resp = client.v2("GET", "/project/gh/acme/app/job/999")
    assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}


def test_v2_artifacts_and_tests(client):
    trigger(client)
    client.advance(10)
    body = client.v2("GET", "/project/gh/acme/app/7/artifacts").get_json()
    assert body["next_page_token"] is None
    [art] = body["items"]
    assert set(art) == {"path", "node_index", "url"} and art["path"] == data.TARBALL
    resp = client.call("GET", art["url"])
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(resp.data))) as tar:
        assert tar.extractfile("VERSION").read() == b"1.0.7\n"
    assert client.call("GET", art["url"], token=None).status_code == 401
    tests = client.v2("GET", "/project/gh/acme/app/8/tests").get_json()["items"]
    assert {"message", "source", "run_time", "file", "result", "name", "classname"} <= set(tests[0])
    assert [a["path"] for a in client.v2("GET", "/project/gh/acme/app/3/artifacts").get_json()["items"]] == \
        data.default_artifact_paths(3)  # seeded v1.1 builds too
    assert client.v2("GET", "/project/gh/acme/app/2/tests").get_json()["items"][2]["result"] == "failed"


def test_failed_and_on_hold_then_approve(client):
    client.control("POST", "/pipelines/next", json={"workflows": GATED})
    pid = trigger(client)["id"]
    client.advance(1.0)
    wfs = {w["name"]: w for w in workflows_of(client, pid)}
    assert set(wfs) == {"build", "lint"}
    client.advance(4.0)
    assert status(client, wfs["lint"]["id"]) == "failed"
    jobs = jobs_of(client, wfs["build"]["id"])
    hold = jobs["hold-for-prod"]
    assert hold["status"] == "on_hold" and "job_number" not in hold and hold["type"] == "approval"
    assert hold["approval_request_id"] and jobs["deploy"]["status"] == "blocked"
    assert status(client, wfs["build"]["id"]) == "on_hold"
    client.advance(60)
    assert status(client, wfs["build"]["id"]) == "on_hold"  # until approved
    approve = "/workflow/%s/approve/%s" % (wfs["build"]["id"], hold["approval_request_id"])
    resp = client.v2("POST", approve)
    assert resp.status_code == 202 and resp.get_json() == {"message": "Accepted."}
    assert jobs_of(client, wfs["build"]["id"])["hold-for-prod"]["status"] == "success"
    assert status(client, wfs["build"]["id"]) == "running"
    client.advance(4.0)
    assert status(client, wfs["build"]["id"]) == "success"
    assert jobs_of(client, wfs["build"]["id"])["hold-for-prod"]["approved_by"] == data.USER_ID
    again = client.v2("POST", approve)
    assert again.status_code == 400 and again.get_json() == {"message": "Job already approved."}
    wrong = client.v2("POST", "/workflow/%s/approve/%s" % (wfs["build"]["id"], jobs["build"]["id"]))
    assert wrong.status_code == 404 and wrong.get_json() == {"message": "Entity not found"}
    other_wf = client.v2("POST", "/workflow/%s/approve/%s" % (wfs["lint"]["id"], hold["approval_request_id"]))
    assert other_wf.status_code == 404


def test_approval_not_yet_on_hold(client):
    client.control("POST", "/pipelines/next", json={"workflows": GATED[:1]})
    pid = trigger(client)["id"]
    client.advance(1.0)
    [wf] = workflows_of(client, pid)
    hold = jobs_of(client, wf["id"])["hold-for-prod"]
    assert hold["status"] == "blocked"
    resp = client.v2("POST", "/workflow/%s/approve/%s" % (wf["id"], hold["approval_request_id"]))
    assert resp.status_code == 400 and "blocked" in resp.get_json()["message"]


def test_cancel(client):
    pid = trigger(client)["id"]
    client.advance(2.5)
    [wf] = workflows_of(client, pid)
    resp = client.v2("POST", "/workflow/%s/cancel" % wf["id"])
    assert resp.status_code == 202 and resp.get_json() == {"message": "Accepted."}
    client.advance(20)
    got = client.v2("GET", "/workflow/" + wf["id"]).get_json()
    assert got["status"] == "canceled" and got["stopped_at"] and got["canceled_by"] == data.USER_ID
    jobs = jobs_of(client, wf["id"])
    assert jobs["build"]["status"] == "canceled" and jobs["build"]["started_at"]
    assert jobs["test"]["status"] == "canceled" and jobs["test"]["started_at"] is None
    build = client.v1("GET", "/project/github/acme/app/7").get_json()
    assert (build["lifecycle"], build["outcome"], build["canceled"]) == ("finished", "canceled", True)
    assert client.v2("POST", "/workflow/%s/cancel" % wf["id"]).status_code == 202  # finished: unchanged
    assert client.v2("POST", "/workflow/nope/cancel").status_code == 404


def test_v1_cancel_of_a_job_cancels_the_workflow(client):
    pid = trigger(client)["id"]
    client.advance(2.5)
    resp = client.v1("POST", "/project/github/acme/app/7/cancel")
    assert resp.get_json()["canceled"] is True
    client.advance(20)
    [wf] = workflows_of(client, pid)
    assert wf["status"] == "canceled"
    assert jobs_of(client, wf["id"])["test"]["status"] == "not_run"


def test_rerun_from_failed(client):
    client.control("POST", "/pipelines/next", json={"workflows": [{"name": "ci", "jobs": [
        {"name": "build"}, {"name": "test", "requires": ["build"], "outcome": "failed"},
        {"name": "docs"}, {"name": "publish", "requires": ["test"]}]}]})
    pid = trigger(client)["id"]
    client.advance(1.0)
    [wf] = workflows_of(client, pid)
    resp = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={"from_failed": True})
    assert resp.status_code == 400 and "not finished" in resp.get_json()["message"]
    client.advance(8.0)
    assert status(client, wf["id"]) == "failed"
    old = jobs_of(client, wf["id"])
    assert (old["test"]["status"], old["publish"]["status"], old["docs"]["status"]) == ("failed", "not_run", "success")
    resp = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={"from_failed": True})
    assert resp.status_code == 202
    new_id = resp.get_json()["workflow_id"]
    assert new_id != wf["id"]
    listed = workflows_of(client, pid)
    assert [w["id"] for w in listed] == [new_id, wf["id"]]  # newest first, same pipeline
    assert listed[0]["name"] == "ci" and listed[0]["status"] == "running"
    new = jobs_of(client, new_id)
    assert new["build"]["status"] == "success" and new["build"]["job_number"] == old["build"]["job_number"]
    assert new["docs"]["job_number"] == old["docs"]["job_number"]
    assert new["test"]["job_number"] > old["publish"]["job_number"]
    assert new["test"]["status"] == "queued" and new["publish"]["status"] == "blocked"
    client.advance(8.0)
    assert status(client, new_id) == "success"
    retried = client.v1("GET", "/project/github/acme/app/%d" % new["test"]["job_number"]).get_json()
    assert retried["why"] == "retry" and retried["retry_of"] == old["test"]["job_number"]
    resp = client.v2("POST", "/workflow/%s/rerun" % new_id, json={"from_failed": True})
    assert resp.status_code == 400 and resp.get_json() == {"message": "This workflow has no failed jobs to rerun"}


def test_rerun_answered_as_recorded_in_2020_names_no_workflow(client):
    client.control("POST", "/pipelines/next", json={"workflows": [{"name": "ci", "outcome": "failed"}]})
    pid = trigger(client)["id"]
    client.advance(10)
    [wf] = workflows_of(client, pid)
    client.control("POST", "/wire", json={"rerun": "recorded"})
    resp = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={"from_failed": True})
    assert resp.status_code == 202 and resp.get_json() == {"message": "Accepted."}
    # The rerun happened all the same: the newest workflow of that name is the new run.
    listed = workflows_of(client, pid)
    assert [w["name"] for w in listed] == ["ci", "ci"]
    assert listed[1]["id"] == wf["id"] and listed[0]["id"] != wf["id"] and listed[0]["status"] == "running"


def test_rerun_jobs_and_whole_workflow(client):
    pid = trigger(client)["id"]
    client.advance(10)
    [wf] = workflows_of(client, pid)
    jobs = jobs_of(client, wf["id"])
    resp = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={"jobs": [jobs["test"]["id"]], "enable_ssh": True})
    assert resp.status_code == 202
    new = jobs_of(client, resp.get_json()["workflow_id"])
    assert new["build"]["job_number"] == 7 and new["test"]["job_number"] == 9
    whole = client.v2("POST", "/workflow/%s/rerun" % wf["id"], json={})
    assert whole.status_code == 202
    assert {j["job_number"] for j in jobs_of(client, whole.get_json()["workflow_id"]).values()} == {10, 11}
    for body in ({"jobs": ["not-a-job"]}, {"from_failed": True, "jobs": [jobs["test"]["id"]]},
                 {"enable_ssh": True}, {"from_failed": "yes"}, {"jobs": []}, {"unknown": 1}):
        assert client.v2("POST", "/workflow/%s/rerun" % wf["id"], json=body).status_code == 400, body


def test_undeclared_parameter_errors_the_pipeline(client):
    created = trigger(client, {"parameters": {"deploy_env": "prod", "x": 1, "y": True}})
    assert created["state"] == "created"
    client.advance(1.0)
    pipeline = client.v2("GET", "/pipeline/" + created["id"]).get_json()
    assert pipeline["state"] == "errored"
    assert pipeline["errors"] == [{"type": "config", "message": "Unexpected argument(s): x, y"}]
    client.advance(60)
    assert workflows_of(client, created["id"]) == []
    typed = trigger(client, {"parameters": {"run_tests": "yes"}})
    client.advance(1.0)
    errors = client.v2("GET", "/pipeline/" + typed["id"]).get_json()["errors"]
    assert errors == [{"type": "config", "message": 'Type error for argument run_tests: expected type: boolean, '
                                                    'actual value: "yes" (type string)'}]
    lib = trigger(client, {"parameters": {"deploy_env": "prod"}}, path="/project/bb/acme/lib/pipeline/run")
    client.advance(1.0)
    assert client.v2("GET", "/pipeline/" + lib["id"]).get_json()["errors"][0]["message"] == \
        "Unexpected argument(s): deploy_env"


def test_skip_marker(client):
    client.control("POST", "/pipelines/next", json={"skip": True})
    resp = client.v2("POST", RUN, json={})
    assert resp.status_code == 200 and set(resp.get_json()) == {"message"}
    assert client.v2("GET", "/project/gh/acme/app/pipeline").get_json()["items"] == []
    assert trigger(client)["number"] == 1  # no pipeline was created; the next one is number 1


def test_workflows_appear_after_compiling(client):
    client.control("POST", "/pipelines/next", json={"compile_seconds": 3})
    pid = trigger(client)["id"]
    for dummy in range(5):
        assert workflows_of(client, pid) == []
        client.advance(0.5)
    client.advance(0.5)
    assert len(workflows_of(client, pid)) == 1


def test_no_workflow_matches(client):
    client.control("POST", "/pipelines/next", json={"workflows": []})
    pid = trigger(client)["id"]
    client.advance(3600)
    assert workflows_of(client, pid) == []
    assert client.v2("GET", "/pipeline/" + pid).get_json()["state"] == "created"
    client.control("POST", "/projects/gh/acme/app/config", json={"workflows": [
        {"name": "release", "branches": ["main", "release/.*"], "tags": ["v.*"]}]})
    feature = trigger(client, {"checkout": {"branch": "feature/x"}})["id"]
    release = trigger(client, {"checkout": {"branch": "release/2.4"}})["id"]
    tag = trigger(client, {"config": {"tag": "v1.0"}, "checkout": {"tag": "v1.0"}})["id"]
    client.advance(1.0)
    assert workflows_of(client, feature) == []
    assert [w["name"] for w in workflows_of(client, release)] == ["release"]
    assert [w["name"] for w in workflows_of(client, tag)] == ["release"]
    assert client.v2("GET", "/pipeline/" + tag).get_json()["vcs"]["tag"] == "v1.0"


@pytest.mark.parametrize("body", [
    {"config": {"branch": "main", "tag": "v1"}}, {"checkout": {}}, {"config": "main"}, {"checkout": {"branch": ""}},
    {"config": {"revision": "abc"}}, {"branch": "main"}, {"parameters": []}, {"parameters": {"a": {"b": 1}}},
    {"parameters": {"a": None}}, {"parameters": {"k%d" % i: i for i in range(101)}}, {"parameters": {"k" * 129: 1}},
    {"parameters": {"a": "v" * 513}}, {"definition_id": "not-a-uuid"}, ["main"],
])
def test_trigger_validation(client, body):
    resp = client.v2("POST", RUN, json=body)
    assert resp.status_code == 400 and resp.get_json()["message"], body


def test_trigger_limits_accepted(client):
    client.control("POST", "/projects/gh/acme/app/config", json={"parameters": {
        "k%03d" % i: {"type": "string"} for i in range(100)}})
    params = {"k%03d" % i: "v" * 512 for i in range(100)}
    created = trigger(client, {"parameters": params, "definition_id": "9d1f758b-3d44-4351-85b6-cbdfbb81603b"})
    client.advance(1.0)
    assert client.v2("GET", "/pipeline/" + created["id"]).get_json()["state"] == "created"


def test_run_slug_forms(client):
    resp = client.v2("POST", "/project/gh%2Facme%2Fapp/pipeline/run", json={})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    for path in ("/project/github/acme/app/pipeline/run", "/project/bitbucket/acme/lib/pipeline/run",
                 "/project/gh/acme/nothere/pipeline/run"):
        resp = client.v2("POST", path, json={})
        assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}, path
    assert trigger(client, path="/project/bb/acme/lib/pipeline/run")["number"] == 1
    webapp = trigger(client, path="/project/%s/pipeline/run" % WEBAPP)
    client.advance(1.0)
    [wf] = workflows_of(client, webapp["id"])
    assert wf["project_slug"] == WEBAPP
    assert jobs_of(client, wf["id"])["build"]["job_number"] == 1  # its own numbering, no v1.1 builds
    resp = client.v2("POST", RUN, json={}, token=PROJECT_TOKEN)
    assert resp.status_code == 404 and resp.get_json() == {"message": "Project not found"}
    assert client.v2("POST", RUN, json={}, token=None).status_code == 401


def test_server_47_has_only_the_classic_trigger():
    client = AppClient(server_version="4.7")
    resp = client.v2("POST", RUN, json={})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    assert trigger(client, {"branch": "main"}, path="/project/gh/acme/app/pipeline")["number"] == 1
    client.control("POST", "/config", json={"server_version": "4.8"})
    assert trigger(client)["number"] == 2


def test_classic_trigger(client):
    created = trigger(client, {"branch": "feature/x", "parameters": {"deploy_env": "qa"}},
                      path="/project/github/acme/app/pipeline")
    assert created["state"] == "created"
    assert client.v2("GET", "/pipeline/" + created["id"]).get_json()["vcs"]["branch"] == "feature/x"
    tagged = trigger(client, {"tag": "v2"}, path="/project/gh/acme/app/pipeline")
    vcs = client.v2("GET", "/pipeline/" + tagged["id"]).get_json()["vcs"]
    assert vcs["tag"] == "v2" and "branch" not in vcs
    for body in ({"branch": "a", "tag": "b"}, {"branch": 5}, {"config": {"branch": "main"}}):
        assert client.v2("POST", "/project/gh/acme/app/pipeline", json=body).status_code == 400, body
    resp = client.v2("POST", "/project/%s/pipeline" % WEBAPP, json={})
    assert resp.status_code == 400 and "pipeline/run" in resp.get_json()["message"]


def test_pipeline_lists():
    client = AppClient(page_size=2)
    for branch in ("main", "feature/x", "main", "main"):
        trigger(client, {"checkout": {"branch": branch}})
    first = client.v2("GET", "/project/gh/acme/app/pipeline").get_json()
    assert [p["number"] for p in first["items"]] == [4, 3] and first["next_page_token"]
    second = client.v2("GET", "/project/gh/acme/app/pipeline",
                       query_string={"page-token": first["next_page_token"]}).get_json()
    assert [p["number"] for p in second["items"]] == [2, 1] and second["next_page_token"] is None
    mains = client.v2("GET", "/project/github/acme/app/pipeline", query_string={"branch": "main"}).get_json()
    assert [p["number"] for p in mains["items"]] == [4, 3]
    assert client.v2("GET", "/project/gh/acme/app/pipeline/2").get_json()["vcs"]["branch"] == "feature/x"
    assert client.v2("GET", "/project/gh/acme/app/pipeline/9").status_code == 404
    assert client.v2("GET", "/pipeline/not-an-id").get_json() == {"message": "Entity not found"}
    assert client.v2("GET", "/workflow/not-an-id/job").status_code == 404


def test_workflow_and_job_lists_page():
    client = AppClient(page_size=2)
    client.control("POST", "/pipelines/next", json={"workflows": [
        {"name": "w%d" % i, "jobs": [{"name": "j%d" % k} for k in range(3)]} for i in range(3)]})
    pid = trigger(client)["id"]
    client.advance(1)
    first = client.v2("GET", "/pipeline/%s/workflow" % pid).get_json()
    assert len(first["items"]) == 2 and first["next_page_token"]
    rest = client.v2("GET", "/pipeline/%s/workflow" % pid, query_string={"page-token": first["next_page_token"]})
    assert len(rest.get_json()["items"]) == 1
    wf_id = first["items"][0]["id"]
    jobs = client.v2("GET", "/workflow/%s/job" % wf_id).get_json()
    assert len(jobs["items"]) == 2 and jobs["next_page_token"]


def test_project_token_sees_nothing(client):
    pid = trigger(client)["id"]
    client.advance(1)
    wf_id = workflows_of(client, pid)[0]["id"]
    for path in ("/pipeline/" + pid, "/workflow/" + wf_id, "/workflow/%s/job" % wf_id):
        resp = client.v2("GET", path, token=PROJECT_TOKEN)
        assert resp.status_code == 404 and resp.get_json() == {"message": "Entity not found"}
