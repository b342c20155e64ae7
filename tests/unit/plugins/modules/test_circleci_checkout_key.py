# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_checkout_key as mod

from .conftest import API

KEYS = API + '/project/github/acme/app/checkout-key'
FP_DEPLOY = 'a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b'
FP_USER = '10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5'
FP_USER2 = '20:2e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5'
FP_NEW = 'ff:ee:dd:cc:bb:aa:99:88:77:66:55:44:33:22:11:00'


def key(fp, ktype='deploy-key', preferred=False):
    return {'public_key': 'ssh-ed25519 AAAA%s\n' % fp.replace(':', ''), 'type': ktype, 'fingerprint': fp,
            'login': 'demo' if ktype == 'github-user-key' else None, 'preferred': preferred,
            'time': '2024-05-01T10:00:00.000Z'}


DEPLOY = key(FP_DEPLOY, preferred=True)
USER = key(FP_USER, 'github-user-key')
USER2 = key(FP_USER2, 'github-user-key')
NEW_DEPLOY = key(FP_NEW)


def methods(api):
    return [(c.request.method, c.request.url.replace(API, '')) for c in api.calls]


# ---------------------------------------------------------------- plan


def norm(*keys):
    return [mod.normalize_key(k) for k in keys]


def test_plan_present_existing_type_returns_it():
    plan = mod.plan_checkout_keys(norm(DEPLOY, USER), 'present', 'deploy-key')
    assert plan == {'create': None, 'delete': [], 'key': mod.normalize_key(DEPLOY)}


def test_plan_present_prefers_the_preferred_key_of_the_type():
    preferred_user = dict(USER2, preferred=True)
    plan = mod.plan_checkout_keys(norm(USER, preferred_user), 'present', 'github-user-key')
    assert plan['key']['fingerprint'] == FP_USER2
    assert plan['create'] is None


def test_plan_present_missing_type_creates():
    plan = mod.plan_checkout_keys(norm(DEPLOY), 'present', 'github-user-key')
    assert plan == {'create': 'github-user-key', 'delete': [], 'key': None}
    assert mod.plan_checkout_keys([], 'present', 'deploy-key')['create'] == 'deploy-key'


def test_plan_absent_by_fingerprint_is_case_insensitive():
    upper = dict(DEPLOY, fingerprint=FP_DEPLOY.upper())
    plan = mod.plan_checkout_keys(norm(upper, USER), 'absent', fingerprint=FP_DEPLOY)
    # The server's spelling is kept for the DELETE URL.
    assert plan['delete'] == [FP_DEPLOY.upper()]
    assert plan['create'] is None


def test_plan_absent_unknown_fingerprint_does_nothing():
    plan = mod.plan_checkout_keys(norm(DEPLOY), 'absent', fingerprint=FP_NEW)
    assert plan == {'create': None, 'delete': [], 'key': None}


def test_plan_absent_by_type_deletes_every_key_of_that_type():
    plan = mod.plan_checkout_keys(norm(USER, DEPLOY, USER2), 'absent', 'github-user-key')
    assert plan['delete'] == [FP_USER, FP_USER2]
    assert mod.plan_checkout_keys(norm(DEPLOY), 'absent', 'github-user-key')['delete'] == []


def test_predicted_after_and_summary():
    keys = norm(DEPLOY, USER)
    plan = mod.plan_checkout_keys(keys, 'absent', 'github-user-key')
    assert mod.summarize(mod.predicted_after(keys, plan)) == {
        'checkout_keys': [{'type': 'deploy-key', 'fingerprint': FP_DEPLOY}]}
    plan = mod.plan_checkout_keys(keys[:1], 'present', 'github-user-key')
    assert mod.summarize(mod.predicted_after(keys[:1], plan))['checkout_keys'][-1] == {
        'type': 'github-user-key', 'fingerprint': None}


# ---------------------------------------------------------------- module: present


def test_present_existing_key_sends_one_get_and_returns_it(api, run_module):
    api.add(responses.GET, KEYS, json=[DEPLOY])
    result = run_module(mod, dict(username='acme', project='app', type='deploy-key'))
    assert result['changed'] is False
    assert result['key'] == DEPLOY
    assert result['project'] == 'github/acme/app'
    assert methods(api) == [('GET', '/project/github/acme/app/checkout-key')]


def test_present_creates_with_an_object_body(api, run_module):
    api.add(responses.GET, KEYS, json=[])
    api.add(responses.POST, KEYS, status=201, json=NEW_DEPLOY)
    result = run_module(mod, dict(username='acme', project='app', type='deploy-key'), diff=True)
    assert result['changed'] is True
    assert result['key'] == NEW_DEPLOY
    assert methods(api) == [('GET', '/project/github/acme/app/checkout-key'),
                            ('POST', '/project/github/acme/app/checkout-key')]
    # Spec defect 4: an object, not a bare string.
    assert json.loads(api.calls[1].request.body) == {'type': 'deploy-key'}
    assert api.calls[1].request.headers['Content-Type'] == 'application/json'
    assert result['diff'] == {'before': {'checkout_keys': []},
                              'after': {'checkout_keys': [{'type': 'deploy-key', 'fingerprint': FP_NEW}]}}


