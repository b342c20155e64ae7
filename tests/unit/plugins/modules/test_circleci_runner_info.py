# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_runner_info as mod

RUNNER = 'https://runner.example/api/v3'
BASE = dict(runner_url='https://runner.example')
ONE = {'resource_class': 'acme/gpu', 'hostname': 'gpu-01.example.com', 'name': 'gpu-01', 'version': '3.0.24',
       'first_connected': '2026-12-01T10:00:00.000Z', 'last_connected': '2026-12-04T22:00:00.000Z', 'last_used': None}


def calls(api):
    return [(c.request.method, c.request.url.replace(RUNNER, '')) for c in api.calls]


def test_runners_and_task_counts_of_a_class(api, run_module):
    api.add(responses.GET, RUNNER + '/runner', json={'items': [dict(ONE, extra='x')]})
    api.add(responses.GET, RUNNER + '/runner/tasks', json={'unclaimed_task_count': 4})
    api.add(responses.GET, RUNNER + '/runner/tasks/running', json={'running_runner_tasks': 2})
    result = run_module(mod, dict(BASE, resource_class='acme/gpu'))
    assert result['changed'] is False and result['runners'] == [ONE]
    assert (result['unclaimed_tasks'], result['running_tasks']) == (4, 2)
    assert calls(api) == [('GET', '/runner?resource-class=acme%2Fgpu'), ('GET', '/runner/tasks?resource-class=acme%2Fgpu'),
                          ('GET', '/runner/tasks/running?resource-class=acme%2Fgpu')]


def test_the_runners_of_a_namespace_without_counts(api, run_module):
    api.add(responses.GET, RUNNER + '/runner', json={'items': []})
    result = run_module(mod, dict(BASE, namespace='acme'))
    assert result['runners'] == [] and result['unclaimed_tasks'] is None
    assert calls(api) == [('GET', '/runner?namespace=acme')]


def test_tasks_false_reads_the_runners_only(api, run_module):
    api.add(responses.GET, RUNNER + '/runner', json={'items': []})
    result = run_module(mod, dict(BASE, resource_class='acme/gpu', tasks=False), check_mode=True)
    assert result['running_tasks'] is None and len(api.calls) == 1


def test_a_count_that_is_not_a_number_fails_in_one_line(api, run_module):
    api.add(responses.GET, RUNNER + '/runner', json={'items': []})
    api.add(responses.GET, RUNNER + '/runner/tasks', json={'unclaimed_task_count': '4'})
    result = run_module(mod, dict(BASE, resource_class='acme/gpu'))
    assert result['failed'] is True
    assert result['msg'] == 'CircleCI answered GET /api/v3/runner/tasks without the number unclaimed_task_count'


@pytest.mark.parametrize('args, start', [
    (dict(resource_class='acme/GPU'), 'Invalid resource_class'),
    (dict(namespace='Acme'), 'Invalid namespace'),
    (dict(resource_class='acme/gpu', namespace='acme'), 'parameters are mutually exclusive'),
    (dict(), 'one of the following is required'),
])
def test_bad_input_is_refused_before_any_request(api, run_module, args, start):
    result = run_module(mod, dict(BASE, **args))
    assert result['failed'] is True and result['msg'].startswith(start)
    assert len(api.calls) == 0
