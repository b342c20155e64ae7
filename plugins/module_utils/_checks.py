# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Input rules that several plugins share, each written once: a UUID, a positive integer, a worker count.

Each raises CircleCIError with a one-line message naming the option, before any request.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError


# CircleCI's ids (pipelines, workflows, jobs, definitions, contexts, organizations, projects) are UUIDs.
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
# The id a message shows as an example (a pipeline's); callers about another kind of id may show one of theirs.
UUID_EXAMPLE = '5034460f-c7c4-4c43-9457-de07e2029e7b'

# How many requests a plugin sends at the same time at most (its option ``workers``).
MAX_WORKERS = 32


def check_uuid(label, value, example=UUID_EXAMPLE):
    """An id CircleCI gives as a UUID, stripped and in lower case (the form CircleCI answers with)."""
    if not isinstance(value, str) or not UUID_RE.match(value.strip()):
        raise CircleCIError('%s must be a UUID such as %s, got %r' % (label, example, value))
    return value.strip().lower()


def check_positive_int(label, value):
    """A count or a number (build_num, pipeline_number, limit, parallel, ...): an integer from 1, not a boolean."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CircleCIError('%s must be a positive integer, got %r' % (label, value))
    return value


def check_workers(workers):
    """The option ``workers``: how many requests are sent at the same time, 1 to MAX_WORKERS."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise CircleCIError('workers must be an integer from 1 to %d, got %r' % (MAX_WORKERS, workers))
    return workers
