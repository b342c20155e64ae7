# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every module and lookup.
    DOCUMENTATION = r'''
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
      - Root of the CircleCI REST API.
      - Use C(https://<host>/api/v1.1) for CircleCI Server.
      - A URL ending in C(/api/v1) selects the old v1 path form, which addresses GitHub projects only.
      - If not set, the value of the E(CIRCLECI_API_URL) environment variable is used.
    type: str
    default: https://circleci.com/api/v1.1
  vcs_type:
    description:
      - Version control system of the project.
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
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a rate limit (429), a gateway error
        (502, 503, 504) or a connection error, with jittered exponential backoff that
        honours C(Retry-After).
      - GET and DELETE are retried on all of these; a POST only when CircleCI cannot
        have acted on it (429, 503 with C(Retry-After), connection refused).
    type: int
    default: 5
'''

    # The project a module acts on.
    PROJECT = r'''
options:
  username:
    description:
      - The user or organization that owns the project (the VCS owner).
    type: str
    required: true
    aliases: [org]
  project:
    description:
      - The repository name of the project.
    type: str
    required: true
    aliases: [repo]
'''

    # Lookups read the same options from the environment and from variables too.
    PLUGINS = r'''
options:
  api_token:
    env:
      - name: CIRCLECI_TOKEN
      - name: CIRCLE_TOKEN
    vars:
      - name: circleci_api_token
  api_url:
    env:
      - name: CIRCLECI_API_URL
    vars:
      - name: circleci_api_url
  vcs_type:
    vars:
      - name: circleci_vcs_type
  validate_certs:
    vars:
      - name: circleci_validate_certs
  timeout:
    vars:
      - name: circleci_timeout
  retries:
    vars:
      - name: circleci_retries
'''
