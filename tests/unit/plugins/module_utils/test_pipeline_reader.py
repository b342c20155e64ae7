# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pipeline reader: the requests each read sends, and what it gives back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_reader import PipelineReader
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug

V2 = 'https://circleci.example/api/v2'
PID = '5034460f-c7c4-4c43-9457-de07e2029e7b'
APP = parse_project_slug('gh/acme/app')
NOW = datetime.datetime(2026, 11, 27, 10, 1, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client():
    c = CircleCIClient('tok', api_url='https://circleci.example', retries=0)
    yield c
    c.close()


def raw_pipeline(number, pipeline_id=PID, state='created', branch='main', slug='gh/acme/app', **extra):
    out = {'id': pipeline_id, 'number': number, 'state': state, 'created_at': '2026-11-27T10:00:00Z',
           'project_slug': slug, 'vcs': {'branch': branch, 'revision': 'abc'}}
    out.update(extra)
    return out


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def requested(http):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in http.calls]


def test_a_pipeline_by_id_is_normalised_and_must_belong_to_the_project(client, http):
    http.add(responses.GET, V2 + '/pipeline/' + PID, json=raw_pipeline(43))
    pipeline = PipelineReader(client, APP).named_pipeline(' %s ' % PID.upper())
    assert pipeline['project_slug'] == 'github/acme/app' and pipeline['number'] == 43
    assert pipeline['url'] == 'https://circleci.example/pipelines/github/acme/app/43'
    assert requested(http) == [('GET', '/pipeline/' + PID)]
    http.add(responses.GET, V2 + '/pipeline/' + PID, json=raw_pipeline(43, slug='gh/acme/other'))
    with pytest.raises(CircleCIError) as exc:
        PipelineReader(client, APP).named_pipeline(PID)
    assert str(exc.value) == ('Pipeline %s belongs to github/acme/other, not to github/acme/app: check pipeline_id '
                              'and the project' % PID)


def test_without_a_project_a_pipeline_by_id_takes_its_own(client, http):
    http.add(responses.GET, V2 + '/pipeline/' + PID, json=raw_pipeline(43, slug='bb/acme/lib'))
    reader = PipelineReader(client)
    assert reader.slug is None
    assert reader.named_pipeline(PID)['project_slug'] == 'bitbucket/acme/lib'


def test_a_pipeline_by_number_and_the_hint_of_a_404(client, http):
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline/7', json=raw_pipeline(7))
    assert PipelineReader(client, APP).named_pipeline(pipeline_number=7)['number'] == 7
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline/8', status=404, json={'message': 'Not found'})
    with pytest.raises(CircleCIError) as exc:
        PipelineReader(client, APP).pipeline_by_number(8)
    assert 'check pipeline_number and the project: CircleCI has no such pipeline in it' in str(exc.value)
    http.add(responses.GET, V2 + '/pipeline/' + PID, status=404, json={'message': 'Not found'})
    with pytest.raises(CircleCIError) as exc:
        PipelineReader(client, APP).pipeline(PID)
    assert 'check pipeline_id: CircleCI has no such pipeline, or the token cannot see it' in str(exc.value)


def test_the_newest_page_is_one_request_and_the_pages_follow_their_tokens(client, http):
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page([raw_pipeline(9), raw_pipeline(8)], 'p2'),
             match=[responses.matchers.query_param_matcher({'branch': 'main'})])
    newest = PipelineReader(client, APP).newest_page('main')
    assert [p['number'] for p in newest] == [9, 8]
    assert len(http.calls) == 1
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page([raw_pipeline(9)], 'p2'),
             match=[responses.matchers.query_param_matcher({})])
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page([raw_pipeline(8)]),
             match=[responses.matchers.query_param_matcher({'page-token': 'p2'})])
    pages = PipelineReader(client, APP).pipeline_pages()
    assert [p['number'] for p in next(pages)] == [9]
    assert len(http.calls) == 2
    assert [[p['number'] for p in items] for items in pages] == [[8]]


