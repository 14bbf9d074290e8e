"""How soon `jingyan serve` shows an edited practice.

    python benchmarks/serve.py --size county [--edits 3] [--full] [--cache DIR]

Writes a synthetic records tree (benchmarks/synth.py) and a private copy of
the repository's configuration (as run.py does), starts `jingyan serve` on a
free port, waits for the first build, then edits one practice's title
`--edits` times. For each edit it prints the seconds from saving the file to
the served practice page showing the new title (polled every 0.1 s).
`--full` measures plain full rebuilds (`jingyan serve --full`, like
`mkdocs serve`) instead of the default dirty rebuilds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402
from run import private_root  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_for(url: str, text: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = _get(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout:.0f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="county", choices=sorted(synth.SIZES))
    ap.add_argument("--workdir", default="/tmp/jingyan-serve-bench")
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--cache", help="a .cache/jingyan folder to start from (e.g. a benchmark root's): "
                                    "a staff checkout has one, so the first build draws nothing")
    args = ap.parse_args(argv)
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    data = work / "records-tree"
    synth.main(["--size", args.size, "--out", str(data)])
    root = private_root(work / "root")
    if args.cache:
        shutil.copytree(args.cache, root / ".cache/jingyan")
    practice = next(p for p in sorted((data / "records/practices").glob("*.yml"))
                    if "status: draft" not in p.read_text(encoding="utf-8"))  # drafts have no page
    port = _free_port()
    cmd = [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--records", str(data),
           "--dev-addr", f"127.0.0.1:{port}"] + (["--full"] if args.full else [])
    log = open(work / "serve.log", "wb")
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    url = f"http://127.0.0.1:{port}/practices/{practice.stem}/"
    try:
        first = _wait_for(url, "<html", timeout=1800)
        print(f"first build served after {first:.1f} s ({args.size}, {'full' if args.full else 'dirty'} rebuilds)")
        times = []
        for i in range(1, args.edits + 1):
            marker = f"改动标记{i}号"
            text = practice.read_text(encoding="utf-8")
            lines = [f"title: {marker}{line.split(':', 1)[1].strip()}" if line.startswith("title:") else line
                     for line in text.splitlines()]
            practice.write_text("\n".join(lines) + "\n", encoding="utf-8")
            seconds = _wait_for(url, marker, timeout=600)
            times.append(seconds)
            print(f"edit {i}: the practice page showed the new title after {seconds:.1f} s")
            time.sleep(2)  # let livereload settle before the next edit
        print(f"median {statistics.median(times):.1f} s over {len(times)} edits")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
