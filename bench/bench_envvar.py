# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: 50 project environment variables, ciops.circleci.circleci_envvar vs ansible.builtin.uri.

Cases, each an `ansible-playbook` run against the CircleCI simulator reset to
its seed data (so every run creates the same 50 variables):

  module      one ciops.circleci.circleci_envvar task with `variables` (50 items)
  uri         a careful ansible.builtin.uri playbook: one GET of the list, then a POST loop over the
              variables that skips each one listed with the mask of its value (CircleCI shows
              xxxx + the last 4 characters), as the module decides (update_values: on_mask_change)
  module-rerun  the module task run a second time (nothing to change: 1 GET, no POST)
  uri-rerun   the uri playbook run a second time (1 GET, every loop item skipped)
  floor       Ansible's own start-up plus one task (ansible.builtin.ping): the best any
              one-task playbook can do

Wall time is measured around the whole `ansible-playbook` process (start-up
included), median of --runs runs (cases interleaved, so that machine load hits
all of them alike). Requests are counted from the simulator's log
(GET /_sim/requests). The run fails when module and uri do not send the same
requests (1 GET + 50 POST each) or when the module is not --min-speedup times
faster than uri.

`make bench` runs this with CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN
and ANSIBLE_COLLECTIONS_PATH set. Standalone (`python bench/bench_envvar.py`)
it starts its own simulator and puts a copy of this checkout on a temporary
collections path.
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import (  # noqa: E402  pylint: disable=wrong-import-position
    FLOOR_PLAY, bench_run, bench_variables, emit_area, emit_row, measure, playbook_env, request_text, write_playbooks)

AREA = 'Project environment variables'


MODULE_PLAY = """
- name: Bench - circleci_envvar, one bulk task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Set {count} variables in one task
      ciops.circleci.circleci_envvar:
        api_url: "{{{{ sim_url }}}}"
        api_token: "{{{{ sim_token }}}}"
        username: acme
        project: app
        variables: "{{{{ bench_vars }}}}"
"""

