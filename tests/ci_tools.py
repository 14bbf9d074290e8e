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


def source_copy(dst: Path) -> Path:
    """This checkout's files as they are now (committed or not; not what git ignores)."""
    import subprocess
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dst / rel)
    return dst


def jobs_venv(dst: Path) -> Path:
    """A new virtual environment for CI jobs run here: `pip install -e .` in a job goes
    into it, never into the tests' own environment. It sees the packages this test
    run has (a .pth of their folders, without their .pth files), so that pip finds
    the dependencies installed and only installs jingyan itself from the job's copy."""
    import subprocess
    import sys
    import sysconfig
    subprocess.run([sys.executable, "-m", "venv", str(dst)], check=True)
    python = dst / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    folders = [p for p in sys.path if p.endswith("site-packages")] or [sysconfig.get_paths()["purelib"]]
    (Path(site) / "zzz-test-run-packages.pth").write_text("\n".join(folders) + "\n", encoding="utf-8")
    return dst / "bin"


def clean_env(bin_dir: Path, home: Path) -> dict:
    """The environment for an outside program: `bin_dir` first on PATH, this test
    run's virtual environment off it, HOME elsewhere."""
    import sys
    ours = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != ours]
    env["PATH"] = os.pathsep.join([str(bin_dir), *path])
    env["HOME"] = str(home)
    return env
