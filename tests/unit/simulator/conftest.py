# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: one real simulator process per session, reset before every test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

SIM_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "simulator"))
TOKEN = "sim-token"
PROJECT_TOKEN = "sim-project-token"


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


@pytest.fixture(scope="session")
def sim_process():
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.join(SIM_DIR, "server.py"), "--port", "0", "--build-seconds", "0.4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:") and line.endswith("/api/v1.1"), line
        yield line, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture()
def sim(sim_process):
    client = Sim(sim_process[0])
    client.control("POST", "/reset")
    yield client
    client.http.close()
