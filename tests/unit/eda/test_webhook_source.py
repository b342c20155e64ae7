# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ciops.circleci.webhook event source: its real main() on a loopback port, posted to over
HTTP(S) with aiohttp, as CircleCI would; what reaches ansible-rulebook's queue and what CircleCI
is answered."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time

import aiohttp
import pytest

from .webhook_testlib import (
    OMIT, OTHER_SECRET, SECRET, client_ssl_context, free_port, job_payload_github_app, load_source, payload_bytes,
    ping_payload, raw_request, running, self_signed_cert, sign, start, workflow_payload)

pytestmark = pytest.mark.asyncio

SOURCE = load_source()


async def post(session, url, body, headers=None, secret=SECRET, **kwargs):
    """POST body (bytes or a payload dict) signed with secret (None: no signature) -> (status, JSON answer)."""
    if isinstance(body, dict):
        body = payload_bytes(body)
    sent = {'content-type': 'application/json', 'user-agent': 'CircleCI-Webhook/1.0'}
    if secret is not None:
        sent['circleci-signature'] = sign(body, secret)
    sent.update(headers or {})
    async with session.post(url, data=body, headers=sent, **kwargs) as response:
        text = await response.text()
        return response.status, (json.loads(text) if text.startswith('{') else text)


# ------------------------------------------------------------------ accepted deliveries, the event

async def test_a_verified_workflow_delivery_is_queued_with_its_summary():
    payload = workflow_payload()
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, answer = await post(session, hook.url, payload, headers={'circleci-event-type': 'workflow-completed'})
        events = hook.drain()
    assert (status, answer) == (202, {'result': 'queued', 'id': payload['id']})
    assert len(events) == 1
    event = events[0]
    assert event['payload'] == payload
    assert event['circleci'] == {
        'event_type': 'workflow-completed',
        'delivery_id': payload['id'],
        'happened_at': '2026-12-01T10:15:30.123Z',
        'webhook_name': 'eda',
        'organization_name': 'acme',
        'project_slug': 'gh/acme/app',
        'project_slug_long': 'github/acme/app',
        'project_name': 'app',
        'pipeline_id': 'd3b6e5f4-0000-4000-8000-00000000d004',
        'pipeline_number': 1342,
        'branch': 'release/2.4',
        'tag': None,
        'revision': '1f2e3d4c5b6a79880f1e2d3c4b5a69788f9e0d1c',
        'workflow_id': 'e4c7f6a5-0000-4000-8000-00000000e005',
        'workflow_name': 'build-and-deploy',
        'workflow_status': 'success',
        'workflow_url': payload['workflow']['url'],
        'job_name': None,
        'job_number': None,
        'job_status': None,
    }
    headers = event['meta']['headers']
    assert headers['circleci-event-type'] == 'workflow-completed'
    assert headers['user-agent'] == 'CircleCI-Webhook/1.0'
    assert 'circleci-signature' not in headers
    assert set(event) == {'payload', 'circleci', 'meta'}


async def test_a_github_app_job_delivery_takes_branch_and_revision_from_trigger_parameters():
    payload = job_payload_github_app()
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, _answer = await post(session, hook.url, payload)
        (event,) = hook.drain()
    assert status == 202
    summary = event['circleci']
    assert summary['event_type'] == 'job-completed'
    # circleci/ slugs are the same in both forms.
    assert summary['project_slug'] == summary['project_slug_long'] == payload['project']['slug']
    assert (summary['branch'], summary['tag'], summary['revision']) == (
        'main', None, '0a9b8c7d6e5f40312a3b4c5d6e7f8091a2b3c4d5')
    assert (summary['job_name'], summary['job_number'], summary['job_status']) == ('unit', 311, 'failed')
    assert summary['workflow_name'] == 'test' and summary['workflow_status'] is None
    assert summary['pipeline_id'] == 'f5d8a7b6-0000-4000-8000-00000000f006'


