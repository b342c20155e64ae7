# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCIModule: the AnsibleModule every ciops.circleci module is built on.

It declares the shared connection and project options once, builds the one
CircleCIClient, and turns CircleCIError into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.ciops.circleci.plugins.module_utils.api import (
    DEFAULT_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    CircleCIClient,
    CircleCIError,
)


def connection_argument_spec():
    """Options every module shares; documented once in doc_fragments/connection.py."""
    return dict(
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['CIRCLECI_TOKEN', 'CIRCLE_TOKEN'])),
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['CIRCLECI_API_URL'])),
        vcs_type=dict(type='str', default='github', choices=['github', 'bitbucket']),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=30),
        retries=dict(type='int', default=5),
    )


def project_argument_spec():
    """The project a module acts on; documented in doc_fragments/connection.py (PROJECT)."""
    return dict(
        username=dict(type='str', required=True, aliases=['org']),
        project=dict(type='str', required=True, aliases=['repo']),
    )


class CircleCIModule(AnsibleModule):
    """AnsibleModule with the shared options, one client, and errors mapped to fail_json."""

    def __init__(self, argument_spec=None, project=True, **kwargs):
        spec = connection_argument_spec()
        if project:
            spec.update(project_argument_spec())
        spec.update(argument_spec or {})
        super(CircleCIModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            p = self.params
            self._client = CircleCIClient(
                api_token=p['api_token'], api_url=p['api_url'], vcs_type=p['vcs_type'],
                validate_certs=p['validate_certs'], timeout=p['timeout'], retries=p['retries'],
                warn=self.warn)
        return self._client

    def project_path(self, *segments):
        """The API path of the module's project, with segments appended."""
        return self.client.project_path(self.params['username'], self.params['project'], *segments)

    @property
    def project_slug(self):
        return '%s/%s/%s' % (self.params['vcs_type'], self.params['username'], self.params['project'])

    def run(self, func):
        """exit_json(**func(self)); a CircleCIError becomes fail_json with a readable message."""
        try:
            result = func(self)
        except CircleCIError as exc:
            self.fail_json(msg=str(exc), **exc.result())
        finally:
            if self._client is not None:
                self._client.close()
        self.exit_json(**result)
