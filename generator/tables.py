"""Pre-rendered HTML kept out of Markdown, the search parse and the privacy scan.

    markdown, aside, problems = set_aside(markdown, page_uri, files)   # on_page_markdown, first
    ...                                       # Markdown, search and privacy see one comment a block
    html = put_back(html, aside)              # on_post_page, after every other plugin

Two kinds of block are set aside, each recognised by its first line:
- a statistics table, `<table class="jy-table …">` … `</table>`, put back whole;
- a pre-rendered fragment, `<div class="jy-block">` … `</div><!--jy-block-->`,
  put back without that wrapper (the page's HTML is what Markdown would have
  made of the same content: the 成效对照 section's paragraphs, notice, images).

A unit page's monthly tables were about a third of the Markdown time at
province size, and the 成效对照 section on every practice page and the ranking
page added as much again: Python-Markdown stashes raw HTML blocks but still
scans them, the search plugin parses them again (though those sections are
excluded from search), and so does the privacy plugin looking for external
assets. The blocks come from our own templates with every record value escaped
(`| e`), so none of those passes has anything to do with them.

Why record text cannot forge a block: a block starts with "<" at the start of
a line, and every "<" of record text is escaped (`md` in Markdown, `e` in
HTML). Personal data in record text is the validator's concern: it scans every
text value of every record before any page is rendered (validate._privacy).

Links and images inside a block are not seen by MkDocs, which would rewrite a
source-relative link (`../practices/x.md`) to the built page's URL and, in
strict mode, fail on a missing target. `set_aside` does both itself: every
`href`/`src` is a path relative to the page's source file, resolved among the
site's files and written relative to the page's final URL (directory URLs or
not, as in the offline build); a missing target, or a link leaving the site
(which would escape the privacy plugin's check for external assets), is a
problem the plugin reports as a warning, which fails a strict build.
"""
from __future__ import annotations

import html
import posixpath
import re

from . import messages as M

# the specification of a block; _sub_blocks finds the same blocks faster
_BLOCK = re.compile(r'^(?:<table class="jy-table[ "].*?^</table>'
                    r'|<div class="jy-block">\n(.*?)\n?^</div><!--jy-block-->)$', re.M | re.S)
_MARK = "<!--jingyan-table-{}-->"
_MARKED = re.compile(r"<!--jingyan-table-(\d+)-->")
_LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_OUTSIDE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/)")   # a scheme, or an absolute path


def set_aside(markdown: str, page_uri: str | None = None, files=None) -> tuple[str, list[str], list[str]]:
    """`markdown` with each block replaced by an HTML comment, the blocks (links
    resolved for the page `page_uri` among `files`, when given), and the problems
    found in their links (in Chinese)."""
    aside: list[str] = []
    problems: list[str] = []
    page = files.get_file_from_path(page_uri) if files is not None and page_uri else None

    def keep(m) -> str:   # a match of _BLOCK (or _Block)
        block = m.group(0) if m.group(1) is None else m.group(1)
        if page is not None and ("href=" in block or "src=" in block):
            block = _LINK.sub(lambda a: a.group(1) + _resolve(a.group(2), page, files, problems) + a.group(3), block)
        aside.append(block)
        return _MARK.format(len(aside) - 1)

    return _sub_blocks(keep, markdown), aside, problems


_START = re.compile(r'^(?:<table class="jy-table[ "]|<div class="jy-block">\n)', re.M)
_TABLE_END, _DIV_END = "\n</table>", "\n</div><!--jy-block-->"


class _Block:
    """What `keep` reads of a match of _BLOCK: the whole block, the fragment's inside."""
    __slots__ = ("whole", "inner")

    def __init__(self, whole: str, inner: str | None):
        self.whole, self.inner = whole, inner

    def group(self, i: int):
        return self.whole if i == 0 else self.inner


def _sub_blocks(keep, text: str) -> str:
    """_BLOCK.sub(keep, text), with each block's end found by str.find: the lazy
    dot-all pattern tried every character of every block (most of the time of
    our on_page_markdown, and a pass over each 成效对照 section every build)."""
    out, pos = [], 0
    for m in _START.finditer(text):
        i = m.start()
        if i < pos:
            continue                                   # inside the block before
        div = text[i + 1] == "d"
        end = _DIV_END if div else _TABLE_END
        # a fragment may end right after its opening line ("\n?^</div>…")
        j = text.find(end, m.end() - 1 if div else m.end())
        while j >= 0 and j + len(end) < len(text) and text[j + len(end)] != "\n":
            j = text.find(end, j + 1)                  # the end tag must be the whole line
        if j < 0:
            continue
        stop = j + len(end)
        out += [text[pos:i], keep(_Block(text[i:stop], text[m.end():max(j, m.end())] if div else None))]
        pos = stop
    out.append(text[pos:])
    return "".join(out)


def _resolve(value: str, page, files, problems: list[str]) -> str:
    """A source-relative link as MkDocs would write it into the built page."""
    url = html.unescape(value)
    path, hash_, fragment = url.partition("#")
    if not path:
        return value   # an anchor on the page itself
    if _OUTSIDE.match(path) or path.startswith("//"):
        problems.append(M.BLOCK_LINK_OUTSIDE.format(page=page.src_uri, url=url))
        return value
    target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(page.src_uri), path))
    target = files.get_file_from_path(target_uri)
    if target is None:
        problems.append(M.BLOCK_LINK_MISSING.format(page=page.src_uri, url=url))
        return value
    return html.escape(target.url_relative_to(page) + hash_ + fragment, quote=True)


def put_back(html_text: str, aside: list[str] | None) -> str:
    """The page's HTML with each comment replaced by its block again."""
    if not aside:
        return html_text
    return _MARKED.sub(lambda m: aside[int(m.group(1))] if int(m.group(1)) < len(aside) else m.group(0), html_text)
