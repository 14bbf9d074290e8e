"""成效对照 maths (generator/stats.py): windows, changes, difference in differences,
the placebo rank, pre-trends and the comparison group, on hand-computed fixtures."""
from __future__ import annotations

import pytest

from generator import stats
from generator.model import Measure, Period, Practice, Source, Unit
from test_stats import BUREAU, QD, JN, full, records, unit


def practice(pid, units, start="2020-01", end="2020-06"):
    return Practice(pid, f"{pid}做法", list(units), Period(start, end), ["c"], "摘要",
                    [Measure("做法", "说明")], [Source("标题", "发布者")])


def with_practices(rec, *practices):
    rec.practices = {p.id: p for p in practices}
    return rec


def two_years(uid, before, after, metric="crime"):
    """2019 = the before window, 2020 = the after window of a 2020-01 start."""
    before = before if isinstance(before, list) else [before] * 12
    after = after if isinstance(after, list) else [after] * 12
    return [full(2019, uid, metric, before), full(2020, uid, metric, after)]


def basic(extra_files=(), changes=None):
    """a (treated) 10 → 6; b 10 → 9; c 8 → 8; d 12 → 10: changes −4, −1, 0, −2."""
    changes = changes or {"a": (10, 6), "b": (10, 9), "c": (8, 8), "d": (12, 10)}
    files = [f for u, (b, a) in changes.items() for f in two_years(u, b, a)]
    rec = records([BUREAU, *(unit(u) for u in changes)], files + list(extra_files))
    return with_practices(rec, practice("p", ["a"]))


# ------------------------------------------------------------------ small functions

def test_month_numbers_and_windows():
    assert stats.month_key(stats.month_index((2019, 12)) + 1) == (2020, 1)
    assert stats.parse_month("2019-01") == (2019, 1)
    values = {(y, m): 1.0 for y in (2019, 2020) for m in range(1, 13)}
    w = stats.practice_windows((2020, 1), values)
    assert w.before_keys()[0] == (2019, 1) and w.before_keys()[-1] == (2019, 12)
    assert w.after_keys()[0] == (2020, 1) and w.after_keys()[-1] == (2020, 12)
    # cut at the last month with a figure
    cut = {k: v for k, v in values.items() if k <= (2020, 8)}
    assert stats.practice_windows((2020, 1), cut).after_keys()[-1] == (2020, 8)
    # a start in July: before = July of the year before … June
    w = stats.practice_windows((2020, 7), values)
    assert (w.before_keys()[0], w.before_keys()[-1], w.after_keys()[-1]) == ((2019, 7), (2020, 6), (2020, 12))
    assert stats.practice_windows((2021, 3), values).after_keys() == []


