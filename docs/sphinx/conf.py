# Copyright (c) Ansible Project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Created with antsibull-docs 2.28.0

# This file only contains a selection of the most common options. For a full list see the
# documentation:
# http://www.sphinx-doc.org/en/master/config

project = 'ciops.circleci'
copyright = 'Ansible contributors'

title = 'ciops.circleci collection documentation'
html_short_title = 'ciops.circleci'

# No sphinx.ext.intersphinx: the build must work offline (CI reaches only
# package registries), and unreachable inventories only slow it down.
extensions = ['sphinx.ext.autodoc', 'sphinx_antsibull_ext']

pygments_style = 'ansible'

highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False

display_version = False

html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

# See https://www.sphinx-doc.org/en/master/usage/extensions/intersphinx.html#confval-intersphinx_mapping for the syntax

default_role = 'any'

nitpicky = True

# Warnings policy: build.sh runs sphinx-build with -W, so every warning fails the build (a broken
# reference between our own pages, an RST error in a generated page, a code block that does not
# lex). The only references that cannot resolve offline are those intersphinx would find on
# docs.ansible.com: labels of other collections' plugin pages, and the few docs.ansible.com pages
# antsibull-docs' templates refer to (OFFLINE_LABELS). Those become plain links to docs.ansible.com
# instead of warnings. A label of ciops.circleci itself never does: it must resolve here.
import re  # noqa: E402  (conf.py is a script; the settings above are the part people read)

from docutils import nodes  # noqa: E402

ANSIBLE_DOCS = 'https://docs.ansible.com/ansible/latest/'
OFFLINE_LABELS = {
    'common_return_values': 'reference_appendices/common_return_values.html',
    'ansible_configuration_settings': 'reference_appendices/config.html',
}
OTHER_COLLECTION_LABEL = re.compile(
    r'^ansible_collections\.(?P<namespace>[a-z0-9_]+)\.(?P<name>[a-z0-9_]+)\.(?P<page>[a-z0-9_]+)(?:__(?P<anchor>[a-z0-9_.-]+))?$')
OWN_COLLECTION = ('ciops', 'circleci')


def offline_url(label):
    """The docs.ansible.com URL of a label intersphinx would resolve, or None."""
    if label in OFFLINE_LABELS:
        return ANSIBLE_DOCS + OFFLINE_LABELS[label]
    match = OTHER_COLLECTION_LABEL.match(label)
    if not match or (match.group('namespace'), match.group('name')) == OWN_COLLECTION:
        return None
    url = '%scollections/%s/%s/%s.html' % (ANSIBLE_DOCS, match.group('namespace'), match.group('name'), match.group('page'))
    return url + ('#' + match.group('anchor') if match.group('anchor') else '')


def resolve_offline(app, env, node, contnode):  # pylint: disable=unused-argument
    if node.get('refdomain') != 'std' or node.get('reftype') != 'ref':
        return None
    url = offline_url(node.get('reftarget', ''))
    if url is None:
        return None
    reference = nodes.reference('', '', internal=False, refuri=url)
    reference += contnode
    return reference


def setup(app):
    app.connect('missing-reference', resolve_offline)
