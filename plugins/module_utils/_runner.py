# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runner API (the Runner family: client.runner): self-hosted runners, their resource classes
and tokens, and the task counts autoscalers read.

The runner API lives on a host of its own: https://runner.circleci.com beside circleci.com, and
the Server's own host on CircleCI Server (``runner_url``, derived from ``api_url`` unless set).
Paths are relative to ``/api/v3``; auth is the same Circle-Token header. Its lists are
``{"items": [...]}``, every item at once (a ``next_page_token``, should one come, is followed).
Resource classes are ``<namespace>/<name>``; the namespace is the organisation's orb namespace.

Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import urlsplit, urlunsplit

from ansible_collections.ciops.circleci.plugins.module_utils._api import Family
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._v2 import path

CLOUD_RUNNER_URL = 'https://runner.circleci.com'
CLOUD_API_HOST = 'circleci.com'
PREFIX = '/api/v3'
# The characters CircleCI allows in each part of a resource class: lower-case letters, digits,
# '-' and '_' (runner resource classes are "<namespace>/<name>" in those characters).
RESOURCE_PART_RE = re.compile(r'^[a-z0-9_-]+$')
HINT_FOREIGN_NAMESPACE = ('the namespace must be your organisation\'s orb namespace (one per organisation; see '
                          '`circleci namespace list`), and the token must belong to a member of that organisation')


def runner_root(runner_url, api_root):
    """The runner API host: runner_url when set (a value ending in /api/v3 is cut back to the host),
    else https://runner.circleci.com for circleci.com and the api_url host itself for CircleCI Server.

    ``api_root`` is the CircleCI host as _http.normalize_api_url gives it.
    """
    if runner_url is None:
        host = (urlsplit(api_root).hostname or '').lower()
        return CLOUD_RUNNER_URL if host == CLOUD_API_HOST else api_root
    if not isinstance(runner_url, str) or not runner_url.strip():
        raise CircleCIError(
            'runner_url is empty: set it to the runner API host (%s, or your CircleCI Server host), or leave it '
            'unset to derive it from api_url' % CLOUD_RUNNER_URL)
    url = runner_url.strip().rstrip('/')
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ('http', 'https') and bool(parts.hostname) and not parts.query \
            and not parts.fragment and parts.username is None and parts.password is None \
            and not any(c.isspace() or c in '<>"{}|\\^`' for c in parts.netloc)
        parts.port  # pylint: disable=pointless-statement
    except ValueError as exc:
        raise CircleCIError('runner_url must be an http(s) URL of the runner API host such as %s, got %r (%s)'
                            % (CLOUD_RUNNER_URL, runner_url, exc))
    if not valid:
        raise CircleCIError('runner_url must be an http(s) URL of the runner API host such as %s, got %r'
                            % (CLOUD_RUNNER_URL, runner_url))
    base = parts.path[:-len(PREFIX)] if parts.path.endswith(PREFIX) else parts.path
    return urlunsplit((parts.scheme, parts.netloc, base.rstrip('/'), '', ''))


def check_resource_class(resource_class):
    """``<namespace>/<name>``, each part of lower-case letters, digits, '-' and '_'; else one line."""
    parts = resource_class.split('/') if isinstance(resource_class, str) else []
    if len(parts) != 2 or not all(RESOURCE_PART_RE.match(p) for p in parts):
        raise CircleCIError(
            'Invalid resource_class %r: give <namespace>/<name>, e.g. acme/linux-gpu, each part of lower-case '
            'letters, digits, - and _ (the characters CircleCI allows)' % (resource_class,))
    return resource_class


def check_namespace(namespace):
    if not isinstance(namespace, str) or not RESOURCE_PART_RE.match(namespace):
        raise CircleCIError(
            'Invalid namespace %r: an orb namespace of lower-case letters, digits, - and _' % (namespace,))
    return namespace


def check_nickname(nickname):
    """A token's nickname: text, not blank, on one line (it is how a token is found again)."""
    if not isinstance(nickname, str) or not nickname.strip() or any(ord(c) < 32 or ord(c) == 127 for c in nickname):
        raise CircleCIError('Invalid nickname %r: a token needs a nickname of printable text on one line' % (nickname,))
    return nickname


class Runner(Family):
    """The runner API (``client.runner``): paths relative to /api/v3 on the runner host."""

    label = 'the runner API'
    prefix = PREFIX

    path = staticmethod(path)

    @property
    def root(self):
        return self.client.runner_root

    def hint(self, method, path, status, html, message):
        # What CircleCI answers for a namespace of another organisation is not recorded: a 403, or a
        # JSON 404 that names the namespace, says the same to the user.
        if status == 403 or (status == 404 and not html and 'namespace' in (message or '').lower()):
            return HINT_FOREIGN_NAMESPACE
        return None

    def list_all(self, api_path, params=None, hints=None):
        """Every item of a runner API list ({"items": [...]}): the documented lists come whole; a
        next_page_token, were one answered, is followed (page-token) so that no item is missed."""
        items, token, seen = [], None, set()
        while True:
            query = dict(params or {})
            if token:
                query['page-token'] = token
            page = self.get(api_path, params=query, expect='page', hints=hints)
            items.extend(page['items'])
            token = field(page, 'next_page_token')
            if not token:
                return items
            if token in seen:
                raise CircleCIError('CircleCI answered GET %s with the same next_page_token twice; stopped paging'
                                    % self.shown(api_path), method='GET', path=self.shown(api_path))
            seen.add(token)

    # -- what the modules read and write ---------------------------------------

    def resource_classes(self, namespace):
        """The resource classes of a namespace: [{id, resource_class, description}]."""
        return self.list_all('/runner/resource', params={'namespace': check_namespace(namespace)})

    def tokens(self, resource_class):
        """The tokens of a resource class: [{id, nickname, resource_class, created_at}] (never the value)."""
        return self.list_all('/runner/token', params={'resource-class': check_resource_class(resource_class)})

    def runners(self, resource_class=None, namespace=None):
        """The runners of a resource class or of a namespace."""
        if resource_class is not None:
            params = {'resource-class': check_resource_class(resource_class)}
        else:
            params = {'namespace': check_namespace(namespace)}
        return self.list_all('/runner', params=params)

    def unclaimed_tasks(self, resource_class):
        return self.get('/runner/tasks', params={'resource-class': check_resource_class(resource_class)})

    def running_tasks(self, resource_class):
        return self.get('/runner/tasks/running', params={'resource-class': check_resource_class(resource_class)})


def namespace_of(resource_class):
    return check_resource_class(resource_class).split('/', 1)[0]
