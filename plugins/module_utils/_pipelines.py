# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 pipelines: one normalised shape for pipelines, workflows and jobs, the trigger
bodies, the plans of approve / rerun / cancel, and the wait loop.

Everything here is pure: no request is sent. ``wait_for_pipeline`` is given the
functions that read CircleCI, and its clock, sleep and wall clock are injectable,
so that unit tests never sleep. Internal to the collection: the interface may
change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import time

from urllib.parse import urlsplit

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick
from ansible_collections.ciops.circleci.plugins.module_utils._polling import (  # noqa: F401 (part of the interface)
    MAX_FAILED_POLLS,
    iso_time,
    next_poll_interval,
    parse_time,
    transient,
    utc_now,
)
from ansible_collections.ciops.circleci.plugins.module_utils._tests import summarise


# Pipeline states (GET /pipeline/{id}): created and errored are settled; errored means no workflow runs.
PIPELINE_SETTLED = frozenset(('created', 'errored'))
PIPELINE_STATES = ('created', 'errored', 'setup-pending', 'setup', 'pending')
# Workflow statuses: finished, and not finished (on_hold waits for an approval).
WORKFLOW_FINISHED = frozenset(('success', 'failed', 'error', 'canceled', 'unauthorized', 'not_run'))
WORKFLOW_ACTIVE = frozenset(('running', 'failing', 'on_hold', 'queued'))
WORKFLOW_STATUSES = tuple(sorted(WORKFLOW_FINISHED | WORKFLOW_ACTIVE))
DEFAULT_SUCCESS_STATUSES = ('success',)
# A workflow tagged "setup" (dynamic config) is followed by the real ones.
SETUP_TAG = 'setup'

# Summary of a whole pipeline, as the pipelines lookup filters on it.
SUMMARY_STATUSES = ('success', 'failed', 'running', 'on_hold', 'errored', 'pending')

# Pipeline parameters: CircleCI's limits.
MAX_PARAMETERS = 100
MAX_PARAMETER_KEY = 128
MAX_PARAMETER_VALUE = 512

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
CLOUD_HOSTS = ('circleci.com', 'www.circleci.com', 'api.circleci.com')
CLOUD_WEB = 'https://app.circleci.com'

PIPELINE_FIELDS = ('id', 'number', 'state', 'created_at', 'updated_at', 'url', 'project_slug', 'branch', 'tag',
                   'revision', 'errors')
WORKFLOW_FIELDS = ('id', 'name', 'status', 'url', 'created_at', 'stopped_at', 'tag')
JOB_FIELDS = ('id', 'name', 'type', 'status', 'job_number', 'started_at', 'stopped_at', 'approval_request_id')


# ---------------------------------------------------------------------------
# Input rules
# ---------------------------------------------------------------------------

def check_uuid(label, value):
    """A pipeline, workflow or definition id: CircleCI's ids are UUIDs."""
    if not isinstance(value, str) or not UUID_RE.match(value.strip()):
        raise CircleCIError('%s must be a UUID such as 5034460f-c7c4-4c43-9457-de07e2029e7b, got %r' % (label, value))
    return value.strip().lower()


