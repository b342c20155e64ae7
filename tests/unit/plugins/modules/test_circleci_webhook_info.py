# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_webhook_info as mod

V2 = 'https://circleci.example/api/v2'
PROJECT_ID = 'eafdaa3f-a5b1-4ccd-b9a7-77b8db20cd2f'
SLUG = 'circleci/041bf957-9fbf-4f14-8998-f6a1515102bd/' + PROJECT_ID
LIST = '/webhook?scope-id=%s&scope-type=project' % PROJECT_ID


def hook(name, secret='****', **changes):
    out = {'id': 'id-' + name, 'name': name, 'events': ['job-completed'], 'url': 'https://%s.example.com/' % name,
           'verify_tls': True, 'signing_secret': secret, 'scope': {'id': PROJECT_ID, 'type': 'project'},
           'created_at': '2026-12-01T10:00:00.000Z', 'updated_at': '2026-12-01T10:00:00.000Z'}
    out.update(changes)
    return out


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def add_reads(api, *pages):
    api.add(responses.GET, V2 + '/project/' + SLUG, json={'id': PROJECT_ID, 'slug': SLUG})
    for items, token in pages:
        api.add(responses.GET, V2 + '/webhook', json={'items': items, 'next_page_token': token})


def test_lists_every_webhook_of_every_page_without_secrets(api, run_module):
    # c in the published reference's spelling (signing-secret): "" is no secret either way.
    hyphenated = dict((k, v) for k, v in hook('c').items() if k != 'signing_secret')
    hyphenated['signing-secret'] = ''
    add_reads(api, ([hook('a'), hook('b', secret='')], 'p2'), ([hyphenated], None))
    result = run_module(mod, dict(project_slug=SLUG))
    assert result['changed'] is False
    assert calls(api) == [('GET', '/project/' + SLUG), ('GET', LIST), ('GET', LIST + '&page-token=p2')]
    assert [w['name'] for w in result['webhooks']] == ['a', 'b', 'c']
    assert [w['signing_secret_set'] for w in result['webhooks']] == [True, False, False]
    assert result['webhooks'][0] == {
        'id': 'id-a', 'name': 'a', 'url': 'https://a.example.com/', 'events': ['job-completed'], 'verify_tls': True,
        'signing_secret_set': True, 'scope': {'id': PROJECT_ID, 'type': 'project'},
        'created_at': '2026-12-01T10:00:00.000Z', 'updated_at': '2026-12-01T10:00:00.000Z'}
    assert result['project_id'] == PROJECT_ID
    assert '****' not in json.dumps(result)


def test_one_by_name(api, run_module):
    add_reads(api, ([hook('a'), hook('b')], None))
    result = run_module(mod, dict(project_slug=SLUG, name='b'))
    assert [w['id'] for w in result['webhooks']] == ['id-b']


def test_a_name_nobody_has_is_an_empty_list(api, run_module):
    add_reads(api, ([hook('a')], None))
    assert run_module(mod, dict(project_slug=SLUG, name='z'))['webhooks'] == []


def test_check_mode_reads_the_same(api, run_module):
    add_reads(api, ([], None))
    result = run_module(mod, dict(project_slug=SLUG), check_mode=True)
    assert result['webhooks'] == [] and len(api.calls) == 2


@pytest.mark.parametrize('name', ['', ' ', 'a\tb'])
def test_a_bad_name_is_refused_before_any_request(api, run_module, name):
    result = run_module(mod, dict(project_slug=SLUG, name=name))
    assert result['failed'] is True and result['msg'].startswith('name ')
    assert len(api.calls) == 0
