# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the docs' examples with ``ansible-playbook --check --diff`` against the CircleCI simulator.

Each runnable block (docblocks.py) becomes one or more plays:

- a playbook is written as it stands in the doc, except that its ``hosts:`` names the block's own
  host (below);
- a task list (with the blocks it continues) is put under one play: connection local,
  ``gather_facts: false``, the playbook's Python, and ``module_defaults`` for
  ``group/ciops.circleci.circleci`` with the simulator's ``api_url`` and ``api_token``.

The inventory has one host per block (an alias of the local machine: connection local, the
playbook's Python), so that nothing a block registers or sets is seen by another and a failure of
one block does not stop the others, plus ``localhost``; vars.yml is its group_vars/all: the
placeholders the docs use. ansible-playbook gets the connection in its environment as a reader
would have it (CIRCLECI_API_URL = the simulator's host root, CIRCLECI_TOKEN), so lookups and
playbooks that leave the connection to the environment reach the simulator.

Every block starts on a freshly reset simulator: its seed, plus one finished green pipeline of
gh/acme/app on main (the seed has none, and the docs read pipelines); its request log is read
when the block is done. Blocks run in batches, one ansible-playbook process per batch (starting
Ansible costs about a second of CPU a process): the callback plugin docs_examples_sim
(callback_plugins/) resets the simulator when a block's first play starts and keeps each block's
request log. A block that does not pass in its batch runs again alone, and that run is the one
reported; Ansible ends a playbook at a play where every host failed, so the blocks after it go
on in a new batch.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.dirname(os.path.dirname(HERE))
# The simulator launcher and control client (tests/simulator/simprocess.py), for the conftest and the callback.
sys.path.insert(0, os.path.join(COLLECTION, 'tests', 'simulator'))
from simprocess import SimulatorClient, SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = 'sim-token'
# Before the v1.1 sunset (2027-02-01), whatever today's date: the date hack/with-simulator.sh uses.
SIM_DATE = '2026-12-01'
# Requests that change nothing: check mode may send these and no other.
SAFE_METHODS = ('GET', 'HEAD')
PLAYBOOK_TIMEOUT = 600
PLAY_HOSTS = re.compile(r'^(?P<lead>- |  )hosts:.*$', re.MULTILINE)
RECAP = re.compile(r'^(?P<host>\S+)\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=(?P<unreachable>\d+)\s+'
                   r'failed=(?P<failed>\d+)', re.MULTILINE)


class SimClient(SimulatorClient):
    """The control API of a running simulator, and the scene every block starts from."""

    def set_scene(self, timeout=30):
        """The seed data, plus what the docs read and the seed lacks: a finished green pipeline of
        gh/acme/app on main; then an empty request log.

        Its one workflow has one job, ``build``, with the tarball: the v1.1 world of the seed stays
        as it was (the newest green build of main has a tarball), as for a project whose config
        runs one job. (With the seeded two-job config the newest green v1.1 "build" of main would
        be the ``test`` job, which has only a JUnit report.)"""
        self.control('POST', '/reset')
        self.control('POST', '/pipelines/next', {'project': 'gh/acme/app', 'workflows': [
            {'name': 'build-and-test', 'jobs': [
                {'name': 'build', 'artifacts': ['home/circleci/project/dist/app-1.0.0.tar.gz']}]}]})
        pipeline = self.api('POST', '/project/gh/acme/app/pipeline/run', {'checkout': {'branch': 'main'}})
        deadline = time.monotonic() + timeout
        while True:
            workflows = self.api('GET', '/pipeline/%s/workflow' % pipeline['id'])['items']
            if workflows and all(w['status'] == 'success' for w in workflows):
                break
            if time.monotonic() > deadline:
                raise RuntimeError('the scene pipeline did not finish: %r' % workflows)
            time.sleep(0.02)
        self.control('DELETE', '/requests')


class Simulator(SimulatorProcess, SimClient):
    """tests/simulator/server.py --port 0 as a subprocess, with the scene of SimClient."""

    def __init__(self):
        # Short builds and compiles: only the scene's pipeline runs (check mode starts nothing).
        super(Simulator, self).__init__('--build-seconds', '0.05', '--compile-seconds', '0', token=TOKEN, date=SIM_DATE)


def _throwaway_ed25519_key():
    """An OpenSSH Ed25519 private key made for this run (circleci_ssh_key parses the key in check mode)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode('ascii')


def host_of(block):
    """The inventory host a block's plays run on: its id, made a safe host name."""
    return 'ex_' + re.sub(r'[^A-Za-z0-9]+', '_', block.id).strip('_')


class Workspace(object):
    """The scratch directory: inventory with the placeholders, files the examples read, playbooks."""

    def __init__(self, path, blocks):
        self.path = path
        self.inventory = os.path.join(path, 'inventory')
        group_vars = os.path.join(self.inventory, 'group_vars', 'all')
        os.makedirs(group_vars)
        os.makedirs(os.path.join(path, 'files'))
        os.makedirs(os.path.join(path, 'tmp'))
        local = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
        hosts = dict((host_of(b), local) for b in blocks)
        hosts['localhost'] = local
        with open(os.path.join(self.inventory, 'hosts.json'), 'w', encoding='utf-8') as handle:
            json.dump({'all': {'hosts': hosts}}, handle, indent=1)
        shutil.copy(os.path.join(HERE, 'vars.yml'), os.path.join(group_vars, 'placeholders.yml'))
        key = _throwaway_ed25519_key()
        with open(os.path.join(group_vars, 'generated.yml'), 'w', encoding='utf-8') as handle:
            handle.write('vault_deploy_private_key: |\n%s' % textwrap.indent(key, '  '))
        key_file = os.path.join(path, 'files', 'staging_deploy_ed25519')
        with open(key_file, 'w', encoding='utf-8') as handle:
            handle.write(key)
        os.chmod(key_file, 0o600)


def plays_of(block, sim):
    """The plays that run a block, as YAML text: a playbook as written (on the block's host), a task
    list and the blocks it continues in one play."""
    host = host_of(block)
    if block.kind == 'playbook':
        return PLAY_HOSTS.sub(lambda m: '%shosts: %s' % (m.group('lead'), host), block.text)
    tasks = '\n'.join('# %s\n%s' % (step.id, step.text) for step in block.chain())
    return textwrap.dedent('''\
        - name: Example {id}
          hosts: {host}
          connection: local
          gather_facts: false
          vars:
            ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
          module_defaults:
            group/ciops.circleci.circleci:
              api_url: {root}
              api_token: {token}
          tasks:
        ''').format(id=block.id, host=host, root=sim.root, token=sim.token) + textwrap.indent(tasks, '    ')


def play_count(block):
    return len(block.data) if block.kind == 'playbook' else 1


class Result(object):
    """What the --check run of one block did."""

    def __init__(self, block, playbook, returncode, stdout, stderr, requests, seconds, batch=1):
        self.block = block
        self.playbook = playbook
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.requests = requests
        self.seconds = seconds
        self.batch = batch      # how many blocks shared the ansible-playbook process

    @property
    def output(self):
        return self.stdout + self.stderr

    def problems(self):
        """Why this run does not pass (empty when it does)."""
        found = []
        if self.returncode != 0:
            found.append('ansible-playbook --check exited %s' % self.returncode)
        if 'Traceback (most recent call last)' in self.output:
            found.append('a Python traceback')
        if '[ERROR]' in self.output or 'ERROR!' in self.output:
            found.append('an [ERROR] line')
        if self.requests is None:
            found.append('no request log')
        else:
            writes = ['%s %s' % (r['method'], r['path']) for r in self.requests if r['method'] not in SAFE_METHODS]
            if writes:
                found.append('check mode sent mutating requests: %s' % ', '.join(writes))
        return found

    def report(self):
        reads = ['%s %s -> %s' % (r['method'], r['path'], r['status']) for r in self.requests or []]
        return '\n'.join([
            '%s: %s' % (self.block.id, '; '.join(self.problems()) or 'passed'),
            '--- playbook (%s) ---' % self.block.kind, self.playbook,
            '--- requests ---', '\n'.join(reads) or '(none)',
            '--- stdout ---', self.stdout.rstrip(),
            '--- stderr ---', self.stderr.rstrip()])


def ansible_env(sim, workspace, plan=None):
    env = dict(os.environ)
    for name in ('CIRCLE_TOKEN', 'CIRCLECI_SIM_ROOT', 'CIRCLECI_SIM_V1_URL', 'ANSIBLE_CONFIG',
                 'ANSIBLE_STDOUT_CALLBACK', 'ANSIBLE_CALLBACKS_ENABLED'):
        env.pop(name, None)
    if not env.get('ANSIBLE_COLLECTIONS_PATH'):
        # tests/docs_examples of the collection copy: <root>/ansible_collections/ciops/circleci
        env['ANSIBLE_COLLECTIONS_PATH'] = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
    env.update({
        'CIRCLECI_API_URL': sim.root,
        'CIRCLECI_TOKEN': sim.token,
        'ANSIBLE_ROLES_PATH': os.path.join(COLLECTION, 'examples', 'roles'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCAL_TEMP': os.path.join(workspace.path, 'tmp'),
        'PYTHONDONTWRITEBYTECODE': '1',
    })
    if plan:
        env.update({
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'docs_examples_sim',
            'DOCS_EXAMPLES_PLAN': plan,
        })
    return env


def ansible_playbook():
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return binary if os.path.exists(binary) else shutil.which('ansible-playbook')


def _play(path, sim, workspace, plan=None):
    started = time.monotonic()
    try:
        proc = subprocess.run(  # pylint: disable=subprocess-run-check
            [ansible_playbook(), '-i', workspace.inventory, '--check', '--diff', path],
            cwd=workspace.path, env=ansible_env(sim, workspace, plan), capture_output=True,
            universal_newlines=True, timeout=PLAYBOOK_TIMEOUT)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, stdout, stderr = 'timeout (%ss)' % PLAYBOOK_TIMEOUT, str(exc.stdout or ''), str(exc.stderr or '')
    return returncode, stdout, stderr, time.monotonic() - started


def run_block(block, sim, workspace):
    """Run one block alone on a freshly set scene; a Result."""
    playbook = plays_of(block, sim)
    path = os.path.join(workspace.path, host_of(block) + '.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(playbook)
    sim.set_scene()
    returncode, stdout, stderr, seconds = _play(path, sim, workspace)
    return Result(block, playbook, returncode, stdout, stderr, sim.requests(), seconds)


def run_batch(blocks, sim, workspace, name):
    """Run blocks in one ansible-playbook process: ({block id: Result} of those that passed, the ids
    of the blocks it reached). Ansible ends a playbook when every host of a play failed, so a
    failing block ends the batch: the blocks after it are not reached."""
    texts = [plays_of(b, sim) for b in blocks]
    path = os.path.join(workspace.path, name + '.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(texts))
    plan = os.path.join(workspace.path, name + '.plan.json')
    logs = os.path.join(workspace.path, name + '.requests.json')
    order = []
    for block in blocks:
        order.extend([block.id] * play_count(block))
    with open(plan, 'w', encoding='utf-8') as handle:
        json.dump({'root': sim.root, 'token': sim.token, 'plays': order, 'logs': logs,
                   'docs_examples': HERE}, handle)
    returncode, stdout, stderr, seconds = _play(path, sim, workspace, plan)
    if not os.path.exists(logs):
        return {}, set()
    with open(logs, encoding='utf-8') as handle:
        requests = json.load(handle)
    reached = set(requests)
    if 'Traceback (most recent call last)' in stderr or '[ERROR]' in stderr:
        return {}, reached
    recap = dict((m.group('host'), m) for m in RECAP.finditer(stdout))
    starts = [m.start() for m in re.finditer(r'^PLAY (?:\[|RECAP)', stdout, re.MULTILINE)]
    passed, index = {}, 0
    for block, text in zip(blocks, texts):
        count = play_count(block)
        out = stdout[starts[index]:starts[index + count]] if index + count < len(starts) else ''
        index += count
        stats = recap.get(host_of(block))
        if not out or block.id not in reached or stats is None:
            continue
        ok = returncode in (0, 2) and stats.group('failed') == '0' and stats.group('unreachable') == '0'
        result = Result(block, text, 0 if ok else 2, out, '', requests[block.id], seconds, batch=len(blocks))
        if ok and not result.problems():
            passed[block.id] = result
    return passed, reached


def run_share(blocks, sim, workspace, name):
    """Run a worker's blocks: in batches, each starting after the block that ended the one before
    (that one, and any other that did not pass, runs again alone: its run is the one reported).
    Returns ({block id: Result}, how many ansible-playbook processes, how many blocks ran alone)."""
    results, alone, rest, processes = {}, [], list(blocks), 0
    while len(rest) > 1:
        passed, reached = run_batch(rest, sim, workspace, '%s_%d' % (name, processes))
        processes += 1
        results.update(passed)
        last = max([i for i, b in enumerate(rest) if b.id in reached] or [-1])
        if last < 0:    # nothing ran (a syntax error, say): every block alone
            break
        alone.extend(b for b in rest[:last + 1] if b.id not in passed)
        rest = rest[last + 1:]
    alone.extend(rest)
    for block in alone:
        results[block.id] = run_block(block, sim, workspace)
        processes += 1
    return results, processes, len(alone)
