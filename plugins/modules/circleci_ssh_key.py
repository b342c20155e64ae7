#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_ssh_key
short_description: Manage the SSH keys a CircleCI project uses to reach other hosts
version_added: 1.0.0
description:
  - Adds or removes an SSH private key that the builds of a CircleCI project use to reach a host
    (for example a deployment target), as shown under Project Settings > SSH Keys.
  - CircleCI stores a key again each time it is posted, and shows stored keys only as
    C(hostname), public key and legacy MD5 fingerprint in the project settings. So the module parses the key
    locally, derives its public half and fingerprint, reads the project settings once and posts the key
    only when that C(hostname) does not already hold a key with that fingerprint.
  - Keys are checked before any request is sent. A file that cannot be read, a key protected by a
    passphrase, a public key given where the private key belongs, an unsupported key type or text that
    is not a key fails with a message that names the option (or file) and the problem, never the key.
  - Supported are RSA, ECDSA (NIST P-256, P-384, P-521) and Ed25519 private keys in PEM (PKCS#1,
    SEC1, PKCS#8) and OpenSSH formats.
author:
  - ciops maintainers (@ciops)
requirements:
  - cryptography >= 3.0 on the host that runs the module, when O(private_key) or O(private_key_path) is given
    (O(state=absent) with O(fingerprint) does not need it)
options:
  hostname:
    description:
      - The host the key is for, as CircleCI shows it in the project settings. The key is only offered
        to this host by the builds.
      - Must not be empty. CircleCI identifies a stored key by C(hostname) and fingerprint together, so
        the same key for two hosts is two entries (two tasks).
      - Compared exactly as written (no case folding).
    type: str
    required: true
  private_key:
    description:
      - The content of the private key, without a passphrase.
      - Mutually exclusive with O(private_key_path) and O(fingerprint).
      - It is sent to CircleCI only when the key is missing, and never appears in results, messages or logs.
    type: str
  private_key_path:
    description:
      - Path of a file holding the private key, read on the host that runs the module (the controller for
        C(localhost)).
      - Mutually exclusive with O(private_key) and O(fingerprint).
    type: path
  fingerprint:
    description:
      - The legacy MD5 fingerprint of the key to remove, as 16 colon-separated hex pairs
        (an C(MD5:) prefix as printed by C(ssh-keygen -E md5 -lf) is accepted).
      - Only with O(state=absent), instead of the key itself.
    type: str
  state:
    description:
      - V(present) adds the key for O(hostname) unless the project already holds it for that host.
      - V(absent) removes the key for O(hostname) when the project holds it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Reads the project settings and predicts the change; no key is posted or deleted.
  diff_mode:
    support: full
    details:
      - Before and after are the project's SSH keys, one C(hostname fingerprint) line each.
notes:
  - Requests per run are one C(GET .../settings), then at most one C(POST .../ssh-key) or one
    C(DELETE .../ssh-key). A run that finds the project as wanted sends only the C(GET).
  - CircleCI shows keys by fingerprint only, so a key is recognised by the fingerprint of its public half;
    two private keys cannot differ while their public halves match, so this comparison is exact.
  - If an earlier tool posted the same key twice, the project holds two identical entries.
    O(state=absent) sends one C(DELETE) for the C(hostname) and fingerprint; should CircleCI leave an entry
    behind, the next run removes it and reports a change again.
seealso:
  - module: ciops.circleci.circleci_checkout_key
  - name: CircleCI API v1.1 reference
    description: The ssh-key and settings endpoints.
    link: https://circleci.com/docs/api/v1/
  - name: Adding an SSH key to CircleCI
    description: What the keys are used for and how builds pick them up with C(add_ssh_keys).
    link: https://circleci.com/docs/add-ssh-key/
'''

EXAMPLES = r'''
- name: Let acme/app's builds reach the deployment host with a key from Ansible Vault
  ciops.circleci.circleci_ssh_key:
    username: acme
    project: app
    hostname: deploy.example.com
    private_key: "{{ vault_deploy_private_key }}"

- name: Add a key kept in a file on the controller
  ciops.circleci.circleci_ssh_key:
    username: acme
    project: app
    hostname: staging.example.com
    private_key_path: "{{ playbook_dir }}/files/staging_deploy_ed25519"
  delegate_to: localhost

- name: Remove a key by the fingerprint shown in the project settings
  ciops.circleci.circleci_ssh_key:
    username: acme
    project: app
    hostname: old.example.com
    fingerprint: "3c:9e:1d:52:7a:64:bb:02:19:8f:e4:30:5a:c6:71:de"
    state: absent

- name: Rotate the deployment key of a Bitbucket project, token set once for the group
  module_defaults:
    group/ciops.circleci.circleci:
      api_token: "{{ vault_circleci_token }}"
      vcs_type: bitbucket
      username: acme
      project: lib
  block:
    - name: Add the new key
      ciops.circleci.circleci_ssh_key:
        hostname: deploy.example.com
        private_key: "{{ vault_new_deploy_key }}"

    - name: Remove the old key
      ciops.circleci.circleci_ssh_key:
        hostname: deploy.example.com
        private_key: "{{ vault_old_deploy_key }}"
        state: absent
      register: removed

    - name: Show what was removed
      ansible.builtin.debug:
        msg: "{{ removed.ssh_key.fingerprint }} removed: {{ removed.changed }}"
'''

RETURN = r'''
ssh_key:
  description:
    - The key the task is about. RV(ssh_key.public_key) is the public half derived from the private key,
      or the one CircleCI showed when only a fingerprint was given.
  returned: success
  type: dict
  contains:
    hostname:
      description: The host the key is for.
      type: str
      sample: deploy.example.com
    fingerprint:
      description: Legacy MD5 fingerprint of the public key, as CircleCI shows it.
      type: str
      sample: "3c:9e:1d:52:7a:64:bb:02:19:8f:e4:30:5a:c6:71:de"
    public_key:
      description:
        - The OpenSSH public key line, without comment.
        - V(null) when O(state=absent) was given only a fingerprint that the project does not hold.
      type: str
      sample: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOq8d0mJ7vZ2cT9mQk1f3Jd6YwQ0n4bVtqkC5c9hT8sP
    type:
      description: The key type; absent when only a fingerprint was given.
      type: str
      returned: when O(private_key) or O(private_key_path) is given
      sample: ssh-ed25519
ssh_keys:
  description: The project's SSH keys after the task (predicted in check mode), as in the project settings.
  returned: success
  type: list
  elements: dict
  sample:
    - hostname: deploy.example.com
      fingerprint: "3c:9e:1d:52:7a:64:bb:02:19:8f:e4:30:5a:c6:71:de"
      public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOq8d0mJ7vZ2cT9mQk1f3Jd6YwQ0n4bVtqkC5c9hT8sP
project:
  description: The project, as C(vcs_type/username/project).
  returned: success
  type: str
  sample: github/acme/app
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_fingerprint
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._sshkey import (
    cryptography_import_error,
    load_private_key,
    normalize_fingerprint,
    read_private_key_file,
)


def check_hostname(hostname):
    if hostname is None or not hostname.strip():
        raise CircleCIError('hostname must not be empty: CircleCI identifies a key by hostname and fingerprint')
    if hostname != hostname.strip() or any(c.isspace() for c in hostname):
        raise CircleCIError('hostname must not contain spaces, got %r' % (hostname,))
    return hostname


def normalize_keys(settings):
    """The project's ssh_keys from GET .../settings as [{hostname, fingerprint, public_key}]."""
    keys = (settings or {}).get('ssh_keys') or []
    out = []
    for key in keys:
        if not isinstance(key, dict):
            continue
        public_key = key.get('public_key')
        out.append(dict(
            hostname=key.get('hostname') or '',
            fingerprint=normalize_fingerprint(key.get('fingerprint')),
            public_key=public_key.strip() if isinstance(public_key, str) else public_key,
        ))
    return out


def key_lines(keys):
    """Diff form of a key list: one 'hostname fingerprint' line per entry, in CircleCI's order."""
    return ''.join('%s %s\n' % (k['hostname'], k['fingerprint']) for k in keys)


def plan_ssh_keys(existing, state, hostname, fingerprint, public_key=None):
    """Pure: what to do for (hostname, fingerprint) given the keys the project holds.

    Returns (action, after) where action is 'add', 'delete' or None and
    after is the predicted key list.
    """
    def matches(key):
        return key['hostname'] == hostname and key['fingerprint'] == fingerprint

    present = any(matches(k) for k in existing)
    if state == 'present':
        if present:
            return None, list(existing)
        return 'add', list(existing) + [dict(hostname=hostname, fingerprint=fingerprint, public_key=public_key)]
    if not present:
        return None, list(existing)
    return 'delete', [k for k in existing if not matches(k)]


def local_key(module):
    """Read and parse the key given, before any request; None when only a fingerprint was given."""
    p = module.params
    if p['private_key'] is None and p['private_key_path'] is None:
        return None
    # cryptography is imported here, only when a key is given: not at every start of the module.
    crypto_error = cryptography_import_error()
    if crypto_error is not None:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=crypto_error)
    if p['private_key_path'] is not None:
        source = 'private_key_path %s' % p['private_key_path']
        text = read_private_key_file(p['private_key_path'])
        # Not a module parameter, so Ansible does not know to mask it: tell it.
        try:
            module.no_log_values.add(text.decode('ascii').strip())
        except UnicodeDecodeError:
            pass
    else:
        source = 'private_key'
        text = p['private_key']
    return load_private_key(text, source=source)


