# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the artifact layer: the tarball `ansible-galaxy collection build` makes from the
build copy, that tarball installed into a temporary path, and a CircleCI simulator of the layer's own
(tests/simulator of the build copy) for the examples run from the installed copy."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import artlib  # noqa: E402  pylint: disable=wrong-import-position


def pytest_configure(config):
    if not artlib.in_collection_copy():
        raise pytest.UsageError(
            'run the artifact layer from the collection copy: make artifact (it runs hack/sync-build.sh '
            'and pytest in .../ansible_collections/ciops/circleci)')


@pytest.fixture(scope='session')
def tarball(tmp_path_factory):
    return artlib.build_tarball(str(tmp_path_factory.mktemp('dist')))


@pytest.fixture(scope='session')
def members(tarball):
    """{name: TarInfo} of every entry of the tarball (files and folders)."""
    return artlib.tar_members(tarball)


@pytest.fixture(scope='session')
def installed(tarball, tmp_path_factory):
    """The folder that holds ansible_collections/ciops/circleci, installed from the tarball."""
    return artlib.install(tarball, str(tmp_path_factory.mktemp('installed')))


@pytest.fixture(scope='session')
def simulator():
    sim = artlib.Simulator()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator):
    """The session's simulator, back at its seed data with an empty request log."""
    simulator.reset()
    return simulator


def pytest_terminal_summary(terminalreporter):
    """What the tarball holds and how big it is: the figures behind the build_ignore decision."""
    report = artlib.REPORT
    if not report:
        return
    write = terminalreporter.write_line
    terminalreporter.section('artifact')
    for line in report:
        write(line)
