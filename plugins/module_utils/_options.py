# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection and project options, listed once for modules and lookups.

Modules build their argument_spec from these lists; lookups read the same
names through get_option (documented in doc_fragments/connection.py). Both
build the client with client_from_options. Internal to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils._http import DEFAULT_API_URL, CircleCIClient
from ansible_collections.ciops.circleci.plugins.module_utils._project import project_from_options

CONNECTION_OPTIONS = ('api_token', 'api_url', 'runner_url', 'vcs_type', 'validate_certs', 'timeout', 'retries')
PROJECT_OPTIONS = ('project_slug', 'username', 'project')
TOKEN_ENV = ['CIRCLECI_TOKEN', 'CIRCLE_TOKEN']
URL_ENV = ['CIRCLECI_API_URL']
RUNNER_URL_ENV = ['CIRCLECI_RUNNER_URL']


def connection_argument_spec(env_fallback):
    """argument_spec entries of CONNECTION_OPTIONS (env_fallback comes from AnsibleModule's world)."""
    return dict(
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, TOKEN_ENV)),
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, URL_ENV)),
        # No default: derived from api_url (_runner.runner_root).
        runner_url=dict(type='str', fallback=(env_fallback, RUNNER_URL_ENV)),
        vcs_type=dict(type='str', default='github', choices=['github', 'bitbucket']),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=30),
        retries=dict(type='int', default=5),
    )


def project_argument_spec():
    """argument_spec entries of PROJECT_OPTIONS and the rules between them."""
    spec = dict(
        project_slug=dict(type='str'),
        username=dict(type='str', aliases=['org']),
        project=dict(type='str', aliases=['repo']),
    )
    rules = dict(
        mutually_exclusive=[('project_slug', 'username'), ('project_slug', 'project')],
        required_one_of=[('project_slug', 'project')],
        required_together=[('username', 'project')],
    )
    return spec, rules


def client_from_options(get, warn=None, secrets=()):
    """The one CircleCIClient, from a function that returns an option's value by name; ``secrets``
    are values it keeps out of every message (a module's no_log values)."""
    return CircleCIClient(warn=warn, secrets=secrets, **dict((name, get(name)) for name in CONNECTION_OPTIONS))


def project_from(get):
    """The _project.Project named by the project options (get: option name -> value)."""
    return project_from_options(vcs_type=get('vcs_type'), **dict((name, get(name)) for name in PROJECT_OPTIONS))
