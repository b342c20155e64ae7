# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hardened client: connection normalisation, the token check, one deadline per call,
answers of the wrong shape, writes whose outcome is unknown, and secrets in every encoding."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import json
import re
import socket
import threading

import pytest
import requests
import responses

from urllib.parse import quote

from ansible_collections.ciops.circleci.plugins.module_utils import _http
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError, scrub
from ansible_collections.ciops.circleci.plugins.module_utils._http import CircleCIClient, normalize_api_url

HOST = 'https://circleci.example'
V1 = HOST + '/api/v1.1'
V2 = HOST + '/api/v2'
TOKEN = 'tok-7f3a9c2e5b1d'


class FakeTime(object):
    """A clock that only moves when the client sleeps (or by `tick` per reading)."""

    def __init__(self, tick=0.0):
        self.now = 1000.0
        self.tick = tick
        self.sleeps = []

    def clock(self):
        self.now += self.tick
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def make(fake=None, **kwargs):
    fake = fake or FakeTime()
    options = dict(api_url=HOST, retries=3, timeout=5, sleep=fake.sleep, clock=fake.clock)
    options.update(kwargs)
    return CircleCIClient(TOKEN, **options)


# -- connection ------------------------------------------------------------------

@pytest.mark.parametrize('given,root,form', [
    (None, 'https://circleci.com', 'v1.1'),
    ('https://circleci.com', 'https://circleci.com', 'v1.1'),
    ('https://circleci.com/', 'https://circleci.com', 'v1.1'),
    (' https://circleci.com/api/v1.1/ ', 'https://circleci.com', 'v1.1'),
    ('https://circleci.com/api/v2', 'https://circleci.com', 'v1.1'),
    ('https://circleci.com/api', 'https://circleci.com', 'v1.1'),
    ('https://circleci.example.com/api/v1', 'https://circleci.example.com', 'v1'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080', 'v1.1'),
    ('https://example.com/circleci/api/v1.1', 'https://example.com/circleci', 'v1.1'),
])
def test_api_url_is_the_host_root_and_old_forms_are_normalised(given, root, form):
    assert normalize_api_url(given) == (root, form)


@pytest.mark.parametrize('given', ['', '   ', 42])
def test_empty_api_url_is_an_error_never_circleci_com(given):
    with pytest.raises(CircleCIError, match='^api_url is empty: set it to the CircleCI host'):
        normalize_api_url(given)


@pytest.mark.parametrize('given', ['ftp://x', 'circleci.com', 'https://x/api?circle-token=abc', 'https://u:p@x', 'https://'])
def test_api_url_that_is_not_a_host_is_refused(given):
    with pytest.raises(CircleCIError, match='api_url must be an http\\(s\\) URL of the CircleCI host'):
        normalize_api_url(given)


def test_both_api_families_go_to_one_host(http):
    client = make()
    http.add(responses.GET, V1 + '/me', json={'login': 'a'})
    http.add(responses.GET, V2 + '/me', json={'login': 'a'})
    client.v1.get('/me')
    client.v2.get('/me')
    assert [c.request.url for c in http.calls] == [V1 + '/me', V2 + '/me']
    assert client.v1.url('') == V1 and client.v2.url('') == V2


def test_token_is_stripped_and_sent_only_in_the_header(http):
    client = CircleCIClient('  %s\n' % TOKEN, api_url=HOST)
    http.add(responses.GET, V1 + '/me', json={})
    client.v1.get('/me')
    request = http.calls[0].request
    assert request.headers['Circle-Token'] == TOKEN
    assert TOKEN not in request.url


@pytest.mark.parametrize('token', ['ZQ81tokA\nZQ81tokB', 'ZQ81tokA\rZQ81tokB', 'ZQ81tokA\x00ZQ81tokB', 'ZQ81tokA\tZQ81tokB'])
def test_token_with_a_control_character_inside_is_refused_without_quoting_it(token):
    with pytest.raises(CircleCIError, match='^api_token contains a line break or another control character') as info:
        CircleCIClient(token, api_url=HOST)
    assert 'api_token contains a line break or another control character' in str(info.value)
    assert 'Could not reach' not in str(info.value)
    assert 'ZQ81' not in str(info.value)


@pytest.mark.parametrize('token', [None, '', '  \n'])
def test_missing_token_is_refused(token):
    with pytest.raises(CircleCIError, match='^api_token is required'):
        CircleCIClient(token, api_url=HOST)


# -- shapes ----------------------------------------------------------------------

@pytest.mark.parametrize('body,expect,message', [
    ('', 'object', 'CircleCI answered 200 with an empty body for GET /x where a JSON object was expected'),
    ('"text"', 'object', 'CircleCI answered 200 for GET /x with a JSON string where a JSON object was expected'),
    ('[1]', 'object', 'CircleCI answered 200 for GET /x with a JSON list where a JSON object was expected'),
    ('null', 'object', 'CircleCI answered 200 for GET /x with JSON null where a JSON object was expected'),
    ('{}', 'list', 'CircleCI answered 200 for GET /x with a JSON object where a JSON list was expected'),
    ('{"items": {}}', 'page', 'with a JSON object where a page of items'),
    ('{"items": [], "next_page_token": 3}', 'page', 'with a JSON object where a page of items'),
    ('{not json', 'object', 'CircleCI answered 200 for GET /x with a body that is not JSON: {not json'),
])
def test_answers_of_the_wrong_shape_are_one_clear_error(http, body, expect, message):
    http.add(responses.GET, V1 + '/x', body=body)
    with pytest.raises(CircleCIError, match='^CircleCI answered 200 ') as info:
        make().v1.get('/x', expect=expect)
    assert message in str(info.value)
    assert info.value.status == 200


def test_writes_without_expectation_accept_an_empty_body(http):
    http.add(responses.POST, V1 + '/x', body='')
    assert make().v1.post('/x', {'a': 1}) is None


# -- errors ----------------------------------------------------------------------

HTML_404 = '<html><head><title>404 Not Found</title></head><body>nope</body></html>'


@pytest.mark.parametrize('operation, kwargs', [('find', dict(missing_project_ok=True)), ('find', {}), ('get', {})])
def test_html_404_is_a_wrong_url_never_an_absent_item(http, operation, kwargs):
    http.add(responses.GET, V1 + '/project/github/acme/app/envvar/X', status=404, body=HTML_404, content_type='text/html')
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 404 Not Found \(an HTML page, not the API\)') as info:
        getattr(make().v1, operation)('/project/github/acme/app/envvar/X', **kwargs)
    assert str(info.value) == (
        'CircleCI answered 404 Not Found (an HTML page, not the API) for GET /project/github/acme/app/envvar/X: '
        'no such API endpoint: check api_url (the CircleCI host, e.g. https://circleci.com)')
    assert not info.value.not_found


def test_json_404_about_an_item_is_absent_but_about_the_project_fails(http):
    http.add(responses.GET, V1 + '/a', status=404, json={'message': 'env var not found'})
    http.add(responses.GET, V1 + '/b', status=404, json={'message': 'Project not found'})
    client = make()
    assert client.v1.find('/a') is None
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 Project not found for GET /b') as info:
        client.v1.find('/b')
    assert info.value.project_missing


def test_status_is_named_once(http):
    http.add(responses.GET, V1 + '/x', status=502, body='<html><title>502 Bad Gateway</title></html>')
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 502 Bad Gateway \(an HTML page, not the API\) for GET /x') as info:
        make(retries=0).v1.get('/x')
    assert str(info.value).startswith('CircleCI answered 502 Bad Gateway (an HTML page, not the API) for GET /x')


def test_a_huge_path_is_shortened_in_the_message(http):
    name = 'x' * 5000
    http.add(responses.GET, V1 + '/project/github/acme/%s/envvar' % name, status=404, json={'message': 'Project not found'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 Project not found for GET /project/github/acme/xxx') as info:
        make().v1.get('/project/github/acme/%s/envvar' % name)
    message = str(info.value)
    assert len(message) < 400, len(message)
    assert re.search(r'/acme/x+\.\.\.x+/envvar: check the project', message), message
    assert len(info.value.result()['request']) < 250


def test_410_hint_only_for_the_retired_endpoints(http):
    http.add(responses.POST, V1 + '/project/github/acme/app/12/retry', status=410, json={'message': 'Gone'})
    http.add(responses.GET, V1 + '/project/github/acme/app/envvar', status=410, json={'message': 'Gone'})
    http.add(responses.POST, V2 + '/project/gh/acme/app/pipeline', status=410, json={'message': 'Gone'})
    client = make()
    with pytest.raises(CircleCIError, match='retired this API v1.1 endpoint on 2027-02-01'):
        client.v1.post('/project/github/acme/app/12/retry')
    for call in (lambda: client.v1.get('/project/github/acme/app/envvar'),
                 lambda: client.v2.post('/project/gh/acme/app/pipeline')):
        with pytest.raises(CircleCIError, match='^CircleCI answered 410 Gone for ') as info:
            call()
        assert 'retired' not in str(info.value)
        assert str(info.value).endswith(': CircleCI no longer serves this endpoint')


def test_v2_errors_name_the_v2_path(http):
    http.add(responses.GET, V2 + '/project/gh/acme/nope', status=404, json={'message': 'Project not found'})
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 Project not found for GET /api/v2/project/gh/acme/nope') as info:
        make().v2.get('/project/gh/acme/nope')
    assert str(info.value).startswith('CircleCI answered 404 Project not found for GET /api/v2/project/gh/acme/nope: check the project')
    assert info.value.result() == {'status': 404, 'request': 'GET /api/v2/project/gh/acme/nope',
                                   'api_message': 'Project not found'}


# -- deadline ----------------------------------------------------------------------

@pytest.mark.parametrize('retries', [-1, True, None])
def test_retries_must_be_a_count(retries):
    with pytest.raises(CircleCIError, match='^retries must be 0 or more, got '):
        CircleCIClient(TOKEN, api_url=HOST, retries=retries)


@pytest.mark.parametrize('timeout', [0, -2, True, None])
def test_timeout_must_be_positive(timeout):
    with pytest.raises(CircleCIError, match='^timeout must be a positive number of seconds, got '):
        CircleCIClient(TOKEN, api_url=HOST, timeout=timeout)


def test_no_retry_starts_exactly_at_the_deadline(monkeypatch):
    calls = []

    class Session(requests.Session):
        def request(self, method, *args, **kwargs):
            calls.append(method)
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")

    monkeypatch.setattr(_http.random, 'uniform', lambda low, high: high)
    # Each reading of the clock is 1 s later: the deadline is 1001 + 2.5; the retry after the first
    # failure would start at 1003 + 0.5, exactly at it, so it is not made.
    fake = FakeTime(tick=1.0)
    client = CircleCIClient(TOKEN, api_url=HOST, retries=1, timeout=1, sleep=fake.sleep, clock=fake.clock,
                            session=Session())
    with pytest.raises(CircleCIError, match='^Could not reach CircleCI for GET /x at .*: Connection aborted$'):
        client.v1.get('/x')
    assert calls == ['GET'] and fake.sleeps == []


def test_a_permanent_429_ends_within_the_deadline(http):
    fake = FakeTime()
    client = make(fake, retries=5, timeout=1)
    http.add(responses.GET, V1 + '/x', status=429, headers={'Retry-After': '5'}, json={'message': 'slow down'})
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 429 for GET /x and asks to wait 5 s \(Retry-After\)') as info:
        client.v1.get('/x')
    # timeout x (retries + 1) + backoff = 6 + 15.5 s: four waits of 5 s fit, the fifth does not.
    assert client.deadline_seconds == 21.5
    assert len(fake.sleeps) == 4 and all(5 <= s <= 5.1 for s in fake.sleeps)
    assert 'asks to wait 5 s (Retry-After), longer than this call may take (22 s' in str(info.value)
    assert 'CircleCI takes requests again after' in str(info.value)
    assert len(http.calls) == 5


def test_a_retry_after_longer_than_the_deadline_fails_at_once(http):
    fake = FakeTime()
    http.add(responses.POST, V1 + '/x', status=429, headers={'Retry-After': '100'}, json={})
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 429 for POST /x and asks to wait 100 s \(Retry-After\)') as info:
        make(fake).v1.post('/x', {})
    assert fake.sleeps == []
    assert len(http.calls) == 1
    assert 'asks to wait 100 s (Retry-After)' in str(info.value)
    assert info.value.status == 429


def test_without_retry_after_a_permanent_503_gives_up_after_the_retries(http):
    fake = FakeTime()
    for dummy in range(4):
        http.add(responses.GET, V1 + '/x', status=503, json={'message': 'down'})
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 503 down for GET /x: .*\(after 3 retries\)$'):
        make(fake).v1.get('/x')
    assert len(fake.sleeps) == 3


class OneShotServer(object):
    """A loopback TCP server that answers each connection with `behaviour(conn, request_bytes)`."""

    def __init__(self, behaviour):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, dummy = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(5)
            data = b''
            while b'\r\n\r\n' not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.requests.append(data.split(b'\r\n', 1)[0].decode())
            try:
                self.behaviour(conn, self.stop)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(5)


def _trickle(conn, stop):
    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{')
    while not stop.wait(0.01):
        conn.sendall(b' ')


def _close_without_answer(conn, stop):
    conn.close()


def test_a_trickled_body_cannot_outlast_the_deadline():
    server = OneShotServer(_trickle)
    fake = FakeTime(tick=0.25)  # every reading of the clock is a quarter second later
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=0, timeout=2,
                                sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(CircleCIError, match='^Could not reach CircleCI for GET /me at ') as info:
            client.v1.get('/me')
    finally:
        server.close()
    assert str(info.value) == ('Could not reach CircleCI for GET /me at http://127.0.0.1:%d: '
                               'the answer did not arrive in full within the deadline' % server.port)


def test_a_write_whose_answer_never_came_is_not_repeated_and_says_so():
    server = OneShotServer(_close_without_answer)
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=3, timeout=5,
                                sleep=lambda s: None)
        with pytest.raises(CircleCIError, match='^CircleCI may have acted on POST /project/github/acme/app/tree/main') as info:
            client.v1.post('/project/github/acme/app/tree/main', {'revision': 'abc'})
    finally:
        server.close()
    message = str(info.value)
    assert message.startswith('CircleCI may have acted on POST /project/github/acme/app/tree/main: the request was sent, then ')
    assert message.endswith('; check in CircleCI before running it again')
    assert 'Could not reach' not in message
    assert info.value.outcome_unknown and info.value.result()['outcome_unknown'] is True
    assert server.requests == ['POST /api/v1.1/project/github/acme/app/tree/main HTTP/1.1']


def test_a_read_that_failed_is_retried(monkeypatch):
    server = OneShotServer(_close_without_answer)
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=2, timeout=5,
                                sleep=lambda s: None)
        with pytest.raises(CircleCIError, match=r'^Could not reach CircleCI for GET /me at .*\(after 2 retries\)$'):
            client.v1.get('/me')
    finally:
        server.close()
    assert len(server.requests) == 3


def test_a_write_that_never_reached_the_server_is_retried():
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there: connection refused
    sleeps = []
    client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % port, retries=2, timeout=2, sleep=sleeps.append)
    with pytest.raises(CircleCIError, match='^Could not reach CircleCI for POST /x at ') as info:
        client.v1.post('/x', {})
    assert str(info.value).startswith('Could not reach CircleCI for POST /x at http://127.0.0.1:%d: Connection refused' % port)
    assert not info.value.outcome_unknown
    assert len(sleeps) == 2


# -- secrets ------------------------------------------------------------------------

KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\n'


@pytest.mark.parametrize('secret', [KEY, 'p"w\\d-with-quote', u'gr\u00fc\u00dfe-aus-k\u00f6ln', 'plain-value-1234'])
def test_a_400_that_echoes_the_body_never_shows_the_secret(http, secret):
    body = {'hostname': 'h', 'private_key': secret}
    echoed = json.dumps({'message': 'invalid request: %s' % json.dumps(body)})
    http.add(responses.POST, V1 + '/x', status=400, body=echoed)
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 400 invalid request: ') as info:
        make().v1.post('/x', body)
    text = str(info.value) + json.dumps(info.value.result())
    for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
        assert form not in text
    assert '********' in text


@pytest.mark.parametrize('status, before, after', [
    (500, '<html><body><pre>' + 'a' * 170 + ' Circle-Token: ', '</pre></body></html>'),  # cut at 200 characters
    (200, 'a' * 100 + ' token=', ' and more'),                                          # cut at 120 characters
])
def test_a_secret_cut_by_the_shortened_message_leaves_no_part_of_it(http, status, before, after):
    http.add(responses.GET, V1 + '/me', status=status, body=before + TOKEN + after)
    with pytest.raises(CircleCIError, match='^CircleCI answered %d ' % status) as info:
        make(retries=0).v1.get('/me')
    text = str(info.value) + json.dumps(info.value.result())
    assert TOKEN[:6] not in text, text
    assert '********' in text


def test_a_secret_echoed_html_escaped_in_a_page_without_title_is_scrubbed(http):
    # text/html without a charset: requests reads the UTF-8 page as ISO-8859-1 ('\u00fc' shows as mojibake).
    secret = u'p"w\'<d>&x-1234 \u00fc'
    page = '<html><body><h1>Bad request</h1><p>value=%s</p></body></html>' % html.escape(secret)
    http.add(responses.POST, V1 + '/x', status=400, body=page, content_type='text/html')
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 400 Bad request value=\*{8} \(an HTML page') as info:
        make().v1.post('/x', {'name': 'N', 'value': secret})
    assert 'p&quot;w' not in str(info.value) + json.dumps(info.value.result())


def test_an_echoed_token_is_scrubbed(http):
    http.add(responses.GET, V2 + '/me', status=401,
             json={'message': 'Invalid header Circle-Token: %s' % TOKEN})
    with pytest.raises(CircleCIError, match=r'^CircleCI answered 401 Invalid header Circle-Token: \*{8} for GET /api/v2/me') as info:
        make().v2.get('/me')
    assert TOKEN not in str(info.value)
    assert TOKEN not in info.value.server_message
    assert 'Circle-Token: ********' in str(info.value)


def test_a_one_character_secret_does_not_mangle_the_message():
    assert scrub('reserved word "e" here', ['e']) == 'reserved word "********" here'
    assert scrub('value: x', ['x']) == 'value: ********'
    assert scrub('nothing', [None, 3, '']) == 'nothing'


def test_a_short_non_ascii_secret_does_not_mangle_longer_words():
    assert scrub(u'user \u00c4\u00d6 and \u00c4\u00d6\u00dc', [u'\u00c4\u00d6']) == u'user ******** and \u00c4\u00d6\u00dc'
    assert scrub(u'gr\u00fc\u00dfe, \u00fc', [u'\u00fc']) == u'gr\u00fc\u00dfe, ********'
    # Its escaped and URL-encoded forms are still masked where they stand alone.
    assert scrub(u'sent "\\u00fc" and %C3%BC', [u'\u00fc']) == u'sent "********" and ********'


def test_a_secret_of_eight_characters_is_masked_inside_words_too():
    # From 8 characters on a secret is masked wherever it appears; shorter ones only as whole words.
    assert scrub('xxabcdefghxx', ['abcdefgh']) == 'xx********xx'
    assert scrub('xxabcdefgxx abcdefg', ['abcdefg']) == 'xxabcdefgxx ********'


def test_non_string_secrets_are_ignored_and_short_ones_mask_only_whole_words():
    assert scrub('value: 7, id 77', [7, None, b'7']) == 'value: 7, id 77'
    assert scrub('the value is pass-1 (pass-12)', ['pass-1']) == 'the value is ******** (pass-12)'
    assert scrub('', ['x']) == '' and scrub(None, ['x']) is None


def test_the_scrubber_masks_url_encoded_and_line_by_line_forms():
    secret = 'a b/c?d=e&f'
    assert scrub('sent /v?x=a%20b%2Fc%3Fd%3De%26f', [secret]) == 'sent /v?x=********'
    assert 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU' not in scrub('line b3BlbnNzaC1rZXktdjEAAAAABG5vbmU echoed', [KEY])


# -- threads ---------------------------------------------------------------------------

def test_counters_and_warnings_are_safe_across_threads(http):
    seen = []
    client = make(warn=seen.append)
    http.add(responses.GET, V1 + '/x', json={}, headers={'Sunset': 'Mon, 01 Feb 2027 00:00:00 GMT'})
    threads = [threading.Thread(target=client.v1.get, args=('/x',)) for dummy in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.request_count == 16
    assert len(seen) == 1 and len(client.warnings) == 1


def test_module_constants():
    assert _http.DEFAULT_API_URL == 'https://circleci.com'


# -- one attempt ends within timeout, the call within its deadline ----------------------

def test_a_slow_answer_to_a_read_is_cut_at_timeout_and_retried_within_the_deadline():
    # A body trickled byte by byte (the fake clock moves a quarter second per reading, so a
    # reading per byte is the 2 bytes/s of the field report, without the wait).
    server = OneShotServer(_trickle)
    fake = FakeTime(tick=0.25)
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=2, timeout=3,
                                sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(CircleCIError) as info:
            client.v1.get('/api/x')
    finally:
        server.close()
    # Each attempt is cut at timeout (3 s) and tried again: three requests, not one; the last
    # one ends at the call's deadline (3 x 3 s + the backoff caps of 0.5 and 1 s).
    assert server.requests == ['GET /api/v1.1/api/x HTTP/1.1'] * 3
    assert client.deadline_seconds == 10.5
    assert str(info.value) == ('Could not reach CircleCI for GET /api/x at http://127.0.0.1:%d: the answer did not '
                               'arrive in full within the deadline (after 2 retries)' % server.port)


def test_one_slow_attempt_then_a_healthy_answer_succeeds():
    answers = []

    def slow_then_healthy(conn, stop):
        if not answers:
            answers.append('slow')
            _trickle(conn, stop)
        else:
            conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"ok": true}')

    server = OneShotServer(slow_then_healthy)
    fake = FakeTime(tick=0.25)
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=2, timeout=3,
                                sleep=fake.sleep, clock=fake.clock)
        assert client.v1.get('/me') == {'ok': True}
    finally:
        server.close()
    assert len(server.requests) == 2


def test_a_slow_answer_to_a_write_is_not_repeated_and_says_the_outcome_is_unknown():
    server = OneShotServer(_trickle)
    fake = FakeTime(tick=0.25)
    try:
        client = CircleCIClient(TOKEN, api_url='http://127.0.0.1:%d' % server.port, retries=2, timeout=3,
                                sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(CircleCIError) as info:
            client.v1.post('/api/x', {'value': 'sekret-1234567'})
    finally:
        server.close()
    assert len(server.requests) == 1
    assert info.value.outcome_unknown is True
    assert str(info.value) == ('CircleCI may have acted on POST /api/x: the request was sent, then the answer did '
                               'not arrive in full within timeout (3 s); check in CircleCI before running it again')


# -- malformed api_url: one line that names the option ----------------------------------

@pytest.mark.parametrize('given, detail', [
    ('http://[::1', 'Invalid IPv6 URL'),
    ('http://[::1/api', 'Invalid IPv6 URL'),
    ('https://circleci.example:99999', 'Port out of range 0-65535'),
    ('https://circleci.example:port', "Port could not be cast to integer value as 'port'"),
])
def test_a_malformed_api_url_is_one_line_naming_api_url(given, detail):
    with pytest.raises(CircleCIError) as info:
        normalize_api_url(given)
    assert str(info.value) == ('api_url must be an http(s) URL of the CircleCI host such as https://circleci.com, '
                               'got %r (%s)' % (given, detail))


@pytest.mark.parametrize('given', ['https://user@circleci.example', 'https://user:pw@circleci.example',
                                   'https://:pw@circleci.example', 'ftp://circleci.example',
                                   'https://circleci.example?x=1', 'https://circleci.example#top', 'https://',
                                   'https://circle ci.example', 'https://a<b>.example'])
def test_an_api_url_with_credentials_or_extras_is_refused(given):
    with pytest.raises(CircleCIError) as info:
        normalize_api_url(given)
    assert str(info.value) == ('api_url must be an http(s) URL of the CircleCI host such as https://circleci.com, '
                               'got %r' % given)


def test_a_malformed_api_url_fails_before_any_request(http):
    with pytest.raises(CircleCIError, match=r"^api_url must be an http\(s\) URL .* \(Invalid IPv6 URL\)$"):
        CircleCIClient(TOKEN, api_url='http://[::1')
    assert len(http.calls) == 0


# -- every composition of the encodings an echo may go through --------------------------

def _compositions(depth):
    """Every sequence of up to `depth` of these encodings, written here independently of the
    scrubber: JSON string escapes (ASCII and not), URL encodings (all, path, form), HTML
    escapes (with and without quotes), UTF-8 read as ISO-8859-1."""
    from urllib.parse import quote, quote_plus
    encodings = [
        ('json', lambda t: json.dumps(t)[1:-1]),
        ('json-utf8', lambda t: json.dumps(t, ensure_ascii=False)[1:-1]),
        ('json-quoted', json.dumps),
        ('url', lambda t: quote(t, safe='')),
        ('url-path', quote),
        ('url-form', lambda t: quote_plus(t, safe='')),
        ('html', html.escape),
        ('html-noquote', lambda t: html.escape(t, quote=False)),
        ('latin1', lambda t: t.encode('utf-8').decode('latin-1')),
    ]

    def then(first, second):
        return lambda text: second(first(text))

    chains = [((), lambda t: t)]
    frontier = list(chains)
    for dummy in range(depth):
        frontier = [(names + (name,), then(func, enc)) for names, func in frontier for name, enc in encodings]
        chains.extend(frontier)
    return chains


SECRETS_TO_ECHO = ['val-SECRET-"q"-\u00fcxyz', 'p&w<d>/with space+plus', 'back\\slash\'quote-1', TOKEN]


@pytest.mark.parametrize('secret', SECRETS_TO_ECHO)
def test_no_composition_of_encodings_leaks_a_secret(secret):
    # Every encoding maps character by character, and leaves letters and digits as they are: an
    # echo scrubbed right is the same echo of a plain marker in place of the secret, the marker
    # masked (whatever quotes an encoding added around it stay, encoded as they were).
    marker = 'M4RK3R'
    leaks = []
    for names, encode in _compositions(3):
        text = scrub('CircleCI said: [%s] end' % encode(secret), [secret])
        expected = 'CircleCI said: [%s] end' % encode(marker).replace(marker, '********')
        if text != expected:
            leaks.append('%s: %s' % ('+'.join(names) or 'as sent', text))
    assert leaks == []


def test_the_recorded_json_then_url_encoded_echo_is_scrubbed(http):
    secret = 'val-SECRET-"q"-\u00fcxyz'
    echo = '%22val-SECRET-%5C%22q%5C%22-%5Cu00fcxyz%22'
    http.add(responses.POST, V2 + '/context/c1/environment-variable/X', status=400,
             json={'message': 'invalid value %s' % echo})
    with pytest.raises(CircleCIError) as info:
        make().v2.post('/context/c1/environment-variable/X', body={'value': secret})
    text = str(info.value) + json.dumps(info.value.result())
    assert 'SECRET' not in text and 'xyz' not in text
    assert info.value.server_message == 'invalid value %22********%22'


def test_a_secret_json_escaped_twice_leaves_no_character_after_the_mask():
    secret = 'ends-with-quote"e'
    twice = json.dumps(json.dumps(secret)[1:-1])[1:-1]
    assert scrub('x %s y' % twice, [secret]) == 'x ******** y'


# -- the error path reads any message CircleCI sends --------------------------------------

@pytest.mark.parametrize('body, shown', [
    ({'message': '{not json at all'}, '{not json at all'),
    ({'message': '{"documentation_url": "https://docs.example"}'}, '{"documentation_url": "https://docs.example"}'),
    ({'message': 42}, '42'),
    ({'message': {'reason': 'quota'}}, '{"reason": "quota"}'),
    ({'message': ['a', 'b']}, '["a", "b"]'),
    ({'error': 'Invalid audience'}, 'Invalid audience'),
    ({'error': {'code': 7}}, '{"code": 7}'),
    ({'message': 'the message', 'error': 'the error'}, 'the message'),
])
def test_any_error_body_gives_one_clear_line(http, body, shown):
    http.add(responses.GET, V2 + '/x', status=400, json=body)
    with pytest.raises(CircleCIError) as info:
        make().v2.get('/x')
    assert str(info.value) == 'CircleCI answered 400 %s for GET /api/v2/x: CircleCI rejected the request' % shown
    assert info.value.server_message == shown


def test_the_hint_survives_the_retry_count(http):
    fake = FakeTime()
    for dummy in range(3):
        http.add(responses.GET, V1 + '/x', status=502, json={'message': 'Bad Gateway'})
    with pytest.raises(CircleCIError) as info:
        make(fake, retries=2).v1.get('/x')
    assert str(info.value) == ('CircleCI answered 502 Bad Gateway for GET /x: a CircleCI server error; '
                               'try again later (after 2 retries)')


# -- API families: what a 404 means is said by the operation's name -----------------------

def test_get_raises_the_one_not_found_error_and_find_says_absent(http):
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import NotFound
    http.add(responses.GET, V2 + '/context/c1', status=404, json={'message': 'Entity not found'})
    http.add(responses.GET, V2 + '/context/c1', status=404, json={'message': 'Entity not found'})
    client = make()
    with pytest.raises(NotFound) as info:
        client.v2.get('/context/c1')
    assert str(info.value) == ('CircleCI answered 404 Entity not found for GET /api/v2/context/c1: check the project '
                               '(project_slug, or vcs_type, username and project), and that the token can see it')
    assert info.value.not_found and isinstance(info.value, CircleCIError)
    assert client.v2.find('/context/c1') is None
    assert len(http.calls) == 2


def test_find_with_missing_project_ok_takes_a_missing_project_as_absent(http):
    http.add(responses.GET, V1 + '/project/github/acme/gone/settings', status=404, json={'message': 'Project not found'})
    assert make().v1.find('/project/github/acme/gone/settings', missing_project_ok=True) is None


def test_delete_must_find_and_delete_if_present_may_not(http):
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import NotFound
    for dummy in range(2):
        http.add(responses.DELETE, V2 + '/webhook/w1', status=404, json={'message': 'Webhook not found'})
    client = make()
    with pytest.raises(NotFound, match='^CircleCI answered 404 Webhook not found for DELETE /api/v2/webhook/w1'):
        client.v2.delete('/webhook/w1')
    assert client.v2.delete_if_present('/webhook/w1') is None


def test_an_html_404_is_never_absent_for_delete_if_present(http):
    http.add(responses.DELETE, V1 + '/x', status=404, body=HTML_404, content_type='text/html')
    with pytest.raises(CircleCIError, match=r'an HTML page, not the API\) for DELETE /x: no such API endpoint'):
        make().v1.delete_if_present('/x')


def test_patch_sends_a_json_body_and_is_never_retried_after_a_502(http):
    http.add(responses.PATCH, V2 + '/project/gh/acme/app/settings', status=502)
    with pytest.raises(CircleCIError, match='^CircleCI may have acted on PATCH /api/v2/project/gh/acme/app/settings'):
        make().v2.patch('/project/gh/acme/app/settings', body={'advanced': {'oss': True}})
    assert len(http.calls) == 1 and json.loads(http.calls[0].request.body) == {'advanced': {'oss': True}}
    assert http.calls[0].request.headers['Content-Type'] == 'application/json'


def test_the_v1_family_keeps_its_own_hints_and_v2_does_not_borrow_them(http):
    http.add(responses.POST, V1 + '/project/github/acme/app/tree/main', status=410, json={'message': 'Gone'})
    http.add(responses.POST, V2 + '/project/github/acme/app/tree/main', status=410, json={'message': 'Gone'})
    http.add(responses.GET, V1 + '/project/github/acme/app/9', status=404, json={'message': 'Build not found'})
    client = make()
    with pytest.raises(CircleCIError) as v1:
        client.v1.post('/project/github/acme/app/tree/main')
    with pytest.raises(CircleCIError) as v2:
        client.v2.post('/project/github/acme/app/tree/main')
    with pytest.raises(CircleCIError) as build:
        client.v1.get('/project/github/acme/app/9')
    assert str(v1.value).endswith('CircleCI retired this API v1.1 endpoint on 2027-02-01; trigger and rerun builds '
                                  'through API v2 pipelines instead')
    assert str(v2.value).endswith(': CircleCI no longer serves this endpoint')
    assert str(build.value).endswith(': check build_num: the project has no such build')


def test_messages_name_v1_paths_relative_and_v2_paths_whole():
    client = make()
    assert (client.v1.shown('/me'), client.v2.shown('/me')) == ('/me', '/api/v2/me')
    assert (client.v1.url('/me'), client.v2.url('/me')) == (V1 + '/me', V2 + '/me')


def test_secrets_given_to_the_client_are_scrubbed_from_every_request_whatever_its_body(http):
    # A module gives the client its no_log values: a secret in a body key the scrubber does not know.
    secret = 'whsec-Unknown-Key-7731'
    http.add(responses.POST, V2 + '/webhook', status=400,
             json={'message': 'bad body: {"signing-secret": "%s"} (%s)' % (secret, quote(json.dumps(secret)))})
    client = make(secrets=[secret, '', None])
    with pytest.raises(CircleCIError) as info:
        client.v2.post('/webhook', body={'name': 'w', 'some-new-secret-key': secret})
    text = str(info.value) + json.dumps(info.value.result())
    assert 'Unknown-Key' not in text and '7731' not in text
    assert info.value.server_message == 'bad body: {"signing-secret": "********"} (%22********%22)'


def test_server_message_of_no_body_at_all_is_the_reason():
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import server_message
    assert server_message(500, 'Internal Server Error', None) == 'Internal Server Error'
    assert server_message(502, None, None) == 'no message'


def test_only_the_last_api_suffix_is_cut_from_api_url():
    # A Server behind a path that itself ends in /api keeps it.
    assert normalize_api_url('https://example.com/api/api/v1.1') == ('https://example.com/api', 'v1.1')
    assert normalize_api_url('https://example.com/api/api/v2') == ('https://example.com/api', 'v1.1')


def test_a_space_inside_the_token_is_not_a_control_character():
    from ansible_collections.ciops.circleci.plugins.module_utils._http import check_token
    assert check_token(' ab cd ') == 'ab cd'
    with pytest.raises(CircleCIError, match='control character'):
        check_token('ab\x1fcd')
