"""The segmentation cache around Material's SearchIndex._segment_chinese."""
from __future__ import annotations

import json
import threading

import pytest

from generator import search
from generator.search import install_segment_cache, save_segment_cache, segment_dictionary_key

sp = pytest.importorskip("material.plugins.search.plugin")
if sp.jieba is None:
    pytest.skip("jieba 未安装", allow_module_level=True)

TEXTS = ["下夼派出所推行“四头”工作法，社区民警坐炕头、到地头。",
         "Title 警务助理 and 矛盾纠纷 mixed with English 123",
         "", "no Han characters at all",
         "卜庄派出所以“124”工作模式织密乡镇人防网"]


@pytest.fixture(autouse=True)
def restore():
    original = sp.SearchIndex._segment_chinese
    yield
    save_segment_cache()
    sp.SearchIndex._segment_chinese = original


def segment_all() -> list[str]:
    index = sp.SearchIndex()
    return [index._segment_chinese(t) for t in TEXTS]


def test_same_output_with_and_without_cache(tmp_path):
    plain = segment_all()
    assert install_segment_cache(tmp_path, "k1")
    first = segment_all()            # segmented, then stored
    assert first == plain
    stats = save_segment_cache()
    assert stats == {"cached": 0, "segmented": len(TEXTS)}
    assert sp.SearchIndex._segment_chinese.__name__ == "_segment_chinese"  # original restored
    assert not hasattr(sp.SearchIndex._segment_chinese, "__jingyan_original__")

    assert install_segment_cache(tmp_path, "k1")
    second = segment_all()           # every text from the file
    assert second == plain
    assert save_segment_cache() == {"cached": len(TEXTS), "segmented": 0}


def test_second_call_hits_without_calling_jieba(tmp_path, monkeypatch):
    assert install_segment_cache(tmp_path, "k2")
    segment_all()
    save_segment_cache()
    assert install_segment_cache(tmp_path, "k2")
    monkeypatch.setattr(sp.jieba, "cut", lambda *a, **k: pytest.fail("jieba called on a cached text"))
    assert segment_all()[0].count("\u200b") > 3


def test_new_dictionary_key_is_a_new_file(tmp_path):
    assert install_segment_cache(tmp_path, "old")
    segment_all()
    save_segment_cache()
    assert install_segment_cache(tmp_path, "new")
    segment_all()
    assert save_segment_cache() == {"cached": 0, "segmented": len(TEXTS)}
    assert sorted(p.name for p in tmp_path.glob("segments-*.json")) == ["segments-new.json", "segments-old.json"]


def test_damaged_or_foreign_file_is_ignored(tmp_path):
    (tmp_path / "segments-bad.json").write_text("{not json", encoding="utf-8")
    assert install_segment_cache(tmp_path, "bad")
    assert segment_all() == [sp.SearchIndex._segment_chinese.__jingyan_original__(None, t) for t in TEXTS]
    save_segment_cache()
    data = json.loads((tmp_path / "segments-bad.json").read_text(encoding="utf-8"))
    assert data["format"] == search.SEGMENT_CACHE_FORMAT and len(data["entries"]) == len(TEXTS)
    # a wrong answer planted for another jieba/Material version is never used
    data["versions"] = "jieba=0;mkdocs-material=0"
    key = next(iter(data["entries"]))
    data["entries"][key] = "WRONG"
    (tmp_path / "segments-bad.json").write_text(json.dumps(data), encoding="utf-8")
    assert install_segment_cache(tmp_path, "bad")
    assert "WRONG" not in segment_all()


def test_only_used_entries_are_kept(tmp_path):
    assert install_segment_cache(tmp_path, "k3")
    segment_all()
    sp.SearchIndex()._segment_chinese("只在第一次生成时出现的页面")
    save_segment_cache()
    assert install_segment_cache(tmp_path, "k3")
    segment_all()
    save_segment_cache()
    data = json.loads((tmp_path / "segments-k3.json").read_text(encoding="utf-8"))
    assert len(data["entries"]) == len(TEXTS)


def test_concurrent_saves_leave_a_whole_file(tmp_path):
    caches = []
    for i in range(4):
        c = search._SegmentCache(tmp_path / "segments-same.json", lambda self, d: d + "!")
        for t in TEXTS + [f"第{i}个"]:
            c.segment(None, t)
        caches.append(c)
    threads = [threading.Thread(target=c.save) for c in caches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = json.loads((tmp_path / "segments-same.json").read_text(encoding="utf-8"))
    assert len(data["entries"]) == len(TEXTS) + 1
    assert not list(tmp_path.glob("*.tmp"))


def test_does_nothing_when_material_changes(tmp_path, monkeypatch):
    monkeypatch.delattr(sp.SearchIndex, "_segment_chinese")
    assert install_segment_cache(tmp_path, "k4") is False
    assert save_segment_cache() is None
    assert not list(tmp_path.iterdir())


def test_dictionary_key_follows_words_file(tmp_path):
    from generator.validate import load_records
    from pathlib import Path
    repo = Path(__file__).resolve().parents[1]
    records, problems = load_records(repo)
    assert not problems
    (tmp_path / "site_config").mkdir()
    (tmp_path / "site_config" / "jieba_words.txt").write_text("警务助理 2000 n\n", encoding="utf-8")
    a = segment_dictionary_key(tmp_path, records)
    assert a == segment_dictionary_key(tmp_path, records)
    (tmp_path / "site_config" / "jieba_words.txt").write_text("警务助理 2000 n\n网格员 1000 n\n", encoding="utf-8")
    assert segment_dictionary_key(tmp_path, records) != a


def test_teaching_again_starts_from_a_fresh_dictionary(tmp_path):
    """`jingyan serve` teaches jieba again after an edit; words taught for an earlier
    version of the records must not change how the text is cut now."""
    import dataclasses

    import jieba
    from pathlib import Path

    from generator.validate import load_records
    repo = Path(__file__).resolve().parents[1]
    records, problems = load_records(repo)
    assert not problems
    text = "民警再补一句简介，核对辖区地址"
    search.teach_jieba(repo, records)
    fresh = list(jieba.cut(text))
    extra = dataclasses.replace(records, brands=dict(records.brands))
    brand = next(iter(extra.brands.values()))
    extra.brands["x-extra"] = dataclasses.replace(brand, name="再补", components=[])
    search.teach_jieba(repo, extra)
    assert "再补" in list(jieba.cut(text))  # the new word is known
    search.teach_jieba(repo, records)
    assert list(jieba.cut(text)) == fresh  # and forgotten again
