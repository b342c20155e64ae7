# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.ciops.circleci.plugins.modules import circleci_webhook as mod
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._webhooks import normalize_webhook

from .conftest import OMIT

V2 = 'https://circleci.example/api/v2'
PROJECT_ID = '67899bff-f2d0-43c4-a0ea-f019e733cb62'
HOOK_ID = '3f1c2a9e-5b7d-4e8f-a0b1-c2d3e4f5a6b7'
SECRET = 'hook-Secret-7731-xyz'
LIST = '/webhook?scope-id=%s&scope-type=project' % PROJECT_ID
ARGS = dict(project_slug='gh/acme/app', name='eda', url='https://eda.example.com/hook', events=['workflow-completed'],
            signing_secret=SECRET)


def webhook(**changes):
    """A webhook as circleci.com is reported to answer: snake_case keys, the secret shown as ****."""
    out = {'id': HOOK_ID, 'name': 'eda', 'events': ['workflow-completed'], 'url': 'https://eda.example.com/hook',
           'verify_tls': True, 'signing_secret': '****', 'scope': {'id': PROJECT_ID, 'type': 'project'},
           'created_at': '2026-12-01T10:00:00.000Z', 'updated_at': '2026-12-01T10:00:00.000Z'}
    out.update(changes)
    return out


def other(index):
    return webhook(id='00000000-0000-4000-8000-00000000000%d' % index, name='other-%d' % index)


def page(items, token=None):
    return {'items': items, 'next_page_token': token}


def calls(api):
    return [(c.request.method, c.request.url.replace(V2, '')) for c in api.calls]


def bodies(api):
    return [json.loads(c.request.body) for c in api.calls if c.request.body]


def add_reads(api, items, token=None):
    api.add(responses.GET, V2 + '/project/github/acme/app', json={'id': PROJECT_ID.upper(), 'slug': 'gh/acme/app'})
    api.add(responses.GET, V2 + '/webhook', json=page(items, token))


def shown(result):
    """Everything a user could see of a result."""
    return json.dumps(result)


# ---------------------------------------------------------------- create

def test_create_sends_both_spellings_and_returns_the_webhook_without_the_secret(api, run_module):
    add_reads(api, [other(1)])
    api.add(responses.POST, V2 + '/webhook', status=201, json=webhook())
    result = run_module(mod, dict(ARGS), diff=True)
    assert result['changed'] is True
    assert calls(api) == [('GET', '/project/github/acme/app'), ('GET', LIST), ('POST', '/webhook')]
    assert bodies(api) == [{
        'name': 'eda', 'events': ['workflow-completed'], 'url': 'https://eda.example.com/hook',
        'verify_tls': True, 'verify-tls': True, 'signing_secret': SECRET, 'signing-secret': SECRET,
        'scope': {'id': PROJECT_ID, 'type': 'project'}}]
    assert result['webhook'] == {
        'id': HOOK_ID, 'name': 'eda', 'url': 'https://eda.example.com/hook', 'events': ['workflow-completed'],
        'verify_tls': True, 'signing_secret_set': True, 'scope': {'id': PROJECT_ID, 'type': 'project'},
        'created_at': '2026-12-01T10:00:00.000Z', 'updated_at': '2026-12-01T10:00:00.000Z'}
    assert result['project_id'] == PROJECT_ID
    assert result['changes'] == [] and result['secret_unset'] is False and result['warnings'] == []
    assert result['diff'] == {'before': {}, 'after': {
        'name': 'eda', 'url': 'https://eda.example.com/hook', 'events': ['workflow-completed'], 'verify_tls': True,
        'signing_secret_set': True}}
    assert SECRET not in shown(result) and '****' not in shown(result)


def test_create_without_a_secret_sends_an_empty_one(api, run_module):
    add_reads(api, [])
    api.add(responses.POST, V2 + '/webhook', status=201, json=webhook(signing_secret='', verify_tls=False,
                                                                      events=['job-completed', 'workflow-completed']))
    args = dict(ARGS, verify_tls=False, events=['job-completed', 'workflow-completed', 'job-completed'])
    del args['signing_secret']
    result = run_module(mod, args)
    body = bodies(api)[0]
    assert body['events'] == ['job-completed', 'workflow-completed']
    assert (body['verify_tls'], body['verify-tls'], body['signing_secret'], body['signing-secret']) == (False, False, '', '')
    # No secret was asked for: none shown is no failure.
    assert result['secret_unset'] is False and result['warnings'] == []
    assert result['webhook']['signing_secret_set'] is False


