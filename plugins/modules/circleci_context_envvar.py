#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_context_envvar
short_description: Manage the environment variables of a CircleCI context
version_added: 1.0.0
description:
  - Creates, rewrites and removes the environment variables of a CircleCI context, one at a time
    (O(name), O(value), O(state)) or as a set (O(variables), O(purge)).
  - The context is named by O(context) under an owner (O(owner_slug) or O(owner_id)), or by O(context_id).
    It must exist; create it with M(ciops.circleci.circleci_context).
  - CircleCI never shows any part of a context variable's value, not even the last characters it shows for
    project variables. A changed value therefore cannot be detected; O(update_values) says what to do
    with variables that exist.
  - Every run reads the context's variable list (C(GET .../environment-variable), page by page), then
    sends one C(PUT .../environment-variable/NAME) per variable to write and one C(DELETE) per variable to
    remove. A C(PUT) creates or replaces a variable atomically, so it never goes missing while it is rewritten.
  - Names, values and CircleCI's limits (100 variables per context, names up to 300 characters, values up
    to 32768 characters) are checked before any request; the count after the run is checked once the
    list is read, before any write.
author:
  - ciops maintainers (@ciops)
options:
  context:
    description:
      - The name of the context. Needs O(owner_slug) or O(owner_id).
      - Give O(context) or O(context_id).
    type: str
  context_id:
    description:
      - The UUID of the context, instead of O(context) and its owner (saves the requests that find it).
    type: str
  name:
    description:
      - Name of one environment variable (the single form).
      - Letters, digits and C(_), not starting with a digit; up to 300 characters.
      - Mutually exclusive with O(variables); one of the two is required.
    type: str
  value:
    description:
      - Value of the variable O(name). Required when O(state=present).
      - Must be a string of up to 32768 characters. A YAML value such as C(true) or C(1) is refused rather than
        converted, because C(true) and C("true") are different values; quote it.
      - Never returned, logged or shown in a diff.
    type: raw
  state:
    description:
      - Whether the variable O(name) should exist.
      - Only for the single form; each item of O(variables) has its own C(state).
      - When not given, V(present).
    type: str
    choices: [present, absent]
  update_values:
    description:
      - What to do with a listed present variable that already exists. Variables that do not exist are
        created whatever this option says.
      - "To rotate a secret: run the task once with O(update_values=always), for example with the value
        V({{ rotate | default(false\\) | ternary('always', 'never'\\) }}) and C(-e rotate=true) on the command
        line, or name only the rotated variable in a task of its own with O(update_values=always)."
    type: str
    choices:
      never: Leave it untouched, whatever its value, and name it in RV(unverified), because its value could
        not be compared. A second run changes nothing.
      always: Rewrite it with a C(PUT), so the task always reports a change.
    default: never
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.variables
  - ciops.circleci.owner
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads what a real run reads, reports the same C(changed), C(added), C(updated), C(removed),
        C(untouched), C(unverified) and variable names as a real run would, and sends no mutating request.
      - When the context does not exist (yet), for example because an earlier task of the same check-mode run
        would create it, check mode warns and plans against an empty context; a real run fails.
  diff_mode:
    support: full
    details:
      - The diff shows the context's variable names before and after. A value is never shown; a variable
        that is rewritten shows as V((hidden, rewritten\)).
notes:
  - The O(vcs_type) connection option does not apply to contexts.
  - "Request counts: with O(context), one C(GET /api/v2/context) per page up to the page that has it; then one
    C(GET) per page of the context's variables, one C(PUT) per variable written and one C(DELETE) per variable
    removed. A run with nothing to do sends only the C(GET)s."
seealso:
  - module: ciops.circleci.circleci_context
  - module: ciops.circleci.circleci_context_info
  - module: ciops.circleci.circleci_envvar
    description: Variables of one project, whose masked values can be compared.
  - name: CircleCI API v2 reference
    description: The context environment-variable endpoints.
    link: https://circleci.com/docs/api/v2/
'''

EXAMPLES = r'''
- name: Cloud credentials in the deploy-production context; existing ones are left alone
  ciops.circleci.circleci_context_envvar:
    context: deploy-production
    owner_slug: gh/acme
    variables:
      - name: AWS_ACCESS_KEY_ID
        value: "{{ vault_aws_access_key_id }}"
      - name: AWS_SECRET_ACCESS_KEY
        value: "{{ vault_aws_secret_access_key }}"
      - name: AWS_REGION
        value: eu-west-1
  register: deploy_vars

- name: Tell which existing values were not compared
  ansible.builtin.debug:
    msg: "Not compared (CircleCI shows no value): {{ deploy_vars.unverified | join(', ') }}"

- name: Rotate one secret (always rewrites it)
  ciops.circleci.circleci_context_envvar:
    context: deploy-production
    owner_slug: gh/acme
    name: AWS_SECRET_ACCESS_KEY
    value: "{{ vault_new_aws_secret_access_key }}"
    update_values: always

- name: Exactly these variables, nothing else, all rewritten (by context id)
  ciops.circleci.circleci_context_envvar:
    context_id: 2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e
    purge: true
    update_values: always
    variables:
      - name: REGISTRY_TOKEN
        value: "{{ vault_registry_token }}"

- name: Remove a variable
  ciops.circleci.circleci_context_envvar:
    context: deploy-production
    owner_slug: gh/acme
    name: LEGACY_TOKEN
    state: absent
'''

RETURN = r'''
added:
  description: Names of the variables created (or that would be created in check mode).
  returned: always
  type: list
  elements: str
  sample: [AWS_REGION]
