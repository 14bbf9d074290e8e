"""generator/stats.py: every formula pinned on hand-made series."""
from __future__ import annotations

from pathlib import Path

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


# ------------------------------------------------------------------ groups

def test_group_slugs_are_ascii_and_unique():
    slugs = stats.group_slugs(["治安形势", "服务群众", "治安形势２", "！！", "ranking"])
    assert slugs["治安形势"] == "zhi-an-xing-shi" and slugs["服务群众"] == "fu-wu-qun-zhong"
    assert slugs["！！"] == "g4" and slugs["ranking"] == "g5"
    assert all(s.isascii() for s in slugs.values()) and len(set(slugs.values())) == 5


# ------------------------------------------------------------------ fast paths against their definitions

def _random_files(rnd, ids, metrics, years=(2019, 2020, 2021)):
    files = []
    for u in ids:
        for y in years:
            if rnd.random() < 0.2:
                continue                                  # a unit not reporting that year
            months = {}
            for mo in range(1, 13):
                row = {m: rnd.choice([0, 0.1, 0.7, 1.3, 2, 5, 13.37, 99.5])
                       for m in metrics if rnd.random() < 0.85}
                if row:
                    months[mo] = row
            files.append(year(u, y, months))
    return files


def test_a_rolled_up_series_adds_each_month_in_unit_order_as_sum_does():
    import random
    rnd = random.Random(7)
    ids = [f"s{i:02d}" for i in range(25)]
    model = stats.build(records([BUREAU, *(unit(u) for u in ids)], _random_files(rnd, ids, ["crime", "rate"])))
    for metric in ("crime", "rate"):
        s = stats.series(model, "bureau", metric)
        own = {u: model.own.get(u, {}).get(metric, {}) for u in ids}
        for y in (2019, 2020, 2021):
            us = sorted(u for u in ids if any(k[0] == y for k in own[u]))
            assert s.basis.get(y, frozenset()) == frozenset(us)
            for mo in range(1, 13):
                got = [own[u][(y, mo)] for u in us if (y, mo) in own[u]]
                if got and len(got) == len(us):
                    want = sum(got) / len(got) if metric == "rate" else sum(got)
                    assert s.get(y, mo).hex() == want.hex()       # the same float, bit for bit
                    assert (y, mo) not in s.partial
                else:
                    assert s.get(y, mo) is None and ((y, mo) in s.partial) == bool(got)


def test_common_through_counts_the_pairs_with_a_percent_as_ytd_yoy_does():
    import random
    rnd = random.Random(11)
    for trial in range(20):
        ids = [f"s{i:02d}" for i in range(rnd.randint(2, 12))]
        model = stats.build(records([BUREAU, *(unit(u) for u in ids)],
                                    _random_files(rnd, ids, ["crime", "order", "rate"])))
        for metrics in (["crime"], ["crime", "rate"], ["order", "crime", "rate"]):
            for y in (2020, 2021):
                counts = {mo: sum(stats.ytd_yoy(stats.series(model, u, k), y, mo).percent is not None
                                  for u in ids for k in metrics) for mo in range(1, 13)}
                best = max(counts.values())
                want = max(mo for mo in counts if counts[mo] == best) if best else None
                assert stats.common_through(model, ids, metrics, y) == want
