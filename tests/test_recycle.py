"""Building into the site before last (generator/recycle.py): the same site as
a build into an empty folder, nothing left over, nothing written through a
hard link."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from generator import recycle
from test_scale import FIXTURE, build, files_of, private_root

pytestmark = pytest.mark.skipif(not recycle.enabled(), reason="only on POSIX file systems (ctime)")


def test_adopt_then_sweep_keeps_what_the_build_wrote(tmp_path, monkeypatch):
    spare, site = tmp_path / "spare", tmp_path / "site"
    (spare / "sub" / "deeper").mkdir(parents=True)
    (spare / "kept").mkdir()
    (spare / "a.txt").write_text("old a")
    (spare / "sub" / "deeper" / "b.txt").write_text("old b")
    (spare / "kept" / "c.txt").write_text("old c")
    cached = tmp_path / "cache.svg"
    cached.write_text("cached chart")
    os.link(cached, spare / "chart.svg")
    (spare / "charts").mkdir()
    os.link(cached, spare / "charts" / "gone.svg")        # a chart this build no longer places
    monkeypatch.setenv(recycle.SPARE_ENV, str(spare))

    assert recycle.adopt(site) == 3                     # the hard link is not counted: it is unlinked
    assert not spare.exists()
    assert not (site / "chart.svg").exists() and cached.read_text() == "cached chart"
    (site / "a.txt").write_text("new a")                 # written in place, as MkDocs does
    (site / "kept" / "c.txt").write_text("old c")        # the same content written again
    (site / "new.txt").write_text("new")
    assert recycle.sweep(site) == 1
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == \
        ["a.txt", "kept", "kept/c.txt", "new.txt"]
    assert (site / "a.txt").read_text() == "new a"


def test_nothing_to_adopt(tmp_path, monkeypatch):
    monkeypatch.setenv(recycle.SPARE_ENV, str(tmp_path / "missing"))
    assert recycle.adopt(tmp_path / "site") is None
    assert recycle.sweep(tmp_path / "site") == 0
    monkeypatch.delenv(recycle.SPARE_ENV)
    assert recycle.adopt(tmp_path / "site") is None


@pytest.fixture
def built_twice(tmp_path, monkeypatch):
    """(records tree, root, site) after two builds: the first site is the spare."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    root, site = private_root(tmp_path / "root"), tmp_path / "site"
    assert build(root, tree, site) == 0
    assert build(root, tree, site) == 0
    return tree, root, site


def test_a_recycled_build_equals_a_clean_build_after_a_record_is_removed(tmp_path, built_twice):
    tree, root, site = built_twice
    spares = list((root / ".cache/jingyan/spare").iterdir())
    assert len(spares) == 1 and (spares[0] / "index.html").is_file()
    removed = sorted((tree / "records/practices").glob("*.yml"))[0]
    removed.unlink()
    assert build(root, tree, site) == 0                  # into the spare: the removed practice's page goes
    clean_root = tmp_path / "clean"
    shutil.copytree(root, clean_root, ignore=shutil.ignore_patterns(".cache"))
    assert build(clean_root, tree, clean_root / "site") == 0
    recycled, clean = files_of(site), files_of(clean_root / "site")
    assert recycled.keys() == clean.keys()
    assert [k for k in clean if clean[k] != recycled[k]] == []
    folders = lambda top: sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_dir())
    assert folders(site) == folders(clean_root / "site")     # no empty folder left behind
    assert not any(p.name.startswith(".site") for p in tmp_path.iterdir())


def test_a_failed_build_leaves_the_site_and_no_temporary_folder(tmp_path, built_twice):
    tree, root, site = built_twice
    before = files_of(site)
    unit = sorted((tree / "records/units").glob("*.yml"))[0]
    unit.write_text(unit.read_text(encoding="utf-8").replace("kind:", "kind: statoin\nkind_old:", 1),
                    encoding="utf-8")
    assert build(root, tree, site) == 1
    assert files_of(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_write_touches_a_file_that_already_holds_the_bytes(tmp_path):
    path = tmp_path / "sub" / "page.html"
    recycle.write(str(path), b"one")                     # creates its folder
    first = os.stat(path)
    time.sleep(0.02)
    recycle.write(str(path), b"one")
    again = os.stat(path)
    assert again.st_ino == first.st_ino and again.st_ctime_ns > first.st_ctime_ns   # touched: the sweep keeps it
    recycle.write(str(path), b"two")
    assert path.read_bytes() == b"two"


def test_mkdocs_writes_pages_through_it_only_while_a_spare_is_adopted(tmp_path, monkeypatch):
    import mkdocs.utils
    original = mkdocs.utils.write_file
    spare = tmp_path / "spare"
    spare.mkdir()
    (spare / "index.html").write_text("old")
    monkeypatch.setenv(recycle.SPARE_ENV, str(spare))
    recycle.adopt(tmp_path / "site")
    assert mkdocs.utils.write_file is recycle._write_file
    recycle.sweep(tmp_path / "site")
    assert mkdocs.utils.write_file is original
