"""Every command in the staff guide (docs/guide/*.md, ```bash blocks) runs as written."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "guide"
SKIP = shutil.ignore_patterns(".git", "site", "site-*", ".cache", "__pycache__", "*.egg-info", "tests")


def guide_commands() -> list[tuple[str, str]]:
    out = []
    for page in sorted(GUIDE.glob("*.md")):
        for block in re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            out += [(page.name, line.strip()) for line in block.splitlines() if line.strip()]
    return out


def test_guide_has_commands():
    names = {cmd.split()[1] for _, cmd in guide_commands() if cmd.startswith("jingyan")}
    assert {"validate", "new", "import-stats", "import-article", "build"} <= names


def _prepare_inputs(repo: Path):
    """The files the guide's examples name."""
    shutil.copy(REPO / "tests/fixtures/articles" / sorted(os.listdir(REPO / "tests/fixtures/articles"))[0],
                repo / "文章.txt")
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "月度统计"
    ws.append(["单位", "年份", "月份", "刑事警情", "化解矛盾纠纷"])
    ws.append(["夏格庄派出所", 2021, 1, 3, 12])
    ws.append(["夏格庄派出所", 2021, 2, 2, 9])
    wb.save(repo / "月度统计.xlsx")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("page,command", guide_commands(), ids=[c for _, c in guide_commands()])
def test_guide_command_runs(tmp_path, page, command):
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo, ignore=SKIP)
    if (REPO / ".cache/jingyan/charts").is_dir():  # a cache is safe to share: keyed by content
        shutil.copytree(REPO / ".cache/jingyan/charts", repo / ".cache/jingyan/charts")
    _prepare_inputs(repo)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    args = shlex.split(command)
    if args[1:2] == ["serve"]:  # mkdocs serve, jingyan serve: wait for the page, then stop
        port = _free_port()
        address = ["-a", f"127.0.0.1:{port}", "--no-livereload"] if args[0] == "mkdocs" \
            else ["--dev-addr", f"127.0.0.1:{port}"]
        proc = subprocess.Popen(args + address, cwd=repo, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 300  # a cold chart cache on a busy 2-core CI machine
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/practices/xiagezhuang-sitou/") as r:
                        assert "四头" in r.read().decode("utf-8")
                        return
                except OSError:
                    assert proc.poll() is None, proc.stdout.read().decode()
                    time.sleep(1)
            pytest.fail(f"{command} did not answer within 300 s")
        finally:
            proc.terminate()
            proc.wait(20)
    result = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{page}: {command}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
