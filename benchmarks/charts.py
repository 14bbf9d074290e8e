"""How long the statistics charts take: cold, warm, and after one stats file changed.

    python benchmarks/charts.py                 # sample records + 500 synthetic stations
    python benchmarks/charts.py --stations 100  # a smaller synthetic set
    python benchmarks/charts.py --sample-only
    python benchmarks/charts.py --per-chart --records DIR   # CPU ms and KiB a chart, by kind
    python benchmarks/charts.py --batch 113 --records DIR   # a small batch: this process or workers

--per-chart draws every chart of a records tree (e.g. one written by
benchmarks/synth.py, which has 成效对照 charts too) one after another in this
process, after one chart of each kind for the imports, and prints the CPU
time (time.process_time) and SVG size per chart of each kind.

--batch N draws the first N charts of a records tree (half trend, half
成效对照) into an empty cache three ways: in this process, in one worker
process, in two; it prints CPU seconds (this process and its children,
getrusage) and wall seconds of each (the "one stats file changed" build
redraws about a hundred charts).

Each scenario plans the charts (stats.build + charts.plan_charts, which is part
of every build) and draws them into a fresh cache directory:
  cold    – empty cache: every chart is drawn
  warm    – same records again: nothing should be drawn
  changed – one station's figures for one year changed: only that station's
            charts and its ancestors' (bureau, overview) should be drawn
"""
from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator import charts, stats  # noqa: E402
from generator.model import MonthlyStats, Records, Region, SiteConfig, Unit  # noqa: E402
from generator.validate import load_records  # noqa: E402

CITIES = [("山东省", "青岛市"), ("山东省", "济宁市"), ("山东省", "淄博市"), ("山东省", "潍坊市"),
          ("宁夏回族自治区", "固原市")]


def synthetic(metrics: dict, stations: int = 500, bureaus: int = 25, years=(2018, 2019, 2020),
              seed: int = 7) -> Records:
    """`stations` stations under `bureaus` bureaus in 5 cities, every metric every month."""
    rnd = random.Random(seed)
    units: dict[str, Unit] = {}
    for b in range(bureaus):
        province, city = CITIES[b % len(CITIES)]
        units[f"b{b:02d}"] = Unit(f"b{b:02d}", f"示范{b + 1}号公安局", "bureau", Region(province, city))
    files = []
    for s in range(stations):
        bid = f"b{s % bureaus:02d}"
        uid = f"s{s:03d}"
        units[uid] = Unit(uid, f"示范{s + 1}号派出所", "station", units[bid].region, parent=bid)
        base = {m: rnd.uniform(5, 200) for m in metrics}
        for y in years:
            trend = 1 + rnd.uniform(-0.2, 0.15) * (y - years[0])
            months = {}
            for month in range(1, 13):
                row = {}
                for mid, metric in metrics.items():
                    if metric.aggregate == "mean":
                        row[mid] = round(rnd.uniform(85, 99.5), 1)
                    else:
                        row[mid] = max(0, round(base[mid] * trend * rnd.uniform(0.7, 1.3)))
                months[month] = row
            files.append(MonthlyStats(uid, y, months, sample=True))
    return Records(site=SiteConfig("基准测试", "合成数据"), metrics=dict(metrics), categories={},
                   units=units, practices={}, brands={}, stats=files)


def change_one(records: Records) -> tuple[Records, str]:
    """A copy with one station's latest-year figures changed (the first station with stats)."""
    changed = copy.deepcopy(records)
    target = sorted((s for s in changed.stats if changed.units[s.unit].kind == "station"),
                    key=lambda s: (s.unit, -s.year))[0]
    for row in target.months.values():
        for mid in row:
            if changed.metrics[mid].aggregate == "sum":
                row[mid] += 1
    return changed, target.unit


def run(label: str, records: Records, jobs: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="jingyan-bench-") as tmp:
        cache = Path(tmp)
        t0 = time.perf_counter()
        specs = charts.plan_charts(stats.build(records))
        plan = time.perf_counter() - t0
        rows = []
        for scenario, recs in (("cold", records), ("warm", records), ("changed", None)):
            if recs is None:
                recs, unit = change_one(records)
                scenario = f"changed ({unit})"
            t0 = time.perf_counter()
            specs = charts.plan_charts(stats.build(recs))
            report = charts.draw_charts(specs, cache, jobs=jobs)
            rows.append((scenario, len(specs), report.drawn, report.cached, time.perf_counter() - t0))
        size = sum(p.stat().st_size for p in cache.glob("*.svg"))
    print(f"\n{label}: {len(records.units)} units, {len(records.stats)} stats files; "
          f"planning alone {plan:.2f} s; cache {size / 1e6:.1f} MB")
    print(f"  {'scenario':<24}{'charts':>8}{'drawn':>8}{'cached':>8}{'seconds':>10}")
    for scenario, total, drawn, cached, secs in rows:
        print(f"  {scenario:<24}{total:>8}{drawn:>8}{cached:>8}{secs:>10.2f}")


