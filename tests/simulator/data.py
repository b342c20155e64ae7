# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed data and pure helpers (masking, keys, artifacts) for the CircleCI API simulator."""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import re
import tarfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

# Fixed public key of the seeded checkout key (deterministic seed data).
SEED_CHECKOUT_PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDQCBDySm+9hClbiKIKvKJMg3NUZ+ay2AQibaoUSidl/Y+rg2gCvxmrqM2gn146kgX7sCIhU"
    "P/Uh2VQ39K+mm/kYftEqLQKVT8tKgIjq6uiBI7GysP5YM+HCLAYhA9v1cNZDjc8YcAHPlCf9kS85qRrXKX63nl8VZ2ijeE59w36IHLXs1Hh"
    "Nr/ixLgWGydxcvydOT/AWTH2UjicUQYK3kWWbSvWhNYnN6EyNWV6ET7z/JAbO5z68VtDUE7F0hu7g1TfSL/1jU/JFd0GWBqDYJ7iGtwfYeiJ"
    "mDk/pN4yKRcgj/DU7+bhIL3lFtd2ar7lQPiLnHwWval2Y+jiFRNatPcV\n"
)

ENVVAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEROKU_KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,}$")

VCS_ALIASES = {"github": "github", "gh": "github", "bitbucket": "bitbucket", "bb": "bitbucket"}
VCS_SLUG = {"github": "gh", "bitbucket": "bb"}
VCS_HOST = {"github": "https://github.com", "bitbucket": "https://bitbucket.org"}

SEED_EPOCH = datetime.datetime(2024, 5, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)

INVALID_PRIVATE_KEY = "it looks like private key is invalid key.  Double check"


def iso(dt: datetime.datetime | None) -> str | None:
    """ISO-8601 UTC timestamp with milliseconds and a Z suffix."""
    if dt is None:
        return None
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def mask(value: str) -> str:
    """Mask a secret the way CircleCI does: xxxx + the last four characters."""
    return "xxxx" + (value[-4:] if value else "")


def md5_fingerprint(public_key_line: str) -> str:
    """Legacy MD5 fingerprint (as printed by ``ssh-keygen -E md5 -lf``, without ``MD5:``)."""
    blob = base64.b64decode(public_key_line.split()[1])
    digest = hashlib.md5(blob).hexdigest()  # nosec - legacy fingerprint format, not security
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def revision_for(*parts: object) -> str:
    """Deterministic fake 40-hex git revision."""
    return hashlib.sha1("/".join(str(p) for p in parts).encode("utf-8")).hexdigest()  # nosec


def generate_public_key(algorithm: str = "ed25519") -> str:
    """Generate a fresh key pair and return the OpenSSH public key line (with trailing newline)."""
    if algorithm == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return line.decode("ascii") + "\n"


def public_key_from_private(private_key: str) -> str:
    """Derive the OpenSSH public key line from a PEM (PKCS#1/PKCS#8/SEC1) or OpenSSH private key.

    Raises ValueError for anything invalid, unsupported or passphrase protected.
    """
    data = private_key.strip().encode("utf-8") + b"\n"
    try:
        if b"BEGIN OPENSSH PRIVATE KEY" in data:
            key = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
        line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from exc
    except Exception as exc:  # pylint: disable=broad-except  # e.g. UnsupportedAlgorithm
        raise ValueError(str(exc)) from exc
    return line.decode("ascii")


def artifact_content(path: str, build_num: int) -> tuple[bytes, str]:
    """Deterministic artifact bytes and content type for an artifact path."""
    if path.endswith(".tar.gz") or path.endswith(".tgz"):
        version = ("1.0.%d\n" % build_num).encode("ascii")
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            info = tarfile.TarInfo("VERSION")
            info.size = len(version)
            info.mtime = 1714557600
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(version))
        return gzip.compress(raw.getvalue(), mtime=0), "application/gzip"
    if path.endswith(".xml"):
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<testsuite name="app" tests="2" failures="0"><testcase classname="app.tests" name="test_ok"/>'
            '</testsuite>\n'
        )
        return text.encode("utf-8"), "application/xml"
    return ("artifact %s of build %d\n" % (path, build_num)).encode("utf-8"), "text/plain; charset=utf-8"


