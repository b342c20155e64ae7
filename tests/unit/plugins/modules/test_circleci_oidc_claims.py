# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_oidc_claims as mod

V2 = 'https://circleci.example/api/v2'
ORG = '688e283b-82a6-4f12-85e4-5fc6ced69c2b'
PROJ = '67899bff-f2d0-43c4-a0ea-f019e733cb62'
ORG_PATH = '/org/%s/oidc-custom-claims' % ORG
PROJ_PATH = '/org/%s/project/%s/oidc-custom-claims' % (ORG, PROJ)
AT = '2026-12-01T10:00:00.000Z'


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def bodies(api):
    return [json.loads(c.request.body) for c in api.calls if c.request.body]


def claims(**fields):
    out = {'org_id': ORG}
    out.update(fields)
    return out


def test_org_claims_patch_only_what_differs_and_return_the_answer(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims(ttl='1h', ttl_updated_at=AT))
    api.add(responses.PATCH, V2 + ORG_PATH, json=claims(audience=['sts.amazonaws.com'], audience_updated_at=AT,
                                                        ttl='1h', ttl_updated_at=AT))
    result = run_module(mod, dict(org_id=ORG.upper(), audience=['sts.amazonaws.com'], ttl='60m'), diff=True)
    assert result['changed'] is True and result['changes'] == ['audience']
    assert calls(api) == [('GET', ORG_PATH), ('PATCH', ORG_PATH)]
    assert bodies(api) == [{'audience': ['sts.amazonaws.com']}]
    assert result['claims'] == {'org_id': ORG, 'project_id': None, 'audience': ['sts.amazonaws.com'],
                                'audience_updated_at': AT, 'ttl': '1h', 'ttl_updated_at': AT}
    assert result['diff'] == {'before': {'audience': None, 'ttl': '1h'},
                              'after': {'audience': ['sts.amazonaws.com'], 'ttl': '1h'}}


def test_second_run_reads_once(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims(audience=['b', 'a'], ttl='1h'))
    result = run_module(mod, dict(org_id=ORG, audience=['a', 'b', 'a'], ttl='1h'))
    assert result['changed'] is False and result['changes'] == [] and len(api.calls) == 1


def test_check_mode_sends_no_write(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims())
    result = run_module(mod, dict(org_id=ORG, ttl='30m'), check_mode=True)
    assert result['changed'] is True and [m for m, p in calls(api)] == ['GET']
    assert result['claims']['ttl'] == '30m'


def test_a_project_slug_is_resolved_in_one_read(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app', json={'id': PROJ.upper(), 'organization_id': ORG})
    api.add(responses.GET, V2 + PROJ_PATH, json=claims(project_id=PROJ))
    api.add(responses.PATCH, V2 + PROJ_PATH, json=claims(project_id=PROJ, audience=['https://vault.example.com']))
    result = run_module(mod, dict(project_slug='gh/acme/app', audience=['https://vault.example.com']))
    assert calls(api) == [('GET', '/project/github/acme/app'), ('GET', PROJ_PATH), ('PATCH', PROJ_PATH)]
    assert result['claims']['project_id'] == PROJ and result['changed'] is True


def test_absent_deletes_only_the_claims_that_are_set(api, run_module):
    api.add(responses.GET, V2 + PROJ_PATH, json=claims(project_id=PROJ, ttl='1h'))
    api.add(responses.DELETE, V2 + PROJ_PATH, json=claims(project_id=PROJ))
    result = run_module(mod, dict(org_id=ORG, project_id=PROJ, state='absent'))
    assert result['changed'] is True and result['changes'] == ['ttl']
    assert calls(api) == [('GET', PROJ_PATH), ('DELETE', PROJ_PATH + '?claims=ttl')]
    assert result['claims']['ttl'] is None


def test_absent_with_nothing_set_sends_no_delete(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims())
    result = run_module(mod, dict(org_id=ORG, state='absent'))
    assert result['changed'] is False and len(api.calls) == 1


def test_an_error_object_is_read_as_the_message(api, run_module):
    # These endpoints answer errors as {"error": "..."}, not {"message": "..."}.
    api.add(responses.GET, V2 + ORG_PATH, status=404, json={'error': 'organization not found'})
    result = run_module(mod, dict(org_id=ORG, ttl='1h'))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 404 organization not found for GET /api/v2%s: check org_id and '
                             'project_id (or the project), and that the token can see them' % ORG_PATH)
    assert result['api_message'] == 'organization not found'


