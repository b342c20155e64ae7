# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Event-Driven Ansible layer (tests/eda) and its benchmark (bench/bench_eda.py) share: a CA and
a listener certificate it signed, the eda venv (``make venv-eda``), ansible-rulebook as a process with
its output in a file, the simulator with that CA, and the playbooks that register the webhook and
trigger a pipeline the way a user would."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(COLLECTION, 'tests', 'simulator'))
from simprocess import SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

RULEBOOK = os.path.join(COLLECTION, 'extensions', 'eda', 'rulebooks', 'deploy_on_green.yml')
# Distinct enough to be searched for in ansible-rulebook's output (it must never be there).
TOKEN = 'sim-token-eda-e2e-5c0ffee'
APP = 'gh/acme/app'
# The listener's log line once it accepts connections (the source's own INFO line).
LISTENING = re.compile(r'ciops\.circleci\.webhook listening on (https?)://\S+')


# ---------------------------------------------------------------- a CA and a listener certificate
def _name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject, issuer, public_key, signing_key, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    else:
        builder = (builder.add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(folder, name='eda'):
    """{ca, cert, key}: PEM files in ``folder`` of a CA and of a certificate for 127.0.0.1 and localhost
    it signed (the simulator trusts the CA; the source serves the certificate)."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate(_name(name + ' test CA'), _name(name + ' test CA'), ca_key.public_key(), ca_key, ca=True)
    cert = _certificate(_name('127.0.0.1'), ca_cert.subject, key.public_key(), ca_key, ca=False)
    paths = dict((part, os.path.join(str(folder), '%s-%s.pem' % (name, part))) for part in ('ca', 'cert', 'key'))
    with open(paths['ca'], 'wb') as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths['cert'], 'wb') as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths['key'], 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(paths['key'], 0o600)
    return paths


# ---------------------------------------------------------------- the eda venv
def eda_venv():
    """The venv `make venv-eda` made (ansible-rulebook, ansible-core, requests): $EDA_VENV (the build copy
    does not know where the checkout's .venv-eda is)."""
    venv = os.environ.get('EDA_VENV')
    if not venv or not os.path.isfile(os.path.join(venv, 'bin', 'ansible-rulebook')):
        raise RuntimeError('EDA_VENV=%r holds no bin/ansible-rulebook: run `make eda` (it makes .venv-eda from '
                           'requirements-eda.txt with `make venv-eda` and passes EDA_VENV)' % (venv,))
    return venv


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# The folder that holds ansible_collections/ciops/circleci for ansible-rulebook and the playbooks: the
# copy these tests run from, unless set (bench/bench_eda.py runs from a checkout and sets it).
COLLECTIONS = None


def collections_path():
    """The folder that holds ansible_collections/ciops/circleci."""
    return COLLECTIONS or os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))


def simulator(ca_file, *extra, **options):
    """The simulator of this copy, trusting ``ca_file`` for its webhook deliveries, with short jobs."""
    return SimulatorProcess('--build-seconds', '0.3', '--compile-seconds', '0.2', '--webhook-ca', ca_file,
                            *extra, token=TOKEN, **options)


