# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_project_settings as mod

V2 = 'https://circleci.example/api/v2'
SETTINGS = V2 + '/project/github/acme/app/settings'
DEFAULTS = {'autocancel_builds': False, 'build_fork_prs': False, 'build_prs_only': False, 'disable_ssh': False,
            'forks_receive_secret_env_vars': False, 'oss': False, 'set_github_status': True, 'setup_workflows': False,
            'write_settings_requires_admin': False, 'pr_only_branch_overrides': ['main']}


def advanced(**changes):
    return {'advanced': dict(DEFAULTS, **changes)}


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def bodies(api):
    return [json.loads(c.request.body) for c in api.calls if c.request.body]


def test_only_the_settings_that_differ_are_sent_and_the_answer_is_returned(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced(forks_receive_secret_env_vars=True))
    # CircleCI answers the full object; something the task did not ask for (autocancel) shows as CircleCI holds it.
    api.add(responses.PATCH, SETTINGS, json=advanced(build_fork_prs=True, autocancel_builds=True))
    result = run_module(mod, dict(project_slug='gh/acme/app', build_fork_prs=True, forks_receive_secret_env_vars=False,
                                  set_github_status=True), diff=True)
    assert result['changed'] is True
    assert calls(api) == [('GET', '/project/github/acme/app/settings'), ('PATCH', '/project/github/acme/app/settings')]
    assert bodies(api) == [{'advanced': {'build_fork_prs': True, 'forks_receive_secret_env_vars': False}}]
    assert result['changes'] == ['build_fork_prs', 'forks_receive_secret_env_vars']
    assert result['settings'] == dict(DEFAULTS, build_fork_prs=True, autocancel_builds=True)
    assert result['project'] == 'github/acme/app'
    assert result['diff'] == {'before': {'build_fork_prs': False, 'forks_receive_secret_env_vars': True},
                              'after': {'build_fork_prs': True, 'forks_receive_secret_env_vars': False}}


def test_a_second_run_reads_once_and_changes_nothing(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced(build_fork_prs=True, pr_only_branch_overrides=['release', 'main']))
    result = run_module(mod, dict(project_slug='gh/acme/app', build_fork_prs=True,
                                  pr_only_branch_overrides=['main', 'release', 'main']), diff=True)
    assert result['changed'] is False and result['changes'] == []
    assert calls(api) == [('GET', '/project/github/acme/app/settings')]
    assert result['diff'] == {'before': {}, 'after': {}}


def test_no_option_only_reads(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced())
    result = run_module(mod, dict(project_slug='gh/acme/app'))
    assert result['changed'] is False and result['settings'] == DEFAULTS
    assert len(api.calls) == 1


def test_check_mode_sends_no_patch_and_predicts(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced())
    result = run_module(mod, dict(project_slug='gh/acme/app', disable_ssh=True, pr_only_branch_overrides=['main', 'rel']),
                        check_mode=True, diff=True)
    assert result['changed'] is True
    assert [m for m, p in calls(api)] == ['GET']
    assert result['changes'] == ['disable_ssh', 'pr_only_branch_overrides']
    assert result['settings'] == dict(DEFAULTS, disable_ssh=True, pr_only_branch_overrides=['main', 'rel'])
    assert result['diff'] == {'before': {'disable_ssh': False, 'pr_only_branch_overrides': ['main']},
                              'after': {'disable_ssh': True, 'pr_only_branch_overrides': ['main', 'rel']}}


def test_an_oss_circleci_did_not_apply_fails_naming_it(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced())
    # 200 and the full object, oss still false: "can also be returned when oss: true fails to set".
    api.add(responses.PATCH, SETTINGS, json=advanced(disable_ssh=True))
    result = run_module(mod, dict(project_slug='gh/acme/app', oss=True, disable_ssh=True))
    assert result['failed'] is True
    assert result['msg'] == (
        'CircleCI did not apply oss to github/acme/app: its answer to PATCH /api/v2/project/github/acme/app/settings '
        'shows oss=false (asked true); CircleCI may refuse a setting without an error (oss: a private repository, '
        'or a plan without it)')
    assert result['refused'] == ['oss']
    # What CircleCI holds now: disable_ssh was applied, so the task did change something.
    assert result['changed'] is True and result['settings']['disable_ssh'] is True and result['settings']['oss'] is False


