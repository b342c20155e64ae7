# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: circleci_builds
short_description: Read CircleCI builds at template time
version_added: 1.0.0
description:
  - Returns builds of CircleCI projects as a list of build dictionaries, read on the controller
    when the template is rendered.
  - A term is a project (V(acme/app), V(github/acme/app), V(bitbucket/acme/lib)) or V(recent)
    for the recent builds of every project the token's user follows (C(GET /recent-builds)).
  - A project's builds come from C(GET /project/{vcs}/{user}/{repo}), or from
    C(GET /project/{vcs}/{user}/{repo}/tree/{branch}) when O(branch) is set; O(filter),
    O(offset) and O(shallow) are sent to CircleCI, which does the selecting.
  - O(limit) may be any number; CircleCI serves at most 100 builds per request, so the lookup reads
    pages of 100 behind the scenes and stops at O(limit) or at the first page that is not full.
    O(limit=250) makes exactly 3 requests (100, 100 and 50 builds), O(limit=30) makes one.
    All requests of one lookup call share one HTTP session (one connection when the server keeps it alive).
  - With O(build_num), each project term returns one build's full detail (C(GET /project/.../{build_num}))
    instead of a list.
  - Several terms return the concatenation of their results, in the order of the terms; O(limit)
    and O(offset) apply to each term.
  - Builds are returned as CircleCI sends them (newest first); every build carries C(username),
    C(reponame) and C(vcs_type), so builds of several projects can be told apart.
author:
  - ciops maintainers (@ciops)
