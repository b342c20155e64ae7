# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The bulk form of environment variables: circleci_envvar (a project's) and
    # circleci_context_envvar (a context's). update_values differs between them (a project shows
    # masked values, a context none), so each module documents it.
    DOCUMENTATION = r'''
options:
  variables:
    description:
      - The variables to manage in one task (the bulk form).
      - Names must be unique within the list; duplicates are refused with the names listed.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the variable.
        type: str
        required: true
      value:
        description:
          - Value of the variable, a string. Required when O(variables[].state=present).
          - Never returned, logged or shown in a diff.
        type: raw
      state:
        description:
          - Whether the variable should exist.
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - With O(variables), remove every variable (of the project, or of the context) that is not listed.
      - Only valid with O(variables).
    type: bool
    default: false
'''
