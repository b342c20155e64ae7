# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils import _pipeline_wait as pw
from ansible_collections.ciops.circleci.plugins.module_utils import _pipelines as pl
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError


class FakeClock(object):
    """monotonic clock + sleep + wall clock that only move when the code under test sleeps."""

    def __init__(self):
        self.t = 500.0
        self.sleeps = []

    def clock(self):
        return self.t

    def sleep(self, seconds):
        assert seconds > 0, 'a tight loop: slept %r' % seconds
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self):
        return datetime.datetime(2026, 11, 27, 10, 0, 0, tzinfo=datetime.timezone.utc) + \
            datetime.timedelta(seconds=self.t - 500.0)


class FakePipeline(object):
    """A pipeline whose state and workflows follow timelines (seconds since creation -> value).

    state: [(t, state), ...]; workflows: {name: [(t, status), ...]} (a workflow is listed from its first t).
    Counts the reads, so that tests can assert on the requests a wait costs.
    """

    def __init__(self, clock, state=((0, 'created'),), workflows=None, tags=None, ids=None):
        self.clock = clock
        self.start = clock.t
        self.state = list(state)
        self.timelines = workflows or {}
        self.tags = tags or {}
        self.ids = ids or {}
        self.reads = []
        self.fail_next = []

    def _at(self, timeline):
        now = self.clock.t - self.start
        value = None
        for t, v in timeline:
            if now >= t:
                value = v
        return value

    def _maybe_fail(self):
        if self.fail_next:
            raise self.fail_next.pop(0)

    def read_pipeline(self):
        self.reads.append('pipeline')
        self._maybe_fail()
        state = self._at(self.state)
        errors = [{'type': 'config', 'message': 'Unexpected argument(s): deploy_env'}] if state == 'errored' else []
        return {'id': 'p1', 'number': 7, 'state': state, 'errors': errors, 'url': 'https://web/p/7'}

    def read_workflows(self):
        self.reads.append('workflows')
        self._maybe_fail()
        out = []
        for index, (name, timeline) in enumerate(self.timelines.items()):
            status = self._at(timeline)
            if status is None:
                continue
            out.append({'id': self.ids.get(name, 'w-%s' % name), 'name': name, 'status': status,
                        'tag': self.tags.get(name), 'created_at': '2026-11-27T10:00:%02dZ' % index,
                        'url': 'https://web/p/7/workflows/w-%s' % name})
        return out


def wait(fake, clock, **kw):
    args = dict(timeout=600, poll_interval=5, first_workflow_timeout=60, clock=clock.clock, sleep=clock.sleep,
                now=clock.now)
    args.update(kw)
    return pw.wait_for_pipeline(fake.read_pipeline, fake.read_workflows, **args)


# -- the wait -------------------------------------------------------------------


def test_three_workflows_all_green_one_request_per_poll_and_no_poll_after_the_last_finished():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={
        'build': [(0, 'running'), (12, 'success')],
        'test': [(0, 'running'), (21, 'success')],
        'lint': [(0, 'queued'), (3, 'running'), (8, 'success')],
    })
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.FINISHED
    assert [w['status'] for w in out['workflows']] == ['success'] * 3
    # Polls at 5, 10, 15, 20, 25 s: the last workflow finished at 21 s, the wait returned at 25 s.
    assert fake.reads == ['workflows'] * 5
    assert out['polls'] == 5
    assert out['waited_seconds'] == 25.0
    assert clock.sleeps == [5.0] * 5
    finished = [h for h in out['history'] if h['status'] == 'success']
    assert [(h['name'], h['seconds']) for h in finished] == [('lint', 10.0), ('build', 15.0), ('test', 25.0)]
    assert out['history'][0] == {'time': '2026-11-27T10:00:00Z', 'seconds': 0.0, 'what': 'pipeline', 'name': None,
                                 'id': 'p1', 'status': 'created'}


def test_one_red_workflow_of_three_is_seen_after_every_workflow_finished():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={
        'build': [(0, 'running'), (4, 'success')],
        'test': [(0, 'running'), (6, 'failing'), (9, 'failed')],
        'deploy': [(0, 'running'), (14, 'success')],
    })
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.FINISHED
    assert [w['name'] for w in pl.not_green(out['workflows'])] == ['test']
    assert out['waited_seconds'] == 15.0


def test_a_pending_pipeline_is_read_until_created_then_its_workflows():
    clock = FakeClock()
    fake = FakePipeline(clock, state=[(0, 'pending'), (7, 'created')],
                        workflows={'build': [(12, 'running'), (16, 'success')]})
    out = wait(fake, clock)
    assert out['outcome'] == pw.FINISHED
    # A first read (no state given), pending at 5, created at 10, then the workflows: none at... 15 running, 20 success.
    assert fake.reads == ['pipeline', 'pipeline', 'pipeline', 'workflows', 'workflows']
    assert [h['status'] for h in out['history']] == ['pending', 'created', 'running', 'success']


