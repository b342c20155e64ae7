# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Contexts: owners, names, limits, finding a context page by page, restrictions (plan and resolution)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils import _contexts as ctx
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug

V2 = 'https://circleci.example/api/v2'
ORG = '5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b'
PROJECT_ID = '9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80'
GH = ctx.parse_owner('gh/acme')


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client():
    c = CircleCIClient('unit-token-0123456789', api_url='https://circleci.example', retries=0)
    yield c
    c.close()


# ---------------------------------------------------------------- owners

@pytest.mark.parametrize('slug, short', [
    ('gh/acme', 'gh/acme'), ('github/acme', 'gh/acme'), ('bb/acme', 'bb/acme'), ('bitbucket/acme/', 'bb/acme'),
    ('circleci/' + ORG.upper(), 'circleci/' + ORG),
])
def test_owner_slug_forms_become_the_short_form(slug, short):
    owner = ctx.parse_owner(slug)
    assert owner.slug == short
    assert owner.query == {'owner-slug': short}
    assert owner.body == {'slug': short, 'type': 'organization'}
    assert owner.label == short


def test_owner_by_id_and_type():
    owner = ctx.parse_owner(owner_id=ORG.upper(), owner_type='account')
    assert owner.query == {'owner-id': ORG, 'owner-type': 'account'}
    assert owner.body == {'id': ORG, 'type': 'account'}
    assert owner.label == 'account ' + ORG
    assert owner.result() == {'slug': None, 'id': ORG, 'type': 'account'}


@pytest.mark.parametrize('kwargs, message', [
    (dict(owner_slug='acme'), "Invalid owner_slug 'acme': expected gh/<org>, bb/<org> or circleci/<org-uuid>"),
    (dict(owner_slug='gl/acme'), "Invalid owner_slug 'gl/acme'"),
    (dict(owner_slug='gh/acme/app'), "Invalid owner_slug 'gh/acme/app'"),
    (dict(owner_slug='gh/ac me'), 'the organization in owner_slug must be a name without'),
    (dict(owner_slug='circleci/acme'), 'a circleci/ organization is circleci/<org-uuid>'),
    (dict(owner_slug='gh/acme', owner_type='account'), 'owner_type account needs owner_id'),
    (dict(owner_id='acme'), "owner_id must be a UUID such as"),
    (dict(owner_slug='gh/acme', owner_id=ORG), 'not both'),
    (dict(), 'Name the owner of the context with owner_slug (e.g. gh/acme) or owner_id'),
])
def test_bad_owners_are_refused(kwargs, message):
    with pytest.raises(CircleCIError) as exc:
        ctx.parse_owner(**kwargs)
    assert message in str(exc.value)


# ---------------------------------------------------------------- names and limits

def test_context_names():
    assert ctx.check_context_name('deploy prod') == 'deploy prod'
    assert ctx.check_context_name('x' * 200) == 'x' * 200
    for bad, message in (('', 'non-empty'), ('  ', 'non-empty'), ('a\nb', 'control character'),
                         ('x' * 201, 'is 201 characters long; CircleCI allows up to 200'), (5, 'non-empty')):
        with pytest.raises(CircleCIError) as exc:
            ctx.check_context_name(bad)
        assert message in str(exc.value)


def present(name, value):
    return dict(name=name, value=value, state='present')


def test_one_hundred_variables_pass_and_absent_ones_do_not_count():
    wanted = [present('V_%03d' % i, 'v') for i in range(100)] + [dict(name='GONE', value=None, state='absent')]
    assert ctx.check_context_variables(wanted) == wanted


def test_one_hundred_and_twenty_variables_are_refused():
    with pytest.raises(CircleCIError) as exc:
        ctx.check_context_variables([present('V_%03d' % i, 'v') for i in range(120)])
    assert str(exc.value) == 'variables lists 120 present variables; CircleCI allows up to 100 per context'