def check_pipeline_number(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CircleCIError('pipeline_number must be a positive integer, got %r' % (value,))
    return value


def check_parameters(parameters):
    """Pipeline parameters as CircleCI takes them: at most 100, keys up to 128 characters,
    values strings (up to 512 characters), booleans or integers. Returns a copy."""
    if parameters is None:
        return None
    if not isinstance(parameters, dict):
        raise CircleCIError('parameters must be a dictionary of names to strings, booleans or integers')
    if len(parameters) > MAX_PARAMETERS:
        raise CircleCIError('parameters: CircleCI takes at most %d pipeline parameters, got %d'
                            % (MAX_PARAMETERS, len(parameters)))
    checked = {}
    for key, value in parameters.items():
        if not isinstance(key, str) or not key:
            raise CircleCIError('parameters: every name must be a non-empty string, got %r' % (key,))
        if len(key) > MAX_PARAMETER_KEY:
            raise CircleCIError('parameters: the name %s... is %d characters long; CircleCI takes at most %d'
                                % (key[:20], len(key), MAX_PARAMETER_KEY))
        if isinstance(value, str):
            if len(value) > MAX_PARAMETER_VALUE:
                raise CircleCIError('parameters: the value of %s is %d characters long; CircleCI takes at most %d'
                                    % (key, len(value), MAX_PARAMETER_VALUE))
        elif not isinstance(value, (bool, int)):
            raise CircleCIError(
                'parameters: the value of %s is %s; pipeline parameters are strings, booleans or integers '
                '(quote it to send a string)' % (key, 'null' if value is None else 'a %s' % type(value).__name__))
        checked[key] = value
    return checked


def run_body(branch=None, tag=None, checkout_branch=None, checkout_tag=None, definition_id=None, parameters=None):
    """The body of POST .../pipeline/run, leaving out what is not set.

    ``config`` says where the configuration is read from, ``checkout`` what is
    checked out; like CircleCI's CLI, a branch or tag fills both unless
    checkout_branch / checkout_tag says otherwise.
    """
    body = {}
    if definition_id:
        body['definition_id'] = definition_id
    if branch:
        body['config'] = {'branch': branch}
    elif tag:
        body['config'] = {'tag': tag}
    if checkout_branch:
        body['checkout'] = {'branch': checkout_branch}
    elif checkout_tag:
        body['checkout'] = {'tag': checkout_tag}
    elif 'config' in body:
        body['checkout'] = dict(body['config'])
    if parameters:
        body['parameters'] = parameters
    return body


def classic_body(branch=None, tag=None, parameters=None):
    """The body of the older POST /project/{slug}/pipeline (the only trigger of Server 4.7)."""
    body = {}
    if branch:
        body['branch'] = branch
    elif tag:
        body['tag'] = tag
    if parameters:
        body['parameters'] = parameters
    return body


def check_success_statuses(statuses):
    statuses = list(statuses or [])
    if not statuses:
        raise CircleCIError('success_statuses must name at least one workflow status, e.g. [success]')
    unknown = [s for s in statuses if s not in WORKFLOW_FINISHED]
    if unknown:
        raise CircleCIError('success_statuses: %s %s not a finished workflow status; use some of %s'
                            % (', '.join(map(str, unknown)), 'is' if len(unknown) == 1 else 'are',
                               ', '.join(sorted(WORKFLOW_FINISHED))))
    return statuses


# ---------------------------------------------------------------------------
# Normalising
# ---------------------------------------------------------------------------

def web_root(api_root):
    """Where CircleCI's web app lives for this API host: app.circleci.com for circleci.com,
    the host itself for CircleCI Server."""
    host = (urlsplit(api_root).hostname or '').lower()
    if host in CLOUD_HOSTS:
        return CLOUD_WEB
    return api_root.rstrip('/')


def pipeline_url(web, slug, number):
    if not slug or number is None:
        return None
    return '%s/pipelines/%s/%s' % (web, slug, number)


def workflow_url(web, slug, number, workflow_id):
    base = pipeline_url(web, slug, number)
    if base is None or not workflow_id:
        return None
    return '%s/workflows/%s' % (base, workflow_id)


def canonical_slug(slug):
    """gh/acme/app -> github/acme/app (the form results show); anything else is kept as it is."""
    if not isinstance(slug, str):
        return slug
    parts = slug.split('/')
    if len(parts) == 3 and parts[0] in ('gh', 'bb'):
        parts[0] = 'github' if parts[0] == 'gh' else 'bitbucket'
    return '/'.join(parts)


# Every field of a pipeline, workflow or job is read through _fields, in snake_case or kebab-case: the
# published v2 reference and the recorded answers both spell these snake_case (created_at, project_slug,
# pipeline_number, job_number, approval_request_id, ...), but the reference is known to disagree with the
# wire elsewhere (checkout keys, webhooks), and where nothing was recorded a client reads both spellings.

def normalize_pipeline(raw, web, slug=None):
    """A v2 pipeline (trigger answer, GET /pipeline/{id}, list item) -> exactly PIPELINE_FIELDS.

    ``slug`` (canonical) is used where CircleCI's answer has none (the trigger's answer).
    """
    if not isinstance(raw, dict):
        raise CircleCIError('CircleCI described a pipeline with %s instead of a JSON object' % type(raw).__name__)
    vcs = field(raw, 'vcs')
    vcs = pick(vcs if isinstance(vcs, dict) else {}, ('branch', 'tag', 'revision'))
    project_slug = canonical_slug(field(raw, 'project_slug')) or slug
    errors = []
    listed = field(raw, 'errors')
    for error in listed if isinstance(listed, list) else []:
        if isinstance(error, dict):
            errors.append(pick(error, ('type', 'message')))
    out = pick(raw, ('id', 'number', 'state', 'created_at', 'updated_at'))
    out.update(vcs)
    out.update(project_slug=project_slug, errors=errors, url=pipeline_url(web, project_slug, out['number']))
    return out


def normalize_workflow(raw, web, slug=None, number=None):
    if not isinstance(raw, dict):
        raise CircleCIError('CircleCI described a workflow with %s instead of a JSON object' % type(raw).__name__)
    slug = canonical_slug(field(raw, 'project_slug')) or slug
    number = field(raw, 'pipeline_number', number)
    out = pick(raw, [key for key in WORKFLOW_FIELDS if key != 'url'] + ['pipeline_id'])
    out['url'] = workflow_url(web, slug, number, out['id'])
    return out


def normalize_job(raw):
    if not isinstance(raw, dict):
        raise CircleCIError('CircleCI described a job with %s instead of a JSON object' % type(raw).__name__)
    return pick(raw, JOB_FIELDS)


_NO_TIME = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def current_workflows(workflows, prefer=(), replaced=()):
    """The workflows that count now: after a rerun CircleCI lists the old and the new run of a
    workflow under one name, and the newest one counts: ids in ``prefer`` first (a rerun's new
    ids), then any run whose id is not in ``replaced`` (the runs a rerun replaced), then by
    created_at, compared as times; a run without a readable created_at loses to a dated one, and
    of two equally dated runs the first listed wins (CircleCI lists the newest first).
    The order is CircleCI's, each name at the place of its first appearance."""
    prefer = set(prefer or ())
    replaced = set(replaced or ())
    chosen = {}
    order = []
    for index, workflow in enumerate(workflows or []):
        name = field(workflow, 'name')
        workflow_id = field(workflow, 'id')
        created = parse_time(field(workflow, 'created_at'))
        key = (workflow_id in prefer, workflow_id not in replaced, created is not None, created or _NO_TIME, -index)
        if name not in chosen:
            order.append(name)
            chosen[name] = (key, workflow)
        elif key > chosen[name][0]:
            chosen[name] = (key, workflow)
    return [chosen[name][1] for name in order]


# ---------------------------------------------------------------------------
# What a set of workflows means
# ---------------------------------------------------------------------------

def is_finished(workflow):
    return workflow.get('status') in WORKFLOW_FINISHED


def is_on_hold(workflow):
    return workflow.get('status') == 'on_hold'


def awaiting_continuation(workflows):
    """True when only setup workflows (dynamic config) ran, all green: the real ones are still to come."""
    return bool(workflows) and all(w.get('tag') == SETUP_TAG and w.get('status') == 'success' for w in workflows)


def not_green(workflows, success_statuses=DEFAULT_SUCCESS_STATUSES):
    """The finished workflows whose status is not a success."""
    return [w for w in workflows if is_finished(w) and w.get('status') not in success_statuses]


def summarize(state, workflows, success_statuses=DEFAULT_SUCCESS_STATUSES):
    """One word for a pipeline: errored, pending (no workflow yet, or none ran), running, on_hold
    (every unfinished workflow waits for an approval), failed or success."""
    if state == 'errored':
        return 'errored'
    if state not in PIPELINE_SETTLED or not workflows or awaiting_continuation(workflows):
        return 'pending'
    unfinished = [w for w in workflows if not is_finished(w)]
    if unfinished:
        return 'on_hold' if all(is_on_hold(w) for w in unfinished) else 'running'
    return 'failed' if not_green(workflows, success_statuses) else 'success'


def describe_workflows(workflows):
    """'build failed (url), deploy canceled (url)'."""
    return ', '.join('%s %s%s' % (w.get('name'), w.get('status'), ' (%s)' % w['url'] if w.get('url') else '')
                     for w in workflows)


def error_message(error):
    """One pipeline error ({type, message}, either may be missing) as a phrase."""
    message, kind = error.get('message'), error.get('type')
    if message not in (None, ''):
        return str(message)
    if kind not in (None, ''):
        return 'a %s error, without a message' % kind
    return 'an error CircleCI did not describe'


def error_messages(pipeline):
    """The errors of a (normalised) pipeline, joined; 'CircleCI gave no reason' when it has none."""
    errors = pipeline.get('errors')
    phrases = [error_message(e) for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    return '; '.join(phrases) or 'CircleCI gave no reason'


# ---------------------------------------------------------------------------
# Plans (pure): what approve, rerun and cancel would do
# ---------------------------------------------------------------------------

def plan_cancel(workflows):
    """(to_cancel, after): the unfinished workflows, and every workflow as it will be."""
    to_cancel = [w for w in workflows if not is_finished(w)]
    ids = set(w['id'] for w in to_cancel)
    after = [dict(w, status='canceled') if w['id'] in ids else w for w in workflows]
    return to_cancel, after


def plan_rerun(workflows):
    """(to_rerun, busy): the failed workflows, and the ones still running with a failed job (failing),
    which CircleCI cannot rerun until they finish."""
    to_rerun = [w for w in workflows if w.get('status') == 'failed']
    busy = [w for w in workflows if w.get('status') == 'failing']
    return to_rerun, busy


def plan_approve(workflows, approval_job):
    """Where the approval job named ``approval_job`` stands, from workflows that carry their jobs.

    Returns (pending, approved, other): lists of (workflow, job) whose approval is waiting
    (on_hold), already given (success), or in another state (blocked behind other jobs,
    canceled, ...).
    """
    pending, approved, other = [], [], []
    for workflow in workflows:
        for job in workflow.get('jobs') or []:
            if job.get('name') != approval_job or job.get('type') != 'approval':
                continue
            status = job.get('status')
            if status == 'on_hold':
                pending.append((workflow, job))
            elif status == 'success':
                approved.append((workflow, job))
            else:
                other.append((workflow, job))
    return pending, approved, other


def approval_jobs(workflows):
    return sorted(set(j.get('name') for w in workflows for j in w.get('jobs') or [] if j.get('type') == 'approval'))


# ---------------------------------------------------------------------------
# Reading many things at once
# ---------------------------------------------------------------------------

def map_concurrently(client, func, items, workers):
    """[func(item) for item in items], at most ``workers`` at a time over the client's one
    session (its connection pool grown to match); results in the order of items. On the
    first error the calls not yet started are dropped and the error is raised."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [func(item) for item in items]
    # Imported here, only for more than one item at a time: not on the start-up path of every module.
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

    size = min(workers, len(items))
    client.allow_parallel(size)
    executor = ThreadPoolExecutor(max_workers=size)
    futures = [executor.submit(func, item) for item in items]
    try:
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
        executor.shutdown(wait=True)


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

def summarise_tests(tests):
    """Counts (total, passed, skipped, failed) and the failing tests of one job's test list."""
    summary = summarise(tests)
    return dict((key, summary[key]) for key in ('total', 'passed', 'skipped', 'failed')), summary['failing']


# ---------------------------------------------------------------------------
# The wait
# ---------------------------------------------------------------------------

# Why the wait stopped.
FINISHED = 'finished'          # every workflow finished
ON_HOLD = 'on_hold'            # every unfinished workflow waits for an approval (and stop_on_hold, or one is red)
ERRORED = 'errored'            # the pipeline errored: no workflow will run
NO_WORKFLOW = 'no_workflow'    # no workflow appeared within first_workflow_timeout
TIMEOUT = 'timeout'            # wait_timeout passed first
POLL_FAILED = 'poll_failed'    # MAX_FAILED_POLLS reads in a row failed

RATE_LIMIT_FACTOR = 2.0
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
    interval is _builds.next_poll_interval's (poll_interval for a minute, then growing);
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