def test_check_mode_creates_nothing_and_predicts_the_webhook(api, run_module):
    add_reads(api, [])
    result = run_module(mod, dict(ARGS), check_mode=True, diff=True)
    assert [m for m, p in calls(api)] == ['GET', 'GET']
    assert result['changed'] is True
    assert result['webhook'] == {
        'id': None, 'name': 'eda', 'url': 'https://eda.example.com/hook', 'events': ['workflow-completed'],
        'verify_tls': True, 'signing_secret_set': True, 'scope': {'id': PROJECT_ID, 'type': 'project'},
        'created_at': None, 'updated_at': None}
    assert result['diff']['after']['signing_secret_set'] is True and result['diff']['before'] == {}


def test_a_sixth_webhook_is_refused_before_the_post(api, run_module):
    add_reads(api, [other(i) for i in range(1, 6)])
    result = run_module(mod, dict(ARGS))
    assert result['failed'] is True
    assert [m for m, p in calls(api)] == ['GET', 'GET']
    assert result['msg'] == (
        "the project has 5 webhooks already ('other-1', 'other-2', 'other-3', 'other-4', 'other-5'); CircleCI allows "
        "at most 5 per project: delete one (state=absent) before adding 'eda'")


def test_the_limit_is_said_in_check_mode_too(api, run_module):
    add_reads(api, [other(i) for i in range(1, 6)])
    result = run_module(mod, dict(ARGS), check_mode=True)
    assert result['failed'] is True and 'at most 5 per project' in result['msg']


def test_five_webhooks_do_not_stop_an_update_of_one_of_them(api, run_module):
    add_reads(api, [other(i) for i in range(1, 5)] + [webhook(url='https://old.example.com/hook')])
    api.add(responses.PUT, V2 + '/webhook/' + HOOK_ID, json=webhook())
    result = run_module(mod, dict(ARGS))
    assert result['changed'] is True and result['changes'] == ['url']


def test_every_page_of_the_list_is_read(api, run_module):
    add_reads(api, [other(1)], token='p2')
    api.add(responses.GET, V2 + '/webhook', json=page([webhook()]))
    result = run_module(mod, dict(ARGS))
    assert result['changed'] is False
    assert calls(api)[2] == ('GET', LIST + '&page-token=p2')


# ---------------------------------------------------------------- idempotence and updates

def test_second_run_only_reads(api, run_module):
    # The events in another order, and a repeat, are the same set.
    add_reads(api, [other(1), webhook(events=['job-completed', 'workflow-completed'])])
    result = run_module(mod, dict(ARGS, events=['workflow-completed', 'job-completed', 'job-completed']), diff=True)
    assert result['changed'] is False
    assert [m for m, p in calls(api)] == ['GET', 'GET']
    assert result['changes'] == [] and result['warnings'] == []
    assert result['webhook'] == normalize_webhook(webhook(events=['job-completed', 'workflow-completed']))
    assert result['diff']['before'] == result['diff']['after']


def test_update_sends_every_compared_field_and_reports_those_that_differ(api, run_module):
    add_reads(api, [webhook(url='https://old.example.com/hook', verify_tls=False)])
    api.add(responses.PUT, V2 + '/webhook/' + HOOK_ID, json=webhook(updated_at='2026-12-02T10:00:00.000Z'))
    result = run_module(mod, dict(ARGS), diff=True)
    assert result['changed'] is True
    assert calls(api)[2] == ('PUT', '/webhook/' + HOOK_ID)
    # The secret is not written: CircleCI shows one (****), and update_secret is never.
    assert bodies(api) == [{'name': 'eda', 'events': ['workflow-completed'], 'url': 'https://eda.example.com/hook',
                            'verify_tls': True, 'verify-tls': True}]
    assert result['changes'] == ['url', 'verify_tls']
    assert result['webhook']['updated_at'] == '2026-12-02T10:00:00.000Z'
    assert result['diff']['before']['url'] == 'https://old.example.com/hook'
    assert result['diff']['before']['verify_tls'] is False
    assert result['diff']['after']['url'] == 'https://eda.example.com/hook'


def test_events_are_compared_as_a_set(api, run_module):
    add_reads(api, [webhook()])
    api.add(responses.PUT, V2 + '/webhook/' + HOOK_ID, json=webhook(events=['workflow-completed', 'job-completed']))
    result = run_module(mod, dict(ARGS, events=['workflow-completed', 'job-completed']))
    assert result['changes'] == ['events']
    assert bodies(api)[0]['events'] == ['workflow-completed', 'job-completed']


