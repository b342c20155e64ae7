# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.modules import circleci_envvar
from ansible_collections.ciops.circleci.plugins.module_utils._envvars import desired_variables, plan_envvars
from ansible_collections.ciops.circleci.plugins.module_utils._project import choose_api_version, parse_project_slug

from ..mask_rules import MASK_RULES
from .conftest import API

LIST = API + '/project/github/acme/app/envvar'
SECRET = 'S3cr3t-unit-value-7f3a'  # mask xxxx7f3a
SEED = [{'name': 'AWS_REGION', 'value': 'xxxxst-1'}, {'name': 'SHORT', 'value': 'xxxxR'}]


def present(name, value):
    return dict(name=name, value=value, state='present')


def absent(name):
    return dict(name=name, value=None, state='absent')


# ---------------------------------------------------------------- plan (pure)

def test_plan_adds_missing_and_leaves_equal_masks_alone():
    todo = plan_envvars(SEED, [present('AWS_REGION', 'eu-west-1'), present('NEW', 'abcdefgh')])
    assert todo['actions'] == [('create', 'NEW', 'abcdefgh')]
    assert todo['added'] == ['NEW']
    assert todo['updated'] == [] and todo['removed'] == []
    assert todo['untouched'] == ['AWS_REGION', 'SHORT']
    assert todo['envvars'] == SEED + [{'name': 'NEW', 'value': 'xxxxefgh'}]


def test_plan_updates_when_the_mask_differs_and_keeps_the_position():
    todo = plan_envvars(SEED, [present('AWS_REGION', 'us-east-2')])
    assert todo['actions'] == [('update', 'AWS_REGION', 'us-east-2')]
    assert todo['updated'] == ['AWS_REGION']
    assert todo['untouched'] == ['SHORT']
    assert todo['envvars'] == [{'name': 'AWS_REGION', 'value': 'xxxxst-2'}, SEED[1]]


def test_plan_cannot_see_a_change_hidden_behind_the_same_last_four_characters():
    # eu-west-1 -> us-west-1: same last four characters, invisible to the API.
    todo = plan_envvars(SEED, [present('AWS_REGION', 'us-west-1')])
    assert todo['actions'] == []
    assert todo['untouched'] == ['AWS_REGION', 'SHORT']


def test_plan_always_rewrites_every_listed_present_variable():
    todo = plan_envvars(SEED, [present('AWS_REGION', 'eu-west-1'), present('SHORT', 'R'), absent('GONE')],
                        update_values='always')
    assert todo['actions'] == [('update', 'AWS_REGION', 'eu-west-1'), ('update', 'SHORT', 'R')]
    assert todo['updated'] == ['AWS_REGION', 'SHORT']
    assert todo['untouched'] == []
    assert todo['envvars'] == SEED


def test_plan_never_only_creates_missing_ones():
    todo = plan_envvars(SEED, [present('AWS_REGION', 'us-east-2'), present('NEW', 'x')], update_values='never')
    assert todo['actions'] == [('create', 'NEW', 'x')]
    assert todo['updated'] == []
    assert todo['untouched'] == ['AWS_REGION', 'SHORT']
    assert todo['envvars'][0] == {'name': 'AWS_REGION', 'value': 'xxxxst-1'}


def test_plan_short_values_are_masked_with_fewer_characters():
    # xxxxR may be the mask of R, and of any value under 8 characters that ends in R (CircleCI's rule
    # for those lengths is not known): R and RR are unchanged, Q is a change, an empty value shows xxxx.
    assert plan_envvars(SEED, [present('SHORT', 'R')])['actions'] == []
    assert plan_envvars(SEED, [present('SHORT', 'RR')])['actions'] == []
    assert plan_envvars(SEED, [present('SHORT', 'Q')])['actions'] == [('update', 'SHORT', 'Q')]
    todo = plan_envvars(SEED, [present('SHORT', '')])
    assert todo['actions'] == [('update', 'SHORT', '')]
    assert todo['envvars'][1] == {'name': 'SHORT', 'value': 'xxxx'}
    assert plan_envvars([{'name': 'E', 'value': 'xxxx'}], [present('E', '')])['actions'] == []
    # A long value ending in R is not the same as R: CircleCI would show its last four characters.
    assert plan_envvars(SEED, [present('SHORT', 'abcdefgR')])['actions'] == [('update', 'SHORT', 'abcdefgR')]
    # Recorded: CircleCI shows the 4-character value test as xxxxst, not xxxxtest.
    assert plan_envvars([{'name': 'T', 'value': 'xxxxst'}], [present('T', 'test')])['actions'] == []
    assert plan_envvars([{'name': 'T', 'value': 'xxxxst'}], [present('T', 'tesT')])['actions'] == [
        ('update', 'T', 'tesT')]


