# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.modules import circleci_project_info
from ansible_collections.ciops.circleci.plugins.modules.circleci_project_info import drop_secrets, plan_gather

from .conftest import API, TOKEN

PROJ = API + '/project/github/acme/app'
HEROKU = 'heroku-secret-abcdef123456'
ME = {
    'login': 'demo', 'name': 'Demo User', 'heroku_api_key': HEROKU, 'pusher_id': 'pusher-private-id',
    'github_oauth_scopes': ['repo'], 'containers': 1,
    'projects': {'https://github.com/acme/token-service': {'emails': 'default', 'on_dashboard': True}},
}
SETTINGS = {
    'vcs_type': 'github', 'username': 'acme', 'reponame': 'app', 'default_branch': 'main',
    'slack_api_token': 'slack-secret', 'campfire_token': None, 'irc_password': 'irc-secret',
    'slack_webhook_url': 'https://hooks.slack.com/services/T/B/secret', 'hipchat_api_token': None,
    'aws': {'keypair': {'access_key_id': 'AKIA', 'secret_access_key': 'aws-secret'}},
    'branches': {'feature%2Ftoken-refresh': {'last_success': None}, 'main': {'last_success': {'build_num': 6}}},
    'ssh_keys': [{'hostname': 'deploy.example.com', 'public_key': 'ssh-ed25519 AAAA', 'fingerprint': 'aa:bb',
                  'extra': 'x'}],
}
ENVVARS = [{'name': 'AWS_REGION', 'value': 'xxxxst-1'}, {'name': 'SHORT', 'value': 'xxxxR'}]
KEYS = [{'public_key': 'ssh-rsa AAAA', 'type': 'deploy-key', 'fingerprint': '10:1e', 'login': None,
         'preferred': True, 'time': '2024-04-30T08:00:00.000Z'}]
SECRETS = (HEROKU, 'pusher-private-id', 'slack-secret', 'irc-secret', 'hooks.slack.com', 'aws-secret')


def assert_no_secret(result):
    text = json.dumps(result)
    for secret in SECRETS:
        assert secret not in text


def test_default_without_project_reads_me_and_projects(api, run_module):
    api.add(responses.GET, API + '/me', json=ME)
    api.add(responses.GET, API + '/projects', json=[SETTINGS])
    result = run_module(circleci_project_info, {})
    assert result['changed'] is False
    assert result['gathered'] == ['me', 'projects']
    assert 'project' not in result
    assert result['me'] == {'login': 'demo', 'name': 'Demo User', 'github_oauth_scopes': ['repo'], 'containers': 1,
                            'projects': ME['projects']}
    assert result['projects'][0]['branches'] == SETTINGS['branches']
    assert 'slack_api_token' not in result['projects'][0]
    assert result['projects'][0]['aws'] == {'keypair': {'access_key_id': 'AKIA'}}
    assert_no_secret(result)
    assert [c.request.url for c in api.calls] == [API + '/me', API + '/projects?shallow=true']
    assert all(c.request.headers['Circle-Token'] == TOKEN for c in api.calls)


def test_default_with_project_reads_all_five(api, run_module):
    api.add(responses.GET, API + '/me', json=ME)
    api.add(responses.GET, API + '/projects', json=[])
    api.add(responses.GET, PROJ + '/settings', json=SETTINGS)
    api.add(responses.GET, PROJ + '/envvar', json=ENVVARS)
    api.add(responses.GET, PROJ + '/checkout-key', json=KEYS)
    result = run_module(circleci_project_info, dict(username='acme', project='app'))
    assert result['gathered'] == ['me', 'projects', 'settings', 'envvars', 'checkout_keys']
    assert result['project'] == 'github/acme/app'
    assert result['settings']['ssh_keys'] == [
        {'hostname': 'deploy.example.com', 'fingerprint': 'aa:bb', 'public_key': 'ssh-ed25519 AAAA'}]
    assert result['settings']['default_branch'] == 'main'
    for key in ('slack_api_token', 'campfire_token', 'irc_password', 'slack_webhook_url', 'hipchat_api_token'):
        assert key not in result['settings']
    assert result['envvars'] == ENVVARS
    assert result['checkout_keys'] == KEYS
    assert_no_secret(result)
    assert len(api.calls) == 5


