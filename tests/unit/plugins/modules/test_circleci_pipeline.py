# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

import pytest
import requests
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_pipeline

from .conftest import TOKEN

V2 = 'https://circleci.example/api/v2'
WEB = 'https://circleci.example'
RUN = V2 + '/project/gh/acme/app/pipeline/run'
CLASSIC = V2 + '/project/github/acme/app/pipeline'
PID = '5034460f-c7c4-4c43-9457-de07e2029e7b'
OTHER_PID = '11111111-2222-4333-8444-555555555555'
APP_SLUG = 'circleci/9a3c1f0e-2b7d-4c55-8e11-0f6b2d9c7a41/5d7f2e8a-61b4-4f0c-9d3e-7a2b1c0e9f58'
PIPELINE = V2 + '/pipeline/' + PID
WORKFLOWS = PIPELINE + '/workflow'


def pipeline(state='created', number=43, pid=PID, **extra):
    out = {'id': pid, 'number': number, 'state': state, 'created_at': '2026-11-27T10:00:00.000Z',
           'updated_at': '2026-11-27T10:00:01.000Z', 'project_slug': 'gh/acme/app', 'errors': [],
           'vcs': {'branch': 'main', 'revision': 'abc123'}}
    out.update(extra)
    return out


def workflow(name, status, wid=None, created='2026-11-27T10:00:01Z', **extra):
    out = {'id': wid or 'wf-' + name, 'name': name, 'status': status, 'pipeline_id': PID, 'pipeline_number': 43,
           'project_slug': 'gh/acme/app', 'created_at': created, 'stopped_at': None}
    out.update(extra)
    return out


def page(*items, **kw):
    return {'items': list(items), 'next_page_token': kw.get('token')}


def job(name, status, number=None, kind='build', **extra):
    out = {'id': 'job-' + name, 'name': name, 'status': status, 'type': kind, 'job_number': number,
           'dependencies': []}
    out.update(extra)
    return out


def args(**kw):
    base = dict(project_slug='gh/acme/app')
    base.update(kw)
    return base


def sent(api):
    """(method, path?query) of every request, in order."""
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def body(call):
    return json.loads(call.request.body) if call.request.body else None


@pytest.fixture
def fake_time(monkeypatch):
    """The wait loop's clock and sleep: no real sleeping, time moves only on sleep."""
    state = {'t': 0.0, 'sleeps': []}

    def sleep(seconds):
        assert seconds > 0
        state['sleeps'].append(seconds)
        state['t'] += seconds

    monkeypatch.setattr(circleci_pipeline, 'MONOTONIC', lambda: state['t'])
    monkeypatch.setattr(circleci_pipeline, 'SLEEP', sleep)
    monkeypatch.setattr(circleci_pipeline, 'NOW', lambda: datetime.datetime(
        2026, 11, 27, 10, 0, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=state['t']))
    return state


def add_jobs(api, *names_statuses):
    for name, jobs in names_statuses:
        api.add(responses.GET, V2 + '/workflow/wf-%s/job' % name, json=page(*jobs))


# -- triggering --------------------------------------------------------------------------

def test_trigger_posts_one_pipeline_run_with_config_checkout_and_parameters(api, run_module):
    api.add(responses.POST, RUN, status=201,
            json={'id': PID, 'state': 'created', 'number': 43, 'created_at': '2026-11-27T10:00:00.000Z'})
    result = run_module(circleci_pipeline, args(branch='release/2.4', parameters={
        'deploy_env': 'production', 'run_migrations': True, 'replicas': 3}))
    assert result['changed'] is True and result['created'] is True and 'failed' not in result
    assert sent(api) == [('POST', '/project/gh/acme/app/pipeline/run')]
    assert body(api.calls[0]) == {'config': {'branch': 'release/2.4'}, 'checkout': {'branch': 'release/2.4'},
                                  'parameters': {'deploy_env': 'production', 'run_migrations': True, 'replicas': 3}}
    assert api.calls[0].request.headers['Circle-Token'] == TOKEN
    assert result['endpoint'] == 'run'
    assert result['project'] == 'github/acme/app'
    assert result['pipeline']['id'] == PID and result['pipeline']['number'] == 43
    assert result['pipeline']['url'] == WEB + '/pipelines/github/acme/app/43'
    assert 'workflows' not in result and 'history' not in result
    assert result['msg'] == 'Triggered pipeline 43 of github/acme/app (branch release/2.4) through pipeline/run'


def test_trigger_a_github_app_project_by_its_circleci_slug(api, run_module):
    api.add(responses.POST, V2 + '/project/' + APP_SLUG + '/pipeline/run', status=201,
            json={'id': PID, 'state': 'pending', 'number': 2, 'created_at': 'x'})
    result = run_module(circleci_pipeline, args(project_slug=APP_SLUG, tag='v2.4.0', checkout_branch='hotfix',
                                                definition_id='A1B2C3D4-0000-4000-8000-000000000001'))
    assert result['changed'] is True
    assert body(api.calls[0]) == {'definition_id': 'a1b2c3d4-0000-4000-8000-000000000001', 'config': {'tag': 'v2.4.0'},
                                  'checkout': {'branch': 'hotfix'}}
    assert result['pipeline']['url'] == WEB + '/pipelines/' + APP_SLUG + '/2'
    assert result['project'] == APP_SLUG


def test_trigger_with_username_and_project(api, run_module):
    api.add(responses.POST, V2 + '/project/bb/acme/lib/pipeline/run', status=201, json={'id': PID, 'number': 1})
    result = run_module(circleci_pipeline, dict(vcs_type='bitbucket', username='acme', project='lib'))
    assert result['changed'] is True
    assert sent(api) == [('POST', '/project/bb/acme/lib/pipeline/run')]
    assert body(api.calls[0]) == {}
    assert result['project'] == 'bitbucket/acme/lib'


