"""`jingyan build`: the whole site into site/ (or site-offline/ and its zip).

Builds into a temporary folder next to the target and swaps it in only when
everything succeeded, so a failed build never leaves a half-written site. A
lock file per output folder serialises builds into the same folder.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from .. import recycle

STAGES = {"load+validate": "读取并检查记录", "compute": "计算统计、规划页面",
          "render": "生成 Markdown 页面", "charts": "绘制图表", "segments": "搜索分词",
          "dirty": "只重建有变化的页面", "search": "预建搜索索引", "compile": "经验汇编",
          "nav": "导航侧栏", "memo": "页面模板、Markdown 转换与搜索解析"}
LABELS = {"units": "单位", "practices": "做法", "brands": "品牌", "stats_files": "统计文件",
          "pages": "页面", "charts": "图表", "words": "分词词条", "drawn": "新绘制", "cached": "沿用缓存", "segmented": "新分词", "seconds": "秒",
          "skipped": "未变而跳过的页面", "documents": "条目", "kib": "大小（KB）",
          "linked": "链接进网站", "reused": "沿用", "rendered": "生成", "drawing_seconds": "与 MkDocs 同时绘图（秒）",
          "converted": "新转换页面", "parsed": "新解析页面",
          "stats_reused": "统计各节沿用", "stats_computed": "统计各节重算"}


def add_arguments(p):
    p.add_argument("--records", help="另一套记录所在的文件夹（默认仓库本身）")
    p.add_argument("--offline", action="store_true",
                   help="生成可拷贝、可直接双击打开（file://）的离线版，并打成 zip")
    p.add_argument("--out", help="输出文件夹（默认 site，离线版默认 site-offline）")
    p.add_argument("--region", help="只生成某个单位及其下属单位（单位编号），用于按省拆分")


class ProgressHandler(logging.Handler):
    """Stage lines from the plugin, warnings and errors from MkDocs."""

    def __init__(self, stream):
        super().__init__(logging.INFO)
        self.stream, self.tty = stream, stream.isatty()

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith("jingyan: "):
            stage, _, rest = msg[len("jingyan: "):].partition(" ")
            figures = dict(kv.split("=", 1) for kv in rest.split())
            secs = figures.pop("seconds", None)
            text = "，".join(f"{LABELS.get(k, k)} {v}" for k, v in figures.items())
            name = STAGES.get(stage, stage)
            if self.tty:
                name = f"\033[1m{name}\033[0m"
            print(f"▸ {name}：{text}" + (f"（{secs} 秒）" if secs else ""), file=self.stream, flush=True)
        elif ": 提示：" in msg:  # the plugin's warnings that do not fail the build (drafts' unlinked units)
            print(msg, file=self.stream, flush=True)
        elif record.levelno >= logging.WARNING:
            level = "错误" if record.levelno >= logging.ERROR else "警告"
            print(f"{level}：{msg}", file=self.stream, flush=True)


@contextlib.contextmanager
def build_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            import fcntl
            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # Windows
            import msvcrt
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
        yield


def swap_in(tmp: Path, out: Path, trash: Path | None = None, spare: Path | None = None) -> None:
    """Replace `out` by `tmp`: two renames, never a partly written folder. The
    old site is kept as `spare`, the next build's starting folder
    (generator/recycle.py), when given and possible. Otherwise it is deleted
    by a detached process (a province site is tens of thousands of files:
    seconds of I/O the build need not wait for), after a rename into `trash`
    when given (same file system: the cache)."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    if not old.exists():
        return
    if spare is not None and recycle.keep(old, spare):
        return
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            moved = trash / f"{out.name}-{os.getpid()}-{time.time_ns()}"
            os.replace(old, moved)
            old = trash                         # also what earlier deletions left
        except OSError:
            pass                                # another file system: delete it where it is
    remove_later(old)


def remove_later(folder: Path) -> None:
    """Delete `folder` in a detached process; here and now if none can start."""
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    try:
        subprocess.Popen([sys.executable, "-c", code, str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
                         start_new_session=os.name != "nt")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def write_zip(folder: Path, zip_path: Path) -> None:
    """A reproducible zip: sorted entries, fixed timestamps (SOURCE_DATE_EPOCH)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    tmp = zip_path.with_name(zip_path.name + f".tmp-{os.getpid()}")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, zip_path)


def run(args) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    root = Path(args.root).resolve()
    out = (root / (args.out or ("site-offline" if args.offline else "site"))).resolve()
    # The plugin and mkdocs.yml read these (mkdocs.yml through !ENV); they are
    # restored afterwards so a build never changes the next one's settings.
    tag = hashlib.sha256(str(out).encode()).hexdigest()[:12]
    spare = root / ".cache" / "jingyan" / "spare" / f"{out.name}-{tag}"   # the site before last (recycle.py)
    settings = {"JINGYAN_OFFLINE": "true" if args.offline else "false", recycle.SPARE_ENV: str(spare)}
    if args.records:
        settings["JINGYAN_RECORDS"] = str(Path(args.records).resolve())
    if args.region:
        settings["JINGYAN_REGION"] = args.region
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)

    handler = ProgressHandler(sys.stderr)
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(handler)
    mk_log.setLevel(logging.INFO)
    mk_log.propagate = False
    started = time.perf_counter()
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        # one lock per output folder: builds into one folder wait for each other,
        # builds of different regions (build-regions) run side by side
        lock = root / ".cache" / "jingyan" / f"build-{tag}.lock"
        with build_lock(lock):
            cfg = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp))
            build(cfg)
            recycle.sweep(tmp)
            swap_in(tmp, out, trash=root / ".cache" / "jingyan" / "trash", spare=spare)
            if args.offline:
                write_zip(out, out.with_name(out.name + ".zip"))
    except (Abort, MkDocsException) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if not isinstance(e, Abort):  # Abort only says "Aborted with a BuildError!": the cause is logged above
            print(str(e).strip() or "生成失败。", file=sys.stderr)
        print("网站没有更新：上一次生成的网站保持不变。", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        recycle.forget(tmp)
        mk_log.removeHandler(handler)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    where = f"{out}" + (f" 和 {out.name}.zip" if args.offline else "")
    print(f"✔ 网站已生成到 {where}（共 {time.perf_counter() - started:.1f} 秒）", file=sys.stderr)
    return 0
