"""The GitLab pipeline (.gitlab-ci.yml) run for real, job by job, with gitlab-ci-local
(npm, tests/node/ci) and its shell executor, in a scratch copy of this repository.

Default branch: validate, then pages, with no CI_PAGES_URL at all (Pages off, or an
instance that does not set it): `pages` must produce public/index.html. Merge
request: validate and build run side by side, so a broken record is reported by
the validator even though the build fails too. The jobs' `pip install -e .` goes
into a throwaway virtual environment (tests/ci_tools.py: jobs_venv).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ci_tools import clean_env, jobs_venv, npm_tool, program, source_copy
from conftest import BASE, REPO

SKELETON = REPO / "generator" / "skeleton" / ".gitlab-ci.yml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# a merge-request pipeline: that source, and no branch of its own (GitLab sets none)
MERGE_REQUEST = ("--variable", "CI_PIPELINE_SOURCE=merge_request_event", "--unset-variable", "CI_COMMIT_BRANCH",
                 "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """This checkout with the small frozen records of the validator tests, committed
    on `main` (gitlab-ci-local reads the branch and the remote from git)."""
    program("git")
    program("rsync")  # gitlab-ci-local copies the tracked files with it
    root = tmp_path_factory.mktemp("gitlab")
    src = source_copy(root / "project")
    shutil.rmtree(src / "records")
    shutil.copytree(BASE / "records", src / "records")
    env = clean_env(jobs_venv(root / "jobs-venv"), root / "home")
    env.update(GIT_AUTHOR_NAME="测试", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="测试", GIT_COMMITTER_EMAIL="t@example.invalid")
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "records"],
                ["remote", "add", "origin", "https://gitlab.example.invalid/police/jingyan.git"]):
        subprocess.run(["git", *cmd], cwd=src, env=env, check=True, capture_output=True)
    return src, env


def gitlab_ci_local(project: Path, env: dict, *args) -> tuple[int, str]:
    tool = npm_tool("gitlab-ci-local").parent / ".bin" / "gitlab-ci-local"
    run = subprocess.run([str(tool), "--force-shell-executor",
                          "--no-color", "--home", str(Path(env["HOME"]) / ".gitlab-ci-local"), *args],
                         cwd=project, env=env, capture_output=True, text=True, timeout=1200)
    return run.returncode, ANSI.sub("", run.stdout + run.stderr)


@pytest.mark.slow
def test_default_branch_publishes_without_pages_url(project):
    src, env = project
    rc, out = gitlab_ci_local(src, env, "--unset-variable", "CI_PAGES_URL")
    print("\n".join(l for l in out.splitlines() if l.startswith("pages") or re.match(r"\s*(PASS|FAIL)", l)))
    assert rc == 0, out[-4000:]
    assert re.search(r"PASS\s+validate", out) and re.search(r"PASS\s+pages", out), out[-4000:]
    index = src / "public" / "index.html"
    assert index.is_file()
    assert '<link rel="canonical"' not in index.read_text(encoding="utf-8")  # no made-up address


@pytest.mark.slow
def test_merge_request_validates_beside_the_build(project):
    src, env = project
    unit = src / "records" / "units" / "xiagezhuang-pcs.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("kind: station", "kind: 派出所"), encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "broken"], cwd=src, env=env, check=True, capture_output=True)
    rc, out = gitlab_ci_local(src, env, *MERGE_REQUEST, "--variable", "CI_PAGES_URL=")
    assert rc != 0
    assert re.search(r"FAIL\s+validate", out) and re.search(r"FAIL\s+build", out), out[-4000:]
    assert "records/units/xiagezhuang-pcs.yml:" in out, out[-4000:]
    assert "pages" not in re.findall(r"(?:PASS|FAIL)\s+(\S+)", out)


def _without_install(config: dict) -> dict:
    out = {k: v for k, v in config.items() if k != "default"}
    out["variables"] = {k: v for k, v in config["variables"].items() if k != "JINGYAN_PACKAGE"}
    return out


def test_skeleton_pipeline_is_this_one_with_the_package_installed():
    """Records repositories run the same pipeline; only the install step differs: the
    package (JINGYAN_PACKAGE, default `jingyan`) from the index, not this checkout."""
    ours = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    theirs = yaml.safe_load(SKELETON.read_text(encoding="utf-8"))
    assert _without_install(theirs) == _without_install(ours)
    assert theirs["variables"]["JINGYAN_PACKAGE"] == "jingyan"
    assert theirs["default"]["before_script"] == ['python -m pip install "$JINGYAN_PACKAGE"']
    assert ours["default"]["before_script"] == ["python -m pip install -e ."]
    for config in (ours, theirs):
        assert config["image"] == "$JINGYAN_PYTHON_IMAGE" and "PIP_INDEX_URL" in config["variables"]
        assert "JINGYAN_SITE_URL" not in config["variables"]  # from CI_PAGES_URL, only when set


def test_skeleton_pipeline_passes_gitlabs_schema(tmp_path):
    """gitlab-ci-local checks the records repository's pipeline against GitLab's own
    JSON Schema and plans the same jobs (the jobs themselves need `jingyan init`'s
    package installed; the wheel-only init test runs them)."""
    program("git")
    shutil.copyfile(SKELETON, tmp_path / ".gitlab-ci.yml")
    env = clean_env(Path(program("node")).parent, tmp_path / "home")
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "ci"]):
        subprocess.run(["git", *cmd], cwd=tmp_path, env=env, check=True, capture_output=True)
    rc, out = gitlab_ci_local(tmp_path, env, "--list")
    assert rc == 0 and "json schema validated" in out, out
    assert re.search(r"^validate\s+check", out, re.M) and re.search(r"^pages\s+deploy", out, re.M), out
    rc, out = gitlab_ci_local(tmp_path, env, "--list", *MERGE_REQUEST)
    assert rc == 0 and re.search(r"^build\s+check", out, re.M) and not re.search(r"^pages", out, re.M), out
