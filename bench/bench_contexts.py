# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: 50 context variables, ciops.circleci.circleci_context_envvar vs an ansible.builtin.uri loop of PUTs.

Cases, each an `ansible-playbook` run against the CircleCI simulator reset to its
seed data plus an empty context `bench` of gh/acme (created before the timed run,
its requests left out of the counts):

  module        one ciops.circleci.circleci_context_envvar task with `variables` (50 items),
                the context named by name and owner: GET /context (finds it), GET of its
                variable list, one PUT per variable
  uri           ansible.builtin.uri: one GET /context to find the context's id, then one PUT
                per variable in a loop (what a playbook without the collection does)
  module-rerun  the module task run a second time (nothing to change: only GETs, the
                50 variables listed over ceil(50 / page size) pages)
  floor         Ansible's own start-up plus one task (ansible.builtin.ping)

Wall time is measured around the whole `ansible-playbook` process (start-up
included), median of --runs runs (cases interleaved, so that machine load hits all
of them alike). Requests are counted from the simulator's log (GET /_sim/requests).
The run fails when a case does not send the requests above, when the module uses
more than one connection, or when the module is not --min-speedup times faster
than the uri loop.

`make bench` runs this with CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN and
ANSIBLE_COLLECTIONS_PATH set. Standalone (`python bench/bench_contexts.py`) it starts
its own simulator and puts a copy of this checkout on a temporary collections path.
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import (  # noqa: E402  pylint: disable=wrong-import-position
    FLOOR_PLAY, bench_run, bench_variables, emit_area, emit_row, measure, playbook_env, request_text, write_playbooks)

AREA = 'Context variables'


PREPARE_PLAY = """
- name: Bench - an empty context to fill
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Create the context bench of gh/acme
      ciops.circleci.circleci_context:
        api_url: "{{ sim_root }}"
        api_token: "{{ sim_token }}"
        name: bench
        owner_slug: gh/acme
"""

MODULE_PLAY = """
- name: Bench - circleci_context_envvar, one bulk task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Set {count} context variables in one task
      ciops.circleci.circleci_context_envvar:
        api_url: "{{{{ sim_root }}}}"
        api_token: "{{{{ sim_token }}}}"
        context: bench
        owner_slug: gh/acme
        variables: "{{{{ bench_vars }}}}"
"""

