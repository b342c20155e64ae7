# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from responses import matchers

from ansible.errors import AnsibleError

from ansible_collections.ciops.circleci.plugins.lookup.circleci_builds import plan_requests

from .conftest import API, TOKEN, lookup_loader

APP = API + '/project/github/acme/app'


def builds(first, count, **extra):
    """count build summaries numbered downwards from first (newest first, like CircleCI)."""
    return [dict({'build_num': n, 'username': 'acme', 'reponame': 'app', 'vcs_type': 'github'}, **extra)
            for n in range(first, first - count, -1)]


def page(api, url, limit, offset, payload, **params):
    query = dict(params, limit=str(limit), offset=str(offset))
    api.add(responses.GET, url, json=payload, match=[matchers.query_param_matcher(query)])


def sent(api):
    """(path, query) of every request, in order."""
    out = []
    for call in api.calls:
        parts = urlsplit(call.request.url)
        out.append((parts.path, dict(parse_qsl(parts.query))))
    return out


# ------------------------------------------------------------------ paging
def test_limit_250_makes_three_requests_of_100_100_50(api, run_lookup):
    page(api, APP, 100, 0, builds(1000, 100))
    page(api, APP, 100, 100, builds(900, 100))
    page(api, APP, 50, 200, builds(800, 50))
    result = run_lookup('circleci_builds', ['acme/app'], limit=250)
    assert [b['build_num'] for b in result] == list(range(1000, 750, -1))
    assert [q for dummy, q in sent(api)] == [
        {'limit': '100', 'offset': '0'}, {'limit': '100', 'offset': '100'}, {'limit': '50', 'offset': '200'}]
    for call in api.calls:
        assert call.request.headers['Circle-Token'] == TOKEN
        assert TOKEN not in call.request.url


def test_limit_1_as_in_the_examples_reads_one_build(api, run_lookup):
    # The documented "newest successful build of main": filter='successful', limit=1.
    page(api, APP + '/tree/main', 1, 0, builds(57, 1, branch='main', outcome='success'), filter='successful')
    result = run_lookup('circleci_builds', ['acme/app'], branch='main', filter='successful', limit=1)
    assert [b['build_num'] for b in result] == [57]
    assert [q for dummy, q in sent(api)] == [{'limit': '1', 'offset': '0', 'filter': 'successful'}]


def test_limit_1_with_an_offset(api, run_lookup):
    page(api, APP, 1, 3, builds(54, 1))
    assert [b['build_num'] for b in run_lookup('circleci_builds', ['acme/app'], limit=1, offset=3)] == [54]
    assert len(api.calls) == 1


def test_default_limit_is_30_in_one_request(api, run_lookup):
    page(api, APP, 30, 0, builds(80, 30))
    result = run_lookup('circleci_builds', ['acme/app'])
    assert len(result) == 30
    assert len(api.calls) == 1


def test_exactly_100_builds_with_limit_100_is_one_request(api, run_lookup):
    page(api, APP, 100, 0, builds(100, 100))
    assert len(run_lookup('circleci_builds', ['acme/app'], limit=100)) == 100
    assert len(api.calls) == 1


def test_exactly_100_builds_with_a_larger_limit_needs_one_empty_page(api, run_lookup):
    # CircleCI does not say how many builds there are: a full page may be followed by more.
    page(api, APP, 100, 0, builds(100, 100))
    page(api, APP, 100, 100, [])
    assert len(run_lookup('circleci_builds', ['acme/app'], limit=500)) == 100
    assert len(api.calls) == 2


def test_short_page_ends_the_reading(api, run_lookup):
    page(api, APP, 100, 0, builds(130, 100))
    page(api, APP, 100, 100, builds(30, 30))
    assert len(run_lookup('circleci_builds', ['acme/app'], limit=1000)) == 130
    assert len(api.calls) == 2


def test_empty_project_is_an_empty_list_after_one_request(api, run_lookup):
    page(api, APP, 30, 0, [])
    assert run_lookup('circleci_builds', ['acme/app']) == []
    assert len(api.calls) == 1


def test_offset_beyond_the_end_is_an_empty_list(api, run_lookup):
    page(api, APP, 100, 5000, [])
    assert run_lookup('circleci_builds', ['acme/app'], limit=250, offset=5000) == []
    assert len(api.calls) == 1


