"""Material's chrome referenced once instead of repeated on every page
(generator/chrome.py): lighter pages that look and work exactly as before."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jinja2
import pytest

from generator import chrome, navmemo

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ units
def env_with(templates: dict[str, str]) -> tuple[jinja2.Environment, chrome.Shared]:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates))
    env.filters["url"] = lambda path: "../../" + path
    return env, chrome.install(env)


def test_an_icon_keeps_its_element_and_attributes_and_is_drawn_by_the_stylesheet():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 448 512"><!--! Font Awesome licence -->'
           '<path d="M1 2h3#"/></svg>')
    env, shared = env_with({".icons/fontawesome/solid/x.svg": svg,
                            "page.html": '<a title="标题">{% include ".icons/" ~ icon ~ ".svg" %}</a>'})
    assert env.get_template("page.html").render(icon="fontawesome/solid/x") == (
        '<a title="标题"><svg class="jy-i jy-i--fontawesome-solid-x" viewBox="0 0 448 512"></svg></a>')
    css = shared.files()[chrome.ICON_CSS]
    assert css.startswith(chrome.ICON_RULE)
    rule = css.splitlines()[1]
    assert rule.startswith(".jy-i--fontawesome-solid-x{-webkit-mask-image:url(\"data:image/svg+xml;")
    # an image needs its namespace; the licence comment and raw # and " would break the URL
    assert "xmlns='http://www.w3.org/2000/svg'" in rule and "Font Awesome" not in rule
    assert "M1 2h3%23" in rule and rule.count('"') == 4


def test_the_icon_stylesheet_is_the_same_whatever_order_icons_come_in():
    a = chrome.icon_css({"material/b": "<svg viewBox='0 0 1 1'/>", "material/a": "<svg viewBox='0 0 2 2'/>"})
    b = chrome.icon_css({"material/a": "<svg viewBox='0 0 2 2'/>", "material/b": "<svg viewBox='0 0 1 1'/>"})
    assert a == b and a.index("jy-i--material-a") < a.index("jy-i--material-b")


def test_static_inline_scripts_become_files_and_scripts_with_template_code_stay():
    env, shared = env_with({"t.html": '<script>var a=1;if(a<2)a++</script>\n'
                                      '<script>var b="{{ base }}"</script>\n'
                                      '<script id="__config" type="application/json">{}</script>'})
    html = env.get_template("t.html").render(base="../..")
    (name, body), = shared.scripts.items()
    assert body == "var a=1;if(a<2)a++" and re.fullmatch(r"assets/javascripts/jingyan-inline-[0-9a-f]{10}\.js", name)
    assert html == (f'<script src="../../{name}"></script>\n<script>var b="../.."</script>\n'
                    '<script id="__config" type="application/json">{}</script>')


def test_script_only_partials_are_inserted_by_a_shared_script_named_by_their_content():
    search = '<div class="md-search" role="dialog" aria-label="{{ label }}">\n<input name="query">\u2028</div>\n'
    env, shared = env_with({"partials/search.html": search,
                            "page.html": '<header>{% include "partials/search.html" %}</header>'})
    first = env.get_template("page.html").render(label="查找")
    assert re.fullmatch(r'<header><script src="../../assets/javascripts/jingyan-search-[0-9a-f]{10}\.js">'
                        r'</script></header>', first)
    assert env.get_template("page.html").render(label="查找") == first          # one file for equal HTML
    assert env.get_template("page.html").render(label="搜索") != first          # another for other HTML
    js = shared.files()[first.split('src="../../')[1].split('"')[0]]
    literal = re.fullmatch(r'\(function\(s\)\{s\.insertAdjacentHTML\("beforebegin",(.*)\);s\.remove\(\)\}\)'
                           r'\(document\.currentScript\);\n', js, re.S).group(1)
    assert "\u2028" not in literal   # a line separator, escaped: a string literal may not hold one raw
    assert json.loads(literal) == jinja2.Environment().from_string(search).render(label="查找")


def test_config_json_is_utf8_compact_and_still_html_safe():
    env, _ = env_with({"t.html": "{{ {'b': '复制', 'a': '</script>'} | tojson }}"})
    assert env.get_template("t.html").render() == '{"a":"\\u003c/script\\u003e","b":"复制"}'


def test_written_files_and_a_build_that_rendered_nothing_keeps_them(tmp_path):
    env, shared = env_with({".icons/material/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"/>',
                            "p.html": '{% include ".icons/material/x.svg" %}<script>f()</script>'})
    env.get_template("p.html").render()
    assert shared.write(tmp_path) == 2
    written = {p.relative_to(tmp_path).as_posix(): p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == shared.files()
    assert chrome.Shared().write(tmp_path) == 0 and (tmp_path / chrome.ICON_CSS).exists()


# ------------------------------------------------------- the built site, rendered
_INSERTING = re.compile(r'<script src="([^"]*assets/javascripts/jingyan-(?:search|palette|nav)-[0-9a-f]{10}\.js)"></script>')


def page_with_shared_parts(site: Path, page: str) -> str:
    """A built page with each inserting script replaced by the HTML it inserts."""
    html = (site / page).read_text(encoding="utf-8")

    def insert(m: re.Match) -> str:
        js = (site / page).parent.joinpath(m.group(1)).read_text(encoding="utf-8")
        return json.loads(js[js.index(",") + 1:js.rindex(");s.remove()")])
    return _INSERTING.sub(insert, html)


LAYOUT = """() => Array.from(document.body.querySelectorAll('*'))
  .filter(e => !e.parentElement.closest('svg'))       /* an icon's inner paths are gone */
  .map(e => { const r = e.getBoundingClientRect();
    return [e.tagName, e.className.baseVal ?? e.className, Math.round(r.x), Math.round(r.y),
            Math.round(r.width), Math.round(r.height)]; })"""
ICON_CLASS = re.compile(r"\s*\bjy-i(--[\w-]+)?\b")


def shown(tab) -> list:
    """Boxes (icon classes aside) and text: what a reader sees."""
    rows = tab.evaluate(LAYOUT)
    return [[r[0], ICON_CLASS.sub("", r[1]).strip(), *r[2:]] for r in rows] + [tab.inner_text("body")]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The golden records built with shared chrome and with Material's inline chrome."""
    from tests.test_scale import FIXTURE, build, private_root
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
    mp.setattr(navmemo, "SHARE", True)   # off by default; the shared sidebar is tested here too
    base = tmp_path_factory.mktemp("chrome")
    root = private_root(base / "root")
    try:
        assert build(root, FIXTURE, base / "shared") == 0
        assert build(root, FIXTURE, base / "shared-again") == 0
        mp.setattr(chrome, "install", lambda env: chrome.Shared())   # nothing shared
        assert build(root, FIXTURE, base / "inline") == 0
    finally:
        mp.undo()
    return base / "shared", base / "inline", base / "shared-again"