async def test_a_tag_build_of_a_bitbucket_project():
    payload = workflow_payload(slug='bitbucket/acme/lib')
    del payload['pipeline']['vcs']['branch']
    payload['pipeline']['vcs']['tag'] = 'v2.4.0'
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, payload))[0] == 202
        (event,) = hook.drain()
    assert (event['circleci']['project_slug'], event['circleci']['branch'], event['circleci']['tag']) == (
        'bb/acme/lib', None, 'v2.4.0')


async def test_the_signed_payload_type_wins_over_the_unsigned_header():
    # The circleci-event-type header is not covered by the signature; the body's type is.
    async with running(SOURCE, events=['workflow-completed']) as hook, aiohttp.ClientSession() as session:
        status, answer = await post(session, hook.url, job_payload_github_app(),
                                    headers={'circleci-event-type': 'workflow-completed'})
        assert (status, answer['result']) == (200, 'ignored')
        payload = workflow_payload()
        del payload['type']
        status, _answer = await post(session, hook.url, payload, headers={'circleci-event-type': 'workflow-completed'})
        (event,) = hook.drain()
    assert status == 202 and event['circleci']['event_type'] == 'workflow-completed'


# ------------------------------------------------------------------ signatures

async def test_the_documented_signature_vectors_verify():
    # The vectors' bodies are not JSON: a verified one gets past the signature (401) to the body check (400).
    vectors = [('hello world', 'secret', '734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a'),
               ('an-important-request-payload', 'hunter123',
                '9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa')]
    async with running(SOURCE, signing_secrets=['secret', 'hunter123']) as hook, aiohttp.ClientSession() as session:
        for body, _secret, digest in vectors:
            good = await post(session, hook.url, body.encode(), secret=None, headers={'circleci-signature': 'v1=' + digest})
            flipped = digest[:-1] + ('0' if digest[-1] != '0' else '1')
            bad = await post(session, hook.url, body.encode(), secret=None, headers={'circleci-signature': 'v1=' + flipped})
            assert good == (400, {'result': 'body is not JSON'}), body
            assert bad[0] == 401, body
        assert hook.drain() == []


@pytest.mark.parametrize('header, reason', [
    (None, 'no circleci-signature header'),
    ('', 'no v1 signature in the circleci-signature header'),
    ('v2=' + '0' * 64, 'no v1 signature in the circleci-signature header'),
    ('sha256=' + '0' * 64, 'no v1 signature in the circleci-signature header'),
    ('v1=' + '0' * 64, 'the v1 signature does not match the body with any signing secret'),
    ('v1=', 'the v1 signature does not match the body with any signing secret'),
    ('v1=not-hex', 'the v1 signature does not match the body with any signing secret'),
    ('v1=\u00e9' * 3, 'the v1 signature does not match the body with any signing secret'),
])
async def test_a_missing_unknown_version_or_wrong_signature_answers_401_and_queues_nothing(header, reason):
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        headers = {} if header is None else {'circleci-signature': header}
        status, answer = await post(session, hook.url, workflow_payload(), secret=None, headers=headers)
        assert hook.drain() == []
    assert (status, answer) == (401, {'result': reason})


async def test_only_a_v2_signature_is_refused_even_when_it_is_the_right_hmac():
    # No downgrade and no guess: an entry of a version this source does not know is never checked.
    body = payload_bytes(workflow_payload())
    digest = sign(body)[3:]
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, _answer = await post(session, hook.url, body, secret=None, headers={'circleci-signature': 'v2=' + digest})
        assert status == 401
        status, _answer = await post(session, hook.url, body, secret=None,
                                     headers={'circleci-signature': 'v2=%s, v1=%s' % ('f' * 64, digest)})
        assert status == 202
        assert len(hook.drain()) == 1


async def test_a_signature_of_other_bytes_for_the_same_json_is_refused():
    # Verified over the raw body: the same object serialised differently is not the signed body.
    payload = workflow_payload()
    sent = json.dumps(payload, indent=2).encode()
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, _answer = await post(session, hook.url, sent, secret=None,
                                     headers={'circleci-signature': sign(payload_bytes(payload))})
        assert status == 401
        assert (await post(session, hook.url, sent))[0] == 202
        assert len(hook.drain()) == 1


