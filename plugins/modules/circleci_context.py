#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_context
short_description: Manage a CircleCI context and its restrictions
version_added: 1.0.0
description:
  - Creates or deletes a CircleCI context, a set of environment variables shared by the projects of an
    organization, and keeps its restrictions (who may use it) to an exact set.
  - The context is named by O(name) under an owner, O(owner_slug) or O(owner_id). Context names are unique
    per owner.
  - Uses CircleCI API v2. The contexts of the owner are read page by page until the context is found; its
    restrictions are read only when O(restrictions) is given; its variables only when it is to be deleted.
  - Manage the variables of a context with M(ciops.circleci.circleci_context_envvar).
  - Input is checked before any request is sent.
author:
  - ciops maintainers (@ciops)
options:
  name:
    description:
      - The name of the context, up to 200 characters.
    type: str
    required: true
  state:
    description:
      - Whether the context should exist.
    type: str
    choices: [present, absent]
    default: present
  restrictions:
    description:
      - The exact set of restrictions the context should have. Restrictions that are missing are added,
        the others removed; an empty list removes every restriction.
      - When not given, the restrictions are left as they are (and not read).
      - New restrictions are added before old ones are removed, so that the context is never less
        restricted in between.
      - Only with O(state=present).
    type: list
    elements: dict
    suboptions:
      type:
        description:
          - V(project) allows only the project O(restrictions[].value) to use the context.
          - V(expression) allows only the pipelines for which the expression
            O(restrictions[].value) is true, for example C(pipeline.git.branch == "main").
          - V(group) allows only the members of a security group (GitHub organizations only).
        type: str
        required: true
        choices: [project, expression, group]
      value:
        description:
          - For V(project), the project's UUID or its slug (C(gh/acme/app), C(circleci/<org-uuid>/<project-uuid>));
            a slug is resolved to the UUID with one C(GET /api/v2/project/{slug}) per slug, in check mode too.
          - For V(expression), the expression; for V(group), the group's id.
        type: str
        required: true
  force:
    description:
      - Delete the context with O(state=absent) even though it still has environment variables, which go with it.
      - Without it, deleting a context that has variables fails and says how many would go.
    type: bool
    default: false
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.owner
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads what a real run reads and sends no mutating request. A context that would be
        created has a V(null) id, and restrictions that would be added have a V(null) id and name.
  diff_mode:
    support: full
    details:
      - The diff shows the context's name, owner and restrictions (each as type and value) before and after, and the
        names of the variables a forced deletion removes. Never a value.
notes:
  - The O(vcs_type) connection option does not apply to contexts.
  - A second run with the same options reads and sends no mutating request.
  - "Request counts: finding the context is one C(GET /api/v2/context) per page up to the one that has it;
    creating is one C(POST); each restriction added or removed is one C(POST) or C(DELETE); deleting is one
    C(GET) per page of variables and one C(DELETE)."
seealso:
  - module: ciops.circleci.circleci_context_envvar
  - module: ciops.circleci.circleci_context_info
  - name: Using contexts
    description: CircleCI's documentation of contexts and their restrictions.
    link: https://circleci.com/docs/contexts/
  - name: CircleCI API v2 reference
    description: The context endpoints.
    link: https://circleci.com/docs/api/v2/
'''

EXAMPLES = r'''
- name: A deployment context that only acme/app may use, and only from main
  ciops.circleci.circleci_context:
    name: deploy-production
    owner_slug: gh/acme
    restrictions:
      - type: project
        value: gh/acme/app
      - type: expression
        value: pipeline.git.branch == "main"
  register: deploy_context

- name: Remove every restriction of a context
  ciops.circleci.circleci_context:
    name: shared-tools
    owner_slug: gh/acme
    restrictions: []

- name: A context of a CircleCI Server account
  ciops.circleci.circleci_context:
    api_url: https://circleci.example.com
    name: registry
    owner_id: 7c1a3b6e-5d2f-4e8a-9b0c-1d2e3f4a5b6c
    owner_type: account

- name: Delete a context and the variables it still holds
  ciops.circleci.circleci_context:
    name: deploy-staging-old
    owner_slug: gh/acme
    state: absent
    force: true
'''

RETURN = r'''
context:
  description:
    - The context after the run, or, with O(state=absent), the context that was deleted.
    - V(null) when the context does not exist and O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The context's UUID; V(null) in check mode for a context that would be created.
      type: str
      sample: 2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e
    name:
      description: The context's name.
      type: str
      sample: deploy-production
    created_at:
      description: When the context was created; V(null) in check mode for a context that would be created.
      type: str
      sample: "2026-11-02T09:30:00.000Z"
owner:
  description: The owner of the context as given, O(owner_slug) in short form or O(owner_id) with O(owner_type).
  returned: always
  type: dict
  sample: {slug: gh/acme, id: null, type: organization}
restrictions:
  description:
    - The context's restrictions after the run (those kept first, then those added).
    - Returned only when O(restrictions) is given with O(state=present).
  returned: when O(restrictions) is given
  type: list
  elements: dict
  contains:
    id:
      description: The restriction's id; V(null) in check mode for one that would be added.
      type: str
    type:
      description: V(project), V(expression) or V(group).
      type: str
      sample: project
    value:
      description: The project UUID, the expression or the group id.
      type: str
      sample: 9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80
    name:
      description: What CircleCI calls the restriction (the project name for a project restriction).
      type: str
      sample: app