# ---------------------------------------------------------------- ansible-rulebook
class Rulebook(object):
    """ansible-rulebook of the eda venv running a rulebook, its output (stdout and stderr) in a file.

    ``env`` is added to a clean environment: the eda venv first on PATH (ansible-rulebook calls
    ansible-galaxy to find the collection's source, and run_playbook runs ansible-playbook from PATH),
    ANSIBLE_COLLECTIONS_PATH the collection copy only."""

    def __init__(self, workdir, rulebook, variables, inventory, verbosity='-v', env=None, cwd=None, collections=None):
        venv = eda_venv()
        self.workdir = str(workdir)
        self.output = os.path.join(self.workdir, 'ansible-rulebook.log')
        vars_file = os.path.join(self.workdir, 'rulebook-vars.yml')
        with open(vars_file, 'w', encoding='utf-8') as handle:
            json.dump(variables, handle)
        full_env = dict((k, v) for k, v in os.environ.items()
                        if not k.startswith(('ANSIBLE_', 'CIRCLECI_', 'CIRCLE_', 'PYTHON')))
        full_env.update(PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ.get('PATH', ''),
                        ANSIBLE_COLLECTIONS_PATH=collections or collections_path(),
                        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False', ANSIBLE_NOCOLOR='1',
                        ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_RETRY_FILES_ENABLED='False',
                        PYTHONDONTWRITEBYTECODE='1')
        full_env.update(env or {})
        self.argv = [os.path.join(venv, 'bin', 'ansible-rulebook'), '--rulebook', rulebook, '--inventory', inventory,
                     '--vars', vars_file, verbosity]
        self._log = open(self.output, 'w', encoding='utf-8')  # pylint: disable=consider-using-with
        self.started = time.monotonic()
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            self.argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env,
            cwd=cwd or COLLECTION, start_new_session=True)

    def text(self):
        with open(self.output, encoding='utf-8', errors='replace') as handle:
            return handle.read()

    def wait_for(self, pattern, timeout=60.0, count=1):
        """The matches of ``pattern`` once the output holds ``count`` of them; AssertionError with the
        output's tail after ``timeout`` seconds or when ansible-rulebook has exited."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        end = time.monotonic() + timeout
        while True:
            text = self.text()
            found = regex.findall(text)
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                raise AssertionError('ansible-rulebook exited with %s before %r appeared:\n%s'
                                     % (self.proc.returncode, regex.pattern, text[-6000:]))
            if time.monotonic() > end:
                raise AssertionError('%r appeared %d time(s), not %d, within %.0fs:\n%s'
                                     % (regex.pattern, len(found), count, timeout, text[-6000:]))
            time.sleep(0.1)

    def wait_listening(self, timeout=90.0):
        """The scheme the source listens on, once it does."""
        return self.wait_for(LISTENING, timeout)[0]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


# ---------------------------------------------------------------- playbooks a user would run
def playbook_env(extra=None):
    """ansible-playbook of the dev venv with the collection copy, no colour, no noise."""
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path(),
               ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='False', ANSIBLE_LOCALHOST_WARNING='False',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='False')
    env.update(extra or {})
    return env


def run_playbook(workdir, text, extra_vars, timeout=180):
    """Write ``text`` as a playbook in ``workdir`` and run it on localhost with ``extra_vars``;
    (returncode, output). The playbook is the dev venv's ansible-playbook, as a user's would be."""
    book = os.path.join(str(workdir), 'play-%d.yml' % int(time.monotonic() * 1000))
    with open(book, 'w', encoding='utf-8') as handle:
        handle.write(text)
    extra = os.path.join(str(workdir), 'extra-%d.json' % int(time.monotonic() * 1000))
    with open(extra, 'w', encoding='utf-8') as handle:
        json.dump(dict(extra_vars, ansible_python_interpreter=sys.executable), handle)
    proc = subprocess.run(  # pylint: disable=subprocess-run-check
        [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
         '-e', '@' + extra, book], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        env=playbook_env(), timeout=timeout, check=False)
    return proc.returncode, proc.stdout


# Registers the listener as a webhook of the project, as a user's playbook would.
REGISTER_PLAY = """
- name: Register the rulebook's listener as a CircleCI webhook
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The webhook, pointed at the listener
      ciops.circleci.circleci_webhook:
        api_url: "{{ sim_root }}"
        api_token: "{{ sim_token }}"
        project_slug: "{{ project_slug }}"
        name: "{{ webhook_name }}"
        url: "{{ listener_url }}"
        events: [workflow-completed]
        signing_secret: "{{ signing_secret }}"
      register: hook

    - name: Show the webhook's id
      ansible.builtin.debug:
        msg: "WEBHOOK-ID={{ hook.webhook.id }}"
"""

TRIGGER_PLAY = """
- name: Trigger a pipeline and leave it to CircleCI (no wait)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Trigger
      ciops.circleci.circleci_pipeline:
        api_url: "{{ sim_root }}"
        api_token: "{{ sim_token }}"
        project_slug: "{{ project_slug }}"
        branch: "{{ branch }}"
      register: ci

    - name: Show the pipeline's id
      ansible.builtin.debug:
        msg: "PIPELINE-ID={{ ci.pipeline.id }}"
"""


def register_webhook(workdir, sim, listener_url, secret, name='deploy-on-green', project=APP):
    """The id of a new webhook of ``project`` posting workflow-completed to ``listener_url``."""
    code, out = run_playbook(workdir, REGISTER_PLAY, dict(
        sim_root=sim.root, sim_token=sim.token, project_slug=project, webhook_name=name, listener_url=listener_url,
        signing_secret=secret))
    assert code == 0, out[-4000:]
    return re.search(r'WEBHOOK-ID=([-0-9a-f]+)', out).group(1)


def trigger(workdir, sim, branch, project=APP):
    """The id of a pipeline of ``branch`` triggered by ciops.circleci.circleci_pipeline (no wait)."""
    code, out = run_playbook(workdir, TRIGGER_PLAY, dict(
        sim_root=sim.root, sim_token=sim.token, project_slug=project, branch=branch))
    assert code == 0, out[-4000:]
    return re.search(r'PIPELINE-ID=([-0-9a-f]+)', out).group(1)


def deliveries(sim, **filters):
    query = '&'.join('%s=%s' % item for item in sorted(filters.items()))
    return sim.control('GET', '/deliveries' + ('?' + query if query else ''))


def wait_final_deliveries(sim, predicate, timeout=60.0):
    """The delivery records once ``predicate(records)`` holds (AssertionError after ``timeout``)."""
    end = time.monotonic() + timeout
    while True:
        records = deliveries(sim)
        if predicate(records):
            return records
        if time.monotonic() > end:
            raise AssertionError('deliveries did not reach the expected state within %.0fs: %s' % (timeout, records))
        time.sleep(0.1)