async def test_upper_case_hex_is_the_same_signature():
    # Decision: hex compares without regard to case (the same MAC); a wrong MAC in upper case still fails.
    body = payload_bytes(workflow_payload())
    upper = 'v1=' + sign(body)[3:].upper()
    wrong_upper = 'v1=' + sign(body, OTHER_SECRET)[3:].upper()
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, body, secret=None, headers={'circleci-signature': wrong_upper}))[0] == 401
        assert (await post(session, hook.url, body, secret=None, headers={'circleci-signature': upper}))[0] == 202
        assert len(hook.drain()) == 1


async def test_rotation_both_secrets_verify_and_a_third_does_not():
    async with running(SOURCE, signing_secrets=[OTHER_SECRET, SECRET]) as hook, aiohttp.ClientSession() as session:
        first = await post(session, hook.url, workflow_payload(delivery_id='old-secret'), secret=SECRET)
        second = await post(session, hook.url, workflow_payload(delivery_id='new-secret'), secret=OTHER_SECRET)
        third = await post(session, hook.url, workflow_payload(delivery_id='stranger'), secret='someone-else')
        ids = [event['circleci']['delivery_id'] for event in hook.drain()]
    assert (first[0], second[0], third[0]) == (202, 202, 401)
    assert ids == ['old-secret', 'new-secret']


async def test_a_header_with_two_v1_entries_verifies_when_one_matches():
    body = payload_bytes(workflow_payload())
    header = 'v1=%s,v1=%s' % (sign(body, OTHER_SECRET)[3:], sign(body)[3:])
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, body, secret=None, headers={'circleci-signature': header}))[0] == 202


@pytest.mark.parametrize('secrets, index', [([''], 0), ([SECRET, ''], 1), ([SECRET, '   '], 1), ([SECRET, None], 1),
                                            ([12345], 0)])
async def test_an_empty_or_non_string_secret_is_refused_at_start(secrets, index):
    with pytest.raises(ValueError, match=r'^ciops\.circleci\.webhook: signing_secrets\[%d\] ' % index) as caught:
        await start(SOURCE, {'signing_secrets': secrets})
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize('secrets', [OMIT, [], None])
async def test_no_secret_without_insecure_no_signature_is_refused_at_start(secrets):
    args = {'insecure_no_signature': False}
    if secrets is not OMIT:
        args['signing_secrets'] = secrets
    with pytest.raises(ValueError, match='signing_secrets is empty: .* insecure_no_signature: true'):
        await start(SOURCE, args)


async def test_insecure_no_signature_accepts_unsigned_deliveries_and_warns(caplog):
    caplog.set_level(logging.INFO)
    async with running(SOURCE, signing_secrets=OMIT, insecure_no_signature=True) as hook, \
            aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload(), secret=None))[0] == 202
        assert len(hook.drain()) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any('deliveries are not verified' in message for message in warnings), warnings


async def test_insecure_no_signature_does_not_switch_off_the_secrets_given(caplog):
    caplog.set_level(logging.INFO)
    async with running(SOURCE, insecure_no_signature='true') as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload(), secret=None))[0] == 401
        assert (await post(session, hook.url, workflow_payload()))[0] == 202
    assert any('insecure_no_signature is ignored' in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ bodies, paths, methods

@pytest.mark.parametrize('body, reason', [
    (b'', 'empty body: expected a JSON object'),
    (b'[{"id": "x", "type": "workflow-completed"}]', 'body is JSON list, not an object'),
    (b'"workflow-completed"', 'body is JSON str, not an object'),
    (b'null', 'body is JSON NoneType, not an object'),
    (b'{"id": "caf\xe9"}', 'body is not UTF-8'),
    (b'\xff\xfe{\x00}\x00', 'body is not UTF-8'),
    (b'{"id": "x",', 'body is not JSON'),
    (b'{"id": NaN}', 'body is not JSON'),
    (b'[' * 100000 + b']' * 100000, 'body is not JSON'),
])
async def test_a_signed_body_that_is_not_a_utf8_json_object_answers_400(body, reason):
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, answer = await post(session, hook.url, body)
        assert hook.drain() == []
    assert (status, answer) == (400, {'result': reason})


async def test_an_unsigned_bad_body_answers_401_before_it_is_parsed():
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, b'[1]', secret=None))[0] == 401


