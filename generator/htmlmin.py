"""Theme templates without their indentation: lighter pages at no cost per page.

Material's templates are indented for reading, and every indent reaches the
page: on a county unit page about 9 KiB of 40 (the sidebar, the header and
the search dialog, indented by up to 30 spaces, plus a line for every
`{% if %}`). `install` wraps the theme's loader so that each template's
source loses, once when it is compiled,
  - the spaces and tabs at the start of every line, and
  - the line break after a line that holds nothing but one tag that prints
    nothing itself (`{% if … %}`, `{% endfor %}`, `{% set … %}`); the line
    break before it stays, so two pieces of text never touch. An include, a
    block or a macro keeps its line break: what it prints may not end in one.
HTML renders white space that holds a line break like a single line break
(one space, or nothing at a block boundary) everywhere except in
preformatted text, and the theme's templates hold no <pre>, <textarea> or
attribute value across lines (tests/test_htmlmin.py checks both), so the page
renders the same. Page content (the Markdown's HTML) and record text pass
through expressions and are not touched. Rendering is also a little faster:
less text to emit, and the privacy plugin scans shorter pages.
"""
from __future__ import annotations

import re

import jinja2

_INDENT = re.compile(r"^[ \t]+", re.M)
# Tags that print nothing themselves. Not include, block, macro, call or filter:
# what they print (or start) may end, or begin, without a line break.
SILENT = ("if", "elif", "else", "endif", "for", "endfor", "set", "endset", "import", "from",
          "extends", "with", "endwith", "do")
# a whole line (or lines) that is one such tag, with its line break
_TAG_LINE = re.compile(r"^(\{%-?\s*(?:" + "|".join(SILENT) + r")\b[^%]*(?:%(?!\})[^%]*)*%\})\n", re.M)


def trim(source: str) -> str:
    """A template's source without indentation and without the line breaks after lone block-tag lines."""
    return _TAG_LINE.sub(r"\1", _INDENT.sub("", source))


class TrimmingLoader(jinja2.BaseLoader):
    """`inner`, with every template's source passed through `trim`."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        return trim(source), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def install(env: jinja2.Environment) -> None:
    """Trim every template `env` loads from now on (call before anything is compiled)."""
    if not isinstance(env.loader, TrimmingLoader):
        env.loader = TrimmingLoader(env.loader)
