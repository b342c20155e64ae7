# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: CircleCI webhooks into Event-Driven Ansible.

Cases:

  throughput   --deliveries signed workflow-completed deliveries (the same bodies for both, about 1.2 kB each,
               distinct ids), --concurrency at a time over kept-alive connections, plain HTTP on loopback,
               posted by an aiohttp client to a source's real main() run by the eda venv's Python as
               ansible-rulebook runs it (runpy), a consumer taking every event off the queue. Reported:
               deliveries verified and queued per second. Ours: ciops.circleci.webhook, signed
               ``circleci-signature: v1=<hex>``. Baseline: the webhook source of ansible.eda, which cannot
               verify CircleCI's v1= and is configured with ``hmac_header: circleci-signature`` and the same
               HMAC as ``sha256=<hex>``, which it can; ansible.eda itself comes from Galaxy (not reachable
               here), so the benchmark runs the same code as ansible-rulebook 1.3.2 ships it, as
               eda.builtin.webhook (the eda venv's ansible_rulebook/event_source/webhook.py). Both sources run
               one at a time, alternating, each run with a fresh process; the client shares the 2 cores.
               The run fails unless every delivery is answered 2xx and the queue got each id exactly once.
  latency      the simulator finishes a build-and-deploy workflow of release/* (two 1 s jobs) and delivers
               its workflow-completed event over HTTPS to the real ansible-rulebook running
               extensions/eda/rulebooks/deploy_on_green.yml (its playbook replaced by a no-op through the
               deploy_playbook variable). Reported: the workflow's stopped_at (the simulator's clock) to the
               rule's activation (ansible-rulebook's own log line, -vvv). Baseline: ciops.circleci.circleci_pipeline
               with wait: true (poll_interval --poll-interval) on the same workflow, from its stopped_at to the
               wait's return (the clock of the task after it). Fails when the rule fires more than --max-lag
               seconds after the workflow finished, or the wait returns more than poll_interval + 3 s after.

`make bench` runs this (with EDA_VENV, the venv of `make venv-eda`); standalone:
`EDA_VENV=.venv-eda .venv/bin/python bench/bench_eda.py`. It starts a simulator of its own (its webhook
deliveries need the CA it makes) and uses ANSIBLE_COLLECTIONS_PATH's ciops.circleci, else a copy of this checkout.
"""

from __future__ import absolute_import, division, print_function

import argparse
import asyncio
import calendar
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests', 'eda'))

import aiohttp  # noqa: E402  pylint: disable=wrong-import-position

import edalib  # noqa: E402  pylint: disable=wrong-import-position
from simlib import collections_path, emit_area, emit_row, playbook_env, write_playbooks  # noqa: E402  pylint: disable=wrong-import-position

AREA = 'Event-Driven Ansible'
SECRET = 'bench-signing-secret-7c1e'
RULE = 'The build-and-deploy workflow of a release branch succeeded'
OURS = 'ciops.circleci.webhook'
BASELINE = 'ansible.eda.webhook (its code, as eda.builtin.webhook of ansible-rulebook 1.3.2)'
LATENCY_WORKFLOWS = [{'name': 'build-and-deploy', 'jobs': [
    {'name': 'build', 'seconds': 1, 'artifacts': ['home/circleci/project/dist/app.tar.gz']},
    {'name': 'test', 'requires': ['build'], 'seconds': 1}]}]

# Runs a source's main() as ansible-rulebook does (runpy.run_path of the file), with a consumer that takes
# every event off the queue; prints LISTENING once the port accepts, and on SIGTERM the ids it got.
SERVE = r'''
import asyncio, json, runpy, signal, socket, sys
path, args = sys.argv[1], json.loads(sys.argv[2])
source = runpy.run_path(path)
async def run():
    queue = asyncio.Queue()
    ids = []
    async def consume():
        while True:
            event = await queue.get()
            ids.append(event['payload'].get('id'))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    task = asyncio.ensure_future(source['main'](queue, args))
    consumer = asyncio.ensure_future(consume())
    while True:
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', args['port'])
            writer.close()
            break
        except OSError:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    print('LISTENING', flush=True)
    await stop.wait()
    await asyncio.sleep(0.2)
    print(json.dumps(ids), flush=True)
    task.cancel()
    consumer.cancel()
asyncio.run(run())
'''

NOOP_PLAY = """
- name: Bench - the rule's playbook, doing nothing
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Nothing
      ansible.builtin.meta: noop
"""

WAIT_PLAY = """
- name: Bench - circleci_pipeline, trigger and wait
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Trigger release/bench and wait for its workflow
      ciops.circleci.circleci_pipeline:
        api_url: "{{ sim_root }}"
        api_token: "{{ sim_token }}"
        project_slug: gh/acme/app
        branch: "{{ branch }}"
        wait: true
        poll_interval: "{{ poll_interval }}"
      register: ci

    - name: The clock when the wait has returned
      ansible.builtin.set_fact:
        returned_at: "{{ lookup('ansible.builtin.pipe', 'date +%s.%N') }}"

    - name: Keep the result for the benchmark
      ansible.builtin.copy:
        content: "{{ {'pipeline_id': ci.pipeline.id, 'returned_at': returned_at} | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
"""


def body(index):
    """A workflow-completed payload shaped like CircleCI's, compact JSON, with its own id."""
    pipeline = str(uuid.uuid4())
    return json.dumps({
        'id': str(uuid.uuid4()), 'type': 'workflow-completed', 'happened_at': '2026-12-04T10:00:%02d.000Z' % (index % 60),
        'webhook': {'id': '7ecf9f25-293e-4764-8954-0316b96af2a8', 'name': 'deploy-on-green'},
        'project': {'id': '67899bff-f2d0-43c4-a0ea-f019e733cb62', 'name': 'app', 'slug': 'github/acme/app'},
        'organization': {'id': '688e283b-82a6-4f12-85e4-5fc6ced69c2b', 'name': 'acme'},
        'pipeline': {'id': pipeline, 'number': index, 'created_at': '2026-12-04T09:58:00.000Z', 'trigger': {'type': 'api'},
                     'vcs': {'provider_name': 'GitHub', 'origin_repository_url': 'https://github.com/acme/app',
                             'target_repository_url': 'https://github.com/acme/app',
                             'revision': '9836d03755daa2d40b4848a31984758f64b0afe6',
                             'commit': {'subject': 'Release %d' % index, 'body': '',
                                        'author': {'name': 'Demo User', 'email': 'demo@example.com'},
                                        'authored_at': '2026-12-04T09:57:00.000Z',
                                        'committer': {'name': 'Demo User', 'email': 'demo@example.com'},
                                        'committed_at': '2026-12-04T09:57:00.000Z'},
                             'branch': 'release/1.%d' % index}},
        'workflow': {'id': str(uuid.uuid4()), 'name': 'build-and-deploy', 'status': 'success',
                     'created_at': '2026-12-04T09:58:01.000Z', 'stopped_at': '2026-12-04T10:00:00.000Z',
                     'url': 'https://app.circleci.com/pipelines/github/acme/app/%d/workflows/x' % index}},
        separators=(',', ':')).encode('utf-8')


def hexdigest(raw):
    return hmac.new(SECRET.encode('utf-8'), raw, hashlib.sha256).hexdigest()


def serve(python, source_file, args):
    proc = subprocess.Popen([python, '-c', SERVE, source_file, json.dumps(args)],  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
    line = proc.stdout.readline().strip()
    if line != 'LISTENING':
        proc.kill()
        raise SystemExit('%s did not start: %r' % (source_file, line))
    return proc


def stop_serving(proc):
    proc.send_signal(signal.SIGTERM)
    out, dummy = proc.communicate(timeout=30)
    return json.loads(out.strip().splitlines()[-1])


async def post_all(url, requests, concurrency):
    """(wall seconds, statuses) of posting every (body, headers) with ``concurrency`` in flight."""
    semaphore = asyncio.Semaphore(concurrency)
    statuses = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(raw, headers):
            async with semaphore:
                async with session.post(url, data=raw, headers=headers) as answer:
                    await answer.read()
                    statuses.append(answer.status)
        start = time.perf_counter()
        await asyncio.gather(*(one(raw, headers) for raw, headers in requests))
        return time.perf_counter() - start, statuses


def throughput_run(python, source_file, args, requests, concurrency):
    port = edalib.free_port()
    proc = serve(python, source_file, dict(args, host='127.0.0.1', port=port))
    try:
        url = 'http://127.0.0.1:%d/circleci' % port
        wall, statuses = asyncio.run(post_all(url, requests, concurrency))
    finally:
        ids = stop_serving(proc)
    return wall, statuses, ids


def throughput(args, python):
    bodies = [body(i) for i in range(args.deliveries)]
    sent_ids = sorted(json.loads(raw)['id'] for raw in bodies)
    common = {'content-type': 'application/json', 'user-agent': 'CircleCI-Webhook/1.0',
              'circleci-event-type': 'workflow-completed'}
    ours_file = os.path.join(collection_root(), 'extensions', 'eda', 'plugins', 'event_source', 'webhook.py')
    base_file = subprocess.check_output([python, '-c', 'import ansible_rulebook.event_source.webhook as w; print(w.__file__)'],
                                        universal_newlines=True).strip()
    cases = [
        (OURS, ours_file, {'signing_secrets': [SECRET], 'max_body_bytes': 1 << 20},
         [(raw, dict(common, **{'circleci-signature': 'v1=' + hexdigest(raw)})) for raw in bodies]),
        (BASELINE, base_file, {'hmac_secret': SECRET, 'hmac_algo': 'sha256', 'hmac_header': 'circleci-signature',
                               'hmac_format': 'hex'},
         [(raw, dict(common, **{'circleci-signature': 'sha256=' + hexdigest(raw)})) for raw in bodies]),
    ]
    rates = dict((name, []) for name, dummy, dummy2, dummy3 in cases)
    for dummy in range(args.runs):
        for name, source_file, source_args, requests in cases:
            wall, statuses, ids = throughput_run(python, source_file, source_args, requests, args.concurrency)
            bad = [s for s in statuses if not 200 <= s < 300]
            if bad or len(statuses) != len(requests):
                raise SystemExit('%s: %d of %d deliveries not answered 2xx (%s)' % (name, len(bad), len(requests),
                                                                                    sorted(set(bad))))
            if sorted(ids) != sent_ids:
                raise SystemExit('%s: %d events queued for %d deliveries (%d distinct): lost or doubled'
                                 % (name, len(ids), len(sent_ids), len(set(ids))))
            rates[name].append(len(requests) / wall)
            print('%-80s %8.0f deliveries/s' % (name, rates[name][-1]))
    return rates


def parse_iso(text):
    moment = datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%fZ')
    return calendar.timegm(moment.timetuple()) + moment.microsecond / 1e6


def parse_log_time(stamp):
    """ansible-rulebook's (Python logging) local time '2026-12-04 22:39:40,979' as epoch seconds."""
    whole, millis = stamp.split(',')
    return time.mktime(time.strptime(whole, '%Y-%m-%d %H:%M:%S')) + int(millis) / 1000.0


def workflow_stopped(sim, pipeline_id):
    items = sim.api('GET', '/pipeline/%s/workflow' % pipeline_id)['items']
    return max(parse_iso(w['stopped_at']) for w in items)


def latency(args, workdir, collections):
    pki = edalib.make_pki(workdir, 'bench')
    sim = edalib.simulator(pki['ca'], date=None)
    rulebook = None
    try:
        sim.control('POST', '/projects/%s/config' % edalib.APP, {'workflows': LATENCY_WORKFLOWS})
        noop = os.path.join(workdir, 'noop.yml')
        with open(noop, 'w', encoding='utf-8') as handle:
            handle.write(NOOP_PLAY)
        inventory = os.path.join(workdir, 'inventory.ini')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n'
                         % os.path.join(edalib.eda_venv(), 'bin', 'python'))
        port = edalib.free_port()
        rulebook = edalib.Rulebook(
            workdir, edalib.RULEBOOK, inventory=inventory, verbosity='-vvv', collections=collections,
            variables={'circleci_listener_host': '127.0.0.1', 'circleci_listener_port': port,
                       'circleci_listener_certfile': pki['cert'], 'circleci_listener_keyfile': pki['key'],
                       'circleci_webhook_secrets': [SECRET], 'deploy_playbook': noop, 'deploy_hosts': 'localhost'})
        rulebook.wait_listening()
        edalib.register_webhook(workdir, sim, 'https://127.0.0.1:%d/circleci' % port, SECRET)
        pattern = re.compile(r'^(\S+ \S+) - drools\.ruleset - DEBUG - Calling rule %s' % re.escape(RULE), re.M)
        pushed = []
        for run in range(args.runs):
            pipeline = edalib.trigger(workdir, sim, 'release/bench-%d' % run)
            fired = rulebook.wait_for(pattern, timeout=60, count=run + 1)[run]
            lag = parse_log_time(fired) - workflow_stopped(sim, pipeline)
            pushed.append(lag)
            print('%-80s %8.2f s' % ('workflow finished -> rule fired (run %d)' % (run + 1), lag))
        books, cmd = write_playbooks(workdir, [('wait', WAIT_PLAY)], 0, dict(
            sim_root=sim.root, sim_token=sim.token, poll_interval=args.poll_interval,
            result_file=os.path.join(workdir, 'wait.json')))
        env = playbook_env(workdir)
        env['ANSIBLE_COLLECTIONS_PATH'] = collections
        polled = []
        for run in range(args.runs):
            proc = subprocess.run(cmd + ['-e', 'branch=release/poll-%d' % run, books['wait']], env=env, check=False,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
            if proc.returncode != 0:
                raise SystemExit('the wait playbook failed:\n%s' % proc.stdout[-3000:])
            with open(os.path.join(workdir, 'wait.json'), encoding='utf-8') as handle:
                result = json.load(handle)
            lag = float(result['returned_at']) - workflow_stopped(sim, result['pipeline_id'])
            polled.append(lag)
            print('%-80s %8.2f s' % ('workflow finished -> wait returned (run %d)' % (run + 1), lag))
        return pushed, polled
    finally:
        if rulebook is not None:
            rulebook.stop()
        sim.stop()


def collection_root():
    return os.path.join(COLLECTIONS, 'ansible_collections', 'ciops', 'circleci')


COLLECTIONS = None


def main():
    global COLLECTIONS  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--deliveries', type=int, default=2000)
    parser.add_argument('--concurrency', type=int, default=32)
    parser.add_argument('--poll-interval', type=int, default=5, help="circleci_pipeline's default")
    parser.add_argument('--max-lag', type=float, default=2.0)
    args = parser.parse_args()
    python = os.path.join(edalib.eda_venv(), 'bin', 'python')
    workdir = tempfile.mkdtemp(prefix='bench-eda-')
    try:
        COLLECTIONS = edalib.COLLECTIONS = collections_path(workdir)
        rates = throughput(args, python)
        pushed, polled = latency(args, workdir, COLLECTIONS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    med = statistics.median
    failures = []
    if med(pushed) > args.max_lag:
        failures.append('the rule fired %.2f s after the workflow finished (median), over %.1f s' % (med(pushed), args.max_lag))
    if max(polled) > args.poll_interval + 3:
        failures.append('the wait returned %.2f s after the workflow finished, over poll_interval + 3 s' % max(polled))
    emit_area(__file__, AREA,
              'Throughput: %d signed workflow-completed deliveries (the same bodies for both, about %d bytes each), '
              '%d at a time over kept-alive connections, plain HTTP on loopback, to the source\'s real `main()` run '
              'as ansible-rulebook runs it, a consumer taking every event off the queue; the client shares the 2 '
              'cores. Ours verifies `circleci-signature: v1=<hex>`; the baseline is ansible.eda\'s webhook source, '
              'which cannot verify CircleCI\'s `v1=` and is given the same HMAC as `sha256=<hex>` '
              '(`hmac_header: circleci-signature`). ansible.eda comes from Galaxy, which is not reachable here: '
              'the baseline runs the same code as ansible-rulebook 1.3.2 ships it, `eda.builtin.webhook`. Every '
              'delivery must be answered 2xx and queued exactly once. Latency: the simulator finishes a '
              '`build-and-deploy` workflow of a `release/` branch (two 1 s jobs); ours is its `stopped_at` to the '
              'rule\'s activation in the real ansible-rulebook running `deploy_on_green.yml` (its log line at '
              '`-vvv`), after an HTTPS delivery; the baseline is `circleci_pipeline` with `wait: true` '
              '(`poll_interval: %d`, the default) on the same workflow, from its `stopped_at` to the wait\'s return.'
              % (args.deliveries, len(body(0)), args.concurrency, args.poll_interval), args.runs)
    emit_row(__file__, AREA, 'deliveries verified and queued per second', (OURS, rates[OURS]),
             (BASELINE + ', sha256= header', rates[BASELINE]),
             ours_requests='%d POST, each queued once' % args.deliveries,
             baseline_requests='%d POST, each queued once' % args.deliveries, unit='/s',
             bound='a delivery not 2xx, lost or doubled')
    emit_row(__file__, AREA, 'workflow finished to the deployment starting', ('webhook: rule fired', pushed),
             ('circleci_pipeline wait: true: wait returned', polled), ours_requests='1 delivery (POST to the listener)',
             baseline_requests='1 GET per poll', bound='rule > %.1f s, wait > poll_interval + 3 s' % args.max_lag)
    print('throughput: ours %.0f/s, baseline %.0f/s; latency: rule %.2f s, wait %.2f s (medians)'
          % (med(rates[OURS]), med(rates[BASELINE]), med(pushed), med(polled)))
    if failures:
        raise SystemExit('; '.join(failures))
    return 0


if __name__ == '__main__':
    sys.exit(main())
