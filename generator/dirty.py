"""`mkdocs serve --dirty`: after an edit, rebuild only the pages whose Markdown changed.

MkDocs counts every generated page as modified, so even a dirty rebuild
renders all of them (23 s for a county of 761 pages); and Material's search
plugin starts each build with an empty index, so the pages a dirty build skips
would drop out of search. `mkdocs serve` rebuilds in one process: between
builds we keep each page's Markdown digest and its search entries. A page
whose Markdown is unchanged, and whose HTML is still there, is skipped and
keeps its old search entries. Plain `mkdocs build` and `jingyan build` are
never dirty, so they always render everything.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict

from mkdocs.structure.files import File

_digests: dict[str, str] = {}            # src_uri → digest of its Markdown, last finished build
_pending: dict[str, str] = {}            # … of the build in progress
_entries: dict[str, list[dict]] = {}     # page url → its search entries, last finished build
_order: list[str] = []                   # page urls in build order, the build in progress


class GeneratedPage(File):
    """A generated Markdown page that knows whether it changed since the last build."""
    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


def page_file(config, path: str, content: str) -> File:
    f = GeneratedPage.generated(config, path, content=content)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    f.unchanged = _digests.get(f.src_uri) == digest and os.path.isfile(f.abs_dest_path)
    _pending[f.src_uri] = digest
    return f


def _location(f: File) -> str:
    """A page's search location: its url, except the home page's ("./") is ""."""
    return "" if f.url == "./" else f.url


def unbuilt(files, dirty: bool) -> list[File]:
    """The pages a dirty build will skip: generated ones with unchanged Markdown,
    hand-written ones with unchanged files. Asked before the build writes anything."""
    _order[:] = [_location(f) for f in files.documentation_pages()]
    return [f for f in files.documentation_pages() if dirty and not f.is_modified()]


def finish_build(config, skipped: list[File]) -> None:
    """Called before the search plugin writes its index: put back the search
    entries of the pages this build skipped, in the order a full build has
    them, so the index is the one a full build writes (one set of entries a
    page, same order, same results); remember this build for the next."""
    _digests.clear()
    _digests.update(_pending)   # only now: a failed build must not mark pages as done
    _pending.clear()
    search = config.plugins.get("material/search")
    index = getattr(search, "search_index", None)
    by_page: dict[str, list[dict]] = defaultdict(list)
    for entry in getattr(index, "entries", []):
        by_page[entry["location"].split("#")[0]].append(entry)
    for f in skipped:
        if _location(f) in _entries and _location(f) not in by_page:
            by_page[_location(f)] = _entries[_location(f)]
    if index is not None:
        ordered = [e for url in _order for e in by_page.get(url, [])]
        seen = set(_order)
        ordered += [e for url, entries in by_page.items() if url not in seen for e in entries]
        index.entries = ordered
        # Material's own dirty-build merge assumes one page was rebuilt and
        # appends the previous index to this one: with the entries merged
        # here, that would add every page again on each edit.
        if hasattr(search, "search_index_prev"):
            search.search_index_prev = None
    _entries.clear()
    _entries.update(by_page)
