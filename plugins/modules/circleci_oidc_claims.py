#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_oidc_claims
short_description: Set the custom OIDC claims (audience, token lifetime) of a CircleCI organisation or project
version_added: 1.1.0
description:
  - Sets or removes the custom claims of the OpenID Connect tokens CircleCI gives jobs (C($CIRCLE_OIDC_TOKEN_V2)),
    for a whole organisation or for one project of it. The claims are the token's audience (C(aud)), so that a
    cloud provider accepts only tokens meant for it, and its lifetime.
  - The organisation is O(org_id). A project is O(project_id) with O(org_id), or a project named by O(project_slug)
    (or O(username) and O(project)), whose id and organisation's id the module reads from
    C(GET /api/v2/project/{slug}).
  - Uses CircleCI API v2 (C(GET|PATCH|DELETE /api/v2/org/{org_id}/oidc-custom-claims) and
    C(/api/v2/org/{org_id}/project/{project_id}/oidc-custom-claims)). Every run reads the claims once; then one
    C(PATCH) carrying only the claims that differ, or one C(DELETE) of the claims that are set, and only when
    something is to change. What is returned is CircleCI's answer.
  - Works on circleci.com and CircleCI Server 4.4 and newer. An older Server has no such endpoint; the task then
    fails in one line after its first read of the claims.
  - Input is checked before any request is sent.
author:
  - ciops maintainers (@ciops)
