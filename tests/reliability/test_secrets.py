# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Secrets at -vvvv: every module and lookup in one real ansible-playbook run, four scenarios side
by side (four hosts, -f 4, each with a simulator of its own):

ok    the healthy simulator: every task succeeds;
e400  every request answered 400 with the request echoed (request line, headers with the token,
      body with the secrets) in a JSON message;
e500  every request answered by an HTML 500 page without a title that echoes the request twice,
      as it came and HTML-escaped;
e400enc every request answered 400 with the request echoed JSON-escaped then URL-encoded (as
      recorded on circleci.com), URL-encoded alone and JSON-escaped alone.

With the echo, the writes (POST, PUT) are echoed first, so that the requests carrying the secrets
reach it; then reads and deletes too. The token, a variable value with quotes, a backslash, a
newline and non-ASCII characters, a private key, a Heroku key and a webhook's signing secret must
appear in no form (as given, JSON- or HTML-escaped, line by line, or a distinctive part of them)
in stdout, stderr, or the URL of any request the simulators logged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import json
import re

from urllib.parse import quote

import pytest

import rellib

TOKEN = 'ZX9Tok-Reliability-4471-s3cr3t'
VALUE = u'Zq"it\'s VAL7731 \\ end\nsecond line \u00e4\u00f6\u00fc'
HEROKU = 'HRKU5512secretKEYabcdef'
# A webhook's signing secret, sent as signing_secret and signing-secret: with a quote, a slash and non-ASCII.
SIGNING = u'WHSig6604 "sign"/me \u00df'
# Parts that must not appear even alone: a cut or partly masked secret still shows them.
MARKERS = ('ZX9Tok', 'VAL7731', 'HRKU5512', 'WHSig6604')

HTML_500 = ('<html><body><h1>Internal Server Error</h1><pre>{echo_html}</pre>'
            '<p>while handling {echo}</p></body></html>')
# As recorded on circleci.com: the request quoted as a JSON string, then URL-encoded, in a JSON
# message (and once more URL-encoded alone, and JSON-escaped alone).
ENCODED_400 = '{"message": "invalid request %22{echo_json_url}%22 (%22{echo_url}%22) [{echo_json}]"}'

