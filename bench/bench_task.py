# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the cost of one task, ciops.circleci.circleci_project_info vs ansible.builtin.uri.

Cases, each an `ansible-playbook` run of one task against the CircleCI simulator reset to its seed data:

  module  one ciops.circleci.circleci_project_info task, gather: [envvars], api_version: v1.1:
          one GET of the project's variable list
  uri     one ansible.builtin.uri task: the same GET
  floor   one ansible.builtin.debug task: Ansible's start-up and a task that runs no module (debug is an
          action plugin that stays in the controller), so `case - floor` is what running the module costs
          (building and starting its AnsiballZ payload, its imports, its request, its result)

Wall time around the whole process, median of --runs runs, cases interleaved. Requests are counted from the
simulator's log. The run fails when a case sends another request than the one GET, or when the module's
per-task overhead (its fastest run minus the fastest floor) exceeds --max-overhead-ratio times uri's plus --slack
seconds.

`make bench` runs this with CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN and ANSIBLE_COLLECTIONS_PATH
set. Standalone (`python bench/bench_task.py`) it starts its own simulator and puts a copy of this checkout on
a temporary collections path.
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import (  # noqa: E402  pylint: disable=wrong-import-position
    bench_run, emit_area, emit_row, measure, playbook_env, request_text, write_playbooks)

AREA = 'One task: per-task overhead'

MODULE_PLAY = """
- name: Bench - one circleci_project_info task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the project's variables
      ciops.circleci.circleci_project_info:
        api_url: "{{ sim_url }}"
        api_token: "{{ sim_token }}"
        username: acme
        project: app
        gather: [envvars]
        api_version: v1.1
      register: info
"""

URI_PLAY = """
- name: Bench - one ansible.builtin.uri task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the project's variables
      ansible.builtin.uri:
        url: "{{ sim_url }}/project/github/acme/app/envvar"
        headers:
          Circle-Token: "{{ sim_token }}"
          Accept: application/json
      register: info
"""

FLOOR_PLAY = """
- name: Bench - Ansible start-up plus one task that runs no module
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One debug task
      ansible.builtin.debug:
        msg: floor
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=9, help='runs per case; the median is reported (default 9)')
    parser.add_argument('--max-overhead-ratio', type=float, default=1.5,
                        help="fail when the module's overhead exceeds this times uri's plus --slack (default 1.5)")
    parser.add_argument('--slack', type=float, default=0.15, help='seconds of --max-overhead-ratio (default 0.15)')
    args = parser.parse_args()

    with bench_run('bench-task-') as (sim, workdir):
        env = playbook_env(workdir)
        books, cmd = write_playbooks(
            workdir, (('module', MODULE_PLAY), ('uri', URI_PLAY), ('floor', FLOOR_PLAY)), 1,
            dict(sim_url=sim.url, sim_token=sim.token))
        cases = [(name, dict(playbook=books[name])) for name in ('module', 'uri', 'floor')]
        walls, counts = measure(sim, cmd, env, cases, args.runs)

    median = dict((name, statistics.median(values)) for name, values in walls.items())
    overhead = dict((name, [w - median['floor'] for w in walls[name]]) for name in ('module', 'uri'))
    print('one-task benchmark: median of %d runs, wall time of ansible-playbook' % args.runs)
    print('%-8s %9s %9s %9s %10s %9s' % ('case', 'median s', 'min s', 'max s', '- floor s', 'requests'))
    for name, dummy in cases:
        print('%-8s %9.3f %9.3f %9.3f %10.3f %9s' % (
            name, median[name], min(walls[name]), max(walls[name]), median[name] - median['floor'],
            request_text(counts[name])))

    emit_area(__file__, AREA, (
        'ours: one `circleci_project_info` task (`gather: [envvars]`, one `GET`); baseline: one `uri` task that '
        'sends the same `GET`. Each is its own `ansible-playbook` run; the floor is a run of one '
        '`ansible.builtin.debug` task, which starts no module, so a case minus the floor is the cost of running '
        'its module: building and starting the AnsiballZ payload, its imports, its request and its result.'),
        args.runs)
    emit_row(__file__, AREA, 'one task, whole run', ('`circleci_project_info`', walls['module']),
             ('`uri`', walls['uri']), request_text(counts['module']), request_text(counts['uri']))
    emit_row(__file__, AREA, 'floor: start-up plus one debug task', ('`ansible.builtin.debug`', walls['floor']),
             None, request_text(counts['floor']))
    emit_row(__file__, AREA, 'per-task overhead (run minus the floor median)',
             ('`circleci_project_info`', overhead['module']), ('`uri`', overhead['uri']),
             bound="fails when ours > %.1f x uri's + %.2f s (fastest run minus fastest floor)"
             % (args.max_overhead_ratio, args.slack))

    failures = []
    for name in ('module', 'uri'):
        if request_text(counts[name]) != '1 GET':
            failures.append('%s sent %s, expected one GET' % (name, request_text(counts[name])))
    # The bound compares the fastest runs (min - min): a busy machine slows single runs by seconds, never speeds them.
    ours, theirs = min(walls['module']) - min(walls['floor']), min(walls['uri']) - min(walls['floor'])
    if ours > args.max_overhead_ratio * theirs + args.slack:
        failures.append('the module costs %.3f s over the floor, uri %.3f s (fastest runs): above %.1f x uri + %.2f s'
                        % (ours, theirs, args.max_overhead_ratio, args.slack))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: one module task costs %.3f s over the floor, one uri task %.3f s (fastest runs)' % (ours, theirs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
