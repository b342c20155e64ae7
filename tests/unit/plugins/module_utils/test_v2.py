# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 paths and page-token paging."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils import _v2
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug

V2 = 'https://circleci.example/api/v2'
ORG = '5d7f0c1e-1111-4a2b-8c3d-0123456789ab'
PRJ = '9a3c0c1e-2222-4a2b-8c3d-0123456789ab'


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client():
    c = CircleCIClient('tok', api_url='https://circleci.example', retries=0)
    yield c
    c.close()


def test_paths():
    gh = parse_project_slug('github/acme/app')
    app = parse_project_slug('circleci/%s/%s' % (ORG, PRJ))
    assert _v2.project_path(gh, 'envvar', 'A') == '/project/github/acme/app/envvar/A'
    assert _v2.project_path(app, 'envvar') == '/project/circleci/%s/%s/envvar' % (ORG, PRJ)
    # pipeline/run: three segments and the short provider.
    assert _v2.pipeline_run_path(gh) == '/project/gh/acme/app/pipeline/run'
    assert _v2.pipeline_run_path(parse_project_slug('bitbucket/acme/lib')) == '/project/bb/acme/lib/pipeline/run'
    assert _v2.pipeline_run_path(app) == '/project/circleci/%s/%s/pipeline/run' % (ORG, PRJ)
    assert _v2.path('context', 'a/b', 'environment-variable', 'X Y') == '/context/a%2Fb/environment-variable/X%20Y'
    with pytest.raises(CircleCIError, match='Invalid path segment'):
        _v2.path('context', '..')


def pages(http, path, *pages_):
    """Register pages answered in order, each page (items, next token)."""
    for number, (items, token) in enumerate(pages_):
        match = [responses.matchers.query_param_matcher({'page-token': 'p%d' % number} if number else {})]
        http.add(responses.GET, V2 + path, json={'items': items, 'next_page_token': token}, match=match)


def test_follows_page_tokens_until_null(client, http):
    pages(http, '/context', ([1, 2], 'p1'), ([3, 4], 'p2'), ([5], None))
    assert client.v2.paginate('/context') == [1, 2, 3, 4, 5]
    assert len(http.calls) == 3


def test_never_a_page_more_than_needed(client, http):
    pages(http, '/context', ([1, 2], 'p1'), ([3, 4], 'p2'))
    assert client.v2.paginate('/context', limit=3) == [1, 2, 3]
    assert len(http.calls) == 2
    http.assert_all_requests_are_fired = True


def test_limit_of_one_reads_one_page(client, http):
    pages(http, '/context', ([1, 2], 'p1'))
    assert client.v2.paginate('/context', limit=1) == [1]


def test_params_are_kept_on_every_page(client, http):
    http.add(responses.GET, V2 + '/context', json={'items': [1], 'next_page_token': 'n1'},
             match=[responses.matchers.query_param_matcher({'owner-slug': 'gh/acme'})])
    http.add(responses.GET, V2 + '/context', json={'items': [2], 'next_page_token': None},
             match=[responses.matchers.query_param_matcher({'owner-slug': 'gh/acme', 'page-token': 'n1'})])
    assert client.v2.paginate('/context', params={'owner-slug': 'gh/acme'}) == [1, 2]


def test_a_page_token_in_kebab_case_is_followed_too(client, http):
    http.add(responses.GET, V2 + '/context', json={'items': [1], 'next-page-token': 'n1'})
    http.add(responses.GET, V2 + '/context', json={'items': [2], 'next_page_token': None},
             match=[responses.matchers.query_param_matcher({'page-token': 'n1'})])
    assert client.v2.paginate('/context') == [1, 2]


def test_a_token_repeated_stops_with_an_error_instead_of_looping(client, http):
    http.add(responses.GET, V2 + '/context', json={'items': [1], 'next_page_token': 'same'})
    with pytest.raises(CircleCIError, match='with the same next_page_token twice'):
        client.v2.paginate('/context')


def test_a_page_of_the_wrong_shape_is_an_error(client, http):
    http.add(responses.GET, V2 + '/context', json=[1, 2])
    with pytest.raises(CircleCIError, match='with a JSON list where a page of items'):
        client.v2.paginate('/context')


def test_missing_item_reads_as_empty(client, http):
    http.add(responses.GET, V2 + '/context/x/restrictions', status=404, json={'message': 'Entity not found'})
    assert client.v2.paginate('/context/x/restrictions', may_be_missing=True) == []


@pytest.mark.parametrize('limit', [0, -1, True, '3'])
def test_bad_limit_is_refused_before_any_request(client, http, limit):
    with pytest.raises(CircleCIError, match='limit must be a positive integer'):
        client.v2.paginate('/context', limit=limit)


def test_items_read_lazily_so_a_caller_that_stops_early_reads_no_further_page(client, http):
    pages(http, '/context', ([1, 2], 'p1'), ([3, 4], None))
    first = next(client.v2.items('/context'))
    assert first == 1
    assert len(http.calls) == 1
    http.assert_all_requests_are_fired = False


def test_hints_of_the_call_reach_its_errors(client, http):
    http.add(responses.GET, V2 + '/context', status=404, json={'message': 'Entity not found'})
    with pytest.raises(CircleCIError, match='Entity not found for GET /api/v2/context: check owner_slug$'):
        client.v2.paginate('/context', hints={404: 'check owner_slug'})