def test_present_check_mode_sends_no_post_and_returns_null_key(api, run_module):
    api.add(responses.GET, KEYS, json=[DEPLOY])
    result = run_module(mod, dict(username='acme', project='app', type='github-user-key'),
                        check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['key'] is None
    assert methods(api) == [('GET', '/project/github/acme/app/checkout-key')]
    assert result['diff']['after']['checkout_keys'] == [
        {'type': 'deploy-key', 'fingerprint': FP_DEPLOY}, {'type': 'github-user-key', 'fingerprint': None}]


def test_user_key_with_project_token_fails_with_the_hint(api, run_module):
    api.add(responses.GET, KEYS, json=[DEPLOY])
    api.add(responses.POST, KEYS, status=403, json={'message': 'Permission denied'})
    result = run_module(mod, dict(username='acme', project='app', type='github-user-key'))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 403 Permission denied for POST /project/github/acme/app/checkout-key: '
                             'github-user-key needs a personal API token (a project token cannot create user keys)')
    assert result['status'] == 403
    assert len(api.calls) == 2


def test_deploy_key_403_keeps_the_generic_message(api, run_module):
    api.add(responses.GET, KEYS, json=[])
    api.add(responses.POST, KEYS, status=403, json={'message': 'Permission denied'})
    result = run_module(mod, dict(username='acme', project='app', type='deploy-key'))
    assert result['failed'] is True
    assert 'github-user-key' not in result['msg']
    assert result['msg'].startswith('CircleCI answered 403 Permission denied for POST')


def test_unknown_project_fails_on_the_list(api, run_module):
    api.add(responses.GET, API + '/project/github/acme/nope/checkout-key', status=404,
            json={'message': 'Project not found'})
    result = run_module(mod, dict(username='acme', project='nope', type='deploy-key'))
    assert result['failed'] is True
    assert 'CircleCI answered 404 Project not found for GET /project/github/acme/nope/checkout-key' in result['msg']
    assert len(api.calls) == 1


# ---------------------------------------------------------------- module: absent


def test_absent_by_fingerprint_deletes_that_key(api, run_module):
    api.add(responses.GET, KEYS, json=[DEPLOY, USER])
    api.add(responses.DELETE, KEYS + '/' + FP_DEPLOY, json={'message': 'OK'})
    result = run_module(mod, dict(username='acme', project='app', state='absent',
                                  fingerprint=FP_DEPLOY.upper()), diff=True)
    assert result['changed'] is True
    assert result['removed'] == [FP_DEPLOY]
    assert 'key' not in result
    assert methods(api)[1] == ('DELETE', '/project/github/acme/app/checkout-key/' + FP_DEPLOY)
    assert result['diff']['after'] == {'checkout_keys': [{'type': 'github-user-key', 'fingerprint': FP_USER}]}


def test_absent_unknown_fingerprint_is_unchanged_without_delete(api, run_module):
    api.add(responses.GET, KEYS, json=[DEPLOY])
    result = run_module(mod, dict(username='acme', project='app', state='absent', fingerprint=FP_NEW))
    assert result['changed'] is False
    assert result['removed'] == []
    assert len(api.calls) == 1


def test_absent_by_type_deletes_every_key_of_the_type(api, run_module):
    api.add(responses.GET, KEYS, json=[USER, DEPLOY, USER2])
    api.add(responses.DELETE, KEYS + '/' + FP_USER, json={'message': 'OK'})
    api.add(responses.DELETE, KEYS + '/' + FP_USER2, json={'message': 'OK'})
    result = run_module(mod, dict(username='acme', project='app', state='absent', type='github-user-key'))
    assert result['changed'] is True
    assert result['removed'] == [FP_USER, FP_USER2]
    assert [call[0] for call in methods(api)] == ['GET', 'DELETE', 'DELETE']


def test_absent_check_mode_sends_no_delete(api, run_module):
    api.add(responses.GET, KEYS, json=[USER, DEPLOY])
    result = run_module(mod, dict(username='acme', project='app', state='absent', type='github-user-key'),
                        check_mode=True)
    assert result['changed'] is True
    assert result['removed'] == [FP_USER]
    assert methods(api) == [('GET', '/project/github/acme/app/checkout-key')]


def test_key_deleted_meanwhile_is_not_an_error(api, run_module):
    api.add(responses.GET, KEYS, json=[USER])
    api.add(responses.DELETE, KEYS + '/' + FP_USER, status=404,
            json={'message': 'checkout key not found'})
    result = run_module(mod, dict(username='acme', project='app', state='absent', fingerprint=FP_USER))
    assert result['changed'] is True
    assert result['removed'] == [FP_USER]


# ---------------------------------------------------------------- bad input, before any request


@pytest.mark.parametrize('args, message', [
    (dict(state='absent', fingerprint='not-a-fingerprint'), "Invalid fingerprint 'not-a-fingerprint'"),
    (dict(state='absent', fingerprint='a6:8e:59'), 'expected 16 colon-separated hex pairs'),
    (dict(state='present'), 'state is present but all of the following are missing: type'),
    (dict(state='absent'), 'state is absent but any of the following are missing: type, fingerprint'),
    (dict(state='absent', type='deploy-key', fingerprint=FP_DEPLOY), 'mutually exclusive: type|fingerprint'),
    (dict(type='ssh-key'), 'value of type must be one of: deploy-key, github-user-key'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(mod, dict(username='acme', project='app', **args))
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_bitbucket_and_v1_paths(api, run_module):
    api.add(responses.GET, API + '/project/bitbucket/acme/lib/checkout-key', json=[DEPLOY])
    result = run_module(mod, dict(username='acme', project='lib', vcs_type='bitbucket', type='deploy-key'))
    assert result['changed'] is False
    api.add(responses.GET, 'https://circleci.example/api/v1/project/acme/app/checkout-key', json=[DEPLOY])
    result = run_module(mod, dict(username='acme', project='app', type='deploy-key',
                                  api_url='https://circleci.example/api/v1'))
    assert result['key']['fingerprint'] == FP_DEPLOY
