"""Charts on a 390 px phone: no chart text renders below 9 CSS px (issue #15).

A chart is an <img> of an SVG whose text is SVG text: its size on screen is
its font size in SVG units times the image's rendered width over the SVG's
viewBox width. Chromium lays the real pages out at 390 px; every chart of
the 统计 page and of unit pages with statistics is checked.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import need_browser

REPO = Path(__file__).resolve().parents[1]
MIN_PX = 9.0
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def phone_site(sample_site, sample_url):
    need_browser()
    return sample_url, sample_site


def smallest_text(svg: str) -> tuple[float, float]:
    """(viewBox width, smallest font size of any <text>) of a chart."""
    view = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    # font sizes are in the stylesheet's classes (one rule a text style)
    rules = dict(re.findall(r"\.(\w+)\{[^}]*?font-size:\s*([\d.]+)px", svg))
    sizes = [float(rules[c]) for c in re.findall(r'<text class="(\w+)"', svg)]
    assert sizes, "a chart without SVG text"
    return view, min(sizes)


def test_no_chart_text_below_9_css_px_at_390_px(browser, phone_site):
    url, site = phone_site
    pages = ["stats/"] + sorted(f"units/{p.parent.name}/" for p in (site / "units").glob("*/index.html")
                                if "charts/" in p.read_text(encoding="utf-8"))[:6]
    checked = []
    page = browser.new_page(viewport=PHONE)
    for path in pages:
        page.goto(url + path, wait_until="load")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        for img in page.evaluate("""[...document.querySelectorAll('img')]
                .filter(i => i.src.includes('/charts/') && i.src.endsWith('.svg'))
                .map(i => ({src: i.src, width: i.getBoundingClientRect().width,
                            page: document.documentElement.clientWidth}))"""):
            svg = (site / unquote(urlparse(img["src"]).path).lstrip("/")).read_text(encoding="utf-8")
            view, smallest = smallest_text(svg)
            rendered = smallest * img["width"] / view
            checked.append((path, img["src"].rsplit("/charts/", 1)[1], round(rendered, 2)))
            assert img["width"] <= img["page"]                       # no sideways scrolling
            assert rendered >= MIN_PX, f"{path}: {img['src']} text at {rendered:.2f} CSS px"
    page.close()
    assert len(checked) >= 4 and any("ranking" in c[1] for c in checked), checked


def test_table_columns_align_by_class(browser, phone_site):
    """jy-align-lr: first column left, the rest right; jy-align-rlr: right, left, right …"""
    url, site = phone_site
    page = browser.new_page()
    page.goto(url + "stats/", wait_until="load")
    aligns = page.evaluate("""[...document.querySelectorAll('table.jy-table')].map(t => ({
        cls: t.className,
        cols: [...t.querySelectorAll('tbody tr:first-child td')].map(c => getComputedStyle(c).textAlign),
        head: [...t.querySelectorAll('th')].map(c => getComputedStyle(c).textAlign)}))""")
    page.close()
    kinds = {a["cls"] for a in aligns}
    assert {"jy-table jy-align-lr", "jy-table jy-align-rlr"} <= kinds, kinds
    for a in aligns:
        want = {"jy-table jy-align-lr": ["left"] + ["right"] * 20,
                "jy-table jy-align-rlr": ["right", "left"] + ["right"] * 20}[a["cls"]]
        assert a["cols"] == want[:len(a["cols"])] and a["head"] == want[:len(a["head"])], a
