# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils._builds import (
    find_active_build,
    is_finished,
    next_poll_interval,
    normalize_build,
    outcome_ok,
    wait_for_build,
)


class FakeClock(object):
    """monotonic clock + sleep + wall clock that only move when the code under test sleeps."""

    def __init__(self):
        self.t = 1000.0
        self.sleeps = []

    def clock(self):
        return self.t

    def sleep(self, seconds):
        assert seconds > 0, 'a tight loop: slept %r' % seconds
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self):
        return datetime.datetime(2026, 11, 27, 10, 0, 0, tzinfo=datetime.timezone.utc) + \
            datetime.timedelta(seconds=self.t - 1000.0)


class FakeBuild(object):
    """A build that is queued for `queued` seconds, runs until `duration`, then finishes with `outcome`."""

    def __init__(self, clock, queued=2.0, duration=10.0, outcome='success', num=42):
        self.clock = clock
        self.start = clock.t
        self.queued = queued
        self.duration = duration
        self.outcome = outcome
        self.num = num
        self.gets = 0

    def state(self):
        elapsed = self.clock.t - self.start
        base = {'build_num': self.num, 'build_url': 'https://circleci.com/gh/acme/app/%d' % self.num,
                'branch': 'main', 'extra_field': 'dropped'}
        if elapsed < self.queued:
            return dict(base, lifecycle='queued', status='queued', outcome=None)
        if elapsed < self.duration:
            return dict(base, lifecycle='running', status='running', outcome=None)
        return dict(base, lifecycle='finished', status=self.outcome, outcome=self.outcome)

    def get(self):
        self.gets += 1
        return self.state()


def wait(fake, clock, timeout=1800, poll_interval=1, initial=True):
    build, history, waited, gave_up = wait_for_build(fake.get, timeout, poll_interval,
                                                     build=fake.state() if initial else None,
                                                     clock=clock.clock, sleep=clock.sleep, now=clock.now)
    assert gave_up is None, gave_up
    return build, history, waited


# -- normalize_build ---------------------------------------------------------------

# The keys circleci_build documents under RETURN.build (spelt out here, not read from the code,
# so that renaming a documented key fails this test).
DOCUMENTED_BUILD_KEYS = [
    'build_num', 'build_url', 'username', 'reponame', 'vcs_type', 'branch', 'vcs_revision', 'vcs_tag',
    'lifecycle', 'status', 'outcome', 'why', 'queued_at', 'start_time', 'stop_time', 'build_time_millis',
    'retry_of', 'canceled', 'parallel', 'subject', 'committer_name',
]


def test_normalize_keeps_exactly_the_documented_keys_in_reading_order():
    raw = {'build_num': 7, 'lifecycle': 'running', 'steps': [1, 2], 'user': {'login': 'x'}}
    build = normalize_build(raw)
    assert list(build) == DOCUMENTED_BUILD_KEYS
    assert build['build_num'] == 7
    assert build['lifecycle'] == 'running'
    assert build['outcome'] is None and build['stop_time'] is None
    assert 'steps' not in build and 'user' not in build


def test_normalize_copies_every_documented_key_it_is_given():
    raw = dict((key, 'v-%s' % key) for key in DOCUMENTED_BUILD_KEYS)
    assert normalize_build(dict(raw, extra='dropped')) == raw


def test_normalize_none_and_bad_types():
    assert normalize_build(None) is None
    with pytest.raises(TypeError, match='^a build object must be a dict, got list$'):
        normalize_build(['not', 'a', 'build'])


# -- matching running builds ---------------------------------------------------------

BUILDS = [  # newest first, like CircleCI's list
    {'build_num': 9, 'branch': 'main', 'vcs_revision': 'abc1234def', 'vcs_tag': None, 'lifecycle': 'finished'},
    {'build_num': 8, 'branch': 'feature/x', 'vcs_revision': 'ffff000', 'vcs_tag': None, 'lifecycle': 'queued'},
    {'build_num': 7, 'branch': 'main', 'vcs_revision': 'abc1234def', 'vcs_tag': None, 'lifecycle': 'running'},
    {'build_num': 6, 'branch': 'main', 'vcs_revision': '0000999', 'vcs_tag': 'v1', 'lifecycle': 'scheduled'},
]


@pytest.mark.parametrize('kwargs, expected', [
    (dict(branch='main'), 7),
    (dict(branch='feature/x'), 8),
    (dict(branch='main', revision='ABC1234'), 7),
    (dict(branch='main', revision='0000999'), 6),
    (dict(branch='main', revision='deadbee'), None),
    (dict(revision='ffff'), 8),
    (dict(tag='v1'), 6),
    (dict(tag='v2'), None),
    (dict(branch='develop'), None),
])
def test_find_active_build(kwargs, expected):
    found = find_active_build(BUILDS, **kwargs)
    assert (found['build_num'] if found else None) == expected


