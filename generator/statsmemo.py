"""A build-to-build memo of the statistics pages: each unit's statistics section
and each practice's 成效对照 (section, headlines, chart specs, CSV text), so
that a warm build reuses them and a build after one stats file changed redoes
only what can depend on that file.

    memo = StatsMemo(model, cache_dir / STATS_MEMO)   # folder None: no memo
    values = memo.settle([memo.dashboard_entry(build_dashboard),
                          memo.unit_entry(unit_id, build_unit), …],
                         meanwhile, here=1)           # computed on a miss; on two cores
    pe, built = memo.practice(practice_id, build_effects)   # one entry
    memo.save()

What a result depends on, and so what its key holds (never more is read):

* Statistics, as a digest per (unit, metric) that follows `stats.reporters`:
  a unit with its own figures of the metric hashes those figures; one without
  hashes its children's digests (its series is theirs rolled up). Each node
  also holds the unit's id and sample flag. So the digest fixes the unit's
  series (values, reporting units, partial months) and the sample marks.
* A unit section: the unit's id, name and kind, its digests of every metric,
  and each child's id, name and digests (the ranking of sub-units); the
  metric configuration, groups and sample note.
* A practice's 成效对照: a static key (the practice's units, start month,
  categories and their metrics, outcomes; for each unit its name, kind and
  ancestors; the metric configuration; the function that built it) and the
  dependencies the computation met, recorded with the entry and checked on
  the next build (a trace, as build systems with dynamic dependencies keep):
  the digest of each (unit, metric) the practice looked at, and for every
  comparison level it examined (同一上级, then 同一地区, then 全站同类, up to
  the one used) the pool's member ids, their figures, which of them are
  sample, which are treated by practices starting within the windows, and
  which are the unit's ancestors or descendants. A level not examined cannot
  change the result while those examined are unchanged, so a practice
  compared within its parent does not depend on a station elsewhere.
  The members' figures count only up to the windows' last month (a
  station's own figures through that month; a rolled-up member's through the
  end of that year, since a sub-unit reporting later in the year changes
  which months are whole): the computation reads nothing later (its running
  sums run from the first month on, so nothing earlier may be left out
  either), so a month added or corrected today leaves the practices whose
  windows ended earlier alone. That digest is a sum of 128-bit hashes of each
  (unit, month, figure) taken as prefix sums, so that any month is one
  subtraction away (`_Prefixes`). Each pool dependency is recorded with two
  digests: the cheap one over the members' whole series (their node
  digests) is compared first; only when it moved is the month-exact one
  asked, and an entry it holds is put back with the new cheap digest.
* Entries checked in the last build under the same world (every unit's place,
  every practice's units and start, and every unit's figures of the metrics
  the entry read: `world(metrics)`) are not checked again: the `verified`
  entry names each with that world and the entry's own digest. So a changed
  figure of one metric leaves the practices that never read it unchecked.
* The 统计 page: every unit's id, name, kind, parent, region and digests.
* Each rolled-up series (a unit without its own figures of a metric): its
  digest. Kept so that a build recomputing any 成效对照 (which needs every
  unit of a kind in one array) does not roll up every bureau again.

The code version (these modules' source, numpy's and Python's versions: float
sums differ between Python 3.11 and 3.12) is the memo's version. Values are
stored pickled when computed (before any page could change them) and read
back through cache.loads, which admits only builtin types.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from . import cache, effectpages, effectstats, model, parallel, statpages, stats
from .stats import LEVELS, StatsModel, Windows

STATS_MEMO = "stats-memo"   # folder inside the cache folder
SHARDS = 256                # a changed entry rewrites 1/256 of the memo
VERIFIED = "verified"       # the entry that says which entries were checked under which world
SAME, HELD, NEW = "same", "held", "new"   # an entry reused as stored, reused with new wide digests, computed


class Entry(NamedTuple):
    """One entry of the memo: its key, how its value is computed, what the
    value read (recorded with it, checked in later builds), and what the
    caller gets from the stored value."""
    key: str
    compute: Callable[[], Any]
    deps: Callable[[Any], list[tuple]]
    made: Callable[[Any], Any]


def version() -> str:
    return cache.source_hash(stats, effectstats, effectpages, statpages, model, cache, sys.modules[__name__]) \
        + f"/numpy {np.__version__}/python {sys.version_info[0]}.{sys.version_info[1]}"


def _h(*parts) -> bytes:
    """A digest of `parts`, each bytes, str or anything with an exact repr
    (numbers, None, tuples of those); every part is length-prefixed."""
    enc = [p if isinstance(p, bytes) else (p if isinstance(p, str) else repr(p)).encode("utf-8", "surrogatepass")
           for p in parts]
    return hashlib.blake2b(b"".join([len(e).to_bytes(4, "little") + e for e in enc]), digest_size=20).digest()


def plain(obj) -> Any:
    """A record as nested tuples of its field values, without `where` (its
    line and column: moving a line must not look like a change)."""
    if is_dataclass(obj):
        return (type(obj).__name__, *((f.name, plain(getattr(obj, f.name))) for f in fields(obj) if f.name != "where"))
    if isinstance(obj, (list, tuple)):
        return tuple(plain(x) for x in obj)
    return obj


class StatsMemo:
    def __init__(self, model: StatsModel, folder: Optional[Path]):
        self.model = model
        self.memo = cache.Memo(folder, version(), shards=SHARDS) if folder else None
        self.reused = self.computed = 0
        self._nodes: dict[tuple[str, str], bytes] = {}
        self._digests: dict = {}
        self._config: Optional[bytes] = None
        self._primed = False
        # entry key → the world (and entry digest) under which its dependencies were last checked
        found = self.memo.get(VERIFIED) if self.memo is not None else None
        self._was_verified: dict[str, bytes] = found if isinstance(found, dict) else {}
        self._now_verified: dict[str, bytes] = {}

    # ------------------------------------------------------------ digests

    def config(self) -> bytes:
        if self._config is None:
            m = self.model
            self._config = _h(plain(list(m.metrics.values())), [(g.name, g.slug, g.metrics) for g in m.groups],
                              m.records.site.sample_note)
        return self._config

    def node(self, unit_id: str, metric_id: str) -> bytes:
        """The digest that fixes `stats.series(unit_id, metric_id)` (see the module doc)."""
        key = (unit_id, metric_id)
        found = self._nodes.get(key)
        if found is None:
            m = self.model
            flag = "sample" if unit_id in m.sample_units else "real"
            own = m.own.get(unit_id, {}).get(metric_id)
            if own is not None:
                found = _h("own", unit_id, flag, cache.dumps(own))
            else:
                found = _h("kids", unit_id, flag, *(self.node(c, metric_id) for c in m.children.get(unit_id, [])))
            self._nodes[key] = found
        return found

    def _memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        found = self._digests.get(key)
        if found is None:
            found = self._digests[key] = make()
        return found

    def dep(self, d: tuple) -> Optional[bytes]:
        """The current digest of one recorded dependency; None when it no longer
        exists. A pool's is cheap: its members' whole series (node digests, which
        carry the sample flags) and what `_around` reads."""
        return self._memo(("dep", d), lambda: self._dep(d))

    def _dep(self, d: tuple) -> Optional[bytes]:
        m = self.model
        if d[0] == "own":
            _, u, metric = d
            return self.node(u, metric) if u in m.records.units else None
        found = self._pool_of(d)
        if found is None:
            return None
        u, metric, pool, w = found
        members = self._memo(("members", pool[0], metric),
                             lambda: _h(*pool[0], *(x for u in pool[1] for x in (u, self.node(u, metric)))))
        return members + self._around(u, pool, w)

    def narrow(self, d: tuple) -> Optional[bytes]:
        """A pool dependency's digest over what its computation reads of the
        figures: the members' figures through the windows' last month and their
        sample flags (in each member's seed, `_Seeds`); None for other
        dependencies. Asked only when `dep` moved."""
        return self._memo(("narrow", d), lambda: self._narrow(d)) if d[0] == "pool" else None

    def _narrow(self, d: tuple) -> Optional[bytes]:
        found = self._pool_of(d)
        if found is None:
            return None
        u, metric, pool, w = found
        members = self._memo(("narrow-members", pool[0], metric, w.last),
                             lambda: _h(*pool[0], self._prefixes(metric).members(pool, w.last)))
        return members + self._around(u, pool, w)

    def _holds(self, d: tuple, wide: bytes, narrow: Optional[bytes]) -> bool:
        return self.dep(d) == wide or (narrow is not None and self.narrow(d) == narrow)

    def _pool_of(self, d: tuple) -> Optional[tuple]:
        """(U, metric, pool, windows) of a pool dependency; None when U or the level is gone."""
        m = self.model
        _, u, metric, level, *w = d
        if u not in m.records.units:
            return None
        pool = stats._pool(m, u, level)
        return None if pool is None else (u, metric, pool, Windows(*w))

    def _around(self, u: str, pool: tuple, w: Windows) -> bytes:
        """What else a pool dependency reads: which members are treated by
        practices starting within the windows, which are U's ancestors or
        descendants (never compared)."""
        m = self.model
        treated = self._memo(("treated", pool[0], w.first, w.last), lambda: _h(
            *_among(pool[1], stats.window_treated(m, w))))
        pool_set = self._memo(("set", pool[0]), lambda: frozenset(pool[1]))
        line = self._memo(("lineage", u, pool[0]), lambda: _h(*sorted(x for x in stats.lineage(m, u) if x in pool_set)))
        return treated + line

    def _prefixes(self, metric_id: str) -> "_Prefixes":
        seeds = self._memo(("seeds",), lambda: _Seeds(self.model))
        return self._memo(("prefixes", metric_id), lambda: _Prefixes(self.model, metric_id, seeds))

    # ------------------------------------------------------------ the memo

    def settle(self, entries: list[Entry], meanwhile: Optional[Callable[[], None]] = None,
               here: int = 0) -> list[Any]:
        """Each entry's value: the memo's where nothing it read has changed, else
        computed afresh. Entries to check or compute are shared with a forked
        process (parallel.py) while this one calls `meanwhile()` (the first
        `here` entries are this one's): after one changed stats file, that is
        a few thousand checks and a few hundred 成效对照, on the core that would
        otherwise idle."""
        if self.memo is None:
            if meanwhile is not None:
                meanwhile()
            return [e.made(e.compute()) for e in entries]
        todo = [i for i, e in enumerate(entries) if not self._settled(e.key)]
        outcomes = dict(zip(todo, parallel.share(todo, lambda i: self._settle(entries[i]), meanwhile,
                                                 here=sum(1 for i in todo if i < here))))
        return [e.made(self._apply(e, outcomes[i]) if i in outcomes else self._apply(e, (SAME, None, None), True))
                for i, e in enumerate(entries)]

    def _settled(self, key: str) -> bool:
        """Whether the memo's entry holds without checking: nothing recorded to
        check, or checked under the same world in the last build (nothing it
        reads changed)."""
        entry = self.memo.get(key)
        if entry is None:
            return False
        recorded, blob = entry
        return not recorded or self._was_verified.get(key) == self._stamp(recorded, blob)

    def _settle(self, e: Entry) -> tuple:
        """What becomes of one entry: (SAME, None, None), (HELD, recorded, None)
        or (NEW, recorded, blob).
        Reads the memo and writes nothing (it may run in the forked process):
        `_apply` writes."""
        entry = self.memo.get(e.key)
        if entry is not None:
            recorded, _ = entry
            if all(self._holds(*r) for r in recorded):
                if any(self.dep(d) != wide for d, wide, _ in recorded):
                    # held by the narrow digests: record the new wide ones, or every
                    # later change would ask for the narrow ones again
                    return HELD, tuple((d, self.dep(d), narrow) for d, _, narrow in recorded), None
                return SAME, None, None
        return self._compute(e)

    def _compute(self, e: Entry) -> tuple:
        if not self._primed:
            self._prime_series()
        value = e.compute()
        return NEW, tuple((d, self.dep(d), self.narrow(d)) for d in e.deps(value)), cache.dumps(value)

    def _apply(self, e: Entry, outcome: tuple, vouched: bool = False) -> Any:
        """Write what `_settle` decided; `vouched`: held by `_settled`, whose stamp is kept."""
        kind, recorded, blob = outcome
        if kind != NEW:
            old, blob = self.memo.get(e.key)
            recorded = old if kind == SAME else recorded
            value = cache.loads(blob)
            if value is None:   # stored by other code, or damaged: made afresh
                kind, recorded, blob = self._compute(e)
        if kind == NEW:
            value = cache.loads(blob)   # wherever it was computed, the value as a later build reads it
            self.computed += 1
        else:
            self.reused += 1
        if kind != SAME:
            self.memo.put(e.key, (recorded, blob))
        if vouched and kind == SAME and e.key in self._was_verified:
            self._now_verified[e.key] = self._was_verified[e.key]   # the stamp `_settled` just compared
        else:
            self._verified(e.key, recorded, blob)
        return value

    def _stamp(self, recorded: tuple, blob: bytes) -> bytes:
        """The world of the metrics the entry read, and the entry itself: a shard
        left from another build (an interrupted save, two builds at once) is
        not vouched for."""
        return self.world(frozenset(d[2] for d, _wide, _narrow in recorded)) + _h(blob)

    def _verified(self, key: str, recorded: tuple, blob: bytes) -> None:
        if recorded:
            self._now_verified[key] = self._stamp(recorded, blob)

    def unit_entry(self, unit_id: str, build: Callable) -> Entry:
        """The entry of a unit's section (a unit of the records)."""
        m = self.model
        u = m.records.units[unit_id]
        metrics = list(m.metrics)
        kids = [_h(c, m.records.units[c].name, *(self.node(c, x) for x in metrics))
                for c in m.children.get(unit_id, [])]
        key = "unit:" + _h(self.config(), _origin(build), unit_id, u.name, u.kind,
                           *(self.node(unit_id, x) for x in metrics), "kids", *kids).hex()

        def compute():
            b = build(m, unit_id)
            return None if b is None else (b.context, _digested(b.figures), b.csvs)
        return Entry(key, compute, _nothing, lambda got: None if got is None else statpages._Built(*got))

    def _everyone(self) -> list[bytes]:
        """Each unit's id, name, kind, parent, region and digests of every metric."""
        m = self.model
        metrics = list(m.metrics)
        return self._memo(("everyone",), lambda: [
            _h(u.id, u.name, u.kind, u.parent, plain(u.region), *(self.node(u.id, x) for x in metrics))
            for u in sorted(m.records.units.values(), key=lambda u: u.id)])

    def world(self, metrics: frozenset[str]) -> bytes:
        """A digest of everything a recorded dependency on `metrics` can read:
        every unit's place in the hierarchy, every practice's units and start
        (who is treated when), and every unit's digest of each of `metrics`
        (its figures, its sample flag). An entry that read only these metrics,
        checked under this digest in the last build, needs no check while it
        is the same (`_verified`)."""
        m = self.model

        def places() -> bytes:
            return _h(self.config(), *(
                _h(u.id, u.name, u.kind, u.parent, plain(u.region))
                for u in sorted(m.records.units.values(), key=lambda u: u.id)), *(
                x for pid in sorted(m.records.practices)
                for x in (pid, tuple(m.records.practices[pid].units), m.records.practices[pid].period.start)))

        def figures(metric: str) -> bytes:
            return _h(metric, *(self.node(u, metric) if metric in m.metrics else b""
                                for u in sorted(m.records.units)))
        return self._memo(("world", metrics), lambda: _h(self._memo(("places",), places), *(
            self._memo(("figures", x), lambda x=x: figures(x)) for x in sorted(metrics))))

    def dashboard_entry(self, build: Callable) -> Entry:
        """The 统计 page's entry: it reads every unit (names, kinds, places in the
        hierarchy and regions, figures)."""
        key = "dashboard:" + _h(self.config(), _origin(build), *self._everyone()).hex()

        def compute():
            b = build(self.model)
            return b.context, _digested(b.figures), b.csvs
        return Entry(key, compute, _nothing, lambda got: statpages._Built(*got))

    def practice(self, practice_id: str, build: Callable) -> tuple[effectpages.PracticeEffects, statpages._Built]:
        """`build(model, practice_id, out)` (effectpages.build_effects) with its own
        `out`, or the memo's copy."""
        return self.settle([self.practice_entry(practice_id, build)])[0]

    def practice_entry(self, practice_id: str, build: Callable) -> Entry:
        """A practice's 成效对照 entry; its dependencies are those the build met."""
        m = self.model
        p = m.records.practices[practice_id]
        units = m.records.units
        cats = m.records.categories
        lineages = [(u, *((units[u].name, units[u].kind, _ancestors(m, u)) if u in units else ()))
                    for u in p.units]
        key = "practice:" + _h(self.config(), _origin(build), practice_id, tuple(p.units), p.period.start,
                               [(c, tuple(cats[c].metrics) if c in cats else None) for c in p.categories],
                               plain(p.outcomes), lineages).hex()

        def compute():
            out = statpages._Built({})
            pe = build(m, practice_id, out)
            return (pe.section, pe.headlines, pe.lacks_comparison), _digested(out.figures), out.csvs

        def made(got):
            (section, headlines, lacks), figures, csvs = got
            return effectpages.PracticeEffects(section, headlines, lacks), statpages._Built({}, figures, csvs)
        return Entry(key, compute, lambda _v: self._practice_deps(practice_id), made)

    def _practice_deps(self, practice_id: str) -> list[tuple]:
        """What the practice's 成效对照 read: each (unit, metric) it looked at, and
        each comparison level examined for each estimate (effectpages traces them)."""
        m = self.model
        metric_ids, effects = m._effects.pop(("traced", practice_id), ((), ()))
        p = m.records.practices[practice_id]
        out = [("own", u, x) for u in dict.fromkeys(p.units) if u in m.records.units
               for x in metric_ids if x in m.metrics]
        for e in effects:
            if e.status == "insufficient":
                continue       # decided by the unit's own figures alone
            examined = LEVELS if e.level is None else LEVELS[:LEVELS.index(e.level) + 1]
            w = e.windows
            out += [("pool", e.unit, e.metric, lv, w.before_first, w.before_last, w.after_first, w.after_last)
                    for lv in examined if stats._pool(m, e.unit, lv) is not None]
        return out

    # ------------------------------------------------------------ rolled-up series
    # A 成效对照 computed afresh needs every unit of its kind in one array
    # (effectstats.panel), so every bureau's series rolled up from its stations:
    # the memo keeps those whose node digest is unchanged, and a build that
    # computes anything afresh starts from them.

    def _rolled_up(self) -> list[tuple[str, str]]:
        m = self.model
        return [(u, x) for u in sorted(m.children) if u in m.records.units for x in m.metrics
                if x not in m.own.get(u, {})]

    def _series_key(self, unit_id: str, metric_id: str) -> str:
        return "series:" + _h(self.config(), unit_id, metric_id, self.node(unit_id, metric_id)).hex()

    def _prime_series(self) -> None:
        self._primed = True
        m = self.model
        for u, x in self._rolled_up():
            blob = self.memo.get(self._series_key(u, x))
            fields = cache.loads(blob) if blob is not None else None
            key = (stats.reporters(m, u, x), x)
            if fields is not None and key not in m._series:
                m._series[key] = stats.Series(*fields)

    def keep_series(self) -> None:
        """Store (or keep) every rolled-up series for the next build."""
        if self.memo is None:
            return
        for u, x in self._rolled_up():
            key = self._series_key(u, x)
            if self.memo.get(key) is None:
                s = stats.series(self.model, u, x)
                self.memo.put(key, cache.dumps((s.metric, s.aggregate, s.values, s.basis, s.partial)))

    def counts(self) -> dict[str, int]:
        """Sections reused from the memo and computed afresh (none without a memo folder)."""
        return {"stats_reused": self.reused, "stats_computed": self.computed} if self.memo is not None else {}

    def save(self) -> None:
        if self.memo is not None:
            # the same table as before is put back as it was: its shard stays as it is
            same = self._now_verified == self._was_verified
            self.memo.put(VERIFIED, self._was_verified if same else self._now_verified)
            self.memo.save()


class _Prefixes:
    """One metric's figures as running sums of 128-bit hashes, one row per
    unit with figures of its own: the digest of a unit's figures up to month
    t is one column. Each (unit, month, figure) hashes to two 64-bit words
    (splitmix64 finalisers over the figure's bits, the unit's seed and the
    month); sums wrap modulo 2**64, so adding or changing any figure moves
    the sum (but for a 2**-128 chance) and months are independent."""

    def __init__(self, model: StatsModel, metric_id: str, seeds: "_Seeds"):
        self.model, self.metric, self.seeds = model, metric_id, seeds
        units = sorted(u for u, mets in model.own.items() if metric_id in mets)
        self.row = {u: i for i, u in enumerate(units)}
        rows, cols, vals = [], [], []
        for i, u in enumerate(units):
            figures = model.own[u][metric_id]
            rows += [i] * len(figures)
            cols += [y * 12 + mo - 1 for y, mo in figures]
            vals += figures.values()
        cols_a = np.array(cols, dtype=np.int64)
        self.t0 = int(cols_a.min()) if len(cols) else 0
        months = int(cols_a.max()) - self.t0 + 1 if len(cols) else 0
        bits = np.array(vals, dtype=np.float64).view(np.uint64)
        rows_a = np.array(rows, dtype=np.int64)
        unit_seeds = seeds.of(units)
        months_h = _mix(cols_a.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15))
        self.sums = np.zeros((len(units), months + 1, 2), dtype=np.uint64)
        for lane in (0, 1):
            self.sums[rows_a, cols_a - self.t0 + 1, lane] = _mix(_mix(bits ^ unit_seeds[rows_a, lane]) + months_h)
        np.cumsum(self.sums, axis=1, dtype=np.uint64, out=self.sums)
        self._rolled: dict[tuple[str, int], np.ndarray] = {}
        self._pools: dict[tuple, tuple] = {}      # pool key → members' rows, own mask, seeds

    def _col(self, month: int) -> int:
        return min(max(month - self.t0 + 1, 0), self.sums.shape[1] - 1)

    def _rolled_up(self, unit_id: str, col: int) -> np.ndarray:
        key = (unit_id, col)
        found = self._rolled.get(key)
        if found is None:
            rows = sorted(self.row[r] for r in stats.reporters(self.model, unit_id, self.metric))
            found = self._rolled[key] = self.sums[rows, col].sum(axis=0, dtype=np.uint64)
        return found

    def members(self, pool: tuple, last: int) -> bytes:
        """The digest of a pool's members through month `last`: each member's
        value (a station's own row at that month; a rolled-up member's
        reporting units' rows summed through the end of that year, since a
        sub-unit's figure later in the year decides whether it reports that
        year, so which of the parent's months are whole), mixed with the
        member's own seed (its id and sample flag) and summed, with which
        members have figures of their own. A station moved between two
        members moves both values."""
        key, ids = pool
        found = self._pools.get(key)
        if found is None:
            idx = np.array([self.row.get(u, -1) for u in ids], dtype=np.int64)
            found = self._pools[key] = (idx, idx >= 0, self.seeds.of(ids))
        idx, own, seeds = found
        c = self._col(last)
        values = np.zeros((len(ids), 2), dtype=np.uint64)
        values[own] = self.sums[idx[own], c]
        if not own.all():
            year_end = self._col(last // 12 * 12 + 11)
            for i in np.flatnonzero(~own).tolist():
                values[i] = self._rolled_up(ids[i], year_end)
        mixed = _mix(values ^ seeds).sum(axis=0, dtype=np.uint64)
        return own.tobytes() + mixed.tobytes()


class _Seeds:
    """Two 64-bit words per unit (its id and sample flag), made once a build."""

    def __init__(self, model: StatsModel):
        self.model = model
        self._seed: dict[str, tuple[int, int]] = {}

    def of(self, ids: list[str]) -> np.ndarray:
        seed, flags = self._seed, self.model.sample_units
        for u in ids:
            if u not in seed:
                flag = "sample" if u in flags else "real"
                seed[u] = tuple(int.from_bytes(_h(lane, u, flag)[:8], "little") for lane in (0, 1))
        return np.array([seed[u] for u in ids], dtype=np.uint64).reshape(len(ids), 2)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, elementwise (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _digested(figures: list[tuple[str, str, dict]]) -> list[tuple[str, str, dict, str]]:
    """Each chart with its data's digest, kept in the entry: a build that reuses
    the entry finds the chart in the cache without serialising its data."""
    return [(name, kind, data, cache.data_digest(kind, data)) for name, kind, data in figures]


def _nothing(_value) -> list[tuple]:
    """The dependencies of an entry whose key holds all it reads."""
    return []


def _among(ids: list[str], chosen: frozenset[str]) -> list[str]:
    return [x for x in ids if x in chosen]


def _ancestors(model: StatsModel, unit_id: str) -> tuple[str, ...]:
    units, out, cur = model.records.units, [], model.records.units[unit_id].parent
    while cur in units and cur not in out:
        out.append(cur)
        cur = units[cur].parent
    return tuple(out)


def _origin(fn: Callable) -> str:
    """Which function built an entry: a build that swaps it (a benchmark without
    成效对照) must not hand its results to a normal build, or the reverse."""
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}"
