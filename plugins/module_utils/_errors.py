# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one error type of ciops.circleci, what a status means, and the secret scrubber.

Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import re

from urllib.parse import quote, quote_plus


# What a person should do next, by HTTP status.
HINTS = {
    400: 'CircleCI rejected the request',
    401: 'check api_token',
    403: 'the token may not do this (project tokens cannot, a personal API token can)',
    404: 'check the project (project_slug, or vcs_type, username and project), and that the token can see it',
    429: 'CircleCI is rate limiting this token; try again later or raise retries',
}
HINT_5XX = 'a CircleCI server error; try again later'
HINT_HTML_404 = 'no such API endpoint: check api_url (the CircleCI host, e.g. https://circleci.com)'
MASK = '********'


class CircleCIError(Exception):
    """The one error type of the collection's shared code.

    It carries the HTTP status (None for input and network errors), the
    server's message, and the request as method and path: never the token,
    never a request body. ``outcome_unknown`` is set when a write was sent
    but no answer came back: CircleCI may have acted on it.
    """

    def __init__(self, message, status=None, method=None, path=None, server_message=None,
                 outcome_unknown=False, html=False):
        super(CircleCIError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message
        self.outcome_unknown = outcome_unknown
        self.html = html

    def __str__(self):
        return self.message

    @property
    def not_found(self):
        """A JSON 404 from the API: the thing asked for does not exist. An HTML 404 is a wrong URL."""
        return self.status == 404 and not self.html

    @property
    def project_missing(self):
        """A 404 about the project itself, not about an item (build, variable, key) inside it."""
        return self.not_found and is_project_not_found(self.server_message)

    def result(self):
        """Extra keys for fail_json: what a playbook can branch on."""
        out = {}
        if self.status is not None:
            out['status'] = self.status
        if self.method:
            out['request'] = '%s %s' % (self.method, self.path)
        if self.server_message is not None:
            out['api_message'] = self.server_message
        if self.outcome_unknown:
            out['outcome_unknown'] = True
        return out


class NotFound(CircleCIError):
    """A JSON 404: the thing asked for does not exist (an HTML 404 is a wrong URL, a plain CircleCIError).

    The one not-found error: the API families' ``find`` and ``delete_if_present`` turn it into None
    where a call site says that a missing thing is an answer (_api.Family).
    """


def is_project_not_found(message):
    return (message or '').strip().lower() == 'project not found'


# ---------------------------------------------------------------------------
# Reading the server's message out of any body
# ---------------------------------------------------------------------------

_TAG_RE = re.compile(r'<[^>]+>')
_TITLE_RE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)


def shorten(text, limit=200):
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def is_html(text):
    head = (text or '')[:2048].lower()
    return '<html' in head or '<!doctype html' in head or '<title' in head


def server_message(status, reason, body):
    """The server's message, whatever the body: JSON {message}, HTML, text or nothing.

    A leading copy of the status code ('502 Bad Gateway' for a 502) is dropped,
    so that messages name the status once.
    """
    body = body or ''
    message = None
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        data = None
    # CircleCI's errors are {"message": ...}; the OIDC claims endpoints answer {"error": ...}.
    key = None
    if isinstance(data, dict):
        key = 'message' if data.get('message') is not None else 'error' if data.get('error') is not None else None
    if key is not None:
        message = data[key]
        # Upstream (GitHub) errors arrive as a JSON document inside the message.
        if isinstance(message, str) and message.lstrip().startswith('{'):
            try:
                inner = json.loads(message)
            except ValueError:
                inner = None
            if isinstance(inner, dict) and inner.get('message'):
                message = inner['message']
        message = message if isinstance(message, str) else shorten(json.dumps(message))
    elif isinstance(data, (dict, list)):
        message = shorten(json.dumps(data))
    elif is_html(body):
        title = _TITLE_RE.search(body)
        message = shorten(title.group(1) if title else _TAG_RE.sub(' ', body))
    elif body.strip():
        message = shorten(body)
    if not message:
        message = reason or 'no message'
    prefix = '%s ' % status
    if message.startswith(prefix):
        message = message[len(prefix):] or message
    return message


# ---------------------------------------------------------------------------
# Secrets never leave in a message
# ---------------------------------------------------------------------------

# Request body keys whose values are secrets: never echoed, even when the server quotes them.
SECRET_BODY_KEYS = ('value', 'private_key', 'apikey', 'signing_secret', 'signing-secret')
# Below this length a secret is masked only where it stands alone (between non-word
# characters), so that a one-letter secret does not mangle every word of a message.
_SHORT_SECRET = 8


def secrets_of(body):
    """The secret values a request body carries (SECRET_BODY_KEYS)."""
    if not isinstance(body, dict):
        return ()
    return tuple(v for k, v in body.items() if k in SECRET_BODY_KEYS and isinstance(v, str) and v)


def _json_ascii(text):
    return json.dumps(text)[1:-1]


def _json_unicode(text):
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _url_all(text):
    return quote(text, safe='')


def _url_path(text):
    return quote(text)


def _url_form(text):
    return quote_plus(text, safe='')


def _html_quotes(text):
    import html  # pylint: disable=import-outside-toplevel
    return html.escape(text)


def _html(text):
    import html  # pylint: disable=import-outside-toplevel
    return html.escape(text, quote=False)


def _mojibake(text):
    # A text answer without a charset is read as ISO-8859-1: non-ASCII characters show as mojibake.
    return text.encode('utf-8', 'replace').decode('latin-1')


# Each way a server (or a proxy, or a log in between) may re-encode what it echoes. An echo can
# go through several of them in turn (a body quoted as a JSON string, then URL-encoded into an
# error link): _encodings composes them up to ENCODING_DEPTH deep.
ENCODINGS = (_json_ascii, _json_unicode, _url_all, _url_path, _url_form, _html_quotes, _html, _mojibake)
ENCODING_DEPTH = 3


@functools.lru_cache(maxsize=256)
def _encodings(secret):
    """Every form in which a server may echo a secret back: as sent, and through every composition
    of up to ENCODING_DEPTH of ENCODINGS (JSON-escaped, URL-encoded, HTML-escaped, mojibake);
    longest first, so that a form containing another is masked whole."""
    # html is imported only when a message is scrubbed: it pulls in html.entities, a table of
    # more than 2,000 entries, that every module would load at start-up otherwise.
    forms = set([secret])
    layer = set([secret])
    for dummy in range(ENCODING_DEPTH):
        layer = set(encode(form) for form in layer for encode in ENCODINGS) - forms
        forms |= layer
    # Multi-line secrets (private keys) are also echoed line by line.
    for line in secret.splitlines():
        if len(line.strip()) >= _SHORT_SECRET:
            forms.add(line.strip())
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def scrub(text, secrets):
    """text with every secret, in every encoding a server might echo it in, replaced by MASK."""
    if not text or not secrets:
        return text
    for secret in secrets:
        if not isinstance(secret, str) or not secret:
            continue
        for form in _encodings(secret):
            if len(form) >= _SHORT_SECRET:
                text = text.replace(form, MASK)
            else:
                # \w is Unicode-aware, so a short non-ASCII secret is not masked inside a longer word either.
                text = re.sub(r'(?<!\w)%s(?!\w)' % re.escape(form), MASK, text)
    return text