@pytest.mark.parametrize('kw, message', [
    (dict(parameters={'ratio': 1.5}), 'the value of ratio is a float'),
    (dict(parameters=dict(('p%d' % i, 'x') for i in range(101))), 'at most 100 pipeline parameters'),
    (dict(parameters={'k': 'v' * 513}), 'CircleCI takes at most 512'),
    (dict(branch='main', tag='v1'), 'mutually exclusive'),
    (dict(checkout_branch='a', checkout_tag='b'), 'mutually exclusive'),
    (dict(definition_id='not-a-uuid'), 'definition_id must be a UUID'),
    (dict(pipeline_id=PID), 'pipeline_id only apply to state=approved, rerun or canceled'),
    (dict(unless_running=True), 'unless_running needs branch or tag'),
    (dict(stop_on_hold=True), 'stop_on_hold only apply with wait=true'),
    (dict(wait=True, success_statuses=['succes']), 'succes is not a finished workflow status'),
    (dict(wait=True, poll_interval=0), 'poll_interval must be at least 1 second'),
    (dict(wait=True, first_workflow_timeout=0), 'first_workflow_timeout must be at least 1 second'),
    (dict(branch=''), 'branch must not be empty'),
    (dict(trigger_endpoint='classic', checkout_branch='x'),
     'trigger_endpoint=classic uses POST /api/v2/project/{slug}/pipeline, and checkout_branch cannot be sent'),
    (dict(project_slug=APP_SLUG, trigger_endpoint='classic'), 'serves only GitHub OAuth and Bitbucket Cloud'),
    (dict(project_slug='gh/acme'), 'Invalid project slug'),
    (dict(project_slug=None), 'Name the project to trigger'),
    (dict(state='approved', pipeline_id=PID), 'missing: approval_job'),
    (dict(state='rerun'), 'state=rerun needs pipeline_id or pipeline_number'),
    (dict(state='rerun', pipeline_id='12'), 'pipeline_id must be a UUID'),
    (dict(state='rerun', pipeline_number=0), 'pipeline_number must be a positive integer'),
    (dict(state='rerun', pipeline_id=PID, branch='main'), 'branch do not apply to state=rerun'),
    (dict(state='canceled', pipeline_id=PID, approval_job='x'), 'approval_job do not apply to state=canceled'),
    (dict(state='canceled', pipeline_id=PID, wait=True), 'wait does not apply to state=canceled'),
    (dict(state='canceled', project_slug=None, pipeline_number=4), 'pipeline_number is a number within a project'),
])
def test_bad_input_fails_before_any_request(api, run_module, kw, message):
    result = run_module(circleci_pipeline, args(**kw))
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0
    assert 'Traceback' not in result['msg']


def test_check_mode_sends_nothing_and_says_what_would_happen(api, run_module):
    result = run_module(circleci_pipeline, args(branch='main', wait=True), check_mode=True)
    assert result['changed'] is True and result['created'] is False
    assert result['msg'] == 'Would trigger a pipeline of github/acme/app (branch main)'
    assert len(api.calls) == 0
    assert result['pipeline'] is None and result['workflows'] == []


def test_a_skip_marker_fails_the_task_unless_allowed(api, run_module):
    message = 'Pipeline not created because the commit message contains a skip marker'
    api.add(responses.POST, RUN, status=200, json={'message': message})
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['created'] is False and result['changed'] is False
    assert result['message'] == message
    assert message in result['msg'] and 'allow_skipped' in result['msg']
    assert len(api.calls) == 1
    result = run_module(circleci_pipeline, args(branch='main', wait=True, allow_skipped=True))
    assert 'failed' not in result
    assert result['created'] is False and result['changed'] is False and result['message'] == message
    assert len(api.calls) == 2


def test_auto_falls_back_to_the_classic_endpoint_when_pipeline_run_is_missing(api, run_module):
    api.add(responses.POST, RUN, status=404, content_type='text/html',
            body='<html><head><title>404 Not Found</title></head></html>')
    api.add(responses.POST, CLASSIC, status=201, json={'id': PID, 'state': 'pending', 'number': 9})
    result = run_module(circleci_pipeline, args(branch='main', parameters={'x': 'y'}))
    assert result['changed'] is True and result['endpoint'] == 'classic'
    assert sent(api) == [('POST', '/project/gh/acme/app/pipeline/run'), ('POST', '/project/github/acme/app/pipeline')]
    assert body(api.calls[1]) == {'branch': 'main', 'parameters': {'x': 'y'}}
    assert result['msg'].endswith('through /pipeline')


@pytest.mark.parametrize('message', ['Not Found', 'no route', 'Route not found'])
def test_auto_falls_back_to_the_classic_endpoint_after_a_json_404_about_no_route(api, run_module, message):
    api.add(responses.POST, RUN, status=404, json={'message': message})
    api.add(responses.POST, CLASSIC, status=201, json={'id': PID, 'state': 'pending', 'number': 9})
    result = run_module(circleci_pipeline, args(tag='v1'))
    assert 'failed' not in result, result['msg']
    assert result['endpoint'] == 'classic'
    assert sent(api) == [('POST', '/project/gh/acme/app/pipeline/run'), ('POST', '/project/github/acme/app/pipeline')]
    assert body(api.calls[1]) == {'tag': 'v1'}
    assert result['msg'] == 'Triggered pipeline 9 of github/acme/app (tag v1) through /pipeline'


def test_auto_never_falls_back_on_a_json_404_about_something_in_the_request(api, run_module):
    api.add(responses.POST, RUN, status=404, json={'message': 'Pipeline definition not found'})
    result = run_module(circleci_pipeline, args(branch='main'))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Pipeline definition not found for POST '
                                    '/api/v2/project/gh/acme/app/pipeline/run')
    assert len(api.calls) == 1


def test_auto_never_falls_back_on_a_project_404(api, run_module):
    api.add(responses.POST, RUN, status=404, json={'message': 'Project not found'})
    result = run_module(circleci_pipeline, args(branch='main'))
    assert result['failed'] is True
    assert 'CircleCI answered 404 Project not found for POST /api/v2/project/gh/acme/app/pipeline/run' in result['msg']
    assert len(api.calls) == 1


