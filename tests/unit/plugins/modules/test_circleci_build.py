# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest
import responses


from ansible_collections.ciops.circleci.plugins.module_utils._builds import describe_outcomes
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.modules import circleci_build

from .conftest import API

PROJECT = API + '/project/github/acme/app'
SUNSET = {'Deprecation': 'true', 'Sunset': 'Mon, 01 Feb 2027 00:00:00 GMT'}


def build(num=42, lifecycle='queued', status=None, outcome=None, branch='main', revision='abc1234', **extra):
    out = {'build_num': num, 'build_url': 'https://circleci.com/gh/acme/app/%d' % num, 'branch': branch,
           'vcs_revision': revision, 'vcs_tag': None, 'lifecycle': lifecycle, 'status': status or lifecycle,
           'outcome': outcome, 'why': 'api', 'username': 'acme', 'reponame': 'app', 'vcs_type': 'github'}
    out.update(extra)
    return out


def args(**kw):
    base = dict(username='acme', project='app')
    base.update(kw)
    return base


@pytest.fixture
def fake_time(monkeypatch):
    """Replace the wait loop's clock and sleep: no real sleeping, time moves only on sleep."""
    state = {'t': 0.0, 'sleeps': []}

    def sleep(seconds):
        assert seconds > 0
        state['sleeps'].append(seconds)
        state['t'] += seconds

    monkeypatch.setattr(circleci_build, 'MONOTONIC', lambda: state['t'])
    monkeypatch.setattr(circleci_build, 'SLEEP', sleep)
    return state


# -- pure helpers -------------------------------------------------------------------

def params(**kw):
    base = dict(state='triggered', branch=None, revision=None, tag=None, parallel=None, build_parameters=None,
                build_num=None, unless_running=False, wait=False, wait_timeout=1800, poll_interval=5,
                success_outcomes=['success', 'no_tests'], cancel_on_timeout=False)
    base.update(kw)
    return base


@pytest.mark.parametrize('kw, message', [
    (dict(revision='abc', tag='v1'), 'revision and tag are mutually exclusive'),
    (dict(branch='main', tag='v1'), 'branch and tag cannot be combined'),
    (dict(parallel=0), 'parallel must be a positive integer'),
    (dict(build_parameters={'N': 1}), 'quote the values of: N'),
    (dict(build_num=3), 'build_num is used only with state=retried or state=canceled'),
    (dict(unless_running=True), 'unless_running needs branch, revision or tag'),
    (dict(state='retried', build_num=3, branch='main'), 'branch only apply to state=triggered, not state=retried'),
    (dict(state='canceled', build_num=3, unless_running=True), 'unless_running only apply to state=triggered'),
    (dict(state='canceled', build_num=0), 'build_num must be a positive integer'),
    (dict(wait=True, poll_interval=0), 'poll_interval must be at least 1 second'),
    (dict(wait=True, wait_timeout=0), 'wait_timeout must be at least 1 second'),
    (dict(wait=True, success_outcomes=[]), 'success_outcomes must name at least one outcome'),
    (dict(branch=''), 'branch must not be empty'),
])
def test_check_params_refuses(kw, message):
    with pytest.raises(CircleCIError, match=re.escape(message)):
        circleci_build.check_params(params(**kw))


TRIGGER_VALUES = dict(branch='main', revision='abc1234', tag='v1.0', parallel=2, build_parameters={'A': 'b'})


@pytest.mark.parametrize('state', ['retried', 'canceled'])
@pytest.mark.parametrize('option', sorted(TRIGGER_VALUES))
def test_every_trigger_option_is_refused_outside_triggered(state, option):
    with pytest.raises(CircleCIError, match='^%s only apply to state=triggered, not state=%s$' % (option, state)):
        circleci_build.check_params(params(state=state, build_num=3, **{option: TRIGGER_VALUES[option]}))


def test_several_trigger_options_outside_triggered_are_named_together():
    with pytest.raises(CircleCIError, match='^revision, tag, unless_running only apply to state=triggered, not state=retried$'):
        circleci_build.check_params(params(state='retried', build_num=3, revision='abc', tag='v1', unless_running=True))


