"""Theme templates without indentation (generator/htmlmin.py): lighter pages
that render exactly as before."""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from generator import htmlmin

REPO = Path(__file__).resolve().parents[1]


def render(source: str, **ctx) -> str:
    env = jinja2.Environment(loader=htmlmin.TrimmingLoader(jinja2.DictLoader({"t.html": source})))
    return env.get_template("t.html").render(**ctx)


def test_indentation_and_lone_block_tag_lines_go_and_text_never_touches():
    source = ("<ul>\n"
              "    {% for x in xs %}\n"
              "      <li>\n"
              "        {{ x }}\n"
              "      </li>\n"
              "    {% endfor %}\n"
              "</ul>\n"
              "<p>前文\n"
              "  {% if flag %}\n"
              "  后文\n"
              "  {% endif %}\n"
              "</p>\n")
    assert render(source, xs=["甲", "乙"], flag=True) == "<ul>\n<li>\n甲\n</li>\n<li>\n乙\n</li>\n</ul>\n<p>前文\n后文\n</p>"
    assert render(source, xs=[], flag=False) == "<ul>\n</ul>\n<p>前文\n</p>"


def test_lines_with_output_keep_their_line_breaks():
    source = ("<span>{{ a }}</span>\n"
              "  {% set b = [\n"
              "      1, 2] %}\n"
              "<span>{{ b | length }}</span>\n"
              "{% if a %}<i>{{ a }}</i>{% endif %}\n"
              "<b>x</b>")
    assert render(source, a="甲") == "<span>甲</span>\n<span>2</span>\n<i>甲</i>\n<b>x</b>"


def test_values_are_not_touched():
    """Only the template's own text loses indentation, never what an expression prints."""
    assert render("<pre>\n  {{ code }}\n</pre>", code="a\n    b") == "<pre>\na\n    b\n</pre>"


def theme_templates():
    import material
    roots = [Path(material.__file__).parent / "templates", REPO / "templates" / "theme"]
    return [p for root in roots for p in root.rglob("*.html") if ".icons" not in p.parts]


def test_theme_templates_hold_nothing_whose_white_space_shows():
    """What trimming relies on: no preformatted element and no attribute value
    across lines in the templates it trims (a Material upgrade must keep that)."""
    templates = theme_templates()
    assert len(templates) > 30
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<(pre|textarea)\b", text, re.I), path
        html = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        for tag in re.findall(r"<[A-Za-z][^<>]*>", html):
            for value in re.findall(r'="([^"]*)"', tag):
                assert "\n" not in value, (path, tag)


def test_our_stylesheets_keep_white_space_normal():
    for css in (REPO / "docs" / "assets" / "stylesheets").glob("*.css"):
        assert not re.search(r"white-space\s*:\s*pre", css.read_text(encoding="utf-8")), css


# ----------------------------------------------------- the same page, rendered
LAYOUT = """() => Array.from(document.body.querySelectorAll('*')).map(e => {
  const r = e.getBoundingClientRect();
  return [e.tagName, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
})"""


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The golden records built with and without trimming."""
    from tests.test_scale import FIXTURE, build, private_root
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
    base = tmp_path_factory.mktemp("htmlmin")
    root = private_root(base / "root")
    try:
        assert build(root, FIXTURE, base / "trimmed") == 0
        mp.setattr(htmlmin, "trim", lambda source: source)
        assert build(root, FIXTURE, base / "indented") == 0
    finally:
        mp.undo()
    return base / "trimmed", base / "indented"


def test_trimmed_pages_are_lighter_and_lay_out_exactly_as_indented_ones(browser, two_builds):
    from tests.conftest import serve
    trimmed, indented = two_builds
    pages = ["", "units/xiagezhuang-pcs/", "practices/", "stats/"]
    pages.append(next(p for p in sorted((trimmed / "practices").glob("*/index.html"))).parent.relative_to(trimmed).as_posix() + "/")
    for page in pages:
        small, big = (len((site / page / "index.html").read_bytes()) for site in two_builds)
        assert small < big * 0.85, (page, small, big)
    servers = [serve(site) for site in two_builds]
    try:
        for width, height in ((1280, 900), (390, 844)):
            ctx = browser.new_context(viewport={"width": width, "height": height})
            tab = ctx.new_page()
            for page in pages:
                seen = []
                for _, url in servers:
                    tab.goto(url + page)
                    tab.wait_for_load_state("networkidle")
                    shown = [tab.evaluate(LAYOUT), tab.inner_text("body")]
                    if width < 700:  # the phone's drawer, opened
                        tab.click(".md-header label[for='__drawer']")
                        tab.wait_for_timeout(400)
                        shown += [tab.evaluate(LAYOUT), tab.inner_text("nav.md-nav--primary")]
                    seen.append(shown)
                assert seen[0] == seen[1], (width, page)
            ctx.close()
    finally:
        for server, _ in servers:
            server.shutdown()


def test_the_pruned_drawer_of_a_record_page_links_every_section(two_builds):
    """navigation.prune: the open section in full, every other one as a link to its index."""
    from tests.test_chrome import page_with_shared_parts
    html = page_with_shared_parts(two_builds[0], "units/xiagezhuang-pcs/index.html")
    drawer = html[html.index('class="md-nav md-nav--primary'):html.index('class="md-sidebar md-sidebar--secondary')]
    for section in ("practices/", "brands/", "regions/", "stats/", "guide/"):
        assert f'href="../../{section}"' in drawer, section
    assert 'md-nav__item--pruned' in drawer and "guide/first-use/" not in drawer
