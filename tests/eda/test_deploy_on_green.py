# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""End to end: ciops.circleci.circleci_pipeline triggers a pipeline on CircleCI (the simulator), which
finishes it and delivers a signed workflow-completed event over HTTPS to the real ansible-rulebook
running extensions/eda/rulebooks/deploy_on_green.yml; the rule runs examples/deploy_from_event.yml,
which installs the pipeline's artifact with the example role.

What is asserted is what a user sees: the answers CircleCI got (the simulator's delivery record), the
playbook's own report line in ansible-rulebook's output, the release on disk, and the rule engine's
activations (ansible-rulebook -vvv logs each). "Nothing ran" is asserted only after a later green
pipeline has been deployed: the rule engine takes events in order, so by then an earlier event that
were to fire would have fired."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import json
import os
import re
import ssl
import urllib.error
import urllib.request

from conftest import OTHER_SECRET, SECRET

import edalib

WORKFLOWS = [{'name': 'build-and-deploy', 'jobs': [
    {'name': 'build', 'artifacts': ['home/circleci/project/dist/app.tar.gz']},
    {'name': 'test', 'requires': ['build']}]}]
FAILING = [{'name': 'build-and-deploy', 'jobs': [
    {'name': 'build', 'artifacts': ['home/circleci/project/dist/app.tar.gz']},
    {'name': 'test', 'requires': ['build'], 'outcome': 'failed'}]}]
RULE = 'The build-and-deploy workflow of a release branch succeeded'
# Signatures the tests sent themselves, for the secrets check at the end.
SENT_SIGNATURES = []


def deployed(pipeline_id):
    """The playbook's own report line for a pipeline (examples/deploy_from_event.yml's last task)."""
    return r'"msg": "Deployed (\S+) of gh/acme/app from pipeline %s \(job build #(\d+), branch (\S+), delivery ([-0-9a-f]+)\)' % (
        re.escape(pipeline_id))


def activations(scene, delivery_id):
    """The rule engine's activations of the rule by the event of ``delivery_id`` (logged at -vvv)."""
    return re.findall(r'Activation of effective rule "%s" with facts: .*delivery_id=%s' % (re.escape(RULE), re.escape(delivery_id)),
                      scene.rulebook.text())


def configure(scene, workflows=None, clear=True):
    """The project's workflows for the next pipelines; ``clear``: forget the delivery records."""
    scene.sim.control('POST', '/projects/%s/config' % edalib.APP, {'workflows': workflows or WORKFLOWS})
    if clear:
        scene.sim.control('DELETE', '/deliveries')


def final_records(scene, count=1):
    """The delivery records once ``count`` events have had their final attempt."""
    return edalib.wait_final_deliveries(scene.sim, lambda records: len([r for r in records if r['final']]) >= count)


def deploy_green(scene, branch):
    """Trigger a green pipeline of ``branch``, wait for its deployment; (pipeline id, report match)."""
    configure(scene)
    pipeline = edalib.trigger(scene.workdir, scene.sim, branch)
    report = scene.rulebook.wait_for(deployed(pipeline), timeout=90)
    return pipeline, report


def post(scene, body, signature):
    """POST a delivery to the listener over HTTPS, as CircleCI does; the answer's status."""
    SENT_SIGNATURES.append(signature)
    context = ssl.create_default_context(cafile=scene.pki['ca'])
    request = urllib.request.Request(scene.listener_url, data=body, method='POST', headers={
        'content-type': 'application/json', 'user-agent': 'CircleCI-Webhook/1.0',
        'circleci-event-type': 'workflow-completed', 'circleci-signature': signature})
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def v1(body, secret=SECRET):
    return 'v1=' + hmac.new(secret.encode('utf-8'), body, hashlib.sha256).hexdigest()


def test_a_green_release_is_deployed(scene):
    configure(scene)
    pipeline = edalib.trigger(scene.workdir, scene.sim, 'release/1.0')
    version, job, branch, delivery = scene.rulebook.wait_for(deployed(pipeline), timeout=90)[0]
    # CircleCI got 202 once the delivery was verified and queued, at the first attempt.
    records = final_records(scene)
    assert [(r['event_type'], r['attempt'], r['status'], r['ok']) for r in records] == [
        ('workflow-completed', 1, 202, True)], records
    assert records[0]['event_id'] == delivery and branch == 'release/1.0'
    assert len(activations(scene, delivery)) == 1
    # The role installed that job's tarball as a release and pointed current at it.
    release = os.path.join(scene.app_dest, 'releases', job)
    assert os.path.realpath(os.path.join(scene.app_dest, 'current')) == os.path.realpath(release)
    with open(os.path.join(release, 'VERSION'), encoding='utf-8') as handle:
        assert handle.read().strip() == version
    # The artifact was read through API v2 and downloaded with the token in the header.
    log = scene.sim.requests()
    downloads = [e for e in log if e['path'].startswith('/_sim/artifacts/') and '/%s/' % job in e['path']]
    assert [e['status'] for e in downloads] == [200] and downloads[0]['token_header'], downloads


def test_a_redelivered_event_runs_once(scene):
    pipeline, report = deploy_green(scene, 'release/1.1')
    delivery = report[0][3]
    scene.sim.control('POST', '/deliveries/%s/redeliver' % delivery)
    records = edalib.wait_final_deliveries(scene.sim, lambda rs: any(r['redelivery'] and r['final'] for r in rs))
    again = [r for r in records if r['redelivery']]
    # The redelivery is acknowledged (200: CircleCI must not retry it) and not queued again.
    assert [(r['event_id'], r['status'], r['ok']) for r in again] == [(delivery, 200, True)], records
    scene.rulebook.wait_for(r'acknowledged a redelivery of %s without queueing it again' % re.escape(delivery))
    later, dummy = deploy_green(scene, 'release/1.2')
    assert later != pipeline
    assert len(re.findall(deployed(pipeline), scene.rulebook.text())) == 1
    assert len(activations(scene, delivery)) == 1


def test_a_tampered_signature_runs_nothing(scene):
    # 1. CircleCI signs with a secret the listener does not know (the webhook's secret was changed
    #    behind its back): every attempt is refused, retries included.
    scene.sim.api('PUT', '/webhook/%s' % scene.webhook_id, {'signing_secret': OTHER_SECRET})
    try:
        configure(scene)
        refused = edalib.trigger(scene.workdir, scene.sim, 'release/1.3')
        records = final_records(scene)
    finally:
        scene.sim.api('PUT', '/webhook/%s' % scene.webhook_id, {'signing_secret': SECRET})
    assert [r['status'] for r in records] == [401, 401, 401], records
    # 2. A green release event whose body was changed after it was signed, and one whose signature
    #    had one digit changed: 401 both.
    event = {'id': '0d6f5c1e-6d2b-4f0e-9a51-7be1f2c0a001', 'type': 'workflow-completed',
             'happened_at': '2026-12-04T10:00:00.000Z', 'webhook': {'id': scene.webhook_id, 'name': 'deploy-on-green'},
             'project': {'id': '67899bff-f2d0-43c4-a0ea-f019e733cb62', 'name': 'app', 'slug': 'github/acme/app'},
             'organization': {'id': '688e283b-82a6-4f12-85e4-5fc6ced69c2b', 'name': 'acme'},
             'pipeline': {'id': '6a0b8c43-3d4e-4a39-8f0d-000000000001', 'number': 99, 'vcs': {'branch': 'release/9.9'}},
             'workflow': {'id': 'a1', 'name': 'build-and-deploy', 'status': 'success'}}
    signed = json.dumps(event, separators=(',', ':')).encode('utf-8')
    tampered = signed.replace(b'000000000001', b'000000000002')
    assert post(scene, tampered, v1(signed)) == 401
    good = v1(signed)
    flipped = good[:-1] + ('0' if good[-1] != '0' else '1')
    assert post(scene, signed, flipped) == 401
    later, dummy = deploy_green(scene, 'release/1.4')
    text = scene.rulebook.text()
    assert not re.search(deployed(refused), text) and refused not in text
    assert '000000000001' not in text and '000000000002' not in text and event['id'] not in text
    assert text.count('the v1 signature does not match the body with any signing secret') == 3 + 2
    assert later in text


def test_a_failed_workflow_or_another_branch_runs_nothing(scene):
    configure(scene, FAILING)
    failed = edalib.trigger(scene.workdir, scene.sim, 'release/1.5')
    final_records(scene, 1)
    configure(scene, clear=False)
    other = edalib.trigger(scene.workdir, scene.sim, 'main')
    records = final_records(scene, 2)
    # Both reached the rulebook (202: verified and queued) ...
    assert [(r['status'], r['attempt']) for r in records] == [(202, 1), (202, 1)], records
    delivered = [r['event_id'] for r in records]
    scene.sim.control('DELETE', '/deliveries')
    later, dummy = deploy_green(scene, 'release/1.6')
    text = scene.rulebook.text()
    for delivery in delivered:
        assert "'delivery_id': '%s'" % delivery in text  # the rule engine saw it
        assert not activations(scene, delivery)
    # ... and neither was deployed.
    for pipeline in (failed, other):
        assert not re.search(deployed(pipeline), text)
    assert "'workflow_status': 'failed'" in text and "'branch': 'main'" in text
    assert later in text


def test_no_secret_or_signature_in_ansible_rulebooks_output_at_vvv(scene):
    """Everything ansible-rulebook printed at -vvv over the run (events, rule activations, the
    playbook runs): no signing secret in any encoding, no token, no signature."""
    text = scene.rulebook.text()
    assert 'Activation of effective rule' in text and 'DEBUG' in text  # -vvv indeed
    for secret in (SECRET, OTHER_SECRET, scene.sim.token):
        for form in (secret, base64.b64encode(secret.encode()).decode(), json.dumps(secret)[1:-1]):
            assert form not in text, 'a secret in ansible-rulebook output'
    # No signature of any delivery: no 64-digit hex string at all (a v1 signature's form), nor the
    # header's v1= prefix.
    assert not re.findall(r'(?i)(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])', text)
    assert 'v1=' not in text and 'circleci-signature' not in text.lower()
    for signature in SENT_SIGNATURES:
        assert signature.split('=', 1)[1].lower() not in text.lower()
