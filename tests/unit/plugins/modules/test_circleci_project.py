# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_project as mod

from .conftest import API

PROJECTS = API + '/projects'
BASE = API + '/project/github/acme/'


def project(repo, vcs='github', user='acme', following=True, **extra):
    host = 'https://github.com' if vcs == 'github' else 'https://bitbucket.org'
    out = {'vcs_url': '%s/%s/%s' % (host, user, repo), 'vcs_type': vcs, 'username': user, 'reponame': repo,
           'following': following, 'followed': following, 'default_branch': 'main', 'branches': {},
           'has_usable_key': True, 'ssh_keys': []}
    out.update(extra)
    return out


APP = project('app')
LIB = project('lib', vcs='bitbucket')
NEWSVC = project('newsvc', following=False)


def calls(api):
    return [(c.request.method, c.request.url.replace(API, '')) for c in api.calls]


# ---------------------------------------------------------------- pure functions


def test_find_project_by_fields_and_case_insensitive():
    assert mod.find_project([LIB, APP], 'github', 'ACME', 'App') is APP
    assert mod.find_project([LIB, APP], 'bitbucket', 'acme', 'lib') is LIB
    assert mod.find_project([LIB, APP], 'github', 'acme', 'lib') is None
    assert mod.find_project([], 'github', 'acme', 'app') is None
    assert mod.find_project(None, 'github', 'acme', 'app') is None


def test_find_project_from_vcs_url_only():
    old = {'vcs_url': 'https://bitbucket.org/acme/lib'}
    assert mod.entry_identity(old) == ('bitbucket', 'acme', 'lib')
    assert mod.find_project([old], 'bitbucket', 'acme', 'lib') is old
    assert mod.find_project([old], 'github', 'acme', 'lib') is None
    # An unknown host (e.g. GitHub Enterprise) without vcs_type matches on owner and name.
    ghe = {'vcs_url': 'https://git.example.com/acme/app'}
    assert mod.find_project([ghe], 'github', 'acme', 'app') is ghe


def test_find_project_vcs_alias_and_junk_entries():
    aliased = dict(APP, vcs_type='gh')
    assert mod.find_project(['junk', None, aliased], 'github', 'acme', 'app') is aliased


def test_is_following():
    assert mod.is_following(None) is False
    assert mod.is_following({'vcs_url': 'https://github.com/acme/app'}) is True
    assert mod.is_following({'following': False}) is False
    assert mod.is_following({'followed': False}) is False
    assert mod.is_following(APP) is True


@pytest.mark.parametrize('following, state, action', [
    (False, 'followed', 'follow'),
    (True, 'followed', None),
    (True, 'unfollowed', 'unfollow'),
    (False, 'unfollowed', None),
])
def test_plan_follow(following, state, action):
    assert mod.plan_follow(following, state) == action


def test_with_following_copies():
    out = mod.with_following(APP, False)
    assert out['following'] is False and out['followed'] is False
    assert APP['following'] is True
    assert 'followed' not in mod.with_following({'following': True}, False)
    assert mod.with_following(None, True) is None


# ---------------------------------------------------------------- module


def test_followed_project_needs_one_get_and_returns_its_entry(api, run_module):
    api.add(responses.GET, PROJECTS, json=[LIB, APP])
    result = run_module(mod, dict(username='acme', project='app'), diff=True)
    assert result['changed'] is False
    assert result['following'] is True
    assert result['settings'] == APP
    assert result['project'] == 'github/acme/app'  # the slug, as in every module
    assert calls(api) == [('GET', '/projects?shallow=true')]
    assert result['diff'] == {'before': {'project': 'github/acme/app', 'following': True},
                              'after': {'project': 'github/acme/app', 'following': True}}


