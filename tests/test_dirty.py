"""`mkdocs serve --dirty` (generator/dirty.py): two builds in one process, as
serve does them. After a practice is edited only the pages whose Markdown
changed are rebuilt, they show the edit, and search still finds every page."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.pages import make_env, plan_site, render_page
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "golden"


def _build(site: Path, dirty: bool) -> None:
    # not strict: MkDocs warns on every dirty build (jingyan serve does the same)
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve", dirty=dirty)
    build(config, dirty=dirty)
    config.plugins.on_shutdown()


def _pages(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("index.html")}


def _markdown(tree: Path) -> dict[str, str]:
    records, _ = load_records(REPO, tree)
    env = make_env(REPO)
    return {spec.path: render_page(env, spec) for spec in plan_site(records).pages}


def _html(md_path: str) -> str:
    stem = md_path.removesuffix(".md")
    return "index.html" if stem == "index" else stem.removesuffix("/index") + "/index.html"


def _search_pages(site: Path) -> set[str]:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    return {d["location"].split("#")[0] for d in index["docs"]}


def test_dirty_rebuild_renders_only_changed_pages(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    monkeypatch.setenv("JINGYAN_RECORDS", str(tree))
    site = tmp_path / "site"
    _build(site, dirty=True)                 # the first build renders everything
    before, searchable, first = _pages(site), _search_pages(site), _markdown(tree)
    assert "practices/xiagezhuang-sitou/" in searchable

    practice = tree / "records/practices/xiagezhuang-jiedao.yml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("\ntitle: ", "\ntitle: 改过的标题·", 1), encoding="utf-8")
    os.utime(site, None)
    _build(site, dirty=True)
    after = _pages(site)

    rebuilt = {p for p in after if after[p] != before[p]}
    # exactly the pages whose Markdown changed: the practice and every page
    # that lists or links it by title (its unit, brand, category, related practices)
    changed = {_html(p) for p in first if first[p] != _markdown(tree)[p]}
    assert "practices/xiagezhuang-jiedao/index.html" in changed
    assert rebuilt == changed
    assert len(rebuilt) < len(after) / 2
    assert "改过的标题·" in (site / "practices/xiagezhuang-jiedao/index.html").read_text(encoding="utf-8")
    # pages left unbuilt keep their search entries
    assert _search_pages(site) == searchable


def test_clean_builds_render_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("JINGYAN_RECORDS", str(FIXTURE))
    site = tmp_path / "site"
    _build(site, dirty=False)
    before = _pages(site)
    _build(site, dirty=False)
    after = _pages(site)
    assert all(after[p] != before[p] for p in before)
