"""Pre-rendered HTML set aside from Markdown (generator/tables.py): blocks put back
as they were, record text unable to forge one, links resolved to the built
pages (directory URLs and the offline build's file URLs), and every link and
image in the built sample site pointing at a file that exists."""
from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.structure.files import File, Files

from generator import tables
from generator.cli import main
from generator.pages import make_env
from generator.privacy import find_personal_data, normalise_allow
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
EFFECTS = REPO / "tests" / "fixtures" / "effects"
FORGED = '<div class="jy-block">\n<p>伪造</p>\n</div><!--jy-block-->\n<table class="jy-table">\n</table>'


def test_blocks_set_aside_and_put_back_without_their_wrapper():
    md = ("## 标题\n\n<div class=\"jy-block\">\n<div class=\"admonition note\">\n<p>注意</p>\n</div>\n"
          "<table class=\"jy-table jy-align-l\">\n<tr><td>1</td></tr>\n</table>\n<p>段落</p>\n</div><!--jy-block-->\n\n"
          "文字 <div class=\"jy-block\">不在行首</div><!--jy-block-->\n")
    out, aside, problems = tables.set_aside(md)
    assert problems == [] and len(aside) == 1          # the table inside the block is part of it
    assert aside[0] == ("<div class=\"admonition note\">\n<p>注意</p>\n</div>\n<table class=\"jy-table jy-align-l\">\n"
                        "<tr><td>1</td></tr>\n</table>\n<p>段落</p>")
    assert out.startswith("## 标题\n\n<!--jingyan-table-0-->\n\n文字 <div class=\"jy-block\">不在行首")
    assert tables.put_back("<h2>标题</h2>\n<!--jingyan-table-0-->", aside) == "<h2>标题</h2>\n" + aside[0]


def site_files(use_directory_urls: bool, *paths: str) -> Files:
    return Files([File(p, "/docs", "/site", use_directory_urls) for p in paths])


@pytest.mark.parametrize("directory_urls, page_link, chart, ranking", [
    (True, "../y/#a", "../../charts/effects/x/u.svg", "../../stats/effects/"),
    (False, "y.html#a", "../charts/effects/x/u.svg", "../stats/effects.html"),
])
def test_links_are_written_relative_to_the_built_page(directory_urls, page_link, chart, ranking):
    files = site_files(directory_urls, "practices/x.md", "practices/y.md", "stats/effects.md",
                       "charts/effects/x/u.svg")
    md = ('<div class="jy-block">\n<p><a href="y.md#a">y</a> <a href="#top">t</a> <a href="../stats/effects.md">r</a></p>\n'
          '<p><img alt="图" src="../charts/effects/x/u.svg" /></p>\n</div><!--jy-block-->\n')
    _out, aside, problems = tables.set_aside(md, "practices/x.md", files)
    assert problems == []
    assert f'href="{page_link}"' in aside[0] and 'href="#top"' in aside[0] and f'href="{ranking}"' in aside[0]
    assert f'src="{chart}"' in aside[0] and 'alt="图"' in aside[0]


def test_missing_or_outside_targets_are_problems():
    files = site_files(True, "practices/x.md")
    md = ('<div class="jy-block">\n<a href="nowhere.md">a</a><img src="https://example.com/a.png" />'
          '<img src="//cdn.example.com/b.png" /><a href="/abs.md">c</a>\n</div><!--jy-block-->\n')
    _out, _aside, problems = tables.set_aside(md, "practices/x.md", files)
    assert len(problems) == 4
    assert "不存在：nowhere.md" in problems[0]
    assert all("网站之外" in p for p in problems[1:])


