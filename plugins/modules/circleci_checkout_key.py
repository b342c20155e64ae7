#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_checkout_key
short_description: Manage the checkout keys of a CircleCI project
version_added: 1.0.0
description:
  - Makes sure a CircleCI project has a checkout key of a given type, or removes checkout keys.
  - A checkout key is the SSH key CircleCI uses to clone the repository. CircleCI generates the key pair;
    only the public key is ever returned. Register it at the Git host (for a V(deploy-key), as a
    deploy key of the repository) with the returned RV(key.public_key).
  - The module reads the project's key list once (C(GET .../checkout-key), page by page with API v2), plans,
    and then sends at most one C(POST .../checkout-key) or one C(DELETE .../checkout-key/{fingerprint}) per key
    to remove.
  - Works for every kind of project. C(circleci/<org-uuid>/<project-uuid>) slugs (GitHub App, GitLab, Bitbucket
    Data Center) are reached through API v2, see O(api_version). Results have the same shape with both APIs.
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
      - The fingerprint of the key to delete.
      - Either MD5, 16 colon-separated hex pairs such as C(a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b)
        (case does not matter), or SHA-256 as C(ssh-keygen -l) prints it, C(SHA256:) and 43 base64
        characters (case matters). A SHA-256 fingerprint needs API v2, which O(api_version=auto) then uses.
      - It is validated before any request is sent.
      - Only with O(state=absent). A fingerprint the project does not have means nothing to do.
    type: str
  fingerprint_digest:
    description:
      - The fingerprints shown in RV(key), RV(removed) and the diff, V(md5) or V(sha256).
      - V(sha256) needs API v2 (the list is read with C(?digest=sha256)), which O(api_version=auto) then uses.
      - When not given, the kind of O(fingerprint), else V(md5).
    type: str
    choices: [md5, sha256]
  api_version:
    description:
      - The CircleCI API the keys are managed through.
      - V(auto) uses API v1.1 for GitHub OAuth and Bitbucket Cloud projects (C(gh/...), C(bb/...)), and API v2
        for C(circleci/...) slugs and for SHA-256 fingerprints, which API v1.1 cannot serve.
      - V(v2) uses API v2 for every project. V(v1.1) with a C(circleci/...) slug or a SHA-256 fingerprint fails
        before any request.
      - API v2 names a V(github-user-key) C(user-key) in its requests; the module translates.
    type: str
    choices: [auto, v1.1, v2]
    default: auto
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
  - "Request counts: an unchanged run sends one C(GET) (API v2: one per page); creating sends C(GET) + C(POST);
    removing sends C(GET) + one C(DELETE) per removed key."
  - GitHub App and GitLab projects have no checkout keys (they check out through their integration); creating one
    fails with CircleCI's answer and says so.
seealso:
  - module: community.general.github_deploy_key
    description: Register the returned public key as a deploy key of a GitHub repository.
  - module: ciops.circleci.circleci_ssh_key
    description: SSH keys the build uses to reach other hosts (not for checking out the code).
  - name: CircleCI API v1.1 reference
    description: The checkout-key endpoints.
    link: https://circleci.com/docs/api/v1/
  - name: CircleCI API v2 reference
    description: The project checkout-key endpoints.
    link: https://circleci.com/docs/api/v2/
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

- name: Remove a key by its SHA-256 fingerprint (through API v2)
  ciops.circleci.circleci_checkout_key:
    project_slug: gh/acme/app
    state: absent
    fingerprint: SHA256:2ycHaV2gIFoNYdV8rKkRGzkTLpNe7YyN6rYpFtuvQzA

- name: A deploy key of a Bitbucket Data Center project, with its SHA-256 fingerprint
  ciops.circleci.circleci_checkout_key:
    project_slug: circleci/5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b/9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80
    type: deploy-key
    fingerprint_digest: sha256

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
      description:
        - Fingerprint of the key, MD5 (16 colon-separated hex pairs) or, with O(fingerprint_digest=sha256),
          SHA-256 (C(SHA256:) and base64).
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
      description: The GitHub login a user key acts as; V(null) for deploy keys and with API v2, which does not show it.
      type: str
      sample: null
removed:
  description: Fingerprints of the keys deleted (or that would be deleted in check mode), in list order.
  returned: state is absent
  type: list
  elements: str
  sample: ["a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b"]
