# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""After the sunset, circleci_build's 410 failure is the way to circleci_pipeline: it names the module and the
options that replace the ones the task gave, and says which have no equivalent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_build

from .conftest import API

GONE = {'message': 'This endpoint has been removed. Use API v2 pipelines.'}


def test_a_retired_trigger_names_circleci_pipeline_and_the_options_that_replace_the_tasks(api, run_module):
    api.add(responses.POST, API + '/project/github/acme/app/tree/release%2F2.4', status=410, json=GONE)
    result = run_module(circleci_build, dict(username='acme', project='app', branch='release/2.4', revision='abc1234',
                                             parallel=2, build_parameters={'DEPLOY_ENV': 'prod'}, wait=True))
    assert result['failed'] is True and result['status'] == 410
    assert result['msg'] == (
        'CircleCI no longer accepts API v1.1 build trigger requests (410 Gone for POST '
        '/project/github/acme/app/tree/release%2F2.4): these endpoints were retired on 2027-02-01. Trigger a pipeline '
        'through API v2 instead: ciops.circleci.circleci_pipeline with project_slug: gh/acme/app and branch: '
        'release/2.4 (POST /api/v2/project/gh/acme/app/pipeline/run); build_parameters become parameters: (each '
        'declared as a pipeline parameter in the config); revision has no equivalent (API v2 builds the head of a '
        'branch or a tag); parallel has no equivalent (set parallelism in the config); wait, wait_timeout and '
        'cancel_on_timeout keep their names; success_outcomes become success_statuses; docs/migrating-from-v1.md '
        'maps every option.')
    assert len(api.calls) == 1


def test_a_retired_retry_points_at_state_rerun(api, run_module):
    api.add(responses.POST, API + '/project/github/acme/app/41/retry', status=410, json=GONE)
    result = run_module(circleci_build, dict(project_slug='gh/acme/app', state='retried', build_num=41))
    assert 'ciops.circleci.circleci_pipeline with project_slug: gh/acme/app (POST' in result['msg']
    assert 'to rerun what failed use state: rerun with pipeline_id' in result['msg']


def test_a_tag_trigger_keeps_its_tag(api, run_module):
    api.add(responses.POST, API + '/project/github/acme/app', status=410, json=GONE)
    result = run_module(circleci_build, dict(project_slug='gh/acme/app', tag='v2.4.0'))
    assert 'circleci_pipeline with project_slug: gh/acme/app and tag: v2.4.0 (POST /api/v2/project/gh/acme/app/pipeline/run); docs/' \
        in result['msg']
