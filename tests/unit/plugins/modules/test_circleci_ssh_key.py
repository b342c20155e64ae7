# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from ansible_collections.ciops.circleci.plugins.module_utils import _sshkey as sshkey
from ansible_collections.ciops.circleci.plugins.modules import circleci_ssh_key
from ansible_collections.ciops.circleci.plugins.modules.circleci_ssh_key import (
    check_hostname,
    key_lines,
    normalize_keys,
    plan_ssh_keys,
)
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError

from .conftest import API

SETTINGS = API + '/project/github/acme/app/settings'
SSH_KEY = API + '/project/github/acme/app/ssh-key'
HOST = 'deploy.example.com'
OTHER_FP = '10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5'


def _openssh(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope='module')
def key():
    """An Ed25519 test key: its text, public line and fingerprint."""
    private = ed25519.Ed25519PrivateKey.generate()
    text = _openssh(private)
    parsed = sshkey.load_private_key(text)
    return dict(text=text, public_key=parsed['public_key'], fingerprint=parsed['fingerprint'], obj=private)


def settings(*entries):
    return {'vcs_type': 'github', 'username': 'acme', 'reponame': 'app', 'ssh_keys': list(entries)}


def entry(hostname, fingerprint, public_key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n'):
    return {'hostname': hostname, 'fingerprint': fingerprint, 'public_key': public_key}


def body(call):
    return json.loads(call.request.body)


def assert_no_secret(result, key):
    dumped = json.dumps(result)
    assert key['text'].strip() not in dumped
    for line in key['text'].strip().splitlines()[1:-1]:
        assert line not in dumped


# -- plan ----------------------------------------------------------------------

EXISTING = [dict(hostname='a.example', fingerprint=OTHER_FP, public_key='ssh-rsa AAAA1'),
            dict(hostname=HOST, fingerprint='aa:' * 15 + 'aa', public_key='ssh-ed25519 AAAA2')]


def test_plan_present_missing_adds_at_the_end():
    action, after = plan_ssh_keys(EXISTING, 'present', HOST, OTHER_FP, 'ssh-rsa AAAA1')
    assert action == 'add'
    assert after == EXISTING + [dict(hostname=HOST, fingerprint=OTHER_FP, public_key='ssh-rsa AAAA1')]


def test_plan_present_same_key_other_host_is_still_missing():
    action, _after = plan_ssh_keys(EXISTING, 'present', 'b.example', OTHER_FP, 'ssh-rsa AAAA1')
    assert action == 'add'


def test_plan_present_existing_is_nothing():
    assert plan_ssh_keys(EXISTING, 'present', 'a.example', OTHER_FP) == (None, EXISTING)


def test_plan_absent_existing_deletes_every_duplicate():
    dup = dict(EXISTING[0])
    action, after = plan_ssh_keys(EXISTING + [dup], 'absent', 'a.example', OTHER_FP)
    assert action == 'delete'
    assert after == [EXISTING[1]]


def test_plan_absent_other_host_is_nothing():
    assert plan_ssh_keys(EXISTING, 'absent', HOST, OTHER_FP) == (None, EXISTING)


def test_plan_does_not_modify_its_input():
    before = [dict(k) for k in EXISTING]
    plan_ssh_keys(EXISTING, 'absent', 'a.example', OTHER_FP)
    plan_ssh_keys(EXISTING, 'present', 'z.example', OTHER_FP)
    assert EXISTING == before


def test_normalize_keys_and_lines():
    keys = normalize_keys(settings(entry('H', 'MD5:AA:' + 'bb:' * 14 + 'CC', 'ssh-rsa AAAAX\n'), 'junk'))
    assert keys == [dict(hostname='H', fingerprint='aa:' + 'bb:' * 14 + 'cc', public_key='ssh-rsa AAAAX')]
    assert key_lines(keys) == 'H aa:' + 'bb:' * 14 + 'cc\n'
    assert key_lines([]) == ''
    assert normalize_keys({'ssh_keys': None}) == []
    assert normalize_keys(None) == []


@pytest.mark.parametrize('hostname', ['', '   ', 'a host', ' deploy.example.com', None])
def test_check_hostname_refuses_empty_and_spaces(hostname):
    with pytest.raises(CircleCIError, match='^hostname must not (be empty|contain spaces)'):
        check_hostname(hostname)


# -- present -------------------------------------------------------------------

def test_adds_a_missing_key_with_one_get_and_one_post(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry('other.example', OTHER_FP)))
    api.add(responses.POST, SSH_KEY, body='')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']), diff=True)
    assert result['changed'] is True
    assert [(c.request.method, c.request.url) for c in api.calls] == [('GET', SETTINGS), ('POST', SSH_KEY)]
    assert body(api.calls[1]) == {'hostname': HOST, 'private_key': key['text'].strip() + '\n'}
    assert api.calls[1].request.headers['Content-Type'] == 'application/json'
    assert result['ssh_key'] == dict(hostname=HOST, fingerprint=key['fingerprint'], public_key=key['public_key'],
                                     type='ssh-ed25519')
    assert result['diff'] == {'before': 'other.example %s\n' % OTHER_FP,
                              'after': 'other.example %s\n%s %s\n' % (OTHER_FP, HOST, key['fingerprint'])}
    assert [k['hostname'] for k in result['ssh_keys']] == ['other.example', HOST]
    assert result['project'] == 'github/acme/app'
    assert_no_secret(result, key)


