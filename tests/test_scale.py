"""Province scale: charts drawn beside MkDocs and linked in, tables set aside,
rare characters, incremental builds equal to clean ones, the old site removed."""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from generator import charts, tables
from generator.cli import main
from generator.commands import build as build_cmd

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "golden"
RARE = "鄠邑浉河𠮷"


def private_root(dst: Path) -> Path:
    """The repository's site files in `dst`: builds there have their own .cache."""
    dst.mkdir(parents=True)
    shutil.copyfile(REPO / "mkdocs.yml", dst / "mkdocs.yml")
    for sub in ("docs", "templates", "site_config"):
        shutil.copytree(REPO / sub, dst / sub)
    return dst


def build(root: Path, tree: Path, out: Path) -> int:
    return main(["build", "--root", str(root), "--records", str(tree), "--out", str(out)])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("JINGYAN_CHART_JOBS", "1")   # drawn in this process: a patched style applies


def test_a_unit_named_with_rare_characters_builds_and_its_charts_show_them(tmp_path, env):
    """鄠 and 浉 are outside GB2312 (and the bundled font), 𠮷 outside the BMP."""
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    unit = tree / "records/units/xiagezhuang-pcs.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("name: 夏格庄派出所", f"name: {RARE}派出所"),
                    encoding="utf-8")
    site = tmp_path / "site"
    assert build(private_root(tmp_path / "root"), tree, site) == 0
    svgs = sorted((site / "charts/units/xiagezhuang-pcs").glob("*.svg"))
    assert svgs
    for svg in svgs:
        assert f">{RARE}派出所 · " in svg.read_text(encoding="utf-8"), svg.name
    assert f"{RARE}派出所" in (site / "units/xiagezhuang-pcs/index.html").read_text(encoding="utf-8")


def test_unit_pages_carry_table_classes_and_no_cell_styles(tmp_path, env):
    site = tmp_path / "site"
    assert build(private_root(tmp_path / "root"), FIXTURE, site) == 0
    html = (site / "units/xiagezhuang-pcs/index.html").read_text(encoding="utf-8")
    assert html.count('<table class="jy-table jy-align-lr">') >= 2
    assert 'style="text-align' not in html
    assert "jingyan-table" not in html                      # every table put back
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "jingyan-table" not in index and "jy-table" not in index
    assert "assets/stylesheets/tables.css" in html


def test_tables_set_aside_and_put_back_exactly():
    md = ("# 标题\n\n<table class=\"jy-table jy-align-lr\">\n<tr><td>1</td></tr>\n</table>\n\n文字 "
          "<table class=\"jy-table\">不在行首</table>\n\n<table class=\"jy-table jy-align-rlr\">\n<tr><td>&lt;b&gt;"
          "</td></tr>\n</table>\n")
    out, aside, problems = tables.set_aside(md)
    assert problems == []
    assert len(aside) == 2 and "<tr>" not in out.replace("不在行首", "")
    assert "<!--jingyan-table-0-->" in out and "<!--jingyan-table-1-->" in out
    assert tables.put_back(out, aside) == md
    assert tables.put_back("<p>x</p>", []) == "<p>x</p>"


def test_charts_are_linked_from_the_cache_with_a_copy_as_fallback(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "a.svg").write_bytes(b"<svg/>")
    linked = charts.place({"charts/x/a.svg": cache / "a.svg"}, tmp_path / "site")
    dest = tmp_path / "site/charts/x/a.svg"
    assert linked == 1 and os.path.samefile(dest, cache / "a.svg")

    def refuse(*_a, **_k):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", refuse)
    assert charts.place({"charts/x/a.svg": cache / "a.svg"}, tmp_path / "site") == 0
    assert dest.read_bytes() == b"<svg/>" and not os.path.samefile(dest, cache / "a.svg")


def test_a_chart_that_fails_fails_the_build_and_leaves_the_previous_site(tmp_path, env, monkeypatch, capsys):
    root, site = private_root(tmp_path / "root"), tmp_path / "site"
    assert build(root, FIXTURE, site) == 0
    before = files_of(site)
    monkeypatch.setitem(charts.STYLE, "axes.titlesize", 11)   # every chart drawn again …
    charts._environment_hash.cache_clear()

    def broken(spec, *a, **k):
        raise charts.ChartError(f"测试：{spec.name} 画不出来")
    monkeypatch.setattr(charts, "render", broken)               # … and each drawing fails
    capsys.readouterr()
    assert build(root, FIXTURE, site) == 1
    err = capsys.readouterr().err
    assert "图表无法绘制" in err and "Traceback" not in err
    assert files_of(site) == before
    charts._environment_hash.cache_clear()


def _change_record(tree: Path, root: Path) -> None:
    stats = sorted((tree / "records/stats/xiagezhuang-pcs").glob("*.yml"))[-1]
    text = stats.read_text(encoding="utf-8")
    m = re.search(r"(\d+)([,}])", text.split("months:", 1)[1])
    head, body = text.split("months:", 1)
    stats.write_text(head + "months:" + body[:m.start()] + str(int(m.group(1)) + 7) + body[m.end(1):],
                     encoding="utf-8")


