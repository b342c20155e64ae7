# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every benchmark needs: the simulator (make bench's, or one of its own) and the collection path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read().decode()
    return json.loads(text) if text.strip() else None


class Simulator(object):
    """The simulator of `make bench`, or one of our own when run standalone."""

    def __init__(self):
        self.proc = None
        # The v1.1 root: the benchmarks' uri baselines address it directly (api_url accepts it too).
        self.url = os.environ.get('CIRCLECI_SIM_V1_URL') or os.environ.get('CIRCLECI_API_URL')
        self.token = os.environ.get('CIRCLECI_TOKEN', 'sim-token')
        self.root = os.environ.get('CIRCLECI_SIM_ROOT')
        if not self.url:
            self.token = 'sim-token'
            self.proc = subprocess.Popen(
                [sys.executable, os.path.join(ROOT, 'tests', 'simulator', 'server.py'), '--port', '0',
                 '--token', self.token],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
            self.url = self.proc.stdout.readline().strip()
            if not self.url:
                raise SystemExit('the simulator did not start')
        if not self.root:
            self.root = self.url.split('/api/')[0]

    def control(self, method, path, body=None):
        """A call to the simulator's control API, e.g. control('POST', '/reset')."""
        return http(method, self.root + '/_sim' + path, body)

    def reset(self):
        self.control('POST', '/reset')

    def requests(self):
        return self.control('GET', '/requests')

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH as given, or a copy of this checkout as ciops.circleci."""
    given = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    if given:
        return given
    dest = os.path.join(workdir, 'collections', 'ansible_collections', 'ciops', 'circleci')
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        '.git', '.venv*', 'build', 'output', '__pycache__', '.pytest_cache', '.ansible'))
    return os.path.join(workdir, 'collections')