def test_only_envvars_is_one_request(api, run_module):
    api.add(responses.GET, PROJ + '/envvar', json=ENVVARS)
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['envvars']))
    assert result['gathered'] == ['envvars']
    assert result['envvars'] == ENVVARS
    assert set(result) >= {'changed', 'gathered', 'project', 'envvars'}
    assert not set(result) & {'me', 'projects', 'settings', 'checkout_keys'}
    assert len(api.calls) == 1


FP = 'a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b'
FP_GONE = ':'.join(['0f'] * 16)


def test_named_envvars_are_read_one_by_one(api, run_module):
    api.add(responses.GET, PROJ + '/envvar/AWS_REGION', json=ENVVARS[0])
    api.add(responses.GET, PROJ + '/envvar/NOPE', status=404, json={'message': 'env var not found'})
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['envvars'],
                                                    envvar_names=['AWS_REGION', 'NOPE']))
    assert result['envvars'] == [ENVVARS[0]]
    assert [c.request.url for c in api.calls] == [PROJ + '/envvar/AWS_REGION', PROJ + '/envvar/NOPE']


def test_named_checkout_keys_are_read_one_by_one(api, run_module):
    key = dict(KEYS[0], fingerprint=FP)
    api.add(responses.GET, PROJ + '/checkout-key/' + FP, json=key)
    api.add(responses.GET, PROJ + '/checkout-key/' + FP_GONE, status=404, json={'message': 'checkout key not found'})
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['checkout_keys'],
                                                    fingerprints=[FP.upper(), FP_GONE]))
    assert result['checkout_keys'] == [key]
    assert len(api.calls) == 2


@pytest.mark.parametrize('args,message', [
    (dict(envvar_names=['1BAD']), 'Invalid environment variable name'),
    (dict(fingerprints=['ab:cd']), 'Invalid fingerprint'),
])
def test_bad_names_and_fingerprints_fail_before_any_request(api, run_module, args, message):
    result = run_module(circleci_project_info, dict(username='acme', project='app', **args))
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_duplicates_are_read_once_in_fixed_order(api, run_module):
    api.add(responses.GET, PROJ + '/checkout-key', json=KEYS)
    api.add(responses.GET, API + '/me', json=ME)
    result = run_module(circleci_project_info, dict(username='acme', project='app',
                                                    gather=['checkout_keys', 'me', 'checkout_keys']))
    assert result['gathered'] == ['me', 'checkout_keys']
    assert [c.request.url for c in api.calls] == [API + '/me', PROJ + '/checkout-key']


def test_bitbucket_project(api, run_module):
    api.add(responses.GET, API + '/project/bitbucket/acme/lib/settings', json={'reponame': 'lib', 'ssh_keys': []})
    result = run_module(circleci_project_info, dict(vcs_type='bitbucket', org='acme', repo='lib', gather=['settings']))
    assert result['settings'] == {'reponame': 'lib', 'ssh_keys': []}
    assert result['project'] == 'bitbucket/acme/lib'


def test_check_mode_reads_the_same(api, run_module):
    api.add(responses.GET, PROJ + '/envvar', json=ENVVARS)
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['envvars']),
                        check_mode=True)
    assert result['changed'] is False
    assert result['envvars'] == ENVVARS
    assert len(api.calls) == 1


def test_project_items_without_project_fail_before_any_request(api, run_module):
    result = run_module(circleci_project_info, dict(gather=['me', 'envvars', 'settings']))
    assert result['failed'] is True
    assert result['msg'] == ('gather=settings,envvars needs a project (project_slug, or username and project): '
                             'give the project whose settings, envvars to read')
    assert len(api.calls) == 0


def test_username_without_project_is_refused(api, run_module):
    result = run_module(circleci_project_info, dict(username='acme'))
    assert result['failed'] is True
    assert 'parameters are required together: username, project' in result['msg']
    assert len(api.calls) == 0


def test_unknown_gather_item_is_refused(api, run_module):
    result = run_module(circleci_project_info, dict(gather=['builds']))
    assert result['failed'] is True
    assert 'gather' in result['msg'] and 'builds' in result['msg']
    assert len(api.calls) == 0


