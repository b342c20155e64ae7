# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import threading
import time

from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
import yaml

from ansible.errors import AnsibleError

from ansible_collections.ciops.circleci.plugins.lookup import circleci_pipelines as pipelines_lookup
from ansible_collections.ciops.circleci.plugins.module_utils import _pipelines as pl
from ansible_collections.ciops.circleci.plugins.modules import circleci_pipeline

V2 = 'https://circleci.example/api/v2'
APP = V2 + '/project/github/acme/app/pipeline'
APP_SLUG = 'circleci/9a3c1f0e-2b7d-4c55-8e11-0f6b2d9c7a41/5d7f2e8a-61b4-4f0c-9d3e-7a2b1c0e9f58'


def pid(n):
    return '00000000-0000-4000-8000-%012d' % n


def pipeline(n, branch='main', slug='gh/acme/app', state='created'):
    return {'id': pid(n), 'number': n, 'state': state, 'project_slug': slug, 'created_at': 'c%d' % n,
            'updated_at': 'u%d' % n, 'errors': [], 'vcs': {'branch': branch, 'revision': 'r%d' % n}}


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def serve(api, pipelines, statuses, page_size=2, slug_path=APP, delay=0.0, log=None):
    """Mock the pipeline list (paged, newest first) and each pipeline's workflow list.

    statuses: {number: [workflow statuses]}. Returns the list of pipeline numbers whose workflows were read.
    """
    read = []
    lock = threading.Lock()
    state = {'in_flight': 0}

    def list_callback(request):
        query = dict(parse_qsl(urlsplit(request.url).query))
        start = int(query.get('page-token', '0'))
        items = pipelines[start:start + page_size]
        token = str(start + page_size) if start + page_size < len(pipelines) else None
        return 200, {}, json.dumps(page(items, token))

    def workflow_callback(request):
        num = int(re.search(r'-(\d{12})/workflow', request.url).group(1))
        with lock:
            read.append(num)
            state['in_flight'] += 1
            if log is not None:
                log.append(state['in_flight'])
        time.sleep(delay)
        with lock:
            state['in_flight'] -= 1
        items = [{'id': 'w%d-%d' % (num, i), 'name': 'wf%d' % i, 'status': s, 'pipeline_id': pid(num),
                  'pipeline_number': num, 'project_slug': 'gh/acme/app', 'created_at': 'x'}
                 for i, s in enumerate(statuses.get(num, []))]
        return 200, {}, json.dumps(page(items))

    api.add_callback(responses.GET, re.compile(re.escape(slug_path) + r'(\?.*)?$'), callback=list_callback)
    api.add_callback(responses.GET, re.compile(re.escape(V2) + r'/pipeline/[^/]+/workflow'), callback=workflow_callback)
    return read


def list_queries(api):
    return [dict(parse_qsl(urlsplit(c.request.url).query)) for c in api.calls if '/workflow' not in c.request.url]


def test_newest_pipelines_with_their_workflows_and_a_one_word_status(api, run_lookup):
    pipelines = [pipeline(n) for n in (9, 8, 7, 6, 5)]
    read = serve(api, pipelines, {9: ['running', 'success'], 8: ['success', 'failed'], 7: ['success', 'success']})
    result = run_lookup('circleci_pipelines', ['gh/acme/app'], limit=3)
    assert [(p['number'], p['status']) for p in result] == [(9, 'running'), (8, 'failed'), (7, 'success')]
    assert result[0]['url'] == 'https://circleci.example/pipelines/github/acme/app/9'
    assert result[0]['project_slug'] == 'github/acme/app'
    assert [w['status'] for w in result[0]['workflows']] == ['running', 'success']
    assert result[0]['workflows'][0]['url'] == 'https://circleci.example/pipelines/github/acme/app/9/workflows/w9-0'
    # Three pipelines in pages of two: two pages, never the third.
    assert list_queries(api) == [{}, {'page-token': '2'}]
    assert sorted(read) == [7, 8, 9]


def test_a_limit_within_the_first_page_reads_one_page(api, run_lookup):
    serve(api, [pipeline(n) for n in (9, 8, 7)], {9: ['success'], 8: ['success']})
    result = run_lookup('circleci_pipelines', ['acme/app'], limit=2, branch='main')
    assert [p['number'] for p in result] == [9, 8]
    assert list_queries(api) == [{'branch': 'main'}]


def test_status_finds_the_newest_green_pipeline_and_stops_there(api, run_lookup):
    pipelines = [pipeline(n) for n in range(20, 10, -1)]
    statuses = {20: ['running'], 19: ['failed'], 18: ['on_hold', 'success'], 17: ['success', 'success'], 16: ['success']}
    read = serve(api, pipelines, statuses)
    result = run_lookup('circleci_pipelines', ['gh/acme/app'], branch='main', status='success', limit=1)
    assert [p['number'] for p in result] == [17]
    assert result[0]['status'] == 'success'
    # One pipeline at a time while one is needed: 20, 19, 18, 17, and no further.
    assert read == [20, 19, 18, 17]
    assert list_queries(api) == [{'branch': 'main'}, {'branch': 'main', 'page-token': '2'}]


def test_several_statuses_and_a_larger_limit(api, run_lookup):
    statuses = dict((n, ['failed' if n % 3 == 0 else 'success']) for n in range(1, 11))
    statuses[10] = ['on_hold', 'success']
    read = serve(api, [pipeline(n) for n in range(10, 0, -1)], statuses)
    result = run_lookup('circleci_pipelines', ['gh/acme/app'], status=['failed', 'on_hold'], limit=3)
    assert [(p['number'], p['status']) for p in result] == [(10, 'on_hold'), (9, 'failed'), (6, 'failed')]
    assert sorted(read) == [6, 7, 8, 9, 10]
    assert len(list_queries(api)) == 3


