# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bad-input matrix: every option of every plugin, given values a user gets wrong.

Each option has a kind (OPTIONS); each kind lists its bad values and what the plugin must do
with each, decided per kind:

R  refused before any request: the task fails and the simulator's request log stays empty;
S  legitimately accepted and sent, encoded: some request carries the value (percent-encoded
   in a path, exact in a query or a JSON body), never raw (a '#' cutting the URL, a '?'
   starting a query, a '..' segment being normalised away);
A  accepted: the task does not fail (values the log cannot show, e.g. secrets);
C  the server decides (e.g. a name no account has): no traceback, and a failure is one line.

Every cell also asserts there is no traceback and, for a failure, a message of one line.
A dict given to a str option ('dict' cells) is turned into its text by Ansible itself before
the plugin sees it: what follows is the plugin's rule for that text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

import pytest

import rellib
import tasks

# 20 kB: far beyond any name CircleCI has, and beyond the URL limits of HTTP front ends.
HUGE = 'x' * 20000
UNI = u'r\u00e9sum\u00e9-\u2713'
PRIVATE, PUBLIC = rellib.private_key()
LOCKED = rellib.private_key(passphrase='correct horse')[0]
UUID = '5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b'
FP = 'a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b'

# kind -> [(label, value, expectation)]
KINDS = {
    'name': [('empty', '', 'R'), ('slash', 'a/b', 'R'), ('space', 'a b', 'R'), ('dict', {'x': 1}, 'R'),
             ('unicode', UNI, 'C'), ('huge', HUGE, 'C')],
    'slug': [('empty', '', 'R'), ('space', 'gh/acme/a b', 'R'), ('four-parts', 'gh/acme/app/x', 'R'),
             ('gitlab', 'gitlab/acme/app', 'R'), ('dot-dot', 'gh/acme/..', 'R'), ('dict', {'x': 1}, 'R'),
             ('circleci-not-uuid', 'circleci/acme/app', 'R'), ('unicode', 'gh/acme/' + UNI, 'C'),
             ('huge', 'gh/acme/' + HUGE, 'C')],
    'owner_slug': [('empty', '', 'R'), ('one-part', 'gh', 'R'), ('three-parts', 'gh/acme/app', 'R'),
                   ('space', 'gh/ac me', 'R'), ('gitlab', 'gitlab/acme', 'R'), ('dict', {'x': 1}, 'R'),
                   ('unicode', 'gh/' + UNI, 'C'), ('huge', 'gh/' + HUGE, 'C')],
    'branch': [('empty', '', 'R'), ('slash', 'release/2.4', 'S'), ('percent', '100%-done', 'S'),
               ('hash', 'fix#12', 'S'), ('question', 'what?', 'S'), ('dot-dot-inside', 'a..b', 'S'),
               ('dot-dot', '..', 'R'), ('unicode', UNI, 'S'), ('dict', {'x': 1}, 'C'), ('huge', HUGE, 'C')],
    'tag': [('empty', '', 'R'), ('slash', 'v1/rc', 'S'), ('percent', 'v1%', 'S'), ('hash', 'v1#2', 'S'),
            ('unicode', UNI, 'S'), ('dict', {'x': 1}, 'C'), ('huge', HUGE, 'C')],
    'envvar_name': [('empty', '', 'R'), ('space', 'A B', 'R'), ('slash', 'A/B', 'R'), ('dash', 'A-B', 'R'),
                    ('digit-first', '1A', 'R'), ('unicode', u'\u00c9T\u00c9', 'R'), ('dict', {'x': 1}, 'R'),
                    ('huge', 'A' * 20000, 'R')],
    'secret_value': [('dict', {'x': 1}, 'R'), ('list', ['a'], 'R'), ('int', 42, 'R'),
                     ('unicode_newline_quote', u'l1\n"l2" \u00fc', 'A'), ('huge', HUGE, 'C')],
    'int_positive': [('zero', 0, 'R'), ('negative', -1, 'R'), ('word', 'abc', 'R'), ('float-text', '1.5', 'R')],
    'int_offset': [('negative', -1, 'R'), ('word', 'abc', 'R')],
    'build_num': [('zero', 0, 'R'), ('negative', -3, 'R'), ('word', 'abc', 'R'), ('bool', True, 'R')],
    'bool': [('word', 'maybe', 'R'), ('dict', {'x': 1}, 'R')],
    'choice': [('bogus', 'bogus', 'R'), ('empty', '', 'R'), ('dict', {'x': 1}, 'R')],
    'uuid': [('empty', '', 'R'), ('not-uuid', 'not-a-uuid', 'R'), ('path', '../../me', 'R'), ('dict', {'x': 1}, 'R')],
    'fingerprint': [('short', 'ab:cd', 'R'), ('not-hex', ':'.join(['zz'] * 16), 'R'), ('sha256-short', 'SHA256:abc', 'R'),
                    ('path', '../settings', 'R'), ('empty', '', 'R'), ('dict', {'x': 1}, 'R')],
    'private_key': [('public', PUBLIC, 'R'), ('garbage', 'not a key at all', 'R'), ('passphrase', LOCKED, 'R'),
                    ('empty', '', 'R'), ('truncated', PRIVATE[:120], 'R'), ('dict', {'x': 1}, 'R')],
    'heroku_key': [('empty', '', 'R'), ('short', 'abc', 'R'), ('space', 'abc def ghi', 'R'), ('unicode', UNI * 2, 'R'),
                   ('dict', {'x': 1}, 'R')],
    'hostname': [('empty', '', 'R'), ('space', 'a b.example', 'R'), ('slash', 'a/b', 'R'), ('dict', {'x': 1}, 'R'),
                 ('huge', HUGE, 'C')],
    'dict_of_str': [('text', 'not-a-dict', 'R'), ('nested', {'A': {'b': 1}}, 'R'), ('number', {'A': 3}, 'R')],
    'list_of_str': [('dict', {'x': 1}, 'R'), ('empty-item', [''], 'R'), ('nested', [['a']], 'R')],
    'context_name': [('empty', '', 'R'), ('newline', 'a\nb', 'R'), ('dict', {'x': 1}, 'C'), ('huge', HUGE, 'R'),
                     ('slash-space-unicode', u'team a/b \u2713', 'C')],
    'text': [('empty', '', 'C'), ('unicode', UNI, 'C'), ('huge', HUGE, 'C'), ('dict', {'x': 1}, 'C')],
    'api_url': [('empty', '', 'R'), ('ftp', 'ftp://circleci.example', 'R'), ('query', 'https://circleci.example/?x=1', 'R'),
                ('no-scheme', 'circleci.example', 'R'), ('dict', {'x': 1}, 'R'),
                # Malformed URLs: one line that names api_url, never the library's bare text.
                ('ipv6-unclosed', 'http://[::1', 'R'), ('ipv6-bad', 'http://[not-ipv6]:80', 'R'),
                ('port-out-of-range', 'https://circleci.example:99999', 'R'), ('port-word', 'https://circleci.example:port', 'R'),
                ('credentials', 'https://user@circleci.example', 'R'), ('space', 'https://circle ci.example', 'R')],
    # The runner API host (derived from api_url when unset): checked when the client is built, before any request.
    'runner_url': [('empty', '', 'R'), ('ftp', 'ftp://runner.example', 'R'), ('query', 'https://runner.example/?x=1', 'R'),
                   ('no-scheme', 'runner.example', 'R'), ('credentials', 'https://user@runner.example', 'R')],
    # Runner resource classes: <namespace>/<name> of lower-case letters, digits, - and _ (checked locally); whether
    # the namespace is the organisation's only CircleCI knows: its first read refuses it, before any write.
    'resource_class': [('empty', '', 'R'), ('one-part', 'acme', 'R'), ('upper', 'Acme/linux', 'R'), ('dot', 'acme/linux.large', 'R'),
                       ('space', 'acme/li nux', 'R'), ('three-parts', 'acme/a/b', 'R'), ('dict', {'x': 1}, 'R'),
                       ('unicode', 'acme/' + UNI, 'R'), ('foreign-namespace', 'globex/linux', 'C')],
    'runner_namespace': [('empty', '', 'R'), ('upper', 'Acme', 'R'), ('slash', 'acme/linux', 'R'), ('dict', {'x': 1}, 'R'),
                         ('foreign', 'globex', 'C')],
    'nickname': [('empty', '', 'R'), ('blank', '   ', 'R'), ('newline', 'a\nb', 'R'), ('dict', {'x': 1}, 'C'),
                 ('unicode', UNI, 'C'), ('huge', HUGE, 'C')],
    'api_token': [('empty', '', 'R'), ('newline', 'tok\nen', 'R'), ('unicode', u'tok\u00e9n', 'R'), ('dict', {'x': 1}, 'C')],
    'timeout': [('zero', 0, 'R'), ('negative', -1, 'R'), ('word', 'abc', 'R')],
    'retries': [('negative', -1, 'R'), ('word', 'abc', 'R')],
    'vcs_type': [('gitlab', 'gitlab', 'R'), ('empty', '', 'R')],
    'webhook_name': [('empty', '', 'R'), ('blank', '   ', 'R'), ('newline', 'a\nb', 'R'), ('dict', {'x': 1}, 'C'),
                     ('slash-space-unicode', u'team a/b \u2713', 'C'), ('huge', HUGE, 'C')],
    'https_url': [('empty', '', 'R'), ('http', 'http://hooks.example.com/ci', 'R'), ('ftp', 'ftp://hooks.example.com/', 'R'),
                  ('no-scheme', 'hooks.example.com/ci', 'R'), ('no-host', 'https:///ci', 'R'),
                  ('space', 'https://hooks example.com/ci', 'R'), ('port-out-of-range', 'https://hooks.example.com:99999/', 'R'),
                  ('dict', {'x': 1}, 'R'), ('query-fragment', 'https://hooks.example.com/ci?a=b#c', 'S'),
                  ('unicode', u'https://h\u00e9.example.com/\u2713', 'S'), ('huge', 'https://hooks.example.com/' + HUGE, 'C')],
    # A token lifetime: a duration of hours, minutes and seconds (1h, 30m, 1h30m), checked locally.
    'ttl': [('empty', '', 'R'), ('words', '1 hour', 'R'), ('zero', '0m', 'R'), ('days', '1d', 'R'), ('dict', {'x': 1}, 'R')],
    'webhook_events': [('empty', [], 'R'), ('bogus', ['pipeline-completed'], 'R'), ('dict', {'x': 1}, 'R'),
                       ('empty-item', [''], 'R'), ('nested', [['a']], 'R')],
}

