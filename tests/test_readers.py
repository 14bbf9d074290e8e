"""The site as its readers meet it (issue #15): accessible (axe-core, light and
dark), readable on a phone, printable, Chinese throughout, oriented, and
searchable by the words readers type.

Browser tests need Debian's `chromium`, Playwright's Python package and
axe-core from npm (`npm ci --prefix tests/node/axe`); the print test also needs
poppler's `pdftotext`. Where one is missing they skip with the reason, except
under CI (CI=true), where the skip fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import serve, skip_or_fail
from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "tests" / "node" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# One page of every type readers meet.
PAGE_TYPES = {
    "首页": "",
    "经验做法": "practices/xiagezhuang-sitou/",
    "警务品牌": "brands/sitou-gongzuofa/",
    "单位（含统计）": "units/xiagezhuang-pcs/",
    "统计": "stats/",
    "成效对照排名": "stats/effects/",
    "经验做法索引": "practices/",
    "分类": "categories/fengqiao/",
    "标签": "tags/",
    "品牌索引": "brands/",
    "按地区": "regions/",
    "A–Z": "az/",
    "贡献指南": "guide/",
    "贡献指南（统计）": "guide/stats/",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def site(sample_site) -> Path:
    return sample_site


@pytest.fixture(scope="module")
def served(sample_url) -> str:
    return sample_url


def html(site: Path, url: str) -> str:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ accessibility

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => ({id: v.id, impact: v.impact,
              nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " "))}))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations_on_any_page_type(browser, served, scheme):
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed: npm ci --prefix tests/node/axe ({AXE} missing)")
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(color_scheme=scheme, viewport=viewport)
        page = context.new_page()
        for name, url in PAGE_TYPES.items():
            if viewport["width"] < 1000 and name not in ("首页", "单位（含统计）", "统计", "品牌索引"):
                continue  # on a phone: the pages with wide tables, and the home page
            page.goto(served + url)
            page.wait_for_timeout(150)  # the table script runs after Material's
            scheme_now = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert scheme_now == ("slate" if scheme == "dark" else "default"), (url, scheme_now)
            page.add_script_tag(content=script)
            violations = page.evaluate(AXE_RUN)
            if violations:
                found[f"{name} {viewport['width']}px"] = violations
        context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_search_dialog_and_tables_have_names(site):
    from tests.test_chrome import page_with_shared_parts   # the dialog is inserted by a shared script (#16)
    home = page_with_shared_parts(site, "index.html")
    assert re.search(r'class="md-search"[^>]*role="dialog"[^>]*aria-label="查找"', home)


# ------------------------------------------------------------------ phones

TABLE_STATE = """() => [...document.querySelectorAll(".md-content table")].map(t => {
  const region = t.closest(".jy-region");
  if (!region) return {region: false};
  const hint = region.previousElementSibling;
  return {region: true, role: region.getAttribute("role"), tabindex: region.getAttribute("tabindex"),
          label: region.getAttribute("aria-label"), overflows: region.scrollWidth > region.clientWidth + 1,
          hint: hint && hint.classList.contains("jy-scroll-hint") && !hint.hidden && hint.offsetHeight > 0
                ? hint.textContent : null};
})"""


@pytest.mark.parametrize("url", ["units/xiagezhuang-pcs/", "stats/", "brands/"])
def test_tables_on_a_phone_say_they_scroll_and_keep_the_first_column(browser, served, url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(served + url)
    page.wait_for_timeout(200)
    tables = page.evaluate(TABLE_STATE)
    assert tables and all(t["region"] for t in tables), tables
    labels = [t["label"] for t in tables]
    assert all(labels) and len(set(labels)) == len(labels), labels  # every region named, uniquely
    assert all(t["role"] == "region" and t["tabindex"] == "0" for t in tables)
    wide = [t for t in tables if t["overflows"]]
    if url != "brands/":
        assert wide, "the statistics tables are wider than a phone"
    for t in tables:
        # the hint is there exactly when the table is wider than the screen
        assert bool(t["hint"]) == t["overflows"], t
        if t["hint"]:
            assert "左右滑动" in t["hint"] and "列" in t["hint"]
    # scrolled to the far right, the first column is still in view
    for i, t in enumerate(tables):
        if not t["overflows"]:
            continue
        stays = page.evaluate("""i => {
          const region = [...document.querySelectorAll('.jy-region')][i];
          region.scrollLeft = region.scrollWidth;
          const box = region.getBoundingClientRect();
          const first = region.querySelector('tbody tr td, tbody tr th').getBoundingClientRect();
          const last = region.querySelector('tbody tr').lastElementChild.getBoundingClientRect();
          return {first: first.left >= box.left - 1 && first.right <= box.right, lastShown: last.right <= box.right + 1};
        }""", [j for j, x in enumerate(tables) if x["region"]].index(i))
        assert stays == {"first": True, "lastShown": True}, (url, t["label"], stays)
    context.close()


def test_wide_tables_use_the_page_width_on_a_desktop(browser, served, site):
    """Pages with statistics hide the (empty) left sidebar: the monthly tables fit a 1280 px screen."""
    assert 'data-md-type="navigation" hidden' in html(site, "units/xiagezhuang-pcs/")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(served + "units/xiagezhuang-pcs/")
    page.wait_for_timeout(200)
    tables = page.evaluate(TABLE_STATE)
    assert tables and not [t for t in tables if t["overflows"]], tables
    context.close()


# ------------------------------------------------------------------ print

def test_printed_unit_page_has_every_table_column(browser, served, tmp_path):
    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext is not installed (apt-get install poppler-utils)")
    page = browser.new_page()
    page.goto(served + "units/xiagezhuang-pcs/")
    page.wait_for_timeout(200)
    headers = page.evaluate("""() => [...document.querySelectorAll('.md-content table')].map(
        t => [...t.querySelectorAll('thead th')].map(th => th.textContent.trim()))""")
    assert headers and max(len(h) for h in headers) >= 10  # the monthly table is the wide one
    pdf = tmp_path / "unit.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    # -raw: text in the order Chromium drew it, so a two-line header cell reads as one
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for table in headers:
        for h in table:
            assert re.sub(r"\s+", "", h) in squeezed, f"column “{h}” is missing from the printed page"
    # the things a printed page does not need stay off it
    assert "查找" not in text.split("夏格庄派出所", 1)[0] and "本节链接" not in text
    # links to other sites print their address; links inside the site do not
    assert served not in text


def test_print_stylesheet_keeps_headings_with_what_follows(site):
    css = (site / "assets/stylesheets/jingyan.css").read_text(encoding="utf-8")
    printed = css.split("@media print", 1)[1]
    assert "break-after: avoid" in printed and "break-inside: avoid" in printed
    assert 'a[data-jy-href]::after' in printed and 'attr(data-jy-href)' in printed


# ------------------------------------------------------------------ orientation

def _trail(page_html: str) -> list[str]:
    nav = re.search(r'<nav class="md-path".*?</nav>', page_html, re.S)
    assert nav, "no breadcrumb"
    return [re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", item))
            for item in re.findall(r'<li class="md-path__item[^"]*"[^>]*>(.*?)</li>', nav.group(0), re.S)]


def _active_tab(page_html: str) -> list[str]:
    return [re.sub(r"\s+", "", t) for t in
            re.findall(r'md-tabs__item md-tabs__item--active">\s*<a[^>]*>(.*?)</a>', page_html, re.S)]


def test_record_pages_show_their_tab_and_breadcrumb(site):
    unit = html(site, "units/xiagezhuang-pcs/")
    assert _trail(unit) == ["首页", "单位", "青岛市公安局", "莱西市公安局", "夏格庄派出所"]
    assert _active_tab(unit) == ["单位"]
    assert 'href="../laixi-psb/" class="md-path__link"' in unit
    practice = html(site, "practices/xiagezhuang-sitou/")
    trail = _trail(practice)
    assert trail[:2] == ["首页", "经验做法"] and trail[2] == "枫桥经验" and "四头" in trail[3]
    assert _active_tab(practice) == ["经验做法"]
    brand = html(site, "brands/sitou-gongzuofa/")
    assert _trail(brand) == ["首页", "警务品牌", "“四头”工作法"]
    assert _active_tab(brand) == ["警务品牌"]
    # a page in the nav keeps Material's own trail, and only one tab is ever active
    assert _trail(html(site, "guide/stats/")) == ["首页", "贡献指南"]
    assert _active_tab(html(site, "guide/stats/")) == ["贡献指南"]
    assert _active_tab(html(site, "")) == ["首页"]


# ------------------------------------------------------------------ Chinese, no placeholders

def test_theme_strings_are_chinese(site):
    unit = html(site, "units/xiagezhuang-pcs/")
    assert "Permanent link" not in unit and 'title="本节链接"' in unit
    missing = html(site, "404.html")
    assert "Not found" not in missing and "找不到这个页面" in missing


def test_cli_help_is_chinese(capsys):
    from generator.cli import COMMANDS
    every = [["--help"], *([c, "--help"] for c in COMMANDS), *(["new", k, "--help"] for k in ("unit", "practice", "brand", "stats"))]
    for argv in every:
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert out.startswith("用法：jingyan"), out[:40]
        assert "选项" in out and "显示本帮助并退出" in out
        for english in ("usage:", "positional arguments", "options:", "show this help message"):
            assert english not in out
        placeholders = set(re.findall(r"--[a-z][a-z-]* ([A-Z][A-Z_]+)\b", out)) - {"YYYY"}
        assert not placeholders, (argv, placeholders)  # argparse's capitalised metavars
    with pytest.raises(SystemExit):
        main(["no-such-command"])
    err = capsys.readouterr().err
    assert "错误" in err and "无效的选择" in err and "invalid choice" not in err


def test_no_placeholder_repository_and_no_internal_file_names(site):
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(site).as_posix()
        assert 'href="https://git.example.gov.cn' not in text, name  # no link to a placeholder host
        assert 'class="md-source"' not in text and 'md-source__repository' not in text, name
        assert "md-content__button" not in text, name  # no edit button without a repository
        assert not re.search(r"（样例文章 |\d{3}_[0-9a-f]{16}\.txt", text), name


def test_edit_button_points_at_the_record_when_a_repository_is_set(tmp_path, monkeypatch):
    """With a repository, the header links to it and record pages get an edit
    link to the YAML file behind them."""
    monkeypatch.setenv("JINGYAN_REPO_URL", "https://git.test/police/records")
    out = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--out", str(out)]) == 0
    unit = html(out, "units/xiagezhuang-pcs/")
    assert 'href="https://git.test/police/records"' in unit and "记录仓库" in unit
    assert 'href="https://git.test/police/records/-/edit/main/records/units/xiagezhuang-pcs.yml"' in unit


# ------------------------------------------------------------------ figures

def test_one_way_to_show_a_change(site):
    """Unit pages, the 统计 page and rankings print a change as arrow + size; a
    one-month period reads as one month."""
    for url in ("units/xiagezhuang-pcs/", "stats/"):
        text = re.sub(r"<[^>]+>", " ", html(site, url))
        assert re.search(r"[↑↓→]\d+\.\d%", text), url
        assert not re.search(r"[+−-]\d+\.\d%", text), (url, re.findall(r".{20}[+−-]\d+\.\d%", text)[:3])
        assert " 至 " not in text or not re.search(r"(\d{4}-\d{2}) 至 \1(?!\d)", text)
    stats_page = html(site, "stats/")
    for cls, title in re.findall(r'class="jy-change jy-(\w+)" title="([^"]+)"', stats_page):
        assert cls in ("good", "bad", "flat", "none") and title  # colour never the only signal


def test_one_month_period_is_one_month():
    from generator.pages import span_text
    assert span_text("2020-11", "2020-11") == "2020-11"
    assert span_text("2020-01", "2020-11") == "2020-01 至 2020-11"


# ------------------------------------------------------------------ jingyan serve

def _serve_build(site: Path, dirty: bool) -> list[dict]:
    """One build as `jingyan serve` runs it: same process, plugin instances kept
    between builds (MkDocs caches them), not strict."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve" if dirty else "build", dirty=dirty)
    build(config, dirty=dirty)
    config.plugins.on_shutdown()
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]


