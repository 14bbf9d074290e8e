"""Shared fixtures: a small valid repository to break on purpose.

`make_repo(dst)` copies the live site configuration (site, metrics, categories)
and a frozen minimal set of valid records (tests/bad_records/_base/: units
laixi-psb and xiagezhuang-pcs, brand sitou-gongzuofa, practice
xiagezhuang-sitou, stats xiagezhuang-pcs/2019). The records are frozen copies,
not the live ones, so that records other people add or edit in records/ cannot
change what the validator tests expect.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BAD = REPO / "tests" / "bad_records"
BASE = BAD / "_base"
CONFIG_FILES = ("site.yml", "metrics.yml", "categories.yml")
# "today" for every validator test: future years and months must not depend on the calendar
TODAY = date(2024, 6, 15)


def make_repo(dst: Path) -> Path:
    (dst / "site_config").mkdir(parents=True, exist_ok=True)
    for name in CONFIG_FILES:
        shutil.copyfile(REPO / "site_config" / name, dst / "site_config" / name)
    shutil.copytree(BASE, dst, dirs_exist_ok=True)
    return dst


def units_repo(dst: Path, units: dict[str, str]) -> Path:
    """The live site configuration, empty record folders, and `units` (id → YAML):
    where the statistics importer's tests import into."""
    shutil.copytree(REPO / "site_config", dst / "site_config")
    for sub in ("units", "practices", "brands", "stats"):
        (dst / "records" / sub).mkdir(parents=True)
    for uid, text in units.items():
        (dst / "records" / "units" / f"{uid}.yml").write_text(text, encoding="utf-8")
    return dst


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A valid minimal repository in tmp_path/repo."""
    return make_repo(tmp_path / "repo")


# ------------------------------------------------------------ browser tests
# Debian's chromium driven by Playwright's Python package. Where either is
# missing the tests skip with the reason, except under CI (CI=true), where a
# skip would hide a broken page and so fails instead.

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


def need_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("Playwright for Python is not installed (pip install playwright)")
    if not os.path.exists(CHROMIUM):
        skip_or_fail("Chromium is not installed (apt-get install chromium)")


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A quiet static server for `folder` on 127.0.0.1: (server, base URL)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample site, built once for every browser test, with no repository
    configured whatever the environment says (no edit buttons)."""
    from generator.cli import main
    out = tmp_path_factory.mktemp("sample") / "site"
    saved = {k: os.environ.pop(k) for k in ("JINGYAN_REPO_URL", "JINGYAN_EDIT_URI") if k in os.environ}
    try:
        assert main(["build", "--root", str(REPO), "--out", str(out)]) == 0
    finally:
        os.environ.update(saved)
    return out


@pytest.fixture(scope="session")
def sample_url(sample_site) -> str:
    server, url = serve(sample_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()
