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
from .resources import config_path

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


def vocabulary_size(root: Path, records: Records) -> int:
    """How many words teach_jieba adds (for the progress line; needs no jieba)."""
    path = config_path(root, WORDS_FILE)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sum(1 for line in lines if line.strip()) + len(record_words(records))


def teach_jieba(root: Path, records: Records) -> None:
    """Add the domain dictionary and the record words to jieba. Loading jieba's
    own dictionary first takes about 1.5 s, so the build calls this only when
    a text actually has to be segmented (see install_segment_cache)."""
    import jieba
    global _taught
    key = segment_dictionary_key(root, records)
    if key == _taught:
        return
    if _taught is not None:
        # jieba keeps every word it was ever taught, and one more word shifts the
        # frequencies and so how unrelated text is cut. `jingyan serve` teaches again
        # after an edit: start from jieba's own dictionary, as a fresh build does.
        jieba.dt.__init__(jieba.dt.dictionary)
    path = config_path(root, WORDS_FILE)
    if path.exists():
        jieba.load_userdict(str(path))
    for word in sorted(record_words(records)):
        jieba.add_word(word, freq=1000)
    _taught = key


_taught: str | None = None  # the dictionary key jieba was last taught (segment_dictionary_key)


# Material 9's query segmenter (integrations/search/query/segment) only tries
# proper substrings of a run of Han characters, never the whole run: a query
# for 警务助理 becomes 警务* and ranks every page about 警务 alike. This is the
# one-character upstream fix (`<` → `<=`), applied to the built copy of the
# worker; if Material's code changes, the build says so and leaves it alone.
_SEGMENT_LOOP = re.compile(r"for\(let (\w)=(\w)\+1;\1<(=?)(\w)\.length;\1\+\+\)\4\.slice\(\2,\1\)in")


def patch_search_worker(site_dir: Path) -> bool:
    """True when the built worker has this fix and patch_search_query's
    (patched now, or by an earlier build whose copy a dirty build kept)."""
    patched = False
    for worker in sorted((site_dir / "assets/javascripts/workers").glob("search.*.min.js")):
        text = worker.read_text(encoding="utf-8")
        loops = _SEGMENT_LOOP.findall(text)
        if len(loops) != 1:
            continue
        if not loops[0][2]:  # "<", not yet "<="
            worker.write_text(_SEGMENT_LOOP.sub(lambda m: m.group(0).replace(f"{m.group(1)}<", f"{m.group(1)}<="),
                                                text), encoding="utf-8")
        patched = True
    return patch_search_query(site_dir) and patched


# Lunr matches a query word only at the start of an indexed word, and jieba
# keeps long words whole (the names taught above: 庄松派出所, 社会治安管理积分制;
# its own compounds: 化解矛盾), so a generic word inside one was not found:
# 派出所 missed a third of the pages holding it, 积分制 missed the brand. Two
# changes to the built worker make each Chinese query word match inside
# indexed words too, while a full name, indexed whole, still matches its own
# page best: (1) a run of Chinese in the query that occurs inside an indexed
# word is searched whole (一点通 → *一点通*, found in 社区警务一点通), other runs
# are split by Material's segmenter as before; each part gets a leading
# wildcard as well as the trailing one (*派出所*) and stands apart from any
# quotes or digits beside it (“124”工作模式); (2) a result's matched-words check
# (which feeds the ranking bonus for pages holding every query word and the
# ?h= highlight link) looks for the query word inside a matched word, not only
# at its start, and without the wildcard mark, so no result gets an empty ?h=.
_QUERY_SEGMENTS = re.compile(r'\[\.\.\.(\w+)\((\w+),this\.index\.invertedIndex\)\]\.join\("\* "\)')
_TERM_FOUND = re.compile(r"(\w)\[(\w)\]\.startsWith\((\w)\.term\)")


def patch_search_query(site_dir: Path) -> bool:
    """True when the built worker matches Chinese query words inside indexed
    words (patched now, or by an earlier build)."""
    done = False
    for worker in sorted((site_dir / "assets/javascripts/workers").glob("search.*.min.js")):
        text = worker.read_text(encoding="utf-8")
        if "/*jingyan:infix*/" in text:
            done = True
            continue
        if len(_QUERY_SEGMENTS.findall(text)) != 1 or len(_TERM_FOUND.findall(text)) != 1:
            continue
        text = _QUERY_SEGMENTS.sub(lambda m: (
            f'(" "+((this.jyTerms=this.jyTerms||Object.keys(this.index.invertedIndex)).some(k=>k.includes({m.group(2)}))'
            f'?[{m.group(2)}]:[...{m.group(1)}({m.group(2)},this.index.invertedIndex)]).map(w=>"*"+w).join("* ")+" ")'
            f'/*jingyan:infix*/'), text)
        text = _TERM_FOUND.sub(lambda m: f'{m.group(1)}[{m.group(2)}].includes({m.group(3)}.term.replace(/\\*/g,""))',
                               text)
        worker.write_text(text, encoding="utf-8")
        done = True
    return done


