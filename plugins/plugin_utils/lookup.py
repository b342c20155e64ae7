# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCILookupBase: the LookupBase every ciops.circleci lookup is built on.

It reads the shared connection options (keyword, variable or environment),
builds the one CircleCIClient and turns CircleCIError into AnsibleLookupError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
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
