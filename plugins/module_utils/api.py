# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client for CircleCI's REST API v1 / v1.1.

Every module and every lookup of ciops.circleci talks to CircleCI through
CircleCIClient: no plugin builds a URL, sets a header or parses an error
itself. Everything the server would reject is checked here first (the
``check_*`` functions), so that bad input fails before any request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import time
import traceback

from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

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


COLLECTION_NAME = 'ciops.circleci'
COLLECTION_VERSION = '0.1.0'
USER_AGENT = '%s/%s (Ansible collection)' % (COLLECTION_NAME, COLLECTION_VERSION)
DEFAULT_API_URL = 'https://circleci.com/api/v1.1'

VCS_TYPES = ('github', 'bitbucket')
VCS_ALIASES = {'gh': 'github', 'bb': 'bitbucket'}
BUILD_FILTERS = ('completed', 'successful', 'failed', 'running')
CHECKOUT_KEY_TYPES = ('deploy-key', 'github-user-key')

PAGE_SIZE = 100
RETRY_STATUSES = frozenset((429, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 300.0

# What a person should do next, by HTTP status.
HINTS = {
    400: 'CircleCI rejected the request',
    401: 'check api_token',
    403: 'the token may not do this (project tokens cannot, a personal API token can)',
    404: 'check username, project and vcs_type, and that the token can see the project',
    410: 'CircleCI retired this API v1.1 endpoint on 2027-02-01; use API v2 pipelines instead',
    429: 'CircleCI is rate limiting this token; try again later or raise retries',
}

# Request body keys whose values are secrets: never echoed, even when the server quotes them.
SECRET_BODY_KEYS = ('value', 'private_key', 'apikey')

ENVVAR_NAME_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
FINGERPRINT_RE = re.compile(r'^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){15}$')
MASK_PREFIX = 'xxxx'


class CircleCIError(Exception):
    """The one error type of the collection's shared code.

    It carries the HTTP status (None for input and network errors), the
    server's message, and the request as method and path: never the token,
    never a request body.
    """

    def __init__(self, message, status=None, method=None, path=None, server_message=None):
        super(CircleCIError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message

    def __str__(self):
        return self.message

    @property
    def not_found(self):
        return self.status == 404

    @property
    def project_missing(self):
        """A 404 about the project itself, not about an item (build, variable, key) inside it."""
        return self.status == 404 and _is_project_not_found(self.server_message)

    def result(self):
        """Extra keys for fail_json: what a playbook can branch on."""
        out = {}
        if self.status is not None:
            out['status'] = self.status
        if self.method:
            out['request'] = '%s %s' % (self.method, self.path)
        if self.server_message is not None:
            out['api_message'] = self.server_message
        return out


# ---------------------------------------------------------------------------
# Input rules: what CircleCI would reject, checked before any request.
# ---------------------------------------------------------------------------

def normalize_vcs_type(vcs_type):
    value = VCS_ALIASES.get(vcs_type, vcs_type)
    if value not in VCS_TYPES:
        raise CircleCIError('vcs_type must be one of %s, got %r' % (', '.join(VCS_TYPES), vcs_type))
    return value


def check_envvar_name(name):
    if not isinstance(name, str) or not ENVVAR_NAME_RE.match(name):
        raise CircleCIError(
            'Invalid environment variable name %r: names start with a letter or _ and contain only '
            'letters, digits and _' % (name,))
    return name


def check_fingerprint(fingerprint):
    if not isinstance(fingerprint, str) or not FINGERPRINT_RE.match(fingerprint):
        raise CircleCIError(
            'Invalid fingerprint %r: expected 16 colon-separated hex pairs, '
            'e.g. 10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5' % (fingerprint,))
    return fingerprint.lower()


def check_heroku_api_key(apikey):
    """A Heroku API key is one token: never empty, no whitespace. The key is never echoed."""
    if not isinstance(apikey, str) or not apikey or any(c.isspace() for c in apikey):
        raise CircleCIError(
            'Invalid apikey: a Heroku API key is a single non-empty token without spaces '
            '(as printed by heroku auth:token)')
    return apikey


def check_build_num(build_num):
    if isinstance(build_num, bool) or not isinstance(build_num, int) or build_num < 1:
        raise CircleCIError('build_num must be a positive integer, got %r' % (build_num,))
    return build_num


def check_build_filter(build_filter):
    if build_filter is not None and build_filter not in BUILD_FILTERS:
        raise CircleCIError('filter must be one of %s, got %r' % (', '.join(BUILD_FILTERS), build_filter))
    return build_filter


def check_paging(limit, offset):
    """A list's limit (any positive number: paging is the client's business) and offset."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise CircleCIError('limit must be a positive integer, got %r' % (limit,))
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise CircleCIError('offset must be 0 or a positive integer, got %r' % (offset,))


def check_trigger(revision=None, tag=None, parallel=None, build_parameters=None):
    """Rules of the build trigger body (spec defect 10): at most one of revision/tag."""
    if revision and tag:
        raise CircleCIError('revision and tag are mutually exclusive: give one of them')
    if parallel is not None and (isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1):
        raise CircleCIError('parallel must be a positive integer, got %r' % (parallel,))
    if build_parameters is not None:
        if not isinstance(build_parameters, dict):
            raise CircleCIError('build_parameters must be a dictionary of strings')
        bad = sorted(k for k, v in build_parameters.items() if not isinstance(v, str))
        if bad:
            raise CircleCIError(
                'build_parameters values must be strings; quote the values of: %s' % ', '.join(bad))


def trigger_body(revision=None, tag=None, parallel=None, build_parameters=None):
    """The JSON body of a build trigger, omitting unset fields rather than sending null."""
    check_trigger(revision, tag, parallel, build_parameters)
    body = {}
    if revision:
        body['revision'] = revision
    if tag:
        body['tag'] = tag
    if parallel is not None:
        body['parallel'] = parallel
    if build_parameters:
        body['build_parameters'] = build_parameters
    return body


def mask_value(value):
    """The masked form CircleCI shows for an environment variable value: xxxx + last 4 chars."""
    return MASK_PREFIX + value[-4:]


def parse_project_slug(slug, default_vcs_type='github'):
    """'acme/app', 'github/acme/app', 'gh/acme/app' -> (vcs_type, username, project)."""
    parts = str(slug).strip().strip('/').split('/')
    if len(parts) == 2 and all(parts):
        return normalize_vcs_type(default_vcs_type), parts[0], parts[1]
    if len(parts) == 3 and all(parts):
        return normalize_vcs_type(parts[0]), parts[1], parts[2]
    raise CircleCIError(
        'Invalid project %r: expected username/project or vcs_type/username/project, '
        'e.g. acme/app or github/acme/app' % (slug,))


# ---------------------------------------------------------------------------
# Response helpers
# ---------------------------------------------------------------------------

_TAG_RE = re.compile(r'<[^>]+>')
_TITLE_RE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)


def _shorten(text, limit=200):
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def server_message(response):
    """The server's message, whatever the body: JSON {message}, HTML, text or nothing."""
    body = response.text or ''
    message = None
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get('message') is not None:
        message = data['message']
        # Upstream (GitHub) errors arrive as a JSON document inside the message.
        if isinstance(message, str) and message.lstrip().startswith('{'):
            try:
                inner = json.loads(message)
            except ValueError:
                inner = None
            if isinstance(inner, dict) and inner.get('message'):
                message = inner['message']
        message = str(message)
    elif isinstance(data, (dict, list)):
        message = _shorten(json.dumps(data))
    elif '<html' in body.lower() or '<title' in body.lower():
        title = _TITLE_RE.search(body)
        message = _shorten(title.group(1) if title else _TAG_RE.sub(' ', body))
    elif body.strip():
        message = _shorten(body)
    if not message:
        message = response.reason or 'no message'
    return message


def _retry_after_seconds(response):
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
    return max(0.0, when.timestamp() - time.time())


def _sunset_date(value):
    try:
        return parsedate_to_datetime(value).strftime('%Y-%m-%d')
    except (TypeError, ValueError, IndexError):
        return value


def _is_project_not_found(message):
    return (message or '').strip().lower() == 'project not found'


def _secrets_of(body):
    """The secret values a request body carries (SECRET_BODY_KEYS), to keep them out of errors."""
    if not isinstance(body, dict):
        return ()
    return tuple(v for k, v in body.items() if k in SECRET_BODY_KEYS and isinstance(v, str) and v)


def _never_reached_server(exc):
    """True when the connection was never established, so a POST cannot have been processed."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        if type(reason).__name__ == 'NewConnectionError' or isinstance(reason, ConnectionRefusedError):
            return True
        return 'Connection refused' in str(exc)
    return False


def _network_reason(exc):
    text = str(exc)
    for marker in ('Connection refused', 'Name or service not known', 'timed out', 'Connection aborted',
                   'Remote end closed connection', 'certificate verify failed', 'Connection reset'):
        if marker in text:
            return marker
    return _shorten(text, 160)


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------

class CircleCIClient(object):
    """A requests.Session bound to one CircleCI API root and token.

    One client per module run or lookup call, so that pages and follow-up
    calls reuse one connection.
    """

    def __init__(self, api_token, api_url=DEFAULT_API_URL, vcs_type='github', validate_certs=True,
                 timeout=30, retries=5, warn=None, sleep=time.sleep, session=None):
        if not HAS_REQUESTS:
            raise CircleCIError('The Python library requests is required')
        if not api_token:
            raise CircleCIError('api_token is required: set it, or the CIRCLECI_TOKEN environment variable')
        url = (api_url or DEFAULT_API_URL).strip().rstrip('/')
        parts = urlsplit(url)
        if parts.scheme not in ('http', 'https') or not parts.netloc or parts.query:
            raise CircleCIError(
                'api_url must be an http(s) URL such as %s, got %r' % (DEFAULT_API_URL, api_url))
        if retries is None or retries < 0:
            raise CircleCIError('retries must be 0 or more, got %r' % (retries,))
        if timeout is None or timeout <= 0:
            raise CircleCIError('timeout must be a positive number of seconds, got %r' % (timeout,))
        self.base_url = url
        self.api_version = 'v1' if parts.path.endswith('/v1') else 'v1.1'
        self.vcs_type = normalize_vcs_type(vcs_type or 'github')
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retries = retries
        self._warn = warn
        self._sleep = sleep
        self._warned = set()
        self.warnings = []
        self.request_count = 0
        self.session = session if session is not None else requests.Session()
        self.session.headers.update({
            'Circle-Token': api_token,
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        })

    # -- paths ---------------------------------------------------------------

    def project_path(self, username, project, *segments, **kwargs):
        """/project/{vcs}/{user}/{repo}/... (v1.1) or /project/{user}/{repo}/... (v1), encoded."""
        vcs = normalize_vcs_type(kwargs.get('vcs_type') or self.vcs_type)
        for label, value in (('username', username), ('project', project)):
            if not value or not isinstance(value, str) or value in ('.', '..'):
                raise CircleCIError('%s must be a non-empty name, got %r' % (label, value))
        if self.api_version == 'v1':
            if vcs != 'github':
                raise CircleCIError(
                    'api_url %s is API v1, which addresses GitHub projects only; '
                    'use an api_url ending in /api/v1.1 for %s projects' % (self.base_url, vcs))
            parts = ['project', username, project]
        else:
            parts = ['project', vcs, username, project]
        for segment in segments:
            segment = str(segment)
            if not segment or segment in ('.', '..'):
                raise CircleCIError('Invalid path segment %r' % (segment,))
            parts.append(segment)
        # Everything but RFC 3986's ':' and '@' is escaped, so that a branch 'feature/x' stays
        # one segment ('feature%2Fx') while a fingerprint keeps its colons, as CircleCI shows it.
        return '/' + '/'.join(quote(p, safe=':@') for p in parts)

    # -- requests ------------------------------------------------------------

    def get(self, path, params=None, absent_ok=False, missing_item_ok=False):
        """GET a JSON document; with absent_ok, a 404 returns None (absent).

        With missing_item_ok, a 404 about an item (build, variable, key) returns None,
        while a 404 about the project itself still fails.
        """
        return self.request('GET', path, params=params, absent_ok=absent_ok, missing_item_ok=missing_item_ok)

    def get_list(self, path, params=None, missing_item_ok=False):
        """GET a JSON list; an empty answer (or a missing item, see get) is [], anything but a list an error."""
        answer = self.get(path, params=params, missing_item_ok=missing_item_ok)
        if answer is None:
            return []
        if not isinstance(answer, list):
            raise CircleCIError(
                'CircleCI answered GET %s with %s where a list was expected' % (path, type(answer).__name__),
                method='GET', path=path)
        return answer

    def post(self, path, body=None, params=None, hints=None):
        return self.request('POST', path, params=params, body=body, hints=hints)

    def delete(self, path, body=None, absent_ok=True):
        """DELETE; by default a 404 means there was nothing to delete and returns None."""
        return self.request('DELETE', path, body=body, absent_ok=absent_ok)

    def request(self, method, path, params=None, body=None, absent_ok=False, hints=None, missing_item_ok=False):
        """One API call; hints ({status: text}) replace the generic advice for this call's errors."""
        method = method.upper()
        url = self.base_url + path
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        attempt = 0
        while True:
            self.request_count += 1
            try:
                response = self.session.request(
                    method, url, params=params, data=data, headers=headers,
                    timeout=self.timeout, verify=self.validate_certs)
            except requests.exceptions.RequestException as exc:
                if attempt < self.retries and self._may_retry_exception(method, exc):
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise CircleCIError(
                    'Could not reach CircleCI for %s %s at %s: %s%s' % (
                        method, path, self.base_url, _network_reason(exc),
                        ' (after %d retries)' % attempt if attempt else ''),
                    method=method, path=path)
            if (response.status_code in RETRY_STATUSES and attempt < self.retries
                    and self._may_retry_status(method, response)):
                self._sleep(self._retry_delay(attempt, response))
                attempt += 1
                continue
            break
        self._note_deprecation(method, path, response)
        status = response.status_code
        if status == 404 and (absent_ok or (missing_item_ok and not _is_project_not_found(server_message(response)))):
            return None
        if not 200 <= status < 300:
            raise self._error(method, path, response, attempt, hints, _secrets_of(body))
        return self._decode(method, path, response)

    def paginate(self, path, params=None, limit=None, offset=0, page_size=PAGE_SIZE):
        """Offset paging: pages of page_size, stopping at the first short page or at limit.

        Never fetches a page it does not need: limit=250 makes 3 requests
        (100, 100, 50); limit=30 makes one.
        """
        items = []
        base = dict(params or {})
        while limit is None or len(items) < limit:
            want = page_size if limit is None else min(page_size, limit - len(items))
            query = dict(base, limit=want, offset=offset + len(items))
            page = self.get_list(path, params=query)
            items.extend(page)
            if len(page) < want:
                break
        return items

    def allow_parallel(self, connections):
        """Keep up to `connections` kept-alive connections, for callers that share the session
        between threads, so that no connection is discarded and opened again."""
        if HTTPAdapter is not None and connections > DEFAULT_POOLSIZE:
            for prefix in ('https://', 'http://'):
                self.session.mount(prefix, HTTPAdapter(pool_connections=1, pool_maxsize=connections))

    def close(self):
        self.session.close()

    # -- internals -------------------------------------------------------------

    def _may_retry_exception(self, method, exc):
        if method in ('GET', 'DELETE', 'HEAD'):
            return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))
        return _never_reached_server(exc)

    @staticmethod
    def _may_retry_status(method, response):
        if method in ('GET', 'DELETE', 'HEAD'):
            return True
        # A POST is retried only when the server said it did not process it.
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
            return min(RETRY_AFTER_CAP, retry_after) + random.uniform(0, 0.1)
        return self._backoff(attempt)

    def _note_deprecation(self, method, path, response):
        sunset = response.headers.get('Sunset')
        deprecation = response.headers.get('Deprecation')
        if not sunset and not deprecation:
            return
        endpoint = '%s %s' % (method, path)
        if sunset:
            text = ('CircleCI deprecates %s: the endpoint will be removed on %s (Sunset header). '
                    'Plan the move to API v2 pipelines.' % (endpoint, _sunset_date(sunset)))
        else:
            text = 'CircleCI deprecates %s (Deprecation header: %s).' % (endpoint, deprecation)
        if text in self._warned:
            return
        self._warned.add(text)
        self.warnings.append(text)
        if self._warn is not None:
            self._warn(text)

    @staticmethod
    def _error(method, path, response, retried, hints=None, secrets=()):
        status = response.status_code
        message = server_message(response)
        for secret in secrets:
            message = message.replace(secret, '********')
        text = 'CircleCI answered %d %s for %s %s' % (status, message, method, path)
        hint = (hints or {}).get(status) or HINTS.get(status)
        if hint is None and status >= 500:
            hint = 'a CircleCI server error; try again later'
        if retried:
            hint = '%s (after %d retries)' % (hint or 'giving up', retried)
        if hint:
            text += ': ' + hint
        return CircleCIError(text, status=status, method=method, path=path, server_message=message)

    @staticmethod
    def _decode(method, path, response):
        if not response.content or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise CircleCIError(
                'CircleCI answered %d for %s %s with a body that is not JSON: %s' % (
                    response.status_code, method, path, _shorten(response.text, 120)),
                status=response.status_code, method=method, path=path)
