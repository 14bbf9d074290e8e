"""The pre-commit hook a records repository gets (generator/skeleton/.pre-commit-config.yaml),
run by pre-commit itself in a scratch git repository.

pre-commit installs jingyan into an environment of its own (language: python), from
this checkout instead of the package index; nothing of this test's Python is on
the hook's PATH. Deleting a unit that other records still name is a one-file commit:
the hook must check the whole tree and refuse it with the path:line:column message.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from ci_tools import program, source_copy
from conftest import REPO, make_repo

SKELETON = REPO / "generator" / "skeleton" / ".pre-commit-config.yaml"


def _git(repo: Path, *args, check=True, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check, env=env)


def test_hooks_file_and_skeleton_agree():
    """The hook this repository offers and the one `jingyan init` writes are the same hook."""
    offered = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = yaml.safe_load(SKELETON.read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    for key in ("id", "entry", "language", "pass_filenames", "always_run", "require_serial"):
        assert offered[key] == local[key], key
    assert local["language"] == "python" and local["pass_filenames"] is False and local["always_run"] is True


@pytest.mark.slow
def test_hook_refuses_deleting_a_referenced_unit(tmp_path):
    program("git")
    src = source_copy(tmp_path / "jingyan-src")
    repo = make_repo(tmp_path / "records")
    config = yaml.safe_load(SKELETON.read_text(encoding="utf-8"))
    config["repos"][0]["hooks"][0]["additional_dependencies"] = [str(src)]  # instead of the index
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    # the hook must not find this test's jingyan: PATH without our virtual environment
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.update(GIT_AUTHOR_NAME="测试", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="测试", GIT_COMMITTER_EMAIL="t@example.invalid")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "records", "--no-verify", env=env)
    precommit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*precommit, "install"], cwd=repo, env=env, check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run([*precommit, "install-hooks"], cwd=repo, env=env, check=True, capture_output=True)
    print(f"pre-commit environment installed in {time.monotonic() - started:.1f} s")

    # a good change commits: the hook passes on a valid tree
    (repo / "records/units/dongshan-post.yml").write_text(
        "id: dongshan-post\nname: 东山警务室\nkind: post\nparent: xiagezhuang-pcs\n"
        "region: {province: 山东省, city: 青岛市}\n", encoding="utf-8")
    _git(repo, "add", "-A")
    ok = _git(repo, "commit", "-m", "警务室", check=False, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # deleting the bureau that xiagezhuang-pcs names as its parent: one file, refused
    _git(repo, "rm", "-q", "records/units/laixi-psb.yml")
    refused = _git(repo, "commit", "-m", "删除单位", check=False, env=env)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "records/units/xiagezhuang-pcs.yml:" in out and "laixi-psb" in out, out
    line = next(l for l in out.splitlines() if l.startswith("records/units/xiagezhuang-pcs.yml:"))
    path, row, col, message = line.split(":", 3)
    assert row.isdigit() and col.isdigit() and message.strip(), line
    assert _git(repo, "log", "--format=%s").stdout.split() == ["警务室", "records"]

    # the hook's cache stays out of git (this repository's .gitignore does not name it)
    assert (repo / ".cache").is_dir()
    assert _git(repo, "status", "--porcelain", "--untracked-files=all").stdout.splitlines() == \
        ["D  records/units/laixi-psb.yml"]

    # a warm run: environment installed, records memo filled
    _git(repo, "reset", "-q", "--hard")
    times = []
    for _ in range(3):
        started = time.monotonic()
        run = subprocess.run([*precommit, "run", "jingyan-validate"], cwd=repo, env=env,
                             capture_output=True, text=True)
        times.append(time.monotonic() - started)
        assert run.returncode == 0, run.stdout + run.stderr
    print(f"warm hook run: {min(times):.2f} s (best of 3: {', '.join(f'{t:.2f}' for t in times)})")
