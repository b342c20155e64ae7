#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_pipeline_info
short_description: Read a CircleCI pipeline with its workflows, jobs, test counts and failing tests (API v2)
version_added: 1.0.0
description:
  - Reads one pipeline of a CircleCI project through API v2 (C(GET /pipeline/{id}), or by number, or the newest
    one of a branch), its workflows (every page), the jobs of each workflow and, for every finished job, its test
    results (C(GET /project/{slug}/{job_number}/tests)), summarised as counts and the list of failing tests.
  - Test results are read concurrently over one HTTP connection pool.
  - Works with GitHub OAuth, Bitbucket Cloud and C(circleci/<org-uuid>/<project-uuid>) projects.
author:
  - ciops maintainers (@ciops)
options:
  pipeline_id:
    description:
      - The pipeline's id (a UUID), for example RV(ciops.circleci.circleci_pipeline#module:pipeline.id) of an earlier
        task. The project may then be left out; when it is given, the pipeline must belong to it.
      - Without O(pipeline_id) and O(pipeline_number), the newest pipeline of the project (of O(branch), if given)
        is read.
    type: str
  pipeline_number:
    description:
      - The pipeline's number in the project (the number in its web URL). Needs the project.
    type: int
  branch:
    description:
      - Without O(pipeline_id) and O(pipeline_number), read the newest pipeline of this branch.
    type: str
  tests:
    description:
      - Whether to read the test results of every finished job (one request per job, more for long results).
    type: bool
    default: true
  workers:
    description:
      - How many test result requests are sent at the same time.
    type: int
    default: 8
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
notes:
  - A test counts as passed when its C(result) is one of V(success), V(passed), V(pass), V(ok) or V(fixed), as
    skipped when it is one of V(skipped), V(skip), V(not_run) or V(ignored) (case-insensitive), and as failed
    otherwise, as in M(ciops.circleci.circleci_build_info).
  - CircleCI only knows the tests a job stored with C(store_test_results); a job without them reports none.
  - After a rerun CircleCI lists the old and the new run of a workflow under one name; the newest run is shown.
seealso:
  - module: ciops.circleci.circleci_pipeline
  - plugin: ciops.circleci.circleci_pipelines
    plugin_type: lookup
  - plugin: ciops.circleci.circleci_artifacts
    plugin_type: lookup
  - name: CircleCI API v2 reference
    description: The pipeline, workflow, job and test endpoints.
    link: https://circleci.com/docs/api/v2/
'''

EXAMPLES = r'''
- name: Read the pipeline an earlier task triggered
  ciops.circleci.circleci_pipeline_info:
    pipeline_id: "{{ ci.pipeline.id }}"
  register: info

- name: Show what failed
  ansible.builtin.debug:
    msg: "{{ item.workflow }}/{{ item.job }}: {{ item.classname }}.{{ item.name }}: {{ item.message }}"
  loop: "{{ info.failing_tests }}"

- name: The newest pipeline of main, without test results
  ciops.circleci.circleci_pipeline_info:
    project_slug: gh/acme/app
    branch: main
    tests: false
  register: newest

- name: Fail unless it is green
  ansible.builtin.assert:
    that: newest.status == 'success'
    fail_msg: "Pipeline {{ newest.pipeline.number }} is {{ newest.status }}: {{ newest.pipeline.url }}"
'''

RETURN = r'''
project:
  description: The pipeline's project, in the form C(github/acme/app) or C(circleci/<org-uuid>/<project-uuid>).
  returned: always
  type: str
  sample: github/acme/app
pipeline:
  description:
    - The pipeline, in the shape of RV(ciops.circleci.circleci_pipeline#module:pipeline) (C(id), C(number), C(state),
      C(created_at), C(updated_at), C(url), C(project_slug), C(branch), C(tag), C(revision), C(errors)).
    - Null when the project (or the branch) has no pipeline.
  returned: always
  type: dict
  sample:
    id: 5034460f-c7c4-4c43-9457-de07e2029e7b
    number: 43
    state: created
    created_at: "2026-11-27T10:00:00.000Z"
    updated_at: "2026-11-27T10:00:02.000Z"
    url: https://app.circleci.com/pipelines/github/acme/app/43
    project_slug: github/acme/app
    branch: main
    tag: null
    revision: 6b1c0a6b4f0e1d3c2b1a09f8e7d6c5b4a3928170
    errors: []
status:
  description:
    - The pipeline in one word, V(success) (every workflow succeeded), V(failed) (every workflow finished, one or more
      not successfully), V(running), V(on_hold) (every unfinished workflow waits for an approval), V(errored) or
      V(pending) (no workflow yet, or none ran). Null without a pipeline.
  returned: always
  type: str
  sample: failed
