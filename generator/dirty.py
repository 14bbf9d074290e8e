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


def unbuilt(files, dirty: bool) -> list[File]:
    """The pages a dirty build will skip: generated ones with unchanged Markdown,
    hand-written ones with unchanged files. Asked before the build writes anything."""
    return [f for f in files.documentation_pages() if dirty and not f.is_modified()]


def finish_build(config, skipped: list[File]) -> None:
    """Called before the search plugin writes its index: put back the search
    entries of the pages this build skipped; remember this build for the next."""
    _digests.clear()
    _digests.update(_pending)   # only now: a failed build must not mark pages as done
    _pending.clear()
    index = getattr(config.plugins.get("material/search"), "search_index", None)
    by_page: dict[str, list[dict]] = defaultdict(list)
    for entry in getattr(index, "entries", []):
        by_page[entry["location"].split("#")[0]].append(entry)
    for f in skipped:
        if index is not None and f.url in _entries and f.url not in by_page:
            index.entries += _entries[f.url]
            by_page[f.url] = _entries[f.url]
    _entries.clear()
    _entries.update(by_page)
