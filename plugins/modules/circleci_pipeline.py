#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_pipeline
short_description: Trigger, wait for, approve, rerun and cancel CircleCI pipelines (API v2)
version_added: 1.0.0
description:
  - Triggers a pipeline of a CircleCI project through API v2, optionally waits until every one of its workflows
    has finished and fails the task unless all of them succeeded. This is the task a deployment playbook uses for
    "build this branch, wait, and stop if anything is red". It replaces M(ciops.circleci.circleci_build), whose
    API v1.1 endpoints CircleCI removes on 2027-02-01.
  - Also approves a pending approval job (O(state=approved)), reruns the failed workflows of a pipeline
    (O(state=rerun)) and cancels its unfinished workflows (O(state=canceled)).
  - Works with GitHub OAuth and Bitbucket Cloud projects (C(gh/acme/app), C(bb/acme/lib)) and with GitHub App,
    GitLab and Bitbucket Data Center projects (C(circleci/<org-uuid>/<project-uuid>)); CircleCI cannot trigger
    GitLab projects through its API.
  - A trigger is an action, not a state, so O(state=triggered) reports C(changed=true) every time a pipeline is
    created, except with O(unless_running=true) when an unfinished pipeline of the same branch or tag exists.
author:
  - ciops maintainers (@ciops)
