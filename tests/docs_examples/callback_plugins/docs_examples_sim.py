# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Callback of the docs-examples layer (tests/docs_examples/docrun.py, batched runs only).

When the first play of a block starts, it keeps the simulator's request log of the block before
and sets the scene for this one (reset, seed, one green pipeline, empty log); at the end it keeps
the last block's log and writes them all, {block id: [requests]}, to the plan's ``logs`` file.
The plan (DOCS_EXAMPLES_PLAN, JSON) names the simulator and the block of each play, in order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: docs_examples_sim
type: aggregate
short_description: one simulator scene and request log per docs example (test helper)
description:
  - Used by tests/docs_examples only.
requirements:
  - the DOCS_EXAMPLES_PLAN environment variable
'''

import json
import os
import sys

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'docs_examples_sim'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        with open(os.environ['DOCS_EXAMPLES_PLAN'], encoding='utf-8') as handle:
            self._plan = json.load(handle)
        sys.path.insert(0, self._plan['docs_examples'])
        import docrun  # pylint: disable=import-error,import-outside-toplevel
        self._sim = docrun.SimClient(self._plan['root'], self._plan['token'])
        self._index = -1
        self._current = None
        self._logs = {}

    def _keep_log(self):
        if self._current is not None:
            self._logs[self._current] = self._sim.requests()

    def v2_playbook_on_play_start(self, play):
        self._index += 1
        plays = self._plan['plays']
        block = plays[self._index] if self._index < len(plays) else None
        if block != self._current:
            self._keep_log()
            self._current = None
            if block is not None:
                self._sim.set_scene()
                self._current = block

    def v2_playbook_on_stats(self, stats):
        self._keep_log()
        self._current = None
        with open(self._plan['logs'], 'w', encoding='utf-8') as handle:
            json.dump(self._logs, handle)