# Instant navigation (navigation.instant) starts by fetching and parsing
# sitemap.xml on the main thread: for a province, 9,400 URLs, about 0.3 s of
# XML parsing and URL objects, just when search_index.json arrives and must
# be parsed and handed to the search worker, and again when the worker says
# it is ready. The sitemap is only needed when a reader clicks a link (until
# then a click is an ordinary page load, as Material does while the sitemap
# loads), so the built bundle sends its request once the search worker is
# ready, or after SITEMAP_WAIT_MS at the latest (a page without search, or a
# failed index); from file:// at once. Three places in Material's bundle: the
# request function learns a `jyLater` option that delays its send(), the
# sitemap request passes it, and the search worker's ready message opens the
# gate. If Material's code changes, the build leaves the bundle alone (and
# the sitemap loads at once, as before).
SITEMAP_WAIT_MS = 5000
_SITEMAP_GATE = ("var __jyOpen,__jyLater=(()=>{const p=new Promise(r=>__jyOpen=r);"
                 "if(location.protocol===\"file:\"||!document.forms.namedItem(\"search\"))__jyOpen();"
                 f"else setTimeout(()=>__jyOpen(),{SITEMAP_WAIT_MS});return f=>{{p.then(f)}}}})();")
_SITEMAP_CALL = re.compile(r'function \w+\((\w+)\)\{return (\w+)\(new URL\("sitemap\.xml",\1\)\)')
_XML_FETCH = r'function {}\((\w+),(\w+)\)\{{let \w+=new DOMParser;return (\w+)\(\1,\2\)'
_REQUEST = r'function {}\((\w+),(\w+)\)\{{return new \w+\((\w+)=>\{{let (\w+)=new XMLHttpRequest'
_SEND = r'(\w+)\.send\(\),\(\)=>\1\.abort\(\)'
# Material's search worker: `function Mn(e,t=new Worker(e)){`; its message
# type 1 is "ready" (the index is loaded)
_SEARCH_WORKER = re.compile(r'function \w+\((\w+),(\w+)=new Worker\(\1\)\)\{')


def patch_sitemap_wait(site_dir: Path) -> bool:
    """True when the built bundle loads the sitemap after the search setup
    (patched now, or by an earlier build whose copy a dirty build kept)."""
    done = False
    for bundle in sorted((Path(site_dir) / "assets/javascripts").glob("bundle.*.min.js")):
        text = bundle.read_text(encoding="utf-8")
        if "__jyLater" in text:
            done = True
            continue
        call, setup = list(_SITEMAP_CALL.finditer(text)), list(_SEARCH_WORKER.finditer(text))
        if len(call) != 1 or len(setup) != 1:
            continue
        fetch_xml = list(re.finditer(_XML_FETCH.format(re.escape(call[0].group(2))), text))
        if len(fetch_xml) != 1:
            continue
        request = list(re.finditer(_REQUEST.format(re.escape(fetch_xml[0].group(3))), text))
        if len(request) != 1:
            continue
        options, subscriber, xhr = request[0].group(2), request[0].group(3), request[0].group(4)
        send = re.compile(_SEND).search(text, request[0].end())
        if not send or send.group(1) != xhr or text.find("function ", request[0].end(), send.start()) != -1:
            continue  # the send() found is not this function's
        edits = sorted([
            (send.start(), send.start() + len(f"{xhr}.send()"),
             f"({options}&&{options}.jyLater?{options}.jyLater(()=>{subscriber}.closed||{xhr}.send()):{xhr}.send())"),
            (call[0].end() - 1, call[0].end() - 1, ",{jyLater:__jyLater}"),
            (setup[0].end(), setup[0].end(),
             f'{setup[0].group(2)}.addEventListener("message",m=>{{m.data&&m.data.type===1&&__jyOpen()}});'),
        ], reverse=True)
        for start, end, insert in edits:
            text = text[:start] + insert + text[end:]
        strict = '"use strict";'
        at = len(strict) if text.startswith(strict) else 0  # the gate must not end strict mode
        bundle.write_text(text[:at] + _SITEMAP_GATE + text[at:], encoding="utf-8")
        done = True
    return done


