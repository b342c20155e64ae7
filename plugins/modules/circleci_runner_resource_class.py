#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_runner_resource_class
short_description: Manage a CircleCI self-hosted runner resource class
version_added: 1.1.0
description:
  - Creates or deletes a resource class of CircleCI self-hosted runners, C(<namespace>/<name>). Jobs
    name it in C(resource_class:); runners join it with a token of the class
    (M(ciops.circleci.circleci_runner_token)).
  - Uses CircleCI's runner API on O(runner_url) (C(/api/v3)). Every run reads the resource classes of the
    namespace once (C(GET /api/v3/runner/resource?namespace=...)); then one C(POST /api/v3/runner/resource)
    to create the class, or, to delete it, one read of its tokens (C(GET /api/v3/runner/token?resource-class=...))
    and one C(DELETE /api/v3/runner/resource/{id}) (C(.../{id}/force) with O(force)).
  - These management routes are not in CircleCI's published API reference; CircleCI's own Terraform provider
    uses them.
  - O(resource_class) is checked before any request. Whether the namespace is your organisation's cannot be
    checked locally; when it is not, the first read fails, before anything is written.
author:
  - ciops maintainers (@ciops)
options:
  resource_class:
    description:
      - The resource class, C(<namespace>/<name>), for example C(acme/linux-gpu).
      - The namespace is your organisation's orb namespace (one per organisation; C(circleci namespace list)).
      - Each part is made of the characters CircleCI allows, lower-case letters, digits, C(-) and C(_); anything
        else (upper-case letters, dots, spaces, a third part) is refused before any request.
    type: str
    required: true
  description:
    description:
      - What the class is for, shown in the CircleCI web app. Used when the class is created.
      - CircleCI cannot change the description of a class that exists; a different one gives a warning and changes
        nothing (delete the class and create it again to change it, with new tokens).
    type: str
    default: ''
  state:
    description:
      - V(present) creates the class when it does not exist; V(absent) deletes it when it does.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Delete the class with O(state=absent) even when it still has tokens; the tokens are deleted with it and
        every runner using them is cut off.
      - Without it, deleting a class that has tokens fails, naming how many it has.
    type: bool
    default: false
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads what a real run reads and sends no mutating request.
  diff_mode:
    support: full
seealso:
  - module: ciops.circleci.circleci_runner_token
  - module: ciops.circleci.circleci_runner_info
'''

EXAMPLES = r'''
- name: A resource class for the GPU hosts
  ciops.circleci.circleci_runner_resource_class:
    resource_class: acme/linux-gpu
    description: GPU build hosts (Ubuntu 24.04)

- name: Retire the class, with its tokens
  ciops.circleci.circleci_runner_resource_class:
    resource_class: acme/linux-gpu
    state: absent
    force: true
'''

RETURN = r'''
resource_class:
  description:
    - The class as CircleCI holds it after the task; V(null) when it does not exist (or, in check mode, when it
      would be created or has been deleted).
  returned: always
  type: dict
  contains:
    id:
      description: The class's id.
      type: str
      sample: 0b5a2e1c-7d3f-4e8a-9c1b-2f3e4d5c6b7a
    resource_class:
      description: C(<namespace>/<name>).
      type: str
      sample: acme/linux-gpu
    description:
      description: Its description.
      type: str
      sample: GPU build hosts (Ubuntu 24.04)
tokens_deleted:
  description: How many tokens were deleted with the class (with O(force)).
  returned: when the class was deleted
  type: int
  sample: 2
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _runner
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def normalise(record):
    return dict(id=field(record, 'id'), resource_class=field(record, 'resource_class'),
                description=field(record, 'description') or '')


def plan_resource_class(existing, state, force, token_count):
    """'create', 'delete', 'force-delete' or None; refuses a delete that would take tokens without force."""
    if state == 'present':
        return None if existing else 'create'
    if not existing:
        return None
    if token_count and not force:
        plural = '' if token_count == 1 else 's'
        raise CircleCIError(
            'Resource class %s has %d token%s: set force: true to delete it with them (every runner using them '
            'is cut off), or delete the tokens first' % (existing['resource_class'], token_count, plural))
    return 'force-delete' if token_count else 'delete'


def run(module):
    params = module.params
    name = _runner.check_resource_class(params['resource_class'])
    runner = module.client.runner
    found = [normalise(r) for r in runner.resource_classes(_runner.namespace_of(name))]
    existing = next((r for r in found if r['resource_class'] == name), None)
    token_count = 0
    if params['state'] == 'absent' and existing:
        token_count = len(runner.tokens(name))
    action = plan_resource_class(existing, params['state'], params['force'], token_count)
    result = dict(changed=action is not None, resource_class=existing)
    if existing and params['state'] == 'present' and existing['description'] != params['description']:
        module.warn('Resource class %s exists with another description (%r); CircleCI cannot change it: delete the '
                    'class and create it again to change it' % (name, existing['description']))
    after = existing
    if action == 'create':
        after = dict(id=None, resource_class=name, description=params['description'])
        result['resource_class'] = None
        if not module.check_mode:
            answer = runner.post('/runner/resource', dict(resource_class=name, description=params['description']),
                                 expect='object')
            after = normalise(answer)
            result['resource_class'] = after
    elif action:
        after = None
        result.update(resource_class=None, tokens_deleted=token_count)
        if not module.check_mode:
            segments = ('runner', 'resource', existing['id']) + (('force',) if action == 'force-delete' else ())
            runner.delete(runner.path(*segments))
    if module._diff:
        result['diff'] = dict(before=existing or {}, after=after or {})
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            resource_class=dict(type='str', required=True),
            description=dict(type='str', default=''),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            force=dict(type='bool', default=False),
        ),
        project=False,
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