def test_an_errored_pipeline_ends_the_wait_with_its_errors():
    clock = FakeClock()
    fake = FakePipeline(clock, state=[(0, 'setup-pending'), (3, 'errored')])
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'setup-pending'})
    assert out['outcome'] == pw.ERRORED
    assert fake.reads == ['pipeline']
    assert pl.error_messages(out['pipeline']) == 'Unexpected argument(s): deploy_env'
    assert out['workflows'] == []


def test_no_workflow_is_not_success_it_fails_after_the_grace_period():
    clock = FakeClock()
    fake = FakePipeline(clock)
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, first_workflow_timeout=30)
    assert out['outcome'] == pw.NO_WORKFLOW
    assert out['waited_seconds'] == 30.0
    # While there is no workflow the pipeline's state is read too (it may still turn errored).
    assert fake.reads == ['workflows', 'pipeline'] * 6


def test_a_created_pipeline_may_still_turn_errored_while_it_has_no_workflow():
    clock = FakeClock()
    fake = FakePipeline(clock, state=[(0, 'created'), (7, 'errored')])
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.ERRORED
    assert out['waited_seconds'] == 10.0
    assert [h['status'] for h in out['history']] == ['created', 'errored']


def test_a_workflow_that_appears_within_the_grace_period_is_followed():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(22, 'running'), (31, 'success')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, first_workflow_timeout=30)
    assert out['outcome'] == pw.FINISHED
    assert out['waited_seconds'] == 35.0


def test_the_grace_period_counts_from_when_the_pipeline_was_created():
    clock = FakeClock()
    fake = FakePipeline(clock, state=[(0, 'pending'), (40, 'created')],
                        workflows={'build': [(60, 'running'), (62, 'success')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'pending'}, first_workflow_timeout=30)
    assert out['outcome'] == pw.FINISHED


def test_dynamic_config_the_setup_workflow_is_followed_by_the_real_ones():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'setup': [(0, 'running'), (4, 'success')],
                                          'build': [(13, 'running'), (18, 'success')]}, tags={'setup': 'setup'})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.FINISHED
    assert [w['name'] for w in out['workflows']] == ['setup', 'build']
    assert out['waited_seconds'] == 20.0
    # A setup workflow that is never followed: no workflow ran.
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'setup': [(0, 'success')]}, tags={'setup': 'setup'})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, first_workflow_timeout=20)
    assert out['outcome'] == pw.NO_WORKFLOW


def test_on_hold_is_not_finished_the_wait_goes_on_until_the_timeout():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'success')], 'deploy': [(0, 'running'), (6, 'on_hold')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, timeout=40)
    assert out['outcome'] == pw.TIMEOUT
    assert out['waited_seconds'] == 40.0
    assert [w['status'] for w in out['workflows']] == ['success', 'on_hold']


def test_stop_on_hold_returns_as_soon_as_every_unfinished_workflow_waits_for_approval():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running'), (13, 'success')],
                                          'deploy': [(0, 'running'), (6, 'on_hold')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, stop_on_hold=True)
    assert out['outcome'] == pw.ON_HOLD
    # At 10 s deploy waits but build runs; at 15 s build has finished.
    assert out['waited_seconds'] == 15.0


def test_a_red_workflow_with_the_rest_on_hold_ends_the_wait_early():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'test': [(0, 'running'), (8, 'failed')], 'deploy': [(0, 'on_hold')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.ON_HOLD
    assert out['waited_seconds'] == 10.0
    assert [w['name'] for w in pl.not_green(out['workflows'])] == ['test']


def test_timeout_polls_last_at_the_deadline():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, timeout=12)
    assert out['outcome'] == pw.TIMEOUT
    assert clock.sleeps == [5.0, 5.0, 2.0]
    assert out['waited_seconds'] == 12.0
    assert len(fake.reads) == 3


def test_less_than_a_second_left_still_gets_its_poll():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, timeout=10.5)
    # 5 s, 5 s, then the half second left: the last poll happens at the deadline.
    assert clock.sleeps == [5.0, 5.0, 0.5]
    assert out['outcome'] == pw.TIMEOUT and len(fake.reads) == 3


def test_the_interval_grows_after_the_first_minute():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running'), (300, 'success')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.FINISHED
    assert clock.sleeps[:12] == [5.0] * 12
    assert clock.sleeps[12] == pytest.approx(5.5)
    assert max(clock.sleeps) == pytest.approx(20.0)
    # 5 minutes for about 32 requests, not 60.
    assert len(fake.reads) < 35


