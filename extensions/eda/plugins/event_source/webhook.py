# Copyright (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ciops.circleci.webhook: receive CircleCI's signed outbound webhooks in Event-Driven Ansible.

ansible-rulebook runs this file by its path, not as a module of an importable collection, so it
uses only the standard library and aiohttp (which ansible-rulebook itself depends on): nothing
from plugins/module_utils can be imported here.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import ssl
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, NoReturn

from aiohttp import web

DOCUMENTATION = r"""
---
short_description: Receive CircleCI webhooks, verified by their signature
description:
  - An ansible-rulebook event source that listens on HTTP or HTTPS for CircleCI's outbound
    webhooks (C(workflow-completed), C(job-completed) and the web app's test C(ping)) and puts
    one event on the queue for each delivery it has verified.
  - Every delivery is verified before anything else is read from it. The C(circleci-signature)
    header is a comma-separated list of versioned signatures (C(v1=<hex>,v2=...)); only the
    C(v1) entry, the latest version this source knows, is checked, as the HMAC-SHA256 of the raw
    body keyed by one of O(signing_secrets), with a constant-time compare. Entries of other
    versions are ignored, so a header with only an unknown version is refused rather than
    downgraded. The hex digest is compared without regard to case (CircleCI sends lower case;
    upper-case hex carries the same MAC).
  - "Answers: V(202) once a delivery is verified and on the queue; V(200) for a delivery that is
    verified but not queued (a redelivery inside O(dedup_window), a C(ping) with O(ping=drop),
    an event type not in O(events)), so that CircleCI does not send it again; V(401) for a
    missing, unknown-version-only or wrong signature; V(400) for a body that is not UTF-8 JSON
    holding an object; V(413) for a body over O(max_body_bytes) (answered as soon as the
    declared length or the bytes read pass the limit; the body is never held past it); V(408)
    for a body not received within O(read_timeout); V(404) for any other path; V(405) for any
    other method than POST; V(503) when the queue is full, so that CircleCI retries later.
    Nothing reaches the queue unless the answer is V(202)."
  - CircleCI waits 10 seconds for an answer and then retries, and may deliver an event more than
    once; a redelivery keeps the payload's top-level C(id). A slow rulebook therefore never holds
    an answer back (the event is put on the queue without waiting, see O(queue_timeout)), and a
    delivery whose C(id) was queued within O(dedup_window) seconds is acknowledged but not
    queued again.
  - "The event put on the queue has three keys. C(payload): the body exactly as CircleCI sent it
    (its fields may grow at any time). C(meta.headers): the request headers, names in lower case,
    without C(circleci-signature), C(authorization), C(proxy-authorization) and C(cookie).
    C(circleci): what a rule needs without digging, every key always present (V(null) when the
    delivery does not carry it):
    C(event_type) (C(workflow-completed), C(job-completed) or C(ping), from the signed payload's
    C(type), else the C(circleci-event-type) header);
    C(delivery_id) (the payload C(id));
    C(happened_at);
    C(webhook_name);
    C(organization_name);
    C(project_slug) (the short form C(gh/acme/app), C(bb/acme/lib), or C(circleci/<org-id>/<project-id>)
    unchanged, as C(ciops.circleci) modules and lookups take it);
    C(project_slug_long) (CircleCI's C(github/acme/app));
    C(project_name);
    C(pipeline_id) (for C(ciops.circleci.circleci_artifacts) and C(ciops.circleci.circleci_pipeline_info));
    C(pipeline_number);
    C(branch), C(tag) and C(revision) (from C(pipeline.vcs) on GitHub OAuth and Bitbucket Cloud
    projects, else from C(pipeline.trigger_parameters.git): C(branch), C(tag), C(checkout_sha));
    C(workflow_id), C(workflow_name), C(workflow_status) (C(success), C(failed), C(error),
    C(canceled), C(unauthorized); V(null) in job events), C(workflow_url);
    C(job_name), C(job_number), C(job_status) (job events only)."
  - Neither a signing secret nor a signature is ever logged, at any verbosity; a refused delivery
    is logged with the reason only.
version_added: 1.1.0
author:
  - ciops maintainers
options:
  host:
    description:
      - The address to listen on. The default listens on every interface, as a rulebook activation
        in a container (EDA controller) must; use V(127.0.0.1) behind a TLS proxy on the same host.
    type: str
    default: 0.0.0.0
  port:
    description:
      - The TCP port to listen on.
    type: int
    default: 5000
  path:
    description:
      - The URL path CircleCI posts to (the path of the webhook's URL); any other path answers V(404).
        A trailing slash is ignored. The query string is not part of the path.
    type: str
    default: /circleci
  certfile:
    description:
      - A PEM certificate (chain) to serve HTTPS with. Without it the listener speaks plain HTTP,
        which CircleCI does not post to (a webhook's URL must be C(https://)); put a TLS proxy in
        front of it then.
    type: path
  keyfile:
    description:
      - The PEM private key of O(certfile), when the certificate file does not hold it.
    type: path
  password:
    description:
      - The password of an encrypted O(keyfile). Without it an encrypted key fails at start
        (it is never asked for on a terminal).
    type: str
  signing_secrets:
    description:
      - The signing secrets of the CircleCI webhook. A delivery is accepted when its C(v1)
        signature verifies with any of them, so a secret is rotated with no gap (add the new
        secret here, change it in CircleCI, then remove the old one).
      - A single string is taken as a list of one. An empty secret fails at start.
    type: list
    elements: str
    default: []
  insecure_no_signature:
    description:
      - Accept deliveries without verifying any signature. Needed, and only allowed, when
        O(signing_secrets) is empty (the source refuses to start without secrets otherwise) and
        then warned about at start, as anyone who can reach the listener can make rules fire.
      - Ignored, with a warning, when O(signing_secrets) is set.
    type: bool
    default: false
  events:
    description:
      - The event types to put on the queue. A verified delivery of another type is acknowledged
        with V(200) and dropped, so that CircleCI does not retry it.
    type: list
    elements: str
    choices: [workflow-completed, job-completed]
    default: [workflow-completed, job-completed]
  ping:
    description:
      - What to do with the test C(ping) that the CircleCI web app sends. V(drop) acknowledges it
        with V(200) and queues nothing; V(pass) queues it as an event (C(circleci.event_type) is
        C(ping)). It is verified like any delivery either way, and O(events) does not apply to it.
    type: str
    choices: [drop, pass]
    default: drop
  max_body_bytes:
    description:
      - The largest body accepted, in bytes. A larger one answers V(413); CircleCI's payloads are a
        few kilobytes.
    type: int
    default: 1048576
  read_timeout:
    description:
      - Seconds to receive a whole body. A client that sends more slowly gets V(408) and its
        connection is closed; it never delays other deliveries, which are served side by side.
    type: float
    default: 10
  dedup_window:
    description:
      - Seconds during which a delivery with the C(id) of one already queued is acknowledged with
        V(200) but not queued again. V(0) turns deduplication off. A delivery without an C(id) is
        never deduplicated.
    type: float
    default: 3600
  dedup_max_ids:
    description:
      - How many C(id)s deduplication remembers at most (the oldest are forgotten first), which
        bounds its memory (about 200 bytes each).
    type: int
    default: 10000
  queue_timeout:
    description:
      - Seconds to wait for room when ansible-rulebook's queue is full, before answering V(503).
        V(0) answers V(503) at once. At most V(9), as CircleCI waits 10 seconds for an answer.
    type: float
    default: 0
"""

