"""End to end: build the real site, serve it on localhost, drive headless Chromium.

Needs Debian's `chromium` and Playwright's Python package. Where either is
missing the tests skip with the reason, except under CI (CI=true), where a
skip would hide a broken search and so fails instead.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


def _need_browser():
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright for Python is not installed (pip install playwright)"
    if not reason and not os.path.exists(CHROMIUM):
        reason = "Chromium is not installed (apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("online") / "site"
    assert main(["build", "--root", str(REPO), "--out", str(site)]) == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("offline") / "site-offline"
    assert main(["build", "--root", str(REPO), "--offline", "--out", str(site)]) == 0
    return site


def search(page, query: str) -> list[dict]:
    """Type like a person: CJK input fires no keyup, so press End afterwards."""
    page.keyboard.press("s")  # Material's shortcut opens the search dialog
    box = page.locator("input.md-search__input")
    box.fill("")
    box.type(query)
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=15000)
    page.wait_for_timeout(500)  # let the worker answer the full query, not a prefix
    return page.eval_on_selector_all(
        ".md-search-result__item > .md-search-result__link",
        "els => els.map(e => ({href: e.getAttribute('href'), title: e.querySelector('h1,h2')?.textContent || ''}))")


EXPECTED_FIRST = {
    "四头": "practices/xiagezhuang-sitou",
    "喻事好商量": "yushi-haoshangliang",
    "枫桥": "practices/",
    "警务助理": "practices/buzhuang-124",
    "矛盾纠纷": "practices/",
}


def test_search_finds_chinese_and_nothing_leaves_localhost(browser, served_site):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(served_site)
    for query, expected in EXPECTED_FIRST.items():
        results = search(page, query)
        top = [r["href"] for r in results[:3]]
        assert any(expected in (h or "") for h in top), (query, results[:5])
        page.keyboard.press("Escape")
    # open a practice and a unit page too, as a reader would
    page.goto(served_site + "practices/xiagezhuang-sitou/")
    page.goto(served_site + "units/xiagezhuang-pcs/")
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts
    page.close()


def test_offline_build_searches_from_file_url(browser, offline_site):
    assert (offline_site.parent / "site-offline.zip").exists()
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((offline_site / "index.html").as_uri())
    results = search(page, "四头")
    assert any("xiagezhuang-sitou" in (r["href"] or "") for r in results[:3]), results[:5]
    # navigation works from the file system too
    page.goto((offline_site / "practices" / "xiagezhuang-sitou.html").as_uri())
    assert "四头" in page.title()
    external = [u for u in requests if urlparse(u).scheme in ("http", "https")]
    assert external == []
    page.close()
