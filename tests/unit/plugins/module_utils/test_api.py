# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the one CircleCI client: headers, paths, errors, retries, paging, warnings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest
import requests
import responses

from ansible_collections.ciops.circleci.plugins.module_utils import _http as api_mod
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_build_num, check_envvar_name, check_fingerprint, mask_value
from ansible_collections.ciops.circleci.plugins.module_utils._builds import check_trigger, trigger_body

APP = parse_project_slug('gh/acme/app')
LIB = parse_project_slug('bb/acme/lib')

ROOT = 'https://circleci.example/api/v1.1'
TOKEN = 'secret-token-value-42'


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def warnings_seen():
    return []


@pytest.fixture
def client(sleeps, warnings_seen):
    c = CircleCIClient(TOKEN, api_url=ROOT, retries=3, sleep=sleeps.append, warn=warnings_seen.append)
    yield c
    c.close()


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# -- headers -------------------------------------------------------------------

def test_every_request_carries_token_header_accept_and_user_agent(client, http):
    http.add(responses.GET, ROOT + '/me', json={'login': 'demo'})
    assert client.v1.get('/me') == {'login': 'demo'}
    request = http.calls[0].request
    assert request.headers['Circle-Token'] == TOKEN
    assert request.headers['Accept'] == 'application/json'
    assert request.headers['User-Agent'].startswith('ciops.circleci/%s ' % api_mod.COLLECTION_VERSION)
    assert 'Content-Type' not in request.headers
    assert TOKEN not in request.url
    assert 'circle-token' not in request.url.lower()


def test_body_is_json_with_content_type(client, http):
    path = client.v1.project(APP, 'envvar')
    http.add(responses.POST, ROOT + path, status=201, json={'name': 'A', 'value': 'xxxx1234'})
    client.v1.post(path, {'name': 'A', 'value': 'abc1234'})
    request = http.calls[0].request
    assert request.headers['Content-Type'] == 'application/json'
    assert json.loads(request.body) == {'name': 'A', 'value': 'abc1234'}