def test_workflows_every_page_normalised_and_the_current_runs(client, http):
    first = {'id': 'w-old', 'name': 'build', 'status': 'failed', 'created_at': '2026-11-27T10:00:01Z',
             'pipeline_id': PID, 'pipeline_number': 43, 'project_slug': 'gh/acme/app'}
    rerun = dict(first, id='w-new', status='success', created_at='2026-11-27T10:05:00Z')
    http.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=page([first], 'p2'),
             match=[responses.matchers.query_param_matcher({})])
    http.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=page([rerun]),
             match=[responses.matchers.query_param_matcher({'page-token': 'p2'})])
    reader = PipelineReader(client, APP)
    pipeline = {'id': PID, 'number': 43, 'project_slug': 'github/acme/app'}
    current = reader.current_workflows(pipeline)
    assert current == [{'id': 'w-new', 'name': 'build', 'status': 'success', 'created_at': '2026-11-27T10:05:00Z',
                        'stopped_at': None, 'tag': None, 'pipeline_id': PID,
                        'url': 'https://circleci.example/pipelines/github/acme/app/43/workflows/w-new'}]
    # workflow_items gives CircleCI's objects as they are (with their project_slug).
    http.add(responses.GET, V2 + '/pipeline/%s/workflow' % PID, json=page([first]))
    assert reader.workflow_items(PID) == [first]


def test_jobs_normalised_or_as_they_are_tests_and_artifacts(client, http):
    job = {'id': 'j1', 'name': 'test', 'type': 'build', 'status': 'failed', 'job_number': 12, 'extra': 1}
    http.add(responses.GET, V2 + '/workflow/w1/job', json=page([job]))
    http.add(responses.GET, V2 + '/workflow/w1/job', json=page([job]))
    http.add(responses.GET, V2 + '/project/github/acme/app/12/tests', json=page([{'name': 't', 'result': 'failure'}]))
    http.add(responses.GET, V2 + '/project/github/acme/app/12/artifacts', json=page([{'path': 'a.txt'}]))
    reader = PipelineReader(client, APP)
    assert reader.with_jobs([{'id': 'w1', 'name': 'build'}]) == [{'id': 'w1', 'name': 'build', 'jobs': [{
        'id': 'j1', 'name': 'test', 'type': 'build', 'status': 'failed', 'job_number': 12, 'started_at': None,
        'stopped_at': None, 'approval_request_id': None}]}]
    assert reader.job_items('w1') == [job]
    assert reader.tests(APP, 12) == [{'name': 't', 'result': 'failure'}]
    assert reader.artifacts(APP, 12) == [{'path': 'a.txt'}]


def test_unfinished_the_newest_matching_pipeline_that_has_not_finished(client, http):
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page([
        raw_pipeline(9, pipeline_id='p9', branch='other'), raw_pipeline(8, pipeline_id='p8'),
        raw_pipeline(7, pipeline_id='p7')], 'p2'))
    http.add(responses.GET, V2 + '/pipeline/p8/workflow', json=page([{'id': 'w', 'name': 'build', 'status': 'running'}]))
    pipeline, workflows = PipelineReader(client, APP).unfinished('main', None, 60, lambda: NOW)
    assert pipeline['number'] == 8 and [w['status'] for w in workflows] == ['running']
    # One page and the workflows of the first pipeline of the branch: neither pipeline 7 nor page 2.
    assert requested(http) == [('GET', '/project/github/acme/app/pipeline?branch=main'), ('GET', '/pipeline/p8/workflow')]


@pytest.mark.parametrize('state, workflows, created_at, found', [
    ('errored', None, '2026-11-27T10:00:00Z', False),
    ('setup-pending', None, '2026-11-27T10:00:00Z', True),
    ('created', [], '2026-11-27T10:00:30Z', True),
    ('created', [], '2026-11-27T09:59:00Z', False),
    ('created', [{'id': 'w', 'name': 'build', 'status': 'success'}], '2026-11-27T10:00:00Z', False),
])
def test_unfinished_reads_no_older_pipeline_once_the_newest_is_known(client, http, state, workflows, created_at, found):
    http.add(responses.GET, V2 + '/project/github/acme/app/pipeline', json=page([
        raw_pipeline(8, pipeline_id='p8', state=state, created_at=created_at), raw_pipeline(7, pipeline_id='p7')]))
    if workflows is not None:
        http.add(responses.GET, V2 + '/pipeline/p8/workflow', json=page(workflows))
    pipeline, dummy = PipelineReader(client, APP).unfinished('main', None, 60, lambda: NOW)
    assert (pipeline is not None) is found
    assert len(http.calls) == (1 if workflows is None else 2)