def test_unknown_project_fails_with_the_hint(api, run_module):
    api.add(responses.GET, API + '/project/github/acme/nope/settings', status=404, json={'message': 'Project not found'})
    result = run_module(circleci_project_info, dict(username='acme', project='nope', gather=['settings', 'envvars']))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Project not found for GET /project/github/acme/nope/settings')
    assert len(api.calls) == 1


def test_project_token_cannot_read_me(api, run_module):
    api.add(responses.GET, API + '/me', status=403, json={'message': 'Permission denied'})
    result = run_module(circleci_project_info, dict(gather=['me']))
    assert result['failed'] is True
    assert 'CircleCI answered 403 Permission denied for GET /me' in result['msg']


@pytest.mark.parametrize('gather, has_project, expected', [
    (None, False, ['me', 'projects']),
    (None, True, ['me', 'projects', 'settings', 'envvars', 'checkout_keys']),
    (['projects', 'me'], False, ['me', 'projects']),
    (['envvars'], True, ['envvars']),
    ([], True, []),
])
def test_plan_gather(gather, has_project, expected):
    assert plan_gather(gather, has_project) == expected


def test_plan_gather_refuses_project_items_without_project():
    with pytest.raises(CircleCIError, match='gather=checkout_keys needs a project'):
        plan_gather(['checkout_keys'], False)


def test_drop_secrets_keeps_name_keyed_maps_and_nulls_out_nothing_else():
    doc = {'a_token': None, 'Secret': 1, 'password': 'x', 'heroku_api_key': 'k', 'apikey': 'k', 'private_key': 'k',
           'public_key': 'p', 'keep': [{'nested_token': 'x', 'n': 1}], 'branches': {'token-x': {'b_secret': 1, 'n': 2}},
           'projects': {'https://github.com/acme/secret-repo': {'emails': 'default'}}}
    assert drop_secrets(doc) == {'public_key': 'p', 'keep': [{'n': 1}], 'branches': {'token-x': {'n': 2}},
                                 'projects': {'https://github.com/acme/secret-repo': {'emails': 'default'}}}


# ---------------------------------------------------------------- API v2: circleci/ slugs and SHA-256 fingerprints

V2 = 'https://circleci.example/api/v2'
ORG = '5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b'
PRJ = '9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80'
CIRCLECI_SLUG = 'circleci/%s/%s' % (ORG, PRJ)
V2_PROJ = V2 + '/project/circleci/%s/%s' % (ORG, PRJ)
SHA = 'SHA256:HjsGEbI1akHSO2LvGcMjbExXGmdwy39UA+Xuii/Ci7A'
V2_KEY = {'public-key': 'ssh-ed25519 AAAA', 'type': 'deploy-key', 'fingerprint': SHA, 'preferred': True,
          'created-at': '2024-04-30T08:00:00.000Z'}
SHOWN_KEY = {'public_key': 'ssh-ed25519 AAAA', 'type': 'deploy-key', 'fingerprint': SHA, 'preferred': True,
             'time': '2024-04-30T08:00:00.000Z', 'login': None}


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def test_circleci_project_default_reads_v2_lists_and_no_settings(api, run_module):
    api.add(responses.GET, API + '/me', json={'login': 'demo'})
    api.add(responses.GET, API + '/projects', json=[])
    api.add(responses.GET, V2_PROJ + '/envvar', json=page([ENVVARS[0]], 'p2'))
    api.add(responses.GET, V2_PROJ + '/envvar', json=page([ENVVARS[1]]))
    api.add(responses.GET, V2_PROJ + '/checkout-key', json=page([dict(V2_KEY, fingerprint=FP)]))
    result = run_module(circleci_project_info, dict(project_slug=CIRCLECI_SLUG))
    assert result['gathered'] == ['me', 'projects', 'envvars', 'checkout_keys']
    assert result['project'] == CIRCLECI_SLUG and result['api_version'] == 'v2'
    assert result['envvars'] == ENVVARS
    assert result['checkout_keys'] == [dict(SHOWN_KEY, fingerprint=FP)]
    assert [c.request.url.replace(V2_PROJ, '') for c in api.calls][2:] == [
        '/envvar', '/envvar?page-token=p2', '/checkout-key']


def test_circleci_project_settings_fail_before_any_request(api, run_module):
    result = run_module(circleci_project_info, dict(project_slug=CIRCLECI_SLUG, gather=['settings']))
    assert result['failed'] is True
    assert result['msg'].startswith('gather=settings (the project settings with its SSH keys) needs CircleCI API v1.1, '
                                    'which cannot reach ' + CIRCLECI_SLUG)
    assert len(api.calls) == 0


