# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a ciops.circleci lookup in-process, as Ansible loads it, with mocked HTTP (responses).

Ansible's collection finder, which ``lookup_loader`` needs, is installed by ansible-test, or under
plain pytest by tests/unit/conftest.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from ansible.plugins.loader import lookup_loader

API = 'https://circleci.example/api/v1.1'
TOKEN = 'unit-test-token-0123456789'


@pytest.fixture
def api():
    """responses.RequestsMock; asserts every mocked call was used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def run_lookup(monkeypatch):
    """run_lookup(name, terms, variables=None, **kwargs) -> the lookup's list, as query() gets it.

    The connection defaults to the unit-test API and token with no retries; pass
    api_token=None to leave the token out (then only the environment can give it).
    """
    for name in ('CIRCLECI_TOKEN', 'CIRCLE_TOKEN', 'CIRCLECI_API_URL'):
        monkeypatch.delenv(name, raising=False)

    def run(name, terms, variables=None, **kwargs):
        full = dict(api_url=API, api_token=TOKEN, retries=0)
        full.update(kwargs)
        full = {k: v for k, v in full.items() if v is not None}
        lookup = lookup_loader.get('ciops.circleci.%s' % name)
        assert lookup is not None, 'lookup ciops.circleci.%s not found' % name
        return lookup.run(terms, variables=variables or {}, **full)

    return run


class KeepAliveServer(ThreadingHTTPServer):
    """A real HTTP/1.1 keep-alive server on loopback that counts TCP connections and requests.

    route(path, query) -> (status, payload) answers each GET; `delay` seconds are slept per
    request, so that concurrent reads overlap and in-flight requests can be counted.
    """

    daemon_threads = True

    def __init__(self, route, delay=0.0):
        self.route = route
        self.delay = delay
        self.connections = 0
        self.requests = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, ('127.0.0.1', 0), _Handler)

    def get_request(self):
        conn = ThreadingHTTPServer.get_request(self)
        with self.lock:
            self.connections += 1
        return conn

    @property
    def base(self):
        return 'http://127.0.0.1:%d/api/v1.1' % self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        parts = urlsplit(self.path)
        path = parts.path[len('/api/v1.1'):]
        query = dict(parse_qsl(parts.query))
        with server.lock:
            server.requests.append((path, query, self.headers.get('Circle-Token')))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            if server.delay:
                time.sleep(server.delay)
            status, payload = server.route(path, query)
        finally:
            with server.lock:
                server.in_flight -= 1
        body = json.dumps(payload).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@pytest.fixture
def keepalive_server():
    """keepalive_server(route, delay=0.0) -> a started KeepAliveServer (stopped after the test)."""
    servers = []

    def start(route, delay=0.0):
        server = KeepAliveServer(route, delay)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
