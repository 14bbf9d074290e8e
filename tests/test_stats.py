"""generator/stats.py: every formula pinned on hand-made series."""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import jinja2
import re

import pytest

from generator import stats
from generator.model import Metric, MonthlyStats, Records, Region, SiteConfig, Unit

ROOT = Path(__file__).resolve().parent.parent
QD = Region("山东省", "青岛市", "莱西市")
JN = Region("山东省", "济南市", "章丘区")
M = "−"  # the minus sign stats.py prints

CRIME = Metric("crime", "刑事警情", "起", "治安形势", lower_is_better=True)
ORDER = Metric("order", "治安警情", "起", "治安形势", lower_is_better=True)
VISITS = Metric("visits", "走访群众", "人次", "服务群众")
RATE = Metric("rate", "群众满意率", "%", "服务群众", aggregate="mean")
METRICS = [CRIME, ORDER, VISITS, RATE]


def unit(uid, kind="station", parent="bureau", region=QD, name=None):
    return Unit(uid, name or f"{uid}派出所", kind, region, parent=parent)


def year(uid, y, values: dict[int, dict], sample=False):
    return MonthlyStats(uid, y, values, sample=sample)


def full(y, uid, metric, vals, sample=False):
    """A stats file with one metric, `vals` = 12 numbers (None = month left out)."""
    return year(uid, y, {m: {metric: v} for m, v in zip(range(1, 13), vals) if v is not None}, sample)


def records(units, files, metrics=METRICS, note="样例提示"):
    return Records(site=SiteConfig("警务经验", "d", sample_note=note),
                   metrics={m.id: m for m in metrics}, categories={},
                   units={u.id: u for u in units}, practices={}, brands={}, stats=files)


BUREAU = Unit("bureau", "莱西市公安局", "bureau", QD)


# ------------------------------------------------------------------ series and changes

def test_series_keeps_missing_months_missing():
    r = records([BUREAU, unit("a")], [full(2020, "a", "crime", [5, None, 0, 4] + [None] * 8)])
    s = stats.series(stats.build(r), "a", "crime")
    assert s.get(2020, 1) == 5 and s.get(2020, 2) is None and s.get(2020, 3) == 0
    assert s.values == {(2020, 1): 5, (2020, 3): 0, (2020, 4): 4}
    assert s.basis == {2020: frozenset({"a"})}
    assert s.latest_month(2020) == 4 and s.latest_month(2019) is None


def test_change_formulas():
    c = stats.change(6, 8)
    assert (c.absolute, c.percent, c.reason) == (-2, -25.0, None)
    assert stats.change(5, None) == stats.Change(5, None, None, None, "missing")
    zero = stats.change(3, 0)
    assert (zero.absolute, zero.percent, zero.reason) == (3, None, "zero_base")
    assert stats.change(0, 0).percent is None
    assert stats.change(4, 4).percent == 0.0
    assert stats.change(1, 2, comparable=False).reason == "basis"


def test_month_on_month_crosses_the_new_year():
    r = records([BUREAU, unit("a")], [full(2019, "a", "crime", [1] * 11 + [10]),
                                      full(2020, "a", "crime", [8, None, 3, 0, 2] + [None] * 7)])
    s = stats.series(stats.build(r), "a", "crime")
    jan = stats.mom(s, 2020, 1)
    assert (jan.previous, jan.absolute, jan.percent) == (10, -2, -20.0)
    assert stats.mom(s, 2020, 2).reason == "missing"     # February missing
    assert stats.mom(s, 2020, 3).reason == "missing"     # against missing February
    assert stats.mom(s, 2020, 5).reason == "zero_base"   # 0 → 2
    assert stats.mom(s, 2020, 5).absolute == 2


def test_year_on_year_and_ytd():
    r = records([BUREAU, unit("a")], [
        full(2019, "a", "crime", [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]),
        full(2020, "a", "crime", [5, 6, 7, 8, None, None, None, None, None, None, None, None])])
    s = stats.series(stats.build(r), "a", "crime")
    assert stats.yoy(s, 2020, 2).percent == pytest.approx(-40.0)
    assert stats.yoy(s, 2020, 5).reason == "missing"
    assert stats.ytd(s, 2020) == 26            # 1–4月, the latest month reported
    assert stats.ytd(s, 2020, 2) == 11
    assert stats.ytd(s, 2020, 6) is None       # May and June missing: no total
    assert stats.ytd(s, 2019) == 120
    c = stats.ytd_yoy(s, 2020)                 # 1–4月 against 1–4月
    assert (c.current, c.previous, c.absolute) == (26, 40, -14)
    assert c.percent == pytest.approx(-35.0)
    assert stats.comparable_through(s, 2020) == 4