def per_chart(root: Path, limit: int) -> None:
    """CPU milliseconds and KiB per chart of each kind, drawn in this process."""
    import io
    from collections import defaultdict
    records, problems = load_records(root)
    if records is None:
        raise SystemExit(f"{root}: the records do not validate ({len(problems)} problems)")
    by_kind: dict[str, list] = defaultdict(list)
    for spec in charts.plan_charts(stats.build(records)):
        by_kind[spec.kind].append(spec)
    for specs in by_kind.values():          # imports, font, the kept figures
        charts.render(specs[0], io.BytesIO())
    print(f"{'kind':<10}{'charts':>8}{'CPU ms/chart':>14}{'KiB/chart':>11}")
    for kind, specs in sorted(by_kind.items()):
        specs = specs[:limit]
        size, t = 0, time.process_time()
        for spec in specs:
            buf = io.BytesIO()
            charts.render(spec, buf)
            size += len(buf.getvalue())
        ms = (time.process_time() - t) / len(specs) * 1000
        print(f"{kind:<10}{len(specs):>8}{ms:>14.1f}{size / len(specs) / 1024:>11.1f}")


def batch(root: Path, n: int) -> None:
    """CPU and wall seconds of drawing `n` charts in this process, one worker, two."""
    import resource
    import subprocess
    records, problems = load_records(root)
    if records is None:
        raise SystemExit(f"{root}: the records do not validate ({len(problems)} problems)")
    for how in ("this process", "1 worker", "2 workers"):
        # a fresh interpreter each time: imports are part of what a build pays
        code = (f"import sys, pickle; sys.path.insert(0, {str(REPO)!r}); from benchmarks.charts import _batch_child;"
                f"_batch_child({str(root)!r}, {n}, {how!r})")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        print(f"{how:<14} {out.strip()}  process total: CPU {cpu:.2f} s, wall {wall:.2f} s")


def _batch_child(root: str, n: int, how: str) -> None:
    import resource
    records, _problems = load_records(Path(root))
    specs = charts.plan_charts(stats.build(records))
    specs = [s for s in specs if s.kind == "trend"][:n // 2] + [s for s in specs if s.kind == "effect"][:n - n // 2]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jingyan-bench-") as tmp:
        if how == "this process":
            drawn = charts.draw_charts(specs, Path(tmp), in_process_max=len(specs)).drawn
        else:   # the pool draw_charts starts, with this many processes
            import multiprocessing
            jobs = [(s, str(Path(tmp) / f"{charts.chart_key(s)}.svg")) for s in specs]
            with multiprocessing.get_context("spawn").Pool(int(how[0]), initializer=charts._init_worker) as pool:
                drawn = len(list(pool.imap_unordered(charts._draw_job, jobs, chunksize=16)))
    this, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = this.ru_utime + this.ru_stime - cpu0 + kids.ru_utime + kids.ru_stime
    print(f"drew {drawn}: CPU {cpu:.2f} s, wall {time.perf_counter() - t:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stations", type=int, default=500)
    ap.add_argument("--bureaus", type=int, default=25)
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: os.cpu_count())")
    ap.add_argument("--sample-only", action="store_true")
    ap.add_argument("--per-chart", action="store_true", help="CPU time and size per chart of each kind")
    ap.add_argument("--records", type=Path, default=REPO, help="records tree for --per-chart")
    ap.add_argument("--limit", type=int, default=300, help="--per-chart: at most this many charts a kind")
    ap.add_argument("--batch", type=int, help="draw this many charts in this process, one worker, two")
    args = ap.parse_args()
    if args.per_chart:
        per_chart(args.records, args.limit)
        return 0
    if args.batch:
        batch(args.records, args.batch)
        return 0
    import os
    print(f"CPUs: {os.cpu_count()}, jobs: {args.jobs or os.cpu_count()}")
    records, problems = load_records(REPO)
    if records is None:
        print(f"sample records do not validate ({len(problems)} problems); skipping them")
    else:
        run("sample records", records, args.jobs)
        metrics = records.metrics
    if not args.sample_only:
        if records is None:
            raise SystemExit("the synthetic set uses the metrics of site_config/metrics.yml: fix the records first")
        run(f"synthetic ({args.stations} stations × 36 months × {len(metrics)} metrics, "
            f"{args.bureaus} bureaus)", synthetic(metrics, args.stations, args.bureaus), args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
