# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the simulator tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
import sys

import requests

SIM_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "simulator"))
TOKEN = "sim-token"
PROJECT_TOKEN = "sim-project-token"
# The simulated day of the test servers: before the 2027-02-01 sunset, whatever the real date.
SIM_DATE = "2026-06-01"

if SIM_DIR not in sys.path:
    sys.path.insert(0, SIM_DIR)


class Sim:
    """Small client for the simulator under test."""

    def __init__(self, base: str):
        self.base = base  # http://127.0.0.1:PORT/api/v1.1
        self.root = base.rsplit("/api/", 1)[0]
        self.v1 = self.root + "/api/v1"
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str | None = TOKEN, accept: bool = True, base: str | None = None,
             **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if accept:
            headers.setdefault("Accept", "application/json")
        if token is not None:
            headers.setdefault("Circle-Token", token)
        url = path if path.startswith("http") else (base or self.base) + path
        return self.http.request(method, url, headers=headers, timeout=10, **kwargs)

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        resp = self.http.request(method, self.root + "/_sim" + path, timeout=10, **kwargs)
        assert resp.status_code < 400, resp.text
        return resp


class FakeClock:
    """A monotonic clock the tests move by hand (builds and workflows progress by it)."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class AppClient:
    """The simulator app in-process (Flask test client), with a fake clock and short durations."""

    def __init__(self, **options):
        from app import create_app  # pylint: disable=import-error,import-outside-toplevel

        self.clock = FakeClock()
        options.setdefault("date", SIM_DATE)
        options.setdefault("build_seconds", 4.0)
        options.setdefault("compile_seconds", 1.0)
        self.app = create_app(token=TOKEN, project_token=PROJECT_TOKEN, clock=self.clock, **options)
        self.state = self.app.config["SIM_STATE"]
        self.http = self.app.test_client()

    def call(self, method: str, path: str, token: str | None = TOKEN, accept: bool = True, **kwargs):
        """A request to ``path`` (a full path such as ``/api/v2/me``)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if accept:
            headers.setdefault("Accept", "application/json")
        if token is not None:
            headers.setdefault("Circle-Token", token)
        return self.http.open(path, method=method, headers=headers, **kwargs)

    def v1(self, method: str, path: str, **kwargs):
        return self.call(method, "/api/v1.1" + path, **kwargs)

    def v2(self, method: str, path: str, **kwargs):
        return self.call(method, "/api/v2" + path, **kwargs)

    def control(self, method: str, path: str, expect: int | None = None, **kwargs):
        resp = self.http.open("/_sim" + path, method=method, **kwargs)
        if expect is None:
            assert resp.status_code < 400, resp.get_data(as_text=True)
        else:
            assert resp.status_code == expect, resp.get_data(as_text=True)
        return resp

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def log(self) -> list:
        return self.control("GET", "/requests").get_json()
