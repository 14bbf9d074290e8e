"""Build benchmark: synthetic records of each size, built cold, warm and after one change.

    python benchmarks/run.py                                  # small and county
    python benchmarks/run.py --sizes small,county,province --workdir /tmp/bench
    python benchmarks/run.py --sizes county --repeat 3         # fastest of three: a shared CPU

For each size: benchmarks/synth.py writes a records tree; `jingyan build
--records DIR --out OUT` runs as a subprocess three times against a private
copy of the repository's mkdocs.yml, docs/, templates/ and site_config/ (so
its .cache/ starts empty and nothing in the checkout is touched):
  cold     empty cache, no previous site
  warm     nothing changed (after one unmeasured build: from then on each build
           starts from the site before last, generator/recycle.py)
  changed  one value in one stats file changed
then the same number of plain Markdown pages is built by plain `mkdocs build`
with Material and its search plugin (jieba), without the generator.
Figures are parsed from the build's progress lines on stderr; peak RSS is the
subprocess's (and its children's) maximum resident set, from wait4(). What
each column means: benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402
from generator.commands.build import LABELS, STAGES  # noqa: E402

OUR_STAGES = ("load+validate", "compute", "render", "charts", "search")
# The targets of issue #16 (province scale II), as ratios to plain MkDocs on
# the same number of pages in the same run; sizes in MiB, memory in MiB.
TARGETS = {"cold": 4.0, "warm": 1.5, "changed_over_warm": 0.1, "site_mib": 450, "unit_html_share": 0.60,
           "search_ready_s": 1.0, "peak_mib": 2048}
STAGE_OF = {v: k for k, v in STAGES.items()}
KEY_OF = {v: k for k, v in LABELS.items()}
# "▸ 读取并检查记录：单位 39，做法 19（0.52 秒）" (bold on a terminal), or the raw log line
_PRETTY = re.compile(r"^▸ (?:\x1b\[1m)?(?P<name>.+?)(?:\x1b\[0m)?：(?P<text>.*?)(?:（(?P<secs>[\d.]+) 秒）)?$")
_RAW = re.compile(r"jingyan: (?P<stage>\S+) ?(?P<rest>.*)$")

def parse_progress(stderr: str) -> dict[str, dict[str, str]]:
    """stage → {figure: value, "seconds": ...} from the build's stderr."""
    stages: dict[str, dict[str, str]] = {}
    for line in stderr.splitlines():
        m = _PRETTY.match(line.strip())
        if m:
            stage = STAGE_OF.get(m.group("name"), m.group("name"))
            figures = {}
            for part in filter(None, m.group("text").split("，")):
                label, _, value = part.rpartition(" ")
                figures[KEY_OF.get(label, label)] = value
            if m.group("secs"):
                figures["seconds"] = m.group("secs")
            stages[stage] = figures
            continue
        m = _RAW.search(line)
        if m:
            stages[m.group("stage")] = dict(kv.split("=", 1) for kv in m.group("rest").split() if "=" in kv)
    return stages


def timed_run(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run `cmd`; wall seconds, exit code, peak RSS (MiB) of it and its children, stderr."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    env.pop("JINGYAN_RECORDS", None)
    env.pop("JINGYAN_REGION", None)
    started = time.perf_counter()
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            # Linux reports KiB, macOS bytes
            rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            cpu = usage.ru_utime + usage.ru_stime
        else:  # Windows: no rusage
            proc.wait()
            rss = cpu = float("nan")
    wall = time.perf_counter() - started
    return {"wall": wall, "cpu": cpu, "code": proc.returncode, "rss_mib": rss,
            "stderr": log.read_text(encoding="utf-8", errors="replace")}


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def site_figures(site: Path) -> dict:
    # what a browser downloads for search: Material's index and our packed Lunr index
    files = [site / "search" / name for name in ("search_index.json", "lunr_index.json")]
    raws = [f.read_bytes() for f in files if f.exists()]
    units = [p.stat().st_size for p in (site / "units").glob("*/index.html")]
    return {"index_raw": sum(map(len, raws)), "index_gz": sum(len(gzip.compress(raw, 6)) for raw in raws),
            "site_bytes": tree_bytes(site), "html_files": sum(1 for _ in site.rglob("*.html")),
            "unit_pages": len(units), "unit_html_mean": sum(units) / len(units) if units else 0}


def private_root(dst: Path) -> Path:
    """mkdocs.yml, docs/, templates/, site_config/ copied: a build here uses dst/.cache."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    shutil.copyfile(REPO / "mkdocs.yml", dst / "mkdocs.yml")
    for sub in ("docs", "templates", "site_config"):
        shutil.copytree(REPO / sub, dst / sub)
    return dst


def change_one_stats_file(data: Path) -> Path:
    """Add one to the first figure of the newest month of the first station's newest year."""
    newest = sorted(sorted((data / "records" / "stats").iterdir())[0].glob("*.yml"))[-1]
    lines = newest.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1]
    m = re.search(r"(: )(\d+)([,}])", last.split("{", 1)[1])
    head, body = last.split("{", 1)
    body = body[:m.start()] + f"{m.group(1)}{int(m.group(2)) + 1}{m.group(3)}" + body[m.end():]
    lines[-1] = head + "{" + body
    newest.write_text("".join(lines), encoding="utf-8")
    return newest


