"""generator/charts.py: glyphs, text, determinism and the cache."""
from __future__ import annotations

import dataclasses
import io
import re
import warnings
from pathlib import Path

import matplotlib
import pytest

from generator import cache, charts, statpages, stats
from generator.model import Metric, MonthlyStats, Records, Region, SiteConfig, Unit

ROOT = Path(__file__).resolve().parent.parent
QD = Region("山东省", "青岛市", "莱西市")
METRICS = [Metric("crime", "刑事警情", "起", "治安形势", lower_is_better=True),
           Metric("order", "治安警情", "起", "治安形势", lower_is_better=True),
           Metric("visits", "走访群众", "人次", "服务群众"),
           Metric("rate", "群众满意率", "%", "服务群众", aggregate="mean")]


def make_records(n=3, sample=True) -> Records:
    units = {"bureau": Unit("bureau", "莱西市公安局", "bureau", QD)}
    files = []
    for i in range(n):
        uid = f"s{i}"
        units[uid] = Unit(uid, ["夏格庄派出所", "院上派出所", "日庄派出所", "南墅派出所"][i % 4],
                          "station", QD, parent="bureau")
        for y in (2019, 2020):
            files.append(MonthlyStats(uid, y, {m: {"crime": (m + i * 3 + y) % 9 + 2, "order": 10 + m,
                                                   "visits": 100 * (i + 1) + m, "rate": 95 + (m % 4) / 2}
                                               for m in range(1, 13) if (y, m) != (2019, 5)},
                                      sample=sample))
    return Records(site=SiteConfig("警务经验", "d"), metrics={m.id: m for m in METRICS},
                   categories={}, units=units, practices={}, brands={}, stats=files)


@pytest.fixture(scope="module")
def specs() -> dict[str, charts.ChartSpec]:
    return {s.name: s for s in charts.plan_charts(stats.build(make_records()))}


def svg_of(spec, **kw) -> str:
    buf = io.BytesIO()
    charts.render(spec, buf, **kw)
    return buf.getvalue().decode("utf-8")


def glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


# ------------------------------------------------------------------ font and glyphs

def test_bundled_font_is_used_not_a_host_font():
    from matplotlib import font_manager
    charts.setup_font()
    found = font_manager.findfont(font_manager.FontProperties(family=charts.FONT_FAMILY),
                                  fallback_to_default=False)
    assert Path(found) == charts.FONT_PATH
    assert charts.FONT_PATH.stat().st_size < 5_000_000
    assert (charts.FONT_PATH.parent / "OFL.txt").is_file()


@pytest.mark.parametrize("name", ["charts/units/bureau/zhi-an-xing-shi.svg",
                                  "charts/units/bureau/fu-wu-qun-zhong.svg",
                                  "charts/units/bureau/ranking.svg"])
def test_text_is_svg_text_with_the_font_stack(specs, name):
    svg = svg_of(specs[name])
    assert "<text" in svg and "JingyanSansSC-Regular-" not in svg   # no glyph outlines
    stack = ("text{font-family: 'Jingyan Sans SC', 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', "
             "'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif}")
    assert svg.count(stack) == 1 and svg.count("font-family") == 1  # one rule, not one per text
    assert "rotate(-0 " not in svg


RARE = "鄠邑区公安分局浉河派出所𠮷"


