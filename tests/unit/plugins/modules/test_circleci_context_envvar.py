# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._envvars import plan_envvars
from ansible_collections.ciops.circleci.plugins.modules import circleci_context_envvar as mod

V2 = 'https://circleci.example/api/v2'
CTX_ID = '2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e'
CONTEXT = {'id': CTX_ID, 'name': 'deploy', 'created_at': '2026-11-02T09:30:00.000Z'}
VARS = V2 + '/context/%s/environment-variable' % CTX_ID
SECRET = 'Ctx-unit-canary-9f3a71'
T0, T1 = '2026-11-02T09:30:00.000Z', '2026-11-03T10:00:00.000Z'


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def var(name, created=T0, updated=T0):
    return {'variable': name, 'context_id': CTX_ID, 'created_at': created, 'updated_at': updated}


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def put_answer(request):
    name = request.url.rsplit('/', 1)[1]
    return 200, {}, json.dumps(var(name, T1, T1))


def add_puts(api, *names):
    for name in names:
        api.add_callback(responses.PUT, VARS + '/' + name, callback=put_answer, content_type='application/json')


def by_name(**kw):
    args = dict(context='deploy', owner_slug='gh/acme')
    args.update(kw)
    return args


def present(name, value):
    return dict(name=name, value=value, state='present')


# ---------------------------------------------------------------- plan without masks

def test_plan_never_leaves_existing_ones_unverified():
    current = [dict(name='A', value=None), dict(name='B', value=None)]
    todo = plan_envvars(current, [present('A', 'x'), present('C', 'y')], update_values='never', masked=False)
    assert todo['actions'] == [('create', 'C', 'y')]
    assert todo['unverified'] == ['A']
    assert todo['untouched'] == ['A', 'B']
    assert todo['envvars'] == [dict(name='A', value=None), dict(name='B', value=None), dict(name='C', value=None)]


def test_plan_always_rewrites_and_verifies_nothing():
    current = [dict(name='A', value=None)]
    todo = plan_envvars(current, [present('A', 'x')], update_values='always', masked=False)
    assert todo['actions'] == [('update', 'A', 'x')] and todo['unverified'] == []


def test_plan_cannot_compare_masks_it_does_not_have():
    with pytest.raises(ValueError, match='^on_mask_change needs the masked values the API shows$'):
        plan_envvars([], [], update_values='on_mask_change', masked=False)


# ---------------------------------------------------------------- the module

def test_bulk_create_by_context_name(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([var('KEEP')], 'p2'))
    api.add(responses.GET, VARS, json=page([var('OLD')]))
    add_puts(api, 'TOKEN', 'REGION')
    result = run_module(mod, by_name(variables=[
        dict(name='TOKEN', value=SECRET), dict(name='REGION', value='eu-west-1'), dict(name='KEEP', value='k')]))
    assert result['changed'] is True
    assert calls(api) == [
        ('GET', '/context?owner-slug=gh%2Facme'),
        ('GET', '/context/%s/environment-variable' % CTX_ID),
        ('GET', '/context/%s/environment-variable?page-token=p2' % CTX_ID),
        ('PUT', '/context/%s/environment-variable/TOKEN' % CTX_ID),
        ('PUT', '/context/%s/environment-variable/REGION' % CTX_ID)]
    assert [json.loads(c.request.body) for c in api.calls[3:]] == [{'value': SECRET}, {'value': 'eu-west-1'}]
    assert result['added'] == ['TOKEN', 'REGION']
    assert result['updated'] == [] and result['removed'] == []
    assert result['unverified'] == ['KEEP']
    assert result['untouched'] == ['KEEP', 'OLD']
    assert result['envvars'] == [
        dict(name='KEEP', created_at=T0, updated_at=T0), dict(name='OLD', created_at=T0, updated_at=T0),
        dict(name='TOKEN', created_at=T1, updated_at=T1), dict(name='REGION', created_at=T1, updated_at=T1)]
    assert result['context'] == {'id': CTX_ID, 'name': 'deploy'}
    assert SECRET not in json.dumps(result)


