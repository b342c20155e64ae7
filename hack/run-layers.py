"""Run the test layers of `make test` in parallel lanes and summarise them.

    python hack/run-layers.py LAYER[,LAYER...] [LAYER[,LAYER...]...]

Each argument is a lane: its comma-separated layers run one after another;
lanes run at the same time, each in its own build copy (BUILD_ROOT=
build/laneN), so they never share ansible-test's output or config. The
integration layers mostly wait on the simulator's builds, so putting them in
a lane of their own next to the CPU-bound ones roughly halves the wall time
on 2 cores. Each layer is `make LAYER`; its output is saved to
build/logs/LAYER.log; lane 0 is streamed live, the other lanes print each
layer's output in one block when it ends. Every layer runs even when another
failed (one run shows all problems; set FAIL_FAST=1 to stop starting layers
after the first failure). At the
end a table gives, per layer, its result, wall time and the tests it ran,
counted from the runners' own output (pytest summary lines, ansible-test's
sanity tests and integration targets, ansible-lint's processed files, molecule
scenarios). The last line is `layers: N passed, M failed`; the exit status is
non-zero when any layer failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_DIR = os.path.join(ROOT, 'build', 'logs')

PYTEST_SUMMARY = re.compile(
    r'^=*\s*(?P<body>(?:\d+ (?:passed|failed|skipped|errors?|xfailed|xpassed|deselected|warnings?)(?:, )?)+) in [\d.]+s')
PYTEST_COUNT = re.compile(r'(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)')
SANITY_TEST = re.compile(r'^Running sanity test "([^"]+)"')
SANITY_FAILED = re.compile(r'The (\d+) sanity test\(s\) listed below \(out of (\d+)\) failed')
INTEGRATION_TARGET = re.compile(r'^Running (\S+) integration test role')
INTEGRATION_FAILED = re.compile(r'The (\d+) integration test\(s\) listed below \(out of (\d+)\) failed')
ANSIBLE_LINT = re.compile(r'(\d+) failure\(s\), (\d+) warning\(s\)(?: on| in) (\d+) files')
MOLECULE_RECAP = re.compile(r'^(\S+)\s+: actions=(\d+)\s+successful=(\d+).*failed=(\d+)')
PLAY_RECAP = re.compile(r'^PLAY RECAP')
DOCSITE = re.compile(r'^docs: (\d+) HTML pages')
RUFF = re.compile(r'^(All checks passed!|Found (\d+) errors?)|^(\d+) files? already formatted')
PYLINT = re.compile(r'Your code has been rated at ([-\d.]+/10)')


def pytest_counts(lines: list[str]) -> list[str]:
    """The body of every pytest summary line of a log ('N passed, M failed ...')."""
    return [m.group('body') for m in (PYTEST_SUMMARY.search(line.strip()) for line in lines) if m]


def slowest_targets(lines: list[str], stamps: list[float], end: float) -> str:
    """The slowest integration targets, from the times their 'Running' lines appeared."""
    starts = [(stamps[i], m.group(1)) for i, m in enumerate(map(INTEGRATION_TARGET.match, lines)) if m]
    if not starts:
        return ''
    spans = []
    for (start, name), following in zip(starts, starts[1:] + [(end, '')]):
        spans.append((following[0] - start, name))
    spans.sort(reverse=True)
    return 'slowest: ' + ', '.join('%s %.0fs' % (name, seconds) for seconds, name in spans[:3])


def describe(layer: str, lines: list[str], stamps: list[float] | None = None, end: float = 0.0) -> str:
    """What a layer ran, as a short human string."""
    parts: list[str] = []
    sanity = [m.group(1) for m in map(SANITY_TEST.match, lines) if m]
    if sanity:
        failed = 0
        for line in lines:
            match = SANITY_FAILED.search(line)
            if match:
                failed = int(match.group(1))
        parts.append('sanity: %d tests, %d failed' % (len(sanity), failed))
    runs = pytest_counts(lines)
    if runs:
        totals: dict[str, int] = {}
        for run in runs:
            for number, word in PYTEST_COUNT.findall(run):
                word = 'errors' if word.startswith('error') else word
                totals[word] = totals.get(word, 0) + int(number)
        order = ['passed', 'failed', 'errors', 'skipped', 'xfailed', 'xpassed']
        parts.append('pytest: %s%s' % (', '.join('%d %s' % (totals[k], k) for k in order if k in totals),
                                       ' (%d runs)' % len(runs) if len(runs) > 1 else ''))
    targets = [m.group(1) for m in map(INTEGRATION_TARGET.match, lines) if m]
    if targets:
        failed = 0
        for line in lines:
            match = INTEGRATION_FAILED.search(line)
            if match:
                failed = int(match.group(1))
        parts.append('integration: %d targets, %d failed' % (len(targets), failed))
        if stamps:
            parts.append(slowest_targets(lines, stamps, end))
    for line in lines:
        match = ANSIBLE_LINT.search(line)
        if match:
            parts.append('ansible-lint: %s files, %s failures, %s warnings' % (match.group(3), match.group(1), match.group(2)))
    scenarios = [m for m in map(MOLECULE_RECAP.match, lines) if m]
    if scenarios:
        parts.append('molecule: %d scenario(s): %s' % (len(scenarios), ', '.join(
            '%s %s/%s actions ok' % (m.group(1), m.group(3), m.group(2)) for m in scenarios)))
        parts.append('%d playbook runs' % sum(1 for line in lines if PLAY_RECAP.match(line)))
    ruff = [m for m in map(RUFF.match, lines) if m]
    if ruff:
        parts.append('ruff: %s' % '; '.join(m.group(0) for m in ruff))
    for line in lines:
        match = PYLINT.search(line)
        if match:
            parts.append('pylint: %s' % match.group(1))
    if layer == 'docs' and not parts:
        parts.append('antsibull-docs lint-collection-docs')
        pages = [m.group(1) for m in map(DOCSITE.match, lines) if m]
        if pages:
            parts.append('docsite: %s HTML pages' % pages[-1])
    return '; '.join(parts) or '-'


OUTPUT_LOCK = threading.Lock()


def emit(text: str) -> None:
    """Write to stdout; a reader that went away must not hide the result."""
    with OUTPUT_LOCK:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            pass


def run_layer(layer: str, lane: int, live: bool) -> tuple[int, float, list[str], list[float]]:
    """Run `make LAYER` in the lane's own build copy, saving (and streaming if live) its output."""
    log_path = os.path.join(LOG_DIR, layer + '.log')
    lines: list[str] = []
    stamps: list[float] = []
    start = time.monotonic()
    env = dict(os.environ, BUILD_ROOT=os.path.join(ROOT, 'build', 'lane%d' % lane))
    header = '\n######## layer %s (lane %d): make %s\n' % (layer, lane, layer)
    if live:
        emit(header)
    with open(log_path, 'w', encoding='utf-8') as log:
        proc = subprocess.Popen(
            ['make', '--no-print-directory', layer],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        for raw in proc.stdout:
            text = raw.decode('utf-8', errors='replace')
            log.write(text)
            if live:
                emit(text)
            lines.append(text.rstrip('\n'))
            stamps.append(time.monotonic())
        status = proc.wait()
    seconds = time.monotonic() - start
    if not live:  # other lanes print each layer's output in one block when it ends
        emit(header + ''.join(line + '\n' for line in lines))
    emit('######## layer %s: %s in %.0fs\n' % (layer, 'ok' if status == 0 else 'FAILED', seconds))
    return status, seconds, lines, stamps


def main(lanes: list[list[str]]) -> int:
    fail_fast = os.environ.get('FAIL_FAST', '') not in ('', '0')
    layers = [layer for lane in lanes for layer in lane]
    results: dict[str, tuple[int, float, str]] = {}
    stop = threading.Event()
    os.makedirs(LOG_DIR, exist_ok=True)
    try:
        os.remove(os.path.join(LOG_DIR, 'summary.txt'))
    except FileNotFoundError:
        pass

    def run_lane(number: int, lane: list[str]) -> None:
        for layer in lane:
            if stop.is_set():
                return
            status, seconds, lines, stamps = run_layer(layer, number, live=number == 0)
            results[layer] = (status, seconds, describe(layer, lines, stamps, time.monotonic()))
            if status and fail_fast:
                stop.set()

    total_start = time.monotonic()
    threads = [threading.Thread(target=run_lane, args=(number, lane)) for number, lane in enumerate(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.monotonic() - total_start

    width = max(len(layer) for layer in layers + ['total'])
    emit('\n######## summary (%d lanes in parallel; logs in build/logs/)\n' % len(lanes))
    emit(f"{'layer':<{width}}  {'result':<6}  {'time':>8}  tests\n")
    for layer in layers:
        if layer in results:
            status, seconds, what = results[layer]
            emit(f"{layer:<{width}}  {'ok' if status == 0 else 'FAIL':<6}  {seconds:7.0f}s  {what}\n")
        else:
            emit(f"{layer:<{width}}  {'skip':<6}  {'-':>8}  not run (FAIL_FAST)\n")
    emit(f"{'total':<{width}}  {'':<6}  {total:7.0f}s  wall time\n")
    passed = sum(1 for layer in layers if layer in results and results[layer][0] == 0)
    failed = len(layers) - passed
    closing = 'layers: %d passed, %d failed' % (passed, failed)
    # .ci/run repeats this line after make's own "Error 1" message.
    with open(os.path.join(LOG_DIR, 'summary.txt'), 'w', encoding='utf-8') as summary:
        summary.write(closing + '\n')
    emit(closing + '\n')
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main([arg.split(',') for arg in sys.argv[1:]]))