async def test_a_10_mb_body_answers_413_at_once():
    body = b'{"id": "' + b'x' * (10 * 1024 * 1024) + b'"}'
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        started = time.monotonic()
        status, answer = await post(session, hook.url, body)
        elapsed = time.monotonic() - started
        assert hook.drain() == []
        # The connection is still usable for the next delivery.
        assert (await post(session, hook.url, workflow_payload()))[0] == 202
    assert (status, answer) == (413, {'result': 'body over 1048576 bytes'})
    assert elapsed < 2.0


async def test_413_is_answered_on_the_declared_length_before_any_body_byte_is_read():
    # Only the headers are sent: an answer proves the body was not waited for.
    async with running(SOURCE, max_body_bytes=1000) as hook:
        head = (b'POST /circleci HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
                b'Content-Length: 10485760\r\ncircleci-signature: v1=00\r\n\r\n')
        status, data = await raw_request(hook.port, head, read_timeout=2.0)
    assert status == 413, data
    assert b'connection: close' in data.lower()


async def test_a_chunked_body_is_refused_once_the_bytes_read_pass_the_limit():
    async with running(SOURCE, max_body_bytes=1000) as hook:
        head = (b'POST /circleci HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
                b'Transfer-Encoding: chunked\r\n\r\n')
        chunk = b'x' * 1200
        # One chunk over the limit, and the terminating chunk is never sent.
        status, _data = await raw_request(hook.port, head, b'%x\r\n%s\r\n' % (len(chunk), chunk), read_timeout=2.0)
        assert hook.drain() == []
    assert status == 413


async def test_a_body_at_the_limit_is_accepted():
    payload = workflow_payload()
    body = payload_bytes(payload)
    async with running(SOURCE, max_body_bytes=len(body)) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, body))[0] == 202
        assert (await post(session, hook.url, body + b' '))[0] == 413


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'])
async def test_another_method_answers_405(method):
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        async with session.request(method, hook.url) as response:
            assert response.status == 405
            assert response.headers['Allow'] == 'POST'


@pytest.mark.parametrize('path', ['/', '/circleci/x', '/circle', '/CIRCLECI', '/webhook'])
async def test_another_path_answers_404_for_any_method(path):
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        url = 'http://127.0.0.1:%d%s' % (hook.port, path)
        assert (await post(session, url, workflow_payload()))[0] == 404
        async with session.get(url) as response:
            assert response.status == 404
        assert hook.drain() == []


async def test_the_path_is_configurable_and_a_trailing_slash_or_query_string_does_not_matter():
    async with running(SOURCE, path='/hooks/circleci/') as hook, aiohttp.ClientSession() as session:
        base = 'http://127.0.0.1:%d' % hook.port
        assert (await post(session, base + '/circleci', workflow_payload(delivery_id='a')))[0] == 404
        assert (await post(session, base + '/hooks/circleci', workflow_payload(delivery_id='b')))[0] == 202
        assert (await post(session, base + '/hooks/circleci/', workflow_payload(delivery_id='c')))[0] == 202
        assert (await post(session, base + '/hooks/circleci?x=1', workflow_payload(delivery_id='d')))[0] == 202
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == ['b', 'c', 'd']


# ------------------------------------------------------------------ events and pings

