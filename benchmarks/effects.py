"""How long the 成效对照 analysis takes, apart from the rest of the build.

    python benchmarks/effects.py --size county
    python benchmarks/effects.py --size province --workdir /tmp/prov   # keeps the records

Writes synthetic records (benchmarks/synth.py), loads them, then times on a
fresh StatsModel: the existing statistics (unit sections and the 统计 page),
then every practice's 成效对照 (the maths and its page contexts, CSVs and chart
specs), then the chart keys of the new charts (what a warm build pays for
charts that are already cached). Times are CPU seconds of this process
(time.process_time): on a shared machine wall time mostly measures the
neighbours. The garbage collector is paused as in a build (statpages.site_stats
and the plugin's compute stage pause it). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402
from generator import charts, effectpages, statpages, stats  # noqa: E402
from generator.validate import load_records  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="成效对照分析计时")
    p.add_argument("--size", choices=sorted(synth.SIZES), default="county")
    p.add_argument("--workdir", help="合成记录所在文件夹（已存在时直接使用）")
    a = p.parse_args(argv)
    work = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="jingyan-effects-"))
    if not (work / "records").is_dir():
        synth.generate(work, seed=1, **synth.SIZES[a.size])
    t = time.perf_counter()
    records, problems = load_records(REPO, work)
    if problems:
        raise SystemExit(f"{len(problems)} problems in the synthetic records")
    load_s = time.perf_counter() - t

    gc.disable()                      # as statpages.site_stats does
    model = stats.build(records)
    t = time.process_time()
    units = {u: b for u in statpages.section_units(model) if (b := statpages._build_unit(model, u))}
    statpages._build_dashboard(model)
    existing_s = time.process_time() - t

    t = time.process_time()
    out = statpages._Built({})
    built = {pid: effectpages.build_effects(model, pid, out) for pid in sorted(records.practices)}
    effectpages.effects_ranking(model, built)
    effects_s = time.process_time() - t

    t = time.process_time()
    keys = [charts.chart_key(charts.ChartSpec(*f)) for f in out.figures]
    keys_s = time.process_time() - t

    ests = [e for pid in records.practices for e in
            stats.practice_effects(model, pid, stats.practice_metric_ids(model, pid))]
    levels = {lv: sum(1 for e in ests if e.level == lv) for lv in (*stats.LEVELS, None)}
    print(json.dumps({"size": a.size, "practices": len(records.practices), "units": len(units),
                      "load_wall_s": round(load_s, 2), "existing_stats_cpu_s": round(existing_s, 2),
                      "effects_cpu_s": round(effects_s, 2), "effect_charts": len(keys),
                      "effect_chart_keys_cpu_s": round(keys_s, 2), "effect_csvs": len(out.csvs),
                      "estimates_by_level": {str(k): v for k, v in levels.items()}},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