workflows:
  description:
    - The pipeline's workflows, the newest run of each name, in the shape of
      RV(ciops.circleci.circleci_pipeline#module:workflows), each with its C(jobs).
    - With O(tests=true) each job that finished has C(tests), its counts C(total), C(passed), C(failed), C(skipped).
  returned: always
  type: list
  elements: dict
  sample:
    - id: fda08377-fe7e-46b1-8992-3a7aaecac9c3
      name: build-and-test
      status: failed
      url: https://app.circleci.com/pipelines/github/acme/app/43/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3
      created_at: "2026-11-27T10:00:01.000Z"
      stopped_at: "2026-11-27T10:04:41.000Z"
      tag: null
      pipeline_id: 5034460f-c7c4-4c43-9457-de07e2029e7b
      jobs:
        - name: test
          type: build
          status: failed
          job_number: 1207
          id: 3a8b4b8e-0f73-4b61-9d0b-2f4cbe0d2a11
          started_at: "2026-11-27T10:00:02.000Z"
          stopped_at: "2026-11-27T10:02:40.000Z"
          approval_request_id: null
          tests: {total: 3, passed: 2, failed: 1, skipped: 0}
tests:
  description: The test counts of the whole pipeline (C(total), C(passed), C(failed), C(skipped)).
  returned: with O(tests=true)
  type: dict
  sample: {total: 3, passed: 2, failed: 1, skipped: 0}
failing_tests:
  description:
    - Every failing test of the pipeline, with the C(workflow), C(job) and C(job_number) it ran in, and its
      C(name), C(classname), C(file), C(result) and C(message).
  returned: with O(tests=true)
  type: list
  elements: dict
  sample:
    - workflow: build-and-test
      job: test
      job_number: 1207
      name: test_login_redirect
      classname: app.tests.test_auth
      file: tests/test_auth.py
      result: failure
      message: "AssertionError: expected 302, got 200"
'''

from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int, check_uuid, check_workers
from ansible_collections.ciops.circleci.plugins.module_utils._concurrent import map_concurrently
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_reader import PipelineReader
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import pipeline_status
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug
from ansible_collections.ciops.circleci.plugins.module_utils._tests import job_test_counts

# Jobs whose test results are complete.
JOB_FINISHED = frozenset(('success', 'failed', 'canceled', 'infrastructure_fail', 'timedout', 'terminated-unknown'))


def check_params(params, project):
    if params.get('pipeline_id') is not None:
        check_uuid('pipeline_id', params['pipeline_id'])
        if params.get('branch') is not None:
            raise CircleCIError('branch selects the newest pipeline of a branch; pipeline_id already names one')
    elif params.get('pipeline_number') is not None:
        check_positive_int('pipeline_number', params['pipeline_number'])
        if params.get('branch') is not None:
            raise CircleCIError('branch selects the newest pipeline of a branch; pipeline_number already names one')
    if project is None and params.get('pipeline_id') is None:
        raise CircleCIError('Name the project (project_slug, or username and project), or give pipeline_id')
    if params.get('branch') == '':
        raise CircleCIError('branch must not be empty')
    check_workers(params['workers'])


def find_pipeline(reader, params):
    """The pipeline of pipeline_id or pipeline_number, or the newest one (of the branch); None if there is none."""
    if params.get('pipeline_id') or params.get('pipeline_number') is not None:
        return reader.named_pipeline(params.get('pipeline_id'), params.get('pipeline_number'))
    return next(reader.newest_page(params.get('branch') or None), None)


def run(module):
    p = module.params
    check_params(p, module.project)
    client = module.client
    reader = PipelineReader(client, module.project)
    pipeline = find_pipeline(reader, p)
    result = dict(changed=False, project=reader.slug, pipeline=pipeline, status=None, workflows=[])
    if p['tests']:
        result.update(tests=dict(total=0, passed=0, failed=0, skipped=0), failing_tests=[])
    if pipeline is None:
        return result
    result['project'] = pipeline.get('project_slug') or result['project']
    workflows = reader.with_jobs(reader.current_workflows(pipeline))
    result.update(workflows=workflows, status=pipeline_status(pipeline.get('state'), workflows))
    if not p['tests']:
        return result
    project = module.project or parse_project_slug(pipeline['project_slug'])
    jobs = [(w, j) for w in workflows for j in w['jobs'] if j.get('job_number') is not None and j.get('status') in JOB_FINISHED]
    answers = map_concurrently(client, lambda wj: reader.tests(project, wj[1]['job_number']), jobs, p['workers'])
    for (workflow, job), tests in zip(jobs, answers):
        counts, failing = job_test_counts(tests)
        job['tests'] = counts
        for key in result['tests']:
            result['tests'][key] += counts[key]
        for test in failing:
            result['failing_tests'].append(dict(test, workflow=workflow['name'], job=job['name'],
                                                job_number=job['job_number']))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            pipeline_id=dict(type='str'),
            pipeline_number=dict(type='int'),
            branch=dict(type='str'),
            tests=dict(type='bool', default=True),
            workers=dict(type='int', default=8),
        ),
        project='optional',
        mutually_exclusive=[('pipeline_id', 'pipeline_number')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