URI_PLAY = """
- name: Bench - ansible.builtin.uri, find the context, then a PUT per variable
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Find the context's id
      ansible.builtin.uri:
        url: "{{{{ sim_root }}}}/api/v2/context?owner-slug=gh/acme"
        headers:
          Circle-Token: "{{{{ sim_token }}}}"
          Accept: application/json
      register: contexts

    - name: Put each of the {count} variables
      vars:
        context_id: "{{{{ (contexts.json['items'] | selectattr('name', 'equalto', 'bench') | first).id }}}}"
      ansible.builtin.uri:
        url: "{{{{ sim_root }}}}/api/v2/context/{{{{ context_id }}}}/environment-variable/{{{{ item.name }}}}"
        method: PUT
        headers:
          Circle-Token: "{{{{ sim_token }}}}"
          Accept: application/json
        body_format: json
        body:
          value: "{{{{ item.value }}}}"
      loop: "{{{{ bench_vars }}}}"
      no_log: true
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=5,
                        help='runs per case; the median is reported (default 5)')
    parser.add_argument('--count', type=int, default=50, help='number of variables (default 50, at most 100)')
    parser.add_argument('--min-speedup', type=float, default=8.0,
                        help='fail when uri/module wall time is below this (default 8; measured 12x, single runs vary)')
    args = parser.parse_args()

    with bench_run('bench-contexts-') as (sim, workdir):
        page_size = sim.control('GET', '/state')['config']['page_size']
        env = playbook_env(workdir)
        books, cmd = write_playbooks(
            workdir, (('prepare', PREPARE_PLAY), ('module', MODULE_PLAY), ('uri', URI_PLAY), ('floor', FLOOR_PLAY)),
            args.count, dict(sim_root=sim.root, sim_token=sim.token, bench_vars=bench_variables(args.count)))
        cases = [
            ('module', dict(playbook=books['module'], prepare=[books['prepare']])),
            ('uri', dict(playbook=books['uri'], prepare=[books['prepare']])),
            ('module-rerun', dict(playbook=books['module'], prepare=[books['prepare'], books['module']])),
            ('floor', dict(playbook=books['floor'])),
        ]
        walls, counts = measure(sim, cmd, env, cases, args.runs)

    median = dict((name, statistics.median(values)) for name, values in walls.items())
    print('circleci_context_envvar benchmark: %d variables, median of %d runs, wall time of ansible-playbook '
          '(v2 pages of %d)' % (args.count, args.runs, page_size))
    header = ('case', 'median s', 'min s', 'max s', 'GET', 'PUT', 'requests', 'conns', 'uri / case')
    print('%-13s %9s %9s %9s %5s %5s %9s %6s %11s' % header)
    for name, dummy in cases:
        seen = counts[name]
        print('%-13s %9.2f %9.2f %9.2f %5d %5d %9d %6d %10.1fx' % (
            name, median[name], min(walls[name]), max(walls[name]), seen.get('GET', 0), seen.get('PUT', 0),
            sum(v for k, v in seen.items() if k != 'connections'), seen['connections'],
            median['uri'] / median[name]))

    emit_area(__file__, AREA, (
        'ours: one `circleci_context_envvar` task with `variables` (%(n)d items); baseline: a `uri` playbook, one '
        '`GET /api/v2/context` to find the context\'s id, then a `PUT` loop over the %(n)d variables. The API shows '
        'no value of a context variable, so a playbook cannot skip the ones already set: its second run is the '
        'same loop. Each case is a whole `ansible-playbook` run against the simulator reset to its seed data plus an '
        'empty context (created before the timed run, its requests not counted); cases interleaved. Floor: Ansible '
        'start-up plus one task (`ansible.builtin.ping`).') % dict(n=args.count), args.runs)
    emit_row(__file__, AREA, '%d context variables, first run' % args.count,
             ('`circleci_context_envvar`', walls['module']), ('`uri` loop', walls['uri']),
             request_text(counts['module']), request_text(counts['uri']),
             bound='fails when uri / ours < %.0fx, or other requests' % args.min_speedup)
    emit_row(__file__, AREA, 'the second run (nothing to change)',
             ('`circleci_context_envvar`', walls['module-rerun']), ('`uri` loop (the same %d PUT)' % args.count, walls['uri']),
             request_text(counts['module-rerun']), request_text(counts['uri']),
             bound='fails on other requests than the listing (pages of %d)' % page_size)
    emit_row(__file__, AREA, 'floor: Ansible start-up plus one task',
             ('`ansible.builtin.ping`', walls['floor']), ('`uri` loop', walls['uri']),
             request_text(counts['floor']), request_text(counts['uri']))

    failures = []
    requests_of = dict((name, dict((k, v) for k, v in seen.items() if k != 'connections')) for name, seen in counts.items())
    expected = {
        'module': {'GET': 2, 'PUT': args.count},
        'uri': {'GET': 1, 'PUT': args.count},
        'module-rerun': {'GET': 1 + -(-args.count // page_size)},
    }
    for name, want in expected.items():
        if requests_of[name] != want:
            failures.append('%s sent %s, expected %s' % (name, requests_of[name], want))
    if counts['module']['connections'] > 1:
        failures.append('module used %d connections, expected one kept-alive session' % counts['module']['connections'])
    speedup = median['uri'] / median['module']
    if speedup < args.min_speedup:
        failures.append('module is %.1fx faster than uri, below the required %.1fx' % (speedup, args.min_speedup))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: module %.1fx faster than the uri loop (limit set by Ansible start-up plus one task: %.1fx)'
          % (speedup, median['uri'] / median['floor']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