async def test_a_ping_is_dropped_by_default_and_passed_on_request():
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        status, answer = await post(session, hook.url, ping_payload(), headers={'circleci-event-type': 'ping'})
        assert (status, answer) == (200, {'result': 'ignored', 'reason': 'ping'})
        assert hook.drain() == []
    async with running(SOURCE, ping='pass', events=['job-completed']) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, ping_payload(), secret=OTHER_SECRET))[0] == 401
        assert (await post(session, hook.url, ping_payload()))[0] == 202
        (event,) = hook.drain()
    assert event['payload'] == ping_payload()
    assert event['circleci']['event_type'] == 'ping'
    assert event['circleci']['webhook_name'] == 'eda'
    assert event['circleci']['project_slug'] is None and event['circleci']['pipeline_id'] is None


async def test_an_event_type_not_in_events_is_acknowledged_and_dropped():
    async with running(SOURCE, events=['workflow-completed']) as hook, aiohttp.ClientSession() as session:
        status, answer = await post(session, hook.url, job_payload_github_app())
        assert (status, answer) == (200, {'result': 'ignored', 'reason': 'event type not in events'})
        unknown = dict(workflow_payload(), type='pipeline-created')
        assert (await post(session, hook.url, unknown))[0] == 200
        assert (await post(session, hook.url, workflow_payload()))[0] == 202
        assert [e['circleci']['event_type'] for e in hook.drain()] == ['workflow-completed']


# ------------------------------------------------------------------ deduplication and the queue

async def test_a_redelivery_is_acknowledged_once_queued_once_and_again_after_the_window():
    payload = workflow_payload()
    async with running(SOURCE, dedup_window=0.4) as hook, aiohttp.ClientSession() as session:
        first = await post(session, hook.url, payload)
        again = await post(session, hook.url, payload)
        assert len(hook.drain()) == 1
        await asyncio.sleep(0.5)
        later = await post(session, hook.url, payload)
        assert len(hook.drain()) == 1
    assert first == (202, {'result': 'queued', 'id': payload['id']})
    assert again == (200, {'result': 'duplicate', 'id': payload['id']})
    assert later[0] == 202


async def test_deduplication_forgets_the_oldest_id_past_dedup_max_ids():
    async with running(SOURCE, dedup_max_ids=2) as hook, aiohttp.ClientSession() as session:
        for delivery_id in ('one', 'two', 'three'):
            assert (await post(session, hook.url, workflow_payload(delivery_id=delivery_id)))[0] == 202
        assert (await post(session, hook.url, workflow_payload(delivery_id='three')))[0] == 200
        assert (await post(session, hook.url, workflow_payload(delivery_id='one')))[0] == 202
        assert len(hook.drain()) == 4


async def test_without_an_id_or_with_dedup_window_0_every_delivery_is_queued():
    payload = workflow_payload()
    no_id = dict(payload)
    del no_id['id']
    async with running(SOURCE) as hook, aiohttp.ClientSession() as session:
        assert [(await post(session, hook.url, no_id))[0] for dummy in range(2)] == [202, 202]
        assert len(hook.drain()) == 2
    async with running(SOURCE, dedup_window=0) as hook, aiohttp.ClientSession() as session:
        assert [(await post(session, hook.url, payload))[0] for dummy in range(2)] == [202, 202]
        assert len(hook.drain()) == 2


async def test_a_full_queue_answers_503_and_the_retry_is_queued_once_there_is_room():
    async with running(SOURCE, maxsize=1) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload(delivery_id='first')))[0] == 202
        body = payload_bytes(workflow_payload(delivery_id='second'))
        async with session.post(hook.url, data=body, headers={'circleci-signature': sign(body)}) as response:
            assert response.status == 503
            assert response.headers['Retry-After'] == '5'
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == ['first']
        # The 503 did not mark the id as seen: CircleCI's retry of the same delivery is queued.
        assert (await post(session, hook.url, body))[0] == 202
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == ['second']


