# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runner API family (client.runner): its host, paths, lists and input rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils import _runner
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._options import client_from_options

TOKEN = 'runner-test-token-1234'


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def client(**kwargs):
    return CircleCIClient(TOKEN, retries=0, **kwargs)


@pytest.mark.parametrize('api_url, runner_url, root', [
    # circleci.com (the default): the runner API has a host of its own.
    (None, None, 'https://runner.circleci.com'),
    ('https://circleci.com', None, 'https://runner.circleci.com'),
    ('https://CircleCI.com/api/v2', None, 'https://runner.circleci.com'),
    # CircleCI Server: the Server's own host.
    ('https://circleci.example.com', None, 'https://circleci.example.com'),
    ('https://circleci.example.com/api/v1.1', None, 'https://circleci.example.com'),
    ('http://127.0.0.1:8080', None, 'http://127.0.0.1:8080'),
    # Set: taken as given, an /api/v3 suffix cut back to the host.
    (None, 'http://127.0.0.1:9000', 'http://127.0.0.1:9000'),
    ('https://circleci.example.com', 'https://runner.example.com/api/v3/', 'https://runner.example.com'),
    (None, '  https://runner.example.com/  ', 'https://runner.example.com'),
])
def test_the_runner_host_is_derived_or_given(api_url, runner_url, root):
    kwargs = dict(runner_url=runner_url)
    if api_url is not None:
        kwargs['api_url'] = api_url
    assert client(**kwargs).runner_root == root


@pytest.mark.parametrize('runner_url', ['', '   ', 'ftp://runner.example.com', 'runner.example.com',
                                        'https://runner.example.com/?x=1', 'https://user@runner.example.com',
                                        'http://[::1', 'https://runner.example.com:99999', 'https://run ner.example.com'])
def test_a_bad_runner_url_is_one_line_naming_the_option(runner_url):
    with pytest.raises(CircleCIError) as exc:
        client(runner_url=runner_url)
    assert str(exc.value).startswith('runner_url ')
    assert '\n' not in str(exc.value)


def test_client_from_options_passes_runner_url():
    options = dict(api_token=TOKEN, api_url='https://circleci.com', runner_url='http://127.0.0.1:7', vcs_type='github',
                   validate_certs=True, timeout=30, retries=0)
    assert client_from_options(options.get).runner_root == 'http://127.0.0.1:7'
    options['runner_url'] = None
    assert client_from_options(options.get).runner_root == 'https://runner.circleci.com'


def test_requests_go_to_the_runner_host_under_api_v3_with_the_token_header(http):
    c = client(api_url='https://circleci.example.com', runner_url='https://runner.example.com')
    http.add(responses.GET, 'https://runner.example.com/api/v3/runner/tasks', json={'unclaimed_task_count': 3},
             match=[responses.matchers.query_param_matcher({'resource-class': 'acme/gpu'})])
    assert c.runner.unclaimed_tasks('acme/gpu') == {'unclaimed_task_count': 3}
    request = http.calls[0].request
    assert request.headers['Circle-Token'] == TOKEN
    assert TOKEN not in request.url
    assert c.runner is c.runner  # one family per client


def test_messages_name_the_path_under_api_v3(http):
    c = client(runner_url='https://runner.example.com')
    http.add(responses.DELETE, 'https://runner.example.com/api/v3/runner/resource/abc', status=400,
             json={'message': 'resource class has tokens'})
    with pytest.raises(CircleCIError) as exc:
        c.runner.delete(c.runner.path('runner', 'resource', 'abc'))
    assert str(exc.value).startswith('CircleCI answered 400 resource class has tokens for DELETE /api/v3/runner/resource/abc')


def test_a_403_says_the_namespace_must_be_the_organisations(http):
    c = client(runner_url='https://runner.example.com')
    http.add(responses.GET, 'https://runner.example.com/api/v3/runner/resource', status=403, json={'message': 'Forbidden'})
    with pytest.raises(CircleCIError, match="organisation's orb namespace"):
        c.runner.resource_classes('other')


def test_lists_are_read_whole_and_a_next_page_token_is_followed(http):
    c = client(runner_url='https://runner.example.com')
    url = 'https://runner.example.com/api/v3/runner/token'
    http.add(responses.GET, url, json={'items': [{'id': '1'}], 'next_page_token': 'p2'},
             match=[responses.matchers.query_param_matcher({'resource-class': 'acme/gpu'})])
    http.add(responses.GET, url, json={'items': [{'id': '2'}]},
             match=[responses.matchers.query_param_matcher({'resource-class': 'acme/gpu', 'page-token': 'p2'})])
    assert [t['id'] for t in c.runner.tokens('acme/gpu')] == ['1', '2']


def test_a_repeated_page_token_stops_paging(http):
    c = client(runner_url='https://runner.example.com')
    url = 'https://runner.example.com/api/v3/runner'
    http.add(responses.GET, url, json={'items': [], 'next_page_token': 'same'})
    http.add(responses.GET, url, json={'items': [], 'next_page_token': 'same'})
    with pytest.raises(CircleCIError, match='same next_page_token twice'):
        c.runner.runners(namespace='acme')


def test_an_answer_without_items_is_refused(http):
    c = client(runner_url='https://runner.example.com')
    http.add(responses.GET, 'https://runner.example.com/api/v3/runner', json={'runners': []})
    with pytest.raises(CircleCIError, match='where a page of items'):
        c.runner.runners(resource_class='acme/gpu')


@pytest.mark.parametrize('value', ['acme/gpu', 'my-org_1/linux-x86_64', 'a/b'])
def test_resource_classes_circleci_allows(value):
    assert _runner.check_resource_class(value) == value
    assert _runner.namespace_of(value) == value.split('/')[0]


@pytest.mark.parametrize('value', ['acme', 'acme/', '/gpu', 'acme/gpu/x', 'Acme/gpu', 'acme/GPU', 'acme/gpu.large',
                                   'acme/gpu large', u'acme/gp\u00fc', '', None, 42])
def test_resource_classes_circleci_refuses(value):
    with pytest.raises(CircleCIError, match='Invalid resource_class'):
        _runner.check_resource_class(value)


def test_namespaces_and_nicknames():
    assert _runner.check_namespace('acme') == 'acme'
    for bad in ('Acme', 'acme/x', '', None):
        with pytest.raises(CircleCIError, match='Invalid namespace'):
            _runner.check_namespace(bad)
    assert _runner.check_nickname('web-01 (eu)') == 'web-01 (eu)'
    for bad in ('', '  ', 'a\nb', None):
        with pytest.raises(CircleCIError, match='Invalid nickname'):
            _runner.check_nickname(bad)


def test_a_bad_resource_class_sends_nothing(http):
    c = client(runner_url='https://runner.example.com')
    with pytest.raises(CircleCIError):
        c.runner.running_tasks('Acme/GPU')
    assert len(http.calls) == 0