def test_plan_unicode_values_compare_by_characters():
    current = [{'name': 'GREETING', 'value': u'xxxxwörd'}]
    assert plan_envvars(current, [present('GREETING', u'pässwörd')])['actions'] == []
    todo = plan_envvars(current, [present('GREETING', u'pässwort')])
    assert todo['updated'] == ['GREETING']
    assert todo['envvars'] == [{'name': 'GREETING', 'value': u'xxxxwort'}]
    todo = plan_envvars([], [present('SNOW', u'☃☃☃☃❄❄❄❄')])
    assert todo['envvars'] == [{'name': 'SNOW', 'value': u'xxxx❄❄❄❄'}]
    # Two characters (six bytes): a short value, whose mask is not known, shows as a bare xxxx.
    todo = plan_envvars([], [present('SNOW', u'☃☃')])
    assert todo['envvars'] == [{'name': 'SNOW', 'value': u'xxxx'}]


def test_plan_removes_present_and_ignores_absent_variables():
    todo = plan_envvars(SEED, [absent('SHORT'), absent('NEVER_THERE')])
    assert todo['actions'] == [('delete', 'SHORT', None)]
    assert todo['removed'] == ['SHORT']
    assert todo['envvars'] == [SEED[0]]
    assert todo['untouched'] == ['AWS_REGION']
    assert plan_envvars(SEED, [absent('NEVER_THERE')])['actions'] == []


def test_plan_empty_project_and_empty_wish():
    assert plan_envvars([], []) == dict(actions=[], added=[], updated=[], removed=[], untouched=[], unverified=[],
                                        envvars=[])
    assert plan_envvars([], [], purge=True)['actions'] == []
    todo = plan_envvars(SEED, [])
    assert todo['actions'] == [] and todo['untouched'] == ['AWS_REGION', 'SHORT']


def test_plan_purge_of_everything():
    todo = plan_envvars(SEED, [], purge=True)
    assert todo['actions'] == [('delete', 'AWS_REGION', None), ('delete', 'SHORT', None)]
    assert todo['removed'] == ['AWS_REGION', 'SHORT']
    assert todo['envvars'] == [] and todo['untouched'] == []


def test_plan_purge_keeps_listed_ones_even_when_listed_absent_only_once():
    todo = plan_envvars(SEED, [present('SHORT', 'R'), absent('AWS_REGION')], purge=True)
    # AWS_REGION is deleted once, by its own absent item, not a second time by purge.
    assert todo['actions'] == [('delete', 'AWS_REGION', None)]
    assert todo['removed'] == ['AWS_REGION']
    assert todo['envvars'] == [SEED[1]]


def test_plan_fifty_new_variables_in_order():
    wanted = [present('VAR_%02d' % i, 'value-%02d' % i) for i in range(50)]
    todo = plan_envvars([], wanted)
    assert [a[0] for a in todo['actions']] == ['create'] * 50
    assert todo['added'] == ['VAR_%02d' % i for i in range(50)]
    assert todo['envvars'][7] == {'name': 'VAR_07', 'value': 'xxxxe-07'}


def test_plan_rejects_an_unknown_update_mode():
    with pytest.raises(ValueError, match='^update_values must be one of '):
        plan_envvars([], [], update_values='sometimes')


# ---------------------------------------------------------------- input rules

