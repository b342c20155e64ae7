#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_runner_token
short_description: Manage the tokens of a CircleCI self-hosted runner resource class, by nickname
version_added: 1.1.0
description:
  - Creates or deletes the tokens a self-hosted runner of a resource class authenticates with (the
    C(api.auth_token) of the machine runner's configuration). A token is found by its O(nickname), for
    example the host it is for.
  - B(CircleCI shows a token's value once), in its answer to the request that creates it, and never again. This
    module returns it as RV(token) in that run only; every later run (and check mode) returns no value. Store it
    from the run that created it (for example in the runner's configuration or a vault), and run that task with
    C(no_log) set to V(true) so that Ansible's own output does not show the registered result.
  - Uses CircleCI's runner API on O(runner_url) (C(/api/v3)). Every run reads the tokens of the class once
    (C(GET /api/v3/runner/token?resource-class=...)); then one C(POST /api/v3/runner/token) to create a token, or
    one C(DELETE /api/v3/runner/token/{id}) per token of the nickname.
  - A create whose outcome is unknown (the connection broke after the request was sent, or a gateway answered
    502 or 504) is never repeated, since a repeat would make a second token; the task fails and says so.
  - These management routes are not in CircleCI's published API reference; CircleCI's own Terraform provider
    uses them.
author:
  - ciops maintainers (@ciops)
options:
  resource_class:
    description:
      - The resource class, C(<namespace>/<name>) in lower-case letters, digits, C(-) and C(_), checked before any
        request (see M(ciops.circleci.circleci_runner_resource_class)). It must exist.
    type: str
    required: true
  nickname:
    description:
      - The token's nickname within the class, printable text on one line.
      - With O(state=present) a token is created only when the class has no token of this nickname.
    type: str
    required: true
  state:
    description:
      - V(present) creates a token of O(nickname) when there is none; V(absent) deletes every token of O(nickname)
        (a runner using one is cut off).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the tokens and sends no mutating request; it never returns a token value.
  diff_mode:
    support: full
    details:
      - The diff shows the tokens of O(nickname) (ids and dates), before and after; never a value.
seealso:
  - module: ciops.circleci.circleci_runner_resource_class
  - module: ciops.circleci.circleci_runner_info
'''

EXAMPLES = r'''
- name: A token for each runner host (the value comes back in the run that creates it only)
  ciops.circleci.circleci_runner_token:
    resource_class: acme/linux-gpu
    nickname: "{{ inventory_hostname }}"
  delegate_to: localhost
  register: runner_token
  no_log: true

- name: Keep the new token (runner_token.token is null once the token exists)
  ansible.builtin.copy:
    content: "{{ runner_token.token }}"
    dest: /etc/circleci-runner/token
    owner: root
    mode: "0600"
  when: runner_token.token is not none
  no_log: true

- name: Delete the tokens of a retired host
  ciops.circleci.circleci_runner_token:
    resource_class: acme/linux-gpu
    nickname: gpu-07
    state: absent
'''

RETURN = r'''
token:
  description:
    - The new token's value, in the run that created it; V(null) in every other run and in check mode.
    - CircleCI never shows it again. Register the result with C(no_log) on the task.
  returned: always
  type: str
  sample: null
tokens:
  description: The tokens of O(nickname) after the task (never their values).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The token's id.
      type: str
      sample: 7c1e0b2a-3d4f-4a5b-8c6d-9e0f1a2b3c4d
    nickname:
      description: Its nickname.
      type: str
      sample: gpu-01
    resource_class:
      description: Its resource class.
      type: str
      sample: acme/linux-gpu
    created_at:
      description: When it was created (V(null) for one check mode would create).
      type: str
      sample: "2026-12-01T10:00:00.000Z"
'''

from ansible_collections.ciops.circleci.plugins.module_utils import _runner
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

TOKEN_PATH = '/runner/token'


def normalise(record):
    """A token record without its value: what may be shown."""
    return dict(id=field(record, 'id'), nickname=field(record, 'nickname'),
                resource_class=field(record, 'resource_class'), created_at=field(record, 'created_at'))


def plan_token(tokens, nickname, state):
    """('create', []) / ('delete', [tokens of the nickname]) / (None, [])."""
    mine = [t for t in tokens if t['nickname'] == nickname]
    if state == 'present':
        return (None, []) if mine else ('create', [])
    return ('delete', mine) if mine else (None, [])


def create(runner, resource_class, nickname):
    """POST the token: (record, value). The value is read from the answer and nowhere else shown."""
    try:
        answer = runner.post(TOKEN_PATH, dict(resource_class=resource_class, nickname=nickname), expect='object')
    except CircleCIError as exc:
        if exc.outcome_unknown:
            raise CircleCIError(
                '%s. It is not sent again: a repeat would make a second token. If CircleCI made the token, its value '
                'can never be shown again: delete the tokens of nickname %r (state: absent) and run the task again'
                % (exc.message.rstrip('.'), nickname),
                status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message,
                outcome_unknown=True, html=exc.html)
        raise
    value = field(answer, 'token')
    if not isinstance(value, str) or not value:
        # Never the answer itself in the message: it may hold the value in another field.
        raise CircleCIError('CircleCI answered POST /api/v3/runner/token without the token value: the token may exist '
                            'without a value anyone can read; delete the tokens of nickname %r and run the task again'
                            % nickname, method='POST', path='/api/v3/runner/token')
    return normalise(answer), value


def run(module):
    params = module.params
    name = _runner.check_resource_class(params['resource_class'])
    nickname = _runner.check_nickname(params['nickname'])
    runner = module.client.runner
    tokens = [normalise(t) for t in runner.tokens(name)]
    action, targets = plan_token(tokens, nickname, params['state'])
    before = [t for t in tokens if t['nickname'] == nickname]
    after = before
    value = None
    if action == 'create':
        after = [dict(id=None, nickname=nickname, resource_class=name, created_at=None)]
        if not module.check_mode:
            # No request follows the create, so no later message can carry the value. It is not added to
            # Ansible's no_log values: exit_json would mask it in the very result that must return it.
            record, value = create(runner, name, nickname)
            after = [record]
    elif action == 'delete':
        after = []
        if not module.check_mode:
            for token in targets:
                runner.delete_if_present(runner.path('runner', 'token', token['id']))
    result = dict(changed=action is not None, token=value, tokens=after)
    if module._diff:
        result['diff'] = dict(before=dict(tokens=before), after=dict(tokens=after))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            resource_class=dict(type='str', required=True),
            nickname=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        project=False,
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
