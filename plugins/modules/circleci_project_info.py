#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_project_info
short_description: Read the CircleCI user, followed projects, and one project's settings, env vars and checkout keys
version_added: 1.0.0
description:
  - Reads what CircleCI knows about the signed-in user (C(GET /me)), the projects the user
    follows (C(GET /projects)) and, for one project, its settings with SSH keys
    (C(GET .../settings)), its environment variables with masked values (C(GET .../envvar))
    and its checkout keys (C(GET .../checkout-key)).
  - One request per item of O(gather) (one per page for API v2 lists); only the requested items are read.
  - Environment variables and checkout keys of C(circleci/<org-uuid>/<project-uuid>) projects (GitHub App,
    GitLab, Bitbucket Data Center) are read through API v2, see O(api_version); the results have the same shape.
    The user, the followed projects and the project settings exist only in API v1.1.
  - Secrets are left out of the result, see the notes.
  - Recent builds across projects and the builds of one project are read with the
    P(ciops.circleci.circleci_builds#lookup) lookup; one build with
    M(ciops.circleci.circleci_build_info).
author:
  - ciops maintainers (@ciops)
options:
  project_slug:
    description:
      - The project as CircleCI's slug (C(gh/acme/app), C(bb/acme/lib), C(circleci/<org-uuid>/<project-uuid>)),
        instead of O(username) and O(project).
      - Needed, or O(username) and O(project), for V(settings), V(envvars) and V(checkout_keys).
    type: str
  username:
    description:
      - The user or organization that owns the project (the VCS owner).
      - Needed, with O(project), for V(settings), V(envvars) and V(checkout_keys), unless O(project_slug) is given.
    type: str
    aliases: [org]
  project:
    description:
      - The repository name of the project.
      - Needed, with O(username), for V(settings), V(envvars) and V(checkout_keys), unless O(project_slug) is given.
    type: str
    aliases: [repo]
  gather:
    description:
      - What to read, one request each.
      - V(me) is the signed-in user; a project API token cannot read it.
      - V(projects) is every project the user follows, with its settings, read in the light form
        CircleCI offers (C(GET /projects?shallow=true)); see RV(projects).
      - V(settings), V(envvars) and V(checkout_keys) are about the project O(project_slug) (or O(username)/O(project)).
      - Default is V(me) and V(projects), plus V(settings), V(envvars) and V(checkout_keys)
        when a project is given (without V(settings) for a C(circleci/...) project).
      - V(settings) exists only in API v1.1, which cannot reach C(circleci/...) projects; asking for it
        with such a project fails before any request.
    type: list
    elements: str
    choices: [me, projects, settings, envvars, checkout_keys]
  envvar_names:
    description:
      - Read only these environment variables, one C(GET .../envvar/{name}) each, instead of
        the whole list. Worth it only for a project with very many variables.
      - A name the project does not have is left out of RV(envvars).
      - Applies when V(envvars) is gathered.
    type: list
    elements: str
  fingerprints:
    description:
      - Read only these checkout keys, one C(GET .../checkout-key/{fingerprint}) each, instead of
        the whole list.
      - MD5 (16 colon-separated hex pairs) or SHA-256 fingerprints (C(SHA256:) and 43 base64 characters), not
        mixed. SHA-256 ones need API v2, which O(api_version=auto) then uses.
      - A fingerprint the project does not have is left out of RV(checkout_keys).
      - Applies when V(checkout_keys) is gathered.
    type: list
    elements: str
  fingerprint_digest:
    description:
      - The fingerprints shown in RV(checkout_keys), V(md5) or V(sha256).
      - V(sha256) needs API v2 (C(?digest=sha256)), which O(api_version=auto) then uses.
      - When not given, the kind of O(fingerprints), else V(md5).
    type: str
    choices: [md5, sha256]
  api_version:
    description:
      - The CircleCI API that V(envvars) and V(checkout_keys) are read through.
      - V(auto) uses API v1.1 for GitHub OAuth and Bitbucket Cloud projects (C(gh/...), C(bb/...)), and API v2
        for C(circleci/...) slugs and SHA-256 fingerprints, which API v1.1 cannot serve.
      - V(v2) uses API v2 for every project. V(v1.1) with a C(circleci/...) slug fails before any request.
      - V(me), V(projects) and V(settings) are always read through API v1.1.
    type: str
    choices: [auto, v1.1, v2]
    default: auto
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
  - ciops.circleci.attributes.info_module
notes:
  - Left out of every result, at any depth, whatever their value (even null), are the keys whose
    name contains C(token), C(secret), C(password), C(api_key), C(apikey) or C(private_key),
    the key C(slack_webhook_url), and the user's C(pusher_id) (the id of the user's private
    notification channel). That drops for example C(heroku_api_key) from V(me), and
    C(slack_api_token), C(campfire_token), C(flowdock_api_token), C(hipchat_api_token),
    C(irc_password) and C(slack_webhook_url) from project settings. Keys of name-keyed maps
    (branch names, project URLs) are never dropped.
  - Environment variable values cannot be read back from CircleCI; they come masked as
    C(xxxx) plus the last four characters of a value of 8 characters or more, and fewer of a
    shorter value (C(xxxxst) for C(test)).
  - SSH keys added with M(ciops.circleci.circleci_ssh_key) are visible only here, in
    RV(settings.ssh_keys), with their host name, public key and MD5 fingerprint.
