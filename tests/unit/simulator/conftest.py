# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: one real simulator process per session, reset before every test (``sim``), and
the app in-process with a fake clock (``client``), new for every test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim_testlib import SIM_DATE, SIM_DIR, AppClient, Sim


@pytest.fixture(scope="session")
def sim_process():
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.join(SIM_DIR, "server.py"), "--port", "0", "--build-seconds", "0.4",
         "--compile-seconds", "0.2", "--date", SIM_DATE],
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


@pytest.fixture()
def client():
    return AppClient()