def test_run_never_falls_back(api, run_module):
    api.add(responses.POST, RUN, status=404, content_type='text/html', body='<html><title>404</title></html>')
    result = run_module(circleci_pipeline, args(branch='main', trigger_endpoint='run'))
    assert result['failed'] is True and 'check api_url' in result['msg']
    assert len(api.calls) == 1


def test_classic_is_used_directly_when_asked(api, run_module):
    api.add(responses.POST, CLASSIC, status=201, json={'id': PID, 'state': 'pending', 'number': 9})
    result = run_module(circleci_pipeline, args(tag='v1', trigger_endpoint='classic'))
    assert sent(api) == [('POST', '/project/github/acme/app/pipeline')]
    assert body(api.calls[0]) == {'tag': 'v1'}
    assert result['endpoint'] == 'classic'


def test_auto_does_not_fall_back_when_the_classic_endpoint_cannot_carry_the_request(api, run_module):
    api.add(responses.POST, RUN, status=405, json={'message': 'Method Not Allowed'})
    result = run_module(circleci_pipeline, args(branch='main', checkout_branch='other'))
    assert result['failed'] is True
    assert result['msg'] == (
        'CircleCI at https://circleci.example has no pipeline/run endpoint (it answered 405 to POST '
        '/api/v2/project/gh/acme/app/pipeline/run: CircleCI Server 4.7?), and the older POST '
        '/api/v2/project/{slug}/pipeline cannot be used instead: checkout_branch cannot be sent through it')
    assert len(api.calls) == 1


def test_a_trigger_whose_outcome_is_unknown_is_not_repeated(api, run_module):
    api.add(responses.POST, RUN, body=requests.exceptions.ConnectionError('Connection aborted'))
    result = run_module(circleci_pipeline, args(branch='main', retries=3))
    assert result['failed'] is True
    assert result['outcome_unknown'] is True
    assert 'CircleCI may have acted on POST /api/v2/project/gh/acme/app/pipeline/run' in result['msg']
    assert len(api.calls) == 1
    assert TOKEN not in json.dumps(result)


# -- unless_running -------------------------------------------------------------------------

def test_unless_running_returns_the_unfinished_pipeline_without_posting(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page(pipeline(number=44), pipeline(number=43)))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'on_hold')))
    result = run_module(circleci_pipeline, args(branch='main', unless_running=True))
    assert result['changed'] is False and result['already_running'] is True
    assert sent(api) == [('GET', '/project/github/acme/app/pipeline?branch=main'), ('GET', '/pipeline/%s/workflow' % PID)]
    assert result['pipeline']['number'] == 44
    assert [w['status'] for w in result['workflows']] == ['success', 'on_hold']


def test_unless_running_triggers_when_the_newest_pipeline_has_finished(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page(pipeline(number=44), pipeline(number=43)))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    api.add(responses.POST, RUN, status=201, json={'id': OTHER_PID, 'state': 'created', 'number': 45})
    result = run_module(circleci_pipeline, args(branch='main', unless_running=True))
    assert result['changed'] is True and result['already_running'] is False
    # The older pipeline 43 is not read: the newest one has finished.
    assert [m for m, p in sent(api)] == ['GET', 'GET', 'POST']
    assert result['pipeline']['number'] == 45


@pytest.mark.parametrize('errors', [[{'type': 'config', 'message': 'Unexpected argument(s): x'}], [{'type': 'config'}],
                                    [{}], None, 5, 'boom'])
def test_unless_running_triggers_when_the_newest_pipeline_errored(api, run_module, errors):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline',
            json=page(pipeline('errored', number=44, errors=errors), pipeline(number=43, pid=OTHER_PID)))
    api.add(responses.POST, RUN, status=201, json={'id': OTHER_PID, 'state': 'created', 'number': 45})
    result = run_module(circleci_pipeline, args(branch='main', unless_running=True))
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True and result['already_running'] is False
    # Neither the errored pipeline's workflows (it has none) nor the older pipeline 43 is read.
    assert sent(api) == [('GET', '/project/github/acme/app/pipeline?branch=main'),
                         ('POST', '/project/gh/acme/app/pipeline/run')]
    assert result['msg'] == 'Triggered pipeline 45 of github/acme/app (branch main) through pipeline/run'


def test_unless_running_with_a_tag_filters_the_list_itself(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline',
            json=page(pipeline(number=44), pipeline(number=42, pid=OTHER_PID, state='setup', vcs={'tag': 'v1'})))
    result = run_module(circleci_pipeline, args(tag='v1', unless_running=True), check_mode=True)
    assert result['changed'] is False and result['pipeline']['number'] == 42
    assert sent(api) == [('GET', '/project/github/acme/app/pipeline')]


def test_unless_running_a_young_pipeline_without_workflows_counts_as_running(api, run_module, fake_time):
    young = pipeline(created_at='2026-11-27T09:59:50.000Z')
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page(young))
    api.add(responses.GET, WORKFLOWS, json=page())
    result = run_module(circleci_pipeline, args(branch='main', unless_running=True), check_mode=True)
    assert result['changed'] is False and result['already_running'] is True
    old = pipeline(created_at='2026-11-27T09:50:00.000Z')
    api.replace(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page(old))
    result = run_module(circleci_pipeline, args(branch='main', unless_running=True), check_mode=True)
    assert result['changed'] is True and result['already_running'] is False


# -- waiting ----------------------------------------------------------------------------------