def test_long_names_and_values_are_refused_without_the_value():
    secret = 'S' * 32769
    with pytest.raises(CircleCIError) as exc:
        ctx.check_context_variables([present('BIG', secret)])
    assert str(exc.value) == 'The value of BIG is 32769 characters long; CircleCI allows up to 32768 per value'
    assert ctx.check_context_variables([present('BIG', 'S' * 32768)])
    with pytest.raises(CircleCIError) as exc:
        ctx.check_context_variables([present('N' * 301, 'v')])
    assert 'is 301 characters long; CircleCI allows up to 300' in str(exc.value)


def test_the_count_after_the_run_is_checked():
    ctx.check_variable_count([{}] * 100, 'deploy')
    with pytest.raises(CircleCIError) as exc:
        ctx.check_variable_count([{}] * 101, 'deploy')
    assert 'context deploy would hold 101 variables after this task' in str(exc.value)


# ---------------------------------------------------------------- finding a context

def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def context(name, cid):
    return {'id': cid, 'name': name, 'created_at': '2026-11-02T09:30:00.000Z'}


def test_find_context_stops_at_the_page_that_has_it(http, client):
    http.add(responses.GET, V2 + '/context', json=page([context('a', '1'), context('b', '2')], 'p2'),
             match=[responses.matchers.query_param_matcher({'owner-slug': 'gh/acme'})])
    http.add(responses.GET, V2 + '/context', json=page([context('deploy', '3')], 'p3'),
             match=[responses.matchers.query_param_matcher({'owner-slug': 'gh/acme', 'page-token': 'p2'})])
    assert ctx.find_context(client, GH, 'deploy') == context('deploy', '3')
    assert len(http.calls) == 2


def test_find_context_reads_every_page_when_absent(http, client):
    http.add(responses.GET, V2 + '/context', json=page([context('a', '1')], 'p2'))
    http.add(responses.GET, V2 + '/context', json=page([context('b', '2')]))
    assert ctx.find_context(client, GH, 'deploy') is None
    assert len(http.calls) == 2


def test_find_context_refuses_a_page_token_loop(http, client):
    http.add(responses.GET, V2 + '/context', json=page([], 'same'))
    http.add(responses.GET, V2 + '/context', json=page([], 'same'))
    with pytest.raises(CircleCIError) as exc:
        ctx.find_context(client, GH, 'deploy')
    assert 'same next_page_token twice' in str(exc.value)


def test_unknown_owner_fails_with_the_owner_hint(http, client):
    http.add(responses.GET, V2 + '/context', status=404, json={'message': 'Organization not found'})
    with pytest.raises(CircleCIError) as exc:
        ctx.find_context(client, GH, 'deploy')
    assert str(exc.value).startswith('CircleCI answered 404 Organization not found for GET /api/v2/context: '
                                     'check owner_slug')


def test_context_variables_are_names_and_dates(http, client):
    http.add(responses.GET, V2 + '/context/c1/environment-variable', json=page([
        {'variable': 'A', 'context_id': 'c1', 'created_at': 't1', 'updated_at': 't2'}]))
    assert ctx.list_context_envvars(client, 'c1') == [{'name': 'A', 'created_at': 't1', 'updated_at': 't2'}]


def test_a_listed_entry_that_is_no_variable_fails(http, client):
    http.add(responses.GET, V2 + '/context/c1/environment-variable', json=page([{'name': 'A'}]))
    with pytest.raises(CircleCIError) as exc:
        ctx.list_context_envvars(client, 'c1')
    assert 'GET /api/v2/context/c1/environment-variable with an entry that is not a variable' in str(exc.value)


# ---------------------------------------------------------------- restrictions

def test_desired_restrictions_check_types_values_and_duplicates():
    desired = ctx.desired_restrictions([
        dict(type='project', value=PROJECT_ID.upper()),
        dict(type='project', value='github/acme/app'),
        dict(type='expression', value='pipeline.git.branch == "main"'),
        dict(type='group', value='team-1'),
    ], GH)
    assert [(d['type'], d['value']) for d in desired] == [
        ('project', PROJECT_ID), ('project', 'github/acme/app'), ('expression', 'pipeline.git.branch == "main"'),
        ('group', 'team-1')]
    assert desired[0]['project'] is None
    assert desired[1]['project'] == parse_project_slug('gh/acme/app')


