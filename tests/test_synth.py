"""benchmarks/synth.py: deterministic, valid synthetic records trees."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]
SYNTH = REPO / "benchmarks" / "synth.py"


def synth(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(SYNTH), "--out", str(out), *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_small_tree_is_deterministic_and_valid(tmp_path):
    a = synth(tmp_path / "a", "--size", "small")
    b = synth(tmp_path / "b", "--size", "small")
    fa, fb = files_of(a), files_of(b)
    assert fa == fb
    assert any(k.startswith("records/stats/") for k in fa)
    records, problems = load_records(REPO, a)
    assert problems == []
    stations = [u for u in records.units.values() if u.kind == "station"]
    assert len(stations) == 20
    assert {u.kind for u in records.units.values()} == {"bureau", "station", "post"}
    tops = [u for u in records.units.values() if u.parent is None]
    assert tops and all(u.kind == "bureau" for u in tops)
    assert len(records.stats) == 20 * 3                      # 36 months: 2023–2025, one file a year
    assert {s.year for s in records.stats} == {2023, 2024, 2025}
    assert all(len(s.months) == 12 and len(s.months[1]) == 10 for s in records.stats)
    assert records.brands and records.practices
    for p in records.practices.values():
        assert 150 <= len(p.summary) <= 300, p.id
        assert set(p.categories) <= set(records.categories)
    # its own sites.yml lists its own top-level bureaus, not the sample's
    sites = (a / "site_config" / "sites.yml").read_text(encoding="utf-8")
    assert all(f"id: {u.id}" in sites for u in tops)


def test_options_and_seed(tmp_path):
    a = synth(tmp_path / "a", "--units", "3", "--cities", "1", "--counties", "1", "--practices-per-unit", "2",
              "--months", "14", "--metrics", "4", "--seed", "5")
    records, problems = load_records(REPO, a)
    assert problems == []
    assert sum(u.kind == "station" for u in records.units.values()) == 3
    assert len(records.practices) + len(records.drafts) == 6
    assert sorted({s.year for s in records.stats}) == [2024, 2025]  # 2024-11 … 2025-12
    s2024 = next(s for s in records.stats if s.year == 2024)
    assert sorted(s2024.months) == [11, 12] and len(s2024.months[11]) == 4
    b = synth(tmp_path / "b", "--units", "3", "--cities", "1", "--counties", "1", "--practices-per-unit", "2",
              "--months", "14", "--metrics", "4", "--seed", "6")
    assert files_of(a) != files_of(b)
    # writing again over an existing tree replaces it exactly
    synth(a, "--units", "3", "--cities", "1", "--counties", "1", "--practices-per-unit", "2",
          "--months", "14", "--metrics", "4", "--seed", "6")
    assert files_of(a) == files_of(b)
