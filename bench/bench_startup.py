# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: what importing each module costs at start-up, measured with `python -X importtime`.

Ansible runs a module as a fresh Python process that executes its AnsiballZ payload: the module's imports
(ansible.module_utils.basic, the collection's module_utils, requests) are paid on every task, and the
collection's files, read from the payload's zip, are compiled from source every time. For every
plugins/modules/*.py of a fresh copy of the collection's plugins/ (no bytecode, PYTHONDONTWRITEBYTECODE=1)
this runs --runs fresh processes of

    python -X importtime -c "import ansible_collections.ciops.circleci.plugins.modules.<module>"

(PYTHONPATH: the collection path) and reads from each:

  total   the cumulative import time of the module (its line of the importtime tree)
  own     the self times of every module imported that `import ansible.module_utils.basic, requests` does not
          import (measured the same way): the collection's module_utils and whatever they pull in beyond
          Ansible's and requests' own imports. This is the part the collection decides.

Medians of the runs; the top entries of `own` by self time from the median run. The same is measured for the
collection as it was at --baseline-ref (the commit before the start-up work), from `git archive` of its
plugins, when git and that commit are at hand.

The run fails when a module's own share (own / total) exceeds --max-own-share, or when a module imports one of
HEAVY although it does not need it (cryptography outside circleci_ssh_key, concurrent.futures outside the
modules that read many things at once).

No simulator is used; `make bench` runs it like every benchmark. Standalone: `python bench/bench_startup.py`.
"""

from __future__ import absolute_import, division, print_function

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simlib import ROOT, collections_path, emit, emit_area  # noqa: E402  pylint: disable=wrong-import-position

AREA = 'Module start-up'
PREFIX = 'ansible_collections.ciops.circleci.plugins.'
BASE_MODULES = ('ansible.module_utils.basic', 'requests', 'requests.adapters')
BASE = 'import ' + ', '.join(BASE_MODULES)
# The last commit that touched plugins/ before the lazy imports (the "before" of the start-up work).
BASELINE_REF = '27f020faf859d996d4b8055c0c6bf14f35d5ce67'
# Libraries no module needs at import; (name, modules that may import them because they use them on every run).
HEAVY = (
    ('cryptography', ()),
    ('html', ()),
    ('yaml', ()),
    ('concurrent.futures', ()),
)
LINE_RE = re.compile(r'^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)')


def importtime(python, statement, pythonpath):
    """[(self us, cumulative us, depth, name)] of one fresh `python -X importtime -c statement`."""
    env = dict(os.environ, PYTHONPATH=pythonpath, PYTHONDONTWRITEBYTECODE='1')
    proc = subprocess.run([python, '-X', 'importtime', '-c', statement], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)
    if proc.returncode != 0:
        raise SystemExit('%s failed:\n%s' % (statement, proc.stderr[-3000:]))
    rows = []
    for line in proc.stderr.splitlines():
        match = LINE_RE.match(line)
        if match:
            rows.append((int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2, match.group(4)))
    return rows


def measure_modules(python, name, pythonpaths, base, runs):
    """{label: {total: [us], own: [us], top: [(name, self us)], imported: set}} of one module, from each of
    the collections paths (label -> path), their runs interleaved so that machine load hits them alike."""
    dotted = PREFIX + 'modules.' + name
    samples = dict((label, []) for label in pythonpaths)
    for dummy in range(runs):
        for label, pythonpath in sorted(pythonpaths.items()):
            rows = importtime(python, 'import ' + dotted, pythonpath)
            total = [cumulative for dummy_self, cumulative, dummy_depth, mod in rows if mod == dotted][0]
            extra = [(mod, own) for own, dummy_cum, dummy_depth, mod in rows if mod not in base]
            samples[label].append((sum(us for dummy_mod, us in extra), total, extra, set(r[3] for r in rows)))
    figures = {}
    for label, taken in samples.items():
        dummy_own, dummy_total, extra, imported = sorted(taken, key=lambda sample: sample[0])[len(taken) // 2]
        top = sorted(extra, key=lambda item: -item[1])[:5]
        figures[label] = dict(total=[t[1] for t in taken], own=[t[0] for t in taken], imported=imported,
                              top=[(mod.replace(PREFIX, ''), us) for mod, us in top])
    return figures


def plugins_copy(workdir, name, source=None, ref=None):
    """A collections path holding a fresh copy of the collection's plugins/ (from the folder ``source``, or
    from ``git archive`` of commit ``ref``), without bytecode: imported with PYTHONDONTWRITEBYTECODE, every
    module of it is compiled from source in every run, as from the zip of an AnsiballZ payload. None when
    git or the commit is not at hand."""
    dest = os.path.join(workdir, name, 'ansible_collections', 'ciops', 'circleci')
    if ref is not None:
        try:
            data = subprocess.run(['git', '-C', ROOT, 'archive', '--format=tar', ref, 'plugins'],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        os.makedirs(dest)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest)  # noqa: S202 - our own repository's tree
    else:
        shutil.copytree(source, os.path.join(dest, 'plugins'), ignore=shutil.ignore_patterns('__pycache__'))
    return os.path.join(workdir, name)


def module_names(collections):
    folder = os.path.join(collections.split(os.pathsep)[0], 'ansible_collections', 'ciops', 'circleci', 'plugins',
                          'modules')
    return sorted(n[:-3] for n in os.listdir(folder) if n.endswith('.py') and not n.startswith('_'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=7, help='runs per module; the median is reported (default 7)')
    parser.add_argument('--max-own-share', type=float, default=0.20,
                        help="fail when a module's own import time exceeds this share of its total (default 0.20)")
    parser.add_argument('--baseline-ref', default=BASELINE_REF, help='git commit of the "before" figures')
    args = parser.parse_args()

    python = sys.executable
    workdir = tempfile.mkdtemp(prefix='bench-startup-')
    try:
        given = collections_path(workdir).split(os.pathsep)[0]
        current = plugins_copy(workdir, 'current', os.path.join(given, 'ansible_collections', 'ciops', 'circleci', 'plugins'))
        before = plugins_copy(workdir, 'before', ref=args.baseline_ref)
        base_rows = [importtime(python, BASE, current) for dummy in range(args.runs)]
        base = set(r[3] for rows in base_rows for r in rows)
        # The cumulative times of the statement's top-level imports.
        base_us = [sum(r[1] for r in rows if r[2] == 0 and r[3] in BASE_MODULES) for rows in base_rows]
        names = module_names(current)
        now, then = {}, {}
        for name in names:
            paths = dict(now=current)
            if before is not None and os.path.exists(os.path.join(
                    before, 'ansible_collections', 'ciops', 'circleci', 'plugins', 'modules', name + '.py')):
                paths['then'] = before
            figures = measure_modules(python, name, paths, base, args.runs)
            now[name] = figures['now']
            if 'then' in figures:
                then[name] = figures['then']
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    med = statistics.median
    print('module start-up: python -X importtime, median of %d fresh processes per module; ms' % args.runs)
    print('`import ansible.module_utils.basic, requests`: %.1f ms (min %.1f, max %.1f)'
          % (med(base_us) / 1000.0, min(base_us) / 1000.0, max(base_us) / 1000.0))
    print('%-24s %8s %8s %8s %7s %9s %9s  %s' % ('module', 'total', 'own', 'min', 'max', 'share', 'own then',
                                                 'top own imports (us)'))
    for name in names:
        fig = now[name]
        print('%-24s %8.1f %8.1f %8.1f %7.1f %8.1f%% %9s  %s' % (
            name, med(fig['total']) / 1000.0, med(fig['own']) / 1000.0, min(fig['own']) / 1000.0,
            max(fig['own']) / 1000.0, 100.0 * med(fig['own']) / med(fig['total']),
            '%.1f' % (med(then[name]['own']) / 1000.0) if name in then else '-',
            ', '.join('%s %d' % item for item in fig['top'])))

    emit_area(__file__, AREA, (
        'What importing a module costs in the fresh Python process that runs its AnsiballZ payload, from '
        '`python -X importtime -c "import ansible_collections.ciops.circleci.plugins.modules.<module>"`, one '
        'fresh process per run. total: the cumulative import time of the module. own: the self times of every '
        'module it imports that `import ansible.module_utils.basic, requests` does not import, i.e. the '
        "collection's module_utils and what they pull in beyond Ansible's and requests' own imports. before: the "
        'same for the collection at commit `%s` (before the lazy imports: cryptography only when a key is read, '
        '`html` only when a secret is scrubbed from an error, `concurrent.futures` only when reading many things '
        'at once). Timings in milliseconds.') % args.baseline_ref[:10], args.runs)
    emit(dict(kind='startup-base', bench=os.path.basename(__file__), area=AREA, statement=BASE,
              values=[us / 1000.0 for us in base_us]))
    for name in names:
        fig = now[name]
        emit(dict(kind='startup', bench=os.path.basename(__file__), area=AREA, module=name,
                  total=[us / 1000.0 for us in fig['total']], own=[us / 1000.0 for us in fig['own']],
                  top=[[mod, us / 1000.0] for mod, us in fig['top']],
                  before_total=[us / 1000.0 for us in then[name]['total']] if name in then else None,
                  before_own=[us / 1000.0 for us in then[name]['own']] if name in then else None,
                  bound='fails when own / total > %.0f%%' % (100 * args.max_own_share)))

    failures = []
    for name in names:
        fig = now[name]
        share = med(fig['own']) / float(med(fig['total']))
        if share > args.max_own_share:
            failures.append('%s: own imports are %.0f%% of its import time, above %.0f%%'
                            % (name, 100 * share, 100 * args.max_own_share))
        for library, allowed in HEAVY:
            if name not in allowed and (library in fig['imported']):
                failures.append('%s imports %s at start-up' % (name, library))
    for failure in failures:
        print('FAIL: ' + failure)
    if failures:
        return 1
    print('OK: every module within %.0f%% own import time; no module imports %s at start-up'
          % (100 * args.max_own_share, ', '.join(lib for lib, dummy in HEAVY)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