def test_second_run_sends_only_gets(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([var('TOKEN'), var('REGION')]))
    result = run_module(mod, by_name(variables=[dict(name='TOKEN', value=SECRET), dict(name='REGION', value='x')]))
    assert result['changed'] is False
    assert result['unverified'] == ['TOKEN', 'REGION']
    assert [method for method, path in calls(api)] == ['GET', 'GET']


def test_rotation_with_always_by_context_id(api, run_module):
    api.add(responses.GET, VARS, json=page([var('TOKEN'), var('REGION')]))
    add_puts(api, 'TOKEN')
    result = run_module(mod, dict(context_id=CTX_ID.upper(), name='TOKEN', value=SECRET, update_values='always'),
                        diff=True)
    assert result['changed'] is True
    assert calls(api) == [('GET', '/context/%s/environment-variable' % CTX_ID),
                          ('PUT', '/context/%s/environment-variable/TOKEN' % CTX_ID)]
    assert result['updated'] == ['TOKEN'] and result['unverified'] == []
    assert result['envvars'][0] == dict(name='TOKEN', created_at=T1, updated_at=T1)
    assert result['context'] == {'id': CTX_ID, 'name': None}
    assert result['diff'] == {'before': {'TOKEN': '(hidden)', 'REGION': '(hidden)'},
                              'after': {'TOKEN': '(hidden, rewritten)', 'REGION': '(hidden)'}}
    assert SECRET not in json.dumps(result)


def test_purge_and_single_absent(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([var('A'), var('B'), var('C')]))
    api.add(responses.DELETE, VARS + '/B', json={'message': 'Environment variable deleted.'})
    api.add(responses.DELETE, VARS + '/C', json={'message': 'Environment variable deleted.'})
    result = run_module(mod, by_name(purge=True, variables=[dict(name='A', value='a'), dict(name='C', state='absent')]))
    assert result['removed'] == ['C', 'B']
    assert [method for method, path in calls(api)] == ['GET', 'GET', 'DELETE', 'DELETE']
    assert result['envvars'] == [dict(name='A', created_at=T0, updated_at=T0)]


def test_check_mode_reports_what_a_real_run_does(api, run_module):
    args = by_name(purge=True, update_values='always',
                   variables=[dict(name='A', value='a'), dict(name='NEW', value=SECRET)])
    api.add(responses.GET, V2 + '/context', json=page([CONTEXT]))
    api.add(responses.GET, VARS, json=page([var('A'), var('B')]))
    checked = run_module(mod, args, check_mode=True, diff=True)
    assert [method for method, path in calls(api)] == ['GET', 'GET']
    add_puts(api, 'A', 'NEW')
    api.add(responses.DELETE, VARS + '/B', json={'message': 'Environment variable deleted.'})
    real = run_module(mod, args, diff=True)
    assert [method for method, path in calls(api)][2:] == ['GET', 'GET', 'PUT', 'PUT', 'DELETE']
    for key in ('changed', 'added', 'updated', 'removed', 'untouched', 'unverified', 'context', 'diff'):
        assert checked[key] == real[key], key
    assert [v['name'] for v in checked['envvars']] == [v['name'] for v in real['envvars']] == ['A', 'NEW']
    assert checked['envvars'][1] == dict(name='NEW', created_at=None, updated_at=None)


