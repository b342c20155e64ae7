# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_context_info as mod

V2 = 'https://circleci.example/api/v2'
A = {'id': '11111111-2222-4333-8444-555555555555', 'name': 'alpha', 'created_at': 't-a'}
B = {'id': '66666666-7777-4888-9999-000000000000', 'name': 'beta', 'created_at': 't-b'}


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def test_every_context_with_variable_names_and_restrictions_every_list_paged(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([A], 'p2'))
    api.add(responses.GET, V2 + '/context', json=page([B]))
    api.add(responses.GET, V2 + '/context/%s/environment-variable' % A['id'], json=page(
        [{'variable': 'X', 'context_id': A['id'], 'created_at': 'c1', 'updated_at': 'u1'}], 'v2'))
    api.add(responses.GET, V2 + '/context/%s/environment-variable' % A['id'], json=page(
        [{'variable': 'Y', 'context_id': A['id'], 'created_at': 'c2', 'updated_at': 'u2'}]))
    api.add(responses.GET, V2 + '/context/%s/restrictions' % A['id'], json=page(
        [{'id': 'r1', 'restriction_type': 'expression', 'restriction_value': 'true', 'name': 'true'}]))
    api.add(responses.GET, V2 + '/context/%s/environment-variable' % B['id'], json=page([]))
    api.add(responses.GET, V2 + '/context/%s/restrictions' % B['id'], json=page([]))
    result = run_module(mod, dict(owner_slug='gh/acme'), check_mode=True)
    assert result['changed'] is False
    assert result['owner'] == {'slug': 'gh/acme', 'id': None, 'type': 'organization'}
    assert result['contexts'] == [
        dict(A, envvars=[dict(name='X', created_at='c1', updated_at='u1'), dict(name='Y', created_at='c2', updated_at='u2')],
             restrictions=[dict(id='r1', type='expression', value='true', name='true')]),
        dict(B, envvars=[], restrictions=[])]
    assert calls(api)[:3] == [('GET', '/context?owner-slug=gh%2Facme'), ('GET', '/context?owner-slug=gh%2Facme&page-token=p2'),
                              ('GET', '/context/%s/environment-variable' % A['id'])]
    assert len(api.calls) == 7


def test_one_context_by_name_without_details(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([A, B], 'p2'))
    result = run_module(mod, dict(owner_slug='gh/acme', name='beta', details=False))
    assert result['contexts'] == [B]
    assert len(api.calls) == 1


def test_a_missing_name_is_an_empty_list(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([A]))
    result = run_module(mod, dict(owner_id=A['id'], name='nope'))
    assert result['contexts'] == []
    assert calls(api) == [('GET', '/context?owner-id=%s&owner-type=organization' % A['id'])]


@pytest.mark.parametrize('args, message', [
    (dict(), 'one of the following is required: owner_slug, owner_id'),
    (dict(owner_slug='acme'), "Invalid owner_slug 'acme'"),
    (dict(owner_slug='gh/acme', name=''), 'The context name must be a non-empty string'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(mod, args)
    assert result['failed'] is True and message in result['msg']
    assert len(api.calls) == 0


def test_an_unknown_owner_says_what_to_check(api, run_module):
    api.add(responses.GET, V2 + '/context', status=404, json={'message': 'Entity not found'})
    result = run_module(mod, dict(owner_slug='gh/nobody'))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Entity not found for GET /api/v2/context: check owner_slug')