seealso:
  - module: ciops.circleci.circleci_build_info
  - plugin: ciops.circleci.circleci_builds
    plugin_type: lookup
  - name: CircleCI API v1.1 reference
    description: The me, projects, settings, envvar and checkout-key endpoints.
    link: https://circleci.com/docs/api/v1/
  - name: CircleCI API v2 reference
    description: The project envvar and checkout-key endpoints.
    link: https://circleci.com/docs/api/v2/
'''

EXAMPLES = r'''
- name: Who am I and which projects do I follow (two requests)
  ciops.circleci.circleci_project_info:
  register: circleci

- name: Print the followed projects
  ansible.builtin.debug:
    msg: "{{ circleci.projects | map(attribute='vcs_url') | list }}"

- name: Everything about acme/app (five requests)
  ciops.circleci.circleci_project_info:
    username: acme
    project: app
  register: app

- name: Only the env var names of acme/app (one request)
  ciops.circleci.circleci_project_info:
    username: acme
    project: app
    gather: [envvars]
  register: app_env

- name: Fail when a required variable is missing
  ansible.builtin.assert:
    that: "'AWS_REGION' in app_env.envvars | map(attribute='name')"

- name: Is the deploy key with this fingerprint still registered?
  ciops.circleci.circleci_project_info:
    username: acme
    project: app
    gather: [checkout_keys]
    fingerprints: ["a6:8e:59:5e:96:95:36:0e:0c:e6:81:ae:3c:46:cf:5b"]
  register: deploy_key

- name: Variables and checkout keys (SHA-256 fingerprints) of a GitHub App project, through API v2
  ciops.circleci.circleci_project_info:
    project_slug: circleci/5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b/9a3c1e5f-7b2d-4c8e-a0f1-3b4c5d6e7f80
    gather: [envvars, checkout_keys]
    fingerprint_digest: sha256
  register: app_v2

- name: SSH keys and checkout keys of a Bitbucket project
  ciops.circleci.circleci_project_info:
    vcs_type: bitbucket
    username: acme
    project: lib
    gather: [settings, checkout_keys]
  register: lib

- name: Host names that have an SSH key
  ansible.builtin.debug:
    msg: "{{ lib.settings.ssh_keys | map(attribute='hostname') | list }}"
'''

RETURN = r'''
gathered:
  description: The items that were read, in the order they were read.
  returned: always
  type: list
  elements: str
  sample: [me, projects, settings, envvars, checkout_keys]
project:
  description: The project, as C(vcs_type/username/project) or C(circleci/<org-uuid>/<project-uuid>).
  returned: when a project is given
  type: str
  sample: github/acme/app
api_version:
  description: The API V(envvars) and V(checkout_keys) were read through, V(v1.1) or V(v2) (see O(api_version)).
  returned: when a project is given and V(envvars) or V(checkout_keys) is gathered
  type: str
  sample: v1.1
me:
  description:
    - The signed-in user (C(GET /me)), without the secret keys listed in the notes.
  returned: when V(me) is gathered
  type: dict
  sample:
    login: demo
    name: Demo User
    selected_email: demo@example.com
    admin: false
    containers: 1
    projects:
      https://github.com/acme/app: {emails: default, on_dashboard: true}
projects:
  description:
    - The followed projects (C(GET /projects?shallow=true)), each without the secret keys listed in the notes.
    - C(branches) (recent builds per branch, keyed by URL-encoded branch name such as C(feature%2Flogin)) is
      there only where CircleCI still sends it. CircleCI removes it from C(GET /projects) and from project
      settings on 2026-12-07, and the light form asked for may leave it out before. Do not rely on it; read a
      branch's builds with the P(ciops.circleci.circleci_builds#lookup) lookup (C(branch=...)).
  returned: when V(projects) is gathered
  type: list
  elements: dict
  sample:
    - vcs_type: github
      username: acme
      reponame: app
      vcs_url: https://github.com/acme/app
      following: true
      default_branch: main
