#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_project_settings
short_description: Set the advanced settings of a CircleCI project
version_added: 1.1.0
description:
  - Sets the advanced settings of a CircleCI project, those of Project Settings > Advanced in the web app,
    such as whether pull requests from forks are built and whether they see the project's secrets.
  - Each setting is an option. A setting left out (V(null)) is left as it is. A task with no setting only reads
    them and returns them.
  - Uses CircleCI API v2 (C(GET|PATCH /api/v2/project/{provider}/{org}/{project}/settings), which CircleCI
    marks experimental). Every run reads the settings once; then one C(PATCH) that carries only the settings
    that differ, and only when one does.
  - What is returned is what CircleCI answered the C(PATCH) with, not what was asked for. CircleCI may answer
    a C(PATCH) in full without having applied O(oss=true); a setting that CircleCI's answer does not show as
    asked fails the task, naming it (see RV(refused)).
  - Works on circleci.com and CircleCI Server 4.8 and newer. An older Server has no such endpoint; the task
    then fails in one line after its first request, a C(GET), and sends nothing else.
  - Changing these settings needs the personal API token of a project admin.
author:
  - ciops maintainers (@ciops)
options:
  autocancel_builds:
    description:
      - Cancel the running pipelines of a branch when a newer commit of that branch is pushed (the default
        branch excepted).
    type: bool
  build_fork_prs:
    description:
      - Build pull requests that come from forks of the repository.
    type: bool
  build_prs_only:
    description:
      - Build only branches that have an open pull request, and the branches of O(pr_only_branch_overrides).
    type: bool
  disable_ssh:
    description:
      - Refuse re-runs of jobs with SSH.
    type: bool
  forks_receive_secret_env_vars:
    description:
      - Give builds of pull requests from forks the project's environment variables, SSH keys and contexts.
        Anyone who can open a pull request can then read them; a security review expects V(false).
    type: bool
  oss:
    description:
      - Free and open source. The project's builds are shown to everyone, and the organisation's plan may give
        them more credits.
      - CircleCI may refuse V(true) silently (the repository is private, or the plan does not allow it). The task
        then fails, naming C(oss).
    type: bool
  set_github_status:
    description:
      - Report the status of each pipeline to the repository's commits and pull requests (GitHub checks or
        statuses).
    type: bool
  setup_workflows:
    description:
      - Allow setup workflows (dynamic configuration).
    type: bool
  write_settings_requires_admin:
    description:
      - Only admins of the project may change its settings.
    type: bool
  pr_only_branch_overrides:
    description:
      - The branches that are built even without a pull request when O(build_prs_only=true).
      - Compared as a set (order and repeats do not matter); sent without repeats, in the order given.
        An empty list removes every override.
      - Each is a branch name as git allows it (no spaces, C(~), C(^), C(:), C([), backslashes or C(..)), checked before
        any request.
    type: list
    elements: str
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the settings and sends no C(PATCH); RV(settings) is what the C(PATCH) would ask for.
        Whether CircleCI would refuse O(oss=true) cannot be known without sending it.
  diff_mode:
    support: full
    details:
      - The diff shows the settings that change, before and after.
notes:
  - A second run with the same options sends one C(GET) and nothing else, and reports no change.
  - An option given as V(null) (or left out) is not compared and not sent.
seealso:
  - module: ciops.circleci.circleci_project
  - module: ciops.circleci.circleci_project_info
  - name: The project settings guide
    description: Which settings keep secrets away from forks, and how to set them as code.
    link: https://github.com/ciops/circleci/blob/main/docs/project-settings.md
  - name: CircleCI project settings
    description: CircleCI's documentation of the advanced settings.
    link: https://circleci.com/docs/settings/
'''

EXAMPLES = r'''
- name: No secrets for pull requests from forks
  ciops.circleci.circleci_project_settings:
    project_slug: gh/acme/app
    build_fork_prs: true
    forks_receive_secret_env_vars: false

- name: Build pull requests only, plus main and the release branches
  ciops.circleci.circleci_project_settings:
    project_slug: gh/acme/app
    build_prs_only: true
    pr_only_branch_overrides: [main, release]
    autocancel_builds: true

- name: Read the settings (no option given sends one GET)
  ciops.circleci.circleci_project_settings:
    project_slug: gh/acme/app
  register: settings
'''

RETURN = r'''
settings:
  description:
    - The project's advanced settings after the run, as CircleCI answered the C(PATCH) (or the C(GET) when nothing
      was to change). In check mode, the settings read with the changes asked for applied.
    - A setting CircleCI's answer does not show is V(null).
  returned: always, and on a refused setting
  type: dict
  contains:
    autocancel_builds:
      description: Whether redundant pipelines of a branch are cancelled.
      type: bool
      sample: false
    build_fork_prs:
      description: Whether pull requests from forks are built.
      type: bool
      sample: true
    build_prs_only:
      description: Whether only branches with a pull request are built.
      type: bool
      sample: false
    disable_ssh:
      description: Whether re-runs with SSH are refused.
      type: bool
      sample: false
    forks_receive_secret_env_vars:
      description: Whether builds of pull requests from forks see the project's secrets.
      type: bool
      sample: false
    oss:
      description: Whether the project is free and open source.
      type: bool
      sample: false
    set_github_status:
      description: Whether pipeline statuses are reported to the repository.
      type: bool
      sample: true
    setup_workflows:
      description: Whether setup workflows are allowed.
      type: bool
      sample: false
    write_settings_requires_admin:
      description: Whether only admins may change the settings.
      type: bool
      sample: false
    pr_only_branch_overrides:
      description: The branches built without a pull request, in CircleCI's order.
      type: list
      elements: str
      sample: [main]