def plain_site(dst: Path, pages: int, seed: int = 1) -> Path:
    """`pages` Chinese Markdown pages shaped like practice pages, one index, plain Material."""
    import random
    r = random.Random(seed)
    s = synth.Synth(seed)
    docs = dst / "docs"
    if dst.exists():
        shutil.rmtree(dst)
    (docs / "pages").mkdir(parents=True)
    links = []
    for i in range(max(1, pages - 1)):
        name, _ = s.place()
        unit = name + "派出所"
        slug, title, _, tags = r.choice(synth.TOPICS)
        parts = [f"# {unit}{title}\n", s.summary(unit, "本县") + "\n", "## 主要做法\n"]
        for mname, mdetail in r.sample(synth.MEASURES, r.randint(2, 5)):
            parts.append(f"### {mname}\n\n{mdetail}\n")
        parts.append("## 工作成效\n\n| 指标 | 数值 | 单位 |\n| --- | --- | --- |")
        for label, unit_name, vr, _ in r.sample(synth.OUTCOMES, r.randint(1, 4)):
            parts.append(f"| {label} | {r.randint(*(vr or (5, 50)))} | {unit_name} |")
        parts.append("\n## 标签\n\n" + "、".join(tags) + "\n")
        (docs / "pages" / f"p{i:05d}.md").write_text("\n".join(parts), encoding="utf-8")
        links.append(f"- [{unit}{title}](pages/p{i:05d}.md)")
    (docs / "index.md").write_text("# 全部页面\n\n" + "\n".join(links) + "\n", encoding="utf-8")
    # the site's own search separator (jieba's zero-width spaces), copied verbatim
    separator = re.search(r"^\s*separator: (.+)$", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)
    (dst / "mkdocs.yml").write_text(f"""site_name: 对照
theme:
  name: material
  language: zh
  font: false
nav:
  - index.md
not_in_nav: |
  /pages/*.md
plugins:
  - search:
      lang: zh
      separator: {separator}
""", encoding="utf-8")
    return dst


def fmt_s(x) -> str:
    return "—" if x is None else f"{float(x):.1f}"


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.2f}"