options:
  state:
    description:
      - What to do. Every state but V(triggered) acts on the pipeline O(pipeline_id) or O(pipeline_number).
    type: str
    choices:
      triggered: Start a new pipeline.
      approved: Approve the pending approval job O(approval_job). An approval already given reports C(changed=false).
      rerun: Rerun every failed workflow (from its failed jobs with O(from_failed=true)). When nothing failed,
        C(changed=false) and no request is sent.
      canceled: Cancel every unfinished workflow. When all have finished, C(changed=false) and no request is sent.
    default: triggered
  branch:
    description:
      - The branch whose configuration is read and, unless O(checkout_branch) or O(checkout_tag) says otherwise,
        checked out. Only with O(state=triggered).
      - Without O(branch) and O(tag) CircleCI uses the project's default branch.
    type: str
  tag:
    description:
      - The git tag whose configuration is read and, unless O(checkout_branch) or O(checkout_tag) says otherwise,
        checked out. Only with O(state=triggered). Mutually exclusive with O(branch).
    type: str
  checkout_branch:
    description:
      - Check out this branch instead of the one the configuration comes from (C(pipeline/run) only).
    type: str
  checkout_tag:
    description:
      - Check out this tag instead of the ref the configuration comes from (C(pipeline/run) only).
    type: str
  definition_id:
    description:
      - The pipeline definition to run (a UUID, from Project Settings > Pipelines). GitHub OAuth and Bitbucket
        Cloud projects have one implicit definition and need none.
      - C(pipeline/run) only.
    type: str
  parameters:
    description:
      - Pipeline parameters, as a dictionary of names to strings, booleans or integers. They must be declared in
        the project's configuration, or the pipeline errors.
      - At most 100 entries, names of up to 128 characters and string values of up to 512 characters; checked
        before any request. They are not secret; CircleCI shows them in the web app.
    type: dict
  trigger_endpoint:
    description:
      - The API v2 endpoint that triggers the pipeline (with O(state=triggered)).
    type: str
    choices:
      auto: Use V(run), and fall back to V(classic) only when CircleCI has no C(pipeline/run) endpoint
        (an HTML 404 or a 405), never on a 404 about the project.
      run: Trigger with C(POST /api/v2/project/{provider}/{org}/{project}/pipeline/run), which every
        project type supports on circleci.com and CircleCI Server 4.8 and newer.
      classic: Trigger with the older C(POST /api/v2/project/{slug}/pipeline), the only trigger of CircleCI
        Server 4.7; GitHub OAuth and Bitbucket Cloud projects only, and without O(checkout_branch),
        O(checkout_tag) or O(definition_id).
    default: auto
  allow_skipped:
    description:
      - CircleCI creates no pipeline when the commit carries a skip marker (C([ci skip])) and answers with a
        message. The task then fails, because a deployment that expected a build must not go on silently,
        unless O(allow_skipped=true), which returns RV(created=false) and the message.
    type: bool
    default: false
  unless_running:
    description:
      - With O(state=triggered), first look for an unfinished pipeline of the same O(branch) or O(tag). When
        there is one, return it with C(changed=false) instead of starting another, so that re-running a
        deployment playbook does not pile up pipelines. With O(wait=true) the wait follows that pipeline.
      - It reads the first page of the branch's pipelines (C(GET /project/{slug}/pipeline?branch=)), newest first,
        and the workflows of each until one is found unfinished or finished. A pipeline is unfinished while it
        is being set up, while one of its workflows is running, queued or on hold, or while it has no workflow
        yet and is younger than O(first_workflow_timeout).
      - Needs O(branch) or O(tag).
    type: bool
    default: false
  pipeline_id:
    description:
      - The pipeline to approve, rerun or cancel (its id, a UUID; RV(pipeline.id) of an earlier task).
      - With O(state=approved), O(state=rerun) or O(state=canceled) give O(pipeline_id) or O(pipeline_number).
      - When the project is given too, the pipeline must belong to it.
    type: str
  pipeline_number:
    description:
      - The pipeline to approve, rerun or cancel, by its number in the project (the number in its web URL).
        Needs the project.
    type: int
  approval_job:
    description:
      - With O(state=approved), the name of the approval job to approve, for example V(hold-for-prod). Every
        workflow of the pipeline where that job waits for approval is approved.
    type: str
  from_failed:
    description:
      - With O(state=rerun), rerun each failed workflow from its failed jobs (V(true)) or from the start (V(false)).
    type: bool
    default: true
  wait:
    description:
      - Follow the pipeline until its outcome is known, then fail the task unless every workflow's status is in
        O(success_statuses). Applies to O(state=triggered), O(state=approved) and O(state=rerun) (which follows
        the new workflows); not in check mode.
      - The pipeline is read until its state settles; C(errored) fails the task with the pipeline's errors.
        Then its workflows are read, every page, until each has finished (and the pipeline again while it has no
        workflow yet, because it may still turn C(errored) once its configuration has compiled).
      - A workflow waiting for an approval (C(on_hold)) has not finished; see O(stop_on_hold).
      - A pipeline with no workflow is not finished. If none appears within O(first_workflow_timeout) (for example
        when the configuration's filters match nothing), the task fails with "no workflow ran for this pipeline".
      - The task fails as soon as one workflow has finished red and every other one has finished or waits for
        an approval.
      - A read that fails during the wait does not end it, because a read can always be sent again. This covers a
        5xx answer (after the client's own O(retries)), an HTML page or a body that is not the JSON expected (from
        a proxy, say), and no answer at all. The read is recorded in RV(history) (C(what=poll), C(status=failed))
        and the wait goes on at the next poll. The task fails when 3 reads in a row have failed, naming the last
        error, or when O(wait_timeout) has passed, whichever comes first. The reads after the wait (the jobs of each
        workflow) are tried again in the same way, O(poll_interval) seconds apart.
      - A JSON 4xx answer to a read (401, 403, 404, ...) does not change by waiting, so it fails the task at once.
        A 429 makes the next poll come later (see O(poll_interval)). No write (approve, rerun, cancel) is ever
        sent twice.
      - The result then also has RV(history), RV(waited_seconds), RV(timed_out) and RV(on_hold).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When they have passed first, the task fails with the last known
        statuses; the workflows keep running unless O(cancel_on_timeout=true).
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two reads with O(wait=true), at least 1. Each read is one request (the pipeline, or the
        list of its workflows when it fits on one page).
      - The first minute polls every O(poll_interval) seconds; then the interval grows by 10% per read up to
        4 times O(poll_interval). A read answered 429 after the client's own retries (which honour
        C(Retry-After)) doubles the next interval.
    type: int
    default: 5
  first_workflow_timeout:
    description:
      - With O(wait=true), seconds to wait for the first workflow once the pipeline is created (or for the
        workflows that follow a setup workflow of dynamic configuration), at least 1.
    type: int
    default: 60
  success_statuses:
    description:
      - With O(wait=true), the workflow statuses that count as success. Any other finished status (V(failed),
        V(error), V(canceled), V(not_run), V(unauthorized)) fails the task.
    type: list
    elements: str
    default: [success]
  stop_on_hold:
    description:
      - With O(wait=true), return as soon as every unfinished workflow waits for an approval, so that the next task
        can approve it (O(state=approved)). RV(on_hold) names them. Needs O(wait=true).
    type: bool
    default: false
  cancel_on_timeout:
    description:
      - With O(wait=true), cancel the unfinished workflows when O(wait_timeout) has passed. Needs O(wait=true).
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
      - No C(POST) is sent. A trigger predicts C(changed=true) (with O(unless_running=true) the pipelines are
        read and C(changed=false) is predicted when one is unfinished); approve, rerun and cancel read the
        pipeline and predict exactly. RV(msg) says what would happen. Nothing is waited for.
  diff_mode:
    support: partial
    details:
      - O(state=approved), O(state=rerun) and O(state=canceled) return the statuses before and after.
