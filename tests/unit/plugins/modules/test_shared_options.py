# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options every module shares (connection and project), through real modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_build, circleci_cache, circleci_project

from .conftest import API

CIRCLECI_SLUG = 'circleci/5d7f0c1e-1111-4a2b-8c3d-0123456789ab/9a3c0c1e-2222-4a2b-8c3d-0123456789ab'


def test_project_slug_names_the_project(api, run_module):
    api.add(responses.DELETE, API + '/project/bitbucket/acme/lib/build-cache', json={'status': 'ok'})
    result = run_module(circleci_cache, dict(project_slug='bb/acme/lib'))
    assert result['changed'] is True
    assert result['project'] == 'bitbucket/acme/lib'


def test_host_root_api_url(api, run_module):
    api.add(responses.DELETE, 'https://circleci.example/api/v1.1/project/github/acme/app/build-cache', json={})
    result = run_module(circleci_cache, dict(api_url='https://circleci.example', project_slug='gh/acme/app'))
    assert result['changed'] is True


@pytest.mark.parametrize('args,message', [
    (dict(project_slug='gh/acme/app', username='acme'), 'parameters are mutually exclusive: project_slug|username'),
    (dict(username='acme'), 'parameters are required together: username, project'),
    (dict(), 'one of the following is required: project_slug, project'),
    (dict(username='acme', project='b/c'), 'project must be a name without "/", spaces or control characters'),
    (dict(username='acme', project='my app'), 'project must be a name without "/", spaces or control characters'),
    (dict(username='', project='app'), 'username must be a name without'),
    (dict(project_slug='gitlab/acme/app'), "'gitlab' is not one of gh, github, bb, bitbucket or circleci"),
    (dict(project_slug=CIRCLECI_SLUG), 'circleci_cache (clearing the build cache) needs CircleCI API v1.1'),
    (dict(project_slug='gh/acme/app', api_url=''), 'api_url is empty'),
    (dict(project_slug='gh/acme/app', api_token='ZQ81tok\nZQ81rest'), 'api_token contains a line break'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(circleci_cache, args)
    assert result['failed'] is True
    assert message in result['msg']
    assert 'ZQ81' not in result['msg']
    assert len(api.calls) == 0


def test_circleci_slug_on_a_v1_only_module_names_the_v2_way(api, run_module):
    result = run_module(circleci_build, dict(project_slug=CIRCLECI_SLUG, branch='main'))
    assert result['failed'] is True
    assert result['msg'].endswith('; trigger, rerun and cancel its pipelines with ciops.circleci.circleci_pipeline')
    assert len(api.calls) == 0


def test_project_follow_refuses_a_bad_username_before_get_projects(api, run_module):
    result = run_module(circleci_project, dict(username='', project='app'))
    assert result['failed'] is True
    assert len(api.calls) == 0


def test_a_missing_requests_library_is_one_clear_failure(api, run_module, monkeypatch):
    from ansible_collections.ciops.circleci.plugins.module_utils import _module
    monkeypatch.setattr(_module, 'HAS_REQUESTS', False)
    result = run_module(circleci_cache, dict(project_slug='gh/acme/app'))
    assert result['failed'] is True
    assert "Failed to import the required Python library (requests)" in result['msg']
    assert len(api.calls) == 0