@pytest.mark.parametrize('items, owner, message', [
    ([dict(type='branch', value='x')], GH, "restrictions: type must be one of project, expression, group, got 'branch'"),
    ([dict(type='expression', value=' ')], GH, 'restrictions: the expression restriction needs a non-empty value'),
    ([dict(type='project', value='acme/app')], GH, 'a project restriction names the project by its UUID or its slug'),
    ([dict(type='group', value='1')], ctx.parse_owner('bb/acme'), 'group restrictions work only for GitHub'),
    ([dict(type='project', value='gh/acme/app'), dict(type='project', value='github/acme/app')], GH,
     "restrictions lists the project restriction 'github/acme/app' more than once"),
])
def test_bad_restrictions_are_refused(items, owner, message):
    with pytest.raises(CircleCIError) as exc:
        ctx.desired_restrictions(items, owner)
    assert message in str(exc.value)


def test_resolution_asks_once_per_slug_and_drops_what_becomes_a_duplicate(http, client):
    http.add(responses.GET, V2 + '/project/github/acme/app', json={'id': PROJECT_ID.upper(), 'slug': 'gh/acme/app'})
    desired = ctx.desired_restrictions([dict(type='project', value='gh/acme/app'),
                                        dict(type='project', value=PROJECT_ID)], GH)
    assert ctx.resolve_restrictions(client, desired) == [dict(type='project', value=PROJECT_ID)]
    assert len(http.calls) == 1


def test_an_unknown_project_of_a_restriction_fails_naming_it(http, client):
    http.add(responses.GET, V2 + '/project/github/acme/nope', status=404, json={'message': 'Project not found'})
    desired = ctx.desired_restrictions([dict(type='project', value='gh/acme/nope')], GH)
    with pytest.raises(CircleCIError) as exc:
        ctx.resolve_restrictions(client, desired)
    assert str(exc.value) == ('CircleCI answered 404 Project not found for GET /api/v2/project/github/acme/nope: '
                              'the project github/acme/nope of a restriction does not exist, or the token cannot see it')


def restriction(rid, kind, value, name=None):
    return dict(id=rid, type=kind, value=value, name=name)


def test_plan_restrictions_exact_set():
    current = [restriction('r1', 'project', PROJECT_ID.upper(), 'app'), restriction('r2', 'expression', 'old')]
    desired = [dict(type='project', value=PROJECT_ID), dict(type='expression', value='new')]
    plan = ctx.plan_restrictions(current, desired)
    assert plan['add'] == [dict(type='expression', value='new')]
    assert plan['remove'] == [current[1]]
    assert plan['restrictions'] == [current[0], restriction(None, 'expression', 'new')]


def test_plan_restrictions_none_leaves_them_and_empty_removes_all():
    current = [restriction('r1', 'group', 'g')]
    assert ctx.plan_restrictions(current, None) == dict(add=[], remove=[], restrictions=current)
    assert ctx.plan_restrictions(current, []) == dict(add=[], remove=current, restrictions=[])
    assert ctx.plan_restrictions(current, [dict(type='group', value='g')]) == dict(
        add=[], remove=[], restrictions=current)


def test_restriction_strings_for_the_diff():
    assert ctx.restriction_strings([restriction('1', 'project', 'b'), restriction('2', 'expression', 'a')]) == [
        'expression: a', 'project: b']


def test_an_owner_type_of_none_is_an_organization():
    from ansible_collections.ciops.circleci.plugins.module_utils._contexts import parse_owner
    assert parse_owner(owner_slug='gh/acme', owner_type=None).body == {'slug': 'gh/acme', 'type': 'organization'}