def params(**kw):
    base = dict(name=None, value=None, state=None, variables=None, purge=False)
    base.update(kw)
    return base


@pytest.mark.parametrize('value, type_name', [(True, 'bool'), (1, 'int'), (1.5, 'float'), ({'a': 'b'}, 'dict')])
def test_non_string_values_are_refused_naming_the_type(value, type_name):
    with pytest.raises(CircleCIError, match='^value of FLAG must be a string; quote it') as exc:
        desired_variables(params(name='FLAG', value=value))
    assert str(exc.value) == 'value of FLAG must be a string; quote it (got %s)' % type_name
    with pytest.raises(CircleCIError, match='^value of FLAG must be a string; quote it') as exc:
        desired_variables(params(variables=[dict(name='OK', value='x', state='present'),
                                            dict(name='FLAG', value=value, state='present')]))
    assert str(exc.value) == 'value of FLAG must be a string; quote it (got %s)' % type_name


def test_duplicates_are_refused_with_the_names_listed():
    items = [present('B', '1'), present('A', '1'), absent('B'), present('A', '2'), present('C', '3')]
    with pytest.raises(CircleCIError, match='^variables lists these names more than once: A, B$') as exc:
        desired_variables(params(variables=items))
    assert str(exc.value) == 'variables lists these names more than once: A, B'


def test_absent_needs_no_value_and_ignores_one():
    assert desired_variables(params(name='X', state='absent', value=True)) == [absent('X')]


# ---------------------------------------------------------------- the module

def log_bodies(api):
    return [json.loads(c.request.body) if c.request.body else None for c in api.calls]


def test_bulk_run_one_get_then_one_request_per_change(api, run_module):
    api.add(responses.GET, LIST, json=SEED)
    api.add(responses.POST, LIST, status=201, json={'name': 'X', 'value': 'xxxx'})
    api.add(responses.DELETE, LIST + '/SHORT', json={'message': 'ok'})
    result = run_module(circleci_envvar, dict(
        username='acme', project='app', purge=True,
        variables=[dict(name='AWS_REGION', value='eu-west-1'), dict(name='TOKEN', value=SECRET),
                   dict(name='API_URL', value='https://x.example/v2')]))
    assert result['changed'] is True
    assert result['added'] == ['TOKEN', 'API_URL']
    assert result['updated'] == []
    assert result['removed'] == ['SHORT']
    assert result['untouched'] == ['AWS_REGION']
    assert result['envvars'] == [{'name': 'AWS_REGION', 'value': 'xxxxst-1'},
                                 {'name': 'TOKEN', 'value': 'xxxx7f3a'},
                                 {'name': 'API_URL', 'value': 'xxxxe/v2'}]
    assert [(c.request.method, c.request.url) for c in api.calls] == [
        ('GET', LIST), ('POST', LIST), ('POST', LIST), ('DELETE', LIST + '/SHORT')]
    assert log_bodies(api)[1:3] == [{'name': 'TOKEN', 'value': SECRET},
                                    {'name': 'API_URL', 'value': 'https://x.example/v2'}]
    assert api.calls[1].request.headers['Content-Type'] == 'application/json'
    assert SECRET not in json.dumps(result)


def test_nothing_to_do_sends_only_the_get(api, run_module):
    api.add(responses.GET, LIST, json=SEED)
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='AWS_REGION', value='eu-west-1'))
    assert result['changed'] is False
    assert result['untouched'] == ['AWS_REGION', 'SHORT']
    assert len(api.calls) == 1


def test_removing_an_absent_variable_sends_only_the_get(api, run_module):
    api.add(responses.GET, LIST, json=SEED)
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='NOPE', state='absent'))
    assert result['changed'] is False
    assert result['removed'] == []
    assert len(api.calls) == 1


def test_single_update_and_delete_encode_the_name(api, run_module):
    api.add(responses.GET, LIST, json=SEED)
    api.add(responses.POST, LIST, status=201, json={'name': 'AWS_REGION', 'value': 'xxxxst-2'})
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='AWS_REGION', value='us-east-2'))
    assert result['updated'] == ['AWS_REGION']
    assert result['envvars'][0] == {'name': 'AWS_REGION', 'value': 'xxxxst-2'}
    assert log_bodies(api)[1] == {'name': 'AWS_REGION', 'value': 'us-east-2'}


