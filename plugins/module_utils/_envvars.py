# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Environment variables as a set: the desired list, the plan, the listing.

Shared by circleci_envvar (project variables, v1.1 or v2) and circleci_context_envvar
(context variables, v2). One plan shape for both; see plan_envvars.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import check_envvar_name, mask_matches, mask_value

UPDATE_VALUES = ('on_mask_change', 'always', 'never')


def desired_variables(params):
    """The desired variables as [{name, value, state}], validated, from either form.

    params holds name/value/state (the single form) or variables (the bulk form), and purge.
    Raises CircleCIError before any request: bad names, duplicates, missing or
    non-string values, options of the wrong form. Never puts a value in a message.
    """
    if params.get('variables') is not None:
        if params.get('state') is not None:
            raise CircleCIError('state applies to the single form (name); give each item of variables its own state')
        if params.get('value') is not None:
            raise CircleCIError('value applies to the single form (name); give each item of variables its own value')
        items = params['variables']
    else:
        if params.get('purge'):
            raise CircleCIError('purge is only valid with variables (the bulk form)')
        items = [dict(name=params.get('name'), value=params.get('value'), state=params.get('state') or 'present')]

    desired = []
    seen = {}
    for item in items:
        name = check_envvar_name(item.get('name'))
        state = item.get('state') or 'present'
        value = item.get('value')
        if state == 'present':
            if value is None:
                raise CircleCIError('value of %s is required when its state is present' % name)
            if not isinstance(value, str):
                raise CircleCIError('value of %s must be a string; quote it (got %s)' % (name, type(value).__name__))
        else:
            value = None
        seen[name] = seen.get(name, 0) + 1
        desired.append(dict(name=name, value=value, state=state))
    duplicates = sorted(n for n, count in seen.items() if count > 1)
    if duplicates:
        raise CircleCIError('variables lists these names more than once: %s' % ', '.join(duplicates))
    return desired


def plan_envvars(current, desired, update_values='on_mask_change', purge=False, masked=True):
    """What to do, from what CircleCI lists and what is wanted. Pure: no I/O.

    current: [{name, value}] as the API lists them: value is the masked value (project
    variables) or None where the API shows none (context variables, masked=False).
    desired: [{name, value, state}] (value None when absent).
    Returns {actions: [(verb, name, value)], added, updated, removed, untouched, unverified, envvars},
    verb in create/update/delete. envvars is the list the API would show afterwards: existing
    variables keep their place, new ones are appended; a written value shows as listed when the
    listed mask may be its mask, else as _v1.mask_value predicts it (masked=True; replace it with
    what the write answers, see shown_after_write), or None. unverified names the listed present
    variables that exist and were not rewritten although their value could not be compared
    (update_values=never, or no mask). A listed mask is compared with _v1.mask_matches: a value
    is unchanged when the listed mask may be its mask.
    """
    if update_values not in UPDATE_VALUES:
        raise ValueError('update_values must be one of %s' % ', '.join(UPDATE_VALUES))
    if update_values == 'on_mask_change' and not masked:
        raise ValueError('on_mask_change needs the masked values the API shows')
    shown = dict((v['name'], v['value']) for v in current)
    wanted = dict((d['name'], d) for d in desired)
    actions = []
    added, updated, removed, unverified = [], [], [], []

    for item in desired:
        name = item['name']
        if item['state'] == 'absent':
            if name in shown:
                actions.append(('delete', name, None))
                removed.append(name)
            continue
        if name not in shown:
            actions.append(('create', name, item['value']))
            added.append(name)
        elif update_values == 'always' or (
                update_values == 'on_mask_change' and not mask_matches(shown[name], item['value'])):
            actions.append(('update', name, item['value']))
            updated.append(name)
        elif update_values == 'never':
            unverified.append(name)

    if purge:
        for var in current:
            if var['name'] not in wanted:
                actions.append(('delete', var['name'], None))
                removed.append(var['name'])

    def show(value, listed=None):
        # A rewrite the listed mask may already be the mask of keeps that mask: CircleCI showed it,
        # and shows it again if the value was the same. Otherwise what _v1.mask_value predicts.
        if not masked:
            return None
        return listed if mask_matches(listed, value) else mask_value(value)

    envvars = []
    gone = set(removed)
    changed_values = dict((name, value) for verb, name, value in actions if verb == 'update')
    for var in current:
        if var['name'] in gone:
            continue
        if var['name'] in changed_values:
            envvars.append(dict(name=var['name'], value=show(changed_values[var['name']], var['value'])))
        else:
            envvars.append(dict(name=var['name'], value=var['value']))
    for verb, name, value in actions:
        if verb == 'create':
            envvars.append(dict(name=name, value=show(value)))

    touched = set(added) | set(updated)
    untouched = [v['name'] for v in envvars if v['name'] not in touched]
    return dict(actions=actions, added=added, updated=updated, removed=removed,
                untouched=untouched, unverified=unverified, envvars=envvars)


def shown_after_write(answer, value):
    """The mask to show for a value just written: the one CircleCI answered the write with (both
    API versions answer a create with the masked value), when it may be the mask of that value;
    otherwise (no answer, or one that is not such a mask, which is never shown) _v1.mask_value."""
    shown = answer.get('value') if isinstance(answer, dict) else None
    return shown if mask_matches(shown, value) else mask_value(value)


def normalize_listing(listing, shown_path, name_key='name', value_key='value'):
    """The API's list as [{name, value}] (value None when the API shows none), refusing entries
    that are not variables. shown_path names the request in the message."""
    current = []
    for var in listing:
        if not isinstance(var, dict) or not isinstance(var.get(name_key), str):
            raise CircleCIError('CircleCI answered GET %s with an entry that is not a variable' % shown_path,
                                method='GET', path=shown_path)
        current.append(dict(name=var[name_key], value=(var.get(value_key) or '') if value_key else None))
    return current