notes:
  - The project is needed to trigger and with O(pipeline_number); with O(pipeline_id) it may be left out.
  - A C(POST) whose outcome is unknown (the connection dropped after it was sent) is never repeated; the task
    fails with C(outcome_unknown=true) so that nobody triggers a second pipeline by accident.
  - After a rerun CircleCI lists the old and the new run of a workflow under one name; the newest run counts.
  - A wait on a pipeline of N workflows costs one request per poll (two while the pipeline has no workflow yet, one
    more per extra page of workflows), and at the end N more to read their jobs and, after a trigger, one to read
    the pipeline's branch and revision.
seealso:
  - module: ciops.circleci.circleci_pipeline_info
  - plugin: ciops.circleci.circleci_pipelines
    plugin_type: lookup
  - plugin: ciops.circleci.circleci_artifacts
    plugin_type: lookup
  - module: ciops.circleci.circleci_build
    description: The API v1.1 build trigger this module replaces.
  - name: CircleCI API v2 reference
    description: The pipeline, workflow and job endpoints.
    link: https://circleci.com/docs/api/v2/
'''

EXAMPLES = r'''
- name: Build the release branch with parameters, wait, and stop the deployment if a workflow is red
  ciops.circleci.circleci_pipeline:
    project_slug: gh/acme/app
    branch: release/2.4
    parameters:
      deploy_env: production
      run_migrations: true
      replicas: 3
    wait: true
    stop_on_hold: true
    wait_timeout: 1800
  register: ci

- name: Approve the production hold and wait for the rest of the pipeline
  ciops.circleci.circleci_pipeline:
    project_slug: gh/acme/app
    state: approved
    pipeline_id: "{{ ci.pipeline.id }}"
    approval_job: hold-for-prod
    wait: true
  when: ci.pipeline is not none and ci.on_hold | length > 0   # check mode triggers nothing

- name: Trigger a tag of a GitHub App project, unless a pipeline of it is already running
  ciops.circleci.circleci_pipeline:
    project_slug: circleci/9a3c1f0e-2b7d-4c55-8e11-0f6b2d9c7a41/5d7f2e8a-61b4-4f0c-9d3e-7a2b1c0e9f58
    tag: v2.4.0
    unless_running: true

- name: Rerun what failed in pipeline 1234 and wait for it
  ciops.circleci.circleci_pipeline:
    project_slug: gh/acme/app
    state: rerun
    pipeline_number: 1234
    wait: true

- name: Cancel whatever still runs in a pipeline
  ciops.circleci.circleci_pipeline:
    project_slug: gh/acme/app
    state: canceled
    pipeline_id: "{{ ci.pipeline.id }}"
  when: ci.pipeline is not none

- name: CircleCI Server 4.7 has only the older trigger endpoint
  ciops.circleci.circleci_pipeline:
    api_url: https://circleci.example.com
    project_slug: gh/acme/app
    branch: main
    trigger_endpoint: classic
    wait: true
'''

RETURN = r'''
project:
  description: The project, in the form C(github/acme/app) or C(circleci/<org-uuid>/<project-uuid>).
  returned: when the project is known
  type: str
  sample: github/acme/app
created:
  description:
    - With O(state=triggered), whether CircleCI created a pipeline; V(false) when the commit carries a skip
      marker (see O(allow_skipped)), or in check mode.
  returned: with O(state=triggered), unless O(unless_running) found a pipeline
  type: bool
  sample: true
message:
  description: CircleCI's message when it created no pipeline.
  returned: when RV(created=false) outside check mode
  type: str
  sample: Pipeline not created because the commit message contains a skip marker
endpoint:
  description: The trigger endpoint used, V(run) (C(pipeline/run)) or V(classic) (C(/pipeline)).
  returned: when a trigger was sent
  type: str
  sample: run
already_running:
  description: With O(unless_running=true), whether an unfinished pipeline of the branch or tag was found.
  returned: with O(unless_running=true)
  type: bool
  sample: false
msg:
  description: What was done, or in check mode what would be done.
  returned: always
  type: str
  sample: Triggered pipeline 43 of github/acme/app (branch main) through pipeline/run
