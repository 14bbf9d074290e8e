"""`jingyan import-stats` on a province-sized sheet: time and peak memory.

A synthetic province (benchmarks/synth.py: 2,000 派出所, no practices) and one
workbook of 2,000 units × 12 months × 10 metrics, the units written three ways:
by id (abc-pcs), by full name (某某派出所) and by short name (某某). Each import
runs in a fresh process into an empty records/stats/, so its peak memory (ru_maxrss)
is its own. A fourth run imports a small sheet with one stray space in row
1,048,576 (the sheet's used range reaches the last row Excel has).

    python benchmarks/import_stats.py --workdir /tmp/bench-import
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

YEAR = 2024
CHILD = """
import json, resource, sys, time
from generator.cli import main
t = time.perf_counter()
code = main(["import-stats", "--root", sys.argv[1], sys.argv[2]])
took = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "seconds": round(took, 2), "cpu": round(u.ru_utime + u.ru_stime, 2),
                  "peak_mb": round(u.ru_maxrss / 1024)}),
      file=sys.stderr)
"""


def stations(root: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted((root / "records/units").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("kind") == "station":
            out.append((data["id"], data["name"]))
    return out


def workbook(path: Path, units: list[tuple[str, str]], spelling: str, metrics: list[str]) -> None:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("全省月报")
    ws.append(["单位", "年份", "月份"] + metrics)
    for n, (uid, name) in enumerate(units):
        label = {"id": uid, "full": name, "short": name.removesuffix("派出所")}[spelling]
        for month in range(1, 13):
            ws.append([label, YEAR, month] + [(n * 7 + month * 3 + k) % 50 for k in range(len(metrics))])
    wb.save(path)


def stray(path: Path, unit: tuple[str, str], metrics: list[str]) -> None:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "年份", "月份"] + metrics)
    for month in range(1, 13):
        ws.append([unit[1], YEAR, month] + [month] * len(metrics))
    ws["A1048576"] = " "
    wb.save(path)


def run(root: Path, table: Path) -> dict:
    shutil.rmtree(root / "records/stats", ignore_errors=True)
    (root / "records/stats").mkdir()
    p = subprocess.run([sys.executable, "-c", CHILD, str(root), str(table)],
                       capture_output=True, text=True)
    result = json.loads(p.stderr.strip().splitlines()[-1])
    result["files"] = len(list((root / "records/stats").rglob("*.yml")))
    return result


def main(argv=None) -> int:
    import synth
    p = argparse.ArgumentParser(description="统计表导入的耗时和内存峰值（全省规模）")
    p.add_argument("--workdir", default="/tmp/bench-import-stats")
    p.add_argument("--units", type=int, default=2000)
    p.add_argument("--json", help="结果另存为 JSON")
    a = p.parse_args(argv)
    work = Path(a.workdir)
    root = work / "repo"
    root.mkdir(parents=True, exist_ok=True)
    synth.generate(root, units=a.units, cities=16, counties=8, practices=0, months=1, metrics=10, seed=1)
    metric_names = [m["name"] for m in yaml.safe_load(
        (root / "site_config/metrics.yml").read_text(encoding="utf-8"))["metrics"]][:10]
    units = stations(root)
    results = {}
    for spelling in ("id", "full", "short"):
        table = work / f"province-{spelling}.xlsx"
        workbook(table, units, spelling, metric_names)
        results[spelling] = dict(run(root, table), mb_file=round(table.stat().st_size / 2**20, 1))
    table = work / "stray-cell.xlsx"
    stray(table, units[0], metric_names)
    results["stray-cell"] = run(root, table)
    with open("/proc/loadavg") as f:
        print("load average:", f.read().split()[0], "(seconds are wall time; cpu counts this process only)")
    print(f"{'spelling':12} {'rows':>6} {'seconds':>8} {'cpu s':>6} {'peak MB':>8} {'files':>6} exit")
    for key, r in results.items():
        rows = 12 if key == "stray-cell" else 12 * len(units)
        print(f"{key:12} {rows:>6} {r['seconds']:>8} {r['cpu']:>6} {r['peak_mb']:>8} {r['files']:>6} {r['code']}")
    if a.json:
        Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["code"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
