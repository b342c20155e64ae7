# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local SSH private key handling for circleci_ssh_key.

CircleCI's POST .../ssh-key stores a key again each time it is posted, and
the project settings show keys only by their legacy MD5 fingerprint. So the
module derives the public half and that fingerprint locally, before any
request, and refuses keys CircleCI would reject (passphrase, public key,
unsupported type) with a clear message.

No message raised here ever contains key material: only the option name
(or the file path) and the kind of problem.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re
import struct
import traceback
import warnings

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError

# cryptography is imported on first use (cryptography_import_error), not with this module: only a key
# given as text or file needs it, and it would cost every start of circleci_ssh_key about 15 ms.
UnsupportedAlgorithm = serialization = ec = ed25519 = rsa = None
_CRYPTOGRAPHY = {}


def cryptography_import_error():
    """None once cryptography is imported (on the first call), else the traceback of its failed import."""
    global UnsupportedAlgorithm, serialization, ec, ed25519, rsa  # pylint: disable=global-statement
    if 'error' not in _CRYPTOGRAPHY:
        try:
            from cryptography.exceptions import UnsupportedAlgorithm  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # pylint: disable=import-outside-toplevel
            _CRYPTOGRAPHY['error'] = None
        except ImportError:  # pragma: no cover - exercised through missing_required_lib
            _CRYPTOGRAPHY['error'] = traceback.format_exc()
    return _CRYPTOGRAPHY['error']


SUPPORTED_TYPES = 'RSA, ECDSA (NIST P-256, P-384 or P-521) or Ed25519'
# Curves OpenSSH can express as ecdsa-sha2-nistp*; other curves have no SSH form.
SUPPORTED_CURVES = ('secp256r1', 'secp384r1', 'secp521r1')
PASSPHRASE_MSG = '%s is protected by a passphrase; CircleCI accepts only keys without one'
PUBLIC_MSG = '%s holds a public key; give the private key'
GARBAGE_MSG = ("%s is not a private key in PEM or OpenSSH format (expected a "
               "'-----BEGIN ... PRIVATE KEY-----' block); give an " + SUPPORTED_TYPES + ' private key')

DAMAGED_MSG = '%s could not be parsed: the key is damaged or incomplete; give an ' + SUPPORTED_TYPES + ' private key'
_SSH_SUPPORTED_NAMES = ('ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521')
_SSH_TYPE_NAMES = {'ssh-dss': 'DSA'}
_SSH_NAME_RE = re.compile(br'^[a-z0-9@.-]{3,64}$')
_PEM_BEGIN_RE = re.compile(r'-----BEGIN ([A-Z0-9 ]+)-----')
_PUBLIC_LINE_RE = re.compile(r'^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA', re.IGNORECASE)
_MD5_PREFIX_RE = re.compile(r'^md5:', re.IGNORECASE)
_PEM_PRIVATE_LABELS = ('PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY')
# Labels of key types cryptography may load but CircleCI/OpenSSH hosts do not take from us.
_PEM_UNSUPPORTED_LABELS = {'DSA PRIVATE KEY': 'DSA'}


