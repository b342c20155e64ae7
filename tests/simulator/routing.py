# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The route table and its dispatcher.

Every ``routes_*.py`` file declares its routes as data: ``Route(method, pattern, handler)``.
A pattern is a path whose segments are literals or named placeholders:

``{name}``        one segment (percent-decoded, so ``feature%2Fx`` is ``feature/x``)
``{name:int}``    one segment of ASCII digits, passed as an int
``{name:slug}``   a v2 project slug: three segments (``gh/acme/app``), or one segment that
                  decodes to three parts (``gh%2Facme%2Fapp``); passed as ``"gh/acme/app"``
``{name:path}``   every remaining segment (at least one), decoded and joined with ``/``

The dispatcher matches the RAW request path (as sent, before any decoding), split on ``/``,
so URL-encoded slashes survive. One trailing slash is ignored. The first route whose
pattern, method and ``when`` condition match wins; routes with method ``*`` match any
method. HEAD is matched as GET.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

_PLACEHOLDER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)(?::(int|slug|path))?\}$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class Route:
    """One route: ``method`` (or ``*``), ``pattern``, ``handler(call)``.

    ``api``: ``v1``, ``v1.1``, ``v2``, ``artifacts`` or ``control`` (how errors are rendered and
    which 401 message applies); ``auth``: whether a valid token is needed before the handler
    runs; ``when``: an optional ``when(state) -> bool``; a route whose condition is false does
    not exist (HTML 404), e.g. ``pipeline/run`` on CircleCI Server 4.7.
    """

    method: str
    pattern: str
    handler: Callable
    api: str = "v1.1"
    auth: bool = True
    when: Callable | None = None
    tokens: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "tokens", compile_pattern(self.pattern))


@dataclass
class Call:
    """Everything a handler gets: the state, the matched segments and the request."""

    state: Any
    route: Route | None = None
    params: dict = field(default_factory=dict)
    method: str = "GET"
    path: str = "/"
    query: dict = field(default_factory=dict)
    body: Any = None
    role: str | None = None
    base: str = "http://127.0.0.1"
    headers: Any = field(default_factory=dict)
    form: Any = field(default_factory=dict)


def compile_pattern(pattern: str) -> tuple:
    """Pattern -> tuple of ("lit", text) / ("var", name, kind) tokens."""
    tokens = []
    parts = pattern.split("/")[1:] if pattern.startswith("/") else pattern.split("/")
    for index, part in enumerate(parts):
        match = _PLACEHOLDER.match(part)
        if match is None:
            if "{" in part or "}" in part:
                raise ValueError("bad placeholder in route pattern %r" % pattern)
            tokens.append(("lit", part))
            continue
        kind = match.group(2) or "str"
        if kind == "path" and index != len(parts) - 1:
            raise ValueError("{%s:path} must be the last segment of %r" % (match.group(1), pattern))
        tokens.append(("var", match.group(1), kind))
    return tuple(tokens)


def split_path(raw_path: str) -> list[str]:
    """Raw segments of a raw path (still percent-encoded); one trailing slash dropped."""
    segments = raw_path.split("/")[1:] if raw_path.startswith("/") else raw_path.split("/")
    if len(segments) > 1 and segments[-1] == "":
        segments = segments[:-1]
    return segments


def _decode(segment: str) -> str:
    return unquote(segment, encoding="utf-8", errors="replace")


def _match(tokens: tuple, segments: list[str], params: dict) -> dict | None:
    if not tokens:
        return params if not segments else None
    token = tokens[0]
    if token[0] == "lit":
        if not segments or _decode(segments[0]) != token[1]:
            return None
        return _match(tokens[1:], segments[1:], params)
    dummy, name, kind = token
    if not segments:
        return None
    if kind == "path":
        return dict(params, **{name: "/".join(_decode(s) for s in segments)})
    if kind == "slug":
        for width in (3, 1):
            if len(segments) < width:
                continue
            if width == 3:
                parts = [_decode(s) for s in segments[:3]]
                if any(p == "" or "/" in p for p in parts):
                    continue
            else:
                parts = _decode(segments[0]).split("/")
                if len(parts) != 3 or any(p == "" for p in parts):
                    continue
            found = _match(tokens[1:], segments[width:], dict(params, **{name: "/".join(parts)}))
            if found is not None:
                return found
        return None
    value = _decode(segments[0])
    if kind == "int":
        if not _DIGITS.match(segments[0]):
            return None
        value = int(segments[0])
    elif value == "":
        return None
    return _match(tokens[1:], segments[1:], dict(params, **{name: value}))


def match_pattern(pattern_or_tokens, raw_path: str) -> dict | None:
    """The named segments of ``raw_path`` when it matches the pattern, else None."""
    tokens = compile_pattern(pattern_or_tokens) if isinstance(pattern_or_tokens, str) else pattern_or_tokens
    return _match(tokens, split_path(raw_path), {})


class Router:
    """Matches a method and a raw path against a list of routes, first match wins."""

    def __init__(self, routes):
        self.routes = list(routes)

    def match(self, method: str, raw_path: str, state=None) -> tuple[Route, dict] | None:
        method = "GET" if method == "HEAD" else method
        segments = split_path(raw_path)
        for route in self.routes:
            if route.method not in ("*", method):
                continue
            params = _match(route.tokens, segments, {})
            if params is None:
                continue
            if route.when is not None and not route.when(state):
                continue
            return route, params
        return None

    def describe(self) -> list[tuple[str, str]]:
        """(method, pattern) of every route, in table order (for docs and tests)."""
        return [(r.method, r.pattern) for r in self.routes]
