# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import logging
import re
import threading
import time

from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from responses import matchers

from ansible.errors import AnsibleError

from ansible_collections.ciops.circleci.plugins.lookup.circleci_artifacts import plan_jobs, select

from .conftest import API, TOKEN

APP = API + '/project/github/acme/app'
LIB = API + '/project/bitbucket/acme/lib'
TARBALL = 'home/circleci/project/dist/app-1.0.0.tar.gz'
JUNIT = 'home/circleci/project/reports/junit.xml'


def artifacts(build_num, paths=(TARBALL, JUNIT), slug='github/acme/app'):
    return [{'path': p, 'pretty_path': '$CIRCLE_ARTIFACTS/' + p.split('/', 3)[-1], 'node_index': 0,
             'url': 'https://%d-42-gh.circle-artifacts.com/0/%s/%s' % (build_num, slug, p)} for p in paths]


def tagged(items, build_num, project='github/acme/app'):
    return [dict(a, project=project, build_num=build_num) for a in items]


# ------------------------------------------------------------------ by build number
def test_one_build_number(api, run_lookup):
    api.add(responses.GET, APP + '/42/artifacts', json=artifacts(42), match=[matchers.query_param_matcher({})])
    result = run_lookup('circleci_artifacts', ['acme/app'], build_num=42)
    assert result == tagged(artifacts(42), 42)
    assert api.calls[0].request.headers['Circle-Token'] == TOKEN
    assert TOKEN not in api.calls[0].request.url


@pytest.mark.parametrize('value', ['42', [42], ['42']])
def test_build_number_as_string_or_list(api, run_lookup, value):
    api.add(responses.GET, APP + '/42/artifacts', json=artifacts(42))
    assert len(run_lookup('circleci_artifacts', ['acme/app'], build_num=value)) == 2


def test_pattern_and_url_output(api, run_lookup):
    api.add(responses.GET, APP + '/7/artifacts', json=artifacts(7, (TARBALL, JUNIT, 'home/circleci/project/logs/build.log')))
    result = run_lookup('circleci_artifacts', ['acme/app'], build_num=7, pattern='*.tar.gz', output='url')
    assert result == ['https://7-42-gh.circle-artifacts.com/0/github/acme/app/' + TARBALL]


def test_pattern_matching_nothing_is_an_empty_list(api, run_lookup):
    api.add(responses.GET, APP + '/7/artifacts', json=artifacts(7))
    assert run_lookup('circleci_artifacts', ['acme/app'], build_num=7, pattern='*.whl') == []


def test_select_is_a_case_sensitive_glob_on_path():
    items = artifacts(1, (TARBALL, JUNIT, 'home/circleci/project/REPORTS/X.XML'))
    assert [a['path'] for a in select(items, '*/reports/*.xml')] == [JUNIT]
    assert [a['path'] for a in select(items, '*.[tx]*')] == [TARBALL, JUNIT]
    assert select(items, None, 'url') == [a['url'] for a in items]


def test_unknown_build_is_a_clear_error(api, run_lookup):
    api.add(responses.GET, APP + '/999/artifacts', status=404, json={'message': 'Build not found'})
    # The same words as the modules': the build is named first.
    with pytest.raises(AnsibleError, match='^Build 999 not found in github/acme/app: CircleCI answered 404 Build not found for '
                                           'GET /project/github/acme/app/999/artifacts'):
        run_lookup('circleci_artifacts', ['acme/app'], build_num=999)


def test_bad_token_is_a_clear_error(api, run_lookup):
    api.add(responses.GET, APP + '/1/artifacts', status=401, json={'message': 'You must log in first.'})
    with pytest.raises(AnsibleError, match='answered 401 You must log in first. for GET /project/github/acme/app/1/artifacts') as err:
        run_lookup('circleci_artifacts', ['acme/app'], build_num=1, api_token='wrong-token-123')
    assert 'answered 401 You must log in first. for GET /project/github/acme/app/1/artifacts: check api_token' in str(err.value)
    assert 'wrong-token-123' not in str(err.value)


def test_empty_list_of_builds_reads_nothing(api, run_lookup):
    assert run_lookup('circleci_artifacts', ['acme/app'], build_num=[]) == []
    assert len(api.calls) == 0


# ------------------------------------------------------------------ latest
def test_latest_defaults_to_successful_builds(api, run_lookup):
    api.add(responses.GET, APP + '/latest/artifacts', json=artifacts(6),
            match=[matchers.query_param_matcher({'filter': 'successful'})])
    assert run_lookup('circleci_artifacts', ['acme/app'], latest=True) == tagged(artifacts(6), None)


