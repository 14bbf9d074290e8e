"""The records memo (generator/cache.py): a warm load gives exactly what a cold
one gives, a changed file is checked afresh, and a damaged or hostile cache
file is ignored, never trusted."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

from conftest import REPO, TODAY, make_repo

from generator.cache import RECORDS_MEMO, SHARDS, Memo, shard_of
from generator.validate import _memo_version, load_records


def _load(root: Path, cache: Path | None):
    return load_records(root, today=TODAY, cache_dir=cache)


def test_warm_load_equals_cold_and_uncached(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "site_config", root / "site_config")
    cache = tmp_path / "cache"
    plain = _load(root, None)
    cold = _load(root, cache)
    assert any((cache / RECORDS_MEMO).glob("*.pickle"))
    memo = Memo(cache / RECORDS_MEMO, _memo_version())
    files = sum(1 for _ in (root / "records").rglob("*.yml")) + 3  # + site, metrics, categories
    assert len(memo.stored) == files
    warm = _load(root, cache)
    assert plain[1] == cold[1] == warm[1] == []
    assert plain[0] == cold[0] == warm[0]


def test_changed_file_is_checked_again(tmp_path):
    root = make_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    assert _load(root, cache)[1] == []
    unit = root / "records/units/xiagezhuang-pcs.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("kind: station", "kind: statoin"), encoding="utf-8")
    records, problems = _load(root, cache)
    assert records is None
    assert [p.path for p in problems] == ["records/units/xiagezhuang-pcs.yml"]
    assert "statoin" in problems[0].message
    # the broken result is remembered too, and reported the same way
    assert _load(root, cache)[1] == problems


def test_allow_list_change_reconverts(tmp_path):
    """A file's privacy findings depend on site.yml's allow-list, so a new
    allow-list must not reuse findings made under the old one."""
    root = make_repo(tmp_path / "repo")
    practice = root / "records/practices/xiagezhuang-sitou.yml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("让“平安不出事”", "咨询电话13812345678。让“平安不出事”", 1), encoding="utf-8")
    cache = tmp_path / "cache"
    problems = _load(root, cache)[1]
    assert len(problems) == 1 and "138****5678" in problems[0].message
    site = root / "site_config/site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace("privacy_allow:\n", "privacy_allow:\n  - \"13812345678\"\n"),
                    encoding="utf-8")
    assert _load(root, cache)[1] == []


def test_damaged_cache_is_ignored(tmp_path):
    root = make_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    (cache / RECORDS_MEMO).mkdir(parents=True)
    for i in range(SHARDS):
        (cache / RECORDS_MEMO / f"{i:02d}.pickle").write_bytes(b"\x80\x05not a pickle at all")
    assert _load(root, cache)[1] == []
    assert len(Memo(cache / RECORDS_MEMO, _memo_version()).stored) > 0  # rewritten


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_hostile_cache_runs_nothing(tmp_path, monkeypatch):
    """A cache folder may come back from CI storage: unpickling must not be a way to run code."""
    monkeypatch.chdir(tmp_path)
    root = make_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    (cache / RECORDS_MEMO).mkdir(parents=True)
    with open(cache / RECORDS_MEMO / f"{shard_of('x'):02d}.pickle", "wb") as fh:
        pickle.dump({"version": _memo_version(), "entries": {"x": _Evil()}}, fh)
    assert _load(root, cache)[1] == []
    assert not (tmp_path / "pwned").exists()


def test_memo_keeps_only_used_entries(tmp_path):
    path = tmp_path / "memo"
    m = Memo(path, "v1")
    m.put("a", [1]), m.put("b", [2])
    m.save()
    m = Memo(path, "v1")
    assert m.get("a") == [1] and m.get("zzz") is None
    m.save()
    assert set(Memo(path, "v1").stored) == {"a"}
    assert Memo(path, "v2").stored == {}  # other code: start afresh


def test_shards_of_another_shard_count_are_removed_on_save(tmp_path):
    """A memo that had 16 shards (00.pickle …) and now has 128 (000.pickle …):
    the old files are not read (the memo starts afresh) and are removed when
    the memo is saved, instead of lying in the cache for ever."""
    path = tmp_path / "memo"
    old = Memo(path, "v1", shards=16)
    old.put("a", [1])
    old.save()
    assert {f.name for f in path.glob("*.pickle")} == {f"{shard_of('a', 16):02d}.pickle"}
    new = Memo(path, "v1", shards=128)
    assert new.get("a") is None
    new.put("a", [1])
    new.save()
    assert {f.name for f in path.glob("*.pickle")} == {f"{shard_of('a', 128):03d}.pickle"}
    assert Memo(path, "v1", shards=128).get("a") == [1]


def test_one_changed_entry_rewrites_only_its_shards(tmp_path):
    """A one-file change must not re-pickle the whole memo (seconds at province scale)."""
    path = tmp_path / "memo"
    m = Memo(path, "v1")
    for i in range(500):
        m.put(f"k{i}", [i])
    m.save()
    files = sorted(path.glob("*.pickle"))
    assert len(files) == SHARDS
    before = {f.name: f.stat().st_mtime_ns for f in files}
    for f in files:                       # an old timestamp, so that a rewrite shows
        os.utime(f, ns=(1, 1))
    m = Memo(path, "v1")
    for i in range(500):
        if i != 7:
            assert m.get(f"k{i}") == [i]
    assert m.get("new") is None
    m.put("new", ["x"])
    m.save()                              # k7 dropped, "new" added: at most two shards
    rewritten = {f.name for f in path.glob("*.pickle") if f.stat().st_mtime_ns != 1}
    assert rewritten == {f"{shard_of('k7'):02d}.pickle", f"{shard_of('new'):02d}.pickle"}
    assert before.keys() == {f.name for f in path.glob("*.pickle")}
    again = Memo(path, "v1")
    assert again.stored.keys() == {f"k{i}" for i in range(500) if i != 7} | {"new"}
    assert again.get("new") == ["x"]


def test_old_one_file_memo_is_removed(tmp_path):
    root = make_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "records.pickle").write_bytes(b"old")
    assert _load(root, cache)[1] == []
    assert not (cache / "records.pickle").exists()
