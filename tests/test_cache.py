"""The records memo (generator/cache.py): a warm load gives exactly what a cold
one gives, a changed file is checked afresh, and a damaged or hostile cache
file is ignored, never trusted."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

from conftest import REPO, TODAY, make_repo

from generator.cache import Memo
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
    assert (cache / "records.pickle").is_file()
    memo = Memo(cache / "records.pickle", _memo_version())
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
    cache.mkdir()
    (cache / "records.pickle").write_bytes(b"\x80\x05not a pickle at all")
    assert _load(root, cache)[1] == []
    assert len(Memo(cache / "records.pickle", _memo_version()).stored) > 0  # rewritten


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_hostile_cache_runs_nothing(tmp_path, monkeypatch):
    """A cache folder may come back from CI storage: unpickling must not be a way to run code."""
    monkeypatch.chdir(tmp_path)
    root = make_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    cache.mkdir()
    with open(cache / "records.pickle", "wb") as fh:
        pickle.dump({"version": _memo_version(), "entries": {"x": _Evil()}}, fh)
    assert _load(root, cache)[1] == []
    assert not (tmp_path / "pwned").exists()


def test_memo_keeps_only_used_entries(tmp_path):
    path = tmp_path / "m.pickle"
    m = Memo(path, "v1")
    m.put("a", [1]), m.put("b", [2])
    m.save()
    m = Memo(path, "v1")
    assert m.get("a") == [1] and m.get("zzz") is None
    m.save()
    assert set(Memo(path, "v1").stored) == {"a"}
    assert Memo(path, "v2").stored == {}  # other code: start afresh