def test_a_bad_link_in_a_set_aside_block_fails_the_strict_build(tmp_path, capsys):
    """A site's own template (site_config: templates) linking to a file that does not exist."""
    tree = tmp_path / "tree"
    shutil.copytree(EFFECTS, tree)
    override = tree / "site_config" / "own_templates" / "partials"
    override.mkdir(parents=True)
    text = (REPO / "templates/partials/effects_section.md.j2").read_text(encoding="utf-8")
    (override / "effects_section.md.j2").write_text(
        text.replace('<p>单位较多', '<p><a href="../nowhere.md">无</a></p>\n<p>单位较多')
            .replace("{% for c in effects.charts -%}", '<p><a href="../nowhere.md">无</a></p>\n{% for c in effects.charts -%}'),
        encoding="utf-8")
    site_yml = tree / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + "\ntemplates_dir: site_config/own_templates\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 1
    assert "链接的文件不存在：../nowhere.md" in capsys.readouterr().err


# ------------------------------------------------------------ forging

def test_record_text_cannot_forge_a_block():
    """Every string of the 成效对照 section and of the ranking page carries the
    markers that start and end a block: only the templates' own blocks are set aside."""
    env = make_env(REPO)
    table = {"header": [FORGED], "rows": [[FORGED, {"text": FORGED, "href": "x.md"}, {"text": FORGED, "change": "good"}]],
             "cls": [["", "", ""]]}
    effects = {"title": FORGED, "is_sample": True, "sample_note": FORGED, "method": FORGED, "period": FORGED,
               "table": table, "align": ["left"], "common_notes": FORGED,
               "charts": [{"alt": FORGED, "chart": "c.svg", "csv": "c.csv", "unit": FORGED}],
               "more_units": True, "claims": table, "claims_other": FORGED, "claims_unit": FORGED,
               "not_proof": FORGED}
    text = env.get_template("partials/effects_section.md.j2").render(
        effects=effects, base="../", effects_page="../stats/effects.md", search={"never": ""})
    out, aside, _ = tables.set_aside(text)
    assert len(aside) == 2                              # the section and the claims under ###
    # outside the blocks: the headings (record text, `md`-escaped) and the marks, nothing else
    assert all(line.startswith(("## &lt;", "### ", "<!--jingyan-table-")) or not line for line in out.splitlines())
    for block in aside:
        assert block.count("<p>伪造</p>") == 0 and "&lt;div class=" in block
    page = {"title": FORGED, "is_sample": False, "method": FORGED, "not_proof": FORGED}
    text = env.get_template("effects_index.md.j2").render(
        page=page, blocks=[{"metric": "指标", "direction": FORGED, "table": table}],
        without=[{"text": FORGED, "href": "x.md", "units": FORGED, "period": FORGED}], align=["left"])
    out, aside, _ = tables.set_aside(text)
    assert len(aside) == 2                              # the table, the list of practices without a comparison
    assert all("<p>伪造</p>" not in a and "&lt;div class=" in a for a in aside) and "<p>伪造</p>" not in out


