"""经验汇编 (`jingyan compile`): selection, the PDF and the Word file.

The PDF is checked with poppler-utils (pdftotext, pdffonts) and the Word file
with python-docx. Where WeasyPrint, python-docx or poppler is missing those
tests skip with the reason, except under CI (CI=true), where a skip would
hide a broken compilation and so fails instead.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from generator import messages as M
from generator.cli import main
from generator.compile import Selection, SelectionError, missing_dependency, select
from generator.regions import subtree
from generator.validate import load_records

from conftest import TODAY, make_repo

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1718409600"   # 2024-06-15 00:00 UTC


def _need(what: str, reason: str | None) -> None:
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"compile tests must run under CI ({what}): {reason}")
        pytest.skip(reason)


def need_pdf():
    _need("WeasyPrint", missing_dependency("pdf"))
    missing = [t for t in ("pdftotext", "pdffonts", "pdfinfo") if not shutil.which(t)]
    _need("poppler", f"poppler-utils is not installed ({', '.join(missing)})" if missing else None)


def need_docx():
    _need("python-docx", missing_dependency("docx"))


# ------------------------------------------------------------------ test material

UNITS = {
    "hexi-pcs": """\
        id: hexi-pcs
        name: 河西派出所
        kind: station
        parent: laixi-psb
        region: {province: 山东省, city: 青岛市, county: 莱西市}
        """,
    "nanshan-psb": """\
        id: nanshan-psb
        name: 南山县公安局
        kind: bureau
        region: {province: 甘肃省, city: 白银市, county: 南山县}
        """,
    "beiling-pcs": """\
        id: beiling-pcs
        name: 北岭派出所
        kind: station
        parent: nanshan-psb
        region: {province: 甘肃省, city: 白银市, county: 南山县}
        """,
}


def practice_yaml(pid, title, unit, category, end, tags, status="published"):
    return textwrap.dedent(f"""\
        id: {pid}
        title: {title}
        units: [{unit}]
        period: {{start: "{end[:4]}-01", end: "{end}"}}
        categories: [{category}]
        tags: [{", ".join(tags)}]
        status: {status}
        summary: |
          {title}的测试摘要：民警定时到村里，
          把群众的事办在家门口。
        measures:
          - name: 定点
            detail: 每周固定时间到村委会值守，现场受理群众的诉求。
          - name: 回访
            detail: 办结后一周内电话回访，问清是否满意。
        outcomes:
          - label: 受理群众诉求
            value: 42
            unit: 件
        sources:
          - title: {title}（测试材料）
            publisher: 测试用报道
            date: {end}-20
            url: https://example.org/news/{pid}?a=1&b=2
        """)


@pytest.fixture
def tree(tmp_path):
    """The minimal valid repository plus a second county, a station under the
    first and three practices of our own, one of them a draft."""
    root = make_repo(tmp_path / "repo")
    for uid, text in UNITS.items():
        (root / "records/units" / f"{uid}.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    practices = root / "records/practices"
    practices.joinpath("hexi-yejian.yml").write_text(practice_yaml(
        "hexi-yejian", "河西派出所夜间便民服务窗口", "hexi-pcs", "public-service", "2021-08", ["夜间便民", "窗口服务"]),
        encoding="utf-8")
    practices.joinpath("beiling-tiaojie.yml").write_text(practice_yaml(
        "beiling-tiaojie", "北岭派出所“炕头调解”化解山村纠纷", "beiling-pcs", "dispute-mediation", "2018-11",
        ["调解"]), encoding="utf-8")
    practices.joinpath("hexi-caogao.yml").write_text(practice_yaml(
        "hexi-caogao", "河西派出所尚未完成的做法", "hexi-pcs", "public-service", "2022-03", ["夜间便民"],
        status="draft"), encoding="utf-8")
    return root


def records_of(root):
    records, problems = load_records(root, today=TODAY)
    assert not problems, problems
    return records


# ------------------------------------------------------------------ selection

def test_region_is_the_unit_and_everything_under_it(tree):
    r = records_of(tree)
    got = [p.id for p in select(r, Selection(region="laixi-psb")).practices]
    # newest first; the draft under hexi-pcs is never included
    assert got == ["hexi-yejian", "xiagezhuang-sitou"]
    assert [p.id for p in select(r, Selection(region="南山县公安局")).practices] == ["beiling-tiaojie"]


def test_region_on_the_sample_records_matches_the_subtree():
    r = records_of(REPO)
    for uid in [u for u in r.units if not r.units[u].parent][:5]:
        below = subtree(r, uid)
        expected = {p.id for p in r.practices.values() if set(p.units) & below}
        try:
            got = {p.id for p in select(r, Selection(region=uid)).practices}
        except SelectionError:
            got = set()
        assert got == expected


def test_filters_combine_and_practice_keeps_its_order(tree):
    r = records_of(tree)
    assert [p.id for p in select(r, Selection(tag="夜间便民")).practices] == ["hexi-yejian"]
    assert [p.id for p in select(r, Selection(since="2019-05")).practices] == ["hexi-yejian", "xiagezhuang-sitou"]
    assert [p.id for p in select(r, Selection(category="矛盾纠纷化解")).practices] == \
        ["xiagezhuang-sitou", "beiling-tiaojie"]
    assert [p.id for p in select(r, Selection(brand="sitou-gongzuofa")).practices] == ["xiagezhuang-sitou"]
    order = ["beiling-tiaojie", "xiagezhuang-sitou", "hexi-yejian"]
    assert [p.id for p in select(r, Selection(practices=order)).practices] == order


@pytest.mark.parametrize("sel, message", [
    (Selection(category="dispute"), M.COMPILE_UNKNOWN.format(
        what="分类", value="dispute", hint="是不是：矛盾纠纷化解（dispute-mediation）？")),
    (Selection(region="河西所"), M.COMPILE_UNKNOWN.format(
        what="单位", value="河西所", hint="是不是：河西派出所（hexi-pcs）？")),
    (Selection(tag="夜间"), M.COMPILE_UNKNOWN.format(what="标签", value="夜间", hint="是不是：夜间便民？")),
    (Selection(practices=["hexi-yejain"]), M.COMPILE_UNKNOWN.format(
        what="经验做法", value="hexi-yejain", hint="是不是：河西派出所夜间便民服务窗口（hexi-yejian）？")),
    (Selection(practices=["hexi-caogao"]), M.COMPILE_DRAFT.format(value="hexi-caogao")),
    (Selection(practices=["hexi-yejian", "hexi-yejian"]), M.COMPILE_REPEATED.format(value="hexi-yejian")),
    (Selection(since="2019-13"), M.COMPILE_BAD_MONTH.format(value="2019-13")),
    (Selection(since="2025-01"), M.COMPILE_EMPTY.format(filters="报告期截至 2025-01 或更晚")),
    (Selection(region="nanshan-psb", tag="夜间便民"), M.COMPILE_EMPTY.format(
        filters="南山县公安局及下属单位；标签“夜间便民”")),
    (Selection(category="public-service", practices=["beiling-tiaojie"]), M.COMPILE_FILTERED_OUT.format(
        value="beiling-tiaojie", filters="分类“服务群众”")),
])
def test_bad_selections_say_what_is_wrong(tree, sel, message):
    with pytest.raises(SelectionError) as e:
        select(records_of(tree), sel)
    assert str(e.value) == message


@pytest.mark.parametrize("argv, fragment", [
    (["--category", "nosuch"], "找不到分类“nosuch”。"),
    (["--practice", "hexi-caogao"], "还是草稿"),
    (["--since", "2030-01"], "没有符合条件的经验做法"),
])
@pytest.mark.parametrize("name", ["out.pdf", "out.docx"])
def test_bad_selection_writes_nothing_and_keeps_an_existing_file(tree, tmp_path, capsys, argv, fragment, name):
    out = tmp_path / name
    assert main(["compile", "--root", str(tree), "--out", str(out), *argv]) == 1
    err = capsys.readouterr().err
    assert fragment in err and "没有生成文件。" in err
    assert not out.exists()
    out.write_bytes(b"an earlier compilation")
    assert main(["compile", "--root", str(tree), "--out", str(out), *argv]) == 1
    assert f"原有的 {out} 保持不变" in capsys.readouterr().err
    assert out.read_bytes() == b"an earlier compilation"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(name)] == [name]  # no temp file left


def test_unknown_extension(tree, tmp_path, capsys):
    assert main(["compile", "--root", str(tree), "--out", str(tmp_path / "x.odt")]) == 1
    assert M.COMPILE_BAD_OUT.format(value=str(tmp_path / "x.odt")) in capsys.readouterr().err


@pytest.mark.parametrize("fmt, module, package", [("pdf", "weasyprint", "WeasyPrint"),
                                                  ("docx", "docx", "python-docx")])
def test_missing_dependency_says_what_to_install(tree, tmp_path, capsys, monkeypatch, fmt, module, package):
    import sys
    monkeypatch.setitem(sys.modules, module, None)   # import raises ImportError
    out = tmp_path / f"x.{fmt}"
    assert main(["compile", "--root", str(tree), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"需要 {package}" in err and "pip install 'jingyan[compile]'" in err
    assert ("apt-get install libpango-1.0-0" in err) == (fmt == "pdf")
    assert not out.exists()


# ------------------------------------------------------------------ PDF

ORDER = ["boshan-sanlian", "xiagezhuang-sitou", "yingxionglu-lanying", "buzhuang-124"]


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    need_pdf()
    out = tmp_path_factory.mktemp("pdf") / "汇编.pdf"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        args = ["compile", "--root", str(REPO), "--out", str(out), "--title", "测试用经验汇编",
                "--compiler", "测试编印单位"]
        for pid in ORDER:
            args += ["--practice", pid]
        assert main(args) == 0
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return out


def test_pdf_titles_in_order_and_toc_page_numbers_true(sample_pdf):
    records = records_of(REPO)
    titles = [squeeze(records.practices[p].title) for p in ORDER]
    pages = [squeeze(t) for t in pdf_pages(sample_pdf)]
    cover = pages[0]
    assert "测试用经验汇编" in cover and "测试编印单位" in cover and "2024年6月15日" in cover
    assert f"收录经验做法{len(ORDER)}篇" in cover
    toc = next(i for i, t in enumerate(pages) if "目录" in t)
    listed = {}
    for title in titles:
        m = re.search(re.escape(title) + r"\.{3,}(\d+)", "".join(pages[toc:toc + 2]))
        assert m, f"{title} not in the 目录"
        listed[title] = int(m.group(1))
    starts = {}
    for title in titles:   # a practice's page opens with the running head, then its title
        starts[title] = next(i + 1 for i, t in enumerate(pages) if i > toc and t.startswith("测试用经验汇编" + title))
    assert listed == starts
    assert sorted(starts.values()) == list(starts.values())          # in the chosen order
    assert all(re.search(rf"—{n}—$", pages[n - 1]) for n in starts.values())   # footer page number


def test_pdf_has_every_part_of_a_practice(sample_pdf):
    text = squeeze("".join(pdf_pages(sample_pdf)))
    p = records_of(REPO).practices["xiagezhuang-sitou"]
    for part in ["所属单位", "夏格庄派出所", "山东省青岛市莱西市›", "›莱西市公安局", "报告期", "2019-01至2019-05",
                 "概要", "主要做法", "工作成效", "同比下降35.1%", "出处", "月度统计",
                 squeeze(p.measures[0].name), squeeze(p.sources[0].title), "“四头”工作法"]:
        assert part in text, part


def test_pdf_shows_the_comparison_where_statistics_allow(sample_pdf):
    """A practice with statistics around its start shows its 成效对照 (chart, table,
    the method and that a comparison is not proof), not the plain trend charts."""
    pages = [squeeze(t) for t in pdf_pages(sample_pdf)]
    practices = records_of(REPO).practices
    first, after = (next(i for i, t in enumerate(pages) if t.startswith("测试用经验汇编" + squeeze(practices[p].title)))
                    for p in ("xiagezhuang-sitou", "yingxionglu-lanying"))
    text = "".join(pages[first:after])
    for part in ("成效对照", "夏格庄派出所·成效对照", "对照组变化", "排名k/N", "不能证明变化来自这项做法"):
        assert part in text, part


def test_pdf_fonts_all_embedded_and_a4(sample_pdf):
    out = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        emb = row[-25:].split()[0]   # columns: ... emb sub uni object ID
        assert emb == "yes", row
    assert any("Jingyan-Sans-SC" in r for r in rows)
    info = subprocess.run(["pdfinfo", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info


def test_pdf_charts_are_vector(sample_pdf):
    """No raster image in the file: the charts are SVG drawn as PDF paths."""
    if not shutil.which("pdfimages"):
        _need("poppler", "pdfimages is not installed")
    out = subprocess.run(["pdfimages", "-list", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    assert len(out.splitlines()) == 2, out     # the header lines only


def test_pdf_is_byte_identical_and_falls_back_for_rare_characters(tree, tmp_path, monkeypatch):
    """堃 (GBK, not GB2312) is not in the bundled subset: the system's Noto CJK
    sets it, and is embedded too."""
    need_pdf()
    path = tree / "records/practices/hexi-yejian.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("民警定时到村里", "民警王堃定时到村里"),
                    encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (a, b):
        assert main(["compile", "--root", str(tree), "--region", "laixi-psb", "--out", str(out)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert "民警王堃定时到村里" in squeeze("".join(pdf_pages(a)))
    fonts = subprocess.run(["pdffonts", str(a)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert any("Jingyan-Sans-SC" in f for f in fonts) and len(fonts) >= 2
    assert all(f[-25:].split()[0] == "yes" for f in fonts), fonts


# ------------------------------------------------------------------ Word

def test_docx_cover_headings_tables_pictures(tree, tmp_path, monkeypatch):
    need_docx()
    import docx
    from docx.oxml.ns import qn
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "汇编.docx"
    order = ["beiling-tiaojie", "xiagezhuang-sitou", "hexi-yejian"]
    argv = ["compile", "--root", str(tree), "--out", str(out), "--title", "农村警务经验汇编", "--compiler", "测试编印单位"]
    for pid in order:
        argv += ["--practice", pid]
    assert main(argv) == 0
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs]
    title = next(p for p in d.paragraphs if p.style.name == "Title")
    assert title.text == "农村警务经验汇编"
    assert "测试编印单位" in texts and "2024年6月15日" in texts and "收录经验做法 3 篇" in texts
    records = records_of(tree)
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [records.practices[p].title for p in order]
    # 工作成效: one table a practice (each has outcomes); xiagezhuang-pcs has statistics:
    # a chart and its summary table for each metric group it reports
    groups = {m.group for m in records.metrics.values()
              if any(m.id in row for s in records.stats for row in s.months.values())}
    assert len(d.inline_shapes) == len(groups) > 0
    assert len(d.tables) == 3 + len(groups)
    assert [c.text for c in d.tables[0].rows[0].cells] == ["指标", "数字", "统计期"]
    assert d.tables[0].rows[1].cells[0].text == "受理群众诉求"
    # a TOC field, real heading styles, GB/T 9704 page and fonts
    body = d.element.body.xml
    assert 'TOC \\o "1-1"' in body
    sect = d.sections[0]
    assert (round(sect.page_width.mm), round(sect.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sect.top_margin, sect.bottom_margin, sect.left_margin, sect.right_margin)] \
        == [37, 35, 28, 26]
    grid = sect._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"
    fonts = {name: d.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) for name in ("Normal", "Title", "Heading 1")}
    assert fonts == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体"}
    assert [d.styles[n].font.size.pt for n in ("Normal", "Title", "Heading 1")] == [16, 22, 16]
    # reproducible: the same bytes a second time
    first = out.read_bytes()
    assert main(argv) == 0
    assert out.read_bytes() == first


# ------------------------------------------------------------------ on the site

SITE_COMPILATIONS = """
compilations:
  - id: tiaojie
    title: 矛盾纠纷化解做法汇编
    category: dispute-mediation
    pdf: false
    docx: true
  - id: laixi
    title: 莱西做法汇编
    region: laixi-psb
    pdf: false
    docx: true
