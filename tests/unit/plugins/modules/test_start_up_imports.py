# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a module imports when it starts: Ansible runs every task's module as a fresh Python process, so a
library imported at the top of a module_utils file is paid on every task, needed or not. Each module is
imported here in a fresh interpreter and must not have loaded a library it only needs on some paths
(`make bench` measures the time: bench/bench_startup.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import ansible
import pytest

# .../ansible_collections/ciops/circleci, five levels above tests/unit/plugins/modules/this file.
COLLECTION = os.path.abspath(__file__)
for _dummy in range(5):
    COLLECTION = os.path.dirname(COLLECTION)
PLUGINS = os.path.join(COLLECTION, 'plugins')
# The folder that holds ansible_collections/ciops/circleci.
COLLECTIONS = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(PLUGINS, 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))
PREFIX = 'ansible_collections.ciops.circleci.plugins.'

# Libraries no module may import at start-up, and where they belong instead.
NOT_AT_START_UP = {
    'cryptography': 'only circleci_ssh_key needs it, and only to read a key (_sshkey.cryptography_import_error)',
    'html': 'only scrubbing a secret out of an error message needs it (_errors._encodings)',
    'html.entities': 'a table of 2,000 entries that html pulls in',
    'concurrent.futures': 'only reading several things at once needs it (_concurrent.map_concurrently)',
    'yaml': 'no module reads YAML',
}


def modules_after(statement):
    """sys.modules of a fresh interpreter after ``statement``, with the collection importable."""
    paths = [COLLECTIONS, os.path.dirname(os.path.dirname(ansible.__file__))]
    if os.environ.get('PYTHONPATH'):
        paths.append(os.environ['PYTHONPATH'])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE='1')
    code = '%s\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))' % statement
    proc = subprocess.run([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_every_module_is_checked():
    assert 'circleci_envvar' in MODULES and 'circleci_ssh_key' in MODULES and len(MODULES) >= 14


@pytest.mark.parametrize('name', MODULES)
def test_module_imports_no_library_it_does_not_need_yet(name):
    loaded = modules_after('import %smodules.%s' % (PREFIX, name))
    # The import did happen, with what every module needs to run.
    assert PREFIX + 'modules.' + name in loaded
    assert 'ansible.module_utils.basic' in loaded
    assert 'requests' in loaded
    assert PREFIX + 'module_utils._http' in loaded
    early = dict((lib, why) for lib, why in NOT_AT_START_UP.items() if lib in loaded)
    assert early == {}, '%s imports at start-up what it should import on first use' % name


def test_reading_a_key_imports_cryptography():
    loaded = modules_after('from %smodule_utils._sshkey import cryptography_import_error\n'
                           'assert cryptography_import_error() is None' % PREFIX)
    assert 'cryptography.hazmat.primitives.serialization' in loaded


def test_scrubbing_a_secret_imports_html():
    loaded = modules_after("from %smodule_utils._errors import scrub\n"
                           "assert scrub('a &lt;s3cret&gt; b', ('<s3cret>',)) == 'a ******** b'" % PREFIX)
    assert 'html' in loaded


def test_reading_several_things_at_once_imports_concurrent_futures():
    loaded = modules_after('from %smodule_utils._concurrent import map_concurrently\n'
                           'class Client(object):\n'
                           '    def allow_parallel(self, size):\n'
                           '        pass\n'
                           'assert map_concurrently(Client(), abs, [-1, -2, 3], 2) == [1, 2, 3]' % PREFIX)
    assert 'concurrent.futures' in loaded