def test_find_active_build_ignores_finished_and_not_run():
    builds = [{'build_num': 1, 'branch': 'main', 'lifecycle': 'finished'},
              {'build_num': 2, 'branch': 'main', 'lifecycle': 'not_run'}]
    assert find_active_build(builds, branch='main') is None
    assert find_active_build([], branch='main') is None
    assert find_active_build(None, branch='main') is None


def test_is_finished_and_outcome_ok():
    assert is_finished({'lifecycle': 'finished'})
    assert is_finished({'lifecycle': 'not_run'})
    assert not is_finished({'lifecycle': 'running'})
    assert outcome_ok({'lifecycle': 'finished', 'outcome': 'no_tests'})
    assert not outcome_ok({'lifecycle': 'finished', 'outcome': 'failed'})
    assert not outcome_ok({'lifecycle': 'not_run', 'outcome': None})
    assert outcome_ok({'lifecycle': 'finished', 'outcome': 'failed'}, ['failed'])


# -- poll interval -------------------------------------------------------------------

def test_poll_interval_is_steady_for_a_minute_then_grows_to_four_times():
    assert next_poll_interval(5, 0, None) == 5
    assert next_poll_interval(5, 59.9, 5) == 5
    assert next_poll_interval(5, 60, 5) == pytest.approx(5.5)
    assert next_poll_interval(5, 600, 19) == 20
    assert next_poll_interval(5, 600, 20) == 20


# -- the wait loop -------------------------------------------------------------------

def test_short_build_is_polled_once_per_interval():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=1, duration=3)
    build, history, waited = wait(fake, clock)
    assert build['lifecycle'] == 'finished' and build['outcome'] == 'success'
    assert 'extra_field' not in build
    assert fake.gets == 3
    assert clock.sleeps == [1, 1, 1]
    assert waited == 3
    assert [(h['lifecycle'], h['status']) for h in history] == [
        ('queued', 'queued'), ('running', 'running'), ('finished', 'success')]
    assert history[0]['time'] == '2026-11-27T10:00:00Z'
    assert history[1]['time'] == '2026-11-27T10:00:01Z' and history[1]['seconds'] == 1
    assert history[2]['outcome'] == 'success'


def test_already_finished_build_needs_no_request():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=0, duration=0)
    build, history, waited = wait(fake, clock)
    assert fake.gets == 0 and clock.sleeps == [] and waited == 0
    assert len(history) == 1


def test_without_initial_state_the_build_is_read_first():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=0, duration=0, outcome='failed')
    build, history, waited = wait(fake, clock, initial=False)
    assert fake.gets == 1
    assert build['outcome'] == 'failed'


def test_timeout_polls_a_last_time_at_the_deadline():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=1, duration=100)
    build, history, waited = wait(fake, clock, timeout=7.5, poll_interval=2)
    assert build['lifecycle'] == 'running'
    assert not is_finished(build)
    assert waited == 7.5
    assert clock.sleeps == [2, 2, 2, 1.5]
    assert fake.gets == 4


def test_long_build_costs_few_requests_and_never_sleeps_long():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=30, duration=1800)
    build, history, waited = wait(fake, clock, timeout=3600, poll_interval=5)
    assert build['outcome'] == 'success'
    # 12 polls in the first minute, then at most 20 s apart: far fewer than 1800 / 5 = 360.
    assert 90 <= fake.gets <= 110, fake.gets
    assert max(clock.sleeps) <= 20
    assert min(clock.sleeps) == 5
    assert waited < 1800 + 20


def test_history_records_only_changes():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=5, duration=20)
    build, history, waited = wait(fake, clock, poll_interval=1)
    assert fake.gets == 20
    assert len(history) == 3


def test_invalid_poll_interval_is_refused():
    clock = FakeClock()
    fake = FakeBuild(clock)
    with pytest.raises(ValueError, match='^poll_interval must be positive$'):
        wait(fake, clock, poll_interval=0)


# -- fractional clocks: requests take time, and rounding shows ---------------------------

class SlowBuild(FakeBuild):
    """A FakeBuild whose every GET takes `latency` seconds of the fake clock."""

    def __init__(self, clock, latency, **kwargs):
        FakeBuild.__init__(self, clock, **kwargs)
        self.latency = latency

    def get(self):
        self.clock.t += self.latency
        return FakeBuild.get(self)