def test_check_mode_update_sends_nothing_and_predicts(api, run_module):
    add_reads(api, [webhook(url='https://old.example.com/hook')])
    result = run_module(mod, dict(ARGS), check_mode=True)
    assert [m for m, p in calls(api)] == ['GET', 'GET']
    assert result['changed'] is True and result['changes'] == ['url']
    assert result['webhook'] == normalize_webhook(webhook())


def test_a_changed_secret_cannot_be_seen_and_is_not_written_by_default(api, run_module):
    add_reads(api, [webhook()])
    result = run_module(mod, dict(ARGS, signing_secret='another-secret-0042'))
    assert result['changed'] is False
    assert [m for m, p in calls(api)] == ['GET', 'GET']


def test_update_secret_always_writes_the_secret_every_run(api, run_module):
    add_reads(api, [webhook()])
    api.add(responses.PUT, V2 + '/webhook/' + HOOK_ID, json=webhook())
    result = run_module(mod, dict(ARGS, update_secret='always'), diff=True)
    assert result['changed'] is True and result['changes'] == ['signing_secret']
    body = bodies(api)[0]
    assert body['signing_secret'] == SECRET and body['signing-secret'] == SECRET
    # The diff cannot show a secret: before and after are alike although the task changed it.
    assert result['diff']['before'] == result['diff']['after']
    assert SECRET not in shown(result)


def test_update_secret_always_without_a_secret_changes_nothing(api, run_module):
    add_reads(api, [webhook()])
    args = dict(ARGS, update_secret='always')
    del args['signing_secret']
    result = run_module(mod, args)
    assert result['changed'] is False and len(api.calls) == 2


def test_a_webhook_shown_without_a_secret_gets_it_whatever_update_secret_says(api, run_module):
    # As a webhook created with the key spelt signing-secret alone would show.
    add_reads(api, [webhook(signing_secret='')])
    api.add(responses.PUT, V2 + '/webhook/' + HOOK_ID, json=webhook())
    result = run_module(mod, dict(ARGS), diff=True)
    assert result['changed'] is True and result['changes'] == ['signing_secret']
    body = bodies(api)[0]
    assert body['signing_secret'] == SECRET and body['signing-secret'] == SECRET
    assert result['secret_unset'] is False and result['warnings'] == []
    assert result['diff']['before']['signing_secret_set'] is False
    assert result['diff']['after']['signing_secret_set'] is True


def test_check_mode_reports_a_webhook_shown_without_its_secret(api, run_module):
    add_reads(api, [webhook(signing_secret='')])
    result = run_module(mod, dict(ARGS), check_mode=True)
    assert [m for m, p in calls(api)] == ['GET', 'GET']
    assert result['changed'] is True and result['changes'] == ['signing_secret']
    assert result['secret_unset'] is True
    assert result['warnings'] == [
        "CircleCI shows no signing secret for the webhook 'eda' although signing_secret is given: its deliveries are "
        "not signed (as happens to a webhook created with the key spelt signing-secret alone). A run without check "
        "mode writes the secret."]


@pytest.mark.parametrize('answer_secret', ['', None])
def test_a_create_answered_without_a_secret_is_reported(api, run_module, answer_secret):
    add_reads(api, [])
    answer = webhook(signing_secret=answer_secret) if answer_secret is not None else webhook()
    if answer_secret is None:
        del answer['signing_secret']
    api.add(responses.POST, V2 + '/webhook', status=201, json=answer)
    result = run_module(mod, dict(ARGS))
    assert result['changed'] is True
    if answer_secret == '':
        assert result['secret_unset'] is True and result['webhook']['signing_secret_set'] is False
        assert result['warnings'] == [
            "CircleCI shows no signing secret for the webhook 'eda' although this task sent one (as signing_secret and "
            "signing-secret): its deliveries are not signed. Set the secret in the CircleCI web app "
            "(Project Settings > Webhooks)."]
    else:
        # An answer that shows neither **** nor "" says nothing about the secret: nothing is reported.
        assert result['secret_unset'] is False and result['webhook']['signing_secret_set'] is None
        assert result['warnings'] == []


def test_fields_are_read_in_either_spelling(api, run_module):
    # The published reference's spelling: verify-tls, signing-secret, created-at.
    hyphenated = {'id': HOOK_ID, 'name': 'eda', 'events': ['workflow-completed'], 'url': 'https://eda.example.com/hook',
                  'verify-tls': False, 'signing-secret': '', 'scope': {'id': PROJECT_ID, 'type': 'project'},
                  'created-at': '2026-12-01T10:00:00.000Z', 'updated-at': '2026-12-01T11:00:00.000Z'}
    add_reads(api, [hyphenated])
    result = run_module(mod, dict(ARGS, verify_tls=False), check_mode=True)
    assert result['changes'] == ['signing_secret']
    assert result['webhook']['verify_tls'] is False
    assert result['webhook']['created_at'] == '2026-12-01T10:00:00.000Z'
    assert result['webhook']['updated_at'] == '2026-12-01T11:00:00.000Z'
    assert result['secret_unset'] is True


