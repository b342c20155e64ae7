# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils import _pipelines as pl
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError


# -- input rules -----------------------------------------------------------------


def test_parameters_of_every_allowed_type_pass_unchanged():
    params = {'deploy_env': 'production', 'run_migrations': True, 'replicas': 3, 'k' * 128: 'v' * 512}
    assert pl.check_parameters(params) == params
    assert pl.check_parameters(None) is None
    assert pl.check_parameters({}) == {}


@pytest.mark.parametrize('params, message', [
    ({'ratio': 1.5}, 'the value of ratio is a float; pipeline parameters are strings, booleans or integers'),
    ({'n': None}, 'the value of n is null'),
    ({'l': [1]}, 'the value of l is a list'),
    ({'d': {'a': 1}}, 'the value of d is a dict'),
    ({'k' * 129: 'x'}, 'is 129 characters long; CircleCI takes at most 128'),
    ({'k': 'v' * 513}, 'the value of k is 513 characters long; CircleCI takes at most 512'),
    ({'': 'x'}, 'every name must be a non-empty string'),
    (dict(('p%d' % i, i) for i in range(101)), 'at most 100 pipeline parameters, got 101'),
    ('a=b', 'parameters must be a dictionary'),
])
def test_bad_parameters_are_refused_with_the_reason(params, message):
    with pytest.raises(CircleCIError) as exc:
        pl.check_parameters(params)
    assert message in str(exc.value)


def test_run_body_reads_and_checks_out_the_same_ref_unless_told_otherwise():
    assert pl.run_body() == {}
    assert pl.run_body(branch='main') == {'config': {'branch': 'main'}, 'checkout': {'branch': 'main'}}
    assert pl.run_body(tag='v1') == {'config': {'tag': 'v1'}, 'checkout': {'tag': 'v1'}}
    assert pl.run_body(branch='main', checkout_tag='v1', definition_id='d', parameters={'a': 1}) == {
        'definition_id': 'd', 'config': {'branch': 'main'}, 'checkout': {'tag': 'v1'}, 'parameters': {'a': 1}}
    assert pl.run_body(checkout_branch='x') == {'checkout': {'branch': 'x'}}


def test_classic_body():
    assert pl.classic_body(branch='main', parameters={'a': True}) == {'branch': 'main', 'parameters': {'a': True}}
    assert pl.classic_body(tag='v1') == {'tag': 'v1'}
    assert pl.classic_body() == {}


def test_success_statuses_must_be_finished_statuses():
    assert pl.check_success_statuses(['success', 'canceled']) == ['success', 'canceled']
    with pytest.raises(CircleCIError, match='succes is not a finished workflow status'):
        pl.check_success_statuses(['succes'])
    with pytest.raises(CircleCIError, match='running, on_hold are not a finished workflow status'):
        pl.check_success_statuses(['running', 'on_hold'])
    with pytest.raises(CircleCIError, match='at least one'):
        pl.check_success_statuses([])


def test_parse_time():
    assert pl.parse_time('2026-11-27T10:00:00.123Z') == datetime.datetime(2026, 11, 27, 10, 0, 0,
                                                                          tzinfo=datetime.timezone.utc)
    assert pl.parse_time('2026-11-27T12:00:00+02:00') == datetime.datetime(2026, 11, 27, 10, 0, 0,
                                                                           tzinfo=datetime.timezone.utc)
    assert pl.parse_time('yesterday') is None
    assert pl.parse_time(None) is None
    assert pl.parse_time('2026-13-40T10:00:00Z') is None


# -- normalising -----------------------------------------------------------------


def test_web_links_point_at_the_web_app_or_the_server_host():
    assert pl.web_root('https://circleci.com') == 'https://app.circleci.com'
    assert pl.web_root('https://circleci.example.com/') == 'https://circleci.example.com'
    assert pl.pipeline_url('https://app.circleci.com', 'github/acme/app', 43) == \
        'https://app.circleci.com/pipelines/github/acme/app/43'
    assert pl.workflow_url('https://app.circleci.com', 'github/acme/app', 43, 'w1') == \
        'https://app.circleci.com/pipelines/github/acme/app/43/workflows/w1'
    assert pl.pipeline_url('https://x', None, 43) is None