EXAMPLES = r"""
# A rulebook: deploy when the build-and-deploy workflow of a release branch succeeds.
- name: Deploy from CircleCI
  hosts: all
  sources:
    - ciops.circleci.webhook:
        port: 5000
        certfile: /etc/eda/tls/listener.crt
        keyfile: /etc/eda/tls/listener.key
        signing_secrets:
          - "{{ circleci_webhook_secret }}"
        events:
          - workflow-completed
  rules:
    - name: A release is green
      condition: >-
        event.circleci.workflow_name == "build-and-deploy"
        and event.circleci.workflow_status == "success"
        and event.circleci.branch is match("release/")
      action:
        run_playbook:
          name: deploy_from_event.yml
          extra_vars:
            pipeline_id: "{{ event.circleci.pipeline_id }}"
            project_slug: "{{ event.circleci.project_slug }}"

# Rotating the secret: both verify while CircleCI is switched to the new one.
- name: Failed jobs to a ticket
  hosts: all
  sources:
    - ciops.circleci.webhook:
        host: 127.0.0.1
        port: 8443
        path: /hooks/circleci
        signing_secrets:
          - "{{ circleci_webhook_secret_new }}"
          - "{{ circleci_webhook_secret_old }}"
        events:
          - job-completed
        ping: pass
        dedup_window: 86400
  rules:
    - name: A job failed
      condition: event.circleci.job_status == "failed"
      action:
        debug:
          msg: "{{ event.circleci.job_name }} failed on {{ event.circleci.project_slug }}"
    - name: The web app's test ping
      condition: event.circleci.event_type == "ping"
      action:
        print_event:
"""