def test_revision_with_state_retried_is_refused_before_any_request(api, run_module):
    result = run_module(circleci_build, args(state='retried', build_num=41, revision='abc1234'))
    assert result['failed'] is True
    assert result['msg'] == 'revision only apply to state=triggered, not state=retried'
    assert len(api.calls) == 0


@pytest.mark.parametrize('kw', [dict(wait_timeout=1), dict(poll_interval=1), dict(success_outcomes=['success'])])
def test_check_params_accepts_the_smallest_wait_settings(kw):
    assert circleci_build.check_params(params(wait=True, **kw)) == {}


def test_check_params_builds_the_trigger_body():
    body = circleci_build.check_params(params(branch='main', revision='abc', parallel=2,
                                              build_parameters={'ENV': 'staging'}))
    assert body == {'revision': 'abc', 'parallel': 2, 'build_parameters': {'ENV': 'staging'}}
    assert circleci_build.check_params(params()) == {}
    assert circleci_build.check_params(params(tag='v1')) == {'tag': 'v1'}
    assert circleci_build.check_params(params(state='retried', build_num=5)) is None


def test_plan_cancel():
    running = build(lifecycle='running')
    changed, after = circleci_build.plan_cancel(running)
    assert changed is True
    assert (after['lifecycle'], after['status'], after['outcome']) == ('finished', 'canceled', 'canceled')
    done = build(lifecycle='finished', outcome='success')
    assert circleci_build.plan_cancel(done) == (False, done)


def test_outcome_text():
    assert describe_outcomes(['success']) == 'success'
    assert describe_outcomes(['success', 'no_tests']) == 'success or no_tests'
    assert describe_outcomes(['a', 'b', 'c']) == 'a, b or c'


# -- triggering ----------------------------------------------------------------------

def test_trigger_branch_with_slash_is_url_encoded(api, run_module):
    api.add(responses.POST, PROJECT + '/tree/feature%2Flogin', status=201, json=build(branch='feature/login'))
    result = run_module(circleci_build, args(branch='feature/login'))
    assert result['changed'] is True
    assert result['build']['branch'] == 'feature/login'
    assert result['build']['build_num'] == 42
    assert len(api.calls) == 1
    assert api.calls[0].request.url == PROJECT + '/tree/feature%2Flogin'
    assert json.loads(api.calls[0].request.body) == {}
    assert 'history' not in result and 'waited_seconds' not in result


def test_trigger_unicode_branch(api, run_module):
    api.add(responses.POST, PROJECT + '/tree/r%C3%A9sum%C3%A9%2Fv2', status=201, json=build(branch=u'résumé/v2'))
    result = run_module(circleci_build, args(branch=u'résumé/v2'))
    assert result['changed'] is True
    assert api.calls[0].request.url.endswith('/tree/r%C3%A9sum%C3%A9%2Fv2')


def test_trigger_revision_without_branch_posts_to_the_project(api, run_module):
    api.add(responses.POST, PROJECT, status=201, json=build(revision='abc1234'))
    result = run_module(circleci_build, args(revision='abc1234', parallel=2, build_parameters={'ENV': 'staging'}))
    assert result['changed'] is True
    assert json.loads(api.calls[0].request.body) == {
        'revision': 'abc1234', 'parallel': 2, 'build_parameters': {'ENV': 'staging'}}


def test_trigger_tag(api, run_module):
    api.add(responses.POST, PROJECT, status=201, json=build(vcs_tag='v1.4.0'))
    result = run_module(circleci_build, args(tag='v1.4.0'))
    assert json.loads(api.calls[0].request.body) == {'tag': 'v1.4.0'}
    assert result['build']['vcs_tag'] == 'v1.4.0'


def test_revision_and_tag_refused_before_any_request(api, run_module):
    result = run_module(circleci_build, args(revision='abc', tag='v1'))
    assert result['failed'] is True
    assert 'mutually exclusive' in result['msg']
    assert len(api.calls) == 0