def test_wait_follows_every_workflow_and_succeeds_when_all_are_green(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'pending', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline('created'))
    api.add(responses.GET, WORKFLOWS, json=page())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'running'), token='t2'))
    api.add(responses.GET, WORKFLOWS + '?page-token=t2', json=page(workflow('test', 'running'), workflow('lint', 'success')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), token='t3'))
    api.add(responses.GET, WORKFLOWS + '?page-token=t3', json=page(workflow('test', 'success'), workflow('lint', 'success')))
    add_jobs(api, ('build', [job('build', 'success', 101)]), ('test', [job('test', 'success', 102)]),
             ('lint', [job('lint', 'success', 103)]))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True
    assert [w['name'] for w in result['workflows']] == ['build', 'test', 'lint']
    assert all(w['status'] == 'success' for w in result['workflows'])
    assert result['workflows'][0]['jobs'] == [{'id': 'job-build', 'name': 'build', 'type': 'build', 'status': 'success',
                                               'job_number': 101, 'started_at': None, 'stopped_at': None,
                                               'approval_request_id': None}]
    assert result['workflows'][1]['url'] == WEB + '/pipelines/github/acme/app/43/workflows/wf-test'
    assert result['timed_out'] is False and result['on_hold'] == []
    assert result['waited_seconds'] == 20.0
    assert fake_time['sleeps'] == [5.0, 5.0, 5.0, 5.0]
    # The pipeline is read again while it has no workflow (at 10 s).
    assert [p.split('/')[-1].split('?')[0] for m, p in sent(api)] == [
        'run', PID, 'workflow', PID, 'workflow', 'workflow', 'workflow', 'workflow', 'job', 'job', 'job']
    assert [(h['what'], h['name'], h['status']) for h in result['history']] == [
        ('pipeline', None, 'pending'), ('pipeline', None, 'created'), ('workflow', 'build', 'running'),
        ('workflow', 'test', 'running'), ('workflow', 'lint', 'success'), ('workflow', 'build', 'success'),
        ('workflow', 'test', 'success')]
    assert result['pipeline']['state'] == 'created' and result['pipeline']['revision'] == 'abc123'
    assert result['msg'] == 'Pipeline 43 of github/acme/app: every workflow succeeded (build, test, lint)'


def test_one_red_workflow_of_three_fails_the_task_naming_it_with_its_url(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed'),
                                                workflow('deploy', 'success')))
    add_jobs(api, ('build', [job('build', 'success', 1)]),
             ('test', [job('unit', 'success', 2), job('integration', 'failed', 3)]),
             ('deploy', [job('deploy', 'success', 4)]))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['msg'] == (
        'Pipeline 43 of github/acme/app: 1 of 3 workflows did not succeed (expected success): test failed, '
        'failed jobs: integration (%s/pipelines/github/acme/app/43/workflows/wf-test)' % WEB)
    assert [w['status'] for w in result['workflows']] == ['success', 'failed', 'success']
    assert result['changed'] is True


def test_custom_success_statuses(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('nightly', 'not_run')))
    add_jobs(api, ('build', []), ('nightly', []))
    result = run_module(circleci_pipeline, args(wait=True, success_statuses=['success', 'not_run']))
    assert 'failed' not in result


def test_an_errored_pipeline_fails_with_its_errors(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'setup-pending', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline('errored', errors=[
        {'type': 'config', 'message': 'Unexpected argument(s): deploy_env'}]))
    result = run_module(circleci_pipeline, args(branch='main', parameters={'deploy_env': 'x'}, wait=True))
    assert result['failed'] is True
    assert result['msg'] == ('Pipeline 43 of github/acme/app errored, so no workflow ran: Unexpected argument(s): '
                             'deploy_env (%s/pipelines/github/acme/app/43)' % WEB)
    assert result['pipeline']['state'] == 'errored'
    assert result['workflows'] == []


def test_an_errored_pipeline_whose_errors_have_no_message_says_what_it_knows(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'setup-pending', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline('errored', errors=[{'type': 'config'}, {}]))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['msg'] == ('Pipeline 43 of github/acme/app errored, so no workflow ran: a config error, without a '
                             'message; an error CircleCI did not describe (%s/pipelines/github/acme/app/43)' % WEB)
    assert result['pipeline']['errors'] == [{'type': 'config', 'message': None}, {'type': None, 'message': None}]


def test_a_created_pipeline_that_turns_errored_once_compiled_fails_with_its_errors(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page())
    api.add(responses.GET, PIPELINE, json=pipeline('errored', errors=[
        {'type': 'config', 'message': 'Unexpected argument(s): nope'}]))
    result = run_module(circleci_pipeline, args(branch='main', parameters={'nope': 1}, wait=True))
    assert result['failed'] is True
    assert 'errored, so no workflow ran: Unexpected argument(s): nope' in result['msg']
    assert result['waited_seconds'] == 5.0
    assert len(api.calls) == 3


def test_no_workflow_within_the_grace_period_fails_never_succeeds(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page())
    api.add(responses.GET, PIPELINE, json=pipeline('created', vcs={'branch': 'feature/x', 'revision': 'abc'}))
    result = run_module(circleci_pipeline, args(branch='feature/x', wait=True, first_workflow_timeout=20))
    assert result['failed'] is True
    assert 'no workflow ran for this pipeline within 20s of its creation' in result['msg']
    assert 'match branch feature/x' in result['msg']
    assert result['waited_seconds'] == 20.0
    # Polls at 5, 10, 15 and 20 s, each reading the (empty) workflows and the pipeline's state.
    assert len(api.calls) == 1 + 4 * 2


def test_first_workflow_timeout_is_60_seconds_by_default(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page())
    api.add(responses.GET, PIPELINE, json=pipeline('created'))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['msg'] == ('Pipeline 43 of github/acme/app: no workflow ran for this pipeline within 60s of its '
                             'creation (do the workflow filters of the configuration match branch main?): '
                             '%s/pipelines/github/acme/app/43' % WEB)
    assert result['waited_seconds'] == 60.0 and result['timed_out'] is False
    # Twelve polls of 5 s, each reading the (empty) workflows and the pipeline's state.
    assert len(api.calls) == 1 + 12 * 2