def test_second_run_sends_only_the_get(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, key['fingerprint'], key['public_key'] + '\n')))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']), diff=True)
    assert result['changed'] is False
    assert len(api.calls) == 1
    assert result['diff']['before'] == result['diff']['after'] == '%s %s\n' % (HOST, key['fingerprint'])


def test_diff_only_under_diff_mode(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, key['fingerprint'], key['public_key'] + '\n')))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']))
    assert result['changed'] is False
    assert 'diff' not in result


def test_server_fingerprint_in_other_case_or_with_prefix_still_matches(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, 'MD5:' + key['fingerprint'].upper())))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']))
    assert result['changed'] is False
    assert len(api.calls) == 1


def test_check_mode_reads_but_does_not_post(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings())
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']), check_mode=True, diff=True)
    assert result['changed'] is True
    assert [c.request.method for c in api.calls] == ['GET']
    assert result['diff'] == {'before': '', 'after': '%s %s\n' % (HOST, key['fingerprint'])}


def test_same_key_for_another_host_is_posted(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry('other.example', key['fingerprint'])))
    api.add(responses.POST, SSH_KEY, body='')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']))
    assert result['changed'] is True
    assert body(api.calls[1])['hostname'] == HOST


def test_private_key_path_is_read_on_the_module_side(api, run_module, tmp_path):
    ecdsa = ec.generate_private_key(ec.SECP384R1())
    text = ecdsa.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                               serialization.NoEncryption()).decode()
    path = tmp_path / 'id_ecdsa'
    path.write_text(text)
    api.add(responses.GET, SETTINGS, json=settings())
    api.add(responses.POST, SSH_KEY, body='')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key_path=str(path)))
    assert result['changed'] is True
    assert body(api.calls[1]) == {'hostname': HOST, 'private_key': text}
    assert result['ssh_key']['type'] == 'ecdsa-sha2-nistp384'
    assert text.strip() not in json.dumps(result)


def test_server_rejecting_the_key_fails_with_its_message_only(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings())
    api.add(responses.POST, SSH_KEY, status=400,
            json={'message': 'it looks like private key is invalid key.  Double check'})
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 400 it looks like private key is invalid key.  Double check for '
                             'POST /project/github/acme/app/ssh-key: CircleCI rejected the request')
    assert_no_secret(result, key)


def test_unknown_project_fails_on_the_settings_read(api, run_module, key):
    api.add(responses.GET, API + '/project/github/acme/nope/settings', status=404, json={'message': 'Project not found'})
    result = run_module(circleci_ssh_key, dict(username='acme', project='nope', hostname=HOST,
                                               private_key=key['text']))
    assert result['failed'] is True
    assert 'CircleCI answered 404 Project not found for GET /project/github/acme/nope/settings' in result['msg']
    assert len(api.calls) == 1


# -- absent --------------------------------------------------------------------

def test_absent_deletes_with_fingerprint_and_hostname(api, run_module, key):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, key['fingerprint']), entry('x.example', OTHER_FP)))
    api.add(responses.DELETE, SSH_KEY, json={'message': 'OK'})
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text'], state='absent'), diff=True)
    assert result['changed'] is True
    assert [c.request.method for c in api.calls] == ['GET', 'DELETE']
    assert body(api.calls[1]) == {'fingerprint': key['fingerprint'], 'hostname': HOST}
    assert result['diff'] == {'before': '%s %s\nx.example %s\n' % (HOST, key['fingerprint'], OTHER_FP),
                              'after': 'x.example %s\n' % OTHER_FP}
    assert_no_secret(result, key)


def test_absent_by_fingerprint_accepts_ssh_keygen_form(api, run_module):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, OTHER_FP, 'ssh-rsa AAAAB3Nza\n')))
    api.add(responses.DELETE, SSH_KEY, json={'message': 'OK'})
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST, state='absent',
                                               fingerprint='MD5:' + OTHER_FP.upper()))
    assert result['changed'] is True
    assert body(api.calls[1]) == {'fingerprint': OTHER_FP, 'hostname': HOST}
    assert result['ssh_key'] == dict(hostname=HOST, fingerprint=OTHER_FP, public_key='ssh-rsa AAAAB3Nza')