options:
  org_id:
    description:
      - The UUID of the organisation (Organization Settings > Overview in the web app).
      - Required unless the project is named by O(project_slug) (or O(username) and O(project)).
    type: str
  project_id:
    description:
      - The UUID of a project of O(org_id), whose own claims are set instead of the organisation's.
      - Not with O(project_slug).
    type: str
  audience:
    description:
      - The audience claim, one or more values. Compared as a set (order and repeats do not matter).
      - Left out, the audience is left as it is.
    type: list
    elements: str
  ttl:
    description:
      - How long a token is valid, as a duration such as V(1h), V(30m) or V(1h30m) (hours, minutes, seconds).
        Compared by its length, so V(60m) is V(1h).
      - Left out, the lifetime is left as it is.
    type: str
  claims:
    description:
      - With O(state=absent), the claims to remove. Those not set are not sent; nothing set sends no C(DELETE).
    type: list
    elements: str
    choices: [audience, ttl]
    default: [audience, ttl]
  state:
    description:
      - V(present) sets O(audience) and O(ttl); V(absent) removes the O(claims), so that CircleCI's defaults apply
        again (for a project, the organisation's claims).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads what a real run reads and sends no C(PATCH) or C(DELETE); RV(claims) is then the claims
        as the write would leave them, without new C(*_updated_at) times.
  diff_mode:
    support: full
    details:
      - The diff shows the audience and the lifetime before and after.
notes:
  - A second run with the same options reads the claims once (after the project, when it is named by slug) and
    sends nothing else.
  - CircleCI answers errors on these endpoints as an object with an C(error) key (not C(message)); the message of
    the task quotes it.
seealso:
  - name: The project settings guide
    description: OIDC claims of an organisation and of a project, with the project's settings.
    link: https://github.com/ciops/circleci/blob/main/docs/project-settings.md
  - name: CircleCI OpenID Connect tokens
    description: CircleCI's documentation of OIDC tokens and their custom claims.
    link: https://circleci.com/docs/openid-connect-tokens/
'''

EXAMPLES = r'''
- name: Tokens of the organisation's jobs are for AWS STS, for one hour
  ciops.circleci.circleci_oidc_claims:
    org_id: 688e283b-82a6-4f12-85e4-5fc6ced69c2b
    audience: [sts.amazonaws.com]
    ttl: 1h

- name: acme/app's tokens have an audience of their own
  ciops.circleci.circleci_oidc_claims:
    project_slug: gh/acme/app
    audience: [https://vault.example.com]

- name: acme/app goes back to the organisation's claims
  ciops.circleci.circleci_oidc_claims:
    project_slug: gh/acme/app
    state: absent
'''

RETURN = r'''
claims:
  description:
    - The claims after the run, as CircleCI answered (in check mode, as the write would leave them).
    - A claim that is not set is V(null).
  returned: always
  type: dict
  contains:
    org_id:
      description: The organisation's UUID.
      type: str
      sample: 688e283b-82a6-4f12-85e4-5fc6ced69c2b
    project_id:
      description: The project's UUID; V(null) for the organisation's claims.
      type: str
      sample: 67899bff-f2d0-43c4-a0ea-f019e733cb62
    audience:
      description: The audience, in CircleCI's order.
      type: list
      elements: str
      sample: [sts.amazonaws.com]
    audience_updated_at:
      description: When the audience was last set.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
    ttl:
      description: The tokens' lifetime, as CircleCI shows it.
      type: str
      sample: 1h
    ttl_updated_at:
      description: When the lifetime was last set.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
changes:
  description: The claims written or removed (or that would be in check mode).
  returned: always
  type: list
  elements: str
  sample: [audience]
'''

import re

from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_uuid
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import pick
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
# The one rule for "this CircleCI has no such endpoint" (an HTML 404, a 405, a bare JSON "not found").
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import endpoint_missing

CLAIMS = ('audience', 'ttl')
FIELDS = ('org_id', 'project_id', 'audience', 'audience_updated_at', 'ttl', 'ttl_updated_at')
TTL_RE = re.compile(r'^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$')
HINTS = {404: 'check org_id and project_id (or the project), and that the token can see them'}


def ttl_seconds(text):
    """The length of a duration such as 1h30m in seconds, or None when it is not one."""
    match = TTL_RE.match(text) if isinstance(text, str) and text else None
    if match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def check_ttl(ttl):
    if ttl is None:
        return None
    seconds = ttl_seconds(ttl)
    if not seconds:
        raise CircleCIError('ttl must be a duration such as 1h, 30m or 1h30m (hours, minutes, seconds), got %r' % (ttl,))
    return ttl


def check_audience(audience):
    if audience is None:
        return None
    if not audience:
        raise CircleCIError('audience must name at least one audience; to remove it, use state=absent with '
                            'claims=[audience]')
    for value in audience:
        if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise CircleCIError('audience must be a list of non-empty values without control characters, got %r'
                                % (value,))
    return list(dict.fromkeys(audience))


def checked_input(params, project):
    """What the task asks for, checked before any request."""
    desired = dict(state=params['state'])
    if params['project_id'] is not None and project is not None:
        raise CircleCIError('project_id and project_slug (or username and project) name the project twice: give one')
    if params['org_id'] is None and project is None:
        raise CircleCIError('give org_id (the organisation), org_id and project_id, or project_slug (a project)')
    desired['org_id'] = check_uuid('org_id', params['org_id']).lower() if params['org_id'] is not None else None
    desired['project_id'] = check_uuid('project_id', params['project_id']).lower() \
        if params['project_id'] is not None else None
    if params['state'] == 'absent':
        given = [name for name in CLAIMS if params[name] is not None]
        if given:
            raise CircleCIError('%s cannot be given with state=absent: name the claims to remove in claims'
                                % ', '.join(given))
        if not params['claims']:
            raise CircleCIError('claims must name audience, ttl or both with state=absent')
        desired['claims'] = [name for name in CLAIMS if name in params['claims']]
        return desired
    desired['audience'] = check_audience(params['audience'])
    desired['ttl'] = check_ttl(params['ttl'])
    return desired


def same(name, current, wanted):
    if name == 'audience':
        return isinstance(current, list) and set(current) == set(wanted)
    return ttl_seconds(current) == ttl_seconds(wanted)


def is_set(claims, name):
    return claims.get(name) not in (None, '', [])


def plan_oidc_claims(current, desired):
    """{action: 'patch' | 'delete' | None, changes: the claims, body: the PATCH body}. Pure: check mode and the
    real run share it."""
    if desired['state'] == 'absent':
        changes = [name for name in desired['claims'] if is_set(current, name)]
        return dict(action='delete' if changes else None, changes=changes, body=None)
    changes = [name for name in CLAIMS if desired.get(name) is not None
               and not (is_set(current, name) and same(name, current[name], desired[name]))]
    body = dict((name, desired[name]) for name in changes)
    return dict(action='patch' if changes else None, changes=changes, body=body or None)


def claims_path(client, org_id, project_id):
    if project_id is None:
        return client.v2.path('org', org_id, 'oidc-custom-claims')
    return client.v2.path('org', org_id, 'project', project_id, 'oidc-custom-claims')


def owner_of(client, project, desired):
    """(org_id, project_id): as given, or from GET /project/{slug} (its id and organization_id) in one request."""
    if project is None:
        return desired['org_id'], desired['project_id']
    ids = client.v2.project_ids(project, ('id', 'organization_id'))
    org_id, project_id = ids['organization_id'], ids['id']
    if desired['org_id'] is not None and desired['org_id'] != org_id:
        raise CircleCIError('the project %s belongs to the organisation %s, not to org_id %s'
                            % (project.slug, org_id, desired['org_id']))
    return org_id, project_id


def read_claims(answer, org_id, project_id):
    claims = pick(answer, FIELDS)
    claims['org_id'] = claims['org_id'] or org_id
    claims['project_id'] = claims['project_id'] or project_id
    return claims


def no_claims_endpoint(client, exc):
    return CircleCIError(
        'CircleCI at %s has no OIDC custom claims endpoint (it answered %s%s to %s %s): OIDC custom claims need '
        'circleci.com or CircleCI Server 4.4 or newer' % (
            client.root, exc.status, ' (an HTML page)' if exc.html else '', exc.method, exc.path),
        status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message, html=exc.html)


def predicted(current, plan, desired):
    after = dict(current)
    for name in plan['changes']:
        after[name] = None if plan['action'] == 'delete' else desired[name]
    return after


def diff_side(claims):
    return dict(audience=claims.get('audience'), ttl=claims.get('ttl'))


def run(module):
    desired = checked_input(module.params, module.project)
    client = module.client
    org_id, project_id = owner_of(client, module.project, desired)
    path = claims_path(client, org_id, project_id)
    try:
        current = read_claims(client.v2.get(path, expect='object', hints=HINTS), org_id, project_id)
    except CircleCIError as exc:
        if endpoint_missing(exc):
            raise no_claims_endpoint(client, exc)
        raise
    plan = plan_oidc_claims(current, desired)
    after = current
    if plan['action'] is not None:
        if module.check_mode:
            after = predicted(current, plan, desired)
        elif plan['action'] == 'patch':
            after = read_claims(client.v2.patch(path, body=plan['body'], expect='object', hints=HINTS), org_id, project_id)
        else:
            after = read_claims(client.v2.delete(path, params={'claims': ','.join(plan['changes'])}, expect='object',
                                                 hints=HINTS), org_id, project_id)
    if plan['action'] is not None and not module.check_mode:
        if plan['action'] == 'patch':
            refused = [name for name in plan['changes'] if not same(name, after.get(name), desired[name])]
        else:
            refused = [name for name in plan['changes'] if is_set(after, name)]
        if refused:
            raise CircleCIError('CircleCI\'s answer to %s %s does not show %s as asked (it shows %s)' % (
                'PATCH' if plan['action'] == 'patch' else 'DELETE', client.v2.shown(path), ', '.join(refused),
                ', '.join('%s=%r' % (name, after.get(name)) for name in refused)))
    result = dict(changed=plan['action'] is not None, claims=after, changes=plan['changes'])
    if module._diff:
        result['diff'] = dict(before=diff_side(current), after=diff_side(after))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            org_id=dict(type='str'),
            project_id=dict(type='str'),
            audience=dict(type='list', elements='str'),
            ttl=dict(type='str'),
            claims=dict(type='list', elements='str', choices=list(CLAIMS), default=list(CLAIMS)),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        project='optional',
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
