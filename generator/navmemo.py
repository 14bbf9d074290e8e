"""Material's navigation sidebar, rendered once per folder for pages outside the nav.

Every page carries the whole primary navigation (for the phone's drawer);
rendering it was about 12% of a warm build of a county, for 761 pages most
of which (practices, brands, units) are not in the nav and get the very same
HTML. For such a page the sidebar depends only on
  - where the page is: links are relative to its folder (`units/a/` and
    `units/b/` get the same links), and
  - which nav items are active (none for a page outside the nav, unless a
    theme override marks a section for it: then the key differs),
so `install` swaps `partials/nav.html` for a call that renders the theme's
own template (whichever override is in effect) once per such key and reuses
the HTML. Pages in the nav, or with a nav page below their own URL, are
rendered as before. Output is byte-identical to rendering every page
(tests/test_scale.py builds both ways).

Such a sidebar is also the same bytes on thousands of pages (2.4 KiB on a
unit page, 3.9 KiB on a practice page): with generator/chrome.py installed
and `SHARE` on, the page holds a `<script src>` in its place instead, one file
per distinct sidebar, which puts the very same HTML there while the page is
parsed (before the first paint and before Material's scripts run; again
when instant navigation brings the page in). The one difference: a reader
with JavaScript switched off sees no sidebar on record pages (the tabs and
the breadcrumb remain). `SHARE` is off: a province site fits its host without
it (393 MiB of 450 in the 2026-11-30 run), so no reader is asked to give
anything up for it; switch it on when a site must shrink further.
"""
from __future__ import annotations

import posixpath

import jinja2
from markupsafe import Markup
from mkdocs.utils.templates import url_filter

SHARE = False  # record pages' sidebars through a shared script (see above: off)
NAV = "partials/nav.html"
ORIGINAL = "jingyan-memo/original-nav.html"


class _Loader(jinja2.BaseLoader):
    """The theme's loader, with NAV answered by the memo and the real NAV kept as ORIGINAL."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        if template == NAV:
            return "{{ jingyan_nav() }}", None, lambda: True
        return self.inner.get_source(environment, NAV if template == ORIGINAL else template)

    def list_templates(self):
        return self.inner.list_templates()


def _walk(items):
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or [])


class NavMemo:
    def __init__(self):
        self.html: dict[tuple, Markup] = {}
        self.shared: dict[tuple, str] = {}   # key → site path of the script inserting that sidebar
        self.hits = self.misses = 0

    def key(self, page, nav) -> tuple | None:
        """What the sidebar of `page` depends on, or None: render it afresh."""
        if page is None or nav is None or not getattr(page, "url", None):
            return None
        url = page.url
        pages = nav.pages
        if page in pages or any(p.url.startswith(url) for p in pages):
            return None
        active = tuple(i for i, item in enumerate(_walk(nav.items)) if item.active)
        parent = getattr(page, "parent", None)
        return posixpath.dirname(url.rstrip("/")), url.endswith("/"), active, id(parent) if parent else None

    @jinja2.pass_context
    def __call__(self, ctx) -> Markup:
        key = self.key(ctx.get("page"), ctx.get("nav"))
        if key is not None and key in self.html:
            self.hits += 1
            html = self.html[key]
        else:
            self.misses += 1
            html = Markup(ctx.environment.get_template(ORIGINAL).render(ctx.get_all()))
            if key is not None:
                self.html[key] = html
        shared = ctx.environment.globals.get("jingyan_shared")
        if key is None or shared is None or not SHARE:
            return html
        if key not in self.shared:
            self.shared[key] = shared.inserting(str(html), "nav")
        return Markup('<script src="%s"></script>') % url_filter(ctx, self.shared[key])


def install(env: jinja2.Environment) -> NavMemo:
    """Route `env`'s NAV through a new memo (one per build: the nav may change)."""
    memo = NavMemo()
    if not isinstance(env.loader, _Loader):
        env.loader = _Loader(env.loader)
    if env.cache is not None:
        env.cache.clear()                                   # drop a NAV loaded before
    env.globals["jingyan_nav"] = memo
    return memo
