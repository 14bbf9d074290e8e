"""A build-to-build memo of work keyed by what it depends on.

    cache = Memo(cache_dir / "records-memo", version="…")   # version: the code's hash
    value = cache.get(key)            # None on a miss
    cache.put(key, value)
    cache.save()                      # keeps only the entries used by this build

The entries are spread over SHARDS pickle files in one folder, by a hash of
the key: reading 15,000 small files would cost more than the work saved,
while one file for everything had to be pickled and written whole (about 3 s
at province scale) whenever a single record changed; now only the shards
whose entries changed are written. Each shard is written to a temporary file
and renamed, so two builds at once never see half a file; a damaged or
foreign shard is ignored. Unpickling is restricted to the classes a memo may
hold (see `ALLOWED`): a cache folder restored by CI must not be able to run code.
"""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import zlib
from pathlib import Path
from typing import Any

from .atomic import write_atomic

CACHE_DIR = ".cache/jingyan"  # relative to the repository root: charts, memos, segments
RECORDS_MEMO = "records-memo"  # folder of the records memo's shards, inside the cache folder

# module → names the unpickler may create; anything else fails the load (→ empty memo)
ALLOWED = {
    "builtins": {"set", "frozenset", "dict", "list", "tuple", "str", "int", "float", "bool"},
    "generator.model": None,       # None: every class of the module (the record dataclasses)
    "generator.problems": {"Problem"},
    "generator.validate": {"Converted"},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        names = ALLOWED.get(module, set())
        if names is not None and name not in names:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache")
        return super().find_class(module, name)


def keep_out_of_git(folder: Path) -> None:
    """A cache folder inside a records repository is never to be committed: like
    pytest's, it carries its own .gitignore (a pre-commit hook run in a repository
    whose .gitignore does not name .cache/ must leave `git status` clean)."""
    marker = Path(folder) / ".gitignore"
    if not marker.exists():
        write_atomic(marker, "# jingyan 的缓存，可随时删除；不要提交到 git\n*\n")


def source_hash(*modules) -> str:
    """SHA-256 of the given modules' source files: a memo's version."""
    h = hashlib.sha256()
    for mod in modules:
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()


SHARDS = 64


def shard_of(key: str, shards: int = SHARDS) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % shards


def loads(blob: bytes) -> Any:
    """A value pickled by `dumps`, through the same restricted unpickler as the
    shards; None when it is damaged or holds a class not in ALLOWED."""
    try:
        return _Unpickler(io.BytesIO(blob)).load()
    except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
            ValueError, IndexError, KeyError, MemoryError):
        return None


def data_digest(kind: str, data: Any) -> str:
    """SHA-256 of a chart's kind and data as JSON with sorted keys: computed
    once where the data is made and kept beside it (statsmemo.py), so that a
    warm build finds each cached chart without serialising its data again."""
    payload = json.dumps({"kind": kind, "data": data}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Memo:
    def __init__(self, folder: Path, version: str, shards: int = SHARDS):
        self.folder, self.version, self.shards = Path(folder), version, shards
        self.stored: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = self.misses = 0
        self.present: set[int] = set()   # shards read whole from disk
        for i in range(shards):
            entries = self._read(self._path(i))
            if entries is not None:
                self.stored.update(entries)
                self.present.add(i)

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:0{len(str(self.shards - 1))}d}.pickle"

    def _read(self, path: Path):
        try:
            data = loads(path.read_bytes())
        except OSError:
            return None  # missing: that shard starts afresh (damaged or hostile: loads says None)
        if isinstance(data, dict) and data.get("version") == self.version and isinstance(data.get("entries"), dict):
            return data["entries"]
        return None      # written by other code

    def get(self, key: str) -> Any:
        value = self.used.get(key)
        if value is None:
            value = self.stored.get(key)
            if value is not None:
                self.used[key] = value
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        """Write the shards whose entries changed (new, dropped or replaced);
        a failure only costs the next build time."""
        if not self.misses and self.used.keys() == self.stored.keys():
            return  # nothing new, nothing dropped: every shard is current
        by_shard: list[dict[str, Any]] = [{} for _ in range(self.shards)]
        for k, v in self.used.items():
            by_shard[shard_of(k, self.shards)][k] = v
        stale = [False] * self.shards
        for k, v in self.stored.items():
            i = shard_of(k, self.shards)
            if by_shard[i].get(k) is not v:
                stale[i] = True        # dropped or replaced
        for k in self.used.keys() - self.stored.keys():
            stale[shard_of(k, self.shards)] = True  # new
        try:
            keep_out_of_git(self.folder.parent)
            for i, entries in enumerate(by_shard):
                if stale[i] or (entries and i not in self.present):
                    write_atomic(self._path(i), dumps({"version": self.version, "entries": entries}))
            if len(self.present) < self.shards:     # some shard was missing: perhaps another shard count before
                names = {self._path(i).name for i in range(self.shards)}
                for old in self.folder.glob("*.pickle"):
                    if old.name not in names:
                        old.unlink()
        except (OSError, pickle.PicklingError, RecursionError):
            pass
