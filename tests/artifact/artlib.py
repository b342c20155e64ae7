# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared by the artifact layer: what ships (the policy the tarball is checked against), building,
installing, running the installed examples, and the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.dirname(os.path.dirname(HERE))
# The simulator launcher (tests/simulator/simprocess.py).
sys.path.insert(0, os.path.join(COLLECTION, 'tests', 'simulator'))
from simprocess import SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
TOKEN = 'sim-token'
# Before the v1.1 sunset (2027-02-01), as make demo runs it.
SIM_DATE = '2026-12-01'
# Lines for the terminal summary (conftest.pytest_terminal_summary).
REPORT = []

# What a user of the installed collection has no use for: the tests (the simulator among them),
# the tooling, the molecule scenarios, the Sphinx scaffolding, the unreleased changelog fragments,
# lint and git settings. Written as a policy (folders and name patterns), not as a list of files,
# so that a new file under a shipped folder is expected in the tarball without anyone listing it.
DEV_ONLY_TOP = frozenset((
    'tests', 'hack', 'bench', 'build', '.ci', '.github',
    'Makefile', '.ansible-lint', '.gitignore'))
DEV_ONLY_TOP_GLOBS = ('requirements-*.txt', '.venv*')
# extensions/eda (the event source and its rulebook) ships: ansible-rulebook and EDA controller read
# event sources and rulebooks from the installed collection. The molecule scenarios do not.
DEV_ONLY_PREFIXES = ('docs/sphinx/', 'changelogs/fragments/', 'extensions/molecule/')
# Written by ansible-galaxy itself into every tarball, from galaxy.yml (which never ships).
GENERATED = frozenset(('MANIFEST.json', 'FILES.json'))
REPLACED = frozenset(('galaxy.yml',))


def in_collection_copy():
    parts = COLLECTION.replace(os.sep, '/').split('/')
    return parts[-3:] == ['ansible_collections', 'ciops', 'circleci'] and os.path.isfile(
        os.path.join(COLLECTION, 'galaxy.yml'))


def dev_only(path):
    """Why a path (relative, with /) must not ship, or None when it should."""
    parts = path.split('/')
    if path in REPLACED:
        return 'ansible-galaxy turns it into MANIFEST.json'
    if parts[0] in DEV_ONLY_TOP:
        return '%s is development only' % parts[0]
    for glob in DEV_ONLY_TOP_GLOBS:
        if fnmatch.fnmatchcase(parts[0], glob):
            return '%s is development only' % glob
    for prefix in DEV_ONLY_PREFIXES:
        if path.startswith(prefix):
            return '%s is development only' % prefix.rstrip('/')
    if '__pycache__' in parts or path.endswith('.pyc'):
        return 'compiled Python'
    return None


def run(argv, **kwargs):
    """subprocess.run with text output captured; never raises on a non-zero exit."""
    kwargs.setdefault('stdout', subprocess.PIPE)
    kwargs.setdefault('stderr', subprocess.PIPE)
    kwargs.setdefault('timeout', 300)
    return subprocess.run(argv, check=False, universal_newlines=True, **kwargs)  # pylint: disable=subprocess-run-check


def tool(name):
    return os.path.join(BIN, name)


def explain(proc):
    return 'exit %s of %s\n--- stdout (end)\n%s\n--- stderr (end)\n%s' % (
        proc.returncode, ' '.join(proc.args), proc.stdout[-6000:], proc.stderr[-4000:])


def source_files(root=COLLECTION):
    """The files of the collection's source as git sees them: tracked, plus untracked ones that
    .gitignore does not exclude (the build copy is a fresh `git init` of exactly that set)."""
    proc = run(['git', '-C', root, 'ls-files', '-z', '-c', '-o', '--exclude-standard'])
    if proc.returncode != 0:
        raise RuntimeError('git cannot list the collection copy: %s' % explain(proc))
    return sorted(set(p for p in proc.stdout.split('\0') if p and os.path.isfile(os.path.join(root, p))))


