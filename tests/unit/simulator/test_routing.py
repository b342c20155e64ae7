# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""routing on its own: patterns, the raw-path dispatcher, and the whole client route table."""

from __future__ import annotations

import pytest

# sim_testlib puts the simulator on sys.path.
import sim_testlib  # noqa: F401  pylint: disable=unused-import

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
        assert route.api in ("v1", "v1.1", "v2", "artifacts")
        prefix = {"v1": "/api/v1/", "v1.1": "/api/v1.1/", "v2": "/api/v2/", "artifacts": "/_sim/artifacts/"}
        assert route.pattern.startswith(prefix[route.api])
    assert len([r for r in app.CLIENT_ROUTES if r.api == "v2"]) == 33
