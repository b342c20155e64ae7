# -*- coding: utf-8 -*-
# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every API v2 routes file shares: personal-token check, project lookup by slug,
page tokens, body checks, the project object."""

from __future__ import annotations

import base64
import json
import re

import data
from render import ApiError

PROJECT_NOT_FOUND = "Project not found"
NOT_FOUND = "Entity not found"
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def need_personal_token(call, about_project: bool = False) -> None:
    """Only personal API tokens work on v2: a project token gets 404 (``Project not found`` on
    project routes, ``Entity not found`` elsewhere), as if nothing were there."""
    if call.role != "user":
        raise ApiError(404, PROJECT_NOT_FOUND if about_project else NOT_FOUND)


def project_of(call, slug: str | None = None) -> dict:
    """The project of the path's slug, or 404 ``Project not found``."""
    need_personal_token(call, about_project=True)
    proj = call.state.v2_project(slug if slug is not None else call.params["slug"])
    if proj is None:
        raise ApiError(404, PROJECT_NOT_FOUND)
    return proj


def is_circleci(proj: dict) -> bool:
    """A GitHub App (or GitLab, Bitbucket Data Center) project: slug ``circleci/<org-id>/<project-id>``."""
    return proj["vcs_type"] == "circleci"


def encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode("ascii")).decode("ascii").rstrip("=")


def decode_page_token(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset = json.loads(raw.decode("ascii"))["offset"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiError(400, "Invalid page-token") from None
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ApiError(400, "Invalid page-token")
    return offset


def page(call, items: list) -> dict:
    """One page of a v2 list: ``{"items", "next_page_token"}``, ``page_size`` items per page
    (``/_sim/config``), the next page by ``?page-token=``."""
    size = call.state.config["page_size"]
    token = call.query.get("page-token")
    if isinstance(token, list):
        token = token[0]
    offset = decode_page_token(token) if token else 0
    chunk = items[offset:offset + size]
    more = offset + size < len(items)
    return {"items": chunk, "next_page_token": encode_page_token(offset + size) if more else None}


def body_object(call, allowed: set | None = None, required: bool = True) -> dict:
    """The JSON object body; 400 when it is something else or has keys outside ``allowed``."""
    body = call.body
    if body is None and not required:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    if allowed is not None:
        unknown = set(body) - allowed
        if unknown:
            raise ApiError(400, "Unexpected field(s) in the request body: " + ", ".join(sorted(unknown)))
    return body


def ser_project(state, proj: dict) -> dict:
    org = state.organization_of(proj)
    return {"id": proj["id"], "slug": state.project_slug(proj), "name": proj["name"],
            "organization_name": org["name"], "organization_slug": org["slug"], "organization_id": org["id"],
            "vcs_info": {"vcs_url": proj["vcs_url"], "provider": data.PROVIDER[proj["vcs_type"]],
                         "default_branch": proj["default_branch"]}}
