#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_build
short_description: Trigger, retry or cancel a CircleCI build, and wait for its outcome
version_added: 1.0.0
description:
  - Triggers a build of a branch, revision or tag of a CircleCI project (API v1.1), retries or cancels a build,
    and optionally waits for the build to finish, failing the task unless it succeeded. This is the task a
    deployment playbook uses for "build this revision, wait, and stop if it failed".
  - With O(branch), the build is triggered with C(POST /project/.../tree/{branch}) (the branch name is
    URL-encoded, so V(feature/x) and non-ASCII names work); without, with C(POST /project/...), which builds
    the project's default branch, or the given O(revision) or O(tag).
  - A trigger is an action, not a state, so O(state=triggered) reports C(changed=true) every time, except with
    O(unless_running=true) when a matching build is already queued or running.
  - CircleCI removes the API v1.1 trigger and retry endpoints on 2027-02-01. Until then their C(Deprecation)
    and C(Sunset) response headers become one Ansible warning; afterwards they answer C(410 Gone) and the
    task fails with a message explaining the retirement. Canceling and reading builds are not affected.
author:
  - ciops maintainers (@ciops)
options:
  state:
    description:
      - V(triggered) starts a new build (of O(branch), O(revision) or O(tag), or of the default branch).
      - V(retried) retries build O(build_num) and returns the new build.
      - V(canceled) cancels build O(build_num). A build that has already finished is left alone and the task
        reports C(changed=false).
    type: str
    choices: [triggered, retried, canceled]
    default: triggered
  branch:
    description:
      - The branch to build, for example V(main) or V(feature/login). Only with O(state=triggered).
      - Without it, CircleCI builds the project's default branch, or the given O(revision) or O(tag).
      - Cannot be combined with O(tag), because CircleCI builds tags only through the project trigger.
    type: str
  revision:
    description:
      - The commit to build (full or abbreviated SHA). Only with O(state=triggered).
      - Mutually exclusive with O(tag).
    type: str
  tag:
    description:
      - The git tag to build. Only with O(state=triggered), and without O(branch).
      - Mutually exclusive with O(revision).
    type: str
  parallel:
    description:
      - Number of containers to run the build on, a positive integer. Only with O(state=triggered).
    type: int
  build_parameters:
    description:
      - Extra environment variables for the build, as a dictionary of names to B(string) values
        (quote numbers and booleans). Only with O(state=triggered).
      - CircleCI echoes them back in the build, so do not pass secrets here; use project environment
        variables (M(ciops.circleci.circleci_envvar)) instead.
    type: dict
  build_num:
    description:
      - The build to retry or cancel. Required with O(state=retried) and O(state=canceled).
    type: int
  unless_running:
    description:
      - With O(state=triggered), first look for a build that is queued, scheduled or running for the same
        O(branch) (and O(revision) or O(tag), where given). When there is one, return it instead of starting
        another, with C(changed=false), so that re-running a deployment playbook does not pile up builds.
      - The search is one request, C(GET /project/.../tree/{branch}) for the branch's 100 most recent builds
        (without O(branch), C(GET /project/...) for the project's).
      - Needs at least one of O(branch), O(revision) or O(tag) to know which builds count as the same.
    type: bool
    default: false
  wait:
    description:
      - Wait until the build's lifecycle is C(finished), then fail the task unless its outcome is in
        O(success_outcomes). Applies to O(state=triggered) (also to a build found by O(unless_running)) and
        O(state=retried); a canceled build is finished at once.
      - The task result then also has RV(waited_seconds) and RV(history).
      - A read that fails during the wait (a server error, a proxy's HTML page, an answer that is not the
        JSON expected, no answer) does not end it; it is in RV(history) and the build is read again at the
        next interval. Three failed reads in a row end the wait with the last error. A JSON 4xx answer ends
        it at once.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When they have passed and the build has not finished, the task
        fails with the last known state and the build URL. The build keeps running unless
        O(cancel_on_timeout=true).
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two reads of the build with O(wait=true), at least 1.
      - For the first minute of a wait the build is read every O(poll_interval) seconds; after that the
        interval grows by 10% per read up to 4 times O(poll_interval), so a long build costs few requests.
    type: int
    default: 5
  success_outcomes:
    description:
      - With O(wait=true), the outcomes that count as success. Any other outcome (V(failed), V(canceled),
        V(timedout), V(infrastructure_fail), ...) fails the task.
    type: list
    elements: str
    default: [success, no_tests]
  cancel_on_timeout:
    description:
      - With O(wait=true), cancel the build when O(wait_timeout) has passed before it finished.
    type: bool
    default: false
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Triggering and retrying send no request and report C(changed=true); no build is returned and nothing
        is waited for.
      - With O(unless_running=true) the list of recent builds is read, and C(changed=false) is predicted when
        a matching build is running.
      - Canceling reads the build and predicts C(changed=true) unless it has finished.
  diff_mode:
    support: partial
    details:
      - Only O(state=canceled) returns a diff (lifecycle, status and outcome before and after).
notes:
  - A build that CircleCI decides not to run (lifecycle C(not_run), for example a commit with C([ci skip]))
    ends the wait with no outcome, so a task with O(wait=true) fails.
  - CircleCI Server has no retry endpoint; O(state=retried) works against circleci.com only.
  - The wait reads one build per poll (C(GET /project/.../{build_num})); a build lasting T seconds costs about
    T / O(poll_interval) reads in its first minute and fewer afterwards.
seealso:
  - name: CircleCI API v1.1 reference
    description: The build trigger, retry and cancel endpoints.
    link: https://circleci.com/docs/api/v1/
  - module: ciops.circleci.circleci_build_info
'''

EXAMPLES = r'''
- name: Build the release revision, wait for it, and stop the deployment if it failed
  ciops.circleci.circleci_build:
    username: acme
    project: app
    branch: main
    revision: "{{ release_sha }}"
    unless_running: true
    wait: true
    wait_timeout: 1200
  register: ci

- name: Show what happened
  ansible.builtin.debug:
    msg: "Build {{ ci.build.build_num }} {{ ci.build.outcome }} after {{ ci.waited_seconds }}s: {{ ci.build.build_url }}"

- name: Trigger a build of a feature branch with extra parameters, without waiting
  ciops.circleci.circleci_build:
    username: acme
    project: app
    branch: feature/login
    parallel: 2
    build_parameters:
      DEPLOY_ENV: staging
      RUN_SLOW_TESTS: "true"

- name: Build a tag (tags are built through the project trigger, so no branch)
  ciops.circleci.circleci_build:
    username: acme
    project: app
    tag: v1.4.0
    wait: true
    success_outcomes: [success]

- name: Retry a failed build and wait for the retry
  ciops.circleci.circleci_build:
    username: acme
    project: app
    state: retried
    build_num: 1234
    wait: true
    poll_interval: 10

- name: Cancel a build (nothing happens if it has already finished)
  ciops.circleci.circleci_build:
    username: acme
    project: app
    state: canceled
    build_num: 1235

- name: Give up on a stuck build after ten minutes, and cancel it
  ciops.circleci.circleci_build:
    username: acme
    project: app
    branch: main
    wait: true
    wait_timeout: 600
    cancel_on_timeout: true
'''

RETURN = r'''
build:
  description:
    - The build that was triggered, found running (O(unless_running)), retried (the new build) or canceled,
      as CircleCI last reported it (after a wait, its final state).
    - Keys CircleCI did not send are null; C(outcome) is null until the build has finished.
    - V(null) in check mode when a build would be triggered or retried (nothing was started, so there is no build
      to name); guard the tasks that use it, for example with C(build.build is not none).
  returned: always (on failure, once the build was known)
  type: dict
  contains:
    build_num:
      description: Build number.
      type: int
      sample: 42
    build_url:
      description: The build's page on CircleCI.
      type: str
      sample: https://circleci.com/gh/acme/app/42
    username:
      description: Owner of the project.
      type: str
      sample: acme
    reponame:
      description: Repository of the project.
      type: str
      sample: app
    vcs_type:
      description: Version control system.
      type: str
      sample: github
    branch:
      description: Branch built.
      type: str
      sample: feature/login
    vcs_revision:
      description: Commit built.
      type: str
      sample: 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    vcs_tag:
      description: Tag built, if any.
      type: str
      sample: v1.4.0
    lifecycle:
      description: C(queued), C(scheduled), C(not_run), C(not_running), C(running) or C(finished).
      type: str
      sample: finished
    status:
      description: Build status, for example C(queued), C(running), C(success), C(failed), C(canceled).
      type: str
      sample: success
    outcome:
      description: C(success), C(no_tests), C(failed), C(canceled), C(timedout) or C(infrastructure_fail); null until finished.
      type: str
      sample: success
    why:
      description: Why the build ran (C(api) for a trigger, C(retry) for a retry).
      type: str
      sample: api
    queued_at:
      description: When the build was queued (ISO 8601, UTC).
      type: str
      sample: "2026-11-27T10:00:00.000Z"
    start_time:
      description: When the build started; null while queued.
      type: str
      sample: "2026-11-27T10:00:05.000Z"
    stop_time:
      description: When the build stopped; null until finished.
      type: str
      sample: "2026-11-27T10:03:05.000Z"
    build_time_millis:
      description: Run time in milliseconds; null until finished.
      type: int
      sample: 180000
    retry_of:
      description: The build this one retries, if any.
      type: int
      sample: 41
    canceled:
      description: Whether the build was canceled.
      type: bool
      sample: false
    parallel:
      description: Number of containers; null when CircleCI sent a short build summary.
      type: int
      sample: 1
    subject:
      description: First line of the commit message.
      type: str
      sample: Fix login redirect
    committer_name:
      description: Committer of the commit.
      type: str
      sample: Demo User
already_running:
  description: With O(unless_running=true), whether a matching build was already queued or running (and returned instead of a new one).
  returned: state is triggered and unless_running is true
  type: bool
  sample: false
project:
  description: The project, as C(vcs_type/username/project).
  returned: always
  type: str
  sample: github/acme/app
waited_seconds:
  description: Seconds spent waiting for the build.
  returned: after a wait (O(wait=true), not in check mode), also when the wait failed
  type: float
  sample: 183.2
history:
  description: Every change of lifecycle, status or outcome seen while waiting, oldest first.
  returned: after a wait (O(wait=true), not in check mode), also when the wait failed
  type: list
  elements: dict
  contains:
    time:
      description: When the change was seen (ISO 8601, UTC).
      type: str
      sample: "2026-11-27T10:00:05Z"
    seconds:
      description: Seconds since the wait started.
      type: float
      sample: 5.0
    lifecycle:
      description: The build's lifecycle then.
      type: str
      sample: running
    status:
      description: The build's status then.
      type: str
      sample: running
    outcome:
      description: The build's outcome then.
      type: str
      sample: null
timed_out:
  description: Whether the wait ended because O(wait_timeout) passed.
  returned: after a wait
  type: bool
  sample: false
'''

import time

from ansible_collections.ciops.circleci.plugins.module_utils._builds import (
    find_running,
    follow_build,
    is_finished,
    normalize_build,
    retired,
    trigger_body,
)
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_build_num

TRIGGER_OPTIONS = ('branch', 'revision', 'tag', 'parallel', 'build_parameters')
# The wait loop's clock and sleep, looked up at call time so that unit tests can replace them.
MONOTONIC = time.monotonic
SLEEP = time.sleep


# ---------------------------------------------------------------------------
# Pure helpers (unit-tested without HTTP)
# ---------------------------------------------------------------------------

def check_params(params):
    """Everything CircleCI or this module would refuse, before any request. Returns the trigger body."""
    state = params['state']
    if state == 'triggered':
        if params.get('build_num') is not None:
            raise CircleCIError('build_num is used only with state=retried or state=canceled')
        # An empty value (e.g. a template of an unset variable) is refused: left out, CircleCI would
        # build the default branch instead.
        for name in ('branch', 'revision', 'tag'):
            if params.get(name) is not None and not params[name]:
                raise CircleCIError('%s must not be empty' % name)
        if params.get('branch') and params.get('tag'):
            raise CircleCIError(
                'branch and tag cannot be combined: CircleCI builds a tag through the project trigger, '
                'so give tag without branch')
        if params.get('unless_running') and not (params.get('branch') or params.get('revision') or params.get('tag')):
            raise CircleCIError('unless_running needs branch, revision or tag to know which running builds count as the same')
        body = trigger_body(params.get('revision'), params.get('tag'), params.get('parallel'),
                            params.get('build_parameters'))
    else:
        given = [name for name in TRIGGER_OPTIONS if params.get(name) is not None]
        if params.get('unless_running'):
            given.append('unless_running')
        if given:
            raise CircleCIError('%s only apply to state=triggered, not state=%s' % (', '.join(given), state))
        check_build_num(params.get('build_num'))
        body = None
    if params['wait']:
        if params['wait_timeout'] is None or params['wait_timeout'] < 1:
            raise CircleCIError('wait_timeout must be at least 1 second, got %r' % (params['wait_timeout'],))
        if params['poll_interval'] is None or params['poll_interval'] < 1:
            raise CircleCIError('poll_interval must be at least 1 second, got %r' % (params['poll_interval'],))
        if not params['success_outcomes']:
            raise CircleCIError('success_outcomes must name at least one outcome, e.g. [success]')
        # The outcomes a finished v1.1 build can have: a value outside them (a typo) would wait
        # for the whole build and then fail it whatever its outcome.
        outcomes = ('success', 'no_tests', 'failed', 'canceled', 'timedout', 'infrastructure_fail')
        unknown = [o for o in params['success_outcomes'] if o not in outcomes]
        if unknown:
            raise CircleCIError('success_outcomes: %s is not a build outcome; use some of %s'
                                % (', '.join(repr(o) for o in unknown), ', '.join(outcomes)))
    return body


def plan_cancel(build):
    """(changed, predicted build) for canceling this build."""
    if is_finished(build):
        return False, build
    after = dict(build, lifecycle='finished', status='canceled', outcome='canceled', canceled=True)
    return True, after


def phase(build):
    return dict((k, build.get(k)) for k in ('lifecycle', 'status', 'outcome')) if build else {}


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

def post_or_explain(module, path, body, action):
    try:
        return module.client.v1.post(path, body=body, expect='object')
    except CircleCIError as exc:
        if exc.status == 410:
            raise retired(exc, module.params, module.project, action)
        raise


def post_cancel(module, build_num):
    return module.client.v1.post(module.project_path(str(build_num), 'cancel'))


def wait(module, build, result):
    """Wait for the build (_builds.follow_build); fail the task on a timeout or an outcome outside success_outcomes."""
    msg = follow_build(module.client, module.project, build, module.params, result,
                       cancel=lambda build_num: post_cancel(module, build_num), clock=MONOTONIC, sleep=SLEEP)
    if msg is not None:
        module.fail_json(msg=msg, **result)
    return result


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------

def trigger(module, body):
    p = module.params
    result = dict(changed=True, project=module.project_slug)
    build = None
    if p['unless_running']:
        build = normalize_build(find_running(module.client, module.project, p['branch'], p['revision'], p['tag']))
        result['already_running'] = build is not None
        if build is not None:
            result.update(changed=False, build=build)
    if build is None:
        if module.check_mode:
            # Nothing was triggered, so there is no build to name: null, never a made-up one.
            result['build'] = None
            return result
        path = module.project_path('tree', p['branch']) if p['branch'] else module.project_path()
        build = normalize_build(post_or_explain(module, path, body, 'trigger'))
        result['build'] = build
    if p['wait'] and not module.check_mode:
        wait(module, build, result)
    return result


def retry(module):
    p = module.params
    result = dict(changed=True, project=module.project_slug, build=None)
    if module.check_mode:
        return result
    build = normalize_build(post_or_explain(module, module.project_path(str(p['build_num']), 'retry'), None, 'retry'))
    result['build'] = build
    if p['wait']:
        wait(module, build, result)
    return result


def cancel(module):
    num = str(module.params['build_num'])
    before = normalize_build(module.client.v1.get(module.project_path(num)))
    changed, after = plan_cancel(before)
    result = dict(changed=changed, project=module.project_slug, build=after)
    if changed and not module.check_mode:
        answer = post_cancel(module, num)
        # CircleCI answers with the build; fall back to the prediction if it sends less.
        result['build'] = normalize_build(dict(after, **answer)) if isinstance(answer, dict) else after
    if module._diff:
        result['diff'] = dict(before=phase(before), after=phase(result['build']))
    return result


def run(module):
    body = check_params(module.params)
    state = module.params['state']
    if state == 'triggered':
        return trigger(module, body)
    if state == 'retried':
        return retry(module)
    return cancel(module)


def main():
    module = CircleCIModule(
        argument_spec=dict(
            state=dict(type='str', default='triggered', choices=['triggered', 'retried', 'canceled']),
            branch=dict(type='str'),
            revision=dict(type='str'),
            tag=dict(type='str'),
            parallel=dict(type='int'),
            build_parameters=dict(type='dict'),
            build_num=dict(type='int'),
            unless_running=dict(type='bool', default=False),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=1800),
            poll_interval=dict(type='int', default=5),
            success_outcomes=dict(type='list', elements='str', default=['success', 'no_tests']),
            cancel_on_timeout=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('revision', 'tag')],
        required_if=[('state', 'retried', ['build_num']), ('state', 'canceled', ['build_num'])],
        supports_check_mode=True,
        v1_only='circleci_build',
        v1_instead='trigger, rerun and cancel its pipelines with ciops.circleci.circleci_pipeline',
    )
    module.run(run)


if __name__ == '__main__':
    main()
