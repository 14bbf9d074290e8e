"""Outside programs some tests need (node, git, the npm tools of tests/node/ci).

Missing one, such a test skips with the reason; under CI (CI=true) it fails
instead, so that a green CI run never hides a test that did not run.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NODE_CI = REPO / "tests" / "node" / "ci"  # package.json + lock: `npm ci --prefix tests/node/ci`


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"must run under CI: {reason}")
    pytest.skip(reason)


def program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        unavailable(f"{name} is not installed")
    return found


def npm_tool(package: str) -> Path:
    """The folder of an npm package installed by `npm ci --prefix tests/node/ci`."""
    program("node")
    folder = NODE_CI / "node_modules" / package
    if not (folder / "package.json").is_file():
        unavailable(f"npm package {package} is missing: run `npm ci --prefix tests/node/ci`")
    return folder
