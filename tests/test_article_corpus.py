"""`jingyan import-article` on articles it was not written for: the corpus in
tests/article_corpus/ (excerpts written in our own words with the quirks of real
web articles) and what a reader picks out of each (cases.yml).

`python tests/test_article_corpus.py` prints precision and recall over the corpus
(units, brands, figures) and the time per article.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.importers.article import extract  # noqa: E402

CORPUS = HERE / "article_corpus"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
KINDS = ("units", "brands", "figures")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(round(x, 6))


def figure_text(f) -> str:
    number = f"Δ{_num(f.change)}" if f.change is not None else _num(f.value)
    return f"{f.label} | {number} | {f.unit} | {f.wording}"


def read(name: str):
    return extract((CORPUS / name).read_text(encoding="utf-8"), name)


def found_in(art) -> dict[str, set[str]]:
    return {"units": {n for n, _ in art.units}, "brands": set(art.brands),
            "figures": {figure_text(f) for f in art.figures}}


def expected_in(case: dict) -> dict[str, set[str]]:
    return {k: set(case.get(k) or []) for k in KINDS}


def test_corpus_is_big_enough():
    assert len(CASES) >= 15
    assert sorted(CASES) == sorted(p.name for p in CORPUS.iterdir() if p.name != "cases.yml")


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    case = CASES[name]
    art = read(name)
    found, want = found_in(art), expected_in(case)
    for kind in KINDS:
        missing = set((case.get("missing") or {}).get(kind) or [])
        invented = set((case.get("invented") or {}).get(kind) or [])
        assert found[kind] == (want[kind] - missing) | invented, kind
    assert not set(case.get("not_units") or []) & found["units"]
    assert art.date == (str(case["date"]) if case.get("date") else None)
    for label, period in (case.get("periods") or {}).items():
        got = [f.period.label() if f.period else None for f in art.figures if f.label == label]
        assert got and period in got, (label, got)


def test_no_page_furniture_or_pinyin_left():
    for name in CASES:
        body = "\n".join(read(name).body)
        for gone in ("导航", "分享到", "责任编辑", "版权所有", "ICP", "当前位置", "首页", "(dōng)", "編輯"):
            assert gone not in body, (name, gone)


def score() -> tuple[dict[str, tuple[float, float, int, int, int]], float]:
    """(precision, recall, true, false, missed) per kind over the corpus, and seconds per article."""
    counts = {k: [0, 0, 0] for k in KINDS}
    extract("预热：甲县公安局乙镇派出所。")  # load the dictionaries once, outside the timing
    start = time.perf_counter()
    for name, case in CASES.items():
        found, want = found_in(read(name)), expected_in(case)
        for kind in KINDS:
            counts[kind][0] += len(found[kind] & want[kind])
            counts[kind][1] += len(found[kind] - want[kind])
            counts[kind][2] += len(want[kind] - found[kind])
    per_article = (time.perf_counter() - start) / len(CASES)
    out = {}
    for kind, (tp, fp, fn) in counts.items():
        out[kind] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp, fp, fn)
    return out, per_article


if __name__ == "__main__":
    scores, seconds = score()
    for kind, (p, r, tp, fp, fn) in scores.items():
        print(f"{kind:8s} precision {p:.3f}  recall {r:.3f}  (right {tp}, wrong {fp}, missed {fn})")
    print(f"{len(CASES)} articles, {seconds * 1000:.1f} ms per article (dictionaries loaded)")