# ------------------------------------------------------------ segmentation cache
#
# Material's search plugin segments the title and text of every section of
# every page with jieba on every build (SearchIndex._segment_chinese), about
# two thirds of a large build. The result depends only on the text, jieba's
# dictionary (its own plus the words taught above) and Material's code, so it
# is memoised by the SHA-256 of the text and kept between builds in
# <cache_dir>/segments-<dictionary_key>.json: a change of dictionary is a
# new file, never a stale answer. JSON, not pickle: a cache restored from CI
# must not be able to run code. Only the entries a build used are saved, so
# the file does not grow without bound. Written to a temporary file and
# renamed, so two builds at once each leave a whole file.

SEGMENT_CACHE_FORMAT = 1
SEGMENT_CACHE_KEEP = 8  # dictionaries (regions, record sets) whose cache files are kept


def segment_dictionary_key(root: Path, records: Records) -> str:
    """A hash of everything jieba's answer depends on besides the text: the
    domain dictionary file, the record words, and the jieba version."""
    import hashlib
    h = hashlib.sha256()
    path = config_path(root, WORDS_FILE)
    h.update(path.read_bytes() if path.exists() else b"")
    h.update(b"\0")
    h.update("\n".join(sorted(record_words(records))).encode("utf-8"))
    h.update(b"\0" + _versions().encode("utf-8"))
    return h.hexdigest()[:24]


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for dist in ("jieba", "mkdocs-material"):
        try:
            out.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist}=?")
    return ";".join(out)


class _SegmentCache:
    def __init__(self, path: Path, original, before_first_miss=None):
        self.path, self.original, self.before_first_miss = path, original, before_first_miss
        self.stored: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.hits = self.misses = 0

    def load(self) -> None:
        import json
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == SEGMENT_CACHE_FORMAT and data.get("versions") == _versions() \
                    and isinstance(data.get("entries"), dict):
                self.stored = data["entries"]
        except (OSError, ValueError, AttributeError):
            self.stored = {}  # missing or damaged: segment afresh

    def segment(self, index, data):
        import hashlib
        if not isinstance(data, str):
            return self.original(index, data)
        key = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
        found = self.used.get(key)
        if found is None:
            found = self.stored.get(key)
            if isinstance(found, str):
                self.hits += 1
            else:
                if self.before_first_miss:  # e.g. teach jieba: not needed while every text is cached
                    self.before_first_miss, teach = None, self.before_first_miss
                    teach()
                found = self.original(index, data)
                self.misses += 1
            self.used[key] = found
        else:
            self.hits += 1
        return found

    def save(self) -> None:
        import json
        from .atomic import write_atomic
        if not self.misses and len(self.used) == len(self.stored):
            return  # every entry was found and every stored one used: the file is current
        write_atomic(self.path, json.dumps({"format": SEGMENT_CACHE_FORMAT, "versions": _versions(),
                                            "entries": self.used}, ensure_ascii=False, separators=(",", ":")))
        # other dictionaries' files: keep the most recently used few
        others = sorted(self.path.parent.glob("segments-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[SEGMENT_CACHE_KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass


_segment_cache: _SegmentCache | None = None


def install_segment_cache(cache_dir: Path, dictionary_key: str, before_first_miss=None) -> bool:
    """Memoise Material's Chinese segmentation for this build (see above);
    `before_first_miss` is called once, before the first text not in the cache
    is segmented. Returns False, changing nothing, when Material has no such
    method any more (the caller must then do that work itself)."""
    global _segment_cache
    try:
        from material.plugins.search.plugin import SearchIndex
    except Exception:
        return False
    current = getattr(SearchIndex, "_segment_chinese", None)
    if not callable(current):
        return False
    original = getattr(current, "__jingyan_original__", current)  # mkdocs serve: installed again
    cache = _SegmentCache(Path(cache_dir) / f"segments-{dictionary_key}.json", original, before_first_miss)
    cache.load()

    def _segment_chinese(self, data):
        return cache.segment(self, data)

    _segment_chinese.__jingyan_original__ = original
    SearchIndex._segment_chinese = _segment_chinese
    _segment_cache = cache
    return True


def save_segment_cache() -> dict[str, int] | None:
    """Write this build's segmentations to disk; returns {"cached": hits,
    "segmented": misses} for the progress line, or None when not installed.
    A failure to write only costs the next build its head start."""
    global _segment_cache
    cache, _segment_cache = _segment_cache, None
    if cache is None:
        return None
    try:
        from material.plugins.search.plugin import SearchIndex
        if getattr(SearchIndex._segment_chinese, "__jingyan_original__", None) is cache.original:
            SearchIndex._segment_chinese = cache.original  # until the next build installs it again
    except Exception:
        pass
    try:
        cache.save()
    except OSError:
        pass
    return {"cached": cache.hits, "segmented": cache.misses}
