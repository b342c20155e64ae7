# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local SSH key parsing: the fingerprint must equal what ssh-keygen -E md5 -lf prints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import shutil
import struct
import subprocess

import pytest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._sshkey import (
    load_private_key,
    md5_fingerprint,
    normalize_fingerprint,
    read_private_key_file,
)

SSH_KEYGEN = shutil.which('ssh-keygen')
needs_ssh_keygen = pytest.mark.skipif(SSH_KEYGEN is None, reason='ssh-keygen is not installed')
SUPPORTED = 'give an RSA, ECDSA (NIST P-256, P-384 or P-521) or Ed25519 private key'


def keygen(tmp_path, name, *args):
    """ssh-keygen -q -N '' -C test -f <tmp>/<name> <args>; returns the private key path."""
    path = str(tmp_path / name)
    subprocess.run([SSH_KEYGEN, '-q', '-N', '', '-C', 'unit-test', '-f', path] + list(args), check=True)
    return path


def ssh_keygen_md5(pub_path):
    """The fingerprint as ssh-keygen prints it: '256 MD5:aa:bb:... comment (ED25519)' -> 'aa:bb:...'."""
    out = subprocess.run([SSH_KEYGEN, '-E', 'md5', '-lf', pub_path], check=True, capture_output=True, text=True)
    field = out.stdout.split()[1]
    assert field.startswith('MD5:')
    return field[4:]


def read(path):
    with open(path) as handle:
        return handle.read()


