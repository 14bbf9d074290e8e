"""generator/statpages.py: page contexts, tables, CSV and the templates that print them."""
from __future__ import annotations

import csv
import html
import io
import re

import jinja2
import pytest

from generator import statpages, stats
from test_stats import BUREAU, CRIME, M, RATE, ROOT, VISITS, full, records, unit, year


# ------------------------------------------------------------------ formatting

def test_arrow_percent():
    assert statpages.arrow_percent(stats.change(6, 8)) == "↓25.0%"
    assert statpages.arrow_percent(stats.change(9, 8)) == "↑12.5%"
    assert statpages.arrow_percent(stats.change(8, 8)) == "→0.0%"
    assert statpages.arrow_percent(stats.change(8, 0)) == "—"


def test_formatting():
    assert statpages.fmt_percent(-35.149) == f"{M}35.1%"
    assert statpages.fmt_percent(12.0) == "+12.0%"
    assert statpages.fmt_percent(0.0) == "0.0%" and statpages.fmt_percent(-0.01) == "0.0%"
    assert statpages.fmt_percent(None) == "—"
    assert statpages.fmt_value(None) == "—"
    assert statpages.fmt_value(12.0, CRIME) == "12" and statpages.fmt_value(12.5, CRIME) == "12.5"
    assert statpages.fmt_value(96.0, RATE) == "96.0"
    assert statpages.fmt_signed(-3, CRIME) == f"{M}3" and statpages.fmt_signed(0, CRIME) == "0"
    down = statpages.change_view(stats.change(6, 8), CRIME)
    assert down == {"value": "6", "previous": "8", "absolute": f"{M}2", "percent": f"{M}25.0%",
                    "arrow": "↓", "text": "↓25.0%", "cls": "good", "label": "下降 25.0%"}
    assert statpages.change_view(stats.change(6, 8), VISITS)["cls"] == "bad"
    assert statpages.change_view(stats.change(5, 5), CRIME)["cls"] == "flat"
    zero = statpages.change_view(stats.change(3, 0), CRIME)
    assert (zero["percent"], zero["cls"], zero["label"]) == ("—", "bad", "上年同期为 0，增加 3 起")
    assert statpages.change_view(stats.change(3, None), CRIME)["cls"] == "none"


# ------------------------------------------------------------------ page contexts

def test_unit_with_only_one_year():
    r = records([BUREAU, unit("a")], [full(2020, "a", "crime", [3] * 12)])
    sec = statpages.unit_section(stats.build(r), "a")
    block = sec["charts"][0]
    assert block["previous_year"] is None
    assert block["alt"] == "a派出所 2020 年治安形势指标逐月折线图（无 2019 年数据可比）"
    assert block["table"]["header"] == ["月份", "刑事警情 2020"]          # no empty 2019 columns
    assert block["table"]["rows"][-1] == ["1–12 月", "36"]


def section_records():
    units = [BUREAU, unit("a", name="夏格庄派出所"), unit("b", name="院上派出所"), unit("c", name="无数据派出所")]
    files = []
    for u, k in (("a", 1), ("b", 2)):
        files.append(year(u, 2019, {m: {"crime": 4 * k, "order": 10, "visits": 100, "rate": 95}
                                     for m in range(1, 13)}, sample=True))
        files.append(year(u, 2020, {m: {"crime": 3 * k, "order": 10, "visits": 120, "rate": 97}
                                     for m in range(1, 13) if m != 5}, sample=True))
    return records(units, files)


def test_unit_section_context():
    model = stats.build(section_records())
    assert statpages.unit_section(model, "c") is None
    assert statpages.unit_section(model, "nope") is None
    sec = statpages.unit_section(model, "a")
    assert sec["is_sample"] is True and sec["sample_note"] == "样例提示"
    assert sec["scope_note"] is None and sec["ranking"] is None
    assert [c["title"] for c in sec["charts"]] == ["治安形势", "服务群众"]
    block = sec["charts"][0]
    assert block["chart"] == "charts/units/a/zhi-an-xing-shi.svg"
    assert block["csv"] == "charts/units/a/zhi-an-xing-shi.csv"
    assert block["alt"] == "夏格庄派出所 2020 年与 2019 年治安形势指标逐月对比折线图"
    assert block["table"]["header"] == ["月份", "刑事警情 2020", "刑事警情 2019", "同比",
                                        "治安警情 2020", "治安警情 2019", "同比"]
    rows = block["table"]["rows"]
    assert rows[0] == ["1 月", "3", "4", "↓25.0%", "10", "10", "→0.0%"]
    assert rows[4] == ["5 月", "—", "4", "—", "—", "10", "—"]        # May 2020 missing
    assert rows[12] == ["1–12 月", "—", "48", "—", "—", "120", "—"]  # a gap: no total
    assert all(isinstance(v, str) for row in rows for v in row)
    assert block["summary"] == {
        "header": ["指标", "2020 年 12 月", "环比", "同比", "1–12 月", "累计同比"],
        "rows": [["刑事警情（起）", "3", "→0.0%", "↓25.0%", "—", "—"],
                 ["治安警情（起）", "10", "→0.0%", "→0.0%", "—", "—"]],
        # the colour of each change by lower_is_better (crime falling: good)
        "cls": [["", "", "flat", "good", "", ""], ["", "", "flat", "flat", "", ""]]}
    assert block["table"]["cls"][0] == ["", "", "", "good", "", "", "flat"]
    service = sec["charts"][1]
    assert any("群众满意率为月平均值" in n for n in service["notes"])


