# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client for CircleCI's REST API v1 / v1.1 and v2.

Every module and every lookup of ciops.circleci talks to CircleCI through
CircleCIClient: no plugin builds a URL, sets a header or parses an error
itself. The connection is the CircleCI host (``api_url``); the client adds
``/api/v1.1`` (or ``/api/v1``) or ``/api/v2`` per call. It owns the session,
retries, one overall deadline per call, the shape check of every answer and
the scrubbing of secrets out of every message. Internal to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import random
import threading
import time
import traceback

from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

try:
    import requests
    from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    requests = None
    DEFAULT_POOLSIZE = 10
    HTTPAdapter = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.ciops.circleci.plugins.module_utils import _runner, _v1, _v2
from ansible_collections.ciops.circleci.plugins.module_utils._errors import (
    HINT_5XX,
    HINT_HTML_404,
    HINTS,
    CircleCIError,
    NotFound,
    is_html,
    scrub,
    secrets_of,
    server_message,
    shorten,
)
from ansible_collections.ciops.circleci.plugins.module_utils._project import normalize_vcs_type


COLLECTION_NAME = 'ciops.circleci'
COLLECTION_VERSION = '1.0.0'
USER_AGENT = '%s/%s (Ansible collection)' % (COLLECTION_NAME, COLLECTION_VERSION)
DEFAULT_API_URL = 'https://circleci.com'

# Statuses after which a request is sent again where that is safe (_may_retry_status): any
# request after 429 or a 503 with Retry-After (CircleCI did not act), a read or a delete after
# the others. A 500 on a read is as passing as a 502: reads are idempotent.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
IDEMPOTENT = frozenset(('GET', 'HEAD', 'DELETE', 'OPTIONS'))
# A gateway between the client and CircleCI gave up waiting: CircleCI may have carried out a
# write all the same, so a write answered so has an unknown outcome and is never sent again.
GATEWAY_STATUSES = frozenset((502, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
READ_CHUNK = 65536

# What each `expect` accepts, and how a message names it.
SHAPES = {
    'object': (dict, 'a JSON object'),
    'list': (list, 'a JSON list'),
    'page': (dict, 'a page of items ({"items": [...], "next_page_token": ...})'),
}
_JSON_TYPES = {dict: 'a JSON object', list: 'a JSON list', str: 'a JSON string', int: 'a JSON number',
               float: 'a JSON number', bool: 'a JSON boolean', type(None): 'JSON null'}


def normalize_api_url(api_url):
    """The CircleCI host root and the v1 path form ('v1.1' or 'v1') from api_url.

    ``https://circleci.com`` is the form to use; a value ending in /api/v1.1, /api/v2
    or /api is accepted and cut back to the root; /api/v1 keeps selecting the old
    GitHub-only v1 path form.
    """
    if api_url is None:
        api_url = DEFAULT_API_URL
    if not isinstance(api_url, str) or not api_url.strip():
        raise CircleCIError(
            'api_url is empty: set it to the CircleCI host (https://circleci.com, or https://circleci.example.com '
            'for CircleCI Server), or leave it unset for circleci.com')
    url = api_url.strip().rstrip('/')
    try:
        # urlsplit refuses an unclosed IPv6 bracket, .hostname a malformed one, .port a port out
        # of range (ValueError each): one line naming the option, never the library's bare text.
        parts = urlsplit(url)
        valid = parts.scheme in ('http', 'https') and bool(parts.hostname) and not parts.query \
            and not parts.fragment and parts.username is None and parts.password is None \
            and not any(c.isspace() or c in '<>"{}|\\^`' for c in parts.netloc)
        parts.port  # pylint: disable=pointless-statement
    except ValueError as exc:
        raise CircleCIError('api_url must be an http(s) URL of the CircleCI host such as %s, got %r (%s)'
                            % (DEFAULT_API_URL, api_url, exc))
    if not valid:
        raise CircleCIError('api_url must be an http(s) URL of the CircleCI host such as %s, got %r'
                            % (DEFAULT_API_URL, api_url))
    path = parts.path
    form = 'v1.1'
    for suffix, suffix_form in (('/api/v1.1', 'v1.1'), ('/api/v1', 'v1'), ('/api/v2', 'v1.1'), ('/api', 'v1.1')):
        if path.endswith(suffix):
            path = path[:-len(suffix)]
            form = suffix_form
            break
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip('/'), '', '')), form


def check_token(api_token):
    """The token without surrounding whitespace; never quoted in a message."""
    if api_token is None or not isinstance(api_token, str) or not api_token.strip():
        raise CircleCIError('api_token is required: set it, or the CIRCLECI_TOKEN environment variable')
    token = api_token.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in token):
        raise CircleCIError(
            'api_token contains a line break or another control character inside it (the token is not shown): '
            'check how it was stored, e.g. a vaulted value or a file read with its newline')
    if any(ord(c) > 126 for c in token):
        raise CircleCIError('api_token contains characters that are not printable ASCII (the token is not shown)')
    return token


