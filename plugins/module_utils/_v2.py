# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API v2 (the V2 family: client.v2): paths and page-token paging.

Paths are relative to ``/api/v2``.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

from ansible_collections.ciops.circleci.plugins.module_utils._api import Family
from ansible_collections.ciops.circleci.plugins.module_utils._checks import check_positive_int
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


class V2(Family):
    """API v2 on the CircleCI host (``client.v2``): paths relative to /api/v2, page-token lists."""

    label = 'API v2'
    prefix = '/api/v2'

    path = staticmethod(path)
    project = staticmethod(project_path)
    pipeline_run = staticmethod(pipeline_run_path)

    def project_ids(self, project, names=('id',), hints=None):
        """UUIDs of a _project.Project from one GET /project/{slug} (lower case), by field name: ``id``
        (what context restrictions and webhook scopes name a project by), ``organization_id`` (what the
        OIDC claims paths name its organisation by). The reference documents both fields."""
        path = self.project(project)
        answer = self.get(path, expect='object', hints=hints)
        ids = {}
        for name in names:
            value = field(answer, name)
            if not isinstance(value, str) or not value:
                raise CircleCIError("CircleCI answered GET %s without the project's %s" % (self.shown(path), name),
                                    method='GET', path=self.shown(path))
            ids[name] = value.lower()
        return ids

    def project_id(self, project, hints=None):
        """The UUID of a _project.Project (see project_ids). One request per call."""
        return self.project_ids(project, hints=hints)['id']

    def pages(self, api_path, params=None, hints=None, may_be_missing=False):
        """The item lists of a v2 list ({items, next_page_token}), one page at a time, following ?page-token=
        until next_page_token is null. A generator: a caller that stops early reads no further page.
        With may_be_missing, a list whose owner is missing (a JSON 404 not about the project) is one
        empty page."""
        token = None
        seen = set()
        read = self.find if may_be_missing else self.get
        while True:
            query = dict(params or {})
            if token:
                query['page-token'] = token
            page = read(api_path, params=query or None, expect='page', hints=hints)
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

    def items(self, api_path, params=None, hints=None, may_be_missing=False):
        """Every item of a v2 list, one at a time (see pages)."""
        for page in self.pages(api_path, params, hints, may_be_missing):
            yield from page

    def list_all(self, api_path, params=None, hints=None):
        """A whole list: every page of it."""
        return self.paginate(api_path, params=params, hints=hints)

    def paginate(self, api_path, params=None, limit=None, hints=None, may_be_missing=False):
        """Every item of a v2 list, or the first ``limit``: never a page more than needed."""
        if limit is not None:
            check_positive_int('limit', limit)
        return list(itertools.islice(self.items(api_path, params, hints, may_be_missing), limit))