def test_latest_sends_branch_and_filter(api, run_lookup):
    api.add(responses.GET, APP + '/latest/artifacts', json=artifacts(2),
            match=[matchers.query_param_matcher({'filter': 'failed', 'branch': 'feature/login'})])
    assert len(run_lookup('circleci_artifacts', ['acme/app'], latest=True, branch='feature/login', filter='failed')) == 2


def test_latest_build_without_artifacts_is_an_empty_list(api, run_lookup):
    api.add(responses.GET, APP + '/latest/artifacts', json=[])
    assert run_lookup('circleci_artifacts', ['acme/app'], latest=True, branch='docs') == []


def test_latest_with_no_matching_build_is_an_empty_list(api, run_lookup):
    api.add(responses.GET, APP + '/latest/artifacts', status=404, json={'message': 'Build not found'})
    assert run_lookup('circleci_artifacts', ['acme/app'], latest=True, branch='nope') == []


def test_latest_of_an_unknown_project_is_an_error_not_an_empty_list(api, run_lookup):
    api.add(responses.GET, API + '/project/github/acme/nope/latest/artifacts', status=404,
            json={'message': 'Project not found'})
    with pytest.raises(AnsibleError, match='404 Project not found for GET /project/github/acme/nope/latest/artifacts'):
        run_lookup('circleci_artifacts', ['acme/nope'], latest=True)


# ------------------------------------------------------------------ several builds
def slow_artifacts(delays, log):
    """A responses callback: sleeps per build, records in-flight counts; answers that build's artifacts."""
    lock = threading.Lock()
    state = {'in_flight': 0}

    def callback(request):
        parts = urlsplit(request.url)
        match = re.search(r'/project/(\w+)/acme/(\w+)/(\d+)/artifacts$', parts.path)
        vcs, repo, num = match.group(1), match.group(2), int(match.group(3))
        with lock:
            state['in_flight'] += 1
            log.append(state['in_flight'])
        time.sleep(delays.get(num, 0.05))
        with lock:
            state['in_flight'] -= 1
        return 200, {'Content-Type': 'application/json'}, json.dumps(artifacts(num, (TARBALL,), '%s/acme/%s' % (vcs, repo)))

    return callback


def test_several_builds_are_read_concurrently_in_input_order(api, run_lookup):
    in_flight = []
    # The first build answers last: the result must still follow the input order.
    api.add_callback(responses.GET, re.compile(re.escape(APP) + r'/\d+/artifacts'),
                     callback=slow_artifacts({5: 0.6, 3: 0.45, 9: 0.3}, in_flight))
    result = run_lookup('circleci_artifacts', ['acme/app'], build_num=[5, 3, 9, 5], output='url')
    assert [u.split('/')[2].split('-')[0] for u in result] == ['5', '3', '9']
    assert len(api.calls) == 3  # 5 is read once
    assert max(in_flight) == 3


def test_workers_1_reads_one_build_at_a_time(api, run_lookup):
    in_flight = []
    api.add_callback(responses.GET, re.compile(re.escape(APP) + r'/\d+/artifacts'),
                     callback=slow_artifacts({}, in_flight))
    result = run_lookup('circleci_artifacts', ['acme/app'], build_num=[1, 2, 3, 4], workers=1)
    assert [a['build_num'] for a in result] == [1, 2, 3, 4]
    assert max(in_flight) == 1


def test_workers_bound_the_concurrency(api, run_lookup):
    in_flight = []
    api.add_callback(responses.GET, re.compile(re.escape(APP) + r'/\d+/artifacts'),
                     callback=slow_artifacts({}, in_flight))
    run_lookup('circleci_artifacts', ['acme/app'], build_num=list(range(1, 13)), workers=3)
    assert len(api.calls) == 12
    assert max(in_flight) == 3


def test_several_projects_times_several_builds(api, run_lookup):
    in_flight = []
    for base in (APP, LIB):
        api.add_callback(responses.GET, re.compile(re.escape(base) + r'/\d+/artifacts'),
                         callback=slow_artifacts({}, in_flight))
    result = run_lookup('circleci_artifacts', ['acme/app', 'bitbucket/acme/lib'], build_num=[2, 1])
    assert [(a['project'], a['build_num']) for a in result] == [
        ('github/acme/app', 2), ('github/acme/app', 1), ('bitbucket/acme/lib', 2), ('bitbucket/acme/lib', 1)]


