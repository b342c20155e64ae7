# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one place where the collection reads a field of a CircleCI API v2 answer.

CircleCI's published v2 reference and what circleci.com sends do not always spell a field
the same way. The reference writes some fields in kebab-case (``public-key``, ``created-at``
for checkout keys; ``verify-tls``, ``signing-secret`` for webhooks), while recorded
circleci.com answers spell the same fields in snake_case (``public_key``, ``created_at``,
``verify_tls``, ``signing_secret``). Where nothing was recorded, either may come. So every
field of more than one word that the collection reads from a v2 answer is named here once,
in snake_case, and read in either spelling.

How a resource uses it (checkout keys do, in _checkout_keys.py; a webhook module would too):

1. list the fields it reads, in snake_case, next to the fact that says how they are spelled;
2. read them with ``pick(answer, FIELDS)`` (or ``field(answer, 'created_at')`` for one), which
   gives a dict keyed by the snake_case names whatever the answer's spelling;
3. rename them to what the module returns, if it returns other names.

Requests are another matter: send the spelling known to work (for webhooks, snake_case,
which CircleCI reads; it ignores hyphenated keys), never both blindly.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def spellings(name):
    """The spellings of a field named in snake_case: ('created_at', 'created-at'); a one-word name has one."""
    kebab = name.replace('_', '-')
    return (name,) if kebab == name else (name, kebab)


def field(answer, name, default=None):
    """The value of the field ``name`` (snake_case) of a JSON object, in whichever spelling CircleCI sent it:
    the first spelling with a value that is not null, else ``default`` (also when ``answer`` is not an object)."""
    if not isinstance(answer, dict):
        return default
    for spelling in spellings(name):
        value = answer.get(spelling)
        if value is not None:
            return value
    return default


def pick(answer, names):
    """{name: field(answer, name)} for each snake_case name: the fields a resource reads, in one spelling."""
    return dict((name, field(answer, name)) for name in names)