def test_ytd_with_a_gap_is_missing():
    r = records([BUREAU, unit("a")], [full(2020, "a", "crime", [1, None, 3] + [None] * 9)])
    s = stats.series(stats.build(r), "a", "crime")
    assert stats.ytd(s, 2020) is None
    assert stats.ytd(s, 2020, 1) == 1


def test_mean_metric_ytd_is_the_monthly_mean():
    r = records([BUREAU, unit("a")], [full(2020, "a", "rate", [90, 95, 100] + [None] * 9)])
    s = stats.series(stats.build(r), "a", "rate")
    assert stats.ytd(s, 2020) == pytest.approx(95.0)


def test_unit_with_only_one_year():
    r = records([BUREAU, unit("a")], [full(2020, "a", "crime", [3] * 12)])
    model = stats.build(r)
    s = stats.series(model, "a", "crime")
    assert stats.yoy(s, 2020, 1).reason == "missing"
    assert stats.ytd_yoy(s, 2020).percent is None
    assert stats.comparable_through(s, 2020) is None
    sec = stats.unit_section(model, "a")
    block = sec["charts"][0]
    assert block["previous_year"] is None
    assert block["alt"] == "a派出所 2020 年治安形势指标逐月折线图（无 2019 年数据可比）"
    assert block["table"]["header"] == ["月份", "刑事警情 2020"]          # no empty 2019 columns
    assert block["table"]["rows"][-1] == ["1–12 月", "36"]


# ------------------------------------------------------------------ roll-ups

def test_bureau_sums_its_stations():
    r = records([BUREAU, unit("a"), unit("b")], [
        full(2020, "a", "crime", [1] * 12), full(2020, "b", "crime", [2] * 12)])
    s = stats.series(stats.build(r), "bureau", "crime")
    assert s.get(2020, 1) == 3 and s.basis[2020] == {"a", "b"}
    assert stats.ytd(s, 2020) == 36


def test_bureau_averages_a_mean_metric():
    r = records([BUREAU, unit("a"), unit("b")], [
        full(2020, "a", "rate", [90] * 12), full(2020, "b", "rate", [96] * 12)])
    s = stats.series(stats.build(r), "bureau", "rate")
    assert s.get(2020, 7) == pytest.approx(93.0)


def test_mean_over_nested_bureaus_is_over_reporting_units():
    city = Unit("city", "青岛市公安局", "bureau", QD)
    county = Unit("county", "莱西市公安局", "bureau", QD, parent="city")
    units = [city, county, unit("a", parent="county"), unit("b", parent="county"), unit("c", parent="city")]
    r = records(units, [full(2020, "a", "rate", [90] * 12), full(2020, "b", "rate", [90] * 12),
                        full(2020, "c", "rate", [99] * 12)])
    model = stats.build(r)
    assert stats.series(model, "city", "rate").get(2020, 1) == pytest.approx(93.0)  # not (90+99)/2
    assert stats.reporters(model, "city", "rate") == {"a", "b", "c"}


def test_posts_count_only_when_their_station_has_no_own_figures():
    units = [BUREAU, unit("a"), unit("p1", "post", "a"), unit("b"), unit("p2", "post", "b")]
    r = records(units, [full(2020, "a", "crime", [10] * 12),     # a reports for itself (and p1)
                        full(2020, "p1", "crime", [4] * 12),
                        full(2020, "p2", "crime", [1] * 12)])   # b has no figures: p2 rolls up
    model = stats.build(r)
    assert stats.series(model, "a", "crime").get(2020, 1) == 10
    assert stats.series(model, "b", "crime").get(2020, 1) == 1
    assert stats.series(model, "bureau", "crime").get(2020, 1) == 11
    assert stats.reporters(model, "bureau", "crime") == {"a", "p2"}


def test_partial_month_is_missing_and_flagged():
    r = records([BUREAU, unit("a"), unit("b")], [
        full(2020, "a", "crime", [1] * 12), full(2020, "b", "crime", [2, 2, None] + [2] * 9)])
    s = stats.series(stats.build(r), "bureau", "crime")
    assert s.get(2020, 3) is None              # never the smaller sum 1
    assert s.partial == {(2020, 3)}
    assert stats.ytd(s, 2020) is None
    assert stats.ytd(s, 2020, 2) == 6


def test_changes_need_the_same_reporting_units():
    r = records([BUREAU, unit("a"), unit("b")], [
        full(2019, "a", "crime", [1] * 12), full(2020, "a", "crime", [1] * 12),
        full(2020, "b", "crime", [5] * 12)])      # b starts reporting in 2020
    s = stats.series(stats.build(r), "bureau", "crime")
    assert s.basis == {2019: {"a"}, 2020: {"a", "b"}}
    assert stats.yoy(s, 2020, 1).reason == "basis"
    assert stats.mom(s, 2020, 1).reason == "basis"
    assert stats.mom(s, 2020, 2).percent == 0.0
    assert stats.ytd_yoy(s, 2020).reason == "basis"


