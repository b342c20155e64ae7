# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator used in-process: Flask test client and a werkzeug server thread."""

from __future__ import annotations

import sys

import requests

from sim_testlib import SIM_DIR

if SIM_DIR not in sys.path:
    sys.path.insert(0, SIM_DIR)

from app import create_app  # noqa: E402  pylint: disable=wrong-import-position,import-error
from server import start_server  # noqa: E402  pylint: disable=wrong-import-position,import-error

HEADERS = {"Circle-Token": "tk", "Accept": "application/json"}


def test_flask_test_client_encoded_branch():
    client = create_app(token="tk", build_seconds=0.1).test_client()
    resp = client.post("/api/v1.1/project/github/acme/app/tree/feature%2Fx", json={}, headers=HEADERS)
    assert resp.status_code == 201 and resp.get_json()["branch"] == "feature/x"
    log = client.get("/_sim/requests").get_json()
    assert log[0]["path"] == "/api/v1.1/project/github/acme/app/tree/feature%2Fx"
    assert client.get("/api/v1.1/me", headers={"Accept": "application/json"}).status_code == 401


def test_start_server_thread():
    server, base, thread = start_server(port=0, token="tk", build_seconds=0.1)
    try:
        resp = requests.get(base + "/project/github/acme/app/envvar", headers=HEADERS, timeout=5)
        assert resp.json()[0] == {"name": "AWS_REGION", "value": "xxxxst-1"}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