updated:
  description: Names of the existing variables rewritten (or that would be rewritten in check mode).
  returned: always
  type: list
  elements: str
  sample: [AWS_SECRET_ACCESS_KEY]
removed:
  description: Names of the variables deleted (or that would be deleted in check mode).
  returned: always
  type: list
  elements: str
  sample: [LEGACY_TOKEN]
untouched:
  description: Names of the context's variables after the run that were neither added nor rewritten, listed or not.
  returned: always
  type: list
  elements: str
  sample: [AWS_ACCESS_KEY_ID]
unverified:
  description:
    - Names of the listed present variables that exist and were left untouched although their value could not be
      compared (O(update_values=never)). They may or may not hold the value given.
  returned: always
  type: list
  elements: str
  sample: [AWS_ACCESS_KEY_ID]
envvars:
  description:
    - The context's variables after the run, in the order CircleCI lists them; never a value.
    - Computed from the list read at the start and the changes made; no second read.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the variable.
      type: str
      sample: AWS_REGION
    created_at:
      description: When the variable was created; V(null) in check mode for one that would be written.
      type: str
      sample: "2026-11-02T09:30:00.000Z"
    updated_at:
      description: When the variable was last written; V(null) in check mode for one that would be written.
      type: str
      sample: "2026-11-02T09:30:00.000Z"
context:
  description: The context, as C(id) and C(name) (the name is V(null) when only O(context_id) is given).
  returned: always
  type: dict
  sample: {id: 2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e, name: deploy-production}
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _contexts as ctx
from ansible_collections.ciops.circleci.plugins.module_utils._envvars import desired_variables, plan_envvars
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

HIDDEN = '(hidden)'
REWRITTEN = '(hidden, rewritten)'


def checked_context(params):
    """(context_id, name, owner) from the options, checked before any request."""
    if params['context_id'] is not None:
        if params['owner_slug'] is not None or params['owner_id'] is not None:
            raise CircleCIError('context_id names the context by itself: give it without owner_slug or owner_id')
        return ctx.check_uuid('context_id', params['context_id']), None, None
    owner = ctx.parse_owner(params['owner_slug'], params['owner_id'], params['owner_type'])
    return None, ctx.check_context_name(params['context']), owner


def find(module, client, name, owner):
    """The context's id, or None in check mode when it does not exist (yet)."""
    found = ctx.find_context(client, owner, name)
    if found is not None:
        return found['id']
    if module.check_mode:
        module.warn('context %s of %s does not exist (yet); check mode plans against an empty context'
                    % (name, owner.label))
        return None
    raise CircleCIError('context %s of %s does not exist: create it first with ciops.circleci.circleci_context'
                        % (name, owner.label))


def run(module):
    p = module.params
    desired = ctx.check_context_variables(desired_variables(p))
    context_id, name, owner = checked_context(p)
    client = module.client
    if context_id is None:
        context_id = find(module, client, name, owner)
    listed = ctx.list_context_envvars(client, context_id) if context_id is not None else []

    current = [dict(name=v['name'], value=None) for v in listed]
    todo = plan_envvars(current, desired, update_values=p['update_values'], purge=p['purge'], masked=False)
    ctx.check_variable_count(todo['envvars'], name or context_id)

    written = {}
    if not module.check_mode:
        for verb, var, value in todo['actions']:
            if verb == 'delete':
                # A variable deleted by someone else meanwhile is gone either way.
                client.v2.delete_if_present(ctx.envvars_path(context_id, var))
            else:
                answer = client.v2.put(ctx.envvars_path(context_id, var), body={'value': value},
                                       hints={404: ctx.HINT_CONTEXT_404})
                if isinstance(answer, dict):
                    written[var] = ctx.normalize_variable(answer)

    known = dict((v['name'], v) for v in listed)
    rewritten = set(todo['added']) | set(todo['updated'])
    envvars = []
    for var in todo['envvars']:
        if var['name'] in rewritten:
            shown = written.get(var['name']) or {}
            envvars.append(dict(name=var['name'], created_at=shown.get('created_at'),
                                updated_at=shown.get('updated_at')))
        else:
            envvars.append(known[var['name']])

    result = dict(
        changed=bool(todo['actions']),
        added=todo['added'],
        updated=todo['updated'],
        removed=todo['removed'],
        untouched=todo['untouched'],
        unverified=todo['unverified'],
        envvars=envvars,
        context=dict(id=context_id, name=name),
    )
    if module._diff:
        updated = set(todo['updated'])
        result['diff'] = dict(
            before=dict((v['name'], HIDDEN) for v in listed),
            after=dict((v['name'], REWRITTEN if v['name'] in updated else HIDDEN) for v in todo['envvars']),
        )
    return result


def main():
    argument_spec = dict(
        context=dict(type='str'),
        context_id=dict(type='str'),
        name=dict(type='str'),
        value=dict(type='raw', no_log=True),
        state=dict(type='str', choices=['present', 'absent']),
        variables=dict(
            type='list', elements='dict',
            options=dict(
                name=dict(type='str', required=True),
                value=dict(type='raw', no_log=True),
                state=dict(type='str', default='present', choices=['present', 'absent']),
            ),
        ),
        purge=dict(type='bool', default=False),
        update_values=dict(type='str', default='never', choices=['never', 'always']),
    )
    argument_spec.update(ctx.owner_argument_spec())
    module = CircleCIModule(
        argument_spec=argument_spec,
        project=False,
        mutually_exclusive=[('name', 'variables'), ('context', 'context_id'), ('owner_slug', 'owner_id')],
        required_one_of=[('name', 'variables'), ('context', 'context_id')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
