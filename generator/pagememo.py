"""Our templates' Markdown, MkDocs' conversion of it and the search plugin's
HTML parse, remembered from build to build.

    memo = PageMemo(cache_dir / "page-memo")   # on_config
    text = memo.render(env, spec, render_page) # on_files: a page's Markdown from our templates
    memo.set_aside(markdown, page, config, files)  # on_page_markdown: tables.set_aside, links resolved before
    memo.remember(page)                        # on_page_markdown: page.render goes through the memo
    memo.install_search_parse()                # the search plugin's Parser goes through the memo
    memo.save()                                # on_post_build (only when the build succeeds)

In a warm build of a province (9,400 pages) MkDocs spent about 40% of the
whole CPU time converting Markdown and another 10% in the search plugin
parsing each page's HTML again, though nearly every page was the same as in
the build before. Both are pure functions of what this module keys them by,
so a page whose inputs are unchanged takes its results from the memo.

A page's conversion is keyed by
  - its Markdown text as MkDocs converts it (after every plugin's
    on_page_markdown: the tables set aside, the tags plugin's changes),
  - its source path and URL (relative links are written from there),
  - every file of the site, each source path with its URL (links are checked
    and resolved among them: a page added or removed re-converts every page),
  - the Markdown extensions and their options, MkDocs' validation settings and
    use_directory_urls, and the versions of the packages that convert,
and stores what MkDocs' Page.render sets: the HTML, the table of contents,
the title found in it, the anchors it has and the anchor links it makes, and
every message the conversion logged (replayed on a hit, so a broken link
warns, and fails a strict build, every time as before).

A page's Markdown from our Jinja templates (about 8 s of a warm province
build) is keyed by the page's context, pickled without back-references (so
the key does not depend on which equal strings happen to be one object),
its template name, title, tags and search flag, every template file the
environment can load, and the code of generator/pages.py (its filters and
front matter). A context that cannot be pickled is simply rendered.

The pre-rendered blocks set aside before Markdown (generator/tables.py), with
their links resolved to the built pages, are keyed as a conversion is (the
page's Markdown, source path and URL, every file of the site, the settings):
at province scale their 21,000 links were resolved again in every build.

The search parse is keyed by the page's HTML alone (Material's Parser is a
pure function of it); segmentation and the entries are still made by the
search plugin as usual, through the segment cache (generator/search.py).

The extension options must be describable (names, plain values, functions by
their qualified name): when a configuration holds anything else, such as an
extension instance, the memo stays off for that build rather than risk a key
that misses a change.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import pickle
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from . import tables
from .cache import Memo, source_hash

log = logging.getLogger("mkdocs.plugins.jingyan")
PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material",
            "jinja2", "PyYAML")   # our templates' Markdown: Jinja renders it, front matter by yaml.safe_dump
# loggers a conversion may write to: MkDocs' own (links, anchors) and Python-Markdown's
LOGGERS = ("mkdocs", "MARKDOWN")
SHARDS = 1024   # a build after one record changed rewrites the shards of a few dozen pages: 1/1024 each


class _Unstable(Exception):
    """A configuration value with no stable description."""


def _stable(value):
    """`value` as plain JSON data that is equal between two builds exactly when
    the configurations are equal; raises _Unstable when that cannot be said."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):   # dicts, and MkDocs' nested Config objects
        return [[str(k), _stable(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, functools.partial):
        return {"partial": _stable(value.func), "args": _stable(value.args), "keywords": _stable(value.keywords)}
    if callable(value) and getattr(value, "__qualname__", "") and "<" not in value.__qualname__:
        return f"{value.__module__}.{value.__qualname__}"   # a module-level function or class
    raise _Unstable(type(value).__name__)


def _versions() -> list[str]:
    out = []
    for name in PACKAGES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=?")
    return out


class _Capture(logging.Handler):
    """The messages logged while one page is converted."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.name, record.levelno, record.getMessage()])


class PageMemo:
    def __init__(self, folder: Path):
        # 1024 shards: a one-record change re-converts a few dozen pages, which
        # then rewrite a few percent of the memo instead of nearly all of it
        # (with 256, a quarter: 0.26 s of a province build after one stats file changed)
        self.memo = Memo(folder, source_hash(sys.modules[__name__], tables) + "|" + ",".join(_versions()),
                         shards=SHARDS)
        self.rendered = self.converted = self.parsed = 0   # misses, for the progress line
        self._templates_id = self._templates_key = None
        self._site_key: str | None = None
        self._files_id = None

    # -- our templates --------------------------------------------------------

    def render(self, env, spec, render_page) -> str:
        """render_page(env, spec), or what it returned for the same inputs before."""
        if self._templates_id != id(env):
            self._templates_id, self._templates_key = id(env), _templates_digest(env)
        try:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = True   # no memo: equal contexts give equal bytes, whatever is shared
            pickler.dump((spec.path, spec.template, spec.title, spec.tags, spec.search, spec.context))
        except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
            return render_page(env, spec)
        h = hashlib.sha256(self._templates_key.encode())
        h.update(buffer.getbuffer())
        key = "tpl:" + h.hexdigest()
        found = self.memo.get(key)
        if found is None:
            found = render_page(env, spec)
            self.memo.put(key, found)
            self.rendered += 1
        return found

    # -- pre-rendered HTML set aside ------------------------------------------

    def set_aside(self, markdown: str, page, config, files) -> tuple[str, list[str], list[str]]:
        """tables.set_aside(markdown, page's source, files), its links resolved
        as in a build before with the same page, URL and site files (resolving
        the links of every page's statistics tables and 成效对照 section again
        was most of its time in a warm build)."""
        marked, blocks, _ = tables.set_aside(markdown)       # the blocks, links not yet resolved
        if not blocks:
            return marked, [], []
        site = self._site(config, files)
        if site is None:
            return tables.set_aside(markdown, page.file.src_uri, files)
        key = _page_key("aside:", site, page, markdown)
        found = self.memo.get(key)
        if found is None:
            _, aside, problems = tables.set_aside(markdown, page.file.src_uri, files)
            found = (aside, problems)
            self.memo.put(key, found)
        aside, problems = found
        return marked, list(aside), list(problems)

    # -- Markdown conversion --------------------------------------------------

    def remember(self, page) -> None:
        """Route this page's `render` through the memo (MkDocs calls
        page.render(config, files) right after the on_page_markdown events)."""
        page.render = functools.partial(self._render, page)

    def _site(self, config, files) -> str | None:
        """What every page's conversion shares: None when it cannot be described."""
        if self._files_id != id(files):
            self._files_id = id(files)
            try:
                described = json.dumps([_stable(list(config["markdown_extensions"])),
                                        _stable(dict(config["mdx_configs"] or {})),
                                        _stable(dict(config["validation"])), bool(config["use_directory_urls"])],
                                       ensure_ascii=False)
            except _Unstable as e:
                log.debug("jingyan: Markdown 记忆关闭（配置中有无法描述的值：%s）", e)
                self._site_key = None
                return None
            h = hashlib.sha256(described.encode("utf-8"))
            for f in sorted(files, key=lambda f: f.src_uri):
                h.update(f"{f.src_uri}\0{f.url}\0{f.inclusion.name}\n".encode("utf-8", "surrogatepass"))
            self._site_key = h.hexdigest()
        return self._site_key

    def _render(self, page, config, files) -> None:
        from mkdocs.structure.pages import Page
        from mkdocs.structure.toc import get_toc
        site = self._site(config, files)
        if site is None or page.markdown is None:
            return Page.render(page, config, files)
        key = _page_key("md:", site, page, page.markdown)
        found = self.memo.get(key)
        if found is None:
            found = self._convert(page, config, files)
            self.memo.put(key, found)
            self.converted += 1
        else:
            for name, level, message in found["log"]:
                logging.getLogger(name).log(level, message)
        page.content = found["content"]
        page.toc = get_toc(found["toc"])
        page._title_from_render = found["title"]
        page.present_anchor_ids = set(found["anchors"])
        if found["links"] is not None:
            page.links_to_anchors = {f: links for uri, links in found["links"].items()
                                     if (f := files.get_file_from_path(uri)) is not None}

    @staticmethod
    def _convert(page, config, files) -> dict:
        """MkDocs' own Page.render, and what it set, as plain data."""
        from mkdocs.structure.pages import Page
        capture = _Capture()
        loggers = [logging.getLogger(n) for n in LOGGERS]
        for lg in loggers:
            lg.addHandler(capture)
        try:
            Page.render(page, config, files)
        finally:
            for lg in loggers:
                lg.removeHandler(capture)
        links = page.links_to_anchors
        return {"content": page.content, "toc": [_token(a) for a in page.toc], "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
                "log": capture.records}

    # -- the search plugin's HTML parse ---------------------------------------

    def install_search_parse(self) -> bool:
        """Material's search Parser through the memo; False (nothing changed) if
        Material no longer has the parts this relies on."""
        try:
            from material.plugins.search import plugin as search
            Parser, Section, Element = search.Parser, search.Section, search.Element
        except Exception:
            return False
        original = getattr(Parser, "__jingyan_original__", Parser)   # `mkdocs serve`: installed again
        memo = self

        class MemoParser(original):
            def feed(self, data):
                self._jy_key = "search:" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
                found = memo.memo.get(self._jy_key)
                if found is None:
                    return super().feed(data)
                self._jy_found = True
                self.data = [_section(Section, Element, s) for s in json.loads(found)]

            def close(self):
                if getattr(self, "_jy_found", False):
                    return
                super().close()
                key = getattr(self, "_jy_key", None)
                if key is not None:
                    # one JSON string a page: a fifth of the memory of the lists it stands for
                    memo.memo.put(key, json.dumps([[s.el.tag, dict(s.el.attrs), s.depth, s.id, s.title, s.text]
                                                   for s in self.data], ensure_ascii=False))
                    memo.parsed += 1

        MemoParser.__jingyan_original__ = original
        search.Parser = MemoParser
        return True

    def uninstall_search_parse(self) -> None:
        try:
            from material.plugins.search import plugin as search
        except Exception:
            return
        original = getattr(search.Parser, "__jingyan_original__", None)
        if original is not None:
            search.Parser = original

    def save(self) -> None:
        self.memo.save()


def _page_key(prefix: str, site: str, page, markdown: str) -> str:
    """A key for what a page's Markdown gives among the site's files: the site
    (files, settings), the page's source path and URL, the Markdown."""
    h = hashlib.sha256(site.encode())
    for part in (page.file.src_uri, page.url, markdown):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return prefix + h.hexdigest()


def _templates_digest(env) -> str:
    """Every file the environment's loader can read, and the code that renders with it."""
    from . import pages
    h = hashlib.sha256(source_hash(pages).encode())
    for folder in getattr(env.loader, "searchpath", None) or []:
        root = Path(folder)
        h.update(b"\0dir\0" + str(root).encode("utf-8", "surrogatepass"))
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(path.relative_to(root).as_posix().encode("utf-8", "surrogatepass") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    if not getattr(env.loader, "searchpath", None):
        h.update(str(id(env)).encode())   # an unknown loader: never matches another build
    return h.hexdigest()


def _section(Section, Element, stored):
    tag, attrs, depth, id_, title, text = stored
    s = Section(Element(tag, attrs), depth)
    s.id, s.title, s.text = id_, list(title), list(text)
    return s


def _token(anchor) -> dict:
    """A table-of-contents entry as the token MkDocs made it from (get_toc's input)."""
    return {"name": str(anchor.title), "id": str(anchor.id), "level": anchor.level,
            "children": [_token(c) for c in anchor.children]}
