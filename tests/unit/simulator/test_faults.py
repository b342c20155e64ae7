# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""faults on its own (make_fault, take, answer), then through the app on v1.1, v2 and artifact paths."""

from __future__ import annotations

import pytest
import requests

# sim_testlib puts the simulator on sys.path.
from sim_testlib import TOKEN

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


def test_make_fault_drop_kinds_and_echo():
    for drop in (True, False, "before_read", "after_read", "after_handled"):
        assert faults.make_fault(1, {"drop": drop})["drop"] == drop
    assert faults.make_fault(1, {"echo": True})["echo"] is True
    assert "echo" not in faults.make_fault(1, {})
    for body in ({"drop": "sometimes"}, {"drop": 2}, {"echo": "yes"}):
        with pytest.raises(ValueError, match="^(drop must be|echo must be)"):
            faults.make_fault(1, body)


def test_echo_puts_the_request_into_the_answer():
    echo = faults.echo_text("POST", "/api/v1.1/x?a=1", {"Circle-Token": "t0k", "Accept": "*/*"}, b'{"value": "s\\"3"}')
    assert echo == 'POST /api/v1.1/x?a=1\nCircle-Token: t0k\nAccept: */*\n\n{"value": "s\\"3"}'
    resp = faults.answer(faults.make_fault(1, {"status": 400, "echo": True}), {}, {}, "application/json", echo=echo)
    assert resp.status_code == 400 and resp.get_json() == {"message": "Bad request: " + echo}
    html_body = "<html><body><pre>{echo_html}</pre>{echo}</body></html>"
    resp = faults.answer(faults.make_fault(2, {"status": 500, "body": html_body, "echo": True}), {}, {}, None, echo=echo)
    text = resp.get_data(as_text=True)
    assert text.startswith('<html><body><pre>POST /api/v1.1/x?a=1\nCircle-Token: t0k\nAccept: */*\n\n{&quot;value&quot;: &quot;s\\&quot;3&quot;}</pre>')
    assert text.endswith('{"value": "s\\"3"}</body></html>')


def test_drops_before_and_after_the_request_through_a_real_server(sim):
    envvar = "/project/github/acme/app/envvar"
    sim.control("POST", "/faults", json={"method": "POST", "path": "envvar$", "drop": "before_read"})
    sim.control("POST", "/faults", json={"method": "POST", "path": "envvar$", "drop": "after_read"})
    sim.control("POST", "/faults", json={"method": "POST", "path": "envvar$", "drop": "after_handled"})
    for name in ("BEFORE", "AFTER_READ", "AFTER_HANDLED"):
        with pytest.raises(requests.exceptions.ConnectionError):
            sim.call("POST", envvar, json={"name": name, "value": "v"})
    log = sim.control("GET", "/requests").json()
    assert [(e["fault"], e["dropped"], e["status"], e["body"]) for e in log] == [
        (1, True, None, None), (2, True, None, {"name": "AFTER_READ", "value": "***"}),
        (3, True, None, {"name": "AFTER_HANDLED", "value": "***"})]
    # Only the request that was handled before the drop took effect.
    names = [v["name"] for v in sim.call("GET", envvar).json()]
    assert "AFTER_HANDLED" in names and "BEFORE" not in names and "AFTER_READ" not in names


def test_an_echo_fault_through_a_real_server_shows_the_token_and_body(sim):
    sim.control("POST", "/faults", json={"method": "POST", "path": "envvar$", "status": 400, "echo": True})
    resp = sim.call("POST", "/project/github/acme/app/envvar", json={"name": "A", "value": "s3cret value"})
    assert resp.status_code == 400
    message = resp.json()["message"]
    assert message.startswith("Bad request: POST /api/v1.1/project/github/acme/app/envvar\n")
    assert "Circle-Token: %s\n" % TOKEN in message and message.endswith('{"name": "A", "value": "s3cret value"}')


def test_make_fault_trickle_is_validated():
    assert faults.make_fault(1, {"trickle": "0.05"})["trickle"] == 0.05
    assert "trickle" not in faults.make_fault(1, {"trickle": 0})
    with pytest.raises(ValueError, match="trickle must be a number of seconds"):
        faults.make_fault(1, {"trickle": "slow"})


def test_a_trickle_fault_sends_the_routes_own_answer_one_byte_at_a_time(sim):
    import time
    envvar = "/project/github/acme/app/envvar"
    healthy = sim.call("GET", envvar).content
    sim.control("POST", "/faults", json={"method": "GET", "path": "envvar$", "trickle": 0.01})
    start = time.monotonic()
    resp = sim.call("GET", envvar, stream=True)
    head = time.monotonic() - start
    body = b"".join(resp.iter_content(chunk_size=1))
    assert body == healthy and resp.headers["Content-Length"] == str(len(healthy))
    # The headers come at once, the body byte by byte over at least len * 0.01 s.
    assert time.monotonic() - start >= len(healthy) * 0.01 > head
    assert sim.control("GET", "/requests").json()[-1]["fault"] == 1


def test_echo_placeholders_give_each_encoding():
    fault = faults.make_fault(1, {"status": 400, "echo": True,
                                  "body": '{"message": "[{echo_json_url}] [{echo_url}] [{echo_json}] [{echo_html}]"}'})
    resp = faults.answer(fault, {}, {}, "application/json", echo='v "q" \u00fc')
    assert resp.get_data(as_text=True) == ('{"message": "[%22v%20%5C%22q%5C%22%20%5Cu00fc%22] [v%20%22q%22%20%C3%BC] '
                                           '[v \\"q\\" \\u00fc] [v &quot;q&quot; \u00fc]"}')
