# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix: every plugin's representative task (tasks.PLUGINS) against every fault of
FAULTS, injected into the simulator once (then healthy) and permanently.

Each cell asserts what a user notices:
- the outcome: retried and succeeded (the same ``changed`` as a healthy run), or failed with
  one line that names the request (method and path) and, where there is one, the status;
- no traceback (anything but the plugin's own failure) and no hang past the call's deadline;
- how often the faulted request was sent, from the simulator's request log: a POST or PUT
  that CircleCI may have acted on exactly once, a retried request once more per retry.

Backoff jitter is pinned to its lower bound (0 s) so that the matrix takes seconds, not
minutes; the backoff itself is covered by the unit tests (test_api.py, test_http.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal
import time

import pytest

import rellib
import tasks

RETRIES = 1
TIMEOUT = 3.0
# Delay cells: the server sends nothing for DELAY seconds (then drops the connection, so that a
# late write never lands in the next cell's state); the client's timeout is far shorter. Slow
# answers get the same short timeout.
DELAY = 5.0
DELAY_TIMEOUT = 0.75
HTML_PAGE = ('<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head>'
             '<body><form action="/login"><input name="user"></form></body></html>')
PERMANENT = 1000


class Fault(object):
    """A fault of the matrix: the simulator's fault body, and which requests may be retried after it."""

    def __init__(self, name, spec, retry_any=False, retry_reads=False):
        self.name = name
        self.spec = spec
        self.retry_any = retry_any        # CircleCI said it did not act: writes are retried too
        self.retry_reads = retry_reads    # only reads (and deletes) may be retried

    @property
    def status(self):
        return self.spec.get('status')

    def body_for(self, target):
        return dict(self.spec)

    def retried(self, target):
        return self.retry_any or (self.retry_reads and not target.writes)

    def may_succeed_at_once(self, target):
        """A 200 whose body the plugin does not read (a write answered with nothing it needs)."""
        return False

    def __repr__(self):
        return self.name


class WrongType(Fault):
    """200 with JSON of another type than the one the request's answer has."""

    def body_for(self, target):
        wrong = {'unexpected': 'an object'} if target.expect == 'list' else ['unexpected', 'a list']
        return dict(status=200, body=wrong)

    def may_succeed_at_once(self, target):
        return target.expect is None


class Empty200(Fault):

    def may_succeed_at_once(self, target):
        return target.expect is None


FAULTS = [
    Fault('429', dict(status=429), retry_any=True),
    Fault('429+Retry-After', dict(status=429, retry_after=0), retry_any=True),
    Fault('500', dict(status=500), retry_reads=True),
    Fault('502', dict(status=502), retry_reads=True),
    Fault('503', dict(status=503), retry_reads=True),
    Fault('503+Retry-After', dict(status=503, retry_after=0), retry_any=True),
    Fault('504', dict(status=504), retry_reads=True),
    Fault('delay>timeout', dict(delay=DELAY, drop=True), retry_reads=True),
    Fault('drop-before-read', dict(drop='before_read'), retry_reads=True),
    Fault('drop-after-read', dict(drop='after_read'), retry_reads=True),
    Fault('drop-after-handled', dict(drop='after_handled'), retry_reads=True),
    Fault('html-200', dict(status=200, body=HTML_PAGE)),
    Empty200('empty-200', dict(status=200, body='')),
    Fault('malformed-json-200', dict(status=200, body='{"message": "ok", "build_num": ')),
    WrongType('wrong-json-type-200', {}),
    Fault('410', dict(status=410)),
    # The answer's headers come at once, its body one byte every SLOW seconds: each attempt is cut
    # at the client's timeout and a read is tried again within the call's deadline.
    Fault('slow-answer', dict(trickle=0.3), retry_reads=True),
]
# Faults aimed at reads only (a slow answer to a write is a drop after it was handled).
READS_ONLY = ('slow-answer',)
# A gateway gave up on the write: CircleCI may have acted on it.
GATEWAY = (502, 504)

CELLS = [pytest.param(plugin, target, fault, mode, id='%s-%s_%s-%s-%s' % (
    plugin.label, target.method, target.path.rsplit('/', 1)[-1], fault.name, mode))
    for plugin in tasks.PLUGINS for target in plugin.targets for fault in FAULTS for mode in ('once', 'permanent')
    if not (target.writes and fault.name in READS_ONLY)]


@pytest.fixture(scope='module')
def key():
    return rellib.private_key()[0]


@pytest.fixture
def no_jitter(monkeypatch):
    from ansible_collections.ciops.circleci.plugins.module_utils import _http
    monkeypatch.setattr(_http.random, 'uniform', lambda low, high: low)


@pytest.fixture
def alarm():
    """A cell that hangs fails after 60 s instead of stopping the layer."""
    def hang(signum, frame):
        raise AssertionError('the task hung for 60 s')
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def run_task(sim, plugin, key, timeout):
    conn = dict(api_url=sim.root, api_token=rellib.TOKEN, retries=RETRIES, timeout=timeout)
    args = dict((k, key if v == tasks.KEY_PLACEHOLDER else v) for k, v in plugin.args.items())
    if plugin.kind == 'lookup':
        return rellib.run_lookup(plugin.name, plugin.terms, **dict(conn, **args))
    return rellib.run_module(plugin.name, dict(conn, **args))


def settle(sim, seconds=15):
    """Wait until the simulator has handled every logged request that reached its routes.

    A request a fault took is settled at once: it is answered by the fault, or (delay cells)
    dropped after the delay without ever reaching the state.
    """
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        log = sim.requests()
        if all(r['status'] is not None or r.get('fault') for r in log):
            return log
        time.sleep(0.05)
    raise AssertionError('the simulator still handles requests: %r' % sim.requests())


_BASELINE = {}


def healthy_changed(sim, plugin, key):
    """`changed` of the task on the seed data without faults (None for lookups), once per plugin."""
    if plugin.label not in _BASELINE:
        result = run_task(sim, plugin, key, TIMEOUT)
        assert not result.get('failed'), result
        sim.reset()
        _BASELINE[plugin.label] = result.get('changed')
    return _BASELINE[plugin.label]


def deadline(timeout):
    # timeout x (retries + 1) + the backoff caps (0.5 s for one retry); see _http.CircleCIClient.
    return timeout * (RETRIES + 1) + 0.5


@pytest.mark.usefixtures('plugin_env', 'no_jitter', 'alarm')
@pytest.mark.parametrize('plugin, target, fault, mode', CELLS)
def test_fault_cell(sim, key, plugin, target, fault, mode):
    timeout = DELAY_TIMEOUT if fault.name.startswith('delay') or fault.name in READS_ONLY else TIMEOUT
    baseline = healthy_changed(sim, plugin, key)
    sim.fault(method=target.method, path=target.regex, count=1 if mode == 'once' else PERMANENT,
              **fault.body_for(target))
    start = time.monotonic()
    result = run_task(sim, plugin, key, timeout)
    elapsed = time.monotonic() - start
    sent = [r for r in settle(sim) if r['method'] == target.method and r['path'] == target.path]

    # No hang: the task ends within the faulted call's deadline, with generous room for the rest.
    assert elapsed < deadline(timeout) + 2, 'took %.1f s' % elapsed
    assert sent and sent[0].get('fault'), 'the task never sent %r' % target

    if fault.retried(target) and mode == 'once':
        assert not result.get('failed'), result['msg']
        assert result.get('changed') == baseline
        assert len(sent) == 2, [r.get('fault') for r in sent]
        return
    if fault.may_succeed_at_once(target) and not result.get('failed'):
        assert len(sent) == 1
        return
    assert result.get('failed'), 'the task succeeded although %s answered %s: %r' % (target, fault, result)
    message = result['msg']
    assert '\n' not in message and 'Traceback' not in message, message
    assert target.shown in message, message
    if fault.status:
        assert str(fault.status) in message, message
    if fault.retried(target):
        assert len(sent) == RETRIES + 1
        assert '(after %d retries)' % RETRIES in message, message
    else:
        assert len(sent) == 1, 'sent %d times' % len(sent)
    if target.writes and (fault.spec.get('drop') or fault.status in GATEWAY):
        assert 'CircleCI may have acted on %s' % target.shown in message, message
        if plugin.kind == 'module':
            assert result.get('outcome_unknown') is True
    elif plugin.kind == 'module':
        assert not result.get('outcome_unknown'), message
