# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What docs/server-and-proxies.md says about proxies and CA bundles, shown over real sockets.

A tiny forward proxy (absolute-form requests for http://, CONNECT tunnels for https://) and a tiny
CircleCI stand-in run on the loopback interface. The API host the modules are pointed at,
circleci.proxied.invalid, cannot be resolved: a request reaches CircleCI only through the proxy,
which maps that name to the stand-in. Modules run in-process (the unit tests' harness) and, once,
under ansible-playbook, to show that the ``environment:`` keyword reaches modules but not lookups.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import http.client
import ipaddress
import json
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import textwrap
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from ansible_collections.ciops.circleci.plugins.modules import circleci_envvar

from ..plugins.modules.harness import patch_ansible_module, run_main

TOKEN = 'proxy-test-token-5b1d9e0c'
HIDDEN_HOST = 'circleci.proxied.invalid'   # .invalid never resolves (RFC 2606)
ENVVAR_PATH = '/api/v1.1/project/github/acme/app/envvar'
PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy',
                   'no_proxy', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR')


# ---------------------------------------------------------------- a CircleCI stand-in

class _Backend(BaseHTTPRequestHandler):
    """Answers every GET with an empty JSON list (an empty variable list, an empty build list)."""

    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        self.server.seen.append({'path': self.path, 'host': self.headers.get('Host'),
                                 'token': self.headers.get('Circle-Token')})
        body = b'[]'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler, tls=None):
        ThreadingHTTPServer.__init__(self, ('127.0.0.1', 0), handler)
        self.seen = []
        self.tls = tls
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def get_request(self):
        sock, address = ThreadingHTTPServer.get_request(self)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, address

    @property
    def port(self):
        return self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


# ---------------------------------------------------------------- a forward proxy

class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that sends every host to one backend address (server.target)."""

    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        self.server.seen.append({'method': 'GET', 'target': self.path, 'token': self.headers.get('Circle-Token')})
        parts = urlsplit(self.path)
        upstream = http.client.HTTPConnection(*self.server.target, timeout=10)
        headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in ('proxy-connection', 'connection'))
        upstream.request('GET', parts.path + ('?' + parts.query if parts.query else ''), headers=headers)
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        self.send_response(answer.status)
        self.send_header('Content-Type', answer.getheader('Content-Type') or 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):  # pylint: disable=invalid-name
        self.server.seen.append({'method': 'CONNECT', 'target': self.path, 'token': self.headers.get('Circle-Token')})
        upstream = socket.create_connection(self.server.target, timeout=10)
        self.send_response(200, 'Connection established')
        self.end_headers()
        self.wfile.flush()
        client = self.connection
        sockets = [client, upstream]
        try:
            while True:
                readable = select.select(sockets, [], [], 10)[0]
                if not readable:
                    break
                done = False
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        done = True
                        break
                    if sock is client:
                        self.server.tunnelled += data
                        upstream.sendall(data)
                    else:
                        client.sendall(data)
                if done:
                    break
        finally:
            upstream.close()
        self.close_connection = True


def _proxy(target_port):
    server = _Server(_Proxy)
    server.target = ('127.0.0.1', target_port)
    server.tunnelled = b''
    return server


# ---------------------------------------------------------------- a certificate of its own

def _certificate(directory):
    """A self-signed certificate for localhost, 127.0.0.1 and HIDDEN_HOST: (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'ciops test CA')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName('localhost'), x509.DNSName(HIDDEN_HOST),
                x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file = os.path.join(directory, 'ca.pem')
    key_file = os.path.join(directory, 'key.pem')
    with open(cert_file, 'wb') as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls(tmp_path):
    cert_file, key_file = _certificate(str(tmp_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


# ---------------------------------------------------------------- running a module

@pytest.fixture
def clean_env(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def run_envvar(monkeypatch):
    """circleci_envvar in check mode (one GET of the project's variables) against api_url."""
    patch_ansible_module(monkeypatch)

    def run(api_url, **extra):
        args = dict(api_url=api_url, api_token=TOKEN, retries=0, timeout=10, project_slug='gh/acme/app',
                    name='DEPLOY_ENV', value='production', _ansible_check_mode=True)
        args.update(extra)
        return run_main(circleci_envvar, args)

    return run


def test_http_proxy_carries_the_request(clean_env, run_envvar):
    with _Server(_Backend) as backend, _proxy(backend.port) as proxy:
        url = 'http://%s:%d' % (HIDDEN_HOST, backend.port)
        # Without a proxy the host cannot even be resolved.
        direct = run_envvar(url)
        assert direct['failed'] and direct['msg'].startswith('Could not reach CircleCI for GET %s' % '/project/')
        assert proxy.seen == [] and backend.seen == []

        clean_env.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % proxy.port)
        result = run_envvar(url)
        assert not result.get('failed'), result['msg']
        assert result['changed'] is True
        assert [(s['method'], s['target']) for s in proxy.seen] == [('GET', url + ENVVAR_PATH)]
        # Plain HTTP: the proxy sees the token. That is why api_url should be https.
        assert proxy.seen[0]['token'] == TOKEN
        assert [s['path'] for s in backend.seen] == [ENVVAR_PATH]


def test_no_proxy_bypasses_the_proxy(clean_env, run_envvar):
    with _Server(_Backend) as backend, _proxy(backend.port) as proxy:
        url = 'http://127.0.0.1:%d' % backend.port
        clean_env.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % proxy.port)
        through = run_envvar(url)
        assert not through.get('failed'), through['msg']
        assert len(proxy.seen) == 1 and len(backend.seen) == 1

        clean_env.setenv('NO_PROXY', 'localhost,127.0.0.1')
        bypass = run_envvar(url)
        assert not bypass.get('failed'), bypass['msg']
        assert len(proxy.seen) == 1, 'NO_PROXY did not bypass the proxy: %r' % proxy.seen
        assert len(backend.seen) == 2


def test_lower_case_proxy_variables_work_too(clean_env, run_envvar):
    with _Server(_Backend) as backend, _proxy(backend.port) as proxy:
        clean_env.setenv('http_proxy', 'http://127.0.0.1:%d' % proxy.port)
        result = run_envvar('http://%s:%d' % (HIDDEN_HOST, backend.port))
        assert not result.get('failed'), result['msg']
        assert len(proxy.seen) == 1


def test_https_proxy_tunnels_and_hides_the_token(clean_env, run_envvar, tls):
    cert_file, context = tls
    with _Server(_Backend, tls=context) as backend, _proxy(backend.port) as proxy:
        url = 'https://%s:%d' % (HIDDEN_HOST, backend.port)
        clean_env.setenv('HTTPS_PROXY', 'http://127.0.0.1:%d' % proxy.port)
        clean_env.setenv('REQUESTS_CA_BUNDLE', cert_file)
        result = run_envvar(url)
        assert not result.get('failed'), result['msg']
        assert [(s['method'], s['target']) for s in proxy.seen] == [('CONNECT', '%s:%d' % (HIDDEN_HOST, backend.port))]
        assert proxy.seen[0]['token'] is None
        assert proxy.tunnelled and TOKEN.encode('ascii') not in proxy.tunnelled
        assert backend.seen[0]['token'] == TOKEN and backend.seen[0]['path'] == ENVVAR_PATH

        # HTTP_PROXY alone is not used for an https:// api_url.
        clean_env.delenv('HTTPS_PROXY')
        clean_env.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % proxy.port)
        alone = run_envvar(url)
        assert alone['failed'] and 'Could not reach CircleCI' in alone['msg']
        assert len(proxy.seen) == 1


def test_ca_bundles(clean_env, run_envvar, tls):
    cert_file, context = tls
    with _Server(_Backend, tls=context) as backend:
        url = 'https://localhost:%d' % backend.port
        unknown = run_envvar(url)
        assert unknown['failed']
        assert unknown['msg'] == 'Could not reach CircleCI for GET /project/github/acme/app/envvar at %s: ' \
                                 'certificate verify failed' % url
        # Python's own variable is not read: requests takes its CAs from certifi.
        clean_env.setenv('SSL_CERT_FILE', cert_file)
        assert run_envvar(url)['failed']
        clean_env.delenv('SSL_CERT_FILE')

        for variable in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
            clean_env.setenv(variable, cert_file)
            result = run_envvar(url)
            assert not result.get('failed'), '%s: %s' % (variable, result['msg'])
            clean_env.delenv(variable)

        unchecked = run_envvar(url, validate_certs=False)
        assert not unchecked.get('failed'), unchecked['msg']
        assert len(backend.seen) == 3


def _collections_path():
    """The directory that holds ansible_collections/ciops/circleci (this file is 6 levels below it)."""
    path = os.path.abspath(__file__)
    for dummy in range(7):
        path = os.path.dirname(path)
    return path


def test_environment_keyword_reaches_modules_not_lookups(clean_env, tmp_path):
    """Under ansible-playbook: a task's environment: proxies its module; a lookup runs in the controller
    and reads the proxy from the environment ansible-playbook was started with."""
    playbook = shutil.which('ansible-playbook', path=os.path.dirname(sys.executable)) or shutil.which('ansible-playbook')
    if not playbook:
        pytest.skip('ansible-playbook is not installed next to this Python')
    with _Server(_Backend) as backend, _proxy(backend.port) as proxy:
        url = 'http://%s:%d' % (HIDDEN_HOST, backend.port)
        proxy_url = 'http://127.0.0.1:%d' % proxy.port
        (tmp_path / 'play.yml').write_text(textwrap.dedent('''\
            - hosts: localhost
              connection: local
              gather_facts: false
              vars:
                ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
              tasks:
                - name: A module with the proxy in environment
                  ciops.circleci.circleci_envvar:
                    api_url: {url}
                    api_token: {token}
                    project_slug: gh/acme/app
                    name: DEPLOY_ENV
                    value: production
                    retries: 0
                  environment:
                    HTTP_PROXY: {proxy}
                  check_mode: true

                - name: A lookup with the proxy in environment
                  ansible.builtin.debug:
                    msg: "{{{{ query('ciops.circleci.circleci_builds', 'acme/app', api_url='{url}', api_token='{token}',
                                    retries=0, limit=1) }}}}"
                  environment:
                    HTTP_PROXY: {proxy}
                  register: lookup_in_task_env
                  ignore_errors: true

                - name: The lookup must have failed to reach the hidden host
                  ansible.builtin.assert:
                    that: lookup_in_task_env is failed
            ''').format(url=url, token=TOKEN, proxy=proxy_url))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=_collections_path(), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
        proc = subprocess.run([playbook, '-i', 'localhost,', str(tmp_path / 'play.yml')], cwd=str(tmp_path), env=env,
                              capture_output=True, universal_newlines=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert 'Could not reach CircleCI' in proc.stdout
        assert [s['method'] for s in proxy.seen] == ['GET'], proxy.seen
        assert proxy.seen[0]['target'] == url + ENVVAR_PATH

        # Started with the proxy in its own environment, the controller's lookup goes through it.
        env['HTTP_PROXY'] = proxy_url
        (tmp_path / 'lookup.yml').write_text(textwrap.dedent('''\
            - hosts: localhost
              connection: local
              gather_facts: false
              tasks:
                - name: A lookup with the proxy in the controller's environment
                  ansible.builtin.debug:
                    msg: "{{{{ query('ciops.circleci.circleci_builds', 'acme/app', api_url='{url}', api_token='{token}',
                                    retries=0, limit=1) | length }}}} builds"
            ''').format(url=url, token=TOKEN))
        proc = subprocess.run([playbook, '-i', 'localhost,', str(tmp_path / 'lookup.yml')], cwd=str(tmp_path), env=env,
                              capture_output=True, universal_newlines=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert '0 builds' in proc.stdout
        assert [s['method'] for s in proxy.seen] == ['GET', 'GET'], proxy.seen
        assert proxy.seen[1]['target'].startswith(url + '/api/v1.1/project/github/acme/app?')
        assert json.dumps(proxy.seen).count(TOKEN) == 2
