# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 pipelines, the model: one normalised shape for pipelines, workflows and jobs, what a set of
workflows means, the trigger bodies, and the plans of approve / rerun / cancel.

Everything here is pure: no request is sent. The requests are _pipeline_reader's, the wait loop is
_pipeline_wait's. Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from urllib.parse import urlsplit

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick
from ansible_collections.ciops.circleci.plugins.module_utils._polling import parse_time
from ansible_collections.ciops.circleci.plugins.module_utils._project import parse_project_slug


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

# A whole pipeline in one word (pipeline_status), as results show it and the pipelines lookup filters on it.
SUMMARY_STATUSES = ('success', 'failed', 'running', 'on_hold', 'errored', 'pending')

# Pipeline parameters: CircleCI's limits.
MAX_PARAMETERS = 100
MAX_PARAMETER_KEY = 128
MAX_PARAMETER_VALUE = 512

CLOUD_HOSTS = ('circleci.com', 'www.circleci.com', 'api.circleci.com')
CLOUD_WEB = 'https://app.circleci.com'

PIPELINE_FIELDS = ('id', 'number', 'state', 'created_at', 'updated_at', 'url', 'project_slug', 'branch', 'tag',
                   'revision', 'errors')
WORKFLOW_FIELDS = ('id', 'name', 'status', 'url', 'created_at', 'stopped_at', 'tag')
JOB_FIELDS = ('id', 'name', 'type', 'status', 'job_number', 'started_at', 'stopped_at', 'approval_request_id')


# ---------------------------------------------------------------------------
# Input rules
# ---------------------------------------------------------------------------

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
    """A project slug of an answer in the form results show (gh/acme/app -> github/acme/app), read by the
    one slug parser; what the parser refuses is kept as CircleCI wrote it."""
    try:
        return parse_project_slug(slug).slug
    except CircleCIError:
        return slug


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


def pipeline_status(state, workflows, success_statuses=DEFAULT_SUCCESS_STATUSES):
    """A pipeline's ``status``, one word of SUMMARY_STATUSES: errored, pending (no workflow yet, or none
    ran), running, on_hold (every unfinished workflow waits for an approval), failed or success."""
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
# Triggers and messages
# ---------------------------------------------------------------------------

def endpoint_missing(exc):
    """True when CircleCI has no pipeline/run endpoint (Server 4.7): an HTML 404 page, a 405, or a JSON 404
    that is about neither the project nor anything in the request."""
    if exc.status == 405:
        return True
    if exc.status != 404 or exc.project_missing:
        return False
    return exc.html or (exc.server_message or '').strip().lower() in ('not found', 'no route', 'route not found')


def describe_ref(params):
    """'branch main', 'tag v1' or 'the default branch', from options or a pipeline (branch, tag)."""
    if params.get('branch'):
        return 'branch %s' % params['branch']
    if params.get('tag'):
        return 'tag %s' % params['tag']
    return 'the default branch'


def capital(text):
    return text[:1].upper() + text[1:]
