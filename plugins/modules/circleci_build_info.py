#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_build_info
short_description: Read one CircleCI build, its artifacts and its test results
version_added: 1.0.0
description:
  - Reads the full detail of one build of a CircleCI project (C(GET /project/.../{build_num})),
    the artifacts it produced (C(GET .../{build_num}/artifacts)) and its test metadata
    (C(GET .../{build_num}/tests)).
  - At most three requests, one per part; O(artifacts=false) and O(tests=false) skip the
    matching request.
  - Test results are summarised as counts per result and the list of failing tests, rather
    than returned in full, because a build can report thousands of tests.
  - To find a build number (for example the newest successful build of a branch) use the
    P(ciops.circleci.circleci_builds#lookup) lookup; to get only the artifacts of the newest
    build of a branch use the P(ciops.circleci.circleci_artifacts#lookup) lookup.
author:
  - ciops maintainers (@ciops)
options:
  build_num:
    description:
      - Number of the build in the project (the number shown in the build's URL).
    type: int
    required: true
  artifacts:
    description:
      - Whether to read the build's artifacts (one more request).
    type: bool
    default: true
  tests:
    description:
      - Whether to read and summarise the build's test metadata (one more request).
    type: bool
    default: true
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
notes:
  - CircleCI's test C(result) field is a free string (the API description wrongly gives it the
    build status enum). A test counts as B(passed) when its result is one of V(success),
    V(passed), V(pass), V(ok) or V(fixed); as B(skipped) when it is one of V(skipped), V(skip),
    V(not_run) or V(ignored) (case-insensitive); every other result, including V(failure),
    V(failed), V(error), V(timedout), an unknown word or no result at all, counts as B(failing).
  - CircleCI only knows the tests that the build stored with C(store_test_results); a build
    without them reports no tests, which is not the same as a build whose tests all passed.
  - Artifact URLs need the API token to be downloaded; send it in the C(Circle-Token) header
    (see the example), never in the URL.
seealso:
  - module: ciops.circleci.circleci_project_info
  - plugin: ciops.circleci.circleci_builds
    plugin_type: lookup
  - plugin: ciops.circleci.circleci_artifacts
    plugin_type: lookup
  - name: CircleCI API v1.1 reference
    description: The build, artifacts and tests endpoints.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Read build 42 of acme/app with its artifacts and test summary
  ciops.circleci.circleci_build_info:
    username: acme
    project: app
    build_num: 42
  register: build42

- name: Fail when the build had failing tests
  ansible.builtin.assert:
    that: build42.tests.failing | length == 0
    fail_msg: >-
      {{ build42.tests.failing | map(attribute='name') | join(', ') }} failed in
      {{ build42.build.build_url }}

- name: Only the build detail (one request)
  ciops.circleci.circleci_build_info:
    username: acme
    project: app
    build_num: 42
    artifacts: false
    tests: false
  register: detail

- name: Download the tarball that build 42 produced, token in the header
  ansible.builtin.get_url:
    url: "{{ (build42.artifacts | selectattr('path', 'search', '\\.tar\\.gz$') | first).url }}"
    dest: /tmp/app.tar.gz
    headers:
      Circle-Token: "{{ circleci_token }}"
  no_log: true

- name: Newest successful build of main, found with the lookup, then read in detail
  ciops.circleci.circleci_build_info:
    username: acme
    project: app
    build_num: "{{ (query('ciops.circleci.circleci_builds', 'acme/app', branch='main', filter='successful', limit=1, shallow=true) | first).build_num }}"
'''

RETURN = r'''
project:
  description: The project, as C(vcs_type/username/project).
  returned: always
  type: str
  sample: github/acme/app
build:
  description:
    - The build as CircleCI describes it (C(GET /project/.../{build_num})), unchanged.
    - Fields vary with the CircleCI version; the ones below are always there.
  returned: success
  type: dict
  contains:
    build_num:
      description: Number of the build.
      type: int
      sample: 42
    build_url:
      description: Web page of the build.
      type: str
      sample: https://circleci.com/gh/acme/app/42
    branch:
      description: Branch that was built (null for a tag build).
      type: str
      sample: main
    vcs_revision:
      description: Commit that was built.
      type: str
      sample: 6b1c0a6b4f0e1d3c2b1a09f8e7d6c5b4a3928170
    lifecycle:
      description: V(queued), V(scheduled), V(not_run), V(not_running), V(running) or V(finished).
      type: str
      sample: finished
    status:
      description: Status of the build, for example V(success), V(failed), V(running), V(fixed).
      type: str
      sample: success
    outcome:
      description: Outcome once finished (null before), for example V(success), V(failed), V(canceled).
      type: str
      sample: success
  sample:
    build_num: 42
    build_url: https://circleci.com/gh/acme/app/42
    branch: main
    vcs_revision: 6b1c0a6b4f0e1d3c2b1a09f8e7d6c5b4a3928170
    lifecycle: finished
    status: success
    outcome: success
    why: github
    build_time_millis: 95000
artifacts:
  description: The artifacts of the build, as CircleCI lists them (empty when it stored none).
  returned: success and O(artifacts=true)
  type: list
  elements: dict
  contains:
    path:
      description: Path of the file in the build container.
      type: str
      sample: home/circleci/project/dist/app-1.0.0.tar.gz
    pretty_path:
      description: The path as CircleCI shows it.
      type: str
      sample: $CIRCLE_ARTIFACTS/dist/app-1.0.0.tar.gz
    node_index:
      description: Index of the parallel container that stored the artifact.
      type: int
      sample: 0
    url:
      description: Download URL; send the token in the C(Circle-Token) header to download it.
      type: str
      sample: https://42-12345-gh.circle-artifacts.com/0/home/circleci/project/dist/app-1.0.0.tar.gz
  sample:
    - path: home/circleci/project/dist/app-1.0.0.tar.gz
      pretty_path: $CIRCLE_ARTIFACTS/dist/app-1.0.0.tar.gz
      node_index: 0
      url: https://42-12345-gh.circle-artifacts.com/0/home/circleci/project/dist/app-1.0.0.tar.gz
tests:
  description: Summary of the build's test metadata.
  returned: success and O(tests=true)
  type: dict
  contains:
    total:
      description: Number of tests CircleCI reported.
      type: int
      sample: 3
    counts:
      description: Number of tests per result string, as CircleCI wrote it (V(none) for a test without result).
      type: dict
      sample: {"success": 2, "failed": 1}
    passed:
      description: Number of tests whose result counts as passed (see the notes).
      type: int
      sample: 2
    skipped:
      description: Number of tests whose result counts as skipped (see the notes).
      type: int
      sample: 0
    failing:
      description: The tests whose result counts as failing (see the notes), in CircleCI's order.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the test.
          type: str
        classname:
          description: Class or module of the test.
          type: str
        file:
          description: File of the test.
          type: str
        result:
          description: The result CircleCI reported.
          type: str
        message:
          description: Failure message, if any.
          type: str
      sample:
        - name: test_login_redirect
          classname: app.tests.test_auth
          file: tests/test_auth.py
          result: failed
          message: "AssertionError: expected 302, got 200"
  sample:
    total: 3
    counts: {"success": 2, "failed": 1}
    passed: 2
    skipped: 0
    failing:
      - name: test_login_redirect
        classname: app.tests.test_auth
        file: tests/test_auth.py
        result: failed
        message: "AssertionError: expected 302, got 200"
'''

from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_build_num
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._tests import summarize_tests


def build_test_summary(answer):
    """The summary of a GET .../tests answer: counts per result, passed/skipped counts, failing tests."""
    summary = summarize_tests(answer.get('tests') if isinstance(answer, dict) else answer)
    summary.pop('failed')
    return summary


def run(module):
    p = module.params
    build_num = check_build_num(p['build_num'])
    client = module.client
    result = dict(changed=False, project=module.project_slug)
    result['build'] = client.v1.get_build(module.project, build_num)
    if p['artifacts']:
        result['artifacts'] = client.v1.list_all(module.project_path(str(build_num), 'artifacts'))
    if p['tests']:
        result['tests'] = build_test_summary(client.v1.get(module.project_path(str(build_num), 'tests')))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            build_num=dict(type='int', required=True),
            artifacts=dict(type='bool', default=True),
            tests=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
        v1_only='circleci_build_info',
        v1_instead='read the jobs of its pipelines with ciops.circleci.circleci_pipeline_info',
    )
    module.run(run)


if __name__ == '__main__':
    main()