def test_non_string_build_parameters_refused_before_any_request(api, run_module):
    result = run_module(circleci_build, args(branch='main', build_parameters={'COUNT': 3, 'OK': 'x'}))
    assert result['failed'] is True
    assert result['msg'] == 'build_parameters values must be strings; quote the values of: COUNT'
    assert len(api.calls) == 0


def test_check_mode_trigger_sends_nothing(api, run_module):
    result = run_module(circleci_build, args(branch='main', wait=True), check_mode=True)
    assert result['changed'] is True
    assert result['build'] is None
    assert len(api.calls) == 0


def test_deprecation_headers_become_one_warning(api, run_module):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(), headers=SUNSET)
    result = run_module(circleci_build, args(branch='main'))
    assert len(result['warnings']) == 1
    assert '2027-02-01' in result['warnings'][0]


def test_retired_trigger_explains_410(api, run_module):
    api.add(responses.POST, PROJECT + '/tree/main', status=410,
            json={'message': 'This endpoint has been removed. Use API v2 pipelines.'})
    result = run_module(circleci_build, args(branch='main'))
    assert result['failed'] is True
    assert result['status'] == 410
    assert result['msg'] == (
        'CircleCI no longer accepts API v1.1 build trigger requests (410 Gone for POST '
        '/project/github/acme/app/tree/main): these endpoints were retired on 2027-02-01. Trigger a pipeline '
        'through API v2 instead: ciops.circleci.circleci_pipeline with project_slug: gh/acme/app and branch: main '
        '(POST /api/v2/project/gh/acme/app/pipeline/run); docs/migrating-from-v1.md maps every option.')


def test_other_errors_pass_through(api, run_module):
    api.add(responses.POST, PROJECT + '/tree/main', status=403, json={'message': 'Permission denied'})
    result = run_module(circleci_build, args(branch='main'))
    assert result['failed'] is True
    assert 'CircleCI answered 403 Permission denied for POST /project/github/acme/app/tree/main' in result['msg']


# -- unless_running -----------------------------------------------------------------

def recent(*items):
    return list(items)


def test_unless_running_returns_the_running_build_without_post(api, run_module):
    api.add(responses.GET, PROJECT + '/tree/main', json=recent(
        build(50, 'finished', outcome='success'), build(49, 'running', branch='feature/x'), build(48, 'running')))
    result = run_module(circleci_build, args(branch='main', unless_running=True))
    assert result['changed'] is False
    assert result['already_running'] is True
    assert result['build']['build_num'] == 48
    assert len(api.calls) == 1
    assert api.calls[0].request.method == 'GET'
    assert api.calls[0].request.url == PROJECT + '/tree/main?limit=100&shallow=true'


def test_unless_running_without_branch_reads_the_project_list(api, run_module):
    api.add(responses.GET, PROJECT, json=recent(build(48, 'queued', branch='develop', vcs_tag='v2'),
                                                build(47, 'running', branch='main')))
    result = run_module(circleci_build, args(tag='v2', unless_running=True))
    assert result['changed'] is False
    assert result['build']['build_num'] == 48
    assert api.calls[0].request.url == PROJECT + '?limit=100&shallow=true'


def test_unless_running_with_revision_ignores_other_revisions(api, run_module):
    api.add(responses.GET, PROJECT + '/tree/main', json=recent(build(48, 'running', revision='fff0000')))
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(51, revision='abc1234'))
    result = run_module(circleci_build, args(branch='main', revision='abc1234', unless_running=True))
    assert result['changed'] is True
    assert result['already_running'] is False
    assert result['build']['build_num'] == 51
    assert [c.request.method for c in api.calls] == ['GET', 'POST']


def test_unless_running_check_mode_reads_but_does_not_post(api, run_module):
    api.add(responses.GET, PROJECT + '/tree/main', json=recent(build(48, 'finished', outcome='success')))
    result = run_module(circleci_build, args(branch='main', unless_running=True), check_mode=True)
    assert result['changed'] is True
    assert result['already_running'] is False
    assert [c.request.method for c in api.calls] == ['GET']


