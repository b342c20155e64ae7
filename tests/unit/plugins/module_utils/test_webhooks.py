# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Webhooks: one shape in either spelling, the secret only as "shown or not", the list read page by page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils import _webhooks as hooks
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient

V2 = 'https://circleci.example/api/v2'
PROJECT_ID = '67899bff-f2d0-43c4-a0ea-f019e733cb62'


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client():
    c = CircleCIClient('unit-token-0123456789', api_url='https://circleci.example', retries=0)
    yield c
    c.close()


@pytest.mark.parametrize('value, shown', [('****', True), ('', False), (None, None), (True, None), ('xyz', True)])
def test_secret_shown(value, shown):
    assert hooks.secret_shown(value) is shown


def test_normalize_reads_either_spelling_and_never_keeps_the_secret():
    snake = {'id': 'w1', 'name': 'n', 'events': ['job-completed'], 'url': 'https://h.example/', 'verify_tls': False,
             'signing_secret': '****', 'scope': {'id': PROJECT_ID, 'type': 'project'}, 'created_at': 'c', 'updated_at': 'u'}
    kebab = dict((k.replace('_', '-'), v) for k, v in snake.items())
    for answer in (snake, kebab):
        out = hooks.normalize_webhook(answer)
        assert out == {'id': 'w1', 'name': 'n', 'url': 'https://h.example/', 'events': ['job-completed'],
                       'verify_tls': False, 'signing_secret_set': True, 'scope': {'id': PROJECT_ID, 'type': 'project'},
                       'created_at': 'c', 'updated_at': 'u'}
    assert hooks.normalize_webhook({'id': 'w2'})['events'] == []
    assert hooks.normalize_webhook({'id': 'w2', 'scope': 'x'})['scope'] == {'id': None, 'type': None}


def test_list_webhooks_reads_every_page_with_the_scope(http, client):
    http.add(responses.GET, V2 + '/webhook', json={'items': [{'id': 'a', 'name': 'a'}, 'junk'], 'next_page_token': 't'})
    http.add(responses.GET, V2 + '/webhook', json={'items': [{'id': 'b', 'name': 'b'}], 'next_page_token': None})
    assert [w['id'] for w in hooks.list_webhooks(client, PROJECT_ID)] == ['a', 'b']
    assert [c.request.url.replace(V2, '') for c in http.calls] == [
        '/webhook?scope-id=%s&scope-type=project' % PROJECT_ID,
        '/webhook?scope-id=%s&scope-type=project&page-token=t' % PROJECT_ID]


def test_a_refused_list_names_the_admin_rule(http, client):
    http.add(responses.GET, V2 + '/webhook', status=403, json={'message': 'Permission denied'})
    with pytest.raises(CircleCIError, match='organization admin'):
        hooks.list_webhooks(client, PROJECT_ID)


def test_paths():
    assert hooks.webhook_path() == '/webhook'
    assert hooks.webhook_path('a/b') == '/webhook/a%2Fb'


@pytest.mark.parametrize('name', ['', '   ', None, 3, 'a\nb', 'a\x7fb'])
def test_bad_names(name):
    with pytest.raises(CircleCIError, match='^name '):
        hooks.check_webhook_name(name)


def test_good_names():
    assert hooks.check_webhook_name(u'deploy hook \u2713 / prod') == u'deploy hook \u2713 / prod'
