#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_webhook_info
short_description: Read the outbound webhooks of a CircleCI project
version_added: 1.1.0
description:
  - Lists the outbound webhooks of a CircleCI project, or those with one O(name), with their URL, events,
    O(ciops.circleci.circleci_webhook#module:verify_tls) setting and whether they have a signing secret.
    CircleCI never shows a secret, and neither does this module.
  - Uses CircleCI API v2, two requests, the project's id (C(GET /api/v2/project/{slug})) and its webhooks
    (C(GET /api/v2/webhook?scope-id=...&scope-type=project), every page).
author:
  - ciops maintainers (@ciops)
options:
  name:
    description:
      - Return only the webhooks with this name; RV(webhooks) is empty when there is none.
    type: str
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
seealso:
  - module: ciops.circleci.circleci_webhook
'''

EXAMPLES = r'''
- name: The webhooks of acme/app
  ciops.circleci.circleci_webhook_info:
    project_slug: gh/acme/app
  register: app_hooks

- name: Fail when a webhook delivers unsigned events
  ansible.builtin.assert:
    that: app_hooks.webhooks | rejectattr('signing_secret_set') | list == []
    fail_msg: "Unsigned: {{ app_hooks.webhooks | rejectattr('signing_secret_set') | map(attribute='name') | join(', ') }}"

- name: One webhook by name
  ciops.circleci.circleci_webhook_info:
    project_slug: gh/acme/app
    name: eda-listener
  register: listener
'''

RETURN = r'''
webhooks:
  description:
    - The project's webhooks (with O(name), those of that name), in the order CircleCI lists them.
    - Never a signing secret; C(signing_secret_set) says whether CircleCI shows one.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The webhook's id.
      type: str
      sample: 3f1c2a9e-5b7d-4e8f-a0b1-c2d3e4f5a6b7
    name:
      description: The webhook's name.
      type: str
      sample: eda-listener
    url:
      description: Where CircleCI posts the events.
      type: str
      sample: https://eda.example.com/circleci
    events:
      description: The events it receives (C(workflow-completed), C(job-completed)).
      type: list
      elements: str
      sample: [workflow-completed]
    verify_tls:
      description: Whether CircleCI verifies the TLS certificate of the URL.
      type: bool
      sample: true
    signing_secret_set:
      description:
        - Whether CircleCI shows a signing secret (C(****)), as V(true); V(false) when it shows C(""), which means
          the deliveries are not signed; V(null) when the answer shows neither.
      type: bool
      sample: true
    scope:
      description: The project, as C(id) (its UUID) and C(type) (V(project)).
      type: dict
      sample: {id: 67899bff-f2d0-43c4-a0ea-f019e733cb62, type: project}
    created_at:
      description: When the webhook was created.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
    updated_at:
      description: When the webhook was last changed.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
project_id:
  description: The project's UUID.
  returned: always
  type: str
  sample: 67899bff-f2d0-43c4-a0ea-f019e733cb62
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _webhooks as hooks
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def run(module):
    name = module.params['name']
    if name is not None:
        hooks.check_webhook_name(name)
    client = module.client
    project_id = client.v2.project_id(module.project)
    webhooks = hooks.list_webhooks(client, project_id)
    if name is not None:
        webhooks = [w for w in webhooks if w['name'] == name]
    return dict(changed=False, webhooks=webhooks, project_id=project_id)


def main():
    module = CircleCIModule(
        argument_spec=dict(name=dict(type='str')),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