restrictions_added:
  description: The restrictions added (or that would be added in check mode), as C(type) and C(value).
  returned: when O(restrictions) is given
  type: list
  elements: dict
  sample: [{type: expression, value: pipeline.git.branch == "main"}]
restrictions_removed:
  description: The restrictions removed (or that would be removed in check mode), with C(id), C(type), C(value), C(name).
  returned: when O(restrictions) is given
  type: list
  elements: dict
  sample: []
deleted_envvars:
  description: Names of the variables that went (or would go in check mode) with the deleted context.
  returned: when O(state=absent) and the context existed
  type: list
  elements: str
  sample: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _contexts as ctx
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

LISTED_NAMES = 10


def checked_input(params):
    """Owner, name and desired restrictions, checked before any request."""
    owner = ctx.parse_owner(params['owner_slug'], params['owner_id'], params['owner_type'])
    name = ctx.check_context_name(params['name'])
    desired = None
    if params['restrictions'] is not None:
        if params['state'] == 'absent':
            raise CircleCIError('restrictions applies to state=present only')
        desired = ctx.desired_restrictions(params['restrictions'], owner)
    return owner, name, desired


def _diff_side(context, owner, restrictions=None, envvars=None):
    if context is None:
        return {}
    side = dict(name=context['name'], owner=owner.label)
    if restrictions is not None:
        side['restrictions'] = ctx.restriction_strings(restrictions)
    if envvars is not None:
        side['envvars'] = envvars
    return side


def ensure_absent(module, client, owner, context):
    result = dict(changed=False, context=context, owner=owner.result())
    if context is None:
        if module._diff:
            result['diff'] = dict(before={}, after={})
        return result
    names = [v['name'] for v in ctx.list_context_envvars(client, context['id'])]
    if names and not module.params['force']:
        shown = ', '.join(names[:LISTED_NAMES]) + (', ...' if len(names) > LISTED_NAMES else '')
        raise CircleCIError(
            'context %s of %s still has %d environment variable%s (%s); set force: true to delete the context '
            'and %s' % (context['name'], owner.label, len(names), '' if len(names) == 1 else 's', shown,
                        'it' if len(names) == 1 else 'them all'))
    if not module.check_mode:
        # A context deleted meanwhile is gone either way.
        client.v2.delete_if_present(ctx.context_path(context['id']))
    result.update(changed=True, deleted_envvars=names)
    if module._diff:
        result['diff'] = dict(before=_diff_side(context, owner, envvars=names), after={})
    return result


def ensure_present(module, client, owner, name, desired, context):
    changed = False
    created = context is None
    if created:
        changed = True
        context = dict(id=None, name=name, created_at=None)
    resolved = ctx.resolve_restrictions(client, desired) if desired is not None else None
    current = ctx.list_restrictions(client, context['id']) if desired is not None and not created else []
    plan = ctx.plan_restrictions(current, resolved)
    changed = changed or bool(plan['add'] or plan['remove'])

    after = plan['restrictions']
    if not module.check_mode:
        if created:
            answer = client.v2.post('/context', body=dict(name=name, owner=owner.body), expect='object',
                                    hints={404: ctx.HINT_OWNER_404})
            if not isinstance(answer.get('id'), str):
                raise CircleCIError('CircleCI answered POST /api/v2/context without the context id',
                                    method='POST', path='/api/v2/context')
            context = ctx.normalize_context(answer)
        added = []
        for item in plan['add']:
            answer = client.v2.post(ctx.restrictions_path(context['id']), expect='object', body=dict(
                restriction_type=item['type'], restriction_value=item['value']), hints={404: ctx.HINT_CONTEXT_404})
            added.append(ctx.normalize_restriction(answer))
        for item in plan['remove']:
            client.v2.delete_if_present(ctx.restrictions_path(context['id'], item['id']))
        after = after[:len(after) - len(added)] + added

    result = dict(changed=changed, context=context, owner=owner.result())
    if desired is not None:
        result.update(restrictions=after, restrictions_added=plan['add'], restrictions_removed=plan['remove'])
    if module._diff:
        result['diff'] = dict(
            before=_diff_side(None if created else context, owner, current if desired is not None else None),
            after=_diff_side(context, owner, after if desired is not None else None))
    return result


def run(module):
    p = module.params
    owner, name, desired = checked_input(p)
    client = module.client
    context = ctx.find_context(client, owner, name)
    if p['state'] == 'absent':
        return ensure_absent(module, client, owner, context)
    return ensure_present(module, client, owner, name, desired, context)


def main():
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        restrictions=dict(
            type='list', elements='dict',
            options=dict(
                type=dict(type='str', required=True, choices=list(ctx.RESTRICTION_TYPES)),
                value=dict(type='str', required=True),
            ),
        ),
        force=dict(type='bool', default=False),
    )
    argument_spec.update(ctx.owner_argument_spec())
    module = CircleCIModule(
        argument_spec=argument_spec,
        project=False,
        mutually_exclusive=[('owner_slug', 'owner_id')],
        required_one_of=[('owner_slug', 'owner_id')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