pipeline:
  description: The pipeline, as CircleCI last reported it (after a wait, its final state).
  returned: when a pipeline was created, found or named; V(null) for a trigger in check mode (nothing was started)
  type: dict
  contains:
    id:
      description: The pipeline's id.
      type: str
      sample: 5034460f-c7c4-4c43-9457-de07e2029e7b
    number:
      description: The pipeline's number in the project.
      type: int
      sample: 43
    state:
      description: V(created), V(errored), V(setup-pending), V(setup) or V(pending).
      type: str
      sample: created
    created_at:
      description: When CircleCI created it (ISO 8601, UTC).
      type: str
      sample: "2026-11-27T10:00:00.000Z"
    updated_at:
      description: When CircleCI last changed it; null in a trigger's answer.
      type: str
      sample: "2026-11-27T10:00:02.000Z"
    url:
      description: The pipeline's page in the CircleCI web app.
      type: str
      sample: https://app.circleci.com/pipelines/github/acme/app/43
    project_slug:
      description: The project, in the form of RV(project).
      type: str
      sample: github/acme/app
    branch:
      description: The branch built (null for a tag, and in a trigger's answer).
      type: str
      sample: main
    tag:
      description: The tag built, or null.
      type: str
      sample: null
    revision:
      description: The commit built (null in a trigger's answer).
      type: str
      sample: 6b1c0a6b4f0e1d3c2b1a09f8e7d6c5b4a3928170
    errors:
      description: The pipeline's errors (C(type), C(message)), for example an undeclared parameter.
      type: list
      elements: dict
      sample: []
workflows:
  description:
    - The pipeline's workflows, the newest run of each name, in CircleCI's order, as last read; after a wait their
      final state, otherwise as read before an approval, rerun or cancel (diff mode shows the change).
  returned: after a wait, and with O(state=approved), O(state=rerun), O(state=canceled)
  type: list
  elements: dict
  contains:
    id:
      description: The workflow's id.
      type: str
      sample: fda08377-fe7e-46b1-8992-3a7aaecac9c3
    name:
      description: The workflow's name in the configuration.
      type: str
      sample: build-and-deploy
    status:
      description:
        - V(success), V(failed), V(error), V(canceled), V(unauthorized), V(not_run) (finished) or V(running),
          V(failing), V(on_hold), V(queued) (not finished).
      type: str
      sample: success
    url:
      description: The workflow's page in the CircleCI web app.
      type: str
      sample: https://app.circleci.com/pipelines/github/acme/app/43/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3
    created_at:
      description: When it started.
      type: str
      sample: "2026-11-27T10:00:01.000Z"
    stopped_at:
      description: When it finished, or null.
      type: str
      sample: "2026-11-27T10:04:41.000Z"
    tag:
      description: V(setup) for the setup workflow of dynamic configuration, else null.
      type: str
      sample: null
    pipeline_id:
      description: The pipeline it belongs to.
      type: str
      sample: 5034460f-c7c4-4c43-9457-de07e2029e7b
    jobs:
      description: The workflow's jobs.
      returned: after a wait, and with O(state=approved)
      type: list
      elements: dict
      contains:
        name:
          description: The job's name.
          type: str
          sample: build
        job_number:
          description: The job's number, which is also its API v1.1 C(build_num); null for approval jobs.
          type: int
          sample: 1207
        status:
          description: The job's status, for example V(success), V(failed), V(running), V(on_hold), V(blocked).
          type: str
          sample: success
        type:
          description: V(build) or V(approval).
          type: str
          sample: build
        id:
          description: The job's id.
          type: str
          sample: 3a8b4b8e-0f73-4b61-9d0b-2f4cbe0d2a11
        started_at:
          description: When it started, or null.
          type: str
          sample: "2026-11-27T10:00:02.000Z"
        stopped_at:
          description: When it stopped, or null.
          type: str
          sample: "2026-11-27T10:02:40.000Z"
        approval_request_id:
          description: For an approval job, the id its approval is given with.
          type: str
          sample: null
approved:
  description: With O(state=approved), the approvals given (or, in check mode, to give).
  returned: with O(state=approved)
  type: list
  elements: dict
  sample: [{"workflow": "deploy", "workflow_id": "fda08377-fe7e-46b1-8992-3a7aaecac9c3", "job": "hold-for-prod"}]
rerun:
  description:
    - With O(state=rerun), the workflows rerun, each with C(name), C(workflow_id) (the failed run) and
      C(new_workflow_id) (the new run; null in check mode).
    - CircleCI names the new run in its answer (its C(workflow_id)). Older CircleCI answered only the message
      C(Accepted.). Then the new run is the newest workflow of that name in the pipeline. With O(wait=true) the
      wait goes on until a run other than the failed one is listed, and C(new_workflow_id) is that run. Without a
      wait, C(new_workflow_id) stays null.
  returned: with O(state=rerun)
  type: list
  elements: dict
  sample: [{"name": "test", "workflow_id": "fda08377-fe7e-46b1-8992-3a7aaecac9c3", "new_workflow_id": "0e8d1c4a-5d22-4f0b-a1f6-7bd9e2c3a650"}]
canceled:
  description: With O(state=canceled) or O(cancel_on_timeout=true), the workflows canceled (C(name), C(id)).
  returned: with O(state=canceled), or after a timeout with O(cancel_on_timeout=true)
  type: list
  elements: dict
  sample: [{"name": "deploy", "id": "fda08377-fe7e-46b1-8992-3a7aaecac9c3"}]
on_hold:
  description: After a wait, the names of the workflows that wait for an approval (empty when none does).
  returned: after a wait
  type: list
  elements: str
  sample: [deploy]
timed_out:
  description: After a wait, whether O(wait_timeout) passed before the outcome was known.
  returned: after a wait
  type: bool
  sample: false
waited_seconds:
  description: After a wait, how long it took.
  returned: after a wait
  type: float
  sample: 283.4
history:
  description:
    - After a wait, every change of the pipeline's state and of a workflow's status, and every read that failed
      (see O(wait)), oldest first.
  returned: after a wait
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
    what:
      description: What changed, V(pipeline) or V(workflow); V(poll) for a read that failed.
      type: str
      sample: workflow
    name:
      description: The workflow's name; null for the pipeline and for a failed read.
      type: str
      sample: build
    id:
      description: The pipeline's or the workflow's id (the pipeline's for a failed read).
      type: str
      sample: fda08377-fe7e-46b1-8992-3a7aaecac9c3
    status:
      description: The pipeline's new state or the workflow's new status; V(failed) for a failed read.
      type: str
      sample: running
    error:
      description: For a failed read, what went wrong, as the task's message would say it.
      returned: for a failed read (what is V(poll))
      type: str
      sample: >-
        CircleCI answered 500 Internal Server Error for GET /api/v2/pipeline/5034460f-c7c4-4c43-9457-de07e2029e7b/workflow:
        a CircleCI server error; try again later
'''

import time

from ansible_collections.ciops.circleci.plugins.module_utils import _v2
from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int, check_uuid
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_reader import PipelineReader
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_wait import follow
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import (
    approval_jobs,
    capital,
    check_parameters,
    check_success_statuses,
    classic_body,
    describe_ref,
    endpoint_missing,
    normalize_pipeline,
    plan_approve,
    plan_cancel,
    plan_rerun,
    run_body,
)
from ansible_collections.ciops.circleci.plugins.module_utils._polling import utc_now

TRIGGER_OPTIONS = ('branch', 'tag', 'checkout_branch', 'checkout_tag', 'definition_id', 'parameters')
CLASSIC_REFUSES = ('checkout_branch', 'checkout_tag', 'definition_id')
# The wait loop's clocks and sleep, looked up at call time so that unit tests can replace them.
MONOTONIC = time.monotonic
SLEEP = time.sleep
NOW = utc_now


# ---------------------------------------------------------------------------
# Input (pure): everything CircleCI or this module would refuse, before any request
# ---------------------------------------------------------------------------

def given_options(params, names):
    """The options of names that were given a value."""
    return [n for n in names if params.get(n) not in (None, '')]


def check_params(params, project):
    """Refuse bad input; return the trigger bodies {'run': ..., 'classic': ... or None} for state=triggered."""
    state = params['state']
    for name in TRIGGER_OPTIONS + ('pipeline_id', 'approval_job'):
        if params.get(name) == '':
            raise CircleCIError('%s must not be empty' % name)
    plan = None
    if state == 'triggered':
        wrong = given_options(params, ('pipeline_id', 'pipeline_number', 'approval_job'))
        if wrong:
            raise CircleCIError('%s only apply to state=approved, rerun or canceled, not state=triggered' % ', '.join(wrong))
        if project is None:
            raise CircleCIError('Name the project to trigger with project_slug (e.g. gh/acme/app), or with username and project')
        if params['unless_running'] and not (params.get('branch') or params.get('tag')):
            raise CircleCIError('unless_running needs branch or tag to know which pipelines count as the same')
        parameters = check_parameters(params.get('parameters'))
        definition_id = check_uuid('definition_id', params['definition_id']) if params.get('definition_id') else None
        plan = {
            'run': run_body(params.get('branch'), params.get('tag'), params.get('checkout_branch'),
                            params.get('checkout_tag'), definition_id, parameters),
            'classic': None,
            'classic_refused': None,
        }
        refused = given_options(params, CLASSIC_REFUSES)
        if refused:
            plan['classic_refused'] = '%s cannot be sent through it' % ', '.join(refused)
        elif not project.v1_reachable:
            plan['classic_refused'] = 'it serves only GitHub OAuth and Bitbucket Cloud projects, not %s' % project.slug
        else:
            plan['classic'] = classic_body(params.get('branch'), params.get('tag'), parameters)
        if params['trigger_endpoint'] == 'classic' and plan['classic'] is None:
            raise CircleCIError('trigger_endpoint=classic uses POST /api/v2/project/{slug}/pipeline, and %s'
                                % plan['classic_refused'])
    else:
        wrong = given_options(params, TRIGGER_OPTIONS)
        if params['unless_running']:
            wrong.append('unless_running')
        if params.get('approval_job') and state != 'approved':
            wrong.append('approval_job')
        if wrong:
            raise CircleCIError('%s do not apply to state=%s' % (', '.join(wrong), state))
        if params.get('pipeline_id'):
            check_uuid('pipeline_id', params['pipeline_id'])
        elif params.get('pipeline_number') is not None:
            check_positive_int('pipeline_number', params['pipeline_number'])
            if project is None:
                raise CircleCIError('pipeline_number is a number within a project: name the project too '
                                    '(project_slug, or username and project), or give pipeline_id')
        else:
            raise CircleCIError('state=%s needs pipeline_id or pipeline_number' % state)
        if state == 'canceled' and params['wait']:
            raise CircleCIError('wait does not apply to state=canceled: a canceled workflow is finished')
    if params['wait']:
        for name in ('wait_timeout', 'poll_interval', 'first_workflow_timeout'):
            if params[name] is None or params[name] < 1:
                raise CircleCIError('%s must be at least 1 second, got %r' % (name, params[name]))
        check_success_statuses(params['success_statuses'])
    else:
        wrong = [n for n in ('stop_on_hold', 'cancel_on_timeout') if params[n]]
        if wrong:
            raise CircleCIError('%s only apply with wait=true' % ', '.join(wrong))
    return plan


def fail(module, msg, result):
    """fail_json with the result so far (its msg replaced)."""
    module.fail_json(msg=msg, **dict((k, v) for k, v in result.items() if k != 'msg'))


# ---------------------------------------------------------------------------
# Writes, and the wait after them
# ---------------------------------------------------------------------------

def post_trigger(module, plan):
    """(answer, endpoint): pipeline/run, or the classic endpoint where pipeline/run is missing (auto)."""
    client = module.client
    endpoint = module.params['trigger_endpoint']
    if endpoint in ('auto', 'run'):
        try:
            return client.v2.post(client.v2.pipeline_run(module.project), body=plan['run'], expect='object'), 'run'
        except CircleCIError as exc:
            if endpoint == 'run' or not endpoint_missing(exc):
                raise
            if plan['classic'] is None:
                raise CircleCIError(
                    'CircleCI at %s has no pipeline/run endpoint (it answered %s to %s %s: CircleCI Server 4.7?), and '
                    'the older POST /api/v2/project/{slug}/pipeline cannot be used instead: %s'
                    % (client.root, exc.status, exc.method, exc.path, plan['classic_refused']),
                    status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message)
    answer = client.v2.post(client.v2.project(module.project, 'pipeline'), body=plan['classic'], expect='object')
    return answer, 'classic'


def cancel_workflows(module, workflows):
    for workflow in workflows:
        module.client.v2.post(_v2.path('workflow', workflow['id'], 'cancel'))
    return [{'name': w['name'], 'id': w['id']} for w in workflows]


def wait(module, reader, result, pipeline, workflows=None, expect_ids=(), replaced=(), released=()):
    """Follow the pipeline (_pipeline_wait.follow); fail the task unless every workflow is green or on hold."""
    msg = follow(reader, module.params, result, pipeline, workflows, expect_ids=expect_ids, replaced=replaced,
                 released=released, cancel=lambda unfinished: cancel_workflows(module, unfinished),
                 clock=MONOTONIC, sleep=SLEEP, now=NOW)
    if msg is not None:
        fail(module, msg, result)


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------

def trigger(module, plan):
    p = module.params
    reader = PipelineReader(module.client, module.project)
    result = dict(changed=True, project=reader.slug)
    ref = describe_ref(p)
    if p['unless_running']:
        pipeline, workflows = reader.unfinished(p['branch'], p['tag'], p['first_workflow_timeout'], NOW)
        result['already_running'] = pipeline is not None
        if pipeline is not None:
            result.update(changed=False, pipeline=pipeline,
                          msg='Pipeline %s of %s (%s) has not finished: not triggering another'
                          % (pipeline['number'], reader.slug, ref))
            if workflows is not None:
                result['workflows'] = workflows
            if p['wait'] and not module.check_mode:
                wait(module, reader, result, pipeline, workflows)
            return result
    if module.check_mode:
        # Nothing was triggered, so there is no pipeline to name: null, as circleci_build's build.
        result.update(created=False, pipeline=None, workflows=[], msg='Would trigger a pipeline of %s (%s)' % (reader.slug, ref))
        return result
    answer, endpoint = post_trigger(module, plan)
    result['endpoint'] = endpoint
    if not answer.get('id'):
        message = answer.get('message') or 'CircleCI created no pipeline and gave no reason'
        result.update(changed=False, created=False, message=message)
        text = 'CircleCI created no pipeline of %s (%s): %s' % (reader.slug, ref, message)
        if not p['allow_skipped']:
            fail(module, text + ' (set allow_skipped to accept this)', result)
        result['msg'] = text
        return result
    pipeline = normalize_pipeline(answer, reader.web, reader.slug)
    result.update(created=True, pipeline=pipeline,
                  msg='Triggered pipeline %s of %s (%s) through %s' % (
                      pipeline.get('number'), reader.slug, ref, 'pipeline/run' if endpoint == 'run' else '/pipeline'))
    if p['wait']:
        wait(module, reader, result, pipeline)
    return result


def phases(workflows):
    return dict((w['name'], w['status']) for w in workflows)


def named(module):
    """(reader, pipeline, its current workflows): the pipeline that approve, rerun and cancel act on."""
    reader = PipelineReader(module.client, module.project)
    pipeline = reader.named_pipeline(module.params.get('pipeline_id'), module.params.get('pipeline_number'))
    return reader, pipeline, reader.current_workflows(pipeline)


def approve(module):
    p = module.params
    reader, pipeline, workflows = named(module)
    workflows = reader.with_jobs(workflows)
    result = dict(changed=False, project=pipeline.get('project_slug') or reader.slug, pipeline=pipeline,
                  workflows=workflows, approved=[])
    name = 'pipeline %s of %s' % (pipeline.get('number'), result['project'])
    pending, approved, other = plan_approve(workflows, p['approval_job'])
    if not (pending or approved or other):
        jobs = approval_jobs(workflows)
        raise CircleCIError('%s has no approval job named %s (%s)' % (
            capital(name), p['approval_job'],
            'its approval jobs: %s' % ', '.join(jobs) if jobs else 'it has no approval job at all'
            if workflows else 'it has no workflow yet'))
    if not pending and not approved:
        details = ', '.join('%s in workflow %s is %s' % (job['name'], w['name'], job.get('status')) for w, job in other)
        hint = ' (it waits for the jobs before it: wait for the hold first, with wait and stop_on_hold)' \
            if any(job.get('status') == 'blocked' for dummy, job in other) else ''
        raise CircleCIError('Nothing to approve in %s: %s%s' % (name, details, hint))
    result['approved'] = [{'workflow': w['name'], 'workflow_id': w['id'], 'job': job['name']} for w, job in pending]
    if module._diff:
        names = ['%s/%s' % (w['name'], j['name']) for w, j in pending + approved]
        result['diff'] = dict(before=dict(zip(names, [j['status'] for w, j in pending + approved])),
                              after=dict((n, 'success') for n in names))
    if not pending:
        result['msg'] = '%s of %s is already approved' % (p['approval_job'], name)
        return result
    result['changed'] = True
    if module.check_mode:
        result['msg'] = 'Would approve %s in %s' % (', '.join(a['workflow'] for a in result['approved']), name)
        return result
    for workflow, job in pending:
        request_id = job.get('approval_request_id') or job.get('id')
        module.client.v2.post(_v2.path('workflow', workflow['id'], 'approve', request_id))
    result['msg'] = 'Approved %s in %s' % (', '.join(
        '%s of workflow %s' % (a['job'], a['workflow']) for a in result['approved']), name)
    if p['wait']:
        before = [dict((k, v) for k, v in w.items() if k != 'jobs') for w in workflows]
        wait(module, reader, result, pipeline, before, released=[w['id'] for w, dummy in pending])
    return result


def rerun(module):
    p = module.params
    reader, pipeline, workflows = named(module)
    result = dict(changed=False, project=pipeline.get('project_slug') or reader.slug, pipeline=pipeline,
                  workflows=workflows, rerun=[])
    name = 'pipeline %s of %s' % (pipeline.get('number'), result['project'])
    to_rerun, busy = plan_rerun(workflows)
    if busy:
        raise CircleCIError(
            'Cannot rerun %s yet: %s still running with a failed job (failing); CircleCI reruns a workflow '
            'once it has finished' % (name, ', '.join(w['name'] for w in busy)))
    result['rerun'] = [{'name': w['name'], 'workflow_id': w['id'], 'new_workflow_id': None} for w in to_rerun]
    if module._diff:
        result['diff'] = dict(before=phases(workflows),
                              after=dict(phases(workflows), **dict((w['name'], 'queued') for w in to_rerun)))
    if not to_rerun:
        result['msg'] = 'No workflow of %s failed: nothing to rerun' % name
        if p['wait'] and not module.check_mode:
            wait(module, reader, result, pipeline, workflows)
        return result
    result['changed'] = True
    if module.check_mode:
        result['msg'] = 'Would rerun %s of %s' % (', '.join(w['name'] for w in to_rerun), name)
        return result
    body = {'from_failed': True} if p['from_failed'] else {}
    for entry in result['rerun']:
        answer = module.client.v2.post(_v2.path('workflow', entry['workflow_id'], 'rerun'), body=body,
                                       expect='object')
        # Today's reference answers {"workflow_id": <the new run>}; recorded 2020 traffic answered
        # {"message": "Accepted."} without it. Then the new run is the newest workflow of that name in the
        # pipeline: the wait goes on until one that is not the failed run is listed (replaced).
        entry['new_workflow_id'] = field(answer, 'workflow_id')
    result['msg'] = 'Reran %s of %s%s' % (', '.join(w['name'] for w in to_rerun), name,
                                          ' from failed' if p['from_failed'] else '')
    if p['wait']:
        new_ids = [e['new_workflow_id'] for e in result['rerun'] if e['new_workflow_id']]
        replaced = [e['workflow_id'] for e in result['rerun'] if not e['new_workflow_id']]
        wait(module, reader, result, pipeline, expect_ids=new_ids, replaced=replaced)
    return result


def cancel(module):
    reader, pipeline, workflows = named(module)
    to_cancel, after = plan_cancel(workflows)
    result = dict(changed=bool(to_cancel), project=pipeline.get('project_slug') or reader.slug, pipeline=pipeline,
                  workflows=workflows, canceled=[{'name': w['name'], 'id': w['id']} for w in to_cancel])
    name = 'pipeline %s of %s' % (pipeline.get('number'), result['project'])
    if module._diff:
        result['diff'] = dict(before=phases(workflows), after=phases(after))
    if not to_cancel:
        result['msg'] = 'Every workflow of %s has finished: nothing to cancel' % name
    elif module.check_mode:
        result['msg'] = 'Would cancel %s of %s' % (', '.join(w['name'] for w in to_cancel), name)
    else:
        cancel_workflows(module, to_cancel)
        result['msg'] = 'Canceled %s of %s' % (', '.join(w['name'] for w in to_cancel), name)
    return result


def run(module):
    plan = check_params(module.params, module.project)
    state = module.params['state']
    if state == 'triggered':
        return trigger(module, plan)
    if state == 'approved':
        return approve(module)
    if state == 'rerun':
        return rerun(module)
    return cancel(module)


def main():
    module = CircleCIModule(
        argument_spec=dict(
            state=dict(type='str', default='triggered', choices=['triggered', 'approved', 'rerun', 'canceled']),
            branch=dict(type='str'),
            tag=dict(type='str'),
            checkout_branch=dict(type='str'),
            checkout_tag=dict(type='str'),
            definition_id=dict(type='str'),
            parameters=dict(type='dict'),
            trigger_endpoint=dict(type='str', default='auto', choices=['auto', 'run', 'classic']),
            allow_skipped=dict(type='bool', default=False),
            unless_running=dict(type='bool', default=False),
            pipeline_id=dict(type='str'),
            pipeline_number=dict(type='int'),
            approval_job=dict(type='str'),
            from_failed=dict(type='bool', default=True),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=1800),
            poll_interval=dict(type='int', default=5),
            first_workflow_timeout=dict(type='int', default=60),
            success_statuses=dict(type='list', elements='str', default=['success']),
            stop_on_hold=dict(type='bool', default=False),
            cancel_on_timeout=dict(type='bool', default=False),
        ),
        project='optional',
        mutually_exclusive=[('branch', 'tag'), ('checkout_branch', 'checkout_tag'), ('pipeline_id', 'pipeline_number')],
        required_if=[('state', 'approved', ['approval_job'])],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