TASKS = r'''
    - name: envvar
      ciops.circleci.circleci_envvar:
        project_slug: gh/acme/app
        variables: [{name: SECRET_VAR, value: "{{ var_value }}"}]
    - name: envvar_v2
      ciops.circleci.circleci_envvar:
        project_slug: circleci/041bf957-9fbf-4f14-8998-f6a1515102bd/eafdaa3f-a5b1-4ccd-b9a7-77b8db20cd2f
        variables: [{name: SECRET_VAR, value: "{{ var_value }}"}]
    - name: context_envvar
      ciops.circleci.circleci_context_envvar:
        owner_slug: gh/acme
        context: org-global
        name: CTX_SECRET
        value: "{{ var_value }}"
    - name: ssh_key
      ciops.circleci.circleci_ssh_key:
        project_slug: gh/acme/app
        hostname: deploy.example.com
        private_key: "{{ private_key }}"
    - name: heroku_key
      ciops.circleci.circleci_heroku_key:
        apikey: "{{ heroku_key }}"
    - name: build
      ciops.circleci.circleci_build:
        project_slug: gh/acme/app
        branch: main
    - name: pipeline
      ciops.circleci.circleci_pipeline:
        project_slug: gh/acme/app
        branch: main
    - name: context
      ciops.circleci.circleci_context:
        owner_slug: gh/acme
        name: "new-context-{{ scenario }}"
    - name: project
      ciops.circleci.circleci_project:
        project_slug: gh/acme/newsvc
    - name: checkout_key
      ciops.circleci.circleci_checkout_key:
        project_slug: gh/acme/app
        type: github-user-key
    - name: webhook
      ciops.circleci.circleci_webhook:
        project_slug: gh/acme/app
        name: "hook-{{ scenario }}"
        url: https://127.0.0.1:9/hook
        events: [workflow-completed]
        signing_secret: "{{ signing_secret }}"
    - name: project_settings
      ciops.circleci.circleci_project_settings:
        project_slug: gh/acme/app
        build_fork_prs: true
        forks_receive_secret_env_vars: false
    - name: oidc_claims
      ciops.circleci.circleci_oidc_claims:
        project_slug: gh/acme/app
        audience: [sts.example.com]
        ttl: 1h
    - name: runner_resource_class
      ciops.circleci.circleci_runner_resource_class:
        resource_class: "acme/class-{{ scenario }}"
    - name: runner_token
      ciops.circleci.circleci_runner_token:
        resource_class: acme/linux
        nickname: "host-{{ scenario }}"
    - name: echo reads and deletes too
      ansible.builtin.uri:
        url: "{{ sim_root }}/_sim/faults"
        method: POST
        body_format: json
        body: "{{ read_fault }}"
        status_code: 201
      when: read_fault is not none
    - name: cache
      ciops.circleci.circleci_cache:
        project_slug: gh/acme/app
    - name: build_info
      ciops.circleci.circleci_build_info:
        project_slug: gh/acme/app
        build_num: 1
    - name: project_info
      ciops.circleci.circleci_project_info:
        project_slug: gh/acme/app
        gather: [me, projects, settings, envvars, checkout_keys]
    - name: pipeline_info
      ciops.circleci.circleci_pipeline_info:
        project_slug: gh/acme/app
    - name: context_info
      ciops.circleci.circleci_context_info:
        owner_slug: gh/acme
    - name: webhook_info
      ciops.circleci.circleci_webhook_info:
        project_slug: gh/acme/app
    - name: runner_info
      ciops.circleci.circleci_runner_info:
        resource_class: acme/linux
    - name: builds lookup
      ansible.builtin.debug:
        msg: "{{ query('ciops.circleci.circleci_builds', 'acme/app', limit=2, api_url=sim_root, api_token=token, retries=0) }}"
    - name: artifacts lookup
      ansible.builtin.debug:
        msg: "{{ query('ciops.circleci.circleci_artifacts', 'acme/app', build_num=[1, 3], api_url=sim_root, api_token=token, retries=0) }}"
    - name: pipelines lookup
      ansible.builtin.debug:
        msg: "{{ query('ciops.circleci.circleci_pipelines', 'gh/acme/app', api_url=sim_root, api_token=token, retries=0) }}"
'''
PLAY = r'''
- name: secrets at -vvvv
  hosts: scenarios
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/ciops.circleci.circleci:
      api_url: "{{ sim_root }}"
      api_token: "{{ token }}"
      retries: 0
      timeout: 10
  pre_tasks:
    - name: echo writes
      ansible.builtin.uri:
        url: "{{ sim_root }}/_sim/faults"
        method: POST
        body_format: json
        body: "{{ item }}"
        status_code: 201
      loop: "{{ write_faults }}"
  tasks:
%s
'''

SCENARIOS = ('ok', 'e400', 'e500', 'e400enc')


def fault(method, status, body=None):
    spec = dict(method=method, path='.', status=status, echo=True, count=10000)
    if body is not None:
        spec['body'] = body
    return spec


def host_vars(scenario, sim):
    """Each scenario is a host with a simulator of its own, so that the four run side by side."""
    status, body = {'ok': (None, None), 'e400': (400, None), 'e500': (500, HTML_500),
                    'e400enc': (400, ENCODED_400)}[scenario]
    return dict(sim_root=sim.root, scenario=scenario,
                write_faults=[fault(m, status, body) for m in ('POST', 'PUT', 'PATCH')] if status else [],
                read_fault=fault('*', status, body) if status else None)


def playbook():
    tasks = TASKS.replace('      ciops.circleci.', '      ignore_errors: true\n      ciops.circleci.') \
        .replace('      ansible.builtin.debug:', '      ignore_errors: true\n      ansible.builtin.debug:')
    return PLAY % tasks


