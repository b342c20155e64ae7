# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2: paths and page-token paging.

Paths are relative to ``/api/v2``; pass them to the client with ``api='v2'``.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._fields import field
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_segment, quote_segment


def path(*segments):
    """/seg/seg/... with every segment encoded (a '/' inside a segment becomes %2F)."""
    return '/' + '/'.join(quote_segment(check_segment(s)) for s in segments)


def project_path(project, *segments):
    """/project/{provider}/{org}/{project}/... for any project (the slug's parts as three segments)."""
    return path('project', project.provider, project.org, project.name, *segments)


def pipeline_run_path(project):
    """/project/{gh|bb|circleci}/{org}/{project}/pipeline/run: three segments, short provider."""
    provider = project.short_slug.split('/', 1)[0]
    return path('project', provider, project.org, project.name, 'pipeline', 'run')


def pages(client, api_path, params=None, hints=None, missing_item_ok=False):
    """The item lists of a v2 list ({items, next_page_token}), one page at a time, following ?page-token=
    until next_page_token is null. A generator: a caller that stops early reads no further page.
    A missing item (missing_item_ok, a JSON 404 not about the project) is one empty page."""
    token = None
    seen = set()
    while True:
        query = dict(params or {})
        if token:
            query['page-token'] = token
        page = client.get(api_path, api='v2', params=query or None, expect='page', hints=hints,
                          missing_item_ok=missing_item_ok)
        if page is None:
            yield []
            return
        yield page['items']
        # The reference and the recorded answers spell it next_page_token; read through _fields as every field.
        token = field(page, 'next_page_token')
        if not token:
            return
        if token in seen:
            raise CircleCIError(
                'CircleCI answered GET /api/v2%s with the same next_page_token twice; stopped paging' % api_path,
                method='GET', path='/api/v2' + api_path)
        seen.add(token)


def items(client, api_path, params=None, hints=None, missing_item_ok=False):
    """Every item of a v2 list, one at a time (see pages)."""
    for page in pages(client, api_path, params, hints, missing_item_ok):
        yield from page


def paginate(client, api_path, params=None, limit=None, missing_item_ok=False, hints=None):
    """Every item of a v2 list, or the first ``limit``: never a page more than needed."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise CircleCIError('limit must be a positive integer, got %r' % (limit,))
    return list(itertools.islice(items(client, api_path, params, hints, missing_item_ok), limit))
