"""`jingyan compile`: 经验汇编, a printable compilation of chosen practices.

    jingyan compile --category fengqiao --out 汇编.pdf
    jingyan compile --practice a --practice b --title … --compiler … --out 汇编.docx

The format follows the extension of --out (.pdf or .docx). Records are
loaded and validated as for the site; a bad selection, missing dependencies
or a failure while writing leave no file behind (an existing one untouched):
the file is written whole, atomically (generator/atomic.py), or not at all.
Exit status: 0 written, 1 nothing written.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path


def add_arguments(p):
    p.add_argument("--out", required=True, metavar="文件",
                   help="输出文件：以 .pdf 结尾生成 PDF，以 .docx 结尾生成 Word 文件")
    p.add_argument("--category", metavar="分类", help="只收某个分类（分类编号或名称）")
    p.add_argument("--region", metavar="单位", help="只收某个单位及其全部下属单位的做法（单位编号或全称）")
    p.add_argument("--tag", metavar="标签", help="只收带有这个标签的做法")
    p.add_argument("--brand", metavar="品牌", help="只收体现某个警务品牌的做法（品牌编号或名称）")
    p.add_argument("--since", metavar="YYYY-MM", help="只收报告期截至这个年月或更晚的做法，如 2020-01")
    p.add_argument("--practice", action="append", default=[], metavar="编号",
                   help="收录指定的做法（可写多次，按书写顺序排列）；与其他条件同时使用时须都满足")
    p.add_argument("--title", metavar="标题", help="封面标题（默认“经验汇编”）")
    p.add_argument("--compiler", metavar="编印单位", help="封面上的编印单位（默认网站名称）")
    p.add_argument("--records", metavar="文件夹", help="另一套记录所在的文件夹（默认仓库本身）")


def _fail(message: str, out: Path) -> int:
    from .. import messages as M
    print(message, file=sys.stderr)
    kept = M.COMPILE_KEPT.format(path=out) if out.exists() else ""
    print(M.COMPILE_NOT_WRITTEN.format(kept=kept), file=sys.stderr)
    return 1


def run(args) -> int:
    from .. import messages as M
    from ..atomic import write_atomic
    from ..cache import CACHE_DIR
    from ..charts import ChartError
    from ..compile import (FORMATS, KIND_NAMES, Selection, SelectionError, build_compilation,
                           missing_dependency, select, write)
    from ..problems import format_problems
    from ..validate import load_records

    started = time.perf_counter()
    root = Path(args.root)
    out = Path(args.out)
    fmt = FORMATS.get(out.suffix.lower())
    if not fmt:
        return _fail(M.COMPILE_BAD_OUT.format(value=args.out), out)
    missing = missing_dependency(fmt)
    if missing:
        return _fail(missing, out)
    records, problems = load_records(root, args.records and Path(args.records), cache_dir=root / CACHE_DIR)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        return _fail(f"记录中有 {len(problems)} 处问题，请先改正。", out)
    try:
        selected = select(records, Selection(category=args.category, region=args.region, tag=args.tag,
                                             brand=args.brand, since=args.since, practices=args.practice))
    except SelectionError as e:
        return _fail(str(e), out)
    doc = build_compilation(records, selected, args.title, args.compiler)
    try:
        written = write(doc, fmt, root / CACHE_DIR)
    except ChartError as e:
        return _fail(f"图表无法绘制：{e}", out)
    except Exception as e:  # fonts, cache folder, or a bug: said in a sentence, not a traceback
        return _fail(f"生成{KIND_NAMES[fmt]}时出错（{type(e).__name__}：{e}）。请把这条信息告诉维护网站的同事。", out)
    try:
        write_atomic(out, written.data)
    except OSError as e:
        return _fail(f"无法写入 {out}：{e.strerror or e}", out)
    pages = f"{written.pages} 页，" if written.pages else ""
    print(M.COMPILE_WRITTEN.format(kind=KIND_NAMES[fmt], path=out, n=doc.count, pages=pages,
                                   kib=round(len(written.data) / 1024), secs=time.perf_counter() - started))
    return 0
