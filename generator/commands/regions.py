"""`jingyan build-regions`: one site per region, built in parallel, and a landing page.

The regions are listed in site_config/sites.yml (`regions:` with `id`, the
region's top unit, and `title`); without that file every top-level bureau is
a region. Each region is built by its own `jingyan build --region ID --out
OUT/ID` subprocess (up to --jobs at once), which swaps its site in only when
it succeeded, so a failed region keeps its previous site. OUT/index.html, a
self-contained Chinese page linking every regional site with its counts, is
rewritten only when every region succeeded. `--landing-only` writes just the
landing page: for CI, where each region is built by its own job.
"""
from __future__ import annotations

import html
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomic

SITES_FILE = "site_config/sites.yml"


@dataclass
class RegionSpec:
    id: str
    title: str
    counts: dict[str, int]


def add_arguments(p):
    p.add_argument("--records", help="另一套记录所在的文件夹（默认仓库本身）")
    p.add_argument("--out", default="site-regions", help="输出文件夹（默认 site-regions）")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="同时生成几个地区（默认 CPU 核数）")
    p.add_argument("--only", help="只生成这些地区（逗号分隔的单位编号）；入口页仍列出全部地区")
    p.add_argument("--offline", action="store_true", help="各地区都生成离线版（并打成 zip）")
    p.add_argument("--site-url", help="各地区网站的上级地址，如 https://jingyan.example.gov.cn/"
                                      "（地区 ID 的网址为 上级地址/ID/；默认取环境变量 JINGYAN_SITE_URL）")
    p.add_argument("--landing-only", action="store_true",
                   help="不生成各地区网站，只写入口页（CI 中各地区由单独的任务生成时使用）")


def _problem(path: str, line: int, message: str) -> str:
    return f"{path}:{max(line, 1)}:1: {message}"


def read_sites(config_root: Path, records) -> tuple[list[tuple[str, str]] | None, list[str]]:
    """[(id, title)] from sites.yml, None when there is no such file; and problems."""
    import yaml

    from ..load import load_file
    path = config_root / SITES_FILE
    if not path.exists():
        return None, []
    doc, problem = load_file(path, config_root, "sites")
    if problem:
        return [], [problem.format()]
    name, node = doc.path, doc.node
    if not isinstance(node, yaml.MappingNode):
        return [], [_problem(name, 1, "应为一个映射，其中 regions: 是地区列表。")]
    regions_node = next((v for k, v in node.value if getattr(k, "value", None) == "regions"), None)
    if not isinstance(regions_node, yaml.SequenceNode) or not regions_node.value:
        return [], [_problem(name, node.start_mark.line + 1,
                             "缺少 regions: 列表（每项写 id: 单位编号 和 title: 名称）。")]
    out, problems, seen = [], [], {}
    for item in regions_node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(_problem(name, line, "每个地区应写成 id: 单位编号 和 title: 名称。"))
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        unknown = sorted(set(fields) - {"id", "title"})
        if unknown:
            problems.append(_problem(name, line, f"不认识的字段：{'、'.join(unknown)}（只能写 id 和 title）。"))
        rid = fields.get("id")
        rid = rid.value.strip() if isinstance(rid, yaml.ScalarNode) and rid.value else ""
        if not rid:
            problems.append(_problem(name, line, "缺少 id（该地区最上级单位的编号，如 weifang-psb）。"))
            continue
        if rid not in records.units:
            problems.append(_problem(name, line, f"找不到单位“{rid}”：id 应是 records/units/ 中某个单位的编号。"))
            continue
        if rid in seen:
            problems.append(_problem(name, line, f"地区“{rid}”重复（第 {seen[rid]} 行已列出）。"))
            continue
        seen[rid] = line
        title = fields.get("title")
        title = title.value.strip() if isinstance(title, yaml.ScalarNode) and title.value else ""
        out.append((rid, title or records.units[rid].name))
    return out, problems


def region_specs(records, sites: list[tuple[str, str]] | None) -> list[RegionSpec]:
    from ..regions import restrict
    if sites is None:  # every top-level bureau
        sites = [(u.id, u.name) for u in sorted(records.units.values(), key=lambda u: u.id)
                 if u.parent is None and u.kind == "bureau"]
    specs = []
    for rid, title in sites:
        r = restrict(records, rid)
        kinds = [u.kind for u in r.units.values()]
        specs.append(RegionSpec(rid, title, {
            "bureaus": kinds.count("bureau"), "stations": kinds.count("station"), "posts": kinds.count("post"),
            "practices": len(r.practices), "brands": len(r.brands)}))
    return specs


COUNT_WORDS = (("stations", "派出所", "个"), ("posts", "警务室", "个"),
               ("practices", "经验做法", "条"), ("brands", "警务品牌", "个"))


def landing_page(title: str, description: str, specs: list[RegionSpec], out: Path) -> str:
    e = html.escape
    items = []
    for s in specs:
        # no units below the top one: a landing repository holding only the top units; no counts then
        counts = " · ".join(f"{word} {s.counts[key]} {unit}" for key, word, unit in COUNT_WORDS) \
            if any(s.counts[key] for key, _, _ in COUNT_WORDS) else ""
        zip_link = ""
        if (out / f"{s.id}.zip").exists():
            zip_link = f' <a class="zip" href="{e(s.id)}.zip">离线版下载</a>'
        items.append(f'<li><a class="region" href="{e(s.id)}/index.html">{e(s.title)}</a>{zip_link}'
                     + (f'<span class="counts">{e(counts)}</span>' if counts else "") + "</li>")
    total = {key: sum(s.counts[key] for s in specs) for key, _, _ in COUNT_WORDS}
    summary = "，".join(f"{word} {total[key]} {unit}" for key, word, unit in COUNT_WORDS)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · 各地区</title>
