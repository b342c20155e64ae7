# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Builds: one normalised shape for CircleCI build objects, and the wait loop.

CircleCI answers with differently shaped build objects depending on the
endpoint (the v1 Swagger description splits them over three schemas: trigger -> Build or BuildSummary, list ->
BuildSummary, single GET -> BuildDetail, retry/cancel -> Build). Every plugin
that returns a build passes it through ``normalize_build`` so that playbooks
see the same keys whatever endpoint produced them.

``wait_for_build`` polls without ever sleeping for real in unit tests: the
clock, the sleep function and the wall clock are injectable.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time


# The keys of a normalised build, in the order a person reads them.
BUILD_FIELDS = (
    'build_num', 'build_url', 'username', 'reponame', 'vcs_type', 'branch', 'vcs_revision', 'vcs_tag',
    'lifecycle', 'status', 'outcome', 'why', 'queued_at', 'start_time', 'stop_time', 'build_time_millis',
    'retry_of', 'canceled', 'parallel', 'subject', 'committer_name',
)

# Lifecycles of a build that has not finished yet (queued/scheduled/not_running wait for a machine).
ACTIVE_LIFECYCLES = frozenset(('queued', 'scheduled', 'not_running', 'running'))
# Lifecycles a build never leaves: finished, or not_run (CircleCI decided not to run it, e.g. [ci skip]).
TERMINAL_LIFECYCLES = frozenset(('finished', 'not_run'))

DEFAULT_SUCCESS_OUTCOMES = ('success', 'no_tests')

# Polling: the first minute at poll_interval, then 10% longer per poll, at most 4 x poll_interval.
STEADY_SECONDS = 60.0
GROWTH = 1.1
MAX_FACTOR = 4.0


def normalize_build(build):
    """A CircleCI build object (any of its shapes) -> a dict with exactly BUILD_FIELDS.

    Missing fields become None; unknown fields are dropped (they differ by
    endpoint and would make results change shape). None stays None.
    """
    if build is None:
        return None
    if not isinstance(build, dict):
        raise TypeError('a build object must be a dict, got %s' % type(build).__name__)
    return dict((key, build.get(key)) for key in BUILD_FIELDS)


def is_finished(build):
    return bool(build) and build.get('lifecycle') in TERMINAL_LIFECYCLES


def is_active(build):
    return bool(build) and build.get('lifecycle') in ACTIVE_LIFECYCLES


def build_matches(build, branch=None, revision=None, tag=None):
    """True when the build is of this branch / revision (prefix, case-insensitive) / tag, where given."""
    if branch is not None and build.get('branch') != branch:
        return False
    if revision:
        have = (build.get('vcs_revision') or '').lower()
        if not have or not have.startswith(revision.lower()):
            return False
    if tag and build.get('vcs_tag') != tag:
        return False
    return True


def find_active_build(builds, branch=None, revision=None, tag=None):
    """The newest build of the list (CircleCI lists newest first) that is not finished and matches."""
    for build in builds or []:
        if isinstance(build, dict) and is_active(build) and build_matches(build, branch, revision, tag):
            return build
    return None


def outcome_ok(build, success_outcomes=DEFAULT_SUCCESS_OUTCOMES):
    return build.get('lifecycle') == 'finished' and build.get('outcome') in success_outcomes


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


def _note(history, build, elapsed, now):
    entry = {
        'time': iso_time(now()),
        'seconds': round(elapsed, 1),
        'lifecycle': build.get('lifecycle'),
        'status': build.get('status'),
        'outcome': build.get('outcome'),
    }
    if history:
        last = history[-1]
        if all(last[k] == entry[k] for k in ('lifecycle', 'status', 'outcome')):
            return
    history.append(entry)


def wait_for_build(get_build, timeout, poll_interval, build=None, clock=time.monotonic, sleep=time.sleep,
                   now=utc_now):
    """Poll ``get_build()`` until the build's lifecycle is terminal or ``timeout`` seconds have passed.

    ``build`` is the state already known (e.g. the trigger's answer): no GET
    is made for it, the first poll comes after one interval. Without it the
    loop reads the build first. Returns ``(build, history, waited_seconds)``,
    the build normalised; the caller tells a timeout from ``is_finished``.
    The last poll happens at the deadline, so the state reported on a
    timeout is at most a request old. ``history`` lists every change of
    lifecycle/status/outcome with its UTC time and the seconds since the
    wait started.
    """
    if poll_interval is None or poll_interval <= 0:
        raise ValueError('poll_interval must be positive')
    start = clock()
    history = []
    if build is None:
        build = get_build()
    build = normalize_build(build)
    _note(history, build, 0.0, now)
    interval = None
    while not is_finished(build):
        elapsed = clock() - start
        remaining = timeout - elapsed
        if remaining <= 0:
            break
        interval = next_poll_interval(poll_interval, elapsed, interval)
        sleep(min(interval, remaining))
        build = normalize_build(get_build())
        _note(history, build, clock() - start, now)
    return build, history, clock() - start