def test_bureau_section_rolls_up_and_ranks():
    model = stats.build(section_records())
    sec = statpages.unit_section(model, "bureau")
    assert "2 个下属单位" in sec["scope_note"]
    assert sec["charts"][0]["table"]["rows"][0][1:4] == ["9", "12", "↓25.0%"]
    rank = sec["ranking"]
    assert rank["chart"] == "charts/units/bureau/ranking.svg"
    assert rank["csv"] == "charts/units/bureau/ranking.csv"
    assert rank["period"] == "2020 年 1–4 月"        # May is missing: 1–4月 is comparable
    assert rank["table"]["rows"][0][:5] == ["1", "夏格庄派出所", "12", "16", "↓25.0%"]
    assert "莱西市公安局" in rank["alt"] and "刑事警情" in rank["alt"]


def test_paths_in_sections_match_charts_and_csvs():
    model = stats.build(section_records())
    site = statpages.site_stats(model)
    figures, csvs = site.figures, site.csvs
    names = {f[0] for f in figures}
    referenced = set()
    for u in statpages.section_units(model):
        sec = statpages.unit_section(model, u)
        blocks = sec["charts"] + ([sec["ranking"]] if sec["ranking"] else [])
        referenced |= {b["chart"] for b in blocks}
        assert {b["csv"] for b in blocks} <= set(csvs)
    dash = statpages.dashboard(model)
    referenced |= {b["chart"] for b in dash["charts"] + dash["rankings"]}
    assert referenced == names
    assert set(csvs) == set(statpages.csv_files(model)) and len(figures) == len(statpages.chart_figures(model))
    assert site.sections == {u: statpages.unit_section(model, u) for u in statpages.section_units(model)}
    assert site.dashboard == dash


def test_csv_content():
    model = stats.build(section_records())
    text = statpages.csv_files(model)["charts/units/a/zhi-an-xing-shi.csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["单位", "年份", "月份", "刑事警情（起）", "治安警情（起）"]
    assert rows[1] == ["夏格庄派出所", "2019", "1", "4", "10"]
    assert ["夏格庄派出所", "2020", "5", "", ""] in rows
    assert len(rows) == 1 + 24


def test_dashboard():
    model = stats.build(section_records())
    d = statpages.dashboard(model)
    assert d["scope"] == "山东省青岛市" and d["year"] == 2020 and d["unit_count"] == 2
    assert d["is_sample"] and d["sample_note"] == "样例提示"
    crime = next(h for h in d["headline"] if h["metric"] == "刑事警情")
    assert crime["period"] == "2020 年 1–4 月"
    assert (crime["value"], crime["previous"], crime["percent"], crime["cls"], crime["arrow"]) == \
        ("36", "48", f"{M}25.0%", "good", "↓")
    assert d["charts"][0]["chart"] == "charts/overview/zhi-an-xing-shi.svg"
    assert [r["chart"] for r in d["rankings"]] == ["charts/overview/ranking-stations.svg"]
    assert d["regions"] is None


def test_dashboard_without_stats():
    d = statpages.dashboard(stats.build(records([BUREAU], [])))
    assert d["year"] is None and d["charts"] == [] and d["headline"] == []


# ------------------------------------------------------------------ templates

def env():
    e = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=False,
                           undefined=jinja2.StrictUndefined)
    e.filters["md"] = html.escape
    return e


def table_blocks(text):
    """Each Markdown table as its lines; every line of a table starts and ends with |."""
    out, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    return out


