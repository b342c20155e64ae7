#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_envvar
short_description: Manage the environment variables of a CircleCI project
version_added: 1.0.0
description:
  - Creates, updates and removes the project environment variables of a CircleCI project,
    one at a time (O(name), O(value), O(state)) or as a set (O(variables), O(purge)).
  - CircleCI never returns a value. It shows C(xxxx) followed by the last characters of the value,
    the last four of a value of 8 characters or more, fewer of a shorter one (C(xxxxst) for C(test));
    how many for 1 to 3 and 5 to 7 characters is not known. The module compares that masked form
    with the value you give, and nothing more; a variable is unchanged when the mask can be the
    mask of that value; see O(update_values).
  - Every run reads the project's list once (C(GET .../envvar), page by page with API v2), whatever the
    number of variables, then sends one C(POST .../envvar) per variable to add or rewrite and one
    C(DELETE .../envvar/NAME) per variable to remove. A run with nothing to do sends only the C(GET).
  - Works for every kind of project. GitHub App, GitLab and Bitbucket Data Center projects
    (C(circleci/<org-uuid>/<project-uuid>) slugs) are reached through API v2, the others through API v1.1;
    see O(api_version). Both show the same masked values, so the results are the same.
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
  update_values:
    description:
      - When a present variable that already exists is rewritten.
      - Variables that do not exist are created whatever this option says.
    type: str
    choices:
      on_mask_change: Rewrite it only when the masked value CircleCI shows cannot be the mask of
        the desired value. For a value of 8 characters or more that is when its last four
        characters differ from those shown; for a shorter value, when the characters shown after
        C(xxxx) (at most four) do not end it. A new value that ends with the characters shown for
        the old one cannot be seen through the API and is NOT written. Use V(always) once to
        force such a change.
      always: Rewrite every listed present variable, so the task always reports a change.
      never: Only create missing variables, never rewrite existing ones.
    default: on_mask_change
  api_version:
    description:
      - The CircleCI API the variables are managed through.
      - V(auto) uses API v1.1 for GitHub OAuth and Bitbucket Cloud projects (C(gh/...), C(bb/...)) and API v2
        for C(circleci/...) slugs, which API v1.1 cannot reach.
      - V(v2) uses API v2 for every project (C(/api/v2/project/{slug}/envvar)). V(v1.1) with a C(circleci/...)
        slug fails before any request.
    type: str
    choices: [auto, v1.1, v2]
    default: auto
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.variables
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
      - The diff shows the project's variables before and after as name to masked value, as
        CircleCI shows them; never a real value. A rewrite that keeps the characters CircleCI shows
        therefore shows no difference although it is reported as a change. In check mode a value
        to be written shows as RV(envvars) predicts it.
notes:
  - CircleCI's API cannot reveal a value, only its last four characters (fewer for a value shorter
    than 8 characters). With the default O(update_values=on_mask_change) a changed value that ends
    with the characters CircleCI shows of the old value is invisible and is not written; run once
    with O(update_values=always) to force it.
  - Posting an existing name overwrites the variable; this is how updates are made.
seealso:
  - module: ciops.circleci.circleci_context_envvar
    description: Variables shared by many projects, in a context.
  - name: CircleCI API v1.1 reference
    description: The envvar endpoints.
    link: https://circleci.com/docs/api/v1/
  - name: CircleCI API v2 reference
    description: The project envvar endpoints.
    link: https://circleci.com/docs/api/v2/
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

- name: Set a variable of a GitHub App project (API v2, chosen by the circleci/ slug)
  ciops.circleci.circleci_envvar:
    project_slug: circleci/5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b/9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80
    name: AWS_REGION
    value: eu-west-1

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
      as CircleCI shows them (as listed, or as CircleCI answered the write).
    - In check mode (or when a write is answered without a mask of the value) a value to be written
      shows as CircleCI is known to mask it, C(xxxx) plus its last four characters for 8 characters
      or more and plus its last two for 4 characters (C(xxxxst) for C(test)), and as a bare C(xxxx)
      for the other lengths, whose mask is not known.
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
  description: The project, as C(vcs_type/username/project) or C(circleci/<org-uuid>/<project-uuid>).
  returned: always
  type: str
  sample: github/acme/app
api_version:
  description: The API the variables were read and written through, V(v1.1) or V(v2) (see O(api_version)).
  returned: always
  type: str
  sample: v1.1
'''

from ansible_collections.ciops.circleci.plugins.module_utils._envvars import (
    UPDATE_VALUES,
    desired_variables,
    normalize_listing,
    plan_envvars,
    shown_after_write,
)
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._project import API_VERSIONS, choose_api_version


def run(module):
    p = module.params
    desired = desired_variables(p)
    version = choose_api_version(module.project, p['api_version'], 'circleci_envvar')
    api = module.api(version)
    list_path = api.project(module.project, 'envvar')
    current = normalize_listing(api.list_all(list_path), api.shown(list_path))
    todo = plan_envvars(current, desired, update_values=p['update_values'], purge=p['purge'])

    written = {}
    if not module.check_mode:
        for verb, name, value in todo['actions']:
            if verb == 'delete':
                # A variable deleted by someone else meanwhile is gone either way.
                api.delete_if_present(api.project(module.project, 'envvar', name))
            else:
                # Both versions overwrite an existing name on POST, and answer with the masked value.
                answer = api.post(list_path, body={'name': name, 'value': value})
                written[name] = shown_after_write(answer, value)
    envvars = [dict(name=v['name'], value=written.get(v['name'], v['value'])) for v in todo['envvars']]

    result = dict(
        changed=bool(todo['actions']),
        added=todo['added'],
        updated=todo['updated'],
        removed=todo['removed'],
        untouched=todo['untouched'],
        envvars=envvars,
        project=module.project_slug,
        api_version=version,
    )
    if module._diff:
        result['diff'] = dict(
            before=dict((v['name'], v['value']) for v in current),
            after=dict((v['name'], v['value']) for v in envvars),
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
            api_version=dict(type='str', default='auto', choices=list(API_VERSIONS)),
        ),
        mutually_exclusive=[('name', 'variables')],
        required_one_of=[('name', 'variables')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
