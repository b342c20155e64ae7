#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: circleci_project
short_description: Follow or unfollow a CircleCI project
version_added: 1.0.0
description:
  - Follows a project on CircleCI (sets it up for building) or stops following it.
    Following is what a new project needs before environment variables, keys or builds can be set.
  - The module reads the followed projects once, in the light form CircleCI offers
    (C(GET /projects?shallow=true)); a project in that list is followed.
    Only when the state differs it sends C(POST .../follow) or C(POST .../unfollow).
  - It returns the project's settings (the CircleCI project object). For a followed project they are
    taken from its C(GET /projects) entry, which is the same project object that C(GET .../settings)
    returns (the light form may leave out C(branches), see the notes), so no extra request is needed.
    Otherwise they are read with one C(GET .../settings).
author:
  - ciops maintainers (@ciops)
options:
  state:
    description:
      - V(followed) makes sure the token's user follows the project.
      - V(unfollowed) makes sure the user does not follow it.
    type: str
    choices: [followed, unfollowed]
    default: followed
extends_documentation_fragment:
  - ciops.circleci.connection
  - ciops.circleci.connection.project
  - ciops.circleci.attributes
  - ciops.circleci.attributes.actiongroup
attributes:
  check_mode:
    support: full
    details:
      - Nothing is followed or unfollowed. RV(project) is the predicted object (C(following) set to
        the target state); when the project would be followed and CircleCI does not know it yet
        (C(GET .../settings) answers 404), RV(project) is V(null).
  diff_mode:
    support: full
    details:
      - The diff shows whether the project is followed before and after.
notes:
  - "Request counts: already in the wanted state and followed, one C(GET /projects); already
    unfollowed, C(GET /projects) + C(GET .../settings); following, C(GET /projects) + C(POST .../follow)
    + C(GET .../settings); unfollowing, C(GET /projects) + C(POST .../unfollow)."
  - With O(state=unfollowed), a project CircleCI does not know at all is not followed either, so
    the task succeeds with C(changed=false) and RV(project=null).
  - On 2026-12-07 CircleCI removes C(branches) (recent builds per branch) from C(GET /projects) and from
    the project settings. From that day RV(settings) never holds it; before, it may, except for a project
    already followed, whose entry of the light list may leave it out. The module never reads it; do not
    rely on it either, and read a branch's builds with the P(ciops.circleci.circleci_builds#lookup) lookup
    (C(branch=...)).
seealso:
  - module: ciops.circleci.circleci_project_info
    description: Read projects without changing them.
  - name: CircleCI API v1.1 reference
    description: The follow, unfollow, projects and settings endpoints.
    link: https://circleci.com/docs/api/v1/
'''

EXAMPLES = r'''
- name: Follow a new project before configuring it
  ciops.circleci.circleci_project:
    username: acme
    project: newsvc
    state: followed
  register: newsvc

- name: Then give it a deploy key
  ciops.circleci.circleci_checkout_key:
    username: acme
    project: newsvc
    type: deploy-key

- name: Show its default branch
  ansible.builtin.debug:
    msg: "{{ newsvc.settings.vcs_url }} builds {{ newsvc.settings.default_branch }}"
  when: newsvc.settings is not none

- name: Follow every service repository
  ciops.circleci.circleci_project:
    username: acme
    project: "{{ item }}"
  loop: [app, api, worker]

- name: Stop following a retired Bitbucket project
  ciops.circleci.circleci_project:
    vcs_type: bitbucket
    username: acme
    project: legacy
    state: unfollowed
'''

RETURN = r'''
following:
  description: Whether the project is followed after the task (predicted in check mode).
  returned: always
  type: bool
  sample: true
project:
  description: The project's slug in its canonical form, as every module returns it.
  returned: always
  type: str
  sample: github/acme/app
settings:
  description:
    - The CircleCI project object (settings), as C(GET .../settings) returns it, with C(following)
      reflecting the state after the task.
    - Before 1.0 this was returned as RV(project).
    - V(null) when CircleCI does not know the project (only possible in check mode or with O(state=unfollowed)).
    - Holds more keys than listed here (notification settings, C(feature_flags), ...).
  returned: always
  type: dict
  contains:
    vcs_url:
      description: URL of the repository.
      type: str
      sample: https://github.com/acme/app
    vcs_type:
      description: Version control system.
      type: str
      sample: github
    username:
      description: Owner of the repository.
      type: str
      sample: acme
    reponame:
      description: Repository name.
      type: str
      sample: app
    following:
      description: Whether the token's user follows the project.
      type: bool
      sample: true
    default_branch:
      description: The repository's default branch.
      type: str
      sample: main
    has_usable_key:
      description: Whether the project has a checkout key CircleCI can use.
      type: bool
      sample: true
    ssh_keys:
      description: SSH keys for other hosts (hostname, public_key, fingerprint).
      type: list
      elements: dict
      sample: []
    branches:
      description:
        - Build information per branch, keyed by URL-encoded branch name.
        - Only where CircleCI still sends it, see the notes; absent from 2026-12-07, when CircleCI removes it.
      type: dict
      sample: {"main": {"recent_builds": [], "running_builds": []}}
