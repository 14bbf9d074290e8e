"""Time and size of 经验汇编 (`jingyan compile`) on synthetic records.

    python benchmarks/synth.py --size small --out /tmp/syn20                           # 20 practices
    python benchmarks/synth.py --size county --practices-per-unit 1 --units 207 --out /tmp/syn200   # 200
    python benchmarks/compile.py --records /tmp/syn20 --records /tmp/syn200

For each records tree and format: a cold run (its own empty cache: every chart
drawn) and a warm run (charts from the cache), each a fresh `jingyan compile`
process, as staff run it. Prints one line per run: wall time, CPU time of
the process and its chart-drawing workers (the wall time depends on how
busy the machine is), the file's size.

Measured 2026-11-30 on the 2-core shared machine (WeasyPrint 70, python-docx
1.2; wall times depend on the load, the CPU times much less):

    records        format  cold (charts drawn)          warm (charts cached)        size    pages
    20 practices   PDF     36 s wall, 20 s CPU (load 3)  24 s wall, 13 s CPU         1.2 MB  107
    20 practices   Word    36 s wall, 20 s CPU (load 4)   3 s wall,  3 s CPU         2.6 MB  —
    200 practices  PDF   1116 s wall, 212 s CPU (load 12) 661 s wall, 151 s CPU (load 9) 10.8 MB 1214
    200 practices  Word   672 s wall, 269 s CPU (load 7)  91 s wall,  72 s CPU (load 4) 27.2 MB —

Most of a PDF's time is WeasyPrint drawing the SVG charts (about 4 a practice).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(records: Path, out: Path, root: Path) -> tuple[float, float]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1718409600"}
    started, cpu0 = time.perf_counter(), cpu()
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "compile", "--root", str(root),
                           "--records", str(records), "--out", str(out), "--title", "压力测试经验汇编"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    secs, cpu_secs = time.perf_counter() - started, cpu() - cpu0
    if proc.returncode:
        sys.exit(proc.stderr)
    print("   ", proc.stdout.strip())
    return secs, cpu_secs


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--records", action="append", required=True, help="a records tree made by synth.py")
    p.add_argument("--formats", default="pdf,docx")
    args = p.parse_args()
    for records in map(Path, args.records):
        for fmt in args.formats.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "root"
                # a root of its own, so the cold run starts with an empty cache
                shutil.copytree(records / "site_config", root / "site_config")
                (root / "records").mkdir()
                out = Path(tmp) / f"out.{fmt}"
                for label in ("cold", "warm"):
                    secs, cpu_secs = run(records, out, root)
                    print(f"{records.name} {fmt} {label}: {secs:.1f} s wall, {cpu_secs:.1f} s CPU "
                          f"(with drawing workers), {out.stat().st_size / 1024 / 1024:.1f} MB, "
                          f"load average {os.getloadavg()[0]:.1f}",
                          flush=True)


if __name__ == "__main__":
    main()
