"""`jingyan build-regions`: one site per region and a landing page linking them."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.regions import RegionSpec, landing_page, read_sites, region_specs
from generator.regions import subtree
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
SYNTH = REPO / "benchmarks" / "synth.py"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    subprocess.run([sys.executable, str(SYNTH), "--out", str(out), "--units", "4", "--cities", "2",
                    "--counties", "1", "--months", "12"], check=True, stderr=subprocess.DEVNULL)
    return out


def test_two_regions_and_landing_page(tree, tmp_path):
    records, problems = load_records(REPO, tree)
    assert not problems
    tops = sorted(u.id for u in records.units.values() if u.parent is None)
    assert len(tops) == 2
    out = tmp_path / "regions"
    assert main(["build-regions", "--root", str(REPO), "--records", str(tree), "--out", str(out)]) == 0

    landing = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', landing)
    assert sorted(links) == [f"{rid}/index.html" for rid in tops]
    assert "派出所 2 个" in landing and "http" not in landing  # counts; no external assets

    for rid in tops:
        own = subtree(records, rid)
        other = set(records.units) - own
        site = out / rid
        assert (site / "index.html").exists()
        built = {p.parent.name for p in (site / "units").glob("*/index.html")}
        assert built == own
        index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
        for uid in other:
            assert records.units[uid].name not in index.replace("\u200b", "")
            assert f"units/{uid}/" not in index


def test_sites_file_problems(tree):
    records, _ = load_records(REPO, tree)
    rid = next(u.id for u in records.units.values() if u.parent is None)
    cfg = tree / "check"
    (cfg / "site_config").mkdir(parents=True)
    (cfg / "site_config" / "sites.yml").write_text(
        f"regions:\n  - id: {rid}\n    title: 甲\n  - id: {rid}\n  - id: no-such-psb\n  - title: 乙\n",
        encoding="utf-8")
    sites, problems = read_sites(cfg, records)
    assert sites == [(rid, "甲")]
    assert len(problems) == 3
    assert problems[0].startswith("site_config/sites.yml:4:") and "重复" in problems[0]
    assert "no-such-psb" in problems[1] and "缺少 id" in problems[2]


def test_default_regions_are_top_level_bureaus(tree):
    records, _ = load_records(REPO, tree)
    specs = region_specs(records, None)
    assert [s.id for s in specs] == sorted(u.id for u in records.units.values() if u.parent is None)
    assert sum(s.counts["stations"] for s in specs) == 4


def test_landing_page_escapes_names(tmp_path):
    spec = RegionSpec("a-psb", "<script>alert(1)</script>", dict(bureaus=1, stations=2, posts=0, practices=3, brands=0))
    page = landing_page("标题 & <b>", "简介", [spec], tmp_path)
    assert "<script>" not in page and "&lt;script&gt;" in page and "标题 &amp; &lt;b&gt;" in page


def test_failed_region_keeps_previous_sites_and_landing_page(tree, tmp_path):
    out = tmp_path / "regions"
    records, _ = load_records(REPO, tree)
    rid = sorted(u.id for u in records.units.values() if u.parent is None)[0]
    (out / rid).mkdir(parents=True)
    (out / rid / "index.html").write_text("上一次的网站", encoding="utf-8")
    (out / "index.html").write_text("上一次的入口页", encoding="utf-8")
    # an invalid site URL makes MkDocs refuse its configuration: the region's build fails
    code = main(["build-regions", "--root", str(REPO), "--records", str(tree), "--out", str(out),
                 "--only", rid, "--site-url", "not a url"])
    assert code == 1
    assert (out / rid / "index.html").read_text(encoding="utf-8") == "上一次的网站"
    assert (out / "index.html").read_text(encoding="utf-8") == "上一次的入口页"
    assert sorted(p.name for p in out.iterdir()) == sorted([rid, "index.html"])


def test_landing_page_without_counts_when_only_top_units_are_known(tmp_path):
    spec = RegionSpec("a-psb", "甲省", dict(bureaus=1, stations=0, posts=0, practices=0, brands=0))
    page = landing_page("警务经验", "简介", [spec], tmp_path)
    assert 'href="a-psb/index.html"' in page and "派出所 0" not in page
