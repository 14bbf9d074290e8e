"""The search index built at build time (generator/lunr_index.py).

The whole-index check, that Material's worker answers the same with the
packed index as with one it builds itself, is in tests/test_browser.py; the
figures here pin the port of Material's tokenizer to what its worker
produced for the same input.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import lunr_index
from generator.lunr_index import (CONFIG_ONLY, LOADER, Unsupported, build, js_separator, patch_bundle, patch_worker,
                                  prebuild, tokenize, unpack)

SEPARATOR = r'[\s\u200b\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'  # mkdocs.yml
CONFIG = {"lang": ["zh"], "separator": SEPARATOR, "pipeline": ["stemmer"],
          "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}}}


def tokens(value):
    table = []
    return tokenize(value, table, js_separator(SEPARATOR)), table


def test_tokenizer_matches_materials_position_table():
    # Material's worker, given the title "贡献\u200b指南", stores [[9, 12297]]:
    # (offset << 12 | length << 2 | kind) for 贡献 at 0 and 指南 at 3.
    assert tokens("贡献\u200b指南") == ([("贡献", 0), ("指南", 1)], [[9, 12297]])


def test_tokenizer_html_blocks_camel_case_and_numbers():
    found, table = tokens("<p>警务\u200b助理 ServiceWorker 1.5 a.b</p><p>x</p>")
    assert [t for t, _ in found] == ["警务", "助理", "service", "worker", "1.5", "a", "b", "x"]
    # markup has entries (kind 0 open, 2 close) but no tokens; a closed tag starts a new block
    assert table[0][0] == 0 << 12 | 3 << 2 | 0 and table[0][-1] == 30 << 12 | 4 << 2 | 2
    assert found[-1] == ("x", 1 << 20 | 1)  # block 1, entry 1 (entry 0 is <p>)


def test_tokenizer_counts_utf16_units_like_javascript():
    found, table = tokens("𠀀a b")  # U+20000 is two UTF-16 units
    assert found == [("𠀀a", 0), ("b", 1)]
    assert table == [[0 << 12 | 3 << 2 | 1, 4 << 12 | 1 << 2 | 1]]


def test_tags_share_one_table_one_block_each():
    assert tokens(["治保会", "邻里守望"]) == ([("治保会", 0), ("邻里守望", 1 << 20)], [[13], [17]])


def test_separator_uses_javascripts_spaces():
    # JavaScript's \s has U+3000 (ideographic space) but not U+001C, Python's has both
    found, _ = tokens("a&lt;b\u3000c\x1cd")
    assert [t for t, _ in found] == ["a", "b", "c\x1cd"]


def test_unsupported_separators_and_configurations():
    with pytest.raises(Unsupported):
        js_separator(r"[^\S]+")
    with pytest.raises(Unsupported):
        js_separator(r"\p{L}+")
    docs = [{"location": "a/", "title": "甲", "text": ""}]
    for change in ({"lang": ["en"]}, {"lang": ["zh", "en"]}, {"pipeline": ["stemmer", "trimmer"]}):
        with pytest.raises(Unsupported):
            build({**CONFIG, **change}, docs)
    with pytest.raises(Unsupported):
        build(CONFIG, docs + docs)


def test_build_packs_postings_by_document_number():
    docs = [{"location": "p/", "title": "警务\u200b助理", "text": "<p>警务\u200b警务</p>", "tags": ["警务"]},
            {"location": "p/#s", "title": "助理", "text": ""},
            {"location": "q/", "title": "\uffff", "text": "𠀀"}]
    packed = build(CONFIG, docs)
    assert packed["refs"] == ["p/", "p/#s", "q/"] and packed["count"] == 3
    assert packed["fields"] == ["title", "text", "tags"] and packed["pipeline"] == ["stemmer"]
    # JavaScript's order (UTF-16 units): U+20000 (D840 DC00) sorts before U+FFFF
    assert packed["terms"] == ["助理", "警务", "𠀀", "\uffff"]
    postings = dict(zip(packed["terms"], packed["postings"]))
    # [first-seen order, title, text, tags]; each posting: doc, count, positions,
    # a field's postings one string of base-36 numbers
    assert postings["警务"] == [0, "0,1,0", "0,2,1,2", "0,1,0"]
    assert postings["助理"] == [1, "0,1,1,1,1,0", "", ""]
    assert [unpack(s) for s in postings["助理"][1:]] == [[0, 1, 1, 1, 1, 0], [], []]
    assert postings["\uffff"] == [2, "2,1,0", "", ""] and postings["𠀀"] == [3, "", "2,1,0", ""]


def test_packed_numbers_read_back_as_javascript_reads_them():
    # positions are signed 32-bit (block << 20 | index); parseInt(s, 36) in the worker
    numbers = [0, 1, 35, 36, 1295, 1296, 2**20 + 7, 2**31 - 1, -2**31, -1, -36]
    assert lunr_index._numbers(numbers) == "0,1,z,10,zz,100,mh3b,zik0zj,-zik0zk,-1,-10"


def test_packed_document_numbers_are_steps():
    # documents 3 (two positions), 40 (one) and 41 (one): 3, 37 and 1 apart
    flat = [3, 2, 5, 2**20, 40, 1, 7, 41, 1, -1]
    text = lunr_index._pack(flat)
    assert text == "3,2,5,mh34,11,1,7,1,1,-1"
    assert unpack(text) == flat and unpack("") == [] and lunr_index._pack([]) == ""


def _site(tmp_path: Path, config=None) -> Path:
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    docs = [{"location": "", "title": "首页", "text": "<p>社区\u200b警务</p>"},
            {"location": "practices/a/", "title": "夏格庄\u200b四头", "text": "", "tags": ["四头"]}]
    (site / "search/search_index.json").write_text(json.dumps({"config": config or CONFIG, "docs": docs}),
                                                   encoding="utf-8")
    return site


def test_prebuild_writes_the_packed_file_and_names_it_in_the_index(tmp_path):
    site = _site(tmp_path)
    figures = prebuild(site)
    assert figures["documents"] == 2
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    packed = json.loads((site / "search/lunr_index.json").read_text(encoding="utf-8"))
    assert index["config"]["prebuilt"] == packed["id"] and len(packed["id"]) == 16
    assert packed["format"] == lunr_index.PACKED_FORMAT and "四头" in packed["terms"]
    assert index["docs"][1]["title"] == "夏格庄\u200b四头"
    # the page reads only the configuration; the worker fetches the documents
    assert json.loads((site / "search" / CONFIG_ONLY).read_text(encoding="utf-8")) == {
        "config": index["config"], "docs": []}
    assert not list((site / "search").glob("*.tmp"))
    again = prebuild(site)  # a second run (dirty build) gives the same file
    assert again == figures
    assert json.loads((site / "search/lunr_index.json").read_text(encoding="utf-8"))["id"] == packed["id"]


def test_prebuild_leaves_other_configurations_to_the_browser(tmp_path):
    site = _site(tmp_path, {**CONFIG, "lang": ["en"]})
    (site / "search/lunr_index.json").write_text("{}", encoding="utf-8")  # stale, from an earlier build
    before = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert prebuild(site) is None
    assert (site / "search/search_index.json").read_text(encoding="utf-8") == before
    assert not (site / "search/lunr_index.json").exists()
    assert not (site / "search" / CONFIG_ONLY).exists()
    assert prebuild(tmp_path / "nothing") is None


def test_prebuild_gives_a_kept_bundle_the_whole_index(tmp_path):
    # a dirty build kept a bundle that asks for search_config.json, and this
    # configuration cannot be prebuilt: the file holds the whole index
    site = _site(tmp_path, {**CONFIG, "lang": ["en"]})
    _material_file("bundle.*.min.js", site)
    assert patch_bundle(site)
    assert prebuild(site) is None
    assert (site / "search" / CONFIG_ONLY).read_text(encoding="utf-8") == \
        (site / "search/search_index.json").read_text(encoding="utf-8")


def _material_worker() -> Path:
    import material
    found = sorted((Path(material.__file__).parent / "templates/assets/javascripts/workers").glob("search.*.min.js"))
    assert found, "Material's search worker not found"
    return found[0]


def _material_file(pattern: str, site: Path) -> Path:
    """A copy of Material's built asset in site/assets/javascripts/."""
    import material
    found = sorted((Path(material.__file__).parent / "templates/assets/javascripts").glob(pattern))
    assert found, f"Material's {pattern} not found"
    folder = site / "assets/javascripts"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(found[0], folder))


