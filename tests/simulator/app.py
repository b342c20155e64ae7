# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flask application of the CircleCI API simulator: the factory and the request glue.

``create_app(token=..., project_token=..., build_seconds=...)`` returns a Flask app whose
state lives in ``app.config['SIM_STATE']`` (state.SimState). Every request goes through one
catch-all Flask rule to the route tables of the ``routes_*.py`` files (routing.Router), which
match the *raw* request path, so URL-encoded slashes in branch names (``tree/feature%2Fx``)
survive. Client requests (everything but ``/_sim/...``; artifact downloads included) are
recorded in the request log and may hit a queued fault first. See README.md.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, quote

from flask import Flask, Response, request

import deliveries
import faults
import routes_control
import routes_v1
import routes_v2_contexts
import routes_v2_pipelines
import routes_v2_projects
import routes_v2_settings
import routes_runner
import routes_v2_webhooks
from render import ApiError, RouteNotFound, html_404, json_response, render
from routing import Call, Router
from state import SimState

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
SECRET_KEYS = {"value", "private_key", "apikey", "signing_secret", "signing-secret"}
UNAUTHORIZED = {
    "v1": "You must log in first.", "v1.1": "You must log in first.", "artifacts": "You must log in first.",
    "v2": "Credentials provided are invalid",
    # The runner API's answer to a bad token is not recorded: the simulator's choice.
    "runner": "Unauthorized",
}
CLIENT_ROUTES = (routes_v1.ROUTES + routes_v2_projects.ROUTES + routes_v2_pipelines.ROUTES + routes_v2_contexts.ROUTES
                 + routes_v2_webhooks.ROUTES + routes_v2_settings.ROUTES + routes_runner.ROUTES)