def test_serve_keeps_one_search_entry_per_page_across_edits(tmp_path, monkeypatch):
    """Three edits under `jingyan serve` (dirty builds): the search index has
    exactly the entries, in the order, of a full build of the edited records."""
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "tests" / "fixtures" / "golden", tree)
    monkeypatch.setenv("JINGYAN_RECORDS", str(tree))
    monkeypatch.delenv("JINGYAN_REPO_URL", raising=False)
    site = tmp_path / "site"
    first = _serve_build(site, dirty=True)
    practice = tree / "records/practices/xiagezhuang-jiedao.yml"
    brand = tree / "records/brands/sitou-gongzuofa.yml"
    edits = [(practice, "\ntitle: ", "\ntitle: 第一次改·"),
             (brand, "\nsummary: ", "\nsummary: 第二次改，"),
             (practice, "第一次改·", "第三次改·")]
    counts = [len(first)]
    everything = {d["location"] for d in first}
    for path, old, new in edits:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        os.utime(site, None)
        docs = _serve_build(site, dirty=True)
        counts.append(len(docs))
        locations = [d["location"] for d in docs]
        assert len(locations) == len(set(locations)), "a page's entries appear twice"
        assert set(locations) == everything, sorted(everything ^ set(locations))
    full = _serve_build(tmp_path / "full", dirty=False)
    assert counts == [len(first)] * 4 and len(full) == len(first), counts
    for a, b in zip(docs, full):
        if a != b:
            t1, t2 = a["text"], b["text"]
            i = next((i for i in range(min(len(t1), len(t2))) if t1[i] != t2[i]), min(len(t1), len(t2)))
            print("DIFF", a["location"], len(t1), len(t2), repr(t1[max(0, i - 80):i + 80]), repr(t2[max(0, i - 80):i + 80]))
        assert a == b, a["location"]
    assert docs == full  # same entries, same text, same order: the same results
    titles = " ".join(d["title"] + d["text"] for d in docs).replace("\u200b", "")
    assert "第三次改" in titles and "第一次改" not in titles and "第二次改" in titles


