# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_build_info
from ansible_collections.ciops.circleci.plugins.module_utils._tests import result_kind
from ansible_collections.ciops.circleci.plugins.modules.circleci_build_info import build_test_summary

from .conftest import API, TOKEN

BUILD = API + '/project/github/acme/app/42'
DETAIL = {'build_num': 42, 'branch': 'main', 'status': 'success', 'outcome': 'success', 'lifecycle': 'finished',
          'build_url': 'https://circleci.com/gh/acme/app/42'}
ARTIFACTS = [{'path': 'home/circleci/project/dist/app-1.0.0.tar.gz', 'pretty_path': '$CIRCLE_ARTIFACTS/dist/app-1.0.0.tar.gz',
              'node_index': 0, 'url': 'https://42-1-gh.circle-artifacts.com/0/dist/app-1.0.0.tar.gz'}]
TESTS = {'tests': [
    {'name': 't_ok', 'classname': 'c', 'file': 'f.py', 'result': 'success', 'run_time': 0.1, 'message': None, 'source': 'pytest'},
    {'name': 't_skip', 'classname': 'c', 'file': 'f.py', 'result': 'skipped', 'run_time': 0, 'message': None, 'source': 'pytest'},
    {'name': 't_bad', 'classname': 'c', 'file': 'f.py', 'result': 'failure', 'run_time': 0.2,
     'message': 'AssertionError: 1 != 2', 'source': 'pytest'},
    {'name': 't_err', 'classname': 'd', 'file': 'g.py', 'result': 'error', 'run_time': 0.0, 'message': 'boom',
     'source': 'pytest'},
]}


def test_reads_build_artifacts_and_tests_with_three_gets(api, run_module):
    api.add(responses.GET, BUILD, json=DETAIL)
    api.add(responses.GET, BUILD + '/artifacts', json=ARTIFACTS)
    api.add(responses.GET, BUILD + '/tests', json=TESTS)
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=42))
    assert result['changed'] is False
    assert result['project'] == 'github/acme/app'
    assert result['build'] == DETAIL
    assert result['artifacts'] == ARTIFACTS
    assert result['tests'] == {
        'total': 4, 'counts': {'success': 1, 'skipped': 1, 'failure': 1, 'error': 1}, 'passed': 1, 'skipped': 1,
        'failing': [
            {'name': 't_bad', 'classname': 'c', 'file': 'f.py', 'result': 'failure', 'message': 'AssertionError: 1 != 2'},
            {'name': 't_err', 'classname': 'd', 'file': 'g.py', 'result': 'error', 'message': 'boom'},
        ]}
    assert [c.request.method for c in api.calls] == ['GET'] * 3
    assert [c.request.url for c in api.calls] == [BUILD, BUILD + '/artifacts', BUILD + '/tests']
    for call in api.calls:
        assert call.request.headers['Circle-Token'] == TOKEN
        assert TOKEN not in call.request.url


def test_artifacts_and_tests_can_be_skipped(api, run_module):
    api.add(responses.GET, BUILD, json=DETAIL)
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=42,
                                                  artifacts=False, tests=False))
    assert result['build'] == DETAIL
    assert 'artifacts' not in result
    assert 'tests' not in result
    assert len(api.calls) == 1


def test_only_tests(api, run_module):
    api.add(responses.GET, BUILD, json=DETAIL)
    api.add(responses.GET, BUILD + '/tests', json={'tests': [], 'exceptions': None})
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=42, artifacts=False))
    assert result['tests'] == {'total': 0, 'counts': {}, 'passed': 0, 'skipped': 0, 'failing': []}
    assert 'artifacts' not in result
    assert len(api.calls) == 2


def test_check_mode_reads_the_same(api, run_module):
    api.add(responses.GET, BUILD, json=DETAIL)
    api.add(responses.GET, BUILD + '/artifacts', json=[])
    api.add(responses.GET, BUILD + '/tests', json={'tests': []})
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=42), check_mode=True)
    assert result['changed'] is False
    assert result['artifacts'] == []
    assert len(api.calls) == 3


def test_unknown_build_fails_clearly_after_one_request(api, run_module):
    api.add(responses.GET, API + '/project/github/acme/app/999', status=404, json={'message': 'Build not found'})
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=999))
    assert result['failed'] is True
    assert result['msg'].startswith('Build 999 not found in github/acme/app: CircleCI answered 404 Build not found '
                                    'for GET /project/github/acme/app/999')
    assert result['status'] == 404
    assert result['request'] == 'GET /project/github/acme/app/999'
    assert len(api.calls) == 1


def test_unknown_project_keeps_the_project_message(api, run_module):
    api.add(responses.GET, API + '/project/github/acme/nope/1', status=404, json={'message': 'Project not found'})
    result = run_module(circleci_build_info, dict(username='acme', project='nope', build_num=1))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Project not found for GET /project/github/acme/nope/1')
    assert len(api.calls) == 1


@pytest.mark.parametrize('build_num', [0, -3])
def test_bad_build_num_fails_before_any_request(api, run_module, build_num):
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num=build_num))
    assert result['failed'] is True
    assert result['msg'] == 'build_num must be a positive integer, got %d' % build_num
    assert len(api.calls) == 0


def test_non_integer_build_num_is_refused_by_the_argspec(api, run_module):
    result = run_module(circleci_build_info, dict(username='acme', project='app', build_num='latest'))
    assert result['failed'] is True
    assert 'build_num' in result['msg']
    assert len(api.calls) == 0


def test_v1_path_form(api, run_module):
    v1 = 'https://circleci.example/api/v1/project/acme/app/7'
    api.add(responses.GET, v1, json=dict(DETAIL, build_num=7))
    result = run_module(circleci_build_info, dict(api_url='https://circleci.example/api/v1', username='acme',
                                                  project='app', build_num=7, artifacts=False, tests=False))
    assert result['build']['build_num'] == 7


@pytest.mark.parametrize('word, kind', [
    ('success', 'passed'), ('passed', 'passed'), ('PASS', 'passed'), ('ok', 'passed'), ('fixed', 'passed'),
    ('skipped', 'skipped'), ('Skip', 'skipped'), ('not_run', 'skipped'), ('ignored', 'skipped'),
    ('failure', 'failing'), ('failed', 'failing'), ('error', 'failing'), ('timedout', 'failing'),
    ('infrastructure_fail', 'failing'), ('weird-new-word', 'failing'), ('', 'failing'), (None, 'failing'),
])
def test_result_kind(word, kind):
    assert result_kind(word) == kind


def test_summary_counts_tests_without_result_as_none_and_failing():
    summary = build_test_summary({'tests': [{'name': 'a'}, {'name': 'b', 'result': 'success'}, 'junk']})
    assert summary['counts'] == {'none': 1, 'success': 1}
    assert summary['total'] == 2
    assert summary['failing'] == [{'name': 'a', 'classname': None, 'file': None, 'result': None, 'message': None}]


def test_summary_of_an_unexpected_answer_is_empty():
    assert build_test_summary(None) == {'total': 0, 'counts': {}, 'passed': 0, 'skipped': 0, 'failing': []}
    assert build_test_summary({'tests': None})['total'] == 0