def run(module):
    p = module.params
    state = p['state']
    hostname = check_hostname(p['hostname'])
    key = local_key(module)
    if key is not None:
        fingerprint = key['fingerprint']
    else:
        fingerprint = check_fingerprint(normalize_fingerprint(p['fingerprint']))

    settings_path = module.project_path('settings')
    key_path = module.project_path('ssh-key')
    existing = normalize_keys(module.client.v1.get(settings_path))
    action, after = plan_ssh_keys(existing, state, hostname, fingerprint, key['public_key'] if key else None)

    if key is not None:
        ssh_key = dict(hostname=hostname, fingerprint=fingerprint, public_key=key['public_key'], type=key['type'])
    else:
        known = [k for k in existing if k['hostname'] == hostname and k['fingerprint'] == fingerprint]
        ssh_key = dict(hostname=hostname, fingerprint=fingerprint, public_key=known[0]['public_key'] if known else None)

    if action is not None and not module.check_mode:
        if action == 'add':
            module.client.v1.post(key_path, dict(hostname=hostname, private_key=key['private_key']))
        else:
            module.client.v1.delete_if_present(key_path, dict(fingerprint=fingerprint, hostname=hostname))

    result = dict(changed=action is not None, project=module.project_slug, ssh_key=ssh_key, ssh_keys=after)
    if module._diff:
        result['diff'] = dict(before=key_lines(existing), after=key_lines(after))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            hostname=dict(type='str', required=True),
            private_key=dict(type='str', no_log=True),
            private_key_path=dict(type='path', no_log=False),
            fingerprint=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('private_key', 'private_key_path', 'fingerprint')],
        required_if=[
            ('state', 'present', ('private_key', 'private_key_path'), True),
            ('state', 'absent', ('private_key', 'private_key_path', 'fingerprint'), True),
        ],
        supports_check_mode=True,
        v1_only='circleci_ssh_key',
    )
    module.run(run)


if __name__ == '__main__':
    main()