# ------------------------------------------------------------------ search

ASK_WORKER = """async ({queries, worker}) => {
  const index = await (await fetch("search/search_index.json")).json();
  const w = new Worker(worker);
  const ask = m => new Promise(done => { w.onmessage = e => done(e.data); w.postMessage(m) });
  await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  const out = {};
  for (const q of queries) out[q] = (await ask({type: 2, data: q})).data.items.map(g => g[0].location.split("#")[0]);
  w.terminate();
  return out;
}"""


def ask_search(browser, served: str, site: Path, queries: list[str]) -> dict[str, list[str]]:
    """Result pages, best first, from the site's own (patched) search worker."""
    config = json.loads(html(site, "").split('<script id="__config" type="application/json">')[1]
                        .split("</script>")[0])
    page = browser.new_page()
    page.goto(served)
    answers = page.evaluate(ASK_WORKER, {"queries": queries, "worker": config["search"]})
    page.close()
    return answers


def pages_containing(site: Path, word: str) -> set[str]:
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    return {d["location"].split("#")[0] for d in docs
            if word in (d["title"] + d["text"] + " ".join(d.get("tags", []))).replace("\u200b", "")}


GENERIC = ["派出所", "公安局", "警务室", "矛盾", "治安", "服务"]


def test_a_generic_word_finds_every_page_that_holds_it(browser, served, site):
    answers = ask_search(browser, served, site, GENERIC)
    for word in GENERIC:
        holding = pages_containing(site, word)
        assert len(holding) > 3, word
        missed = holding - set(answers[word])
        assert not missed, (word, f"{len(missed)} of {len(holding)} pages missed", sorted(missed)[:5])


