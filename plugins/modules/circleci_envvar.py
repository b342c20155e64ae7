#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_envvar
short_description: Manage the environment variables of a CircleCI project
version_added: 0.1.0
description:
  - Creates, updates and removes the project environment variables of a CircleCI project,
    one at a time (O(name), O(value), O(state)) or as a set (O(variables), O(purge)).
  - CircleCI never returns a value. It shows C(xxxx) followed by the last four characters of the
    value (fewer when the value is shorter, for example C(xxxxR) for C(R)). The module compares
    that masked form with the mask of the value you give, and nothing more; see O(update_values).
  - Every run reads the project's list once (C(GET .../envvar)), whatever the number of variables,
    then sends one C(POST .../envvar) per variable to add or rewrite and one C(DELETE .../envvar/NAME)
    per variable to remove. A run with nothing to do sends only the C(GET).
  - Names and values are checked before any request is sent.
author:
  - ciops maintainers (@ciops)
options:
  name:
    description:
      - Name of one environment variable (the single form).
      - Letters, digits and C(_), not starting with a digit.
      - Mutually exclusive with O(variables); one of the two is required.
    type: str
  value:
    description:
      - Value of the variable O(name). Required when O(state=present).
      - Must be a string. A YAML value such as C(true), C(1) or C(1.0) is refused rather than
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
  variables:
    description:
      - The variables to manage in one task (the bulk form).
      - Names must be unique within the list; duplicates are refused with the names listed.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the variable.
        type: str
        required: true
      value:
        description:
          - Value of the variable, a string. Required when O(variables[].state=present).
          - Never returned, logged or shown in a diff.
        type: raw
      state:
        description:
          - Whether the variable should exist.
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(variables), remove every variable of the project that is not listed.
      - Only valid with O(variables).
    type: bool
    default: false
  update_values:
    description:
      - When a present variable that already exists is rewritten.
      - V(on_mask_change) rewrites it only when the masked value CircleCI shows (C(xxxx) plus the
        last four characters) differs from the mask of the desired value. A new value that ends
        with the same four characters as the old one cannot be seen through the API and is NOT
        written. Use V(always) once to force such a change.
      - V(always) rewrites every listed present variable, so the task always reports a change.
      - V(never) only creates missing variables and never rewrites existing ones.
      - Variables that do not exist are created whatever this option says.
    type: str
    choices: [on_mask_change, always, never]
    default: on_mask_change
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the list once, reports the same C(changed), C(added), C(updated), C(removed),
        C(untouched) and C(envvars) as a real run would, and sends no mutating request.
  diff_mode:
    support: full
    details:
      - The diff shows the project's variables before and after as name to masked value, exactly as
        CircleCI shows them; never a real value. A rewrite that keeps the last four characters
        therefore shows no difference although it is reported as a change.
notes:
  - CircleCI's API cannot reveal a value, only its last four characters. With the default
    O(update_values=on_mask_change) a changed value whose last four characters equal the old
    value's is invisible and is not written; run once with O(update_values=always) to force it.
  - Posting an existing name overwrites the variable; this is how updates are made.
seealso:
  - name: CircleCI API v1.1 reference
    description: The envvar endpoints.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Set one variable of acme/app
  ciops.circleci.circleci_envvar:
    username: acme
    project: app
    name: AWS_REGION
    value: eu-west-1

- name: Remove a variable
  ciops.circleci.circleci_envvar:
    username: acme
    project: app
    name: OLD_FLAG
    state: absent

- name: Manage the whole set of variables of acme/app, removing any other
  ciops.circleci.circleci_envvar:
    username: acme
    project: app
    purge: true
    variables:
      - name: AWS_REGION
        value: eu-west-1
      - name: DEPLOY_TOKEN
        value: "{{ vault_deploy_token }}"
      - name: FEATURE_X
        value: "true"   # quoted: a bare true is refused
      - name: LEGACY_URL
        state: absent

- name: Rotate a secret whose last four characters did not change
  ciops.circleci.circleci_envvar:
    username: acme
    project: app
    name: DEPLOY_TOKEN
    value: "{{ vault_new_deploy_token }}"
    update_values: always

- name: Create missing variables only, never overwrite what someone set by hand
  ciops.circleci.circleci_envvar:
    username: acme
    project: app
    update_values: never
    variables:
      - name: SENTRY_DSN
        value: "{{ vault_sentry_dsn }}"

- name: Set the token once for every CircleCI task
  module_defaults:
    group/ciops.circleci.circleci:
      api_token: "{{ vault_circleci_token }}"
  block:
    - name: Set a variable of a Bitbucket project
      ciops.circleci.circleci_envvar:
        vcs_type: bitbucket
        username: acme
        project: lib
        name: NODE_ENV
        value: production
'''

RETURN = r'''
added:
  description: Names of the variables created (or that would be created in check mode).
  returned: always
  type: list
  elements: str
  sample: [DEPLOY_TOKEN]
updated:
  description: Names of the existing variables rewritten (or that would be rewritten in check mode).
  returned: always
  type: list
  elements: str
  sample: [AWS_REGION]
removed:
  description: Names of the variables deleted (or that would be deleted in check mode).
  returned: always
  type: list
  elements: str
  sample: [LEGACY_URL]
untouched:
  description:
    - Names of the variables of the project that exist after the run and were neither added nor rewritten,
      whether they were listed or not.
  returned: always
  type: list
  elements: str
  sample: [SHORT]
envvars:
  description:
    - The project's variables after the run, in the order CircleCI lists them, with values masked
      exactly as CircleCI shows them (C(xxxx) plus the last four characters).
    - Computed from the list read at the start and the changes made; no second read.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the variable.
      type: str
      sample: AWS_REGION
    value:
      description: The masked value.
      type: str
      sample: xxxxst-1
  sample: [{name: AWS_REGION, value: xxxxst-1}, {name: DEPLOY_TOKEN, value: xxxxa869}]
