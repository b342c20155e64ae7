# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the circleci_builds and circleci_artifacts lookups against the CircleCI simulator.

Cases, each run in-process through Ansible's lookup loader (as a template would
call the lookup), on a simulator reset to its seed data:

  builds-1000          circleci_builds, limit=1000 on a project with 1,006 builds:
                       must be exactly 10 GETs of 100 builds (offsets 0..900)
  artifacts-concurrent circleci_artifacts, build_num = 20 builds, workers=8
  artifacts-sequential the same 20 builds, workers=1 (one by one)

The artifact requests get a server-side delay (a simulator fault with `delay`
and no status, --delay seconds, one per request) to model network latency;
without it a loopback server answers in about a millisecond and there is
nothing to overlap. Wall time is measured around the lookup's run(), median of
--runs runs (cases interleaved). Requests are counted from the simulator's log.
The run fails when a case sends other requests than expected, when the two
artifact cases return different results, or when concurrent is not
--min-speedup times faster than sequential.

`make bench` runs this with CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN
and ANSIBLE_COLLECTIONS_PATH set. Standalone (`python bench/bench_lookups.py`)
it starts its own simulator and puts a copy of this checkout on a temporary
collections path.
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import bench_run, collections_path, emit_area, emit_row, load_lookups, timed  # noqa: E402  pylint: disable=wrong-import-position

AREA = 'Lookups'