URI_PLAY = """
- name: Bench - ansible.builtin.uri, one GET then a POST per variable that differs
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the list of variables
      ansible.builtin.uri:
        url: "{{{{ sim_url }}}}/project/github/acme/app/envvar"
        headers:
          Circle-Token: "{{{{ sim_token }}}}"
          Accept: application/json
      register: current

    - name: Post each of the {count} variables that is missing or listed with another mask
      vars:
        shown: "{{{{ current.json | items2dict(key_name='name', value_name='value') }}}}"
      when: shown[item.name] | default('') != 'xxxx' ~ item.value[-4:]
      ansible.builtin.uri:
        url: "{{{{ sim_url }}}}/project/github/acme/app/envvar"
        method: POST
        headers:
          Circle-Token: "{{{{ sim_token }}}}"
          Accept: application/json
        body_format: json
        body:
          name: "{{{{ item.name }}}}"
          value: "{{{{ item.value }}}}"
        status_code: [200, 201]
      loop: "{{{{ bench_vars }}}}"
      no_log: true
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=5,
                        help='runs per case; the median is reported (default 5: single runs vary by +-30%% here)')
    parser.add_argument('--count', type=int, default=50, help='number of variables (default 50)')
    parser.add_argument('--min-speedup', type=float, default=12.0,
                        help='fail when uri/module wall time is below this (default 12)')
    args = parser.parse_args()

    with bench_run('bench-envvar-') as (sim, workdir):
        env = playbook_env(workdir)
        books, cmd = write_playbooks(
            workdir, (('module', MODULE_PLAY), ('uri', URI_PLAY), ('floor', FLOOR_PLAY)), args.count,
            dict(sim_url=sim.url, sim_token=sim.token, bench_vars=bench_variables(args.count)))
        cases = [
            ('module', dict(playbook=books['module'])),
            ('uri', dict(playbook=books['uri'])),
            ('module-rerun', dict(playbook=books['module'], prepare=[books['module']])),
            # The module's first run leaves the same 50 variables as the uri playbook's, in a fraction of the time.
            ('uri-rerun', dict(playbook=books['uri'], prepare=[books['module']])),
            ('floor', dict(playbook=books['floor'])),
        ]
        walls, counts = measure(sim, cmd, env, cases, args.runs)

    median = dict((name, statistics.median(values)) for name, values in walls.items())
    print('circleci_envvar benchmark: %d variables, median of %d runs, wall time of ansible-playbook'
          % (args.count, args.runs))
    header = ('case', 'median s', 'min s', 'max s', 'GET', 'POST', 'DELETE', 'conns', 'uri / case')
    print('%-13s %9s %9s %9s %5s %5s %7s %6s %11s' % header)
    for name, dummy in cases:
        print('%-13s %9.2f %9.2f %9.2f %5d %5d %7d %6d %10.1fx' % (
            name, median[name], min(walls[name]), max(walls[name]), counts[name].get('GET', 0),
            counts[name].get('POST', 0), counts[name].get('DELETE', 0), counts[name]['connections'],
            median['uri'] / median[name]))

    report(args, walls, counts)
    failures = []
    expected = {'GET': 1, 'POST': args.count}
    requests_of = dict((name, dict((k, v) for k, v in seen.items() if k != 'connections')) for name, seen in counts.items())
    for name in ('module', 'uri'):
        if requests_of[name] != expected:
            failures.append('%s sent %s, expected %s' % (name, requests_of[name], expected))
    for name in ('module-rerun', 'uri-rerun'):
        if requests_of[name] != {'GET': 1}:
            failures.append('%s sent %s, expected only one GET' % (name, requests_of[name]))
    if counts['module']['connections'] > 1:
        failures.append('module used %d connections, expected one kept-alive session' % counts['module']['connections'])
    speedup = median['uri'] / median['module']
    if speedup < args.min_speedup:
        failures.append('module is %.1fx faster than uri, below the required %.1fx' % (speedup, args.min_speedup))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: module %.1fx faster than uri (limit set by Ansible start-up plus one task: %.1fx), same requests'
          % (speedup, median['uri'] / median['floor']))
    return 0


def report(args, walls, counts):
    """The rows of docs/performance.md (when make bench asks for them)."""
    emit_area(__file__, AREA, (
        'ours: one `circleci_envvar` task with `variables` (%(n)d items); baseline: a careful `uri` playbook, '
        'one `GET` of the list, then a `POST` loop over the %(n)d variables that skips each one CircleCI already '
        'lists with the mask of its value (`xxxx` + its last 4 characters, what the module compares for values of 8 characters or more, as all of these are). '
        'Each case is a whole `ansible-playbook` run (start-up included) against the simulator reset to its seed '
        'data; cases interleaved. The floor is Ansible start-up plus one task (`ansible.builtin.ping`): no '
        'playbook of one task can be faster.') % dict(n=args.count), args.runs)
    emit_row(__file__, AREA, '%d variables, first run (all created)' % args.count,
             ('`circleci_envvar`', walls['module']), ('careful `uri` playbook', walls['uri']),
             request_text(counts['module']), request_text(counts['uri']),
             bound='fails when uri / ours < %.0fx, or the requests differ' % args.min_speedup)
    emit_row(__file__, AREA, 'the second run (nothing to change)',
             ('`circleci_envvar`', walls['module-rerun']), ('careful `uri` playbook', walls['uri-rerun']),
             request_text(counts['module-rerun']), request_text(counts['uri-rerun']),
             bound='fails on any request but the one GET')
    emit_row(__file__, AREA, 'floor: Ansible start-up plus one task',
             ('`ansible.builtin.ping`', walls['floor']), ('careful `uri` playbook, first run', walls['uri']),
             request_text(counts['floor']), request_text(counts['uri']))


if __name__ == '__main__':
    sys.exit(main())