def test_slope_mean_and_sd():
    assert stats.ls_slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert stats.ls_slope([(0, 1), (2, 1), (3, 5)]) == pytest.approx(48 / 42)   # hand: Sxy 48/9, Sxx 42/9
    assert stats.ls_slope([(1, 1)]) is None and stats.ls_slope([(1, 1), (1, 2)]) is None
    assert stats.mean([]) is None and stats.mean([1, 2]) == 1.5
    assert stats.sample_sd([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx((32 / 7) ** 0.5)
    assert stats.sample_sd([3]) is None


def test_window_change_missing_months_and_bases():
    w = stats.practice_windows((2020, 1), {(2020, 12): 0})
    # before: 6 of 12 months present (enough), after: 5 (not enough)
    values = {(2019, m): float(m) for m in (1, 3, 5, 7, 9, 11)}
    values.update({(2020, m): 2.0 for m in (1, 2, 3, 4, 5)})
    c = stats.window_change(values, w)
    assert (c.n_before, c.n_after, c.before, c.after) == (6, 5, 6.0, 2.0)
    assert c.reason == "after_short" and not c.usable and c.absolute is None
    assert c.slope == pytest.approx(1.0)     # months 1, 3 … 11 carry values 1, 3 … 11
    values[(2020, 6)] = 2.0
    c = stats.window_change(values, w)
    assert c.usable and c.absolute == pytest.approx(-4.0) and c.percent == pytest.approx(-4 / 6 * 100)
    del values[(2019, 1)]
    assert stats.window_change(values, w).reason == "before_short"
    zero = stats.window_change({**{(2019, m): 0.0 for m in range(1, 13)},
                                **{(2020, m): 2.0 for m in range(1, 13)}}, w)
    assert zero.absolute == 2.0 and zero.percent is None


def test_did_and_placebo_by_hand():
    assert stats.did_estimate(-4, [-1, 0, -2]) == pytest.approx(-3.0)
    est = stats.placebo_estimates({"a": -4, "b": -1, "c": 0, "d": -2})
    # total −7; each minus the mean of the other three
    assert est == pytest.approx({"a": -3.0, "b": 1.0, "c": 7 / 3, "d": -1 / 3})
    assert stats.permutation_rank(est, "a", lower_is_better=True) == (1, 4)
    assert stats.permutation_rank(est, "c", lower_is_better=True) == (4, 4)
    assert stats.permutation_rank(est, "c", lower_is_better=False) == (1, 4)
    assert stats.placebo_estimates({"a": 1.0}) == {}


def test_rank_ties_count_against_the_unit():
    est = stats.placebo_estimates({"a": -2, "b": -2, "c": 0, "d": 0})
    assert est["a"] == pytest.approx(est["b"])
    assert stats.permutation_rank(est, "a", True) == (2, 4)
    assert stats.permutation_rank(est, "b", True) == (2, 4)
    assert stats.permutation_rank(est, "c", True) == (4, 4)
    # float noise does not break a tie
    assert stats.permutation_rank({"a": 0.1 + 0.2, "b": 0.3, "c": 1.0}, "a", True) == (2, 3)


def test_pretrend_rule():
    # group monthly means alternate 28/3 and 32/3 around 10: sample SD = sqrt(12·(2/3)²/11)
    monthly = [28 / 3, 32 / 3] * 6
    sd = (12 * (2 / 3) ** 2 / 11) ** 0.5
    slope_b = 12 / 143                       # b alternates 8, 12: Sxy 12, Sxx 143
    gap, allowed, differs = stats.pretrend_gap(1.0, [slope_b, 0.0, 0.0], monthly)
    assert gap == pytest.approx(1 - slope_b / 3) and allowed == pytest.approx(sd / 2) and differs
    gap, allowed, differs = stats.pretrend_gap(0.2, [slope_b, 0.0, 0.0], monthly)
    assert gap == pytest.approx(0.2 - slope_b / 3) and not differs     # 0.172 < 0.348
    assert stats.pretrend_gap(None, [0.0], monthly) == (None, None, False)


# ------------------------------------------------------------------ effect

def test_effect_by_hand():
    e = stats.effect(stats.build(basic()), "p", "a", "crime")
    assert e.status == "ok" and e.level == "parent" and e.group == ("b", "c", "d") and e.excluded == 0
    assert (e.own.before, e.own.after, e.own.absolute) == (10, 6, -4)
    assert e.own.percent == pytest.approx(-40.0)
    assert e.group_change == pytest.approx(-1.0)
    assert e.estimate == pytest.approx(-3.0) and e.estimate_percent == pytest.approx(-30.0)
    assert (e.rank, e.n, e.p_value, e.weak) == (1, 4, 0.25, True)
    assert e.slope_gap == 0 and not e.pretrend_differs


def test_effect_higher_is_better():
    files = [f for u, (b, a) in {"a": (100, 130), "b": (100, 110), "c": (90, 90)}.items()
             for f in two_years(u, b, a, "visits")]
    rec = with_practices(records([BUREAU, unit("a"), unit("b"), unit("c")], files), practice("p", ["a"]))
    e = stats.effect(stats.build(rec), "p", "a", "visits")
    assert e.estimate == pytest.approx(30 - 5) and (e.rank, e.n) == (1, 3)


def test_effect_pretrend_flagged():
    rising = [10 + x for x in range(12)]           # slope 1 a month before the start
    rec = basic(changes={"a": (rising, 6), "b": ([8, 12] * 6, 9), "c": (10, 8), "d": (10, 10)})
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.slope_gap == pytest.approx(1 - 12 / 143 / 3) and e.pretrend_differs


def test_effect_insufficient_and_zero_base():
    rec = basic(changes={"a": ([1, 1, 1, 1, 1] + [None] * 7, 0), "b": (10, 9), "c": (8, 8)})
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.status == "insufficient" and e.own.reason == "before_short" and e.own.n_before == 5
    rec = basic(changes={"a": (0, 2), "b": (10, 9), "c": (8, 8)})
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.estimate == pytest.approx(2 - (-0.5)) and e.estimate_percent is None and not e.tiny_base
    rec = basic(changes={"a": ([1, 0] * 6, 1), "b": (10, 9), "c": (8, 8)})
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.own.before == 0.5 and e.tiny_base and e.estimate_percent == pytest.approx((0.5 + 0.5) / 0.5 * 100)


def test_after_window_cut_at_the_last_month():
    rec = basic(changes={"a": (10, [6] * 8 + [None] * 4), "b": (10, 9), "c": (8, 8)})
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.windows.after_keys()[-1] == (2020, 8) and e.own.n_after == 8


def test_treated_units_are_left_out():
    rec = basic(changes={"a": (10, 6), "b": (10, 9), "c": (8, 8), "d": (12, 10), "e": (9, 9)})
    rec.practices.update({
        "both": practice("both", ["a", "b"]),                      # b shares a practice with a…
        "near": practice("near", ["c"], start="2019-06"),          # c starts within the windows
        "far": practice("far", ["d"], start="2022-01", end="2022-03")})  # d starts long after
    e = stats.effect(stats.build(rec), "both", "a", "crime")
    assert e.group == ("d", "e") and e.excluded == 2               # b (same practice) and c
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.group == ("d", "e") and e.excluded == 2               # b: "both" starts within p's windows


def widening_records(n_city=2, n_other=2):
    """city → county bureau X (stations a, b) and county bureau Y (stations y1…);
    another city's bureau Z (stations z1…)."""
    city = Unit("city", "青岛市公安局", "bureau", QD)
    x = Unit("x", "莱西市公安局", "bureau", QD, parent="city")
    y = Unit("y", "平度市公安局", "bureau", QD, parent="city")
    z = Unit("z", "章丘区公安分局", "bureau", JN)
    units = [city, x, y, z, unit("a", parent="x"), unit("b", parent="x")]
    units += [unit(f"y{i}", parent="y") for i in range(n_city)]
    units += [unit(f"z{i}", parent="z", region=JN) for i in range(n_other)]
    files = [f for u in units if u.kind == "station" for f in two_years(u.id, 10, 8)]
    return with_practices(records(units, files), practice("p", ["a"]))


def test_widening_rule():
    model = stats.build(widening_records())
    e = stats.effect(model, "p", "a", "crime")
    assert e.level == "grandparent" and e.group == ("b", "y0", "y1")   # only b under x
    e = stats.effect(stats.build(widening_records(n_city=0)), "p", "a", "crime")
    assert e.level == "site" and e.group == ("b", "z0", "z1")          # no grandparent with 2
    e = stats.effect(stats.build(widening_records(n_city=0, n_other=0)), "p", "a", "crime")
    assert e.status == "no_group" and e.group == () and e.estimate is None
    # a station with two usable siblings stays at its parent
    assert stats.effect(stats.build(basic()), "p", "a", "crime").level == "parent"


def test_no_grandparent_widens_to_the_site():
    # x has no parent: skip the grandparent level
    x = Unit("x", "莱西市公安局", "bureau", QD)
    z = Unit("z", "章丘区公安分局", "bureau", JN)
    units = [x, z, unit("a", parent="x"), unit("b", parent="x"), unit("z0", parent="z", region=JN)]
    files = [f for u in units if u.kind == "station" for f in two_years(u.id, 10, 8)]
    rec = with_practices(records(units, files), practice("p", ["a"]))
    assert stats.level_candidates(stats.build(rec), "a", "grandparent") is None
    e = stats.effect(stats.build(rec), "p", "a", "crime")
    assert e.level == "site" and e.group == ("b", "z0")


def test_a_unit_is_never_compared_with_itself_rolled_up():
    # bureau-level practice: the city bureau's figures contain x's, so it is left out
    rec = widening_records(n_city=2, n_other=2)
    rec.practices = {"p": practice("p", ["x"])}
    model = stats.build(rec)
    e = stats.effect(model, "p", "x", "crime")
    assert "city" not in e.group and e.group == ("y", "z")
    assert e.level == "site"


def test_practice_effects_lists_reported_metrics_only():
    model = stats.build(basic())
    effects = stats.practice_effects(model, "p")
    assert [(e.unit, e.metric) for e in effects] == [("a", "crime")]
    assert stats.practice_effects(model, "p", ["visits", "crime"])[0].metric == "crime"


def test_indexed_and_group_mean():
    vals = {(2019, 1): 5.0, (2019, 2): 15.0}
    assert stats.indexed(vals, 10.0, [(2019, 1), (2019, 2), (2019, 3)]) == [50.0, 150.0, None]
    assert stats.indexed(vals, 0.0, [(2019, 1)]) == [None]
    model = stats.build(basic())
    assert stats.group_mean_series(model, ["b", "c", "d"], "crime", [(2019, 1), (2020, 1)]) == \
        pytest.approx([10.0, 9.0])


def test_running_sums_agree_with_the_direct_formulas():
    import random
    rnd = random.Random(7)
    for trial in range(200):
        values = {(2019 + i // 12, i % 12 + 1): float(rnd.choice([rnd.randint(0, 40), round(rnd.uniform(80, 99), 1)]))
                  for i in range(36) if rnd.random() < 0.8}
        start = (2020, rnd.randint(1, 12))
        w = stats.practice_windows(start, values)
        direct = stats.window_change(values, w)
        fast = stats.window_change_fast(stats.RunningSums.of(values), w)
        assert (fast.n_before, fast.n_after, fast.reason) == (direct.n_before, direct.n_after, direct.reason)
        for a, b in ((fast.before, direct.before), (fast.after, direct.after), (fast.slope, direct.slope)):
            assert (a is None) == (b is None) and (a is None or a == pytest.approx(b, abs=1e-9))


def test_window_index_and_group_band():
    model = stats.build(basic())
    w = stats.effect(model, "p", "a", "crime").windows
    assert stats.window_index(model, "b", "crime", w) == pytest.approx((100.0,) * 12 + (90.0,) * 12)
    band = stats.group_band(model, ["b", "c", "d"], "crime", w)
    # after the start: b 90, c 100, d 10/12·100
    assert band[12] == pytest.approx(((90 + 100 + 1000 / 12) / 3, 1000 / 12, 100.0, 3))
    assert band[0] == pytest.approx((100.0, 100.0, 100.0, 3))