async def test_queue_timeout_waits_for_room_and_a_concurrent_redelivery_is_not_queued_twice():
    async with running(SOURCE, maxsize=1, queue_timeout=2) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload(delivery_id='first')))[0] == 202
        waiting = asyncio.ensure_future(post(session, hook.url, workflow_payload(delivery_id='second')))
        redelivered = asyncio.ensure_future(post(session, hook.url, workflow_payload(delivery_id='second')))
        await asyncio.sleep(0.3)
        assert not waiting.done() and not redelivered.done()
        assert hook.queue.get_nowait()['circleci']['delivery_id'] == 'first'
        answers = sorted([(await waiting)[0], (await redelivered)[0]])
        assert answers == [200, 202]
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == ['second']
    async with running(SOURCE, maxsize=1, queue_timeout=0.3) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload(delivery_id='first')))[0] == 202
        started = time.monotonic()
        assert (await post(session, hook.url, workflow_payload(delivery_id='second')))[0] == 503
        assert 0.25 < time.monotonic() - started < 2


async def test_a_slow_rulebook_does_not_hold_the_answer_back():
    # Nobody takes events off the queue: every delivery is still answered at once.
    async with running(SOURCE, maxsize=50) as hook, aiohttp.ClientSession() as session:
        started = time.monotonic()
        for index in range(20):
            assert (await post(session, hook.url, workflow_payload(delivery_id='d%d' % index)))[0] == 202
        assert time.monotonic() - started < 5
        assert hook.queue.qsize() == 20


# ------------------------------------------------------------------ connections and load

async def test_a_client_sending_one_byte_a_second_does_not_block_other_deliveries():
    body = payload_bytes(workflow_payload(delivery_id='slow'))
    async with running(SOURCE, read_timeout=2.5) as hook, aiohttp.ClientSession() as session:
        reader, writer = await asyncio.open_connection('127.0.0.1', hook.port)
        writer.write(b'POST /circleci HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
                     b'circleci-signature: %s\r\nContent-Length: %d\r\n\r\n' % (sign(body).encode(), len(body)))

        async def trickle():
            for byte in body:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)

        slow = asyncio.ensure_future(trickle())
        answers = []
        started = time.monotonic()
        for index in range(5):
            sent = time.monotonic()
            status, _answer = await post(session, hook.url, workflow_payload(delivery_id='fast-%d' % index))
            answers.append((status, time.monotonic() - sent < 0.5))
            await asyncio.sleep(0.4)
        assert answers == [(202, True)] * 5
        assert not slow.done() and time.monotonic() - started >= 2
        reply = await asyncio.wait_for(reader.read(4096), 3)
        slow.cancel()
        writer.close()
        assert reply.startswith(b'HTTP/1.1 408 '), reply
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == ['fast-%d' % i for i in range(5)]


async def test_200_concurrent_deliveries_all_verified_none_lost_none_doubled():
    ids = ['load-%03d' % index for index in range(200)]
    connector = aiohttp.TCPConnector(limit=0)
    async with running(SOURCE, maxsize=1000, signing_secrets=[OTHER_SECRET, SECRET]) as hook, \
            aiohttp.ClientSession(connector=connector) as session:
        # Every id twice, half signed with each secret, all at once; and 50 forged among them.
        deliveries = [post(session, hook.url, workflow_payload(delivery_id=i), secret=(SECRET, OTHER_SECRET)[n % 2])
                      for n, i in enumerate(ids)]
        deliveries += [post(session, hook.url, workflow_payload(delivery_id=i), secret=(OTHER_SECRET, SECRET)[n % 2])
                       for n, i in enumerate(ids)]
        forged = [post(session, hook.url, workflow_payload(delivery_id='forged-%d' % n), secret='not-the-secret')
                  for n in range(50)]
        answers = await asyncio.gather(*deliveries, *forged)
        queued = [event['circleci']['delivery_id'] for event in hook.drain()]
    statuses = [status for status, _answer in answers]
    assert statuses[400:] == [401] * 50
    assert sorted(statuses[:400]) == [200] * 200 + [202] * 200
    assert sorted(queued) == ids


class RulebookQueue:
    """The queue ansible-rulebook hands a source: only put() and put_nowait(), filters applied on the way."""

    def __init__(self, maxsize):
        self.queue = asyncio.Queue(maxsize)

    async def put(self, data):
        await self.queue.put(dict(data, filtered=True))

    def put_nowait(self, data):
        self.queue.put_nowait(dict(data, filtered=True))