def test_429_while_polling_is_retried_and_the_wait_goes_on(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'running')))
    api.add(responses.GET, WORKFLOWS, status=429, json={'message': 'Rate limit exceeded'}, headers={'Retry-After': '0'})
    api.add(responses.GET, WORKFLOWS, status=429, json={'message': 'Rate limit exceeded'}, headers={'Retry-After': '0'})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    add_jobs(api, ('build', [job('build', 'success', 1)]))
    # retries=0: the client gives up at once, the wait loop slows down and keeps going.
    result = run_module(circleci_pipeline, args(wait=True))
    assert 'failed' not in result, result['msg']
    assert fake_time['sleeps'] == [5.0, 5.0, 10.0, 20.0]
    # retries=1: the client honours Retry-After and retries by itself.
    api.add(responses.GET, WORKFLOWS, status=429, json={'message': 'Rate limit exceeded'}, headers={'Retry-After': '0'})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    calls = len(api.calls)
    result = run_module(circleci_pipeline, args(wait=True, retries=1))
    assert 'failed' not in result, result['msg']
    # The trigger, the 429 and its retry, the pipeline, the jobs.
    assert [(c.request.url.split('/')[-1], c.response.status_code) for c in api.calls[calls:]] == [
        ('run', 201), ('workflow', 429), ('workflow', 200), (PID, 200), ('job', 200)]


def poll_failed(entry):
    return entry['what'] == 'poll' and entry['status'] == 'failed'


HTML_200 = dict(status=200, content_type='text/html', body='<html><title>Maintenance</title><p>Back soon</p></html>')
ERROR_500 = dict(status=500, json={'message': 'Internal Server Error'})


def test_one_failed_poll_does_not_end_the_wait(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'running')))
    api.add(responses.GET, WORKFLOWS, **ERROR_500)
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('build', [job('build', 'success', 1)]))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert 'failed' not in result, result['msg']
    assert result['msg'] == 'Pipeline 43 of github/acme/app: every workflow succeeded (build)'
    assert [w['status'] for w in result['workflows']] == ['success']
    assert result['waited_seconds'] == 15.0 and fake_time['sleeps'] == [5.0, 5.0, 5.0]
    assert [(h['seconds'], h['what'], h['status']) for h in result['history']] == [
        (0.0, 'pipeline', 'created'), (5.0, 'workflow', 'running'), (10.0, 'poll', 'failed'),
        (15.0, 'workflow', 'success')]
    failed = result['history'][2]
    assert failed == {'time': '2026-11-27T10:00:10Z', 'seconds': 10.0, 'what': 'poll', 'name': None, 'id': PID,
                      'status': 'failed', 'error': 'CircleCI answered 500 Internal Server Error for GET '
                                                   '/api/v2/pipeline/%s/workflow: a CircleCI server error; try again '
                                                   'later' % PID}


def test_an_html_page_instead_of_json_is_a_failed_poll_too(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, **HTML_200)
    api.add(responses.GET, WORKFLOWS, **HTML_200)
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('build', []))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert 'failed' not in result, result['msg']
    assert [h['seconds'] for h in result['history'] if poll_failed(h)] == [5.0, 10.0]
    assert result['history'][1]['error'].startswith(
        'CircleCI answered 200 for GET /api/v2/pipeline/%s/workflow with a body that is not JSON' % PID)


@pytest.mark.parametrize('answers, last', [
    ([ERROR_500] * 3, 'CircleCI answered 500 Internal Server Error for GET /api/v2/pipeline/%s/workflow: a CircleCI '
                      'server error; try again later' % PID),
    ([ERROR_500, ERROR_500, HTML_200], 'CircleCI answered 200 for GET /api/v2/pipeline/%s/workflow with a body that '
                                       'is not JSON: <html><title>Maintenance</title><p>Back soon</p></html>' % PID),
])
def test_three_failed_polls_in_a_row_end_the_wait_naming_the_last_error(api, run_module, fake_time, answers, last):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'running')))
    for answer in answers:
        api.add(responses.GET, WORKFLOWS, **answer)
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True and result['timed_out'] is False
    assert result['msg'] == ('Gave up waiting for pipeline 43 of github/acme/app after 3 failed reads in a row (20s '
                             'into the wait); the last: %s: %s/pipelines/github/acme/app/43' % (last, WEB))
    assert result['status'] == answers[-1]['status']
    assert result['request'] == 'GET /api/v2/pipeline/%s/workflow' % PID
    assert [h['seconds'] for h in result['history'] if poll_failed(h)] == [10.0, 15.0, 20.0]
    assert result['workflows'][0]['status'] == 'running'
    # The trigger, one good poll, three failed ones; no POST but the trigger.
    assert [m for m, p in sent(api)] == ['POST'] + ['GET'] * 4


def test_failed_polls_that_are_not_in_a_row_do_not_add_up(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    for answer in (ERROR_500, ERROR_500, dict(json=page(workflow('build', 'running'))), ERROR_500, ERROR_500,
                   dict(json=page(workflow('build', 'success')))):
        api.add(responses.GET, WORKFLOWS, **answer)
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('build', []))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert 'failed' not in result, result['msg']
    assert len([h for h in result['history'] if poll_failed(h)]) == 4


def test_an_answer_that_waiting_does_not_change_ends_the_wait_at_once(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, status=404, json={'message': 'Pipeline not found'})
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Pipeline not found for GET /api/v2/pipeline/%s/workflow'
                                    % PID)
    assert len(api.calls) == 2


def test_a_read_after_the_wait_that_fails_once_is_tried_again(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success')))
    api.add(responses.GET, PIPELINE, **ERROR_500)
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('build', [job('build', 'success', 1)]))
    result = run_module(circleci_pipeline, args(branch='main', wait=True))
    assert 'failed' not in result, result['msg']
    assert result['pipeline']['revision'] == 'abc123'
    assert result['workflows'][0]['jobs'][0]['name'] == 'build'
    assert [h['error'].split(' for ')[1] for h in result['history'] if poll_failed(h)] == [
        'GET /api/v2/pipeline/%s: a CircleCI server error; try again later' % PID]
    assert fake_time['sleeps'] == [5.0, 5.0]


