# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the simulator tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os

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