async def test_ansible_rulebooks_queue_wrapper_is_enough():
    rulebook_queue = RulebookQueue(1)
    port = free_port()
    task = asyncio.ensure_future(SOURCE.main(rulebook_queue, {'host': '127.0.0.1', 'port': port, 'queue_timeout': 0.2,
                                                              'signing_secrets': [SECRET]}))
    try:
        url = 'http://127.0.0.1:%d/circleci' % port
        async with aiohttp.ClientSession() as session:
            for dummy in range(500):
                try:
                    first = await post(session, url, workflow_payload(delivery_id='one'))
                    break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.01)
            second = await post(session, url, workflow_payload(delivery_id='two'))
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert (first[0], second[0]) == (202, 503)
    event = rulebook_queue.queue.get_nowait()
    assert event['filtered'] and event['circleci']['delivery_id'] == 'one'


async def test_after_cancel_the_port_is_free_again():
    async with running(SOURCE) as hook:
        port = hook.port
    async with running(SOURCE, port=port) as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload()))[0] == 202


# ------------------------------------------------------------------ HTTPS

async def test_https_with_a_self_signed_certificate(tmp_path):
    certfile, keyfile = self_signed_cert(str(tmp_path))
    async with running(SOURCE, scheme='https', certfile=certfile, keyfile=keyfile) as hook:
        async with aiohttp.ClientSession() as session:
            status, _answer = await post(session, hook.url, workflow_payload(), ssl=client_ssl_context(certfile))
            assert status == 202
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await post(session, hook.url, workflow_payload(delivery_id='untrusted'))
            with pytest.raises(aiohttp.ClientError):
                await post(session, hook.url.replace('https://', 'http://'), workflow_payload(delivery_id='plain'))
        assert [e['circleci']['delivery_id'] for e in hook.drain()] == [workflow_payload()['id']]


async def test_an_encrypted_key_needs_its_password_and_is_never_prompted_for(tmp_path):
    certfile, keyfile = self_signed_cert(str(tmp_path), password='key-pass-phrase')
    args = {'host': '127.0.0.1', 'signing_secrets': [SECRET], 'certfile': certfile, 'keyfile': keyfile}
    with pytest.raises(ValueError, match=r'^ciops\.circleci\.webhook: cannot load certfile .*listener\.crt and keyfile'):
        await start(SOURCE, args)
    async with running(SOURCE, scheme='https', password='key-pass-phrase', **args) as hook:
        async with aiohttp.ClientSession() as session:
            assert (await post(session, hook.url, workflow_payload(), ssl=client_ssl_context(certfile)))[0] == 202


async def test_a_missing_certificate_fails_at_start_with_its_path(tmp_path):
    missing = str(tmp_path / 'nope.crt')
    with pytest.raises(ValueError, match=r'cannot load certfile .*nope\.crt'):
        await start(SOURCE, {'signing_secrets': [SECRET], 'certfile': missing})


# ------------------------------------------------------------------ options

@pytest.mark.parametrize('args, message', [
    ({'port': 'abc'}, 'port must be a whole number from 1 to 65535'),
    ({'port': 70000}, 'port must be a whole number from 1 to 65535'),
    ({'port': True}, 'port must be a whole number'),
    ({'path': 'circleci'}, "path must start with '/'"),
    ({'keyfile': '/x.key'}, 'keyfile needs certfile'),
    ({'events': []}, 'events is empty'),
    ({'events': ['workflow_completed']}, 'events must be among workflow-completed, job-completed'),
    ({'ping': 'maybe'}, 'ping must be drop or pass'),
    ({'max_body_bytes': 0}, 'max_body_bytes must be a whole number from 2'),
    ({'queue_timeout': 10}, 'queue_timeout must be a number from 0 to 9'),
    ({'dedup_window': -1}, 'dedup_window must be a number from 0'),
    ({'dedup_max_ids': 0}, 'dedup_max_ids must be a whole number from 1'),
    ({'read_timeout': 'soon'}, 'read_timeout must be a number'),
    ({'insecure_no_signature': 'perhaps'}, 'insecure_no_signature must be true or false'),
    ({'signing_secrets': {'a': 'b'}}, 'signing_secrets must be a list of strings'),
    ({'host': 5}, 'host must be a string'),
])
async def test_a_bad_option_fails_at_start_with_a_one_line_message(args, message):
    full = dict({'signing_secrets': [SECRET]}, **args)
    with pytest.raises(ValueError) as caught:
        await start(SOURCE, full)
    text = str(caught.value)
    assert text.startswith('ciops.circleci.webhook: ' + message), text
    assert '\n' not in text and SECRET not in text