def test_an_answer_without_verify_tls_is_not_compared_on_it(api, run_module):
    answer = webhook()
    del answer['verify_tls']
    add_reads(api, [answer])
    result = run_module(mod, dict(ARGS, verify_tls=False))
    assert result['changed'] is False


def test_a_write_answered_without_an_id_fails(api, run_module):
    add_reads(api, [])
    api.add(responses.POST, V2 + '/webhook', status=201, json={'message': 'ok'})
    result = run_module(mod, dict(ARGS))
    assert result['failed'] is True
    assert result['msg'] == 'CircleCI answered POST /api/v2/webhook without the webhook id'


def test_a_refusal_of_circleci_names_the_request_and_the_admin_rule(api, run_module):
    add_reads(api, [])
    api.add(responses.POST, V2 + '/webhook', status=403, json={'message': 'Permission denied'})
    result = run_module(mod, dict(ARGS))
    assert result['failed'] is True
    assert result['msg'] == ('CircleCI answered 403 Permission denied for POST /api/v2/webhook: managing webhooks '
                             'needs the personal API token of an organization admin')
    assert SECRET not in shown(result)


def test_an_echoed_secret_is_scrubbed_in_every_spelling(api, run_module):
    add_reads(api, [])
    echo = json.dumps({'signing_secret': SECRET, 'signing-secret': SECRET})
    api.add(responses.POST, V2 + '/webhook', status=400, json={'message': 'bad body %s' % echo})
    result = run_module(mod, dict(ARGS))
    assert result['failed'] is True and 'CircleCI answered 400' in result['msg']
    assert SECRET not in shown(result)


def test_two_webhooks_of_one_name_are_refused(api, run_module):
    add_reads(api, [webhook(), webhook(id='11111111-2222-4333-8444-555555555555')])
    result = run_module(mod, dict(ARGS))
    assert result['failed'] is True
    assert result['msg'].startswith("the project has 2 webhooks named 'eda' (ids %s, 11111111-" % HOOK_ID)
    assert len(api.calls) == 2


# ---------------------------------------------------------------- absent

def test_absent_deletes_the_webhook(api, run_module):
    add_reads(api, [other(1), webhook()])
    api.add(responses.DELETE, V2 + '/webhook/' + HOOK_ID, json={'message': 'Webhook deleted.'})
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent'), diff=True)
    assert result['changed'] is True
    assert calls(api)[2] == ('DELETE', '/webhook/' + HOOK_ID)
    assert result['webhook'] is None
    assert result['deleted'] == [normalize_webhook(webhook())]
    assert result['diff'] == {'before': {'name': 'eda', 'url': 'https://eda.example.com/hook', 'events': ['workflow-completed'],
                                         'verify_tls': True, 'signing_secret_set': True}, 'after': {}}


def test_absent_deletes_every_webhook_of_that_name(api, run_module):
    twin = webhook(id='11111111-2222-4333-8444-555555555555')
    add_reads(api, [webhook(), twin])
    api.add(responses.DELETE, V2 + '/webhook/' + HOOK_ID, json={'message': 'Webhook deleted.'})
    api.add(responses.DELETE, V2 + '/webhook/' + twin['id'], json={'message': 'Webhook deleted.'})
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent'), diff=True)
    assert [m for m, p in calls(api)] == ['GET', 'GET', 'DELETE', 'DELETE']
    assert len(result['deleted']) == 2 and len(result['diff']['before']['webhooks']) == 2


def test_absent_webhook_is_nothing_to_do(api, run_module):
    add_reads(api, [other(1)])
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent'), diff=True)
    assert result['changed'] is False and result['deleted'] == []
    assert result['diff'] == {'before': {}, 'after': {}}
    assert len(api.calls) == 2


def test_absent_in_check_mode_deletes_nothing(api, run_module):
    add_reads(api, [webhook()])
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent'), check_mode=True)
    assert result['changed'] is True and [m for m, p in calls(api)] == ['GET', 'GET']


def test_a_webhook_deleted_meanwhile_is_gone_either_way(api, run_module):
    add_reads(api, [webhook()])
    api.add(responses.DELETE, V2 + '/webhook/' + HOOK_ID, status=404, json={'message': 'Webhook not found'})
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent'))
    assert result['changed'] is True and not result.get('failed')