def test_offset_moves_every_page(api, run_lookup):
    page(api, APP, 100, 150, builds(850, 100))
    page(api, APP, 20, 250, builds(750, 20))
    result = run_lookup('circleci_builds', ['acme/app'], limit=120, offset=150)
    assert [b['build_num'] for b in result] == list(range(850, 730, -1))


# ------------------------------------------------------------------ selection sent to CircleCI
def test_branch_filter_and_shallow_reach_the_server(api, run_lookup):
    page(api, APP + '/tree/feature%2Flogin', 5, 0, builds(4, 1, branch='feature/login'),
         filter='failed', shallow='true')
    result = run_lookup('circleci_builds', ['acme/app'], branch='feature/login', filter='failed', shallow=True, limit=5)
    assert result[0]['branch'] == 'feature/login'
    assert api.calls[0].request.path_url.startswith('/api/v1.1/project/github/acme/app/tree/feature%2Flogin?')


def test_recent_builds(api, run_lookup):
    page(api, API + '/recent-builds', 10, 5, builds(20, 10))
    assert len(run_lookup('circleci_builds', ['recent'], limit=10, offset=5)) == 10


def test_one_build_detail(api, run_lookup):
    api.add(responses.GET, APP + '/42', json={'build_num': 42, 'steps': [], 'all_commit_details': []},
            match=[matchers.query_param_matcher({})])
    assert run_lookup('circleci_builds', ['acme/app'], build_num=42) == [
        {'build_num': 42, 'steps': [], 'all_commit_details': []}]


def test_several_terms_in_order_and_the_vcs_forms(api, run_lookup):
    page(api, API + '/project/bitbucket/acme/lib', 2, 0, builds(2, 2))
    page(api, APP, 2, 0, builds(6, 2))
    page(api, API + '/project/bitbucket/acme/other', 2, 0, builds(9, 1))
    result = run_lookup('circleci_builds', ['bb/acme/lib', 'github/acme/app', 'acme/other'], limit=2,
                        vcs_type='bitbucket')
    assert [b['build_num'] for b in result] == [2, 1, 6, 5, 9]


def test_api_v1_path_form(api, run_lookup):
    page(api, 'https://circleci.example/api/v1/project/acme/app', 30, 0, [])
    assert run_lookup('circleci_builds', ['acme/app'], api_url='https://circleci.example/api/v1') == []


# ------------------------------------------------------------------ bad input: no request at all
@pytest.mark.parametrize('terms, options, message', [
    ([], {}, 'needs at least one term'),
    (['acme'], {}, "Invalid project slug 'acme': expected username/project"),
    (['a/b/c/d'], {}, 'Invalid project slug .a/b/c/d.: expected username/project'),
    (['gitlab/acme/app'], {}, "'gitlab' is not one of gh, github, bb, bitbucket or circleci"),
    (['acme/app'], {'limit': 0}, 'limit must be a positive integer'),
    (['acme/app'], {'offset': -1}, 'offset must be 0 or a positive integer'),
    (['acme/app'], {'build_num': 0}, 'build_num must be a positive integer'),
    (['acme/app'], {'build_num': 3, 'branch': 'main'}, 'cannot be combined'),
    (['recent'], {'branch': 'main'}, 'recent reads GET /recent-builds'),
    (['recent'], {'filter': 'failed'}, 'recent reads GET /recent-builds'),
    (['recent'], {'build_num': 3}, 'recent reads GET /recent-builds'),
])
def test_bad_input_fails_before_any_request(api, run_lookup, terms, options, message):
    with pytest.raises(AnsibleError, match=message.replace('(', r'\(')):
        run_lookup('circleci_builds', terms, **options)
    assert len(api.calls) == 0


def test_filter_choices_are_enforced(api, run_lookup):
    with pytest.raises(AnsibleError, match="^Invalid value 'green' for config 'filter'"):
        run_lookup('circleci_builds', ['acme/app'], filter='green')
    assert len(api.calls) == 0


def test_plan_requests_is_checked_as_a_whole_first():
    # A bad term after a good one fails before the good one is read.
    with pytest.raises(Exception, match="Invalid project slug 'oops'"):
        plan_requests(['acme/app', 'oops'], 'github')
    plan = plan_requests(['recent', 'bb/acme/lib'], 'github')
    assert [(kind, project.slug if project else None) for kind, project in plan] == [
        ('recent', None), ('list', 'bitbucket/acme/lib')]