def test_one_failing_build_fails_the_lookup(api, run_lookup):
    api.add(responses.GET, APP + '/1/artifacts', json=artifacts(1))
    api.add(responses.GET, APP + '/2/artifacts', status=404, json={'message': 'Build not found'})
    with pytest.raises(AnsibleError, match='404 Build not found for GET /project/github/acme/app/2/artifacts'):
        run_lookup('circleci_artifacts', ['acme/app'], build_num=[1, 2])


def test_after_a_failure_the_queued_builds_are_not_read(api, run_lookup):
    # workers=2: builds 1 and 2 start together; 1 fails at once while 2 (and 3, which may start
    # in 1's place) take 1 s, long enough for the lookup to drop 4, 5 and 6 before a worker is free.
    in_flight = []
    slow = slow_artifacts(dict((n, 1.0) for n in range(2, 7)), in_flight)

    def answer(request):
        if request.url.endswith('/1/artifacts'):
            return 404, {'Content-Type': 'application/json'}, json.dumps({'message': 'Build not found'})
        return slow(request)
    api.add_callback(responses.GET, re.compile(re.escape(APP) + r'/\d+/artifacts'), callback=answer)
    with pytest.raises(AnsibleError, match='^Build 1 not found in github/acme/app: |404 Build not found for GET '
                                           '/project/github/acme/app/1/artifacts'):
        run_lookup('circleci_artifacts', ['acme/app'], build_num=[1, 2, 3, 4, 5, 6], workers=2)
    read = sorted(int(c.request.url.split('/')[-2]) for c in api.calls)
    assert read[:2] == [1, 2] and set(read) <= {1, 2, 3}, read
    assert max(in_flight) <= 2


def test_concurrent_reads_share_one_session_and_keep_connections_alive(run_lookup, keepalive_server):
    def route(path, query):
        num = int(path.split('/')[-2])
        return 200, artifacts(num, (TARBALL,))

    server = keepalive_server(route, delay=0.05)
    nums = list(range(1, 21))
    result = run_lookup('circleci_artifacts', ['acme/app'], build_num=nums, workers=4, api_url=server.base)
    assert [a['build_num'] for a in result] == nums
    assert len(server.requests) == 20
    assert server.max_in_flight == 4
    # One connection per worker at most, each reused for several builds.
    assert server.connections <= 4

    sequential = keepalive_server(route)
    run_lookup('circleci_artifacts', ['acme/app'], build_num=nums, workers=1, api_url=sequential.base)
    assert len(sequential.requests) == 20
    assert sequential.connections == 1


def test_more_workers_than_the_default_pool_keep_their_connections(run_lookup, keepalive_server, caplog):
    caplog.set_level(logging.WARNING, logger='urllib3')
    server = keepalive_server(lambda path, query: (200, []), delay=0.2)
    run_lookup('circleci_artifacts', ['acme/app'], build_num=list(range(1, 49)), workers=16, api_url=server.base)
    assert 10 < server.max_in_flight <= 16  # beyond requests' default pool of 10 connections
    assert server.connections <= 16
    # With requests' default pool the connections beyond 10 would be closed ("Connection pool is full").
    assert [r.getMessage() for r in caplog.records if 'pool is full' in r.getMessage()] == []


# ------------------------------------------------------------------ bad input: no request at all
@pytest.mark.parametrize('terms, options, message', [
    ([], {'build_num': 1}, 'needs at least one term'),
    (['acme/app'], {}, 'give build_num (one number or a list) or latest=true'),
    (['acme/app'], {'build_num': 1, 'latest': True}, 'give either build_num or latest=true, not both'),
    (['acme/app'], {'build_num': 1, 'branch': 'main'}, 'branch selects the newest build and needs latest=true'),
    (['acme/app'], {'build_num': 1, 'filter': 'successful'}, 'filter selects the newest build and needs latest=true'),
    (['acme/app'], {'build_num': [1, 0]}, 'build_num must be a positive integer'),
    (['acme/app'], {'build_num': 'x'}, "build_num must be a positive integer, got 'x'"),
    (['acme/app'], {'build_num': 1, 'workers': 0}, 'workers must be an integer from 1 to 32'),
    (['acme'], {'build_num': 1}, "Invalid project slug 'acme': expected username/project"),
    (['acme/app', 'gitlab/acme/app'], {'build_num': 1}, "'gitlab' is not one of gh, github, bb, bitbucket or circleci"),
])
def test_bad_input_fails_before_any_request(api, run_lookup, terms, options, message):
    with pytest.raises(AnsibleError, match=re.escape(message)):
        run_lookup('circleci_artifacts', terms, **options)
    assert len(api.calls) == 0


