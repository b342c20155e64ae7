# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._checkout_keys import sha256_fingerprint
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
    (dict(state='absent', fingerprint='a6:8e:59'), 'expected an MD5 fingerprint of 16 colon-separated hex pairs'),
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


# ---------------------------------------------------------------- API v2: circleci/ slugs and SHA-256 fingerprints

V2 = 'https://circleci.example/api/v2'
ORG = '5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b'
PRJ = '9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80'
CIRCLECI_SLUG = 'circleci/%s/%s' % (ORG, PRJ)
V2_KEYS = V2 + '/project/circleci/%s/%s/checkout-key' % (ORG, PRJ)
V2_GH_KEYS = V2 + '/project/github/acme/app/checkout-key'
# ssh-keygen -lf / -E md5 -lf of this key:
ED_PUBLIC = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFuxcopRJEqej6aA12cAeOuU2ztuNebjimpQffQUuDCZ test'
ED_SHA256 = 'SHA256:HjsGEbI1akHSO2LvGcMjbExXGmdwy39UA+Xuii/Ci7A'
ED_MD5 = '2a:96:30:3a:b6:53:97:76:23:bb:18:56:62:f4:e3:3b'


def v2_key(fp, ktype='deploy-key', preferred=True, public=ED_PUBLIC):
    return {'public-key': public, 'type': ktype, 'fingerprint': fp, 'preferred': preferred,
            'created-at': '2024-05-01T10:00:00.000Z'}


def wire_key(fp, ktype='deploy-key', preferred=True, public=ED_PUBLIC):
    """A v2 checkout key as recorded circleci.com answers spell it (the reference: v2_key)."""
    return {'public_key': public, 'type': ktype, 'fingerprint': fp, 'preferred': preferred,
            'created_at': '2024-05-01T10:00:00.000Z'}


SPELLINGS = pytest.mark.parametrize('spelled', [v2_key, wire_key], ids=['reference', 'recorded'])


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def v2_calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def test_sha256_fingerprint_of_a_public_key_matches_ssh_keygen():
    assert sha256_fingerprint(ED_PUBLIC) == ED_SHA256
    assert sha256_fingerprint('ssh-ed25519') is None
    assert sha256_fingerprint('ssh-ed25519 not*base64') is None


def test_v2_keys_are_shown_in_the_v1_shape():
    assert mod.normalize_key(v2_key(ED_MD5, 'github-user-key')) == {
        'public_key': ED_PUBLIC, 'fingerprint': ED_MD5, 'type': 'github-user-key', 'preferred': True,
        'time': '2024-05-01T10:00:00.000Z', 'login': None}
    assert mod.normalize_key(v2_key(ED_MD5, 'user-key'))['type'] == 'github-user-key'


@SPELLINGS
def test_v2_keys_in_either_spelling_are_shown_with_their_public_key_and_time(spelled):
    assert mod.normalize_key(spelled(ED_MD5)) == {
        'public_key': ED_PUBLIC, 'fingerprint': ED_MD5, 'type': 'deploy-key', 'preferred': True,
        'time': '2024-05-01T10:00:00.000Z', 'login': None}


@SPELLINGS
def test_a_key_listed_through_v2_has_its_time_in_either_spelling(api, run_module, spelled):
    api.add(responses.GET, V2_KEYS, json=page([spelled(ED_MD5)]))
    result = run_module(mod, dict(project_slug=CIRCLECI_SLUG, type='deploy-key'))
    assert result['changed'] is False
    assert result['key']['time'] == '2024-05-01T10:00:00.000Z'
    assert result['key']['public_key'] == ED_PUBLIC


@SPELLINGS
def test_a_key_created_through_v2_has_its_time_in_either_spelling(api, run_module, spelled):
    api.add(responses.GET, V2_GH_KEYS, json=page([]))
    api.add(responses.POST, V2_GH_KEYS, status=201, json=spelled(ED_MD5))
    result = run_module(mod, dict(project_slug='gh/acme/app', type='deploy-key', api_version='v2',
                                  fingerprint_digest='sha256'))
    assert result['changed'] is True
    assert result['key']['time'] == '2024-05-01T10:00:00.000Z'
    # The SHA-256 fingerprint follows from the public key, so the public key was read too.
    assert result['key']['public_key'] == ED_PUBLIC and result['key']['fingerprint'] == ED_SHA256


