# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCI contexts (API v2): owners, finding a context by name, restrictions, limits.

Shared by circleci_context, circleci_context_envvar and circleci_context_info.
Input is checked here before any request; the plans are pure functions.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ciops.circleci.plugins.module_utils import _checks, _v2
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick
from ansible_collections.ciops.circleci.plugins.module_utils._checks import UUID_RE
from ansible_collections.ciops.circleci.plugins.module_utils._project import (
    PROVIDERS,
    SHORT,
    check_name,
    parse_project_slug,
)

# CircleCI's documented limits: context names up to 200 characters, variable names up to 300,
# values up to 32k characters, 100 variables per context.
CONTEXT_NAME_MAX = 200
ENVVAR_NAME_MAX = 300
VALUE_MAX = 32768
VARIABLES_MAX = 100

OWNER_TYPES = ('organization', 'account')
RESTRICTION_TYPES = ('project', 'expression', 'group')
_CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')

HINT_OWNER_404 = ('check owner_slug (e.g. gh/acme) or owner_id and owner_type, and that the token '
                  '(a personal API token) can see the organization')
HINT_CONTEXT_404 = 'no such context (check context_id), or the token cannot see it'


# ---------------------------------------------------------------------------
# Options and input rules
# ---------------------------------------------------------------------------

def owner_argument_spec():
    """argument_spec entries naming a context's owner (documented in each context module)."""
    return dict(
        owner_slug=dict(type='str'),
        owner_id=dict(type='str'),
        owner_type=dict(type='str', default='organization', choices=list(OWNER_TYPES)),
    )


class Owner(object):
    """The owner of contexts: an organization by slug (gh/acme) or id, or a Server account by id."""

    __slots__ = ('slug', 'id', 'type')

    def __init__(self, slug=None, owner_id=None, owner_type='organization'):
        self.slug = slug
        self.id = owner_id
        self.type = owner_type

    def __repr__(self):
        return 'Owner(%r)' % (self.label,)

    @property
    def label(self):
        """How messages name the owner."""
        return self.slug if self.slug else '%s %s' % (self.type, self.id)

    @property
    def query(self):
        """The owner as query parameters of GET /context."""
        if self.slug:
            return {'owner-slug': self.slug}
        return {'owner-id': self.id, 'owner-type': self.type}

    @property
    def body(self):
        """The owner as the body of POST /context wants it."""
        if self.slug:
            return {'slug': self.slug, 'type': self.type}
        return {'id': self.id, 'type': self.type}

    def result(self):
        return dict(slug=self.slug, id=self.id, type=self.type)

    @property
    def is_github(self):
        return bool(self.slug) and self.slug.startswith('gh/')


def parse_owner(owner_slug=None, owner_id=None, owner_type='organization'):
    """The Owner named by owner_slug (gh/acme, github/acme, bb/acme, circleci/<org-uuid>), or by
    owner_id (a UUID) with owner_type. Raises CircleCIError before any request."""
    owner_type = owner_type or 'organization'
    if owner_type not in OWNER_TYPES:
        raise CircleCIError('owner_type must be one of %s, got %r' % (', '.join(OWNER_TYPES), owner_type))
    if owner_slug is not None and owner_id is not None:
        raise CircleCIError('Name the owner with owner_slug or with owner_id, not both')
    if owner_slug is not None:
        if owner_type != 'organization':
            raise CircleCIError('owner_type %s needs owner_id: CircleCI names accounts by id only' % owner_type)
        text = owner_slug.strip().strip('/') if isinstance(owner_slug, str) else ''
        parts = text.split('/')
        if len(parts) != 2 or parts[0] not in PROVIDERS:
            raise CircleCIError('Invalid owner_slug %r: expected gh/<org>, bb/<org> or circleci/<org-uuid>, '
                                'e.g. gh/acme' % (owner_slug,))
        provider = PROVIDERS[parts[0]]
        if provider == 'circleci':
            if not UUID_RE.match(parts[1]):
                raise CircleCIError('Invalid owner_slug %r: a circleci/ organization is circleci/<org-uuid>'
                                    % (owner_slug,))
            org = parts[1].lower()
        else:
            org = check_name('the organization in owner_slug', parts[1])
        return Owner(slug='%s/%s' % (SHORT[provider], org), owner_type=owner_type)
    if owner_id is not None:
        return Owner(owner_id=check_uuid('owner_id', owner_id), owner_type=owner_type)
    raise CircleCIError('Name the owner of the context with owner_slug (e.g. gh/acme) or owner_id')


