# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCILookupBase: the LookupBase every ciops.circleci lookup is built on.

It reads the shared connection options (keyword, variable or environment),
builds the one CircleCIClient and turns CircleCIError into AnsibleLookupError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import ChainMap

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.ciops.circleci.plugins.module_utils.api import (
    HAS_REQUESTS,
    CircleCIClient,
    CircleCIError,
)

display = Display()


class CircleCILookupBase(LookupBase):

    def make_client(self):
        return CircleCIClient(
            api_token=self.get_option('api_token'),
            api_url=self.get_option('api_url'),
            vcs_type=self.get_option('vcs_type'),
            validate_certs=self.get_option('validate_certs'),
            timeout=self.get_option('timeout'),
            retries=self.get_option('retries'),
            warn=display.warning,
        )

    def option_variables(self, variables):
        """The variables the options read, with the templates in their values rendered.

        Ansible does not template a variable that feeds a lookup option: with
        ``circleci_api_token: "{{ vault_token }}"`` the option would get that text.
        The variables named in this plugin's option definitions are rendered here
        (Ansible renders only trusted templates, so a rendered value is not rendered twice).
        """
        if not variables or self._templar is None:
            return variables
        definitions = C.config.get_configuration_definitions('lookup', self._load_name) or {}
        names = set(entry.get('name') for definition in definitions.values() for entry in definition.get('vars') or [])
        rendered = dict((name, self._templar.template(variables[name])) for name in names if name in variables)
        return ChainMap(rendered, variables) if rendered else variables

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=self.option_variables(variables), direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib('requests'))
        client = None
        try:
            client = self.make_client()
            return self.lookup(client, terms, variables)
        except CircleCIError as exc:
            raise AnsibleLookupError(str(exc))
        finally:
            if client is not None:
                client.close()

    def lookup(self, client, terms, variables):
        """Return the lookup's list of results; raise CircleCIError on failure."""
        raise NotImplementedError