def test_region_rolls_up_its_top_units():
    jn = Unit("jn", "章丘区公安分局", "bureau", JN)
    units = [BUREAU, unit("a"), unit("b"), jn, unit("c", parent="jn", region=JN)]
    r = records(units, [full(2020, u, "crime", [n] * 12) for u, n in (("a", 1), ("b", 2), ("c", 4))])
    model = stats.build(r)
    assert stats.region_series(model, ("山东省", "青岛市"), "crime").get(2020, 1) == 3
    assert stats.region_series(model, ("山东省", "济南市"), "crime").get(2020, 1) == 4
    assert stats.region_series(model, ("山东省",), "crime").get(2020, 1) == 7
    assert stats.region_series(model, None, "crime").get(2020, 1) == 7
    assert stats.regions(model) == [("山东省", "济南市"), ("山东省", "青岛市")]
    assert stats.regions(model, "province") == [("山东省",)]


# ------------------------------------------------------------------ rankings

def ranking_records():
    units = [BUREAU, *(unit(u) for u in "abcde")]
    files = []
    for u, last, this in (("a", 10, 5), ("b", 10, 12), ("c", 10, 8), ("d", 0, 3), ("e", 10, 8)):
        files += [full(2019, u, "crime", [last] * 12), full(2020, u, "crime", [this] * 6 + [None] * 6),
                  full(2019, u, "visits", [last] * 12), full(2020, u, "visits", [this] * 6 + [None] * 6)]
    return records(units, files)


def test_ranking_lower_is_better():
    r = stats.rank_children(stats.build(ranking_records()), "bureau", "crime")
    assert (r.year, r.through) == (2020, 6)          # latest comparable period: 1–6月
    assert [(e.unit, e.rank, e.verdict) for e in r.entries] == [
        ("a", 1, "good"), ("c", 2, "good"), ("e", 2, "good"), ("b", 4, "bad"),
        ("d", None, "bad")]                          # zero base: listed, not ranked
    assert r.entries[0].change.percent == pytest.approx(-50.0)
    assert r.entries[-1].change.reason == "zero_base"


def test_ranking_higher_is_better():
    r = stats.rank_children(stats.build(ranking_records()), "bureau", "visits")
    assert [e.unit for e in r.entries if e.rank] == ["b", "c", "e", "a"]
    assert r.entries[0].verdict == "good" and r.entries[-2].verdict == "bad"


def test_ranking_picks_the_period_most_units_can_compare():
    units = [BUREAU, unit("a"), unit("b"), unit("c")]
    files = [full(2019, u, "crime", [10] * 12) for u in "abc"]
    files += [full(2020, "a", "crime", [5] * 12),        # a is through December
              full(2020, "b", "crime", [5] * 9 + [None] * 3),
              full(2020, "c", "crime", [20] * 9 + [None] * 3)]
    r = stats.rank_children(stats.build(records(units, files)), "bureau", "crime")
    assert r.through == 9
    assert [e.rank for e in r.entries] == [1, 1, 3]


# ------------------------------------------------------------------ formatting

def test_arrow_percent():
    assert stats.arrow_percent(stats.change(6, 8)) == "↓25.0%"
    assert stats.arrow_percent(stats.change(9, 8)) == "↑12.5%"
    assert stats.arrow_percent(stats.change(8, 8)) == "→0.0%"
    assert stats.arrow_percent(stats.change(8, 0)) == "—"


def test_formatting():
    assert stats.fmt_percent(-35.149) == f"{M}35.1%"
    assert stats.fmt_percent(12.0) == "+12.0%"
    assert stats.fmt_percent(0.0) == "0.0%" and stats.fmt_percent(-0.01) == "0.0%"
    assert stats.fmt_percent(None) == "—"
    assert stats.fmt_value(None) == "—"
    assert stats.fmt_value(12.0, CRIME) == "12" and stats.fmt_value(12.5, CRIME) == "12.5"
    assert stats.fmt_value(96.0, RATE) == "96.0"
    assert stats.fmt_signed(-3, CRIME) == f"{M}3" and stats.fmt_signed(0, CRIME) == "0"
    down = stats.change_view(stats.change(6, 8), CRIME)
    assert down == {"value": "6", "previous": "8", "absolute": f"{M}2", "percent": f"{M}25.0%",
                    "arrow": "↓", "cls": "good", "label": "下降 25.0%"}
    assert stats.change_view(stats.change(6, 8), VISITS)["cls"] == "bad"
    assert stats.change_view(stats.change(5, 5), CRIME)["cls"] == "flat"
    zero = stats.change_view(stats.change(3, 0), CRIME)
    assert (zero["percent"], zero["cls"], zero["label"]) == ("—", "bad", "上年同期为 0，增加 3 起")
    assert stats.change_view(stats.change(3, None), CRIME)["cls"] == "none"


