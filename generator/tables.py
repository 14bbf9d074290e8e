"""Pre-rendered statistics tables kept out of Markdown, the search parse and the privacy scan.

    markdown, aside = set_aside(markdown)     # on_page_markdown, before any other plugin
    ...                                       # Markdown, search and privacy see one comment a table
    html = put_back(html, aside)              # on_post_page, after every other plugin

A unit page's monthly tables were about a third of the Markdown time at
province size: Python-Markdown stashes raw HTML blocks but still scans them,
the search plugin parses them again (though the section is excluded from
search), and so does the privacy plugin looking for external assets. The
tables come from our own template macro (`partials/table.md.j2`), with every
cell escaped and no link or asset in them, so none of those passes has
anything to do with them. A table is recognised by its opening tag
`<table class="jy-table …">` at the start of a line; record text cannot forge
one, because `md` escapes every "<" of record text.
"""
from __future__ import annotations

import re

_TABLE = re.compile(r'^<table class="jy-table[ "].*?^</table>$', re.M | re.S)
_MARK = "<!--jingyan-table-{}-->"
_MARKED = re.compile(r"<!--jingyan-table-(\d+)-->")


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """`markdown` with each table replaced by an HTML comment, and the tables."""
    aside: list[str] = []

    def keep(m: re.Match) -> str:
        aside.append(m.group(0))
        return _MARK.format(len(aside) - 1)

    return _TABLE.sub(keep, markdown), aside


def put_back(html: str, aside: list[str] | None) -> str:
    """The page's HTML with each comment replaced by its table again."""
    if not aside:
        return html
    return _MARKED.sub(lambda m: aside[int(m.group(1))] if int(m.group(1)) < len(aside) else m.group(0), html)