CONNECTION = [('api_url', 'api_url'), ('runner_url', 'runner_url'), ('api_token', 'api_token'), ('timeout', 'timeout'), ('retries', 'retries'),
              ('validate_certs', 'bool')]
PROJECT = [('project_slug', 'slug', {}), ('username', 'name', {'project_slug': None, 'project': 'app'}),
           ('project', 'name', {'project_slug': None, 'username': 'acme'}),
           ('vcs_type', 'vcs_type', {'project_slug': None, 'username': 'acme', 'project': 'app'})]

# A wait that is short when the value is (wrongly) accepted: the simulator's builds take 0.3 s.
WAIT = {'wait': True, 'poll_interval': 1, 'wait_timeout': 5}

# plugin -> [(option, kind, base arguments that make the option apply; None removes an argument)]
OPTIONS = {
    'circleci_envvar': PROJECT + [
        ('name', 'envvar_name', {}), ('value', 'secret_value', {}), ('state', 'choice', {}),
        ('variables', 'list_of_str', {'name': None, 'value': None}), ('purge', 'bool', {}),
        ('update_values', 'choice', {}), ('api_version', 'choice', {})],
    'circleci_build': PROJECT + [
        ('state', 'choice', {}), ('branch', 'branch', {}), ('revision', 'tag', {'branch': None}),
        ('tag', 'tag', {'branch': None}), ('parallel', 'int_positive', {}),
        ('build_parameters', 'dict_of_str', {}), ('build_num', 'build_num', {'state': 'retried', 'branch': None}),
        ('unless_running', 'bool', {}), ('wait', 'bool', {}), ('wait_timeout', 'int_positive', WAIT),
        ('poll_interval', 'int_positive', WAIT), ('success_outcomes', 'list_of_str', WAIT),
        ('cancel_on_timeout', 'bool', {})],
    'circleci_build_info': PROJECT + [('build_num', 'build_num', {}), ('artifacts', 'bool', {}), ('tests', 'bool', {})],
    'circleci_cache': PROJECT + [('state', 'choice', {})],
    'circleci_checkout_key': PROJECT + [
        ('state', 'choice', {}), ('type', 'choice', {}),
        ('fingerprint', 'fingerprint', {'state': 'absent', 'type': None}), ('fingerprint_digest', 'choice', {}),
        ('api_version', 'choice', {})],
    'circleci_heroku_key': [('apikey', 'heroku_key', {}), ('state', 'choice', {})],
    'circleci_project': PROJECT + [('state', 'choice', {})],
    'circleci_project_info': PROJECT + [
        ('gather', 'list_of_str', {}), ('envvar_names', 'list_of_str', {}), ('fingerprints', 'list_of_str', {}),
        ('fingerprint_digest', 'choice', {}), ('api_version', 'choice', {})],
    'circleci_ssh_key': PROJECT + [
        ('hostname', 'hostname', {}), ('private_key', 'private_key', {}),
        ('fingerprint', 'fingerprint', {'state': 'absent', 'private_key': None}), ('state', 'choice', {})],
    'circleci_pipeline': PROJECT + [
        ('state', 'choice', {}), ('branch', 'branch', {}), ('tag', 'tag', {'branch': None}),
        ('checkout_branch', 'branch', {}), ('checkout_tag', 'tag', {}), ('definition_id', 'uuid', {}),
        ('parameters', 'dict_of_str', {}), ('trigger_endpoint', 'choice', {}), ('allow_skipped', 'bool', {}),
        ('unless_running', 'bool', {}), ('pipeline_id', 'uuid', {'state': 'canceled', 'branch': None}),
        ('pipeline_number', 'int_positive', {'state': 'canceled', 'branch': None}),
        ('approval_job', 'text', {'state': 'approved', 'pipeline_number': 1, 'branch': None}),
        ('from_failed', 'bool', {'state': 'rerun', 'pipeline_number': 1, 'branch': None}),
        ('wait', 'bool', {}), ('wait_timeout', 'int_positive', WAIT),
        ('poll_interval', 'int_positive', WAIT), ('first_workflow_timeout', 'int_positive', WAIT),
        ('success_statuses', 'list_of_str', WAIT), ('stop_on_hold', 'bool', {}),
        ('cancel_on_timeout', 'bool', {})],
    'circleci_pipeline_info': PROJECT + [
        ('pipeline_id', 'uuid', {}), ('pipeline_number', 'int_positive', {}), ('branch', 'branch', {}),
        ('tests', 'bool', {}), ('workers', 'int_positive', {})],
    'circleci_context': [
        ('name', 'context_name', {}), ('owner_slug', 'owner_slug', {}), ('owner_id', 'uuid', {'owner_slug': None}),
        ('owner_type', 'choice', {'owner_slug': None, 'owner_id': UUID}), ('state', 'choice', {}),
        ('restrictions', 'list_of_str', {}), ('force', 'bool', {})],
    'circleci_context_envvar': [
        ('context', 'context_name', {}), ('context_id', 'uuid', {'context': None, 'owner_slug': None}),
        ('owner_slug', 'owner_slug', {}), ('owner_id', 'uuid', {'owner_slug': None}),
        ('owner_type', 'choice', {'owner_slug': None, 'owner_id': UUID}), ('name', 'envvar_name', {}),
        ('value', 'secret_value', {}), ('state', 'choice', {}),
        ('variables', 'list_of_str', {'name': None, 'value': None}), ('purge', 'bool', {}),
        ('update_values', 'choice', {})],
    'circleci_context_info': [
        ('owner_slug', 'owner_slug', {}), ('owner_id', 'uuid', {'owner_slug': None}),
        ('owner_type', 'choice', {'owner_slug': None, 'owner_id': UUID}), ('name', 'text', {}),
        ('details', 'bool', {})],
    'circleci_webhook': PROJECT + [
        ('name', 'webhook_name', {}), ('url', 'https_url', {}), ('events', 'webhook_events', {}), ('verify_tls', 'bool', {}),
        ('signing_secret', 'secret_value', {}), ('update_secret', 'choice', {}), ('state', 'choice', {})],
    'circleci_webhook_info': PROJECT + [('name', 'webhook_name', {})],
    'circleci_project_settings': PROJECT + [(_setting, 'bool', {}) for _setting in (
        'autocancel_builds', 'build_fork_prs', 'build_prs_only', 'disable_ssh', 'forks_receive_secret_env_vars', 'oss',
        'set_github_status', 'setup_workflows', 'write_settings_requires_admin')] + [
        ('pr_only_branch_overrides', 'list_of_str', {})],
    'circleci_oidc_claims': PROJECT + [
        ('org_id', 'uuid', {'project_slug': None}), ('project_id', 'uuid', {'project_slug': None, 'org_id': tasks.ORG_GH_ACME}),
        ('audience', 'list_of_str', {}), ('ttl', 'ttl', {}), ('claims', 'list_of_str', {'state': 'absent', 'audience': None, 'ttl': None}),
        ('state', 'choice', {'audience': None, 'ttl': None})],
    # vcs_type names no project here; it is still a connection option, refused when it is no choice.
    'circleci_runner_resource_class': [
        ('vcs_type', 'vcs_type', {}), ('resource_class', 'resource_class', {}), ('description', 'text', {}), ('state', 'choice', {}),
        ('force', 'bool', {'state': 'absent', 'resource_class': 'acme/linux'})],
    'circleci_runner_token': [('vcs_type', 'vcs_type', {}), ('resource_class', 'resource_class', {}), ('nickname', 'nickname', {}), ('state', 'choice', {})],
    'circleci_runner_info': [
        ('vcs_type', 'vcs_type', {}), ('resource_class', 'resource_class', {}), ('namespace', 'runner_namespace', {'resource_class': None}),
        ('tasks', 'bool', {})],
    'circleci_builds': [
        ('_terms', 'slug', {}), ('branch', 'branch', {}), ('filter', 'choice', {}), ('limit', 'int_positive', {}),
        ('offset', 'int_offset', {}), ('shallow', 'bool', {}), ('build_num', 'build_num', {})],
    'circleci_artifacts': [
        ('_terms', 'slug', {}), ('build_num', 'build_num', {}), ('latest', 'bool', {'build_num': None}),
        ('branch', 'branch', {'build_num': None, 'latest': True}), ('filter', 'choice', {'build_num': None, 'latest': True}),
        ('pipeline_id', 'uuid', {'build_num': None}), ('workflow_id', 'uuid', {'build_num': None}),
        ('job', 'list_of_str', {'build_num': None, 'pipeline_id': UUID}), ('pattern', 'text', {}),
        ('output', 'choice', {}), ('workers', 'int_positive', {})],
    'circleci_pipelines': [
        ('_terms', 'slug', {}), ('branch', 'branch', {}), ('limit', 'int_positive', {}),
        ('status', 'list_of_str', {}), ('scan_limit', 'int_positive', {}), ('workers', 'int_positive', {})],
}
for _name in OPTIONS:
    OPTIONS[_name] = [(option, kind, {}) for option, kind in CONNECTION] + OPTIONS[_name]