PAGES = ["", "units/xiagezhuang-pcs/", "practices/", "stats/", "guide/", "404.html"]


def test_shared_chrome_is_lighter_and_byte_identical_between_builds(two_builds):
    from tests.test_scale import files_of
    shared, inline, again = two_builds
    assert files_of(shared) == files_of(again)
    pages = [p.relative_to(shared).as_posix() for p in sorted(shared.rglob("*.html"))]
    assert len(pages) > 30
    for page in pages:
        small, big = ((site / page).stat().st_size for site in (shared, inline))
        assert small <= big - 4000, (page, small, big)       # icons, scripts, search dialog, palette form
        assert "<path" not in (shared / page).read_text(encoding="utf-8"), page
    # a record page's sidebar: inserted by a script, the very HTML rendered inline
    for page in ("units/xiagezhuang-pcs/index.html", pages[-1] if "practices/" in pages[-1] else
                 next(p for p in pages if p.startswith("practices/") and p.count("/") == 2)):
        html = (shared / page).read_text(encoding="utf-8")
        assert "md-nav--primary" not in html and "jingyan-nav-" in html, page
        full, own = page_with_shared_parts(shared, page), (inline / page).read_text(encoding="utf-8")
        def cut(t):   # the sidebar, icons aside (tested above)
            t = t[t.index('<nav class="md-nav md-nav--primary'):t.index('<div class="md-sidebar md-sidebar--secondary')]
            return re.sub(r"<svg\b.*?</svg>", "<svg/>", t, flags=re.S)
        assert cut(full) == cut(own), page
    css = (shared / chrome.ICON_CSS).read_text(encoding="utf-8")
    for icon in ("material-magnify", "material-close", "material-arrow-up", "material-weather-night"):
        assert f".jy-i--{icon}{{" in css


