# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polls that fail during a wait: circleci_pipeline with wait=true against a pipeline that runs
to success, while the reads it polls with (the pipeline, its workflow list) fail.

A read that fails during a wait does not end it: reads are idempotent, and a 30-minute deployment
wait must survive one bad answer. The wait gives up only when MAX_FAILED_POLLS reads in a row
have failed (or at its deadline), and says which read failed last. Each failed poll is in the
task's ``history``. The client's own retries are off here (retries=0), so that every injected
fault reaches the wait; no write is ever sent again.

Each cell asserts what a user notices: the task's outcome and message, ``history``, and from
the simulator's request log how often the faulted read and the trigger were sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

import rellib

from ansible_collections.ciops.circleci.plugins.module_utils._polling import MAX_FAILED_POLLS

HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'
READS = {
    'workflows': '^/api/v2/pipeline/[^/]+/workflow$',
    'pipeline': '^/api/v2/pipeline/[^/]+$',
}
# One of each kind a poll meets: a server error, a proxy's page, a 200 that is not the JSON read,
# no answer at all.
FAULTS = {
    '500': dict(status=500),
    'html-502': dict(status=502, body=HTML_PAGE),
    'html-200': dict(status=200, body=HTML_PAGE),
    'empty-200': dict(status=200, body=''),
    'drop': dict(drop='after_read'),
}
TRIGGER = '/api/v2/project/gh/acme/app/pipeline/run'


def wait_task(sim):
    return dict(api_url=sim.root, api_token=rellib.TOKEN, retries=0, timeout=5, project_slug='gh/acme/app',
                branch='main', wait=True, poll_interval=1, wait_timeout=60, first_workflow_timeout=30)


def failed_polls(result):
    return [h for h in result.get('history') or [] if h.get('what') == 'poll' and h.get('status') == 'failed']


# One failed poll fewer than the limit (the wait goes on), and the limit (it ends); each cell waits
# about 3 s (polls are at least a second apart), so the counts below the limit are one cell.
CELLS = [pytest.param(read, fault, count, id='%s-%s-x%d' % (read, fault, count))
         for read in READS for fault in FAULTS for count in (MAX_FAILED_POLLS - 1, MAX_FAILED_POLLS)]


@pytest.mark.usefixtures('plugin_env')
@pytest.mark.parametrize('read, fault, count', CELLS)
def test_a_wait_survives_failed_polls_until_too_many_come_in_a_row(sim, read, fault, count):
    # The faults wait for the pipeline to exist: they match only its reads, never the trigger.
    sim.fault(method='GET', path=READS[read], count=count, **FAULTS[fault])
    result = rellib.run_module('circleci_pipeline', wait_task(sim))
    log = sim.requests()
    polls = [r for r in log if r['method'] == 'GET' and r.get('fault')]
    triggers = [r for r in log if r['method'] == 'POST' and r['path'] == TRIGGER]

    assert len(triggers) == 1, 'the trigger was sent %d times' % len(triggers)
    assert len(polls) == count, [(r['method'], r['path'], r.get('fault')) for r in log]
    if count < MAX_FAILED_POLLS:
        assert not result.get('failed'), result.get('msg')
        assert result['pipeline']['state'] == 'created'
        assert [w['status'] for w in result['workflows']] and all(w['status'] == 'success' for w in result['workflows'])
        assert len(failed_polls(result)) == count, result.get('history')
        return
    assert result.get('failed'), 'the wait went on after %d failed polls in a row' % count
    message = result['msg']
    assert '\n' not in message and 'Traceback' not in message, message
    assert message.startswith('Gave up waiting for pipeline ') and 'after %d failed reads in a row' % MAX_FAILED_POLLS \
        in message, message
    assert 'GET /api/v2/pipeline/' in message, message
    assert result.get('outcome_unknown') is not True
    assert len(failed_polls(result)) == count, result.get('history')