def bench_size(size: str, work: Path, repeat: int = 1, search: bool = True) -> list[dict]:
    base = work / size
    data, root, out = base / "records-tree", base / "root", base / "site"
    base.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    opts = dict(synth.SIZES[size])
    counts = synth.generate(data, seed=1, **opts)
    print(f"[{size}] synth {time.perf_counter() - t:.1f}s: {counts}", file=sys.stderr, flush=True)
    private_root(root)
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "generator.cli", "build", "--root", str(root),
           "--records", str(data), "--out", str(out)]
    rows = []
    for scenario in ("cold", "warm", "changed"):
        best = None
        for attempt in range(max(1, repeat)):  # the fastest of `repeat` runs: the CPU may be shared
            if scenario == "cold":
                shutil.rmtree(root / ".cache", ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
            if scenario == "warm" and attempt == 0:
                # one unmeasured build first: from the third build on, each starts from
                # the site before last (generator/recycle.py), as every build of a
                # repository does after its second; warm and changed then compare alike
                settle = timed_run(cmd, root, base / "settle.log")
                if settle["code"] != 0:
                    raise SystemExit(f"[{size}] settling build failed; log: {base / 'settle.log'}")
            if scenario == "changed":  # each attempt changes the file again: always one fresh change
                changed = change_one_stats_file(data)
                print(f"[{size}] changed {changed.relative_to(data)}", file=sys.stderr, flush=True)
            run = timed_run(cmd, root, base / f"{scenario}-{attempt + 1}.log")
            if run["code"] != 0:
                sys.stderr.write(run["stderr"][-4000:])
                raise SystemExit(f"[{size}] {scenario} build failed (exit {run['code']}); "
                                 f"log: {base / f'{scenario}-{attempt + 1}.log'}")
            if best is None or run["wall"] < best["wall"]:
                best = run
        run = best
        stages = parse_progress(run["stderr"])
        ours = sum(float(v.get("seconds", 0) or 0) for v in stages.values())
        row = {"size": size, "scenario": scenario, "wall": run["wall"], "cpu": run["cpu"], "rss_mib": run["rss_mib"],
               "stages": stages, "ours": ours, "mkdocs": run["wall"] - ours, **site_figures(out)}
        row["pages"] = int(stages.get("render", stages.get("compute", {})).get("pages", row["html_files"]))
        rows.append(row)
        print(f"[{size}] {scenario}: {run['wall']:.1f}s " + json.dumps(stages, ensure_ascii=False),
              file=sys.stderr, flush=True)

    if search:
        try:
            import search_init
            ready = search_init.measure_site(out, repeat=3)
            rows[-1]["search_ready_ms"] = sorted(r["ready_ms"] for r in ready)[len(ready) // 2]
            print(f"[{size}] search ready (median of 3): {rows[-1]['search_ready_ms']:.0f} ms",
                  file=sys.stderr, flush=True)
        except Exception as e:  # no Chromium or Playwright here: the other figures still count
            print(f"[{size}] search ready not measured: {e}", file=sys.stderr, flush=True)

    pages = rows[0]["pages"]
    plain = plain_site(base / "plain", pages)
    runs = [timed_run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml"),
                       "-d", str(plain / "site")], plain, base / "plain.log") for _ in range(max(1, repeat))]
    run = min(runs, key=lambda x: x["wall"] if x["code"] == 0 else float("inf"))
    if run["code"] != 0:
        sys.stderr.write(run["stderr"][-4000:])
        raise SystemExit(f"[{size}] plain mkdocs build failed")
    rows.append({"size": size, "scenario": "plain mkdocs", "wall": run["wall"], "cpu": run["cpu"],
                 "rss_mib": run["rss_mib"],
                 "stages": {}, "ours": None, "mkdocs": run["wall"], "pages": pages,
                 **site_figures(plain / "site")})
    print(f"[{size}] plain mkdocs ({pages} pages): {run['wall']:.1f}s", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ["size", "build", "pages", "charts drawn/cached", "search segments cached/new", "load+validate s", "compute s",
            "render pages s", "charts: wait s", "search prebuild s", "MkDocs s", "charts drawn beside MkDocs s", "total wall s", "CPU s", "peak RSS MiB",
            "search index MiB (gzip)", "site MiB"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        st = r["stages"]
        charts = st.get("charts")
        drawn = f"{charts.get('drawn', '?')}/{charts.get('cached', '?')}" if charts else "—"
        seg = st.get("segments")
        segs = f"{seg.get('cached', '?')}/{seg.get('segmented', '?')}" if seg else "—"
        sec = {k: (st[k].get("seconds") if k in st else None) for k in OUR_STAGES}
        if r["ours"] is None:
            sec = dict.fromkeys(OUR_STAGES, None)
        out.append("| " + " | ".join([
            r["size"], r["scenario"], str(r["pages"]), drawn, segs,
            *(fmt_s(sec[k]) for k in OUR_STAGES), fmt_s(r["mkdocs"]),
            fmt_s(charts.get("drawing_seconds")) if charts else "—", fmt_s(r["wall"]), fmt_s(r["cpu"]),
            f"{r['rss_mib']:.0f}", f"{mib(r['index_raw'])} ({mib(r['index_gz'])})", mib(r["site_bytes"]),
        ]) + " |")
    return "\n".join(out)


def ratios(rows: list[dict]) -> str:
    lines = []
    for size in dict.fromkeys(r["size"] for r in rows):
        cold = next(r for r in rows if r["size"] == size and r["scenario"] == "cold")
        warm = next(r for r in rows if r["size"] == size and r["scenario"] == "warm")
        plain = next(r for r in rows if r["size"] == size and r["scenario"] == "plain mkdocs")
        other = {k: v for k, v in cold["stages"].items() if k not in (*OUR_STAGES, "segments")}
        lines.append(
            f"- {size}: generator overhead (our stages / MkDocs, cold) = {cold['ours']:.1f} s / "
            f"{cold['mkdocs']:.1f} s = {cold['ours'] / cold['mkdocs']:.2f} (warm: {warm['ours']:.1f} s / "
            f"{warm['mkdocs']:.1f} s = {warm['ours'] / warm['mkdocs']:.2f}); whole build / plain MkDocs "
            f"with the same {plain['pages']} pages = {cold['wall']:.1f} s / {plain['wall']:.1f} s = "
            f"{cold['wall'] / plain['wall']:.2f}"
            + (f"; other progress lines: {json.dumps(other, ensure_ascii=False)}" if other else ""))
    return "\n".join(lines)


def targets(rows: list[dict], baseline: list[dict] | None = None) -> str:
    """Each figure of the issue's target table with its target, one table a size."""
    out = []
    for size in dict.fromkeys(r["size"] for r in rows):
        by = {r["scenario"]: r for r in rows if r["size"] == size}
        if not {"cold", "warm", "changed", "plain mkdocs"} <= by.keys():
            continue
        plain = by["plain mkdocs"]["wall"]
        cold, warm, changed = (by[k]["wall"] / plain for k in ("cold", "warm", "changed"))
        site = by["changed"]["site_bytes"] / 2**20
        peak = max(by[k]["rss_mib"] for k in ("cold", "warm", "changed"))
        unit = by["changed"]["unit_html_mean"]
        old = next((r for r in (baseline or []) if r["size"] == size and r["scenario"] == "changed"), None)
        ready = by["changed"].get("search_ready_ms")

        def row(name, value, target, ok):
            mark = "—" if ok is None else ("yes" if ok else "NO")
            return f"| {name} | {value} | {target} | {mark} |"
        out += [f"\n{size} ({by['cold']['pages']} pages; plain MkDocs {plain:.1f} s):", "",
                "| figure | measured | target | met |", "|---|---|---|---|",
                row("cold / plain MkDocs", f"{cold:.2f} ({by['cold']['wall']:.1f} s)", f"≤ {TARGETS['cold']}",
                    cold <= TARGETS["cold"]),
                row("warm / plain MkDocs", f"{warm:.2f} ({by['warm']['wall']:.1f} s)", f"≤ {TARGETS['warm']}",
                    warm <= TARGETS["warm"]),
                row("one stats file changed / plain MkDocs", f"{changed:.2f} ({by['changed']['wall']:.1f} s)",
                    f"≤ warm + {TARGETS['changed_over_warm']} = {warm + TARGETS['changed_over_warm']:.2f}",
                    changed <= warm + TARGETS["changed_over_warm"]),
                row("site size", f"{site:.0f} MiB", f"≤ {TARGETS['site_mib']} MiB", site <= TARGETS["site_mib"]),
                row("unit page HTML (mean of " + str(by["changed"]["unit_pages"]) + ")",
                    f"{unit / 1024:.1f} KiB" + (f" = {unit / old['unit_html_mean']:.0%} of {old['unit_html_mean'] / 1024:.1f} KiB"
                                                if old and old.get("unit_html_mean") else ""),
                    f"≤ {TARGETS['unit_html_share']:.0%} of before" + ("" if old else " (no --baseline given)"),
                    unit <= TARGETS["unit_html_share"] * old["unit_html_mean"] if old and old.get("unit_html_mean") else None),
                row("search ready in headless Chromium (median of 3)",
                    "not measured" if ready is None else f"{ready / 1000:.2f} s", f"≤ {TARGETS['search_ready_s']} s",
                    None if ready is None else ready / 1000 <= TARGETS["search_ready_s"]),
                row("peak memory", f"{peak:.0f} MiB", f"≤ {TARGETS['peak_mib']} MiB", peak <= TARGETS["peak_mib"])]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="生成速度基准测试（合成记录，冷、热、改一个统计文件）")
    p.add_argument("--sizes", default="small,county", help="逗号分隔：small,county,province")
    p.add_argument("--workdir", help="工作文件夹（给出时保留）；默认临时文件夹，结束后删除")
    p.add_argument("--keep", action="store_true", help="保留临时工作文件夹")
    p.add_argument("--repeat", type=int, default=1, help="每种情形生成几次，取最快的一次（CPU 被占用时）")
    p.add_argument("--json", help="把全部结果另存为 JSON")
    p.add_argument("--baseline", help="之前一次运行的 JSON（--json），用来比较单位页面 HTML 大小")
    p.add_argument("--no-search", action="store_true", help="不在无头 Chromium 中测搜索就绪时间")
    a = p.parse_args(argv)
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in synth.SIZES:
            p.error(f"未知规模 {s}；可选：{', '.join(synth.SIZES)}")
    work = Path(a.workdir).resolve() if a.workdir else Path(tempfile.mkdtemp(prefix="jingyan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    try:
        for size in sizes:
            rows += bench_size(size, work, a.repeat, search=not a.no_search)
    finally:
        if rows:
            load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
            print(f"\ncpu_count={os.cpu_count()} load_average_at_end={load} repeat={a.repeat} "
                  f"python={sys.version.split()[0]}")
            print(table(rows))
            print()
            print(ratios([r for r in rows if any(x["scenario"] == "plain mkdocs" and x["size"] == r["size"]
                                                 for x in rows)]))
            baseline = json.loads(Path(a.baseline).read_text(encoding="utf-8")) if a.baseline else None
            print(targets(rows, baseline))
            if a.json:
                Path(a.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        if a.workdir or a.keep:
            print(f"\nworkdir kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
