"""End to end: build the real site, serve it on localhost, drive headless Chromium.

Needs Debian's `chromium` and Playwright's Python package (the `browser` and
`sample_site` fixtures in conftest.py: where either is missing the tests skip
with the reason, except under CI, where a skip fails).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(sample_site, sample_url):
    """(URL, folder) of the sample site built and served on localhost."""
    return sample_url, sample_site


@pytest.fixture(scope="module")
def served_site(served):
    return served[0]


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


# Queries for the prebuilt-index check: words, a brand, a place, a number,
# a miss, a term, a prohibited term, only a prohibited term (Lunr then lists
# every field vector), one character (many words) and the first query again
# (the packed index unpacks words as queries reach them).
PREBUILT_QUERIES = ["四头", "喻事好商量", "枫桥", "警务助理", "矛盾纠纷", "派出所", "卜庄", "2024",
                    "qxzv", "枫桥 -派出所", "警务*", "-警务", "派", "四头"]

RUN_WORKERS = """async ({queries, workers}) => {
  const index = await (await fetch("search/search_index.json")).json();
  const answers = [];
  for (const [script, prebuilt, fetched] of workers) {
    const worker = new Worker(script);
    const ask = message => new Promise(done => { worker.onmessage = e => done(e.data); worker.postMessage(message) });
    const config = {...index.config};
    if (!prebuilt) delete config.prebuilt;
    // fetched: no documents in the message, as the page sends them (search_config.json)
    await ask({type: 0, data: {config, docs: fetched ? [] : index.docs, options: {suggest: false}}});
    const results = {};
    for (const q of queries) results[q] = (await ask({type: 2, data: q})).data;
    worker.terminate();
    answers.push(results);
  }
  return answers;
}"""


def test_prebuilt_search_index_answers_exactly_as_the_browser_built_one(browser, served):
    """The build ships a packed Lunr index (generator/lunr_index.py) and the
    worker loads it instead of indexing in the browser. Material's own worker,
    run both ways in Chromium, must give the same results: order, scores,
    highlighted titles and texts."""
    import json
    served_site, site = served
    config = json.loads((site / "index.html").read_text(encoding="utf-8")
                        .split('<script id="__config" type="application/json">')[1].split("</script>")[0])
    worker = config["search"]
    # A copy of the worker beside a doctored packed index that has lost every
    # posting of the words starting 四头: the worker that loads it must find nothing for 四头,
    # which shows the packed index, not a browser-built one, answers.
    doctored = site / "doctored"
    if not doctored.exists():
        shutil.copytree(site / "assets/javascripts", doctored / "assets/javascripts")
        packed = json.loads((site / "search/lunr_index.json").read_text(encoding="utf-8"))
        for i, term in enumerate(packed["terms"]):
            if term.startswith("四头"):  # 四头, 四头工作法: a query for 四头 matches both
                packed["postings"][i] = [packed["postings"][i][0]] + ["" for _ in packed["fields"]]
        (doctored / "search").mkdir()
        (doctored / "search/lunr_index.json").write_text(json.dumps(packed, ensure_ascii=False), encoding="utf-8")

    page = browser.new_page()
    page.goto(served_site)
    loaded, built, doctored_answers, fetched = page.evaluate(RUN_WORKERS, {
        "queries": PREBUILT_QUERIES, "workers": [[worker, True, False], [worker, False, False],
                                                 ["doctored/" + worker, True, False], [worker, True, True]]})
    page.close()
    for query in PREBUILT_QUERIES:
        assert loaded[query] == built[query] == fetched[query], query
    assert loaded["-警务"]["items"] and loaded["派"]["items"]
    assert loaded["四头"]["items"] and loaded["枫桥"]["items"] and not loaded["qxzv"]["items"]
    assert not doctored_answers["四头"]["items"]
    assert doctored_answers["枫桥"] == built["枫桥"]
