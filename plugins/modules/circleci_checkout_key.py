#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_checkout_key
short_description: Manage the checkout keys of a CircleCI project
version_added: 0.1.0
description:
  - Makes sure a CircleCI project has a checkout key of a given type, or removes checkout keys.
  - A checkout key is the SSH key CircleCI uses to clone the repository. CircleCI generates the key pair;
    only the public key is ever returned. Register it at the Git host (for a V(deploy-key), as a
    deploy key of the repository) with the returned RV(key.public_key).
  - The module reads the project's key list once (C(GET .../checkout-key)), plans, and then sends at most
    one C(POST .../checkout-key) or one C(DELETE .../checkout-key/{fingerprint}) per key to remove.
author:
  - ciops maintainers (@ciops)
options:
  state:
    description:
      - V(present) makes sure the project has a key of type O(type). When it has one, nothing changes
        and that key is returned (the preferred one when several keys have the type); otherwise
        CircleCI creates one.
      - V(absent) deletes the key with fingerprint O(fingerprint), or every key of type O(type).
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - The kind of checkout key.
      - V(deploy-key) is a key for this repository only (a GitHub/Bitbucket deploy key).
      - V(github-user-key) is a key that acts as the user who owns the token on GitHub. CircleCI creates it
        only with a personal API token; a project API token gets C(403 Permission denied).
      - Required with O(state=present). With O(state=absent), one of O(type) and O(fingerprint) is required.
    type: str
    choices: [deploy-key, github-user-key]
  fingerprint:
    description:
      - The MD5 fingerprint of the key to delete, 16 colon-separated hex pairs
        such as C(a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b). Case does not matter.
      - It is validated before any request is sent.
      - Only with O(state=absent). A fingerprint the project does not have means nothing to do.
    type: str
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - The key list is read, nothing is created or deleted.
      - When a key would be created, its fingerprint and public key cannot be known in advance,
        so RV(key) is V(null) in check mode.
  diff_mode:
    support: full
    details:
      - The diff lists the project's checkout keys (type and fingerprint) before and after.
        A key that check mode would create has a V(null) fingerprint.
notes:
  - CircleCI never returns private keys, and cannot rotate a key in place. To rotate, remove the
    key by O(fingerprint) and run the task with O(state=present) again.
  - "Request counts: an unchanged run sends one C(GET); creating sends C(GET) + C(POST);
    removing sends C(GET) + one C(DELETE) per removed key."
seealso:
  - module: community.general.github_deploy_key
    description: Register the returned public key as a deploy key of a GitHub repository.
  - module: ciops.circleci.circleci_ssh_key
    description: SSH keys the build uses to reach other hosts (not for checking out the code).
  - name: CircleCI API v1.1 reference
    description: The checkout-key endpoints.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Make sure acme/app has a deploy key
  ciops.circleci.circleci_checkout_key:
    username: acme
    project: app
    type: deploy-key
  register: checkout

- name: Register CircleCI's public key as a read-only deploy key on GitHub
  community.general.github_deploy_key:
    owner: acme
    repo: app
    name: CircleCI
    key: "{{ checkout.key.public_key }}"
    read_only: true
    token: "{{ vault_github_token }}"
  when: checkout.key is not none

- name: Add a user key (needs a personal API token, not a project token)
  ciops.circleci.circleci_checkout_key:
    api_token: "{{ vault_circleci_personal_token }}"
    username: acme
    project: app
    type: github-user-key

- name: Remove one key by its fingerprint
  ciops.circleci.circleci_checkout_key:
    username: acme
    project: app
    state: absent
    fingerprint: a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b

- name: Remove every user key of a Bitbucket project
  ciops.circleci.circleci_checkout_key:
    vcs_type: bitbucket
    username: acme
    project: lib
    state: absent
    type: github-user-key
  register: removed

- name: Show what was removed
  ansible.builtin.debug:
    msg: "Removed {{ removed.removed | length }} key(s): {{ removed.removed | join(', ') }}"
'''

RETURN = r'''
key:
  description:
    - The checkout key of type O(type), either the existing one or the one CircleCI created.
    - V(null) in check mode when a key would be created (CircleCI generates it, so it cannot be known).
  returned: state is present
  type: dict
  contains:
    public_key:
      description: The public key in OpenSSH format, to register at the Git host.
      type: str
      sample: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC..."
    fingerprint:
      description: MD5 fingerprint of the key, 16 colon-separated hex pairs.
      type: str
      sample: a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b
    type:
      description: The kind of key.
      type: str
      sample: deploy-key
    preferred:
      description: Whether CircleCI uses this key first when checking out.
      type: bool
      sample: true
    time:
      description: When the key was created (ISO 8601).
      type: str
      sample: "2024-05-01T10:00:00.000Z"
    login:
      description: The GitHub login a user key acts as; V(null) for deploy keys.
      type: str
      sample: null
