# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write docs/performance.md from the results of one `make bench` run.

hack/run-bench.sh gives every benchmark a results file ($BENCH_RESULTS, JSON lines written by bench/simlib.py's
emit_area/emit_row and by bench_startup.py) and calls this at the end:

    python bench/report.py --results build/bench/results.jsonl --out docs/performance.md \
        --started 2026-12-01T10:00:00Z --seconds 512 --load '0.52 0.60 0.71'

The page: a header with the date and the machine, then one section per area in a fixed order (the order of
AREAS; areas no benchmark of this run wrote are left out), each with what is measured and what the baseline is,
the repetitions, the command that runs it again, and a table of its rows in the order the benchmark wrote them.
The structure is the same from run to run; only the figures change. Plain Markdown (headings, tables, code
spans): the docsite converts it to reStructuredText.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import platform
import statistics
import sys

# (bench file, BENCH= name): the order of the sections.
AREAS = (
    ('bench_envvar.py', 'envvar'),
    ('bench_task.py', 'task'),
    ('bench_lookups.py', 'lookups'),
    ('bench_pipelines.py', 'pipelines'),
    ('bench_contexts.py', 'contexts'),
    ('bench_startup.py', 'startup'),
    ('bench_eda.py', 'eda'),
)
DASH = '\u2013'


