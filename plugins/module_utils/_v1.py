# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v1 / v1.1 (the V1 family: client.v1): paths, offset paging, the retired endpoints, and input
rules shared by plugins.

Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import quote

from ansible_collections.ciops.circleci.plugins.module_utils._api import Family
from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError, NotFound


PAGE_SIZE = 100
BUILD_FILTERS = ('completed', 'successful', 'failed', 'running')
ENVVAR_NAME_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
FINGERPRINT_RE = re.compile(r'^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){15}$')
# SHA-256 as ssh-keygen -l prints it: SHA256: and 43 base64 characters (no padding).
SHA256_FINGERPRINT_RE = re.compile(r'^(?:SHA256:)?([A-Za-z0-9+/]{43})=?$', re.IGNORECASE)
SHA256_PREFIX = 'SHA256:'
MASK_PREFIX = 'xxxx'
SUNSET_DATE = '2027-02-01'

# The endpoints CircleCI removes on 2027-02-01 (410 Gone from the sunset date): the three
# trigger forms, retry and ssh, each as a POST; paths relative to /api/v1.1 or /api/v1.
# Retry and ssh never existed on CircleCI Server: there, they answer an HTML 404.
_PROJECT_PREFIX = r'^/project(?:/(?:github|bitbucket))?/[^/]+/[^/]+'
_RERUN = r'/\d+/(?:retry|ssh)'
RETIRED_POST_RE = re.compile(_PROJECT_PREFIX + r'(?:/tree/[^/]+|/build|' + _RERUN + r')?$')
_NEVER_ON_SERVER_RE = re.compile(_PROJECT_PREFIX + _RERUN + r'$')
HINT_RETIRED = ('CircleCI retired this API v1.1 endpoint on %s; trigger and rerun builds through API v2 '
                'pipelines instead' % SUNSET_DATE)
HINT_BUILD_NOT_FOUND = 'check build_num: the project has no such build'
HINT_NOT_ON_SERVER = ('no such API endpoint: CircleCI Server has no API v1.1 retry or SSH rerun; rerun the '
                      'workflow through API v2 (ciops.circleci.circleci_pipeline with state=rerun), or check '
                      'api_url (the CircleCI host)')


def _is_post_to(pattern, method, path):
    return method == 'POST' and bool(pattern.match(path.split('?')[0]))


def never_on_server(method, path):
    """True for the v1/v1.1 retry and SSH-rerun POSTs, which CircleCI Server never served."""
    return _is_post_to(_NEVER_ON_SERVER_RE, method, path)


def is_retired(method, path):
    """True for the ten v1/v1.1 POST endpoints that answer 410 Gone from the sunset date."""
    return _is_post_to(RETIRED_POST_RE, method, path)


def quote_segment(segment):
    # Everything but RFC 3986's ':' and '@' is escaped, so that a branch 'feature/x' stays
    # one segment ('feature%2Fx') while a fingerprint keeps its colons, as CircleCI shows it.
    return quote(segment, safe=':@')


def check_segment(segment):
    segment = str(segment)
    if not segment or segment in ('.', '..'):
        raise CircleCIError('Invalid path segment %r' % (segment,))
    return segment


def project_path(form, project, *segments):
    """/project/{vcs}/{user}/{repo}/... (v1.1) or /project/{user}/{repo}/... (v1), every segment encoded.

    ``form`` is 'v1.1' or 'v1'; ``project`` a _project.Project. A circleci/ slug fails here,
    before any request: v1.1 cannot reach such projects.
    """
    project.require_v1('This operation')
    if form == 'v1':
        if project.provider != 'github':
            raise CircleCIError(
                'api_url ends in /api/v1, the old API form that addresses GitHub projects only; '
                'use the host root (e.g. https://circleci.com) for %s projects' % project.provider)
        parts = ['project', project.org, project.name]
    else:
        parts = ['project', project.provider, project.org, project.name]
    parts.extend(check_segment(s) for s in segments)
    return '/' + '/'.join(quote_segment(p) for p in parts)


