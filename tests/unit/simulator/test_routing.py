# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routing on its own: patterns, the raw-path dispatcher, and the whole client route table."""

from __future__ import annotations

import importlib
import os
import re

import pytest

# sim_testlib puts the simulator on sys.path.
import sim_testlib

import app  # pylint: disable=import-error
from routing import Route, Router, compile_pattern, match_pattern  # pylint: disable=import-error


def handler(call):
    return 200, call.params


def test_patterns():
    assert match_pattern("/a/{x}/b", "/a/caf%C3%A9/b") == {"x": "café"}
    assert match_pattern("/a/{n:int}", "/a/42") == {"n": 42}
    assert match_pattern("/a/{n:int}", "/a/4x") is None
    assert match_pattern("/a/{n:int}", "/a/%34") is None  # digits as sent, not encoded
    assert match_pattern("/t/{branch:path}", "/t/feature%2Fx") == {"branch": "feature/x"}
    assert match_pattern("/t/{branch:path}", "/t/feature/x") == {"branch": "feature/x"}
    assert match_pattern("/t/{branch:path}", "/t") is None
    assert match_pattern("/p/{s:slug}/e", "/p/gh/acme/app/e") == {"s": "gh/acme/app"}
    assert match_pattern("/p/{s:slug}/e", "/p/gh%2Facme%2Fapp/e") == {"s": "gh/acme/app"}
    assert match_pattern("/p/{s:slug}/e", "/p/gh%2Facme/app/e") is None
    assert match_pattern("/p/{s:slug}", "/p/gh/acme") is None
    assert match_pattern("/a/{x}", "/a/") is None
    assert match_pattern("/a/b", "/a/b/") == {}  # one trailing slash is ignored
    assert match_pattern("/a/b", "/a/b/c") is None
    for bad in ("/a/{x:float}", "/a/{p:path}/b", "/a/{x"):
        with pytest.raises(ValueError):
            compile_pattern(bad)


def test_router_order_methods_and_conditions():
    router = Router([
        Route("GET", "/x/{n:int}", handler),
        Route("GET", "/x/{name}", handler),
        Route("POST", "/y", handler, when=lambda state: state == "on"),
        Route("*", "/y", handler),
    ])
    route, params = router.match("GET", "/x/7")
    assert route.pattern == "/x/{n:int}" and params == {"n": 7}
    assert router.match("HEAD", "/x/abc")[0].pattern == "/x/{name}"
    assert router.match("PUT", "/x/7") is None
    assert router.match("POST", "/y", state="on")[0].method == "POST"
    assert router.match("POST", "/y", state="off")[0].method == "*"


def test_client_table_is_unambiguous():
    """No two client routes have the same method and pattern; every API route has a known api."""
    seen = set()
    for route in app.CLIENT_ROUTES:
        key = (route.method, route.pattern)
        assert key not in seen, key
        seen.add(key)
        assert route.api in ("v1", "v1.1", "v2", "runner", "artifacts")
        prefix = {"v1": "/api/v1/", "v1.1": "/api/v1.1/", "v2": "/api/v2/", "runner": "/api/v3/runner",
                  "artifacts": "/_sim/artifacts/"}
        assert route.pattern.startswith(prefix[route.api])


# The table is checked against what it is made of and what documents it, instead of a count of its rows:
# every routes file registered, every route reachable, every route in the README and nothing else there.
ROUTE_FILES = sorted(f[:-3] for f in os.listdir(sim_testlib.SIM_DIR) if f.startswith("routes_") and f.endswith(".py"))
SAMPLE_SEGMENTS = {"str": "sample", "int": "7", "slug": "gh/acme/app", "path": "a/b"}


def _served():
    client_router, control_router = app.create_app().config["SIM_ROUTERS"]
    return client_router, control_router