def test_sha256_fingerprints_are_read_through_v2_with_the_digest(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/checkout-key/SHA256:HjsGEbI1akHSO2LvGcMjbExXGmdwy39UA%2BXuii%2FCi7A',
            json=V2_KEY, match=[responses.matchers.query_param_matcher({'digest': 'sha256'})])
    result = run_module(circleci_project_info, dict(project_slug='gh/acme/app', gather=['checkout_keys'],
                                                    fingerprints=[SHA]))
    assert result['checkout_keys'] == [SHOWN_KEY]
    assert result['api_version'] == 'v2'


def test_sha256_digest_of_the_whole_list(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/checkout-key', json=page([V2_KEY]),
            match=[responses.matchers.query_param_matcher({'digest': 'sha256'})])
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['checkout_keys'],
                                                    fingerprint_digest='sha256'))
    assert result['checkout_keys'] == [SHOWN_KEY]


def test_named_envvars_through_v2(api, run_module):
    api.add(responses.GET, V2_PROJ + '/envvar/AWS_REGION', json=ENVVARS[0])
    api.add(responses.GET, V2_PROJ + '/envvar/NOPE', status=404, json={'message': 'Entity not found'})
    result = run_module(circleci_project_info, dict(project_slug=CIRCLECI_SLUG, gather=['envvars'],
                                                    envvar_names=['AWS_REGION', 'NOPE']))
    assert result['envvars'] == [ENVVARS[0]]


@pytest.mark.parametrize('args, message', [
    (dict(project_slug=CIRCLECI_SLUG, gather=['envvars'], api_version='v1.1'),
     'circleci_project_info needs CircleCI API v1.1, which cannot reach'),
    (dict(project_slug='gh/acme/app', gather=['checkout_keys'], fingerprints=[SHA], api_version='v1.1'),
     'needs CircleCI API v2: set api_version to v2 or auto'),
    (dict(project_slug='gh/acme/app', gather=['checkout_keys'], fingerprints=[SHA, FP]),
     'fingerprints mixes MD5 and SHA-256 fingerprints'),
    (dict(project_slug='gh/acme/app', gather=['checkout_keys'], fingerprints=[FP], fingerprint_digest='sha256'),
     'the fingerprints given are MD5 but fingerprint_digest is sha256'),
])
def test_v2_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(circleci_project_info, args)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_me_and_settings_stay_on_v1_when_v2_is_asked_for(api, run_module):
    api.add(responses.GET, API + '/me', json={'login': 'demo'})
    api.add(responses.GET, PROJ + '/settings', json=SETTINGS)
    api.add(responses.GET, V2 + '/project/github/acme/app/envvar', json=page(ENVVARS))
    result = run_module(circleci_project_info, dict(project_slug='gh/acme/app', gather=['me', 'settings', 'envvars'],
                                                    api_version='v2'))
    assert result['envvars'] == ENVVARS and result['api_version'] == 'v2'
    assert result['settings']['default_branch'] == 'main'


# ---------------------------------------------------------------- CircleCI removes branches on 2026-12-07

def test_projects_are_asked_for_in_the_light_form_and_read_without_branches(api, run_module):
    light = dict((k, v) for k, v in SETTINGS.items() if k != 'branches')
    api.add(responses.GET, API + '/projects', json=[light],
            match=[responses.matchers.query_param_matcher({'shallow': 'true'})])
    api.add(responses.GET, PROJ + '/settings', json=light)
    result = run_module(circleci_project_info, dict(username='acme', project='app', gather=['projects', 'settings']))
    assert result['gathered'] == ['projects', 'settings']
    assert 'branches' not in result['projects'][0] and 'branches' not in result['settings']
    assert result['projects'][0]['default_branch'] == 'main' and result['settings']['default_branch'] == 'main'
    assert result['settings']['ssh_keys'] == [
        {'hostname': 'deploy.example.com', 'fingerprint': 'aa:bb', 'public_key': 'ssh-ed25519 AAAA'}]
    assert [c.request.url for c in api.calls] == [API + '/projects?shallow=true', PROJ + '/settings']
    assert_no_secret(result)
