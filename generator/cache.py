"""A build-to-build memo of work keyed by what it depends on.

    cache = Memo(cache_dir / "records.pickle", version="…")   # version: the code's hash
    value = cache.get(key)            # None on a miss
    cache.put(key, value)
    cache.save()                      # keeps only the entries used by this build

One pickle file for the whole memo: reading 15,000 small files would cost
more than the work saved. It is written to a temporary file and renamed, so
two builds at once never see half a file; a damaged or foreign file is
ignored. Unpickling is restricted to the classes a memo may hold (see
`ALLOWED`): a cache folder restored by CI must not be able to run code.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

from .atomic import write_atomic

CACHE_DIR = ".cache/jingyan"  # relative to the repository root: charts, memos, segments

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


class Memo:
    def __init__(self, path: Path, version: str):
        self.path, self.version = Path(path), version
        self.stored: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = self.misses = 0
        try:
            with open(self.path, "rb") as fh:
                data = _Unpickler(io.BufferedReader(fh)).load()
            if isinstance(data, dict) and data.get("version") == version and isinstance(data.get("entries"), dict):
                self.stored = data["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
                ValueError, IndexError, KeyError):
            self.stored = {}  # missing, damaged or written by other code: start afresh

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
        """Write the entries this build used; a failure only costs the next build time."""
        if not self.misses and self.used.keys() == self.stored.keys():
            return  # nothing new, nothing dropped: the file is current
        try:
            keep_out_of_git(self.path.parent)
            write_atomic(self.path, pickle.dumps({"version": self.version, "entries": self.used},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError, RecursionError):
            pass