def default_artifact_paths(count: int) -> list[str]:
    """Artifact paths of a seeded build (``count`` of them)."""
    base = [
        "home/circleci/project/dist/app-1.0.0.tar.gz",
        "home/circleci/project/reports/junit.xml",
        "home/circleci/project/logs/build.log",
    ]
    paths = base[:count]
    for i in range(len(paths), count):
        paths.append("home/circleci/project/extra/file-%d.txt" % i)
    return paths


def passing_tests() -> list[dict]:
    return [
        {"name": "test_login", "classname": "app.tests.test_auth", "file": "tests/test_auth.py",
         "result": "success", "run_time": 0.012, "message": None, "source": "pytest"},
        {"name": "test_logout", "classname": "app.tests.test_auth", "file": "tests/test_auth.py",
         "result": "success", "run_time": 0.008, "message": None, "source": "pytest"},
    ]


def failing_tests() -> list[dict]:
    tests = passing_tests()
    tests.append({"name": "test_login_redirect", "classname": "app.tests.test_auth", "file": "tests/test_auth.py",
                  "result": "failed", "run_time": 0.031, "message": "AssertionError: expected 302, got 200",
                  "source": "pytest"})
    return tests


USER_SEED = {
    "login": "demo",
    "name": "Demo User",
    "selected_email": "demo@example.com",
    "all_emails": ["demo@example.com", "demo@users.noreply.github.com"],
    "avatar_url": "https://avatars.example.com/u/4242?v=4",
    "github_id": 4242,
    "bitbucket": None,
    "gravatar_id": None,
    "admin": False,
    "dev_admin": False,
    "basic_email_prefs": "smart",
    "sign_in_count": 17,
    "github_oauth_scopes": ["user:email", "repo"],
    "analytics_id": "6f1c2d3e-0000-4000-8000-000000004242",
    "pusher_id": "0123456789abcdef0123456789abcdef01234567",
    "created_at": "2019-03-14T09:26:53.589Z",
    "trial_end": "2019-03-28T09:26:53.589Z",
    "days_left_in_trial": 0,
    "in_beta_program": False,
    "enrolled_betas": [],
    "parallelism": 1,
    "containers": 1,
    "bitbucket_authorized": True,
    "plan": None,
    "organization_prefs": {},
}

# (vcs_type, username, reponame, followed, default_branch)
PROJECT_SEED = [
    ("github", "acme", "app", True, "main"),
    ("bitbucket", "acme", "lib", True, "main"),
    ("github", "acme", "newsvc", False, "main"),
]

# Builds of the seed: (vcs, user, repo, branch, outcome, artifact_count, tests)
BUILD_SEED = [
    ("github", "acme", "app", "main", "success", 2, "pass"),
    ("github", "acme", "app", "feature/login", "failed", 2, "fail"),
    ("github", "acme", "app", "main", "success", 3, "pass"),
    ("github", "acme", "app", "feature/login", "success", 2, "pass"),
    ("github", "acme", "app", "docs", "success", 0, "none"),
    ("github", "acme", "app", "main", "success", 2, "pass"),
    ("bitbucket", "acme", "lib", "main", "success", 1, "pass"),
    ("bitbucket", "acme", "lib", "main", "failed", 1, "fail"),
]

ENVVAR_SEED = {
    ("github", "acme", "app"): [("AWS_REGION", "eu-west-1"), ("SHORT", "R")],
}

CHECKOUT_KEY_SEED = {
    ("github", "acme", "app"): [
        {"public_key": SEED_CHECKOUT_PUBLIC_KEY, "type": "deploy-key", "login": None,
         "time": "2024-04-30T08:00:00.000Z"},
    ],
}
