# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCIModule: the AnsibleModule every ciops.circleci module is built on.

It declares the shared connection and project options once (_options.py),
builds the one CircleCIClient, and turns CircleCIError into fail_json.
Internal to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.ciops.circleci.plugins.module_utils._options import (
    client_from_options,
    connection_argument_spec,
    project_argument_spec,
    project_from,
)


def _merge_rules(kwargs, rules):
    for key, value in rules.items():
        kwargs[key] = list(value) + list(kwargs.get(key) or [])


class CircleCIModule(AnsibleModule):
    """AnsibleModule with the shared options, one client, and errors mapped to fail_json.

    With project=True the module names a project by project_slug or by
    vcs_type + username + project; ``self.project`` is the parsed
    _project.Project, checked before any request. With project='optional'
    the project may be left out (``self.project`` is then None). v1_only names the operation
    for the message given when a circleci/ slug meets an operation that exists
    only in API v1.1 (and, as v1_instead, the v2 way where there is one).
    """

    def __init__(self, argument_spec=None, project=True, v1_only=None, v1_instead=None, **kwargs):
        spec = connection_argument_spec(env_fallback)
        if project:
            project_spec, rules = project_argument_spec()
            if project == 'optional':
                rules.pop('required_one_of')
            spec.update(project_spec)
            _merge_rules(kwargs, rules)
        spec.update(argument_spec or {})
        super(CircleCIModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        self.project = None
        if project and any(self.params.get(name) is not None for name in project_spec):
            try:
                self.project = project_from(self.params.get)
                if v1_only:
                    self.project.require_v1(v1_only, v1_instead)
            except CircleCIError as exc:
                self.fail_json(msg=str(exc))

    @property
    def client(self):
        if self._client is None:
            try:
                # Every no_log value (a variable value, a key, a signing secret) is scrubbed from the
                # client's messages in every encoding, not only where SECRET_BODY_KEYS names it.
                self._client = client_from_options(self.params.get, warn=self.warn, secrets=sorted(self.no_log_values))
            except CircleCIError as exc:
                self.fail_json(msg=str(exc))
        return self._client

    def api(self, version='v1.1'):
        """The client's API family for an API version as choose_api_version names it ('v1.1', 'v2')."""
        return self.client.v2 if version == 'v2' else self.client.v1

    def project_path(self, *segments):
        """The API v1.1 path of the module's project, with segments appended."""
        return self.client.v1.project(self.project, *segments)

    @property
    def project_slug(self):
        """The project's canonical slug (github/acme/app, circleci/<uuid>/<uuid>), as results show it."""
        return self.project.slug

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
