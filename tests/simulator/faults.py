# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: queued faults matched against every client request (v1, v1.1, v2, artifact
downloads; never the control API), in order; the first match is consumed."""

from __future__ import annotations

import re
import socket
import time

from flask import Response

from render import STATUS_TEXT, render


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
    return {"id": fault_id, "method": str(body.get("method", "*")).upper(), "path": path, "count": count,
            "remaining": count, "status": status, "retry_after": body.get("retry_after"),
            "body": body.get("body"), "delay": delay, "drop": bool(body.get("drop", False))}


def take(faults: list[dict], method: str, path: str) -> dict | None:
    """Consume the first fault matching method and raw path (call with the state lock held)."""
    for cand in faults:
        if cand["method"] in ("*", method) and re.search(cand["path"], path):
            fault = dict(cand)
            cand["remaining"] -= 1
            if cand["remaining"] <= 0:
                faults.remove(cand)
            return fault
    return None


def answer(fault: dict, entry: dict, environ: dict, accept: str | None, json_only: bool = False,
           sleep=time.sleep) -> Response | None:
    """Carry out a taken fault: delay, then drop the connection (raises DropConnection), answer
    with its status, or return None (a delay-only fault: the request is then handled normally).
    ``entry`` (the request log entry) gets ``fault`` and, for drops, ``dropped``."""
    entry["fault"] = fault["id"]
    if fault.get("delay"):
        sleep(float(fault["delay"]))
    if fault.get("drop"):
        entry["status"] = None
        entry["dropped"] = True
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise DropConnection("simulated connection drop")
    if not fault.get("status"):
        return None
    status = int(fault["status"])
    body = fault.get("body")
    if body is None:
        body = {"message": STATUS_TEXT.get(status, "Simulated fault")}
    if isinstance(body, str):
        resp = Response(body, status=status, content_type="text/plain; charset=utf-8")
    else:
        resp = render(status, body, accept=accept, json_only=json_only)
    if fault.get("retry_after") is not None:
        resp.headers["Retry-After"] = str(fault["retry_after"])
    return resp