@pytest.mark.parametrize("trim", [False, True])
def test_section_template(trim):
    r = section_records()
    r.units["a"].name = "夏格庄<派出所>"
    model = stats.build(r)
    e = env()
    e.trim_blocks = e.lstrip_blocks = trim
    text = e.get_template("partials/stats_section.md.j2").render(
        section=statpages.unit_section(model, "bureau"), base="../../")
    assert '!!! note "样例数据"\n\n    样例提示\n' in text
    assert "![莱西市公安局 2020 年与 2019 年治安形势指标逐月对比折线图](../../charts/units/bureau/zhi-an-xing-shi.svg)" in text
    assert "(../../charts/units/bureau/zhi-an-xing-shi.csv)" in text
    assert "(../../charts/units/bureau/ranking.svg)" in text
    assert "夏格庄&lt;派出所&gt;" in text and "<派出所>" not in text
    # the tables are HTML blocks: each starts a line after a blank one, so
    # Markdown passes it through untouched (no inline parsing of every cell)
    tables = re.findall(r'(?<=\n\n)<table class="jy-table [^"]*">\n.*?\n</table>(?=\n)', text, re.S)
    assert len(tables) == text.count("<table") == 2 + 2 + 1   # two groups (summary + months), the ranking
    assert [t.count("<tr>") for t in tables[:2]] == [1 + 2, 1 + 13]
    # alignment by class (docs/assets/stylesheets/tables.css), no per-cell styles
    assert tables[1].startswith('<table class="jy-table jy-align-lr">') and "<th>月份</th>" in tables[1]
    assert tables[4].startswith('<table class="jy-table jy-align-rlr">')  # 名次 right, 单位 left, the rest right
    assert "style=" not in text
    import markdown
    html = markdown.markdown(text, extensions=["tables", "attr_list", "admonition"])
    assert html.count('<table class="jy-table') == 5 and "&lt;table" not in html
    assert "夏格庄&lt;派出所&gt;" in html and "<派出所>" not in html
    assert html.count("data-search-exclude") == 1 + 2 + 1      # 月度统计, two groups, the ranking


@pytest.mark.parametrize("trim", [False, True])
def test_dashboard_template(trim):
    e = env()
    e.trim_blocks = e.lstrip_blocks = trim
    text = e.get_template("stats_index.md.j2").render(
        dashboard=statpages.dashboard(stats.build(section_records())), base="../", effects_page="effects.md")
    assert text.startswith("# 统计\n")
    assert '<span class="jy-change jy-good" title="下降 25.0%">↓25.0%</span>' in text
    assert "(../charts/overview/ranking-stations.svg)" in text
    assert "见[成效对照](effects.md)" in text
    tables = table_blocks(text)
    assert len(tables[0]) == 2 + 4        # headline: one row a metric
    empty = e.get_template("stats_index.md.j2").render(
        dashboard=statpages.dashboard(stats.build(records([BUREAU], []))), base="../", effects_page=None)
    assert "暂无月度统计数据" in empty


# ------------------------------------------------------------------ CSV safety

def test_csv_cells_never_start_a_formula():
    evil = '=HYPERLINK("http://example.invalid/x","夏格庄")'
    r = section_records()
    r.units["a"].name = evil
    r.units["b"].name = "@SUM(A1:A9)"
    model = stats.build(r)
    csvs = statpages.csv_files(model)
    rows = list(csv.reader(io.StringIO(csvs["charts/units/a/zhi-an-xing-shi.csv"][1:])))
    assert rows[1][0] == "'" + evil                      # shown as text, never run
    assert rows[1][1:] == ["2019", "1", "4", "10"]       # numbers stay numbers
    ranking = list(csv.reader(io.StringIO(csvs["charts/units/bureau/ranking.csv"][1:])))
    names = [row[1] for row in ranking[1:]]
    assert names == ["'" + evil, "'@SUM(A1:A9)"]
    assert ranking[1][6] == "-25.0"                      # a negative percentage is still a number
    for text in csvs.values():
        for row in csv.reader(io.StringIO(text[1:])):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) and \
                    (not cell.startswith("-") or re.fullmatch(r"-[\d.]+", cell))


@pytest.mark.parametrize("cell, safe", [
    ("=1+2", "'=1+2"), ("+86 123", "'+86 123"), ("-x", "'-x"), ("@A1", "'@A1"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("-12.5", "-12.5"), ("+3", "+3"), ("-", "'-"),
    ("夏格庄派出所", "夏格庄派出所"), ("12", "12"), ("", "")])
def test_csv_cell(cell, safe):
    assert statpages.csv_cell(cell) == safe
