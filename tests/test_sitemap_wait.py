"""Instant navigation's sitemap waits for search (generator/search.py,
patch_sitemap_wait): the built bundle requests sitemap.xml once the search
worker is ready, so parsing a large sitemap no longer delays search."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.search import SITEMAP_WAIT_MS, patch_sitemap_wait


def _material_bundle() -> Path:
    import material
    found = sorted((Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.min.js"))
    assert found, "Material's bundle not found"
    return found[0]


def _copy_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "assets/javascripts"
    folder.mkdir(parents=True)
    return Path(shutil.copy(_material_bundle(), folder))


def test_patch_delays_only_the_sitemap_request(tmp_path):
    bundle = _copy_bundle(tmp_path)
    stock = bundle.read_text(encoding="utf-8")
    assert patch_sitemap_wait(tmp_path)
    text = bundle.read_text(encoding="utf-8")
    # the gate comes after the strict-mode directive, which must stay first
    assert text.startswith('"use strict";var __jyOpen,__jyLater=')
    assert f"setTimeout(()=>__jyOpen(),{SITEMAP_WAIT_MS})" in text
    assert text.count('new URL("sitemap.xml",') == 1 and ',{jyLater:__jyLater})' in text
    assert text.count(".jyLater?") == 1 and text.count(".send()") == stock.count(".send()") + 1
    assert text.count("m.data.type===1&&__jyOpen()") == 1
    # nothing else changed: without the four insertions it is Material's code
    import re
    from generator.search import _SITEMAP_GATE
    back = text.replace(_SITEMAP_GATE, "", 1).replace(",{jyLater:__jyLater}", "", 1)
    back = re.sub(r'\((\w)&&\1\.jyLater\?\1\.jyLater\(\(\)=>\w\.closed\|\|(\w)\.send\(\)\):\2\.send\(\)\)', r"\2.send()", back)
    back = re.sub(r'\w\.addEventListener\("message",m=>\{m\.data&&m\.data\.type===1&&__jyOpen\(\)\}\);', "", back)
    assert back == stock
    assert patch_sitemap_wait(tmp_path)  # a dirty build finds it patched
    assert bundle.read_text(encoding="utf-8") == text


def test_patch_leaves_unknown_code_alone(tmp_path):
    folder = tmp_path / "assets/javascripts"
    folder.mkdir(parents=True)
    code = 'function kt(e){return En(new URL("sitemap.xml",e))}'
    (folder / "bundle.1234.min.js").write_text(code, encoding="utf-8")
    assert not patch_sitemap_wait(tmp_path)
    assert (folder / "bundle.1234.min.js").read_text(encoding="utf-8") == code
    assert not patch_sitemap_wait(tmp_path / "nothing")


WATCH = """
(() => {
  const Native = window.Worker;
  window.__ready = null;
  window.Worker = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener("message", e => {
        if (window.__ready === null && e.data && e.data.type === 1) window.__ready = performance.now();
      });
    }
  };
})();
"""


@pytest.mark.browser
def test_sitemap_is_requested_after_search_is_ready(browser, sample_url):
    page = browser.new_page()
    page.add_init_script(WATCH)
    page.goto(sample_url)
    page.wait_for_function("performance.getEntriesByType('resource').some(e => e.name.endsWith('/sitemap.xml'))",
                           timeout=SITEMAP_WAIT_MS + 10000)
    ready, sitemap = page.evaluate("""() => [window.__ready,
        performance.getEntriesByType('resource').find(e => e.name.endsWith('/sitemap.xml')).startTime]""")
    assert ready is not None and sitemap >= ready, (ready, sitemap)
    # and search answers as before
    page.keyboard.press("s")
    page.locator("input.md-search__input").type("四头")
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=15000)
    page.close()
