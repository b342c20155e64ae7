# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: circleci_pipelines
short_description: Read a project's newest CircleCI pipelines and their workflows at template time (API v2)
version_added: 1.0.0
description:
  - Returns the newest pipelines of CircleCI projects, newest first, each with its workflows and their statuses and
    a one-word RV(_list[].status) for the whole pipeline, read on the controller when the template is rendered.
  - Terms are projects (V(gh/acme/app), V(github/acme/app), V(bb/acme/lib), V(acme/app) with O(vcs_type), or
    V(circleci/<org-uuid>/<project-uuid>)).
  - Pipelines come from C(GET /api/v2/project/{slug}/pipeline) (of O(branch) only, when it is set), page after page
    (page tokens) and no page more than needed; each pipeline's workflows from C(GET /api/v2/pipeline/{id}/workflow).
    The workflows of several pipelines are read concurrently, at most O(workers) at a time, over one HTTP
    connection pool.
  - O(status) keeps the pipelines in that state, for example V(success) for "every workflow succeeded"; so
    the first item of C(query) with the term V(gh/acme/app), O(branch=main), O(status=success) and O(limit=1) is the
    newest green pipeline of main. Pipelines are then examined, newest first, until O(limit) match or O(scan_limit) have been
    examined.
author:
  - ciops maintainers (@ciops)
options:
  _terms:
    description:
      - Projects, as V(provider/org/project) or V(username/project) (the VCS is O(vcs_type)).
    type: list
    elements: str
    required: true
  branch:
    description:
      - Only pipelines of this branch (sent to CircleCI as the C(branch) query parameter).
    type: str
  limit:
    description:
      - How many pipelines to return per project at most.
    type: int
    default: 10
  status:
    description:
      - Keep only the pipelines whose RV(_list[].status) is one of these.
      - V(success) every workflow succeeded; V(failed) every workflow finished, one or more not successfully;
        V(running) a workflow is still running; V(on_hold) every unfinished workflow waits for an approval;
        V(errored) the pipeline errored (no workflow ran); V(pending) no workflow yet, or none ran.
    type: list
    elements: str
    choices: [success, failed, running, on_hold, errored, pending]
  scan_limit:
    description:
      - With O(status), how many of a project's newest pipelines are examined at most, so that a filter that matches
        nothing does not read the project's whole history.
    type: int
    default: 100
  workers:
    description:
      - How many workflow requests are sent at the same time. V(1) reads them one by one.
    type: int
    default: 8
notes:
  - Runs on the controller; the token is read from O(api_token), the variable C(circleci_api_token) or the
    E(CIRCLECI_TOKEN) environment variable, so it never has to be written in a playbook.
  - After a rerun CircleCI lists the old and the new run of a workflow under one name; the newest run is shown.
  - Unknown keyword options are an error, so a misspelt O(status) cannot widen the result silently.
  - Returns a list; use the C(query) function (or O(ignore:wantlist=true)) to always get one.
seealso:
  - module: ciops.circleci.circleci_pipeline
  - module: ciops.circleci.circleci_pipeline_info
  - plugin: ciops.circleci.circleci_artifacts
    plugin_type: lookup
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.plugins
'''

EXAMPLES = r'''
# The token comes from CIRCLECI_TOKEN (or the circleci_api_token variable): never in the playbook.
- name: The five newest pipelines of acme/app, with their workflows
  ansible.builtin.debug:
    msg: "{{ item.number }} {{ item.status }}: {{ item.workflows | map(attribute='name') | join(', ') }}"
  loop: "{{ query('ciops.circleci.circleci_pipelines', 'gh/acme/app', limit=5) }}"

- name: The newest pipeline of main whose workflows all succeeded
  ansible.builtin.set_fact:
    green: "{{ query('ciops.circleci.circleci_pipelines', 'gh/acme/app', branch='main', status='success', limit=1) | first }}"

- name: Its build job's tarball
  ansible.builtin.set_fact:
    tarball_url: "{{ query('ciops.circleci.circleci_artifacts', pipeline_id=green.id, job='build', pattern='*.tar.gz', output='url') | first }}"

- name: Fail when a pipeline of main waits for an approval
  ansible.builtin.assert:
    that: query('ciops.circleci.circleci_pipelines', 'gh/acme/app', branch='main', status='on_hold', limit=1) | length == 0
