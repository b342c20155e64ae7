# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CircleCILookupBase: the LookupBase every ciops.circleci lookup is built on.

It reads the shared connection options (keyword, variable, environment or
ansible.cfg), refuses unknown keywords, builds the one CircleCIClient from
the same option list as the modules, and turns CircleCIError into
AnsibleLookupError. Internal to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import ChainMap

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.parsing.convert_bool import BOOLEANS
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._http import HAS_REQUESTS
from ansible_collections.ciops.circleci.plugins.module_utils._options import client_from_options

display = Display()


class CircleCILookupBase(LookupBase):

    def make_client(self):
        return client_from_options(self.get_option, warn=display.warning)

    def known_options(self):
        return C.config.get_configuration_definitions('lookup', self._load_name) or {}

    def option_variables(self, variables):
        """The variables the options read, with the templates in their values rendered.

        Ansible does not template a variable that feeds a lookup option: with
        ``circleci_api_token: "{{ vault_token }}"`` the option would get that text.
        The variables named in this plugin's option definitions are rendered here
        (Ansible renders only trusted templates, so a rendered value is not rendered twice).
        """
        if not variables or self._templar is None:
            return variables
        definitions = self.known_options()
        names = set(entry.get('name') for definition in definitions.values() for entry in definition.get('vars') or [])
        rendered = dict((name, self._templar.template(variables[name])) for name in names if name in variables)
        return ChainMap(rendered, variables) if rendered else variables

    def check_keywords(self, kwargs):
        """A misspelt keyword (patern=...) is an error, never silently dropped."""
        known = [name for name in self.known_options() if not name.startswith('_')]
        unknown = sorted(k for k in kwargs if k not in known)
        if unknown:
            raise AnsibleLookupError(
                'lookup %s: unknown option%s %s; the options are: %s' % (
                    getattr(self, 'ansible_name', None) or self._load_name, 's' if len(unknown) > 1 else '',
                    ', '.join(unknown), ', '.join(sorted(known))))

    def check_booleans(self, kwargs, variables):
        """A boolean option given a word that is not a boolean is an error: Ansible would read
        validate_certs=ture as false and turn certificate checks off."""
        for name, definition in self.known_options().items():
            if definition.get('type') not in ('bool', 'boolean'):
                continue
            given = [(name, kwargs[name])] if name in kwargs else []
            given += [(entry['name'], variables[entry['name']]) for entry in definition.get('vars') or []
                      if variables and entry.get('name') in variables]
            for label, value in given:
                if isinstance(value, bool) or value is None:
                    continue
                word = value.strip().lower() if isinstance(value, str) else value
                if not isinstance(word, (str, int)) or word not in BOOLEANS:
                    raise AnsibleLookupError('lookup %s: %s must be true or false, got %r' % (
                        getattr(self, 'ansible_name', None) or self._load_name, label, value))

    def text_option(self, name):
        """An optional text option: None when unset, an error when given empty (never 'every branch')."""
        value = self.get_option(name)
        if value is not None and not str(value).strip():
            raise CircleCIError('%s must not be empty: leave it out instead' % name)
        return value

    def run(self, terms, variables=None, **kwargs):
        self.check_keywords(kwargs)
        variables = self.option_variables(variables)
        self.check_booleans(kwargs, variables)
        self.set_options(var_options=variables, direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib('requests'))
        client = None
        try:
            client = self.make_client()
            return self.lookup(client, terms, variables)
        except CircleCIError as exc:
            raise AnsibleLookupError(str(exc), orig_exc=exc) from exc
        finally:
            if client is not None:
                client.close()

    def lookup(self, client, terms, variables):
        """Return the lookup's list of results; raise CircleCIError on failure."""
        raise NotImplementedError
