# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every benchmark needs: the simulator (make bench's, or one of its own) and the collection path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The simulator launcher and control client (tests/simulator/simprocess.py).
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))
from simprocess import SimulatorClient, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position


class Simulator(SimulatorClient):
    """The simulator of `make bench` (hack/with-simulator.sh's environment), or one of our own when
    a benchmark runs standalone."""

    def __init__(self):
        self.own = None
        # The v1.1 root: the benchmarks' uri baselines address it directly (api_url accepts it too).
        self.url = os.environ.get('CIRCLECI_SIM_V1_URL') or os.environ.get('CIRCLECI_API_URL')
        if self.url:
            root = os.environ.get('CIRCLECI_SIM_ROOT') or self.url.split('/api/')[0]
            token = os.environ.get('CIRCLECI_TOKEN', 'sim-token')
        else:
            self.own = SimulatorProcess(date=None)
            self.url, root, token = self.own.v1_url, self.own.root, self.own.token
        super(Simulator, self).__init__(root, token)

    def stop(self):
        if self.own is not None:
            self.own.stop()


@contextlib.contextmanager
def bench_run(prefix):
    """(simulator, scratch folder) of one benchmark run; the simulator stopped and the folder removed after."""
    sim = Simulator()
    workdir = tempfile.mkdtemp(prefix=prefix)
    try:
        yield sim, workdir
    finally:
        sim.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH as given, or a copy of this checkout as ciops.circleci."""
    given = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    if given:
        return given
    dest = os.path.join(workdir, 'collections', 'ansible_collections', 'ciops', 'circleci')
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        '.git', '.venv*', 'build', 'output', '__pycache__', '.pytest_cache', '.ansible'))
    return os.path.join(workdir, 'collections')


def ansible_playbook():
    """The ansible-playbook next to this Python (the dev venv's), else the one on PATH."""
    local = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return local if os.path.exists(local) else shutil.which('ansible-playbook')


def timed_playbook(cmd, env, playbook):
    """Wall seconds of one ansible-playbook run; its output's tail and SystemExit when it fails."""
    start = time.perf_counter()
    proc = subprocess.run(cmd + [playbook], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        raise SystemExit('%s failed with status %d' % (os.path.basename(playbook), proc.returncode))
    return wall


def timed(sim, func, faults=()):
    """(seconds, result, request log) of one in-process call (a lookup); faults are queued just before it."""
    sim.control('DELETE', '/faults')
    for fault in faults:
        sim.fault(**fault)
    sim.clear_requests()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    return seconds, result, sim.requests()


def load_lookups(paths, *names):
    """The lookups ciops.circleci.<name>, loaded the way a template loads them (collection finder and
    lookup_loader), from the collections path ``paths``."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    if AnsibleCollectionConfig.collection_finder is None:
        _AnsibleCollectionFinder(paths=paths.split(os.pathsep))._install()  # pylint: disable=protected-access
    from ansible.plugins.loader import lookup_loader

    return [lookup_loader.get('ciops.circleci.' + name) for name in names]


def run_case(sim, cmd, env, playbook, prepare=()):
    """(wall seconds, {method: count, 'connections': n}) of one ansible-playbook run on a freshly reset
    simulator; the playbooks in ``prepare`` run first and their requests are forgotten."""
    sim.reset()
    for book in prepare:
        # Bring the simulator to the state the case starts from, then forget those requests.
        subprocess.run(cmd + [book], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sim.clear_requests()
    wall = timed_playbook(cmd, env, playbook)
    counts = {}
    connections = set()
    for entry in sim.requests():
        counts[entry['method']] = counts.get(entry['method'], 0) + 1
        connections.add(entry.get('connection'))
    # Distinct client address:port pairs in the simulator's log: one for a kept-alive session;
    # for uri a lower bound, as a closed connection's port can come back.
    counts['connections'] = len(connections - set([None]))
    return wall, counts


# The floor of every playbook benchmark: Ansible start-up plus one task.
FLOOR_PLAY = """
- name: Bench - Ansible start-up plus one task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One trivial module run
      ansible.builtin.ping:
"""


def playbook_env(workdir):
    """The environment of the benchmarks' ansible-playbook runs: the collection copy, no colour, no noise."""
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path(workdir), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    return env


def bench_variables(count):
    """``count`` distinct variables of distinct value lengths, the same in every benchmark."""
    return [dict(name='BENCH_VAR_%02d' % i, value='bench-value-%02d-%s' % (i, 'x' * (i % 7))) for i in range(count)]


def write_playbooks(workdir, plays, count, extra_vars):
    """Write each (name, text) play and the extra vars; returns (paths by name, command). A play that names
    ``{count}`` is a str.format template (its Jinja braces doubled); any other is written as it is."""
    books = {}
    for name, text in plays:
        books[name] = os.path.join(workdir, name + '.yml')
        with open(books[name], 'w') as handle:
            handle.write(text.format(count=count) if '{count}' in text else text)
    extra = os.path.join(workdir, 'vars.json')
    with open(extra, 'w') as handle:
        json.dump(dict(extra_vars, ansible_python_interpreter=sys.executable), handle)
    return books, [ansible_playbook(), '-i', 'localhost,', '-c', 'local', '-e', '@' + extra]


def measure(sim, cmd, env, cases, runs):
    """Run every (name, run_case kwargs) case ``runs`` times; returns (wall seconds by name, request counts
    by name). A case whose requests differ from run to run fails: only the connection count may vary,
    as ports of closed connections can be reused."""
    walls = dict((name, []) for name, dummy in cases)
    counts = {}
    for dummy in range(runs):
        for name, case in cases:
            wall, seen = run_case(sim, cmd, env, **case)
            walls[name].append(wall)
            first = counts.setdefault(name, seen)
            if dict(first, connections=0) != dict(seen, connections=0):
                raise SystemExit('%s sent different requests from run to run: %s vs %s' % (name, first, seen))
    return walls, counts


# ---------------------------------------------------------------------------
# Machine-readable results: one JSON line per record into $BENCH_RESULTS, which hack/run-bench.sh
# sets and bench/report.py turns into docs/performance.md. Without it (a standalone run) nothing
# is written: the benchmark's own printout is the report.
# ---------------------------------------------------------------------------

RESULTS_ENV = 'BENCH_RESULTS'


def bench_command(script):
    """The command that runs one benchmark again, as the page shows it."""
    return 'hack/with-simulator.sh .venv/bin/python bench/%s' % os.path.basename(script)


def emit(record):
    """Append one record (a dict) to the results file named by $BENCH_RESULTS, if any."""
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    with open(path, 'a') as handle:
        handle.write(json.dumps(record, sort_keys=True) + '\n')


def emit_area(script, area, text, runs):
    """The heading of one table: what is measured, how, and what each baseline is."""
    emit(dict(kind='area', bench=os.path.basename(script), area=area, text=text, runs=runs,
              command=bench_command(script)))


def emit_row(script, area, row, ours, baseline=None, ours_requests=None, baseline_requests=None, unit='s',
             bound=None, note=None):
    """One row: ``ours`` and ``baseline`` are (label, [figure of each run]); the requests are text as the
    page shows them (e.g. from request_text); ``bound`` says when the benchmark fails."""
    emit(dict(kind='row', bench=os.path.basename(script), area=area, row=row, unit=unit,
              ours=dict(label=ours[0], values=list(ours[1]), requests=ours_requests),
              baseline=None if baseline is None else dict(label=baseline[0], values=list(baseline[1]),
                                                          requests=baseline_requests),
              bound=bound, note=note, command=bench_command(script)))


def request_text(counts):
    """'1 GET + 50 POST' from run_case's counts (the connection count left out); 'none' for no request."""
    order = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
    methods = sorted((k for k in counts if k != 'connections'), key=lambda m: (order.index(m) if m in order else 9, m))
    text = ' + '.join('%d %s' % (counts[m], m) for m in methods if counts[m])
    return text or 'none'
