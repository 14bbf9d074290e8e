"""Compilations published with the site (`compilations:` in site_config/site.yml).

Off by default: with no compilations listed nothing here runs, and neither
WeasyPrint nor python-docx is imported. Each listed compilation becomes
`compilations/<id>.pdf` (and `.docx` when asked), a download on the 经验汇编
page and, when it selects one category, on that category's page.

A file is rebuilt only when something it shows changed: it is cached under
<cache>/compilations/ by the SHA-256 of its settings, the content of its
practices as printed (text, tables and chart data, i.e. the chart keys), the
writer's code, templates and font. The cover date is the day the file was
built, so it is not part of the key: an unchanged compilation keeps its date.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..atomic import write_atomic
from ..model import CompilationConfig, Records
from ..problems import Problem
from . import KIND_NAMES, missing_dependency, write
from .document import build_compilation
from .figures import FigureContext
from .selection import Selection, SelectionError, select

PAGE = "compilations.md"
SUBDIR = "compilations"
SITE_CONFIG = "site_config/site.yml"


@dataclass
class Published:
    config: CompilationConfig
    count: int
    filters: str
    files: dict[str, Path]          # site path (compilations/<id>.pdf) → cached file
    built: int = 0                  # files written this time (the others came from the cache)


@lru_cache(maxsize=1)
def code_hash() -> str:
    """The writers' code, templates and font: a change to any rebuilds every file."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *(here / "templates").glob("*"), here.parent / "charts.py",
                        here.parent / "fonts" / "JingyanSansSC-Regular.otf"]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _key(cfg: CompilationConfig, fmt: str, doc) -> str:
    settings = replace(cfg, where=None)
    content = replace(doc, date="", iso_date="")   # the date is the build's, see above
    return hashlib.sha256("\0".join([code_hash(), fmt, repr(settings), repr(content)]).encode("utf-8")).hexdigest()


def _problem(cfg: CompilationConfig, message: str) -> Problem:
    path, line, col = cfg.where.at("id") if cfg.where else (SITE_CONFIG, 0, 0)
    return Problem(path, line, col, f"经验汇编“{cfg.id}”：{message}")


def publish(records: Records, cache_dir: Path) -> tuple[list[Published], list[Problem]]:
    """Build (or take from the cache) every configured compilation."""
    configs = records.site.compilations
    if not configs:
        return [], []
    problems = []
    for fmt in ("pdf", "docx"):
        if any(getattr(c, fmt) for c in configs) and (missing := missing_dependency(fmt)):
            problems.append(_problem(next(c for c in configs if getattr(c, fmt)), missing))
    seen: set[str] = set()
    for c in configs:
        if c.id in seen:
            problems.append(_problem(c, "编号重复：每份汇编的编号须不同。"))
        seen.add(c.id)
    if problems:
        return [], problems
    ctx = FigureContext.build(records)
    out = []
    for cfg in configs:
        try:
            selected = select(records, Selection(cfg.category, cfg.region, cfg.tag, cfg.brand, cfg.since,
                                                 list(cfg.practices)))
        except SelectionError as e:
            problems.append(_problem(cfg, str(e)))
            continue
        doc = build_compilation(records, selected, cfg.title, cfg.compiler, ctx)
        item = Published(cfg, doc.count, selected.filters, {})
        for fmt in ("pdf", "docx"):
            if not getattr(cfg, fmt):
                continue
            path = Path(cache_dir) / SUBDIR / f"{_key(cfg, fmt, doc)}.{fmt}"
            if not path.exists():
                write_atomic(path, write(doc, fmt, cache_dir).data)
                item.built += 1
            item.files[f"{SUBDIR}/{cfg.id}.{fmt}"] = path
        out.append(item)
    return out, problems


def size_text(path: Path) -> str:
    size = os.path.getsize(path)
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def downloads(item: Published, page: str) -> list[dict]:
    """{text, href} links to a compilation's files, relative to `page`."""
    from ..pages import md, rel_link
    return [{"text": md(f"{item.config.title}（{KIND_NAMES[name.rsplit('.', 1)[1]]}，{size_text(path)}）"),
             "href": rel_link(page, name)} for name, path in item.files.items()]


def attach(pages: list, published: list[Published]) -> None:
    """Add the 经验汇编 page and the category pages' download links to the page plan."""
    from ..pages import PageSpec, category_path, md
    if not published:
        return
    by_path = {p.path: p for p in pages}
    for item in published:
        page = by_path.get(category_path(item.config.category)) if item.config.category else None
        if page is not None:
            page.context.setdefault("downloads", []).extend(downloads(item, page.path))
    ctx = {"title": "经验汇编",
           "items": [{"title": md(i.config.title), "filters": md(i.filters), "count": i.count,
                      "downloads": downloads(i, PAGE)} for i in published]}
    pages.append(PageSpec(PAGE, "compilations.md.j2", "经验汇编", ctx, search=False))
