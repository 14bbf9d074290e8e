"""`jingyan serve`: preview the site while editing records.

`mkdocs serve` rebuilds every page after each edit (23 s for a county of 761
pages). This runs it "dirty": only the pages whose Markdown changed are built
again (generator/dirty.py), so an edited practice shows in a few seconds.
`--full` rebuilds everything, as `mkdocs serve` does.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .build import ProgressHandler


def add_arguments(p):
    p.add_argument("--records", help="另一套记录所在的文件夹（默认仓库本身）")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="地址:端口",
                   help="预览服务器的地址和端口（默认 127.0.0.1:8000）")
    p.add_argument("--full", action="store_true",
                   help="每次改动后完整重建全部页面（较慢，与正式生成完全一致）")


class _QuietDirty(logging.Filter):
    """MkDocs warns in English on every dirty build; here that is the point."""
    def filter(self, record):
        return "'dirty' build" not in record.getMessage()


def run(args) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    root = Path(args.root).resolve()
    if args.records:
        os.environ["JINGYAN_RECORDS"] = str(Path(args.records).resolve())
    handler = ProgressHandler(sys.stderr)  # the stage lines and warnings, as jingyan build shows them
    handler.addFilter(_QuietDirty())
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(handler)
    mk_log.setLevel(logging.INFO)
    mk_log.propagate = False
    print(f"预览地址：http://{args.dev_addr}/（按 Ctrl+C 停止）", file=sys.stderr)
    try:
        # not strict: a dirty build always warns, and a preview should keep running
        serve(config_file=str(root / "mkdocs.yml"), livereload=True,
              build_type=None if args.full else "dirty", strict=False, dev_addr=args.dev_addr)
    except MkDocsException as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0
