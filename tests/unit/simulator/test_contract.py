# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract test: every operation of the Swagger file, answered by the simulator, validated against it.

Defect numbers refer to the "Known defects and quirks" list of the spec README in the
project's shared spec (summarised in tests/simulator/README.md). Where the live service
(API-FACTS.md) disagrees with the Swagger file, API-FACTS wins and the derived schema is
patched explicitly below.
"""

from __future__ import annotations

import copy
import json
import os
import re

import jsonschema
import pytest
import yaml
from openapi_spec_validator import OpenAPIV2SpecValidator, validate

from sim_testlib import SIM_DIR

SPEC_PATH = os.path.join(SIM_DIR, "spec", "circleci-v1.swagger.yaml")
FP_RE = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")
METHODS = ("get", "post", "put", "patch", "delete")


def load_spec() -> dict:
    with open(SPEC_PATH, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    # Defect 2: unquoted response codes are ints after PyYAML; a JSON round trip makes them strings.
    return json.loads(json.dumps(raw))


def _walk(node, fix):
    if isinstance(node, dict):
        fix(node)
        for value in node.values():
            _walk(value, fix)
    elif isinstance(node, list):
        for value in node:
            _walk(value, fix)


def swagger_compatible(spec: dict) -> dict:
    """Defect 1: rewrite ``type: [X, 'null']`` to ``type: X`` + ``x-nullable: true`` (strict Swagger 2.0)."""
    spec = copy.deepcopy(spec)

    def fix(node):
        if isinstance(node.get("type"), list):
            node["type"] = [t for t in node["type"] if t != "null"][0]
            node["x-nullable"] = True
        elif node.get("type") == "null":
            del node["type"]
            node["x-nullable"] = True
    _walk(spec, fix)
    return spec


def jsonschema_compatible(spec: dict) -> dict:
    """JSON-Schema (draft 4) view of the definitions, patched where API-FACTS wins over the Swagger file."""
    spec = copy.deepcopy(spec)

    def fix(node):
        # Defect 1: a type list is valid draft 4; a lone 'null' type (BuildDetail.node) means "any value".
        if node.get("type") == "null":
            del node["type"]
    _walk(spec, fix)
    defs = spec["definitions"]

    def nullable(schema: dict) -> None:
        if "$ref" in schema:
            ref = schema.pop("$ref")
            schema["anyOf"] = [{"$ref": ref}, {"type": "null"}]
        else:
            schema["type"] = [schema["type"], "null"] if isinstance(schema["type"], str) else schema["type"]

    # API-FACTS (Builds): outcome is null until a build has finished; times are null until they happen.
    nullable(defs["BuildSummary"]["properties"]["outcome"])
    for field in ("start_time", "stop_time", "build_time_millis"):
        nullable(defs["Build"]["properties"][field])
    # The first build of a branch has no previous (successful) build: null (defects 8 and 13).
    nullable(defs["Build"]["properties"]["previous"])
    nullable(defs["BuildDetail"]["properties"]["previous_successful_build"])
    nullable(defs["PreviousBuild"]["properties"]["build_time_millis"])
    # API-FACTS (SSH keys): settings list ssh_keys as objects {hostname, public_key, fingerprint}, not strings.
    defs["Project"]["properties"]["ssh_keys"]["items"] = {
        "type": "object", "required": ["hostname", "public_key", "fingerprint"],
        "properties": {"hostname": {"type": "string"}, "public_key": {"type": "string"},
                       "fingerprint": {"type": "string", "pattern": FP_RE.pattern}}}
    # Defect 1 family: the live service sends null for an unset Slack webhook (like the StringOrNull fields).
    nullable(defs["Project"]["properties"]["slack_webhook_url"])
    # API-FACTS (Environment variables): envvar delete answers {"message": "ok"} (lower case), not the enum's "OK".
    envvar_delete = spec["paths"]["/project/{username}/{project}/envvar/{name}"]["delete"]["responses"]["200"]
    envvar_delete["schema"]["properties"]["message"]["enum"] = ["OK", "ok"]
    # Defect 11: test results carry a null message when the test passed.
    nullable(defs["Tests"]["properties"]["tests"]["items"]["properties"]["message"])
    return spec


RAW_SPEC = load_spec()
SPEC = jsonschema_compatible(RAW_SPEC)
OPERATIONS = sorted((path, method) for path, item in RAW_SPEC["paths"].items() for method in item if method in METHODS)


def test_fixed_spec_is_valid_swagger():
    validate(swagger_compatible(RAW_SPEC), cls=OpenAPIV2SpecValidator)


def test_spec_has_22_operations():
    assert len(OPERATIONS) == 22


def success_schema(path: str, method: str, status: str):
    responses = SPEC["paths"][path][method]["responses"]
    response = responses.get(status) or responses.get("200") or responses.get("201") or responses.get("default")
    if response is None:
        return None
    if "$ref" in response:
        response = SPEC["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response.get("schema")


def check(payload, schema: dict) -> None:
    root = dict(schema, definitions=SPEC["definitions"])
    jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(payload)


# ------------------------------------------------------------------ exercisers
# Each takes (sim, url) where url(path_template, **params) builds the full URL for the current path form,
# and returns (response, allowed_statuses). The status documented by the spec comes first; API-FACTS may add one.

def _ex_me(sim, url):
    return sim.call("GET", url("/me")), {200}


def _ex_projects(sim, url):
    return sim.call("GET", url("/projects")), {200}


def _ex_list(sim, url):
    return sim.call("GET", url("/project/{username}/{project}"), params={"limit": 5, "offset": 1}), {200}


def _ex_trigger(sim, url):
    resp = sim.call("POST", url("/project/{username}/{project}"),
                    json={"revision": "0" * 40, "parallel": 2, "build_parameters": {"RUN_EXTRA": "1"}})
    body = resp.json()
    # API-FACTS (Builds): trigger answers a summary with why "api" and no outcome yet.
    assert {"build_num", "build_url"} <= set(body)
    assert body["why"] == "api" and body["lifecycle"] in ("queued", "not_running") and body["outcome"] is None
    return resp, {201}


def _ex_recent(sim, url):
    return sim.call("GET", url("/recent-builds"), params={"limit": 3}), {200}


def _ex_detail(sim, url):
    return sim.call("GET", url("/project/{username}/{project}/{build_num}", build_num=2)), {200}


def _ex_artifacts(sim, url):
    resp = sim.call("GET", url("/project/{username}/{project}/{build_num}/artifacts", build_num=1))
    assert resp.json() and set(resp.json()[0]) == {"path", "pretty_path", "node_index", "url"}
    return resp, {200}


def _ex_retry(sim, url):
    return sim.call("POST", url("/project/{username}/{project}/{build_num}/retry", build_num=2)), {200}


def _ex_cancel(sim, url):
    num = sim.call("POST", url("/project/{username}/{project}"), json={}).json()["build_num"]
    resp = sim.call("POST", url("/project/{username}/{project}/{build_num}/cancel", build_num=num))
    assert resp.json()["canceled"] is True
    return resp, {200}


def _ex_tests(sim, url):
    resp = sim.call("GET", url("/project/{username}/{project}/{build_num}/tests", build_num=2))
    assert set(resp.json()["tests"][0]) >= {"name", "classname", "file", "result", "run_time", "message", "source"}
    return resp, {200}


def _ex_tree(sim, url):
    resp = sim.call("POST", url("/project/{username}/{project}/tree/{branch}", branch="feature%2Flogin"),
                    json={"parallel": "1", "revision": "1" * 40})
    assert resp.json()["branch"] == "feature/login" and resp.headers["Location"]
    return resp, {201}


def _ex_ssh_key(sim, url):
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ed25519  # pylint: disable=import-outside-toplevel
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    resp = sim.call("POST", url("/project/{username}/{project}/ssh-key"),
                    json={"hostname": "example.com", "private_key": pem})
    # Defect 7: only a `default` response is documented; the live API answers 200 with an empty body.
    assert resp.content == b""
    return resp, {200}


def _ex_key_list(sim, url):
    resp = sim.call("GET", url("/project/{username}/{project}/checkout-key"))
    for key in resp.json():
        assert set(key) == {"public_key", "type", "fingerprint", "login", "preferred", "time"}
        assert FP_RE.match(key["fingerprint"])
    return resp, {200}


def _ex_key_create(sim, url):
    resp = sim.call("POST", url("/project/{username}/{project}/checkout-key"), json={"type": "deploy-key"})
    key = resp.json()
    assert set(key) == {"public_key", "type", "fingerprint", "login", "preferred", "time"}
    assert FP_RE.match(key["fingerprint"]) and key["public_key"].endswith("\n")
    # Spec says 200; API-FACTS (Checkout keys) says 201.
    return resp, {201}


def _first_fingerprint(sim, url):
    return sim.call("GET", url("/project/{username}/{project}/checkout-key")).json()[0]["fingerprint"]


def _ex_key_get(sim, url):
    fingerprint = _first_fingerprint(sim, url)
    return sim.call("GET", url("/project/{username}/{project}/checkout-key/{fingerprint}",
                               fingerprint=fingerprint)), {200}


def _ex_key_delete(sim, url):
    fingerprint = _first_fingerprint(sim, url)
    resp = sim.call("DELETE", url("/project/{username}/{project}/checkout-key/{fingerprint}",
                                  fingerprint=fingerprint))
    assert resp.json() == {"message": "OK"}
    return resp, {200}


def _ex_build_cache(sim, url):
    resp = sim.call("DELETE", url("/project/{username}/{project}/build-cache"))
    assert resp.json() == {"status": "build dependency caches deleted"}  # defect 13
    return resp, {200}


def _ex_envvar_list(sim, url):
    resp = sim.call("GET", url("/project/{username}/{project}/envvar"))
    assert resp.json() == [{"name": "AWS_REGION", "value": "xxxxst-1"}, {"name": "SHORT", "value": "xxxxR"}]
    return resp, {200}


def _ex_envvar_create(sim, url):
    # Defect 3: the body is an Envvar object. Spec says 200; API-FACTS (Environment variables) says 201.
    resp = sim.call("POST", url("/project/{username}/{project}/envvar"), json={"name": "NEW_VAR", "value": "abcdefgh"})
    assert resp.json() == {"name": "NEW_VAR", "value": "xxxxefgh"}
    return resp, {201}


def _ex_envvar_get(sim, url):
    return sim.call("GET", url("/project/{username}/{project}/envvar/{name}", name="AWS_REGION")), {200}


def _ex_envvar_delete(sim, url):
    resp = sim.call("DELETE", url("/project/{username}/{project}/envvar/{name}", name="SHORT"))
    # The spec's enum says "OK"; API-FACTS (Environment variables) records {"message": "ok"}: API-FACTS wins.
    assert resp.json() == {"message": "ok"}
    return resp, {200}


def _ex_heroku(sim, url):
    resp = sim.call("POST", url("/user/heroku-key"), json={"apikey": "0123456789abcdef"})
    # Defect 5: no success response is documented; the live API answers 200 with an empty body.
    assert resp.content == b""
    return resp, {200}


EXERCISERS = {
    ("/me", "get"): _ex_me,
    ("/projects", "get"): _ex_projects,
    ("/project/{username}/{project}", "get"): _ex_list,
    ("/project/{username}/{project}", "post"): _ex_trigger,
    ("/recent-builds", "get"): _ex_recent,
    ("/project/{username}/{project}/{build_num}", "get"): _ex_detail,
    ("/project/{username}/{project}/{build_num}/artifacts", "get"): _ex_artifacts,
    ("/project/{username}/{project}/{build_num}/retry", "post"): _ex_retry,
    ("/project/{username}/{project}/{build_num}/cancel", "post"): _ex_cancel,
    ("/project/{username}/{project}/{build_num}/tests", "get"): _ex_tests,
    ("/project/{username}/{project}/tree/{branch}", "post"): _ex_tree,
    ("/project/{username}/{project}/ssh-key", "post"): _ex_ssh_key,
    ("/project/{username}/{project}/checkout-key", "get"): _ex_key_list,
    ("/project/{username}/{project}/checkout-key", "post"): _ex_key_create,
    ("/project/{username}/{project}/checkout-key/{fingerprint}", "get"): _ex_key_get,
    ("/project/{username}/{project}/checkout-key/{fingerprint}", "delete"): _ex_key_delete,
    ("/project/{username}/{project}/build-cache", "delete"): _ex_build_cache,
    ("/project/{username}/{project}/envvar", "get"): _ex_envvar_list,
    ("/project/{username}/{project}/envvar", "post"): _ex_envvar_create,
    ("/project/{username}/{project}/envvar/{name}", "get"): _ex_envvar_get,
    ("/project/{username}/{project}/envvar/{name}", "delete"): _ex_envvar_delete,
    ("/user/heroku-key", "post"): _ex_heroku,
}


@pytest.mark.parametrize("form", ["v1", "v1.1"])
@pytest.mark.parametrize("path,method", OPERATIONS, ids=["%s %s" % (m.upper(), p) for p, m in OPERATIONS])
def test_operation_matches_spec(sim, path, method, form):
    exerciser = EXERCISERS.get((path, method))
    if exerciser is None:
        pytest.fail("operation %s %s of the spec is not exercised by the contract test" % (method.upper(), path))

    def url(template: str, **params) -> str:
        values = {"username": "acme", "project": "app"}
        values.update({k: str(v) for k, v in params.items()})
        rendered = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)
        if form == "v1":
            return sim.v1 + rendered
        return sim.base + rendered.replace("/project/", "/project/github/", 1)

    resp, statuses = exerciser(sim, url)
    assert resp.status_code in statuses, resp.text
    if not resp.content:
        return
    assert resp.headers["Content-Type"].startswith("application/json")
    schema = success_schema(path, method, str(resp.status_code))
    assert schema is not None
    check(resp.json(), schema)


def test_every_spec_operation_has_an_exerciser():
    assert set(EXERCISERS) == set(OPERATIONS)


def test_non_spec_operations_shapes(sim):
    """Operations the Swagger file lacks but API-FACTS records."""
    follow = sim.call("POST", sim.base + "/project/github/acme/newsvc/follow").json()
    assert follow == {"following": True, "workflow": False, "first_build": None}
    assert sim.call("POST", sim.base + "/project/github/acme/newsvc/unfollow").json() == {"following": False}
    settings = sim.call("GET", sim.base + "/project/github/acme/app/settings").json()
    check(settings, {"$ref": "#/definitions/Project"})
    latest = sim.call("GET", sim.base + "/project/github/acme/app/latest/artifacts", params={"branch": "main"})
    check(latest.json(), {"$ref": "#/definitions/Artifacts"})
    resp = sim.call("DELETE", sim.base + "/project/github/acme/app/ssh-key",
                    json={"fingerprint": "00:" * 15 + "00", "hostname": "example.com"})
    assert resp.json() == {"message": "OK"}


def test_running_and_finished_builds_validate(sim):
    """Queued, running and finished builds of every kind validate against Build + BuildSummary + BuildDetail."""
    sim.control("POST", "/builds/next", json={"outcome": "timedout", "count": 1, "build_seconds": 0.2})
    num = sim.call("POST", sim.base + "/project/github/acme/app", json={}).json()["build_num"]
    union = {"allOf": [{"$ref": "#/definitions/Build"}, {"$ref": "#/definitions/BuildSummary"},
                       {"$ref": "#/definitions/BuildDetail"}]}  # defect 8: the build object is the union
    for dummy in range(3):
        check(sim.call("GET", sim.base + "/project/github/acme/app/%d" % num).json(), union)
    import time  # pylint: disable=import-outside-toplevel
    time.sleep(0.25)
    build = sim.call("GET", sim.base + "/project/github/acme/app/%d" % num).json()
    assert build["outcome"] == "timedout"
    check(build, union)
    for build in sim.call("GET", sim.base + "/recent-builds", params={"limit": 100}).json():
        check(build, {"allOf": [{"$ref": "#/definitions/Build"}, {"$ref": "#/definitions/BuildSummary"}]})