def test_only_oss_refused_is_a_failure_without_a_change(api, run_module):
    api.add(responses.GET, SETTINGS, json=advanced())
    api.add(responses.PATCH, SETTINGS, json=advanced())
    result = run_module(mod, dict(project_slug='gh/acme/app', oss=True))
    assert result['failed'] is True and result['changed'] is False and result['refused'] == ['oss']


def test_kebab_case_answers_are_read_too(api, run_module):
    kebab = dict((k.replace('_', '-'), v) for k, v in DEFAULTS.items())
    api.add(responses.GET, SETTINGS, json={'advanced': dict(kebab, **{'disable-ssh': True})})
    result = run_module(mod, dict(project_slug='gh/acme/app', disable_ssh=True))
    assert result['changed'] is False and result['settings']['disable_ssh'] is True


def test_server_before_4_8_is_one_line_after_the_first_get(api, run_module):
    api.add(responses.GET, SETTINGS, status=404, body='<html><title>404 Not Found</title></html>',
            content_type='text/html')
    result = run_module(mod, dict(project_slug='gh/acme/app', oss=False, api_url='https://circleci.example'))
    assert result['failed'] is True
    assert result['msg'] == (
        'CircleCI at https://circleci.example has no project settings endpoint (it answered 404 (an HTML page) to '
        'GET /api/v2/project/github/acme/app/settings): project settings need circleci.com or CircleCI Server 4.8 '
        'or newer')
    assert '\n' not in result['msg']
    assert len(api.calls) == 1


def test_a_missing_project_is_not_a_missing_endpoint(api, run_module):
    api.add(responses.GET, SETTINGS, status=404, json={'message': 'Project not found'})
    result = run_module(mod, dict(project_slug='gh/acme/app', oss=False))
    assert result['failed'] is True and 'Project not found' in result['msg'] and 'Server 4.8' not in result['msg']


def test_an_answer_without_advanced_is_an_error(api, run_module):
    api.add(responses.GET, SETTINGS, json={'settings': {}})
    result = run_module(mod, dict(project_slug='gh/acme/app'))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered GET /api/v2/project/github/acme/app/settings without the advanced '
                             'settings ({"advanced": {...}})')


@pytest.mark.parametrize('args, message', [
    (dict(pr_only_branch_overrides=['']), "pr_only_branch_overrides must be a list of branch names, got ''"),
    (dict(pr_only_branch_overrides=['a\nb']), "pr_only_branch_overrides must be a list of branch names, got 'a\\nb'"),
    (dict(pr_only_branch_overrides=[['main']]), "pr_only_branch_overrides must be a list of branch names, got \"['main']\""),
    (dict(pr_only_branch_overrides=['a b']), "pr_only_branch_overrides must be a list of branch names, got 'a b'"),
    (dict(pr_only_branch_overrides=['a..b']), "pr_only_branch_overrides must be a list of branch names, got 'a..b'"),
    (dict(oss='maybe'), None),
    (dict(project_slug='gh/acme'), None),
])
def test_bad_input_is_refused_before_any_request(api, run_module, args, message):
    result = run_module(mod, dict(dict(project_slug='gh/acme/app'), **args))
    assert result['failed'] is True and '\n' not in result['msg']
    if message:
        assert result['msg'] == message
    assert len(api.calls) == 0


def test_a_circleci_project_uses_its_three_segments(api, run_module):
    slug = 'circleci/041bf957-9fbf-4f14-8998-f6a1515102bd/eafdaa3f-a5b1-4ccd-b9a7-77b8db20cd2f'
    api.add(responses.GET, V2 + '/project/' + slug + '/settings', json=advanced())
    result = run_module(mod, dict(project_slug=slug, build_fork_prs=False))
    assert result['changed'] is False and calls(api) == [('GET', '/project/%s/settings' % slug)]


def test_plan_on_its_own():
    current = dict(DEFAULTS)
    assert mod.plan_project_settings(current, {}) == {'changes': [], 'body': None}
    assert mod.plan_project_settings(current, {'oss': True, 'build_fork_prs': False}) == {
        'changes': ['oss'], 'body': {'advanced': {'oss': True}}}
    # A setting the answer did not show (None) differs from any value asked for.
    assert mod.plan_project_settings(dict(current, oss=None), {'oss': False})['changes'] == ['oss']
    assert mod.plan_project_settings(current, {'pr_only_branch_overrides': ['main', 'main']})['changes'] == []
