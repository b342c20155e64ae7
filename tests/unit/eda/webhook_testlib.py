# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the ciops.circleci.webhook event source tests: load the source the way
ansible-rulebook does (by its file path), run its real main() on a free loopback port, sign
bodies as CircleCI does, and build payloads shaped like CircleCI's."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hashlib
import hmac
import importlib.util
import json
import os
import socket
import ssl
import sys

SOURCE_PATH = os.path.normpath(os.path.join(
    os.path.dirname(__file__), '..', '..', '..', 'extensions', 'eda', 'plugins', 'event_source', 'webhook.py'))
SECRET = 'unit-test-signing-secret-5f2a'
OTHER_SECRET = 'the-next-signing-secret-91c4'
OMIT = object()  # running(source, signing_secrets=OMIT) leaves the option out


def load_source():
    """The source loaded from its file, not imported as part of a package.

    ansible-rulebook loads it with runpy.run_path(); under pytest that cannot work, because the
    collection finder that tests/unit/conftest.py installs claims every path inside
    ansible_collections/ as a package importer, and run_path then looks for a __main__ module
    "inside" webhook.py. importlib's file loader does not consult path hooks. (test_webhook_docs
    runs run_path itself in a clean interpreter.)
    """
    name = 'ciops_circleci_eda_webhook_under_test'
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SOURCE_PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # as run_path does while the file runs (its dataclass needs it)
        spec.loader.exec_module(module)
    return sys.modules[name]


def sign(body, secret=SECRET):
    """The circleci-signature header CircleCI sends: v1=<hex HMAC-SHA256 of the raw body>."""
    if isinstance(body, str):
        body = body.encode('utf-8')
    return 'v1=' + hmac.new(secret.encode('utf-8'), body, hashlib.sha256).hexdigest()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Listener:
    """A running source: its URL, its queue and its task."""

    def __init__(self, url, port, queue, task):
        self.url = url
        self.port = port
        self.queue = queue
        self.task = task

    def drain(self):
        """Every event on the queue, taken off it."""
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events