<style>
:root {{ color-scheme: light dark; --fg: #1f2329; --muted: #5f6670; --bg: #fff; --card: #f4f6fa; --link: #3f51b5; }}
@media (prefers-color-scheme: dark) {{
  :root {{ --fg: #e3e5e8; --muted: #a0a6ae; --bg: #1e2129; --card: #272b35; --link: #8c9eff; }}
}}
body {{ margin: 0; background: var(--bg); color: var(--fg);
  font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }}
main {{ max-width: 52rem; margin: 0 auto; padding: 2rem 1rem; }}
h1 {{ font-size: 1.6rem; margin: 0 0 .5rem; }}
p {{ color: var(--muted); line-height: 1.7; }}
ul {{ list-style: none; padding: 0; display: grid; gap: .75rem; }}
li {{ background: var(--card); border-radius: .5rem; padding: .9rem 1rem; }}
a {{ color: var(--link); }}
a.region {{ font-size: 1.15rem; font-weight: 600; text-decoration: none; }}
a.zip {{ margin-left: .75rem; font-size: .9rem; }}
.counts {{ display: block; color: var(--muted); font-size: .9rem; margin-top: .3rem; }}
</style>
</head>
<body>
<main>
<h1>{e(title)}</h1>
<p>{e(description)}</p>
<p>按地区分别发布，共 {len(specs)} 个地区{"：" + e(summary) if any(total.values()) else ""}。请选择地区进入。</p>
<ul>
{chr(10).join(items)}
</ul>
</main>
</body>
</html>
"""


def build_one(spec: RegionSpec, args, root: Path, out: Path, site_url: str | None) -> tuple[int, float, str]:
    cmd = [sys.executable, "-m", "generator.cli", "build", "--root", str(root),
           "--region", spec.id, "--out", str(out / spec.id)]
    if args.records:
        cmd += ["--records", str(Path(args.records).resolve())]
    if args.offline:
        cmd.append("--offline")
    env = dict(os.environ)
    env.pop("JINGYAN_REGION", None)
    if site_url:
        env["JINGYAN_SITE_URL"] = site_url.rstrip("/") + f"/{spec.id}/"
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, encoding="utf-8", errors="replace")
    return proc.returncode, time.perf_counter() - started, proc.stdout


def run(args) -> int:
    from ..problems import format_problems
    from ..validate import load_records

    root = Path(args.root).resolve()
    out = (root / args.out).resolve()
    records_dir = args.records or os.environ.get("JINGYAN_RECORDS") or None
    if records_dir:
        args.records = records_dir
    records, problems = load_records(root, Path(records_dir) if records_dir else None)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        print(f"\n记录有 {len(problems)} 处问题，没有生成任何地区。", file=sys.stderr)
        return 1
    records_root = Path(records_dir).resolve() if records_dir else root
    config_root = records_root if (records_root / "site_config").is_dir() else root
    sites, site_problems = read_sites(config_root, records)
    if site_problems:
        print("\n".join(site_problems), file=sys.stderr)
        return 1
    specs = region_specs(records, sites)
    if not specs:
        print("没有可生成的地区：sites.yml 中没有列出地区，记录中也没有顶级公安局。", file=sys.stderr)
        return 1
    todo = specs
    if args.only:
        wanted = [x.strip() for x in args.only.split(",") if x.strip()]
        unknown = [w for w in wanted if w not in {s.id for s in specs}]
        if unknown:
            print(f"--only 中的地区不在地区列表中：{'、'.join(unknown)}", file=sys.stderr)
            return 1
        todo = [s for s in specs if s.id in wanted]

    failed = []
    if not args.landing_only:
        site_url = args.site_url or os.environ.get("JINGYAN_SITE_URL")
        jobs = max(1, min(args.jobs, len(todo)))
        print(f"生成 {len(todo)} 个地区（同时 {jobs} 个）到 {out}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(build_one, s, args, root, out, site_url): s for s in todo}
            for future in as_completed(futures):
                spec = futures[future]
                code, secs, log = future.result()
                if code == 0:
                    print(f"✔ {spec.title}（{spec.id}）：{secs:.1f} 秒", file=sys.stderr, flush=True)
                else:
                    failed.append(spec)
                    tail = "\n".join("    " + line for line in log.strip().splitlines()[-30:])
                    print(f"✘ {spec.title}（{spec.id}）生成失败（退出码 {code}），该地区保留上一次的网站：\n{tail}",
                          file=sys.stderr, flush=True)
        print(f"用时 {time.perf_counter() - started:.1f} 秒。", file=sys.stderr)
    if failed:
        print(f"{len(failed)} 个地区生成失败：{'、'.join(s.id for s in failed)}；入口页没有更新。", file=sys.stderr)
        return 1
    missing = [s.id for s in specs if not (out / s.id / "index.html").exists()]
    if missing:
        print(f"注意：以下地区还没有生成过网站，入口页中的链接暂时无效：{'、'.join(missing)}", file=sys.stderr)
    write_atomic(out / "index.html", landing_page(records.site.title, records.site.description, specs, out))
    print(f"✔ 入口页已生成：{out / 'index.html'}", file=sys.stderr)
    return 0
