# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plugins of the matrix: one representative task each, and the requests faults are aimed at.

To add a plugin, add a Plugin row: its task must run against the freshly reset simulator
(seed data in tests/simulator/README.md) and make the requests its targets name. A target is
``(method, raw path, expect)``: the request as the simulator sees it (a fault matches the
path exactly), and the shape the plugin needs from its answer: 'object', 'list' or 'page' when
it reads the body, None when a write's answer may be empty (CircleCI answers some writes with
an empty body).

tests/unit/test_registry.py fails when a plugin has no row here (or its requests are not routed by
the simulator), no entry in test_bad_input.OPTIONS, or no task in test_secrets.TASKS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

V1 = '/api/v1.1'
V2 = '/api/v2'
APP = V1 + '/project/github/acme/app'
V2_APP = V2 + '/project/github/acme/app'
RUNNER = '/api/v3/runner'
ORG_GLOBAL = 'da6b2a35-8085-4a06-bac8-3aebf6987a25'
# The seeded organisation gh/acme and its project acme/app (tests/simulator/README.md).
ORG_GH_ACME = '688e283b-82a6-4f12-85e4-5fc6ced69c2b'
PROJ_APP = '67899bff-f2d0-43c4-a0ea-f019e733cb62'
# The seeded GitHub App project (tests/simulator/README.md).
GHAPP = 'circleci/041bf957-9fbf-4f14-8998-f6a1515102bd/eafdaa3f-a5b1-4ccd-b9a7-77b8db20cd2f'
IDEMPOTENT = ('GET', 'DELETE')


class Target(object):

    def __init__(self, method, path, expect):
        self.method = method
        self.path = path
        self.expect = expect

    @property
    def regex(self):
        return '^%s$' % re.escape(self.path)

    @property
    def shown(self):
        """The request as the collection's messages name it: v1.1 paths relative to /api/v1.1."""
        path = self.path[len(V1):] if self.path.startswith(V1 + '/') else self.path
        return '%s %s' % (self.method, path)

    @property
    def writes(self):
        return self.method not in IDEMPOTENT

    def __repr__(self):
        return '%s %s' % (self.method, self.path)


class Plugin(object):

    def __init__(self, name, kind, args, targets, terms=None, label=None):
        self.name = name
        self.label = label or name  # a second row of one plugin (another API family) names itself
        self.kind = kind          # 'module' or 'lookup'
        self.args = args          # module arguments, or lookup keywords
        self.terms = terms        # lookup terms
        self.targets = [Target(*t) for t in targets]


KEY_PLACEHOLDER = '@PRIVATE_KEY@'  # replaced by a real key at run time (tests generate one)

