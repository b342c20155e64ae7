#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_runner_info
short_description: Read CircleCI self-hosted runners and the task counts of their resource class
version_added: 1.1.0
description:
  - Lists the self-hosted runners of a resource class or of a whole namespace (host name, runner name, agent
    version, first and last connection, last use), and for a resource class the number of tasks waiting for a
    runner (unclaimed) and running, the signal an autoscaler reads to add or remove hosts.
  - Uses CircleCI's documented runner API on O(runner_url) (C(/api/v3)). One request for the runners
    (C(GET /api/v3/runner?resource-class=...) or C(?namespace=...)), and with O(resource_class) and O(tasks) two
    more (C(GET /api/v3/runner/tasks?resource-class=...) and C(GET /api/v3/runner/tasks/running?resource-class=...)).
  - O(resource_class) and O(namespace) are checked before any request.
author:
  - ciops maintainers (@ciops)
options:
  resource_class:
    description:
      - The resource class, C(<namespace>/<name>) in lower-case letters, digits, C(-) and C(_).
      - Give either O(resource_class) or O(namespace).
    type: str
  namespace:
    description:
      - Your organisation's namespace, for the runners of all its resource classes (no task counts).
    type: str
  tasks:
    description:
      - With O(resource_class), also read the unclaimed and running task counts.
    type: bool
    default: true
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
seealso:
  - module: ciops.circleci.circleci_runner_resource_class
  - module: ciops.circleci.circleci_runner_token
'''

EXAMPLES = r'''
- name: The GPU runners and their queue
  ciops.circleci.circleci_runner_info:
    resource_class: acme/linux-gpu
  register: gpu

- name: Add a host when jobs wait for a runner
  ansible.builtin.debug:
    msg: "{{ gpu.unclaimed_tasks }} tasks wait, {{ gpu.runners | length }} runners connected"
  when: gpu.unclaimed_tasks > 0

- name: Every runner of the organisation
  ciops.circleci.circleci_runner_info:
    namespace: acme
  register: all_runners
'''

RETURN = r'''
runners:
  description: The runners, in the order CircleCI lists them.
  returned: always
  type: list
  elements: dict
  contains:
    resource_class:
      description: Its resource class.
      type: str
      sample: acme/linux-gpu
    hostname:
      description: The host it runs on.
      type: str
      sample: gpu-01.example.com
    name:
      description: The runner's name (its configuration's C(runner.name)).
      type: str
      sample: gpu-01
    version:
      description: The machine runner agent's version.
      type: str
      sample: 3.0.24
    first_connected:
      description: When it first connected.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
    last_connected:
      description: When it last connected.
      type: str
      sample: "2026-12-04T22:00:00.000Z"
    last_used:
      description: When it last ran a task (V(null) if never).
      type: str
      sample: "2026-12-04T21:30:00.000Z"
unclaimed_tasks:
  description: Tasks of O(resource_class) waiting for a runner (V(null) with O(namespace) or O(tasks=false)).
  returned: always
  type: int
  sample: 3
running_tasks:
  description: Tasks of O(resource_class) running now (V(null) with O(namespace) or O(tasks=false)).
  returned: always
  type: int
  sample: 2
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _runner
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

RUNNER_FIELDS = ('resource_class', 'hostname', 'name', 'version', 'first_connected', 'last_connected', 'last_used')


def count(answer, name, path):
    value = field(answer, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CircleCIError('CircleCI answered GET %s without the number %s' % (path, name), method='GET', path=path)
    return value


def run(module):
    params = module.params
    name, namespace = params['resource_class'], params['namespace']
    if name is not None:
        _runner.check_resource_class(name)
    else:
        _runner.check_namespace(namespace)
    runner = module.client.runner
    runners = [dict((key, field(r, key)) for key in RUNNER_FIELDS) for r in runner.runners(name, namespace)]
    result = dict(changed=False, runners=runners, unclaimed_tasks=None, running_tasks=None)
    if name is not None and params['tasks']:
        result['unclaimed_tasks'] = count(runner.unclaimed_tasks(name), 'unclaimed_task_count', '/api/v3/runner/tasks')
        result['running_tasks'] = count(runner.running_tasks(name), 'running_runner_tasks',
                                        '/api/v3/runner/tasks/running')
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            resource_class=dict(type='str'),
            namespace=dict(type='str'),
            tasks=dict(type='bool', default=True),
        ),
        project=False,
        mutually_exclusive=[('resource_class', 'namespace')],
        required_one_of=[('resource_class', 'namespace')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
