"""Chinese word segmentation for Material's search (jieba).

jieba's general dictionary splits the words this site is searched for
(警务助理 → 警务/助理, 矛盾纠纷 → 化解矛盾/纠纷), so the index would miss
them. We add a small domain dictionary (site_config/jieba_words.txt, one
"word frequency tag" a line, staff can extend it) and the names and tags the
records themselves use. Material's search plugin segments in the same
process, so words added here reach its index.
"""
from __future__ import annotations

import re
from pathlib import Path

from .model import Records

WORDS_FILE = "site_config/jieba_words.txt"
_QUOTES = re.compile(r"[“”\"'‘’「」《》]")
_SUFFIXES = ("派出所", "公安局", "分局", "警务室")


def record_words(records: Records) -> set[str]:
    """Brand names without quotes, unit names and their short forms, tags."""
    words = set()
    for b in records.brands.values():
        words.add(_QUOTES.sub("", b.name))
        words |= {_QUOTES.sub("", c.name) for c in b.components}
    for u in records.units.values():
        words.add(u.name)
        for suffix in _SUFFIXES:
            if u.name.endswith(suffix) and len(u.name) > len(suffix) + 1:
                words.add(u.name[: -len(suffix)])
    for p in records.practices.values():
        words |= set(p.tags)
    return {w.strip() for w in words if 1 < len(w.strip()) <= 20}


def teach_jieba(root: Path, records: Records) -> int:
    import jieba
    count = 0
    path = root / WORDS_FILE
    if path.exists():
        jieba.load_userdict(str(path))
        count += sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    for word in sorted(record_words(records)):
        jieba.add_word(word, freq=1000)
        count += 1
    return count


# Material 9's query segmenter (integrations/search/query/segment) only tries
# proper substrings of a run of Han characters, never the whole run: a query
# for 警务助理 becomes 警务* and ranks every page about 警务 alike. This is the
# one-character upstream fix (`<` → `<=`), applied to the built copy of the
# worker; if Material's code changes, the build says so and leaves it alone.
_SEGMENT_LOOP = re.compile(r"for\(let (\w)=(\w)\+1;\1<(\w)\.length;\1\+\+\)\3\.slice\(\2,\1\)in")


def patch_search_worker(site_dir: Path) -> bool:
    patched = False
    for worker in sorted((site_dir / "assets/javascripts/workers").glob("search.*.min.js")):
        text = worker.read_text(encoding="utf-8")
        new, n = _SEGMENT_LOOP.subn(lambda m: m.group(0).replace(f"{m.group(1)}<", f"{m.group(1)}<="), text)
        if n == 1:
            worker.write_text(new, encoding="utf-8")
            patched = True
    return patched
