"""Every relative link in the shipped Markdown (README.md, docs/*.md, examples/*.md) resolves.

A link must name a file of the repository, its anchor (``page.md#section``) a heading of that
page, and a link from a file that ships in the Galaxy tarball must point at a file that ships
too (``build_ignore`` in galaxy.yml): Galaxy renders the README of the installed artifact,
where a link into ``tests/`` or ``hack/`` would be dead. Such links are absolute URLs instead.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
# GitHub's heading anchors, computed as the docsite converter computes them (hack/md2rst.py).
sys.path.insert(0, str(ROOT / 'hack'))
from md2rst import heading_anchors  # noqa: E402  pylint: disable=wrong-import-position

LINK = re.compile(r'(?<!!)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')


def markdown_files() -> list[Path]:
    files = [ROOT / 'README.md']
    files += sorted((ROOT / 'docs').glob('*.md'))
    files += sorted((ROOT / 'examples').glob('*.md'))
    return [f for f in files if f.is_file()]


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, with their numbers."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def build_ignore() -> list[str]:
    with open(ROOT / 'galaxy.yml', encoding='utf-8') as handle:
        return list(yaml.safe_load(handle).get('build_ignore') or [])


def ships(relative: Path, patterns: list[str]) -> bool:
    """Whether ansible-galaxy collection build keeps a path, by the build_ignore patterns."""
    parts = relative.parts
    for depth in range(1, len(parts) + 1):
        prefix = '/'.join(parts[:depth])
        name = parts[depth - 1]
        if any(fnmatch.fnmatch(prefix, p) or fnmatch.fnmatch(name, p) for p in patterns):
            return False
    return True


def links() -> list[tuple[Path, int, str]]:
    found = []
    for path in markdown_files():
        for number, line in prose_lines(path):
            for match in LINK.finditer(re.sub(r'`[^`]*`', '', line)):
                found.append((path, number, match.group(1)))
    return found


def test_the_link_pattern_finds_links_and_skips_code():
    assert LINK.findall('see [a](b.md) and [c](https://x/y) but ![img](p.png)') == ['b.md', 'https://x/y']
    assert heading_anchors('# API v1.1: the `POST` (sunset)\n\n## Next\n\n## Next\n') == [
        'api-v11-the-post-sunset', 'next', 'next-1']


def test_there_are_links_to_check():
    assert len(links()) > 20


@pytest.mark.parametrize('path,number,target', links(),
                         ids=lambda value: str(value.relative_to(ROOT)) if isinstance(value, Path) else str(value))
def test_relative_link_resolves(path: Path, number: int, target: str):
    if re.match(r'^[a-z][a-z0-9+.-]*:', target):
        return  # absolute URL or mailto:
    where = '%s:%d' % (path.relative_to(ROOT), number)
    file_part, anchor = (target.split('#', 1) + [''])[:2]
    linked = (path.parent / file_part).resolve() if file_part else path
    assert linked.exists(), '%s links to %s, which does not exist' % (where, target)
    relative = linked.relative_to(ROOT)
    patterns = build_ignore()
    if ships(path.relative_to(ROOT), patterns):
        assert ships(relative, patterns), (
            '%s links to %s, which is not in the Galaxy tarball (build_ignore): use an absolute '
            'https://github.com/ciops/circleci/blob/main/ URL' % (where, target))
    if anchor and linked.suffix == '.md':
        assert anchor in heading_anchors(linked.read_text(encoding='utf-8')), '%s links to #%s, which is no heading of %s' % (
            where, anchor, relative)
