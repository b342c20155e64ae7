#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_context_info
short_description: Read the CircleCI contexts of an organization, with their variable names and restrictions
version_added: 1.0.0
description:
  - Lists the contexts of an owner (O(owner_slug) or O(owner_id)), each with the names and dates of its
    environment variables and its restrictions. Values are never shown; CircleCI does not return them.
  - Uses CircleCI API v2. Every list is read page by page (C(?page-token=)), the contexts, then, per context,
    its variables and its restrictions. O(name) reads one context only, and O(details=false) only the list.
author:
  - ciops maintainers (@ciops)
options:
  name:
    description:
      - Read only the context with this name; RV(contexts) is empty when there is none.
    type: str
  details:
    description:
      - Read each context's variables and restrictions (two more lists per context).
      - With V(false), RV(contexts) has only C(id), C(name) and C(created_at).
    type: bool
    default: true
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.owner
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
notes:
  - The O(vcs_type) connection option does not apply to contexts.
seealso:
  - module: ciops.circleci.circleci_context
  - module: ciops.circleci.circleci_context_envvar
'''

EXAMPLES = r'''
- name: Every context of acme, with variable names and restrictions
  ciops.circleci.circleci_context_info:
    owner_slug: gh/acme
  register: acme_contexts

- name: Contexts that anyone in the organization may use
  ansible.builtin.debug:
    msg: "{{ acme_contexts.contexts | selectattr('restrictions', 'equalto', []) | map(attribute='name') | list }}"

- name: Does deploy-production have the registry token?
  ciops.circleci.circleci_context_info:
    owner_slug: gh/acme
    name: deploy-production
  register: deploy

- name: Fail when it does not
  ansible.builtin.assert:
    that: "'REGISTRY_TOKEN' in deploy.contexts[0].envvars | map(attribute='name')"

- name: Only the names of the contexts (one request per page)
  ciops.circleci.circleci_context_info:
    owner_slug: gh/acme
    details: false
  register: names_only
'''

RETURN = r'''
owner:
  description: The owner whose contexts were read, as given.
  returned: always
  type: dict
  sample: {slug: gh/acme, id: null, type: organization}
contexts:
  description: The owner's contexts, in the order CircleCI lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The context's UUID.
      type: str
      sample: 2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e
    name:
      description: The context's name.
      type: str
      sample: deploy-production
    created_at:
      description: When the context was created.
      type: str
      sample: "2026-11-02T09:30:00.000Z"
    envvars:
      description: The context's variables, names and dates only (CircleCI never returns a value).
      returned: when O(details=true)
      type: list
      elements: dict
      contains:
        name:
          description: Name of the variable.
          type: str
          sample: AWS_REGION
        created_at:
          description: When the variable was created.
          type: str
        updated_at:
          description: When the variable was last written.
          type: str
    restrictions:
      description: The context's restrictions; empty when every project of the owner may use it.
      returned: when O(details=true)
      type: list
      elements: dict
      contains:
        id:
          description: The restriction's id.
          type: str
        type:
          description: V(project), V(expression) or V(group).
          type: str
          sample: project
        value:
          description: The project UUID, the expression or the group id.
          type: str
        name:
          description: What CircleCI calls the restriction (the project name for a project restriction).
          type: str
  sample:
    - id: 2b7f8d4c-0e1a-4c3b-9d5e-6f7a8b9c0d1e
      name: deploy-production
      created_at: "2026-11-02T09:30:00.000Z"
      envvars:
        - {name: AWS_REGION, created_at: "2026-11-02T09:31:00.000Z", updated_at: "2026-11-02T09:31:00.000Z"}
      restrictions:
        - {id: 6c1d..., type: expression, value: pipeline.git.branch == "main", name: pipeline.git.branch == "main"}
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _contexts as ctx
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def run(module):
    p = module.params
    owner = ctx.parse_owner(p['owner_slug'], p['owner_id'], p['owner_type'])
    name = ctx.check_context_name(p['name']) if p['name'] is not None else None
    client = module.client
    if name is not None:
        found = ctx.find_context(client, owner, name)
        contexts = [found] if found else []
    else:
        contexts = ctx.list_contexts(client, owner)
    if p['details']:
        for context in contexts:
            context['envvars'] = ctx.list_context_envvars(client, context['id'])
            context['restrictions'] = ctx.list_restrictions(client, context['id'])
    return dict(changed=False, owner=owner.result(), contexts=contexts)


def main():
    argument_spec = dict(
        name=dict(type='str'),
        details=dict(type='bool', default=True),
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
