# Copyright (c) ciops.circleci contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Convert the Markdown guides of docs/ into the RST extra docs of docs/docsite/rst/.

    python hack/md2rst.py            write docs/docsite/rst/NAME.rst for every guide
    python hack/md2rst.py --check    exit 1, one line per file, when a committed RST is stale

The guides are the toctree entries of docs/docsite/extra-docs.yml that are plain names: the
entry NAME is docs/NAME.md. The Markdown stays the single source (GitHub renders it, the
docs-examples layer runs its examples); docs.ansible.com only takes RST from docs/docsite/rst/.

Only the subset of Markdown the guides use is converted: headings, paragraphs, bullet and
numbered lists (nested), fenced code blocks, tables, inline code, bold, italics, links and HTML
comments (dropped). Anything else is an error naming the file and line, never a silent loss.
Links between registered guides become :ref: links to the guide's (or the heading's) label,
links to plugins and code spans naming a plugin become :ansplugin: references, and links to
other files of the repository become links to them on GitHub.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata

import yaml
from markdown_it import MarkdownIt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = 'ciops.circleci'
LABEL_PREFIX = 'ansible_collections.%s.docsite.' % COLLECTION
GITHUB = 'https://github.com/ciops/circleci'
BRANCH = 'main'
EXTRA_DOCS = 'docs/docsite/extra-docs.yml'
RST_DIR = 'docs/docsite/rst'
REGENERATE = 'make docs-rst'

# Pygments lexer per fence language; a fence without one is plain text.
LEXERS = {'': 'text', 'yaml': 'yaml+jinja', 'yml': 'yaml+jinja', 'jinja': 'yaml+jinja', 'sh': 'console',
          'shell': 'console', 'bash': 'console'}
# Section adornments by depth: the page title is overlined.
ADORNMENTS = ['*', '=', '-', '^', '~']
# RST inline markup may only start after these (or whitespace) and end before these (or whitespace).
BEFORE_START = set('-:/\'"<([{')
AFTER_END = set('-.,:;!?\\/\'")]}>')
# The first line of a paragraph that RST would read as a list, a directive, a field, a quote...
BLOCK_START = re.compile(r'^(?:[-*+\u2022\u2023\u2043|>:.]|#[.)]|\(?(?:\d+|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)](?:\s|$))')


class ConversionError(Exception):
    """A guide uses Markdown the converter does not handle, or links to something missing."""


