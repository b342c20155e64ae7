# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator as a subprocess on a free loopback port, for the test suites and the benchmarks.

    sim = SimulatorProcess('--build-seconds', '0.3', token='sim-token', date='2026-12-01')
    sim.root       # http://127.0.0.1:PORT (api_url)
    sim.v1_url     # http://127.0.0.1:PORT/api/v1.1 (its first line on stdout)
    sim.requests() # the request log; reset(), clear_requests(), fault(...), state(), control(...)
    sim.api('GET', '/me', api='v1.1')  # a call with the token, for setting a scene
    sim.stop()

Standard library only, so that whatever imports it (pytest in the dev venv, a benchmark run by
any Python) needs nothing else: put tests/simulator on sys.path and ``from simprocess import ...``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import urllib.request

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'server.py')
TOKEN = 'sim-token'
# Before the v1.1 sunset (2027-02-01), whatever today's date: the date hack/with-simulator.sh uses.
DATE = '2026-12-01'


def http(method, url, body=None, timeout=30, headers=None):
    """One JSON request on loopback; the decoded answer, or None for an empty body."""
    data = json.dumps(body).encode('utf-8') if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # nosec - loopback only
        text = resp.read().decode('utf-8')
    return json.loads(text) if text.strip() else None


class SimulatorClient(object):
    """The control API of a running simulator (``/_sim/...``) and API calls with its token."""

    def __init__(self, root, token=TOKEN):
        self.root = root.rstrip('/')
        self.token = token

    def control(self, method, path, body=None):
        """A call to the control API, e.g. control('POST', '/reset')."""
        return http(method, self.root + '/_sim' + path, body)

    def reset(self):
        self.control('POST', '/reset')

    def requests(self):
        return self.control('GET', '/requests')

    def clear_requests(self):
        self.control('DELETE', '/requests')

    def fault(self, **fault):
        return self.control('POST', '/faults', fault)

    def state(self):
        return self.control('GET', '/state')

    def api(self, method, path, body=None, api='v2'):
        """A call to the API with the token (to set a scene; it is in the request log like any other)."""
        return http(method, self.root + '/api/' + api + path, body,
                    headers={'Circle-Token': self.token, 'Accept': 'application/json'})


class SimulatorProcess(SimulatorClient):
    """tests/simulator/server.py --port 0 in a subprocess of ``python`` (default: this one)."""

    def __init__(self, *extra, **options):
        token = options.get('token', TOKEN)
        date = options.get('date', DATE)
        args = [options.get('python') or sys.executable, SERVER, '--port', '0', '--token', token]
        if date:
            args += ['--date', date]
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            args + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('http://'):
            self.proc.kill()
            error = self.proc.stderr.read()
            self._close_streams()
            raise RuntimeError('the simulator did not start: %r %s' % (line, error))
        self.v1_url = line
        super(SimulatorProcess, self).__init__(line.split('/api/', 1)[0], token)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._close_streams()

    def _close_streams(self):
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