@pytest.mark.parametrize('options, option', [({'output': 'json'}, 'output'), ({'filter': 'green', 'latest': True}, 'filter')])
def test_choices_are_enforced(api, run_lookup, options, option):
    with pytest.raises(AnsibleError, match="^Invalid value '%s' for config '%s'" % (options[option], option)):
        run_lookup('circleci_artifacts', ['acme/app'], **options)
    assert len(api.calls) == 0


def test_plan_jobs_dedupes_and_keeps_order():
    def slugs(jobs):
        return [(project.slug, num) for project, num in jobs]
    assert slugs(plan_jobs(['acme/app', 'gh/acme/app'], 'github', [3, 1, 3])) == [
        ('github/acme/app', 3), ('github/acme/app', 1)]
    assert slugs(plan_jobs(['acme/lib'], 'bitbucket', latest=True)) == [('bitbucket/acme/lib', None)]
    assert slugs(plan_jobs(['acme/app'], 'github', '4, 5')) == [('github/acme/app', 4), ('github/acme/app', 5)]


def test_query_of_the_request_log_helper_is_exact(api, run_lookup):
    # The latest request carries exactly filter and branch: no limit, no token.
    api.add(responses.GET, APP + '/latest/artifacts', json=[])
    run_lookup('circleci_artifacts', ['acme/app'], latest=True, branch='main')
    assert dict(parse_qsl(urlsplit(api.calls[0].request.url).query)) == {'filter': 'successful', 'branch': 'main'}


# ------------------------------------------------------------------ API v2: a pipeline's jobs
V2 = API.replace('/api/v1.1', '/api/v2')
PID = '5034460f-c7c4-4c43-9457-de07e2029e7b'
WID = 'fda08377-fe7e-46b1-8992-3a7aaecac9c3'
APP_SLUG = 'circleci/9a3c1f0e-2b7d-4c55-8e11-0f6b2d9c7a41/5d7f2e8a-61b4-4f0c-9d3e-7a2b1c0e9f58'


def v2_page(items, token=None):
    return {'items': items, 'next_page_token': token}


def v2_workflow(name, slug='gh/acme/app', wid=None, created='2026-11-27T10:00:00Z'):
    return {'id': wid or 'wf-' + name, 'name': name, 'status': 'success', 'pipeline_id': PID, 'pipeline_number': 43,
            'project_slug': slug, 'created_at': created}


def v2_job(name, number, kind='build'):
    return {'id': 'job-' + name, 'name': name, 'type': kind, 'status': 'success', 'job_number': number}


def v2_artifacts(number, paths=(TARBALL, JUNIT)):
    return v2_page([{'path': p, 'node_index': 0, 'url': 'https://output.circle-artifacts.com/%d/%s' % (number, p)}
                    for p in paths])


def serve_pipeline(api, slug_path='github/acme/app'):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID,
            json=v2_page([v2_workflow('build'), v2_workflow('deploy')], token='p2'))
    api.add(responses.GET, V2 + '/pipeline/%s/workflow?page-token=p2' % PID, json=v2_page([v2_workflow('lint')]))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=v2_page([v2_job('build', 11), v2_job('test', 12)]))
    api.add(responses.GET, V2 + '/workflow/wf-deploy/job',
            json=v2_page([v2_job('hold-for-prod', None, 'approval'), v2_job('deploy', 13)]))
    api.add(responses.GET, V2 + '/workflow/wf-lint/job', json=v2_page([v2_job('lint', 14)]))
    for number, paths in ((11, (TARBALL,)), (12, (JUNIT,)), (13, ()), (14, ('home/circleci/project/lint.txt',))):
        api.add(responses.GET, V2 + '/project/%s/%d/artifacts' % (slug_path, number), json=v2_artifacts(number, paths))


