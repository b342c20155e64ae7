# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ansible's collection finder, installed before any test imports ansible_collections.ciops.circleci.

Under ``ansible-test units`` it is installed already. Under plain pytest (``make unit``:
``PYTHONPATH=<dir holding ansible_collections>``) it is installed here, once and first, the way
ansible-test's pytest plugin does it: lookups need it for ``lookup_loader`` and their doc fragments,
and a finder installed after the collection was imported as a plain namespace package breaks every
later import ('collection metadata was not loaded').
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder


def _collections_root():
    """The directory that holds ansible_collections/ciops/circleci (this file is 5 levels below it)."""
    path = os.path.abspath(__file__)
    for dummy in range(6):
        path = os.path.dirname(path)
    return path


if AnsibleCollectionConfig.collection_finder is None:
    _AnsibleCollectionFinder(paths=[_collections_root()])._install()  # pylint: disable=protected-access