project:
  description: The project, as C(vcs_type/username/project).
  returned: always
  type: str
  sample: github/acme/app
'''

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_envvar_name, mask_value
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

UPDATE_VALUES = ('on_mask_change', 'always', 'never')


def desired_variables(params):
    """The desired variables as [{name, value, state}], validated, from either form.

    Raises CircleCIError before any request: bad names, duplicates, missing or
    non-string values, options of the wrong form. Never puts a value in a message.
    """
    if params.get('variables') is not None:
        if params.get('state') is not None:
            raise CircleCIError('state applies to the single form (name); give each item of variables its own state')
        if params.get('value') is not None:
            raise CircleCIError('value applies to the single form (name); give each item of variables its own value')
        items = params['variables']
    else:
        if params.get('purge'):
            raise CircleCIError('purge is only valid with variables (the bulk form)')
        items = [dict(name=params.get('name'), value=params.get('value'), state=params.get('state') or 'present')]

    desired = []
    seen = {}
    for item in items:
        name = check_envvar_name(item.get('name'))
        state = item.get('state') or 'present'
        value = item.get('value')
        if state == 'present':
            if value is None:
                raise CircleCIError('value of %s is required when its state is present' % name)
            if not isinstance(value, str):
                raise CircleCIError('value of %s must be a string; quote it (got %s)' % (name, type(value).__name__))
        else:
            value = None
        seen[name] = seen.get(name, 0) + 1
        desired.append(dict(name=name, value=value, state=state))
    duplicates = sorted(n for n, count in seen.items() if count > 1)
    if duplicates:
        raise CircleCIError('variables lists these names more than once: %s' % ', '.join(duplicates))
    return desired


def plan(current, desired, update_values='on_mask_change', purge=False):
    """What to do, from what CircleCI lists and what is wanted. Pure: no I/O.

    current: [{name, value}] as the API lists them (masked values).
    desired: [{name, value, state}] (value None when absent).
    Returns {actions: [(verb, name, value)], added, updated, removed, untouched, envvars},
    verb in create/update/delete; envvars is the list the API would show afterwards.
    """
    if update_values not in UPDATE_VALUES:
        raise ValueError('update_values must be one of %s' % ', '.join(UPDATE_VALUES))
    shown = dict((v['name'], v['value']) for v in current)
    wanted = dict((d['name'], d) for d in desired)
    actions = []
    added, updated, removed = [], [], []

    for item in desired:
        name = item['name']
        if item['state'] == 'absent':
            if name in shown:
                actions.append(('delete', name, None))
                removed.append(name)
            continue
        if name not in shown:
            actions.append(('create', name, item['value']))
            added.append(name)
        elif update_values == 'always' or (
                update_values == 'on_mask_change' and shown[name] != mask_value(item['value'])):
            actions.append(('update', name, item['value']))
            updated.append(name)

    if purge:
        for var in current:
            if var['name'] not in wanted:
                actions.append(('delete', var['name'], None))
                removed.append(var['name'])

    # The API keeps an overwritten variable in its place and appends new ones.
    envvars = []
    gone = set(removed)
    changed_values = dict((name, value) for verb, name, value in actions if verb == 'update')
    for var in current:
        if var['name'] in gone:
            continue
        if var['name'] in changed_values:
            envvars.append(dict(name=var['name'], value=mask_value(changed_values[var['name']])))
        else:
            envvars.append(dict(name=var['name'], value=var['value']))
    for verb, name, value in actions:
        if verb == 'create':
            envvars.append(dict(name=name, value=mask_value(value)))

    touched = set(added) | set(updated)
    untouched = [v['name'] for v in envvars if v['name'] not in touched]
    return dict(actions=actions, added=added, updated=updated, removed=removed,
                untouched=untouched, envvars=envvars)


def normalize_listing(listing, path):
    """The API's list (from client.get_list) as [{name, value}], refusing entries that are not variables."""
    current = []
    for var in listing:
        if not isinstance(var, dict) or 'name' not in var:
            raise CircleCIError('CircleCI answered GET %s with an entry that is not a variable' % path,
                                method='GET', path=path)
        current.append(dict(name=var['name'], value=var.get('value') or ''))
    return current


def manage_envvars(module):
    p = module.params
    desired = desired_variables(p)
    client = module.client
    list_path = module.project_path('envvar')

    current = normalize_listing(client.get_list(list_path), list_path)
    todo = plan(current, desired, update_values=p['update_values'], purge=p['purge'])

    if not module.check_mode:
        for verb, name, value in todo['actions']:
            if verb == 'delete':
                # absent_ok: a variable deleted by someone else meanwhile is gone either way.
                client.delete(module.project_path('envvar', name))
            else:
                client.post(list_path, body={'name': name, 'value': value})

    result = dict(
        changed=bool(todo['actions']),
        added=todo['added'],
        updated=todo['updated'],
        removed=todo['removed'],
        untouched=todo['untouched'],
        envvars=todo['envvars'],
        project=module.project_slug,
    )
    if module._diff:
        result['diff'] = dict(
            before=dict((v['name'], v['value']) for v in current),
            after=dict((v['name'], v['value']) for v in todo['envvars']),
        )
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
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
            update_values=dict(type='str', default='on_mask_change', choices=list(UPDATE_VALUES)),
        ),
        mutually_exclusive=[('name', 'variables')],
        required_one_of=[('name', 'variables')],
        supports_check_mode=True,
        v1_only='circleci_envvar',
    )
    module.run(manage_envvars)


if __name__ == '__main__':
    main()
