# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: waiting on a CircleCI pipeline of 3 workflows, and collecting a pipeline's artifacts.

Cases, against the CircleCI simulator:

  wait                 one ciops.circleci.circleci_pipeline task (trigger + wait, poll_interval --poll-interval)
                       run by ansible-playbook, on a pipeline of 3 workflows whose jobs last 2 to 5 s (the
                       last workflow finishes about 7 s after the trigger). Reported: the requests the task
                       sent (from the simulator's log), the seconds it waited (its waited_seconds), and how long
                       after the last workflow finished the wait returned (the pipeline's created_at plus
                       waited_seconds, minus the latest stopped_at of its workflows, all as the simulator saw them).
  artifacts-concurrent the circleci_artifacts lookup with pipeline_id on a pipeline of 3 workflows x 4 jobs
                       (1 artifact each), workers=8, in-process as a template calls it
  artifacts-sequential the same with workers=1 (one by one)

Every API v2 GET of the artifact cases gets a server-side delay (a simulator fault, --delay seconds) to model
network latency; without it a loopback server answers in about a millisecond and there is nothing to overlap.
Medians of --runs runs. The run fails when the wait sends more than one request per poll (plus the trigger,
the final read of the pipeline and of each workflow's jobs), returns later than one poll interval after the last
workflow finished, when the artifact cases send other than 1 + 3 + 12 requests or return different results,
or when concurrent is not --min-speedup times faster than sequential.

`make bench` runs this with CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN and ANSIBLE_COLLECTIONS_PATH set.
Standalone (`python bench/bench_pipelines.py`) it starts its own simulator and puts a copy of this checkout on a
temporary collections path.
"""

from __future__ import absolute_import, division, print_function

import argparse
import datetime
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import (  # noqa: E402  pylint: disable=wrong-import-position
    bench_run, emit_area, emit_row, load_lookups, playbook_env, timed, timed_playbook, write_playbooks)

AREA = 'Pipelines'

SLUG = 'gh/acme/app'
# 3 workflows; the last one (build -> test) finishes about 7 s after the trigger (1 s compile + 3 s + 3 s).
WAIT_WORKFLOWS = [
    {'name': 'build', 'jobs': [{'name': 'build', 'seconds': 3}, {'name': 'test', 'requires': ['build'], 'seconds': 3}]},
    {'name': 'lint', 'jobs': [{'name': 'lint', 'seconds': 2}]},
    {'name': 'docs', 'jobs': [{'name': 'docs', 'seconds': 5}]},
]
# 3 workflows x 4 jobs, one artifact each.
ARTIFACT_WORKFLOWS = [
    {'name': 'wf%d' % w, 'jobs': [{'name': 'wf%d-job%d' % (w, j), 'seconds': 0.2,
                                   'artifacts': ['home/circleci/project/out/wf%d-job%d.tar.gz' % (w, j)]}
                                  for j in range(4)]}
    for w in range(3)]
ARTIFACT_REQUESTS = 1 + 3 + 12

WAIT_PLAY = """
- name: Bench - circleci_pipeline, trigger and wait
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Trigger main and wait for its 3 workflows
      ciops.circleci.circleci_pipeline:
        api_url: "{{ sim_url }}"
        api_token: "{{ sim_token }}"
        project_slug: gh/acme/app
        branch: main
        wait: true
        poll_interval: "{{ poll_interval }}"
      register: ci

    - name: Keep the result for the benchmark
      ansible.builtin.copy:
        content: "{{ ci | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
"""


def parse_time(text):
    return datetime.datetime.strptime(text.replace('Z', '+0000'), '%Y-%m-%dT%H:%M:%S.%f%z')


def wait_case(sim, cmd, env, playbook, result_file):
    """(waited seconds, lag seconds, {kind of request: count}, wall seconds, result) of one trigger + wait."""
    sim.reset()
    sim.control('POST', '/config', {'compile_seconds': 1.0})
    sim.control('POST', '/pipelines/next', {'project': SLUG, 'workflows': WAIT_WORKFLOWS})
    wall = timed_playbook(cmd, env, playbook)
    with open(result_file) as handle:
        result = json.load(handle)
    log = sim.requests()
    pipeline_id = result['pipeline']['id']
    kinds = {'trigger': 0, 'workflow list': 0, 'pipeline': 0, 'jobs': 0, 'other': 0}
    for entry in log:
        path = entry['path']
        if entry['method'] == 'POST' and path.endswith('/pipeline/run'):
            kinds['trigger'] += 1
        elif path == '/api/v2/pipeline/%s/workflow' % pipeline_id:
            kinds['workflow list'] += 1
        elif path == '/api/v2/pipeline/%s' % pipeline_id:
            kinds['pipeline'] += 1
        elif path.startswith('/api/v2/workflow/') and path.endswith('/job'):
            kinds['jobs'] += 1
        else:
            kinds['other'] += 1
    stopped = max(parse_time(w['stopped_at']) for w in result['workflows'])
    returned = parse_time(result['pipeline']['created_at']) + datetime.timedelta(seconds=result['waited_seconds'])
    lag = (returned - stopped).total_seconds()
    return result['waited_seconds'], lag, kinds, wall, result


def artifacts_pipeline(sim):
    """A finished pipeline of 3 workflows x 4 jobs; its id."""
    sim.reset()
    sim.control('POST', '/config', {'compile_seconds': 0.1})
    sim.control('POST', '/pipelines/next', {'project': SLUG, 'workflows': ARTIFACT_WORKFLOWS})
    pipeline_id = sim.api('POST', '/project/gh/acme/app/pipeline/run', {'config': {'branch': 'main'}})['id']
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = sim.api('GET', '/pipeline/%s/workflow' % pipeline_id)['items']
        if len(items) == 3 and all(w['status'] == 'success' for w in items):
            return pipeline_id
        time.sleep(0.2)
    raise SystemExit('the artifacts pipeline did not finish within 30 s')


def artifacts_case(sim, lookup, conn, pipeline_id, workers, delay):
    measured = timed(sim, lambda: lookup.run([], {}, pipeline_id=pipeline_id, workers=workers, **conn),
                     faults=[dict(method='GET', path='^/api/v2/', count=1000, delay=delay)])
    sim.control('DELETE', '/faults')
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=3, help='runs per case; the median is reported (default 3)')
    parser.add_argument('--poll-interval', type=int, default=2, help='poll_interval of the wait (default 2)')
    parser.add_argument('--delay', type=float, default=0.1,
                        help='server-side delay per API v2 GET of the artifact cases, seconds (default 0.1)')
    parser.add_argument('--workers', type=int, default=8, help='workers of the concurrent case (default 8)')
    parser.add_argument('--min-speedup', type=float, default=2.5,
                        help='fail when sequential/concurrent wall time is below this (default 2.5)')
    args = parser.parse_args()

    waits = []
    walls = {'artifacts-concurrent': [], 'artifacts-sequential': []}
    logs = {}
    results = {}
    with bench_run('bench-pipelines-') as (sim, workdir):
        env = playbook_env(workdir)
        result_file = os.path.join(workdir, 'result.json')
        books, cmd = write_playbooks(workdir, (('wait', WAIT_PLAY),), 0, dict(
            sim_url=sim.root, sim_token=sim.token, poll_interval=args.poll_interval, result_file=result_file))
        for dummy in range(args.runs):
            waits.append(wait_case(sim, cmd, env, books['wait'], result_file))

        lookup, = load_lookups(env['ANSIBLE_COLLECTIONS_PATH'], 'circleci_artifacts')
        conn = dict(api_url=sim.root, api_token=sim.token, retries=0)
        pipeline_id = artifacts_pipeline(sim)
        for dummy in range(args.runs):
            for name, workers in (('artifacts-concurrent', args.workers), ('artifacts-sequential', 1)):
                seconds, result, log = artifacts_case(sim, lookup, conn, pipeline_id, workers, args.delay)
                walls[name].append(seconds)
                logs[name] = log
                if results.setdefault(name, result) != result:
                    raise SystemExit('%s returned different results from run to run' % name)

    failures = []
    waited = [w[0] for w in waits]
    lags = [w[1] for w in waits]
    kinds = waits[-1][2]
    requests = sum(kinds.values())
    print('pipeline benchmark: median of %d runs' % args.runs)
    print()
    print('wait on a pipeline of 3 workflows (circleci_pipeline, wait: true, poll_interval: %d s; the last workflow '
          'finishes about 7 s after the trigger)' % args.poll_interval)
    print('%-52s %10s %10s %10s' % ('', 'median', 'min', 'max'))
    print('%-52s %10.1f %10.1f %10.1f' % ('seconds waited (waited_seconds)', statistics.median(waited), min(waited),
                                          max(waited)))
    print('%-52s %10.2f %10.2f %10.2f' % ('seconds from the last workflow finishing to return', statistics.median(lags),
                                          min(lags), max(lags)))
    print('%-52s %10.1f %10.1f %10.1f' % ('seconds of the whole ansible-playbook run', statistics.median(w[3] for w in waits),
                                          min(w[3] for w in waits), max(w[3] for w in waits)))
    print('%-52s %10d   (%s)' % ('requests of one run', requests, ', '.join('%s %d' % kv for kv in kinds.items() if kv[1])))
    print()
    print('artifacts of a pipeline of 3 workflows x 4 jobs (circleci_artifacts, pipeline_id; every v2 GET delayed '
          '%.2f s by the simulator)' % args.delay)
    print('%-24s %10s %10s %10s %10s %10s' % ('case', 'median s', 'min s', 'max s', 'requests', 'artifacts'))
    median = {}
    for name in ('artifacts-concurrent', 'artifacts-sequential'):
        median[name] = statistics.median(walls[name])
        print('%-24s %10.3f %10.3f %10.3f %10d %10d' % (name, median[name], min(walls[name]), max(walls[name]),
                                                        len(logs[name]), len(results[name])))

    report(args, waits, walls, logs)

    # One request per poll (more only for the polls that find no workflow yet), plus trigger, pipeline and jobs.
    polls = waits[-1][4]['waited_seconds'] / float(args.poll_interval)
    if kinds['trigger'] != 1 or kinds['jobs'] != 3 or kinds['other'] or kinds['workflow list'] > polls + 1:
        failures.append('the wait sent %s for about %.0f polls' % (kinds, polls))
    if max(lags) > args.poll_interval + 0.3:
        failures.append('the wait returned %.2f s after the last workflow finished, more than one poll interval'
                        % max(lags))
    for name in walls:
        if len(logs[name]) != ARTIFACT_REQUESTS:
            failures.append('%s sent %d requests, expected %d' % (name, len(logs[name]), ARTIFACT_REQUESTS))
    if results['artifacts-concurrent'] != results['artifacts-sequential'] or len(results['artifacts-concurrent']) != 12:
        failures.append('concurrent and sequential reads returned different lists, or not 12 artifacts')
    speedup = median['artifacts-sequential'] / median['artifacts-concurrent']
    if speedup < args.min_speedup:
        failures.append('concurrent reads are %.1fx faster than sequential, below the required %.1fx'
                        % (speedup, args.min_speedup))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: the wait sent one request per poll and returned %.2f s (median) after the last workflow finished; '
          'the artifacts of 12 jobs in %d requests, %.1fx faster with %d workers than one by one'
          % (statistics.median(lags), ARTIFACT_REQUESTS, speedup, args.workers))
    return 0


def report(args, waits, walls, logs):
    """The rows of docs/performance.md (when make bench asks for them)."""
    totals = [sum(w[2].values()) for w in waits]
    count = '%d' % totals[0] if min(totals) == max(totals) else '%d-%d' % (min(totals), max(totals))
    requests = '%s (last run: %s)' % (count, ', '.join('%s %d' % kv for kv in waits[-1][2].items() if kv[1]))
    emit_area(__file__, AREA, (
        'The wait: one `circleci_pipeline` task (trigger and `wait: true`, `poll_interval: %d`) run by '
        '`ansible-playbook` on a pipeline of 3 workflows whose last one finishes about 7 s after the trigger; its '
        'requests from the simulator\'s log, and how long after the last workflow finished the wait returned (the '
        'pipeline\'s created_at plus waited_seconds, minus the latest stopped_at of its workflows, as the simulator '
        'saw them). No baseline: a `uri` + `until` loop polls each workflow the same way. The artifacts: the '
        '`circleci_artifacts` lookup with `pipeline_id` on 3 workflows x 4 jobs (1 artifact each), in-process, every '
        'API v2 `GET` delayed %.2f s by the simulator; baseline: the same lookup with `workers: 1`.')
        % (args.poll_interval, args.delay), args.runs)
    emit_row(__file__, AREA, 'wait on 3 workflows: the whole `ansible-playbook` run',
             ('`circleci_pipeline`', [w[3] for w in waits]), None, requests, bound='fails on more than one workflow-list read per poll')
    emit_row(__file__, AREA, 'wait on 3 workflows: seconds waited (`waited_seconds`)',
             ('`circleci_pipeline`', [w[0] for w in waits]))
    emit_row(__file__, AREA, 'wait on 3 workflows: last workflow finished -> wait returned',
             ('`circleci_pipeline`', [w[1] for w in waits]),
             bound='fails above one poll interval (%d s)' % args.poll_interval)
    emit_row(__file__, AREA, 'artifacts of 3 workflows x 4 jobs (`circleci_artifacts`, `pipeline_id`)',
             ('`workers: %d`' % args.workers, walls['artifacts-concurrent']), ('`workers: 1`', walls['artifacts-sequential']),
             '%d GET' % len(logs['artifacts-concurrent']), '%d GET' % len(logs['artifacts-sequential']),
             bound='fails when one-by-one / ours < %.1fx, or other than %d requests'
             % (args.min_speedup, ARTIFACT_REQUESTS))


if __name__ == '__main__':
    sys.exit(main())