def test_a_missing_project_fails_naming_it(api, run_module):
    api.add(responses.GET, V2 + '/project/github/acme/nope', status=404, json={'message': 'Project not found'})
    result = run_module(mod, dict(ARGS, project_slug='gh/acme/nope'))
    assert result['failed'] is True
    assert result['msg'].startswith('CircleCI answered 404 Project not found for GET /api/v2/project/github/acme/nope')


# ---------------------------------------------------------------- bad input: refused before any request

@pytest.mark.parametrize('url', [
    'http://eda.example.com/hook', 'ftp://eda.example.com/', 'https://', 'eda.example.com/hook', '',
    'https://eda.example.com:99999/hook', 'https://eda example.com/hook', 'https://eda.example.com/a\nb',
    'https://eda.example.com/a\x7fb'])
def test_a_url_that_is_not_https_is_refused_before_any_request(api, run_module, url):
    result = run_module(mod, dict(ARGS, url=url))
    assert result['failed'] is True
    assert result['msg'].startswith('url must be an https:// URL with a host (CircleCI delivers only over HTTPS), got ')
    assert len(api.calls) == 0


@pytest.mark.parametrize('args, message', [
    (dict(events=[]), 'events must name at least one of workflow-completed, job-completed'),
    (dict(events=['pipeline-completed']), 'value of events must be one or more of'),
    (dict(signing_secret=''), 'signing_secret is empty: give the secret, or leave signing_secret out'),
    (dict(signing_secret=42), 'signing_secret must be a string; quote it (the value is not shown)'),
    (dict(signing_secret={'a': 1}), 'signing_secret must be a string'),
    (dict(name=''), "name must be the non-empty name of the webhook, got ''"),
    (dict(name='a\nb'), "name 'a\\nb' contains a line break or another control character"),
    (dict(url=OMIT), 'state is present but all of the following are missing: url'),
    (dict(events=OMIT), 'state is present but all of the following are missing: events'),
    (dict(update_secret='sometimes'), 'value of update_secret must be one of: never, always'),
    (dict(project_slug='gitlab/acme/app'), "Invalid project slug 'gitlab/acme/app'"),
])
def test_bad_input_is_refused_before_any_request(api, run_module, args, message):
    result = run_module(mod, dict(ARGS, **args))
    assert result['failed'] is True
    assert message in result['msg'], result['msg']
    assert '\n' not in result['msg']
    assert len(api.calls) == 0


def test_absent_needs_neither_url_nor_events(api, run_module):
    add_reads(api, [])
    result = run_module(mod, dict(project_slug='gh/acme/app', name='eda', state='absent', url='not checked'))
    assert result['changed'] is False


# ---------------------------------------------------------------- the plan alone

DESIRED = dict(state='present', name='eda', url='https://eda.example.com/hook', events=['workflow-completed'],
               verify_tls=True, secret=SECRET)


@pytest.mark.parametrize('current, update_secret, action, changes', [
    ([], 'never', 'create', []),
    ([webhook()], 'never', None, []),
    ([webhook()], 'always', 'update', ['signing_secret']),
    ([webhook(signing_secret='')], 'never', 'update', ['signing_secret']),
    ([webhook(url='https://x.example.com', events=['job-completed'], verify_tls=False)], 'never', 'update',
     ['url', 'events', 'verify_tls']),
    ([webhook(name='Eda')], 'never', 'create', []),
])
def test_plan(current, update_secret, action, changes):
    plan = mod.plan_webhook([normalize_webhook(w) for w in current], DESIRED, update_secret)
    assert plan['action'] == action and plan['changes'] == changes


def test_plan_without_a_secret_leaves_the_secret_alone():
    desired = dict(DESIRED, secret=None)
    for shown_secret in ('', '****'):
        plan = mod.plan_webhook([normalize_webhook(webhook(signing_secret=shown_secret))], desired, 'always')
        assert plan['action'] is None


def test_plan_absent():
    current = [normalize_webhook(webhook()), normalize_webhook(other(1))]
    assert mod.plan_webhook(current, dict(state='absent', name='eda'))['action'] == 'delete'
    assert mod.plan_webhook(current, dict(state='absent', name='nope'))['action'] is None
    # Deleting is never refused by the limit.
    five = [normalize_webhook(other(i)) for i in range(1, 6)]
    assert mod.plan_webhook(five, dict(state='absent', name='other-1'))['action'] == 'delete'


def test_plan_refuses_a_sixth():
    five = [normalize_webhook(other(i)) for i in range(1, 6)]
    with pytest.raises(CircleCIError, match='at most 5 per project'):
        mod.plan_webhook(five, DESIRED)
    assert mod.plan_webhook(five[:4], DESIRED)['action'] == 'create'