def test_follow_posts_then_reads_settings(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    api.add(responses.POST, BASE + 'newsvc/follow', json={'following': True, 'workflow': False, 'first_build': None})
    api.add(responses.GET, BASE + 'newsvc/settings', json=dict(NEWSVC, following=True, followed=True))
    result = run_module(mod, dict(username='acme', project='newsvc'), diff=True)
    assert result['changed'] is True
    assert result['following'] is True
    assert result['settings']['reponame'] == 'newsvc'
    assert result['settings']['following'] is True
    assert result['first_build'] is None
    assert calls(api) == [('GET', '/projects?shallow=true'), ('POST', '/project/github/acme/newsvc/follow'),
                          ('GET', '/project/github/acme/newsvc/settings')]
    assert api.calls[1].request.body is None
    assert result['diff']['before']['following'] is False
    assert result['diff']['after']['following'] is True


def test_follow_check_mode_reads_settings_but_posts_nothing(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    api.add(responses.GET, BASE + 'newsvc/settings', json=NEWSVC)
    result = run_module(mod, dict(username='acme', project='newsvc'), check_mode=True)
    assert result['changed'] is True
    assert result['settings']['following'] is True  # predicted
    assert 'first_build' not in result
    assert calls(api) == [('GET', '/projects?shallow=true'), ('GET', '/project/github/acme/newsvc/settings')]


def test_follow_check_mode_unknown_project_gives_null(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    api.add(responses.GET, BASE + 'ghost/settings', status=404, json={'message': 'Project not found'})
    result = run_module(mod, dict(username='acme', project='ghost'), check_mode=True)
    assert result['changed'] is True
    assert result['settings'] is None


def test_follow_unknown_project_fails(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    api.add(responses.POST, BASE + 'ghost/follow', status=404, json={'message': 'Project not found'})
    result = run_module(mod, dict(username='acme', project='ghost'))
    assert result['failed'] is True
    assert 'CircleCI answered 404 Project not found for POST /project/github/acme/ghost/follow' in result['msg']
    assert len(api.calls) == 2


def test_unfollow_uses_the_entry_without_another_get(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP, LIB])
    api.add(responses.POST, API + '/project/bitbucket/acme/lib/unfollow', json={'following': False})
    result = run_module(mod, dict(username='acme', project='lib', vcs_type='bitbucket', state='unfollowed'))
    assert result['changed'] is True
    assert result['following'] is False
    assert result['settings']['vcs_url'] == 'https://bitbucket.org/acme/lib'
    assert result['settings']['following'] is False
    assert calls(api) == [('GET', '/projects?shallow=true'), ('POST', '/project/bitbucket/acme/lib/unfollow')]


def test_unfollow_check_mode_posts_nothing(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    result = run_module(mod, dict(username='acme', project='app', state='unfollowed'), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['settings']['following'] is False
    assert calls(api) == [('GET', '/projects?shallow=true')]
    assert result['diff']['before']['following'] is True
    assert result['diff']['after']['following'] is False


def test_already_unfollowed_reads_settings_only(api, run_module):
    api.add(responses.GET, PROJECTS, json=[APP])
    api.add(responses.GET, BASE + 'newsvc/settings', json=NEWSVC)
    result = run_module(mod, dict(username='acme', project='newsvc', state='unfollowed'))
    assert result['changed'] is False
    assert result['settings'] == NEWSVC
    assert [call[0] for call in calls(api)] == ['GET', 'GET']


def test_unfollowed_unknown_project_is_ok_and_null(api, run_module):
    api.add(responses.GET, PROJECTS, json=[])
    api.add(responses.GET, BASE + 'ghost/settings', status=404, json={'message': 'Project not found'})
    result = run_module(mod, dict(username='acme', project='ghost', state='unfollowed'))
    assert result['changed'] is False
    assert result['settings'] is None
    assert result['following'] is False


def test_same_name_on_the_other_vcs_is_not_this_project(api, run_module):
    api.add(responses.GET, PROJECTS, json=[project('app', vcs='bitbucket')])
    api.add(responses.POST, BASE + 'app/follow', json={'following': True})
    api.add(responses.GET, BASE + 'app/settings', json=APP)
    result = run_module(mod, dict(username='acme', project='app'))
    assert result['changed'] is True
    assert 'first_build' not in result


def test_non_list_projects_answer_fails_clearly(api, run_module):
    api.add(responses.GET, PROJECTS, json={'message': 'odd'})
    result = run_module(mod, dict(username='acme', project='app'))
    assert result['failed'] is True
    assert result['msg'] == 'CircleCI answered 200 for GET /projects with a JSON object where a JSON list was expected'


def test_bad_state_fails_before_any_request(api, run_module):
    result = run_module(mod, dict(username='acme', project='app', state='present'))
    assert result['failed'] is True
    assert 'value of state must be one of: followed, unfollowed' in result['msg']
    assert len(api.calls) == 0


# ---------------------------------------------------------------- CircleCI removes branches on 2026-12-07

def without_branches(entry):
    return dict((k, v) for k, v in entry.items() if k != 'branches')


@pytest.mark.parametrize('state, args, answers, sent', [
    # already followed: the light list entry is the result
    ('followed', dict(project='app'), [], [('GET', '/projects?shallow=true')]),
    # following: the settings CircleCI answers after the follow
    ('followed', dict(project='newsvc'), [
        (responses.POST, BASE + 'newsvc/follow', {'following': True, 'workflow': False, 'first_build': None}),
        (responses.GET, BASE + 'newsvc/settings', without_branches(dict(NEWSVC, following=True, followed=True)))],
     [('GET', '/projects?shallow=true'), ('POST', '/project/github/acme/newsvc/follow'),
      ('GET', '/project/github/acme/newsvc/settings')]),
    ('unfollowed', dict(project='app'), [(responses.POST, BASE + 'app/unfollow', {'following': False})],
     [('GET', '/projects?shallow=true'), ('POST', '/project/github/acme/app/unfollow')]),
    ('unfollowed', dict(project='newsvc'), [(responses.GET, BASE + 'newsvc/settings', without_branches(NEWSVC))],
     [('GET', '/projects?shallow=true'), ('GET', '/project/github/acme/newsvc/settings')]),
])
def test_works_without_branches_and_asks_for_the_light_list(api, run_module, state, args, answers, sent):
    api.add(responses.GET, PROJECTS, json=[without_branches(LIB), without_branches(APP)],
            match=[responses.matchers.query_param_matcher({'shallow': 'true'})])
    for method, url, body in answers:
        api.add(method, url, json=body)
    result = run_module(mod, dict(args, username='acme', state=state), diff=True)
    assert 'failed' not in result, result
    assert result['changed'] is (len(sent) > 1 and sent[1][0] == 'POST')
    assert result['following'] is (state == 'followed')
    assert 'branches' not in result['settings']
    assert result['settings']['default_branch'] == 'main'
    assert result['settings']['following'] is (state == 'followed')
    assert calls(api) == sent