# Decided per option where its kind's default does not fit: (plugin, option, label) -> expectation.
OVERRIDES = {
    # v1.1 documents no length limit for project variable names (v2 and contexts do: 300).
    ('circleci_envvar', 'name', 'huge'): 'C',
    # Heroku decides what a key looks like; the module refuses only what cannot be one (empty, spaces).
    ('circleci_heroku_key', 'apikey', 'short'): 'C',
    ('circleci_heroku_key', 'apikey', 'unicode'): 'C',
    # CircleCI takes any hostname text (it matches the Host of the build's SSH config).
    ('circleci_ssh_key', 'hostname', 'slash'): 'C',
    # Pipeline parameters may be strings, booleans or integers.
    ('circleci_pipeline', 'parameters', 'number'): 'A',
    # A webhook's name travels in the JSON body of the POST (circleci_webhook_info only compares it).
    ('circleci_webhook', 'name', 'slash-space-unicode'): 'S',
    # An OIDC audience is any text (a URL, a name): a nested list reaches the module as its text, which CircleCI takes.
    ('circleci_oidc_claims', 'audience', 'nested'): 'C',
    # Ansible itself turns True into 1 for an int option of a lookup.
    ('circleci_builds', 'build_num', 'bool'): 'C',
    ('circleci_artifacts', 'build_num', 'bool'): 'C',
}
# A branch that travels in a JSON body or a query string, not as a path segment: '..' is sent as is.
for _plugin, _option in (('circleci_pipeline', 'branch'), ('circleci_pipeline', 'checkout_branch'),
                         ('circleci_pipeline_info', 'branch'), ('circleci_pipelines', 'branch'),
                         ('circleci_artifacts', 'branch')):
    OVERRIDES[(_plugin, _option, 'dot-dot')] = 'S'

