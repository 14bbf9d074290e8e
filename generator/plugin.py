"""The MkDocs plugin: thin event handlers that call the stages.

on_config  load → validate → compute → plan pages and charts (fails the build
           with every problem when a record is wrong); start drawing the
           charts in the background (charts.Drawing), beside MkDocs
on_files   render the planned pages and add them, the CSVs, and the charts
           as files MkDocs links to but does not copy. Each page's Markdown,
           its conversion to HTML, the search plugin's parse of it and its
           terms in the prebuilt index come from the page memo when their
           inputs are unchanged (generator/pagememo.py)
on_page_markdown / on_post_page  set the pre-rendered HTML (statistics tables,
           the 成效对照 section and ranking) aside before Markdown, its links
           resolved to the built pages, and put it back after every other
           plugin (search, privacy) has read the page (generator/tables.py)
on_env     theme templates without indentation (generator/htmlmin.py), their
           icons and static scripts in shared files (generator/chrome.py); memoise
           Material's navigation sidebar for pages outside the nav
           (generator/navmemo.py): the same HTML on every record page of a folder
on_page_context  point "edit this page" at the YAML record behind a page; the
                 tab and breadcrumb of record pages (generator/orientation.py)
on_post_build    before the search index is written: keep this build's jieba
                 segmentations for the next one; fix Material's Chinese query
                 segmentation in the built worker; with `mkdocs serve --dirty`,
                 keep the search entries of the pages left unbuilt
                 (generator/dirty.py). After: build the Lunr index so
                 browsers load it instead of building it (generator/lunr_index.py).
                 Last: join the drawing and link the charts into the site
on_build_error   stop the drawing
on_serve   rebuild when records/, templates/ or site_config/ change
"""
from __future__ import annotations

import functools
import gc
import logging
import os
import re
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from . import chrome, dirty, htmlmin, lunr_index, navmemo, orientation, recycle, resources, tables
from .pagememo import PageMemo
from . import messages as M
from .cache import CACHE_DIR
from .charts import ChartError, ChartSpec, Drawing, place
from .load import no_gc
from .naming import load_phrases
from .pages import TemplateProblem, UnsafePath, checked_path, make_env, plan_site, render_page
from .problems import format_problems
from .regions import restrict
from .search import (install_segment_cache, patch_search_worker, patch_sitemap_wait, save_segment_cache,
                     segment_dictionary_key, teach_jieba, vocabulary_size)
from .validate import load_records, unlinked_unit_warnings

log = logging.getLogger("mkdocs.plugins.jingyan")
OFFLINE_SHIM = "assets/javascripts/iframe-worker/shim.js"
WATCHED = ("records", "templates", "site_config")
PAGE_MEMO = "page-memo"   # earlier builds' page Markdown, HTML, search parses and index terms (generator/pagememo.py)


class LaterFile(File):
    """A chart drawn in the background: in `files` so that pages may link to
    it; MkDocs does not copy it (it is not drawn yet), `place` links it in."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return False


class WrittenFile(File):
    """A generated file (a CSV download) written through recycle.write: a
    file the site before last already holds unchanged is only touched."""

    def copy_file(self, dirty: bool = False) -> None:
        content = self._content
        if content is None:
            return super().copy_file(dirty)
        recycle.write(self.abs_dest_path, content.encode("utf-8") if isinstance(content, str) else content)


class JingyanConfig(Config):
    records = c.Type(str, default="")  # another records tree; "" = the repository's own
    region = c.Type(str, default="")  # build only this region's units (a unit id)
    cache_dir = c.Type(str, default=CACHE_DIR)


def check_jieba() -> None:
    """Without jieba, Material indexes Chinese unsegmented and search finds
    almost nothing, silently. Refuse to build instead."""
    try:
        import jieba
        from material.plugins.search import plugin as search_plugin
        jieba.setLogLevel(logging.WARNING)  # its dictionary banner is noise in build logs
    except Exception as e:  # ImportError, or a broken install
        raise PluginError(M.JIEBA_MISSING.format(err=e)) from None
    if getattr(search_plugin, "jieba", None) is None:
        raise PluginError(M.JIEBA_MISSING.format(err="material 的搜索插件未能导入 jieba"))


def page_order(path: Path) -> int:
    """`order: N` in a hand-written page's front matter places it in the nav."""
    m = re.match(r"---\n(?:.*\n)*?order:\s*(\d+)\s*\n(?:.*\n)*?---", path.read_text(encoding="utf-8"))
    return int(m.group(1)) if m else 999


def progress(stage: str, **figures) -> None:
    """One line per stage; `jingyan build` turns these into its progress display."""
    log.info("jingyan: %s %s", stage, " ".join(f"{k}={v}" for k, v in figures.items()))


