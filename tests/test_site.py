"""The site: golden pages, reachability, safe output, strict and atomic builds."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.pages import md, plan_site
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "golden"
GOLDEN = REPO / "tests" / "golden"
GOLDEN_PAGES = ["practices/xiagezhuang-sitou.md", "brands/sitou-gongzuofa.md", "units/xiagezhuang-pcs.md"]


def render(tmp_path: Path, records: Path = FIXTURE) -> Path:
    out = tmp_path / "md"
    assert main(["render", "--root", str(REPO), "--records", str(records), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_pages(tmp_path, page):
    """Pin the Markdown of one practice, brand and unit page.
    Regenerate with UPDATE_GOLDEN=1 after an intended change, and read the diff."""
    text = (render(tmp_path) / page).read_text(encoding="utf-8")
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def links_of(markdown: str, page: str) -> set[str]:
    base = Path(page).parent
    out = set()
    for target in re.findall(r"\]\(([^)\s]+\.md)\)", markdown):
        out.add(os.path.normpath(base / target).replace(os.sep, "/"))
    return out


def test_every_record_has_a_page_reachable_from_navigation(tmp_path):
    records, problems = load_records(REPO)
    assert not problems
    out = render(tmp_path, REPO)
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.md")}
    for pid in records.practices:
        assert f"practices/{pid}.md" in pages
    for bid in records.brands:
        assert f"brands/{bid}.md" in pages
    for uid in records.units:
        assert f"units/{uid}.md" in pages
    # walk links from the navigation's pages
    from generator.plugin import JingyanPlugin
    from generator.pages import plan_site
    plugin = JingyanPlugin()
    plugin.records = records
    plugin.pages = plan_site(records).pages

    class Cfg:
        docs_dir = str(REPO / "docs")
    nav_pages = []

    def flatten(items):
        for item in items:
            for v in (item.values() if isinstance(item, dict) else [item]):
                flatten(v) if isinstance(v, list) else nav_pages.append(v)
    flatten(plugin.navigation(Cfg))
    seen, todo = set(), [p for p in nav_pages if p in pages]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        todo += [t for t in links_of((out / page).read_text(encoding="utf-8"), page) if t in pages]
    assert pages - seen == set(), "pages no index or navigation reaches"


def test_drafts_are_not_published(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    p = tree / "records/practices/xiagezhuang-jiedao.yml"
    p.write_text(p.read_text(encoding="utf-8") + "status: draft\n", encoding="utf-8")
    out = render(tmp_path, tree)
    assert not (out / "practices/xiagezhuang-jiedao.md").exists()
    assert "xiagezhuang-jiedao" not in (out / "units/xiagezhuang-pcs.md").read_text(encoding="utf-8")


def test_md_filter_makes_record_text_inert():
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert md("[x](javascript:alert(1))").startswith("\\[x\\]\\(javascript")
    assert "\\{" in md("标题 {: onclick=alert(1) }")
    assert md("第一行\n第二行") == "第一行第二行"


def test_titles_with_markup_show_as_text(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    p = tree / "records/practices/xiagezhuang-jiedao.yml"
    text = p.read_text(encoding="utf-8").replace(
        "title: 夏格庄派出所蹲街头摸排线索", "title: \"</title><script>alert(1)</script> *粗体*\"")
    p.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 0
    html = (site / "practices/xiagezhuang-jiedao/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "<em>粗体</em>" not in html


def test_jieba_missing_fails_the_build(monkeypatch):
    from mkdocs.exceptions import PluginError
    from material.plugins.search import plugin as search_plugin
    from generator.plugin import check_jieba
    monkeypatch.setattr(search_plugin, "jieba", None)
    with pytest.raises(PluginError, match="jieba"):
        check_jieba()


def test_strict_build_of_sample_site_and_chinese_anchors(tmp_path):
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--out", str(site)]) == 0
    html = (site / "practices/xiagezhuang-sitou/index.html").read_text(encoding="utf-8")
    assert 'id="主要做法"' in html
    assert (site / "search/search_index.json").exists()


def test_failed_build_leaves_previous_site_untouched(tmp_path, capsys):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (tree / "records/units/laixi-psb.yml").write_text("id: laixi-psb\nname: [\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 1
    err = capsys.readouterr().err
    assert "records/units/laixi-psb.yml:" in err and "Traceback" not in err
    assert "上一次生成的网站保持不变" in err
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".site.tmp-*"))


def test_builds_are_byte_identical(tmp_path):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(REPO),
                        "--records", str(FIXTURE), "--out", str(out)], env=env, check=True,
                       capture_output=True)
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    differing = [k for k in trees[0] if trees[0][k] != trees[1][k]]
    assert differing == []


def test_every_practice_page_is_planned_once():
    records, _ = load_records(REPO)
    paths = [p.path for p in plan_site(records).pages]
    assert len(paths) == len(set(paths))


def test_writer_refuses_paths_outside_the_output():
    from generator.pages import UnsafePath, checked_path
    assert checked_path("practices/a.md") == "practices/a.md"
    for bad in ("../etc/passwd", "/etc/passwd", "units/../../x.md", "c:\\\\x", "a\\\\..\\\\b"):
        with pytest.raises(UnsafePath):
            checked_path(bad)


def test_site_can_override_one_template(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    own = tree / "site_config/own_templates"  # inside the records tree: templates are code from the repository
    own.mkdir()
    (own / "brand.md.j2").write_text("# {{ title }}\n\n本站自定义的品牌页。\n", encoding="utf-8")
    site_yml = tree / "site_config/site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + "templates_dir: site_config/own_templates\n",
                        encoding="utf-8")
    out = render(tmp_path, tree)
    assert "本站自定义的品牌页" in (out / "brands/sitou-gongzuofa.md").read_text(encoding="utf-8")
    # other page types still use the shipped templates
    assert "## 主要做法" in (out / "practices/xiagezhuang-sitou.md").read_text(encoding="utf-8")


def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path):
    """Both builds succeed (the lock serialises them) and the site and the
    chart cache are whole afterwards."""
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(
        ".git", "site", "site-*", ".cache", "__pycache__", "*.egg-info", "tests", "records"))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    cmd = [sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--records", str(tree)]
    procs = [subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for _ in range(2)]
    outputs = [p.communicate(timeout=600)[0].decode("utf-8", "replace") for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    site = root / "site"
    assert (site / "index.html").exists() and (site / "search/search_index.json").exists()
    assert not list(root.glob(".site.*"))
    for svg in (root / ".cache/jingyan/charts").glob("*.svg"):
        assert svg.read_bytes().rstrip().endswith(b"</svg>"), svg
    assert not [p for p in (root / ".cache/jingyan/charts").iterdir() if p.suffix != ".svg"]


def test_build_leaves_the_environment_as_it_found_it(tmp_path):
    before = {k: os.environ.get(k) for k in ("JINGYAN_OFFLINE", "JINGYAN_RECORDS", "JINGYAN_REGION")}
    assert main(["build", "--root", str(REPO), "--records", str(FIXTURE), "--offline",
                 "--out", str(tmp_path / "off")]) == 0
    assert {k: os.environ.get(k) for k in before} == before


def test_search_scope_fits_the_budget(monkeypatch):
    """auto: the fullest scope whose text fits SEARCH_BUDGET; lists of other
    pages' titles never indexed; site.yml can pin a scope."""
    from generator import pages
    records, _ = load_records(REPO, FIXTURE)
    sizes = pages._search_text(records)
    assert sizes["titles"] < sizes["summary"] < sizes["full"]
    assert pages.search_scope(records) == "full"
    monkeypatch.setattr(pages, "SEARCH_BUDGET", sizes["full"] - 1)
    assert pages.search_scope(records) == "summary"
    monkeypatch.setattr(pages, "SEARCH_BUDGET", sizes["titles"] - 1)
    assert pages.search_scope(records) == "titles"  # nothing fits: the least
    records.site.search_scope = "summary"
    assert pages.search_scope(records) == "summary"
    env = pages.make_env(REPO)
    text = {s.path: pages.render_page(env, s) for s in pages.plan_site(records).pages}
    practice = text["practices/xiagezhuang-sitou.md"]
    assert "## 概要\n" in practice and "## 主要做法 { data-search-exclude }\n" in practice
    assert "## 相关做法 { data-search-exclude }\n" in practice
    records.site.search_scope = "titles"
    practice = pages.render_page(env, next(s for s in pages.plan_site(records).pages
                                           if s.path == "practices/xiagezhuang-sitou.md"))
    assert "## 概要 { data-search-exclude }\n" in practice