def pkcs8(key_text):
    """Re-encode an OpenSSH private key as unencrypted PKCS#8 PEM (ssh-keygen cannot for Ed25519)."""
    key = serialization.load_ssh_private_key(key_text.encode(), password=None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


KEYGEN_CASES = [
    # id, ssh-keygen args, PEM header expected in the file, ssh type
    ('rsa-openssh', ['-t', 'rsa', '-b', '2048'], 'OPENSSH PRIVATE KEY', 'ssh-rsa'),
    ('rsa-pem-traditional', ['-t', 'rsa', '-b', '2048', '-m', 'PEM'], 'RSA PRIVATE KEY', 'ssh-rsa'),
    ('rsa-pkcs8', ['-t', 'rsa', '-b', '3072', '-m', 'PKCS8'], 'PRIVATE KEY', 'ssh-rsa'),
    ('ecdsa256-openssh', ['-t', 'ecdsa', '-b', '256'], 'OPENSSH PRIVATE KEY', 'ecdsa-sha2-nistp256'),
    ('ecdsa256-pem-traditional', ['-t', 'ecdsa', '-b', '256', '-m', 'PEM'], 'EC PRIVATE KEY', 'ecdsa-sha2-nistp256'),
    ('ecdsa256-pkcs8', ['-t', 'ecdsa', '-b', '256', '-m', 'PKCS8'], 'PRIVATE KEY', 'ecdsa-sha2-nistp256'),
    ('ecdsa384-openssh', ['-t', 'ecdsa', '-b', '384'], 'OPENSSH PRIVATE KEY', 'ecdsa-sha2-nistp384'),
    ('ecdsa384-pem-traditional', ['-t', 'ecdsa', '-b', '384', '-m', 'PEM'], 'EC PRIVATE KEY', 'ecdsa-sha2-nistp384'),
    ('ecdsa384-pkcs8', ['-t', 'ecdsa', '-b', '384', '-m', 'PKCS8'], 'PRIVATE KEY', 'ecdsa-sha2-nistp384'),
    ('ecdsa521-openssh', ['-t', 'ecdsa', '-b', '521'], 'OPENSSH PRIVATE KEY', 'ecdsa-sha2-nistp521'),
    ('ed25519-openssh', ['-t', 'ed25519'], 'OPENSSH PRIVATE KEY', 'ssh-ed25519'),
]


@needs_ssh_keygen
@pytest.mark.parametrize('args,header,ssh_type', [c[1:] for c in KEYGEN_CASES], ids=[c[0] for c in KEYGEN_CASES])
def test_fingerprint_matches_ssh_keygen(tmp_path, args, header, ssh_type):
    path = keygen(tmp_path, 'key', *args)
    text = read(path)
    assert text.startswith('-----BEGIN %s-----' % header)
    key = load_private_key(text)
    assert key['fingerprint'] == ssh_keygen_md5(path + '.pub')
    assert key['type'] == ssh_type
    # The public half is the .pub line without its comment.
    assert key['public_key'] == ' '.join(read(path + '.pub').split()[:2])
    assert key['private_key'] == text.strip() + '\n'


@needs_ssh_keygen
@pytest.mark.parametrize('args', [['-t', 'ed25519'], ['-t', 'rsa', '-b', '2048'], ['-t', 'ecdsa', '-b', '384']],
                         ids=['ed25519', 'rsa', 'ecdsa384'])
def test_pkcs8_conversion_of_an_openssh_key_has_the_ssh_keygen_fingerprint(tmp_path, args):
    path = keygen(tmp_path, 'key', *args)
    converted = pkcs8(read(path))
    assert converted.startswith('-----BEGIN PRIVATE KEY-----')
    assert load_private_key(converted)['fingerprint'] == ssh_keygen_md5(path + '.pub')


@needs_ssh_keygen
def test_fingerprint_of_the_public_line_matches_ssh_keygen(tmp_path):
    path = keygen(tmp_path, 'key', '-t', 'ed25519')
    assert md5_fingerprint(read(path + '.pub')) == ssh_keygen_md5(path + '.pub')


def test_fingerprint_is_md5_of_the_decoded_blob():
    """Independent of ssh-keygen: hashlib over the base64-decoded public blob, colon-joined."""
    key = ed25519.Ed25519PrivateKey.generate()
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode()
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    digest = hashlib.md5(base64.b64decode(line.split()[1])).hexdigest()
    expected = ':'.join(digest[i:i + 2] for i in range(0, 32, 2))
    parsed = load_private_key(text)
    assert parsed['fingerprint'] == expected
    assert parsed['public_key'] == line
    assert len(expected.split(':')) == 16


def test_leading_and_trailing_whitespace_is_tolerated():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()
    parsed = load_private_key('\n  ' + text.strip())  # e.g. lookup('file') drops the final newline
    assert parsed['private_key'] == text.strip() + '\n'
    assert parsed['type'] == 'ssh-rsa'


@needs_ssh_keygen
@pytest.mark.parametrize('args', [['-t', 'ed25519'], ['-t', 'rsa', '-b', '2048', '-m', 'PEM'],
                                  ['-t', 'ecdsa', '-m', 'PKCS8']],
                         ids=['openssh', 'pem-traditional', 'pkcs8-encrypted'])
def test_passphrase_protected_key_is_refused(tmp_path, args):
    path = str(tmp_path / 'key')
    subprocess.run([SSH_KEYGEN, '-q', '-N', 'secret-passphrase', '-f', path] + args, check=True)
    with pytest.raises(CircleCIError) as exc:
        load_private_key(read(path))
    assert str(exc.value) == 'private_key is protected by a passphrase; CircleCI accepts only keys without one'


@needs_ssh_keygen
def test_openssh_passphrase_is_found_in_the_header_whatever_cryptography_says(tmp_path, monkeypatch):
    """Older cryptography raises UnsupportedAlgorithm('Need bcrypt module') instead of TypeError."""
    path = str(tmp_path / 'key')
    subprocess.run([SSH_KEYGEN, '-q', '-N', 'secret-passphrase', '-t', 'ed25519', '-f', path], check=True)

    def loader(*args, **kwargs):
        raise AssertionError('the key must be refused before cryptography parses it')

    monkeypatch.setattr(serialization, 'load_ssh_private_key', loader)
    with pytest.raises(CircleCIError, match='is protected by a passphrase'):
        load_private_key(read(path))


def test_passphrase_message_names_the_file():
    key = ec.generate_private_key(ec.SECP256R1())
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.BestAvailableEncryption(b'pw')).decode()
    with pytest.raises(CircleCIError) as exc:
        load_private_key(text, source='private_key_path /keys/id_ecdsa')
    assert str(exc.value).startswith('private_key_path /keys/id_ecdsa is protected by a passphrase')