async def test_options_as_strings_from_templated_rulebook_variables():
    # Rulebook variables may arrive as text: a port, numbers and a single secret as strings.
    port = free_port()
    async with running(SOURCE, port=str(port), signing_secrets=SECRET, events='workflow-completed',
                       max_body_bytes='4096', dedup_window='60', insecure_no_signature='no') as hook, \
            aiohttp.ClientSession() as session:
        assert hook.port == port
        assert (await post(session, hook.url, workflow_payload()))[0] == 202
        assert (await post(session, hook.url, workflow_payload()))[0] == 200
        assert (await post(session, hook.url, job_payload_github_app()))[0] == 200
        assert (await post(session, hook.url, b'{"id": "' + b'x' * 4096 + b'"}'))[0] == 413
        assert len(hook.drain()) == 1


async def test_an_unknown_option_is_warned_about_without_its_value(caplog):
    caplog.set_level(logging.WARNING)
    async with running(SOURCE, signing_secret='a-typo-value-secret') as hook, aiohttp.ClientSession() as session:
        assert (await post(session, hook.url, workflow_payload()))[0] == 202
    messages = ' '.join(r.getMessage() for r in caplog.records)
    assert 'ignoring unknown option(s) signing_secret' in messages
    assert 'a-typo-value-secret' not in messages


# ------------------------------------------------------------------ logs

async def test_no_secret_or_signature_in_any_log_at_debug(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    payload = workflow_payload()
    body = payload_bytes(payload)
    signatures = [sign(body)[3:], sign(body, OTHER_SECRET)[3:], sign(payload_bytes(ping_payload()))[3:]]
    certfile, keyfile = self_signed_cert(str(tmp_path))
    async with running(SOURCE, scheme='https', certfile=certfile, keyfile=keyfile, ping='pass', maxsize=2,
                       signing_secrets=[SECRET, OTHER_SECRET]) as hook, aiohttp.ClientSession() as session:
        ssl_context = client_ssl_context(certfile)
        await post(session, hook.url, body, ssl=ssl_context)
        await post(session, hook.url, body, ssl=ssl_context, secret=OTHER_SECRET)  # duplicate
        await post(session, hook.url, ping_payload(), ssl=ssl_context)
        await post(session, hook.url, workflow_payload(delivery_id='full'), ssl=ssl_context)  # 503
        await post(session, hook.url, body, ssl=ssl_context, secret=None,
                   headers={'circleci-signature': 'v1=' + signatures[0].upper()[:-1] + 'A'})
        await post(session, hook.url, b'[]', ssl=ssl_context)
        await post(session, hook.url, body, ssl=ssl_context, secret=None, headers={'circleci-signature': 'v2=' + signatures[0]})
    for secrets in ([SECRET, ''], ['  ']):
        with pytest.raises(ValueError):
            await start(SOURCE, {'signing_secrets': secrets})
    logged = '\n'.join('%s %s %s' % (r.name, r.getMessage(), r.exc_text or '') for r in caplog.records) + caplog.text
    assert 'queued workflow-completed' in logged and 'does not match' in logged  # the log was captured
    forbidden = [SECRET, OTHER_SECRET, base64.b64encode(SECRET.encode()).decode(), SECRET.encode().hex()]
    forbidden += signatures + [s.upper() for s in signatures]
    for value in forbidden:
        assert value not in logged