def test_user_agent_version_matches_galaxy_yml():
    import os
    here = os.path.dirname(__file__)
    galaxy = os.path.join(here, '..', '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as f:
        version = re.search(r'^version:\s*(\S+)', f.read(), re.M).group(1)
    assert api_mod.COLLECTION_VERSION == version


# -- paths ---------------------------------------------------------------------

def test_v11_project_path_with_encoded_segments(client):
    assert client.v1.project(APP) == '/project/github/acme/app'
    assert client.v1.project(APP, 'tree', 'feature/x') == '/project/github/acme/app/tree/feature%2Fx'
    assert client.v1.project(APP, 'tree', u'r\u00e9sum\u00e9') == '/project/github/acme/app/tree/r%C3%A9sum%C3%A9'
    assert client.v1.project(APP, 'envvar', 'A B') == '/project/github/acme/app/envvar/A%20B'
    assert client.v1.project(APP, 'checkout-key', 'a6:8e') == '/project/github/acme/app/checkout-key/a6:8e'
    assert client.v1.project(APP, 'tree', 'a?b#c%d') == '/project/github/acme/app/tree/a%3Fb%23c%25d'
    assert client.v1.project(LIB) == '/project/bitbucket/acme/lib'
    assert client.v1.project(parse_project_slug('bitbucket/acme/lib')) == '/project/bitbucket/acme/lib'


def test_v1_project_path_has_no_vcs_segment():
    c = CircleCIClient(TOKEN, api_url='https://circleci.example/api/v1/')
    assert c.v1_form == 'v1'
    assert c.root == 'https://circleci.example'
    assert c.v1.url('') == 'https://circleci.example/api/v1'
    assert c.v1.project(APP, 12, 'artifacts') == '/project/acme/app/12/artifacts'
    with pytest.raises(CircleCIError, match='GitHub projects only'):
        c.v1.project(LIB)


@pytest.mark.parametrize('segment', ['', '.', '..'])
def test_path_rejects_empty_and_dot_segments(client, segment):
    with pytest.raises(CircleCIError, match='Invalid path segment'):
        client.v1.project(APP, segment)


def test_server_url_works_the_same():
    c = CircleCIClient(TOKEN, api_url='https://circleci.corp.example/api/v1.1')
    assert c.v1_form == 'v1.1'
    assert c.root == 'https://circleci.corp.example'
    assert c.v1.project(APP) == '/project/github/acme/app'


@pytest.mark.parametrize('url', ['ftp://x/api', 'circleci.com/api/v1.1', 'https://x/api/v1.1?circle-token=abc'])
def test_bad_api_url_is_refused(url):
    with pytest.raises(CircleCIError, match='api_url must be'):
        CircleCIClient(TOKEN, api_url=url)


def test_missing_token_is_refused():
    with pytest.raises(CircleCIError, match='api_token is required'):
        CircleCIClient(None, api_url=ROOT)


def test_unknown_vcs_type_is_refused():
    with pytest.raises(CircleCIError, match='vcs_type must be one of'):
        CircleCIClient(TOKEN, api_url=ROOT, vcs_type='gitlab')


# -- errors --------------------------------------------------------------------

def test_json_error_message(client, http):
    http.add(responses.GET, ROOT + '/project/github/acme/app/envvar', status=401,
             json={'message': 'You must log in first.'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 401 You must log in first') as info:
        client.v1.get('/project/github/acme/app/envvar')
    err = info.value
    assert str(err) == ('CircleCI answered 401 You must log in first. for GET '
                        '/project/github/acme/app/envvar: check api_token')
    assert (err.status, err.method, err.path, err.server_message) == (
        401, 'GET', '/project/github/acme/app/envvar', 'You must log in first.')
    assert err.result() == {'status': 401, 'request': 'GET /project/github/acme/app/envvar',
                            'api_message': 'You must log in first.'}
    assert TOKEN not in str(err)


def test_html_error_body(client, http):
    http.add(responses.GET, ROOT + '/nope', status=404,
             body='<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Oops</h1></body></html>',
             content_type='text/html')
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 404 Not Found \(an HTML page') as info:
        client.v1.get('/nope')
    assert info.value.server_message == 'Not Found'
    assert info.value.html and not info.value.not_found
    assert str(info.value) == ('CircleCI answered 404 Not Found (an HTML page, not the API) for GET /nope: '
                               'no such API endpoint: check api_url (the CircleCI host, e.g. https://circleci.com)')


@pytest.mark.parametrize('path', ['/project/github/acme/app/12/retry', '/project/github/acme/app/12/ssh'])
def test_html_404_on_retry_or_ssh_names_circleci_server_and_the_v2_way(client, http, path):
    # CircleCI Server never served the v1.1 retry and SSH rerun: an HTML 404 there is no wrong api_url.
    http.add(responses.POST, ROOT + path, status=404, body='<html><body>Not Found</body></html>',
             content_type='text/html')
    with pytest.raises(CircleCIError, match='CircleCI Server has no API v1.1 retry or SSH rerun') as info:
        client.v1.post(path)
    assert 'ciops.circleci.circleci_pipeline with state=rerun' in str(info.value)


def test_html_404_on_a_trigger_still_means_a_wrong_api_url(client, http):
    http.add(responses.POST, ROOT + '/project/github/acme/app/tree/main', status=404,
             body='<html><body>Not Found</body></html>', content_type='text/html')
    with pytest.raises(CircleCIError, match=r'no such API endpoint: check api_url \(the CircleCI host'):
        client.v1.post('/project/github/acme/app/tree/main')


def test_empty_error_body_uses_reason(client, http):
    http.add(responses.DELETE, ROOT + '/x', status=500, body='')
    with pytest.raises(CircleCIError, match='^CircleCI answered 500 Internal Server Error for DELETE /x') as info:
        client.v1.delete_if_present('/x')
    assert info.value.status == 500
    assert 'Internal Server Error' in str(info.value)
    assert 'server error' in str(info.value)


def test_plain_text_error_body(client, http):
    http.add(responses.POST, ROOT + '/x', status=400, body='bad things happened\n', content_type='text/plain')
    with pytest.raises(CircleCIError, match='CircleCI answered 400 bad things happened for POST /x'):
        client.v1.post('/x', {})


def test_upstream_json_inside_message(client, http):
    inner = json.dumps({'message': 'Not Found', 'documentation_url': 'https://docs.github.example'})
    http.add(responses.POST, ROOT + '/x', status=400, json={'message': inner})
    with pytest.raises(CircleCIError, match='^CircleCI answered 400 Not Found for POST /x') as info:
        client.v1.post('/x', {})
    assert info.value.server_message == 'Not Found'


def test_gone_explains_the_retirement(client, http):
    http.add(responses.POST, ROOT + '/project/github/acme/app/tree/main', status=410,
             json={'message': 'This endpoint has been removed.'})
    with pytest.raises(CircleCIError, match='retired this API v1.1 endpoint on 2027-02-01; trigger and rerun builds through API v2'):
        client.v1.post('/project/github/acme/app/tree/main', {})


def test_success_with_non_json_body_is_a_clear_error(client, http):
    http.add(responses.GET, ROOT + '/me', body='{:login "demo"}', content_type='application/edn')
    with pytest.raises(CircleCIError, match='with a body that is not JSON'):
        client.v1.get('/me')


def test_empty_success_body_is_none(client, http):
    http.add(responses.POST, ROOT + '/user/heroku-key', body='')
    assert client.v1.post('/user/heroku-key', {'apikey': 'k'}) is None


def test_404_on_read_is_absent_when_asked(client, http):
    http.add(responses.GET, ROOT + '/project/github/acme/app/envvar/X', status=404, json={'message': 'env var not found'})
    assert client.v1.find('/project/github/acme/app/envvar/X', missing_project_ok=True) is None


def test_404_on_read_raises_by_default(client, http):
    http.add(responses.GET, ROOT + '/project/github/acme/nope', status=404, json={'message': 'Project not found'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 Project not found for GET /project/github/acme/nope') as info:
        client.v1.get('/project/github/acme/nope')
    assert info.value.not_found


def test_404_on_delete_means_nothing_to_do(client, http):
    http.add(responses.DELETE, ROOT + '/project/github/acme/app/envvar/X', status=404, json={'message': 'env var not found'})
    assert client.v1.delete_if_present('/project/github/acme/app/envvar/X') is None


def test_network_error_is_clear_and_has_no_traceback(sleeps):
    c = CircleCIClient(TOKEN, api_url='http://127.0.0.1:9/api/v1.1', retries=1, sleep=sleeps.append, timeout=2)
    with pytest.raises(CircleCIError, match='^Could not reach CircleCI for GET /me at http://127.0.0.1:9: Connection refused') as info:
        c.v1.get('/me')
    assert 'Could not reach CircleCI for GET /me at http://127.0.0.1:9: Connection refused (after 1 retries)' == str(info.value)
    assert len(sleeps) == 1


# -- retries -------------------------------------------------------------------

@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_get_and_delete_retry_gateway_and_rate_limit(client, http, sleeps, status):
    for method in (responses.GET, responses.DELETE):
        http.add(method, ROOT + '/x', status=status, json={'message': 'busy'})
        http.add(method, ROOT + '/x', json={'ok': True})
    assert client.v1.get('/x') == {'ok': True}
    assert client.v1.delete_if_present('/x') == {'ok': True}
    assert len(http.calls) == 4
    assert len(sleeps) == 2


def test_retries_are_capped(client, http, sleeps):
    for dummy in range(4):
        http.add(responses.GET, ROOT + '/x', status=503)
    with pytest.raises(CircleCIError, match=r'after 3 retries'):
        client.v1.get('/x')
    assert len(http.calls) == 4
    assert len(sleeps) == 3


def test_backoff_is_jittered_exponential(client, http, sleeps, monkeypatch):
    monkeypatch.setattr(api_mod.random, 'uniform', lambda low, high: high)
    for dummy in range(4):
        http.add(responses.GET, ROOT + '/x', status=502)
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 502 .* \(after 3 retries\)$'):
        client.v1.get('/x')
    assert sleeps == [0.5, 1.0, 2.0]


def test_retry_after_is_honoured(client, http, sleeps, monkeypatch):
    monkeypatch.setattr(api_mod.random, 'uniform', lambda low, high: 0)
    http.add(responses.GET, ROOT + '/x', status=429, headers={'Retry-After': '7'})
    http.add(responses.GET, ROOT + '/x', json=[])
    assert client.v1.list_all('/x') == []
    assert sleeps == [7.0]


def test_retry_after_as_http_date(client, http, sleeps):
    http.add(responses.GET, ROOT + '/x', status=503, headers={'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT'})
    http.add(responses.GET, ROOT + '/x', json=[])
    client.v1.list_all('/x')
    assert 0 <= sleeps[0] < 1  # a date in the past: retry at once


def test_post_retried_on_429(client, http, sleeps):
    http.add(responses.POST, ROOT + '/x', status=429, headers={'Retry-After': '0'})
    http.add(responses.POST, ROOT + '/x', status=201, json={'build_num': 1})
    assert client.v1.post('/x', {}) == {'build_num': 1}
    assert len(http.calls) == 2


def test_post_retried_on_503_only_with_retry_after(client, http, sleeps):
    http.add(responses.POST, ROOT + '/x', status=503, headers={'Retry-After': '1'})
    http.add(responses.POST, ROOT + '/x', status=201, json={})
    client.v1.post('/x', {})
    assert len(http.calls) == 2
    http.add(responses.POST, ROOT + '/y', status=503)
    with pytest.raises(CircleCIError, match='503'):
        client.v1.post('/y', {})
    assert len(http.calls) == 3


@pytest.mark.parametrize('status', [502, 504, 500])
def test_post_not_retried_when_server_may_have_acted(client, http, sleeps, status):
    http.add(responses.POST, ROOT + '/x', status=status)
    with pytest.raises(CircleCIError) as info:
        client.v1.post('/x', {})
    assert len(http.calls) == 1
    assert sleeps == []
    if status == 500:
        assert str(info.value).startswith('CircleCI answered 500 ')
        assert info.value.outcome_unknown is False
    else:
        # A gateway gave up waiting: CircleCI may have acted on the write all the same.
        assert str(info.value) == ('CircleCI may have acted on POST /x: the request was sent, then a gateway '
                                   'answered %d %s; check in CircleCI before running it again'
                                   % (status, {502: 'Bad Gateway', 504: 'Gateway Timeout'}[status]))
        assert info.value.outcome_unknown is True
        assert info.value.result()['outcome_unknown'] is True and info.value.status == status


@pytest.mark.parametrize('method', ['PUT', 'PATCH', 'POST'])
@pytest.mark.parametrize('status', [502, 504])
def test_a_gateway_error_on_any_write_leaves_the_outcome_unknown(client, http, sleeps, method, status):
    http.add(method, ROOT + '/x', status=status, body='<html><title>%d Bad Gateway</title></html>' % status,
             content_type='text/html')
    with pytest.raises(CircleCIError, match='^CircleCI may have acted on %s /x: ' % method) as info:
        getattr(client.v1, method.lower())('/x', body={'value': 'sekret-value-1'})
    assert info.value.outcome_unknown is True and len(http.calls) == 1 and sleeps == []
    assert 'an HTML page' in str(info.value) and 'sekret' not in str(info.value)


@pytest.mark.parametrize('method', ['GET', 'DELETE'])
def test_a_500_on_a_read_or_delete_is_retried_like_a_502(client, http, sleeps, method):
    http.add(method, ROOT + '/x', status=500, json={'message': 'An internal server error occurred.'})
    http.add(method, ROOT + '/x', status=200, json={'ok': True})
    assert getattr(client.v1, method.lower())('/x', expect='object') == {'ok': True}
    assert len(http.calls) == 2 and len(sleeps) == 1


def test_connection_refused_retried_for_post(sleeps):
    calls = []

    class Session(requests.Session):
        def request(self, *args, **kwargs):
            calls.append(args)
            if len(calls) == 1:
                raise requests.exceptions.ConnectionError('[Errno 111] Connection refused')
            response = requests.Response()
            response.status_code = 201
            response._content = b'{"build_num": 3}'
            return response

    c = CircleCIClient(TOKEN, api_url=ROOT, sleep=sleeps.append, session=Session())
    assert c.v1.post('/x', {}) == {'build_num': 3}
    assert len(calls) == 2


def test_dropped_connection_not_retried_for_post_but_for_get(sleeps):
    calls = []

    class Session(requests.Session):
        def request(self, method, *args, **kwargs):
            calls.append(method)
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")

    c = CircleCIClient(TOKEN, api_url=ROOT, retries=2, sleep=sleeps.append, session=Session())
    with pytest.raises(CircleCIError, match='Connection aborted'):
        c.v1.post('/x', {})
    assert calls == ['POST']
    with pytest.raises(CircleCIError, match=r'after 2 retries'):
        c.v1.get('/x')
    assert calls == ['POST', 'GET', 'GET', 'GET']


def test_read_timeout_retried_for_get_not_for_post(sleeps):
    calls = []

    class Session(requests.Session):
        def request(self, method, *args, **kwargs):
            calls.append(method)
            raise requests.exceptions.ReadTimeout('Read timed out.')

    c = CircleCIClient(TOKEN, api_url=ROOT, retries=1, sleep=sleeps.append, session=Session())
    with pytest.raises(CircleCIError, match='^CircleCI may have acted on POST /x: the request was sent, then timed out'):
        c.v1.post('/x', {})
    with pytest.raises(CircleCIError, match=r'^Could not reach CircleCI for GET /x at .*: timed out \(after 1 retries\)$'):
        c.v1.get('/x')
    assert calls == ['POST', 'GET', 'GET']


# -- deprecation ---------------------------------------------------------------

def test_sunset_header_becomes_one_warning(client, http, warnings_seen):
    headers = {'Deprecation': 'true', 'Sunset': 'Mon, 01 Feb 2027 00:00:00 GMT'}
    for dummy in range(2):
        http.add(responses.POST, ROOT + '/project/github/acme/app/tree/main', status=201, json={}, headers=headers)
    client.v1.post('/project/github/acme/app/tree/main', {})
    client.v1.post('/project/github/acme/app/tree/main', {})
    assert warnings_seen == [
        'CircleCI deprecates POST /project/github/acme/app/tree/main: the endpoint will be removed on '
        '2027-02-01 (Sunset header). Plan the move to API v2 pipelines.']


def test_deprecation_without_sunset(client, http, warnings_seen):
    http.add(responses.GET, ROOT + '/x', json={}, headers={'Deprecation': 'true'})
    client.v1.get('/x')
    assert warnings_seen == ['CircleCI deprecates GET /x (Deprecation header: true).']


def test_no_warning_without_headers(client, http, warnings_seen):
    http.add(responses.GET, ROOT + '/x', json={})
    client.v1.get('/x')
    assert warnings_seen == []


# -- pagination ----------------------------------------------------------------

def _pages(http, path, sizes):
    for size in sizes:
        http.add(responses.GET, ROOT + path, json=[{'n': i} for i in range(size)])


def _queries(http):
    return [dict(c.request.params) for c in http.calls]


def test_paginate_limit_250_makes_three_requests(client, http):
    _pages(http, '/recent-builds', [100, 100, 50])
    items = client.v1.paginate('/recent-builds', limit=250)
    assert len(items) == 250
    assert _queries(http) == [{'limit': '100', 'offset': '0'}, {'limit': '100', 'offset': '100'},
                              {'limit': '50', 'offset': '200'}]


def test_paginate_small_limit_makes_one_request(client, http):
    _pages(http, '/recent-builds', [30])
    assert len(client.v1.paginate('/recent-builds', limit=30)) == 30
    assert _queries(http) == [{'limit': '30', 'offset': '0'}]


def test_paginate_limit_1_makes_one_request_for_one_item(client, http):
    _pages(http, '/recent-builds', [1])
    assert client.v1.paginate('/recent-builds', limit=1) == [{'n': 0}]
    assert _queries(http) == [{'limit': '1', 'offset': '0'}]


def test_paginate_limit_101_reads_a_page_of_100_then_one(client, http):
    _pages(http, '/recent-builds', [100, 1])
    assert len(client.v1.paginate('/recent-builds', limit=101)) == 101
    assert _queries(http) == [{'limit': '100', 'offset': '0'}, {'limit': '1', 'offset': '100'}]


def test_paginate_stops_at_first_short_page(client, http):
    _pages(http, '/recent-builds', [100, 7])
    assert len(client.v1.paginate('/recent-builds', limit=1000)) == 107
    assert len(http.calls) == 2


def test_paginate_exactly_one_full_page_needs_an_empty_second_page(client, http):
    _pages(http, '/recent-builds', [100, 0])
    assert len(client.v1.paginate('/recent-builds')) == 100
    assert len(http.calls) == 2


def test_paginate_keeps_params_and_offset(client, http):
    _pages(http, '/project/github/acme/app', [5])
    client.v1.paginate('/project/github/acme/app', params={'filter': 'failed'}, limit=10, offset=40)
    assert _queries(http) == [{'filter': 'failed', 'limit': '10', 'offset': '40'}]


def test_paginate_reuses_one_session(client, http):
    _pages(http, '/recent-builds', [100, 100, 1])
    session = client.session
    client.v1.paginate('/recent-builds', limit=300)
    assert client.session is session
    assert client.request_count == 3


def test_paginate_rejects_non_list(client, http):
    http.add(responses.GET, ROOT + '/recent-builds', json={'message': 'odd'})
    with pytest.raises(CircleCIError, match='with a JSON object where a JSON list was expected'):
        client.v1.paginate('/recent-builds', limit=5)


# -- input rules -----------------------------------------------------------------

def test_envvar_name_rule():
    assert check_envvar_name('_OK_1') == '_OK_1'
    for bad in ('1ABC', 'A-B', '', 'A B', None, u'\u00c9T\u00c9'):
        with pytest.raises(CircleCIError, match='Invalid environment variable name'):
            check_envvar_name(bad)


def test_fingerprint_rule():
    good = ':'.join(['AB'] * 16)
    assert check_fingerprint(good) == good.lower()
    for bad in ('ab:cd', ':'.join(['zz'] * 16), 'SHA256:abc', None):
        with pytest.raises(CircleCIError, match='Invalid fingerprint'):
            check_fingerprint(bad)


def test_build_num_rule():
    assert check_build_num(3) == 3
    for bad in (0, -1, True, '3', None):
        with pytest.raises(CircleCIError, match='^build_num must be a positive integer, got '):
            check_build_num(bad)


def test_trigger_rules_and_body():
    with pytest.raises(CircleCIError, match='mutually exclusive'):
        check_trigger(revision='abc', tag='v1')
    with pytest.raises(CircleCIError, match='parallel must be a positive integer'):
        check_trigger(parallel=0)
    with pytest.raises(CircleCIError, match='quote the values of: DEBUG, N'):
        check_trigger(build_parameters={'DEBUG': True, 'N': 3, 'OK': 'x'})
    assert trigger_body() == {}
    assert trigger_body(tag='v1', parallel=2, build_parameters={'A': 'b'}) == {
        'tag': 'v1', 'parallel': 2, 'build_parameters': {'A': 'b'}}


def test_mask_value():
    assert mask_value('eu-west-1') == 'xxxxst-1'
    # Short values: only what CircleCI is known to show (test -> xxxxst, recorded), else a bare xxxx.
    assert mask_value('test') == 'xxxxst'
    assert mask_value('R') == 'xxxx'
    assert mask_value('') == 'xxxx'
    assert mask_value(u'p\u00e4ssw\u00f6rd') == u'xxxxw\u00f6rd'
    assert mask_value(u'p\u00e4ss\u00f6rd') == u'xxxx'


def test_parse_project_slug():
    assert parse_project_slug('acme/app', 'github').parts == ('github', 'acme', 'app')
    assert parse_project_slug('acme/app', 'bitbucket').parts == ('bitbucket', 'acme', 'app')
    assert parse_project_slug('gh/acme/app').parts == ('github', 'acme', 'app')
    assert parse_project_slug('bitbucket/acme/lib').parts == ('bitbucket', 'acme', 'lib')
    for bad in ('acme', 'a//b', 'gitlab/acme/app', 'a/b/c/d'):
        with pytest.raises(CircleCIError, match='^Invalid project slug'):
            parse_project_slug(bad)


# -- per-call hints and secrets in errors ------------------------------------------

def test_hints_replace_the_generic_advice_for_one_call(client, http):
    http.add(responses.POST, ROOT + '/x', status=403, json={'message': 'Permission denied'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 403 Permission denied for POST /x') as info:
        client.v1.post('/x', {'type': 'github-user-key'}, hints={403: 'use a personal API token'})
    assert str(info.value) == 'CircleCI answered 403 Permission denied for POST /x: use a personal API token'
    http.add(responses.POST, ROOT + '/y', status=401, json={'message': 'You must log in first.'})
    with pytest.raises(CircleCIError, match='check api_token$'):
        client.v1.post('/y', {}, hints={403: 'not used for a 401'})


def test_secret_body_values_never_come_back_in_errors(client, http):
    secrets = {'value': 'envvar-secret-1', 'private_key': '-----BEGIN KEY abc', 'apikey': 'heroku-secret-2'}
    for key, secret in secrets.items():
        http.add(responses.POST, ROOT + '/x', status=400, json={'message': 'invalid %s: %s' % (key, secret)})
        with pytest.raises(CircleCIError, match='^CircleCI answered 400 invalid %s: \\*{8}' % key) as info:
            client.v1.post('/x', {key: secret, 'name': 'N'})
        assert secret not in str(info.value)
        assert secret not in info.value.server_message
        assert 'invalid %s: ********' % key in str(info.value)


def test_non_secret_body_values_stay_readable_in_errors(client, http):
    body = {'name': 'DEPLOY_HOST', 'hostname': 'deploy.example.com', 'value': 'secret-value-77', 'type': 'deploy-key'}
    http.add(responses.POST, ROOT + '/x', status=400,
             json={'message': 'bad request: %s' % json.dumps(body, sort_keys=True)})
    with pytest.raises(CircleCIError, match='^CircleCI answered 400 bad request: ') as info:
        client.v1.post('/x', body)
    text = str(info.value)
    assert 'secret-value-77' not in text
    for shown in ('"name": "DEPLOY_HOST"', '"hostname": "deploy.example.com"', '"type": "deploy-key"', '"value": "********"'):
        assert shown in text


@pytest.mark.parametrize('body', [{'value': 12345678, 'name': 'N'}, {'value': None}, {'apikey': ''},
                                  {'private_key': ['not', 'a', 'string']}, ['value', 'x'], 'value'])
def test_bodies_without_string_secrets_do_not_break_the_error(client, http, body):
    http.add(responses.POST, ROOT + '/x', status=400, json={'message': 'rejected 12345678 value'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 400 rejected 12345678 value for POST /x: '
                                            'CircleCI rejected the request$'):
        client.v1.post('/x', body)


# -- lists and missing items ---------------------------------------------------------

def test_get_list_empty_body_is_an_error(client, http):
    http.add(responses.GET, ROOT + '/projects', body='')
    with pytest.raises(CircleCIError, match='^CircleCI answered 200 with an empty body for GET /projects where a JSON list was expected$'):
        client.v1.list_all('/projects')


def test_get_list_refuses_anything_but_a_list(client, http):
    http.add(responses.GET, ROOT + '/projects', json={'message': 'odd'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 200 for GET /projects with a JSON object where a JSON list was expected$'):
        client.v1.list_all('/projects')


def test_missing_item_is_absent_but_a_missing_project_fails(client, http):
    latest = '/project/github/acme/app/latest/artifacts'
    http.add(responses.GET, ROOT + latest, status=404, json={'message': 'Build not found'})
    assert client.v1.find_list(latest) == []
    http.add(responses.GET, ROOT + '/project/github/acme/app/envvar/X', status=404, json={'message': 'env var not found'})
    assert client.v1.find('/project/github/acme/app/envvar/X') is None
    http.add(responses.GET, ROOT + '/project/github/acme/nope/latest/artifacts', status=404,
             json={'message': 'Project not found'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 Project not found for GET /project/github/acme/nope/latest/artifacts') as info:
        client.v1.find_list('/project/github/acme/nope/latest/artifacts')
    assert info.value.project_missing
    assert 'CircleCI answered 404 Project not found for GET /project/github/acme/nope/latest/artifacts' in str(info.value)


def test_allow_parallel_keeps_a_connection_per_thread(client):
    default = client.session.get_adapter('https://circleci.example/')
    client.allow_parallel(4)
    assert client.session.get_adapter('https://circleci.example/') is default
    client.allow_parallel(16)
    for url in ('https://circleci.example/', 'http://127.0.0.1/'):
        assert client.session.get_adapter(url)._pool_maxsize == 16


def test_paging_rule():
    from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_paging
    check_paging(250, 0)
    for limit, offset in ((0, 0), (True, 0), ('30', 0), (30, -1)):
        with pytest.raises(CircleCIError, match='^(limit must be a positive integer|offset must be 0 or a positive integer), got '):
            check_paging(limit, offset)


def test_same_fingerprint_compares_sha256_exactly_and_md5_without_case():
    from ansible_collections.ciops.circleci.plugins.module_utils._v1 import same_fingerprint
    wanted = 'SHA256:' + 'A' * 43
    assert same_fingerprint(wanted, wanted)
    assert same_fingerprint('A' * 43 + '=', wanted)  # without the prefix, with base64 padding
    assert not same_fingerprint('SHA256:' + 'B' * 43, wanted)
    assert not same_fingerprint('not a fingerprint', wanted)
    assert not same_fingerprint(None, wanted)
    assert same_fingerprint('A6:8E:59:5E:96:95:36:0E:0C:E6:81:AE:3C:46:CF:5B', 'a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b')


def test_choose_api_version_refuses_an_unknown_version():
    from ansible_collections.ciops.circleci.plugins.module_utils._project import choose_api_version
    with pytest.raises(CircleCIError, match="^api_version must be one of auto, v1.1, v2, got 'v3'$"):
        choose_api_version(APP, 'v3')
    assert choose_api_version(APP, 'auto') == 'v1.1'