def test_a_timeout_while_reads_fail_says_so(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'running')))
    api.add(responses.GET, WORKFLOWS, **ERROR_500)
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('build', []))
    result = run_module(circleci_pipeline, args(branch='main', wait=True, wait_timeout=8))
    assert result['failed'] is True and result['timed_out'] is True
    assert result['msg'] == (
        'Timed out after 8s waiting for pipeline 43 of github/acme/app (state created; unfinished: build running '
        '(%(web)s/pipelines/github/acme/app/43/workflows/wf-build)); the workflows keep running (set '
        'cancel_on_timeout to cancel them); the last read failed: CircleCI answered 500 Internal Server Error for '
        'GET /api/v2/pipeline/%(pid)s/workflow: a CircleCI server error; try again later: '
        '%(web)s/pipelines/github/acme/app/43' % {'web': WEB, 'pid': PID})


def test_wait_timeout_is_1800_seconds_by_default(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, WORKFLOWS, json=page(workflow('deploy', 'running')))
    api.add(responses.GET, PIPELINE, json=pipeline())
    add_jobs(api, ('deploy', []))
    result = run_module(circleci_pipeline, args(wait=True))
    assert result['failed'] is True and result['timed_out'] is True
    assert result['waited_seconds'] == 1800.0
    assert result['msg'].startswith('Timed out after 1800s waiting for pipeline 43 of github/acme/app')


def test_timeout_fails_and_leaves_the_workflows_running(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'running')))
    add_jobs(api, ('build', []), ('deploy', []))
    result = run_module(circleci_pipeline, args(wait=True, wait_timeout=12))
    assert result['failed'] is True and result['timed_out'] is True
    assert result['msg'].startswith('Timed out after 12s waiting for pipeline 43 of github/acme/app (state created; '
                                    'unfinished: deploy running (%s' % WEB)
    assert 'the workflows keep running (set cancel_on_timeout to cancel them)' in result['msg']
    assert result['msg'] == (
        'Timed out after 12s waiting for pipeline 43 of github/acme/app (state created; unfinished: deploy running '
        '(%(web)s/pipelines/github/acme/app/43/workflows/wf-deploy)); the workflows keep running (set '
        'cancel_on_timeout to cancel them): %(web)s/pipelines/github/acme/app/43' % {'web': WEB})
    assert not [c for c in api.calls if c.request.method == 'POST' and 'cancel' in c.request.url]


def test_timeout_with_cancel_on_timeout_cancels_the_unfinished_workflows(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'running'),
                                                workflow('deploy', 'on_hold')))
    add_jobs(api, ('build', []), ('test', []), ('deploy', []))
    api.add(responses.POST, V2 + '/workflow/wf-test/cancel', status=202, json={'message': 'Accepted.'})
    api.add(responses.POST, V2 + '/workflow/wf-deploy/cancel', status=202, json={'message': 'Accepted.'})
    result = run_module(circleci_pipeline, args(wait=True, wait_timeout=10, cancel_on_timeout=True))
    assert result['failed'] is True
    assert 'canceled test, deploy (cancel_on_timeout=true)' in result['msg']
    assert result['msg'] == (
        'Timed out after 10s waiting for pipeline 43 of github/acme/app (state created; unfinished: test running '
        '(%(wf)s/wf-test), deploy on_hold (%(wf)s/wf-deploy)); canceled test, deploy (cancel_on_timeout=true): '
        '%(web)s/pipelines/github/acme/app/43' % {'web': WEB, 'wf': WEB + '/pipelines/github/acme/app/43/workflows'})
    assert result['canceled'] == [{'name': 'test', 'id': 'wf-test'}, {'name': 'deploy', 'id': 'wf-deploy'}]
    posts = [p for m, p in sent(api) if m == 'POST']
    assert posts == ['/project/gh/acme/app/pipeline/run', '/workflow/wf-test/cancel', '/workflow/wf-deploy/cancel']


def test_stop_on_hold_returns_the_workflows_waiting_for_approval(api, run_module, fake_time):
    api.add(responses.POST, RUN, status=201, json={'id': PID, 'state': 'created', 'number': 43})
    api.add(responses.GET, PIPELINE, json=pipeline())  # read once after the wait, for its revision
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'on_hold')))
    add_jobs(api, ('build', [job('build', 'success', 1)]),
             ('deploy', [job('hold-for-prod', 'on_hold', kind='approval', approval_request_id='req-1')]))
    result = run_module(circleci_pipeline, args(wait=True, stop_on_hold=True))
    assert 'failed' not in result
    assert result['on_hold'] == ['deploy']
    assert result['msg'] == 'Pipeline 43 of github/acme/app waits for an approval in deploy'
    assert result['waited_seconds'] == 5.0


# -- approve ------------------------------------------------------------------------------

def hold_pipeline(api, hold_status='on_hold', wf_status='on_hold'):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', wf_status)))
    add_jobs(api, ('build', [job('build', 'success', 11)]),
             ('deploy', [job('hold-for-prod', hold_status, kind='approval', approval_request_id='req-1'),
                         job('deploy', 'blocked')]))


def test_approve_posts_the_pending_approval(api, run_module):
    hold_pipeline(api)
    api.add(responses.POST, V2 + '/workflow/wf-deploy/approve/req-1', status=202, json={'message': 'Accepted.'})
    result = run_module(circleci_pipeline, args(state='approved', pipeline_id=PID, approval_job='hold-for-prod'), diff=True)
    assert result['changed'] is True
    assert result['approved'] == [{'workflow': 'deploy', 'workflow_id': 'wf-deploy', 'job': 'hold-for-prod'}]
    assert sent(api) == [('GET', '/pipeline/' + PID), ('GET', '/pipeline/%s/workflow' % PID),
                         ('GET', '/workflow/wf-build/job'), ('GET', '/workflow/wf-deploy/job'),
                         ('POST', '/workflow/wf-deploy/approve/req-1')]
    assert result['diff'] == {'before': {'deploy/hold-for-prod': 'on_hold'}, 'after': {'deploy/hold-for-prod': 'success'}}
    assert result['msg'] == 'Approved hold-for-prod of workflow deploy in pipeline 43 of github/acme/app'


