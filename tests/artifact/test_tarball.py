# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tarball `ansible-galaxy collection build` makes: exactly the files a user of the installed
collection needs (computed from the source and the policy in artlib, never a hard-coded list),
nothing development-only, nothing .gitignore keeps out of git, no empty folder, and its metadata."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tarfile

import yaml

import artlib

# ansible-lint's production profile wants one of these among the tags (galaxy[tags]).
LINT_TAGS = frozenset(('application', 'cloud', 'database', 'eda', 'infrastructure', 'linux', 'monitoring',
                       'networking', 'security', 'storage', 'tools', 'windows'))
# A ceiling on the unpacked size, so that something big shipped by mistake fails here: the
# collection unpacks to about 0.7 MB (2 MB while tests/ shipped).
UNPACKED_BUDGET = 1536 * 1024


def test_nothing_development_only_ships(members):
    shipped = artlib.shipped_files(members)
    wrong = ['%s (%s)' % (p, artlib.dev_only(p)) for p in shipped if artlib.dev_only(p)]
    assert not wrong, 'development-only files in the tarball (add them to build_ignore in galaxy.yml): %s' % wrong


def test_every_source_file_that_should_ship_does(members):
    """The tarball holds exactly the source files the policy lets through: a file left out by an
    over-wide build_ignore pattern fails here, and so does anything that is not source at all."""
    source = artlib.source_files()
    expected = set(p for p in source if not artlib.dev_only(p))
    shipped = set(artlib.shipped_files(members))
    missing = sorted(expected - shipped)
    assert not missing, 'source files missing from the tarball (too wide a build_ignore pattern?): %s' % missing
    strangers = sorted(shipped - set(source))
    assert not strangers, 'files in the tarball that are no source file (ignored by git): %s' % strangers
    # The things a user needs, named once here as a floor under the computed set.
    for needed in ('README.md', 'COPYING', 'requirements.txt', 'meta/runtime.yml', 'meta/execution-environment.yml',
                   'examples/demo.yml', 'examples/deploy.yml', 'examples/execution-environment.yml',
                   'examples/README.md', 'changelogs/changelog.yaml',
                   # Event-Driven Ansible: ansible-rulebook finds the source in the installed collection.
                   'extensions/eda/plugins/event_source/webhook.py', 'extensions/eda/rulebooks/deploy_on_green.yml',
                   'examples/deploy_from_event.yml', 'examples/decision-environment.yml'):
        assert needed in shipped, needed


def test_the_event_source_ships_and_the_molecule_scenarios_do_not(members):
    """build_ignore drops extensions/molecule only: the event source and its rulebook are content."""
    shipped = artlib.shipped_files(members)
    assert [p for p in shipped if p.startswith('extensions/eda/plugins/event_source/')] == [
        'extensions/eda/plugins/event_source/webhook.py'], shipped
    assert 'extensions/eda/rulebooks/deploy_on_green.yml' in shipped
    assert not [p for p in shipped if p.startswith('extensions/molecule/')]


def test_no_empty_folder_ships(members):
    files = artlib.shipped_files(members)
    empty = sorted(n for n, m in members.items()
                   if m.isdir() and not any(f.startswith(n + '/') for f in files))
    assert not empty, 'empty folders in the tarball (everything under them is ignored: ignore the folder): %s' % empty


def test_what_gitignore_keeps_out_stays_out(members, tmp_path):
    """Every .gitignore pattern, planted in a copy of the source, stays out of the tarball: build
    outputs, caches and venvs that other layers leave in a build copy never ship."""
    root = tmp_path / 'src' / 'ansible_collections' / 'ciops' / 'circleci'
    artlib.copy_source(str(root))
    with open(os.path.join(artlib.COLLECTION, '.gitignore'), encoding='utf-8') as handle:
        patterns = handle.read().splitlines()
    planted = []
    for pattern in patterns:
        for path in artlib.junk_for(pattern):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_text('junk for %s\n' % pattern)
                planted.append(path)
    assert len(planted) >= len([p for p in patterns if p.strip() and not p.startswith('#')])
    # Untracked and ignored for git too, or the plant says nothing about .gitignore.
    check = artlib.run(['git', '-c', 'core.excludesFile=', 'check-ignore', '--no-index', '--stdin'],
                       input='\n'.join(planted) + '\n', cwd=str(root))
    # check-ignore needs a repository: the source copy gets an empty one, like the build copy.
    if check.returncode == 128:
        artlib.run(['git', 'init', '-q'], cwd=str(root))
        check = artlib.run(['git', '-c', 'core.excludesFile=', 'check-ignore', '--no-index', '--stdin'],
                           input='\n'.join(planted) + '\n', cwd=str(root))
    assert sorted(check.stdout.split()) == sorted(planted), artlib.explain(check)
    junk_members = artlib.tar_members(artlib.build_tarball(str(tmp_path / 'dist'), root=str(root)))
    leaked = sorted(set(artlib.shipped_files(junk_members)) - set(artlib.shipped_files(members)))
    assert not leaked, 'ignored by git but shipped (mirror the .gitignore pattern in build_ignore): %s' % leaked


def test_size_report(members, tarball):
    files = artlib.shipped_files(members)
    unpacked = sum(members[f].size for f in files)
    by_top = {}
    for name in files:
        top = name.split('/')[0] if '/' in name else '(top-level files)'
        by_top[top] = by_top.get(top, 0) + members[name].size
    artlib.REPORT.append('%s: %d bytes, %d files, %d bytes unpacked (MANIFEST.json and FILES.json: %d more)' % (
        os.path.basename(tarball), os.path.getsize(tarball), len(files), unpacked,
        sum(members[n].size for n in artlib.GENERATED)))
    for top, size in sorted(by_top.items(), key=lambda kv: -kv[1]):
        artlib.REPORT.append('  %-20s %8d bytes  %3d%%' % (top, size, round(100.0 * size / unpacked)))
    assert unpacked < UNPACKED_BUDGET, 'the collection unpacks to %d bytes, over its %d budget: %s' % (
        unpacked, UNPACKED_BUDGET, sorted(by_top.items(), key=lambda kv: -kv[1]))


def test_manifest_metadata(tarball):
    with tarfile.open(tarball, 'r:gz') as tar:
        manifest = json.load(tar.extractfile('MANIFEST.json'))
        copying = tar.extractfile('COPYING').read().decode('utf-8')
    info = manifest['collection_info']
    with open(os.path.join(artlib.COLLECTION, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert (info['namespace'], info['name'], info['version']) == (galaxy['namespace'], galaxy['name'], galaxy['version'])
    # COPYING is the GPL v3 text; the SPDX id says "or later", as every source header does ("v3.0+").
    assert 'GNU GENERAL PUBLIC LICENSE' in copying and 'Version 3, 29 June 2007' in copying
    assert info['license'] == ['GPL-3.0-or-later'] and not info.get('license_file')
    for key in ('repository', 'documentation', 'homepage', 'issues'):
        assert (info.get(key) or '').startswith('https://'), key
    assert LINT_TAGS & set(info['tags']), info['tags']
    assert info['description'] and 'CircleCI' in info['description']
    assert info['readme'] == 'README.md'
