"""generator/effectstats.py gives the same 成效对照 as the unit-by-unit reference in
stats.py, bit for bit, on varied random trees: nested bureaus, posts that roll up
into stations, missing months, ties, zero and tiny before means, mean metrics,
widened groups, practices starting inside each other's windows."""
from __future__ import annotations

import random

import numpy as np
import pytest

from generator import effectstats, stats
from generator.model import Metric, MonthlyStats, Unit
from test_effects import practice
from test_stats import JN, QD, records

METRICS = [Metric("crime", "刑事警情", "起", "治安形势", lower_is_better=True),
           Metric("calls", "求助", "起", "治安形势"),
           Metric("rate", "满意率", "%", "服务群众", aggregate="mean")]


def random_tree(seed: int):
    rnd = random.Random(seed)
    units = []
    for c in range(rnd.randint(1, 3)):
        city = f"c{c}"
        region = QD if c % 2 == 0 else JN
        units.append(Unit(city, f"{city}市局", "bureau", region))
        for k in range(rnd.randint(1, 3)):
            county = f"{city}k{k}"
            units.append(Unit(county, f"{county}分局", "bureau", region, parent=city))
            for s in range(rnd.randint(0, 5)):
                station = f"{county}s{s}"
                units.append(Unit(station, f"{station}派出所", "station", region, parent=county))
                for q in range(rnd.choice([0, 0, 1, 2])):
                    units.append(Unit(f"{station}q{q}", f"{station}{q}警务室", "post", region, parent=station))
    units.append(Unit("lone", "独立派出所", "station", QD))          # no parent at all
    files = []
    for u in units:
        if u.kind == "bureau" and rnd.random() < 0.8:
            continue                              # most bureaus roll up their stations
        style = rnd.choice(["ints", "tiny", "zero", "rate", "flat"])
        first = rnd.choice([2018, 2019, 2019, 2020])
        last = rnd.choice([2020, 2021, 2021])
        gap = rnd.choice([0.0, 0.1, 0.4])
        for y in range(first, last + 1):
            months = {}
            for m in range(1, 13):
                if rnd.random() < gap:
                    continue
                row = {}
                for mt in METRICS:
                    if rnd.random() < 0.1:
                        continue
                    if mt.id == "rate":
                        row[mt.id] = round(rnd.uniform(80, 100), 1)
                    elif style == "tiny":
                        row[mt.id] = rnd.choice([0, 0, 0, 1])
                    elif style == "zero":
                        row[mt.id] = 0 if y < 2020 else rnd.randint(0, 2)
                    elif style == "flat":
                        row[mt.id] = 5
                    else:
                        row[mt.id] = rnd.randint(0, 9)
                if row:
                    months[m] = row
            files.append(MonthlyStats(u.id, y, months, sample=rnd.random() < 0.1))
    rec = records(units, files, metrics=METRICS)
    ids = [u.id for u in units]
    practices = []
    for i in range(rnd.randint(8, 20)):
        start = f"{rnd.choice([2019, 2020, 2021])}-{rnd.randint(1, 12):02d}"
        chosen = rnd.sample(ids, rnd.choice([1, 1, 2, 3]))
        practices.append(practice(f"p{i}", chosen, start=start, end=start))
    rec.practices = {p.id: p for p in practices}
    return rec


@pytest.mark.parametrize("seed", range(12))
def test_fast_path_equals_the_reference(seed):
    rec = random_tree(seed)
    fast, ref = stats.build(rec), stats.build(rec)      # separate memos
    mids = [m.id for m in METRICS]
    for pid in rec.practices:
        got = stats.practice_effects(fast, pid, mids)
        want = stats.practice_effects_direct(ref, pid, mids)
        assert repr(got) == repr(want)                  # repr: every bit of every float, −0.0 included
        for e in got:
            if e.status != "ok":
                continue
            assert repr(effectstats.effect_band(fast, e, e.windows)) == \
                repr(stats.group_band(ref, e.group, e.metric, e.windows))
            assert repr(effectstats.group_band(fast, e.unit, e.group, e.metric, e.windows)) == \
                repr(stats.group_band(ref, e.group, e.metric, e.windows))
            assert effectstats.window_index(fast, e.unit, e.metric, e.windows) == \
                stats.window_index(ref, e.unit, e.metric, e.windows)


def test_the_trees_cover_every_case():
    seen = set()
    for seed in range(12):
        rec = random_tree(seed)
        model = stats.build(rec)
        for pid in rec.practices:
            for e in stats.practice_effects(model, pid, [m.id for m in METRICS]):
                seen.add(e.status if e.status != "ok" else e.level)
                seen.update(["excluded"] * bool(e.excluded) + ["zero_base"] * (e.own.before == 0)
                            + ["tiny"] * e.tiny_base)
                if e.status == "ok" and e.own.absolute in [
                        stats.window_change(stats.series(model, x, e.metric).values, e.windows).absolute
                        for x in e.group]:
                    seen.add("tie")             # U's change equals a comparison unit's
    assert {"insufficient", "no_group", "parent", "grandparent", "site", "excluded", "zero_base", "tiny",
            "tie"} <= seen


@pytest.mark.parametrize("lower", [True, False])
def test_placebo_rank_counts_ties_after_rounding(lower):
    rnd = random.Random(3)
    cases = [(1.0, [1.0, 1.0, 0.5, 2.0]),                  # exact ties
             (1.0, [1.0 + 1e-12, 1.0 - 1e-12, 3.0]),       # ties only after rounding to 9 places
             (0.1 + 0.2, [0.3, 0.30000000000000004, 0.1]),
             (-2.5, [-2.5, -2.4999999999, -2.5000000001]),
             (1e9, [1e9 + 1e-7, 1e9 - 1e-7, 0.0])]
    cases += [(rnd.choice([0.0, 1.0, 1 / 3]), [rnd.choice([0.0, 1.0, 1 / 3, 1 / 3 + 1e-13, 2 / 6]) +
                                              rnd.choice([0.0, 1e-10, -1e-10]) for _ in range(rnd.randint(1, 9))])
              for _ in range(300)]
    for own, others in cases:
        want = stats.permutation_rank(stats.placebo_estimates({"U": own, **{f"o{i}": c for i, c in enumerate(others)}}),
                                      "U", lower)
        assert effectstats.placebo_rank(own, np.array(others), lower) == want, (own, others)
