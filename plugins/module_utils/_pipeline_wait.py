# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 pipelines, the wait: follow a pipeline until its outcome is known, and say what it was.

``wait_for_pipeline`` is given the functions that read CircleCI, and its clock, sleep and wall
clock are injectable, so that unit tests never sleep. ``follow`` runs it with a
_pipeline_reader.PipelineReader and the wait options of circleci_pipeline, and turns the outcome
into the task's result and message. Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._pipelines import (
    DEFAULT_SUCCESS_STATUSES,
    PIPELINE_SETTLED,
    awaiting_continuation,
    capital,
    current_workflows,
    describe_ref,
    describe_workflows,
    error_messages,
    is_finished,
    is_on_hold,
    not_green,
)
from ansible_collections.ciops.circleci.plugins.module_utils._polling import (
    MAX_FAILED_POLLS,
    iso_time,
    next_poll_interval,
    transient,
    utc_now,
)


# Why the wait stopped.
FINISHED = 'finished'          # every workflow finished
ON_HOLD = 'on_hold'            # every unfinished workflow waits for an approval (and stop_on_hold, or one is red)
ERRORED = 'errored'            # the pipeline errored: no workflow will run
NO_WORKFLOW = 'no_workflow'    # no workflow appeared within first_workflow_timeout
TIMEOUT = 'timeout'            # wait_timeout passed first
POLL_FAILED = 'poll_failed'    # MAX_FAILED_POLLS reads in a row failed

RATE_LIMIT_FACTOR = 2.0
# Job statuses a failure message names.
FAILED_JOB_STATUSES = ('failed', 'infrastructure_fail', 'timedout')


class _History(object):
    """Every change of the pipeline's state or of a workflow's status, and every failed read, with its time."""

    def __init__(self, now):
        self.entries = []
        self._now = now
        self._last = {}

    def note(self, seconds, what, name, item_id, status):
        key = (what, item_id)
        if self._last.get(key) == status:
            return
        self._last[key] = status
        self.entries.append({'time': iso_time(self._now()), 'seconds': round(seconds, 1), 'what': what,
                             'name': name, 'id': item_id, 'status': status})

    def failed_poll(self, seconds, pipeline_id, exc):
        """A read that failed; each one is recorded, with the client's message (never a secret: it is scrubbed)."""
        self.entries.append({'time': iso_time(self._now()), 'seconds': round(seconds, 1), 'what': 'poll',
                             'name': None, 'id': pipeline_id, 'status': 'failed', 'error': str(exc)})


