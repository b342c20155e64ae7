#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_webhook
short_description: Manage an outbound webhook of a CircleCI project
version_added: 1.1.0
description:
  - Creates, updates or deletes an outbound webhook of a CircleCI project. CircleCI posts a signed
    C(workflow-completed) or C(job-completed) event to the webhook's URL when a workflow or a job of the
    project finishes; the event source C(ciops.circleci.webhook) of this collection receives them for
    Event-Driven Ansible.
  - The webhook is named by O(name), which is unique within the project here; the module finds the webhook
    by its name.
  - Uses CircleCI API v2. Every run reads the project's id (C(GET /api/v2/project/{slug})) and the project's
    webhooks once (C(GET /api/v2/webhook?scope-id=...&scope-type=project)); then one C(POST /api/v2/webhook),
    C(PUT /api/v2/webhook/{id}) or C(DELETE /api/v2/webhook/{id}) when something is to change.
  - Input is checked before any request is sent, the URL included (CircleCI delivers to C(https://) URLs only).
  - Managing webhooks needs the personal API token of an organization admin.
author:
  - ciops maintainers (@ciops)
options:
  name:
    description:
      - The name of the webhook, unique within the project (the module's identity of a webhook).
    type: str
    required: true
  url:
    description:
      - Where CircleCI posts the events. An C(https://) URL with a host; any other is refused before any request.
      - Required when O(state=present).
    type: str
  events:
    description:
      - The events CircleCI sends to the webhook. Compared as a set (order and repeats do not matter).
      - Required when O(state=present).
    type: list
    elements: str
    choices: [workflow-completed, job-completed]
  verify_tls:
    description:
      - Whether CircleCI verifies the TLS certificate of O(url) when it delivers.
    type: bool
    default: true
  signing_secret:
    description:
      - The secret CircleCI signs every delivery with (the C(circleci-signature) header, an HMAC-SHA256 of the
        body). The receiver checks the signature with the same secret.
      - A non-empty string. Never returned, logged or shown in a diff.
      - When left out, a new webhook gets no secret, and the secret of an existing webhook is left as it is.
      - CircleCI never shows a secret. It shows only whether a webhook has one, so what is compared is that;
        see O(update_secret).
    type: raw
  update_secret:
    description:
      - When the secret of an existing webhook is written. Only with O(signing_secret).
      - A new webhook gets O(signing_secret) whatever this option says. So does an existing webhook that
        CircleCI shows without a secret (C("")), which can be seen, and is written once.
    type: str
    choices:
      never: Leave the secret of a webhook that has one (CircleCI shows C(****)) as it is. A new value of
        O(signing_secret) for such a webhook cannot be seen through the API and is NOT written; use
        V(always) once to rotate it.
      always: Write O(signing_secret) on every run (one C(PUT)), so the task always reports a change.
    default: never
  state:
    description:
      - Whether the webhook should exist. With V(absent), every webhook of the project with that O(name) is deleted.
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
      - Check mode reads what a real run reads and sends no mutating request. A webhook that would be created
        has a V(null) id and dates.
  diff_mode:
    support: full
    details:
      - The diff shows the webhook's name, URL, events, O(verify_tls), and whether it has a signing secret,
        before and after. Never the secret, so a rewrite with O(update_secret=always) shows no difference
        although it is reported as a change.
notes:
  - "What can be compared: the name, the URL, the set of events and O(verify_tls), as CircleCI lists them,
    and whether the webhook has a signing secret (CircleCI shows C(****) for one and C(\"\") for none).
    What cannot: the secret itself. A changed O(signing_secret) is written only with O(update_secret=always)."
  - CircleCI allows at most 5 webhooks per project. A task that would add a sixth fails before the C(POST),
    naming the five.
  - CircleCI's reference spells the body keys C(verify-tls) and C(signing-secret); CircleCI is reported to read
    only C(verify_tls) and C(signing_secret), and to ignore the other spelling, so that a webhook created with
    C(signing-secret) gets no secret. The module sends both spellings (CircleCI ignores keys it does not know),
    and reads either. When CircleCI still shows no secret for a webhook that O(signing_secret) is given for,
    the module warns and returns RV(secret_unset=true).
  - A second run with the same options reads twice and sends no mutating request, unless
    O(update_secret=always).
seealso:
  - module: ciops.circleci.circleci_webhook_info
  - name: The event source ciops.circleci.webhook
    description: Receives the deliveries in Event-Driven Ansible and checks their signatures.
    link: https://github.com/ciops/circleci/blob/main/docs/webhooks.md
  - name: CircleCI webhooks
    description: CircleCI's documentation of outbound webhooks and their payloads.
    link: https://circleci.com/docs/webhooks/
'''

EXAMPLES = r'''
- name: Send every finished workflow of acme/app to the Event-Driven Ansible listener
  ciops.circleci.circleci_webhook:
    project_slug: gh/acme/app
    name: eda-listener
    url: https://eda.example.com/circleci
    events: [workflow-completed]
    signing_secret: "{{ vault_webhook_signing_secret }}"
  register: hook

- name: Rotate the signing secret (CircleCI cannot show it, so it is written on purpose)
  ciops.circleci.circleci_webhook:
    project_slug: gh/acme/app
    name: eda-listener
    url: https://eda.example.com/circleci
    events: [workflow-completed]
    signing_secret: "{{ vault_new_webhook_signing_secret }}"
    update_secret: always

- name: Remove the webhook
  ciops.circleci.circleci_webhook:
    project_slug: gh/acme/app
    name: eda-listener
    state: absent
'''

RETURN = r'''
webhook:
  description:
    - The webhook after the run (in check mode, as it would be). V(null) with O(state=absent).
    - Never the signing secret; RV(webhook.signing_secret_set) says whether CircleCI shows one.
  returned: always
  type: dict
  contains:
    id:
      description: The webhook's id; V(null) in check mode for a webhook that would be created.
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
      description: The events it receives, in CircleCI's order.
      type: list
      elements: str
      sample: [workflow-completed]
    verify_tls:
      description: Whether CircleCI verifies the TLS certificate of the URL.
      type: bool
      sample: true
    signing_secret_set:
      description:
        - Whether CircleCI shows a signing secret for the webhook (C(****)), as V(true); V(false) when it shows
          C(""); V(null) when the answer shows neither.
      type: bool
      sample: true
    scope:
      description: The project the webhook belongs to, as C(id) (the project's UUID) and C(type) (V(project)).
      type: dict
      sample: {id: 67899bff-f2d0-43c4-a0ea-f019e733cb62, type: project}
    created_at:
      description: When the webhook was created; V(null) in check mode for a webhook that would be created.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
    updated_at:
      description: When the webhook was last changed.
      type: str
      sample: "2026-12-01T10:00:00.000Z"
changes:
  description:
    - The fields written to an existing webhook (or that would be written in check mode), among C(url),
      C(events), C(verify_tls) and C(signing_secret); empty when the webhook was created, deleted or left alone.
  returned: when O(state=present)
  type: list
  elements: str
  sample: [url, signing_secret]
deleted:
  description: The webhooks deleted (or that would be deleted in check mode), in the shape of RV(webhook).
  returned: when O(state=absent)
  type: list
  elements: dict
  sample: []
secret_unset:
  description:
    - V(true) when O(signing_secret) is given but CircleCI shows the webhook without a secret (C("")), as it
      last showed it (the answer to this task's write, or in check mode the list), so its deliveries are not
      signed. The task warns too.
  returned: when O(state=present)
  type: bool
  sample: false
project_id:
  description: The project's UUID, the webhook's scope.
  returned: always
  type: str
  sample: 67899bff-f2d0-43c4-a0ea-f019e733cb62
'''

from urllib.parse import urlsplit

from ansible_collections.ciops.circleci.plugins.module_utils import _webhooks as hooks
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import spellings
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule

UPDATE_SECRET = ('never', 'always')


def check_url(url):
    """An https:// URL with a host: CircleCI delivers to https:// URLs only."""
    message = 'url must be an https:// URL with a host (CircleCI delivers only over HTTPS), got %r' % (url,)
    if not isinstance(url, str) or not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise CircleCIError(message)
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() == 'https' and bool(parts.hostname)
        parts.port  # pylint: disable=pointless-statement  # ValueError for a port out of range or not a number
    except ValueError:
        valid = False
    if not valid:
        raise CircleCIError(message)
    return url


def check_events(events):
    """The events, each once, in the order given; at least one."""
    if not events:
        raise CircleCIError('events must name at least one of %s' % ', '.join(hooks.EVENTS))
    return list(dict.fromkeys(events))


def check_secret(secret):
    if secret is None:
        return None
    if not isinstance(secret, str):
        raise CircleCIError('signing_secret must be a string; quote it (the value is not shown)')
    if not secret:
        raise CircleCIError('signing_secret is empty: give the secret, or leave signing_secret out for a webhook '
                            'without one')
    return secret


def checked_input(params):
    """What the task asks for, checked before any request."""
    desired = dict(state=params['state'], name=hooks.check_webhook_name(params['name']))
    if params['state'] == 'absent':
        return desired
    # url and events are there: required_if of main().
    desired.update(url=check_url(params['url']), events=check_events(params['events']),
                   verify_tls=params['verify_tls'], secret=check_secret(params['signing_secret']))
    return desired


def _differs(current, desired):
    """The compared fields (url, events as a set, verify_tls) in which the webhook differs from the task."""
    changes = []
    if current['url'] != desired['url']:
        changes.append('url')
    if set(current['events']) != set(desired['events']):
        changes.append('events')
    # An answer that does not show verify_tls cannot be compared on it.
    if current['verify_tls'] is not None and current['verify_tls'] != desired['verify_tls']:
        changes.append('verify_tls')
    return changes


def _writes_secret(current, desired, update_secret):
    """Whether the secret of an existing webhook is written: CircleCI shows only whether it has one."""
    if desired['secret'] is None:
        return False
    return update_secret == 'always' or current['signing_secret_set'] is False


def plan_webhook(webhooks, desired, update_secret='never'):
    """The plan for the project's webhooks (as _webhooks.list_webhooks reads them) and the task:
    {action: 'create' | 'update' | 'delete' | None, current: the webhook of that name or None,
    matching: every webhook of that name, changes: the fields to write to an existing webhook}.
    Pure: check mode and the real run share it."""
    matching = [w for w in webhooks if w['name'] == desired['name']]
    plan = dict(action=None, current=matching[0] if matching else None, matching=matching, changes=[])
    if desired['state'] == 'absent':
        plan['action'] = 'delete' if matching else None
        return plan
    if len(matching) > 1:
        raise CircleCIError(
            'the project has %d webhooks named %r (ids %s); this module names a webhook by its name: delete them '
            'with state=absent, or rename all but one in CircleCI' % (
                len(matching), desired['name'], ', '.join(str(w['id']) for w in matching)))
    if not matching:
        if len(webhooks) >= hooks.MAX_PER_PROJECT:
            raise CircleCIError(
                'the project has %d webhooks already (%s); CircleCI allows at most %d per project: delete one '
                '(state=absent) before adding %r' % (
                    len(webhooks), ', '.join(repr(w['name']) for w in webhooks), hooks.MAX_PER_PROJECT,
                    desired['name']))
        plan['action'] = 'create'
        return plan
    changes = _differs(plan['current'], desired)
    if _writes_secret(plan['current'], desired, update_secret):
        changes.append('signing_secret')
    plan.update(action='update' if changes else None, changes=changes)
    return plan


def request_body(desired, with_secret):
    """The body of a POST or PUT. CircleCI's reference spells verify-tls and signing-secret, while CircleCI is
    reported to read only verify_tls and signing_secret and to ignore unknown keys (a webhook created with
    signing-secret alone got no secret): both spellings are sent, so that either reading gets them. Every
    compared field is sent on a PUT too, which is right whether CircleCI changes only the fields a PUT gives
    or replaces them all."""
    body = dict(name=desired['name'], events=desired['events'], url=desired['url'])
    body.update((key, desired['verify_tls']) for key in spellings('verify_tls'))
    if with_secret:
        body.update((key, desired['secret'] or '') for key in spellings('signing_secret'))
    return body


def predicted(desired, current, project_id, changes):
    """The webhook as a run without check mode would leave it (no id or dates for a new one)."""
    if current is None:
        return dict(id=None, name=desired['name'], url=desired['url'], events=list(desired['events']),
                    verify_tls=desired['verify_tls'], signing_secret_set=desired['secret'] is not None,
                    scope=dict(id=project_id, type='project'), created_at=None, updated_at=None)
    after = dict(current, url=desired['url'], events=list(desired['events']) if 'events' in changes else current['events'])
    if current['verify_tls'] is not None:
        after['verify_tls'] = desired['verify_tls']
    if 'signing_secret' in changes:
        after['signing_secret_set'] = True
    return after


def diff_side(webhook):
    if webhook is None:
        return {}
    return dict(name=webhook['name'], url=webhook['url'], events=sorted(webhook['events']),
                verify_tls=webhook['verify_tls'], signing_secret_set=webhook['signing_secret_set'])


def written(answer, method, path):
    """The webhook CircleCI answered a write with."""
    webhook = hooks.normalize_webhook(answer)
    if not isinstance(webhook['id'], str) or not webhook['id']:
        raise CircleCIError('CircleCI answered %s /api/v2%s without the webhook id' % (method, path),
                            method=method, path='/api/v2' + path)
    return webhook


def ensure_absent(module, client, plan, project_id):
    if not module.check_mode:
        for webhook in plan['matching']:
            # A webhook deleted by someone else meanwhile is gone either way.
            client.v2.delete_if_present(hooks.webhook_path(webhook['id']), hints=hooks.HINTS)
    result = dict(changed=bool(plan['matching']), webhook=None, deleted=plan['matching'], project_id=project_id)
    if module._diff:
        before = [diff_side(w) for w in plan['matching']]
        result['diff'] = dict(before=before[0] if len(before) == 1 else dict(webhooks=before) if before else {},
                              after={})
    return result


def _secret_unset_warning(module, desired, wrote):
    if wrote:
        module.warn('CircleCI shows no signing secret for the webhook %r although this task sent one (as '
                    'signing_secret and signing-secret): its deliveries are not signed. Set the secret in the '
                    'CircleCI web app (Project Settings > Webhooks).'
                    % desired['name'])
    else:
        module.warn('CircleCI shows no signing secret for the webhook %r although signing_secret is given: its '
                    'deliveries are not signed (as happens to a webhook created with the key spelt signing-secret '
                    'alone). A run without check mode writes the secret.' % desired['name'])


def ensure_present(module, client, plan, desired, project_id):
    current = plan['current']
    after = shown = current
    wrote = False
    if plan['action'] == 'create':
        after = predicted(desired, None, project_id, [])
        if not module.check_mode:
            body = request_body(desired, with_secret=True)
            body['scope'] = dict(id=project_id, type='project')
            after = shown = written(client.v2.post(hooks.webhook_path(), body=body, expect='object', hints=hooks.HINTS),
                                    'POST', hooks.webhook_path())
            wrote = True
    elif plan['action'] == 'update':
        after = predicted(desired, current, project_id, plan['changes'])
        if not module.check_mode:
            path = hooks.webhook_path(current['id'])
            body = request_body(desired, with_secret='signing_secret' in plan['changes'])
            after = shown = written(client.v2.put(path, body=body, expect='object', hints=hooks.HINTS), 'PUT', path)
            wrote = True
    secret_unset = desired['secret'] is not None and shown is not None and shown['signing_secret_set'] is False
    if secret_unset:
        _secret_unset_warning(module, desired, wrote)
    result = dict(changed=plan['action'] is not None, webhook=after, changes=plan['changes'],
                  secret_unset=secret_unset, project_id=project_id)
    if module._diff:
        result['diff'] = dict(before=diff_side(current), after=diff_side(after))
    return result


def run(module):
    desired = checked_input(module.params)
    client = module.client
    project_id = client.v2.project_id(module.project)
    plan = plan_webhook(hooks.list_webhooks(client, project_id), desired, module.params['update_secret'])
    if desired['state'] == 'absent':
        return ensure_absent(module, client, plan, project_id)
    return ensure_present(module, client, plan, desired, project_id)


def main():
    module = CircleCIModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            url=dict(type='str'),
            events=dict(type='list', elements='str', choices=list(hooks.EVENTS)),
            verify_tls=dict(type='bool', default=True),
            signing_secret=dict(type='raw', no_log=True),
            update_secret=dict(type='str', default='never', choices=list(UPDATE_SECRET)),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ('url', 'events'))],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
