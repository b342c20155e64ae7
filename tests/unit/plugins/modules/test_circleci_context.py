# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_context as mod

V2 = 'https://circleci.example/api/v2'
CTX_ID = '2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e'
PROJECT_ID = '9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80'
CONTEXT = {'id': CTX_ID, 'name': 'deploy', 'created_at': '2026-11-02T09:30:00.000Z'}
OTHER = {'id': '11111111-2222-4333-8444-555555555555', 'name': 'other', 'created_at': '2026-11-01T09:30:00.000Z'}
RESTRICTIONS = V2 + '/context/%s/restrictions' % CTX_ID
VARS = V2 + '/context/%s/environment-variable' % CTX_ID
EXPR = 'pipeline.git.branch == "main"'
WANTED = [dict(type='project', value='gh/acme/app'), dict(type='expression', value=EXPR)]


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def bodies(api):
    return [json.loads(c.request.body) for c in api.calls if c.request.body]


def restriction(rid, kind, value, name):
    return {'id': rid, 'restriction_type': kind, 'restriction_value': value, 'name': name}


def add_project(api):
    api.add(responses.GET, V2 + '/project/github/acme/app',
            json={'id': PROJECT_ID, 'slug': 'gh/acme/app', 'name': 'app', 'organization_id': 'o'})


def test_create_with_restrictions(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([OTHER]))
    add_project(api)
    api.add(responses.POST, V2 + '/context', status=200, json=CONTEXT)
    api.add(responses.POST, RESTRICTIONS, status=201, json=restriction('r1', 'project', PROJECT_ID, 'app'))
    api.add(responses.POST, RESTRICTIONS, status=201, json=restriction('r2', 'expression', EXPR, EXPR))
    result = run_module(mod, dict(name='deploy', owner_slug='github/acme', restrictions=WANTED), diff=True)
    assert result['changed'] is True
    assert calls(api) == [
        ('GET', '/context?owner-slug=gh%2Facme'), ('GET', '/project/github/acme/app'), ('POST', '/context'),
        ('POST', '/context/%s/restrictions' % CTX_ID), ('POST', '/context/%s/restrictions' % CTX_ID)]
    assert bodies(api) == [
        {'name': 'deploy', 'owner': {'slug': 'gh/acme', 'type': 'organization'}},
        {'restriction_type': 'project', 'restriction_value': PROJECT_ID},
        {'restriction_type': 'expression', 'restriction_value': EXPR}]
    assert result['context'] == {'id': CTX_ID, 'name': 'deploy', 'created_at': '2026-11-02T09:30:00.000Z'}
    assert result['owner'] == {'slug': 'gh/acme', 'id': None, 'type': 'organization'}
    assert result['restrictions_added'] == [dict(type='project', value=PROJECT_ID), dict(type='expression', value=EXPR)]
    assert result['restrictions_removed'] == []
    assert result['restrictions'] == [dict(id='r1', type='project', value=PROJECT_ID, name='app'),
                                      dict(id='r2', type='expression', value=EXPR, name=EXPR)]
    assert result['diff'] == {'before': {}, 'after': {
        'name': 'deploy', 'owner': 'gh/acme', 'restrictions': ['expression: ' + EXPR, 'project: ' + PROJECT_ID]}}


def test_check_mode_creates_nothing_and_predicts_the_same(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([]))
    add_project(api)
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', restrictions=WANTED), check_mode=True, diff=True)
    assert [method for method, path in calls(api)] == ['GET', 'GET']
    assert result['changed'] is True
    assert result['context'] == {'id': None, 'name': 'deploy', 'created_at': None}
    assert result['restrictions'] == [dict(id=None, type='project', value=PROJECT_ID, name=None),
                                      dict(id=None, type='expression', value=EXPR, name=None)]
    assert result['diff']['after']['restrictions'] == ['expression: ' + EXPR, 'project: ' + PROJECT_ID]


def test_second_run_reads_only(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([OTHER], 'p2'))
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    add_project(api)
    api.add(responses.GET, RESTRICTIONS, json=page([
        restriction('r2', 'expression', EXPR, EXPR), restriction('r1', 'project', PROJECT_ID.upper(), 'app')]))
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', restrictions=WANTED))
    assert result['changed'] is False
    assert [method for method, path in calls(api)] == ['GET'] * 4
    assert calls(api)[1] == ('GET', '/context?owner-slug=gh%2Facme&page-token=p2')
    assert result['restrictions_added'] == [] and result['restrictions_removed'] == []
    assert [r['id'] for r in result['restrictions']] == ['r2', 'r1']


def test_restrictions_are_an_exact_set_added_before_removed(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, RESTRICTIONS, json=page([
        restriction('r1', 'project', PROJECT_ID, 'app'), restriction('r9', 'group', 'g-1', 'team')]))
    api.add(responses.POST, RESTRICTIONS, status=201, json=restriction('r3', 'expression', EXPR, EXPR))
    api.add(responses.DELETE, RESTRICTIONS + '/r1', json={'message': 'Restriction deleted'})
    api.add(responses.DELETE, RESTRICTIONS + '/r9', json={'message': 'Restriction deleted'})
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', restrictions=[dict(type='expression', value=EXPR)]),
                        diff=True)
    assert result['changed'] is True
    assert [method for method, path in calls(api)] == ['GET', 'GET', 'POST', 'DELETE', 'DELETE']
    assert [r['id'] for r in result['restrictions_removed']] == ['r1', 'r9']
    assert result['restrictions'] == [dict(id='r3', type='expression', value=EXPR, name=EXPR)]
    assert result['diff']['before']['restrictions'] == ['group: g-1', 'project: ' + PROJECT_ID]
    assert result['diff']['after']['restrictions'] == ['expression: ' + EXPR]


