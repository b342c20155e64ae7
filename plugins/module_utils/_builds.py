# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Builds (API v1.1): one normalised shape for CircleCI build objects, the trigger body, the read of
the running builds, and the wait.

CircleCI answers with differently shaped build objects depending on the
endpoint (the v1 Swagger description splits them over three schemas: trigger -> Build or BuildSummary, list ->
BuildSummary, single GET -> BuildDetail, retry/cancel -> Build). Every plugin
that returns a build passes it through ``normalize_build`` so that playbooks
see the same keys whatever endpoint produced them.

``wait_for_build`` polls without ever sleeping for real in unit tests: the
clock, the sleep function and the wall clock are injectable. ``follow_build`` runs it
with the wait options of circleci_build and says what the outcome was.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int
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

RECENT_BUILDS = 100  # CircleCI's largest page: one request sees every recent build


def check_trigger(revision=None, tag=None, parallel=None, build_parameters=None):
    """Rules of the build trigger body: at most one of revision/tag (CircleCI refuses both together;
    the v1 Swagger description says so only in prose)."""
    if revision and tag:
        raise CircleCIError('revision and tag are mutually exclusive: give one of them')
    if parallel is not None:
        check_positive_int('parallel', parallel)
    if build_parameters is not None:
        if not isinstance(build_parameters, dict):
            raise CircleCIError('build_parameters must be a dictionary of strings')
        bad = sorted(k for k, v in build_parameters.items() if not isinstance(v, str))
        if bad:
            raise CircleCIError(
                'build_parameters values must be strings; quote the values of: %s' % ', '.join(bad))


def trigger_body(revision=None, tag=None, parallel=None, build_parameters=None):
    """The JSON body of a build trigger, omitting unset fields rather than sending null."""
    check_trigger(revision, tag, parallel, build_parameters)
    body = {}
    if revision:
        body['revision'] = revision
    if tag:
        body['tag'] = tag
    if parallel is not None:
        body['parallel'] = parallel
    if build_parameters:
        body['build_parameters'] = build_parameters
    return body


def retired(exc, params, project, action):
    """A clearer CircleCIError for a 410 Gone from a retired v1.1 build endpoint (the trigger or the retry
    of circleci_build, its ``params``), naming the circleci_pipeline options that replace the ones given,
    and saying which have no equivalent."""
    p = params
    notes = []
    if p.get('build_parameters'):
        notes.append('build_parameters become parameters: (each declared as a pipeline parameter in the config)')
    if p.get('revision'):
        notes.append('revision has no equivalent (API v2 builds the head of a branch or a tag)')
    if p.get('parallel') is not None:
        notes.append('parallel has no equivalent (set parallelism in the config)')
    if action == 'retry':
        notes.append('to rerun what failed use state: rerun with pipeline_id')
    if p.get('wait'):
        notes.append('wait, wait_timeout and cancel_on_timeout keep their names; success_outcomes become '
                     'success_statuses')
    return CircleCIError(
        'CircleCI no longer accepts API v1.1 build %s requests (410 Gone for %s %s): these endpoints were '
        'retired on 2027-02-01. Trigger a pipeline through API v2 instead: ciops.circleci.circleci_pipeline with '
        'project_slug: %s%s (POST /api/v2/project/%s/pipeline/run)%s; docs/migrating-from-v1.md maps every option.'
        % (action, exc.method, exc.path, project.short_slug,
           ' and branch: %s' % p['branch'] if p.get('branch') else ' and tag: %s' % p['tag'] if p.get('tag') else '',
           project.short_slug, ''.join('; ' + note for note in notes)),
        status=exc.status, method=exc.method, path=exc.path, server_message=exc.server_message)


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


def find_running(client, project, branch=None, revision=None, tag=None):
    """The newest unfinished build of the project that is of this branch / revision / tag, or None.

    One GET: the branch's recent builds (or the project's, without branch), newest first."""
    path = client.v1.project(project, 'tree', branch) if branch else client.v1.project(project)
    builds = client.v1.list_all(path, params={'limit': RECENT_BUILDS, 'shallow': 'true'})
    return find_active_build(builds, branch=branch, revision=revision, tag=tag)


def outcome_ok(build, success_outcomes=DEFAULT_SUCCESS_OUTCOMES):
    return build.get('lifecycle') == 'finished' and build.get('outcome') in success_outcomes


def describe_outcomes(outcomes):
    outcomes = list(outcomes)
    if len(outcomes) == 1:
        return outcomes[0]
    return '%s or %s' % (', '.join(outcomes[:-1]), outcomes[-1])


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


def follow_build(client, project, build, params, result, cancel, clock=time.monotonic, sleep=time.sleep):
    """Wait for the build as circleci_build's options say (wait_timeout, poll_interval, success_outcomes,
    cancel_on_timeout), and put what was seen in ``result`` (build, history, waited_seconds, timed_out).

    The build is read with GET /project/.../{build_num}. ``cancel(build_num)`` cancels it after a
    timeout with cancel_on_timeout and returns CircleCI's answer. Returns the message to fail the task
    with, or None when the build finished with one of success_outcomes.
    """
    p = params
    if not build.get('build_num'):
        raise CircleCIError('CircleCI did not say which build it started (no build_num in its answer), so there is nothing to wait for')
    path = client.v1.project(project, str(build['build_num']))
    build, history, waited, gave_up = wait_for_build(
        lambda: client.v1.get(path), p['wait_timeout'], p['poll_interval'], build=build, clock=clock, sleep=sleep)
    result.update(build=build, history=history, waited_seconds=round(waited, 1), timed_out=not is_finished(build))
    if gave_up is not None:
        result.update(gave_up.result())
        return str(gave_up)
    url = build.get('build_url') or path
    if result['timed_out']:
        msg = 'Timed out after %ds waiting for build %s (lifecycle %s, status %s): %s' % (
            int(round(waited)), build['build_num'], build.get('lifecycle'), build.get('status'), url)
        if p['cancel_on_timeout']:
            answer = cancel(build['build_num'])
            if isinstance(answer, dict):
                result['build'] = normalize_build(dict(build, **answer))
            msg += '; canceled the build (cancel_on_timeout=true)'
        else:
            msg += '; the build keeps running (set cancel_on_timeout to cancel it)'
        return msg
    if not outcome_ok(build, p['success_outcomes']):
        if build.get('lifecycle') == 'finished':
            what = 'finished with outcome %s' % build.get('outcome')
        else:
            what = 'ended with lifecycle %s and no outcome' % build.get('lifecycle')
        return 'Build %s of %s %s (expected %s): %s' % (
            build['build_num'], project.slug, what, describe_outcomes(p['success_outcomes']), url)
    return None