def test_429_while_polling_slows_down_and_keeps_waiting():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running'), (18, 'success')]})
    calls = {'n': 0}
    real = fake.read_workflows

    def flaky():
        calls['n'] += 1
        if calls['n'] in (2, 3):
            fake.reads.append('workflows')
            raise CircleCIError('CircleCI answered 429 Too Many Requests for GET /api/v2/pipeline/p1/workflow',
                                status=429)
        return real()

    out = pw.wait_for_pipeline(fake.read_pipeline, flaky, 600, 5, pipeline={'id': 'p1', 'state': 'created'},
                               clock=clock.clock, sleep=clock.sleep, now=clock.now)
    assert out['outcome'] == pw.FINISHED
    assert out['rate_limited'] == 2
    # 5 (ok), 5 (429), then 10 (429), then 20: the interval doubles while rate limited, and resets.
    assert clock.sleeps == [5.0, 5.0, 10.0, 20.0]


def test_other_errors_while_polling_end_the_wait():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    fake.fail_next = [CircleCIError('CircleCI answered 401 Unauthorized', status=401)]
    with pytest.raises(CircleCIError, match='401'):
        wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})


def server_error(path='/api/v2/pipeline/p1/workflow'):
    return CircleCIError('CircleCI answered 500 Internal Server Error for GET %s: a CircleCI server error' % path,
                         status=500, method='GET', path=path)


@pytest.mark.parametrize('exc, passing', [
    (CircleCIError('500', status=500), True),
    (CircleCIError('502 after retries', status=502), True),
    (CircleCIError('200 but not JSON', status=200), True),
    (CircleCIError('an HTML 404 from a proxy', status=404, html=True), True),
    (CircleCIError('an HTML 403 login page', status=403, html=True), True),
    (CircleCIError('Could not reach CircleCI', method='GET', path='/x'), True),
    (CircleCIError('401 Credentials provided are invalid', status=401), False),
    (CircleCIError('403', status=403), False),
    (CircleCIError('404 Pipeline not found', status=404), False),
    (CircleCIError('400', status=400), False),
    (CircleCIError('CircleCI may have acted on POST', method='POST', path='/x', outcome_unknown=True), False),
    (CircleCIError('a 502 after a write was sent', status=502, outcome_unknown=True), False),
])
def test_which_failed_reads_are_transient(exc, passing):
    assert pw.transient(exc) is passing


def test_one_failed_poll_is_recorded_and_the_wait_goes_on():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running'), (12, 'success')]})
    fake.fail_next = [server_error()]
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.FINISHED
    assert out['failed_polls'] == 1 and out['last_error'] is None
    assert out['waited_seconds'] == 15.0
    assert out['history'][1] == {'time': '2026-11-27T10:00:05Z', 'seconds': 5.0, 'what': 'poll', 'name': None,
                                 'id': 'p1', 'status': 'failed', 'error': str(server_error())}
    assert [(h['what'], h['status']) for h in out['history']] == [
        ('pipeline', 'created'), ('poll', 'failed'), ('workflow', 'running'), ('workflow', 'success')]


def test_max_failed_polls_in_a_row_end_the_wait_with_the_last_error():
    assert pw.MAX_FAILED_POLLS == 3
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    last = CircleCIError('CircleCI answered 200 for GET /api/v2/pipeline/p1/workflow with a body that is not JSON',
                         status=200)
    fake.fail_next = [server_error(), server_error(), last]
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert out['outcome'] == pw.POLL_FAILED
    assert out['last_error'] is last
    assert out['failed_polls'] == 3 and out['polls'] == 3
    assert out['waited_seconds'] == 15.0
    assert [h['error'] for h in out['history'] if h['what'] == 'poll'] == [str(server_error())] * 2 + [str(last)]


def test_a_good_poll_between_failed_ones_starts_the_count_again():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running'), (28, 'success')]})
    real = fake.read_workflows
    answers = iter(['fail', 'fail', 'ok', 'fail', 'fail', 'ok'])

    def flaky():
        if next(answers) == 'fail':
            raise server_error()
        return real()

    out = pw.wait_for_pipeline(fake.read_pipeline, flaky, 600, 5, pipeline={'id': 'p1', 'state': 'created'},
                               clock=clock.clock, sleep=clock.sleep, now=clock.now)
    assert out['outcome'] == pw.FINISHED
    assert out['failed_polls'] == 4 and out['waited_seconds'] == 30.0


def test_failed_polls_until_the_deadline_end_in_a_timeout_with_the_last_error():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    fake.fail_next = [server_error(), server_error()]
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, timeout=10)
    assert out['outcome'] == pw.TIMEOUT
    assert out['failed_polls'] == 2 and str(out['last_error']) == str(server_error())


