# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_cache

from .conftest import API, OMIT, TOKEN

CACHE = API + '/project/github/acme/app/build-cache'


def test_clears_the_cache_with_one_delete(api, run_module):
    api.add(responses.DELETE, CACHE, json={'status': 'build dependency caches deleted'})
    result = run_module(circleci_cache, dict(username='acme', project='app'))
    assert result['changed'] is True
    assert result['status'] == 'build dependency caches deleted'
    assert result['project'] == 'github/acme/app'
    assert len(api.calls) == 1
    assert api.calls[0].request.headers['Circle-Token'] == TOKEN
    assert TOKEN not in api.calls[0].request.url


def test_check_mode_sends_nothing(api, run_module):
    result = run_module(circleci_cache, dict(username='acme', project='app'), check_mode=True)
    assert result['changed'] is True
    assert 'status' not in result
    assert len(api.calls) == 0


def test_bitbucket_project_path(api, run_module):
    api.add(responses.DELETE, API + '/project/bitbucket/acme/lib/build-cache', json={'status': 'ok'})
    result = run_module(circleci_cache, dict(username='acme', project='lib', vcs_type='bitbucket'))
    assert result['changed'] is True


def test_unknown_project_fails_with_the_server_message(api, run_module):
    api.add(responses.DELETE, API + '/project/github/acme/nope/build-cache', status=404,
            json={'message': 'Project not found'})
    result = run_module(circleci_cache, dict(username='acme', project='nope'))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 404 Project not found for DELETE '
                             '/project/github/acme/nope/build-cache: check the project (project_slug, or '
                             'vcs_type, username and project), and that the token can see it')
    assert result['status'] == 404


def test_bad_token_fails_with_401_hint(api, run_module):
    api.add(responses.DELETE, CACHE, status=401, json={'message': 'You must log in first.'})
    result = run_module(circleci_cache, dict(username='acme', project='app', api_token='wrong'))
    assert result['failed'] is True
    assert 'CircleCI answered 401 You must log in first. for DELETE /project/github/acme/app/build-cache' in result['msg']
    assert result['msg'].endswith('check api_token')
    assert 'wrong' not in result['msg']


def test_server_error_is_retried_then_reported(api, run_module, monkeypatch):
    monkeypatch.setattr('time.sleep', lambda s: None)
    for dummy in range(3):
        api.add(responses.DELETE, CACHE, status=502, body='<html><title>502 Bad Gateway</title></html>')
    result = run_module(circleci_cache, dict(username='acme', project='app', retries=2))
    assert result['failed'] is True
    # The status appears once, and the HTML page is named as such.
    assert 'CircleCI answered 502 Bad Gateway (an HTML page, not the API) for DELETE' in result['msg']
    assert '502 502' not in result['msg']
    assert '(after 2 retries)' in result['msg']
    assert len(api.calls) == 3


def test_missing_token_fails_before_any_request(api, run_module, monkeypatch):
    monkeypatch.delenv('CIRCLECI_TOKEN', raising=False)
    monkeypatch.delenv('CIRCLE_TOKEN', raising=False)
    result = run_module(circleci_cache, dict(username='acme', project='app', api_token=OMIT))
    assert result['failed'] is True
    assert 'api_token is required' in result['msg']
    assert len(api.calls) == 0


def test_token_and_url_from_environment(api, run_module, monkeypatch):
    monkeypatch.delenv('CIRCLECI_TOKEN', raising=False)
    monkeypatch.setenv('CIRCLE_TOKEN', 'from-env-token')
    monkeypatch.setenv('CIRCLECI_API_URL', 'https://server.example/api/v1.1')
    api.add(responses.DELETE, 'https://server.example/api/v1.1/project/github/acme/app/build-cache',
            json={'status': 'ok'})
    result = run_module(circleci_cache, dict(username='acme', project='app', api_token=OMIT, api_url=OMIT))
    assert result['changed'] is True
    assert api.calls[0].request.headers['Circle-Token'] == 'from-env-token'


def test_v1_api_url_uses_the_v1_path_form(api, run_module):
    api.add(responses.DELETE, 'https://circleci.example/api/v1/project/acme/app/build-cache', json={'status': 'ok'})
    result = run_module(circleci_cache, dict(username='acme', project='app', api_url='https://circleci.example/api/v1'))
    assert result['changed'] is True