def test_a_missing_context_fails_a_real_run_before_any_write(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([]))
    result = run_module(mod, by_name(name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'] == ('context deploy of gh/acme does not exist: create it first with '
                             'ciops.circleci.circleci_context')
    assert len(api.calls) == 1


def test_a_missing_context_in_check_mode_is_planned_as_empty_with_a_warning(api, run_module):
    api.add(responses.GET, V2 + '/context', json=page([]))
    result = run_module(mod, by_name(name='A', value=SECRET), check_mode=True)
    assert result['changed'] is True and result['added'] == ['A']
    assert result['context'] == {'id': None, 'name': 'deploy'}
    assert any('does not exist (yet); check mode plans against an empty context' in w for w in result['warnings'])
    assert len(api.calls) == 1


def test_one_hundred_and_twenty_variables_are_refused_before_any_request(api, run_module):
    result = run_module(mod, by_name(variables=[dict(name='V_%03d' % i, value=SECRET) for i in range(120)]))
    assert result['failed'] is True
    assert result['msg'] == 'variables lists 120 present variables; CircleCI allows up to 100 per context'
    assert len(api.calls) == 0


def test_the_limit_counts_the_variables_already_there_before_any_write(api, run_module):
    api.add(responses.GET, VARS, json=page([var('OLD_%02d' % i) for i in range(95)]))
    result = run_module(mod, dict(context_id=CTX_ID, variables=[dict(name='V_%02d' % i, value='v') for i in range(6)]))
    assert result['failed'] is True
    assert 'would hold 101 variables after this task' in result['msg']
    assert [method for method, path in calls(api)] == ['GET']


def test_a_failing_put_does_not_leak_the_value(api, run_module):
    api.add(responses.GET, VARS, json=page([]))
    api.add(responses.PUT, VARS + '/A', status=400, json={'message': 'bad value %s' % SECRET})
    result = run_module(mod, dict(context_id=CTX_ID, name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 400 bad value ******** for PUT /api/v2/context/')
    assert SECRET not in json.dumps(result)


@pytest.mark.parametrize('args, message', [
    (dict(context='deploy', name='A', value='x'), 'Name the owner of the context with owner_slug'),
    (dict(context='deploy', context_id=CTX_ID, name='A', value='x'), 'mutually exclusive: context|context_id'),
    (dict(context_id=CTX_ID, owner_slug='gh/acme', name='A', value='x'), 'context_id names the context by itself'),
    (dict(context_id='deploy', name='A', value='x'), "context_id must be a UUID"),
    (dict(name='A', value='x'), 'one of the following is required: context, context_id'),
    (dict(context_id=CTX_ID, name='A', value='x', update_values='on_mask_change'),
     'value of update_values must be one of: never, always'),
    (dict(context_id=CTX_ID, name='1A', value='x'), "Invalid environment variable name '1A'"),
    (dict(context_id=CTX_ID, name='A', value=True), 'value of A must be a string; quote it (got bool)'),
    (dict(context_id=CTX_ID, name='A', value='x' * 32769), 'The value of A is 32769 characters long'),
    (dict(context_id=CTX_ID, name='A', value='x', purge=True), 'purge is only valid with variables'),
    (dict(context_id=CTX_ID, variables=[dict(name='A', value='1'), dict(name='A', state='absent')]),
     'variables lists these names more than once: A'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(mod, args)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_an_unknown_context_id_says_so(api, run_module):
    api.add(responses.GET, VARS, status=404, json={'message': 'Entity not found'})
    result = run_module(mod, dict(context_id=CTX_ID, name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 404 Entity not found for GET /api/v2/context/%s/environment-variable: '
                             'no such context (check context_id), or the token cannot see it' % CTX_ID)


@pytest.mark.parametrize('args, secrets', [
    (dict(name='TOKEN', value=SECRET), [SECRET]),
    (dict(variables=[present('USER', 'Ctx-user-value-0001'), present('TOKEN', SECRET), dict(name='OLD', state='absent')]),
     ['Ctx-user-value-0001', SECRET]),
])
def test_every_value_is_no_log(api, run_module, monkeypatch, args, secrets):
    """Ansible masks a value in results, warnings and -vvvv output only when its option is no_log:
    the single value and each variables[].value must be registered with the no_log filter."""
    seen = {}

    def spy(module):
        seen['no_log_values'] = set(module.no_log_values)
        module.exit_json(changed=False)

    monkeypatch.setattr(mod, 'run', spy)
    run_module(mod, dict(by_name(), **args))
    assert set(secrets) <= seen['no_log_values']
    assert len(api.calls) == 0