def test_patch_bundle_asks_for_the_configuration_only(tmp_path):
    bundle = _material_file("bundle.*.min.js", tmp_path)
    stock = bundle.read_text(encoding="utf-8")
    assert patch_bundle(tmp_path)
    text = bundle.read_text(encoding="utf-8")
    assert text == stock.replace('new URL("search/search_index.json",', f'new URL("search/{CONFIG_ONLY}",')
    assert text != stock and 'new URL("search/search_index.js",' in text  # file:// still reads the script
    assert patch_bundle(tmp_path)  # a dirty build finds it patched
    assert bundle.read_text(encoding="utf-8") == text
    (tmp_path / "other").mkdir()
    (tmp_path / "other/assets/javascripts").mkdir(parents=True)
    (tmp_path / "other/assets/javascripts/bundle.1.min.js").write_text("fetch('x')", encoding="utf-8")
    assert not patch_bundle(tmp_path / "other")


def test_patch_worker_adds_the_loader_once(tmp_path):
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    shutil.copy(_material_worker(), workers)
    assert patch_worker(tmp_path)
    text = next(workers.glob("*.js")).read_text(encoding="utf-8")
    assert text.startswith(LOADER) and text.count("__jingyanLoad(") == 2  # definition and call
    assert ",yield __jingyanFetch," in text and text.count("__jingyanSetup(") == 2  # definition and call
    assert patch_worker(tmp_path)  # a dirty build finds it patched
    assert next(workers.glob("*.js")).read_text(encoding="utf-8") == text


