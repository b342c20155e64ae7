# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the reliability suite: one simulator per session (reset before each test that
asks for ``sim``), and in-process module and lookup runs with Ansible's exits patched."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# The in-process module harness the unit tests use (tests/unit/plugins/modules/harness.py).
sys.path.insert(0, os.path.join(HERE, '..', 'unit', 'plugins', 'modules'))
# The simulator launcher (tests/simulator/simprocess.py).
sys.path.insert(0, os.path.join(HERE, '..', 'simulator'))

# hypothesis keeps a cache (.hypothesis/) in the working folder, the collection copy, whence a later
# `ansible-galaxy collection build` in the same copy would pack it: keep it under tests/output.
os.environ.setdefault('HYPOTHESIS_STORAGE_DIRECTORY', os.path.join(HERE, '..', 'output', '.hypothesis'))

import rellib  # noqa: E402  pylint: disable=wrong-import-position
from harness import patch_ansible_module  # noqa: E402  pylint: disable=wrong-import-position

rellib.install_collection_finder()


def pytest_configure(config):
    if not rellib.in_collection_copy():
        raise pytest.UsageError(
            'run the reliability suite from the collection copy: make reliability (it runs '
            'hack/sync-build.sh and pytest in .../ansible_collections/ciops/circleci)')


@pytest.fixture(scope='session')
def simulator():
    sim = rellib.Simulator()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator):
    """The session's simulator, reset to its seed data, no faults, an empty request log."""
    simulator.reset()
    return simulator


@pytest.fixture
def plugin_env(monkeypatch):
    """No connection settings from the environment; Ansible's module exits patched."""
    for name in ('CIRCLECI_TOKEN', 'CIRCLE_TOKEN', 'CIRCLECI_API_URL'):
        monkeypatch.delenv(name, raising=False)
    patch_ansible_module(monkeypatch)
