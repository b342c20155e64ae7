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

import time

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._polling import (  # noqa: F401 (part of the interface)
    MAX_FAILED_POLLS,
    iso_time,
    next_poll_interval,
    transient,
    utc_now,
)


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
    loop reads the build first. Returns ``(build, history, waited_seconds, gave_up)``,
    the build normalised (its last known state); the caller tells a timeout from ``is_finished``.
    The last poll happens at the deadline, so the state reported on a
    timeout is at most a request old. ``history`` lists every change of
    lifecycle/status/outcome with its UTC time and the seconds since the
    wait started, and every failed read (status 'poll failed', with its error).
    A read that fails transiently (_polling.transient) is tried again at the next
    interval; MAX_FAILED_POLLS failures in a row end the wait: ``gave_up`` is then the
    CircleCIError to fail with (naming the last failure), else None. Any other error is raised.
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
    failed = 0
    while not is_finished(build):
        elapsed = clock() - start
        remaining = timeout - elapsed
        if remaining <= 0:
            break
        interval = next_poll_interval(poll_interval, elapsed, interval)
        sleep(min(interval, remaining))
        try:
            polled = normalize_build(get_build())
        except CircleCIError as exc:
            # One bad answer does not end a long wait (see _polling.transient); several in a row do.
            if not transient(exc):
                raise
            failed += 1
            history.append({'time': iso_time(now()), 'seconds': round(clock() - start, 1), 'lifecycle': None,
                            'status': 'poll failed', 'outcome': None, 'error': str(exc)})
            if failed >= MAX_FAILED_POLLS:
                return build, history, clock() - start, CircleCIError(
                    'Gave up waiting for build %s after %d failed reads in a row (%ds into the wait); the last: %s'
                    % (build.get('build_num'), failed, int(round(clock() - start)), exc),
                    status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message,
                    html=exc.html)
            continue
        failed = 0
        build = polled
        _note(history, build, clock() - start, now)
    return build, history, clock() - start, None
