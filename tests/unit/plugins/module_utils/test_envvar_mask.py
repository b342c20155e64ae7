# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The masked values of project variables: the comparison (_v1.mask_matches), the prediction
(_v1.mask_value), what a write's answer may show (_envvars.shown_after_write), and the plan
built on them, under every masking rule CircleCI might follow (see ..mask_rules)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils._envvars import plan_envvars, shown_after_write
from ansible_collections.ciops.circleci.plugins.module_utils._v1 import mask_matches, mask_suffix_lengths, mask_value

from ..mask_rules import MASK_RULES, VALUES


def present(name, value):
    return dict(name=name, value=value, state='present')


def plan_one(shown, value):
    """The actions of a run that wants X=value while CircleCI lists X as shown."""
    return plan_envvars([{'name': 'X', 'value': shown}], [present('X', value)])['actions']


# (listed mask, desired value, whether the value may be unchanged)
TABLE = [
    # 8 characters or more: exactly the last four.
    ('xxxxst-1', 'eu-west-1', True),
    ('xxxxst-1', 'us-east-1', True),     # a change behind the same last four: invisible
    ('xxxxst-2', 'eu-west-1', False),
    ('xxxxt-1', 'eu-west-1', False),     # fewer than four characters: not the mask of a long value
    ('xxxx', 'eu-west-1', False),
    ('xxxxwest-1', 'eu-west-1', False),
    ('xxxx5678', '12345678', True),
    ('xxxx678', '12345678', False),
    ('xxxxtest', 'abcdtest', True),
    # 4 characters: recorded `test` -> `xxxxst`; a suffix of at most four is all a comparison may rely on.
    ('xxxxst', 'test', True),
    ('xxxxt', 'test', True),
    ('xxxxtest', 'test', True),
    ('xxxx', 'test', True),
    ('xxxxes', 'test', False),
    ('xxxxxtest', 'test', False),        # five characters after xxxx
    ('xxxxst', 'best', True),            # invisible, as CircleCI shows both alike
    ('xxxxsT', 'test', False),
    # 5 to 7 characters: never recorded, any suffix of 0 to 4 characters.
    ('xxxxod1', 'prod1', True),
    ('xxxxrod1', 'prod1', True),
    ('xxxx1', 'prod1', True),
    ('xxxx', 'prod1', True),
    ('xxxxprod1', 'prod1', False),
    ('xxxxod2', 'prod1', False),
    ('xxxx567', '1234567', True),
    ('xxxx4567', '1234567', True),
    ('xxxx34567', '1234567', False),
    # 1 to 3 characters: never recorded, any suffix, the empty one too.
    ('xxxxR', 'R', True),
    ('xxxx', 'R', True),
    ('xxxxQ', 'R', False),
    ('xxxxxR', 'R', False),
    ('xxxxn', 'on', True),
    ('xxxxon', 'on', True),
    ('xxxxo', 'on', False),
    ('xxxxev', 'dev', True),
    ('xxxxdev', 'dev', True),
    ('xxxxxdev', 'dev', False),
    (u'xxxx☃', u'☃☃', True),
    (u'xxxx☃☃☃', u'☃☃', False),
    # The empty value shows xxxx alone.
    ('xxxx', '', True),
    ('xxxxa', '', False),
    # Not a mask at all.
    ('st-1', 'eu-west-1', False),
    ('XXXXst-1', 'eu-west-1', False),
    ('', '', False),
    (None, 'R', False),
]


@pytest.mark.parametrize('shown, value, same', TABLE)
def test_a_listed_mask_matches_a_value_as_the_facts_allow(shown, value, same):
    assert mask_matches(shown, value) is same
    # The plan rewrites exactly the variables whose mask proves them different.
    assert plan_one(shown, value) == ([] if same else [('update', 'X', value)])


@pytest.mark.parametrize('length, counts', [
    (0, (0,)), (1, (0, 1)), (2, (0, 1, 2)), (3, (0, 1, 2, 3)),
    (4, (0, 1, 2, 3, 4)), (5, (0, 1, 2, 3, 4)), (6, (0, 1, 2, 3, 4)), (7, (0, 1, 2, 3, 4)),
    (8, (4,)), (9, (4,)), (300, (4,)),
])
def test_the_numbers_of_characters_a_mask_may_show(length, counts):
    assert mask_suffix_lengths(length) == counts


@pytest.mark.parametrize('rule', sorted(MASK_RULES))
@pytest.mark.parametrize('value', VALUES)
def test_an_unchanged_value_is_unchanged_under_every_rule(rule, value):
    shown = MASK_RULES[rule](value)
    assert mask_matches(shown, value)
    assert plan_one(shown, value) == []