class V1(Family):
    """API v1.1 on the CircleCI host (``client.v1``), or the old GitHub-only v1 form when api_url
    ends in /api/v1. Messages name its paths relative to /api/v1.1, as CircleCI's docs do."""

    label = 'API v1.1'

    @property
    def form(self):
        return self.client.v1_form

    @property
    def prefix(self):
        return '/api/' + self.form

    def shown(self, path):
        return path

    def hint(self, method, path, status, html, message):
        if status == 404 and html and never_on_server(method, path):
            return HINT_NOT_ON_SERVER
        if status == 410 and is_retired(method, path):
            return HINT_RETIRED
        if status == 404 and not html and 'build not found' in (message or '').lower():
            return HINT_BUILD_NOT_FOUND
        return None

    def project(self, project, *segments):
        """The v1.1 (or v1) path of a _project.Project (fails for circleci/ slugs, before any request)."""
        return project_path(self.form, project, *segments)

    def list_all(self, path, params=None, hints=None):
        """A whole list: v1.1 answers it as one JSON list."""
        return self.get(path, params=params, expect='list', hints=hints)

    def find_list(self, path, params=None, hints=None):
        """A JSON list that may be missing with its item (a build's artifacts): [] for a JSON 404 about the item."""
        answer = self.find(path, params=params, expect='list', hints=hints)
        return [] if answer is None else answer

    def get_build(self, project, build_num, *segments, **kwargs):
        """One build's detail (or, with segments such as 'artifacts', what is below it); a build the project
        does not have fails as 'Build N not found in <slug>: ...', the same words in modules and lookups.
        An unknown project fails with CircleCI's own message. kwargs go to get (expect=...)."""
        try:
            return self.get(self.project(project, str(check_build_num(build_num)), *segments), **kwargs)
        except NotFound as exc:
            if not exc.project_missing:
                raise NotFound(
                    'Build %d not found in %s: %s' % (build_num, project.slug, exc),
                    status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message)
            raise

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
            page = self.get(path, params=query, expect='list')
            items.extend(page)
            if len(page) < want:
                break
        return items


# ---------------------------------------------------------------------------
# Input rules that several plugins share: what CircleCI would reject, checked first.
# ---------------------------------------------------------------------------

def check_envvar_name(name):
    if not isinstance(name, str) or not ENVVAR_NAME_RE.match(name):
        raise CircleCIError(
            'Invalid environment variable name %r: names start with a letter or _ and contain only '
            'letters, digits and _' % (name,))
    return name


def check_fingerprint(fingerprint, sha256=False):
    """An MD5 fingerprint in lower case; with sha256=True also a SHA-256 one, as SHA256:<base64>.

    Base64 is case-sensitive: a SHA-256 fingerprint keeps its case (only the prefix is normalised).
    """
    if sha256 and isinstance(fingerprint, str) and not FINGERPRINT_RE.match(fingerprint):
        match = SHA256_FINGERPRINT_RE.match(fingerprint.strip())
        if match:
            return SHA256_PREFIX + match.group(1)
        raise CircleCIError(
            'Invalid fingerprint %r: expected an MD5 fingerprint of 16 colon-separated hex pairs, '
            'e.g. 10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5, or a SHA-256 one as ssh-keygen -l prints it, '
            'SHA256: and 43 base64 characters' % (fingerprint,))
    if not isinstance(fingerprint, str) or not FINGERPRINT_RE.match(fingerprint):
        raise CircleCIError(
            'Invalid fingerprint %r: expected 16 colon-separated hex pairs, '
            'e.g. 10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5' % (fingerprint,))
    return fingerprint.lower()


def is_sha256_fingerprint(fingerprint):
    """True for a fingerprint as check_fingerprint(..., sha256=True) returns a SHA-256 one."""
    return isinstance(fingerprint, str) and fingerprint.startswith(SHA256_PREFIX)


