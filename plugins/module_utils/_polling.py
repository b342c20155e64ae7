# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling and time: how often a wait reads, when a failed read ends it, and CircleCI's times.

Shared by the waits of API v1.1 builds (_builds.wait_for_build) and of API v2 pipelines
(_pipelines.wait_for_pipeline): one interval rule, one rule for failed reads, one clock.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re


# Polling: the first minute at poll_interval, then 10% longer per poll, at most 4 x poll_interval.
STEADY_SECONDS = 60.0
GROWTH = 1.1
MAX_FACTOR = 4.0

# A read that fails during a wait (see transient) does not end it: the wait ends when this many reads in a
# row have failed, or at its deadline. Reads are idempotent, so trying one again later is always safe.
MAX_FAILED_POLLS = 3


def transient(exc):
    """Whether a read that failed with ``exc`` (a CircleCIError) may succeed when tried again later: a 5xx
    answer (after the client's own retries), an HTML page (a proxy's, whatever its status), a 2xx answer
    whose body is not the JSON expected, or no answer at all. A JSON 4xx answer (401, 403, 404, ...) will
    not change by waiting, and a write whose outcome is unknown is never taken for a passing failure."""
    if exc.outcome_unknown:
        return False
    status = exc.status
    return status is None or status >= 500 or 200 <= status < 300 or bool(exc.html)


def next_poll_interval(poll_interval, elapsed, previous):
    """Seconds to sleep before the next poll.

    poll_interval for the first minute (short builds are seen finishing
    quickly), then 10% longer per poll, capped at 4 x poll_interval (a 30
    minute build with poll_interval 5 costs about 106 GETs, not 360).
    """
    if elapsed < STEADY_SECONDS or previous is None:
        return float(poll_interval)
    return min(float(previous) * GROWTH, float(poll_interval) * MAX_FACTOR)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def iso_time(moment):
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


_TIME_RE = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$')


def parse_time(text):
    """An ISO 8601 time as CircleCI writes it ('2026-11-27T10:00:00.123Z') -> aware datetime, or None."""
    match = _TIME_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = match.group(7)
    offset = datetime.timedelta(0)
    if zone and zone != 'Z':
        digits = zone[1:].replace(':', '')
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if zone[0] == '-':
            offset = -offset
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return moment - offset
