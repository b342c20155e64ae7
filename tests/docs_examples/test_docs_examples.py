# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every ```yaml example of README.md and docs/*.md that can run passes under ansible-playbook --check.

One test per block, named file:line of its opening fence. A block passes when ansible-playbook
--check --diff exits 0 without a traceback or an [ERROR] line, and the simulator's request log
shows that it sent no request but GET (or HEAD, for get_url in check mode). See docblocks.py for how
blocks are classified and for the markers a doc can put before a block.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from conftest import BLOCKS, PROBLEMS, runnable_blocks  # pylint: disable=import-error

import docrun  # pylint: disable=import-error


def test_blocks_are_found_and_understood():
    """The docs have examples, each one parses, and every marker is well placed and reasoned."""
    assert len(BLOCKS) >= 20, 'found only %d yaml blocks: is the extraction broken?' % len(BLOCKS)
    files = set(b.path for b in BLOCKS)
    assert 'README.md' in files
    invalid = ['%s: %s' % (b.id, b.error) for b in BLOCKS if b.kind == 'invalid']
    assert not invalid and not PROBLEMS, '\n'.join(invalid + PROBLEMS)


def test_skips_stay_rare():
    """A skip marker is for a block that cannot run by nature; more than a few means the layer erodes."""
    skipped = [b.id for b in runnable_blocks() if b.marker == 'skip']
    assert len(skipped) <= 3, 'too many skipped examples: %s' % ', '.join(skipped)


def test_placeholders_are_used():
    """vars.yml holds only what some example uses: every entry is named in a block."""
    with open(os.path.join(docrun.HERE, 'vars.yml'), encoding='utf-8') as handle:
        placeholders = yaml.safe_load(handle)
    text = '\n'.join(b.text for b in BLOCKS)
    unused = [name for name in placeholders if not re.search(r'\b%s\b' % re.escape(name), text)]
    assert not unused, 'vars.yml entries no example uses: %s' % ', '.join(unused)


@pytest.mark.parametrize('block', runnable_blocks(), ids=lambda b: b.id)
def test_example_passes_in_check_mode(block, example_results):
    if block.marker == 'skip':
        pytest.skip('%s: %s' % (block.id, block.reason))
    result = example_results[block.id]
    assert not result.problems(), result.report()