def test_unless_running_waits_for_the_found_build(api, run_module, fake_time):
    api.add(responses.GET, PROJECT + '/tree/main', json=recent(build(48, 'running')))
    api.add(responses.GET, PROJECT + '/48', json=build(48, 'finished', outcome='success'))
    result = run_module(circleci_build, args(branch='main', unless_running=True, wait=True, poll_interval=2))
    assert result['changed'] is False
    assert result['build']['outcome'] == 'success'
    assert result['waited_seconds'] == 2
    assert fake_time['sleeps'] == [2]


# -- waiting -------------------------------------------------------------------------

def test_wait_to_success(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='running'))
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='running'))
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='finished', outcome='success', status='success'))
    result = run_module(circleci_build, args(branch='main', wait=True, poll_interval=3))
    assert 'failed' not in result
    assert result['changed'] is True
    assert result['build']['outcome'] == 'success'
    assert result['waited_seconds'] == 9
    assert result['timed_out'] is False
    assert [h['lifecycle'] for h in result['history']] == ['queued', 'running', 'finished']
    assert fake_time['sleeps'] == [3, 3, 3]
    assert len(api.calls) == 4


def test_one_failed_read_during_the_wait_does_not_end_it(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add(responses.GET, PROJECT + '/42', status=500, json={'message': 'An internal server error occurred.'})
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='finished', outcome='success', status='success'))
    result = run_module(circleci_build, args(branch='main', wait=True, poll_interval=3, retries=0))
    assert 'failed' not in result, result['msg']
    assert [h['status'] for h in result['history']] == ['queued', 'poll failed', 'success']
    assert result['history'][1]['error'].startswith('CircleCI answered 500 An internal server error occurred. for GET')
    assert len(api.calls) == 3


def test_three_failed_reads_in_a_row_end_the_wait_with_the_history(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    for dummy in range(3):
        api.add(responses.GET, PROJECT + '/42', status=502, body='<html><title>502 Bad Gateway</title></html>',
                content_type='text/html')
    result = run_module(circleci_build, args(branch='main', wait=True, poll_interval=3, retries=0))
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'] == ('Gave up waiting for build 42 after 3 failed reads in a row (9s into the wait); the last: '
                             'CircleCI answered 502 Bad Gateway (an HTML page, not the API) for GET '
                             '/project/github/acme/app/42: a CircleCI server error; try again later')
    assert [h['status'] for h in result['history']] == ['queued'] + ['poll failed'] * 3
    assert result['status'] == 502 and result['build']['lifecycle'] == 'queued'
    assert len(api.calls) == 4


def test_wait_to_failure_fails_the_task_with_the_outcome(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='finished', outcome='failed', status='failed'))
    result = run_module(circleci_build, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['msg'] == ('Build 42 of github/acme/app finished with outcome failed (expected success or '
                             'no_tests): https://circleci.com/gh/acme/app/42')
    assert result['build']['outcome'] == 'failed'
    assert result['history'][-1]['outcome'] == 'failed'
    assert result['waited_seconds'] == 5


def test_custom_success_outcomes(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201,
            json=build(lifecycle='finished', outcome='no_tests', status='no_tests'))
    result = run_module(circleci_build, args(branch='main', wait=True, success_outcomes=['success']))
    assert result['failed'] is True
    assert 'finished with outcome no_tests (expected success)' in result['msg']
    assert len(api.calls) == 1


def test_not_run_build_ends_the_wait_and_fails(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='not_run', status='not_run'))
    result = run_module(circleci_build, args(branch='main', wait=True))
    assert result['failed'] is True
    assert 'ended with lifecycle not_run and no outcome' in result['msg']


def test_wait_timeout_fails_without_canceling(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    for _poll in range(3):
        api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='running'))
    result = run_module(circleci_build, args(branch='main', wait=True, wait_timeout=30, poll_interval=10))
    assert result['failed'] is True
    assert result['timed_out'] is True
    assert result['msg'] == ('Timed out after 30s waiting for build 42 (lifecycle running, status running): '
                             'https://circleci.com/gh/acme/app/42; the build keeps running (set '
                             'cancel_on_timeout to cancel it)')
    assert [c.request.method for c in api.calls] == ['POST', 'GET', 'GET', 'GET']
    assert result['waited_seconds'] == 30


