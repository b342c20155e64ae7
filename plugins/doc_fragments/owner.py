# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The owner of contexts (an organization, or a CircleCI Server account): circleci_context,
    # circleci_context_envvar, circleci_context_info.
    DOCUMENTATION = r'''
options:
  owner_slug:
    description:
      - The organization that owns the contexts, as C(gh/<org>), C(bb/<org>) or C(circleci/<org-uuid>)
        (C(github/<org>) and C(bitbucket/<org>) are accepted too).
      - Give O(owner_slug) or O(owner_id).
    type: str
  owner_id:
    description:
      - The UUID of the organization (or, on CircleCI Server, the account) that owns the contexts.
      - Give O(owner_slug) or O(owner_id).
    type: str
  owner_type:
    description:
      - The kind of owner O(owner_id) names. V(account) exists on CircleCI Server only, and is named by
        O(owner_id) only.
    type: str
    choices: [organization, account]
    default: organization
'''