def test_scan_limit_bounds_a_filter_that_matches_nothing(api, run_lookup):
    read = serve(api, [pipeline(n) for n in range(50, 0, -1)], {})
    result = run_lookup('circleci_pipelines', ['gh/acme/app'], status='success', scan_limit=5)
    assert result == []
    assert len(read) == 5
    assert len(list_queries(api)) == 3


def test_errored_and_pending_pipelines(api, run_lookup):
    serve(api, [pipeline(3, state='errored'), pipeline(2)], {})
    result = run_lookup('circleci_pipelines', ['gh/acme/app'])
    assert [(p['number'], p['status']) for p in result] == [(3, 'errored'), (2, 'pending')]


def test_the_workflows_of_a_page_are_read_concurrently(api, run_lookup):
    in_flight = []
    serve(api, [pipeline(n) for n in range(8, 0, -1)], {}, page_size=8, delay=0.2, log=in_flight)
    started = time.monotonic()
    result = run_lookup('circleci_pipelines', ['gh/acme/app'], limit=8, workers=4)
    assert len(result) == 8
    assert max(in_flight) == 4
    assert time.monotonic() - started < 1.2  # 8 reads of 0.2 s, 4 at a time: about 0.4 s


def test_workers_1_reads_one_at_a_time(api, run_lookup):
    in_flight = []
    serve(api, [pipeline(n) for n in range(4, 0, -1)], {}, page_size=4, log=in_flight)
    run_lookup('circleci_pipelines', ['gh/acme/app'], limit=4, workers=1)
    assert max(in_flight) == 1


def test_a_github_app_project_and_several_terms(api, run_lookup):
    serve(api, [pipeline(2), pipeline(1)], {2: ['success']})
    api.add(responses.GET, V2 + '/project/' + APP_SLUG + '/pipeline', json=page([pipeline(4, slug=APP_SLUG)]))
    result = run_lookup('circleci_pipelines', ['gh/acme/app', APP_SLUG], limit=1)
    assert [(p['project_slug'], p['number']) for p in result] == [('github/acme/app', 2), (APP_SLUG, 4)]


def test_a_project_without_pipelines_is_an_empty_list(api, run_lookup):
    api.add(responses.GET, APP, json=page([]))
    assert run_lookup('circleci_pipelines', ['gh/acme/app']) == []


def test_an_unknown_project_is_an_error(api, run_lookup):
    api.add(responses.GET, V2 + '/project/github/acme/nope/pipeline', status=404, json={'message': 'Project not found'})
    with pytest.raises(AnsibleError, match='CircleCI answered 404 Project not found for GET /api/v2/project/github/acme/nope/pipeline'):
        run_lookup('circleci_pipelines', ['gh/acme/nope'])


def test_a_misspelt_option_is_an_error_not_silently_dropped(api, run_lookup):
    with pytest.raises(AnsibleError) as exc:
        run_lookup('circleci_pipelines', ['gh/acme/app'], statuss='success')
    assert 'lookup ciops.circleci.circleci_pipelines: unknown option statuss; the options are:' in str(exc.value)
    assert 'status' in str(exc.value).split('the options are:')[1]
    assert len(api.calls) == 0


@pytest.mark.parametrize('terms, options, message', [
    ([], {}, 'needs at least one term'),
    (['gh/acme/app'], {'limit': 0}, 'limit must be a positive integer'),
    (['gh/acme/app'], {'scan_limit': 0}, 'scan_limit must be a positive integer'),
    (['gh/acme/app'], {'workers': 33}, 'workers must be an integer from 1 to 32'),
    (['gh/acme/app'], {'branch': ''}, 'branch must not be empty'),
    (['gh/acme/app'], {'status': 'green'}, 'green'),
    (['acme'], {}, "Invalid project slug 'acme'"),
])
def test_bad_input_fails_before_any_request(api, run_lookup, terms, options, message):
    with pytest.raises(AnsibleError, match=re.escape(message)):
        run_lookup('circleci_pipelines', terms, **options)
    assert len(api.calls) == 0


# Here, not in test_pipelines.py: ansible-test runs module_utils tests where the lookup (it imports
# ansible.constants) cannot be imported.
def test_the_normalised_shapes_are_the_documented_ones():
    """PIPELINE_FIELDS, WORKFLOW_FIELDS and JOB_FIELDS (_pipelines) against what they stand for: the keys the normalising
    gives, and the RETURN of circleci_pipeline (the one place the shapes are documented field by field)."""
    returned = yaml.safe_load(circleci_pipeline.RETURN)
    assert tuple(returned['pipeline']['contains']) == pl.PIPELINE_FIELDS == (
        'id', 'number', 'state', 'created_at', 'updated_at', 'url', 'project_slug', 'branch', 'tag', 'revision',
        'errors')
    workflow = returned['workflows']['contains']
    assert tuple(workflow) == pl.WORKFLOW_FIELDS + ('pipeline_id', 'jobs')
    assert sorted(workflow['jobs']['contains']) == sorted(pl.JOB_FIELDS)
    assert sorted(pl.normalize_pipeline({}, 'https://w')) == sorted(pl.PIPELINE_FIELDS)
    assert sorted(pl.normalize_workflow({}, 'https://w')) == sorted(pl.WORKFLOW_FIELDS + ('pipeline_id',))
    assert sorted(pl.normalize_job({})) == sorted(pl.JOB_FIELDS)
    # The pipelines lookup documents only the two keys it adds to that shape.
    listed = yaml.safe_load(pipelines_lookup.RETURN)['_list']
    assert sorted(listed['contains']) == ['status', 'workflows']
    assert sorted(listed['sample'][0]) == sorted(pl.PIPELINE_FIELDS + ('status', 'workflows'))