def forms(secret):
    """The forms a secret could leak in: as given, JSON- and HTML-escaped, URL-encoded (after JSON
    escaping too), each long line."""
    out = set([secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]])
    out.update([html.escape(f) for f in list(out)] + [quote(f, safe='') for f in list(out)])
    out.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 8)
    return out


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    """One -vvvv run: four hosts (scenarios), each against a simulator of its own with the distinctive token."""
    sims = dict((name, rellib.Simulator(token=TOKEN)) for name in SCENARIOS)
    workdir = tmp_path_factory.mktemp('secrets')
    key = rellib.private_key()[0]
    secrets_file = workdir / 'secrets.json'
    secrets_file.write_text(json.dumps(dict(token=TOKEN, var_value=VALUE, private_key=key, heroku_key=HEROKU,
                                            signing_secret=SIGNING)))
    (workdir / 'host_vars').mkdir()
    for name, sim in sims.items():
        (workdir / 'host_vars' / ('%s.json' % name)).write_text(json.dumps(host_vars(name, sim)))
    (workdir / 'inventory.ini').write_text('[scenarios]\n%s\n' % '\n'.join(SCENARIOS))
    try:
        rc, out, err, seconds = rellib.ansible_playbook(
            str(workdir), playbook(), ['-vvvv', '-f', str(len(SCENARIOS)), '-i', str(workdir / 'inventory.ini'), '-e', '@%s' % secrets_file])
        log = [entry for sim in sims.values() for entry in sim.requests()]
    finally:
        for sim in sims.values():
            sim.stop()
    return dict(rc=rc, out=out, err=err, seconds=seconds, log=log, key=key)


def tasks_of(out):
    """stdout cut into its tasks: name -> text."""
    parts = re.split(r'^TASK \[', out, flags=re.M)[1:]
    return dict((part.split(']', 1)[0], part) for part in parts)


TASK_NAMES = re.findall(r'^    - name: (.+)$', TASKS, flags=re.M)
PLUGIN_TASKS = [n for n in TASK_NAMES if not n.startswith('echo ')]


def test_the_run_completed(run):
    assert run['rc'] == 0, run['out'][-3000:] + run['err'][-3000:]
    assert set(PLUGIN_TASKS) <= set(tasks_of(run['out']))


def test_every_task_succeeds_against_the_healthy_simulator(run):
    for name, text in tasks_of(run['out']).items():
        if name in PLUGIN_TASKS:
            assert re.search(r'^(ok|changed): \[ok\]', text, flags=re.M), text[-3000:]
            assert 'fatal: [ok]' not in text


@pytest.mark.parametrize('host, status', [('e400', 400), ('e500', 500), ('e400enc', 400)])
def test_every_task_met_the_echo(run, host, status):
    for name, text in tasks_of(run['out']).items():
        if name in PLUGIN_TASKS:
            fatal = re.search(r'^fatal: \[%s\]: FAILED! => (.*?)^\.\.\.ignoring' % host, text, flags=re.M | re.S)
            assert fatal, '%s did not fail for %s' % (name, host)
            assert 'CircleCI answered %d' % status in fatal.group(1), fatal.group(1)[:2000]


@pytest.mark.parametrize('what', ['token', 'variable value', 'private key', 'heroku key', 'signing secret'])
def test_no_secret_anywhere(run, what):
    secret = {'token': TOKEN, 'variable value': VALUE, 'private key': run['key'], 'heroku key': HEROKU,
              'signing secret': SIGNING}[what]
    urls = '\n'.join('%s?%s' % (r['path'], json.dumps(r['query'])) for r in run['log'])
    for where, text in (('stdout', run['out']), ('stderr', run['err']), ('request URLs', urls)):
        for form in forms(secret):
            assert form not in text, '%s shows the %s as %r' % (where, what, form)
        for marker in MARKERS:
            if marker in secret:
                assert marker not in text, '%s shows part of the %s (%s)' % (where, what, marker)


# The simulator's runner tokens are "simrunner_" and 48 hex digits (tests/simulator/routes_runner.py).
RUNNER_TOKEN_RE = re.compile(r'simrunner_[0-9a-f]{48}')


def test_a_runner_token_value_is_shown_only_as_the_result_of_the_run_that_created_it(run):
    """The healthy host creates one runner token; its value appears in no other form and nowhere else
    (the echo hosts' POSTs fail, so they create none): not in stderr, not in another task, not in the log."""
    values = set(RUNNER_TOKEN_RE.findall(run['out'] + run['err']))
    assert len(values) == 1, values
    value = values.pop()
    created = tasks_of(run['out'])['runner_token']
    assert run['out'].count(value) == created.count('"token": "%s"' % value) >= 1
    assert value not in run['err']
    assert value not in json.dumps(run['log'])


def test_the_token_travelled_only_in_the_header(run):
    assert run['log'] and all(r['token_header'] and not r['token_in_query'] for r in run['log'])
