# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every module and lookup.
    DOCUMENTATION = r'''
requirements:
  - requests (Python library) on the host that runs the module (usually localhost), or on the controller for lookups
options:
  api_token:
    description:
      - CircleCI API token, sent in the C(Circle-Token) header (never in the URL).
      - A personal API token can do everything; a project API token cannot create
        C(github-user-key) checkout keys or read C(/me).
      - If not set, the value of the E(CIRCLECI_TOKEN) environment variable is used,
        then E(CIRCLE_TOKEN).
      - Set it once for every module with O(api_token) in
        C(module_defaults) for C(group/ciops.circleci.circleci).
    type: str
  api_url:
    description:
      - The CircleCI host. The collection adds C(/api/v1.1) or C(/api/v2) to it per call.
      - Use C(https://circleci.example.com) for CircleCI Server.
      - A value ending in C(/api/v1.1) or C(/api/v2) is accepted and cut back to the host. A value ending in
        C(/api/v1) selects the old v1 path form, which addresses GitHub projects only.
      - An empty value is an error (it is never taken to mean circleci.com).
      - If not set, the value of the E(CIRCLECI_API_URL) environment variable is used.
    type: str
    default: https://circleci.com
  runner_url:
    description:
      - The host of CircleCI's runner API (self-hosted runners, their resource classes and tokens). The collection
        adds C(/api/v3) to it per call; a value ending in C(/api/v3) is cut back to the host.
      - If not set, it is derived from O(api_url), C(https://runner.circleci.com) when O(api_url) is
        C(circleci.com) (the default), otherwise the O(api_url) host itself, as on CircleCI Server.
      - An empty value is an error.
      - If not set, the value of the E(CIRCLECI_RUNNER_URL) environment variable is used.
      - Only the runner modules send requests to it.
    type: str
    version_added: 1.1.0
  vcs_type:
    description:
      - Version control system of a project named without one (C(username) and C(project) in modules, a term
        such as C(acme/app) in lookups). A project slug such as C(gh/acme/app) carries its own.
    type: str
    choices: [github, bitbucket]
    default: github
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(api_url).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP response.
      - One call, retries included, ends within about O(timeout) x (O(retries) + 1) plus the backoff,
        however slowly CircleCI answers.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a rate limit (429), a gateway error
        (502, 503, 504) or a connection error, with jittered exponential backoff that
        honours C(Retry-After).
      - GET and DELETE are retried on all of these; a POST or PUT only when CircleCI cannot
        have acted on it (429, 503 with C(Retry-After), connection refused). A write whose outcome is
        unknown is never repeated; the task fails and says so (C(outcome_unknown)).
      - A C(Retry-After) longer than the time left for the call fails at once and says when CircleCI
        takes requests again.
    type: int
    default: 5
'''

    # The project a module acts on.
    PROJECT = r'''
options:
  project_slug:
    description:
      - The project as CircleCI's slug, instead of O(vcs_type), O(username) and O(project).
      - C(gh/acme/app) or C(github/acme/app) for GitHub OAuth projects, C(bb/acme/lib) or C(bitbucket/acme/lib)
        for Bitbucket Cloud, C(circleci/<org-uuid>/<project-uuid>) for GitHub App, GitLab and Bitbucket Data
        Center projects (copy it from the project settings of the CircleCI web app).
      - Results show the slug in one form, C(github/acme/app) or C(circleci/<org-uuid>/<project-uuid>).
      - Give either O(project_slug), or O(username) and O(project).
    type: str
  username:
    description:
      - The user or organization that owns the project (the VCS owner).
      - Required with O(project); mutually exclusive with O(project_slug).
    type: str
    aliases: [org]
  project:
    description:
      - The repository name of the project.
      - Required with O(username); mutually exclusive with O(project_slug).
    type: str
    aliases: [repo]
'''

    # Lookups read the same options from the environment, from variables and from ansible.cfg ([circleci]) too.
    PLUGINS = r'''
options:
  api_token:
    env:
      - name: CIRCLECI_TOKEN
      - name: CIRCLE_TOKEN
    vars:
      - name: circleci_api_token
    ini:
      - section: circleci
        key: api_token
  api_url:
    env:
      - name: CIRCLECI_API_URL
    vars:
      - name: circleci_api_url
    ini:
      - section: circleci
        key: api_url
  runner_url:
    env:
      - name: CIRCLECI_RUNNER_URL
    vars:
      - name: circleci_runner_url
    ini:
      - section: circleci
        key: runner_url
  vcs_type:
    vars:
      - name: circleci_vcs_type
    ini:
      - section: circleci
        key: vcs_type
  validate_certs:
    vars:
      - name: circleci_validate_certs
    ini:
      - section: circleci
        key: validate_certs
  timeout:
    vars:
      - name: circleci_timeout
    ini:
      - section: circleci
        key: timeout
  retries:
    vars:
      - name: circleci_retries
    ini:
      - section: circleci
        key: retries
'''
