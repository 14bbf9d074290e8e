"""Unit names → ids for an import, analysed once per run.

A statistics table names each unit by id, full name or short name (夏格庄 for
夏格庄派出所, 夏格庄所); the records are read once into dictionaries so that a
province-sized table (tens of thousands of rows) costs one look-up a row.
A name with no record gets a suggestion only among units of the same kind
(a 派出所 is never offered its 公安局) whose place part is close enough.
"""
from __future__ import annotations

import difflib
import re

from ..naming import UNIT_SUFFIXES, split_unit_name, unit_kind

SIMILAR = 0.5  # difflib ratio of the place parts: 夏各庄/夏格庄 0.67, 柳弯/柳湾 0.5, 城关/黄花 0


def bare(name) -> str:
    return re.sub(r"[\s\u3000]+", "", str(name))


class UnitIndex:
    def __init__(self, units: dict):
        self.ids = set(units)
        self.by_name: dict[str, str] = {}
        self.by_key: dict[tuple, list[str]] = {}   # (place, suffix tag) → ids
        self.by_base: dict[str, list[str]] = {}    # place, or a full name without its suffix
        self.place: dict[str, tuple[str, str | None]] = {}
        self.kind: dict[str, str | None] = {}
        self.name: dict[str, str] = {}
        for uid, u in units.items():
            name = bare(u.get("name", "")) if isinstance(u, dict) else ""
            key = split_unit_name(name)
            self.by_name.setdefault(name, uid)
            self.name[uid] = name
            self.place[uid] = key
            kind = u.get("kind") if isinstance(u, dict) else None
            self.kind[uid] = kind if isinstance(kind, str) else unit_kind(name)
            if key[1] is not None:
                self.by_key.setdefault(key, []).append(uid)
            bases = {key[0]} | {name[: -len(s)] for s, _ in UNIT_SUFFIXES if name.endswith(s)}
            for b in bases:
                self.by_base.setdefault(b, []).append(uid)
        self._cache: dict[str, tuple[str | None, str | None]] = {}

    def resolve(self, value) -> tuple[str | None, str | None]:
        """(unit id, None) or (None, a suggested unit name or None)."""
        v = bare(value)
        if v not in self._cache:
            self._cache[v] = self._resolve(v)
        return self._cache[v]

    def _resolve(self, v: str) -> tuple[str | None, str | None]:
        if not v:
            return None, None
        for candidate in (v, v.lower()):
            if candidate in self.ids:
                return candidate, None
        if v in self.by_name:
            return self.by_name[v], None
        key = split_unit_name(v)  # 莱西市公安局夏格庄派出所 → (夏格庄, pcs)
        same = self.by_key.get(key, []) if key[1] is not None else []
        if len(same) == 1:
            return same[0], None
        bases = self.by_base.get(v, [])
        if len(bases) == 1:
            return bases[0], None
        if v.endswith("所") and not v.endswith("派出所") and len(v) > 2:  # 夏格庄所
            uid, _ = self._resolve(v[:-1] + "派出所")
            if uid:
                return uid, None
        return None, self.suggest(v, key)

    def suggest(self, v: str, key: tuple[str, str | None]) -> str | None:
        kind = unit_kind(v)
        best, score = None, SIMILAR
        for uid, (place, _tag) in self.place.items():
            if kind is not None and self.kind.get(uid) != kind:
                continue
            ratio = difflib.SequenceMatcher(None, key[0], place).ratio()
            if ratio >= score and (ratio > score or best is None):
                best, score = uid, ratio
        return self.name.get(best) or best if best else None
