# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_runner_resource_class as mod

RUNNER = 'https://runner.example/api/v3'
ARGS = dict(runner_url='https://runner.example', resource_class='acme/gpu', description='GPU hosts')
GPU = {'id': 'rc-1', 'resource_class': 'acme/gpu', 'description': 'GPU hosts'}


def calls(api):
    return [(c.request.method, c.request.url.replace(RUNNER, '')) for c in api.calls]


def classes(api, *items):
    api.add(responses.GET, RUNNER + '/runner/resource', json={'items': list(items)})


def tokens(api, count):
    api.add(responses.GET, RUNNER + '/runner/token',
            json={'items': [{'id': 't%d' % i, 'nickname': 'n%d' % i, 'resource_class': 'acme/gpu',
                             'created_at': '2026-12-01T10:00:00.000Z'} for i in range(count)]})


def test_creates_a_missing_class(api, run_module):
    classes(api, {'id': 'rc-0', 'resource_class': 'acme/arm', 'description': ''})
    api.add(responses.POST, RUNNER + '/runner/resource', json=GPU)
    result = run_module(mod, ARGS, diff=True)
    assert result['changed'] is True and result['resource_class'] == GPU
    assert calls(api) == [('GET', '/runner/resource?namespace=acme'), ('POST', '/runner/resource')]
    assert json.loads(api.calls[1].request.body) == {'resource_class': 'acme/gpu', 'description': 'GPU hosts'}
    assert result['diff'] == {'before': {}, 'after': GPU}


def test_second_run_reads_only(api, run_module):
    classes(api, GPU)
    result = run_module(mod, ARGS)
    assert result['changed'] is False and result['resource_class'] == GPU
    assert calls(api) == [('GET', '/runner/resource?namespace=acme')]


def test_check_mode_sends_no_write(api, run_module):
    classes(api)
    result = run_module(mod, ARGS, check_mode=True, diff=True)
    assert result['changed'] is True and result['resource_class'] is None
    assert calls(api) == [('GET', '/runner/resource?namespace=acme')]
    assert result['diff']['after']['resource_class'] == 'acme/gpu'


def test_another_description_warns_and_changes_nothing(api, run_module):
    classes(api, dict(GPU, description='old'))
    result = run_module(mod, ARGS)
    assert result['changed'] is False
    assert "CircleCI cannot change it" in result['warnings'][0]
    assert len(api.calls) == 1


def test_deletes_a_class_without_tokens(api, run_module):
    classes(api, GPU)
    tokens(api, 0)
    api.add(responses.DELETE, RUNNER + '/runner/resource/rc-1', json={'message': 'ok'})
    result = run_module(mod, dict(ARGS, state='absent'))
    assert result['changed'] is True and result['resource_class'] is None and result['tokens_deleted'] == 0
    assert calls(api)[-1] == ('DELETE', '/runner/resource/rc-1')


def test_a_class_with_tokens_needs_force_and_the_message_counts_them(api, run_module):
    classes(api, GPU)
    tokens(api, 3)
    result = run_module(mod, dict(ARGS, state='absent'))
    assert result['failed'] is True
    assert result['msg'].startswith('Resource class acme/gpu has 3 tokens: set force: true')
    assert [m for m, dummy in calls(api)] == ['GET', 'GET']


def test_force_deletes_it_with_its_tokens(api, run_module):
    classes(api, GPU)
    tokens(api, 1)
    api.add(responses.DELETE, RUNNER + '/runner/resource/rc-1/force', json={'message': 'ok'})
    result = run_module(mod, dict(ARGS, state='absent', force=True))
    assert result['changed'] is True and result['tokens_deleted'] == 1
    assert calls(api) == [('GET', '/runner/resource?namespace=acme'), ('GET', '/runner/token?resource-class=acme%2Fgpu'),
                          ('DELETE', '/runner/resource/rc-1/force')]


def test_absent_and_missing_reads_only(api, run_module):
    classes(api)
    result = run_module(mod, dict(ARGS, state='absent'), check_mode=True)
    assert result['changed'] is False and len(api.calls) == 1


@pytest.mark.parametrize('name', ['acme', 'Acme/gpu', 'acme/gpu.large', 'acme/gpu large', 'a/b/c', ''])
def test_names_circleci_refuses_are_refused_before_any_request(api, run_module, name):
    result = run_module(mod, dict(ARGS, resource_class=name))
    assert result['failed'] is True and result['msg'].startswith('Invalid resource_class')
    assert len(api.calls) == 0


def test_a_foreign_namespace_fails_on_the_read_before_any_write(api, run_module):
    api.add(responses.GET, RUNNER + '/runner/resource', status=403, json={'message': 'Forbidden'})
    result = run_module(mod, dict(ARGS, resource_class='globex/gpu'))
    assert result['failed'] is True and "organisation's orb namespace" in result['msg']
    assert calls(api) == [('GET', '/runner/resource?namespace=globex')]


def test_plan():
    assert mod.plan_resource_class(None, 'present', False, 0) == 'create'
    assert mod.plan_resource_class(GPU, 'present', False, 0) is None
    assert mod.plan_resource_class(GPU, 'absent', False, 0) == 'delete'
    assert mod.plan_resource_class(GPU, 'absent', True, 2) == 'force-delete'
    assert mod.plan_resource_class(None, 'absent', True, 0) is None
    with pytest.raises(Exception, match='has 1 token:'):
        mod.plan_resource_class(GPU, 'absent', False, 1)