def test_a_pipelines_artifacts_through_its_workflows_and_jobs(api, run_lookup):
    serve_pipeline(api)
    result = run_lookup('circleci_artifacts', [], pipeline_id=PID)
    assert [(a['workflow'], a['job'], a['path']) for a in result] == [
        ('build', 'build', TARBALL), ('build', 'test', JUNIT), ('lint', 'lint', 'home/circleci/project/lint.txt')]
    assert result[0] == {'path': TARBALL, 'node_index': 0, 'url': 'https://output.circle-artifacts.com/11/' + TARBALL,
                         'project': 'github/acme/app', 'pipeline_id': PID, 'workflow': 'build', 'workflow_id': 'wf-build',
                         'job': 'build', 'job_number': 11, 'build_num': 11}
    paths = sorted(urlsplit(c.request.url).path for c in api.calls)
    # 2 pages of workflows, 3 job lists, 4 artifact lists (the approval job has none): 9 requests.
    assert len(api.calls) == 9
    assert '/api/v2/project/github/acme/app/13/artifacts' in paths
    assert all(c.request.headers['Circle-Token'] == TOKEN for c in api.calls)


def test_the_build_jobs_tarball_by_job_name_and_pattern(api, run_lookup):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([v2_workflow('build'), v2_workflow('lint')]))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=v2_page([v2_job('build', 11), v2_job('test', 12)]))
    api.add(responses.GET, V2 + '/workflow/wf-lint/job', json=v2_page([v2_job('lint', 14)]))
    api.add(responses.GET, V2 + '/project/github/acme/app/11/artifacts', json=v2_artifacts(11))
    result = run_lookup('circleci_artifacts', ['gh/acme/app'], pipeline_id=PID, job='build', pattern='*.tar.gz',
                        output='url')
    assert result == ['https://output.circle-artifacts.com/11/' + TARBALL]
    # Only the build job's artifacts are read.
    assert len(api.calls) == 4


def test_a_job_name_no_job_has_is_an_error_naming_the_jobs(api, run_lookup):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([v2_workflow('build')]))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=v2_page([v2_job('build', 11), v2_job('test', 12)]))
    with pytest.raises(AnsibleError, match='pipeline %s has no job named biuld \\(its jobs: build, test\\)' % PID):
        run_lookup('circleci_artifacts', [], pipeline_id=PID, job=['biuld'])


def test_the_newest_run_of_a_rerun_workflow_counts(api, run_lookup):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([
        v2_workflow('build', wid='new', created='2026-11-27T10:30:00Z'), v2_workflow('build', wid='old')]))
    api.add(responses.GET, V2 + '/workflow/new/job', json=v2_page([v2_job('build', 21)]))
    api.add(responses.GET, V2 + '/project/github/acme/app/21/artifacts', json=v2_artifacts(21, (TARBALL,)))
    result = run_lookup('circleci_artifacts', [], pipeline_id=PID)
    assert [(a['workflow_id'], a['build_num']) for a in result] == [('new', 21)]


def kebab(answer):
    return dict((key.replace('_', '-'), value) for key, value in answer.items())


def test_workflows_and_jobs_in_kebab_case_are_read_as_well(api, run_lookup):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([
        kebab(v2_workflow('build', slug=APP_SLUG, wid='new', created='2026-11-27T10:30:00Z')),
        kebab(v2_workflow('build', slug=APP_SLUG, wid='old'))]))
    api.add(responses.GET, V2 + '/workflow/new/job', json=v2_page([kebab(v2_job('build', 21))]))
    api.add(responses.GET, V2 + '/project/%s/21/artifacts' % APP_SLUG, json=v2_artifacts(21, (TARBALL,)))
    result = run_lookup('circleci_artifacts', [], pipeline_id=PID)
    assert [(a['project'], a['pipeline_id'], a['workflow_id'], a['job_number'], a['build_num']) for a in result] == [
        (APP_SLUG, PID, 'new', 21, 21)]


def test_one_workflow_of_a_github_app_project(api, run_lookup):
    api.add(responses.GET, V2 + '/workflow/' + WID, json=v2_workflow('deploy', slug=APP_SLUG, wid=WID))
    api.add(responses.GET, V2 + '/workflow/%s/job' % WID, json=v2_page([v2_job('package', 3)]))
    api.add(responses.GET, V2 + '/project/%s/3/artifacts' % APP_SLUG, json=v2_artifacts(3, (TARBALL,)))
    result = run_lookup('circleci_artifacts', [APP_SLUG], workflow_id=WID)
    assert [(a['project'], a['workflow'], a['job'], a['build_num']) for a in result] == [(APP_SLUG, 'deploy', 'package', 3)]


