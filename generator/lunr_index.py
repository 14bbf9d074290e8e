"""Build Material's Lunr search index at build time, so browsers load it.

Material's search worker builds a Lunr index from search/search_index.json
in the reader's browser on every first visit: about 0.25 ms a page in
Chromium, so a province site (9,000 pages) kept search busy for 2-3 s. Lunr
loads a serialised index several times faster than it builds one, so the
build does that work once:

- `prebuild(site_dir)` reads the index file Material wrote, builds the same
  Lunr index the worker would (Material's HTML-aware tokenizer with its
  position tables, Lunr 2.3.9's BM25 with b = 0, Material's field boosts),
  writes it packed to search/lunr_index.json and names that file's digest
  in the index file's `config.prebuilt`, which Material passes to its
  worker untouched;
- `patch_worker(site_dir)` adds a loader to the worker: when the packed
  file matches `prebuilt` it loads it, unpacking a term only when a query
  first reaches it; otherwise the worker builds the index as before.

tests/test_browser.py runs both ways in Chromium and requires identical
results. Anything this module does not reproduce exactly (another language,
trimmer or stop words, an unusual separator) leaves the file alone and the
browser builds the index itself, as Material always did.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from .atomic import write_atomic

LUNR_VERSION = "2.3.9"

# JavaScript's \s (WhiteSpace and LineTerminator); Python's differs slightly.
_JS_SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


class Unsupported(Exception):
    """This index cannot be reproduced exactly; the browser builds it."""


def js_separator(source: str) -> re.Pattern:
    """Compile a JavaScript RegExp source (as in Material's `separator`) to a
    Python pattern that splits the same way: \\s, \\d, \\w and \\b as in
    JavaScript (ASCII, with JavaScript's set of spaces)."""
    out, i, in_class = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\" and i + 1 < len(source):
            pair = source[i:i + 2]
            if pair == r"\s":
                out.append(_JS_SPACE if in_class else f"[{_JS_SPACE}]")
            elif pair == r"\S" or pair[1] in "pPuk" and source[i + 2:i + 3] in ("{", "<"):
                raise Unsupported(f"separator uses {pair}")
            else:
                out.append(pair)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII)
    except re.error as e:
        raise Unsupported(f"separator: {e}") from None


# ------------------------------------------------------------------ tokenizer
# A port of Material's integrations/search/internal (extract, split,
# tokenize). Offsets are JavaScript string offsets (UTF-16 code units), so
# text with characters beyond the BMP is first spelt with surrogate pairs.

TAG_OPEN, TEXT, TAG_CLOSE = 0, 1, 2


def _utf16(text: str) -> str:
    if text.isascii() or max(text) <= "\uffff":
        return text
    return "".join(c if c <= "\uffff" else chr(0xD800 + ((ord(c) - 0x10000) >> 10)) +
                   chr(0xDC00 + ((ord(c) - 0x10000) & 0x3FF)) for c in text)


def _from_utf16(text: str) -> str:
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _int32(n: int) -> int:
    """JavaScript's bitwise operators work on signed 32-bit integers."""
    n &= 0xFFFFFFFF
    return n - 0x100000000 if n & 0x80000000 else n


def _extract(s: str):
    """Material's extract(): (block, kind, start, end) for markup and text."""
    block = start = 0
    stack = 0
    end = 0
    while end < len(s):
        c = s[end]
        if c == "<" and end > start:
            yield block, TEXT, start, end
            start = end
        elif c == ">":
            if s[start + 1:start + 2] == "/":
                stack -= 1
                if stack == 0:
                    yield block, TAG_CLOSE, start, end + 1
                    block += 1
            elif s[end - 1:end] != "/" or end == 0:
                if stack == 0:
                    yield block, TAG_OPEN, start, end + 1
                stack += 1
            start = end + 1
        end += 1
    if end > start:
        yield block, TEXT, start, end


def _split(section: str, separator: re.Pattern):
    """Material's split(): (start, end) of each non-empty run between
    separator matches, stepping over empty matches as it does."""
    index = pos = 0
    while True:
        m = separator.search(section, pos) if pos <= len(section) else None
        until = m.start() if m else len(section)
        if index < until:
            yield index, until
        if not m:
            return
        index = m.end()
        pos = m.end() if m.end() > m.start() else m.start() + 1


def tokenize(value, table: list, separator: re.Pattern) -> list[tuple[str, int]]:
    """(term, position) for a field value (a string or a list of strings),
    filling `table` exactly as Material's tokenizer fills its position table."""
    tokens = []
    for text in value if isinstance(value, list) else [value]:
        s = _utf16(str(text))
        total = len(table)
        for block, kind, start, end in _extract(s):
            block += total
            if block == len(table):
                table.append([])
            row = table[block]
            if kind != TEXT:
                row.append(_int32(start << 12 | (end - start) << 2 | kind))
                continue
            section = s[start:end]
            for index, until in _split(section, separator):
                row.append(_int32((start + index) << 12 | (until - index) << 2 | kind))
                term = _from_utf16(section[index:until]).lower()
                tokens.append((term, _int32(block << 20 | len(row) - 1)))
    return tokens


# -------------------------------------------------------------------- builder
# What the worker spends its time on is Lunr's inverted index: every term,
# every document and field it occurs in, every position. That is built here
# and shipped packed: documents numbered, each term's postings one string a
# field (see _pack), so the browser parses text, not a million numbers. The
# rest is cheap for the worker to derive, and it derives it only for the
# terms a query reaches (LOADER): the term's postings, its BM25 weights in
# the field vectors (with Lunr's own arithmetic), and Material's position
# tables (by its own tokenizer, for the few documents a query returns).

PACKED_FORMAT = 3


def _utf16_key(term: str) -> bytes:
    # JavaScript sorts strings by UTF-16 code units; Lunr's TokenSet needs it.
    return term.encode("utf-16-be", "surrogatepass")


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    """n as JavaScript's parseInt(s, 36) reads it back."""
    if n < 0:
        return "-" + _base36(-n)
    out = ""
    while True:
        n, d = divmod(n, 36)
        out = _DIGITS[d] + out
        if not n:
            return out


def _numbers(numbers) -> str:
    return ",".join(map(_base36, numbers))


def _pack(flat: list[int]) -> str:
    """One field's postings ([document, count, *positions] each, documents
    ascending) as the worker reads them: base-36 numbers joined by commas,
    each document number as the step from the previous one, which halves
    the gzipped file ("" for none)."""
    out, j, previous = [], 0, 0
    while j < len(flat):
        count = flat[j + 1]
        out += [flat[j] - previous, count, *flat[j + 2:j + 2 + count]]
        previous = flat[j]
        j += 2 + count
    return _numbers(out)


def unpack(text: str) -> list[int]:
    """The postings _pack wrote (for tests and tools)."""
    flat = [int(s, 36) for s in text.split(",")] if text else []
    j, previous = 0, 0
    while j < len(flat):
        flat[j] += previous
        previous = flat[j]
        j += 2 + flat[j + 1]
    return flat


def build(config: dict, docs: list[dict], memo=None) -> dict:
    """The packed inverted index Material's worker would build for these
    documents (format 3, see LOADER). `memo` (get/put, e.g. cache.Memo)
    remembers each document's terms and positions from build to build:
    tokenizing is most of the work, and most documents are unchanged."""
    if config.get("lang") != ["zh"] or set(config.get("pipeline") or []) & {"trimmer", "stopWordFilter"}:
        # With lang zh the index pipeline is lunr.zh's stemmer, which returns
        # every word unchanged; other languages stem, trim or drop words.
        raise Unsupported(f"lang {config.get('lang')}, pipeline {config.get('pipeline')}")
    separator = js_separator(config["separator"])
    fields = list(config["fields"])
    refs = [doc["location"] for doc in docs]
    if len(set(refs)) != len(refs):
        raise Unsupported("two documents share a location")

    postings: dict[str, list] = {}  # term -> [first-seen order, flat list per field]
    salt = _memo_salt(config) if memo is not None else ""
    for n, doc in enumerate(docs):
        for f, terms_of_field in enumerate(_document_terms(doc, fields, separator, memo, salt)):
            for term, found in terms_of_field:
                row = postings.get(term)
                if row is None:
                    row = postings[term] = [len(postings)] + [[] for _ in fields]
                row[f + 1] += [n, len(found), *found]
    terms = sorted(postings, key=_utf16_key)
    return {"format": PACKED_FORMAT, "version": LUNR_VERSION, "count": len(docs), "fields": fields,
            "lang": config["lang"],
            "pipeline": ["stemmer"],  # the worker's search pipeline: Lunr's own stemmer
            "refs": refs, "terms": terms,
            "postings": [[postings[t][0], *map(_pack, postings[t][1:])] for t in terms]}


def _document_terms(doc: dict, fields: list, separator: re.Pattern, memo, salt: str) -> list[list]:
    """For each field, [term, positions] in first-seen order ([] for a missing field)."""
    key = None
    if memo is not None:
        data = json.dumps([doc.get(field) for field in fields], ensure_ascii=False)
        key = "lunr:" + hashlib.sha256((salt + data).encode("utf-8", "surrogatepass")).hexdigest()
        found = memo.get(key)
        if found is not None:
            return json.loads(found)
    out = []
    for field in fields:
        value = doc.get(field)
        positions: dict[str, list[int]] = {}
        if value is not None:
            for term, position in tokenize(value, [], separator):
                positions.setdefault(term, []).append(position)
        out.append([[term, found] for term, found in positions.items()])
    if key is not None:
        memo.put(key, json.dumps(out, ensure_ascii=False, separators=(",", ":")))   # compact in memory
    return out


def _memo_salt(config: dict) -> str:
    """What a document's terms depend on besides its text: the separator, the
    fields, and this module's code."""
    from .cache import source_hash
    return json.dumps([config.get("separator"), list(config.get("fields") or []), source_hash(sys.modules[__name__])])


# ------------------------------------------------------------- site and worker
# The packed index is its own file, search/lunr_index.json, which the worker
# fetches as soon as it starts, together with search_index.json for the
# documents: neither passes through the page. The page fetches only
# search/search_config.json (the index file without its documents: the
# configuration the page itself needs and hands to the worker), so it no
# longer parses megabytes of documents and copies them to the worker
# before search can start (patch_bundle). The configuration's `prebuilt`
# names the packed file's digest; the worker uses the packed index only when
# the two match (a stale or missing file, or a page opened from file://, and
# it builds the index itself from the documents, as Material does).

PACKED = "lunr_index.json"
CONFIG_ONLY = "search_config.json"


def prebuild(site_dir: Path, memo=None) -> dict | None:
    """Write site_dir/search/lunr_index.json for the search_index.json that
    Material wrote, name it in that file, and write search_config.json.
    Returns figures for the progress line, or None when there is no index
    file or it cannot be reproduced exactly (the browser then builds the
    index, as before)."""
    import hashlib
    base = Path(site_dir) / "search"
    path = base / "search_index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        config = data["config"]
        config.pop("prebuilt", None)
        packed = build(config, data["docs"], memo)
    except (OSError, ValueError, KeyError, TypeError, Unsupported):
        (base / PACKED).unlink(missing_ok=True)
        if _bundle_patched(site_dir) and path.is_file():
            # a dirty build kept a bundle that asks for the configuration
            # file: give it the whole index, which works either way
            write_atomic(base / CONFIG_ONLY, path.read_text(encoding="utf-8"))
        else:
            (base / CONFIG_ONLY).unlink(missing_ok=True)
        return None
    body = json.dumps(packed, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    write_atomic(base / PACKED, f'{{"id":"{digest}",{body[1:]}')
    config["prebuilt"] = digest
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    write_atomic(base / CONFIG_ONLY, json.dumps({"config": config, "docs": []}, ensure_ascii=False,
                                                separators=(",", ":")))
    return {"documents": len(data["docs"]), "kib": round(len(body) / 1024)}


# Two places in Material's worker are patched:
# - the setup message waits for the two files (`yield Setup(config),search=
#   new Search(data)` → `yield Setup(config),yield __jingyanFetch,search=new
#   Search(__jingyanSetup(data))`), and takes the documents the worker
#   fetched when the page sent none (search_config.json);
# - the Search constructor loads it instead of building (`this.index=lunr(…`
#   → `this.index=__jingyanLoad(config,this.table,tokenize,this.map)||lunr(…`).
_SETUP = re.compile(r"case 0:return yield \w+\((\w+)\.data\.config\),\w+=new \w+\((\1\.data)\)")
_CONSTRUCTOR = re.compile(r"constructor\(\{config:(\w+),docs:\w+,options:\w+\}\)\{let \w+=\w+\(this\.table=new Map\);"
                          r"this\.map=\w+\(\w+\),this\.options=\w+,this\.index=(lunr\(function\(\)\{)"
                          r"[^}]*?this\.tokenizer=(\w+),lunr\.tokenizer\.separator=")
LOADER = (
    # Fetches and loads build()'s packed index (generator/lunr_index.py).
    "var __jingyanPacked=null,__jingyanDocs=null,__jingyanFetch=self.location.protocol===\"file:\"?null:Promise.all(["
    "fetch(new URL(\"../../../search/" + PACKED + "\",self.location.href))"
    ".then(r=>r.ok?r.json():null).then(p=>{__jingyanPacked=p;"
    # warm the HTTP cache for the language scripts the setup message will
    # load synchronously (importScripts), while the worker still waits for it
    "if(p&&Array.isArray(p.lang))for(const l of[\"stemmer.support\",...p.lang])"
    "fetch(new URL(\"../lunr/min/lunr.\"+l+\".min.js\",self.location.href)).then(r=>r.blob(),()=>{})},()=>{}),"
    "fetch(new URL(\"../../../search/search_index.json\",self.location.href))"
    ".then(r=>r.ok?r.json():null).then(i=>{__jingyanDocs=i&&i.docs},()=>{})]);\n"
    "function __jingyanSetup(d){return d.docs&&d.docs.length||!__jingyanDocs?d:{...d,docs:__jingyanDocs}}"
    "function __jingyanLoad(c,t,tokenize,map){"
    "const p=__jingyanPacked;if(!p||p.format!==" + str(PACKED_FORMAT) + "||p.id!==c.prebuilt)return null;"
    "lunr.tokenizer.separator=new RegExp(c.separator);"
    "lunr.segmenter=\"TinySegmenter\"in lunr?new lunr.TinySegmenter:void 0;"
    "const F=p.fields,R=p.refs,N=p.count,P=p.postings,inv=Object.create(null),V=new Array(F.length*R.length),"
    "boost=F.map(f=>c.fields[f].boost||1),doc=new Map(R.map((r,i)=>[r,i])),field=new Map(F.map((f,i)=>[f,i])),"
    "at=k=>{if(typeof k!==\"string\")return-1;const s=k.indexOf(\"/\"),f=field.get(k.slice(0,s)),r=doc.get(k.slice(s+1));"
    "return f===void 0||r===void 0?-1:f*R.length+r},"
    "vector=i=>V[i]||(V[i]=new lunr.Vector([]));let keys=null;"
    # Lunr's field vectors ("field/ref" -> Vector), each made when first
    # read; listed (a negated query lists them all) in the order Lunr's
    # Builder makes them
    "const vec=new Proxy(Object.create(null),{get:(o,k)=>{const i=at(k);return i<0?void 0:vector(i)},"
    "has:(o,k)=>at(k)>=0,"
    "ownKeys:()=>keys||(keys=R.flatMap(r=>F.map(f=>f+\"/\"+r))),"
    "getOwnPropertyDescriptor:(o,k)=>{const i=at(k);return i<0?void 0:"
    "{value:vector(i),writable:true,enumerable:true,configurable:true}}});"
    # A query reads a term's postings before any field vector, so the first
    # read unpacks them and adds the term's weights (BM25 as Lunr's Builder
    # computes it: k1 1.2, b 0) to the vectors of the documents holding it.
    # A vector then lacks only terms the query does not hold, which add
    # nothing to its dot product with the query: the same scores.
    "p.terms.forEach((w,i)=>{Object.defineProperty(inv,w,{configurable:true,enumerable:true,get(){"
    "const e=P[i],x=e[0],o=Object.create(null),L=[];let df=0;o._index=x;"
    "for(let f=0;f<F.length;f++){const a=e[f+1]?e[f+1].split(\",\").map(s=>parseInt(s,36)):[];L.push(a);"
    "for(let j=0;j<a.length;j+=2+a[j+1])df++}"
    "const idf=Math.log(1+Math.abs((N-df+.5)/(df+.5)));"
    "for(let f=0;f<F.length;f++){const a=L[f],m=Object.create(null);"
    "for(let j=0,r=0;j<a.length;j+=2+a[j+1]){r+=a[j];const tf=a[j+1],d=map.get(R[r]);"
    "m[R[r]]={position:a.slice(j+2,j+2+tf)};"
    "let s=idf*((1.2+1)*tf)/(1.2*1+tf);s*=boost[f];s*=d&&d.boost||1;"
    "vector(f*R.length+r).insert(x,Math.round(s*1e3)/1e3)}"
    "o[F[f]]=m}"
    "Object.defineProperty(inv,w,{value:o,enumerable:true});return o}})});"
    # Material's position tables, by its own tokenizer, for the documents a query returns
    "t.get=function(k){let v=Map.prototype.get.call(this,k);if(v===void 0){"
    "const s=k.lastIndexOf(\":\"),d=map.get(k.slice(0,s)),f=k.slice(s+1);"
    "if(d&&d[f]!==void 0){lunr.tokenizer.table=v=[];tokenize(d[f]);this.set(k,v)}}return v};"
    "return new lunr.Index({invertedIndex:inv,fieldVectors:vec,tokenSet:lunr.TokenSet.fromArray(p.terms),"
    "fields:F,pipeline:lunr.Pipeline.load(p.pipeline)})}\n")


_LOADER_START = LOADER.split("=", 1)[0] + "="


def patch_worker(site_dir: Path) -> bool:
    """True when the built search worker can load a packed index (patched
    now, or already by an earlier build whose copy a dirty build kept)."""
    patched = False
    for worker in sorted((Path(site_dir) / "assets/javascripts/workers").glob("search.*.min.js")):
        text = worker.read_text(encoding="utf-8")
        if text.startswith(LOADER):
            patched = True
            continue
        if text.startswith(_LOADER_START):
            # an older build's loader (a dirty build kept the copy): its two
            # lines give way to this one; the call sites stay as they are
            write_atomic(worker, LOADER + text.split("\n", 2)[2])
            patched = True
            continue
        setup, constructor = list(_SETUP.finditer(text)), list(_CONSTRUCTOR.finditer(text))
        if len(setup) != 1 or len(constructor) != 1:
            continue  # Material's code changed: leave it building in the browser
        s, c = setup[0], constructor[0]
        edits = sorted([(s.end(1) + len(".data.config),"), s.end(1) + len(".data.config),"), "yield __jingyanFetch,"),
                        (s.start(2), s.end(2), f"__jingyanSetup({s.group(2)})"),
                        (c.start(2), c.start(2), f"__jingyanLoad({c.group(1)},this.table,{c.group(3)},this.map)||")],
                       reverse=True)
        for start, end, insert in edits:
            text = text[:start] + insert + text[end:]
        write_atomic(worker, LOADER + text)
        patched = True
    return patched


# The page's request for the index (Material's bundle: `new URL("search/
# search_index.json",config.base)`, used only to hand the worker its setup)
# asks for search_config.json instead. From file:// the page still reads
# search_index.js, as Material does.
_INDEX_URL = 'new URL("search/search_index.json",'


def _bundles(site_dir: Path) -> list[Path]:
    return sorted((Path(site_dir) / "assets/javascripts").glob("bundle.*.min.js"))


def _bundle_patched(site_dir: Path) -> bool:
    return any(f'new URL("search/{CONFIG_ONLY}",' in b.read_text(encoding="utf-8") for b in _bundles(site_dir))


def patch_bundle(site_dir: Path) -> bool:
    """True when the built bundle asks for search_config.json (patched now,
    or by an earlier build whose copy a dirty build kept). Only after
    patch_worker: the worker must fetch the documents itself."""
    patched = False
    for bundle in _bundles(site_dir):
        text = bundle.read_text(encoding="utf-8")
        if f'new URL("search/{CONFIG_ONLY}",' in text:
            patched = True
        elif text.count(_INDEX_URL) == 1:
            write_atomic(bundle, text.replace(_INDEX_URL, f'new URL("search/{CONFIG_ONLY}",'))
            patched = True
    return patched