changes:
  description: The settings that differed and were sent (or would be sent in check mode), in the order of RV(settings).
  returned: always
  type: list
  elements: str
  sample: [build_fork_prs, forks_receive_secret_env_vars]
refused:
  description:
    - The settings CircleCI's answer to the C(PATCH) does not show as asked (for example C(oss)); the task fails.
  returned: when a setting was refused
  type: list
  elements: str
  sample: [oss]
project:
  description: The project, in the form C(github/acme/app) or C(circleci/<org-uuid>/<project-uuid>).
  returned: always
  type: str
  sample: github/acme/app
'''

import re

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
# The one rule for "this CircleCI has no such endpoint" (an HTML 404, a 405, a bare JSON "not found"):
# circleci_pipeline's pipeline/run fallback uses it too.
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import endpoint_missing

BOOL_SETTINGS = ('autocancel_builds', 'build_fork_prs', 'build_prs_only', 'disable_ssh',
                 'forks_receive_secret_env_vars', 'oss', 'set_github_status', 'setup_workflows',
                 'write_settings_requires_admin')
LIST_SETTINGS = ('pr_only_branch_overrides',)
# The keys of {"advanced": {...}} in the reference's spelling (snake_case), read in either spelling.
SETTINGS = BOOL_SETTINGS + LIST_SETTINGS


# What git refuses in a branch name (git check-ref-format): whitespace, control characters, ~ ^ : [ \ and '..'.
# '*' and '?' are left to CircleCI, in case it reads patterns.
_NOT_IN_BRANCH = re.compile(r'[\s\x00-\x1f\x7f~^:\[\\]|\.\.')


def check_overrides(branches):
    """Branch names, as git allows them; each once, in the order given."""
    if branches is None:
        return None
    for branch in branches:
        if not isinstance(branch, str) or not branch or _NOT_IN_BRANCH.search(branch):
            raise CircleCIError('pr_only_branch_overrides must be a list of branch names, got %r' % (branch,))
    return list(dict.fromkeys(branches))


def checked_input(params):
    """The settings the task asks for (those not None), checked before any request."""
    desired = dict((key, params[key]) for key in BOOL_SETTINGS if params[key] is not None)
    overrides = check_overrides(params['pr_only_branch_overrides'])
    if overrides is not None:
        desired['pr_only_branch_overrides'] = overrides
    return desired


def same(key, current, wanted):
    """Whether CircleCI's value of a setting is the one asked for (branch overrides as a set)."""
    if key in LIST_SETTINGS:
        return isinstance(current, list) and set(current) == set(wanted)
    return current is wanted


def read_settings(answer, method, path):
    """{setting: value} from {"advanced": {...}}: every key of SETTINGS, None where the answer has none."""
    advanced = field(answer, 'advanced')
    if not isinstance(advanced, dict):
        raise CircleCIError('CircleCI answered %s %s without the advanced settings ({"advanced": {...}})'
                            % (method, path), method=method, path=path)
    return pick(advanced, SETTINGS)


def plan_project_settings(current, desired):
    """{changes: the settings that differ, in SETTINGS order; body: the PATCH body, or None}. Pure:
    check mode and the real run share it."""
    changes = [key for key in SETTINGS if key in desired and not same(key, current.get(key), desired[key])]
    body = dict(advanced=dict((key, desired[key]) for key in changes)) if changes else None
    return dict(changes=changes, body=body)


def no_settings_endpoint(client, exc):
    """The one line for a CircleCI without the endpoint: CircleCI Server before 4.8 answers an HTML 404."""
    return CircleCIError(
        'CircleCI at %s has no project settings endpoint (it answered %s%s to %s %s): project settings need '
        'circleci.com or CircleCI Server 4.8 or newer' % (
            client.root, exc.status, ' (an HTML page)' if exc.html else '', exc.method, exc.path),
        status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message, html=exc.html)


def refused_message(project, path, refused, desired, after):
    shown = ', '.join('%s=%s (asked %s)' % (key, _text(after.get(key)), _text(desired[key])) for key in refused)
    return ('CircleCI did not apply %s to %s: its answer to PATCH %s shows %s; CircleCI may refuse a setting '
            'without an error (oss: a private repository, or a plan without it)' % (
                ', '.join(refused), project, path, shown))


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if value is None:
        return 'nothing'
    return '[%s]' % ', '.join(value) if isinstance(value, list) else str(value)


def run(module):
    desired = checked_input(module.params)
    client = module.client
    path = client.v2.project(module.project, 'settings')
    shown = client.v2.shown(path)
    try:
        answer = client.v2.get(path, expect='object')
    except CircleCIError as exc:
        if endpoint_missing(exc):
            raise no_settings_endpoint(client, exc)
        raise
    before = read_settings(answer, 'GET', shown)
    plan = plan_project_settings(before, desired)
    after = before
    refused = []
    if plan['body'] is not None:
        if module.check_mode:
            after = dict(before, **plan['body']['advanced'])
        else:
            after = read_settings(client.v2.patch(path, body=plan['body'], expect='object'), 'PATCH', shown)
            refused = [key for key in plan['changes'] if not same(key, after.get(key), desired[key])]
    changed = any(before[key] != after[key] for key in SETTINGS) or (module.check_mode and bool(plan['changes']))
    result = dict(changed=changed, settings=after, changes=plan['changes'], project=module.project_slug)
    if module._diff:
        result['diff'] = dict(before=dict((key, before[key]) for key in plan['changes']),
                              after=dict((key, after[key]) for key in plan['changes']))
    if refused:
        module.fail_json(msg=refused_message(module.project_slug, shown, refused, desired, after), refused=refused,
                         **result)
    return result


def main():
    spec = dict((key, dict(type='bool')) for key in BOOL_SETTINGS)
    spec['pr_only_branch_overrides'] = dict(type='list', elements='str')
    module = CircleCIModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