"""


def with_compilations(root: Path, text: str = SITE_COMPILATIONS) -> Path:
    site = root / "site_config" / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + text, encoding="utf-8")
    return root


def test_site_compilations_rebuilt_only_when_their_content_changes(tree, tmp_path):
    need_docx()
    from generator.compile.publish import publish
    root, cache = with_compilations(tree), tmp_path / "cache"
    first, problems = publish(records_of(root), cache)
    assert not problems
    assert [(p.config.id, p.count, p.built, sorted(p.files)) for p in first] == [
        ("tiaojie", 2, 1, ["compilations/tiaojie.docx"]), ("laixi", 2, 1, ["compilations/laixi.docx"])]
    again, _ = publish(records_of(root), cache)
    assert [p.built for p in again] == [0, 0]
    assert [p.files for p in again] == [p.files for p in first]
    # a practice only 莱西 holds changes: only that compilation is rebuilt
    path = root / "records/practices/hexi-yejian.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("每周固定时间", "每周两次固定时间"), encoding="utf-8")
    changed, _ = publish(records_of(root), cache)
    assert [p.built for p in changed] == [0, 1]
    # its statistics (a chart) change: 夏格庄 is in both
    stats = root / "records/stats/xiagezhuang-pcs/2019.yml"
    stats.write_text(stats.read_text(encoding="utf-8").replace("criminal_cases: 5,", "criminal_cases: 6,"),
                     encoding="utf-8")
    assert [p.built for p in publish(records_of(root), cache)[0]] == [1, 1]
    # its settings change
    site = root / "site_config/site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace("莱西做法汇编", "莱西市做法汇编"), encoding="utf-8")
    assert [p.built for p in publish(records_of(root), cache)[0]] == [0, 1]


def test_site_compilations_pages_and_links(tree, tmp_path):
    need_docx()
    from generator.compile.publish import PAGE, attach, publish
    from generator.pages import plan_pages
    records = records_of(with_compilations(tree))
    published, _ = publish(records, tmp_path / "cache")
    pages = plan_pages(records)
    attach(pages, published)
    by_path = {p.path: p for p in pages}
    links = by_path["categories/dispute-mediation.md"].context["downloads"]
    assert [d["href"] for d in links] == ["../compilations/tiaojie.docx"]
    assert links[0]["text"].startswith("矛盾纠纷化解做法汇编（Word 文件，")
    assert by_path["categories/public-service.md"].context["downloads"] == []
    page = by_path[PAGE]
    assert [i["title"] for i in page.context["items"]] == ["矛盾纠纷化解做法汇编", "莱西做法汇编"]
    assert page.context["items"][1]["downloads"][0]["href"] == "compilations/laixi.docx"


def test_site_compilation_with_a_bad_selection_is_a_problem_at_its_line(tree, tmp_path):
    from generator.compile.publish import publish
    root = with_compilations(tree, "\ncompilations:\n  - id: x\n    title: 测试\n    tag: 不存在的标签\n")
    published, problems = publish(records_of(root), tmp_path / "cache")
    assert published == []
    [p] = problems
    assert p.path == "site_config/site.yml" and p.line > 1
    assert p.message.startswith("经验汇编“x”：找不到标签“不存在的标签”。")


def test_no_compilations_by_default():
    assert records_of(REPO).site.compilations == []


def test_pdf_headings_never_end_a_page(sample_pdf):
    records = records_of(REPO)
    heads = {"概要", "主要做法", "工作成效", "月度统计", "出处"}
    for pid in ORDER:
        heads |= {f"{i}．{m.name}" for i, m in enumerate(records.practices[pid].measures, 1)}
    for n, page in enumerate(pdf_pages(sample_pdf), 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"—\s*\d+\s*—", line)]
        assert body and body[-1] not in heads, f"page {n} ends with the heading {body[-1]!r}"
