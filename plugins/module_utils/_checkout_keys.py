# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checkout keys in one shape, whichever API version listed them.

API v1.1 lists {public_key, fingerprint, type, preferred, time, login}. API v2 lists
{public_key, fingerprint, type, preferred, created_at} (its reference spells public-key and
created-at; see V2_FIELDS) and calls a user key 'user-key' in request bodies.
circleci_checkout_key and circleci_project_info show the v1.1 shape for both.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib

from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import SHA256_PREFIX

CHECKOUT_KEY_TYPES = ('deploy-key', 'github-user-key')
DIGESTS = ('md5', 'sha256')
DIGEST_NAMES = {'md5': 'MD5', 'sha256': 'SHA-256'}
KEY_FIELDS = ('public_key', 'fingerprint', 'type', 'preferred', 'time', 'login')
# The API v2 fields shown under another (the API v1.1) name. The published v2 reference spells the key's
# fields public-key and created-at; recorded circleci.com answers (the list and the answer to a create)
# spell them public_key and created_at. pick and field (_fields) read either spelling.
V2_FIELDS = {'created_at': 'time'}
# The type a v2 POST body names; the lists show 'github-user-key' (and a 'user-key' is read as one).
V2_TYPES = {'deploy-key': 'deploy-key', 'github-user-key': 'user-key'}
TYPES_SHOWN = {'user-key': 'github-user-key'}


def normalize_key(key):
    """The documented fields of a checkout key from API v1.1 or v2 (the server's spelling of the
    fingerprint is kept for URLs)."""
    out = pick(key, KEY_FIELDS)
    for v2_name, shown in V2_FIELDS.items():
        if out[shown] is None:
            out[shown] = field(key, v2_name)
    out['type'] = TYPES_SHOWN.get(out['type'], out['type'])
    return out


def sha256_fingerprint(public_key):
    """SHA256:<base64> of an OpenSSH public key line, as ssh-keygen -l prints it; None when unreadable."""
    fields = (public_key or '').split()
    if len(fields) < 2:
        return None
    try:
        blob = base64.b64decode(fields[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    return SHA256_PREFIX + base64.b64encode(hashlib.sha256(blob).digest()).decode('ascii').rstrip('=')