def test_wait_timeout_with_cancel_on_timeout(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='running'))
    api.add(responses.POST, PROJECT + '/42/cancel',
            json=build(lifecycle='finished', status='canceled', outcome='canceled', canceled=True))
    result = run_module(circleci_build, args(branch='main', wait=True, wait_timeout=5, cancel_on_timeout=True))
    assert result['failed'] is True
    assert result['msg'].endswith('; canceled the build (cancel_on_timeout=true)')
    assert result['build']['status'] == 'canceled'
    assert [c.request.url for c in api.calls][-1] == PROJECT + '/42/cancel'


# -- retry ---------------------------------------------------------------------------

def test_retry_returns_the_new_build(api, run_module):
    api.add(responses.POST, PROJECT + '/41/retry', json=build(43, why='retry', retry_of=41), headers=SUNSET)
    result = run_module(circleci_build, args(state='retried', build_num=41))
    assert result['changed'] is True
    assert result['build']['build_num'] == 43
    assert result['build']['retry_of'] == 41
    assert len(result['warnings']) == 1
    assert api.calls[0].request.body is None


def test_retry_and_wait(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/41/retry', json=build(43))
    api.add(responses.GET, PROJECT + '/43', json=build(43, 'finished', outcome='success'))
    result = run_module(circleci_build, args(state='retried', build_num=41, wait=True))
    assert result['build']['outcome'] == 'success'
    assert result['waited_seconds'] == 5


def test_retry_check_mode_sends_nothing(api, run_module):
    result = run_module(circleci_build, args(state='retried', build_num=41), check_mode=True)
    assert result['changed'] is True
    assert result['build'] is None
    assert len(api.calls) == 0


def test_retry_needs_build_num(api, run_module):
    result = run_module(circleci_build, args(state='retried'))
    assert result['failed'] is True
    assert 'build_num' in result['msg']
    assert len(api.calls) == 0


def test_retired_retry_explains_410(api, run_module):
    api.add(responses.POST, PROJECT + '/41/retry', status=410, json={'message': 'Gone'})
    result = run_module(circleci_build, args(state='retried', build_num=41))
    assert result['msg'].startswith('CircleCI no longer accepts API v1.1 build retry requests (410 Gone for POST '
                                    '/project/github/acme/app/41/retry)')


# -- cancel --------------------------------------------------------------------------

def test_cancel_running_build(api, run_module):
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='running'))
    api.add(responses.POST, PROJECT + '/42/cancel',
            json=build(lifecycle='finished', status='canceled', outcome='canceled', canceled=True))
    result = run_module(circleci_build, args(state='canceled', build_num=42), diff=True)
    assert result['changed'] is True
    assert result['build']['status'] == 'canceled'
    assert result['diff'] == {
        'before': {'lifecycle': 'running', 'status': 'running', 'outcome': None},
        'after': {'lifecycle': 'finished', 'status': 'canceled', 'outcome': 'canceled'}}
    assert [c.request.method for c in api.calls] == ['GET', 'POST']


def test_cancel_finished_build_is_a_no_op(api, run_module):
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='finished', outcome='success'))
    result = run_module(circleci_build, args(state='canceled', build_num=42))
    assert result['changed'] is False
    assert result['build']['outcome'] == 'success'
    assert len(api.calls) == 1


