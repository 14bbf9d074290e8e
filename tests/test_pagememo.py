"""The page memo (generator/pagememo.py): a remembered conversion is the
conversion, its messages come again, its key sees what it depends on."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from generator import tables
from generator.pagememo import PageMemo, _stable, _Unstable

CONFIG = """site_name: 测试
docs_dir: docs
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
"""
PAGE = """# 标题

## 第一节 {#one}

见[另一页](other.md#two)，[不存在的页](missing.md)。

<div markdown>原样的 HTML</div>

## 第二节

正文。
"""


def site(tmp_path: Path, pages: dict[str, str], extra: str = ""):
    (tmp_path / "docs").mkdir(exist_ok=True)
    for name, text in pages.items():
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG + extra, encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    files = get_files(config)
    return config, files


def render(config, files, uri: str, memo: PageMemo | None):
    f = files.get_file_from_path(uri)
    page = Page(None, f, config)
    page.read_source(config)
    if memo is not None:
        memo.remember(page)
    page.render(config, files)
    return page


def snapshot(page) -> tuple:
    return (page.content, str(page.toc), [(a.id, a.level, a.title) for a in page.toc],
            page._title_from_render, page.present_anchor_ids,
            {f.src_uri: v for f, v in (page.links_to_anchors or {}).items()})


class Records(logging.Handler):
    """What reaches the `mkdocs` logger (MkDocs' CLI stops it propagating to the root, where caplog listens)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def clear(self):
        self.records = []


@pytest.fixture
def mkdocs_log():
    handler, logger = Records(), logging.getLogger("mkdocs")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_a_remembered_conversion_equals_the_conversion_and_logs_the_same(tmp_path, mkdocs_log):
    caplog = mkdocs_log
    config, files = site(tmp_path, {"index.md": PAGE, "other.md": "# 另一页\n\n## 二 {#two}\n"})
    plain = render(config, files, "index.md", None)
    plain_log = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert any("missing.md" in m for _, _, m in plain_log)   # the broken link is reported
    caplog.clear()

    first = PageMemo(tmp_path / "memo")
    assert snapshot(render(config, files, "index.md", first)) == snapshot(plain)
    assert first.converted == 1
    first.save()
    caplog.clear()

    second = PageMemo(tmp_path / "memo")   # the next build: read from disk
    again = render(config, files, "index.md", second)
    assert second.converted == 0 and second.memo.hits == 1
    assert snapshot(again) == snapshot(plain)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == plain_log   # replayed


def test_the_key_sees_the_markdown_the_files_and_the_options(tmp_path):
    config, files = site(tmp_path, {"index.md": PAGE, "other.md": "# 另一页\n"})
    memo = PageMemo(tmp_path / "memo")
    render(config, files, "index.md", memo)
    render(config, files, "index.md", memo)
    assert (memo.converted, memo.memo.hits) == (1, 1)

    config, files = site(tmp_path, {"index.md": PAGE + "\n新的一段。\n"})             # the text
    assert "新的一段" in render(config, files, "index.md", memo).content
    assert memo.converted == 2

    config, files = site(tmp_path, {"missing.md": "# 补上了\n"})                       # a page added
    page = render(config, files, "index.md", memo)
    assert memo.converted == 3 and 'href="missing/"' in page.content

    config, files = site(tmp_path, {}, extra="  - abbr\n")                              # an extension
    render(config, files, "index.md", memo)
    assert memo.converted == 4


def test_an_undescribable_option_turns_the_memo_off(tmp_path):
    config, files = site(tmp_path, {"index.md": PAGE, "other.md": "# 另一页\n"})
    config["mdx_configs"]["toc"]["slugify"] = lambda text, sep: text   # no stable name
    memo = PageMemo(tmp_path / "memo")
    page = render(config, files, "index.md", memo)
    assert page.content and memo.converted == 0 and memo.memo.hits == 0 and memo.memo.misses == 0
    with pytest.raises(_Unstable):
        _stable(object())
    assert _stable(functools.partial(sorted, reverse=True)) == _stable(functools.partial(sorted, reverse=True))


def test_the_search_parse_is_remembered_by_the_html(tmp_path):
    from material.plugins.search import plugin as search
    html = ('<h1 id="t">标题</h1><p>第一段<a href="x">链接</a></p>'
            '<h2 id="a" data-search-exclude>不进索引</h2><p>略</p><h2 id="b">第二节</h2><ul><li>一项</li></ul>')

    def parse():
        p = search.Parser()
        p.feed(html)
        p.close()
        return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded()) for s in p.data]

    plain = parse()
    memo = PageMemo(tmp_path / "memo")
    assert memo.install_search_parse()
    try:
        assert parse() == plain and memo.parsed == 1
        assert parse() == plain and memo.parsed == 1 and memo.memo.hits == 1
    finally:
        memo.uninstall_search_parse()
    assert search.Parser.__name__ == "Parser"


BLOCKS = """# 统计

<div class="jy-block">
<p><a href="../other.md#two">另一页</a> <a href="../missing.md">不存在</a> <img alt="图" src="c.svg" /></p>
</div><!--jy-block-->

<table class="jy-table">
<tr><td><a href="../index.md">首页</a></td></tr>
</table>
"""


def aside(config, files, uri: str, memo: PageMemo | None):
    page = Page(None, files.get_file_from_path(uri), config)
    page.read_source(config)
    if memo is None:
        return tables.set_aside(page.markdown, uri, files)
    return memo.set_aside(page.markdown, page, config, files)


def test_blocks_set_aside_are_remembered_with_their_links_and_problems(tmp_path):
    pages = {"index.md": "# 首页\n", "sub/stats.md": BLOCKS, "other.md": "# 另一页\n", "sub/c.svg": "<svg/>"}
    config, files = site(tmp_path, pages)
    plain = aside(config, files, "sub/stats.md", None)
    assert 'href="../../other/#two"' in plain[1][0] and 'src="../c.svg"' in plain[1][0] and 'href="../../"' in plain[1][1]
    assert len(plain[2]) == 1 and "missing.md" in plain[2][0]        # reported, as a warning
    first = PageMemo(tmp_path / "memo")
    assert aside(config, files, "sub/stats.md", first) == plain
    first.save()
    second = PageMemo(tmp_path / "memo")                               # the next build
    assert aside(config, files, "sub/stats.md", second) == plain       # the problem again, from the memo
    assert second.memo.hits == 1
    config, files = site(tmp_path, {"missing.md": "# 补上了\n"})       # a target added: resolved afresh
    again = aside(config, files, "sub/stats.md", second)
    assert again[2] == [] and 'href="../../missing/"' in again[1][0] and second.memo.misses == 1
    config, files = site(tmp_path, {}, extra="use_directory_urls: false\n")   # other URLs
    flat = aside(config, files, "sub/stats.md", second)
    assert 'href="../other.html#two"' in flat[1][0] and flat == aside(config, files, "sub/stats.md", None)