def build_tarball(output, root=COLLECTION):
    proc = run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', output, root], cwd=root)
    if proc.returncode != 0:
        raise RuntimeError(explain(proc))
    found = [n for n in os.listdir(output) if n.endswith('.tar.gz')]
    if len(found) != 1:
        raise RuntimeError('expected one tarball in %s, found %s' % (output, found))
    return os.path.join(output, found[0])


def tar_members(path):
    with tarfile.open(path, 'r:gz') as tar:
        return dict((m.name.rstrip('/'), m) for m in tar.getmembers())


def shipped_files(members):
    return sorted(n for n, m in members.items() if m.isfile() and n not in GENERATED)


def install(tarball, dest):
    proc = run([tool('ansible-galaxy'), 'collection', 'install', tarball, '-p', dest], cwd=dest, env=clean_env())
    if proc.returncode != 0:
        raise RuntimeError(explain(proc))
    if not os.path.isdir(os.path.join(dest, 'ansible_collections', 'ciops', 'circleci')):
        raise RuntimeError('no ansible_collections/ciops/circleci under %s after install:\n%s' % (dest, proc.stdout))
    return dest


def clean_env():
    """The environment without anything that points Ansible at the build copy: no ANSIBLE_*
    (make exports ANSIBLE_COLLECTIONS_PATH), no PYTHONPATH (make artifact sets it to the build
    copy's collections folder), no CircleCI connection settings."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('ANSIBLE_', 'CIRCLECI_', 'CIRCLE_')) and k != 'PYTHONPATH')
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    env['ANSIBLE_NOCOLOR'] = '1'
    return env


def playbook_env(installed, workdir, sim=None):
    """Ansible sees the installed copy and nothing else: ANSIBLE_COLLECTIONS_PATH is the install
    path only, sys.path is not scanned for collections, an empty ansible.cfg."""
    config = os.path.join(workdir, 'ansible.cfg')
    if not os.path.exists(config):
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write('# empty: no setting from the machine or the build copy\n')
    env = clean_env()
    env.update(ANSIBLE_CONFIG=config, ANSIBLE_COLLECTIONS_PATH=installed,
               ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False', ANSIBLE_RETRY_FILES_ENABLED='False',
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    if sim is not None:
        env.update(CIRCLECI_API_URL=sim.root, CIRCLECI_SIM_ROOT=sim.root, CIRCLECI_SIM_V1_URL=sim.root + '/api/v1.1',
                   CIRCLECI_TOKEN=TOKEN)
    return env


RECAP = re.compile(r'^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                   r'\s+failed=(?P<failed>\d+)', re.M)


def recap(stdout):
    """{host: {ok, changed, unreachable, failed}} from the PLAY RECAP."""
    tail = stdout.rsplit('PLAY RECAP', 1)[-1] if 'PLAY RECAP' in stdout else ''
    return dict((m.group('host'), dict((k, int(m.group(k))) for k in ('ok', 'changed', 'unreachable', 'failed')))
                for m in RECAP.finditer(tail))


class Simulator(SimulatorProcess):
    """tests/simulator/server.py of the build copy on a free port, with short builds and compiles:
    the demo and the deployment wait for their pipelines."""

    def __init__(self):
        super(Simulator, self).__init__('--build-seconds', '0.3', '--compile-seconds', '0.2',
                                        token=TOKEN, date=SIM_DATE)


def junk_for(pattern):
    """Paths a .gitignore pattern keeps out of git: where it is anchored (it has a slash) at that
    place, otherwise at the top and deeper down; a folder pattern gets a file inside it."""
    pattern = pattern.strip()
    if not pattern or pattern.startswith(('#', '!')):
        return []
    folder = pattern.endswith('/')
    pattern = pattern.rstrip('/')
    anchored = '/' in pattern
    name = pattern.lstrip('/').replace('**', 'junk').replace('*', 'junk').replace('?', 'j')
    places = [name] if anchored else [name, 'plugins/modules/' + name]
    return [p + '/junk.txt' for p in places] if folder else places


def copy_source(dest, root=COLLECTION):
    """The source files (as git lists them) into dest."""
    for path in source_files(root):
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, path), target)
