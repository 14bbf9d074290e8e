"""成效对照 on the site: the practice section (golden), the unit list, the ranking
page, charts, CSV, wording, `jingyan validate`'s warning, and a brute-force
recomputation of one live practice's estimate and rank from the raw YAML."""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator import charts, statpages, stats
from generator.cli import main
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "effects"
GOLDEN = REPO / "tests" / "golden" / "effects__liuzhuang-sanfang.md"
# what a comparison never claims (it is not proof)
CAUSAL = re.compile(r"导致|造成|证明了|证实|归功|因果关系成立|使得.*下降|带来了")


def render(tmp_path: Path, records: Path = FIXTURE) -> Path:
    out = tmp_path / "md"
    assert main(["render", "--root", str(REPO), "--records", str(records), "--out", str(out)]) == 0
    return out


def section(text: str) -> str:
    """The 成效对照 section of a practice page: its heading up to the next level-2 heading."""
    m = re.search(r"^## 成效对照.*?(?=^## )", text, re.S | re.M)
    assert m, "no 成效对照 section"
    return m.group(0)


def test_golden_effects_section(tmp_path):
    """Regenerate with UPDATE_GOLDEN=1 after an intended change, and read the diff."""
    text = section((render(tmp_path) / "practices" / "liuzhuang-sanfang.md").read_text(encoding="utf-8"))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def fixture_model():
    records, problems = load_records(REPO, FIXTURE)
    assert not problems
    return records, stats.build(records)


def test_fixture_estimates_by_hand():
    records, model = fixture_model()
    e = stats.effect(model, "liuzhuang-sanfang", "liuzhuang-pcs", "criminal_cases")
    # shiqiao's own practice starts 2020-10, inside the windows (2020-04 … 2021-10): left out
    assert e.level == "parent" and e.group == ("dongpo-pcs", "nanwan-pcs", "xigang-pcs") and e.excluded == 1
    assert e.windows.after_keys()[-1] == (2021, 10)        # figures end in October
    own = stats.window_change(stats.series(model, "liuzhuang-pcs", "criminal_cases").values, e.windows)
    others = [stats.window_change(stats.series(model, u, "criminal_cases").values, e.windows).absolute
              for u in e.group]
    assert e.estimate == pytest.approx(own.absolute - sum(others) / 3)
    assert (e.rank, e.n) == (1, 4)


def test_practice_section_context_and_charts():
    records, model = fixture_model()
    site = statpages.site_stats(model)
    sec = site.effects["liuzhuang-sanfang"]
    assert sec["is_sample"] and sec["table"]["header"][0] == "指标"
    # the category's metrics, in its order (site_config/categories.yml `metrics`)
    assert [r[0] for r in sec["table"]["rows"]] == ["化解矛盾纠纷（起/月）", "刑事警情（起/月）"]
    # notes every row shares are said once under the table; no empty 说明 column
    assert sec["common_notes"].endswith("样例数据。") and "说明" not in sec["table"]["header"]
    assert "可比单位少于 10 个，排名只是很弱的证据" in sec["common_notes"]
    chart = sec["charts"][0]
    assert chart["chart"] == "charts/effects/liuzhuang-sanfang/liuzhuang-pcs.svg"
    assert "相对对照组的差异为 ↓3.1 起（↓31.6%）" in chart["alt"] and "在 4 个单位中排第 1" in chart["alt"]
    spec = next(charts.ChartSpec(*f) for f in site.figures if f[0] == chart["chart"])
    assert spec.kind == "effect" and spec.data["sample"] is True
    assert spec.data["months"][0] == "2020-04" and spec.data["months"][spec.data["start"]] == "2021-04"
    panel = spec.data["panels"][1]
    before = [v for v in panel["own"][:12] if v is not None]
    assert sum(before) / len(before) == pytest.approx(100, abs=0.01)   # indexed: before mean = 100
    assert all(lo <= g <= hi for lo, g, hi in zip(panel["low"], panel["group"], panel["high"]) if g is not None)
    rows = list(csv.reader(io.StringIO(site.csvs[chart["csv"]][1:])))
    # a row a month, each charted metric's six columns side by side (#16)
    assert rows[0][:5] == ["单位", "年月", "距实施（月）", "化解矛盾纠纷：本单位数值（起）", "化解矛盾纠纷：本单位指数"]
    assert rows[0][9:11] == ["刑事警情：本单位数值（起）", "刑事警情：本单位指数"]
    assert len(rows[0]) == 3 + 6 * len(spec.data["panels"]) and {len(r) for r in rows} == {len(rows[0])}
    assert ["柳庄派出所", "2021-04", "0"] == rows[1 + 12][:3]
    assert [float(r[10]) for r in rows[1:13] if r[10]] == pytest.approx(
        [v for v in panel["own"][:12] if v is not None], abs=0.05)   # the chart's own index, to 0.1
    # a unit named like a formula stays text in the chart's CSV (its numbers stay numbers)
    records.units["liuzhuang-pcs"].name = "=HYPERLINK(\"http://example.invalid\",\"柳庄\")"
    evil = statpages.site_stats(stats.build(records)).csvs[chart["csv"]]
    rows = list(csv.reader(io.StringIO(evil[1:])))
    assert {r[0] for r in rows[1:]} == {"'" + records.units["liuzhuang-pcs"].name}
    assert rows[1 + 12][2] == "0" and all(not c.startswith(("=", "+", "@")) for r in rows for c in r)
    # the article's claim beside the comparison
    claims = {r[0]: r for r in sec["claims"]["rows"]}
    assert claims["刑事警情"][1:] == ["同比下降 28.4%（2021年4-10月）", "刑事警情：↓3.1 起（↓31.6%）", "方向一致"]
    assert "回访群众" not in claims and sec["claims_other"].startswith("文章另有 1 项数字")
    # the shiqiao practice: its category maps to no metric it reports → every metric is not
    # used; mass-prevention has no mapping in this fixture, so all metrics are compared
    assert "shiqiao-yexun" in site.effects


