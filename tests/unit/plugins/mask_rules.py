# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Masking rules CircleCI might follow, for proving the collection right under each of them.

What is known: a value of 8 characters or more shows its last four after ``xxxx``; recorded
circleci.com traffic shows the 4-character value ``test`` as ``xxxxst`` (two characters). What
1 to 3 and 5 to 7 characters show has never been recorded: every rule below agrees with the
record and differs there. ``simulator`` is the one tests/simulator/data.py assumes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _rule(short):
    """A mask function from the number of characters shown for lengths 1-3 and 5-7."""
    def shown(length):
        if length >= 8:
            return 4
        if length == 4:
            return 2
        return short.get(length, 0) if length else 0

    def mask(value):
        count = shown(len(value))
        return 'xxxx' + (value[-count:] if count else '')
    return mask


MASK_RULES = {
    # tests/simulator/data.py: 5-7 show three, 1-3 show one.
    'simulator': _rule({1: 1, 2: 1, 3: 1, 5: 3, 6: 3, 7: 3}),
    'half the length': _rule({1: 0, 2: 1, 3: 1, 5: 2, 6: 3, 7: 3}),
    'all but two': _rule({1: 0, 2: 0, 3: 1, 5: 3, 6: 4, 7: 4}),
    'nothing below four': _rule({1: 0, 2: 0, 3: 0, 5: 1, 6: 2, 7: 3}),
    'whole below four': _rule({1: 1, 2: 2, 3: 3, 5: 2, 6: 2, 7: 2}),
    'four from five on': _rule({1: 1, 2: 1, 3: 2, 5: 4, 6: 4, 7: 4}),
}

# Values of 0 to 12 characters (ASCII and not), each distinct in its last character.
VALUES = ['', 'R', 'on', 'dev', 'test', 'prod1', 'eu-ab2', 'stage-3', 'eu-west1', 'eu-west-1', 'sk-9f3a7c2e1b',
          u'ö', u'☃☃', u'pässwörd']