def test_normalize_pipeline_gives_one_shape_whatever_the_endpoint():
    full = {'id': 'p1', 'number': 43, 'state': 'created', 'created_at': 'c', 'updated_at': 'u',
            'project_slug': 'gh/acme/app', 'vcs': {'branch': 'main', 'revision': 'abc'},
            'errors': [{'type': 'config', 'message': 'bad'}], 'trigger': {'type': 'api'}}
    out = pl.normalize_pipeline(full, 'https://app.circleci.com')
    assert set(out) == set(pl.PIPELINE_FIELDS)
    assert out['project_slug'] == 'github/acme/app'
    assert out['url'] == 'https://app.circleci.com/pipelines/github/acme/app/43'
    assert (out['branch'], out['tag'], out['revision']) == ('main', None, 'abc')
    assert out['errors'] == [{'type': 'config', 'message': 'bad'}]
    trigger_answer = {'id': 'p2', 'state': 'pending', 'number': 44, 'created_at': 'c'}
    out = pl.normalize_pipeline(trigger_answer, 'https://app.circleci.com', 'circleci/o/p')
    assert set(out) == set(pl.PIPELINE_FIELDS)
    assert out['url'] == 'https://app.circleci.com/pipelines/circleci/o/p/44'
    assert out['updated_at'] is None and out['errors'] == []
    with pytest.raises(CircleCIError, match='instead of a JSON object'):
        pl.normalize_pipeline(['x'], 'w')


def test_the_slug_of_an_answer_is_read_by_the_one_slug_parser():
    org, prj = '9A3C1F0E-2B7D-4C55-8E11-0F6B2D9C7A41', '5D7F2E8A-61B4-4F0C-9D3E-7A2B1C0E9F58'
    assert pl.canonical_slug('gh/acme/app') == 'github/acme/app'
    assert pl.canonical_slug('bb/acme/lib') == 'bitbucket/acme/lib'
    assert pl.canonical_slug('github/acme/app') == 'github/acme/app'
    assert pl.canonical_slug('circleci/%s/%s' % (org, prj)) == 'circleci/%s/%s' % (org.lower(), prj.lower())
    # What the parser refuses is kept as CircleCI wrote it.
    for kept in ('circleci/o/p', 'gh/acme', 'x/acme/app', '', None, 42):
        assert pl.canonical_slug(kept) == kept


def test_normalize_workflow_and_job():
    wf = pl.normalize_workflow({'id': 'w1', 'name': 'build', 'status': 'success', 'pipeline_number': 43,
                                'project_slug': 'gh/acme/app', 'pipeline_id': 'p1', 'extra': 1}, 'https://w')
    assert wf == {'id': 'w1', 'name': 'build', 'status': 'success', 'url': 'https://w/pipelines/github/acme/app/43/workflows/w1',
                  'created_at': None, 'stopped_at': None, 'tag': None, 'pipeline_id': 'p1'}
    job = pl.normalize_job({'id': 'j', 'name': 'hold', 'type': 'approval', 'status': 'on_hold',
                            'approval_request_id': 'r', 'dependencies': ['x']})
    assert set(job) == set(pl.JOB_FIELDS)
    assert job['job_number'] is None and job['approval_request_id'] == 'r'


def test_normalize_reads_multi_word_fields_in_either_spelling():
    pipeline = pl.normalize_pipeline({'id': 'p1', 'number': 43, 'state': 'created', 'created-at': 'c', 'updated-at': 'u',
                                      'project-slug': 'gh/acme/app', 'vcs': {'branch': 'main', 'revision': 'abc'}},
                                     'https://w')
    assert (pipeline['created_at'], pipeline['updated_at'], pipeline['project_slug']) == ('c', 'u', 'github/acme/app')
    assert pipeline['url'] == 'https://w/pipelines/github/acme/app/43'
    wf = pl.normalize_workflow({'id': 'w1', 'name': 'build', 'status': 'success', 'pipeline-number': 43,
                                'project-slug': 'gh/acme/app', 'pipeline-id': 'p1', 'created-at': 'c',
                                'stopped-at': 's'}, 'https://w')
    assert wf == {'id': 'w1', 'name': 'build', 'status': 'success', 'url': 'https://w/pipelines/github/acme/app/43/workflows/w1',
                  'created_at': 'c', 'stopped_at': 's', 'tag': None, 'pipeline_id': 'p1'}
    job = pl.normalize_job({'id': 'j', 'name': 'hold', 'type': 'approval', 'status': 'on_hold', 'job-number': 7,
                            'started-at': 'a', 'stopped-at': None, 'approval-request-id': 'r'})
    assert job == {'id': 'j', 'name': 'hold', 'type': 'approval', 'status': 'on_hold', 'job_number': 7,
                   'started_at': 'a', 'stopped_at': None, 'approval_request_id': 'r'}