def test_part_of_a_name_finds_it_and_a_full_name_ranks_its_page_first(browser, served, site):
    from generator.validate import load_records
    records, _ = load_records(REPO)
    names = {b.name: f"brands/{b.id}/" for b in records.brands.values()}  # as printed, quotes and all
    names.update({u.name: f"units/{u.id}/" for u in records.units.values()})
    # + - : ~ ^ * are Lunr's query syntax (1+2+N…): not a name search
    names = {n: own for n, own in names.items() if not re.search(r"[-+:~^*]", n)}
    answers = ask_search(browser, served, site, ["积分制", "一点通", *names])
    assert "brands/xingsheng-jifenzhi/" in answers["积分制"][:3], answers["积分制"][:5]
    assert answers["一点通"][0] == "brands/xinmin-yidiantong/", answers["一点通"][:5]
    # a full name finds its own page among the first three (pages whose titles
    # hold the whole name, 济宁市公安局任城区分局 or a practice named after its
    # brand, may rank beside it)
    plain = {name: own for name, own in names.items() if not re.search(r"[“”\"]", name)}
    wrong = {name: answers[name][:3] for name, own in plain.items() if own not in answers[name][:3]}
    assert not wrong, wrong
    first = sum(answers[name][0] == own for name, own in plain.items())
    assert first >= len(plain) * 0.6, f"only {first} of {len(plain)} names rank their page first"
    # a name with quotes in it (“三联”机制) is searched as its words; practices
    # tagged with those words rank high (Material boosts tags), but the page is found
    assert not [name for name, own in names.items() if own not in answers[name]]
    assert answers["社会治安管理积分制"][0] == "brands/xingsheng-jifenzhi/"
    assert answers["社区警务一点通"][0] == "brands/xinmin-yidiantong/"


def test_no_result_link_has_an_empty_highlight(browser, served):
    from tests.test_browser import search
    page = browser.new_page()
    page.goto(served)
    for query in ["四头", "派出所", "积分制", "一点通", "夏格庄派出所", "矛盾纠纷", "警务助理 枫桥"]:
        hrefs = [r["href"] or "" for r in search(page, query)]
        assert hrefs, query
        empty = [h for h in hrefs if re.search(r"[?&]h=(&|#|$)", h)]
        assert not empty, (query, empty[:3])
        page.keyboard.press("Escape")
    page.close()


def test_generic_words_on_a_synthetic_tree(browser, tmp_path):
    """The county tree's problem in small: names taught to jieba (庄松派出所) are
    single words, yet 派出所 must find every page that holds it."""
    import sys
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--out", str(tree), "--size", "small",
                    "--units", "16", "--months", "12", "--metrics", "2"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = tmp_path / "site"
    assert main(["build", "--root", str(REPO), "--out", str(site), "--records", str(tree)]) == 0
    server, url = serve(site)
    try:
        words = ["派出所", "公安局", "警务室"]
        answers = ask_search(browser, url, site, words)
    finally:
        server.shutdown()
    for word in words:
        holding = pages_containing(site, word)
        assert len(holding) >= 10 and not holding - set(answers[word]), (word, len(holding), len(answers[word]))