# Defects found by this matrix are fixed; a cell found failing again is a strict xfail here (it fails as
# XPASS as soon as the defect is fixed, so the mark has to go) and docs/reliability.md lists it. Fixed so far:
# lookups took any word for a boolean option (validate_certs=ture turned certificate checks off), and
# branch='' was dropped (the builds of every branch were read).
DEFECTS = {}


# Options that exclude each other, given together: (plugin, label, arguments); always refused.
COMBINATIONS = [
    ('circleci_build', 'revision+tag', {'branch': None, 'revision': 'abc1234', 'tag': 'v1.0'}),
    ('circleci_build', 'branch+tag', {'tag': 'v1.0'}),
    ('circleci_build', 'build_num+triggered', {'build_num': 3}),
    ('circleci_pipeline', 'branch+tag', {'tag': 'v1.0'}),
    ('circleci_pipeline', 'checkout_branch+checkout_tag', {'checkout_branch': 'main', 'checkout_tag': 'v1'}),
    ('circleci_pipeline', 'pipeline_id+pipeline_number', {'state': 'canceled', 'branch': None,
                                                          'pipeline_id': UUID, 'pipeline_number': 1}),
    ('circleci_checkout_key', 'type+fingerprint', {'fingerprint': FP}),
    ('circleci_ssh_key', 'private_key+fingerprint', {'fingerprint': FP}),
    ('circleci_envvar', 'name+variables', {'variables': [{'name': 'B', 'value': 'v'}]}),
    ('circleci_envvar', 'project_slug+username', {'username': 'acme'}),
    ('circleci_context', 'owner_slug+owner_id', {'owner_id': UUID}),
    ('circleci_context_envvar', 'context+context_id', {'context_id': UUID}),
    ('circleci_builds', 'build_num+branch', {'build_num': 3, 'branch': 'main'}),
    ('circleci_artifacts', 'build_num+latest', {'latest': True}),
    ('circleci_artifacts', 'build_num+pipeline_id', {'pipeline_id': UUID}),
]