removed:
  description: Fingerprints of the keys deleted (or that would be deleted in check mode), in list order.
  returned: state is absent
  type: list
  elements: str
  sample: ["a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b"]
project:
  description: The project, as C(vcs_type/username/project).
  returned: always
  type: str
  sample: github/acme/app
'''

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_fingerprint
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

CHECKOUT_KEY_TYPES = ('deploy-key', 'github-user-key')

KEY_FIELDS = ('public_key', 'fingerprint', 'type', 'preferred', 'time', 'login')


def normalize_key(key):
    """The documented fields of a checkout key (the server's spelling of the fingerprint is kept for URLs)."""
    return dict((field, key.get(field)) for field in KEY_FIELDS)


def _same_fingerprint(key, fingerprint):
    return str(key.get('fingerprint') or '').lower() == fingerprint


def plan_checkout_keys(keys, state, key_type=None, fingerprint=None):
    """Pure plan from the current key list (normalised keys); fingerprint is lower case.

    Returns a dict: ``create`` (the type to create, or None), ``delete`` (fingerprints to
    delete, in list order) and ``key`` (the existing key that satisfies state=present).
    """
    plan = dict(create=None, delete=[], key=None)
    if state == 'present':
        matching = [k for k in keys if k['type'] == key_type]
        if matching:
            preferred = [k for k in matching if k.get('preferred')]
            plan['key'] = (preferred or matching)[0]
        else:
            plan['create'] = key_type
        return plan
    if fingerprint is not None:
        plan['delete'] = [k['fingerprint'] for k in keys if _same_fingerprint(k, fingerprint)][:1]
    else:
        plan['delete'] = [k['fingerprint'] for k in keys if k['type'] == key_type]
    return plan


def summarize(keys):
    """The diff form of a key list: type and fingerprint of each key."""
    return dict(checkout_keys=[dict(type=k['type'], fingerprint=k['fingerprint']) for k in keys])


def predicted_after(keys, plan, created=None):
    after = [k for k in keys if k['fingerprint'] not in plan['delete']]
    if plan['create']:
        after.append(created or dict(type=plan['create'], fingerprint=None))
    return after


USER_KEY_HINT = 'github-user-key needs a personal API token (a project token cannot create user keys)'


def create_key(module, path, key_type):
    hints = {403: USER_KEY_HINT} if key_type == 'github-user-key' else None
    answer = module.client.post(path, body={'type': key_type}, hints=hints, expect='object')
    if not isinstance(answer, dict) or not answer.get('fingerprint'):
        raise CircleCIError('CircleCI answered POST %s without a checkout key' % path, method='POST', path=path)
    return normalize_key(answer)


def ensure_checkout_key(module):
    p = module.params
    fingerprint = check_fingerprint(p['fingerprint']) if p['fingerprint'] is not None else None
    path = module.project_path('checkout-key')

    current = module.client.get_list(path)
    keys = [normalize_key(k) for k in current if isinstance(k, dict)]
    plan = plan_checkout_keys(keys, p['state'], p['type'], fingerprint)
    changed = bool(plan['create'] or plan['delete'])

    created = None
    if plan['create'] and not module.check_mode:
        created = create_key(module, path, plan['create'])
    for fp in plan['delete']:
        if not module.check_mode:
            # absent_ok: a key deleted meanwhile is what we want anyway.
            module.client.delete(module.project_path('checkout-key', fp))

    result = dict(changed=changed, project=module.project_slug)
    if p['state'] == 'present':
        result['key'] = created or plan['key']
    else:
        result['removed'] = plan['delete']
    if module._diff:
        result['diff'] = dict(before=summarize(keys), after=summarize(predicted_after(keys, plan, created)))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            type=dict(type='str', choices=list(CHECKOUT_KEY_TYPES)),
            fingerprint=dict(type='str'),
        ),
        mutually_exclusive=[('type', 'fingerprint')],
        required_if=[
            ('state', 'present', ('type',)),
            ('state', 'absent', ('type', 'fingerprint'), True),
        ],
        supports_check_mode=True,
        v1_only='circleci_checkout_key',
    )
    module.run(ensure_checkout_key)


if __name__ == '__main__':
    main()