def test_every_routes_file_is_registered():
    client_router, control_router = _served()
    served = client_router.routes + control_router.routes
    assert len(ROUTE_FILES) >= 5, ROUTE_FILES
    declared = []
    for name in ROUTE_FILES:
        routes = importlib.import_module(name).ROUTES
        assert routes, "tests/simulator/%s.py declares no ROUTES" % name
        unserved = ["%s %s" % (r.method, r.pattern) for r in routes if r not in served]
        assert unserved == [], "tests/simulator/%s.py is not registered in app.py: %s" % (name, ", ".join(unserved))
        declared.extend(routes)
    stray = ["%s %s" % (r.method, r.pattern) for r in served if r not in declared]
    assert stray == [] and len(served) == len(declared), "app.py serves routes of no routes_*.py file: %s" % stray


def test_every_routes_file_has_its_tests():
    here = os.path.dirname(os.path.abspath(__file__))
    untested = [name for name in ROUTE_FILES if not os.path.isfile(os.path.join(here, "test_%s.py" % name))]
    assert untested == [], "tests/unit/simulator has no test_<file>.py for %s" % ", ".join(untested)


def sample_path(route) -> str:
    """A raw path the route's pattern matches: its literals, and a sample value for each placeholder."""
    return "/" + "/".join(token[1] if token[0] == "lit" else SAMPLE_SEGMENTS[token[2]] for token in route.tokens)


def test_every_route_is_reachable():
    """No route is shadowed by one before it: a request to it reaches it (on the default cloud simulator)."""
    client_router, control_router = _served()
    state = app.create_app().config["SIM_STATE"]
    for router in (client_router, control_router):
        for route in router.routes:
            assert route.when is None or route.when(state), "%s %s does not exist on the default simulator" % (
                route.method, route.pattern)
            # A '*' route answers every method the routes before it do not: OPTIONS, which none declares.
            method = "OPTIONS" if route.method == "*" else route.method
            found = router.match(method, sample_path(route), state)
            assert found is not None and found[0] is route, "%s %s is shadowed by %s" % (
                route.method, route.pattern, found and "%s %s" % (found[0].method, found[0].pattern))


def _shape(pattern: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", pattern.split("?", 1)[0])


def readme_routes() -> set:
    """(method, pattern shape) of every route the README's tables list: v1/v1.1 rows in both forms
    (``{project}`` is ``/project/{vcs}/{user}/{repo}`` in v1.1, ``/project/{user}/{repo}`` in v1),
    v2 rows under /api/v2, control rows as they stand."""
    with open(os.path.join(sim_testlib.SIM_DIR, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    rows, section = set(), ""
    row = re.compile(r"^\| ((?:GET|POST|PUT|PATCH|DELETE)(?: / (?:GET|POST|PUT|PATCH|DELETE))*) \| `([^`]+)`")
    for line in text.splitlines():
        if line.startswith("## "):
            section = line
        match = row.match(line)
        if not match:
            continue
        path = match.group(2)
        for method in match.group(1).split(" / "):
            if section.startswith("## API v1 / v1.1"):
                if path.startswith("{project}"):
                    rest = path[len("{project}"):]
                    rows.update([(method, _shape("/api/v1.1/project/{}/{}/{}" + rest)),
                                 (method, _shape("/api/v1/project/{}/{}" + rest))])
                else:
                    rows.update([(method, _shape("/api/v1.1" + path)), (method, _shape("/api/v1" + path))])
            elif section.startswith("## API v2"):
                rows.add((method, _shape("/api/v2" + path)))
            elif section.startswith("## Runner API"):
                rows.add((method, _shape("/api/v3" + path)))
            elif section.startswith("## Control"):
                rows.add((method, _shape(path)))
    return rows


def test_the_readme_lists_every_route_and_no_other():
    client_router, control_router = _served()
    # The '*' routes answer an unknown route under a v1/v1.1 project (the README says so in prose):
    # the project's 404 when the project does not exist, else the HTML 404 of any unknown route.
    fallbacks = [r for r in client_router.routes if r.method == "*"]
    assert all(r.api in ("v1", "v1.1") and re.search(r"/\{reponame\}(/\{rest:path\})?$", r.pattern) for r in fallbacks)
    table = set((r.method, _shape(r.pattern)) for r in client_router.routes + control_router.routes if r.method != "*")
    listed = readme_routes()
    assert sorted(table - listed) == [], "routes the README of tests/simulator does not list"
    assert sorted(listed - table) == [], "the README of tests/simulator lists routes the simulator does not have"