def test_current_workflows_keep_the_newest_run_of_each_name():
    old = {'id': 'a1', 'name': 'test', 'status': 'failed', 'created_at': '2026-11-27T10:00:00Z'}
    build = {'id': 'b1', 'name': 'build', 'status': 'success', 'created_at': '2026-11-27T10:00:00Z'}
    new = {'id': 'a2', 'name': 'test', 'status': 'running', 'created_at': '2026-11-27T10:05:00Z'}
    assert pl.current_workflows([old, build, new]) == [new, build]
    assert pl.current_workflows([new, build, old]) == [new, build]
    same_time = dict(new, created_at=old['created_at'])
    # Same second: the ids a rerun returned win.
    assert pl.current_workflows([same_time, old], prefer=['a2']) == [same_time]
    assert pl.current_workflows([]) == []


def test_current_workflows_a_dated_run_wins_over_one_without_a_readable_created_at():
    dated = {'id': 'a1', 'name': 'test', 'status': 'failed', 'created_at': '2026-11-27T10:00:00Z'}
    for undated in ({'id': 'a2', 'name': 'test', 'status': 'running'},
                    {'id': 'a2', 'name': 'test', 'status': 'running', 'created_at': None},
                    {'id': 'a2', 'name': 'test', 'status': 'running', 'created_at': 'yesterday'},
                    {'id': 'a2', 'name': 'test', 'status': 'running', 'created_at': 1764237600}):
        assert pl.current_workflows([dated, undated]) == [dated]
        assert pl.current_workflows([undated, dated]) == [dated]
    # Two runs without a time: the first listed (CircleCI lists the newest first).
    first, second = {'id': 'b1', 'name': 'x'}, {'id': 'b2', 'name': 'x'}
    assert pl.current_workflows([first, second]) == [first]


def test_current_workflows_compare_times_not_their_text():
    whole_second = {'id': 'a1', 'name': 'test', 'status': 'failed', 'created_at': '2026-11-27T10:00:00Z'}
    # As text, ' ' sorts before 'T' and '11:00+02:00' after '10:00Z'.
    later = {'id': 'a2', 'name': 'test', 'status': 'running', 'created_at': '2026-11-27 10:00:01Z'}
    assert pl.current_workflows([whole_second, later]) == [later]
    earlier = {'id': 'a3', 'name': 'test', 'status': 'running', 'created_at': '2026-11-27T11:00:00+02:00'}
    assert pl.current_workflows([earlier, whole_second]) == [whole_second]
    kebab = {'id': 'a4', 'name': 'test', 'status': 'running', 'created-at': '2026-11-27T10:05:00Z'}
    assert pl.current_workflows([whole_second, kebab]) == [kebab]


def test_current_workflows_a_replaced_run_loses_to_any_other_run_of_its_name():
    old = {'id': 'a1', 'name': 'test', 'status': 'failed', 'created_at': '2026-11-27T10:05:00Z'}
    new = {'id': 'a2', 'name': 'test', 'status': 'queued', 'created_at': '2026-11-27T10:05:00Z'}
    build = {'id': 'b1', 'name': 'build', 'status': 'success', 'created_at': '2026-11-27T10:00:00Z'}
    assert pl.current_workflows([old, build, new], replaced=['a1']) == [new, build]
    # Not listed yet: the replaced run is all there is.
    assert pl.current_workflows([old, build], replaced=['a1']) == [old, build]
    assert pl.current_workflows([old, new], prefer=None, replaced=None) == [old]


@pytest.mark.parametrize('state, statuses, summary', [
    ('errored', [], 'errored'),
    ('pending', [], 'pending'),
    ('created', [], 'pending'),
    ('created', ['success', 'success'], 'success'),
    ('created', ['success', 'failed'], 'failed'),
    ('created', ['success', 'canceled'], 'failed'),
    ('created', ['running', 'failed'], 'running'),
    ('created', ['on_hold', 'success'], 'on_hold'),
    ('created', ['on_hold', 'queued'], 'running'),
])
def test_pipeline_status(state, statuses, summary):
    workflows = [{'id': str(i), 'name': str(i), 'status': s} for i, s in enumerate(statuses)]
    assert pl.pipeline_status(state, workflows) == summary