def test_approve_by_pipeline_id_alone_names_the_pipelines_project(api, run_module):
    hold_pipeline(api, hold_status='success', wf_status='running')
    result = run_module(circleci_pipeline, dict(state='approved', pipeline_id=PID, approval_job='hold-for-prod'))
    assert result['changed'] is False and result['project'] == 'github/acme/app'
    assert result['msg'] == 'hold-for-prod of pipeline 43 of github/acme/app is already approved'


def test_approve_again_is_not_a_change_and_sends_no_post(api, run_module):
    hold_pipeline(api, hold_status='success', wf_status='running')
    result = run_module(circleci_pipeline, args(state='approved', pipeline_id=PID, approval_job='hold-for-prod'))
    assert result['changed'] is False
    assert not [m for m, p in sent(api) if m == 'POST']
    assert result['msg'] == 'hold-for-prod of pipeline 43 of github/acme/app is already approved'


def test_approve_in_check_mode_sends_no_post(api, run_module):
    hold_pipeline(api)
    result = run_module(circleci_pipeline, args(state='approved', pipeline_id=PID, approval_job='hold-for-prod',
                                                wait=True), check_mode=True)
    assert result['changed'] is True
    assert result['msg'] == 'Would approve deploy in pipeline 43 of github/acme/app'
    assert not [m for m, p in sent(api) if m == 'POST']


def test_approve_an_unknown_job_names_the_approval_jobs_there_are(api, run_module):
    hold_pipeline(api)
    result = run_module(circleci_pipeline, args(state='approved', pipeline_id=PID, approval_job='hold-for-qa'))
    assert result['failed'] is True
    assert result['msg'] == ('Pipeline 43 of github/acme/app has no approval job named hold-for-qa '
                             '(its approval jobs: hold-for-prod)')


def test_approve_a_blocked_job_says_to_wait_for_the_hold(api, run_module):
    hold_pipeline(api, hold_status='blocked', wf_status='running')
    result = run_module(circleci_pipeline, args(state='approved', pipeline_id=PID, approval_job='hold-for-prod'))
    assert result['failed'] is True
    assert 'Nothing to approve in pipeline 43 of github/acme/app: hold-for-prod in workflow deploy is blocked' in result['msg']
    assert 'stop_on_hold' in result['msg']


def test_approve_by_number_then_wait(api, run_module, fake_time):
    api.add(responses.GET, V2 + '/project/github/acme/app/pipeline/43', json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'on_hold')))
    add_jobs(api, ('build', [job('build', 'success', 11)]),
             ('deploy', [job('hold-for-prod', 'on_hold', kind='approval', approval_request_id='req-1')]))
    api.add(responses.POST, V2 + '/workflow/wf-deploy/approve/req-1', status=202, json={'message': 'Accepted.'})
    # Right after the approval CircleCI may still list the workflow on hold: that is not a new hold.
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'on_hold')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'running')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('deploy', 'success')))
    add_jobs(api, ('build', [job('build', 'success', 11)]),
             ('deploy', [job('hold-for-prod', 'success', kind='approval'), job('deploy', 'success', 12)]))
    result = run_module(circleci_pipeline, args(state='approved', pipeline_number=43, approval_job='hold-for-prod',
                                                wait=True, stop_on_hold=True))
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True
    assert [w['status'] for w in result['workflows']] == ['success', 'success']
    assert result['waited_seconds'] == 15.0


def test_a_pipeline_of_another_project_is_refused(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline(project_slug='gh/acme/other'))
    result = run_module(circleci_pipeline, args(state='canceled', pipeline_id=PID))
    assert result['failed'] is True
    assert result['msg'] == ('Pipeline %s belongs to github/acme/other, not to github/acme/app: check pipeline_id '
                             'and the project' % PID)
    assert len(api.calls) == 1


def test_an_unknown_pipeline_id_says_so(api, run_module):
    api.add(responses.GET, PIPELINE, status=404, json={'message': 'Pipeline not found'})
    result = run_module(circleci_pipeline, dict(state='canceled', pipeline_id=PID))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 404 Pipeline not found for GET /api/v2/pipeline/%s: check pipeline_id: '
                             'CircleCI has no such pipeline, or the token cannot see it' % PID)


# -- rerun ----------------------------------------------------------------------------------

def test_rerun_reruns_each_failed_workflow_from_failed(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed'),
                                                workflow('e2e', 'failed')))
    api.add(responses.POST, V2 + '/workflow/wf-test/rerun', status=202, json={'workflow_id': 'new-test'})
    api.add(responses.POST, V2 + '/workflow/wf-e2e/rerun', status=202, json={'workflow_id': 'new-e2e'})
    result = run_module(circleci_pipeline, dict(state='rerun', pipeline_id=PID), diff=True)
    assert result['changed'] is True
    assert result['rerun'] == [{'name': 'test', 'workflow_id': 'wf-test', 'new_workflow_id': 'new-test'},
                               {'name': 'e2e', 'workflow_id': 'wf-e2e', 'new_workflow_id': 'new-e2e'}]
    assert [body(c) for c in api.calls if c.request.method == 'POST'] == [{'from_failed': True}] * 2
    assert result['diff']['after'] == {'build': 'success', 'test': 'queued', 'e2e': 'queued'}
    assert result['project'] == 'github/acme/app'