def test_any_character_is_drawn_none_stops_a_chart(specs):
    """Characters outside the bundled GB2312 subset (and outside the BMP) are
    written as text for the reader's fonts; nothing fails, nothing warns."""
    have = charts.font_charset()
    assert ord("鄠") not in have and ord("𠮷") not in have    # the point of the test
    spec = specs["charts/units/s0/zhi-an-xing-shi.svg"]
    data = {**spec.data, "title": f"{RARE} · 治安形势"}
    data["panels"] = [{**p, "lines": [{**ln, "label": f"𠀀{ln['label']}"} for ln in p["lines"]]}
                      for p in data["panels"]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = svg_of(dataclasses.replace(spec, data=data))
    assert glyph_warnings(caught) == []
    assert f">{RARE} · 治安形势</text>" in svg and ">𠀀刑事警情</text>" in svg


def test_text_is_escaped_for_svg(specs):
    import xml.etree.ElementTree as ET
    spec = specs["charts/units/s0/zhi-an-xing-shi.svg"]
    title = "A&B <所> \"引\" '单' $x$ \x01\x7f"
    svg = svg_of(dataclasses.replace(spec, data={**spec.data, "title": title}))
    texts = [t.text for t in ET.fromstring(svg.encode()).iter("{http://www.w3.org/2000/svg}text")]
    assert "A&B <所> \"引\" '单' $x$ \ufffd\ufffd" in texts   # well-formed XML, text intact


def test_svg_carries_the_title_axis_and_legend_text(specs):
    spec = specs["charts/units/s0/zhi-an-xing-shi.svg"]
    plain = svg_of(spec)
    for text in ("夏格庄派出所 · 治安形势", "2020 年与 2019 年逐月对比", "样例数据", "1月", "12月",
                 "单位：起", "刑事警情", "治安警情", "2020 年", "2019 年"):
        assert f">{text}</text>" in plain


def test_ranking_text(specs):
    svg = svg_of(specs["charts/units/bureau/ranking.svg"])
    for text in ("夏格庄派出所", "院上派出所", "日庄派出所", "刑事警情", "治安警情"):
        assert f">{text}</text>" in svg
    assert re.search(r">[+−]\d+\.\d%", svg)            # value labels


def test_png_from_the_same_code_is_not_empty(specs, tmp_path):
    out = charts.draw_chart(specs["charts/units/s0/zhi-an-xing-shi.svg"], tmp_path / "a.png", fmt="png")
    img = matplotlib.image.imread(out)
    assert img.shape[0] > 200 and img.shape[1] > 500
    assert (img[..., 3] > 0).mean() > 0.02                # something drawn on a transparent ground


def test_no_sample_label_for_real_data():
    spec = next(s for s in charts.plan_charts(stats.build(make_records(sample=False)))
                if s.kind == "trend")
    assert "样例数据" not in svg_of(spec)


# ------------------------------------------------------------------ determinism and cache

def test_a_chart_does_not_depend_on_the_charts_drawn_before_it(specs):
    """Each chart is its own document (styles, classes and clip ids start
    afresh): drawing order never changes a chart's bytes."""
    real = [s for s in charts.plan_charts(stats.build(make_records(sample=False)))]
    every = list(specs.values()) + real + [effect_spec(i, *args) for i, args in enumerate(EFFECTS)]
    first = [svg_of(s) for s in every]
    assert [svg_of(s) for s in reversed(every)] == first[::-1]


def effect_spec(i: int, panels: int, months: int, scale: float, sample: bool) -> charts.ChartSpec:
    """A 成效对照 chart of made-up indices: `scale` sets how far they swing."""
    def series(shift):
        return [None if (m + shift) % 7 == 0 else round(100 + scale * (((m * 37 + shift * 11) % 19) - 9), 1)
                for m in range(months)]
    return charts.ChartSpec(f"charts/effects/p{i}/u{i}.svg", "effect", {
        "title": f"第{i}派出所 · 实施前后与对照组", "axis_label": "指数（实施前月均 = 100）",
        "months": [f"{2022 + (m + 6) // 12}-{(m + 6) % 12 + 1:02d}" for m in range(months)],
        "start": months // 2, "own_label": f"第{i}派出所" + "警务室" * (i % 3),
        "group_label": "对照组平均", "band_label": "对照单位范围", "sample": sample,
        "panels": [{"label": f"指标{k}（同一上级 {k + 2} 个对照单位）", "own": series(k), "group": series(k + 3),
                    "low": [None if v is None else v - scale for v in series(k + 3)],
                    "high": [None if v is None else v + scale for v in series(k + 3)]}
                   for k in range(panels)]})


EFFECTS = [(3, 24, 3.0, True), (3, 18, 40.0, False), (2, 21, 0.5, True), (3, 24, 12.0, False), (2, 24, 25.0, False)]


def svg_tree(svg: str):
    import xml.etree.ElementTree as ET
    return ET.fromstring(svg.encode())


SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("which", ["trend", "ranking", "effect"])
def test_svg_is_well_formed_and_every_class_and_clip_is_defined(specs, which):
    spec = (effect_spec(0, *EFFECTS[0]) if which == "effect"
            else next(s for s in specs.values() if s.kind == which))
    svg = svg_of(spec)
    root = svg_tree(svg)
    style = root.find(f"{SVG_NS}defs/{SVG_NS}style").text
    defined = set(re.findall(r"\.([a-z]\d*)\{", style))
    used = {el.get("class") for el in root.iter() if el.get("class")}
    assert used and used <= defined
    clips = {el.get("id") for el in root.iter(f"{SVG_NS}clipPath")}
    refs = {re.match(r"url\(#(\w+)\)", el.get("clip-path")).group(1) for el in root.iter() if el.get("clip-path")}
    assert refs and refs == clips
    assert "e+" not in svg and "e-0" not in svg and "nan" not in svg.lower().replace("nanning", "")


def test_text_baselines_are_where_matplotlib_put_them():
    """The chart text is placed from ASCENT and DESCENT; they must equal
    Matplotlib's layout of the bundled font for every alignment used."""
    from matplotlib.figure import Figure
    charts.setup_font()
    texts = ["1月", "0", "排查矛盾纠纷", "2024 年", "−12.5%", "样例数据"]
    with matplotlib.rc_context(charts.STYLE):
        for size in (9, 9.5, 13):
            for va in ("top", "center", "bottom", "baseline", "center_baseline"):
                fig = Figure(figsize=(4, 1))
                for t in texts:
                    fig.text(0.1, 0.5, t, va=va, fontsize=size)     # anchor 36 pt from the top
                buf = io.BytesIO()
                fig.savefig(buf, format="svg")
                ys = [float(y) for y in re.findall(r'<text [^>]*y="([\d.]+)"', buf.getvalue().decode())]
                assert len(ys) == len(texts)
                for t, y in zip(texts, ys):
                    assert 36 + charts._BASELINE[va] * size == pytest.approx(y, abs=0.01), (t, va, size)


@pytest.mark.parametrize("values", [[3, 7, 12, 9], [95.5, 96.0, 97.5], [100.0, 100.0], [0.2, 0.4], [-5, 40],
                                    [1234, 5678, 910], [None, 88.8, None, 91.2]])
def test_limits_and_ticks_are_matplotlibs(values):
    """Autoscaled ranges and their ticks equal what a Matplotlib axes chose."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import AutoLocator, MaxNLocator
    with matplotlib.rc_context(charts.STYLE):      # 9 pt tick labels: 6 bins in a trend panel
        fig = Figure(figsize=(charts.WIDTH, 3))
        ax = fig.add_axes([0.2, 0.2, 0.7, charts.AX_HEIGHT / 3])
        ax.plot(range(len(values)), [float("nan") if v is None else v for v in values])
        for locator, kw in ((AutoLocator(), dict(nbins=6, steps=(1, 2, 2.5, 5, 10))),
                            (MaxNLocator(nbins=4), dict(nbins=4))):
            ax.yaxis.set_major_locator(locator)
            ax.autoscale_view()
            lo, hi = charts._auto_limits(values)
            assert (lo, hi) == pytest.approx(ax.get_ylim(), rel=1e-12)
            shown = [t for t in ax.get_yticks() if lo - 1e-9 <= t <= hi + 1e-9]
            assert charts._ticks(lo, hi, **kw) == pytest.approx(shown)


def test_markers_are_dots_and_rings():
    spec = effect_spec(1, *EFFECTS[1])
    svg = svg_of(spec)
    assert svg.count("h.01") == sum(v is not None for p in spec.data["panels"] for v in p["own"])


def test_same_data_same_bytes(specs):
    spec = specs["charts/units/bureau/fu-wu-qun-zhong.svg"]
    first = svg_of(spec)
    assert first == svg_of(spec)
    assert "<dc:date>" not in first and "Matplotlib v" not in first


def test_the_planned_digest_is_the_data_s_and_keys_the_chart_as_the_data_would(specs):
    for spec in specs.values():
        assert spec.digest == cache.data_digest(spec.kind, spec.data)
        assert charts.chart_key(spec) == charts.chart_key(charts.ChartSpec(spec.name, spec.kind, spec.data))
    a, b = specs["charts/units/s0/zhi-an-xing-shi.svg"], specs["charts/units/s1/zhi-an-xing-shi.svg"]
    assert charts.chart_key(a) != charts.chart_key(b)


def test_cache_hit_and_miss(specs, tmp_path):
    two = [specs["charts/units/s0/zhi-an-xing-shi.svg"], specs["charts/units/s1/zhi-an-xing-shi.svg"]]
    first = charts.draw_charts(two, tmp_path)
    assert (first.drawn, first.cached) == (2, 0)
    again = charts.draw_charts(two, tmp_path)
    assert (again.drawn, again.cached) == (0, 2) and again.files == first.files
    changed = charts.ChartSpec(two[1].name, two[1].kind, {**two[1].data, "title": "院上派出所 · 改"})
    third = charts.draw_charts([two[0], changed], tmp_path)
    assert (third.drawn, third.cached) == (1, 1)
    assert third.files[two[0].name] == first.files[two[0].name]
    assert third.files[two[1].name] != first.files[two[1].name]
    assert not list(tmp_path.glob("*.tmp"))
    assert all(p.read_bytes().startswith(b"<?xml") for p in third.files.values())


def test_one_changed_value_redraws_only_that_unit_and_its_ancestors():
    before = charts.plan_charts(stats.build(make_records()))
    r = make_records()
    f = next(s for s in r.stats if s.unit == "s1" and s.year == 2020)
    f.months[3]["crime"] += 5
    after = charts.plan_charts(stats.build(r))
    keys = {s.name: charts.chart_key(s) for s in before}
    changed = {s.name for s in after if keys[s.name] != charts.chart_key(s)}
    assert changed == {"charts/units/s1/zhi-an-xing-shi.svg", "charts/units/bureau/zhi-an-xing-shi.svg",
                       "charts/units/bureau/ranking.svg", "charts/overview/zhi-an-xing-shi.svg",
                       "charts/overview/ranking-stations.svg"}


def test_pool_draws_the_same_bytes_as_in_process(specs, tmp_path):
    some = [specs[n] for n in ("charts/units/s0/zhi-an-xing-shi.svg", "charts/units/s1/fu-wu-qun-zhong.svg",
                               "charts/units/bureau/ranking.svg")]
    pooled = charts.draw_charts(some, tmp_path / "pool", jobs=2, in_process_max=0)   # worker processes
    assert pooled.drawn == 3
    for spec in some:
        assert pooled.files[spec.name].read_text(encoding="utf-8") == svg_of(spec)


def test_plan_matches_the_sections():
    model = stats.build(make_records())
    names = {s.name for s in charts.plan_charts(model)}
    sec = statpages.unit_section(model, "bureau")
    assert {c["chart"] for c in sec["charts"]} | {sec["ranking"]["chart"]} <= names
    assert all(n.startswith("charts/") and n.endswith(".svg") and n.isascii() for n in names)
    assert set(charts.csv_files(model)) == {n[:-4] + ".csv" for n in names}


def test_every_chart_draws_for_a_unit_name_as_long_as_the_validator_allows():
    """A 100-character name (validate's limit) once left a ranking chart no room
    for its bars and failed the build; now it ends in "…" (the CSV has it whole)."""
    from dataclasses import replace
    records = make_records(4)
    long = ("河西县公安局十里桥镇" * 10)[:99] + "所"
    assert len(long) == 100
    records.units["s1"] = replace(records.units["s1"], name=long)
    specs = charts.plan_charts(stats.build(records))
    ranking = [s for s in specs if "ranking" in s.name]
    assert ranking
    for spec in specs:
        svg = svg_of(spec)
        assert long not in svg
    assert "…" in svg_of(ranking[0])


def test_the_key_follows_the_code_the_style_and_the_value_format(specs, monkeypatch):
    """Whatever changes a chart's bytes changes its cache key: this module's
    source, the style (font sizes are read from it), the font, the format of
    the ranking's value labels."""
    spec = specs["charts/units/bureau/ranking.svg"]
    charts._environment_hash.cache_clear()
    before = charts.chart_key(spec)
    assert svg_of(spec, rc={"axes.titlesize": 11}) != svg_of(spec)      # the style reaches the SVG
    changes = [
        lambda m: m.setitem(charts.STYLE, "axes.titlesize", 11),
        lambda m: m.setattr(statpages, "fmt_percent", lambda v: f"{v:+.2f}%"),
        lambda m: m.setattr(charts, "_file_hash", lambda p, h=charts._file_hash: h(p) + "x"),   # code or font
    ]
    for change in changes:
        with monkeypatch.context() as m:
            change(m)
            charts._environment_hash.cache_clear()
            assert charts.chart_key(spec) != before
    charts._environment_hash.cache_clear()
    assert charts.chart_key(spec) == before


@pytest.mark.parametrize("spec", [
    charts.ChartSpec("a.svg", "ranking", {"title": "空", "units": [], "panels": [{"label": "x", "values": [],
                                                                              "verdicts": []}]}),
    charts.ChartSpec("b.svg", "ranking", {"title": "无值", "units": ["甲", "乙"],
                                          "panels": [{"label": "x", "values": [None, None], "verdicts": [None, None]}]}),
    charts.ChartSpec("c.svg", "trend", {"title": "无数据", "year": 2025, "panels": [
        {"unit": "%", "mean": True, "lines": [{"label": "率", "colour": 0, "current": [None] * 12}]}]}),
    charts.ChartSpec("d.svg", "trend", {"title": "全为零", "year": 2025, "previous_year": 2024, "panels": [
        {"unit": "起", "lines": [{"label": "l", "colour": 9, "current": [0] * 12, "previous": [0] * 12}]}]}),
    charts.ChartSpec("e.svg", "effect", {"title": "无数据", "axis_label": "指数", "months": ["m"] * 6, "start": 3,
                                         "own_label": "o", "group_label": "g", "band_label": "b",
                                         "panels": [{"label": "p", "own": [None] * 6, "group": [None] * 6,
                                                     "low": [None] * 6, "high": [None] * 6}]}),
], ids=lambda s: s.name)
def test_charts_without_data_still_draw(spec):
    root = svg_tree(svg_of(spec))
    assert spec.data["title"] in [t.text for t in root.iter(f"{SVG_NS}text")]