def _change_template(tree: Path, root: Path) -> None:
    unit = root / "templates/unit.md.j2"
    unit.write_text(unit.read_text(encoding="utf-8").replace("**类别：**", "**单位类别：**"), encoding="utf-8")


def _change_metric(tree: Path, root: Path) -> None:
    metrics = tree / "site_config/metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("name: 刑事警情", "name: 刑事类警情"),
                       encoding="utf-8")


def _change_chart_style(tree: Path, root: Path) -> None:
    charts.STYLE["axes.labelsize"] = 10.5
    charts._environment_hash.cache_clear()


def _change_markdown_config(tree: Path, root: Path) -> None:
    """An option of a Markdown extension: every converted page changes (the page memo's key)."""
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("permalink_title: 本节链接", "permalink_title: 链接到本节"),
                   encoding="utf-8")


def _change_guide_page(tree: Path, root: Path) -> None:
    """A hand-written page, and a new one it links to: a page added changes links elsewhere."""
    guide = sorted((root / "docs/guide").glob("*.md"))[0]
    guide.write_text(guide.read_text(encoding="utf-8") + "\n\n另见[新页](extra-note.md)。\n", encoding="utf-8")
    (root / "docs/guide/extra-note.md").write_text("# 补充说明\n\n一段补充。\n", encoding="utf-8")


def test_incremental_builds_equal_clean_builds(tmp_path, env, monkeypatch):
    """Change a record, a template, a metric, the chart style, a Markdown option
    and a hand-written page in turn; after
    each, a build over the previous site and cache equals a clean build."""
    monkeypatch.setattr(charts, "STYLE", dict(charts.STYLE))   # _change_chart_style edits the copy
    charts._environment_hash.cache_clear()
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    root, site = private_root(tmp_path / "root"), tmp_path / "site"
    assert build(root, tree, site) == 0
    for step, change in enumerate((_change_record, _change_template, _change_metric, _change_chart_style,
                                    _change_markdown_config, _change_guide_page)):
        before = files_of(site)
        change(tree, root)
        assert build(root, tree, site) == 0
        incremental = files_of(site)
        assert incremental != before, change.__name__           # the change shows
        clean_root = tmp_path / f"clean{step}"
        shutil.copytree(root, clean_root, ignore=shutil.ignore_patterns(".cache"))
        assert build(clean_root, tree, clean_root / "site") == 0
        clean = files_of(clean_root / "site")
        assert incremental.keys() == clean.keys(), change.__name__
        assert [k for k in clean if clean[k] != incremental[k]] == [], change.__name__
    charts._environment_hash.cache_clear()


def test_the_old_site_is_removed_after_the_swap_off_the_critical_path(tmp_path):
    out = tmp_path / "site"
    for n in range(2):
        tmp = tmp_path / f".site.tmp-{n}"
        (tmp / "sub").mkdir(parents=True)
        (tmp / "sub" / "f.txt").write_text(str(n))
        build_cmd.swap_in(tmp, out)
        assert (out / "sub/f.txt").read_text() == str(n)
    deadline = time.time() + 30
    while time.time() < deadline and list(tmp_path.glob(".site.old-*")):
        time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_memoised_navigation_is_byte_identical_to_rendering_every_page(tmp_path, env, monkeypatch):
    from generator import navmemo
    monkeypatch.setattr(navmemo, "SHARE", False)   # sidebars in the page (tests/test_chrome.py: shared)
    root = private_root(tmp_path / "root")
    assert build(root, FIXTURE, tmp_path / "memo") == 0
    monkeypatch.setattr(navmemo.NavMemo, "key", lambda self, page, nav: None)   # render every sidebar
    assert build(root, FIXTURE, tmp_path / "every") == 0
    memo, every = files_of(tmp_path / "memo"), files_of(tmp_path / "every")
    assert memo.keys() == every.keys()
    assert [k for k in memo if memo[k] != every[k]] == []
    record_pages = [k for k in memo if k.startswith(("units/", "practices/")) and k.endswith("index.html")]
    assert record_pages and all(b'class="md-nav md-nav--primary' in memo[k] for k in record_pages)


def test_navigation_memo_keys():
    from types import SimpleNamespace as NS
    from generator.navmemo import NavMemo
    nav_pages = [NS(url="units/"), NS(url="practices/")]
    nav = NS(pages=nav_pages, items=[NS(active=False, children=None)])
    memo = NavMemo()
    a, b = NS(url="units/a/", parent=None), NS(url="units/b/", parent=None)
    assert memo.key(a, nav) == memo.key(b, nav) is not None          # same folder, same sidebar
    assert memo.key(NS(url="practices/x/", parent=None), nav) != memo.key(a, nav)
    assert memo.key(nav_pages[0], nav) is None                        # in the nav: its own sidebar
    nav.items[0].active = True
    assert memo.key(a, nav) != (memo.key(b, nav)[:2] + ((), None))   # an active section is part of the key