def test_patch_worker_replaces_an_older_builds_loader(tmp_path):
    # a dirty build keeps the worker an older build patched: its loader (two
    # lines, another packed format) gives way to this one, the calls stay
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    shutil.copy(_material_worker(), workers)
    assert patch_worker(tmp_path)
    worker = next(workers.glob("*.js"))
    current = worker.read_text(encoding="utf-8")
    body = current[len(LOADER):]
    worker.write_text("var __jingyanPacked=null,__jingyanFetch=null;\nfunction __jingyanLoad(){return null}\n" + body,
                      encoding="utf-8")
    assert patch_worker(tmp_path)
    assert worker.read_text(encoding="utf-8") == current


def test_patch_worker_leaves_unknown_code_alone(tmp_path):
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    (workers / "search.1234.min.js").write_text("self.onmessage=()=>{}", encoding="utf-8")
    assert not patch_worker(tmp_path)
    assert (workers / "search.1234.min.js").read_text(encoding="utf-8") == "self.onmessage=()=>{}"


class _DictMemo(dict):
    hits = 0

    def get(self, key):
        found = super().get(key)
        self.hits += found is not None
        return found

    def put(self, key, value):
        self[key] = value


def test_a_memo_gives_the_same_index_and_is_used_for_unchanged_documents():
    docs = [{"location": "a/", "title": "社区\u200b警务", "text": "<p>警务\u200b助理 走访 12 户</p>", "tags": ["调解"]},
            {"location": "b/", "title": "调解", "text": "<p>矛盾\u200b纠纷 化解</p>"}]
    plain = build(CONFIG, docs)
    memo = _DictMemo()
    assert build(CONFIG, docs, memo) == plain and memo.hits == 0
    assert build(CONFIG, docs, memo) == plain and memo.hits == 2
    changed = [docs[0], {**docs[1], "text": "<p>矛盾\u200b纠纷 调解</p>"}]
    assert build(CONFIG, changed, memo) == build(CONFIG, changed) and memo.hits == 3
    other = {**CONFIG, "separator": r"[\s\u200b]+"}             # another separator: not the same terms
    assert build(other, docs, memo) == build(other, docs) and memo.hits == 3