def slugify(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = unicodedata.normalize('NFKC', text).strip().lower()
    text = ''.join(c for c in text if c.isalnum() or c in ' -_')
    return text.replace(' ', '-')


def label(guide: str, anchor: str = '') -> str:
    """The RST label of a guide, or of one of its headings."""
    return LABEL_PREFIX + guide + ('.' + anchor if anchor else '')


def plain_text(children) -> str:
    """The text of an inline token list, code spans included, markup dropped."""
    return ''.join(t.content for t in children or [] if t.type in ('text', 'code_inline'))


def escape_text(text: str) -> str:
    """Plain text with the characters RST would read as markup escaped."""
    out = []
    for i, char in enumerate(text):
        if char in '\\*`|':
            out.append('\\' + char)
        elif char == '_':
            before = text[i - 1] if i else ' '
            after = text[i + 1] if i + 1 < len(text) else ' '
            out.append(char if before.isalnum() and after.isalnum() else '\\_')
        else:
            out.append(char)
    return ''.join(out)


def escape_ref_title(text: str) -> str:
    """A link title inside `title <target>`: no backticks, no angle brackets taken as the target."""
    return text.replace('\\', '\\\\').replace('`', '\\`').replace('<', '\\<')


class Piece:
    """A run of inline RST: plain text (already escaped) or one markup construct."""

    def __init__(self, text: str, markup: bool):
        self.text = text
        self.markup = markup


def join_pieces(pieces: list[Piece]) -> str:
    """Join inline pieces, separating markup from neighbours RST would glue to it with '\\ '."""
    out = ''
    prev_markup = False
    for piece in pieces:
        if not piece.text:
            continue
        if out and (piece.markup or prev_markup):
            last, first = out[-1], piece.text[0]
            ok_before = not piece.markup or last.isspace() or last in BEFORE_START
            ok_after = not prev_markup or first.isspace() or first in AFTER_END
            if not (ok_before and ok_after):
                out += '\\ '
        out += piece.text
        prev_markup = piece.markup
    return out


def escape_block_start(pieces: list[Piece]) -> str:
    """A paragraph, its first character escaped when RST would read its first line as another block."""
    text = join_pieces(pieces)
    lines = text.split('\n')
    first = next((piece for piece in pieces if piece.text), None)
    if first is not None and not first.markup and BLOCK_START.match(lines[0]):
        lines[0] = '\\' + lines[0]
    for i, line in enumerate(lines):
        if line.endswith('::') and not line.endswith('\\::'):
            lines[i] = line[:-2] + ':\\:'
        if len(line) > 1 and len(set(line)) == 1 and not line[0].isalnum():
            lines[i] = '\\' + line
    return '\n'.join(lines)


class Guides:
    """The registered guides, the plugins of the collection, and every heading's anchor."""

    def __init__(self, root: str):
        self.root = root
        self.names = load_guide_names(root)
        self.plugins = {}
        for plugin_type, folder in (('module', 'modules'), ('lookup', 'lookup')):
            path = os.path.join(root, 'plugins', folder)
            for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
                if name.endswith('.py') and not name.startswith('_'):
                    self.plugins.setdefault(name[:-3], []).append(plugin_type)
        self.anchors = {name: heading_anchors(self.markdown(name)) for name in self.names}

    def md_path(self, name: str) -> str:
        return 'docs/%s.md' % name

    def rst_path(self, name: str) -> str:
        return '%s/%s.rst' % (RST_DIR, name)

    def markdown(self, name: str) -> str:
        path = os.path.join(self.root, self.md_path(name))
        if not os.path.isfile(path):
            raise ConversionError('%s lists the guide %s, but %s does not exist' % (EXTRA_DOCS, name, self.md_path(name)))
        with open(path, encoding='utf-8') as f:
            return f.read()

    def plugin_type(self, name: str) -> str | None:
        """'module' or 'lookup' for a plugin of the collection; None if unknown or ambiguous."""
        types = self.plugins.get(name, [])
        return types[0] if len(types) == 1 else None


def load_guide_names(root: str) -> list[str]:
    """The plain-name toctree entries of extra-docs.yml, in order."""
    path = os.path.join(root, EXTRA_DOCS)
    if not os.path.isfile(path):
        return []
    with open(path, encoding='utf-8') as f:
        index = yaml.safe_load(f) or {}
    names = []
    for section in index.get('sections') or []:
        for entry in section.get('toctree') or []:
            if isinstance(entry, str):
                names.append(entry)
    return names


def markdown_parser() -> MarkdownIt:
    return MarkdownIt('commonmark').enable('table')


def heading_anchors(text: str) -> list[str]:
    """GitHub's anchors of every heading of a Markdown text, duplicates numbered as GitHub does."""
    tokens = markdown_parser().parse(text)
    anchors: list[str] = []
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type == 'heading_open':
            slug = slugify(plain_text(tokens[i + 1].children))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.append(slug if count == 0 else '%s-%d' % (slug, count))
    return anchors


class Converter:
    """One guide, Markdown to RST."""

    def __init__(self, guides: Guides, name: str):
        self.guides = guides
        self.name = name
        self.source = guides.md_path(name)
        self.line = 0

    def fail(self, message: str) -> ConversionError:
        return ConversionError('%s:%d: %s' % (self.source, self.line + 1, message))

    def convert(self, text: str) -> str:
        tokens = markdown_parser().parse(text)
        self.anchors = iter(heading_anchors(text))
        self.heading_stack: list[int] = []
        self.titled = False
        blocks = self.blocks(tokens)
        header = [
            ':github_url: %s/edit/%s/%s' % (GITHUB, BRANCH, self.source),
            '',
            '..',
            '  Generated from %s by hack/md2rst.py: do not edit this file.' % self.source,
            '  Edit %s and run `%s`.' % (self.source, REGENERATE),
        ]
        return '\n'.join(header) + '\n\n' + '\n\n'.join(blocks) + '\n'

    # ------------------------------------------------------------ blocks
    def blocks(self, tokens) -> list[str]:
        """RST blocks (each a string without surrounding blank lines) of a token range."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.map:
                self.line = token.map[0]
            end = self.closing(tokens, i)
            kind = token.type
            if kind == 'heading_open':
                out.extend(self.heading(token, tokens[i + 1]))
            elif kind == 'paragraph_open':
                out.append(escape_block_start(self.pieces(tokens[i + 1].children or [], links=True)))
            elif kind in ('bullet_list_open', 'ordered_list_open'):
                out.append(self.list_block(tokens[i:end + 1]))
            elif kind == 'fence':
                out.append(self.fence(token))
            elif kind == 'table_open':
                out.append(self.table(tokens[i:end + 1]))
            elif kind == 'html_block':
                if not is_comment(token.content):
                    raise self.fail('HTML other than a comment is not converted: %s' % token.content.strip()[:60])
            else:
                raise self.fail('Markdown %s is not converted' % kind.replace('_open', ''))
            i = end + 1
        return out

    @staticmethod
    def closing(tokens, start: int) -> int:
        """The index of the token closing the one at start (itself for a self-contained token)."""
        if tokens[start].nesting != 1:
            return start
        depth = 0
        for i in range(start, len(tokens)):
            depth += tokens[i].nesting
            if depth == 0:
                return i
        raise ConversionError('unbalanced Markdown tokens')

    def heading(self, token, inline) -> list[str]:
        level = int(token.tag[1])
        while self.heading_stack and self.heading_stack[-1] >= level:
            self.heading_stack.pop()
        self.heading_stack.append(level)
        depth = len(self.heading_stack) - 1
        if depth >= len(ADORNMENTS):
            raise self.fail('headings nested more than %d deep are not converted' % len(ADORNMENTS))
        title = self.inline(inline.children, links=False)
        anchor = next(self.anchors)
        rule = ADORNMENTS[depth] * max(len(title), 4)  # a shorter one could read as a list
        if not self.titled:
            self.titled = True
            return ['.. _%s:' % label(self.name), '\n'.join([rule, title, rule])]
        return ['.. _%s:' % label(self.name, anchor), '\n'.join([title, rule])]

    def list_block(self, tokens) -> str:
        ordered = tokens[0].type == 'ordered_list_open'
        number = int(tokens[0].attrGet('start') or 1) if ordered else 0
        items = []
        i = 1
        while i < len(tokens) - 1:
            end = self.closing(tokens, i)
            marker = '%d. ' % number if ordered else '- '
            number += 1
            body = '\n\n'.join(self.blocks(tokens[i + 1:end]))
            items.append(indent_item(marker, body))
            i = end + 1
        return '\n\n'.join(items)

    def fence(self, token) -> str:
        language = token.info.strip().split(' ')[0].lower()
        lexer = LEXERS.get(language, language)
        code = token.content.rstrip('\n')
        body = '\n'.join(('   ' + line) if line.strip() else '' for line in code.split('\n'))
        return '.. code-block:: %s\n\n%s' % (lexer, body)

    def table(self, tokens) -> str:
        rows: list[list[str]] = []
        header_rows = 0
        for i, token in enumerate(tokens):
            if token.map:
                self.line = token.map[0]
            if token.type == 'tr_open':
                rows.append([])
            elif token.type in ('th_open', 'td_open'):
                if token.type == 'th_open' and not rows[-1]:
                    header_rows += 1
                rows[-1].append(escape_block_start(self.pieces(tokens[i + 1].children or [], links=True)))
        lines = ['.. list-table::', '   :header-rows: %d' % header_rows, '   :widths: auto', '']
        for row in rows:
            for column, cell in enumerate(row):
                marker = '   * - ' if column == 0 else '     - '
                lines.append((marker + cell).rstrip() if cell else marker.rstrip())
        return '\n'.join(lines)

    # ------------------------------------------------------------ inline
    def inline(self, children, links: bool = True) -> str:
        pieces = self.pieces(children or [], links=links)
        return join_pieces(pieces)

    def pieces(self, children, links: bool, emphasis: str = '') -> list[Piece]:
        out: list[Piece] = []
        i = 0
        while i < len(children):
            token = children[i]
            kind = token.type
            if kind == 'text':
                out.extend(wrap(emphasis, token.content))
            elif kind == 'softbreak':
                out.append(Piece('\n', False))
            elif kind == 'code_inline':
                out.append(self.code(token.content, links and not emphasis))
            elif kind in ('strong_open', 'em_open'):
                end = self.closing(children, i)
                marker = '**' if kind == 'strong_open' else '*'
                out.extend(self.pieces(children[i + 1:end], links, emphasis or marker))
                i = end
            elif kind == 'link_open':
                end = self.closing(children, i)
                text = plain_text(children[i + 1:end])
                if links:
                    out.append(self.link(token.attrGet('href'), text))
                else:
                    out.extend(wrap(emphasis, text))
                i = end
            elif kind == 'html_inline':
                if not is_comment(token.content):
                    raise self.fail('inline HTML other than a comment is not converted: %s' % token.content)
            else:
                raise self.fail('inline Markdown %s is not converted' % kind.replace('_open', ''))
            i += 1
        return out

    def code(self, content: str, links: bool) -> Piece:
        """A code span; one that names a plugin of the collection becomes a reference to its page."""
        if links:
            short = content[len(COLLECTION) + 1:] if content.startswith(COLLECTION + '.') else content
            plugin_type = self.guides.plugin_type(short)
            if plugin_type and short != content:
                return Piece(':ansplugin:`%s.%s#%s`' % (COLLECTION, short, plugin_type), True)
            if plugin_type:
                return Piece(':ansplugin:`%s <%s.%s#%s>`' % (content, COLLECTION, short, plugin_type), True)
        if '``' in content or content != content.strip() or not content:
            raise self.fail('code span %r cannot be written as an RST literal' % content)
        return Piece('``%s``' % content, True)

    def link(self, href: str, text: str) -> Piece:
        if not href:
            raise self.fail('link without a target: %s' % text)
        title = escape_ref_title(text)
        if re.match(r'^(https?|mailto):', href):
            return Piece('`%s <%s>`__' % (title, href), True)
        path, dummy, anchor = href.partition('#')
        if not path:
            return Piece(':ref:`%s <%s>`' % (title, self.guide_label(self.name, anchor)), True)
        target = os.path.normpath(os.path.join('docs', path))
        if target.startswith('..') or os.path.isabs(path):
            raise self.fail('link %s leaves the repository' % href)
        guide = re.fullmatch(r'docs/([^/]+)\.md', target)
        if guide and guide.group(1) in self.guides.names:
            return Piece(':ref:`%s <%s>`' % (title, self.guide_label(guide.group(1), anchor)), True)
        plugin = re.fullmatch(r'plugins/(modules|lookup)/([^/]+)\.py', target)
        if plugin and not anchor:
            plugin_type = 'module' if plugin.group(1) == 'modules' else 'lookup'
            return Piece(':ansplugin:`%s <%s.%s#%s>`' % (title, COLLECTION, plugin.group(2), plugin_type), True)
        full = os.path.join(self.guides.root, target)
        if not os.path.exists(full):
            raise self.fail('link %s: %s does not exist' % (href, target))
        kind = 'tree' if os.path.isdir(full) else 'blob'
        url = '%s/%s/%s/%s%s' % (GITHUB, kind, BRANCH, target, '#' + anchor if anchor else '')
        return Piece('`%s <%s>`__' % (title, url), True)

    def guide_label(self, guide: str, anchor: str) -> str:
        if anchor and anchor not in self.guides.anchors[guide]:
            raise self.fail('link to %s#%s: %s has no such heading' % (self.guides.md_path(guide), anchor,
                                                                       self.guides.md_path(guide)))
        return label(guide, anchor)


def wrap(marker: str, text: str) -> list[Piece]:
    """Text, in bold or italics when marker is given (the spaces around it stay outside the markup)."""
    if not marker:
        return [Piece(escape_text(text), False)]
    core = text.strip()
    if not core:
        return [Piece(text, False)]
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return [Piece(lead, False), Piece(marker + escape_text(core) + marker, True), Piece(trail, False)]


def is_comment(html: str) -> bool:
    html = html.strip()
    return html.startswith('<!--') and html.endswith('-->')


def indent_item(marker: str, body: str) -> str:
    """A list item: the marker before the first line, the other lines indented to match."""
    pad = ' ' * len(marker)
    lines = body.split('\n')
    return '\n'.join([marker + lines[0]] + [(pad + line) if line else '' for line in lines[1:]])


def convert(guides: Guides, name: str) -> str:
    return Converter(guides, name).convert(guides.markdown(name))


def stale_files(guides: Guides) -> list[str]:
    """One line per RST file that is missing, out of date, or no longer generated from a guide."""
    problems = []
    for name in guides.names:
        rst = guides.rst_path(name)
        path = os.path.join(guides.root, rst)
        current = None
        if os.path.isfile(path):
            with open(path, encoding='utf-8') as f:
                current = f.read()
        if current is None:
            problems.append('%s is missing (%s is listed in %s): run `%s`' % (rst, guides.md_path(name), EXTRA_DOCS, REGENERATE))
        elif current != convert(guides, name):
            problems.append('%s is out of date with %s: run `%s`' % (rst, guides.md_path(name), REGENERATE))
    rst_dir = os.path.join(guides.root, RST_DIR)
    for file in sorted(os.listdir(rst_dir)) if os.path.isdir(rst_dir) else []:
        if file.endswith('.rst') and file[:-4] not in guides.names and is_generated(os.path.join(rst_dir, file)):
            problems.append('%s/%s is generated from a guide %s no longer lists: delete it' % (RST_DIR, file, EXTRA_DOCS))
    return problems


def is_generated(path: str) -> bool:
    with open(path, encoding='utf-8') as f:
        return 'by hack/md2rst.py: do not edit' in f.read(1000)


def write_all(guides: Guides) -> list[str]:
    os.makedirs(os.path.join(guides.root, RST_DIR), exist_ok=True)
    written = []
    for name in guides.names:
        text = convert(guides, name)
        path = os.path.join(guides.root, guides.rst_path(name))
        if os.path.isfile(path):
            with open(path, encoding='utf-8') as f:
                if f.read() == text:
                    continue
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        written.append(guides.rst_path(name))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--check', action='store_true', help='only report stale RST files (exit 1)')
    parser.add_argument('--root', default=ROOT, help='the collection root (default: this repository)')
    args = parser.parse_args(argv)
    try:
        guides = Guides(args.root)
        if args.check:
            problems = stale_files(guides)
            for line in problems:
                print('docs: ' + line, file=sys.stderr)
            return 1 if problems else 0
        for path in write_all(guides):
            print('wrote ' + path)
        for line in stale_files(guides):
            print('docs: ' + line, file=sys.stderr)
    except (ConversionError, OSError, yaml.YAMLError) as exc:
        print('md2rst: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