first_build:
  description: What CircleCI answered to the follow request about the first build (often V(null)).
  returned: when the project was followed by this task (not in check mode)
  type: raw
  sample: null
'''

from urllib.parse import urlsplit

from ansible_collections.ciops.circleci.plugins.module_utils._project import PROVIDERS
from ansible_collections.ciops.circleci.plugins.module_utils._module import CircleCIModule


def entry_identity(entry):
    """(vcs_type or None, username, reponame) of a /projects entry, all lower case.

    Entries carry vcs_type/username/reponame; older ones only vcs_url.
    """
    vcs = entry.get('vcs_type')
    user = entry.get('username')
    repo = entry.get('reponame')
    url = entry.get('vcs_url')
    if isinstance(url, str) and url:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        segments = [s for s in parts.path.split('/') if s]
        if not vcs:
            vcs = 'bitbucket' if 'bitbucket' in host else ('github' if 'github' in host else None)
        if (not user or not repo) and len(segments) >= 2:
            user, repo = segments[-2], segments[-1]
    if vcs:
        vcs = str(vcs).lower()
        vcs = PROVIDERS.get(vcs, vcs)
    return vcs, str(user or '').lower(), str(repo or '').lower()


def find_project(projects, vcs_type, username, project):
    """The /projects entry of the project, or None. Names compare case-insensitively (like GitHub)."""
    for entry in projects or []:
        if not isinstance(entry, dict):
            continue
        vcs, user, repo = entry_identity(entry)
        if user == username.lower() and repo == project.lower() and vcs in (None, vcs_type):
            return entry
    return None


def is_following(entry):
    """A listed project is followed unless its entry says otherwise."""
    if entry is None:
        return False
    flag = entry.get('following', entry.get('followed'))
    return flag is not False


def plan_follow(following, state):
    """'follow', 'unfollow' or None (nothing to do)."""
    if state == 'followed' and not following:
        return 'follow'
    if state == 'unfollowed' and following:
        return 'unfollow'
    return None


def with_following(project, following):
    """A copy of the project object showing the given follow state (both key spellings)."""
    if project is None:
        return None
    out = dict(project)
    out['following'] = following
    if 'followed' in out:
        out['followed'] = following
    return out


def run(module):
    state = module.params['state']
    client = module.client
    # The light form: the per-branch build data (branches, which CircleCI removes on 2026-12-07) is
    # not needed to find the project and its follow state, and is never read.
    projects = client.v1.list_all('/projects', params={'shallow': 'true'})
    entry = find_project(projects, module.project.provider, module.project.org, module.project.name)
    following = is_following(entry)
    action = plan_follow(following, state)
    settings_path = module.project_path('settings')
    result = dict(changed=action is not None)

    if action == 'follow':
        if not module.check_mode:
            answer = client.v1.post(module.project_path('follow'), expect='object')
            if isinstance(answer, dict) and 'first_build' in answer:
                result['first_build'] = answer['first_build']
        # After a real follow the project exists; in check mode it may not (404 -> null).
        if module.check_mode:
            project = client.v1.find(settings_path, missing_project_ok=True)
        else:
            project = client.v1.get(settings_path)
    elif action == 'unfollow':
        if not module.check_mode:
            client.v1.post(module.project_path('unfollow'))
        # The /projects entry is the project object; only following changes.
        project = entry
    elif following:
        project = entry
    else:
        project = client.v1.find(settings_path, missing_project_ok=True)

    now_following = state == 'followed'
    result['following'] = now_following
    result['project'] = module.project_slug
    result['settings'] = with_following(project, now_following) if project is not None else None
    if module._diff:
        slug = module.project_slug
        result['diff'] = dict(before=dict(project=slug, following=following),
                              after=dict(project=slug, following=now_following))
    return result


def main():
    module = CircleCIModule(
        argument_spec=dict(
            state=dict(type='str', default='followed', choices=['followed', 'unfollowed']),
        ),
        supports_check_mode=True,
        v1_only='circleci_project (follow and unfollow)',
    )
    module.run(run)


if __name__ == '__main__':
    main()
