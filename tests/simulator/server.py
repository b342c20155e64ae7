# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line entry point of the CircleCI API simulator.

    python3 tests/simulator/server.py --port 0

prints ``http://127.0.0.1:PORT/api/v1.1`` as the first line of stdout and
serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time

import selectors

from werkzeug import serving
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from app import create_app  # noqa: E402  pylint: disable=wrong-import-position
from state import check_date, check_server_version, check_webhook_ca  # noqa: E402  pylint: disable=wrong-import-position

WEBHOOK_CA_ENV = "CIRCLECI_SIM_WEBHOOK_CA"


class _NoDrainSelector:
    """After each response Werkzeug drains the socket with a blocking read, which on a
    kept-alive connection would swallow (and wait for) the next request. The app reads
    every request body in full, so there is never anything to drain."""

    def register(self, *args, **kwargs):
        return None

    def select(self, timeout=None):  # pylint: disable=unused-argument
        return []

    def close(self):
        return None


class _SelectorsWithoutDrain:
    DefaultSelector = _NoDrainSelector
    EVENT_READ = selectors.EVENT_READ


serving.selectors = _SelectorsWithoutDrain


class KeepAliveRequestHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, as CircleCI speaks: a client's session reuses one connection."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; with Nagle on, the body waits for the
        # client's delayed ACK (~40 ms) on every kept-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_header(self, keyword, value):
        # Werkzeug closes every connection after one response; CircleCI does not,
        # and the collection's tests count connections. The app reads every request
        # body in full (app.py), which is what makes reuse safe here.
        if keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)


class QuietRequestHandler(KeepAliveRequestHandler):
    """Request handler that writes no per-request access log."""

    def log_request(self, code="-", size="-"):  # pylint: disable=unused-argument
        return None


class _RecordingList(list):
    """The request log, also keeping every entry in ``kept`` (with the time it came in)."""

    def __init__(self, kept: list):
        super().__init__()
        self.kept = kept

    def append(self, entry):
        super().append(entry)
        self.kept.append((time.time(), entry))


def record_requests(state) -> list:
    """Keep every entry of the request log from now on, across resets and DELETE /_sim/requests,
    which start a new log (SimState.reset assigns a new list). Returns the kept (time, entry) list."""
    kept: list = []
    reset = state.reset

    def reset_and_record():
        with state.lock:
            reset()
            state.requests = _RecordingList(kept)

    state.reset = reset_and_record
    with state.lock:
        state.requests = _RecordingList(kept)
    return kept


def write_request_log(path: str, kept: list) -> None:
    """The kept log as JSON lines: each entry as GET /_sim/requests shows it, plus ``time`` (epoch seconds)."""
    with open(path, "w", encoding="utf-8") as handle:
        for at, entry in kept:
            handle.write(json.dumps(dict(entry, time=round(at, 3)), sort_keys=True) + "\n")


def _date_arg(value: str) -> str:
    try:
        return check_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _server_version_arg(value: str) -> str:
    try:
        return check_server_version(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _webhook_ca_arg(value: str) -> str:
    try:
        return check_webhook_ca(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def start_server(host: str = "127.0.0.1", port: int = 0, token: str = "sim-token",
                 project_token: str = "sim-project-token", build_seconds: float = 2.0, verbose: bool = False,
                 **options):
    """Create and start a threaded server in a daemon thread; returns (server, base_url, thread).

    ``options`` go to ``create_app`` (``date``, ``server_version``, ``page_size``,
    ``compile_seconds``, ``webhook_ca``). Stop it with ``server.shutdown()``. Useful for in-process tests.
    """
    app = create_app(token=token, project_token=project_token, build_seconds=build_seconds, **options)
    handler = KeepAliveRequestHandler if verbose else QuietRequestHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    server.daemon_threads = True
    shown_host = "[%s]" % host if ":" in host else host
    base = "http://%s:%d/api/v1.1" % (shown_host, server.server_port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="circleci-simulator", daemon=True)
    thread.start()
    return server, base, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CircleCI API v1/v1.1/v2 simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="sim-token", help="user API token")
    parser.add_argument("--project-token", default="sim-project-token",
                        help="project-scoped API token (cannot create github-user-key checkout keys)")
    parser.add_argument("--build-seconds", type=float, default=2.0, help="duration of triggered builds")
    parser.add_argument("--compile-seconds", type=float, default=1.0,
                        help="how long a new v2 pipeline's workflow list stays empty")
    parser.add_argument("--date", type=_date_arg, default=None,
                        help="the simulated day, YYYY-MM-DD (default: today); from 2027-02-01 the retired "
                             "v1/v1.1 trigger, retry and ssh endpoints answer 410 Gone")
    parser.add_argument("--server-version", type=_server_version_arg, default="cloud",
                        help='"cloud" (default) or a CircleCI Server version such as 4.7 (no pipeline/run '
                             "before 4.8; no v1.1 retry/ssh on any Server)")
    parser.add_argument("--page-size", type=int, default=20, help="items per page of every v2 list")
    parser.add_argument("--webhook-ca", metavar="FILE", type=_webhook_ca_arg,
                        default=os.environ.get(WEBHOOK_CA_ENV) or None,
                        help="PEM file of the CA certificates webhook deliveries trust when the webhook "
                             "verifies TLS (default: $%s, else the system's)" % WEBHOOK_CA_ENV)
    parser.add_argument("--verbose", action="store_true", help="write an access log to stderr")
    parser.add_argument("--request-log", metavar="PATH", default=None,
                        help="on exit, write every request of the run (resets included) to PATH as JSON lines")
    args = parser.parse_args(argv)
    if args.page_size < 1:
        parser.error("--page-size must be >= 1")

    server, base, thread = start_server(args.host, args.port, args.token, args.project_token,
                                        args.build_seconds, args.verbose, date=args.date,
                                        server_version=args.server_version, page_size=args.page_size,
                                        compile_seconds=args.compile_seconds, webhook_ca=args.webhook_ca)
    kept = record_requests(server.app.config["SIM_STATE"]) if args.request_log else None
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sys.stdout.write(base + "\n")
    sys.stdout.flush()
    while not stop.wait(0.1):
        pass
    server.app.config["SIM_STATE"].deliverer.close()
    server.shutdown()
    server.server_close()
    thread.join(5)
    if kept is not None:
        write_request_log(args.request_log, kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