def cells():
    out = []
    for plugin in tasks.PLUGINS:
        if plugin.label != plugin.name:
            continue  # a second row of a plugin: its options are the first row's
        for option, kind, base in OPTIONS[plugin.name]:
            for label, value, expect in KINDS[kind]:
                key = (plugin.name, option, label)
                expect = OVERRIDES.get(key, expect)
                marks = [pytest.mark.xfail(strict=True, reason=DEFECTS[key])] if key in DEFECTS else []
                out.append(pytest.param(plugin, option, base, value, expect, marks=marks,
                                        id='%s-%s-%s-%s' % (plugin.name, option, label, expect)))
    for name, label, args in COMBINATIONS:
        plugin = tasks.BY_NAME[name]
        option = sorted(args)[0]
        base = dict((k, v) for k, v in args.items() if k != option)
        out.append(pytest.param(plugin, option, base, args[option], 'R', id='%s-%s-R' % (name, label)))
    return out


def carried(log, value):
    """Whether some request carries value: percent-encoded as one path segment, in the query, or in the body."""
    encoded = quote(value, safe=':@')

    def in_body(node):
        if isinstance(node, dict):
            return any(in_body(v) for v in node.values())
        if isinstance(node, list):
            return any(in_body(v) for v in node)
        return node == value
    for entry in log:
        segments = entry['path'].split('/')
        if encoded in segments or value in entry['query'].values() or in_body(entry['body']):
            return True
    return False