def test_a_pipeline_of_another_project_is_refused(api, run_lookup):
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([v2_workflow('build', slug='gh/acme/other')]))
    api.add(responses.GET, V2 + '/workflow/wf-build/job', json=v2_page([v2_job('build', 11)]))
    with pytest.raises(AnsibleError, match='Workflow wf-build \\(build\\) belongs to github/acme/other, not to github/acme/app'):
        run_lookup('circleci_artifacts', ['acme/app'], pipeline_id=PID)
    assert not [c for c in api.calls if 'artifacts' in c.request.url]


def jobs_of_3x4(api, delay, log):
    """A pipeline of 3 workflows x 4 build jobs; artifact answers take `delay` seconds."""
    api.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=v2_page([v2_workflow(n) for n in ('a', 'b', 'c')]))
    for index, name in enumerate(('a', 'b', 'c')):
        api.add(responses.GET, V2 + '/workflow/wf-%s/job' % name,
                json=v2_page([v2_job('%s%d' % (name, j), 100 + index * 4 + j) for j in range(4)]))
    lock = threading.Lock()
    state = {'in_flight': 0}

    def callback(request):
        number = int(re.search(r'/(\d+)/artifacts$', urlsplit(request.url).path).group(1))
        with lock:
            state['in_flight'] += 1
            log.append(state['in_flight'])
        time.sleep(delay)
        with lock:
            state['in_flight'] -= 1
        return 200, {}, json.dumps(v2_artifacts(number, (TARBALL,)))

    api.add_callback(responses.GET, re.compile(re.escape(V2) + r'/project/github/acme/app/\d+/artifacts'), callback=callback)


def test_the_jobs_artifacts_are_read_concurrently_and_returned_in_order(api, run_lookup):
    in_flight = []
    jobs_of_3x4(api, 0.1, in_flight)
    result = run_lookup('circleci_artifacts', [], pipeline_id=PID, workers=8)
    assert [a['build_num'] for a in result] == list(range(100, 112))
    assert len(api.calls) == 1 + 3 + 12
    assert max(in_flight) == 8
    sequential = []
    api.calls.reset()
    jobs_of_3x4(api, 0.01, sequential)
    assert [a['build_num'] for a in run_lookup('circleci_artifacts', [], pipeline_id=PID, workers=1)] == list(range(100, 112))
    assert max(sequential) == 1


def test_a_misspelt_pattern_is_an_error_not_every_artifact(api, run_lookup):
    for options in ({'build_num': 42}, {'pipeline_id': PID}):
        with pytest.raises(AnsibleError, match='^lookup ciops.circleci.circleci_artifacts: unknown option patern; the options are:') as exc:
            run_lookup('circleci_artifacts', ['acme/app'], patern='*.tar.gz', **options)
        assert 'lookup ciops.circleci.circleci_artifacts: unknown option patern; the options are:' in str(exc.value)
        assert 'pattern' in str(exc.value).split('the options are:')[1]
    assert len(api.calls) == 0


@pytest.mark.parametrize('terms, options, message', [
    ([], {'pipeline_id': PID, 'workflow_id': WID}, 'give either pipeline_id or workflow_id, not both'),
    ([], {'pipeline_id': PID, 'build_num': 3}, 'build_num cannot be combined with pipeline_id'),
    ([], {'workflow_id': WID, 'latest': True}, 'latest cannot be combined with workflow_id'),
    ([], {'pipeline_id': PID, 'filter': 'failed'}, 'filter cannot be combined with pipeline_id'),
    (['acme/app', 'acme/lib'], {'pipeline_id': PID}, 'with pipeline_id give at most one project term'),
    ([], {'pipeline_id': '42'}, 'pipeline_id must be a UUID'),
    ([], {'workflow_id': 'x'}, 'workflow_id must be a UUID'),
    (['acme/app'], {'build_num': 1, 'job': 'build'}, 'job selects jobs of a pipeline or workflow: give pipeline_id or workflow_id'),
    ([], {'pipeline_id': PID, 'job': ['']}, 'job must be a job name or a list of job names'),
    ([APP_SLUG], {'build_num': 1}, 'read a pipeline\'s artifacts with pipeline_id instead'),
])
def test_bad_v2_input_fails_before_any_request(api, run_lookup, terms, options, message):
    with pytest.raises(AnsibleError, match=re.escape(message)):
        run_lookup('circleci_artifacts', terms, **options)
    assert len(api.calls) == 0