def _public_forms():
    key = ed25519.Ed25519PrivateKey.generate()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = key.public_key()
    return [
        pub.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode() + ' me@host\n',
        rsa_key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode(),
        pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode(),
    ]


@pytest.mark.parametrize('text', _public_forms(), ids=['ssh-ed25519 line', 'ssh-rsa line', 'PUBLIC KEY pem',
                                                       'RSA PUBLIC KEY pem'])
def test_public_key_given_as_private_is_refused(text):
    with pytest.raises(CircleCIError) as exc:
        load_private_key(text)
    assert str(exc.value) == 'private_key holds a public key; give the private key'
    assert text.split()[1] not in str(exc.value)


@needs_ssh_keygen
def test_ssh_keygen_public_file_given_as_private_is_refused(tmp_path):
    path = keygen(tmp_path, 'key', '-t', 'ecdsa')
    with pytest.raises(CircleCIError, match='holds a public key'):
        load_private_key(read(path + '.pub'))


@needs_ssh_keygen
def test_dsa_key_from_ssh_keygen_is_refused(tmp_path):
    path = str(tmp_path / 'key')
    made = subprocess.run([SSH_KEYGEN, '-q', '-N', '', '-t', 'dsa', '-f', path], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip('this ssh-keygen no longer makes DSA keys')
    with pytest.raises(CircleCIError) as exc:
        load_private_key(read(path))
    assert str(exc.value) == 'private_key holds an unsupported key type (DSA); ' + SUPPORTED


def _unsupported_keys():
    none = serialization.NoEncryption()
    pem = serialization.Encoding.PEM
    dsa_key = dsa.generate_private_key(key_size=2048)
    return [
        ('DSA', dsa_key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, none)),
        ('DSA', dsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none)),
        ('Ed448', ed448.Ed448PrivateKey.generate().private_bytes(pem, serialization.PrivateFormat.PKCS8, none)),
        ('ECDSA on curve secp256k1',
         ec.generate_private_key(ec.SECP256K1()).private_bytes(pem, serialization.PrivateFormat.PKCS8, none)),
    ]


@pytest.mark.parametrize('kind,text', _unsupported_keys(), ids=['dsa-traditional', 'dsa-pkcs8', 'ed448', 'secp256k1'])
def test_unsupported_types_are_refused_with_the_supported_list(kind, text):
    with pytest.raises(CircleCIError) as exc:
        load_private_key(text.decode())
    assert str(exc.value) == 'private_key holds an unsupported key type (%s); %s' % (kind, SUPPORTED)


def _openssh_container(key_type, public_blob, private_section):
    """An unencrypted openssh-key-v1 private key file around the given parts (for types ssh-keygen cannot make here)."""
    def string(value):
        return struct.pack('>I', len(value)) + value
    private = struct.pack('>II', 7, 7) + private_section + string(b'comment')
    private += bytes(range(1, 1 + (8 - len(private) % 8) % 8))
    raw = (b'openssh-key-v1\x00' + string(b'none') + string(b'none') + string(b'') + struct.pack('>I', 1)
           + string(public_blob) + string(private))
    body = base64.b64encode(raw).decode()
    return ('-----BEGIN OPENSSH PRIVATE KEY-----\n' + '\n'.join(body[i:i + 70] for i in range(0, len(body), 70))
            + '\n-----END OPENSSH PRIVATE KEY-----\n')