# ------------------------------------------------------------------ server errors
def test_unknown_project_is_a_clear_error(api, run_lookup):
    api.add(responses.GET, API + '/project/github/acme/nope', status=404, json={'message': 'Project not found'})
    with pytest.raises(AnsibleError, match='^CircleCI answered 404 Project not found') as err:
        run_lookup('circleci_builds', ['acme/nope'])
    assert str(err.value) == (
        'CircleCI answered 404 Project not found for GET /project/github/acme/nope: '
        'check the project (project_slug, or vcs_type, username and project), and that the token can see it')


def test_unknown_build_is_a_clear_error(api, run_lookup):
    api.add(responses.GET, APP + '/999', status=404, json={'message': 'Build not found'})
    with pytest.raises(AnsibleError, match='^Build 999 not found in github/acme/app: ') as info:
        run_lookup('circleci_builds', ['acme/app'], build_num=999)
    # The same words as circleci_build_info's.
    assert str(info.value) == ('Build 999 not found in github/acme/app: CircleCI answered 404 Build not found for '
                               'GET /project/github/acme/app/999: check build_num: the project has no such build')


def test_bad_token_is_a_clear_error_without_the_token(api, run_lookup):
    api.add(responses.GET, APP, status=401, json={'message': 'You must log in first.'})
    with pytest.raises(AnsibleError, match='^CircleCI answered 401 You must log in first.') as err:
        run_lookup('circleci_builds', ['acme/app'], api_token='wrong-token-123')
    assert 'CircleCI answered 401 You must log in first. for GET /project/github/acme/app: check api_token' in str(err.value)
    assert 'wrong-token-123' not in str(err.value)


# ------------------------------------------------------------------ where the token comes from
def test_token_from_the_environment(api, run_lookup, monkeypatch):
    monkeypatch.setenv('CIRCLECI_TOKEN', 'env-token-456')
    page(api, APP, 30, 0, [])
    run_lookup('circleci_builds', ['acme/app'], api_token=None)
    assert api.calls[0].request.headers['Circle-Token'] == 'env-token-456'


def test_token_and_url_from_variables(api, run_lookup, monkeypatch):
    monkeypatch.setenv('CIRCLECI_TOKEN', 'env-token-456')
    api.add(responses.GET, 'https://server.example/api/v1.1/project/github/acme/app', json=[])
    run_lookup('circleci_builds', ['acme/app'], api_token=None, api_url=None,
               variables={'circleci_api_token': 'var-token-789', 'circleci_api_url': 'https://server.example/api/v1.1'})
    assert api.calls[0].request.headers['Circle-Token'] == 'var-token-789'


def test_missing_token_says_where_to_put_it(api, run_lookup):
    with pytest.raises(AnsibleError, match='api_token is required: set it, or the CIRCLECI_TOKEN environment variable'):
        run_lookup('circleci_builds', ['acme/app'], api_token=None)
    assert len(api.calls) == 0


# ------------------------------------------------------------------ one connection (real HTTP server)
def test_all_pages_travel_over_one_kept_alive_connection(run_lookup, keepalive_server):
    total = 250

    def route(path, query):
        assert path == '/project/github/acme/app/tree/main'
        offset, limit = int(query['offset']), int(query['limit'])
        return 200, builds(total - offset, max(0, min(limit, total - offset)))

    server = keepalive_server(route)
    result = run_lookup('circleci_builds', ['acme/app'], branch='main', limit=1000, api_url=server.base)
    assert len(result) == 250
    assert [(q['limit'], q['offset']) for dummy, q, dummy2 in server.requests] == [
        ('100', '0'), ('100', '100'), ('100', '200')]
    assert {token for dummy, dummy2, token in server.requests} == {TOKEN}
    assert server.connections == 1


def test_option_variables_holding_templates_are_rendered(api):
    # group_vars such as circleci_api_token: "{{ vault_circleci_token }}" reach a lookup unrendered;
    # the lookup base renders them, so the real token is sent and not the template text.
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    variables = {'vault_circleci_token': 'vaulted-token-1', 'circleci_api_token': trust_as_template('{{ vault_circleci_token }}'),
                 'sim': API, 'circleci_api_url': trust_as_template('{{ sim }}')}
    loader = DataLoader()
    lookup = lookup_loader.get('ciops.circleci.circleci_builds', loader=loader, templar=Templar(loader=loader, variables=variables))
    page(api, APP, 30, 0, [])
    assert lookup.run(['acme/app'], variables=variables, retries=0) == []
    assert api.calls[0].request.headers['Circle-Token'] == 'vaulted-token-1'
