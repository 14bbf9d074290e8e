"""Every command in the staff guide (docs/guide/*.md) runs as written.

```bash blocks run line by line, each in a fresh copy of the repository; so do the
jingyan commands of ```powershell blocks, split the way PowerShell splits them (it
takes “ ” as quotation marks), and they must split the same way in bash. Other
Windows lines (```powershell, ```bat) are checked as far as Linux allows: quoting,
and a program the guide has introduced; ```sh blocks pass `bash -n`. The worked
example (example.md) runs as one sequence: its commands in order, and each ```yaml
block headed “# 文件：path” written to that file, ending with the unit's page.
"""
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


EXAMPLE = "example.md"


def blocks(page: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def lines_of(block: str, comment: tuple[str, ...] = ("#",)) -> list[str]:
    return [ln.strip() for ln in block.splitlines() if ln.strip() and not ln.strip().startswith(comment)]


def guide_commands() -> list[tuple[str, str]]:
    out = []
    for page in sorted(GUIDE.glob("*.md")):
        if page.name == EXAMPLE:
            continue
        for block in blocks(page, "bash"):
            out += [(page.name, line) for line in lines_of(block)]
        for block in blocks(page, "powershell"):
            out += [(page.name, line) for line in lines_of(block) if line.startswith("jingyan ")]
    return out


# ---------------------------------------------------------------- how Windows shells split a line

PS_SINGLE = "'\u2018\u2019\u201a\u201b"   # ' ‘ ’ ‚ ‛ all open and close a verbatim string
PS_DOUBLE = '"\u201c\u201d\u201e'          # " “ ” „ all open and close an expanding string
PS_SPECIAL = set("$`;|&(){}@,<>")


def ps_split(line: str) -> list[str]:
    """PowerShell's argument mode, for the commands a guide shows; a line using anything
    else ($variables, escapes, pipes, arrays) raises ValueError."""
    args, i, n = [], 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#":
            break  # a comment
        word, quoted = "", False
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch in PS_SINGLE or ch in PS_DOUBLE:
                family = PS_SINGLE if ch in PS_SINGLE else PS_DOUBLE
                j = i + 1
                while j < n and line[j] not in family:
                    if family is PS_DOUBLE and line[j] in "$`":
                        raise ValueError(f"{line}: $ or ` inside double quotes")
                    j += 1
                if j >= n:
                    raise ValueError(f"{line}: unclosed quote")
                word, quoted, i = word + line[i + 1:j], True, j + 1
            elif ch in PS_SPECIAL:
                raise ValueError(f"{line}: “{ch}” means something to PowerShell; quote the argument")
            else:
                word, i = word + ch, i + 1
        if word or quoted:
            args.append(word)
    return args


def cmd_split(line: str) -> list[str]:
    """cmd.exe and the C runtime: only the ASCII " quotes (so “ ” are ordinary characters)."""
    if re.search(r'[&|<>^%]', re.sub(r'"[^"]*"', "", line)):
        raise ValueError(f"{line}: & | < > ^ % mean something to cmd; quote the argument")
    if line.count('"') % 2:
        raise ValueError(f"{line}: unclosed quote")
    return [a.replace('"', "") for a in re.findall(r'(?:[^\s"]|"[^"]*")+', line)]


WINDOWS_PROGRAMS = {"python", "py", "pip", "git", "jingyan", "code", "cd", "mkdir", "dir", "winget",
                    "Set-ExecutionPolicy", "Get-ExecutionPolicy", r".venv\Scripts\Activate.ps1",
                    r".venv\Scripts\activate.bat", "deactivate", "mkdocs", "where", "Get-Command"}


def windows_lines() -> list[tuple[str, str, str]]:
    out = []
    for page in sorted(GUIDE.glob("*.md")):
        out += [(page.name, "powershell", ln) for b in blocks(page, "powershell") for ln in lines_of(b)]
        out += [(page.name, "bat", ln) for b in blocks(page, "bat") for ln in lines_of(b, ("REM ", "rem ", "::"))]
    return out


@pytest.mark.parametrize("page,shell,line", windows_lines(), ids=[f"{s}:{ln}" for _, s, ln in windows_lines()])
def test_windows_lines_split_as_meant(page, shell, line):
    args = ps_split(line) if shell == "powershell" else cmd_split(line)
    assert args and args[0] in WINDOWS_PROGRAMS, f"{page}: {line}"
    if args[0] == "jingyan" and shell == "powershell":  # the same words in bash: the Linux note holds
        assert shlex.split(line, comments=True) == args, f"{page}: {line}"


def test_powershell_quoting_trap_is_real_and_explained():
    # PowerShell ends a "…" string at “ or ”: the quotation marks of the name silently vanish
    assert ps_split('jingyan new brand --name "“警民夜话”工作法"')[-1] == "警民夜话工作法"
    assert ps_split("jingyan new brand --name '“警民夜话”工作法'")[-1] == "“警民夜话”工作法"
    assert cmd_split('jingyan new brand --name "“警民夜话”工作法"')[-1] == "“警民夜话”工作法"
    first_use = (GUIDE / "first-use.md").read_text(encoding="utf-8")
    assert "'“警民夜话”工作法'" in first_use and "警民夜话工作法" in first_use


def test_sh_blocks_are_valid_bash():
    for page in sorted(GUIDE.glob("*.md")):
        for block in blocks(page, "sh"):
            r = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True)
            assert r.returncode == 0, f"{page.name}: {r.stderr}"


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
    args = shlex.split(command, comments=True)  # a “# …” note after a command is a comment in both shells
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


