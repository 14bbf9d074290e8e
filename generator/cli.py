"""The `jingyan` command: parse arguments, call the stages, print problems.

Each sub-command lives in a module with `add_arguments(parser)` and
`run(args) -> int`; this file only wires them up, so `jingyan --help` lists
them all and no command's dependencies load unless it runs.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "validate": ("generator.commands.validate", "检查全部记录，有问题时逐条列出（文件:行:列: 说明）"),
    "build": ("generator.commands.build", "生成网站到 site/（失败时保留上一次的网站）"),
    "build-regions": ("generator.commands.regions", "按地区分别生成网站（并行），再生成入口页 site-regions/index.html"),
    "serve": ("generator.commands.serve", "本地预览网站；改动记录后只重建受影响的页面，几秒内可见"),
    "render": ("generator.commands.render", "把生成的 Markdown 写到指定文件夹，便于检查"),
    "schema": ("generator.commands.schema", "生成记录的 JSON Schema（编辑器自动补全用）"),
    "new": ("generator.commands.new", "按模板新建一条记录：unit、practice、brand 或 stats"),
    "import-stats": ("generator.importers.stats", "从 .csv 或 .xlsx 表格导入月度统计"),
    "compile": ("generator.commands.compile", "生成经验汇编：把选定的经验做法编成可打印的 PDF 或 Word 文件"),
    "import-article": ("generator.importers.article", "从新闻或工作报告文章生成经验做法草稿"),
}


def main(argv: list[str] | None = None) -> int:
    # Windows consoles default to a legacy code page; Chinese must not crash printing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = argparse.ArgumentParser(prog="jingyan", description="警务经验网站生成工具")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.required = True
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--root", default=".", help="仓库根目录（默认当前目录）")
        module = importlib.import_module(module_name)
        module.add_arguments(p)
        modules[name] = module
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
