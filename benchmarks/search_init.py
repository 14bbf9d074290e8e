"""How long a reader waits for search: a built site in headless Chromium.

    python benchmarks/search_init.py SITE_DIR [--query 派出所] [--repeat 3] [--browser-built]

Serves SITE_DIR on 127.0.0.1 and, in a fresh browser context each time (no
cache: a first visit), opens the home page and measures
  files      the search files the page and its worker download (search/*.json,
             bytes on the wire)
  ready      from navigation start until the search worker has its index
             (Material's worker answers its setup message); the worker loads
             the packed index search/lunr_index.json (generator/lunr_index.py)
             or, with --browser-built, builds the index itself as stock
             Material does (the server strips `config.prebuilt`)
  first      from navigation start until a typed query shows results: what
             a reader who searches at once experiences
Prints one line per run and the median. Chromium: Debian's /usr/bin/chromium
with Playwright (see tests/test_browser.py).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

# Runs before Material's scripts: note when a search worker first posts a
# message back (type 1 = ready, after the index is built).
WATCH_WORKER = """
(() => {
  const Native = window.Worker;
  window.__jyReady = null;
  window.Worker = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener("message", e => {
        if (window.__jyReady === null && e.data && e.data.type === 1) window.__jyReady = performance.now();
      });
    }
  };
})();
"""


BROWSER_BUILT = False  # --browser-built: serve the index without naming the packed file


@functools.lru_cache(maxsize=16)
def _gzipped(path: Path) -> bytes:
    raw = path.read_bytes()
    if BROWSER_BUILT and path.name in ("search_index.json", "search_config.json"):
        data = json.loads(raw)
        data["config"].pop("prebuilt", None)
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return gzip.compress(raw, 6)


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves .json gzipped (compressed once), as a real web server would."""
    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.suffix == ".json" and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file():
            body = _gzipped(path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Bytes(body)
        return super().send_head()

    def log_message(self, *args):
        pass


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def measure(browser, url: str, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH_WORKER)
    sizes: dict[str, int] = {}

    def seen(response):  # the page's requests and its worker's
        folder, _, name = response.url.rpartition("/")
        if folder.endswith("/search") and name.endswith(".json"):
            sizes.setdefault(name, int(response.headers.get("content-length", 0)))
    page.on("response", seen)
    page.goto(url, wait_until="load")
    page.keyboard.press("s")
    box = page.locator("input.md-search__input")
    box.type(query)
    page.keyboard.press("End")  # CJK typing fires no keyup
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=120_000)
    first = page.evaluate("performance.now()")
    page.wait_for_function("window.__jyReady !== null", timeout=120_000)
    ready = page.evaluate("window.__jyReady")
    context.close()
    return {"index_bytes": sum(sizes.values()), "files": dict(sorted(sizes.items())), "ready_ms": ready,
            "first_ms": first}


def measure_site(site: Path, query: str = "派出所", repeat: int = 3, verbose: bool = False) -> list[dict]:
    """Serve `site` and measure `repeat` first visits (see `measure`)."""
    # compressed before the first visit, as a real server has them ready
    # (the packed index too: compressing it in Python during run 1 was
    # measured as the reader's wait)
    for index in sorted((site / "search").glob("*.json")):
        _gzipped(index.resolve())
    handler = functools.partial(_GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    from playwright.sync_api import sync_playwright
    runs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(repeat):
                t = time.perf_counter()
                r = measure(browser, url, query)
                runs.append(r)
                if verbose:
                    files = ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in r["files"].items())
                    print(f"run {i + 1}: on the wire {files}; worker ready at {r['ready_ms']:.0f} ms; "
                          f"first results at {r['first_ms']:.0f} ms ({time.perf_counter() - t:.1f} s wall)")
            browser.close()
    finally:
        server.shutdown()
    return runs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site")
    ap.add_argument("--query", default="派出所")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--browser-built", action="store_true", help="the worker builds the index, as stock Material")
    args = ap.parse_args(argv)
    global BROWSER_BUILT
    BROWSER_BUILT = args.browser_built
    site = Path(args.site)
    index = site / "search/search_index.json"
    if not index.is_file():
        print(f"{index} not found: build the site first", file=sys.stderr)
        return 2
    raw = index.read_bytes()
    runs = measure_site(site, args.query, args.repeat, verbose=True)
    packed = site / "search/lunr_index.json"
    if packed.is_file() and not BROWSER_BUILT:
        body = packed.read_bytes()
        how = f"loaded lunr_index.json ({len(body) / 2**20:.1f} MiB raw, {len(gzip.compress(body, 6)) / 2**20:.2f} MiB gzipped)"
    else:
        how = "built in the browser"
    print(f"site {site}: search_index.json {len(raw) / 2**20:.1f} MiB raw, "
          f"{len(gzip.compress(raw, 6)) / 2**20:.2f} MiB gzipped; index {how}; median of {len(runs)}: "
          f"worker ready {statistics.median(r['ready_ms'] for r in runs):.0f} ms, "
          f"first results {statistics.median(r['first_ms'] for r in runs):.0f} ms after navigation start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
