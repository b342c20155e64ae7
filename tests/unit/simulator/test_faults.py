# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""faults on its own (make_fault, take, answer), then through the app on v1.1, v2 and artifact paths."""

from __future__ import annotations

import pytest

# sim_testlib puts the simulator on sys.path.
import sim_testlib  # noqa: F401  pylint: disable=unused-import

import faults  # pylint: disable=import-error


def test_make_fault_defaults_and_validation():
    fault = faults.make_fault(3, {"path": "/me$"})
    assert fault == {"id": 3, "method": "*", "path": "/me$", "count": 1, "remaining": 1, "status": None,
                     "retry_after": None, "body": None, "delay": 0.0, "drop": False}
    assert faults.make_fault(1, {"method": "get", "status": "503"})["method"] == "GET"
    for body in ({"path": "("}, {"path": 5}, {"count": "x"}, {"delay": "slow"}, {"status": "teapot"}):
        with pytest.raises(ValueError):
            faults.make_fault(1, body)


def test_take_consumes_the_first_match_in_order():
    queue = [faults.make_fault(1, {"method": "POST", "path": "envvar", "count": 2}),
             faults.make_fault(2, {"path": "envvar"})]
    assert faults.take(queue, "GET", "/api/v1.1/project/github/acme/app/envvar")["id"] == 2
    assert faults.take(queue, "GET", "/api/v1.1/project/github/acme/app/envvar") is None
    first = faults.take(queue, "POST", "/api/v2/project/gh/acme/app/envvar")
    assert first["id"] == 1 and first["remaining"] == 2 and queue[0]["remaining"] == 1
    assert faults.take(queue, "POST", "/x/envvar")["id"] == 1
    assert queue == []


def test_answer_status_body_retry_after():
    entry = {}
    resp = faults.answer(faults.make_fault(4, {"status": 429, "retry_after": 2}), entry, {}, "application/json")
    assert resp.status_code == 429 and resp.get_json() == {"message": "Rate limit exceeded"}
    assert resp.headers["Retry-After"] == "2" and entry == {"fault": 4}
    resp = faults.answer(faults.make_fault(5, {"status": 500}), {}, {}, None)
    assert resp.headers["Content-Type"].startswith("application/edn")
    resp = faults.answer(faults.make_fault(5, {"status": 500}), {}, {}, None, json_only=True)
    assert resp.get_json() == {"message": "An internal server error occurred."}
    resp = faults.answer(faults.make_fault(6, {"status": 502, "body": "<html>bad gateway</html>"}), {}, {}, None)
    assert resp.get_data(as_text=True) == "<html>bad gateway</html>" and resp.mimetype == "text/plain"
    resp = faults.answer(faults.make_fault(7, {"status": 409, "body": {"message": "busy"}}), {}, {}, "application/json")
    assert resp.get_json() == {"message": "busy"}


def test_answer_delay_and_drop():
    slept = []
    entry = {}
    assert faults.answer(faults.make_fault(8, {"delay": 0.25}), entry, {}, None, sleep=slept.append) is None
    assert slept == [0.25] and entry == {"fault": 8}

    class Sock:
        shut = False

        def shutdown(self, how):
            self.shut = True

    sock, entry = Sock(), {"status": 200}
    with pytest.raises(faults.DropConnection):
        faults.answer(faults.make_fault(9, {"drop": True}), entry, {"werkzeug.socket": sock}, None)
    assert sock.shut and entry == {"status": None, "fault": 9, "dropped": True}


def test_faults_through_the_app(client):
    client.control("POST", "/faults", json={"method": "POST", "path": "/pipeline/run$", "status": 503}, expect=201)
    client.control("POST", "/faults", json={"path": "^/_sim/artifacts/", "status": 500, "body": "boom"}, expect=201)
    resp = client.v2("POST", "/project/gh/acme/app/pipeline/run", json={})
    assert resp.status_code == 503 and resp.get_json() == {"message": "Service unavailable"}
    assert client.v2("GET", "/project/gh/acme/app/pipeline").get_json()["items"] == []  # nothing was created
    url = client.v1("GET", "/project/github/acme/app/1/artifacts").get_json()[0]["url"]
    resp = client.call("GET", url)
    assert resp.status_code == 500 and resp.get_data(as_text=True) == "boom"
    log = client.log()
    assert [(e["method"], e["status"], e.get("fault")) for e in log] == [
        ("POST", 503, 1), ("GET", 200, None), ("GET", 200, None), ("GET", 500, 2)]
    assert client.control("GET", "/faults").get_json() == []
    assert client.v2("POST", "/project/gh/acme/app/pipeline/run", json={}).status_code == 201