def test_svg_draws(tmp_path):
    records, model = fixture_model()
    fig = next(f for f in statpages.site_stats(model).figures if f[1] == "effect")
    path = charts.draw_chart(charts.ChartSpec(*fig), tmp_path / "e.svg")
    assert path.read_text(encoding="utf-8").startswith("<?xml")


def test_pages_link_and_words(tmp_path):
    out = render(tmp_path)
    unit = (out / "units" / "liuzhuang-pcs.md").read_text(encoding="utf-8")
    assert "## 做法成效对照" in unit
    assert re.search(r"\[柳庄派出所“三访三清”调解法\]\(\.\./practices/liuzhuang-sanfang\.md\)：化解矛盾纠纷相对对照组的差异 "
                     r'<span class="jy-change jy-good">↑4\.0 起（↑19\.0%）</span>，排名 1/4', unit)
    page = (out / "stats" / "effects.md").read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: 成效对照\n")
    # the ranking's rows are pre-rendered HTML (generator/tables.py), linked relative to the page's source
    assert ('<td>1</td><td><a href="../practices/liuzhuang-sanfang.md">柳庄派出所“三访三清”调解法</a></td>'
            '<td>柳庄派出所</td><td><span class="jy-change jy-good">') in page
    assert '!!! note "样例数据"' in page and "不是证明" in page
    assert "(effects.md)" in (out / "stats" / "index.md").read_text(encoding="utf-8")
    for text in (section((out / "practices" / "liuzhuang-sanfang.md").read_text(encoding="utf-8")), page, unit):
        assert not CAUSAL.search(text)


def test_ranking_page_orders_by_the_good_direction():
    records, model = fixture_model()
    page = statpages.site_stats(model).effects_page
    crime = next(b for b in page["blocks"] if b["metric"].startswith("刑事警情"))
    assert crime["direction"] == "数值越低越好"
    def signed(text):  # "↓20.7%" → -20.7
        return {"↑": 1, "↓": -1, "→": 0}[text[0]] * float(text[1:].rstrip("%"))
    ests = [signed(r["estimate"].split("（")[1].rstrip("）")) for r in crime["rows"]]
    assert ests == sorted(ests)


def copy_fixture(tmp_path: Path, drop=()) -> Path:
    dst = tmp_path / "fx"
    shutil.copytree(FIXTURE, dst)
    for uid in drop:
        shutil.rmtree(dst / "records" / "stats" / uid)
    return dst


