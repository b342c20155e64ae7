# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.modules.circleci_heroku_key import check_heroku_api_key
from ansible_collections.ciops.circleci.plugins.modules import circleci_heroku_key as mod

from .conftest import API, TOKEN

HEROKU = API + '/user/heroku-key'
KEY = '01234567-89ab-cdef-0123-456789abcdef'


def test_sends_the_key_in_a_json_body_once(api, run_module):
    api.add(responses.POST, HEROKU, body='')
    result = run_module(mod, dict(apikey=KEY))
    assert result['changed'] is True
    assert result['sent'] is True
    assert set(result) == {'changed', 'sent', 'warnings'}
    assert len(api.calls) == 1
    request = api.calls[0].request
    assert json.loads(request.body) == {'apikey': KEY}
    assert request.headers['Content-Type'] == 'application/json'
    assert request.headers['Circle-Token'] == TOKEN
    assert KEY not in request.url
    assert KEY not in json.dumps(result)


def test_any_2xx_with_a_body_is_success(api, run_module):
    api.add(responses.POST, HEROKU, status=201, json={'message': 'ok'})
    result = run_module(mod, dict(apikey=KEY))
    assert result['changed'] is True


def test_check_mode_sends_nothing(api, run_module):
    result = run_module(mod, dict(apikey=KEY), check_mode=True)
    assert result['changed'] is True
    assert result['sent'] is False
    assert len(api.calls) == 0


def test_no_project_options(api, run_module):
    result = run_module(mod, dict(apikey=KEY, username='acme'))
    assert result['failed'] is True
    assert 'Unsupported parameters' in result['msg']
    assert len(api.calls) == 0


def test_invalid_key_403_is_a_clear_failure_without_the_key(api, run_module):
    api.add(responses.POST, HEROKU, status=403, json={'message': 'Invalid Heroku API key'})
    result = run_module(mod, dict(apikey=KEY))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 403 Invalid Heroku API key for POST /user/heroku-key: '
                             'CircleCI rejected the Heroku API key (check apikey, e.g. heroku auth:token) '
                             'or the token is not a personal API token')
    assert result['status'] == 403
    assert KEY not in json.dumps(result)


def test_a_server_echoing_the_key_is_redacted(api, run_module):
    api.add(responses.POST, HEROKU, status=400, json={'message': 'bad key %s' % KEY})
    result = run_module(mod, dict(apikey=KEY))
    assert result['failed'] is True
    assert 'bad key ********' in result['msg']
    assert KEY not in json.dumps(result)


@pytest.mark.parametrize('apikey', ['', '   ', 'two words'])
def test_malformed_key_fails_before_any_request(api, run_module, apikey):
    result = run_module(mod, dict(apikey=apikey))
    assert result['failed'] is True
    assert 'Invalid apikey' in result['msg']
    if apikey.strip():
        assert apikey not in result['msg']
    assert len(api.calls) == 0


def test_check_heroku_api_key_rule():
    assert check_heroku_api_key(KEY) == KEY
    for bad in (None, '', 'a b', 'tab\tkey', 42):
        with pytest.raises(CircleCIError) as err:
            check_heroku_api_key(bad)
        assert 'a single non-empty token' in str(err.value)


def test_a_no_log_value_is_scrubbed_even_where_the_scrubber_does_not_know_its_body_key(api, run_module, monkeypatch):
    # The module's no_log values reach the client: a secret option needs no entry in SECRET_BODY_KEYS.
    from ansible_collections.ciops.circleci.plugins.module_utils import _errors
    monkeypatch.setattr(_errors, 'SECRET_BODY_KEYS', ())
    api.add(responses.POST, HEROKU, status=400, json={'message': 'rejected %s (%s)' % (KEY, json.dumps(json.dumps(KEY)))})
    result = run_module(mod, dict(apikey=KEY))
    assert result['failed'] is True
    assert KEY not in json.dumps(result) and '0123456789ab' not in json.dumps(result)
    assert result['api_message'] == 'rejected ******** ("\\"********\\"")'
