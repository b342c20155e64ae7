# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the docs-examples layer: the blocks, and one --check run of each selected block,
run up front over a few workers (each with its own simulator), then asserted one test per block."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import docblocks  # noqa: E402  pylint: disable=wrong-import-position
import docrun  # noqa: E402  pylint: disable=wrong-import-position

BLOCKS, PROBLEMS = docblocks.collect(docrun.COLLECTION)
_STATS = {'workers': 0, 'seconds': 0.0, 'runs': 0, 'processes': 0, 'alone': 0}


def runnable_blocks():
    return [b for b in BLOCKS if b.runnable]


def _workers():
    wanted = os.environ.get('DOCS_EXAMPLES_WORKERS')
    if wanted:
        return max(1, int(wanted))
    return max(1, min(3, os.cpu_count() or 1))


@pytest.fixture(scope='session')
def example_results(request, tmp_path_factory):
    """{block id: docrun.Result} for every block the session's tests ask for.

    The blocks are dealt round-robin to a few workers; each runs its share in batched
    ansible-playbook processes against a simulator of its own (docrun.run_share;
    DOCS_EXAMPLES_BATCH=0: each block alone). A block that did not pass in its batch runs again
    alone, and that run is the one reported."""
    wanted = []
    for item in request.session.items:
        block = getattr(item, 'callspec', None) and item.callspec.params.get('block')
        if block is not None and block.runnable and block.marker != 'skip' and block not in wanted:
            wanted.append(block)
    results = {}
    if not wanted:
        return results
    workspace = docrun.Workspace(str(tmp_path_factory.mktemp('docs-examples')), BLOCKS)
    count = min(_workers(), len(wanted))
    if os.environ.get('DOCS_EXAMPLES_BATCH', '1') == '0':
        shares = [[b] for b in wanted]      # each block alone, in its own process
    else:
        shares = [wanted[i::count] for i in range(count)]
    began = time.monotonic()
    sims = queue.Queue()
    started = []
    for dummy in range(count):
        sim = docrun.Simulator()
        started.append(sim)
        sims.put(sim)

    def work(share, name):
        sim = sims.get()
        try:
            return docrun.run_share(share, sim, workspace, name)
        finally:
            sims.put(sim)

    processes = alone = 0
    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            names = ['share%d' % i for i in range(len(shares))]
            for done, ran, ran_alone in pool.map(work, shares, names):
                results.update(done)
                processes += ran
                alone += ran_alone
    finally:
        for sim in started:
            sim.stop()
    _STATS.update(workers=count, seconds=time.monotonic() - began, runs=len(wanted),
                  processes=processes, alone=alone)
    return results


def pytest_terminal_summary(terminalreporter):
    """What was found, run and skipped, and why: the skips must stay few and reasoned."""
    kinds = {}
    for block in BLOCKS:
        kinds[block.kind] = kinds.get(block.kind, 0) + 1
    skipped = [b for b in BLOCKS if b.runnable and b.marker == 'skip']
    continued = [b for b in BLOCKS if b.marker == 'continue']
    write = terminalreporter.write_line
    terminalreporter.section('docs examples')
    write('%d yaml blocks in %d files: %d playbooks, %d task lists (%d of them continue a walk-through), '
          '%d fragments, %d invalid' % (
              len(BLOCKS), len(set(b.path for b in BLOCKS)), kinds.get('playbook', 0), kinds.get('tasks', 0),
              len(continued), kinds.get('fragment', 0), kinds.get('invalid', 0)))
    if _STATS['runs']:
        write('ran %d with ansible-playbook --check --diff in %.1f s: %d processes, %d blocks (re)run alone, '
              '%d workers with a simulator each' % (
                  _STATS['runs'], _STATS['seconds'], _STATS['processes'], _STATS['alone'], _STATS['workers']))
    write('skipped by a marker in the doc: %d' % len(skipped))
    for block in skipped:
        write('  %s: %s' % (block.id, block.reason))
    write('fragments (not runnable by nature):')
    for block in BLOCKS:
        if block.kind == 'fragment':
            write('  %s: %s' % (block.id, block.describe()))
