# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: circleci_artifacts
short_description: Read the artifacts of CircleCI builds at template time
version_added: 1.0.0
description:
  - Returns the artifacts of CircleCI builds or of the jobs of a pipeline (C(path), C(node_index), C(url), ...),
    read on the controller when the template is rendered.
  - Terms are projects (V(acme/app), V(github/acme/app), V(bitbucket/acme/lib), V(circleci/<org-uuid>/<project-uuid>)).
  - For each project, either the builds of O(build_num) (C(GET /project/.../{build_num}/artifacts))
    or, with O(latest=true), the newest build that matches O(branch) and O(filter)
    (C(GET /project/.../latest/artifacts?branch=&filter=)), through API v1.1.
  - With O(pipeline_id) or O(workflow_id), through API v2, the artifacts of the jobs of a pipeline or of one
    workflow (of the jobs named O(job) only, when it is set). That is the pipeline's workflows
    (C(GET /api/v2/pipeline/{id}/workflow)), the jobs of each (C(GET /api/v2/workflow/{id}/job)), then each
    job's artifacts (C(GET /api/v2/project/{slug}/{job_number}/artifacts)). This also serves
    C(circleci/) projects, which API v1.1 cannot reach.
  - Several builds or jobs are read concurrently, at most O(workers) requests at a time over one HTTP
    connection pool; the result keeps the order of the terms, then of O(build_num) (or of the workflows,
    then of their jobs).
  - O(pattern) keeps the artifacts whose C(path) matches a shell glob; O(output=url)
    returns the download URLs only.
author:
  - ciops maintainers (@ciops)