def test_pages_look_and_work_exactly_as_with_inline_chrome(browser, two_builds):
    from PIL import Image, ImageChops
    from tests.conftest import serve
    shared, inline, _ = two_builds
    practice = sorted((shared / "practices").glob("*/index.html"))[0].parent.relative_to(shared).as_posix() + "/"
    servers = [serve(site) for site in (shared, inline)]
    try:
        for scheme in ("light", "dark"):
            for width, height in ((1280, 900), (390, 844)):
                ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab = ctx.new_page()
                for page in PAGES + [practice]:
                    seen, shots = [], []
                    for _, url in servers:
                        tab.goto(url + page)
                        tab.wait_for_load_state("networkidle")
                        state = [shown(tab)]
                        shots.append(Image.open(io.BytesIO(tab.screenshot())).convert("L"))
                        if width < 700:    # the phone's drawer, opened
                            tab.click(".md-header label[for='__drawer']")
                            tab.wait_for_timeout(400)
                            state.append(shown(tab))
                            tab.keyboard.press("Escape")
                        else:              # the scheme toggle, then the search dialog
                            tab.click("form[data-md-component=palette] label:not([hidden])")
                            tab.wait_for_timeout(300)
                            state.append(tab.evaluate("document.body.dataset.mdColorScheme"))
                            tab.click("form[data-md-component=palette] label:not([hidden])")
                            tab.keyboard.press("s")
                            tab.wait_for_timeout(300)
                            state.append(shown(tab))
                        seen.append(state)
                    assert seen[0] == seen[1], (scheme, width, page)
                    # icons drawn: the screenshots agree but for antialiasing
                    diff = ImageChops.difference(*shots).point(lambda v: 255 if v > 48 else 0)
                    assert diff.getbbox() is None, (scheme, width, page, diff.getbbox())
                ctx.close()
    finally:
        for server, _ in servers:
            server.shutdown()


def test_icons_print_and_work_from_file_urls(browser, tmp_path):
    """Offline (file://): the stylesheet and the scripts load, icons are masks, the
    toggle works; printing keeps the icons a page shows (forced colours too)."""
    from tests.test_scale import FIXTURE, private_root
    from generator.cli import main
    root = private_root(tmp_path / "root")
    assert main(["build", "--root", str(root), "--records", str(FIXTURE), "--offline",
                 "--out", str(tmp_path / "off")]) == 0
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = ctx.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto((tmp_path / "off" / "units" / "xiagezhuang-pcs.html").as_uri())
    tab.wait_for_load_state("load")
    assert tab.locator(".md-search__form input[name=query]").count() == 1
    assert tab.locator("form[data-md-component=palette] input").count() == 2
    mask = tab.evaluate("getComputedStyle(document.querySelector('.md-header .md-logo svg')).webkitMaskImage")
    assert mask.startswith('url("data:image/svg+xml')
    bg = tab.evaluate("getComputedStyle(document.querySelector('.md-header .md-logo svg')).backgroundColor")
    assert bg == tab.evaluate("getComputedStyle(document.querySelector('.md-header .md-logo')).color")
    tab.click("form[data-md-component=palette] label:not([hidden])")
    assert tab.evaluate("document.body.dataset.mdColorScheme") == "slate"
    tab.emulate_media(media="print")
    assert tab.evaluate("getComputedStyle(document.querySelector('.md-header .md-logo svg')).printColorAdjust") == "exact"
    assert not errors
    ctx.close()


def test_instant_navigation_brings_record_pages_in_with_their_shared_sidebar(browser, tmp_path, monkeypatch):
    """Material swaps the page body in without reloading (navigation.instant, which
    needs the site served at its site_url): the sidebar's script runs again and the
    page looks as when loaded directly, forwards and back."""
    monkeypatch.setattr(navmemo, "SHARE", True)
    import functools
    import http.server
    import socket
    import threading
    from tests.test_scale import FIXTURE, build, private_root
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    monkeypatch.setenv("JINGYAN_SITE_URL", url)
    assert build(private_root(tmp_path / "root"), FIXTURE, tmp_path / "site") == 0

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(tmp_path / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for width in (1280, 390):
            tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            direct = {}
            for page in ("practices/xiagezhuang-sitou/", "units/xiagezhuang-pcs/"):
                tab.goto(url + page)
                tab.wait_for_load_state("networkidle")
                direct[page] = shown(tab)
            with tab.expect_response(lambda r: r.url.endswith("sitemap.xml")):   # instant navigation is ready
                tab.goto(url + "practices/")
            tab.wait_for_timeout(500)
            tab.evaluate("document.body.dataset.stayed = 'yes'")
            for link, page in (("article a[href*='xiagezhuang-sitou']", "practices/xiagezhuang-sitou/"),
                               ("article a[href*='units/xiagezhuang-pcs']", "units/xiagezhuang-pcs/")):
                tab.click(link)
                tab.wait_for_url(url + page)
                tab.wait_for_function("document.querySelector('.md-sidebar--primary nav.md-nav--primary')")
                tab.wait_for_timeout(500)
                assert tab.evaluate("document.body.dataset.stayed") == "yes"      # not reloaded
                assert shown(tab) == direct[page], (width, page)
                assert tab.locator("script[src*='jingyan-nav-']").count() == 0
            tab.go_back()
            tab.wait_for_url(url + "practices/xiagezhuang-sitou/")
            tab.wait_for_timeout(500)
            assert tab.locator(".md-sidebar--primary nav.md-nav--primary").count() == 1
            tab.context.close()
    finally:
        server.shutdown()
