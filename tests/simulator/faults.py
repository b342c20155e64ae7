# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: queued faults matched against every client request (v1, v1.1, v2, artifact
downloads; never the control API), in order; the first match is consumed.

``drop`` says when the connection is dropped: ``"before_read"`` (the request body is never read:
nothing can have happened), ``true`` / ``"after_read"`` (read, never handled) or
``"after_handled"`` (handled, so a write took effect, and then no answer). ``echo`` puts the
request as received (request line, headers, body) into the answer, as a careless server does.
``trickle`` (seconds) sends the answer, the fault's or the route's own, one byte at a time."""

from __future__ import annotations

import html
import json
import re
import socket
import time

from urllib.parse import quote

from flask import Response

from render import STATUS_TEXT, render


DROPS = (False, True, "before_read", "after_read", "after_handled")


class DropConnection(ConnectionResetError):
    """Raised to drop the client connection without an answer (werkzeug ignores ConnectionError)."""


def make_fault(fault_id: int, body: dict) -> dict:
    """A fault from a ``POST /_sim/faults`` body; ValueError with a message when it is invalid."""
    path = body.get("path", "")
    if not isinstance(path, str):
        raise ValueError("path must be a regular expression (string)")
    try:
        re.compile(path)
    except re.error as exc:
        raise ValueError("invalid path regex: %s" % exc) from None
    try:
        count = int(body.get("count", 1))
        delay = float(body.get("delay", 0) or 0)
        status = None if body.get("status") is None else int(body["status"])
    except (TypeError, ValueError):
        raise ValueError("count and status must be integers, delay a number") from None
    drop = body.get("drop", False)
    if drop not in DROPS:
        raise ValueError("drop must be true, false, %s" % ", ".join('"%s"' % d for d in DROPS if isinstance(d, str)))
    echo = body.get("echo", False)
    if not isinstance(echo, bool):
        raise ValueError("echo must be true or false")
    try:
        trickle = float(body.get("trickle", 0) or 0)
    except (TypeError, ValueError):
        raise ValueError("trickle must be a number of seconds between two bytes") from None
    fault = {"id": fault_id, "method": str(body.get("method", "*")).upper(), "path": path, "count": count,
             "remaining": count, "status": status, "retry_after": body.get("retry_after"),
             "body": body.get("body"), "delay": delay, "drop": bool(drop) if isinstance(drop, bool) else drop}
    if echo:
        fault["echo"] = True
    if trickle > 0:
        fault["trickle"] = trickle
    return fault


def trickled(resp: Response, seconds: float, sleep=time.sleep) -> Response:
    """The answer sent one byte every ``seconds`` (its Content-Length announced at once), as a
    slow link or an overloaded proxy delivers it: the headers arrive in time, the body does not."""
    body = resp.get_data()

    def slowly():
        for i in range(len(body)):
            sleep(seconds)
            yield body[i:i + 1]

    out = Response(slowly(), status=resp.status_code, headers=dict(resp.headers), direct_passthrough=True)
    out.headers["Content-Length"] = str(len(body))
    return out


def take(faults: list[dict], method: str, path: str, only=None) -> dict | None:
    """Consume the first fault matching method and raw path (call with the state lock held).

    With ``only`` (a predicate), the first match is consumed only when ``only(fault)`` holds;
    otherwise nothing is consumed and None is returned (the match stays for the normal flow).
    """
    for cand in faults:
        if cand["method"] in ("*", method) and re.search(cand["path"], path):
            if only is not None and not only(cand):
                return None
            fault = dict(cand)
            cand["remaining"] -= 1
            if cand["remaining"] <= 0:
                faults.remove(cand)
            return fault
    return None


def drops_before_read(fault: dict) -> bool:
    return fault.get("drop") == "before_read"


def drop(fault: dict, entry: dict, environ: dict):
    """Shut the client's socket down without an answer (raises DropConnection)."""
    entry["status"] = None
    entry["dropped"] = True
    entry["fault"] = fault["id"]
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise DropConnection("simulated connection drop")


def echo_text(method: str, target: str, headers, body: bytes) -> str:
    """The request as a careless server echoes it: request line, headers, blank line, body."""
    lines = ["%s %s" % (method, target)] + ["%s: %s" % (k, v) for k, v in headers.items()]
    return "\n".join(lines) + "\n\n" + body.decode("utf-8", "replace")


# The encodings an echo can come back in, by placeholder: recorded circleci.com 400s quoted a
# request body JSON-escaped and then URL-encoded ("{echo_json_url}").
ECHO_FORMS = {
    "{echo_html}": html.escape,
    "{echo_json}": lambda text: json.dumps(text)[1:-1],
    "{echo_url}": lambda text: quote(text, safe=""),
    "{echo_json_url}": lambda text: quote(json.dumps(text), safe=""),
    "{echo}": lambda text: text,
}


def _echoed(status: int, body, echo: str):
    """The fault body with the echo in it: each placeholder of ECHO_FORMS in a text body is
    replaced by the echo in that encoding; a JSON body (or none) gets it appended to its message."""
    if isinstance(body, str):
        for placeholder, encode in ECHO_FORMS.items():
            body = body.replace(placeholder, encode(echo))
        return body
    body = dict(body) if isinstance(body, dict) else {}
    body["message"] = "%s: %s" % (body.get("message") or STATUS_TEXT.get(status, "Simulated fault"), echo)
    return body


def answer(fault: dict, entry: dict, environ: dict, accept: str | None, json_only: bool = False,
           sleep=time.sleep, echo: str | None = None) -> Response | None:
    """Carry out a taken fault: delay, then drop the connection (raises DropConnection), answer
    with its status, or return None (a delay-only or ``after_handled`` fault: the request is then
    handled normally; the caller drops an ``after_handled`` one afterwards with ``drop``).
    ``entry`` (the request log entry) gets ``fault`` and, for drops, ``dropped``. ``echo`` is the
    request as echo_text shows it, used when the fault has ``echo``."""
    entry["fault"] = fault["id"]
    if fault.get("delay"):
        sleep(float(fault["delay"]))
    if fault.get("drop") and fault["drop"] != "after_handled":
        drop(fault, entry, environ)
    if not fault.get("status") or fault.get("drop"):
        return None
    status = int(fault["status"])
    body = fault.get("body")
    if fault.get("echo"):
        body = _echoed(status, body, echo or "")
    if body is None:
        body = {"message": STATUS_TEXT.get(status, "Simulated fault")}
    if isinstance(body, str):
        resp = Response(body, status=status, content_type="text/plain; charset=utf-8")
    else:
        resp = render(status, body, accept=accept, json_only=json_only)
    if fault.get("retry_after") is not None:
        resp.headers["Retry-After"] = str(fault["retry_after"])
    return resp
