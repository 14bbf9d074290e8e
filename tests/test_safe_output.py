"""Hostile text in records reaches the reader as text: HTML pages and search index."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "golden"

ATTACKS = {
    "script": "<script>alert('x1')</script>",
    "img": "<img src=x onerror=alert('x2')>",
    "js_link": "[点我](javascript:alert('x3'))",
    "md_html": "<a href=\"javascript:alert('x4')\">链接</a>",
    "attr_list": "正文 { onclick=alert('x5') }",
    "title_break": "</title><script>alert('x6')</script>",
    "iframe": "<iframe src=\"https://evil.example/\"></iframe>",
}

DANGER = [
    re.compile(r"<script[^>]*>[^<]*alert", re.I),
    re.compile(r"<img[^>]+onerror", re.I),
    re.compile(r"<a\s[^>]*href=\"?javascript:", re.I),
    re.compile(r"<[a-z]+[^>]*\son(click|error|mouseover)=", re.I),
    re.compile(r"<iframe", re.I),
]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    tree = tmp / "tree"
    shutil.copytree(FIXTURE, tree)
    unit = tree / "records/units/weitian-post.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace(
        "name: 渭田警务室", f"name: {q('渭田警务室' + ATTACKS['img'])}").replace(
        "description: 测试用警务室（金标准测试夹具，不是真实单位）。",
        f"description: {q(ATTACKS['iframe'])}"), encoding="utf-8")
    station = tree / "records/units/xiagezhuang-pcs.yml"  # has statistics: chart titles and alt text
    station.write_text(station.read_text(encoding="utf-8").replace(
        "name: 夏格庄派出所", f"name: {q('夏格庄派出所' + ATTACKS['script'] + ' $x^2$ 100%')}"), encoding="utf-8")
    p = tree / "records/practices/xiagezhuang-jiedao.yml"
    text = p.read_text(encoding="utf-8")
    text = text.replace("title: 夏格庄派出所蹲街头摸排线索", f"title: {q('街头' + ATTACKS['title_break'] + ATTACKS['script'])}")
    text = text.replace("summary: 测试用记录：民警在街头与村民交谈时得到线索，查破伪劣种子案。",
                        f"summary: {q(ATTACKS['js_link'] + ATTACKS['md_html'] + ATTACKS['attr_list'])}")
    # a tag is at most 30 characters (validate.TAG_LEN_MAX): the shortest form of the attack
    text = text.replace("tags: [四头工作法]", f"tags: [四头工作法, {q('<img src=x onerror=alert(2)>')}]")
    text = text.replace("  - name: 蹲街头", f"  - name: {q(ATTACKS['script'])}")
    # Markdown that must not become a notice box, a numbered list, a list or a rule
    text = text.replace("    detail: 与常聚在街头的老人拉家常。",
                        "    detail: |\n      ??? danger \"请立即点击\"\n\n      1986. 年起步\n\n      - 入户\n\n      ---")
    text = text.replace("    label: 受害群众", f"    label: {q(ATTACKS['img'])}")
    p.write_text(text, encoding="utf-8")
    site = tmp / "site"
    assert main(["build", "--root", str(REPO), "--records", str(tree), "--out", str(site)]) == 0
    return site


def test_no_markup_from_records_reaches_html(hostile_site):
    offenders = []
    for page in hostile_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for pattern in DANGER:
            for m in pattern.finditer(html):
                offenders.append((page.relative_to(hostile_site).as_posix(), m.group(0)[:80]))
    assert offenders == []


def test_hostile_text_is_shown_as_text(hostile_site):
    html = (hostile_site / "practices/xiagezhuang-jiedao/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html
    assert "[点我](javascript:alert(" in html  # visible, not a link
    assert "<title>街头&lt;/title&gt;&lt;script&gt;" in html
    # typed text stays text (issue 14): no notice box, list or rule made of it
    assert "<details" not in html and "<hr" not in html.split('<div class="md-content"')[1].split("</article>")[0]
    from html import unescape
    for typed in ('??? danger "请立即点击"', "1986. 年起步", "- 入户", "---"):
        assert f"<p>{typed}</p>" in unescape(html), typed
    unit = (hostile_site / "units/weitian-post/index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(" in unit
    assert "&lt;iframe" in unit
    station = (hostile_site / "units/xiagezhuang-pcs/index.html").read_text(encoding="utf-8")
    assert 'alt="夏格庄派出所&lt;script&gt;alert(' in station  # chart alt text
    assert list((hostile_site / "charts/units/xiagezhuang-pcs").glob("*.svg"))


def test_search_index_holds_no_markup_from_records(hostile_site):
    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            value = doc.get(field, "")
            for pattern in DANGER:
                assert not pattern.search(value), (doc["location"], field, value[:120])
        for tag in doc.get("tags", []):
            assert "<" not in tag, tag
