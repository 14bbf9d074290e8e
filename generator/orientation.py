"""Where am I: the tab and breadcrumb of pages that are not in the nav.

Record pages (practices, brands, units) are reached from index pages and
search, not the sidebar (see plugin.navigation), so Material highlights no tab
and shows no breadcrumb on them. The page plan gives each one a trail and a
section (generator/pages.py); here, while MkDocs renders the page, the trail
becomes `jy_trail` for templates/theme/partials/path.html and the section's
tab is marked active, then unmarked after the page is written. Pages with
wide statistics tables hide the left sidebar so the tables get its width.
"""
from __future__ import annotations

from .pages import PageSpec


def _nav_page(nav, path: str):
    return next((p for p in nav.pages if p.file.src_uri == path), None)


def enter_page(context: dict, page, nav, files, spec: PageSpec | None) -> list:
    """Add the trail to the page's template context and activate its section.
    Returns what was activated, for leave_page."""
    if spec is None:
        return []
    activated = []
    if spec.trail:
        steps = []
        for title, path in spec.trail:
            target = files.get_file_from_path(path) if files is not None else None
            if target is not None:
                steps.append({"title": title, "url": target.url})
        context["jy_trail"] = steps
    if spec.section:
        target = _nav_page(nav, spec.section)
        section = target.parent if target is not None else None
        if section is not None and not section.active:
            section.active = True  # also marks its parents: the tab is highlighted
            activated.append(section)
    if spec.wide:
        meta = page.meta
        hide = meta.get("hide") if isinstance(meta.get("hide"), list) else []
        meta["hide"] = [*hide, "navigation"]
    return activated


def leave_page(activated: list) -> None:
    for section in activated:
        section.active = False