def test_circleci_slug_reads_every_page_through_v2(api, run_module):
    api.add(responses.GET, V2_KEYS, json=page([v2_key(FP_USER, 'github-user-key', False)], 'p2'))
    api.add(responses.GET, V2_KEYS, json=page([v2_key(ED_MD5)]))
    result = run_module(mod, dict(project_slug=CIRCLECI_SLUG, type='deploy-key'))
    assert result['changed'] is False
    assert result['key'] == mod.normalize_key(v2_key(ED_MD5))
    assert result['project'] == CIRCLECI_SLUG and result['api_version'] == 'v2'
    assert v2_calls(api)[1] == ('GET', '/project/circleci/%s/%s/checkout-key?page-token=p2' % (ORG, PRJ))


def test_v2_user_key_is_created_as_user_key(api, run_module):
    api.add(responses.GET, V2_GH_KEYS, json=page([v2_key(ED_MD5)]))
    api.add(responses.POST, V2_GH_KEYS, status=201, json=v2_key(FP_NEW, 'github-user-key', False))
    result = run_module(mod, dict(project_slug='gh/acme/app', type='github-user-key', api_version='v2'), diff=True)
    assert result['changed'] is True
    assert json.loads(api.calls[1].request.body) == {'type': 'user-key'}
    assert result['key']['fingerprint'] == FP_NEW and result['key']['type'] == 'github-user-key'
    assert result['diff']['after']['checkout_keys'][-1] == {'type': 'github-user-key', 'fingerprint': FP_NEW}


def test_a_circleci_project_that_cannot_have_keys_says_why(api, run_module):
    api.add(responses.GET, V2_KEYS, json=page([]))
    api.add(responses.POST, V2_KEYS, status=400, json={'message': 'Checkout keys cannot be created for this project'})
    result = run_module(mod, dict(project_slug=CIRCLECI_SLUG, type='deploy-key'))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 400 Checkout keys cannot be created for this project for POST '
                                    '/api/v2/project/circleci/')
    assert 'GitHub App and GitLab projects check out through their integration' in result['msg']


def test_sha256_fingerprint_selects_v2_and_the_sha256_digest(api, run_module):
    api.add(responses.GET, V2_GH_KEYS, json=page([v2_key(ED_SHA256), v2_key('SHA256:' + 'A' * 43, preferred=False)]),
            match=[responses.matchers.query_param_matcher({'digest': 'sha256'})])
    api.add(responses.DELETE, V2_GH_KEYS + '/SHA256:HjsGEbI1akHSO2LvGcMjbExXGmdwy39UA%2BXuii%2FCi7A',
            json={'message': 'Checkout key deleted.'})
    result = run_module(mod, dict(project_slug='gh/acme/app', state='absent', fingerprint=ED_SHA256[7:] + '='))
    assert result['changed'] is True
    assert result['removed'] == [ED_SHA256]
    assert result['api_version'] == 'v2'
    assert [method for method, path in v2_calls(api)] == ['GET', 'DELETE']


def test_sha256_digest_of_a_created_key_follows_from_its_public_key(api, run_module):
    api.add(responses.GET, V2_GH_KEYS, json=page([]))
    api.add(responses.POST, V2_GH_KEYS, status=201, json=v2_key(ED_MD5))
    result = run_module(mod, dict(project_slug='gh/acme/app', type='deploy-key', fingerprint_digest='sha256'))
    assert result['key']['fingerprint'] == ED_SHA256
    assert api.calls[0].request.url == V2_GH_KEYS + '?digest=sha256'


@pytest.mark.parametrize('args, message', [
    (dict(state='absent', fingerprint=ED_SHA256, api_version='v1.1'),
     'a SHA-256 fingerprint (fingerprint_digest: sha256) needs CircleCI API v2: set api_version to v2 or auto'),
    (dict(type='deploy-key', fingerprint_digest='sha256', api_version='v1.1'), 'needs CircleCI API v2'),
    (dict(state='absent', fingerprint=ED_SHA256, fingerprint_digest='md5'),
     "the fingerprint given is SHA-256 but fingerprint_digest is md5: leave fingerprint_digest out, or give the key's MD5"),
    (dict(state='absent', fingerprint='SHA256:short'), "Invalid fingerprint 'SHA256:short'"),
    (dict(project_slug=CIRCLECI_SLUG, type='deploy-key', api_version='v1.1'),
     'circleci_checkout_key needs CircleCI API v1.1, which cannot reach'),
])
def test_v2_bad_input_fails_before_any_request(api, run_module, args, message):
    full = dict(project_slug='gh/acme/app')
    full.update(args)
    result = run_module(mod, full)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0
