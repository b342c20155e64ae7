# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_runner_token as mod

RUNNER = 'https://runner.example/api/v3'
ARGS = dict(runner_url='https://runner.example', resource_class='acme/gpu', nickname='web-01')
VALUE = 'runner-token-value-7f3a9c'
LIST = '/runner/token?resource-class=acme%2Fgpu'


def record(token_id, nickname='web-01'):
    return {'id': token_id, 'nickname': nickname, 'resource_class': 'acme/gpu', 'created_at': '2026-12-01T10:00:00.000Z'}


def calls(api):
    return [(c.request.method, c.request.url.replace(RUNNER, '')) for c in api.calls]


def listed(api, *items):
    api.add(responses.GET, RUNNER + '/runner/token', json={'items': list(items)})


def test_creates_a_token_and_returns_its_value_in_that_run_only(api, run_module):
    listed(api, record('t0', 'other'))
    api.add(responses.POST, RUNNER + '/runner/token', json=dict(record('t1'), token=VALUE))
    result = run_module(mod, ARGS, diff=True)
    assert result['changed'] is True and result['token'] == VALUE
    assert result['tokens'] == [record('t1')]
    assert calls(api) == [('GET', LIST), ('POST', '/runner/token')]
    assert json.loads(api.calls[1].request.body) == {'resource_class': 'acme/gpu', 'nickname': 'web-01'}
    # Only in the token key: not in the list, nor the diff.
    assert VALUE not in json.dumps(dict((k, v) for k, v in result.items() if k != 'token'))


def test_second_run_reads_only_and_returns_no_value(api, run_module):
    listed(api, record('t1'))
    result = run_module(mod, ARGS)
    assert result['changed'] is False and result['token'] is None and result['tokens'] == [record('t1')]
    assert calls(api) == [('GET', LIST)]


def test_check_mode_sends_no_write_and_no_value(api, run_module):
    listed(api)
    result = run_module(mod, ARGS, check_mode=True)
    assert result['changed'] is True and result['token'] is None
    assert calls(api) == [('GET', LIST)]


def test_absent_deletes_every_token_of_the_nickname(api, run_module):
    listed(api, record('t1'), record('t2', 'other'), record('t3'))
    api.add(responses.DELETE, RUNNER + '/runner/token/t1', json={})
    api.add(responses.DELETE, RUNNER + '/runner/token/t3', json={})
    result = run_module(mod, dict(ARGS, state='absent'), diff=True)
    assert result['changed'] is True and result['tokens'] == []
    assert calls(api)[1:] == [('DELETE', '/runner/token/t1'), ('DELETE', '/runner/token/t3')]
    assert [t['id'] for t in result['diff']['before']['tokens']] == ['t1', 't3']


def test_absent_check_mode_and_second_run(api, run_module):
    listed(api, record('t1'))
    assert run_module(mod, dict(ARGS, state='absent'), check_mode=True)['changed'] is True
    listed(api, record('t2', 'other'))
    assert run_module(mod, dict(ARGS, state='absent'))['changed'] is False
    assert [m for m, dummy in calls(api)] == ['GET', 'GET']


@pytest.mark.parametrize('status', [502, 504])
def test_a_create_with_an_unknown_outcome_is_not_repeated_and_says_so(api, run_module, status):
    listed(api)
    api.add(responses.POST, RUNNER + '/runner/token', status=status, body='<html>gateway</html>',
            content_type='text/html')
    result = run_module(mod, dict(ARGS, retries=3))
    assert result['failed'] is True
    assert 'CircleCI may have acted on POST /api/v3/runner/token' in result['msg']
    assert 'a repeat would make a second token' in result['msg']
    assert [m for m, dummy in calls(api)] == ['GET', 'POST']


def test_a_dropped_connection_after_the_post_is_not_repeated(api, run_module):
    listed(api)
    api.add(responses.POST, RUNNER + '/runner/token', body=requests.exceptions.ConnectionError('Connection aborted'))
    result = run_module(mod, dict(ARGS, retries=3))
    assert result['failed'] is True and 'a repeat would make a second token' in result['msg']
    assert [m for m, dummy in calls(api)] == ['GET', 'POST']


def test_an_answer_without_the_value_fails_without_showing_the_answer(api, run_module):
    listed(api)
    api.add(responses.POST, RUNNER + '/runner/token', json=dict(record('t1'), secret_field=VALUE))
    result = run_module(mod, ARGS)
    assert result['failed'] is True and 'without the token value' in result['msg']
    assert VALUE not in json.dumps(result)


@pytest.mark.parametrize('args, start', [
    (dict(resource_class='Acme/GPU'), 'Invalid resource_class'),
    (dict(resource_class='acme'), 'Invalid resource_class'),
    (dict(nickname=''), 'Invalid nickname'),
    (dict(nickname='a\nb'), 'Invalid nickname'),
])
def test_bad_input_is_refused_before_any_request(api, run_module, args, start):
    result = run_module(mod, dict(ARGS, **args))
    assert result['failed'] is True and result['msg'].startswith(start)
    assert len(api.calls) == 0


def test_plan():
    tokens = [record('t1'), record('t2', 'other')]
    assert mod.plan_token(tokens, 'web-01', 'present') == (None, [])
    assert mod.plan_token(tokens, 'new', 'present') == ('create', [])
    assert mod.plan_token(tokens, 'web-01', 'absent') == ('delete', [record('t1')])
    assert mod.plan_token(tokens, 'new', 'absent') == (None, [])


@pytest.mark.parametrize('missing', ['resource_class', 'nickname'])
def test_resource_class_and_nickname_are_required(api, run_module, missing):
    args = dict(ARGS)
    del args[missing]
    result = run_module(mod, args)
    assert result['failed'] is True and result['msg'] == 'missing required arguments: %s' % missing
    assert len(api.calls) == 0
