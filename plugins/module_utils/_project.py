# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Project slugs of every kind, one parser.

``gh/acme/app``, ``github/acme/app``, ``bb/acme/lib``, ``bitbucket/acme/lib``
(GitHub OAuth and Bitbucket Cloud: API v1.1 and v2) and
``circleci/<org-uuid>/<project-uuid>`` (GitHub App, GitLab, Bitbucket Data
Center: API v2 only). Internal to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ciops.circleci.plugins.module_utils._checks import UUID_RE
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError


VCS_TYPES = ('github', 'bitbucket')
PROVIDERS = {'gh': 'github', 'github': 'github', 'bb': 'bitbucket', 'bitbucket': 'bitbucket', 'circleci': 'circleci'}
SHORT = {'github': 'gh', 'bitbucket': 'bb', 'circleci': 'circleci'}
# Names as they appear in a VCS URL: no '/', no whitespace, no control characters.
_BAD_NAME_RE = re.compile(r'[/\s\x00-\x1f\x7f]')
SLUG_FORMS = 'gh/acme/app, github/acme/app, bb/acme/lib or circleci/<org-uuid>/<project-uuid>'
API_VERSIONS = ('auto', 'v1.1', 'v2')


def normalize_vcs_type(vcs_type):
    value = PROVIDERS.get(vcs_type, vcs_type)
    if value not in VCS_TYPES:
        raise CircleCIError('vcs_type must be one of %s, got %r' % (', '.join(VCS_TYPES), vcs_type))
    return value


def check_name(label, value):
    """An owner or repository name: non-empty, no '/', whitespace or control characters."""
    if not isinstance(value, str) or not value or value in ('.', '..') or _BAD_NAME_RE.search(value):
        raise CircleCIError(
            '%s must be a name without "/", spaces or control characters, got %r' % (label, value))
    return value


class Project(object):
    """One CircleCI project: provider (github, bitbucket, circleci), organisation and name."""

    __slots__ = ('provider', 'org', 'name')

    def __init__(self, provider, org, name):
        self.provider = provider
        self.org = org
        self.name = name

    def __eq__(self, other):
        return isinstance(other, Project) and self.parts == other.parts

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.parts)

    def __repr__(self):
        return 'Project(%r)' % (self.slug,)

    @property
    def parts(self):
        return (self.provider, self.org, self.name)

    @property
    def slug(self):
        """The canonical form every result shows: github/acme/app, circleci/<uuid>/<uuid>."""
        return '/'.join(self.parts)

    @property
    def short_slug(self):
        """The form pipeline/run wants: gh/acme/app, bb/acme/lib, circleci/<uuid>/<uuid>."""
        return '/'.join((SHORT[self.provider], self.org, self.name))

    @property
    def v1_reachable(self):
        """API v1.1 serves only GitHub OAuth and Bitbucket Cloud projects."""
        return self.provider in VCS_TYPES

    @property
    def kind(self):
        """'classic' for GitHub OAuth and Bitbucket Cloud projects (gh/..., bb/...), 'standalone' for
        the projects of standalone organisations: GitHub App, GitLab, Bitbucket Data Center
        (circleci/...). CircleCI gives each kind its own way to schedule and to build."""
        return 'classic' if self.provider in VCS_TYPES else 'standalone'

    def require_kind(self, kind, what, instead):
        """Fail before any request when ``what`` meets a project of the other kind; ``instead`` names
        the module (or option) to use for this project."""
        if self.kind == kind:
            return self
        described = {
            'classic': 'GitHub OAuth and Bitbucket Cloud projects (gh/..., bb/...)',
            'standalone': 'projects of standalone organisations: GitHub App, GitLab and Bitbucket Data Center '
                          '(circleci/...)',
        }
        raise CircleCIError('%s serves only %s, not %s; for this project use %s'
                            % (what, described[kind], self.slug, instead))

    def require_v1(self, what, instead=None):
        """Fail before any request when an operation that exists only in v1.1 meets a circleci/ slug."""
        if self.v1_reachable:
            return self
        text = ('%s needs CircleCI API v1.1, which cannot reach %s: v1.1 serves only GitHub OAuth and '
                'Bitbucket Cloud projects (gh/..., bb/...), not GitHub App, GitLab or Bitbucket Data Center '
                'projects (circleci/...)' % (what, self.slug))
        text += '; %s' % instead if instead else '; API v2 has no equivalent'
        raise CircleCIError(text)


def parse_project_slug(slug, default_vcs_type=None):
    """'gh/acme/app', 'github/acme/app', 'circleci/<uuid>/<uuid>' (and, with default_vcs_type,
    'acme/app') -> Project. Raises CircleCIError naming the accepted forms."""
    text = slug.strip().strip('/') if isinstance(slug, str) else None
    parts = text.split('/') if text else []
    if len(parts) == 2 and default_vcs_type:
        parts = [default_vcs_type] + parts
    forms = ('username/project (with vcs_type), ' if default_vcs_type else '') + SLUG_FORMS
    if len(parts) != 3:
        raise CircleCIError('Invalid project slug %r: expected %s' % (slug, forms))
    if parts[0] not in PROVIDERS:
        raise CircleCIError('Invalid project slug %r: %r is not one of gh, github, bb, bitbucket or circleci; expected %s'
                            % (slug, parts[0], forms))
    provider = PROVIDERS[parts[0]]
    if provider == 'circleci':
        if not (UUID_RE.match(parts[1]) and UUID_RE.match(parts[2])):
            raise CircleCIError(
                'Invalid project slug %r: a circleci/ slug is circleci/<org-uuid>/<project-uuid>, '
                'as shown in the project settings of the CircleCI web app' % (slug,))
        return Project(provider, parts[1].lower(), parts[2].lower())
    return Project(provider, check_name('username', parts[1]), check_name('project', parts[2]))


def project_from_options(project_slug=None, vcs_type=None, username=None, project=None):
    """The project named by project_slug, or by vcs_type + username + project."""
    if project_slug is not None:
        if username is not None or project is not None:
            raise CircleCIError('project_slug names the project by itself: give it without username and project')
        return parse_project_slug(project_slug)
    if username is None or project is None:
        raise CircleCIError('Name the project with project_slug (e.g. gh/acme/app), or with username and project')
    return Project(normalize_vcs_type(vcs_type or 'github'), check_name('username', username),
                   check_name('project', project))


def choose_api_version(project, api_version='auto', what='This operation', v2_reason=None):
    """'v1.1' or 'v2' for an operation on ``project`` that exists in both API versions.

    ``auto`` takes v1.1 for GitHub OAuth and Bitbucket Cloud projects (gh/..., bb/...) and v2 for
    circleci/ slugs, or v2 whenever ``v2_reason`` (something only v2 can do, e.g. 'a SHA-256
    fingerprint') is given. An explicit ``v1.1`` that cannot serve fails before any request.
    """
    if api_version not in API_VERSIONS:
        raise CircleCIError('api_version must be one of %s, got %r' % (', '.join(API_VERSIONS), api_version))
    if api_version == 'v2':
        return 'v2'
    if api_version == 'v1.1':
        if v2_reason:
            raise CircleCIError('%s needs CircleCI API v2: set api_version to v2 or auto' % v2_reason)
        project.require_v1(what, 'set api_version to v2 or auto')
        return 'v1.1'
    return 'v1.1' if project.v1_reachable and not v2_reason else 'v2'