def add_theme_overrides(config, root: Path) -> None:
    """Our Material overrides behind the site's own custom_dir: the
    repository's templates/theme, else the packaged one (resources.py)."""
    dirs = config.theme.dirs
    known = {os.path.realpath(d) for d in dirs}
    at = 1 if config.theme.custom_dir else 0
    for d in reversed(resources.theme_dirs(root)):
        if os.path.realpath(d) not in known:
            dirs.insert(at, str(d))


def add_packaged_assets(files, config) -> None:
    """The CSS and the offline search shim, unless docs/ has its own copy."""
    base = str(resources.data_root() / "docs")
    for rel in resources.asset_files():
        if files.get_file_from_path(rel) is None:
            files.append(File(rel, base, config.site_dir, config.use_directory_urls))


class JingyanPlugin(BasePlugin[JingyanConfig]):
    supports_multiple_instances = False
    compilations: list = []  # 经验汇编 published with the site (none unless site.yml lists some)
    page_memo: PageMemo | None = None  # this build's (on_config to on_post_build)

    def on_config(self, config):
        # Records, plan and memos are made here and live until the build ends:
        # no automatic collection while they are made (they hold no cycles),
        # then frozen, so that the collections while MkDocs renders do not walk
        # them again and again. Unfrozen when the build ends (`serve` collects
        # them between builds).
        with no_gc():
            config = self._configure(config)
            gc.freeze()        # before collections resume: the drawing thread allocates meanwhile
        return config

    def _configure(self, config):
        self.root = Path(config.config_file_path).parent
        check_jieba()
        add_theme_overrides(config, self.root)
        if not config.repo_url:
            config.edit_uri = ""  # no repository configured: no edit buttons, not links to nowhere
        offline = config.plugins.get("material/offline")
        if offline and offline.config.enabled:
            # file:// cannot fetch: no instant navigation; the search worker
            # runs through the vendored iframe-worker shim instead of unpkg.
            config.theme["features"] = [f for f in config.theme["features"] if f != "navigation.instant"]
            config.extra["polyfills"] = [OFFLINE_SHIM]

        t = time.perf_counter()
        records_dir = self.config.records or os.environ.get("JINGYAN_RECORDS") or None
        self.records_dir = records_dir
        records, problems = load_records(self.root, Path(records_dir) if records_dir else None,
                                         cache_dir=self.root / self.config.cache_dir)
        if problems:
            raise PluginError(M.BUILD_FAILED.format(n=len(problems)) + "\n" + format_problems(problems))
        for w in unlinked_unit_warnings(records):  # INFO: strict MkDocs would fail on a WARNING
            log.info(w.format())
        region = self.config.region or os.environ.get("JINGYAN_REGION")
        if region:
            if region not in records.units:
                raise PluginError(f"找不到地区（单位编号）“{region}”。请检查 --region 或 JINGYAN_REGION。")
            records = restrict(records, region)
        self.records = records
        progress("load+validate", units=len(records.units), practices=len(records.practices),
                 brands=len(records.brands), stats_files=len(records.stats),
                 seconds=f"{time.perf_counter() - t:.2f}")

        t = time.perf_counter()
        words = vocabulary_size(self.root, records)
        teach = functools.partial(teach_jieba, self.root, records)
        if not install_segment_cache(self.root / self.config.cache_dir, segment_dictionary_key(self.root, records),
                                     before_first_miss=teach):
            teach()
        phrases, _ = load_phrases(self.root)  # its problems are `jingyan new`'s to report
        plan = plan_site(records, phrases, cache_dir=self.root / self.config.cache_dir)   # under on_config's no_gc
        self.pages, self.csvs = plan.pages, plan.csvs
        self.charts = [ChartSpec(*f) for f in plan.figures]
        self.start_drawing()      # as early as the charts are known: 经验汇编 is built beside them too
        self.compilations = self.publish_compilations(records) if records.site.compilations else []
        self.sources = {p.path: p.source for p in self.pages if p.source}
        self.specs = {p.path: p for p in self.pages}
        progress("compute", pages=len(self.pages), charts=len(self.charts), words=words, **plan.memo,
                 seconds=f"{time.perf_counter() - t:.2f}")
        config.nav = self.navigation(config)
        self.page_memo = PageMemo(self.root / self.config.cache_dir / PAGE_MEMO)
        return config

    def publish_compilations(self, records) -> list:
        """经验汇编 listed in site.yml: built or reused (generator/compile/publish.py), pages planned."""
        from .compile.publish import attach, publish
        t = time.perf_counter()
        published, problems = publish(records, self.root / self.config.cache_dir)
        if problems:
            raise PluginError(M.BUILD_FAILED.format(n=len(problems)) + "\n" + format_problems(problems))
        attach(self.pages, published)
        progress("compile", documents=sum(len(p.files) for p in published), drawn=sum(p.built for p in published),
                 seconds=f"{time.perf_counter() - t:.2f}")
        return published

    def start_drawing(self) -> None:
        """Draw the charts while MkDocs renders (joined in `_place_charts`)."""
        if getattr(self, "drawing", None) is not None:   # `serve`: a rebuild before the last joined
            self.drawing.cancel()
        jobs = os.environ.get("JINGYAN_CHART_JOBS", "")
        self.drawn_started = time.perf_counter()
        self.drawing = Drawing(self.charts, self.root / self.config.cache_dir / "charts",
                               jobs=int(jobs) if jobs.isdigit() and int(jobs) > 0 else None)

    def navigation(self, config) -> list:
        """Index pages only: record pages are reached from them, so each page's
        sidebar stays small however many records there are."""
        r = self.records
        categories = [f"categories/{cid}.md" for cid in r.categories
                      if any(cid in p.categories for p in r.practices.values())]
        nav = [{"首页": "index.md"},
               {"经验做法": ["practices/index.md", *categories, "tags.md",
                         *(["compilations.md"] if self.compilations else [])]},
               {"警务品牌": ["brands/index.md"]},
               {"单位": ["regions/index.md", "az.md"]}]
        if any(p.path == "stats/index.md" for p in self.pages):
            nav.append({"统计": ["stats/index.md", *(["stats/effects.md"] if any(
                p.path == "stats/effects.md" for p in self.pages) else [])]})
        guide = sorted(Path(config.docs_dir).glob("guide/*.md"), key=lambda p: (page_order(p), p.name))
        if guide:
            nav.append({"贡献指南": [p.relative_to(config.docs_dir).as_posix() for p in guide]})
        return nav

    def on_files(self, files, config):
        with no_gc():          # the pages' files live to the end too: as in on_config
            files = self._add_files(files, config)
            gc.freeze()
        return files

    def _add_files(self, files, config):
        t = time.perf_counter()
        recycle.adopt(Path(config.site_dir))  # MkDocs has emptied site_dir; nothing is written yet
        add_packaged_assets(files, config)
        try:
            tree = Path(self.records_dir) if self.records_dir else self.root
            env = make_env(self.root, self.records.site.templates_dir,
                           tree if (tree / "site_config").is_dir() else self.root)
            seen: set[str] = set()  # one generated file a path: a second would silently replace the first

            def once(path: str) -> str:
                path = checked_path(path)
                if path.casefold() in seen:
                    raise UnsafePath(M.DUPLICATE_PAGE.format(path=path))
                seen.add(path.casefold())
                return path

            memo = self.page_memo
            for spec in self.pages:
                text = memo.render(env, spec, render_page) if memo else render_page(env, spec)
                files.append(dirty.page_file(config, once(spec.path), text))
            for name, text in sorted(self.csvs.items()):
                files.append(WrittenFile.generated(config, once(name), content=text))
            for name, path in sorted((n, p) for c in self.compilations for n, p in c.files.items()):
                files.append(File.generated(config, once(name), abs_src_path=str(path)))
        except (TemplateProblem, UnsafePath) as e:
            raise PluginError(str(e)) from None
        progress("render", pages=len(self.pages), seconds=f"{time.perf_counter() - t:.2f}")

        for spec in self.charts:   # linked in after the drawing is joined (on_post_build)
            files.append(LaterFile.generated(config, checked_path(spec.name), content=b""))
        self.unbuilt = dirty.unbuilt(files, getattr(self, "dirty", False))
        self.files = files  # breadcrumbs link to pages outside the nav
        return files

    def on_env(self, env, config, files):
        htmlmin.install(env)  # theme templates without their indentation (lighter pages)
        self.shared = chrome.install(env)  # icons and static scripts referenced, not repeated
        self.nav_memo = navmemo.install(env)
        if self.page_memo:
            self.page_memo.install_search_parse()
        return env

    @event_priority(100)  # first: no other plugin sees the tables in the Markdown
    def on_page_markdown(self, markdown, page, config, files):
        if self.page_memo:   # the blocks' links as resolved in a build before, when nothing they read changed
            markdown, page.jingyan_tables, problems = self.page_memo.set_aside(markdown, page, config, files)
        else:
            markdown, page.jingyan_tables, problems = tables.set_aside(markdown, page.file.src_uri, files)
        for problem in problems:  # a warning: a strict build fails, as on a broken Markdown link
            log.warning(problem)
        if self.page_memo:
            self.page_memo.remember(page)   # its conversion, unless a build before made the same one
        return markdown

    @event_priority(-100)  # last: after search read the page and privacy scanned it
    def on_post_page(self, output, page, config):
        orientation.leave_page(getattr(self, "activated", []))  # the page is written: unmark its tab
        self.activated = []
        return tables.put_back(output, getattr(page, "jingyan_tables", None))

    def on_page_context(self, context, page, config, nav):
        source = self.sources.get(page.file.src_uri)
        if source is None and page.file.generated_by is None and page.file.abs_src_path:
            try:  # a hand-written page (docs/guide/…): its path in the repository, not in docs/
                source = Path(page.file.abs_src_path).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                source = None
        if source and config.repo_url:
            base = config.repo_url.rstrip("/") + "/" + (config.edit_uri or "").strip("/")
            page.edit_url = base.rstrip("/") + "/" + source
        self.activated = orientation.enter_page(context, page, nav, getattr(self, "files", None),
                                                getattr(self, "specs", {}).get(page.file.src_uri))
        return context

    def on_startup(self, *, command, dirty):
        self.dirty = dirty  # `mkdocs serve --dirty`: see generator/dirty.py

    @event_priority(100)  # before the search plugin writes its index
    def _before_search_index(self, config):
        dirty.finish_build(config, self.unbuilt)
        chrome_files = getattr(self, "shared", None)
        if chrome_files is not None:
            chrome_files.write(Path(config.site_dir))
        memo = getattr(self, "nav_memo", None)
        if memo is not None:
            progress("nav", reused=memo.hits, rendered=memo.misses)
        if self.unbuilt:
            progress("dirty", skipped=len(self.unbuilt))
        if self.page_memo:
            self.page_memo.uninstall_search_parse()
        counts = save_segment_cache()
        if counts:
            progress("segments", **counts)
        if not patch_search_worker(Path(config.site_dir)):
            log.warning("jingyan: 未能修补 Material 搜索的中文分词（Material 版本已变化？），长词搜索结果可能不准。")

    @event_priority(-50)  # after the search plugin writes its index, before `offline` inlines it
    def _after_search_index(self, config):
        memo, self.page_memo = self.page_memo, None
        try:
            self._prebuild_search(config, memo)
        finally:
            if memo:
                memo.save()
                progress("memo", rendered=memo.rendered, converted=memo.converted, parsed=memo.parsed,
                         reused=memo.memo.hits)

    def _prebuild_search(self, config, memo):
        offline = config.plugins.get("material/offline")
        if offline and offline.config.enabled:
            return  # pages opened from file:// cannot fetch the packed index; the browser builds it
        if not patch_sitemap_wait(Path(config.site_dir)):
            log.warning("jingyan: 未能让即时导航的网站地图在搜索就绪后再加载（Material 版本已变化？），"
                        "大型网站的搜索会晚一些可用。")
        t = time.perf_counter()
        figures = lunr_index.prebuild(Path(config.site_dir), memo.memo if memo else None)
        if figures is None:
            return  # no search, or a configuration the browser must index itself
        if not lunr_index.patch_worker(Path(config.site_dir)):
            log.warning("jingyan: 未能让 Material 的搜索载入预先建好的索引（Material 版本已变化？），"
                        "读者的浏览器将自行建索引，大型网站的搜索会晚几秒可用。")
        elif not lunr_index.patch_bundle(Path(config.site_dir)):
            log.warning("jingyan: 未能让页面只读取搜索配置（Material 版本已变化？），"
                        "搜索索引会被下载两次。")
        progress("search", **figures, seconds=f"{time.perf_counter() - t:.2f}")

    @event_priority(-100)  # last: drawing went on beside everything before
    def _place_charts(self, config):
        t = time.perf_counter()
        drawing, self.drawing = self.drawing, None
        try:
            report = drawing.join()
        except ChartError as e:
            raise PluginError(f"图表无法绘制：{e}") from None
        linked = place(report.files, Path(config.site_dir))
        progress("charts", drawn=report.drawn, cached=report.cached, linked=linked,
                 drawing_seconds=f"{drawing.seconds:.2f}", seconds=f"{time.perf_counter() - t:.2f}")
        gc.unfreeze()

    on_post_build = CombinedEvent(_before_search_index, _after_search_index, _place_charts)

    def on_build_error(self, error):
        gc.unfreeze()
        memo, self.page_memo = self.page_memo, None
        if memo is not None:
            memo.uninstall_search_parse()   # and nothing saved: the next build converts afresh
        drawing, self.drawing = getattr(self, "drawing", None), None
        if drawing is not None:
            drawing.cancel()

    def on_serve(self, server, config, builder):
        records_dir = self.config.records or os.environ.get("JINGYAN_RECORDS")
        for base in [self.root] + ([Path(records_dir)] if records_dir else []):  # --records: that tree too
            for name in WATCHED:
                if (base / name).is_dir():
                    server.watch(str(base / name))
        return server
