# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Project slugs of every kind: one parser, one canonical form, v1.1-only operations refused early."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._project import (
    Project,
    check_name,
    parse_project_slug,
    project_from_options,
)

ORG = '5d7f0c1e-1111-4a2b-8c3d-0123456789ab'
PRJ = '9a3c0c1e-2222-4a2b-8c3d-0123456789ab'


@pytest.mark.parametrize('text,parts,short', [
    ('gh/acme/app', ('github', 'acme', 'app'), 'gh/acme/app'),
    ('github/acme/app', ('github', 'acme', 'app'), 'gh/acme/app'),
    ('bb/acme/lib', ('bitbucket', 'acme', 'lib'), 'bb/acme/lib'),
    ('bitbucket/acme/lib', ('bitbucket', 'acme', 'lib'), 'bb/acme/lib'),
    (' /gh/acme/app/ ', ('github', 'acme', 'app'), 'gh/acme/app'),
    ('circleci/%s/%s' % (ORG, PRJ), ('circleci', ORG, PRJ), 'circleci/%s/%s' % (ORG, PRJ)),
    ('circleci/%s/%s' % (ORG.upper(), PRJ.upper()), ('circleci', ORG, PRJ), 'circleci/%s/%s' % (ORG, PRJ)),
])
def test_every_slug_form_parses_to_one_canonical_form(text, parts, short):
    project = parse_project_slug(text)
    assert project.parts == parts
    assert project.slug == '/'.join(parts)
    assert project.short_slug == short
    assert project.v1_reachable == (parts[0] != 'circleci')


def test_two_part_form_needs_a_default_vcs_type():
    assert parse_project_slug('acme/app', 'bitbucket').slug == 'bitbucket/acme/lib'.replace('lib', 'app')
    with pytest.raises(CircleCIError, match="^Invalid project slug 'acme/app': expected gh/acme/app"):
        parse_project_slug('acme/app')


@pytest.mark.parametrize('text,message', [
    ('', "Invalid project slug '': expected"),
    (None, 'Invalid project slug None: expected'),
    ('gh/acme', "Invalid project slug 'gh/acme': expected"),
    ('gh/acme/app/extra', "Invalid project slug 'gh/acme/app/extra': expected"),
    ('gitlab/acme/app', "'gitlab' is not one of gh, github, bb, bitbucket or circleci"),
    ('gh/acme/my app', 'project must be a name without "/", spaces or control characters'),
    ('gh/ac\tme/app', 'username must be a name without'),
    ('gh/acme/..', 'project must be a name without'),
    ('circleci/acme/app', 'a circleci/ slug is circleci/<org-uuid>/<project-uuid>'),
    ('circleci/%s/not-a-uuid' % ORG, 'a circleci/ slug is circleci/<org-uuid>/<project-uuid>'),
])
def test_bad_slugs_are_refused_with_the_accepted_forms(text, message):
    with pytest.raises(CircleCIError) as info:
        parse_project_slug(text)
    assert message in str(info.value)


@pytest.mark.parametrize('value', ['', 'b/c', 'my app', 'a\nb', 'x\x7f', '.', '..', None, 3])
def test_names_with_slash_space_or_control_characters_are_refused(value):
    with pytest.raises(CircleCIError, match='must be a name without "/", spaces or control characters'):
        check_name('project', value)


def test_project_from_options():
    assert project_from_options(project_slug='gh/acme/app').slug == 'github/acme/app'
    assert project_from_options(vcs_type='bitbucket', username='acme', project='lib').slug == 'bitbucket/acme/lib'
    assert project_from_options(vcs_type=None, username='acme', project='app').slug == 'github/acme/app'
    with pytest.raises(CircleCIError, match='project_slug names the project by itself'):
        project_from_options(project_slug='gh/acme/app', username='acme')
    with pytest.raises(CircleCIError, match='Name the project with project_slug'):
        project_from_options(username='acme')
    with pytest.raises(CircleCIError, match='username must be a name'):
        project_from_options(username='', project='app')


def test_v1_only_operations_refuse_circleci_slugs_and_name_the_v2_way():
    project = parse_project_slug('circleci/%s/%s' % (ORG, PRJ))
    with pytest.raises(CircleCIError) as info:
        project.require_v1('circleci_cache (clearing the build cache)')
    assert str(info.value) == (
        'circleci_cache (clearing the build cache) needs CircleCI API v1.1, which cannot reach circleci/%s/%s: '
        'v1.1 serves only GitHub OAuth and Bitbucket Cloud projects (gh/..., bb/...), not GitHub App, GitLab or '
        'Bitbucket Data Center projects (circleci/...); API v2 has no equivalent' % (ORG, PRJ))
    with pytest.raises(CircleCIError, match='; trigger it with circleci_pipeline$'):
        project.require_v1('circleci_build', 'trigger it with circleci_pipeline')
    gh = parse_project_slug('gh/acme/app')
    assert gh.require_v1('circleci_cache') is gh


@pytest.mark.parametrize('slug, kind', [
    ('gh/acme/app', 'classic'), ('bitbucket/acme/lib', 'classic'), ('circleci/%s/%s' % (ORG, PRJ), 'standalone'),
])
def test_each_slug_form_has_one_project_kind(slug, kind):
    assert parse_project_slug(slug).kind == kind


def test_an_operation_of_the_other_kind_is_refused_naming_the_module_to_use():
    standalone = parse_project_slug('circleci/%s/%s' % (ORG, PRJ))
    with pytest.raises(CircleCIError) as info:
        standalone.require_kind('classic', 'circleci_schedule (legacy scheduled pipelines)', 'circleci_trigger')
    assert str(info.value) == (
        'circleci_schedule (legacy scheduled pipelines) serves only GitHub OAuth and Bitbucket Cloud projects '
        '(gh/..., bb/...), not circleci/%s/%s; for this project use circleci_trigger' % (ORG, PRJ))
    classic = parse_project_slug('gh/acme/app')
    with pytest.raises(CircleCIError, match=r'^circleci_trigger serves only projects of standalone organisations: '
                                            r'GitHub App, GitLab and Bitbucket Data Center \(circleci/\.\.\.\), '
                                            r'not github/acme/app; for this project use circleci_schedule$'):
        classic.require_kind('standalone', 'circleci_trigger', 'circleci_schedule')
    assert classic.require_kind('classic', 'x', 'y') is classic
    assert standalone.require_kind('standalone', 'x', 'y') is standalone


def test_projects_compare_by_value():
    assert parse_project_slug('gh/acme/app') == Project('github', 'acme', 'app')
    assert parse_project_slug('gh/acme/app') != parse_project_slug('bb/acme/app')
    assert len(set([parse_project_slug('gh/acme/app'), parse_project_slug('github/acme/app')])) == 1
    assert repr(parse_project_slug('gh/acme/app')) == "Project('github/acme/app')"