def test_worked_example(tmp_path):
    """example.md, literally: each command in order, each file as shown, then the page."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo, ignore=SKIP)
    if (REPO / ".cache/jingyan/charts").is_dir():
        shutil.copytree(REPO / ".cache/jingyan/charts", repo / ".cache/jingyan/charts")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    text = (GUIDE / EXAMPLE).read_text(encoding="utf-8")
    steps = re.findall(r"```(powershell|yaml)\n(.*?)```", text, re.S)
    assert [k for k, _ in steps].count("yaml") == 3
    took = []
    for kind, body in steps:
        if kind == "yaml":
            target = re.match(r"# 文件：(\S+)\n", body)
            assert target, body[:40]
            path = repo / target.group(1)
            assert path.exists(), f"the step before should have made {target.group(1)}"
            path.write_text(body, encoding="utf-8")
            continue
        for line in lines_of(body):
            start = time.perf_counter()
            result = subprocess.run(ps_split(line), cwd=repo, env=env, capture_output=True, text=True,
                                    timeout=900)
            took.append((line, time.perf_counter() - start))
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stdout + result.stderr
            if line.startswith("jingyan validate"):
                assert "问题" not in result.stdout.replace("全部记录检查通过", ""), result.stdout
    page = (repo / "site/units/nanlingcun-post/index.html").read_text(encoding="utf-8")
    assert "南岭村警务室" in page and "板凳会" in page
    assert (repo / "site/practices/nanlingcun-bandenghui/index.html").exists()
    print("\n".join(f"{t:6.1f} s  {line}" for line, t in took))


def test_error_table_covers_the_bad_records_corpus():
    """Every message of tests/bad_records a staff member can meet is in errors.md, word for
    word (the generated and hostile cases, symlinks and 50 MB files, are left out)."""
    import yaml
    cases = yaml.safe_load((REPO / "tests/bad_records/cases.yml").read_text(encoding="utf-8"))
    table = (GUIDE / "errors.md").read_text(encoding="utf-8")
    missing = sorted({e.split(": ", 1)[1] for c in cases if not (c.get("generate") or c.get("hostile"))
                      for e in c["expect"]} - {f for f in [] if f})
    missing = [m for m in missing if m not in table]
    assert missing == []
    # the messages staff hit most, with before/after snippets and the editor steps
    for text in ("冒号后面缺少空格", "缩进不一致", "同一层里混用了“- ”列表项和“字段: 值”", "文件名“dongshan.yml”",
                 "文件开头带有 BOM 标记", "name：南岭村警务室", "通过编码保存", "不要**选“带有 BOM 的 UTF-8”"):
        assert text in table, text


def test_edit_links_of_guide_pages_point_to_their_files(monkeypatch):
    """“编辑此页” on a hand-written page opens docs/guide/…, where the file is (not guide/…)."""
    monkeypatch.setenv("JINGYAN_REPO_URL", "https://git.test/police/records")  # none by default
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from generator.plugin import JingyanPlugin
    config = load_config(str(REPO / "mkdocs.yml"))
    plugin = JingyanPlugin()
    plugin.root, plugin.sources = REPO, {}
    for name in ("index.md", "first-use.md", "example.md"):
        page = Page(None, File(f"guide/{name}", str(REPO / "docs"), str(REPO / "site"), True), config)
        plugin.on_page_context({}, page, config, None)
        assert page.edit_url == config.repo_url.rstrip("/") + "/" + config.edit_uri.strip("/") + \
            f"/docs/guide/{name}"
