"""`jingyan init DIR`: start a new records repository from the installed package.

It writes mkdocs.yml, site_config/ (our defaults and the JSON Schemas), the
staff guide under docs/guide/, and the skeleton in generator/skeleton/: one
small example record of each kind, .gitignore, .gitattributes, the GitHub and
GitLab pipelines, the pre-commit hook and the VS Code settings. Templates,
theme overrides, CSS and the search shim are not copied: the package serves
them, and a file of the same name in the new repository overrides them
(see resources.py).
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from .. import resources
from ..atomic import write_atomic
from ..privacy import find_personal_data

DEFAULT_TITLE = "警务经验"
CONFIG_FILES = ("site.yml", "metrics.yml", "categories.yml", "jieba_words.txt", "pinyin_phrases.yml")


def add_arguments(p):
    p.add_argument("dir", metavar="文件夹", help="新记录仓库的文件夹（不存在时自动创建）")
    p.add_argument("--title", help=f"网站名称（默认“{DEFAULT_TITLE}”；在终端中运行且未给出时会询问）")
    p.add_argument("--force", action="store_true",
                   help="文件夹不是空的也继续：只补上缺少的文件，已有的文件一律不动")


def plan(title: str) -> dict[str, bytes | Path]:
    """Relative path in the new repository → the file to copy or the bytes to write."""
    data = resources.data_root()
    out: dict[str, bytes | Path] = {}
    mkdocs = (data / "mkdocs.yml").read_text(encoding="utf-8")
    out["mkdocs.yml"] = re.sub(r"(?m)^site_name: .*$", lambda m: f"site_name: {yaml_str(title)}", mkdocs, count=1).encode("utf-8")
    for name in CONFIG_FILES:
        out[f"site_config/{name}"] = data / "site_config" / name
    site = (data / "site_config" / "site.yml").read_text(encoding="utf-8")
    out["site_config/site.yml"] = re.sub(r"(?m)^title: .*$", lambda m: f"title: {yaml_str(title)}", site, count=1).encode("utf-8")
    for p in sorted((data / "site_config" / "schema").glob("*.json")):
        out[f"site_config/schema/{p.name}"] = p
    for p in sorted((data / "docs" / "guide").glob("*")):
        if p.is_file():
            out[f"docs/guide/{p.name}"] = p
    for p in sorted(resources.SKELETON.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            out[p.relative_to(resources.SKELETON).as_posix()] = p
    return out


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (titles may hold colons, quotes, #)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ask_title() -> str:
    if not sys.stdin.isatty():
        return DEFAULT_TITLE
    try:
        answer = input(f"网站名称（直接回车用“{DEFAULT_TITLE}”）：").strip()
    except EOFError:
        answer = ""
    return answer or DEFAULT_TITLE


def check_title(title: str) -> str | None:
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in title):
        return "网站名称里有控制字符，请只用普通文字。"
    if len(title) > 40:
        return f"网站名称太长（{len(title)} 个字），请不超过 40 个字。"
    if find_personal_data(title):
        return "网站名称里像是有个人号码（身份证号、手机号等），请改掉。"
    return None


def run(args) -> int:
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        print(f"错误：{target} 已存在，而且不是文件夹。请换一个文件夹名。", file=sys.stderr)
        return 2
    existing = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    if existing and not args.force:
        print(f"错误：文件夹 {target} 不是空的（有 {len(existing)} 项，如 {existing[0]}），为了不覆盖已有文件，什么也没写。\n"
              f"请换一个新的文件夹名；确实要在这里补上缺少的文件，加 --force（已有的文件不会被改动）。", file=sys.stderr)
        return 2
    title = (args.title if args.title is not None else ask_title()).strip() or DEFAULT_TITLE
    problem = check_title(title)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2

    written, kept = [], []
    for rel, src in plan(title).items():
        dest = target / rel
        if dest.exists():
            kept.append(rel)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(src, Path):
            shutil.copyfile(src, dest)
        else:
            write_atomic(dest, src)
        written.append(rel)

    print(f"已在 {target} 建立记录仓库“{title}”：写入 {len(written)} 个文件" +
          (f"，保留已有的 {len(kept)} 个文件（未改动）" if kept else "") + "。")
    print("下一步：\n"
          f"  cd {target}\n"
          "  jingyan validate      # 检查示例记录\n"
          "  jingyan serve         # 在 http://127.0.0.1:8000/ 预览网站\n"
          "records/ 里的示例记录（河西县公安局、十里桥派出所）只用来演示写法，正式使用前请改写或删除。\n"
          "git init 后提交，推送到 GitHub 或内网 GitLab，CI 会自动检查并发布网站。")
    return 0
