"""A sampled mutation run over plugins/module_utils and plugins/modules (`make mutants`).

    python hack/mutants.py --collection build/collections/ansible_collections/ciops/circleci \
        [--count 200] [--seed 12] [--jobs 2] [--report build/mutants/report.json] [--only PATTERN]
        [--survivors-of build/mutants/report.json]

Every place of the code where a small change makes another program is a mutation point:
a comparison (< <=, == !=, in / not in, is / is not), arithmetic (+ -, * /), and / or, a `not`
dropped, a number changed by one, True / False swapped, a statement removed (a call, an
assignment, a raise, a break or continue), a return value replaced by None, an `if` negated.
Strings are never changed: the documentation blocks are strings, and a changed message is
found by tests that assert messages, not by the logic.

A fixed seed picks --count points among all of them (the same mutants every time for the same
code). Each mutant is written into a private copy of the collection and the unit tests that
cover its file run against it: the test file of the file itself (test_<name>.py, and for the
client test_api.py), and the tests of the plugins and module_utils that import it directly. A
mutant is killed when those tests fail (or run past a timeout), and survives when they pass.
Mutants that do not compile are not counted. The kill rate is killed / (killed + survived).

The survivors are listed with file, line and change: each is a test that is missing, or a
change that does not change behaviour (an equivalent mutant). After adding tests,
--survivors-of REPORT runs only the survivors of that earlier report again. docs/reliability.md records the
latest figures. Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SOURCES = ('plugins/module_utils', 'plugins/modules')
TESTS = 'tests/unit/plugins'
SKIP_ASSIGN = {'DOCUMENTATION', 'EXAMPLES', 'RETURN', '__metaclass__'}

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
            ast.Pow: ast.Mult}
BOOL_SWAP = {ast.And: ast.Or, ast.Or: ast.And}
REMOVABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Continue, ast.Break)


# ---------------------------------------------------------------- finding mutation points

def _skipped_blocks(tree):
    """Nodes whose insides are never mutated: import fallbacks, the __main__ guard, doc blocks."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id == 'ImportError' for h in node.handlers):
            skipped.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and \
                isinstance(node.test.left, ast.Name) and node.test.left.id == '__name__':
            skipped.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in SKIP_ASSIGN
                                                  for t in node.targets):
            skipped.update(id(n) for n in ast.walk(node))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def _is_docstring(node, parents):
    parent = parents.get(id(node))
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and \
        isinstance(node.value.value, str) and parent is not None and \
        isinstance(parent, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and \
        parent.body and parent.body[0] is node


def _mutations_of(node, parents):
    """The changes that can be made at this node: [(kind, description)]."""
    out = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in CMP_SWAP:
                out.append(('cmp:%d' % i, '%s -> %s' % (type(op).__name__, CMP_SWAP[type(op)].__name__)))
    elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
        out.append(('bin', '%s -> %s' % (type(node.op).__name__, BIN_SWAP[type(node.op)].__name__)))
    elif isinstance(node, ast.BoolOp):
        out.append(('bool', '%s -> %s' % (type(node.op).__name__, BOOL_SWAP[type(node.op)].__name__)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(('not', 'not x -> x'))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append(('bool_const', '%r -> %r' % (node.value, not node.value)))
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        out.append(('num', '%r -> %r' % (node.value, node.value + 1)))
    elif isinstance(node, ast.If):
        out.append(('if_not', 'if x -> if not x'))
    elif isinstance(node, ast.Return) and node.value is not None and \
            not (isinstance(node.value, ast.Constant) and node.value.value is None):
        out.append(('return_none', 'return x -> return None'))
    if isinstance(node, REMOVABLE) and not _is_docstring(node, parents):
        out.append(('remove', 'remove %s' % type(node).__name__))
    return out


def mutation_points(tree):
    """Every (node index in walk order, kind, description, line) of a module's tree."""
    skipped = _skipped_blocks(tree)
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    points = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        for kind, description in _mutations_of(node, parents):
            points.append((index, kind, description, getattr(node, 'lineno', 0)))
    return points


def mutate(source, index, kind):
    """The source with the mutation applied (the module re-parsed, changed, and unparsed)."""
    tree = ast.parse(source)
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    target = list(ast.walk(tree))[index]
    if kind.startswith('cmp:'):
        i = int(kind.split(':')[1])
        target.ops[i] = CMP_SWAP[type(target.ops[i])]()
    elif kind == 'bin':
        target.op = BIN_SWAP[type(target.op)]()
    elif kind == 'bool':
        target.op = BOOL_SWAP[type(target.op)]()
    elif kind == 'not':
        _replace(parents[id(target)], target, target.operand)
    elif kind == 'bool_const':
        target.value = not target.value
    elif kind == 'num':
        target.value = target.value + 1
    elif kind == 'if_not':
        target.test = ast.UnaryOp(op=ast.Not(), operand=target.test)
    elif kind == 'return_none':
        target.value = ast.Constant(value=None)
    elif kind == 'remove':
        _replace(parents[id(target)], target, ast.Pass())
    else:
        raise ValueError(kind)
    return ast.unparse(ast.fix_missing_locations(tree)) + '\n'


def _replace(parent, old, new):
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is old:
                    value[i] = new
                    return
    raise ValueError('node not found in its parent')


# ---------------------------------------------------------------- which tests cover a file

def _import_pattern(rel):
    """A regex that finds an import of the plugin file rel (plugins/<kind>/<name>.py)."""
    kind, name = rel.split('/')[1], os.path.splitext(os.path.basename(rel))[0]
    return re.compile(r'plugins\.%s(\.%s\b| import [^\n]*\b%s\b)' % (kind, re.escape(name), re.escape(name)))


def _plugin_files(collection):
    files = {}
    for base in ('plugins/module_utils', 'plugins/modules', 'plugins/lookup', 'plugins/plugin_utils'):
        folder = os.path.join(collection, base)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith('.py'):
                with open(os.path.join(folder, name), encoding='utf-8') as handle:
                    files['%s/%s' % (base, name)] = handle.read()
    return files


def covering_tests(collection, rel):
    """Test files of rel itself and of the plugin files that import it, directly or through others."""
    tests_root = os.path.join(collection, TESTS)
    test_files = sorted(os.path.join(d, f) for d, dummy, files in os.walk(tests_root) for f in files
                        if f.startswith('test_') and f.endswith('.py'))
    plugins = _plugin_files(collection)
    importers = [rel]
    for current in importers:
        pattern = _import_pattern(current)
        importers.extend(path for path, text in plugins.items() if path not in importers and pattern.search(text))
    chosen = []
    for importer in importers:
        imp = _import_pattern(importer) if importer.count('/') == 2 else None
        name = os.path.splitext(os.path.basename(importer))[0].lstrip('_')
        for test in test_files:
            with open(test, encoding='utf-8') as handle:
                text = handle.read()
            own = os.path.basename(test) == 'test_%s.py' % name
            if (own or (imp is not None and imp.search(text))) and test not in chosen:
                chosen.append(test)
    # The client's tests are split in two files, and they test its API families too.
    if rel.endswith(('_http.py', '_errors.py', '_api.py', '_v1.py', '_v2.py')):
        for extra in ('module_utils/test_api.py', 'module_utils/test_http.py'):
            path = os.path.join(tests_root, extra)
            if os.path.exists(path) and path not in chosen:
                chosen.append(path)
    return [os.path.relpath(t, collection) for t in chosen]


# ---------------------------------------------------------------- running

def copy_collection(collection, workdir):
    dest = os.path.join(workdir, 'ansible_collections', 'ciops', 'circleci')
    shutil.copytree(collection, dest, ignore=shutil.ignore_patterns(
        '.git', 'output', '__pycache__', '.pytest_cache', '.ansible', 'reliability', 'integration'))
    return dest


def run_tests(copy_dir, tests, timeout):
    """('passed' | 'failed' | 'timeout', seconds, the output's tail)."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.dirname(copy_dir))),
               PYTHONDONTWRITEBYTECODE='1')
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '-p', 'no:warnings']
                              + tests, cwd=copy_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 'timeout', time.monotonic() - start, ''
    return ('passed' if proc.returncode == 0 else 'failed'), time.monotonic() - start, proc.stdout[-2000:]


BASELINE = {}
BASELINE_LOCK = threading.Lock()


class Worker(object):
    """A private copy of the collection; mutants are written into it one at a time and restored."""

    def __init__(self, collection):
        self.workdir = tempfile.mkdtemp(prefix='mutants-')
        self.copy = copy_collection(collection, self.workdir)

    def close(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def baseline(self, tests):
        """The unmutated run of these tests (once for all workers): (result, seconds, output)."""
        key = tuple(tests)
        with BASELINE_LOCK:
            if key not in BASELINE:
                BASELINE[key] = run_tests(self.copy, tests, timeout=900)
                if BASELINE[key][0] != 'passed':
                    print('baseline of %s failed:\n%s' % (' '.join(tests), BASELINE[key][2]), flush=True)
            return BASELINE[key]

    def run(self, mutant, tests):
        base_result, base_seconds, dummy = self.baseline(tests)
        if base_result != 'passed':
            return 'baseline-failed', 0.0
        path = os.path.join(self.copy, mutant['file'])
        with open(path, encoding='utf-8') as handle:
            original = handle.read()
        try:
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(mutant['source'])
            result, seconds, dummy = run_tests(self.copy, tests, timeout=base_seconds * 2 + 15)
        finally:
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(original)
        return {'failed': 'killed', 'timeout': 'killed (timeout)', 'passed': 'survived'}[result], seconds


def sample(collection, count, seed, only=None):
    points = []
    for folder in SOURCES:
        for name in sorted(os.listdir(os.path.join(collection, folder))):
            rel = '%s/%s' % (folder, name)
            if not name.endswith('.py') or name == '__init__.py' or (only and not re.search(only, rel)):
                continue
            with open(os.path.join(collection, rel), encoding='utf-8') as handle:
                source = handle.read()
            for index, kind, description, line in mutation_points(ast.parse(source)):
                points.append((rel, index, kind, description, line))
    rng = random.Random(seed)
    chosen = rng.sample(points, min(count, len(points)))
    chosen.sort(key=lambda p: (p[0], p[4], p[1], p[2]))
    return len(points), chosen


def survivors_of(collection, report):
    """The mutants that survived in an earlier report, found again by file, line and change
    (a file changed since may no longer have them: those are left out and counted)."""
    with open(report, encoding='utf-8') as handle:
        earlier = json.load(handle)
    wanted = [m for m in earlier['mutants'] if m['outcome'] == 'survived']
    points, lost = [], 0
    by_file, lines = {}, {}
    for mutant in wanted:
        rel, change = mutant['file'], mutant['change']
        if rel not in by_file:
            with open(os.path.join(collection, rel), encoding='utf-8') as handle:
                source = handle.read()
            by_file[rel] = mutation_points(ast.parse(source))
            lines[rel] = source.splitlines()
        same = [p for p in by_file[rel] if p[2] == change]
        if mutant.get('code'):
            # The same change on the same code, nearest to where it was (lines move when code is added).
            same = sorted((p for p in same if 0 < p[3] <= len(lines[rel]) and lines[rel][p[3] - 1].strip() == mutant['code']),
                          key=lambda p: abs(p[3] - mutant['line']))
        else:
            same = [p for p in same if p[3] == mutant['line']]
        if same:
            points.append((rel, same[0][0], same[0][1], change, same[0][3]))
        else:
            lost += 1
    return points, lost


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--collection', required=True, help='the collection copy (.../ansible_collections/ciops/circleci)')
    parser.add_argument('--count', type=int, default=200)
    parser.add_argument('--seed', type=int, default=12)
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    parser.add_argument('--only', help='only files whose path matches this regular expression')
    parser.add_argument('--report', help='write the results as JSON here')
    parser.add_argument('--survivors-of', metavar='REPORT',
                        help='run again only the mutants that survived in this earlier report (after adding tests)')
    args = parser.parse_args(argv)
    collection = os.path.abspath(args.collection)

    if args.survivors_of:
        chosen, lost = survivors_of(collection, args.survivors_of)
        total = len(chosen) + lost
        if lost:
            print('%d survivor(s) of %s are no longer in the code (their file changed)' % (lost, args.survivors_of))
    else:
        total, chosen = sample(collection, args.count, args.seed, args.only)
    sources = {}
    mutants = []
    for rel, index, kind, description, line in chosen:
        if rel not in sources:
            with open(os.path.join(collection, rel), encoding='utf-8') as handle:
                sources[rel] = handle.read()
        try:
            source = mutate(sources[rel], index, kind)
            compile(source, rel, 'exec')
        except (SyntaxError, ValueError, TypeError):
            source = None
        code = sources[rel].splitlines()[line - 1].strip() if 0 < line <= len(sources[rel].splitlines()) else ''
        mutants.append(dict(file=rel, line=line, change=description, code=code, source=source))
    print('mutation points: %d in %s; sampled %d (seed %d), %d job(s)' % (
        total, ' and '.join(SOURCES), len(mutants), args.seed, args.jobs), flush=True)

    tests_of = {}
    workers = [Worker(collection) for dummy in range(max(1, args.jobs))]
    free = list(workers)
    start = time.monotonic()
    try:
        def one(mutant):
            worker = free.pop()
            try:
                if mutant['source'] is None:
                    return 'invalid', 0.0
                tests = tests_of.setdefault(mutant['file'], covering_tests(collection, mutant['file']))
                if not tests:
                    return 'no tests', 0.0
                return worker.run(mutant, tests)
            finally:
                free.append(worker)

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(workers)) as pool:
            for mutant, (outcome, seconds) in zip(mutants, pool.map(one, mutants)):
                mutant.update(outcome=outcome, seconds=round(seconds, 1))
                print('%-17s %s:%d  %s  (%.1f s)' % (outcome, mutant['file'], mutant['line'], mutant['change'], seconds),
                      flush=True)
    finally:
        for worker in workers:
            worker.close()

    counts = {}
    for mutant in mutants:
        counts[mutant['outcome']] = counts.get(mutant['outcome'], 0) + 1
    killed = counts.get('killed', 0) + counts.get('killed (timeout)', 0)
    survived = counts.get('survived', 0)
    rate = 100.0 * killed / (killed + survived) if killed + survived else 0.0
    summary = dict(seed=args.seed, points=total, sampled=len(mutants), killed=killed, survived=survived,
                   timeouts=counts.get('killed (timeout)', 0), invalid=counts.get('invalid', 0),
                   no_tests=counts.get('no tests', 0), baseline_failed=counts.get('baseline-failed', 0),
                   kill_rate=round(rate, 1), minutes=round((time.monotonic() - start) / 60, 1))
    print('\nsurvivors:')
    for mutant in mutants:
        if mutant['outcome'] == 'survived':
            print('  %s:%d  %s' % (mutant['file'], mutant['line'], mutant['change']))
    print('\nmutants: %(sampled)d sampled of %(points)d points (seed %(seed)d): %(killed)d killed '
          '(%(timeouts)d by timeout), %(survived)d survived, %(invalid)d invalid, %(no_tests)d without tests; '
          'kill rate %(kill_rate).1f%% in %(minutes).1f min' % summary)
    if args.report:
        os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
        with open(args.report, 'w', encoding='utf-8') as handle:
            json.dump(dict(summary=summary, mutants=[dict((k, v) for k, v in m.items() if k != 'source')
                                                     for m in mutants]), handle, indent=1)
    return 1 if counts.get('baseline-failed') else 0


if __name__ == '__main__':
    sys.exit(main())