def same_fingerprint(shown, wanted):
    """Whether a fingerprint CircleCI shows is the checked one: MD5 ignoring case, SHA-256 exactly
    (with or without the SHA256: prefix and base64 padding)."""
    shown = str(shown or '').strip()
    if is_sha256_fingerprint(wanted):
        match = SHA256_FINGERPRINT_RE.match(shown)
        return bool(match) and SHA256_PREFIX + match.group(1) == wanted
    return shown.lower() == wanted


def check_build_num(build_num):
    return check_positive_int('build_num', build_num)


def check_build_filter(build_filter):
    if build_filter is not None and build_filter not in BUILD_FILTERS:
        raise CircleCIError('filter must be one of %s, got %r' % (', '.join(BUILD_FILTERS), build_filter))
    return build_filter


def check_paging(limit, offset):
    """A list's limit (any positive number: paging is the client's business) and offset."""
    check_positive_int('limit', limit)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise CircleCIError('offset must be 0 or a positive integer, got %r' % (offset,))


# How CircleCI masks an environment variable value: the one place for the rule.
#
# What is known: CircleCI lists (and answers a create with) ``xxxx`` followed by the last
# characters of the value; a value of 8 or more characters shows its last four (``eu-west-1``
# -> ``xxxxst-1``). Shorter values show fewer: recorded circleci.com traffic shows the
# 4-character value ``test`` listed and created as ``xxxxst`` (two characters), in two sessions.
# The number shown for 5 to 7 characters has never been recorded, nor for 1 to 3.
#
# Comparing: a listed mask can only be trusted to be ``xxxx`` followed by a suffix of the value,
# at most four characters long, and exactly the last four for 8 or more characters. One recorded
# value is no proof that every 4-character value shows two characters, so 4 to 7 characters
# accept any suffix of 0 to 4 characters, and 1 to 3 characters any suffix of 0 to 3 (the
# empty one too: a rule such as "half the length" shows nothing of a 1-character value).
# A value is therefore "unchanged" when the listed mask could be its mask under some rule
# consistent with what is known, so that a second run is idempotent whatever CircleCI's
# rule for those lengths is; the price is that a short value that ends in the characters the
# mask shows cannot be told from the old one (as a long one whose last four are unchanged).
MASK_LONG_VALUE = 8      # from this length on, exactly the last four characters are shown
MASK_MAX_SUFFIX = 4
# Lengths whose mask is known from recorded traffic, and how many characters it shows.
MASK_RECORDED_SHORT = {4: 2}


def mask_suffix_lengths(length):
    """The numbers of trailing characters a mask of a value of this length may show."""
    if length >= MASK_LONG_VALUE:
        return (MASK_MAX_SUFFIX,)
    return tuple(range(min(length, MASK_MAX_SUFFIX) + 1))


def mask_matches(shown, value):
    """Whether the mask CircleCI shows (``xxxx<s>``) may be the mask of value: s is a suffix of value,
    of a length mask_suffix_lengths allows for it (see the rule above)."""
    if not isinstance(shown, str) or not isinstance(value, str) or not shown.startswith(MASK_PREFIX):
        return False
    suffix = shown[len(MASK_PREFIX):]
    return len(suffix) in mask_suffix_lengths(len(value)) and value.endswith(suffix)


def mask_value(value):
    """The mask to show for a value CircleCI has not shown (check mode, a write answered without one).

    Only a form CircleCI is known to show: xxxx + the last four characters for 8 characters or more,
    xxxx + the last two for 4 characters (recorded); for the other short lengths, whose rule is not
    known, the bare ``xxxx``, which claims nothing about the value (and shows none of it).
    """
    if len(value) >= MASK_LONG_VALUE:
        return MASK_PREFIX + value[-MASK_MAX_SUFFIX:]
    shown = MASK_RECORDED_SHORT.get(len(value), 0)
    return MASK_PREFIX + (value[-shown:] if shown else '')
