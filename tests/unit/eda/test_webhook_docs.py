# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ciops.circleci.webhook source as a file: how it loads, what its DOCUMENTATION and EXAMPLES
promise, and the event summary's rules on their own."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import subprocess
import sys

import pytest
import yaml

from ansible_collections.ciops.circleci.plugins.module_utils import _project

from .webhook_testlib import SOURCE_PATH, free_port, load_source, sign

SOURCE = load_source()
DOC = yaml.safe_load(SOURCE.DOCUMENTATION)


def test_loads_by_path_as_ansible_rulebook_does_and_as_a_collection_module():
    # tests/unit/conftest.py installs Ansible's collection finder; neither way of loading trips on it.
    module = importlib.import_module('ansible_collections.ciops.circleci.extensions.eda.plugins.event_source.webhook')
    assert module.__file__ == SOURCE_PATH
    assert inspect.iscoroutinefunction(SOURCE.main) and inspect.iscoroutinefunction(module.main)
    assert list(inspect.signature(SOURCE.main).parameters) == ['queue', 'args']


RUN_AS_RULEBOOK_DOES = r"""
import asyncio, json, runpy, sys, urllib.request
source = runpy.run_path(sys.argv[1])
body = json.dumps({'id': 'clean-1', 'type': 'workflow-completed', 'project': {'slug': 'github/acme/app'}}).encode()

async def run():
    queue = asyncio.Queue(5)
    task = asyncio.ensure_future(source['main'](queue, {'host': '127.0.0.1', 'port': int(sys.argv[2]),
                                                         'signing_secrets': ['s3cret']}))
    request = urllib.request.Request('http://127.0.0.1:%s/circleci' % sys.argv[2], data=body, method='POST',
                                     headers={'circleci-signature': sys.argv[3]})
    for _ in range(200):
        try:
            status = (await asyncio.to_thread(urllib.request.urlopen, request, None, 5)).status
            break
        except OSError:
            await asyncio.sleep(0.02)
    event = queue.get_nowait()
    task.cancel()
    print(status, event['circleci']['project_slug'], event['payload']['id'])

asyncio.run(run())
"""


def test_runs_under_runpy_in_a_clean_interpreter_as_ansible_rulebook_loads_it():
    # ansible-rulebook: module = runpy.run_path(<collection>/extensions/eda/plugins/event_source/webhook.py),
    # then module['main'](queue, args). No collection finder there, nothing imported from the collection.
    body = json.dumps({'id': 'clean-1', 'type': 'workflow-completed', 'project': {'slug': 'github/acme/app'}})
    result = subprocess.run(
        [sys.executable, '-I', '-c', RUN_AS_RULEBOOK_DOES, SOURCE_PATH, str(free_port()), sign(body, 's3cret')],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['202', 'gh/acme/app', 'clean-1']


def test_the_signing_helper_reproduces_circlecis_test_vectors():
    # The helper every other test signs with, checked against the published vectors.
    assert sign('hello world', 'secret') == 'v1=734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a'
    assert sign('an-important-request-payload', 'hunter123') == (
        'v1=9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa')


def test_the_short_slug_table_is_the_collections_one():
    # The source cannot import module_utils (ansible-rulebook runs it by path): its copy must agree.
    assert SOURCE.SHORT_PROVIDERS == _project.SHORT


@pytest.mark.parametrize('long_slug, short', [
    ('github/acme/app', 'gh/acme/app'),
    ('bitbucket/acme/lib', 'bb/acme/lib'),
    ('circleci/8e2c1f55-1b64-4bb3-9d1e-2f6d0f8a7c31/6d3f8a20-5c41-4b8e-a1e2-7c9b0d4e3f12',
     'circleci/8e2c1f55-1b64-4bb3-9d1e-2f6d0f8a7c31/6d3f8a20-5c41-4b8e-a1e2-7c9b0d4e3f12'),
    ('gitlab/acme/app', 'gitlab/acme/app'),
    ('github', 'github'),
    (None, None),
    ('', None),
])
def test_short_slug(long_slug, short):
    assert SOURCE.short_slug(long_slug) == short


def test_the_summary_of_an_odd_payload_has_every_key_and_no_error():
    # Maps are open and may change: wrong types anywhere give None, never an exception.
    odd = {'id': 7, 'project': 'github/acme/app', 'pipeline': {'vcs': ['x'], 'number': True,
                                                               'trigger_parameters': {'git': {'tag': '', 'branch': 3}}},
           'workflow': None, 'job': {'name': '', 'number': 12}}
    summary = SOURCE.summarize(odd, 'job-completed')
    assert set(summary) == set(SOURCE.summarize({}, None))
    assert summary['delivery_id'] == 7 and summary['job_number'] == 12 and summary['event_type'] == 'job-completed'
    others = {key: value for key, value in summary.items() if key not in ('delivery_id', 'job_number', 'event_type')}
    assert set(others.values()) == {None}


def test_the_documented_options_are_the_options_and_their_defaults_are_the_code():
    options = DOC['options']
    assert tuple(options) == SOURCE._OPTIONS  # pylint: disable=protected-access
    defaults = SOURCE.settings_from_args({'signing_secrets': ['s']})
    code_names = {'signing_secrets': 'secrets'}
    for name, spec in options.items():
        assert spec['description'], name
        assert spec['type'] in ('str', 'int', 'float', 'bool', 'list', 'path'), name
        if 'default' not in spec:
            assert getattr(defaults, name) is None, name
            continue
        value = getattr(defaults, code_names.get(name, name))
        if name == 'signing_secrets':
            assert spec['default'] == [] and value == [b's']
        elif name == 'events':
            assert tuple(spec['default']) == value == tuple(spec['choices'])
        else:
            assert spec['default'] == value, name
    assert DOC['version_added'] == '1.1.0'
    assert DOC['short_description']


def test_the_documented_event_keys_are_the_summary_keys():
    described = ' '.join(DOC['description'])
    for key in SOURCE.summarize({}, None):
        assert 'C(%s)' % key in described, key
    for status in ('200', '202', '400', '401', '404', '405', '408', '413', '503'):
        assert 'V(%s)' % status in described, status


def test_every_example_is_a_rulebook_whose_source_arguments_start():
    examples = yaml.safe_load(SOURCE.EXAMPLES)
    assert len(examples) == 2
    for rulebook in examples:
        (source,) = rulebook['sources']
        (name,) = source
        assert name == 'ciops.circleci.webhook'
        args = dict(source[name])
        for key in ('certfile', 'keyfile'):
            args.pop(key, None)
        settings = SOURCE.settings_from_args(args)
        assert settings.secrets
        assert rulebook['rules']


def test_an_option_error_comes_before_any_socket_is_opened():
    # Option errors come before any socket: main() fails without binding anything.
    with pytest.raises(ValueError, match='signing_secrets is empty'):
        asyncio.run(asyncio.wait_for(SOURCE.main(asyncio.Queue(), {'port': free_port()}), 5))