project:
  description: The project, as C(vcs_type/username/project) or C(circleci/<org-uuid>/<project-uuid>).
  returned: always
  type: str
  sample: github/acme/app
api_version:
  description: The API the keys were read and written through, V(v1.1) or V(v2) (see O(api_version)).
  returned: always
  type: str
  sample: v1.1
'''

from ansible_collections.ciops.circleci.plugins.module_utils._checkout_keys import (
    CHECKOUT_KEY_TYPES,
    DIGEST_NAMES,
    DIGESTS,
    V2_TYPES,
    normalize_key,
    sha256_fingerprint,
)
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._project import API_VERSIONS, choose_api_version
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import (
    FINGERPRINT_RE,
    check_fingerprint,
    is_sha256_fingerprint,
    same_fingerprint,
)


def plan_checkout_keys(keys, state, key_type=None, fingerprint=None):
    """Pure plan from the current key list (normalised keys); fingerprint as check_fingerprint returns it.

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
        plan['delete'] = [k['fingerprint'] for k in keys if same_fingerprint(k['fingerprint'], fingerprint)][:1]
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
V2_CREATE_HINT = ('CircleCI creates checkout keys for GitHub OAuth, Bitbucket Cloud and Bitbucket Data Center '
                  'projects; GitHub App and GitLab projects check out through their integration and have none')


def create_key(module, api, path, key_type, digest):
    hints = {}
    if key_type == 'github-user-key':
        hints[403] = USER_KEY_HINT
    if not module.project.v1_reachable:
        hints.update({400: V2_CREATE_HINT, 404: V2_CREATE_HINT})
    body = {'type': V2_TYPES[key_type] if api is module.client.v2 else key_type}
    answer = api.post(path, body=body, hints=hints or None, expect='object')
    if not answer.get('fingerprint'):
        shown = api.shown(path)
        raise CircleCIError('CircleCI answered POST %s without a checkout key' % shown, method='POST', path=shown)
    key = normalize_key(answer)
    if digest == 'sha256' and FINGERPRINT_RE.match(str(key['fingerprint'])):
        # The answer to a POST carries the MD5 fingerprint; the SHA-256 one follows from the public key.
        key['fingerprint'] = sha256_fingerprint(key['public_key']) or key['fingerprint']
    return key


def checked_options(module):
    """fingerprint, digest and API version, checked before any request."""
    p = module.params
    fingerprint = check_fingerprint(p['fingerprint'], sha256=True) if p['fingerprint'] is not None else None
    given = ('sha256' if is_sha256_fingerprint(fingerprint) else 'md5') if fingerprint else None
    digest = p['fingerprint_digest'] or given or 'md5'
    if given and digest != given:
        raise CircleCIError('the fingerprint given is %s but fingerprint_digest is %s: leave fingerprint_digest out, '
                            "or give the key's %s fingerprint" % (DIGEST_NAMES[given], digest, DIGEST_NAMES[digest]))
    reason = 'a SHA-256 fingerprint (fingerprint_digest: sha256)' if digest == 'sha256' else None
    version = choose_api_version(module.project, p['api_version'], 'circleci_checkout_key', v2_reason=reason)
    return fingerprint, digest, version


def run(module):
    p = module.params
    fingerprint, digest, version = checked_options(module)
    api = module.api(version)
    path = api.project(module.project, 'checkout-key')
    # Only v2 offers SHA-256 fingerprints (choose_api_version picks v2 for them).
    current = api.list_all(path, params={'digest': 'sha256'} if digest == 'sha256' else None)

    keys = [normalize_key(k) for k in current if isinstance(k, dict)]
    plan = plan_checkout_keys(keys, p['state'], p['type'], fingerprint)
    changed = bool(plan['create'] or plan['delete'])

    created = None
    if plan['create'] and not module.check_mode:
        created = create_key(module, api, path, plan['create'], digest)
    for fp in plan['delete']:
        if not module.check_mode:
            # A key deleted meanwhile is what we want anyway.
            api.delete_if_present(api.project(module.project, 'checkout-key', fp))

    result = dict(changed=changed, project=module.project_slug, api_version=version)
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
            fingerprint_digest=dict(type='str', choices=list(DIGESTS)),
            api_version=dict(type='str', default='auto', choices=list(API_VERSIONS)),
        ),
        mutually_exclusive=[('type', 'fingerprint')],
        required_if=[
            ('state', 'present', ('type',)),
            ('state', 'absent', ('type', 'fingerprint'), True),
        ],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
