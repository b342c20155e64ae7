#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_cache
short_description: Clear the build cache of a CircleCI project
version_added: 1.0.0
description:
  - Clears the dependency caches of a CircleCI project with C(DELETE /project/.../build-cache).
  - CircleCI does not tell whether a cache existed, so a run that clears the cache always
    reports C(changed=true). There is nothing to compare, so the task is not idempotent by nature;
    treat it as an action (for example in a handler).
author:
  - ciops maintainers (@ciops)
options:
  state:
    description:
      - V(absent) clears the project's build cache.
    type: str
    choices: [absent]
    default: absent
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - In check mode no request is sent and the task reports C(changed=true).
  diff_mode:
    support: none
notes:
  - CircleCI's API cannot say whether a cache existed, so the module always reports a change.
seealso:
  - name: CircleCI API v1.1 reference
    description: The build-cache endpoint.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Clear the dependency cache of acme/app
  ciops.circleci.circleci_cache:
    username: acme
    project: app
    state: absent

- name: Set the token once for every CircleCI task
  module_defaults:
    group/ciops.circleci.circleci:
      api_token: "{{ vault_circleci_token }}"
  block:
    - name: Clear the cache of a Bitbucket project
      ciops.circleci.circleci_cache:
        vcs_type: bitbucket
        username: acme
        project: lib
'''

RETURN = r'''
status:
  description: What CircleCI answered; absent in check mode.
  returned: success and not check mode
  type: str
  sample: build dependency caches deleted
project:
  description: The project whose cache was cleared, as C(vcs_type/username/project).
  returned: always
  type: str
  sample: github/acme/app
'''

from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def run(module):
    result = dict(changed=True, project=module.project_slug)
    path = module.project_path('build-cache')
    if module.check_mode:
        return result
    # A 404 here can only mean the project is unknown, never "no cache": fail on it.
    answer = module.client.v1.delete(path)
    if isinstance(answer, dict) and answer.get('status'):
        result['status'] = answer['status']
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(state=dict(type='str', default='absent', choices=['absent'])),
        supports_check_mode=True,
        v1_only='circleci_cache (clearing the build cache)',
    )
    module.run(run)


if __name__ == '__main__':
    main()
