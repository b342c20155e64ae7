# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An API family of the client: where its paths live, how messages name them, and what a 404
means at each call site.

CircleCI serves several APIs: v1.1 (or the old GitHub-only v1) and v2 on the CircleCI host, and
the runner API on a host of its own. Each is a Family subclass (_v1.V1, _v2.V2, _runner.Runner)
bound to one CircleCIClient as ``client.v1``, ``client.v2``, ``client.runner``: a call site says
which API it talks to by the family it calls, never by a version string, and the family builds
the paths. The transport (retries, deadline, shapes, secrets) stays in _http.CircleCIClient.

What a 404 means is said at the call site, by the operation's name:

- ``get``: the thing must exist; a JSON 404 raises NotFound.
- ``find``: a get that may find nothing: a JSON 404 about the item (a variable, a key, a build)
  is None. A 404 that says the project itself is missing still fails, so that a wrong slug is
  never read as "no such variable"; ``missing_project_ok=True`` takes that as None too.
- ``delete``: the thing must exist. ``delete_if_present``: a delete that may find nothing left
  to delete; a JSON 404 is None.

An HTML 404 is never "not found": it is a wrong URL (api_url, or an endpoint the server lacks).
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils._errors import NotFound


class Family(object):
    """The operations every API family offers; subclasses set ``prefix`` and build their paths."""

    #: What messages call this API ("API v2").
    label = None

    def __init__(self, client):
        self.client = client

    # -- where paths live ----------------------------------------------------

    @property
    def root(self):
        """The host this API lives on."""
        return self.client.root

    @property
    def prefix(self):
        raise NotImplementedError

    def url(self, path):
        return self.root + self.prefix + path

    def shown(self, path):
        """The request path as messages name it."""
        return self.prefix + path

    def hint(self, method, path, status, html, message):
        """This API's own advice for an error answer, or None for the client's generic one."""
        return None

    # -- operations ----------------------------------------------------------

    def get(self, path, params=None, expect='object', hints=None):
        """GET a JSON document of the expected shape ('object', 'list', 'page', None for any)."""
        return self.client.request('GET', self, path, params=params, expect=expect, hints=hints)

    def find(self, path, params=None, expect='object', hints=None, missing_project_ok=False):
        """A GET that may find nothing: None for a JSON 404 about the item (see the module doc)."""
        try:
            return self.get(path, params=params, expect=expect, hints=hints)
        except NotFound as exc:
            if missing_project_ok or not exc.project_missing:
                return None
            raise

    def post(self, path, body=None, params=None, expect=None, hints=None, secrets=()):
        return self.client.request('POST', self, path, params=params, body=body, expect=expect, hints=hints,
                                   secrets=secrets)

    def put(self, path, body=None, params=None, expect=None, hints=None, secrets=()):
        return self.client.request('PUT', self, path, params=params, body=body, expect=expect, hints=hints,
                                   secrets=secrets)

    def patch(self, path, body=None, params=None, expect=None, hints=None, secrets=()):
        return self.client.request('PATCH', self, path, params=params, body=body, expect=expect, hints=hints,
                                   secrets=secrets)

    def delete(self, path, body=None, params=None, expect=None, hints=None):
        """DELETE what must exist: a JSON 404 raises NotFound."""
        return self.client.request('DELETE', self, path, params=params, body=body, expect=expect, hints=hints)

    def delete_if_present(self, path, body=None, params=None, expect=None, hints=None):
        """A DELETE that may find nothing left to delete: None for a JSON 404."""
        try:
            return self.delete(path, body=body, params=params, expect=expect, hints=hints)
        except NotFound:
            return None
