# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_pipeline_info

from .test_circleci_pipeline import APP_SLUG, PID, PIPELINE, V2, WEB, WORKFLOWS, job, page, pipeline, sent, workflow


def junit_page(*results):
    return page(*[{'name': 't%d' % i, 'classname': 'suite', 'file': 'tests/t.py', 'result': r,
                   'message': 'boom' if r == 'failure' else None, 'run_time': 0.1, 'source': 'pytest'}
                  for i, r in enumerate(results)])


def red_pipeline(api):
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed'),
                                                workflow('deploy', 'on_hold')))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=page(job('build', 'success', 101)))
    api.add(responses.GET, V2 + '/workflow/wf-test/job',
            json=page(job('unit', 'success', 102), job('integration', 'failed', 103)))
    api.add(responses.GET, V2 + '/workflow/wf-deploy/job',
            json=page(job('hold-for-prod', 'on_hold', kind='approval'), job('deploy', 'blocked')))
    api.add(responses.GET, V2 + '/project/github/acme/app/101/tests', json=junit_page('success'))
    api.add(responses.GET, V2 + '/project/github/acme/app/102/tests', json=junit_page('success', 'skipped'))
    api.add(responses.GET, V2 + '/project/github/acme/app/103/tests', json=junit_page('success', 'failure'))


def test_a_pipeline_by_id_with_workflows_jobs_test_counts_and_failing_tests(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    red_pipeline(api)
    result = run_module(circleci_pipeline_info, dict(pipeline_id=PID))
    assert 'failed' not in result, result.get('msg')
    assert result['changed'] is False
    assert result['project'] == 'github/acme/app'
    assert result['pipeline']['url'] == WEB + '/pipelines/github/acme/app/43'
    # A red workflow while another waits for an approval: the unfinished work is on hold.
    assert result['status'] == 'on_hold'
    assert [w['name'] for w in result['workflows']] == ['build', 'test', 'deploy']
    assert [j['name'] for j in result['workflows'][1]['jobs']] == ['unit', 'integration']
    assert result['workflows'][1]['jobs'][1]['tests'] == {'total': 2, 'passed': 1, 'failed': 1, 'skipped': 0}
    assert 'tests' not in result['workflows'][2]['jobs'][0]
    assert result['tests'] == {'total': 5, 'passed': 3, 'failed': 1, 'skipped': 1}
    assert result['failing_tests'] == [{'workflow': 'test', 'job': 'integration', 'job_number': 103, 'name': 't1',
                                        'classname': 'suite', 'file': 'tests/t.py', 'result': 'failure',
                                        'message': 'boom'}]
    # Jobs that did not run (blocked, approval) are not asked for tests.
    assert sorted(p for m, p in sent(api) if p.endswith('/tests')) == [
        '/project/github/acme/app/101/tests', '/project/github/acme/app/102/tests', '/project/github/acme/app/103/tests']
    assert len(api.calls) == 8


def test_the_newest_pipeline_of_a_branch_without_tests(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline?branch=main',
            json=page(pipeline(number=44), pipeline(number=43), token='next'))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=page(job('build', 'success', 101)))
    result = run_module(circleci_pipeline_info, dict(project_slug='gh/acme/app', branch='main', tests=False))
    assert result['pipeline']['number'] == 44
    assert result['status'] == 'success'
    assert 'tests' not in result and 'failing_tests' not in result
    # One page of pipelines is enough: the newest is the first.
    assert sent(api)[0] == ('GET', '/project/github/acme/app/pipeline?branch=main')
    assert len(api.calls) == 3


def test_by_number_on_a_github_app_project(api, run_module):
    api.add(responses.GET, V2 + '/project/' + APP_SLUG + '/pipeline/7',
            json=pipeline(number=7, project_slug=APP_SLUG))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success', project_slug=APP_SLUG, pipeline_number=7)))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=page(job('build', 'success', 5)))
    api.add(responses.GET, V2 + '/project/' + APP_SLUG + '/5/tests', json=junit_page('success'))
    result = run_module(circleci_pipeline_info, dict(project_slug=APP_SLUG, pipeline_number=7))
    assert result['project'] == APP_SLUG
    assert result['workflows'][0]['url'] == WEB + '/pipelines/%s/7/workflows/wf-build' % APP_SLUG
    assert result['tests']['total'] == 1


def test_a_project_without_pipelines(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page())
    result = run_module(circleci_pipeline_info, dict(project_slug='gh/acme/app'))
    assert 'failed' not in result
    assert result['pipeline'] is None and result['status'] is None and result['workflows'] == []
    assert result['tests'] == {'total': 0, 'passed': 0, 'failed': 0, 'skipped': 0}


def test_tests_read_one_by_one_give_the_same_result(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    red_pipeline(api)
    result = run_module(circleci_pipeline_info, dict(pipeline_id=PID, workers=1))
    assert result['tests'] == {'total': 5, 'passed': 3, 'failed': 1, 'skipped': 1}


@pytest.mark.parametrize('kw, message', [
    (dict(pipeline_number=3), 'Name the project'),
    (dict(), 'Name the project'),
    (dict(pipeline_id='nope'), 'pipeline_id must be a UUID'),
    (dict(pipeline_id=PID, branch='main'), 'pipeline_id already names one'),
    (dict(project_slug='gh/acme/app', pipeline_number=0), 'pipeline_number must be a positive integer'),
    (dict(project_slug='gh/acme/app', workers=0), 'workers must be an integer from 1 to 32'),
    (dict(project_slug='gh/acme/app', workers=True), 'workers must be an integer from 1 to 32, got True'),
    (dict(pipeline_id=PID, pipeline_number=3), 'mutually exclusive'),
])
def test_bad_input_fails_before_any_request(api, run_module, kw, message):
    result = run_module(circleci_pipeline_info, kw)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_a_pipeline_of_another_project_is_refused(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline(project_slug='gh/acme/other'))
    result = run_module(circleci_pipeline_info, dict(project_slug='gh/acme/app', pipeline_id=PID))
    assert result['failed'] is True
    assert 'belongs to github/acme/other, not to github/acme/app' in result['msg']
    assert len(api.calls) == 1
