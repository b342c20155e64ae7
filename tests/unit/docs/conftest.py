# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Install Ansible's collection finder before these tests import ansible_collections.ciops.circleci.

pytest collects tests/unit/docs before tests/unit/plugins; the lookup tests' conftest installs the
finder too, and a finder installed after the collection was imported as a plain namespace package
breaks every later import ('collection metadata was not loaded'). Installed here the same way, first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder


def collections_root():
    """The directory that holds ansible_collections/ciops/circleci (this file is 6 levels below it)."""
    path = os.path.abspath(__file__)
    for dummy in range(7):
        path = os.path.dirname(path)
    return path


if AnsibleCollectionConfig.collection_finder is None:
    _AnsibleCollectionFinder(paths=[collections_root()])._install()  # pylint: disable=protected-access