options:
  _terms:
    description:
      - Projects as V(username/project) (the VCS is O(vcs_type)) or V(vcs_type/username/project)
        (V(gh) and V(bb) are accepted for V(github) and V(bitbucket)), or V(circleci/<org-uuid>/<project-uuid>).
      - With O(pipeline_id) or O(workflow_id), at most one term. CircleCI tells the pipeline's project, and a
        term given must name that project.
    type: list
    elements: str
    required: false
  build_num:
    description:
      - Numbers of the builds whose artifacts to read, in each project term; one number
        (V(42)) or a list of numbers (V([40, 41, 42])).
      - Exactly one of O(build_num), O(latest=true), O(pipeline_id) and O(workflow_id) must be given.
      - An empty list reads nothing and returns an empty list.
      - An unknown build number is an error (CircleCI answers 404 C(Build not found)).
    type: raw
  latest:
    description:
      - Read the artifacts of the newest build of each project that matches O(branch) and O(filter).
      - When no build matches, the result for that project is an empty list, not an error;
        a matching build without artifacts also gives an empty list.
    type: bool
    default: false
  branch:
    description:
      - With O(latest=true), only builds of this branch (sent to CircleCI as the C(branch) query parameter).
      - Without it CircleCI considers builds of every branch.
    type: str
  filter:
    description:
      - With O(latest=true), which builds count as the newest one, selected by CircleCI.
      - Refused without O(latest=true).
      - Defaults to V(successful), so the artifacts of a failed or running build are not picked by accident.
    type: str
    choices: [completed, successful, failed, running]
    default: successful
  pipeline_id:
    description:
      - Read the artifacts of every job of this pipeline (its id, a UUID, as
        RV(ciops.circleci.circleci_pipeline#module:pipeline.id) returns it), through API v2.
      - After a rerun the newest run of each workflow counts.
    type: str
  workflow_id:
    description:
      - Read the artifacts of every job of this workflow (its id, a UUID), through API v2.
    type: str
  job:
    description:
      - With O(pipeline_id) or O(workflow_id), only the jobs of this name (or of these names, as a list), for example
        V(build).
      - A name that no job of the pipeline or workflow has is an error, so a typo cannot go unnoticed.
    type: list
    elements: str
  pattern:
    description:
      - Keep only the artifacts whose C(path) matches this shell glob (C(*), C(?), C([...]);
        case-sensitive, and C(*) also matches C(/)).
      - C(path) is the full path on the build machine, such as
        C(home/circleci/project/dist/app-1.0.0.tar.gz), so start the glob with C(*), for example V(*.tar.gz)
        or V(*/reports/*.xml).
    type: str
  output:
    description:
      - V(dict) returns one dictionary per artifact (see RV(_list)).
      - V(url) returns the download URLs only, as strings.
    type: str
    choices: [dict, url]
    default: dict
  workers:
    description:
      - How many artifact requests are sent at the same time when several builds are read.
      - V(1) reads the builds one by one.
    type: int
    default: 8
notes:
  - Runs on the controller, like every lookup; the token is read from O(api_token), the variable
    C(circleci_api_token) or the E(CIRCLECI_TOKEN) environment variable, so it never has to be
    written in a playbook.
  - One request per build; the artifact list of a build is not paged by CircleCI (API v1.1). API v2 pages it.
  - A pipeline of W workflows and J jobs with O(pipeline_id) costs 1 + W + J requests (more when lists are paged).
  - A job number of API v2 is the same number as the build number of API v1.1, so the C(build_num) of an artifact
    read through a pipeline is its job's number.
  - Unknown keyword options are an error (for example V(patern=...)), so a misspelt O(pattern) cannot return
    every artifact.
  - Downloading an artifact URL needs the token too (header C(Circle-Token)), for example with
    M(ansible.builtin.get_url) and O(ansible.builtin.get_url#module:headers).
  - CircleCI does not tell which build O(latest=true) picked; the returned C(build_num) is then null.
    Use the P(ciops.circleci.circleci_builds#lookup) lookup with O(filter) and O(ciops.circleci.circleci_builds#lookup:limit=1)
    and then O(build_num) when the number matters.
  - Returns a list. The C(lookup) function unwraps a one-element list and joins several URL strings
    with commas; use the C(query) function (or O(ignore:wantlist=true)) to always get a list.
  - Every failure (bad token, unknown project or build, network error, invalid option) raises an
    error naming the request and the fix.
seealso:
  - plugin: ciops.circleci.circleci_builds
    plugin_type: lookup
  - plugin: ciops.circleci.circleci_pipelines
    plugin_type: lookup
  - module: ciops.circleci.circleci_pipeline
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.plugins
'''

EXAMPLES = r'''
# The token comes from CIRCLECI_TOKEN (or the circleci_api_token variable): never in the playbook.
- name: Artifacts of build 42
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_artifacts', 'acme/app', build_num=42) }}"

- name: URL of the tarball of the newest successful build of main
  ansible.builtin.set_fact:
    tarball_url: "{{ query('ciops.circleci.circleci_artifacts', 'acme/app', latest=true, branch='main', pattern='*.tar.gz', output='url') | first }}"

- name: Download it (the artifact URL needs the token too)
  ansible.builtin.get_url:
    url: "{{ tarball_url }}"
    dest: /tmp/app.tar.gz
    headers:
      Circle-Token: "{{ lookup('ansible.builtin.env', 'CIRCLECI_TOKEN') }}"
    mode: "0644"

- name: JUnit reports of three builds, read concurrently
  ansible.builtin.debug:
    msg: "{{ item.build_num }}: {{ item.url }}"
  loop: "{{ query('ciops.circleci.circleci_artifacts', 'github/acme/app', build_num=[40, 41, 42], pattern='*/reports/*.xml') }}"

- name: Artifacts of the builds found by the builds lookup
  vars:
    green: "{{ query('ciops.circleci.circleci_builds', 'acme/app', filter='successful', limit=5, shallow=true) | map(attribute='build_num') | list }}"
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_artifacts', 'acme/app', build_num=green, output='url') }}"

- name: The tarball of the build job of the pipeline an earlier task triggered (API v2)
  ansible.builtin.set_fact:
    tarball_url: "{{ query('ciops.circleci.circleci_artifacts', pipeline_id=ci.pipeline.id, job='build', pattern='*.tar.gz', output='url') | first }}"

- name: Every artifact of one workflow of a GitHub App project
  ansible.builtin.debug:
    msg: "{{ item.job }}: {{ item.path }}"
  loop: "{{ query('ciops.circleci.circleci_artifacts', app_slug, workflow_id=wf_id) }}"
  vars:
    app_slug: circleci/9a3c1f0e-2b7d-4c55-8e11-0f6b2d9c7a41/5d7f2e8a-61b4-4f0c-9d3e-7a2b1c0e9f58

- name: Newest completed build of a Bitbucket project, whatever its outcome
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_artifacts', 'bitbucket/acme/lib', latest=true, filter='completed') }}"
'''

RETURN = r'''
_list:
  description:
    - With O(output=dict), one dictionary per artifact, in the order of the terms, then of O(build_num),
      then as CircleCI lists them.
    - With O(output=url), the C(url) of each of these artifacts, as strings.
  type: list
  elements: raw
  contains:
    path:
      description: Path of the artifact on the build machine.
      type: str
      sample: home/circleci/project/dist/app-1.0.0.tar.gz
    pretty_path:
      description: The path as CircleCI shows it (API v1.1 only).
      type: str
      sample: $CIRCLE_ARTIFACTS/dist/app-1.0.0.tar.gz
    node_index:
      description: Index of the parallel container that stored the artifact.
      type: int
      sample: 0
    url:
      description: Download URL of the artifact (downloading it needs the token).
      type: str
      sample: https://42-123456-gh.circle-artifacts.com/0/home/circleci/project/dist/app-1.0.0.tar.gz
    project:
      description: The project of the build, as V(vcs_type/username/project) (added by the lookup).
      type: str
      sample: github/acme/app
    build_num:
      description:
        - The build the artifact belongs to (added by the lookup); null with O(latest=true).
        - With O(pipeline_id) or O(workflow_id), the job's number (the same number).
      type: int
      sample: 42
    pipeline_id:
      description: With O(pipeline_id) or O(workflow_id), the pipeline of the job (added by the lookup).
      type: str
      sample: 5034460f-c7c4-4c43-9457-de07e2029e7b
    workflow:
      description: With O(pipeline_id) or O(workflow_id), the name of the job's workflow (added by the lookup).
      type: str
      sample: build-and-test
    workflow_id:
      description: With O(pipeline_id) or O(workflow_id), the id of the job's workflow (added by the lookup).
      type: str
      sample: fda08377-fe7e-46b1-8992-3a7aaecac9c3
    job:
      description: With O(pipeline_id) or O(workflow_id), the name of the job (added by the lookup).
      type: str
      sample: build
    job_number:
      description: With O(pipeline_id) or O(workflow_id), the number of the job (added by the lookup).
      type: int
      sample: 1207
'''

import fnmatch

from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_uuid, check_workers
from ansible_collections.ciops.circleci.plugins.module_utils._concurrent import map_concurrently
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._pipeline_reader import PipelineReader
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import current_workflows
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_build_filter, check_build_num
from ansible_collections.ciops.circleci.plugins.plugin_utils._lookup import CircleCILookupBase


def check_build_nums(build_nums):
    """One build number or a list of them -> ints, in order, without repeats (a build is read once)."""
    if build_nums is None:
        return []
    if isinstance(build_nums, str):
        build_nums = [part for part in build_nums.split(',') if part.strip()]
    elif not isinstance(build_nums, (list, tuple)):
        build_nums = [build_nums]
    result = []
    for value in build_nums:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        check_build_num(value)
        if value not in result:
            result.append(value)
    return result


def plan_jobs(terms, default_vcs_type, build_nums=None, latest=False, branch=None, build_filter=None):
    """The (project, build_num) to read, build_num None for latest; checked before any request."""
    if not terms:
        raise CircleCIError('circleci_artifacts needs at least one term: a project such as acme/app')
    if latest and build_nums is not None:
        raise CircleCIError('give either build_num or latest=true, not both')
    if not latest and build_nums is None:
        raise CircleCIError('give build_num (one number or a list) or latest=true')
    # An empty list of builds (say, from a builds lookup that found none) reads nothing.
    build_nums = check_build_nums(build_nums)
    if branch and not latest:
        raise CircleCIError('branch selects the newest build and needs latest=true; build_num already names the builds')
    check_build_filter(build_filter)
    jobs = []
    for term in terms:
        project = parse_project_slug(term, default_vcs_type).require_v1(
            'circleci_artifacts with build_num or latest', 'read a pipeline\'s artifacts with pipeline_id instead')
        for build_num in (build_nums if not latest else [None]):
            job = (project, build_num)
            if job not in jobs:
                jobs.append(job)
    return jobs


def select(artifacts, pattern=None, output='dict'):
    """Keep the artifacts whose path matches the glob; URLs only with output=url."""
    if pattern:
        artifacts = [a for a in artifacts if fnmatch.fnmatchcase(str(a.get('path', '')), pattern)]
    if output == 'url':
        return [a.get('url') for a in artifacts]
    return artifacts


def read_artifacts(client, job, branch=None, build_filter=None):
    """The artifact dicts of one build (job from plan_jobs), each tagged with its project and build_num."""
    project, build_num = job
    if build_num is None:
        params = {'filter': build_filter} if build_filter else {}
        if branch:
            params['branch'] = branch
        path = client.v1.project(project, 'latest', 'artifacts')
        # A 404 here means "no build matches": an empty answer, unless the project is unknown.
        artifacts = client.v1.find_list(path, params=params)
    else:
        artifacts = client.v1.get_build(project, build_num, 'artifacts', expect='list')
    return [dict(a, project=project.slug, build_num=build_num) for a in artifacts if isinstance(a, dict)]


def read_all(client, jobs, workers, branch=None, build_filter=None):
    """Read every job, at most `workers` at a time over the client's one session; results in job order."""
    return map_concurrently(client, lambda job: read_artifacts(client, job, branch, build_filter), jobs, workers)


# ---------------------------------------------------------------------------
# API v2: the artifacts of a pipeline's (or a workflow's) jobs
# ---------------------------------------------------------------------------

def check_job_names(names):
    if names is None:
        return None
    if isinstance(names, str):
        names = [names]
    if not names or any(not isinstance(n, str) or not n.strip() for n in names):
        raise CircleCIError('job must be a job name or a list of job names, got %r' % (names,))
    return list(dict.fromkeys(n.strip() for n in names))


def plan_v2(terms, default_vcs_type, pipeline_id=None, workflow_id=None, jobs=None, build_nums=None, latest=False,
            branch=None, filter_given=False):
    """(project or None, pipeline_id, workflow_id, job names or None), checked before any request."""
    if pipeline_id and workflow_id:
        raise CircleCIError('give either pipeline_id or workflow_id, not both')
    given = [name for name, value in (('build_num', build_nums is not None), ('latest', latest), ('branch', branch),
                                      ('filter', filter_given)) if value]
    if given:
        raise CircleCIError('%s cannot be combined with %s, which already names the jobs'
                            % (', '.join(given), 'pipeline_id' if pipeline_id else 'workflow_id'))
    if len(terms or []) > 1:
        raise CircleCIError('with %s give at most one project term: the pipeline belongs to one project'
                            % ('pipeline_id' if pipeline_id else 'workflow_id'))
    project = parse_project_slug(terms[0], default_vcs_type) if terms else None
    if pipeline_id:
        pipeline_id = check_uuid('pipeline_id', pipeline_id)
    else:
        workflow_id = check_uuid('workflow_id', workflow_id)
    return project, pipeline_id, workflow_id, check_job_names(jobs)


def project_of(workflow, project):
    """The project of a workflow, as CircleCI names it; it must be the term's, when one was given."""
    slug = field(workflow, 'project_slug')
    found = parse_project_slug(slug) if slug else project
    if found is None:
        raise CircleCIError('CircleCI did not say which project workflow %s belongs to: give the project as a term'
                            % workflow.get('id'))
    if project is not None and found != project:
        raise CircleCIError('Workflow %s (%s) belongs to %s, not to %s: check the id and the project'
                            % (workflow.get('id'), workflow.get('name'), found.slug, project.slug))
    return found


def read_pipeline_artifacts(client, project, pipeline_id=None, workflow_id=None, jobs=None, workers=8):
    """The artifacts of the jobs of a pipeline (its newest workflow runs) or of one workflow, each tagged
    with its project, pipeline, workflow and job; jobs, then their artifacts, read concurrently."""
    reader = PipelineReader(client, project)
    # CircleCI's workflow and job objects as they are: a workflow names its project (project_slug), which the
    # normalised shape leaves out, and a job without a type is a build job.
    if pipeline_id:
        workflows = current_workflows(reader.workflow_items(pipeline_id))
    else:
        workflows = [reader.workflow(workflow_id)]
    job_lists = map_concurrently(client, lambda w: reader.job_items(w['id']), workflows, workers)
    selected = []
    for workflow, job_list in zip(workflows, job_lists):
        for job in job_list:
            if jobs is not None and job.get('name') not in jobs:
                continue
            # Multi-word fields of v2 answers are read through _fields, in either spelling.
            if job.get('type', 'build') == 'build' and field(job, 'job_number') is not None:
                selected.append((project_of(workflow, project), workflow, dict(job, job_number=field(job, 'job_number'))))
    if jobs is not None:
        names = set(j.get('name') for job_list in job_lists for j in job_list)
        missing = [n for n in jobs if n not in names]
        if missing:
            what = 'pipeline %s' % pipeline_id if pipeline_id else 'workflow %s' % workflow_id
            raise CircleCIError('%s has no job named %s (its jobs: %s)' % (
                what, ', '.join(missing), ', '.join(sorted(names)) or 'none yet'))

    def artifacts_of(entry):
        job_project, workflow, job = entry
        items = reader.artifacts(job_project, job['job_number'])
        return [dict(a, project=job_project.slug, pipeline_id=field(workflow, 'pipeline_id'), workflow=workflow.get('name'),
                     workflow_id=workflow.get('id'), job=job.get('name'), job_number=job['job_number'],
                     build_num=job['job_number'])
                for a in items if isinstance(a, dict)]

    return map_concurrently(client, artifacts_of, selected, workers)


class LookupModule(CircleCILookupBase):

    def lookup(self, client, terms, variables):
        pipeline_id = self.text_option('pipeline_id')
        workflow_id = self.text_option('workflow_id')
        jobs = self.get_option('job')
        if pipeline_id or workflow_id:
            dummy, origin = self.get_option_and_origin('filter')
            project, pipeline_id, workflow_id, jobs = plan_v2(
                terms, client.vcs_type, pipeline_id, workflow_id, jobs, self.get_option('build_num'),
                self.get_option('latest'), self.text_option('branch'), origin != 'default')
            workers = check_workers(self.get_option('workers'))
            result = []
            for artifacts in read_pipeline_artifacts(client, project, pipeline_id, workflow_id, jobs, workers):
                result.extend(select(artifacts, self.get_option('pattern') or None, self.get_option('output')))
            return result
        if jobs is not None:
            raise CircleCIError('job selects jobs of a pipeline or workflow: give pipeline_id or workflow_id too')
        latest = self.get_option('latest')
        branch = self.text_option('branch')
        build_filter, origin = self.get_option_and_origin('filter')
        if not latest:
            if origin != 'default':
                raise CircleCIError('filter selects the newest build and needs latest=true; build_num already names the builds')
            build_filter = None
        pattern = self.get_option('pattern') or None
        output = self.get_option('output')
        workers = check_workers(self.get_option('workers'))
        jobs = plan_jobs(terms, client.vcs_type, self.get_option('build_num'), latest, branch, build_filter)

        result = []
        for artifacts in read_all(client, jobs, workers, branch, build_filter):
            result.extend(select(artifacts, pattern, output))
        return result