def test_rerun_from_the_start(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'failed')))
    api.add(responses.POST, V2 + '/workflow/wf-test/rerun', status=202, json={'workflow_id': 'new-test'})
    run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID, from_failed=False))
    assert body(api.calls[-1]) == {}


def test_rerun_when_nothing_failed_changes_nothing(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'),
                                                workflow('test', 'failed', wid='old', created='2026-11-27T10:00:00Z'),
                                                workflow('test', 'success', wid='rerun', created='2026-11-27T10:09:00Z')))
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID))
    assert result['changed'] is False
    assert result['msg'] == 'No workflow of pipeline 43 of github/acme/app failed: nothing to rerun'
    assert [w['id'] for w in result['workflows']] == ['wf-build', 'rerun']
    assert not [m for m, p in sent(api) if m == 'POST']


def test_rerun_check_mode_and_failing_workflows(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'failed')))
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID), check_mode=True)
    assert result['changed'] is True and result['rerun'][0]['new_workflow_id'] is None
    assert not [m for m, p in sent(api) if m == 'POST']
    api.replace(responses.GET, WORKFLOWS, json=page(workflow('test', 'failed'), workflow('e2e', 'failing')))
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID))
    assert result['failed'] is True
    assert 'Cannot rerun pipeline 43 of github/acme/app yet: e2e still running with a failed job' in result['msg']
    assert not [m for m, p in sent(api) if m == 'POST']


def test_rerun_and_wait_follows_the_new_workflow(api, run_module, fake_time):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed')))
    api.add(responses.POST, V2 + '/workflow/wf-test/rerun', status=202, json={'workflow_id': 'new-test'})
    # The new run is not listed at the first poll, then runs, then succeeds.
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed'),
                                                workflow('test', 'running', wid='new-test')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed'),
                                                workflow('test', 'success', wid='new-test')))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=page())
    api.add(responses.GET, V2 + '/workflow/new-test/job', json=page(job('test', 'success', 30)))
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID, wait=True))
    assert 'failed' not in result, result['msg']
    assert [(w['id'], w['status']) for w in result['workflows']] == [('wf-build', 'success'), ('new-test', 'success')]
    assert result['waited_seconds'] == 15.0


def test_a_rerun_answered_without_workflow_id_follows_the_newest_run_of_that_name(api, run_module, fake_time):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed')))
    # As recorded in 2020: accepted, without the new workflow's id.
    api.add(responses.POST, V2 + '/workflow/wf-test/rerun', status=202, json={'message': 'Accepted.'})
    # The new run is not listed at the first poll (the failed run is still the newest), then runs, then succeeds.
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'queued', wid='new-test', created='2026-11-27T10:09:00Z'),
                                                workflow('build', 'success'), workflow('test', 'failed')))
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'success', wid='new-test', created='2026-11-27T10:09:00Z'),
                                                workflow('build', 'success'), workflow('test', 'failed')))
    api.add(responses.GET, V2 + '/workflow/new-test/job', json=page(job('test', 'success', 30)))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=page())
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID, wait=True))
    assert 'failed' not in result, result['msg']
    assert result['rerun'] == [{'name': 'test', 'workflow_id': 'wf-test', 'new_workflow_id': 'new-test'}]
    assert [(w['id'], w['status']) for w in result['workflows']] == [('new-test', 'success'), ('wf-build', 'success')]
    assert result['waited_seconds'] == 15.0
    assert result['msg'] == 'Pipeline 43 of github/acme/app: every workflow succeeded (test, build)'
    assert [p for m, p in sent(api) if m == 'POST'] == ['/workflow/wf-test/rerun']


def test_a_rerun_answered_without_workflow_id_and_no_wait_names_no_new_run(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'failed')))
    api.add(responses.POST, V2 + '/workflow/wf-test/rerun', status=202, json={'message': 'Accepted.'})
    result = run_module(circleci_pipeline, args(state='rerun', pipeline_id=PID))
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True
    assert result['rerun'] == [{'name': 'test', 'workflow_id': 'wf-test', 'new_workflow_id': None}]
    assert result['msg'] == 'Reran test of pipeline 43 of github/acme/app from failed'


# -- cancel ----------------------------------------------------------------------------------

def test_cancel_cancels_every_unfinished_workflow(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'running'),
                                                workflow('deploy', 'on_hold')))
    api.add(responses.POST, V2 + '/workflow/wf-test/cancel', status=202, json={'message': 'Accepted.'})
    api.add(responses.POST, V2 + '/workflow/wf-deploy/cancel', status=202, json={'message': 'Accepted.'})
    result = run_module(circleci_pipeline, args(state='canceled', pipeline_id=PID), diff=True)
    assert result['changed'] is True
    assert result['canceled'] == [{'name': 'test', 'id': 'wf-test'}, {'name': 'deploy', 'id': 'wf-deploy'}]
    assert result['diff'] == {'before': {'build': 'success', 'test': 'running', 'deploy': 'on_hold'},
                              'after': {'build': 'success', 'test': 'canceled', 'deploy': 'canceled'}}
    assert result['msg'] == 'Canceled test, deploy of pipeline 43 of github/acme/app'


def test_cancel_when_all_finished_sends_no_post(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('build', 'success'), workflow('test', 'failed')))
    result = run_module(circleci_pipeline, dict(state='canceled', pipeline_id=PID))
    assert result['changed'] is False and result['canceled'] == []
    assert [m for m, p in sent(api)] == ['GET', 'GET']
    assert result['project'] == 'github/acme/app'


def test_cancel_in_check_mode_predicts_without_post(api, run_module):
    api.add(responses.GET, PIPELINE, json=pipeline())
    api.add(responses.GET, WORKFLOWS, json=page(workflow('test', 'running')))
    result = run_module(circleci_pipeline, args(state='canceled', pipeline_id=PID), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == {'test': 'canceled'}
    assert result['msg'] == 'Would cancel test of pipeline 43 of github/acme/app'
    assert [m for m, p in sent(api)] == ['GET', 'GET']