def test_check_mode_same_result_no_mutation(api, run_module):
    args = dict(username='acme', project='app', purge=True,
                variables=[dict(name='AWS_REGION', value='us-east-2'), dict(name='NEW', value=SECRET)])
    api.add(responses.GET, LIST, json=SEED)
    checked = run_module(circleci_envvar, args, check_mode=True, diff=True)
    assert [c.request.method for c in api.calls] == ['GET']
    api.add(responses.POST, LIST, status=201, json={})
    api.add(responses.DELETE, LIST + '/SHORT', json={'message': 'ok'})
    real = run_module(circleci_envvar, args, diff=True)
    assert [c.request.method for c in api.calls] == ['GET', 'GET', 'POST', 'POST', 'DELETE']
    for key in ('changed', 'added', 'updated', 'removed', 'untouched', 'envvars', 'diff'):
        assert checked[key] == real[key], key
    assert checked['changed'] is True


def test_diff_holds_masked_values_only(api, run_module):
    api.add(responses.GET, LIST, json=SEED)
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='NEW', value=SECRET),
                        check_mode=True, diff=True)
    assert result['diff'] == {
        'before': {'AWS_REGION': 'xxxxst-1', 'SHORT': 'xxxxR'},
        'after': {'AWS_REGION': 'xxxxst-1', 'SHORT': 'xxxxR', 'NEW': 'xxxx7f3a'},
    }
    assert SECRET not in json.dumps(result)