async def _wait_listening(port, task, deadline=10.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while True:
        if task.done():
            task.result()  # raises what main() raised
            raise AssertionError('main() returned before listening')
        try:
            _reader, writer = await asyncio.open_connection('127.0.0.1', port)
        except OSError:
            if loop.time() > end:
                raise
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return


@contextlib.asynccontextmanager
async def running(source, maxsize=100, scheme='http', **args):
    """Run source.main() on a free loopback port with SECRET unless told otherwise; cancel it after."""
    port = int(args['port']) if args.get('port', OMIT) is not OMIT else free_port()
    full = {'host': '127.0.0.1', 'signing_secrets': [SECRET]}
    full.update(args)
    full['port'] = args.get('port', port)
    full = {key: value for key, value in full.items() if value is not OMIT}
    queue = asyncio.Queue(maxsize)
    task = asyncio.create_task(source.main(queue, full))
    try:
        await _wait_listening(port, task)
        yield Listener('%s://127.0.0.1:%d/circleci' % (scheme, port), port, queue, task)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def start(source, args, within=5.0):
    """Run source.main(queue, args) on 127.0.0.1 and a free port unless args say otherwise, for at most
    `within` seconds: a start that should fail but listens instead fails the test rather than hanging it."""
    full = dict({'host': '127.0.0.1', 'port': free_port()}, **args)
    await asyncio.wait_for(source.main(asyncio.Queue(), full), within)


async def raw_request(port, head, body=b'', read_timeout=5.0):
    """Send bytes over a plain socket (head + body as given) and return (status, response bytes)."""
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    try:
        writer.write(head + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(65536), read_timeout)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return int(data.split(b' ', 2)[1]), data


def payload_bytes(payload):
    return json.dumps(payload, separators=(',', ':')).encode('utf-8')


def workflow_payload(delivery_id='4a39ab1e-8f3b-4d2c-9c5e-0a1b2c3d4e5f', status='success',
                     name='build-and-deploy', branch='release/2.4', slug='github/acme/app'):
    """A workflow-completed delivery of a GitHub OAuth project (pipeline.vcs), as CircleCI sends it."""
    return {
        'id': delivery_id,
        'type': 'workflow-completed',
        'happened_at': '2026-12-01T10:15:30.123Z',
        'webhook': {'id': 'a0e3b2c1-0000-4000-8000-00000000a001', 'name': 'eda'},
        'project': {'id': 'b1f4c3d2-0000-4000-8000-00000000b002', 'name': 'app', 'slug': slug},
        'organization': {'id': 'c2a5d4e3-0000-4000-8000-00000000c003', 'name': 'acme'},
        'pipeline': {
            'id': 'd3b6e5f4-0000-4000-8000-00000000d004',
            'number': 1342,
            'created_at': '2026-12-01T10:01:02.000Z',
            'trigger': {'type': 'webhook'},
            'vcs': {
                'provider_name': 'github',
                'origin_repository_url': 'https://github.com/acme/app',
                'target_repository_url': 'https://github.com/acme/app',
                'revision': '1f2e3d4c5b6a79880f1e2d3c4b5a69788f9e0d1c',
                'commit': {'subject': 'Release 2.4', 'body': '', 'author': {'name': 'Ada', 'email': 'ada@example.com'},
                           'authored_at': '2026-12-01T09:59:00Z', 'committer': {'name': 'Ada', 'email': 'ada@example.com'},
                           'committed_at': '2026-12-01T09:59:00Z'},
                'branch': branch,
            },
        },
        'workflow': {
            'id': 'e4c7f6a5-0000-4000-8000-00000000e005',
            'name': name,
            'status': status,
            'created_at': '2026-12-01T10:01:03.000Z',
            'stopped_at': '2026-12-01T10:15:29.000Z',
            'url': 'https://app.circleci.com/pipelines/github/acme/app/1342/workflows/e4c7f6a5-0000-4000-8000-00000000e005',
        },
    }


def job_payload_github_app(delivery_id='5b4abc2f-9a4c-4e3d-8d6f-1b2c3d4e5f60'):
    """A job-completed delivery of a GitHub App project: circleci/ slug, trigger_parameters, no vcs,
    no workflow status (and event_time in Go's time format, as recorded)."""
    slug = 'circleci/8e2c1f55-1b64-4bb3-9d1e-2f6d0f8a7c31/6d3f8a20-5c41-4b8e-a1e2-7c9b0d4e3f12'
    return {
        'id': delivery_id,
        'type': 'job-completed',
        'happened_at': '2026-12-01T11:00:00.000Z',
        'webhook': {'id': 'a0e3b2c1-0000-4000-8000-00000000a001', 'name': 'eda'},
        'project': {'id': '6d3f8a20-5c41-4b8e-a1e2-7c9b0d4e3f12', 'name': 'app', 'slug': slug},
        'organization': {'id': '8e2c1f55-1b64-4bb3-9d1e-2f6d0f8a7c31', 'name': 'acme'},
        'pipeline': {
            'id': 'f5d8a7b6-0000-4000-8000-00000000f006',
            'number': 77,
            'created_at': '2026-12-01T10:50:00.000Z',
            'trigger': {'type': 'github_app'},
            'trigger_parameters': {
                'circleci': {'event_type': 'push', 'trigger_type': 'github_app',
                             'event_time': '2024-12-18 17:23:29.36 +0000 UTC', 'actor_id': 'x'},
                'git': {'branch': 'main', 'tag': '', 'ref': 'refs/heads/main',
                        'checkout_sha': '0a9b8c7d6e5f40312a3b4c5d6e7f8091a2b3c4d5',
                        'checkout_url': 'https://github.com/acme/app.git'},
                'github_app': {'repo_name': 'app'},
            },
        },
        'workflow': {'id': '06e9b8c7-0000-4000-8000-000000000007', 'name': 'test',
                     'created_at': '2026-12-01T10:50:01.000Z', 'stopped_at': None,
                     'url': 'https://app.circleci.com/pipelines/circleci/x/y/77/workflows/06e9b8c7'},
        'job': {'id': '17fac9d8-0000-4000-8000-000000000008', 'number': 311, 'name': 'unit',
                'status': 'failed', 'started_at': '2026-12-01T10:51:00.000Z',
                'stopped_at': '2026-12-01T10:59:59.000Z'},
    }


def ping_payload(delivery_id='6c5bcd30-ab5d-4f4e-9e70-2c3d4e5f6071'):
    """The web app's test ping: type, id, happened_at and webhook only."""
    return {'id': delivery_id, 'type': 'ping', 'happened_at': '2026-12-01T12:00:00.000Z',
            'webhook': {'id': 'a0e3b2c1-0000-4000-8000-00000000a001', 'name': 'eda'}}


def self_signed_cert(directory, password=None):
    """A self-signed certificate for 127.0.0.1 (certfile, keyfile) written into directory."""
    # pylint: disable=import-outside-toplevel
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'eda-listener.test')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    certfile = os.path.join(directory, 'listener.crt')
    keyfile = os.path.join(directory, 'listener.key')
    encryption = (serialization.BestAvailableEncryption(password.encode('utf-8')) if password
                  else serialization.NoEncryption())
    with open(certfile, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(keyfile, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return certfile, keyfile


def client_ssl_context(certfile):
    context = ssl.create_default_context(cafile=certfile)
    return context
