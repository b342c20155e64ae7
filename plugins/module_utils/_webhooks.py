# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCI outbound webhooks of a project (API v2): one shape, one read, the names CircleCI knows.

Shared by circleci_webhook and circleci_webhook_info. A webhook belongs to a scope, for a project
``{"id": <project UUID>, "type": "project"}``: the UUID comes from client.v2.project_id.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ciops.circleci.plugins.module_utils import _v2
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick

# The events CircleCI sends to a webhook.
EVENTS = ('workflow-completed', 'job-completed')
# CircleCI allows at most 5 webhooks per project.
MAX_PER_PROJECT = 5
# The fields of a webhook the collection reads. CircleCI's published reference spells verify-tls,
# signing-secret and created-at; its answers are reported to spell verify_tls, signing_secret,
# created_at and updated_at. pick (_fields) reads either spelling.
FIELDS = ('id', 'name', 'events', 'url', 'verify_tls', 'signing_secret', 'scope', 'created_at', 'updated_at')
# Managing webhooks needs an organization admin (CircleCI's webhook documentation).
HINTS = {403: 'managing webhooks needs the personal API token of an organization admin'}
_CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')


def webhook_path(webhook_id=None):
    """/webhook, or /webhook/{id}."""
    return _v2.path('webhook') if webhook_id is None else _v2.path('webhook', webhook_id)


def scope_query(project_id):
    """The query of the list: CircleCI requires both scope-id and scope-type."""
    return {'scope-id': project_id, 'scope-type': 'project'}


def check_webhook_name(name):
    """A webhook's name: a non-empty string without line breaks or other control characters."""
    if not isinstance(name, str) or not name.strip():
        raise CircleCIError('name must be the non-empty name of the webhook, got %r' % (name,))
    if _CONTROL_RE.search(name):
        raise CircleCIError('name %r contains a line break or another control character' % (name,))
    return name


def secret_shown(value):
    """Whether CircleCI shows a signing secret: the secret is write-only, and answers show "****"
    when one is set and "" when none is. True, False, or None when the answer shows neither (no
    such field, or something else than a string)."""
    if not isinstance(value, str):
        return None
    return value != ''


def normalize_webhook(item):
    """A webhook as the modules return it: never the secret, only whether CircleCI shows one."""
    fields = pick(item, FIELDS)
    scope = fields['scope'] if isinstance(fields['scope'], dict) else {}
    events = fields['events']
    return dict(
        id=fields['id'],
        name=fields['name'],
        url=fields['url'],
        events=list(events) if isinstance(events, list) else [],
        verify_tls=fields['verify_tls'],
        signing_secret_set=secret_shown(fields['signing_secret']),
        scope=dict(id=field(scope, 'id'), type=field(scope, 'type')),
        created_at=fields['created_at'],
        updated_at=fields['updated_at'],
    )


def list_webhooks(client, project_id):
    """Every webhook of the project, normalized: one GET /webhook?scope-id=...&scope-type=project.
    CircleCI is reported never to page this list (next_page_token always null); every page is
    read all the same."""
    return [normalize_webhook(item) for item in client.v2.items(webhook_path(), scope_query(project_id), hints=HINTS)
            if isinstance(item, dict)]