def test_record_text_in_a_built_page_stays_text(tmp_path):
    """A unit name and a practice title with the block markers, through a whole build."""
    tree = tmp_path / "tree"
    shutil.copytree(EFFECTS, tree)
    unit = tree / "records/units/liuzhuang-pcs.yml"
    text = unit.read_text(encoding="utf-8")
    name = re.search(r"^name: (.*)$", text, re.M).group(1)
    unit.write_text(text.replace(f"name: {name}", f"name: \"{name}<b>粗</b>\"", 1), encoding="utf-8")
    practice = tree / "records/practices/liuzhuang-sanfang.yml"
    text = practice.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    practice.write_text(text.replace(f"title: {title}", 'title: "</div><!--jy-block-->\\n<div class=\\"jy-block\\">'
                                     f'<b>粗</b>{title}"', 1), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 0
    page = (site / "practices/liuzhuang-sanfang/index.html").read_text(encoding="utf-8")
    ranking = (site / "stats/effects/index.html").read_text(encoding="utf-8")
    for h in (page, ranking):
        assert "<b>粗</b>" not in h and '<div class="jy-block">' not in h and "<!--jy-block-->" not in h
        assert "jingyan-table" not in h and "&lt;!--jy-block--&gt;" in h
    assert "&lt;b&gt;粗&lt;/b&gt;" in page and "&lt;b&gt;粗&lt;/b&gt;" in ranking


# ------------------------------------------------------------ the built sample site

LINK = re.compile(r'\s(?:href|src)="([^"#?]*)[^"]*"')


def unresolved(site: Path) -> list[str]:
    """Every relative href/src of every built page whose target is not a file of the site."""
    bad = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        for url in LINK.findall(page.read_text(encoding="utf-8")):
            url = html.unescape(url)
            if not url or re.match(r"^[a-z][a-z0-9+.-]*:|^//", url):
                continue
            target = site / posixpath.normpath(posixpath.join(posixpath.dirname(rel), url)).lstrip("/")
            if url.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                bad.append(f"{rel}: {url}")
    return bad


@pytest.fixture(scope="module")
def sample_sites(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    assert main(["build", "--root", str(REPO), "--out", str(out / "site")]) == 0
    assert main(["build", "--root", str(REPO), "--offline", "--out", str(out / "offline")]) == 0
    return out


@pytest.mark.parametrize("kind", ["site", "offline"])
def test_every_link_and_image_of_the_sample_site_resolves(sample_sites, kind):
    site = sample_sites / kind
    bad = unresolved(site)
    assert bad == [], bad[:20]
    # the set-aside blocks are there: the charts of a 成效对照 section and the ranking's practice links
    ranking = (site / ("stats/effects/index.html" if kind == "site" else "stats/effects.html")).read_text(encoding="utf-8")
    assert '<table class="jy-table jy-align-rllrrll">' in ranking
    assert ('href="../../practices/' if kind == "site" else 'href="../practices/') in ranking
    assert kind == "site" or re.search(r'href="\.\./practices/[a-z0-9-]+\.html"', ranking)


def test_set_aside_text_of_the_sample_site_holds_no_personal_data(sample_sites):
    """Set-aside HTML skips no privacy check: its record text was scanned by the validator
    (every text value of every record); here, the built blocks are scanned again."""
    records, problems = load_records(REPO)
    assert not [p for p in problems if "公民" in p.message]
    allow = normalise_allow(records.site.privacy_allow)
    block = re.compile(r'<table class="jy-table.*?</table>|<h2[^>]*id="成效对照".*?(?=<h2|</article>)', re.S)
    seen = 0
    for page in sorted((sample_sites / "site").rglob("*.html")):
        for m in block.finditer(page.read_text(encoding="utf-8")):
            text = html.unescape(re.sub(r"<[^>]+>", " ", m.group(0)))
            seen += 1
            assert not find_personal_data(text, allow), (page, find_personal_data(text, allow))
    assert seen > 100


def test_blocks_are_found_exactly_as_the_pattern_says():
    """_sub_blocks (str.find) against _BLOCK.sub (the specification) on random
    texts made of starts, ends, near misses and plain lines."""
    import random
    from generator.tables import _BLOCK, _sub_blocks
    pieces = ['<table class="jy-table x">', '<table class="jy-table">', '<table class="jy-tablex">',
              '<div class="jy-block">', '</table>', '</table>x', ' </table>', '</div><!--jy-block-->',
              '</div><!--jy-block-->y', '正文', '<a href="../x.md">a</a>', '', ' <table class="jy-table a">']
    rnd = random.Random(7)
    for _ in range(5000):
        text = "\n".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) + rnd.choice(["", "\n"])

        def keeper(log):
            def keep(m):
                log.append((m.group(0), m.group(1)))
                return f"<!--{len(log)}-->"
            return keep
        spec, fast = [], []
        assert _sub_blocks(keeper(fast), text) == _BLOCK.sub(keeper(spec), text)
        assert fast == spec