def test_cancel_check_mode_predicts_without_post(api, run_module):
    api.add(responses.GET, PROJECT + '/42', json=build(lifecycle='queued'))
    result = run_module(circleci_build, args(state='canceled', build_num=42), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['build']['status'] == 'canceled'
    assert result['diff']['before']['lifecycle'] == 'queued'
    assert [c.request.method for c in api.calls] == ['GET']


def test_cancel_unknown_build_fails(api, run_module):
    api.add(responses.GET, PROJECT + '/999', status=404, json={'message': 'Build not found'})
    result = run_module(circleci_build, args(state='canceled', build_num=999))
    assert result['failed'] is True
    assert 'CircleCI answered 404 Build not found for GET /project/github/acme/app/999' in result['msg']


# -- answers without a build number, boundaries, fractional clocks ----------------------

def test_a_trigger_answer_without_build_num_is_never_polled_as_none(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json={'lifecycle': 'queued', 'status': 'queued'})
    result = run_module(circleci_build, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI did not say which build it started (no build_num in its answer), '
                             'so there is nothing to wait for')
    assert [(c.request.method, c.request.url) for c in api.calls] == [('POST', PROJECT + '/tree/main')]
    assert fake_time['sleeps'] == []


def test_a_retry_answer_without_build_num_is_never_polled_as_none(api, run_module, fake_time):
    api.add(responses.POST, PROJECT + '/41/retry', json={'build_num': None, 'lifecycle': 'queued'})
    result = run_module(circleci_build, args(state='retried', build_num=41, wait=True))
    assert result['failed'] is True
    assert 'no build_num in its answer' in result['msg']
    assert len(api.calls) == 1


@pytest.fixture
def slow_api_time(fake_time):
    """fake_time, and a callback that makes every GET of build 42 take 0.35 s of it."""
    def answer(request):
        fake_time['t'] += 0.35
        return 200, {}, json.dumps(build(lifecycle='running'))
    return answer


def test_wait_timeout_of_one_second_with_slow_requests(api, run_module, fake_time, slow_api_time):
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add_callback(responses.GET, PROJECT + '/42', callback=slow_api_time)
    result = run_module(circleci_build, args(branch='main', wait=True, wait_timeout=1, poll_interval=1))
    assert result['failed'] is True
    assert result['timed_out'] is True
    assert fake_time['sleeps'] == [1]
    # 1 s of sleep and 0.35 s for the one poll: shown to a tenth, the message in whole seconds.
    assert result['waited_seconds'] == 1.4
    assert result['msg'].startswith('Timed out after 1s waiting for build 42 (lifecycle running, status running)')
    assert [c.request.method for c in api.calls] == ['POST', 'GET']


def test_waited_seconds_keep_a_fraction(api, run_module, fake_time):
    def finished(request):
        fake_time['t'] += 0.25
        return 200, {}, json.dumps(build(lifecycle='finished', outcome='success', status='success'))
    api.add(responses.POST, PROJECT + '/tree/main', status=201, json=build(lifecycle='queued'))
    api.add_callback(responses.GET, PROJECT + '/42', callback=finished)
    result = run_module(circleci_build, args(branch='main', wait=True, poll_interval=2))
    assert 'failed' not in result
    assert result['waited_seconds'] == 2.2  # 2.25 s, to a tenth
    assert result['history'][-1]['seconds'] == 2.2


# -- empty and unknown values a template can produce (found by tests/reliability) --------

@pytest.mark.parametrize('option', ['revision', 'tag'])
def test_an_empty_revision_or_tag_is_refused_not_a_build_of_the_default_branch(api, run_module, option):
    result = run_module(circleci_build, args(**{option: ''}))
    assert result['failed'] is True
    assert result['msg'] == '%s must not be empty' % option
    assert len(api.calls) == 0


@pytest.mark.parametrize('outcomes, named', [
    ([''], "''"), (['sucess'], "'sucess'"), (['success', 'passed'], "'passed'")])
def test_success_outcomes_that_are_no_outcome_are_refused_before_the_build(api, run_module, outcomes, named):
    result = run_module(circleci_build, args(branch='main', wait=True, success_outcomes=outcomes))
    assert result['failed'] is True
    assert result['msg'] == (
        'success_outcomes: %s is not a build outcome; use some of success, no_tests, failed, canceled, '
        'timedout, infrastructure_fail' % named)
    assert len(api.calls) == 0


def test_every_documented_outcome_is_accepted():
    outcomes = ['success', 'no_tests', 'failed', 'canceled', 'timedout', 'infrastructure_fail']
    assert circleci_build.check_params(params(wait=True, success_outcomes=outcomes)) == {}