def test_fractional_latency_is_counted_and_the_last_sleep_is_cut_to_the_deadline():
    clock = FakeClock()
    clock.t = 1000.35
    fake = SlowBuild(clock, 0.25, queued=1, duration=100)
    build, history, waited = wait(fake, clock, timeout=3, poll_interval=1)
    assert build['lifecycle'] == 'running'
    # 1 s, 1 s, then only what is left of the 3 s (0.5 s): never a whole second past the deadline.
    assert clock.sleeps == [1.0, 1.0, pytest.approx(0.5)]
    assert waited == pytest.approx(3.25)
    assert fake.gets == 3


def test_history_seconds_keep_one_decimal():
    clock = FakeClock()
    clock.t = 1000.35
    fake = SlowBuild(clock, 0.25, queued=1, duration=2)
    build, history, waited = wait(fake, clock, poll_interval=1)
    assert build['outcome'] == 'success'
    assert [h['seconds'] for h in history] == [0.0, 1.2, 2.5]
    assert [h['lifecycle'] for h in history] == ['queued', 'running', 'finished']
    assert history[1]['time'] == '2026-11-27T10:00:01Z'
    assert waited == pytest.approx(2.5)


def test_a_timeout_of_one_second_polls_once_more_at_the_deadline():
    clock = FakeClock()
    fake = FakeBuild(clock, queued=10, duration=100)
    build, history, waited = wait(fake, clock, timeout=1, poll_interval=5)
    assert clock.sleeps == [1]
    assert fake.gets == 1
    assert waited == 1 and build['lifecycle'] == 'queued'


def test_the_poll_interval_grows_only_after_a_fractional_minute():
    assert next_poll_interval(2, 59.99, 2) == 2
    assert next_poll_interval(2, 60.01, 2) == pytest.approx(2.2)
    assert next_poll_interval(2, 60.01, 7.9) == 8


# -- failed reads during the wait ------------------------------------------------------

class FlakyBuild(FakeBuild):
    """A build whose reads fail with the errors queued in `fail_next` first."""

    def __init__(self, clock, errors, **kwargs):
        super(FlakyBuild, self).__init__(clock, **kwargs)
        self.fail_next = list(errors)

    def get(self):
        self.gets += 1
        if self.fail_next:
            raise self.fail_next.pop(0)
        return self.state()


def server_error(status=500, html=False):
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
    return CircleCIError('CircleCI answered %d for GET /project/github/acme/app/42' % status, status=status,
                         method='GET', path='/project/github/acme/app/42', html=html)


def test_one_bad_read_does_not_end_the_wait_and_is_in_the_history():
    clock = FakeClock()
    fake = FlakyBuild(clock, [server_error(500), server_error(200, html=True)], queued=1, duration=5)
    build, history, waited = wait(fake, clock)
    assert build['lifecycle'] == 'finished' and build['outcome'] == 'success'
    failed = [h for h in history if h['status'] == 'poll failed']
    assert [h['error'] for h in failed] == ['CircleCI answered 500 for GET /project/github/acme/app/42',
                                            'CircleCI answered 200 for GET /project/github/acme/app/42']
    assert [h['seconds'] for h in failed] == [1, 2]


def test_failed_reads_in_a_row_end_the_wait_naming_the_last():
    from ansible_collections.ciops.circleci.plugins.module_utils._builds import MAX_FAILED_POLLS
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
    clock = FakeClock()
    fake = FakeBuild(clock, queued=1, duration=100)
    # Two failures, a good read (the count starts again), then the limit in a row.
    answers = [server_error(502), server_error(502), None] + [server_error(503)] * MAX_FAILED_POLLS
    calls = []

    def get():
        calls.append(clock.t)
        answer = answers.pop(0)
        if answer is not None:
            raise answer
        return fake.state()

    build, history, waited, gave_up = wait_for_build(get, 1800, 1, build=fake.state(), clock=clock.clock,
                                                     sleep=clock.sleep, now=clock.now)
    assert isinstance(gave_up, CircleCIError)
    assert str(gave_up) == ('Gave up waiting for build 42 after 3 failed reads in a row (6s into the wait); the '
                            'last: CircleCI answered 503 for GET /project/github/acme/app/42')
    assert gave_up.status == 503 and len(calls) == 6 and answers == [] and waited == 6
    assert [h['status'] for h in history] == ['queued', 'poll failed', 'poll failed', 'running'] + ['poll failed'] * 3
    assert build['lifecycle'] == 'running'


def test_a_json_4xx_during_the_wait_ends_it_at_once():
    from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
    clock = FakeClock()
    fake = FlakyBuild(clock, [server_error(404)], queued=1, duration=5)
    with pytest.raises(CircleCIError, match='^CircleCI answered 404 for GET'):
        wait(fake, clock)
    assert fake.gets == 1
