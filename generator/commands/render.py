"""`jingyan render --out DIR`: write the generated Markdown to disk for inspection."""
from __future__ import annotations

from pathlib import Path

from ..naming import load_phrases
from ..pages import TemplateProblem, checked_path, make_env, plan_site, render_page
from ..problems import format_problems
from ..validate import load_records


def add_arguments(p):
    p.add_argument("--out", required=True, help="写入生成的 Markdown 的文件夹")
    p.add_argument("--records", help="另一套记录所在的文件夹（默认仓库本身）")


def run(args) -> int:
    root = Path(args.root)
    records, problems = load_records(root, args.records and Path(args.records))
    if problems:
        print(format_problems(problems))
        return 1
    out = Path(args.out)
    try:
        tree = Path(args.records) if args.records else root
        env = make_env(root, records.site.templates_dir, tree if (tree / "site_config").is_dir() else root)
        phrases, _ = load_phrases(root)
        plan = plan_site(records, phrases)
        pages = [(spec.path, render_page(env, spec)) for spec in plan.pages] + sorted(plan.csvs.items())
    except TemplateProblem as e:
        print(e)
        return 1
    for path, text in pages:
        target = out / checked_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"已写入 {len(plan.pages)} 个页面和 {len(plan.csvs)} 个 CSV 到 {out}")
    return 0
