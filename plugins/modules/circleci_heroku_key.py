#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_heroku_key
short_description: Give CircleCI the Heroku API key of the token's user
version_added: 1.0.0
description:
  - Stores a Heroku API key in the CircleCI account of the user who owns O(api_token),
    with one C(POST /user/heroku-key). CircleCI uses it to deploy to Heroku.
  - The key belongs to the user, not to a project, so the module has no project options.
  - CircleCI never shows the stored key (C(GET /me) shows at most its last four characters,
    which cannot prove that two keys are equal), so the module cannot compare it and
    B(always reports changed). Treat the task as an action, for example in a handler or
    behind a C(when) condition.
author:
  - ciops maintainers (@ciops)
options:
  apikey:
    description:
      - The Heroku API key, for example the output of C(heroku auth:token).
      - Never logged, never returned, never part of an error message.
      - Checked before any request, it must be a single token without spaces.
    type: str
    required: true
  state:
    description:
      - V(present) stores O(apikey). CircleCI's API cannot remove a Heroku key.
    type: str
    choices: [present]
    default: present
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - In check mode no request is sent and the task reports C(changed=true).
  diff_mode:
    support: none
    details:
      - The stored key cannot be read, so there is nothing to show.
notes:
  - Not idempotent by nature. The API cannot show the stored key, so every run sends the key
    again and reports C(changed=true).
  - Needs a personal API token. CircleCI answers 403 when it rejects the Heroku key;
    the module then fails without repeating the key.
  - "Request count: one C(POST /user/heroku-key) per run; none in check mode."
seealso:
  - name: CircleCI API v1.1 reference
    description: The heroku-key endpoint.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Give CircleCI the deploy user's Heroku key
  ciops.circleci.circleci_heroku_key:
    api_token: "{{ vault_circleci_personal_token }}"
    apikey: "{{ vault_heroku_api_key }}"

- name: Store the Heroku key only when it was rotated
  ciops.circleci.circleci_heroku_key:
    apikey: "{{ new_heroku_key }}"
  when: heroku_key_rotated | default(false)

- name: Against CircleCI Server
  ciops.circleci.circleci_heroku_key:
    api_url: https://circleci.internal.example.com/api/v1.1
    api_token: "{{ vault_circleci_personal_token }}"
    apikey: "{{ vault_heroku_api_key }}"
'''

RETURN = r'''
sent:
  description:
    - Whether the key was sent to CircleCI (C(POST /user/heroku-key)) and accepted; V(false) in check mode.
    - The key itself is never returned.
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def check_heroku_api_key(apikey):
    """A Heroku API key is one token: never empty, no whitespace. The key is never echoed."""
    if not isinstance(apikey, str) or not apikey or any(c.isspace() for c in apikey):
        raise CircleCIError(
            'Invalid apikey: a Heroku API key is a single non-empty token without spaces '
            '(as printed by heroku auth:token)')
    return apikey


PATH = '/user/heroku-key'
HINT_403 = ('CircleCI rejected the Heroku API key (check apikey, e.g. heroku auth:token) '
            'or the token is not a personal API token')


def run(module):
    apikey = check_heroku_api_key(module.params['apikey'])
    result = dict(changed=True, sent=False)
    if module.check_mode:
        return result
    # Any 2xx, with or without a body, is success: CircleCI answers 200 with an empty body, and the
    # v1 Swagger description documents no success answer at all. The client keeps the
    # key out of any error, even one where CircleCI quotes it.
    module.client.v1.post(PATH, body={'apikey': apikey}, hints={403: HINT_403})
    result['sent'] = True
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            apikey=dict(type='str', required=True, no_log=True),
            state=dict(type='str', default='present', choices=['present']),
        ),
        project=False,
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
