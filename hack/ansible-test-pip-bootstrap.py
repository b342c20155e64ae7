"""Seed ansible-test's pip bootstrap cache so that it never needs its download host.

Every ansible-test ``--venv`` environment (and every sanity test venv) starts
empty and is bootstrapped by a ``get-pip`` script that ansible-test downloads
from a CI file host that this project's machines cannot reach.  ansible-test
first looks for a cached copy at ``~/.ansible/test/cache/get_pip_<X_Y>.py``.
We place there a small script that does the same job with what every CPython
ships (``ensurepip``) plus PyPI (``pip install pip==<version>``).

The pip version is read from the ansible-test installed next to the Python
that runs this script (its ``get_venv_packages()``), never hard-coded, so a
bump of ansible-core keeps working.  Run it with the venv's python:

    .venv/bin/python hack/ansible-test-pip-bootstrap.py
"""

from __future__ import annotations

import os
import re
import sys
import types

# What ansible-test runs (via runpy, as __main__) with the argv
# ``[script, '--disable-pip-version-check', 'pip==X.Y', '--no-setuptools', '--no-wheel']``
# and with sys.executable being the fresh venv's python.
BOOTSTRAP_TEMPLATE = '''\
"""pip bootstrap for ansible-test, written by hack/ansible-test-pip-bootstrap.py (pip {pip_version}).

Stands in for get-pip.py: ensurepip from the standard library, then pip
installs the exact packages ansible-test asked for from the package index.
"""
import subprocess
import sys

DROP = {{"--no-setuptools", "--no-wheel", "--no-index"}}

args = [arg for arg in sys.argv[1:] if arg not in DROP]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"],
                      stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + args)
'''


def pip_version() -> str:
    """Return the pip version ansible-test bootstraps for this Python."""
    version = '%d.%d' % sys.version_info[:2]
    try:
        from ansible_test._internal.python_requirements import get_venv_packages
    except ImportError:
        get_venv_packages = None
    if get_venv_packages is not None:
        return get_venv_packages(types.SimpleNamespace(version=version))['pip']
    # Fallback for layouts where the import has side effects or moved: read the literal.
    import ansible_test

    source_path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source_path, encoding='utf-8') as source:
        match = re.search(r"default_packages = dict\(\s*pip='([^']+)'", source.read())
    if not match:
        raise SystemExit('cannot find the pip version in %s' % source_path)
    return match.group(1)


def main() -> int:
    version = pip_version()
    cache_dir = os.path.expanduser('~/.ansible/test/cache')
    path = os.path.join(cache_dir, 'get_pip_%s.py' % version.replace('.', '_'))
    content = BOOTSTRAP_TEMPLATE.format(pip_version=version)
    os.makedirs(cache_dir, exist_ok=True)
    try:
        with open(path, encoding='utf-8') as current:
            if current.read() == content:
                print('ansible-test pip %s bootstrap: %s (up to date)' % (version, path))
                return 0
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as out:
        out.write(content)
    os.replace(tmp, path)
    print('ansible-test pip %s bootstrap: wrote %s' % (version, path))
    return 0


if __name__ == '__main__':
    sys.exit(main())