def md5_fingerprint(public_key_line):
    """The legacy MD5 fingerprint of an OpenSSH public key line, as ssh-keygen -E md5 -l prints it (no MD5: prefix)."""
    parts = public_key_line.split()
    if len(parts) < 2:
        raise CircleCIError('Not an OpenSSH public key line (expected "<type> <base64> [comment]")')
    try:
        blob = base64.b64decode(parts[1].encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise CircleCIError('Not an OpenSSH public key line: the key part is not base64')
    digest = hashlib.md5(blob).hexdigest()  # nosec - the legacy fingerprint format CircleCI shows
    return ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


def normalize_fingerprint(fingerprint):
    """Lower-case, without the MD5: prefix ssh-keygen prints; None stays None."""
    if fingerprint is None:
        return None
    return _MD5_PREFIX_RE.sub('', str(fingerprint).strip()).lower()


def _key_type(key):
    """(ssh type name, None) for supported keys, (None, human name) for the others."""
    if isinstance(key, rsa.RSAPrivateKey):
        return 'ssh-rsa', None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return 'ssh-ed25519', None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name in SUPPORTED_CURVES:
            return 'ecdsa-sha2-nistp%s' % key.curve.key_size, None
        return None, 'ECDSA on curve %s' % key.curve.name
    name = type(key).__name__.replace('PrivateKey', '').lstrip('_')
    return None, name or 'unknown'


def _openssh_header(text):
    """(cipher name, key type) from an OpenSSH private key's header, e.g. ('none', 'ssh-ed25519'), or None.

    Only the unencrypted header is read (the key material is not looked at):
    it tells a passphrase or an unsupported type apart from a damaged key
    whatever the installed cryptography version says about them.
    """
    body = ''.join(line.strip() for line in text.splitlines() if line.strip() and not line.startswith('-----'))
    try:
        raw = base64.b64decode(body.encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    magic = b'openssh-key-v1\x00'
    if not raw.startswith(magic):
        return None
    try:
        cipher, pos = _ssh_string(raw, len(magic))
        pos = _ssh_string(raw, pos)[1]  # kdf name
        pos = _ssh_string(raw, pos)[1] + 4  # kdf options, then the key count
        public_blob = _ssh_string(raw, pos)[0]
        name = _ssh_string(public_blob, 0)[0]
    except ValueError:
        return None
    if not _SSH_NAME_RE.match(cipher) or not _SSH_NAME_RE.match(name):
        return None
    return cipher.decode('ascii'), name.decode('ascii')


def _ssh_string(raw, pos):
    """(value, next position) of the uint32-length-prefixed string at pos; ValueError when truncated."""
    if len(raw) < pos + 4:
        raise ValueError('truncated')
    end = pos + 4 + struct.unpack('>I', raw[pos:pos + 4])[0]
    if len(raw) < end:
        raise ValueError('truncated')
    return raw[pos + 4:end], end


def _unsupported(source, what):
    return CircleCIError('%s holds an unsupported key type (%s); give an %s private key' % (source, what, SUPPORTED_TYPES))


def load_private_key(text, source='private_key'):
    """Parse an unencrypted SSH private key.

    Returns a dict: type (ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ...),
    public_key (the OpenSSH public line, no comment), fingerprint (legacy MD5)
    and private_key (the text normalised to end with one newline).
    Raises CircleCIError naming ``source`` (never the key) when the text is
    not such a key.
    """
    if cryptography_import_error() is not None:
        raise CircleCIError('The Python library cryptography is required to read %s' % source)
    if isinstance(text, bytes):
        try:
            text = text.decode('ascii')
        except UnicodeDecodeError:
            raise CircleCIError(GARBAGE_MSG % source)
    text = (text or '').strip()
    if not text:
        raise CircleCIError('%s is empty; give an %s private key' % (source, SUPPORTED_TYPES))
    if _PUBLIC_LINE_RE.match(text):
        raise CircleCIError(PUBLIC_MSG % source)
    begin = _PEM_BEGIN_RE.search(text)
    if begin is None:
        raise CircleCIError(GARBAGE_MSG % source)
    label = begin.group(1).strip()
    if 'PUBLIC KEY' in label:
        raise CircleCIError(PUBLIC_MSG % source)
    if label == 'ENCRYPTED PRIVATE KEY':
        raise CircleCIError(PASSPHRASE_MSG % source)
    if label in _PEM_UNSUPPORTED_LABELS:
        raise _unsupported(source, _PEM_UNSUPPORTED_LABELS[label])
    if label != 'OPENSSH PRIVATE KEY' and label not in _PEM_PRIVATE_LABELS:
        raise CircleCIError(GARBAGE_MSG % source)
    header = _openssh_header(text) if label == 'OPENSSH PRIVATE KEY' else None
    if header is not None:
        if header[0] != 'none':
            raise CircleCIError(PASSPHRASE_MSG % source)
        if header[1] not in _SSH_SUPPORTED_NAMES:
            raise _unsupported(source, _SSH_TYPE_NAMES.get(header[1], header[1]))
    data = (text + '\n').encode('ascii', 'replace')
    try:
        with warnings.catch_warnings():
            # Deprecation warnings about DSA & co: we refuse those keys below anyway.
            warnings.simplefilter('ignore')
            if label == 'OPENSSH PRIVATE KEY':
                loader = getattr(serialization, 'load_ssh_private_key', None)
                if loader is None:
                    raise CircleCIError('Reading OpenSSH private keys needs cryptography >= 3.0; upgrade it '
                                        'or give %s in PEM format' % source)
                key = loader(data, password=None)
            else:
                key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        # "Password was not given but private key is encrypted" / "Key is password-protected".
        raise CircleCIError(PASSPHRASE_MSG % source)
    except UnsupportedAlgorithm:
        # Supported types reach here only when the key is damaged (its header was checked above).
        raise CircleCIError(DAMAGED_MSG % source)
    except CircleCIError:
        raise
    except Exception:  # pylint: disable=broad-except
        # cryptography's own text is not shown: it could quote parts of the input.
        raise CircleCIError(DAMAGED_MSG % source)
    ssh_type, other = _key_type(key)
    if ssh_type is None:
        raise _unsupported(source, other)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    public = public.decode('ascii')
    return dict(type=ssh_type, public_key=public, fingerprint=md5_fingerprint(public), private_key=text + '\n')


def read_private_key_file(path):
    """The bytes of private_key_path, or a CircleCIError naming the path (never the content)."""
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        reason = exc.strerror or type(exc).__name__
        raise CircleCIError('Could not read private_key_path %s: %s' % (path, reason))