def test_pipeline_status_a_setup_workflow_alone_is_pending():
    assert pl.pipeline_status('created', [{'name': 'setup', 'status': 'success', 'tag': 'setup'}]) == 'pending'
    assert pl.pipeline_status('created', [{'name': 'setup', 'status': 'failed', 'tag': 'setup'}]) == 'failed'


# -- plans ------------------------------------------------------------------------


def wfs(**statuses):
    return [{'id': 'w-' + name, 'name': name, 'status': status} for name, status in statuses.items()]


def test_plan_cancel_only_the_unfinished():
    workflows = wfs(build='success', test='running', deploy='on_hold')
    to_cancel, after = pl.plan_cancel(workflows)
    assert [w['name'] for w in to_cancel] == ['test', 'deploy']
    assert [w['status'] for w in after] == ['success', 'canceled', 'canceled']
    assert pl.plan_cancel(wfs(build='success', test='failed')) == ([], wfs(build='success', test='failed'))


def test_plan_rerun_the_failed_and_name_the_failing():
    to_rerun, busy = pl.plan_rerun(wfs(build='success', test='failed', lint='failing', docs='canceled'))
    assert [w['name'] for w in to_rerun] == ['test']
    assert [w['name'] for w in busy] == ['lint']
    assert pl.plan_rerun(wfs(build='success')) == ([], [])


def test_plan_approve_by_job_name_and_type():
    def job(name, status, kind='approval'):
        return {'name': name, 'status': status, 'type': kind}
    workflows = [
        dict(wfs(deploy='on_hold')[0], jobs=[job('build', 'success', 'build'), job('hold-for-prod', 'on_hold')]),
        dict(wfs(eu='success')[0], jobs=[job('hold-for-prod', 'success')]),
        dict(wfs(us='running')[0], jobs=[job('hold-for-prod', 'blocked'), job('hold-for-qa', 'on_hold')]),
        dict(wfs(other='success')[0], jobs=[job('hold-for-prod', 'success', 'build')]),
    ]
    pending, approved, other = pl.plan_approve(workflows, 'hold-for-prod')
    assert [w['name'] for w, j in pending] == ['deploy']
    assert [w['name'] for w, j in approved] == ['eu']
    assert [(w['name'], j['status']) for w, j in other] == [('us', 'blocked')]
    assert pl.plan_approve(workflows, 'nope') == ([], [], [])
    assert pl.approval_jobs(workflows) == ['hold-for-prod', 'hold-for-qa']


@pytest.mark.parametrize('errors, text', [
    ([{'type': 'config', 'message': 'Unexpected argument(s): x'}], 'Unexpected argument(s): x'),
    ([{'type': 'config', 'message': None}], 'a config error, without a message'),
    ([{'type': 'config'}], 'a config error, without a message'),
    ([{'message': 'boom'}], 'boom'),
    ([{'type': None, 'message': None}], 'an error CircleCI did not describe'),
    ([{}], 'an error CircleCI did not describe'),
    ([{'type': 'config', 'message': ''}, {'message': 42}], 'a config error, without a message; 42'),
    ([{'message': 'a'}, 'junk', {'message': 'b'}], 'a; b'),
    ([], 'CircleCI gave no reason'),
    (['junk'], 'CircleCI gave no reason'),
    (None, 'CircleCI gave no reason'),
])
def test_error_messages_of_every_shape(errors, text):
    assert pl.error_messages({'errors': errors}) == text


@pytest.mark.parametrize('errors', [5, 'boom', {'type': 'config'}, None])
def test_a_pipeline_whose_errors_are_no_list_has_none(errors):
    out = pl.normalize_pipeline({'id': 'p', 'state': 'errored', 'errors': errors}, 'https://w')
    assert out['errors'] == []
    assert pl.error_messages(out) == 'CircleCI gave no reason'
    only_type = pl.normalize_pipeline({'id': 'p', 'state': 'errored', 'errors': [{'type': 'plan'}]}, 'https://w')
    assert only_type['errors'] == [{'type': 'plan', 'message': None}]
    assert pl.error_messages(only_type) == 'a plan error, without a message'