def test_absent_when_missing_sends_only_the_get(api, run_module):
    api.add(responses.GET, SETTINGS, json=settings(entry('other.example', OTHER_FP)))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST, state='absent',
                                               fingerprint=OTHER_FP))
    assert result['changed'] is False
    assert len(api.calls) == 1
    assert result['ssh_key'] == dict(hostname=HOST, fingerprint=OTHER_FP, public_key=None)


def test_absent_check_mode_does_not_delete(api, run_module):
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, OTHER_FP)))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST, state='absent',
                                               fingerprint=OTHER_FP), check_mode=True)
    assert result['changed'] is True
    assert [c.request.method for c in api.calls] == ['GET']
    assert result['ssh_keys'] == []


def test_absent_by_fingerprint_needs_no_cryptography(api, run_module, monkeypatch):
    monkeypatch.setattr(circleci_ssh_key, 'cryptography_import_error', lambda: 'ImportError: no cryptography')
    api.add(responses.GET, SETTINGS, json=settings())
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST, state='absent',
                                               fingerprint=OTHER_FP))
    assert result['changed'] is False


def test_a_key_without_cryptography_fails_with_missing_required_lib(api, run_module, monkeypatch, key):
    monkeypatch.setattr(circleci_ssh_key, 'cryptography_import_error', lambda: 'ImportError: no cryptography')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['text']))
    assert result['failed'] is True
    assert 'Failed to import the required Python library (cryptography)' in result['msg']
    assert len(api.calls) == 0


# -- refused before any request ----------------------------------------------

def test_passphrase_key_fails_before_any_request(api, run_module, key):
    protected = key['obj'].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(b'secret-passphrase')).decode()
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST, private_key=protected))
    assert result['failed'] is True
    assert result['msg'] == 'private_key is protected by a passphrase; CircleCI accepts only keys without one'
    assert len(api.calls) == 0
    assert protected.splitlines()[1] not in json.dumps(result)


def test_public_key_fails_before_any_request(api, run_module, key):
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key=key['public_key']))
    assert result['failed'] is True
    assert result['msg'] == 'private_key holds a public key; give the private key'
    assert len(api.calls) == 0


def test_unreadable_path_fails_before_any_request(api, run_module, tmp_path):
    missing = str(tmp_path / 'absent_key')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key_path=missing))
    assert result['failed'] is True
    assert result['msg'] == 'Could not read private_key_path %s: No such file or directory' % missing
    assert len(api.calls) == 0


def test_garbage_file_names_the_path(api, run_module, tmp_path):
    path = tmp_path / 'notakey'
    path.write_text('hello\n')
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key_path=str(path)))
    assert result['failed'] is True
    assert result['msg'].startswith('private_key_path %s is not a private key in PEM or OpenSSH format' % path)
    assert len(api.calls) == 0


@pytest.mark.parametrize('args,message', [
    (dict(fingerprint=OTHER_FP), 'state is present but any of the following are missing: private_key, '
                                 'private_key_path'),
    (dict(fingerprint='12:34', state='absent'), "Invalid fingerprint '12:34': expected 16 colon-separated hex pairs"),
    (dict(hostname='', fingerprint=OTHER_FP, state='absent'), 'hostname must not be empty'),
    (dict(), 'state is present but any of the following are missing: private_key, private_key_path'),
    (dict(state='absent'), 'state is absent but any of the following are missing: private_key, private_key_path, '
                           'fingerprint'),
    (dict(private_key='x', fingerprint=OTHER_FP, state='absent'),
     'parameters are mutually exclusive: private_key|private_key_path|fingerprint'),
])
def test_bad_arguments_fail_before_any_request(api, run_module, args, message):
    full = dict(username='acme', project='app', hostname=HOST)
    full.update(args)
    result = run_module(circleci_ssh_key, full)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(api.calls) == 0


def test_hostname_is_required(api, run_module):
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', fingerprint=OTHER_FP, state='absent'))
    assert result['failed'] is True
    assert 'missing required arguments: hostname' in result['msg']


def test_key_file_content_is_registered_with_the_no_log_filter(api, run_module, tmp_path, monkeypatch, key):
    """A key read from a file is no module parameter: the module must tell Ansible to mask it."""
    seen = {}
    original = circleci_ssh_key.local_key

    def spy(module):
        parsed = original(module)
        seen['no_log_values'] = set(module.no_log_values)
        return parsed

    monkeypatch.setattr(circleci_ssh_key, 'local_key', spy)
    path = tmp_path / 'id_ed25519'
    path.write_text(key['text'])
    api.add(responses.GET, SETTINGS, json=settings(entry(HOST, key['fingerprint'])))
    result = run_module(circleci_ssh_key, dict(username='acme', project='app', hostname=HOST,
                                               private_key_path=str(path)))
    assert result['changed'] is False
    assert key['text'].strip() in seen['no_log_values']