def read_results(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def cpu_model():
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.lower().startswith('model name'):
                    return ' '.join(line.split(':', 1)[1].split())
    except (IOError, OSError):
        pass
    return platform.processor() or 'unknown'


def os_name():
    try:
        with open('/etc/os-release') as handle:
            for line in handle:
                if line.startswith('PRETTY_NAME='):
                    return '%s, %s %s' % (line.split('=', 1)[1].strip().strip('"'), platform.system(),
                                          platform.release())
    except (IOError, OSError):
        pass
    return platform.platform()


def ansible_core_version():
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    except ImportError:
        return 'not installed'
    return __version__


def number(value, unit):
    if unit == 's':
        return '%.2f' % value if abs(value) < 10 else '%.1f' % value
    if unit.endswith('/s'):
        return '%.0f' % value
    return '%.1f' % value


def spread(values, unit):
    """'1.23 s (1.10–1.40)': the median, then min–max."""
    return '%s %s (%s%s%s)' % (number(statistics.median(values), unit), unit, number(min(values), unit), DASH,
                               number(max(values), unit))


def cell(text):
    return (text or '').replace('|', '/').replace('\n', ' ')


def times(numerator, denominator):
    """'54.2x', or '0.96x' below 1 (where one decimal would round a loss away)."""
    if denominator <= 0:
        return 'n/a'
    value = numerator / denominator
    return ('%.2fx' if value < 1 else '%.1fx') % value


def row_table(rows):
    lines = ['| row | ours (median, min%smax) | baseline (median, min%smax) | ratio | requests (ours / baseline) '
             '| bound |' % (DASH, DASH),
             '| --- | --- | --- | --- | --- | --- |']
    for row in rows:
        ours, base, unit = row['ours'], row.get('baseline'), row.get('unit', 's')
        ours_text = '%s: %s' % (ours['label'], spread(ours['values'], unit))
        if base:
            base_text = '%s: %s' % (base['label'], spread(base['values'], unit))
            ours_median = statistics.median(ours['values'])
            base_median = statistics.median(base['values'])
            if unit.endswith('/s'):
                # A rate: more is better, so the ratio is ours over the baseline's.
                ratio = times(ours_median, base_median)
            else:
                ratio = times(base_median, ours_median)
        else:
            base_text, ratio = row.get('note') or 'none', '-'
        requests = ours.get('requests') or '-'
        if base and base.get('requests'):
            requests = '%s / %s' % (requests, base['requests'])
        lines.append('| %s | %s | %s | %s | %s | %s |' % (cell(row['row']), cell(ours_text), cell(base_text), ratio,
                                                          cell(requests), cell(row.get('bound') or '-')))
    return lines


def startup_table(base, rows):
    med = statistics.median
    lines = []
    if base:
        lines += ['`%s` alone (the part of every module that is Ansible\'s and requests\'): %s.'
                  % (base['statement'], spread(base['values'], 'ms')), '']
    lines += ['| module | import, total (median, min%smax) | own, now (median, min%smax) | own, before | '
              'before / now | own share | top own imports now (self ms) | bound |' % (DASH, DASH),
              '| --- | --- | --- | --- | --- | --- | --- | --- |']
    for row in rows:
        before = row.get('before_own')
        lines.append('| `%s` | %s | %s | %s | %s | %.0f %% | %s | %s |' % (
            row['module'], spread(row['total'], 'ms'), spread(row['own'], 'ms'),
            spread(before, 'ms') if before else 'n/a',
            '%.1fx' % (med(before) / med(row['own'])) if before and med(row['own']) > 0 else '-',
            100.0 * med(row['own']) / med(row['total']),
            cell(', '.join('`%s` %.1f' % (mod, ms) for mod, ms in row['top'])), cell(row.get('bound'))))
    return lines


def render(records, args):
    by_bench = {}
    for record in records:
        by_bench.setdefault(record['bench'], []).append(record)
    out = ['# Performance', '',
           'Generated by `make bench` (`bench/report.py`) from the benchmarks of one run; do not edit by hand. '
           'Every figure below comes from that run: the benchmarks run side by side on the same machine, each case '
           'repeated, and the page shows the median and the min%smax of the repetitions. Figures vary from run to '
           'run (single runs by up to about 30 %% on a busy machine); the ratios and the request counts are what to '
           'compare.' % DASH, '',
           '## The run', '',
           '| | |', '| --- | --- |',
           '| date (UTC) | %s |' % args.started,
           '| CPU cores (`os.cpu_count()`) | %s |' % os.cpu_count(),
           '| CPU model | %s |' % cell(cpu_model()),
           '| Python | %s |' % platform.python_version(),
           '| ansible-core | %s |' % ansible_core_version(),
           '| OS | %s |' % cell(os_name()),
           '| load average at the start (1, 5, 15 min) | %s |' % (args.load or 'n/a'),
           '| wall time of `make bench` | %s |' % ('%d s' % args.seconds if args.seconds is not None else 'n/a'),
           '| benchmarks run | %s |' % (args.benches or 'all'),
           '',
           'Run them all again with `make bench` (it writes this page), one of them with `BENCH=<name> make bench` '
           '(names: %s; a partial run writes its page under `build/bench/` instead), or a benchmark by itself with '
           'the command shown in its section (standalone, `.venv/bin/python bench/bench_<name>.py` starts its own '
           'simulator).' % ', '.join('`%s`' % name for dummy, name in AREAS), '',
           'How to read the tables: *ours* is the collection, *baseline* what it is compared with (each section says '
           'what that is); *ratio* is the baseline\'s median over ours (how many times faster ours is; for a rate '
           'such as deliveries per second, ours over the baseline\'s); *requests* '
           'are counted from the simulator\'s request log (`GET /_sim/requests`), the same in every repetition '
           'unless a range is shown; the last column is the bound past which the benchmark fails.', '']
    for bench, name in AREAS:
        records_of = by_bench.get(bench)
        if not records_of:
            continue
        area = [r for r in records_of if r['kind'] == 'area'][0]
        out += ['## %s' % area['area'], '', area['text'], '',
                'Repetitions: %d per case. Run again: `BENCH=%s make bench`, or `%s`.'
                % (area['runs'], name, area['command']), '']
        if bench == 'bench_startup.py':
            base = [r for r in records_of if r['kind'] == 'startup-base']
            out += startup_table(base[0] if base else None, [r for r in records_of if r['kind'] == 'startup'])
        else:
            out += row_table([r for r in records_of if r['kind'] == 'row'])
        out.append('')
    return '\n'.join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--results', required=True, help='the JSON lines the benchmarks wrote')
    parser.add_argument('--out', required=True, help='the Markdown page to write')
    parser.add_argument('--started', required=True, help='when the run started (UTC)')
    parser.add_argument('--seconds', type=int, help='wall time of the whole run')
    parser.add_argument('--load', help='load average at the start')
    parser.add_argument('--benches', help='the BENCH= filter of the run, if any')
    args = parser.parse_args()
    records = read_results(args.results)
    if not records:
        raise SystemExit('no results in %s' % args.results)
    page = render(records, args)
    with open(args.out, 'w') as handle:
        handle.write(page)
    print('wrote %s (%d records)' % (args.out, len(records)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
