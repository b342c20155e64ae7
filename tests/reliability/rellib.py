# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the reliability suite shares: its own simulator, in-process runs of modules and lookups
against it over real HTTP, and real ansible-playbook runs.

The suite runs from the collection copy that hack/sync-build.sh makes
(``.../ansible_collections/ciops/circleci``), with that copy importable as
``ansible_collections.ciops.circleci`` (PYTHONPATH=<collections root>), like the unit layer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import subprocess
import sys
import time

from harness import run_main  # on sys.path through conftest.py: tests/unit/plugins/modules/harness.py
from simprocess import SimulatorProcess  # on sys.path through conftest.py: tests/simulator/simprocess.py

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.dirname(os.path.dirname(HERE))
# <root>/ansible_collections/ciops/circleci -> <root>
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
TOKEN = 'sim-token'
# Before the 2027-02-01 sunset of the v1.1 triggers, whatever today's date is.
SIM_DATE = '2026-06-01'
PLUGINS = 'ansible_collections.ciops.circleci.plugins'


def in_collection_copy():
    return COLLECTION.replace(os.sep, '/').endswith('ansible_collections/ciops/circleci')


class Simulator(SimulatorProcess):
    """tests/simulator/server.py as a subprocess on a free loopback port, with short builds."""

    def __init__(self, *extra, **options):
        super(Simulator, self).__init__('--build-seconds', '0.3', '--compile-seconds', '0.1', *extra,
                                        token=options.get('token', TOKEN), date=SIM_DATE)

    def api(self, method, path, body=None, api='v1.1'):
        """A call to the API (v1.1 unless said) with the token, for setting a scene."""
        return super(Simulator, self).api(method, path, body, api=api)


# ---------------------------------------------------------------- in-process runs

class Traceback(AssertionError):
    """A plugin raised something other than its documented failure: a user would see a traceback."""


def run_module(name, args, check_mode=False):
    """Run ciops.circleci.<name>'s main() with args; the result dict (failed=True on fail_json).

    Anything else escaping main() is a Traceback: Ansible would show the user a stack trace.
    """
    module = importlib.import_module('%s.modules.%s' % (PLUGINS, name))
    full = dict(args)
    if check_mode:
        full['_ansible_check_mode'] = True
    try:
        return run_main(module, full)
    except SystemExit as exc:
        raise Traceback('%s exited (%s) without exit_json or fail_json' % (name, exc))
    except Exception as exc:  # pylint: disable=broad-except
        raise Traceback('%s raised %s: %s' % (name, type(exc).__name__, exc))


def install_collection_finder():
    """Ansible's collection finder for this copy, as ansible-test's pytest plugin installs it.

    Call it before anything imports ansible_collections.*: modules and lookups then load
    through it (lookups need it for their doc fragments).
    """
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    if AnsibleCollectionConfig.collection_finder is None:
        _AnsibleCollectionFinder(paths=[COLLECTIONS_ROOT])._install()  # pylint: disable=protected-access


def lookup_loader():
    install_collection_finder()
    from ansible.plugins.loader import lookup_loader as loader
    return loader


def run_lookup(name, terms, **options):
    """ciops.circleci.<name> run as a template would: ('ok', list) or ('failed', message).

    AnsibleError is the lookup's documented failure; anything else is a Traceback.
    """
    from ansible.errors import AnsibleError
    lookup = lookup_loader().get('ciops.circleci.%s' % name)
    if lookup is None:
        raise Traceback('lookup ciops.circleci.%s not found' % name)
    try:
        return dict(result=lookup.run(list(terms), variables={}, **options))
    except AnsibleError as exc:
        return dict(failed=True, msg=str(exc))
    except Exception as exc:  # pylint: disable=broad-except
        raise Traceback('lookup %s raised %s: %s' % (name, type(exc).__name__, exc))


# ---------------------------------------------------------------- ansible-playbook

def ansible_playbook(workdir, playbook, args=(), env=None, timeout=600):
    """Run the dev venv's ansible-playbook on a playbook text; (returncode, stdout, stderr, seconds)."""
    path = os.path.join(workdir, 'playbook.yml')
    with open(path, 'w') as handle:
        handle.write(playbook)
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    full_env = dict(os.environ)
    full_env.update({
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_ROOT,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp'),
        'ANSIBLE_HOME': os.path.join(workdir, 'ansible-home'),
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
        'PYTHONDONTWRITEBYTECODE': '1',
        'ANSIBLE_PIPELINING': '1',
    })
    for name in ('CIRCLECI_TOKEN', 'CIRCLE_TOKEN', 'CIRCLECI_API_URL'):
        full_env.pop(name, None)
    full_env.update(env or {})
    start = time.monotonic()
    proc = subprocess.run([binary, path] + list(args), cwd=workdir, env=full_env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


# ---------------------------------------------------------------- keys

def private_key(passphrase=None):
    """A fresh Ed25519 private key in OpenSSH format, or with a passphrase as encrypted PKCS#8 PEM
    (OpenSSH's own encryption needs bcrypt, which the dev venv does not have)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate()
    if passphrase:
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.BestAvailableEncryption(passphrase.encode())).decode()
    else:
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                    serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return private, public