def test_unknown_project_fails_naming_it(api, run_module):
    api.add(responses.GET, API + '/project/github/acme/nope/envvar', status=404, json={'message': 'Project not found'})
    result = run_module(circleci_envvar, dict(username='acme', project='nope', name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Project not found for GET /project/github/acme/nope/envvar')
    assert result['status'] == 404
    assert SECRET not in json.dumps(result)


@pytest.mark.parametrize('entry', ['AWS_REGION', None, ['A', 'xxxx'], {'value': 'xxxx1234'}, {'name': 7, 'value': 'x'}])
def test_a_list_answer_with_something_that_is_not_a_variable_fails_before_any_write(api, run_module, entry):
    api.add(responses.GET, LIST, json=[{'name': 'OK', 'value': 'xxxx0001'}, entry])
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'] == 'CircleCI answered GET /project/github/acme/app/envvar with an entry that is not a variable'
    assert result['request'] == 'GET /project/github/acme/app/envvar'
    assert [c.request.method for c in api.calls] == ['GET']
    assert SECRET not in json.dumps(result)


def test_post_failure_does_not_leak_the_value(api, run_module):
    api.add(responses.GET, LIST, json=[])
    api.add(responses.POST, LIST, status=400, json={'message': 'bad'})
    result = run_module(circleci_envvar, dict(username='acme', project='app', name='A', value=SECRET))
    assert result['failed'] is True
    assert 'CircleCI answered 400 bad for POST /project/github/acme/app/envvar' in result['msg']
    assert SECRET not in json.dumps(result)


@pytest.mark.parametrize('args, message', [
    (dict(name='1BAD', value='x'), "Invalid environment variable name '1BAD'"),
    (dict(name='WITH-DASH', state='absent'), "Invalid environment variable name 'WITH-DASH'"),
    (dict(name='FLAG', value=True), 'value of FLAG must be a string; quote it (got bool)'),
    (dict(name='FLAG'), 'value of FLAG is required when its state is present'),
    (dict(name='A', value='x', purge=True), 'purge is only valid with variables (the bulk form)'),
    (dict(variables=[dict(name='A', value='x')], state='absent'), 'state applies to the single form'),
    (dict(variables=[dict(name='A', value='x')], value='x'), 'value applies to the single form'),
    (dict(variables=[dict(name='A', value='x'), dict(name='A', state='absent')]),
     'variables lists these names more than once: A'),
    (dict(variables=[dict(name='OK', value='1'), dict(name='B A D', value='1')]), "Invalid environment variable name 'B A D'"),
    (dict(variables=[dict(name='N', value=42)]), 'value of N must be a string; quote it (got int)'),
    (dict(variables=[dict(name='N')]), 'value of N is required when its state is present'),
    (dict(variables=[dict(value='x')]), 'missing required arguments: name found in variables'),
    (dict(name='A', value='x', variables=[dict(name='B', value='y')]), 'parameters are mutually exclusive: name|variables'),
    (dict(), 'one of the following is required: name, variables'),
    (dict(name='A', value='x', update_values='sometimes'), 'value of update_values must be one of'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    full = dict(username='acme', project='app')
    full.update(args)
    result = run_module(circleci_envvar, full)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_bitbucket_and_v1_paths(api, run_module):
    api.add(responses.GET, API + '/project/bitbucket/acme/lib/envvar', json=[])
    api.add(responses.POST, API + '/project/bitbucket/acme/lib/envvar', status=201, json={})
    result = run_module(circleci_envvar, dict(vcs_type='bitbucket', username='acme', project='lib', name='A', value='b'))
    assert result['added'] == ['A'] and result['project'] == 'bitbucket/acme/lib'
    v1 = API.replace('/api/v1.1', '/api/v1')
    api.add(responses.GET, v1 + '/project/acme/app/envvar', json=[])
    result = run_module(circleci_envvar, dict(api_url=v1, username='acme', project='app', name='A', state='absent'))
    assert result['changed'] is False


# ---------------------------------------------------------------- API v2 (circleci/ slugs, api_version)

V2 = 'https://circleci.example/api/v2'
ORG = '5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b'
PRJ = '9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80'
APP_SLUG = 'circleci/%s/%s' % (ORG, PRJ)
V2_LIST = V2 + '/project/circleci/%s/%s/envvar' % (ORG, PRJ)


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


@pytest.mark.parametrize('slug, requested, chosen', [
    ('gh/acme/app', 'auto', 'v1.1'), ('bb/acme/lib', 'auto', 'v1.1'), (APP_SLUG, 'auto', 'v2'),
    ('gh/acme/app', 'v2', 'v2'), (APP_SLUG, 'v2', 'v2'), ('gh/acme/app', 'v1.1', 'v1.1'),
])
def test_choose_api_version(slug, requested, chosen):
    assert choose_api_version(parse_project_slug(slug), requested) == chosen


def test_choose_api_version_refuses_what_v1_cannot_do():
    with pytest.raises(CircleCIError, match='^circleci_envvar needs CircleCI API v1.1, which cannot reach ') as exc:
        choose_api_version(parse_project_slug(APP_SLUG), 'v1.1', 'circleci_envvar')
    assert str(exc.value).startswith('circleci_envvar needs CircleCI API v1.1, which cannot reach %s' % APP_SLUG)
    assert str(exc.value).endswith('; set api_version to v2 or auto')
    with pytest.raises(CircleCIError, match='^a SHA-256 fingerprint needs CircleCI API v2') as exc:
        choose_api_version(parse_project_slug('gh/acme/app'), 'v1.1', v2_reason='a SHA-256 fingerprint')
    assert str(exc.value) == 'a SHA-256 fingerprint needs CircleCI API v2: set api_version to v2 or auto'
    assert choose_api_version(parse_project_slug('gh/acme/app'), 'auto', v2_reason='x') == 'v2'


def test_circleci_slug_goes_through_v2_with_the_same_results(api, run_module):
    api.add(responses.GET, V2_LIST, json=page([{'name': 'API_URL', 'value': 'xxxx.com'}], 'p2'))
    api.add(responses.GET, V2_LIST, json=page([{'name': 'FEATURE_FLAG', 'value': 'xxxxon'}]))
    api.add(responses.POST, V2_LIST, status=201, json={'name': 'TOKEN', 'value': 'xxxx7f3a'})
    api.add(responses.DELETE, V2_LIST + '/FEATURE_FLAG', json={'message': 'Environment variable deleted.'})
    result = run_module(circleci_envvar, dict(project_slug=APP_SLUG.upper().replace('CIRCLECI', 'circleci'),
                                              purge=True, variables=[dict(name='API_URL', value='https://api.example.com'),
                                                                     dict(name='TOKEN', value=SECRET)]), diff=True)
    assert result['changed'] is True
    assert [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls] == [
        ('GET', '/project/circleci/%s/%s/envvar' % (ORG, PRJ)),
        ('GET', '/project/circleci/%s/%s/envvar?page-token=p2' % (ORG, PRJ)),
        ('POST', '/project/circleci/%s/%s/envvar' % (ORG, PRJ)),
        ('DELETE', '/project/circleci/%s/%s/envvar/FEATURE_FLAG' % (ORG, PRJ))]
    assert log_bodies(api)[2] == {'name': 'TOKEN', 'value': SECRET}
    assert result['added'] == ['TOKEN'] and result['removed'] == ['FEATURE_FLAG']
    assert result['untouched'] == ['API_URL']
    assert result['envvars'] == [{'name': 'API_URL', 'value': 'xxxx.com'}, {'name': 'TOKEN', 'value': 'xxxx7f3a'}]
    assert result['project'] == APP_SLUG and result['api_version'] == 'v2'
    assert result['diff']['before'] == {'API_URL': 'xxxx.com', 'FEATURE_FLAG': 'xxxxon'}
    assert SECRET not in json.dumps(result)


def test_api_version_v2_for_a_github_project_and_auto_keeps_v1(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/app/envvar', json=page(SEED))
    result = run_module(circleci_envvar, dict(project_slug='gh/acme/app', name='AWS_REGION', value='eu-west-1',
                                              api_version='v2'))
    assert result['changed'] is False and result['api_version'] == 'v2'
    api.add(responses.GET, LIST, json=SEED)
    result = run_module(circleci_envvar, dict(project_slug='gh/acme/app', name='AWS_REGION', value='eu-west-1'))
    assert result['api_version'] == 'v1.1'
    assert api.calls[1].request.url == LIST


def test_v1_with_a_circleci_slug_fails_before_any_request(api, run_module):
    result = run_module(circleci_envvar, dict(project_slug=APP_SLUG, name='A', value='x', api_version='v1.1'))
    assert result['failed'] is True
    assert 'circleci_envvar needs CircleCI API v1.1, which cannot reach %s' % APP_SLUG in result['msg']
    assert len(api.calls) == 0


def test_unknown_circleci_project_fails_on_the_v2_list(api, run_module):
    api.add(responses.GET, V2_LIST, status=404, json={'message': 'Project not found'})
    result = run_module(circleci_envvar, dict(project_slug=APP_SLUG, name='A', value=SECRET))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Project not found for GET /api/v2/project/circleci/')
    assert SECRET not in json.dumps(result)


# ---------------------------------------------------------------- short values, under every masking rule

SHORT_VALUES = ['R', 'on', 'dev', 'test', 'prod1', 'eu-ab2', 'stage-3', 'eu-west1', 'eu-west-1']  # 1 to 9 characters


def fake_circleci(api, url, mask, v2=False):
    """A project's variables behind url, listed and answered masked by mask, as CircleCI does."""
    store = {}

    def listing(request):
        items = [{'name': name, 'value': mask(value)} for name, value in store.items()]
        return 200, {}, json.dumps(page(items) if v2 else items)

    def create(request):
        body = json.loads(request.body)
        store[body['name']] = body['value']
        return 201, {}, json.dumps({'name': body['name'], 'value': mask(body['value'])})

    api.add_callback(responses.GET, url, callback=listing)
    api.add_callback(responses.POST, url, callback=create)
    return store


@pytest.mark.parametrize('rule', sorted(MASK_RULES))
@pytest.mark.parametrize('value', SHORT_VALUES)
@pytest.mark.parametrize('version, url, project', [
    ('v1.1', LIST, dict(username='acme', project='app')),
    ('v2', V2_LIST, dict(project_slug=APP_SLUG)),
])
def test_the_second_run_with_a_short_value_sends_one_get_and_no_write(api, run_module, rule, value, version, url,
                                                                      project):
    mask = MASK_RULES[rule]
    store = fake_circleci(api, url, mask, v2=version == 'v2')
    args = dict(project, name='FLAG', value=value)
    first = run_module(circleci_envvar, args, diff=True)
    assert first['changed'] is True and first['added'] == ['FLAG'] and first['api_version'] == version
    assert store == {'FLAG': value}
    # The result shows the mask CircleCI answered, never one it would not show.
    assert first['envvars'] == [{'name': 'FLAG', 'value': mask(value)}]
    assert first['diff']['after'] == {'FLAG': mask(value)}
    assert [c.request.method for c in api.calls] == ['GET', 'POST']

    second = run_module(circleci_envvar, args, diff=True)
    again_in_check_mode = run_module(circleci_envvar, args, check_mode=True)
    assert second['changed'] is False and again_in_check_mode['changed'] is False
    assert second['untouched'] == ['FLAG'] and second['updated'] == []
    assert second['envvars'] == first['envvars'] == again_in_check_mode['envvars']
    assert second['diff'] == {'before': {'FLAG': mask(value)}, 'after': {'FLAG': mask(value)}}
    assert [(c.request.method, c.request.url) for c in api.calls[2:]] == [('GET', url), ('GET', url)]


@pytest.mark.parametrize('version, url, project', [
    ('v1.1', LIST, dict(username='acme', project='app')),
    ('v2', V2_LIST, dict(project_slug=APP_SLUG)),
])
def test_a_short_value_whose_shown_characters_differ_is_rewritten(api, run_module, version, url, project):
    api.add(responses.GET, url, json=page([{'name': 'FLAG', 'value': 'xxxxst'}]) if version == 'v2' else
            [{'name': 'FLAG', 'value': 'xxxxst'}])
    api.add(responses.POST, url, status=201, json={'name': 'FLAG', 'value': 'xxxxod'})
    result = run_module(circleci_envvar, dict(project, name='FLAG', value='prod'), diff=True)
    assert result['changed'] is True and result['updated'] == ['FLAG']
    assert result['envvars'] == [{'name': 'FLAG', 'value': 'xxxxod'}]
    assert result['diff'] == {'before': {'FLAG': 'xxxxst'}, 'after': {'FLAG': 'xxxxod'}}
    assert [c.request.method for c in api.calls] == ['GET', 'POST']
    assert log_bodies(api)[1] == {'name': 'FLAG', 'value': 'prod'}


def test_a_write_answered_with_the_value_itself_never_shows_it(api, run_module):
    api.add(responses.GET, LIST, json=[])
    api.add(responses.POST, LIST, status=201, json={'name': 'TOKEN', 'value': SECRET})
    api.add(responses.POST, LIST, status=201, json={'name': 'PIN', 'value': '4711'})
    result = run_module(circleci_envvar, dict(username='acme', project='app', variables=[
        dict(name='TOKEN', value=SECRET), dict(name='PIN', value='4711')]), diff=True)
    assert result['envvars'] == [{'name': 'TOKEN', 'value': 'xxxx7f3a'}, {'name': 'PIN', 'value': 'xxxx11'}]
    assert SECRET not in json.dumps(result) and '4711' not in json.dumps(result)


def test_check_mode_predicts_short_values_without_showing_more_than_circleci(api, run_module):
    api.add(responses.GET, LIST, json=[])
    result = run_module(circleci_envvar, dict(username='acme', project='app', variables=[
        dict(name='ONE', value='1'), dict(name='FOUR', value='true'), dict(name='SIX', value='eu-ab2'),
        dict(name='NINE', value='eu-west-1')]), check_mode=True, diff=True)
    assert result['diff']['after'] == {'ONE': 'xxxx', 'FOUR': 'xxxxue', 'SIX': 'xxxx', 'NINE': 'xxxxst-1'}
    assert [c.request.method for c in api.calls] == ['GET']