def wait_for_pipeline(read_pipeline, read_workflows, timeout, poll_interval, first_workflow_timeout=60,
                      stop_on_hold=False, success_statuses=DEFAULT_SUCCESS_STATUSES, pipeline=None, workflows=None,
                      expect_ids=(), replaced=(), released=(), read_final=None, clock=time.monotonic,
                      sleep=time.sleep, now=utc_now):
    """Follow a pipeline until its outcome is known, or ``timeout`` seconds have passed.

    One request per poll: ``read_pipeline()`` (a normalised pipeline) until its state
    settles, then ``read_workflows()`` (the normalised workflows, every page), and the
    pipeline again while it has no workflow (it may still turn errored). The
    interval is _polling.next_poll_interval's (poll_interval for a minute, then growing);
    a poll answered 429 after the client's own retries doubles the next interval.

    A poll that fails transiently (see transient) is recorded in the history and the wait goes
    on; MAX_FAILED_POLLS failed polls in a row end it (outcome POLL_FAILED). Any other
    CircleCIError of a read is raised.

    ``pipeline``/``workflows`` are what the caller knows already (the trigger's answer,
    the workflows read before an approval): no request repeats them, the first poll
    comes after one interval. ``expect_ids`` are workflow ids that must be listed before
    the wait can end (a rerun's new workflows); ``replaced`` are the ids of workflows a rerun
    replaced without naming the new run: the wait goes on while one of them is still the
    newest run of its name. ``released`` are workflows just approved, whose on_hold status
    does not count until they have been seen leaving it.

    ``read_final(pipeline, workflows) -> (pipeline, workflows)``, when given, is read once the
    outcome is known (say, the jobs of each workflow), with the same patience: a transient
    failure is tried again after ``poll_interval`` seconds, up to MAX_FAILED_POLLS in a row.

    Returns a dict: pipeline, workflows (current runs, see current_workflows), history,
    waited_seconds, outcome (FINISHED, ON_HOLD, ERRORED, NO_WORKFLOW, TIMEOUT, POLL_FAILED), polls,
    rate_limited, failed_polls, and last_error: the CircleCIError of the last read when it failed
    (with POLL_FAILED, or a TIMEOUT that came while reads failed), else None.
    """
    if poll_interval is None or poll_interval <= 0:
        raise ValueError('poll_interval must be positive')
    start = clock()
    history = _History(now)
    expect_ids = set(expect_ids or ())
    replaced = set(replaced or ())
    released = set(released or ())
    stats = {'polls': 0, 'rate_limited': 0, 'failed_polls': 0}
    failures = {'in_a_row': 0, 'last': None}

    def elapsed():
        return clock() - start

    def note_pipeline():
        history.note(elapsed(), 'pipeline', None, pipeline.get('id'), pipeline.get('state'))

    def note_workflows():
        for w in workflows:
            history.note(elapsed(), 'workflow', w.get('name'), w.get('id'), w.get('status'))
            if w.get('id') in released and w.get('status') != 'on_hold':
                released.discard(w.get('id'))

    def patient(exc):
        """A read failed: raise unless the failure is transient; True while the wait may go on."""
        if not transient(exc):
            raise exc
        stats['failed_polls'] += 1
        failures['in_a_row'] += 1
        failures['last'] = exc
        history.failed_poll(elapsed(), pipeline.get('id') if pipeline else None, exc)
        return failures['in_a_row'] < MAX_FAILED_POLLS

    def read_well():
        failures['in_a_row'] = 0
        failures['last'] = None

    if pipeline is None:
        stats['polls'] += 1
        pipeline = read_pipeline()
    note_pipeline()
    settled_at = 0.0 if pipeline.get('state') in PIPELINE_SETTLED else None
    if workflows is not None:
        workflows = current_workflows(workflows, expect_ids, replaced)
        note_workflows()
    continuation_since = None

    def decide():
        nonlocal continuation_since
        if pipeline.get('state') == 'errored':
            return ERRORED
        if settled_at is None or workflows is None:
            return None
        if expect_ids - set(w.get('id') for w in workflows):
            return None
        if any(w.get('id') in replaced for w in workflows):
            return None
        if not workflows or awaiting_continuation(workflows):
            if workflows and continuation_since is None:
                continuation_since = elapsed()
            since = settled_at if not workflows else continuation_since
            return NO_WORKFLOW if elapsed() - since >= first_workflow_timeout else None
        unfinished = [w for w in workflows if not is_finished(w)]
        if not unfinished:
            return FINISHED
        holding = [w for w in unfinished if is_on_hold(w) and w.get('id') not in released]
        if len(holding) == len(unfinished) and (stop_on_hold or not_green(workflows, success_statuses)):
            return ON_HOLD
        return None

    interval = None
    penalty = 1.0
    while True:
        outcome = decide()
        if outcome:
            break
        remaining = timeout - elapsed()
        if remaining <= 0:
            outcome = TIMEOUT
            break
        interval = next_poll_interval(poll_interval, elapsed(), interval)
        sleep(min(interval * penalty, remaining))
        stats['polls'] += 1
        try:
            if settled_at is None:
                pipeline = read_pipeline()
                note_pipeline()
                if pipeline.get('state') in PIPELINE_SETTLED:
                    settled_at = elapsed()
            else:
                workflows = current_workflows(read_workflows(), expect_ids, replaced)
                note_workflows()
                if not workflows:
                    # Until its config has compiled a created pipeline may still turn errored: no single
                    # endpoint tells both, so while it has no workflow its state is read too.
                    pipeline = read_pipeline()
                    note_pipeline()
            penalty = 1.0
            read_well()
        except CircleCIError as exc:
            if exc.status == 429 and not exc.outcome_unknown:
                # The client honoured Retry-After and still got 429: poll less often, keep waiting.
                stats['rate_limited'] += 1
                penalty = min(penalty * RATE_LIMIT_FACTOR, 4.0)
            elif not patient(exc):
                outcome = POLL_FAILED
                break
    last_error = failures['last']
    if read_final is not None and outcome != POLL_FAILED:
        failures['in_a_row'] = 0
        while True:
            try:
                pipeline, workflows = read_final(pipeline, workflows or [])
                break
            except CircleCIError as exc:
                if not patient(exc):
                    outcome, last_error = POLL_FAILED, exc
                    break
                sleep(float(poll_interval))
    return dict(pipeline=pipeline, workflows=workflows or [], history=history.entries,
                waited_seconds=round(elapsed(), 1), outcome=outcome, last_error=last_error, **stats)