options:
  _terms:
    description:
      - Projects as V(username/project) (the VCS is O(vcs_type)) or V(vcs_type/username/project)
        (V(gh) and V(bb) are accepted for V(github) and V(bitbucket)).
      - V(recent) reads the recent builds of all followed projects; O(branch), O(filter)
        and O(build_num) cannot be used with it, CircleCI has no such selection there.
    type: list
    elements: str
    required: true
  branch:
    description:
      - Only builds of this branch, selected by CircleCI (C(tree/{branch}), the branch name URL-encoded,
        so V(feature/login) works).
    type: str
  filter:
    description:
      - Only builds in this state, selected by CircleCI.
      - V(completed) are finished builds, V(successful) those whose outcome is success,
        V(failed) those that failed (failed, timed out, infrastructure failure...),
        V(running) builds in progress.
    type: str
    choices: [completed, successful, failed, running]
  limit:
    description:
      - How many builds to return per term at most (CircleCI's own default is 30).
      - Any positive number; pages of 100 are fetched as needed, and no page more than needed.
    type: int
    default: 30
  offset:
    description:
      - How many of the newest matching builds to skip.
      - An offset beyond the last build returns an empty list.
    type: int
    default: 0
  shallow:
    description:
      - Ask CircleCI for summary fields only (smaller answers, faster for long lists).
    type: bool
    default: false
  build_num:
    description:
      - Return the full detail of this one build of each project term
        (steps, commit details, previous successful build...).
      - O(branch), O(filter) and the term V(recent) do not apply to a single build and are refused.
    type: int
notes:
  - Runs on the controller, like every lookup; the token is read from O(api_token), the variable
    C(circleci_api_token) or the E(CIRCLECI_TOKEN) environment variable, so it never has to be
    written in a playbook.
  - Returns a list. The C(lookup) function unwraps a one-element list into its only build;
    use the C(query) function (or O(ignore:wantlist=true)) to always get a list.
  - CircleCI does not say how many builds a project has; the lookup reads pages until one is short.
  - Every failure (bad token, unknown project or build, network error, invalid option) raises an
    error naming the request and the fix; nothing is silently returned empty except a list
    that CircleCI answers empty.
seealso:
  - plugin: ciops.circleci.circleci_artifacts
    plugin_type: lookup
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.plugins
'''

EXAMPLES = r'''
# The token comes from CIRCLECI_TOKEN (or the circleci_api_token variable): never in the playbook.
- name: Show the 30 newest builds of acme/app
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_builds', 'acme/app') | map(attribute='build_num') | list }}"

- name: Newest successful build of main
  ansible.builtin.set_fact:
    last_green: "{{ query('ciops.circleci.circleci_builds', 'acme/app', branch='main', filter='successful', limit=1) | first }}"

- name: Deploy the revision of the last green build
  ansible.builtin.debug:
    msg: "Deploying {{ last_green.vcs_revision }} (build {{ last_green.build_num }})"

- name: Read 250 builds (3 requests of 100, 100 and 50) with summary fields only
  ansible.builtin.set_fact:
    history: "{{ query('ciops.circleci.circleci_builds', 'github/acme/app', limit=250, shallow=true) }}"

- name: Count failures on a feature branch of a Bitbucket project
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_builds', 'bitbucket/acme/lib', branch='feature/login', filter='failed', limit=100) | length }}"

- name: Full detail of one build
  ansible.builtin.debug:
    msg: "{{ lookup('ciops.circleci.circleci_builds', 'acme/app', build_num=42).all_commit_details }}"

- name: Recent builds of every followed project, skipping the 10 newest
  ansible.builtin.debug:
    msg: "{{ item.username }}/{{ item.reponame }}#{{ item.build_num }}: {{ item.status }}"
  loop: "{{ query('ciops.circleci.circleci_builds', 'recent', limit=20, offset=10) }}"

- name: Against CircleCI Server, with the connection given explicitly
  ansible.builtin.debug:
    msg: "{{ query('ciops.circleci.circleci_builds', 'acme/app', api_url='https://circleci.example.com/api/v1.1', api_token=my_vaulted_token) }}"
'''

RETURN = r'''
_list:
  description:
    - The builds, newest first, as CircleCI returns them (the union of its C(Build), C(BuildSummary)
      and, with O(build_num), C(BuildDetail) fields; with O(shallow=true) summary fields only).
    - Builds of several terms are concatenated in the order of the terms.
  type: list
  elements: dict
  contains:
    build_num:
      description: Number of the build within its project.
      type: int
      sample: 42
    build_url:
      description: Web page of the build.
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
      description: VCS of the project.
      type: str
      sample: github
    branch:
      description: Branch that was built.
      type: str
      sample: main
    vcs_revision:
      description: Commit that was built.
      type: str
      sample: 5a3e9a4c1f1e4c0b8a7d2b9c6e1f0a3b4c5d6e7f
    status:
      description: CircleCI status (success, failed, running, queued, fixed, canceled...); treat as a free string.
      type: str
      sample: success
    outcome:
      description: Outcome of a finished build, null before it finishes.
      type: str
      sample: success
    lifecycle:
      description: queued, scheduled, not_run, not_running, running or finished.
      type: str
      sample: finished
    why:
      description: What started the build (github, api, retry...).
      type: str
      sample: github
    queued_at:
      description: When the build was queued (ISO 8601).
      type: str
      sample: "2026-05-01T10:00:00.000Z"
    start_time:
      description: When the build started, null before.
      type: str
      sample: "2026-05-01T10:00:05.000Z"
    stop_time:
      description: When the build stopped, null before.
      type: str
      sample: "2026-05-01T10:01:05.000Z"
    build_time_millis:
      description: Duration of the build, null before it finishes.
      type: int
      sample: 60000
    subject:
      description: Subject of the commit.
      type: str
      sample: Fix the login redirect
    steps:
      description: Steps of the build (only with O(build_num)).
      type: list
      elements: dict
      sample: []
    all_commit_details:
      description: Commits of the build (only with O(build_num)).
      type: list
      elements: dict
      sample: [{commit: 5a3e9a4c1f1e4c0b8a7d2b9c6e1f0a3b4c5d6e7f, subject: Fix the login redirect}]
    previous_successful_build:
      description: "The previous green build of the branch (only with O(build_num)): build_num, status, build_time_millis."
      type: dict
      sample: {build_num: 40, status: success, build_time_millis: 59000}
'''

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_build_filter, check_build_num, check_paging
from ansible_collections.ciops.circleci.plugins.plugin_utils._lookup import CircleCILookupBase

RECENT = 'recent'


def plan_requests(terms, default_vcs_type, branch=None, build_filter=None, build_num=None):
    """What to read for each term, checked before any request is sent.

    Returns a list of (kind, project) with kind 'recent' (project None), 'list' or 'build'.
    """
    if not terms:
        raise CircleCIError('circleci_builds needs at least one term: a project such as acme/app, or recent')
    check_build_filter(build_filter)
    if build_num is not None:
        check_build_num(build_num)
        if branch or build_filter:
            raise CircleCIError(
                'build_num reads one build; branch and filter select builds of a list and cannot be combined with it')
    plan = []
    for term in terms:
        if str(term).strip() == RECENT:
            if build_num is not None or branch or build_filter:
                raise CircleCIError(
                    'recent reads GET /recent-builds, which has no branch, filter or build_num; '
                    'give a project (such as acme/app) to use them')
            plan.append(('recent', None))
            continue
        project = parse_project_slug(term, default_vcs_type).require_v1(
            'circleci_builds', 'read its pipelines with the ciops.circleci.circleci_pipelines lookup')
        plan.append(('build' if build_num is not None else 'list', project))
    return plan


class LookupModule(CircleCILookupBase):

    def lookup(self, client, terms, variables):
        branch = self.text_option('branch')
        build_filter = self.get_option('filter') or None
        limit = self.get_option('limit')
        offset = self.get_option('offset')
        shallow = self.get_option('shallow')
        build_num = self.get_option('build_num')
        check_paging(limit, offset)
        plan = plan_requests(terms, client.vcs_type, branch, build_filter, build_num)

        params = {}
        if build_filter:
            params['filter'] = build_filter
        if shallow:
            params['shallow'] = 'true'

        builds = []
        for kind, project in plan:
            if kind == 'recent':
                builds.extend(client.v1.paginate('/recent-builds', params=params, limit=limit, offset=offset))
            elif kind == 'build':
                builds.append(client.v1.get_build(project, build_num))
            else:
                segments = ('tree', branch) if branch else ()
                path = client.v1.project(project, *segments)
                builds.extend(client.v1.paginate(path, params=params, limit=limit, offset=offset))
        return builds