def test_group_slugs_are_ascii_and_unique():
    slugs = stats.group_slugs(["治安形势", "服务群众", "治安形势２", "！！", "ranking"])
    assert slugs["治安形势"] == "zhi-an-xing-shi" and slugs["服务群众"] == "fu-wu-qun-zhong"
    assert slugs["！！"] == "g4" and slugs["ranking"] == "g5"
    assert all(s.isascii() for s in slugs.values()) and len(set(slugs.values())) == 5


# ------------------------------------------------------------------ page contexts

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
    assert stats.unit_section(model, "c") is None
    assert stats.unit_section(model, "nope") is None
    sec = stats.unit_section(model, "a")
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
    assert rows[0] == ["1 月", "3", "4", f"{M}25.0%", "10", "10", "0.0%"]
    assert rows[4] == ["5 月", "—", "4", "—", "—", "10", "—"]        # May 2020 missing
    assert rows[12] == ["1–12 月", "—", "48", "—", "—", "120", "—"]  # a gap: no total
    assert all(isinstance(v, str) for row in rows for v in row)
    assert block["summary"] == {
        "header": ["指标", "2020 年 12 月", "环比", "同比", "1–12 月", "累计同比"],
        "rows": [["刑事警情（起）", "3", "→0.0%", "↓25.0%", "—", "—"],
                 ["治安警情（起）", "10", "→0.0%", "→0.0%", "—", "—"]]}
    service = sec["charts"][1]
    assert any("群众满意率为月平均值" in n for n in service["notes"])


def test_bureau_section_rolls_up_and_ranks():
    model = stats.build(section_records())
    sec = stats.unit_section(model, "bureau")
    assert "2 个下属单位" in sec["scope_note"]
    assert sec["charts"][0]["table"]["rows"][0][1:4] == ["9", "12", f"{M}25.0%"]
    rank = sec["ranking"]
    assert rank["chart"] == "charts/units/bureau/ranking.svg"
    assert rank["csv"] == "charts/units/bureau/ranking.csv"
    assert rank["period"] == "2020 年 1–4 月"        # May is missing: 1–4月 is comparable
    assert rank["table"]["rows"][0][:5] == ["1", "夏格庄派出所", "12", "16", f"{M}25.0%"]
    assert "莱西市公安局" in rank["alt"] and "刑事警情" in rank["alt"]


def test_paths_in_sections_match_charts_and_csvs():
    model = stats.build(section_records())
    site = stats.site_stats(model)
    figures, csvs = site.figures, site.csvs
    names = {f[0] for f in figures}
    referenced = set()
    for u in stats.section_units(model):
        sec = stats.unit_section(model, u)
        blocks = sec["charts"] + ([sec["ranking"]] if sec["ranking"] else [])
        referenced |= {b["chart"] for b in blocks}
        assert {b["csv"] for b in blocks} <= set(csvs)
    dash = stats.dashboard(model)
    referenced |= {b["chart"] for b in dash["charts"] + dash["rankings"]}
    assert referenced == names
    assert set(csvs) == set(stats.csv_files(model)) and len(figures) == len(stats.chart_figures(model))
    assert site.sections == {u: stats.unit_section(model, u) for u in stats.section_units(model)}
    assert site.dashboard == dash


def test_csv_content():
    model = stats.build(section_records())
    text = stats.csv_files(model)["charts/units/a/zhi-an-xing-shi.csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["单位", "年份", "月份", "刑事警情（起）", "治安警情（起）"]
    assert rows[1] == ["夏格庄派出所", "2019", "1", "4", "10"]
    assert ["夏格庄派出所", "2020", "5", "", ""] in rows
    assert len(rows) == 1 + 24


def test_dashboard():
    model = stats.build(section_records())
    d = stats.dashboard(model)
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
    d = stats.dashboard(stats.build(records([BUREAU], [])))
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
        section=stats.unit_section(model, "bureau"), base="../../")
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
        dashboard=stats.dashboard(stats.build(section_records())), base="../")
    assert text.startswith("# 统计\n")
    assert '<span class="jy-change jy-good" title="下降 25.0%">↓ −25.0%</span>' in text
    assert "(../charts/overview/ranking-stations.svg)" in text
    tables = table_blocks(text)
    assert len(tables[0]) == 2 + 4        # headline: one row a metric
    empty = e.get_template("stats_index.md.j2").render(
        dashboard=stats.dashboard(stats.build(records([BUREAU], []))), base="../")
    assert "暂无月度统计数据" in empty