def check_uuid(label, value):
    """The one UUID rule (_checks.check_uuid), its message showing the id of an organization as the example."""
    return _checks.check_uuid(label, value, example='5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b')


def check_context_name(name):
    if not isinstance(name, str) or not name.strip():
        raise CircleCIError('The context name must be a non-empty string, got %r' % (name,))
    if _CONTROL_RE.search(name):
        raise CircleCIError('The context name %r contains a line break or another control character' % (name,))
    if len(name) > CONTEXT_NAME_MAX:
        raise CircleCIError('The context name is %d characters long; CircleCI allows up to %d'
                            % (len(name), CONTEXT_NAME_MAX))
    return name


def check_context_variables(desired):
    """CircleCI's limits for context variables, checked on the desired list before any request.

    desired as _envvars.desired_variables returns it. Never quotes a value.
    """
    for item in desired:
        if len(item['name']) > ENVVAR_NAME_MAX:
            raise CircleCIError('The variable name %s... is %d characters long; CircleCI allows up to %d'
                                % (item['name'][:40], len(item['name']), ENVVAR_NAME_MAX))
        if item['value'] is not None and len(item['value']) > VALUE_MAX:
            raise CircleCIError('The value of %s is %d characters long; CircleCI allows up to %d per value'
                                % (item['name'], len(item['value']), VALUE_MAX))
    present = sum(1 for item in desired if item['state'] == 'present')
    if present > VARIABLES_MAX:
        raise CircleCIError('variables lists %d present variables; CircleCI allows up to %d per context'
                            % (present, VARIABLES_MAX))
    return desired


def check_variable_count(after, context_label):
    """The plan's outcome within the per-context limit; checked after the list is read, before any write."""
    if len(after) > VARIABLES_MAX:
        raise CircleCIError(
            'context %s would hold %d variables after this task (it has some not listed here); CircleCI allows '
            'up to %d per context: remove some, or use purge' % (context_label, len(after), VARIABLES_MAX))


# ---------------------------------------------------------------------------
# Reading contexts
# ---------------------------------------------------------------------------

def normalize_context(item):
    return pick(item, ('id', 'name', 'created_at'))


def find_context(client, owner, name):
    """The context called ``name`` of ``owner`` as {id, name, created_at}, or None.

    Reads GET /context page by page and stops at the page that has it: never a page more than needed.
    """
    for item in client.v2.items('/context', owner.query, hints={404: HINT_OWNER_404}):
        if isinstance(item, dict) and field(item, 'name') == name:
            return normalize_context(item)
    return None


def list_contexts(client, owner):
    return [normalize_context(item) for item in client.v2.items('/context', owner.query, hints={404: HINT_OWNER_404})
            if isinstance(item, dict)]


def context_path(context_id):
    return _v2.path('context', context_id)


def envvars_path(context_id, *segments):
    return _v2.path('context', context_id, 'environment-variable', *segments)


def restrictions_path(context_id, *segments):
    return _v2.path('context', context_id, 'restrictions', *segments)


def normalize_variable(item):
    """A context variable as the modules show it: {name, created_at, updated_at} (CircleCI shows no value)."""
    return dict(name=field(item, 'variable'), created_at=field(item, 'created_at'), updated_at=field(item, 'updated_at'))


def list_context_envvars(client, context_id):
    """The context's variables, every page, as normalize_variable shows them."""
    path = envvars_path(context_id)
    out = []
    for item in client.v2.items(path, hints={404: HINT_CONTEXT_404}):
        if not isinstance(item, dict) or not isinstance(field(item, 'variable'), str):
            raise CircleCIError('CircleCI answered GET /api/v2%s with an entry that is not a variable' % path,
                                method='GET', path='/api/v2' + path)
        out.append(normalize_variable(item))
    return out


