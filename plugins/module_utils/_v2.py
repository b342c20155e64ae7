# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2: paths and page-token paging.

Paths are relative to ``/api/v2``; pass them to the client with ``api='v2'``.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
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


def paginate(client, api_path, params=None, limit=None, missing_item_ok=False):
    """Every item of a v2 list ({items, next_page_token}), following ?page-token= until
    next_page_token is null or ``limit`` items are in: never a page more than needed."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise CircleCIError('limit must be a positive integer, got %r' % (limit,))
    items = []
    token = None
    seen = set()
    while limit is None or len(items) < limit:
        query = dict(params or {})
        if token:
            query['page-token'] = token
        page = client.get(api_path, api='v2', params=query or None, expect='page', missing_item_ok=missing_item_ok)
        if page is None:
            return []
        items.extend(page['items'])
        token = page.get('next_page_token')
        if not token:
            break
        if token in seen:
            raise CircleCIError(
                'CircleCI answered GET /api/v2%s with the same next_page_token twice; stopped paging' % api_path,
                method='GET', path='/api/v2' + api_path)
        seen.add(token)
    return items if limit is None else items[:limit]