def test_a_400_error_object_on_the_patch(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims())
    api.add(responses.PATCH, V2 + ORG_PATH, status=400, json={'error': 'ttl must be at most 1h'})
    result = run_module(mod, dict(org_id=ORG, ttl='2h'))
    assert result['failed'] is True and 'CircleCI answered 400 ttl must be at most 1h for PATCH' in result['msg']


def test_an_answer_that_does_not_hold_the_claim_fails(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, json=claims())
    api.add(responses.PATCH, V2 + ORG_PATH, json=claims())
    result = run_module(mod, dict(org_id=ORG, ttl='1h'))
    assert result['failed'] is True
    assert result['msg'] == "CircleCI's answer to PATCH /api/v2%s does not show ttl as asked (it shows ttl=None)" % ORG_PATH


def test_server_without_the_endpoint_is_one_line(api, run_module):
    api.add(responses.GET, V2 + ORG_PATH, status=404, body='<html><title>Not Found</title></html>', content_type='text/html')
    result = run_module(mod, dict(org_id=ORG, ttl='1h'))
    assert result['msg'] == ('CircleCI at https://circleci.example has no OIDC custom claims endpoint (it answered 404 '
                             '(an HTML page) to GET /api/v2%s): OIDC custom claims need circleci.com or CircleCI '
                             'Server 4.4 or newer' % ORG_PATH)


@pytest.mark.parametrize('args, message', [
    (dict(), 'give org_id (the organisation), org_id and project_id, or project_slug (a project)'),
    (dict(org_id='nope'), "org_id must be a UUID such as 5034460f-c7c4-4c43-9457-de07e2029e7b, got 'nope'"),
    (dict(project_slug='gh/acme/app', project_id=PROJ), 'project_id and project_slug (or username and project) name the project twice: give one'),
    (dict(org_id=ORG, ttl='1 hour'), "ttl must be a duration such as 1h, 30m or 1h30m (hours, minutes, seconds), got '1 hour'"),
    (dict(org_id=ORG, ttl='0m'), "ttl must be a duration such as 1h, 30m or 1h30m (hours, minutes, seconds), got '0m'"),
    (dict(org_id=ORG, audience=[]), 'audience must name at least one audience; to remove it, use state=absent with claims=[audience]'),
    (dict(org_id=ORG, audience=['']), "audience must be a list of non-empty values without control characters, got ''"),
    (dict(org_id=ORG, ttl='1h', state='absent'), 'ttl cannot be given with state=absent: name the claims to remove in claims'),
    (dict(org_id=ORG, claims=[], state='absent'), 'claims must name audience, ttl or both with state=absent'),
])
def test_bad_input_before_any_request(api, run_module, args, message):
    result = run_module(mod, args)
    assert result['failed'] is True and result['msg'] == message and len(api.calls) == 0


def test_plan_on_its_own():
    assert mod.plan_oidc_claims({'audience': ['a'], 'ttl': None}, dict(state='present', audience=['a'], ttl='1h')) == {
        'action': 'patch', 'changes': ['ttl'], 'body': {'ttl': '1h'}}
    assert mod.plan_oidc_claims({'audience': ['a']}, dict(state='absent', claims=['audience', 'ttl'])) == {
        'action': 'delete', 'changes': ['audience'], 'body': None}
    assert mod.plan_oidc_claims({'ttl': '3600s'}, dict(state='present', audience=None, ttl='1h'))['action'] is None