PLUGINS = [
    Plugin('circleci_envvar', 'module', dict(project_slug='gh/acme/app', name='NEW_VAR', value='new-value-1'),
           [('GET', APP + '/envvar', 'list'), ('POST', APP + '/envvar', None)]),
    Plugin('circleci_build', 'module', dict(project_slug='gh/acme/app', branch='main'),
           [('POST', APP + '/tree/main', 'object')]),
    Plugin('circleci_build_info', 'module', dict(project_slug='gh/acme/app', build_num=1),
           [('GET', APP + '/1', 'object'), ('GET', APP + '/1/artifacts', 'list')]),
    Plugin('circleci_cache', 'module', dict(project_slug='gh/acme/app'),
           [('DELETE', APP + '/build-cache', None)]),
    Plugin('circleci_checkout_key', 'module', dict(project_slug='gh/acme/app', type='github-user-key'),
           [('GET', APP + '/checkout-key', 'list'), ('POST', APP + '/checkout-key', 'object')]),
    Plugin('circleci_heroku_key', 'module', dict(apikey='heroku-key-0123456789'),
           [('POST', V1 + '/user/heroku-key', None)]),
    Plugin('circleci_project', 'module', dict(project_slug='gh/acme/newsvc'),
           [('POST', V1 + '/project/github/acme/newsvc/follow', 'object')]),
    Plugin('circleci_project_info', 'module', dict(project_slug='gh/acme/app'),
           [('GET', APP + '/settings', 'object')]),
    Plugin('circleci_ssh_key', 'module',
           dict(project_slug='gh/acme/app', hostname='deploy.example.com', private_key=KEY_PLACEHOLDER),
           [('POST', APP + '/ssh-key', None)]),
    Plugin('circleci_pipeline', 'module', dict(project_slug='gh/acme/app', branch='main'),
           [('POST', V2 + '/project/gh/acme/app/pipeline/run', 'object')]),
    Plugin('circleci_pipeline_info', 'module', dict(project_slug='gh/acme/app'),
           [('GET', V2_APP + '/pipeline', 'page')]),
    Plugin('circleci_context', 'module', dict(owner_slug='gh/acme', name='new-context'),
           [('GET', V2 + '/context', 'page'), ('POST', V2 + '/context', 'object')]),
    Plugin('circleci_context_envvar', 'module',
           dict(owner_slug='gh/acme', context='org-global', name='NEW_VAR', value='new-value-2'),
           [('PUT', V2 + '/context/%s/environment-variable/NEW_VAR' % ORG_GLOBAL, None)]),
    Plugin('circleci_context_info', 'module', dict(owner_slug='gh/acme', name='org-global'),
           [('GET', V2 + '/context/%s/environment-variable' % ORG_GLOBAL, 'page')]),
    # The API v2 writes of variables and restrictions (a circleci/ project has no v1.1).
    Plugin('circleci_envvar', 'module', dict(project_slug=GHAPP, name='NEW_VAR', value='new-value-3'),
           [('GET', V2 + '/project/' + GHAPP + '/envvar', 'page'), ('POST', V2 + '/project/' + GHAPP + '/envvar', None)],
           label='circleci_envvar-v2'),
    Plugin('circleci_context', 'module', dict(owner_slug='gh/acme', name='org-global',
                                              restrictions=[dict(type='expression', value='pipeline.git.branch == "main"')]),
           [('POST', V2 + '/context/%s/restrictions' % ORG_GLOBAL, 'object')], label='circleci_context-restriction'),
    # Port 9 on the loopback: no delivery ever reaches anything (and these tasks finish no workflow).
    Plugin('circleci_webhook', 'module',
           dict(project_slug='gh/acme/app', name='new-hook', url='https://127.0.0.1:9/hook', events=['workflow-completed'],
                signing_secret='hook-secret-0123456789'),
           [('GET', V2 + '/webhook', 'page'), ('POST', V2 + '/webhook', 'object')]),
    Plugin('circleci_webhook_info', 'module', dict(project_slug='gh/acme/app'),
           [('GET', V2 + '/project/github/acme/app', 'object'), ('GET', V2 + '/webhook', 'page')]),
    Plugin('circleci_project_settings', 'module', dict(project_slug='gh/acme/app', build_fork_prs=True),
           [('GET', V2_APP + '/settings', 'object'), ('PATCH', V2_APP + '/settings', 'object')]),
    Plugin('circleci_oidc_claims', 'module', dict(project_slug='gh/acme/app', audience=['sts.example.com'], ttl='1h'),
           [('GET', V2_APP, 'object'), ('GET', V2 + '/org/%s/project/%s/oidc-custom-claims' % (ORG_GH_ACME, PROJ_APP), 'object'),
            ('PATCH', V2 + '/org/%s/project/%s/oidc-custom-claims' % (ORG_GH_ACME, PROJ_APP), 'object')]),
    # The runner API (/api/v3) on the simulator's own address: runner_url is derived from api_url (a host that is not
    # circleci.com serves it itself, as CircleCI Server does). acme/linux is the seeded resource class.
    Plugin('circleci_runner_resource_class', 'module', dict(resource_class='acme/new-class', description='new'),
           [('GET', RUNNER + '/resource', 'page'), ('POST', RUNNER + '/resource', 'object')]),
    Plugin('circleci_runner_token', 'module', dict(resource_class='acme/linux', nickname='new-host'),
           [('GET', RUNNER + '/token', 'page'), ('POST', RUNNER + '/token', 'object')]),
    Plugin('circleci_runner_info', 'module', dict(resource_class='acme/linux'),
           [('GET', RUNNER, 'page'), ('GET', RUNNER + '/tasks', 'object'), ('GET', RUNNER + '/tasks/running', 'object')]),
    Plugin('circleci_builds', 'lookup', dict(limit=5), [('GET', APP, 'list')], terms=['acme/app']),
    Plugin('circleci_artifacts', 'lookup', dict(build_num=[1, 3], workers=2),
           [('GET', APP + '/3/artifacts', 'list')], terms=['acme/app']),
    Plugin('circleci_pipelines', 'lookup', dict(limit=2), [('GET', V2_APP + '/pipeline', 'page')],
           terms=['gh/acme/app']),
]

BY_NAME = dict((p.name, p) for p in PLUGINS if p.label == p.name)
