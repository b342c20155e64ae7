# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process with mocked HTTP (responses) and get its result dict."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from .harness import patch_ansible_module, run_main

API = 'https://circleci.example/api/v1.1'
TOKEN = 'unit-test-token-0123456789'
OMIT = object()  # run_module(args={'api_token': OMIT}) leaves the option out entirely


@pytest.fixture
def api():
    """responses.RequestsMock bound to the unit-test API root; asserts every mocked call was used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def run_module(monkeypatch):
    """run_module(module, args, check_mode=False, diff=False) -> result dict (failed: True on fail_json).

    The result is the raw dict the module passes to exit_json / fail_json, before
    Ansible's no_log masking: a secret found in it is a real leak.
    """
    patch_ansible_module(monkeypatch)

    def run(module, args, check_mode=False, diff=False):
        full = dict(api_url=API, api_token=TOKEN, retries=0)
        full.update(args)
        full = {k: v for k, v in full.items() if v is not OMIT}
        if check_mode:
            full['_ansible_check_mode'] = True
        if diff:
            full['_ansible_diff'] = True
        return run_main(module, full)

    return run