def run(sim, plugin, option, base, value, key):
    conn = dict(api_url=sim.root, api_token=rellib.TOKEN, retries=0, timeout=5)
    args = dict(plugin.args)
    args.update(base)
    args = dict((k, key if v == tasks.KEY_PLACEHOLDER else v) for k, v in args.items() if v is not None)
    terms = plugin.terms
    if option == '_terms':
        terms = [value]
    elif option in conn:
        conn[option] = value
    else:
        args[option] = value
    if plugin.kind == 'lookup':
        return rellib.run_lookup(plugin.name, terms, **dict(conn, **args))
    return rellib.run_module(plugin.name, dict(conn, **args))


@pytest.mark.usefixtures('plugin_env')
@pytest.mark.parametrize('plugin, option, base, value, expect', cells())
def test_bad_input(sim, plugin, option, base, value, expect):
    result = run(sim, plugin, option, base, value, PRIVATE)
    log = sim.requests()
    if result.get('failed'):
        message = result['msg']
        assert 'Traceback' not in message, message
        assert '\n' not in message.strip() or expect == 'C', message
        assert HUGE not in message, 'a huge value is quoted whole in the message'
    if expect == 'R':
        assert result.get('failed'), 'accepted: %r' % (result,)
        if option == 'api_url' and value and isinstance(value, str):
            assert 'api_url' in result['msg'], result['msg']
        assert log == [], 'refused after %d request(s): %s' % (len(log), [(r['method'], r['path']) for r in log])
    elif expect == 'A':
        assert not result.get('failed'), result['msg']
    elif expect == 'S':
        assert carried(log, value), 'not sent encoded: %s' % [(r['method'], r['path'], r['query']) for r in log]