def test_security_key_type_is_refused_by_name():
    def string(value):
        return struct.pack('>I', len(value)) + value
    key_type = b'sk-ssh-ed25519@openssh.com'
    public = string(key_type) + string(b'\x01' * 32) + string(b'ssh:')
    text = _openssh_container(key_type, public, public + b'\x01' + string(b'handle') + string(b''))
    with pytest.raises(CircleCIError) as exc:
        load_private_key(text)
    assert str(exc.value) == ('private_key holds an unsupported key type (sk-ssh-ed25519@openssh.com); '
                              + SUPPORTED)


GARBAGE = [
    'not a key at all',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    b'\xff\xfe binary \x00 bytes',
]


@pytest.mark.parametrize('text', GARBAGE, ids=['text', 'certificate', 'binary'])
def test_text_that_is_no_key_is_refused(text):
    with pytest.raises(CircleCIError) as exc:
        load_private_key(text)
    assert str(exc.value).startswith("private_key is not a private key in PEM or OpenSSH format (expected a "
                                     "'-----BEGIN ... PRIVATE KEY-----' block)")


def test_damaged_key_is_refused_without_quoting_it():
    key = ed25519.Ed25519PrivateKey.generate()
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode()
    lines = text.splitlines()
    damaged = '\n'.join(lines[:2] + lines[3:])  # a line of the body missing
    with pytest.raises(CircleCIError) as exc:
        load_private_key(damaged)
    message = str(exc.value)
    assert message == 'private_key could not be parsed: the key is damaged or incomplete; ' + SUPPORTED
    for line in lines[1:-1]:
        assert line not in message


@pytest.mark.parametrize('text', ['', '   \n', None])
def test_empty_key_is_refused(text):
    with pytest.raises(CircleCIError, match='^private_key is empty'):
        load_private_key(text)


def test_unreadable_file_names_the_path(tmp_path):
    missing = str(tmp_path / 'nope')
    with pytest.raises(CircleCIError) as exc:
        read_private_key_file(missing)
    assert str(exc.value) == 'Could not read private_key_path %s: No such file or directory' % missing
    with pytest.raises(CircleCIError) as exc:
        read_private_key_file(str(tmp_path))
    assert str(exc.value) == 'Could not read private_key_path %s: Is a directory' % tmp_path


@pytest.mark.skipif(os.geteuid() == 0, reason='root reads files whatever their mode')
def test_file_without_read_permission_names_the_path(tmp_path):
    path = tmp_path / 'key'
    path.write_text('x')
    path.chmod(0)
    with pytest.raises(CircleCIError, match='Permission denied'):
        read_private_key_file(str(path))


def test_readable_file_returns_its_bytes(tmp_path):
    path = tmp_path / 'key'
    path.write_bytes(b'abc\n')
    assert read_private_key_file(str(path)) == b'abc\n'


@pytest.mark.parametrize('given,expected', [
    ('MD5:AB:cd:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd', 'ab:cd:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd'),
    (' ab:cd:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd ', 'ab:cd:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd'),
    (None, None),
])
def test_normalize_fingerprint(given, expected):
    assert normalize_fingerprint(given) == expected


def test_md5_fingerprint_rejects_a_line_without_key():
    with pytest.raises(CircleCIError, match=r'^Not an OpenSSH public key line \(expected'):
        md5_fingerprint('ssh-ed25519')
    with pytest.raises(CircleCIError, match='^Not an OpenSSH public key line: the key part is not base64$'):
        md5_fingerprint('ssh-ed25519 not*base64')
    # Characters outside base64 are refused, not skipped (skipped, 'AAAA*AAAA' would read as 'AAAAAAAA').
    with pytest.raises(CircleCIError, match='^Not an OpenSSH public key line: the key part is not base64$'):
        md5_fingerprint('ssh-ed25519 AAAA*AAAA')
