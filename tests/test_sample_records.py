"""The sample data set under records/: loads cleanly, carries the articles'
figures, cites the seed articles, and its generated statistics are sample data
that reproduce exactly from scripts/generate_sample_stats.py."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.validate import load_records

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_sample_stats.py"
SEEDS = {
    "000_ddfce55f0f7104a9.txt",
    "001_00e3b9bac88cce84.txt",
    "002_b0aabcd88505de50.txt",
    "003_f2e0cf9d788e1a90.txt",
    "004_df4e6fce97121348.txt",
}
YEARS = (2018, 2019, 2020)


@pytest.fixture(scope="module")
def records():
    records, problems = load_records(Path(ROOT))
    assert problems == [], "\n".join(str(p) for p in problems)
    assert records is not None
    return records


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("generate_sample_stats", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def outcomes(records, practice_id):
    return records.practices[practice_id].outcomes


def find(records, practice_id, label):
    found = [o for o in outcomes(records, practice_id) if o.label == label]
    assert found, f"{practice_id} has no outcome labelled {label!r}"
    return found[0]


def test_records_load_without_problems(records):
    assert len(records.units) >= 30
    assert len(records.practices) >= 15
    assert len(records.brands) >= 10


@pytest.mark.parametrize("practice_id, label, unit, value, change, yoy", [
    ("xiagezhuang-sitou", "可防性案件", "%", None, -35.1, True),
    ("malianzhuang-wuxiao", "刑事警情", "%", None, -60.3, True),
    ("guhe-sange-jiehe", "刑事警情", "%", None, -15.0, True),
    ("guhe-sange-jiehe", "排查矛盾纠纷", "起", 123, None, False),
    ("guhe-sange-jiehe", "调解矛盾纠纷", "起", 110, None, False),
    ("buzhuang-124", "采集标准地址", "条", 24871, None, False),
    ("buzhuang-124", "采集实有人口", "条", 49971, None, False),
    ("buzhuang-124", "选任警务助理", "名", 95, None, False),
    ("buzhuang-124", "警务助理补助", "元/人·月", 369, None, False),
    ("jingyuan-shequ-jingwu", "包村入户民（辅）警", "名", 157, None, False),
    ("boshan-sanlian", "融入网格的警务助理", "名", 265, None, False),
    ("boshan-xiaoan", "刑事发案数", "%", None, -27.5, True),
])
def test_article_figures_are_outcomes(records, practice_id, label, unit, value, change, yoy):
    o = find(records, practice_id, label)
    assert o.unit == unit
    assert o.value == value
    assert o.change == change
    assert o.yoy is yoy


def test_approximate_figures_are_marked(records):
    assert find(records, "xiagezhuang-sitou", "坐炕头化解邻里矛盾纠纷").approximate is True
    assert find(records, "buzhuang-124", "采集实有场所").approximate is True
    assert find(records, "buzhuang-124", "采集标准地址").approximate is False


def test_every_practice_and_brand_cites_a_seed_article(records):
    for rid, rec in [*records.practices.items(), *records.brands.items()]:
        seeds = {s.seed for s in rec.sources}
        assert seeds & SEEDS, f"{rid} cites no seed article: {seeds}"
        assert seeds <= SEEDS | {None}, f"{rid} cites an unknown seed: {seeds - SEEDS}"


def test_every_seed_article_is_used(records):
    used = {s.seed for p in records.practices.values() for s in p.sources}
    assert SEEDS <= used


def test_unit_hierarchy(records):
    units = records.units
    assert units["buzhuang-pcs"].parent == "changyi-psb"
    assert units["changyi-psb"].parent == "weifang-psb"
    assert units["yingxionglu-post"].parent == "renminlu-pcs"
    assert units["renminlu-pcs"].parent == "boshan-branch"
    assert units["boshan-branch"].parent == "zibo-psb"
    for post in ("jimei-post", "xinqi-post", "yangling-post", "huitai-post", "jinghe-post"):
        assert units[units[post].parent].parent == "jingyuan-psb"
        assert units[post].region.province == "宁夏回族自治区"


def test_brands_are_realised(records):
    for pid, brand in [("xiagezhuang-sitou", "sitou-gongzuofa"), ("malianzhuang-wuxiao", "wuxiao-gongcheng"),
                       ("buzhuang-124", "buzhuang-124"), ("yutun-yushi-haoshangliang", "yushi-haoshangliang"),
                       ("dongshao-huxuegang", "pingan-huxuegang"), ("yingxionglu-lanying", "lanying-jingwu"),
                       ("boshan-sanlian", "sanlian-jizhi"), ("shizhong-1334", "shizhong-1334")]:
        assert records.practices[pid].brand == brand


def stations(records):
    return sorted(u.id for u in records.units.values() if u.kind == "station")


def test_every_stats_file_is_sample(records):
    assert records.stats
    for s in records.stats:
        assert s.sample is True, f"{s.unit}/{s.year} is not marked sample"
        assert s.note and "样例" in s.note


def test_every_station_has_36_months_of_every_metric(records):
    by_unit = {}
    for s in records.stats:
        by_unit.setdefault(s.unit, {})[s.year] = s
    assert sorted(by_unit) == stations(records)
    for unit, years in by_unit.items():
        assert sorted(years) == list(YEARS), unit
        months = [(y, m) for y, s in years.items() for m in s.months]
        assert len(months) == 36, unit
        for s in years.values():
            for m, row in s.months.items():
                assert list(row) == list(records.metrics), (unit, s.year, m)
                assert 85 <= row["satisfaction"] <= 99
                assert row["disputes_resolved"] <= row["disputes_found"]
                for metric, v in row.items():
                    if metric != "satisfaction":
                        assert v == int(v) and v >= 0


def test_stats_reproduce_article_figures(records, script):
    series = {}
    for s in records.stats:
        for m, row in s.months.items():
            for metric, v in row.items():
                series[(s.unit, metric, f"{s.year}-{m:02d}")] = v

    def total(unit, metric, start, end):
        y1, m1 = map(int, start.split("-"))
        y2, m2 = map(int, end.split("-"))
        keys = [f"{y}-{m:02d}" for y in range(y1, y2 + 1) for m in range(1, 13)
                if (y1, m1) <= (y, m) <= (y2, m2)]
        return sum(series[(unit, metric, k)] for k in keys)

    assert script.TARGETS
    for t in script.TARGETS:
        now = total(t.unit, t.metric, t.start, t.end)
        if t.kind == "total":
            assert now == t.value, t
        else:
            before = total(t.unit, t.metric, script.shift_year(t.start, -1), script.shift_year(t.end, -1))
            assert abs(100 * (now / before - 1) - t.value) <= 0.5, (t, now, before)
    # the four figures the brief names must be among the targets
    wanted = {("xiagezhuang-pcs", "preventable_cases", -35.1), ("malianzhuang-pcs", "criminal_cases", -60.3),
              ("guhe-pcs", "disputes_found", 123), ("guhe-pcs", "disputes_resolved", 110),
              ("buzhuang-pcs", "addresses_collected", 24871)}
    assert wanted <= {(t.unit, t.metric, t.value) for t in script.TARGETS}


def test_script_reproduces_identical_bytes(tmp_path):
    shutil.copytree(ROOT / "site_config", tmp_path / "site_config")
    shutil.copytree(ROOT / "records" / "units", tmp_path / "records" / "units")
    for _ in range(2):  # twice: the second run overwrites with the same bytes
        subprocess.run([sys.executable, str(SCRIPT), "--root", str(tmp_path), "--quiet"],
                       check=True, env={**os.environ, "PYTHONHASHSEED": "random"})
    made = {p.relative_to(tmp_path / "records" / "stats"): p.read_bytes()
            for p in sorted((tmp_path / "records" / "stats").rglob("*.yml"))}
    ours = {p.relative_to(ROOT / "records" / "stats"): p.read_bytes()
            for p in sorted((ROOT / "records" / "stats").rglob("*.yml"))}
    assert made.keys() == ours.keys()
    for rel, data in made.items():
        assert data == ours[rel], f"records/stats/{rel} differs from a fresh run of the script"


def test_stats_files_have_the_documented_layout():
    for path in sorted((ROOT / "records" / "stats").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(" ")]
        assert keys == ["unit", "year", "sample", "note", "months"], path
        data = yaml.safe_load(text)
        assert list(data["months"]) == list(range(1, 13)), path