'''

RETURN = r'''
_list:
  description:
    - One dictionary per pipeline, newest first, for each project in the order of the terms.
    - Each is a pipeline in the shape of RV(ciops.circleci.circleci_pipeline#module:pipeline) (C(id), C(number),
      C(state), C(created_at), C(updated_at), C(url), C(project_slug), C(branch), C(tag), C(revision), C(errors)),
      with two more keys, RV(_list[].status) and RV(_list[].workflows).
  type: list
  elements: dict
  sample:
    - id: 5034460f-c7c4-4c43-9457-de07e2029e7b
      number: 43
      state: created
      status: success
      created_at: "2026-11-27T10:00:00.000Z"
      updated_at: "2026-11-27T10:00:02.000Z"
      url: https://app.circleci.com/pipelines/github/acme/app/43
      project_slug: github/acme/app
      branch: main
      tag: null
      revision: 6b1c0a6b4f0e1d3c2b1a09f8e7d6c5b4a3928170
      errors: []
      workflows:
        - id: fda08377-fe7e-46b1-8992-3a7aaecac9c3
          name: build-and-test
          status: success
          url: https://app.circleci.com/pipelines/github/acme/app/43/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3
          created_at: "2026-11-27T10:00:01.000Z"
          stopped_at: "2026-11-27T10:04:41.000Z"
          tag: null
          pipeline_id: 5034460f-c7c4-4c43-9457-de07e2029e7b
  contains:
    status:
      description: The pipeline in one word (see O(status)).
      type: str
      sample: success
    workflows:
      description:
        - Its workflows, the newest run of each name, in the shape of
          RV(ciops.circleci.circleci_pipeline#module:workflows) without their C(jobs).
      type: list
      elements: dict
'''

from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int, check_workers
from ansible_collections.ciops.circleci.plugins.module_utils._concurrent import map_concurrently
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_reader import PipelineReader
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import SUMMARY_STATUSES, pipeline_status
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug
from ansible_collections.ciops.circleci.plugins.plugin_utils._lookup import CircleCILookupBase


def check_options(terms, default_vcs_type, limit, statuses, scan_limit, workers, branch):
    """The projects to read, checked before any request."""
    if not terms:
        raise CircleCIError('circleci_pipelines needs at least one term: a project such as gh/acme/app')
    check_positive_int('limit', limit)
    check_positive_int('scan_limit', scan_limit)
    check_workers(workers)
    unknown = [s for s in statuses or [] if s not in SUMMARY_STATUSES]
    if unknown:
        raise CircleCIError('status must be one of %s, got %s' % (', '.join(SUMMARY_STATUSES), ', '.join(unknown)))
    if branch == '':
        raise CircleCIError('branch must not be empty')
    projects = []
    for term in terms:
        project = parse_project_slug(term, default_vcs_type)
        if project not in projects:
            projects.append(project)
    return projects


def newest_pipelines(client, project, branch=None, limit=10, statuses=None, scan_limit=100, workers=8):
    """Up to ``limit`` pipelines of the project, newest first, each with its workflows and status;
    with ``statuses`` only those in one of them, examining at most ``scan_limit``."""
    reader = PipelineReader(client, project)
    found = []
    scanned = 0

    def more():
        return len(found) < limit and (not statuses or scanned < scan_limit)

    for pending in reader.pipeline_pages(branch):
        while pending and more():
            # Without a filter every pipeline read is returned: read what is still needed. With one,
            # read at most `workers` at a time (each may be the last one needed), never past scan_limit.
            size = limit - len(found)
            if statuses:
                size = min(size, workers, scan_limit - scanned)
            batch, pending = pending[:size], pending[size:]
            scanned += len(batch)
            for pipeline, workflows in zip(batch, map_concurrently(client, reader.current_workflows, batch, workers)):
                pipeline['workflows'] = workflows
                pipeline['status'] = pipeline_status(pipeline.get('state'), workflows)
                if not statuses or pipeline['status'] in statuses:
                    found.append(pipeline)
        if not more():
            break
    return found


class LookupModule(CircleCILookupBase):

    def lookup(self, client, terms, variables):
        branch = self.get_option('branch')
        limit = self.get_option('limit')
        statuses = self.get_option('status') or None
        scan_limit = self.get_option('scan_limit')
        workers = self.get_option('workers')
        projects = check_options(terms, client.vcs_type, limit, statuses, scan_limit, workers, branch)
        result = []
        for project in projects:
            result.extend(newest_pipelines(client, project, branch or None, limit, statuses, scan_limit, workers))
        return result