def normalize_restriction(item):
    return dict(id=field(item, 'id'), type=field(item, 'restriction_type'), value=field(item, 'restriction_value'),
                name=field(item, 'name'))


def list_restrictions(client, context_id):
    found = client.v2.items(restrictions_path(context_id), hints={404: HINT_CONTEXT_404})
    return [normalize_restriction(item) for item in found if isinstance(item, dict)]


# ---------------------------------------------------------------------------
# Restrictions: desired set, resolution of project slugs, plan
# ---------------------------------------------------------------------------

def desired_restrictions(items, owner):
    """[{type, value, project}] from the restrictions option, checked before any request.

    A project restriction's value is a project UUID, or a project slug (project is then the
    parsed _project.Project, to be resolved to its UUID). Exact duplicates are refused.
    """
    desired = []
    seen = set()
    for item in items:
        kind = item.get('type')
        value = item.get('value')
        if kind not in RESTRICTION_TYPES:
            raise CircleCIError('restrictions: type must be one of %s, got %r' % (', '.join(RESTRICTION_TYPES), kind))
        if not isinstance(value, str) or not value.strip():
            raise CircleCIError('restrictions: the %s restriction needs a non-empty value' % kind)
        project = None
        if kind == 'project':
            if UUID_RE.match(value.strip()):
                value = value.strip().lower()
            else:
                try:
                    project = parse_project_slug(value)
                except CircleCIError as exc:
                    raise CircleCIError('restrictions: a project restriction names the project by its UUID or its '
                                        'slug; %s' % exc)
                value = project.slug
        elif kind == 'group' and owner.slug and not owner.is_github:
            raise CircleCIError('restrictions: group restrictions work only for GitHub organizations, not %s'
                                % owner.slug)
        key = (kind, value)
        if key in seen:
            raise CircleCIError('restrictions lists the %s restriction %r more than once' % (kind, value))
        seen.add(key)
        desired.append(dict(type=kind, value=value, project=project))
    return desired


def resolve_restrictions(client, desired):
    """The desired restrictions as [{type, value}] with every project slug replaced by the project's
    UUID (one GET /project/{slug} per slug); duplicates that resolution reveals are dropped."""
    resolved = []
    seen = set()
    for item in desired:
        value = item['value']
        if item['project'] is not None:
            value = client.v2.project_id(item['project'], hints={
                404: 'the project %s of a restriction does not exist, or the token cannot see it' % value})
        key = (item['type'], value)
        if key not in seen:
            seen.add(key)
            resolved.append(dict(type=item['type'], value=value))
    return resolved


def _restriction_key(item):
    value = item['value']
    if item['type'] == 'project' and isinstance(value, str):
        value = value.lower()
    return (item['type'], value)


def plan_restrictions(current, desired):
    """What to do to the context's restrictions. Pure: no I/O.

    current: [{id, type, value, name}] as listed; desired: [{type, value}] (resolved) or None
    (leave them as they are). Returns {add: [{type, value}], remove: [{id, type, value, name}],
    restrictions: the list afterwards (added ones last, with id and name None)}.
    Adding comes before removing, so that the context is never less restricted in between.
    """
    if desired is None:
        return dict(add=[], remove=[], restrictions=list(current))
    wanted = set(_restriction_key(d) for d in desired)
    have = set(_restriction_key(c) for c in current)
    add = [dict(type=d['type'], value=d['value']) for d in desired if _restriction_key(d) not in have]
    remove = [c for c in current if _restriction_key(c) not in wanted]
    after = [c for c in current if _restriction_key(c) in wanted]
    after.extend(dict(id=None, type=a['type'], value=a['value'], name=None) for a in add)
    return dict(add=add, remove=remove, restrictions=after)


def restriction_strings(restrictions):
    """The diff form of a restriction list: 'type: value', sorted."""
    return sorted('%s: %s' % (r['type'], r['value']) for r in restrictions)
