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


def mask_shown(length: int) -> int:
    """How many trailing characters the mask of a value of that length shows.

    8 or more: the last four, and 4 characters: the last two (recorded circleci.com traffic shows
    ``test`` listed and created as ``xxxxst``, in two sessions). The other lengths have never been
    recorded; what follows is an ASSUMPTION of this simulator, not a fact: 5 to 7 characters show
    the last three, 1 to 3 characters the last one, the empty value nothing. Clients must not rely
    on it (the collection accepts any rule consistent with the recorded facts).
    """
    if length >= 8:
        return 4
    if length == 4:
        return 2
    if length >= 5:
        return 3  # assumption
    return min(length, 1)  # assumption


def mask(value: str) -> str:
    """Mask a secret the way CircleCI does: xxxx + the last characters (see mask_shown)."""
    shown = mask_shown(len(value))
    return "xxxx" + (value[-shown:] if shown else "")


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

# ---------------------------------------------------------------- organizations and projects
# Fixed UUIDs (documented in README.md): API v2 shows them as ids; circleci/ slugs are made of them.
USER_ID = "6f1c2d3e-0000-4000-8000-000000004242"
ORG_GH_ACME = "688e283b-82a6-4f12-85e4-5fc6ced69c2b"
ORG_BB_ACME = "28fa6357-6997-4279-a871-3b9f793a10eb"
ORG_CLOUD = "041bf957-9fbf-4f14-8998-f6a1515102bd"
PROJ_APP = "67899bff-f2d0-43c4-a0ea-f019e733cb62"
PROJ_LIB = "3c938081-b22b-4cf6-bf0b-2283a48a89c5"
PROJ_NEWSVC = "5aebb2e3-366f-4bad-b25e-bbf687de2e3e"
PROJ_WEBAPP = "eafdaa3f-a5b1-4ccd-b9a7-77b8db20cd2f"
CTX_ORG_GLOBAL = "da6b2a35-8085-4a06-bac8-3aebf6987a25"
CTX_DEPLOY_PROD = "2a2956ec-cd9e-4b7f-82cb-0cf915eef8e0"
RESTRICTION_DEPLOY_PROD_APP = "8cf73e20-4a16-4b62-bfc1-2284c8ac30f9"

# v2 slug prefix of each vcs_type, and its provider name (vcs_info.provider)
V2_PREFIX = {"github": "gh", "bitbucket": "bb", "circleci": "circleci"}
PROVIDER = {"github": "GitHub", "bitbucket": "Bitbucket", "circleci": "GitHub"}

# Runner namespaces (orb namespaces, one per organisation) and the organisation that owns each:
# acme is gh/acme's; globex belongs to an organisation the simulator's user is not in.
ORG_GLOBEX = "9b1d3c1e-7a0f-4c55-9a51-3d2f2b6a0c11"
RUNNER_NAMESPACE_SEED = {"acme": ORG_GH_ACME, "globex": ORG_GLOBEX}
# One resource class, without tokens or runners.
RUNNER_CLASS_LINUX = "5c0f6a8e-2b1d-4e3f-9a7c-6d5e4f3a2b1c"
RUNNER_CLASS_SEED = [{"id": RUNNER_CLASS_LINUX, "resource_class": "acme/linux", "description": "Linux hosts"}]

ORG_SEED = [
    {"id": ORG_GH_ACME, "name": "acme", "vcs_type": "github", "slug": "gh/acme"},
    {"id": ORG_BB_ACME, "name": "acme", "vcs_type": "bitbucket", "slug": "bb/acme"},
    {"id": ORG_CLOUD, "name": "acme-cloud", "vcs_type": "circleci", "slug": "circleci/" + ORG_CLOUD},
]

# A circleci/ project (GitHub App integration) has its org and project UUIDs where a GitHub
# OAuth project has its org and repository names.
PROJECT_SEED = [
    {"vcs_type": "github", "username": "acme", "reponame": "app", "following": True, "default_branch": "main",
     "id": PROJ_APP, "name": "app", "organization_id": ORG_GH_ACME, "vcs_url": "https://github.com/acme/app"},
    {"vcs_type": "bitbucket", "username": "acme", "reponame": "lib", "following": True, "default_branch": "main",
     "id": PROJ_LIB, "name": "lib", "organization_id": ORG_BB_ACME, "vcs_url": "https://bitbucket.org/acme/lib"},
    {"vcs_type": "github", "username": "acme", "reponame": "newsvc", "following": False, "default_branch": "main",
     "id": PROJ_NEWSVC, "name": "newsvc", "organization_id": ORG_GH_ACME,
     "vcs_url": "https://github.com/acme/newsvc"},
    {"vcs_type": "circleci", "username": ORG_CLOUD, "reponame": PROJ_WEBAPP, "following": True,
     "default_branch": "main", "id": PROJ_WEBAPP, "name": "webapp", "organization_id": ORG_CLOUD,
     "vcs_url": "https://github.com/acme-cloud/webapp"},
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
    ("circleci", ORG_CLOUD, PROJ_WEBAPP): [("API_URL", "https://api.example.com"), ("FEATURE_FLAG", "on")],
}

CHECKOUT_KEY_SEED = {
    ("github", "acme", "app"): [
        {"public_key": SEED_CHECKOUT_PUBLIC_KEY, "type": "deploy-key", "login": None,
         "time": "2024-04-30T08:00:00.000Z"},
    ],
}

# ---------------------------------------------------------------- pipelines (API v2)
TARBALL = "home/circleci/project/dist/app-1.0.0.tar.gz"
JUNIT = "home/circleci/project/reports/junit.xml"


def default_workflows() -> list[dict]:
    """What a project's config runs when nothing else is set: build, then test."""
    return [{"name": "build-and-test", "jobs": [
        {"name": "build", "artifacts": [TARBALL]},
        {"name": "test", "requires": ["build"], "artifacts": [JUNIT]},
    ]}]


# Declared pipeline parameters (the `parameters:` of each project's config).
PARAMETER_SEED = {
    ("github", "acme", "app"): {"deploy_env": {"type": "string", "default": "staging"},
                                "run_tests": {"type": "boolean", "default": True}},
    ("circleci", ORG_CLOUD, PROJ_WEBAPP): {"deploy_env": {"type": "string", "default": "staging"}},
}

# ---------------------------------------------------------------- contexts (API v2)
CONTEXT_SEED = [
    {"id": CTX_ORG_GLOBAL, "name": "org-global", "owner_id": ORG_GH_ACME, "created_at": "2024-04-01T09:00:00.000Z",
     "variables": [("AWS_ACCESS_KEY_ID", "seed-access-key-id-0001"),
                   ("AWS_SECRET_ACCESS_KEY", "seed-secret-access-key-0002")],
     "restrictions": []},
    {"id": CTX_DEPLOY_PROD, "name": "deploy-prod", "owner_id": ORG_GH_ACME, "created_at": "2024-04-02T09:00:00.000Z",
     "variables": [("DEPLOY_TOKEN", "seed-deploy-token-0003")],
     "restrictions": [{"id": RESTRICTION_DEPLOY_PROD_APP, "restriction_type": "project",
                       "restriction_value": PROJ_APP, "name": "app"}]},
]


def sha256_fingerprint(public_key_line: str) -> str:
    """SHA-256 fingerprint as ``ssh-keygen -lf`` prints it: ``SHA256:`` + unpadded base64."""
    blob = base64.b64decode(public_key_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