BUILDS = 1000
ARTIFACT_BUILDS = 20


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=3, help='runs per case; the median is reported (default 3)')
    parser.add_argument('--delay', type=float, default=0.1,
                        help='server-side delay per artifact request, seconds (default 0.1)')
    parser.add_argument('--workers', type=int, default=8, help='workers of the concurrent case (default 8)')
    parser.add_argument('--min-speedup', type=float, default=3.0,
                        help='fail when sequential/concurrent wall time is below this (default 3)')
    args = parser.parse_args()

    with bench_run('bench-lookups-') as (sim, workdir):
        builds_lookup, artifacts_lookup = load_lookups(collections_path(workdir), 'circleci_builds', 'circleci_artifacts')
        conn = dict(api_url=sim.url, api_token=sim.token, retries=0)

        sim.control('POST', '/reset')
        sim.control('POST', '/seed/builds', dict(vcs_type='github', username='acme', project='app', count=BUILDS,
                                                 branch='main', artifacts=0))
        seeded = sim.control('POST', '/seed/builds', dict(vcs_type='github', username='acme', project='app',
                                                          count=ARTIFACT_BUILDS, branch='release', artifacts=3))
        build_nums = list(range(seeded['first_build_num'], seeded['last_build_num'] + 1))
        delay_fault = dict(method='GET', path=r'/\d+/artifacts$', count=ARTIFACT_BUILDS, delay=args.delay)

        cases = [
            ('builds-1000', lambda: builds_lookup.run(['acme/app'], {}, limit=BUILDS, **conn), ()),
            ('artifacts-concurrent', lambda: artifacts_lookup.run(
                ['acme/app'], {}, build_num=build_nums, workers=args.workers, **conn), (delay_fault,)),
            ('artifacts-sequential', lambda: artifacts_lookup.run(
                ['acme/app'], {}, build_num=build_nums, workers=1, **conn), (delay_fault,)),
        ]
        walls = dict((name, []) for name, dummy, dummy2 in cases)
        logs = {}
        results = {}
        for dummy in range(args.runs):
            for name, func, faults in cases:
                seconds, result, log = timed(sim, func, faults)
                walls[name].append(seconds)
                logs[name] = log
                if results.setdefault(name, result) != result:
                    raise SystemExit('%s returned different results from run to run' % name)

    median = dict((name, statistics.median(values)) for name, values in walls.items())
    print('lookup benchmark: median of %d runs, wall time of the lookup call (in-process); '
          'artifact requests delayed %.2f s by the simulator' % (args.runs, args.delay))
    print('%-21s %9s %9s %9s %9s %8s' % ('case', 'median s', 'min s', 'max s', 'requests', 'results'))
    for name, dummy, dummy2 in cases:
        print('%-21s %9.3f %9.3f %9.3f %9d %8d' % (
            name, median[name], min(walls[name]), max(walls[name]), len(logs[name]), len(results[name])))

    rounds = -(-ARTIFACT_BUILDS // args.workers)
    emit_area(__file__, AREA, (
        'Each lookup called in-process through Ansible\'s lookup loader, as a template calls it, on the simulator '
        'reset to its seed data plus %d builds; wall time of the call. Every artifact request is delayed %.2f s by '
        'the simulator to model network latency (on loopback there is nothing to overlap otherwise). Baseline of the '
        'artifacts row: the same lookup with `workers: 1`, one build after the other; 20 builds over %d workers are '
        '%d rounds, so %.1fx is the best possible.') % (
            BUILDS + ARTIFACT_BUILDS, args.delay, args.workers, rounds, ARTIFACT_BUILDS / float(rounds)), args.runs)
    emit_row(__file__, AREA, '1,000 builds (`circleci_builds`, `limit: 1000`)', ('`circleci_builds`', walls['builds-1000']),
             None, '%d GET' % len(logs['builds-1000']), bound='fails on any request but 10 pages of 100',
             note='none (the API gives at most 100 builds a request)')
    emit_row(__file__, AREA, 'artifacts of %d builds (`circleci_artifacts`)' % ARTIFACT_BUILDS,
             ('`workers: %d`' % args.workers, walls['artifacts-concurrent']), ('`workers: 1`', walls['artifacts-sequential']),
             '%d GET' % len(logs['artifacts-concurrent']), '%d GET' % len(logs['artifacts-sequential']),
             bound='fails when one-by-one / ours < %.0fx, or the results differ' % args.min_speedup)

    failures = []
    pages = [(e['method'], e['path'], e['query'].get('limit'), e['query'].get('offset')) for e in logs['builds-1000']]
    expected_pages = [('GET', '/api/v1.1/project/github/acme/app', '100', str(offset)) for offset in range(0, BUILDS, 100)]
    if pages != expected_pages:
        failures.append('builds-1000 sent %s, expected 10 GETs of 100 at offsets 0..900' % (pages,))
    if len(results['builds-1000']) != BUILDS:
        failures.append('builds-1000 returned %d builds' % len(results['builds-1000']))
    expected_paths = sorted('/api/v1.1/project/github/acme/app/%d/artifacts' % n for n in build_nums)
    for name in ('artifacts-concurrent', 'artifacts-sequential'):
        paths = sorted(e['path'] for e in logs[name] if e['method'] == 'GET')
        if paths != expected_paths or len(logs[name]) != ARTIFACT_BUILDS:
            failures.append('%s sent %d requests, expected one GET per build (%d)' % (name, len(logs[name]), ARTIFACT_BUILDS))
    if results['artifacts-concurrent'] != results['artifacts-sequential']:
        failures.append('concurrent and sequential artifact reads returned different lists')
    if len(results['artifacts-concurrent']) != 3 * ARTIFACT_BUILDS:
        failures.append('expected %d artifacts, got %d' % (3 * ARTIFACT_BUILDS, len(results['artifacts-concurrent'])))
    speedup = median['artifacts-sequential'] / median['artifacts-concurrent']
    if speedup < args.min_speedup:
        failures.append('concurrent reads are %.1fx faster than sequential, below the required %.1fx'
                        % (speedup, args.min_speedup))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: 1,000 builds in 10 requests; artifacts of %d builds %.1fx faster with %d workers than one by one '
          '(bound: %d/%d = %.1fx), same results in the same order'
          % (ARTIFACT_BUILDS, speedup, args.workers, ARTIFACT_BUILDS, -(-ARTIFACT_BUILDS // args.workers),
             ARTIFACT_BUILDS / float(-(-ARTIFACT_BUILDS // args.workers))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