def test_an_empty_list_removes_every_restriction(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, RESTRICTIONS, json=page([restriction('r1', 'project', PROJECT_ID, 'app')]))
    api.add(responses.DELETE, RESTRICTIONS + '/r1', json={'message': 'Restriction deleted'})
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', restrictions=[]))
    assert result['changed'] is True and result['restrictions'] == []


def test_without_restrictions_an_existing_context_is_one_get(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    result = run_module(mod, dict(name='deploy', owner_id=CTX_ID.replace('2b', '7c', 1)))
    assert result['changed'] is False
    assert result['context'] == CONTEXT
    assert 'restrictions' not in result
    assert calls(api) == [('GET', '/context?owner-id=7c7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e&owner-type=organization')]


def test_account_owner_on_server(api, run_module):
    owner = '7c1a3b6e-5d2f-4e8a-9b0c-1d2e3f4a5b6c'
    api.add(responses.GET, V2 + '/context', json=page([]))
    api.add(responses.POST, V2 + '/context', json=CONTEXT)
    result = run_module(mod, dict(name='deploy', owner_id=owner, owner_type='account'))
    assert result['changed'] is True
    assert bodies(api) == [{'name': 'deploy', 'owner': {'id': owner, 'type': 'account'}}]


def test_absent_context_is_nothing_to_do(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([OTHER]))
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', state='absent'), diff=True)
    assert result['changed'] is False and result['context'] is None
    assert len(api.calls) == 1


def test_deleting_a_context_with_variables_needs_force_and_says_how_many(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([{'variable': 'A', 'context_id': CTX_ID}], 'p2'))
    api.add(responses.GET, VARS, json=page([{'variable': 'B', 'context_id': CTX_ID},
                                            {'variable': 'C', 'context_id': CTX_ID}]))
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', state='absent'))
    assert result['failed'] is True
    assert result['msg'] == ('context deploy of gh/acme still has 3 environment variables (A, B, C); set force: true '
                             'to delete the context and them all')
    assert [method for method, path in calls(api)] == ['GET', 'GET', 'GET']


def test_forced_delete(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([{'variable': 'A', 'context_id': CTX_ID}]))
    api.add(responses.DELETE, V2 + '/context/' + CTX_ID, json={'message': 'Context deleted.'})
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', state='absent', force=True), diff=True)
    assert result['changed'] is True
    assert result['deleted_envvars'] == ['A']
    assert result['context'] == CONTEXT
    assert result['diff'] == {'before': {'name': 'deploy', 'owner': 'gh/acme', 'envvars': ['A']}, 'after': {}}
    assert calls(api)[-1] == ('DELETE', '/context/' + CTX_ID)


def test_empty_context_is_deleted_without_force_and_check_mode_sends_no_delete(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([]))
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', state='absent'), check_mode=True)
    assert result['changed'] is True and result['deleted_envvars'] == []
    assert [method for method, path in calls(api)] == ['GET', 'GET']


@pytest.mark.parametrize('args, message', [
    (dict(name='', owner_slug='gh/acme'), 'The context name must be a non-empty string'),
    (dict(name='x' * 201, owner_slug='gh/acme'), 'is 201 characters long; CircleCI allows up to 200'),
    (dict(name='deploy'), 'one of the following is required: owner_slug, owner_id'),
    (dict(name='deploy', owner_slug='acme'), "Invalid owner_slug 'acme'"),
    (dict(name='deploy', owner_slug='gh/acme', owner_id=CTX_ID), 'mutually exclusive: owner_slug|owner_id'),
    (dict(name='deploy', owner_slug='gh/acme', state='absent', restrictions=[]), 'restrictions applies to state=present'),
    (dict(name='deploy', owner_slug='gh/acme', restrictions=[dict(type='project', value='app')]),
     'a project restriction names the project by its UUID or its slug'),
    (dict(name='deploy', owner_slug='bb/acme', restrictions=[dict(type='group', value='1')]),
     'group restrictions work only for GitHub organizations'),
    (dict(name='deploy', owner_slug='gh/acme', restrictions=[dict(type='branch', value='1')]),
     'value of type must be one of: project, expression, group'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(mod, args)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_a_404_on_create_names_the_owner_options(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([]))
    api.add(responses.POST, V2 + '/context', status=404, json={'message': 'Not Found'})
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme'))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 404 Not Found for POST /api/v2/context: check owner_slug (e.g. '
                             'gh/acme) or owner_id and owner_type, and that the token (a personal API token) can see '
                             'the organization')


def test_a_context_with_one_variable_names_it_as_one(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([{'variable': 'A', 'context_id': CTX_ID}]))
    result = run_module(mod, dict(name='deploy', owner_slug='gh/acme', state='absent'))
    assert result['failed'] is True
    assert result['msg'] == ('context deploy of gh/acme still has 1 environment variable (A); set force: true '
                             'to delete the context and it')