def redact(obj):
    """A request body with the values of secret keys (``value``, ``private_key``, ``apikey``, a webhook's
    ``signing_secret`` in either spelling) replaced."""
    if isinstance(obj, dict):
        return {k: ("***" if k in SECRET_KEYS and v is not None else redact(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [redact(v) for v in obj]
    return obj


def raw_path(environ: dict) -> str:
    """The request path exactly as the client sent it (percent-encoding kept), without the query."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        raw = raw.split("?", 1)[0]
        if "://" in raw:  # absolute-form request target
            raw = "/" + raw.split("://", 1)[1].split("/", 1)[-1]
        return raw
    path = environ.get("PATH_INFO", "/")
    return quote(path.encode("latin-1").decode("utf-8", "replace"), safe="/%:@!$&'()*+,;=-._~")


def query_dict(environ: dict) -> dict:
    """The query string as a dict; a parameter given once is a string, several times a list."""
    parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {k: (v[0] if len(v) == 1 else v) for k, v in parsed.items()}


def parse_body(raw: bytes):
    """The request body: parsed JSON, else text, else None when empty."""
    if not raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
    try:
        return json.loads(text)
    except ValueError:
        return text


def request_token(headers, query: dict, bearer: bool) -> str | None:
    """The token a request carries: ``Circle-Token`` header, then the Authorization header (basic
    auth user name; ``Bearer`` too when ``bearer``), then ``?circle-token=``; None when none is sent."""
    if "Circle-Token" in headers:
        return headers.get("Circle-Token", "")
    auth = headers.get("Authorization", "")
    scheme, dummy, credentials = auth.strip().partition(" ")
    if scheme.lower() == "basic" and credentials:
        auth_obj = request.authorization
        if auth_obj is not None and auth_obj.type == "basic":
            return auth_obj.username or ""
    if bearer and scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    if "circle-token" in query:
        qtok = query["circle-token"]
        return qtok if isinstance(qtok, str) else qtok[0]
    return None


def create_app(token: str = "sim-token", project_token: str = "sim-project-token",
               build_seconds: float = 2.0, *, date: str | None = None, server_version: str | None = "cloud",
               page_size: int = 20, compile_seconds: float = 1.0, clock=None, webhook_ca: str | None = None) -> Flask:
    """Create the simulator Flask app (state lives in ``app.config['SIM_STATE']``).

    ``date``: the simulated day (YYYY-MM-DD; default today): from 2027-02-01 the retired v1/v1.1
    endpoints answer 410. ``server_version``: ``cloud`` or a CircleCI Server version (``4.7``
    lacks ``pipeline/run``). ``page_size``: items per page of every v2 list.
    ``compile_seconds``: how long a new pipeline's workflow list stays empty.
    ``clock``: the monotonic clock builds and workflows progress by (tests pass a fake one).
    ``webhook_ca``: a PEM file of the CA certificates webhook deliveries trust (default: the system's).
    """
    app = Flask("circleci_simulator")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    state = SimState(build_seconds, clock=clock or time.monotonic, date=date, server_version=server_version,
                     page_size=page_size, compile_seconds=compile_seconds, webhook_ca=webhook_ca)
    app.config["SIM_STATE"] = state
    state.deliverer = deliveries.Deliverer(state)
    tokens = {token: "user", project_token: "project"}
    client_router = Router(CLIENT_ROUTES)
    control_router = Router(routes_control.ROUTES)
    app.config["SIM_ROUTERS"] = (client_router, control_router)

    def is_client_path(path: str) -> bool:
        return not path.startswith("/_sim/") or path.startswith("/_sim/artifacts/")

    def log_entry(path: str, query: dict, body) -> dict:
        log_query = {k: ("***" if k == "circle-token" else v) for k, v in query.items()}
        return {"method": request.method, "path": path, "query": log_query, "body": redact(body),
                "status": None, "token_header": "Circle-Token" in request.headers,
                "token_in_query": "circle-token" in query,
                # The client's port: requests sharing it came over one kept-alive connection.
                "connection": "%s:%s" % (request.environ.get("REMOTE_ADDR"), request.environ.get("REMOTE_PORT")),
                "user_agent": request.headers.get("User-Agent")}

    @app.before_request
    def _read_whole_body():
        path = raw_path(request.environ)
        if is_client_path(path):
            # A fault that drops the connection before the body is read: nothing can have happened.
            with state.lock:
                fault = faults.take(state.faults, request.method, path, only=faults.drops_before_read)
                if fault is not None:
                    entry = log_entry(path, query_dict(request.environ), None)
                    state.requests.append(entry)
            if fault is not None:
                faults.drop(fault, entry, request.environ)
        # Connections are kept alive (server.py): a body the handler never reads
        # would otherwise be taken for the next request line.
        request.get_data(cache=True)

    def make_call(route, params, path: str, query: dict, body, role) -> Call:
        return Call(state=state, route=route, params=params, method="GET" if request.method == "HEAD" else request.method,
                    path=path, query=query, body=body, role=role, base=request.host_url.rstrip("/"),
                    headers=request.headers, form=request.form)

    def answer(api: str, status: int, payload, headers: dict | None = None) -> Response:
        if api == "control":
            return json_response(payload, status)
        return render(status, payload, headers, accept=request.headers.get("Accept"), json_only=api in ("v2", "runner"))

    def route_client_request(path: str, query: dict, body) -> Response:
        with state.lock:
            found = client_router.match(request.method, path, state)
        if found is None:
            return html_404()
        route, params = found
        role = tokens.get(request_token(request.headers, query, bearer=route.api == "v2"))
        call = make_call(route, params, path, query, body, role)
        try:
            with state.lock:
                if route.auth and role is None:
                    raise ApiError(401, UNAUTHORIZED[route.api])
                result = route.handler(call)
        except ApiError as err:
            return answer(route.api, err.status, {"message": err.message})
        except RouteNotFound:
            return html_404()
        if isinstance(result, Response):
            return result
        return answer(route.api, *result)

    def handle_client_request(path: str) -> Response:
        query = query_dict(request.environ)
        raw = request.get_data(cache=True)
        body = parse_body(raw)
        entry = log_entry(path, query, body)
        with state.lock:
            state.requests.append(entry)
            fault = faults.take(state.faults, request.method, path)
        resp = None
        if fault is not None:
            target = path + ("?" + request.environ["QUERY_STRING"] if request.environ.get("QUERY_STRING") else "")
            echo = faults.echo_text(request.method, target, request.headers, raw) if fault.get("echo") else None
            resp = faults.answer(fault, entry, request.environ, request.headers.get("Accept"),
                                 json_only=path.startswith(("/api/v2/", "/api/v3/")), echo=echo)
        if resp is None:
            resp = route_client_request(path, query, body)
        if fault is not None and fault.get("trickle"):
            resp = faults.trickled(resp, fault["trickle"])
        entry["status"] = resp.status_code
        if fault is not None and fault.get("drop") == "after_handled":
            # The request took effect (a write is stored); the answer never leaves.
            faults.drop(fault, entry, request.environ)
        return resp

    def handle_control_request(path: str) -> Response:
        body = parse_body(request.get_data(cache=True))
        with state.lock:
            found = control_router.match(request.method, path, state)
            if found is None:
                return html_404()
            route, params = found
            call = make_call(route, params, path, query_dict(request.environ), body, None)
            result = route.handler(call)
        if isinstance(result, Response):
            return result
        return answer("control", *result)

    def dispatch(_p: str = ""):
        path = raw_path(request.environ)
        if not is_client_path(path):
            return handle_control_request(path)
        return handle_client_request(path)

    app.add_url_rule("/", "root", dispatch, methods=ALL_METHODS, provide_automatic_options=False)
    app.add_url_rule("/<path:_p>", "any", dispatch, methods=ALL_METHODS, provide_automatic_options=False)
    return app