LOGGER = logging.getLogger("ciops.circleci.webhook")

# CircleCI's event types: the circleci-event-type header and the payload's `type` take these
# values, and `ping` for the web app's test delivery.
KNOWN_EVENTS = ("workflow-completed", "job-completed")
PING = "ping"
SIGNATURE_HEADER = "circleci-signature"
EVENT_TYPE_HEADER = "circleci-event-type"
# The only signature version CircleCI defines: v1=<hex of HMAC-SHA256(raw body)>. CircleCI says to
# check only the latest version one knows, so that a forged header cannot pick a weaker one.
SIGNATURE_VERSION = "v1"
_HEX_SHA256 = re.compile(r"\A[0-9a-fA-F]{64}\Z")
# Headers that never reach the event: the signature, and credentials a proxy may add.
_HIDDEN_HEADERS = frozenset((SIGNATURE_HEADER, "authorization", "proxy-authorization", "cookie"))
# CircleCI's long project slug (github/acme/app) to the short one the API and the collection's
# modules take (gh/acme/app). The same table as plugins/module_utils/_project.py's SHORT, which
# this file cannot import; tests/unit/eda checks that they agree.
SHORT_PROVIDERS = {"github": "gh", "bitbucket": "bb", "circleci": "circleci"}
# CircleCI waits 10 s for an answer; a queue wait must leave time to answer.
_MAX_QUEUE_TIMEOUT = 9.0
# Seconds aiohttp goes on discarding (never storing) the rest of a refused body, so that the client
# reads the answer instead of a connection reset; then the connection is closed.
_LINGER_SECONDS = 1.0
_SHUTDOWN_SECONDS = 2.0
_READ_CHUNK = 65536
_OPTIONS = (
    "host",
    "port",
    "path",
    "certfile",
    "keyfile",
    "password",
    "signing_secrets",
    "insecure_no_signature",
    "events",
    "ping",
    "max_body_bytes",
    "read_timeout",
    "dedup_window",
    "dedup_max_ids",
    "queue_timeout",
)


@dataclass
class Settings:
    """The checked options of one source."""

    host: str = "0.0.0.0"  # noqa: S104 - CircleCI must reach it; deliveries are verified
    port: int = 5000
    path: str = "/circleci"
    certfile: str | None = None
    keyfile: str | None = None
    password: str | None = field(default=None, repr=False)
    secrets: list[bytes] = field(default_factory=list, repr=False)
    insecure_no_signature: bool = False
    events: tuple[str, ...] = KNOWN_EVENTS
    ping: str = "drop"
    max_body_bytes: int = 1048576
    read_timeout: float = 10.0
    dedup_window: float = 3600.0
    dedup_max_ids: int = 10000
    queue_timeout: float = 0.0


def _fail(message: str) -> NoReturn:
    msg = f"ciops.circleci.webhook: {message}"
    raise ValueError(msg)


def _bool(args: dict[str, Any], name: str, default: bool) -> bool:  # noqa: FBT001
    value = args.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    _fail(f"{name} must be true or false, got {value!r}")