def follow(reader, params, result, pipeline, workflows=None, expect_ids=(), replaced=(), released=(), cancel=None,
           clock=time.monotonic, sleep=time.sleep, now=utc_now):
    """Wait for the pipeline as circleci_pipeline's options say, and put what was seen in ``result``.

    ``params`` gives wait_timeout, poll_interval, first_workflow_timeout, stop_on_hold, success_statuses and
    cancel_on_timeout (and the branch or tag a message names when the pipeline does not say). The pipeline
    and its workflows are read through ``reader`` (a _pipeline_reader.PipelineReader); once the outcome is
    known, the jobs of each workflow, and the pipeline once more when the trigger's answer was all that was
    known of it. ``cancel(workflows)`` cancels the unfinished workflows after a timeout with
    cancel_on_timeout and returns what it canceled. ``pipeline``, ``workflows``, ``expect_ids``,
    ``replaced`` and ``released`` are wait_for_pipeline's.

    Returns the message to fail the task with, or None when the wait ended well: every workflow
    succeeded, or waits for an approval (``result['msg']`` says which).
    """
    p = params
    success = p['success_statuses']

    def read_final(pipeline, workflows):
        if pipeline.get('revision') is None and pipeline.get('id'):
            # The trigger's answer has no branch, tag or revision: read the pipeline once for the record.
            pipeline = reader.pipeline(pipeline['id'])
        return pipeline, reader.with_jobs(workflows)

    waited = wait_for_pipeline(
        lambda: reader.pipeline(pipeline['id']), lambda: reader.workflows(pipeline),
        p['wait_timeout'], p['poll_interval'], first_workflow_timeout=p['first_workflow_timeout'],
        stop_on_hold=p['stop_on_hold'], success_statuses=success, pipeline=pipeline, workflows=workflows,
        expect_ids=expect_ids, replaced=replaced, released=released, read_final=read_final,
        clock=clock, sleep=sleep, now=now)
    pipeline = waited['pipeline']
    outcome = waited['outcome']
    workflows = waited['workflows']
    result.update(pipeline=pipeline, workflows=workflows, history=waited['history'],
                  waited_seconds=waited['waited_seconds'], timed_out=outcome == TIMEOUT,
                  on_hold=[w['name'] for w in workflows if is_on_hold(w)])
    for entry in result.get('rerun') or []:
        if entry['new_workflow_id'] is None:
            # A rerun CircleCI accepted without naming the new run: it is the current run of that name.
            run = next((w for w in workflows if w['name'] == entry['name'] and w['id'] != entry['workflow_id']), None)
            entry['new_workflow_id'] = run['id'] if run else None
    name = 'pipeline %s of %s' % (pipeline.get('number'), pipeline.get('project_slug') or reader.slug)
    url = pipeline.get('url') or pipeline.get('id')
    ref = describe_ref(pipeline if pipeline.get('branch') or pipeline.get('tag') else p)
    last_error = waited['last_error']
    if outcome == POLL_FAILED:
        result.update(last_error.result())
        return 'Gave up waiting for %s after %d failed reads in a row (%ds into the wait); the last: %s: %s' % (
            name, MAX_FAILED_POLLS, int(round(waited['waited_seconds'])), last_error, url)
    if outcome == ERRORED:
        return '%s errored, so no workflow ran: %s (%s)' % (capital(name), error_messages(pipeline), url)
    if outcome == NO_WORKFLOW:
        return ('%s: no workflow ran for this pipeline within %ds of its creation (do the workflow filters of '
                'the configuration match %s?): %s' % (capital(name), p['first_workflow_timeout'], ref, url))
    red = not_green(workflows, success)
    if outcome == TIMEOUT:
        unfinished = [w for w in workflows if not is_finished(w)]
        msg = 'Timed out after %ds waiting for %s (state %s%s%s)' % (
            int(round(waited['waited_seconds'])), name, pipeline.get('state'),
            '; unfinished: ' + describe_workflows(unfinished) if unfinished else '',
            '; not successful: ' + describe_workflows(red) if red else '')
        if p['cancel_on_timeout'] and unfinished:
            result['canceled'] = cancel(unfinished)
            msg += '; canceled %s (cancel_on_timeout=true)' % ', '.join(w['name'] for w in unfinished)
        elif unfinished:
            msg += '; the workflows keep running (set cancel_on_timeout to cancel them)'
        if last_error is not None:
            msg += '; the last read failed: %s' % last_error
        return msg + ': %s' % url
    if red:
        details = []
        for workflow in red:
            failed_jobs = [j['name'] for j in workflow.get('jobs') or [] if j.get('status') in FAILED_JOB_STATUSES]
            details.append('%s %s%s (%s)' % (workflow['name'], workflow['status'],
                                             ', failed jobs: %s' % ', '.join(failed_jobs) if failed_jobs else '',
                                             workflow.get('url')))
        return '%s: %d of %d workflows did not succeed (expected %s): %s' % (
            capital(name), len(red), len(workflows), ' or '.join(success), '; '.join(details))
    if outcome == ON_HOLD:
        result['msg'] = '%s waits for an approval in %s' % (capital(name), ', '.join(result['on_hold']))
    else:
        result['msg'] = '%s: every workflow succeeded (%s)' % (capital(name), ', '.join(w['name'] for w in workflows))
    return None