def test_validate_warns_without_a_comparison_group(tmp_path, capsys):
    fx = copy_fixture(tmp_path, drop=["dongpo-pcs", "xigang-pcs", "nanwan-pcs", "baisha-pcs", "hongtu-pcs"])
    assert main(["validate", "--root", str(REPO), "--records", str(fx)]) == 0     # warns, never fails
    out = capsys.readouterr().out
    assert "records/practices/liuzhuang-sanfang.yml:1:1: 提示：经验做法“柳庄派出所“三访三清”调解法”（liuzhuang-sanfang）" in out
    assert "找不到可比单位" in out and "另有 2 条提示" in out
    assert main(["validate", "--root", str(REPO), "--records", str(fx), "--format", "github"]) == 0
    assert "::warning file=records/practices/liuzhuang-sanfang.yml,line=1" in capsys.readouterr().out
    assert main(["validate", "--root", str(REPO), "--records", str(FIXTURE)]) == 0
    assert "提示" not in capsys.readouterr().out
    records, problems = load_records(REPO, fx)
    sec = statpages.site_stats(stats.build(records)).effects["liuzhuang-sanfang"]
    assert "无可比单位" in sec["common_notes"] and sec["charts"] == []
    assert sec["table"]["rows"][0][2:5] == ["—", "—", "—"]       # no group change, estimate or rank


# ------------------------------------------------------------------ brute force on the live records

def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def brute_force(pid: str, metric: str):
    """The method of issue #17 written out again, straight from the YAML files
    (station-level units only: each has its own figures)."""
    units = {d["id"]: d for d in map(_yaml, (REPO / "records" / "units").glob("*.yml"))}
    practices = [d for d in map(_yaml, (REPO / "records" / "practices").glob("*.yml"))
                 if d.get("status", "published") == "published"]
    meta = {m["id"]: m for m in _yaml(REPO / "site_config" / "metrics.yml")["metrics"]}
    figures: dict[str, dict[int, float]] = {}
    for f in (REPO / "records" / "stats").glob("*/*.yml"):
        d = _yaml(f)
        for month, row in (d.get("months") or {}).items():
            if row and row.get(metric) is not None:
                figures.setdefault(d["unit"], {})[d["year"] * 12 + int(month) - 1] = float(row[metric])
    p = next(x for x in practices if x["id"] == pid)
    u = p["units"][0]
    y, m = map(int, p["period"]["start"].split("-"))
    s = y * 12 + m - 1
    last = min(s + 11, max(figures[u]))
    before, after = range(s - 12, s), range(s, last + 1)

    def change(unit):
        f = figures.get(unit, {})
        b, a = [f[i] for i in before if i in f], [f[i] for i in after if i in f]
        return None if len(b) < 6 or len(a) < 6 else sum(a) / len(a) - sum(b) / len(b)

    treated = set(p["units"])
    for q in practices:
        qy, qm = map(int, q["period"]["start"].split("-"))
        if q["id"] != pid and s - 12 <= qy * 12 + qm - 1 <= last:
            treated |= set(q["units"])
    kind, parent = units[u]["kind"], units[u].get("parent")
    grand = units[parent].get("parent") if parent in units else None

    def under(x, top):
        while x in units:
            x = units[x].get("parent")
            if x == top:
                return True
        return False
    levels = [[x for x in units if units[x].get("parent") == parent],
              [x for x in units if grand and under(x, grand)] if grand in units else None,
              list(units)]
    for pool in levels:
        if pool is None:
            continue
        group = [x for x in pool if x != u and units[x]["kind"] == kind and x not in treated
                 and change(x) is not None]
        if len(group) >= 2:
            break
    else:
        return None
    changes = {x: change(x) for x in [u, *group]}
    estimate = changes[u] - sum(changes[x] for x in group) / len(group)
    placebo = {x: c - (sum(changes.values()) - c) / (len(changes) - 1) for x, c in changes.items()}
    sign = 1 if meta[metric].get("lower_is_better") else -1
    k = sum(1 for v in placebo.values() if sign * v <= sign * placebo[u] + 1e-9)
    return sorted(group), estimate, k, len(changes)


@pytest.mark.parametrize("metric", ["preventable_cases", "criminal_cases", "disputes_resolved"])
def test_brute_force_recompute_of_a_live_practice(metric):
    records, problems = load_records(REPO)
    assert not problems
    e = stats.effect(stats.build(records), "xiagezhuang-sitou", "xiagezhuang-pcs", metric)
    expected = brute_force("xiagezhuang-sitou", metric)
    assert expected is not None and e.status == "ok"
    group, estimate, k, n = expected
    assert sorted(e.group) == group
    assert e.estimate == pytest.approx(estimate)
    assert (e.rank, e.n) == (k, n)