def _number(args: dict[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = args.get(name)
    if value is None:
        return default
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        _fail(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
    return number


def _integer(args: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = args.get(name)
    if value is None:
        return default
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        _fail(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return number


def _text(args: dict[str, Any], name: str, default: str | None) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        _fail(f"{name} must be a string, got {type(value).__name__}")
    return value


def _strings(args: dict[str, Any], name: str) -> list[Any] | None:
    value = args.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        _fail(f"{name} must be a list of strings, got {type(value).__name__}")
    return value


def _secrets(args: dict[str, Any]) -> list[bytes]:
    # Never put a secret's value into a message: name its position only.
    secrets = []
    for index, secret in enumerate(_strings(args, "signing_secrets") or []):
        if not isinstance(secret, str):
            _fail(
                f"signing_secrets[{index}] must be a string, got {type(secret).__name__} "
                "(quote a secret that YAML would read as a number)",
            )
        if not secret.strip():
            _fail(
                f"signing_secrets[{index}] is empty: give the webhook's signing secret (an empty variable?)",
            )
        secrets.append(secret.encode("utf-8"))
    return secrets


def _events(args: dict[str, Any]) -> tuple[str, ...]:
    events = _strings(args, "events")
    if events is None:
        return KNOWN_EVENTS
    if not events:
        _fail("events is empty: nothing would ever be queued; give workflow-completed and/or job-completed")
    for event in events:
        if event not in KNOWN_EVENTS:
            _fail(f"events must be among {', '.join(KNOWN_EVENTS)}, got {event!r}")
    return tuple(dict.fromkeys(events))


def settings_from_args(args: dict[str, Any]) -> Settings:
    """Check the rulebook's arguments; raise ValueError with a one-line message naming the option."""
    if not isinstance(args, dict):
        _fail(f"the source's arguments must be a mapping, got {type(args).__name__}")
    # ansible-rulebook adds arguments of its own (eda_feedback_queue): not the user's typos.
    unknown = sorted(str(name) for name in args if name not in _OPTIONS and not str(name).startswith("eda_"))
    if unknown:
        LOGGER.warning(
            "ciops.circleci.webhook: ignoring unknown option(s) %s (known: %s)",
            ", ".join(unknown),
            ", ".join(_OPTIONS),
        )
    path = _text(args, "path", "/circleci") or "/circleci"
    if not path.startswith("/"):
        _fail(f"path must start with '/', got {path!r}")
    ping = _text(args, "ping", "drop")
    if ping not in ("drop", "pass"):
        _fail(f"ping must be drop or pass, got {ping!r}")
    settings = Settings(
        host=_text(args, "host", Settings.host) or Settings.host,
        port=_integer(args, "port", Settings.port, 1, 65535),
        path=path.rstrip("/") or "/",
        certfile=_text(args, "certfile", None),
        keyfile=_text(args, "keyfile", None),
        password=_text(args, "password", None),
        secrets=_secrets(args),
        insecure_no_signature=_bool(args, "insecure_no_signature", default=False),
        events=_events(args),
        ping=ping or "drop",
        max_body_bytes=_integer(args, "max_body_bytes", Settings.max_body_bytes, 2, 1 << 30),
        read_timeout=_number(args, "read_timeout", Settings.read_timeout, 0.1, 3600),
        dedup_window=_number(args, "dedup_window", Settings.dedup_window, 0, 30 * 86400),
        dedup_max_ids=_integer(args, "dedup_max_ids", Settings.dedup_max_ids, 1, 10000000),
        queue_timeout=_number(args, "queue_timeout", Settings.queue_timeout, 0, _MAX_QUEUE_TIMEOUT),
    )
    if settings.keyfile and not settings.certfile:
        _fail("keyfile needs certfile: give the certificate to serve HTTPS with")
    if not settings.secrets and not settings.insecure_no_signature:
        _fail(
            "signing_secrets is empty: give the CircleCI webhook's signing secret, or set "
            "insecure_no_signature: true to accept unsigned deliveries from anyone who can reach the listener",
        )
    return settings


def _refuse_prompt() -> NoReturn:
    # Called by OpenSSL for an encrypted key when no password was given: never prompt on a terminal.
    msg = "the key is encrypted: give its password"
    raise ValueError(msg)


def ssl_context_from(settings: Settings) -> ssl.SSLContext | None:
    """Return the server TLS context of certfile/keyfile, or None for plain HTTP."""
    if not settings.certfile:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(
            settings.certfile,
            settings.keyfile,
            settings.password if settings.password is not None else _refuse_prompt,
        )
    except (OSError, ssl.SSLError, ValueError) as exc:
        files = settings.certfile + (f" and keyfile {settings.keyfile}" if settings.keyfile else "")
        _fail(f"cannot load certfile {files}: {exc}")
    return context


def _mapping(value: Any, key: str) -> dict[str, Any]:  # noqa: ANN401 - payload maps are open
    child = value.get(key) if isinstance(value, dict) else None
    return child if isinstance(child, dict) else {}


def _string(value: Any) -> str | None:  # noqa: ANN401
    return value if isinstance(value, str) and value else None


def _scalar(value: Any) -> str | int | float | None:  # noqa: ANN401
    if isinstance(value, bool):
        return None
    return value if isinstance(value, (str, int, float)) and value != "" else None


def short_slug(long_slug: str | None) -> str | None:
    """github/acme/app -> gh/acme/app, bitbucket/acme/lib -> bb/acme/lib; circleci/... unchanged."""
    if not long_slug:
        return None
    provider, sep, rest = long_slug.partition("/")
    short = SHORT_PROVIDERS.get(provider.lower())
    return f"{short}/{rest}" if short and sep else long_slug


def summarize(payload: dict[str, Any], event_type: str | None) -> dict[str, Any]:
    """Return what a rule needs from a delivery, every key present (None when the delivery lacks it)."""
    project = _mapping(payload, "project")
    pipeline = _mapping(payload, "pipeline")
    # GitHub OAuth and Bitbucket Cloud pipelines carry `vcs`; GitHub App, GitLab and Bitbucket Data
    # Center pipelines carry `trigger_parameters.git` instead (branch, tag, checkout_sha).
    vcs = _mapping(pipeline, "vcs")
    git = _mapping(_mapping(pipeline, "trigger_parameters"), "git")
    workflow = _mapping(payload, "workflow")
    job = _mapping(payload, "job")
    long_slug = _string(project.get("slug"))
    return {
        "event_type": event_type,
        "delivery_id": _scalar(payload.get("id")),
        "happened_at": _string(payload.get("happened_at")),
        "webhook_name": _string(_mapping(payload, "webhook").get("name")),
        "organization_name": _string(_mapping(payload, "organization").get("name")),
        "project_slug": short_slug(long_slug),
        "project_slug_long": long_slug,
        "project_name": _string(project.get("name")),
        "pipeline_id": _string(pipeline.get("id")),
        "pipeline_number": _scalar(pipeline.get("number")),
        "branch": _string(vcs.get("branch")) or _string(git.get("branch")),
        "tag": _string(vcs.get("tag")) or _string(git.get("tag")),
        "revision": _string(vcs.get("revision")) or _string(git.get("checkout_sha")),
        "workflow_id": _string(workflow.get("id")),
        "workflow_name": _string(workflow.get("name")),
        # Absent in job events: CircleCI sends the workflow's status only when it has finished.
        "workflow_status": _string(workflow.get("status")),
        "workflow_url": _string(workflow.get("url")),
        "job_name": _string(job.get("name")),
        "job_number": _scalar(job.get("number")),
        "job_status": _string(job.get("status")),
    }


def visible_headers(request: web.BaseRequest) -> dict[str, str]:
    """Return the request headers for the event: lower-case names, no signature and no credentials."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        if key in _HIDDEN_HEADERS:
            continue
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _v1_signatures(header_values: list[str]) -> list[str]:
    signatures = []
    for entry in ",".join(header_values).split(","):
        version, sep, value = entry.strip().partition("=")
        if sep and version.strip().lower() == SIGNATURE_VERSION:
            signatures.append(value.strip())
    return signatures


class RefusedError(Exception):
    """A request answered with an error status and the reason."""

    def __init__(self, status: int, reason: str, *, close: bool = False, headers: dict[str, str] | None = None) -> None:
        """Refuse with ``status`` saying ``reason``; ``close`` the connection after a body left unread."""
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.close = close
        self.headers = headers or {}


def _answer(status: int, result: str, **extra: Any) -> web.Response:  # noqa: ANN401
    return web.json_response({"result": result, **extra}, status=status)


class Receiver:
    """The request handler of one source: verify, parse, deduplicate, queue."""

    def __init__(self, settings: Settings, queue: asyncio.Queue[Any]) -> None:
        """Serve ``settings`` and put events on ``queue``."""
        self.settings = settings
        self.queue = queue
        self._seen: OrderedDict[str, float] = OrderedDict()
        # ids whose delivery is waiting for room in the queue (queue_timeout): a redelivery of one
        # waits for that outcome instead of being queued beside it.
        self._pending: dict[str, asyncio.Event] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request: 2xx once verified (and queued), 4xx or 503 with the reason."""
        try:
            return await self._handle(request)
        except RefusedError as refusal:
            # The reason names what was wrong, never a header's value.
            LOGGER.warning(
                "refused %s %s from %s (%d): %s",
                request.method,
                request.path,
                request.remote,
                refusal.status,
                refusal.reason,
            )
            response = _answer(refusal.status, refusal.reason)
            for name, value in refusal.headers.items():
                response.headers[name] = value
            if refusal.close:
                response.force_close()
            return response

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        settings = self.settings
        if (request.path.rstrip("/") or "/") != settings.path:
            raise RefusedError(404, "not found")
        if request.method != "POST":
            raise RefusedError(405, "method not allowed: CircleCI posts", headers={"Allow": "POST"})
        try:
            body = await asyncio.wait_for(self._read_body(request), settings.read_timeout)
        except asyncio.TimeoutError:
            raise RefusedError(408, f"body not received within {settings.read_timeout:g}s", close=True) from None
        self._verify(request, body)
        return await self._dispatch(request, _parse(body))

    async def _read_body(self, request: web.Request) -> bytes:
        # Refuse on the declared length before reading anything, and on the bytes read so far for a
        # chunked body: never more than one chunk past the limit is held.
        limit = self.settings.max_body_bytes
        too_large = RefusedError(413, f"body over {limit} bytes", close=True)
        if request.content_length is not None and request.content_length > limit:
            raise too_large
        chunks = []
        size = 0
        while True:
            chunk = await request.content.read(_READ_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)

    def _verify(self, request: web.Request, body: bytes) -> None:
        secrets = self.settings.secrets
        if not secrets:
            return
        values = request.headers.getall(SIGNATURE_HEADER, [])
        if not values:
            raise RefusedError(401, f"no {SIGNATURE_HEADER} header")
        candidates = _v1_signatures(values)
        if not candidates:
            raise RefusedError(401, f"no {SIGNATURE_VERSION} signature in the {SIGNATURE_HEADER} header")
        # HMAC-SHA256 of the raw bytes as received, never of a re-serialised body.
        expected = [hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii") for secret in secrets]
        for candidate in candidates:
            if not _HEX_SHA256.match(candidate):
                continue
            # Hex is case-insensitive: the same MAC in upper case is the same signature.
            received = candidate.lower().encode("ascii")
            matches = [hmac.compare_digest(digest, received) for digest in expected]
            if any(matches):
                return
        raise RefusedError(401, f"the {SIGNATURE_VERSION} signature does not match the body with any signing secret")

    async def _dispatch(self, request: web.Request, payload: dict[str, Any]) -> web.StreamResponse:
        settings = self.settings
        # The payload's type is covered by the signature; the header is not, so it is only a fallback.
        event_type = _string(payload.get("type")) or _string(request.headers.get(EVENT_TYPE_HEADER))
        delivery_id = _scalar(payload.get("id"))
        if event_type == PING:
            if settings.ping == "drop":
                LOGGER.info("acknowledged CircleCI's test ping %s (ping: drop)", delivery_id)
                return _answer(200, "ignored", reason="ping")
        elif event_type not in settings.events:
            LOGGER.info(
                "acknowledged a %s delivery %s without queueing it (events: %s)",
                event_type,
                delivery_id,
                ", ".join(settings.events),
            )
            return _answer(200, "ignored", reason="event type not in events")
        summary = summarize(payload, event_type)
        event = {"payload": payload, "circleci": summary, "meta": {"headers": visible_headers(request)}}
        key = str(delivery_id) if delivery_id is not None and settings.dedup_window > 0 else None
        return await self._enqueue(event, key, summary)

    async def _enqueue(self, event: dict[str, Any], key: str | None, summary: dict[str, Any]) -> web.StreamResponse:
        if key is not None:
            while key in self._pending:
                await self._pending[key].wait()
            if self._seen_recently(key):
                LOGGER.info("acknowledged a redelivery of %s without queueing it again", key)
                return _answer(200, "duplicate", id=key)
        # No await between the check above and put_nowait: two deliveries of one id cannot both pass.
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            if not await self._wait_for_room(event, key):
                LOGGER.warning("answered 503 to delivery %s: the rulebook's queue is full; CircleCI will retry", key)
                response = _answer(503, "queue full, retry later")
                response.headers["Retry-After"] = "5"
                return response
        if key is not None:
            self._remember(key)
        LOGGER.info(
            "queued %s %s of %s (workflow %s: %s, job %s: %s)",
            summary["event_type"],
            summary["delivery_id"],
            summary["project_slug"],
            summary["workflow_name"],
            summary["workflow_status"],
            summary["job_name"],
            summary["job_status"],
        )
        return _answer(202, "queued", id=summary["delivery_id"])

    async def _wait_for_room(self, event: dict[str, Any], key: str | None) -> bool:
        if self.settings.queue_timeout <= 0:
            return False
        waiting = asyncio.Event()
        if key is not None:
            self._pending[key] = waiting
        try:
            await asyncio.wait_for(self.queue.put(event), self.settings.queue_timeout)
        except asyncio.TimeoutError:
            return False
        finally:
            # The caller records the id before its next await, so a waiter woken here sees it.
            if key is not None:
                del self._pending[key]
            waiting.set()
        return True

    def _seen_recently(self, key: str) -> bool:
        now = time.monotonic()
        window = self.settings.dedup_window
        while self._seen:
            oldest, queued_at = next(iter(self._seen.items()))
            if now - queued_at < window:
                break
            del self._seen[oldest]
        return key in self._seen

    def _remember(self, key: str) -> None:
        self._seen[key] = time.monotonic()
        self._seen.move_to_end(key)
        while len(self._seen) > self.settings.dedup_max_ids:
            self._seen.popitem(last=False)


def _reject_constant(name: str) -> NoReturn:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


def _parse(body: bytes) -> dict[str, Any]:
    if not body:
        raise RefusedError(400, "empty body: expected a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RefusedError(400, "body is not UTF-8") from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise RefusedError(400, "body is not JSON") from None
    if not isinstance(payload, dict):
        raise RefusedError(400, f"body is JSON {type(payload).__name__}, not an object")
    return payload


async def main(queue: asyncio.Queue[Any], args: dict[str, Any]) -> None:
    """Listen for CircleCI's webhooks and put each verified delivery on ``queue`` until cancelled."""
    settings = settings_from_args(args)
    context = ssl_context_from(settings)
    if not settings.secrets:
        LOGGER.warning(
            "ciops.circleci.webhook: insecure_no_signature is true and no signing_secrets are set: "
            "deliveries are not verified, anyone who can reach %s:%d can make rules fire",
            settings.host,
            settings.port,
        )
    elif settings.insecure_no_signature:
        LOGGER.warning(
            "ciops.circleci.webhook: insecure_no_signature is ignored: "
            "signing_secrets are set, every delivery is verified",
        )
    receiver = Receiver(settings, queue)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, lingering_time=_LINGER_SECONDS, shutdown_timeout=_SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=context)
        await site.start()
        LOGGER.info(
            "ciops.circleci.webhook listening on %s://%s:%d%s for %s (%d signing secret(s))",
            "https" if context else "http",
            settings.host,
            settings.port,
            settings.path,
            ", ".join(settings.events),
            len(settings.secrets),
        )
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