@pytest.mark.parametrize('rule', sorted(MASK_RULES))
@pytest.mark.parametrize('value', [v for v in VALUES if v])
def test_a_change_the_mask_shows_is_seen_under_every_rule(rule, value):
    mask = MASK_RULES[rule]
    shown = mask(value)
    for position in range(1, min(len(value), 4) + 1):
        # The same value with one of its last four characters changed.
        other = value[:-position] + ('Z' if value[-position] != 'Z' else 'Y') + value[len(value) - position + 1:]
        assert len(other) == len(value) and other != value
        if position <= len(shown) - 4:
            # CircleCI shows that character: the listing proves the value is not `other`.
            assert plan_one(shown, other) == [('update', 'X', other)], (shown, other)
        else:
            # CircleCI does not show it: no comparison can see the change.
            assert plan_one(shown, other) == [], (shown, other)


@pytest.mark.parametrize('value', [v for v in VALUES if len(v) >= 8])
def test_a_long_value_is_told_from_any_value_of_another_ending(value):
    for rule in MASK_RULES.values():
        assert plan_one(rule(value), value[-3:]) == [('update', 'X', value[-3:])]
        assert plan_one(rule(value), 'x' + value[-3:]) == [('update', 'X', 'x' + value[-3:])]


@pytest.mark.parametrize('value, predicted', [
    ('', 'xxxx'), ('R', 'xxxx'), ('on', 'xxxx'), ('dev', 'xxxx'),
    ('test', 'xxxxst'),                       # as recorded
    ('prod1', 'xxxx'), ('eu-ab2', 'xxxx'), ('stage-3', 'xxxx'),
    ('eu-west1', 'xxxxest1'), ('eu-west-1', 'xxxxst-1'), (u'pässwörd', u'xxxxwörd'),
])
def test_a_predicted_mask_shows_only_what_circleci_is_known_to_show(value, predicted):
    assert mask_value(value) == predicted
    assert mask_matches(predicted, value)
    # Never more of the value than any rule shows.
    for rule in MASK_RULES.values():
        assert len(predicted) <= len(rule(value))


def test_the_plan_predicts_new_and_rewritten_values_honestly():
    current = [{'name': 'LONG', 'value': 'xxxxst-1'}, {'name': 'FLAG', 'value': 'xxxxR'}]
    todo = plan_envvars(current, [present('LONG', 'us-east-2'), present('FLAG', 'R'), present('NEW4', 'true'),
                                  present('NEW6', 'abcdef'), present('NEW1', 'x')], update_values='always')
    # A rewrite keeps the mask CircleCI listed when it may be the value's (FLAG); the others are predicted.
    assert todo['envvars'] == [{'name': 'LONG', 'value': 'xxxxst-2'}, {'name': 'FLAG', 'value': 'xxxxR'},
                               {'name': 'NEW4', 'value': 'xxxxue'}, {'name': 'NEW6', 'value': 'xxxx'},
                               {'name': 'NEW1', 'value': 'xxxx'}]
    todo = plan_envvars(current, [present('FLAG', 'Q')], update_values='always')
    assert todo['envvars'][1] == {'name': 'FLAG', 'value': 'xxxx'}


@pytest.mark.parametrize('answer, value, shown', [
    ({'name': 'X', 'value': 'xxxxst'}, 'test', 'xxxxst'),
    ({'name': 'X', 'value': 'xxxxod1'}, 'prod1', 'xxxxod1'),
    ({'name': 'X', 'value': 'xxxx1'}, 'prod1', 'xxxx1'),
    ({'name': 'X', 'value': 'xxxxst-1'}, 'eu-west-1', 'xxxxst-1'),
    # Answers that are no mask of the value written are never shown.
    ({'name': 'X', 'value': 'prod1'}, 'prod1', 'xxxx'),
    ({'name': 'X', 'value': 'xxxxzz'}, 'prod1', 'xxxx'),
    ({'name': 'X', 'value': 'xxxxest-1'}, 'eu-west-1', 'xxxxst-1'),
    ({'name': 'X'}, 'test', 'xxxxst'),
    ({}, 'abcdef', 'xxxx'),
    (None, 'abcdef', 'xxxx'),
    ('', 'R', 'xxxx'),
    ({'value': 7}, 'R', 'xxxx'),
])
def test_a_written_value_shows_as_the_write_answered_when_that_is_its_mask(answer, value, shown):
    assert shown_after_write(answer, value) == shown
