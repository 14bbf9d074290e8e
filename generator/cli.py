"""The `jingyan` command: parse arguments, call the stages, print problems.

Each sub-command lives in a module with `add_arguments(parser)` and
`run(args) -> int`; this file only wires them up, so `jingyan --help` lists
them all and no command's dependencies load unless it runs.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

COMMANDS = {
    "init": ("generator.commands.init", "新建一个记录仓库（网站设置、示例记录、CI 和编辑器配置）"),
    "validate": ("generator.commands.validate", "检查全部记录，有问题时逐条列出（文件:行:列: 说明）"),
    "build": ("generator.commands.build", "生成网站到 site/（失败时保留上一次的网站）"),
    "build-regions": ("generator.commands.regions", "按地区分别生成网站（并行），再生成入口页 site-regions/index.html"),
    "serve": ("generator.commands.serve", "本地预览网站；改动记录后只重建受影响的页面，几秒内可见"),
    "render": ("generator.commands.render", "把生成的 Markdown 写到指定文件夹，便于检查"),
    "schema": ("generator.commands.schema", "生成记录的 JSON Schema（编辑器自动补全用）"),
    "new": ("generator.commands.new", "按模板新建一条记录：unit、practice、brand 或 stats"),
    "import-stats": ("generator.importers.stats", "从表格（.xlsx .xls .ods .csv .txt）导入月度统计"),
    "compile": ("generator.commands.compile", "生成经验汇编：把选定的经验做法编成可打印的 PDF 或 Word 文件"),
    "import-article": ("generator.importers.article", "从新闻或工作报告文章生成经验做法草稿"),
}


# argparse's own words (headings, -h, errors) come through gettext, which has
# no Chinese catalogue: translate them here so `jingyan --help` and its errors
# read in Chinese like the rest of the tool.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "default: ": "默认：",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
}


def _zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def _nzh(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


argparse._ = _zh
argparse.ngettext = _nzh

# Placeholders argparse would print in capitals (--out OUT): Chinese words, by option name.
METAVARS = {"records": "文件夹", "out": "路径", "region": "单位编号", "title": "标题", "name": "名称",
            "id": "编号", "unit": "单位编号", "parent": "上级编号", "category": "分类编号", "year": "年份",
            "root": "目录", "jobs": "进程数", "only": "地区", "site_url": "网址", "file": "文件",
            "paths": "文件", "dir": "文件夹"}


class ChineseHelp(argparse.HelpFormatter):
    def _get_default_metavar_for_optional(self, action):
        return METAVARS.get(action.dest, "值")

    def _get_default_metavar_for_positional(self, action):
        return METAVARS.get(action.dest, action.dest)


def _sub_parsers(parser: argparse.ArgumentParser):
    """`parser` and every parser below it (jingyan new unit, …)."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _sub_parsers(child)


def main(argv: list[str] | None = None) -> int:
    # Windows consoles default to a legacy code page; Chinese must not crash printing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = argparse.ArgumentParser(prog="jingyan", description="警务经验网站生成工具", formatter_class=ChineseHelp)
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.required = True
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--root", default=".", metavar="目录", help="仓库根目录（默认当前目录）")
        module = importlib.import_module(module_name)
        module.add_arguments(p)
        for q in _sub_parsers(p):
            q.formatter_class = ChineseHelp
        modules[name] = module
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def entry() -> None:
    """The `jingyan` program: main(), then exit without tearing the interpreter
    down. A province build holds about 1.7 GB of Python objects, and freeing
    them one by one took 5 s after the site was already in place; every file
    is closed by then (the build writes through `with` blocks and joins its
    drawing), so only the standard streams and log handlers are flushed."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(0 if code is None else code if isinstance(code, int) else 1)


if __name__ == "__main__":
    entry()