settings:
  description:
    - The project's settings (C(GET .../settings)), without the secret keys listed in the notes.
    - C(branches) (recent builds per branch) is there until 2026-12-07, when CircleCI removes it from the
      settings; do not rely on it (see RV(projects)).
  returned: when V(settings) is gathered
  type: dict
  contains:
    ssh_keys:
      description: The project's SSH keys for other hosts.
      type: list
      elements: dict
      contains:
        hostname:
          description: Host the key is for (empty for every host).
          type: str
          sample: deploy.example.com
        fingerprint:
          description: Legacy MD5 fingerprint of the public key.
          type: str
          sample: "c1:7d:2e:4f:5a:6b:7c:8d:9e:af:b0:c1:d2:e3:f4:05"
        public_key:
          description: The public key.
          type: str
          sample: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7...
  sample:
    vcs_type: github
    username: acme
    reponame: app
    default_branch: main
    has_usable_key: true
    ssh_keys:
      - hostname: deploy.example.com
        fingerprint: "c1:7d:2e:4f:5a:6b:7c:8d:9e:af:b0:c1:d2:e3:f4:05"
        public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7...
envvars:
  description: The project's environment variables; the values are masked by CircleCI.
  returned: when V(envvars) is gathered
  type: list
  elements: dict
  contains:
    name:
      description: Name of the variable.
      type: str
      sample: AWS_REGION
    value:
      description: C(xxxx) and the last four characters of the value; fewer for a value shorter than 8 characters.
      type: str
      sample: xxxxst-1
  sample:
    - name: AWS_REGION
      value: xxxxst-1
    - name: FEATURE_X
      value: xxxxue
checkout_keys:
  description: The project's checkout keys.
  returned: when V(checkout_keys) is gathered
  type: list
  elements: dict
  contains:
    type:
      description: V(deploy-key) or V(github-user-key).
      type: str
      sample: deploy-key
    fingerprint:
      description: MD5 fingerprint of the key, or SHA-256 with O(fingerprint_digest=sha256).
      type: str
      sample: "10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5"
    public_key:
      description: The public key.
      type: str
    preferred:
      description: Whether CircleCI uses this key to check out.
      type: bool
    login:
      description: The user of a V(github-user-key), null for a deploy key and with API v2, which does not show it.
      type: str
    time:
      description: When the key was created.
      type: str
      sample: "2024-04-30T08:00:00.000Z"
  sample:
    - type: deploy-key
      fingerprint: "10:1e:4c:9a:23:7b:1f:2d:5e:6f:70:81:92:a3:b4:c5"
      public_key: "ssh-rsa AAAAB3NzaC1yc2E..."
      preferred: true
      login: null
      time: "2024-04-30T08:00:00.000Z"
