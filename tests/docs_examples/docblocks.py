# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ```yaml blocks of README.md and docs/*.md, and what each one is.

Every fenced block whose info string is ``yaml`` (or ``yml``) is found, also when it is indented
inside a list item. Its kind:

- ``playbook``: a list of plays (every item has ``hosts``, or is an ``import_playbook``);
- ``tasks``: a list of tasks (every item names an action by its FQCN, or is a ``block``, or has a
  ``name`` and task keywords);
- ``fragment``: anything else that parses: a ``module_defaults`` or option snippet, a vars or
  group_vars file, a result shown as YAML, a CircleCI config, an execution-environment file...
  Not runnable by nature;
- ``invalid``: YAML that does not parse, or a list that mixes tasks and other things.

A Markdown comment on the last non-blank line before the fence changes how a block is run:

- ``<!-- docs-examples: skip (REASON) -->``: not run; the reason is reported (keep these rare);
- ``<!-- docs-examples: continue -->``: a step of a walk-through: its tasks run after those of
  the yaml block before it in the same file (itself possibly a continuation), in one play.

Run it as a script to list the blocks: ``python tests/docs_examples/docblocks.py [ROOT]``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re
import sys
import textwrap

import yaml

FENCE = re.compile(r'^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)\s*(?P<info>[^`\s]*)[^`]*$')
MARKER = re.compile(r'^\s*<!--\s*docs-examples:\s*(?P<verb>[a-z-]+)\s*(?:\((?P<reason>[^)]*)\))?\s*-->\s*$')
MARKER_ANYWHERE = re.compile(r'<!--\s*docs-examples:')
FQCN = re.compile(r'^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$')
TASK_KEYWORDS = frozenset((
    'block', 'rescue', 'always', 'include_tasks', 'import_tasks', 'include_role', 'import_role',
    'register', 'when', 'loop', 'with_items', 'vars', 'delegate_to', 'notify', 'become', 'tags',
    'changed_when', 'failed_when', 'ignore_errors', 'no_log', 'until', 'retries', 'check_mode'))
YAML_INFO = ('yaml', 'yml')


def doc_files(root):
    """README.md and docs/*.md under root, relative paths, in a stable order."""
    found = []
    if os.path.isfile(os.path.join(root, 'README.md')):
        found.append('README.md')
    found.extend(sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, 'docs', '*.md'))))
    return [p.replace(os.sep, '/') for p in found]


class Block(object):
    """One ```yaml block: where it is, its text (dedented), its kind and its marker."""

    def __init__(self, path, line, text, marker=None, reason=None, marker_line=None):
        self.path = path
        self.line = line            # 1-based line of the opening fence
        self.text = text
        self.marker = marker        # None, 'skip' or 'continue'
        self.reason = reason
        self.marker_line = marker_line
        self.previous = None        # the yaml block before it in the same file
        self.data = None
        self.error = None
        self.kind = self._classify()

    @property
    def id(self):
        return '%s:%d' % (self.path, self.line)

    def _classify(self):
        try:
            self.data = yaml.safe_load(self.text)
        except yaml.YAMLError as exc:
            self.error = 'not valid YAML: %s' % exc
            return 'invalid'
        data = self.data
        if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
            return 'fragment'
        plays = [('hosts' in item or 'import_playbook' in item) for item in data]
        tasks = [is_task(item) for item in data]
        if all(plays):
            return 'playbook'
        if all(tasks):
            return 'tasks'
        if any(plays) or any(tasks):
            self.error = 'a list that mixes plays or tasks with other things: neither a playbook nor a task list'
            return 'invalid'
        return 'fragment'

    @property
    def runnable(self):
        return self.kind in ('playbook', 'tasks')

    def chain(self):
        """The blocks whose tasks run for this one: the walk-through up to it, oldest first."""
        blocks = [self]
        while blocks[0].marker == 'continue' and blocks[0].previous is not None:
            blocks.insert(0, blocks[0].previous)
        return blocks

    def describe(self):
        """A few words on what a fragment is, for the report."""
        data = self.data
        if isinstance(data, dict):
            keys = list(data)
            return 'mapping of %s%s' % (', '.join(str(k) for k in keys[:3]), ', ...' if len(keys) > 3 else '')
        if isinstance(data, list):
            return 'list of %d item(s), not tasks' % len(data)
        return type(data).__name__


def is_task(item):
    keys = [str(k) for k in item]
    if any(FQCN.match(k) for k in keys):
        return True
    if 'block' in keys:
        return True
    return 'name' in keys and any(k in TASK_KEYWORDS for k in keys)


def _marker_before(lines, index):
    """The docs-examples marker on the last non-blank line before lines[index], with its line number."""
    i = index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0:
        return None, None, None
    match = MARKER.match(lines[i])
    if not match:
        return None, None, None
    return match.group('verb'), (match.group('reason') or '').strip() or None, i + 1


def extract(root, path):
    """Every ```yaml block of one Markdown file, and the problems of its markers."""
    with open(os.path.join(root, path), encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    blocks, problems, used_markers = [], [], set()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence, info = opening.group('indent'), opening.group('fence'), opening.group('info').lower()
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if (closing and closing.group('fence')[0] == fence[0] and len(closing.group('fence')) >= len(fence)
                    and not closing.group('info')):
                break
            j += 1
        if j >= len(lines):
            problems.append('%s:%d: the code block is never closed' % (path, i + 1))
        if info in YAML_INFO:
            body = []
            for raw in lines[i + 1:j]:
                body.append(raw[len(indent):] if raw.startswith(indent) else raw.lstrip())
            verb, reason, marker_line = _marker_before(lines, i)
            block = Block(path, i + 1, textwrap.dedent('\n'.join(body) + '\n'), verb, reason, marker_line)
            if marker_line:
                used_markers.add(marker_line)
            if verb not in (None, 'skip', 'continue'):
                problems.append('%s: unknown docs-examples marker %r (skip or continue)' % (block.id, verb))
            if verb == 'skip' and not reason:
                problems.append('%s: a skip marker needs a reason: <!-- docs-examples: skip (why) -->' % block.id)
            if blocks:
                block.previous = blocks[-1]
            if verb == 'continue' and (block.previous is None or block.kind != 'tasks'
                                       or block.previous.kind != 'tasks'):
                problems.append('%s: continue needs a task list right after another task list' % block.id)
            blocks.append(block)
        i = j + 1
    for number, text in enumerate(lines, 1):
        if MARKER_ANYWHERE.search(text) and number not in used_markers:
            problems.append('%s:%d: a docs-examples marker that is not right before a ```yaml block' % (path, number))
    return blocks, problems


def collect(root):
    """(blocks, problems) of README.md and docs/*.md under root."""
    blocks, problems = [], []
    for path in doc_files(root):
        found, trouble = extract(root, path)
        blocks.extend(found)
        problems.extend(trouble)
    return blocks, problems


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    blocks, problems = collect(root)
    for block in blocks:
        extra = block.describe() if block.kind == 'fragment' else (block.error or '')
        if block.marker:
            extra = ('%s (%s) %s' % (block.marker, block.reason or '', extra)).strip()
        print('%-32s %-9s %s' % (block.id, block.kind, extra))
    for problem in problems:
        print('problem: %s' % problem)
    return 1 if problems or any(b.kind == 'invalid' for b in blocks) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