def _retry_after_seconds(response, now=None):
    value = response.headers.get('Retry-After')
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _sunset_date(value):
    try:
        return parsedate_to_datetime(value).strftime('%Y-%m-%d')
    except (TypeError, ValueError, IndexError):
        return value


def _never_reached_server(exc):
    """True when the connection was never established, so a write cannot have been processed."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        if type(reason).__name__ in ('NewConnectionError', 'NameResolutionError') \
                or isinstance(reason, ConnectionRefusedError):
            return True
        text = str(exc)
        return 'Connection refused' in text or 'Name or service not known' in text
    return False


def _network_reason(exc):
    text = str(exc)
    for marker in ('Connection refused', 'Name or service not known', 'timed out', 'Connection aborted',
                   'Remote end closed connection', 'certificate verify failed', 'Connection reset'):
        if marker in text:
            return marker
    return shorten(text, 160)


# A path longer than this (e.g. a 100 kB branch name) is shown cut in the middle in messages.
SHOWN_PATH_MAX = 200


def _shown_path(path):
    if len(path) <= SHOWN_PATH_MAX:
        return path
    return path[:SHOWN_PATH_MAX - 60] + '...' + path[-57:]


def _describe_json(value):
    return _JSON_TYPES.get(type(value), 'JSON')


class _Deadline(Exception):
    """A response was still being read when its attempt's time (``timeout``) or the call's
    overall deadline ran out."""

    def __init__(self, reason):
        super(_Deadline, self).__init__(reason)
        self.reason = reason


class CircleCIClient(object):
    """A requests.Session bound to one CircleCI host and token.

    One client per module run or lookup call, so that pages and follow-up
    calls reuse one connection. Safe to share between threads (the artifacts
    lookup does): the counters and the set of warnings given are guarded.
    """

    def __init__(self, api_token, api_url=DEFAULT_API_URL, vcs_type='github', validate_certs=True,
                 timeout=30, retries=5, warn=None, sleep=time.sleep, clock=time.monotonic, session=None, secrets=(),
                 runner_url=None):
        if not HAS_REQUESTS:
            raise CircleCIError('The Python library requests is required')
        token = check_token(api_token)
        self.root, self.v1_form = normalize_api_url(api_url)
        # The runner API's host: runner_url, else derived from api_url (_runner.runner_root).
        self.runner_root = _runner.runner_root(runner_url, self.root)
        if retries is None or isinstance(retries, bool) or retries < 0:
            raise CircleCIError('retries must be 0 or more, got %r' % (retries,))
        if timeout is None or isinstance(timeout, bool) or timeout <= 0:
            raise CircleCIError('timeout must be a positive number of seconds, got %r' % (timeout,))
        self.vcs_type = normalize_vcs_type(vcs_type or 'github')
        self.validate_certs = validate_certs
        self.timeout = float(timeout)
        self.retries = retries
        # One call, retries included, ends within this many seconds.
        self.deadline_seconds = self.timeout * (retries + 1) + sum(
            min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)) for attempt in range(retries))
        self._warn = warn
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._warned = set()
        self._token = token
        # Values that must never leave in a message, whatever request carries them: a module gives
        # the values of all its no_log options, so a new secret option needs no list kept by hand.
        self._secrets = tuple(s for s in secrets or () if isinstance(s, str) and s)
        self.warnings = []
        self.request_count = 0
        self.session = session if session is not None else requests.Session()
        self.session.headers.update({
            'Circle-Token': token,
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        })

    # -- API families ------------------------------------------------------------

    @property
    def v1(self):
        """API v1.1 (or the old GitHub-only v1, by the form of api_url) on the CircleCI host."""
        return self._families('v1')

    @property
    def v2(self):
        """API v2 on the CircleCI host."""
        return self._families('v2')

    @property
    def runner(self):
        """The runner API (/api/v3) on its own host (runner_url)."""
        return self._families('runner')

    def _families(self, name):
        # Built on first use: a module that reads v2 only never builds the v1 family.
        family = self.__dict__.get('_family_' + name)
        if family is None:
            family = {'v1': _v1.V1, 'v2': _v2.V2, 'runner': _runner.Runner}[name](self)
            self.__dict__['_family_' + name] = family
        return family

    def request(self, method, family, path, params=None, body=None, expect=None, hints=None, secrets=()):
        """One call to ``family`` (an _api.Family: client.v1, client.v2), retried where that is
        safe, within one overall deadline. Call sites use the family's operations (get, find,
        post, ..., delete_if_present), which say what a 404 means there.

        hints ({status: text}) replace the generic advice for this call's errors; secrets
        (with the token and the body's secret values) are scrubbed from every message.
        """
        method = method.upper()
        shown = _shown_path(family.shown(path))
        url = family.url(path)
        secrets = (self._token,) + self._secrets + secrets_of(body) + tuple(secrets)
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        deadline = self._clock() + self.deadline_seconds
        attempt = 0
        while True:
            left = deadline - self._clock()
            if left <= 0:
                raise self._fail(method, family.root, shown, 'no answer within the deadline of %.0f s' % self.deadline_seconds,
                                 attempt, secrets)
            with self._lock:
                self.request_count += 1
            # Each attempt ends within `timeout` (the documented time to wait for one answer),
            # so that a slowly trickled answer leaves the deadline room for another attempt.
            attempt_deadline = min(deadline, self._clock() + self.timeout)
            try:
                response = self.session.request(
                    method, url, params=params, data=data, headers=headers, stream=True,
                    timeout=min(self.timeout, left), verify=self.validate_certs, allow_redirects=method in IDEMPOTENT)
                self._read_body(response, attempt_deadline, 'the answer did not arrive in full within %s' % (
                    'the deadline' if attempt_deadline == deadline else 'timeout (%g s)' % self.timeout))
            except (requests.exceptions.RequestException, _Deadline) as exc:
                reached = not isinstance(exc, requests.exceptions.RequestException) or not _never_reached_server(exc)
                reason = exc.reason if isinstance(exc, _Deadline) else _network_reason(exc)
                retryable = method in IDEMPOTENT or not reached
                delay = self._backoff(attempt)
                if retryable and attempt < self.retries and self._clock() + delay < deadline:
                    self._sleep(delay)
                    attempt += 1
                    continue
                if reached and method not in IDEMPOTENT:
                    raise CircleCIError(
                        scrub('CircleCI may have acted on %s %s: the request was sent, then %s; check in CircleCI '
                              'before running it again' % (method, shown, reason), secrets),
                        method=method, path=shown, outcome_unknown=True)
                raise self._fail(method, family.root, shown, reason, attempt, secrets)
            if response.status_code in RETRY_STATUSES and self._may_retry_status(method, response):
                wait = self._retry_delay(attempt, response)
                if attempt < self.retries:
                    if self._clock() + wait < deadline:
                        self._sleep(wait)
                        attempt += 1
                        continue
                    if _retry_after_seconds(response) is not None:
                        raise self._too_long_to_wait(method, shown, response, wait, attempt, secrets)
            break
        self._note_deprecation(method, shown, response)
        return self._answer(method, family, path, shown, response, attempt, expect, hints, secrets)

    def allow_parallel(self, connections):
        """Keep up to `connections` kept-alive connections, for callers that share the session
        between threads, so that no connection is discarded and opened again."""
        if HTTPAdapter is not None and connections > DEFAULT_POOLSIZE:
            for prefix in ('https://', 'http://'):
                self.session.mount(prefix, HTTPAdapter(pool_connections=1, pool_maxsize=connections))

    def close(self):
        self.session.close()

    # -- internals ---------------------------------------------------------------

    def _read_body(self, response, attempt_deadline, reason):
        """Read the whole body, one socket read at a time, so that a body trickled byte by
        byte cannot outlast its attempt (each read alone would pass the read timeout)."""
        raw = response.raw
        read1 = getattr(raw, 'read1', None)
        if read1 is None:
            response.content  # pylint: disable=pointless-statement
            return
        chunks = []
        while True:
            if self._clock() > attempt_deadline:
                response.close()
                raise _Deadline(reason)
            try:
                chunk = read1(READ_CHUNK)
            except Exception as exc:  # urllib3's own errors, as requests maps them
                response.close()
                raise requests.exceptions.ConnectionError(exc)
            if not chunk:
                break
            chunks.append(chunk)
        # pylint: disable=protected-access
        response._content = b''.join(chunks)
        response._content_consumed = True

    def _answer(self, method, family, path, shown, response, attempt, expect, hints, secrets):
        status = response.status_code
        text = response.text or ''
        if 200 <= status < 300:
            return self._decode(method, shown, status, text, expect, secrets)
        html = is_html(text) or 'text/html' in response.headers.get('Content-Type', '')
        # Scrubbed before the message is cut short too: a secret cut in half would escape the scrubber.
        message = scrub(server_message(status, response.reason, scrub(text, secrets)), secrets)
        raise self._error(method, family, path, shown, status, message, html, attempt, hints, secrets)

    def _error(self, method, family, path, shown, status, message, html, retried, hints, secrets):
        if status in GATEWAY_STATUSES and method not in IDEMPOTENT:
            return CircleCIError(
                scrub('CircleCI may have acted on %s %s: the request was sent, then a gateway answered %d %s%s; '
                      'check in CircleCI before running it again' % (
                          method, shown, status, message, ' (an HTML page)' if html else ''), secrets),
                status=status, method=method, path=shown, server_message=message, outcome_unknown=True,
                html=html)
        if html:
            text = 'CircleCI answered %d %s (an HTML page, not the API) for %s %s' % (status, message, method, shown)
        else:
            text = 'CircleCI answered %d %s for %s %s' % (status, message, method, shown)
        hint = (hints or {}).get(status)
        if hint is None:
            hint = family.hint(method, path, status, html, message)
        if hint is None:
            if status == 404 and html:
                hint = HINT_HTML_404
            elif status == 410:
                hint = 'CircleCI no longer serves this endpoint'
            else:
                hint = HINTS.get(status) or (HINT_5XX if status >= 500 else None)
        if retried:
            hint = '%s (after %d retries)' % (hint or 'giving up', retried)
        if hint:
            text += ': ' + hint
        error = NotFound if status == 404 and not html else CircleCIError
        return error(scrub(text, secrets), status=status, method=method, path=shown, server_message=message,
                     html=html)

    @staticmethod
    def _fail(method, root, shown, reason, attempt, secrets):
        return CircleCIError(
            scrub('Could not reach CircleCI for %s %s at %s: %s%s' % (
                method, shown, root, reason, ' (after %d retries)' % attempt if attempt else ''), secrets),
            method=method, path=shown)

    def _too_long_to_wait(self, method, shown, response, wait, attempt, secrets):
        when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=wait)
        return CircleCIError(
            scrub('CircleCI answered %d for %s %s and asks to wait %.0f s (Retry-After), longer than this '
                  'call may take (%.0f s: timeout x (retries + 1)); CircleCI takes requests again after %s%s' % (
                      response.status_code, method, shown, wait, self.deadline_seconds,
                      when.strftime('%Y-%m-%d %H:%M:%S UTC'), ' (after %d retries)' % attempt if attempt else ''),
                  secrets),
            status=response.status_code, method=method, path=shown)

    @staticmethod
    def _decode(method, shown, status, text, expect, secrets):
        if not text.strip():
            if expect is None:
                return None
            raise CircleCIError(
                'CircleCI answered %d with an empty body for %s %s where %s was expected'
                % (status, method, shown, SHAPES[expect][1]), status=status, method=method, path=shown)
        try:
            data = json.loads(text)
        except ValueError:
            raise CircleCIError(
                scrub('CircleCI answered %d for %s %s with a body that is not JSON: %s' % (
                    status, method, shown, shorten(scrub(text, secrets), 120)), secrets),
                status=status, method=method, path=shown)
        if expect is not None:
            kind, label = SHAPES[expect]
            ok = isinstance(data, kind)
            if ok and expect == 'page':
                ok = isinstance(data.get('items'), list) and \
                    (data.get('next_page_token') is None or isinstance(data.get('next_page_token'), str))
            if not ok:
                raise CircleCIError(
                    'CircleCI answered %d for %s %s with %s where %s was expected'
                    % (status, method, shown, _describe_json(data), label), status=status, method=method, path=shown)
        return data

    @staticmethod
    def _may_retry_status(method, response):
        if method in IDEMPOTENT:
            return True
        # A write is retried only when the server said it did not process it.
        if response.status_code == 429:
            return True
        return response.status_code == 503 and response.headers.get('Retry-After') is not None

    @staticmethod
    def _backoff(attempt):
        return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)))

    def _retry_delay(self, attempt, response):
        retry_after = _retry_after_seconds(response)
        if retry_after is not None:
            # Honour the server, with a little jitter so that workers do not come back together.
            return retry_after + random.uniform(0, 0.1)
        return self._backoff(attempt)

    def _note_deprecation(self, method, shown, response):
        sunset = response.headers.get('Sunset')
        deprecation = response.headers.get('Deprecation')
        if not sunset and not deprecation:
            return
        endpoint = '%s %s' % (method, shown)
        if sunset:
            text = ('CircleCI deprecates %s: the endpoint will be removed on %s (Sunset header). '
                    'Plan the move to API v2 pipelines.' % (endpoint, _sunset_date(sunset)))
        else:
            text = 'CircleCI deprecates %s (Deprecation header: %s).' % (endpoint, deprecation)
        with self._lock:
            if text in self._warned:
                return
            self._warned.add(text)
            self.warnings.append(text)
        if self._warn is not None:
            self._warn(text)