'''

import re

from ansible_collections.ciops.circleci.plugins.module_utils._checkout_keys import DIGEST_NAMES, DIGESTS, normalize_key
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule
from ansible_collections.ciops.circleci.plugins.module_utils._project import API_VERSIONS, choose_api_version
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import (
    check_envvar_name,
    check_fingerprint,
    is_sha256_fingerprint,
)

GATHER_CHOICES = ('me', 'projects', 'settings', 'envvars', 'checkout_keys')
PROJECT_ITEMS = ('settings', 'envvars', 'checkout_keys')

SECRET_KEY_RE = re.compile(r'token|secret|password|api_?key|private_key', re.IGNORECASE)
SECRET_KEYS = frozenset(('slack_webhook_url', 'pusher_id'))
# Maps whose keys are names (branches, project URLs), not field names: their keys are kept.
NAME_KEYED = frozenset(('branches', 'projects'))


def is_secret_key(key):
    return isinstance(key, str) and (key in SECRET_KEYS or bool(SECRET_KEY_RE.search(key)))


def drop_secrets(value):
    """A copy of a CircleCI document without secret-looking keys, at any depth."""
    if isinstance(value, list):
        return [drop_secrets(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if is_secret_key(key):
            continue
        if key in NAME_KEYED and isinstance(item, dict):
            out[key] = dict((name, drop_secrets(sub)) for name, sub in item.items())
        else:
            out[key] = drop_secrets(item)
    return out


def normalise_settings(settings):
    settings = drop_secrets(settings or {})
    settings['ssh_keys'] = [
        dict(hostname=key.get('hostname'), fingerprint=key.get('fingerprint'), public_key=key.get('public_key'))
        for key in settings.get('ssh_keys') or [] if isinstance(key, dict)]
    return settings


def plan_gather(gather, has_project, project=None):
    """The items to read, in a fixed order, without duplicates; raises on project items without a project,
    and on settings for a project API v1.1 cannot reach (left out of the default for such a project)."""
    v1_reachable = project is None or project.v1_reachable
    if gather is None:
        wanted = [item for item in GATHER_CHOICES if has_project or item not in PROJECT_ITEMS]
        if not v1_reachable:
            wanted.remove('settings')
    else:
        wanted = gather
    missing = [item for item in PROJECT_ITEMS if item in wanted and not has_project]
    if missing:
        raise CircleCIError(
            'gather=%s needs a project (project_slug, or username and project): give the project whose %s to read'
            % (','.join(missing), ', '.join(missing)))
    if 'settings' in wanted and not v1_reachable:
        project.require_v1('gather=settings (the project settings with its SSH keys)')
    return [item for item in GATHER_CHOICES if item in wanted]


def checked_fingerprints(fingerprints, digest):
    """The fingerprints, checked, and the digest to read keys with (md5 or sha256)."""
    checked = [check_fingerprint(fp, sha256=True) for fp in fingerprints or []]
    kinds = set('sha256' if is_sha256_fingerprint(fp) else 'md5' for fp in checked)
    if len(kinds) > 1:
        raise CircleCIError('fingerprints mixes MD5 and SHA-256 fingerprints: give one kind')
    given = kinds.pop() if kinds else None
    if given and digest and digest != given:
        raise CircleCIError('the fingerprints given are %s but fingerprint_digest is %s: leave fingerprint_digest out, '
                            'or give %s fingerprints' % (DIGEST_NAMES[given], digest, DIGEST_NAMES[digest]))
    return checked, digest or given or 'md5'


def read_each(api, paths, params=None):
    """GET each path; the items CircleCI does not have (404) are left out; an unknown project fails."""
    found = (api.find(path, params=params) for path in paths)
    return [item for item in found if item is not None]


def run(module):
    p = module.params
    has_project = module.project is not None
    items = plan_gather(p['gather'], has_project, module.project)
    names = [check_envvar_name(name) for name in p['envvar_names'] or []]
    fingerprints, digest = checked_fingerprints(p['fingerprints'], p['fingerprint_digest'])
    version = None
    if has_project and ('envvars' in items or 'checkout_keys' in items):
        reason = None
        if digest == 'sha256' and 'checkout_keys' in items:
            reason = 'a SHA-256 fingerprint (fingerprint_digest: sha256)'
        version = choose_api_version(module.project, p['api_version'], 'circleci_project_info', v2_reason=reason)
    client = module.client
    result = dict(changed=False, gathered=items)
    if has_project:
        result['project'] = module.project_slug
    if version:
        result['api_version'] = version
    api = module.api(version)

    def item_path(*segments):
        return api.project(module.project, *segments)

    for item in items:
        if item == 'me':
            result['me'] = drop_secrets(client.v1.get('/me'))
        elif item == 'projects':
            # The light form: the per-branch build data (branches) CircleCI removes on 2026-12-07 is not asked for.
            result['projects'] = drop_secrets(client.v1.list_all('/projects', params={'shallow': 'true'}))
        elif item == 'settings':
            # Settings exist only in API v1.1, whatever api_version says.
            result['settings'] = normalise_settings(client.v1.get(module.project_path('settings')))
        elif item == 'envvars':
            if names:
                listing = read_each(api, [item_path('envvar', name) for name in names])
            else:
                listing = api.list_all(item_path('envvar'))
            result['envvars'] = [dict(name=e.get('name'), value=e.get('value')) for e in listing]
        elif item == 'checkout_keys':
            params = {'digest': 'sha256'} if digest == 'sha256' else None
            if fingerprints:
                keys = read_each(api, [item_path('checkout-key', fp) for fp in fingerprints], params=params)
            else:
                keys = api.list_all(item_path('checkout-key'), params=params)
            result['checkout_keys'] = [normalize_key(k) if version == 'v2' else k for k in keys]
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            gather=dict(type='list', elements='str', choices=list(GATHER_CHOICES)),
            envvar_names=dict(type='list', elements='str'),
            fingerprints=dict(type='list', elements='str'),
            fingerprint_digest=dict(type='str', choices=list(DIGESTS)),
            api_version=dict(type='str', default='auto', choices=list(API_VERSIONS)),
        ),
        project='optional',
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