def test_the_reads_after_a_timeout_count_their_failures_afresh():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    fake.fail_next = [server_error(), server_error()]
    finals = []

    def read_final(pipeline, workflows):
        finals.append(clock.t)
        if len(finals) == 1:
            raise server_error('/api/v2/workflow/w-build/job')
        return pipeline, workflows

    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, timeout=10, read_final=read_final)
    # Two polls failed before the deadline, then one read after it: not three in a row of one series.
    assert out['outcome'] == pw.TIMEOUT and out['failed_polls'] == 3
    assert str(out['last_error']) == str(server_error())


def test_a_read_failed_for_good_ends_the_wait_at_once():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'running')]})
    gone = CircleCIError('CircleCI answered 404 Pipeline not found', status=404)
    fake.fail_next = [server_error(), gone]
    with pytest.raises(CircleCIError) as exc:
        wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'})
    assert exc.value is gone
    assert fake.reads == ['workflows', 'workflows']


def test_the_reads_after_the_outcome_have_the_same_patience():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'success')]})
    calls = []

    def read_final(pipeline, workflows):
        calls.append(clock.t)
        if len(calls) < 3:
            raise server_error('/api/v2/workflow/w-build/job')
        return dict(pipeline, revision='abc'), [dict(w, jobs=[]) for w in workflows]

    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, read_final=read_final, poll_interval=7)
    assert out['outcome'] == pw.FINISHED and out['last_error'] is None
    assert out['pipeline']['revision'] == 'abc' and out['workflows'][0]['jobs'] == []
    assert clock.sleeps == [7.0, 7.0, 7.0]
    assert out['failed_polls'] == 2
    # A third failure in a row gives up, whatever the outcome was.
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'build': [(0, 'success')]})

    def never(pipeline, workflows):
        raise server_error('/api/v2/workflow/w-build/job')

    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, read_final=never)
    assert out['outcome'] == pw.POLL_FAILED and out['failed_polls'] == 3
    assert str(out['last_error']) == str(server_error('/api/v2/workflow/w-build/job'))


def test_a_rerun_without_new_ids_is_followed_until_a_new_run_of_its_name_is_listed():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'test': [(0, 'failed')], 'build': [(0, 'success')]})
    state = {'t': clock.t}
    real = fake.read_workflows

    def with_rerun():
        items = real()
        if clock.t - state['t'] >= 10:  # the new run is listed from 10 s on, with the old one's created_at
            status = 'running' if clock.t - state['t'] < 20 else 'success'
            items.append({'id': 'new', 'name': 'test', 'status': status, 'created_at': '2026-11-27T10:00:00Z'})
        return items

    out = pw.wait_for_pipeline(fake.read_pipeline, with_rerun, 600, 5, pipeline={'id': 'p1', 'state': 'created'},
                               workflows=fake.read_workflows(), replaced=['w-test'],
                               clock=clock.clock, sleep=clock.sleep, now=clock.now)
    assert out['outcome'] == pw.FINISHED
    assert out['waited_seconds'] == 20.0
    assert [(w['id'], w['status']) for w in out['workflows']] == [('new', 'success'), ('w-build', 'success')]


def test_a_rerun_is_followed_until_its_new_workflow_is_listed_and_finished():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'test': [(0, 'failed')], 'build': [(0, 'success')]})
    state = {'t': clock.t}
    real = fake.read_workflows

    def with_rerun():
        items = real()
        if clock.t - state['t'] >= 10:  # CircleCI lists the new run from 10 s on
            status = 'running' if clock.t - state['t'] < 20 else 'success'
            items.append({'id': 'new', 'name': 'test', 'status': status, 'created_at': '2026-11-27T10:00:00Z'})
        return items

    out = pw.wait_for_pipeline(fake.read_pipeline, with_rerun, 600, 5, pipeline={'id': 'p1', 'state': 'created'},
                               workflows=fake.read_workflows(), expect_ids=['new'],
                               clock=clock.clock, sleep=clock.sleep, now=clock.now)
    assert out['outcome'] == pw.FINISHED
    assert out['waited_seconds'] == 20.0
    assert [(w['id'], w['status']) for w in out['workflows']] == [('new', 'success'), ('w-build', 'success')]


def test_an_approved_workflow_still_listed_on_hold_is_not_taken_for_a_new_hold():
    clock = FakeClock()
    fake = FakePipeline(clock, workflows={'deploy': [(0, 'on_hold'), (7, 'running'), (16, 'on_hold')]})
    out = wait(fake, clock, pipeline={'id': 'p1', 'state': 'created'}, workflows=fake.read_workflows(),
               released=['w-deploy'], stop_on_hold=True)
    # 5 s: still on_hold (just approved, not counted); 10 s running; 15 s running; 20 s on hold again.
    assert out['outcome'] == pw.ON_HOLD
    assert out['waited_seconds'] == 20.0


def test_poll_interval_must_be_positive():
    with pytest.raises(ValueError, match='^poll_interval must be positive$'):
        pw.wait_for_pipeline(None, None, 10, 0)
