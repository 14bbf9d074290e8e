"""`jingyan validate`: check every record; exit 0 when all is well, 1 when not."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from .. import messages as M, stats
from ..problems import Problem, format_problems
from ..cache import CACHE_DIR
from ..validate import load_records, unlinked_unit_warnings


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        import argparse
        raise argparse.ArgumentTypeError(f"“{text}”不是有效的日期，请写成 2024-06-15 这样的格式")


def add_arguments(p):
    p.add_argument("--records", help="另一套记录所在的文件夹（默认仓库本身）")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="text：文件:行:列: 说明；github：GitHub Actions 注释")
    p.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD",
                   help="判断“未来的年月”时当作今天的日期（默认今天；测试时用来固定结果）")
    p.add_argument("paths", nargs="*", help="（可选）只报告这些文件的问题；检查始终针对全部记录")


def _relative(path: str, base: Path) -> str:
    """A path as the problems name it: relative to `base`, forward slashes.
    Not resolved through symlinks: a link is reported under its own name."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(base))).as_posix()
    except ValueError:
        return Path(path).as_posix()


def run(args) -> int:
    records, problems = load_records(Path(args.root), args.records and Path(args.records), today=args.today,
                                     cache_dir=Path(args.root) / CACHE_DIR)
    if args.paths:  # pre-commit passes the changed files; references still need the whole tree
        base = Path(args.records or args.root)
        wanted = {_relative(p, base) for p in args.paths}
        problems = [p for p in problems if p.path in wanted]
    if problems:
        print(format_problems(problems, args.format))
        print(f"\n共发现 {len(problems)} 处问题。", file=sys.stderr)
        return 1
    if records is None:  # problems were only in files not asked about
        return 0
    print(f"全部记录检查通过：{len(records.units)} 个单位、{len(records.practices)} 条经验做法"
          f"（另有 {len(records.drafts)} 条草稿）、{len(records.brands)} 个品牌、"
          f"{len(records.stats)} 个统计文件。")
    notes = unlinked_unit_warnings(records)
    if args.paths:  # pre-commit: the files asked about; the comparison needs the whole tree
        notes = [n for n in notes if n.path in wanted]
    else:
        notes += comparison_warnings(records)
    if notes:
        for n in notes:
            print(n.format_github().replace("::error ", "::warning ").replace("title=记录有误", "title=提示")
                  if args.format == "github" else n.format())
        print(M.WARN_SUMMARY.format(n=len(notes)))
    return 0


def comparison_warnings(records) -> list[Problem]:
    """A warning for each practice with statistics but no usable comparison group (成效对照)."""
    model = stats.build(records)
    out = []
    for pid, p in sorted(records.practices.items()):
        if stats.lacks_comparison(stats.practice_effects(model, pid, stats.practice_metric_ids(model, pid))):
            out.append(Problem(p.where.path if p.where else f"records/practices/{pid}.yml",
                               p.where.line if p.where else 0, 0,
                               M.WARN_NO_COMPARISON.format(title=p.title, id=pid, months=stats.MIN_MONTHS,
                                                           n=stats.MIN_GROUP)))
    return out
