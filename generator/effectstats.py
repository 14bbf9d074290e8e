"""成效对照 for every practice at once: the same figures as `stats.effect`, bit
for bit (tests/test_effects_fast.py holds them equal on a varied tree), from
dense arrays instead of unit-by-unit passes. Maths only, like stats.py.

Why it is cheaper. Practices starting in the same month share their windows,
so each unit's change and before-slope for one (metric, windows) is computed
once, for every unit of a kind at a time, as differences of running sums
(a *panel*: units × months). A comparison group is then a boolean mask over a
pool, its changes a gather, the placebo rank a count (below), and the group's
monthly means and band column sums over the gathered block.

Exactness. Every float is made by the same operations in the same order as
in stats.py: running sums are accumulated month by month from 0.0 (a missing
month adds 0.0, which changes no sum), means over members are column sums
accumulated member by member (np.cumsum is sequential, unlike np.sum), and
the scalar sums (the group's mean change, the placebo total, the mean slope)
are Python's sum() over the same lists.

The placebo rank without N roundings. A unit's placebo estimate
e_i = c_i − (T − c_i)/(n − 1) never decreases as its change c_i grows (each
float operation is monotonic), nor does round(·, 9). So every e_i on U's good
side of e_U counts against U without rounding; only the few e_i within
rounding distance on the other side can tie with U after rounding, and only
those are rounded and compared as `stats.permutation_rank` does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import stats
from .stats import Effect, StatsModel, WindowChange, Windows

_REASONS = (None, "before_short", "after_short")


@dataclass
class Panel:
    """One metric's figures of every unit of one kind (ids sorted): a dense
    units × months matrix from month `t0` (0.0 where missing) and running sums
    along the months (column c = the sum over the first c months) of the count,
    y, x, xy and x², x counted from each unit's own first month (as
    stats.RunningSums does)."""
    ids: np.ndarray           # object: unit ids, sorted
    row: dict[str, int]
    t0: int
    values: np.ndarray        # float, units × months
    present: np.ndarray       # bool, units × months
    last: list[Optional[int]]  # each unit's last month with a figure
    sums: tuple[np.ndarray, ...]  # n, y, x, xy, xx: units × (months + 1)

    @property
    def months(self) -> int:
        return self.values.shape[1]

    def col(self, month: int) -> int:
        """The running-sum column before `month` (clipped to the panel)."""
        return min(max(month - self.t0, 0), self.months)


def panel(model: StatsModel, metric_id: str, kind: str) -> Panel:
    key = ("panel", metric_id, kind)
    if key not in model._effects:
        units = model.records.units
        ids = sorted(u for u in units if units[u].kind == kind)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        first, last = [], []
        for r, u in enumerate(ids):
            got = model.own.get(u, {}).get(metric_id)   # its own figures are its series
            if got is None:
                got = stats.series(model, u, metric_id).values
            months = [y * 12 + mo - 1 for y, mo in got]     # stats.month_index, inline
            rows += [r] * len(months)
            cols += months
            vals += got.values()
            first.append(min(months) if months else 0)
            last.append(max(months) if months else None)
        t0 = min(cols, default=0)
        t1 = max(cols, default=t0 - 1)
        values = np.zeros((len(ids), t1 - t0 + 1))
        present = np.zeros(values.shape, dtype=bool)
        at = (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64) - t0)
        values[at] = vals
        present[at] = True
        # x: months since the unit's own first month, 0.0 where it has no figure
        span = np.arange(t0, t1 + 1, dtype=float)
        x = np.where(present, span[None, :] - np.array(first, dtype=float)[:, None], 0.0)

        def running(a: np.ndarray) -> np.ndarray:
            # column 0 = 0.0, then left-to-right sums, as RunningSums appends them
            return np.cumsum(np.concatenate([np.zeros((len(ids), 1), dtype=a.dtype), a], axis=1), axis=1)

        sums = (running(present.astype(np.int64)), running(values), running(x),
                running(x * values), running(x * x))
        model._effects[key] = Panel(np.array(ids, dtype=object), {u: i for i, u in enumerate(ids)}, t0, values, present,
                                    last, sums)
    return model._effects[key]


@dataclass
class WindowArrays:
    """Every unit of a panel over one pair of windows (stats.window_change_fast for all)."""
    n_before: np.ndarray
    n_after: np.ndarray
    before: np.ndarray        # NaN where None
    after: np.ndarray
    slope: np.ndarray
    reason: np.ndarray        # index into _REASONS
    absolute: np.ndarray      # after − before; NaN unless usable

    @property
    def usable(self) -> np.ndarray:
        return self.reason == 0

    def change(self, r: int) -> WindowChange:
        return WindowChange(int(self.n_before[r]), int(self.n_after[r]), _opt(self.before[r]),
                            _opt(self.after[r]), _opt(self.slope[r]), _REASONS[self.reason[r]])


def _opt(v) -> Optional[float]:
    return None if np.isnan(v) else float(v)


def _window_sums(pn: Panel, first: int, last: int) -> list[np.ndarray]:
    a, b = pn.col(first), max(pn.col(last + 1), pn.col(first))
    return [s[:, b] - s[:, a] for s in pn.sums]


def window_arrays(model: StatsModel, pn: Panel, metric_id: str, kind: str, w: Windows) -> WindowArrays:
    key = ("warrays", metric_id, kind, w.before_first, w.after_last)
    if key not in model._effects:
        n, sy, sx, sxy, sxx = _window_sums(pn, w.before_first, w.before_last)
        na, say, *_ = _window_sums(pn, w.after_first, w.after_last)
        with np.errstate(divide="ignore", invalid="ignore"):
            before = np.where(n > 0, sy / n, np.nan)
            after = np.where(na > 0, say / na, np.nan)
            cxx = sxx - sx * sx / n
            slope = np.where((n >= 2) & (cxx > 1e-9), (sxy - sx * sy / n) / cxx, np.nan)
        reason = np.where(n < stats.MIN_MONTHS, 1, np.where(na < stats.MIN_MONTHS, 2, 0))
        absolute = np.where(reason == 0, after - before, np.nan)
        model._effects[key] = WindowArrays(n, na, before, after, slope, reason, absolute)
    return model._effects[key]


def placebo_rank(own: float, others: np.ndarray, lower_is_better: bool) -> tuple[int, int]:
    """stats.permutation_rank(stats.placebo_estimates({U: own, others…}), U, …),
    counted without rounding every estimate (see the module doc)."""
    n = len(others) + 1
    total = sum([own, *others.tolist()])          # U first, as the dict in stats.effect
    est = others - (total - others) / (n - 1)
    e_u = own - (total - own) / (n - 1)
    r_u = round(e_u, 9)
    reach = 1e-8 + 1e-9 * abs(e_u)                # wider than any two values rounding alike
    if lower_is_better:
        k = 1 + int(np.count_nonzero(est <= e_u))
        near = est[(est > e_u) & (est <= e_u + reach)]
        k += sum(1 for v in near.tolist() if round(v, 9) <= r_u)
    else:
        k = 1 + int(np.count_nonzero(est >= e_u))
        near = est[(est < e_u) & (est >= e_u - reach)]
        k += sum(1 for v in near.tolist() if round(v, 9) >= r_u)
    return k, n


def _column_sums(block: np.ndarray) -> np.ndarray:
    """Sum of each column, member by member from 0.0 (what sum() gives in CPython ≤ 3.11)."""
    return np.cumsum(np.concatenate([np.zeros((1, block.shape[1])), block]), axis=0)[-1]


def _monthly_means(pn: Panel, rows: np.ndarray, first: int, last: int) -> list[float]:
    """stats.group_mean_series over first … last, the months without a figure left out."""
    a, b = pn.col(first), max(pn.col(last + 1), pn.col(first))
    counts = pn.present[rows, a:b].sum(axis=0)
    sums = _column_sums(pn.values[rows, a:b])
    return [s / c for s, c in zip(sums.tolist(), counts.tolist()) if c]


def _pool_rows(model: StatsModel, pn: Panel, pool: tuple) -> np.ndarray:
    key = ("poolrows", pool[0])        # a pool holds one kind: the same rows in every metric's panel
    if key not in model._effects:
        model._effects[key] = np.array([pn.row[x] for x in pool[1]], dtype=np.int64)
    return model._effects[key]


def _treated_mask(model: StatsModel, pn: Panel, kind: str, w: Windows) -> np.ndarray:
    key = ("treatedmask", kind, w.first, w.last)
    if key not in model._effects:
        mask = np.zeros(len(pn.ids), dtype=bool)
        mask[[pn.row[u] for u in stats.window_treated(model, w) if u in pn.row]] = True
        model._effects[key] = mask
    return model._effects[key]


def practice_effects(model: StatsModel, practice_id: str, metric_ids: list[str]) -> list[Effect]:
    """stats.practice_effects, computed from panels."""
    units = model.records.units
    p = model.records.practices[practice_id]
    start = stats.month_index(stats.parse_month(p.period.start))
    out = []
    for u in p.units:
        if u not in units:
            continue
        kind = units[u].kind
        for m in metric_ids:
            if m not in model.metrics:
                continue
            pn = panel(model, m, kind)
            r = pn.row[u]
            w = stats.windows_at(start, pn.last[r])
            n = pn.sums[0][r]
            if n[pn.col(w.last + 1)] - n[pn.col(w.first)] > 0:   # figures near the start
                out.append(_effect(model, pn, p, u, r, m, kind, w))
    return out


@dataclass
class _Group:
    """A comparison group's figures, in member order."""
    rows: np.ndarray
    ids: tuple[str, ...]
    changes: np.ndarray
    listed: list[float]
    slopes: list[Optional[float]]
    monthly: list[float]          # the group's mean figure each before month that has one


def _group(pn: Panel, wa: WindowArrays, rows: np.ndarray, w: Windows) -> _Group:
    changes = wa.absolute[rows]
    return _Group(rows, tuple(pn.ids[rows].tolist()), changes, changes.tolist(),
                  [None if s != s else s for s in wa.slope[rows].tolist()],
                  _monthly_means(pn, rows, w.before_first, w.before_last))


@dataclass
class _Pooled:
    """A pool's usable units for one metric and windows, and those of them not
    treated within the windows: every practice with these windows whose unit
    falls in this pool starts from here (U, its lineage and the practice's own
    units are taken out per effect, when they are among them at all)."""
    usable: frozenset[int]
    members: np.ndarray
    member_set: frozenset[int]
    group: Optional[_Group] = None


def _pooled(model: StatsModel, pn: Panel, wa: WindowArrays, treated: np.ndarray, metric_id: str,
            w: Windows, pool: tuple) -> _Pooled:
    key = ("pooled", pool[0], metric_id, w.before_first, w.after_last)
    if key not in model._effects:
        rows = _pool_rows(model, pn, pool)
        usable = rows[wa.usable[rows]]
        members = usable[~treated[usable]]
        model._effects[key] = _Pooled(frozenset(usable.tolist()), members, frozenset(members.tolist()))
    return model._effects[key]


def _effect(model: StatsModel, pn: Panel, p, unit_id: str, r: int, metric_id: str, kind: str,
            w: Windows) -> Effect:
    wa = window_arrays(model, pn, metric_id, kind, w)
    own = wa.change(r)
    base = dict(practice=p.id, unit=unit_id, metric=metric_id, windows=w, own=own)
    if not own.usable:
        return Effect(**base, status="insufficient")
    treated = _treated_mask(model, pn, kind, w)       # by practices starting within the windows
    also = {pn.row[x] for x in p.units if x in pn.row and not treated[pn.row[x]]}  # this practice's other units
    apart = {r, *(pn.row[x] for x in stats.lineage(model, unit_id) if x in pn.row)}   # never compared with U
    level, pd, members, excluded = None, None, None, 0
    for lv in stats.LEVELS:
        pool = stats._pool(model, unit_id, lv)
        if pool is None:
            continue
        pd = _pooled(model, pn, wa, treated, metric_id, w, pool)
        if pd.member_set.isdisjoint(apart) and pd.member_set.isdisjoint(also):
            members = None                                # the pool's own group, shared
            n = len(pd.members)
        else:
            members = np.array([x for x in pd.members.tolist() if x not in apart and x not in also],
                               dtype=np.int64)
            n = len(members)
        excluded = len(pd.usable) - len(pd.usable & apart) - n
        if n >= stats.MIN_GROUP:
            level = lv
            break
    if level is None:
        return Effect(**base, status="no_group", excluded=excluded)
    if members is None:
        if pd.group is None:
            pd.group = _group(pn, wa, pd.members, w)
        g = pd.group
    else:
        g = _group(pn, wa, members, w)
    est = stats.did_estimate(own.absolute, g.listed)
    k, n = placebo_rank(own.absolute, g.changes, model.metrics[metric_id].lower_is_better)
    gap, allowed, differs = stats.pretrend_gap(own.slope, g.slopes, g.monthly)
    model._effects[("members", p.id, unit_id, metric_id)] = g.rows   # for effect_band
    return Effect(**base, status="ok", level=level, group=g.ids,
                  excluded=excluded, group_change=stats.mean(g.listed), estimate=est,
                  estimate_percent=None if own.before == 0 else est / own.before * 100.0,
                  rank=k, n=n, slope_gap=gap, slope_allowed=allowed, pretrend_differs=differs)


def _indexed_block(model: StatsModel, unit_id: str, rows_of, metric_id: str,
                   w: Windows) -> tuple[np.ndarray, np.ndarray]:
    """(index, present): the rows' figures over both windows with their before
    mean = 100, as stats.window_index; months outside the panel are absent."""
    kind = model.records.units[unit_id].kind
    pn = panel(model, metric_id, kind)
    rows = np.array(rows_of(pn), dtype=np.int64)
    wa = window_arrays(model, pn, metric_id, kind, w)
    span = w.after_last - w.before_first + 1
    a, b = pn.col(w.before_first), pn.col(w.after_last + 1)
    lead = min(max(pn.t0 - w.before_first, 0), span)
    vals, present = np.zeros((len(rows), span)), np.zeros((len(rows), span), dtype=bool)
    if b > a:
        vals[:, lead:lead + b - a], present[:, lead:lead + b - a] = pn.values[rows, a:b], pn.present[rows, a:b]
    base = wa.before[rows]
    has_base = ~np.isnan(base) & (base != 0)
    present &= has_base[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(present, vals / base[:, None] * 100.0, 0.0)
    return index, present


def window_index(model: StatsModel, unit_id: str, metric_id: str, w: Windows) -> tuple[Optional[float], ...]:
    """stats.window_index, its before mean taken from the panel."""
    kind = model.records.units[unit_id].kind
    pn = panel(model, metric_id, kind)
    base = window_arrays(model, pn, metric_id, kind, w).before[pn.row[unit_id]]
    keys = [stats.month_key(i) for i in range(w.before_first, w.after_last + 1)]
    return tuple(stats.indexed(stats.series(model, unit_id, metric_id).values, _opt(base), keys))


def group_band(model: StatsModel, unit_id: str, group, metric_id: str, w: Windows) -> list[tuple]:
    """stats.group_band for U's comparison `group` (units of U's kind), from the panel."""
    return _band(*_indexed_block(model, unit_id, lambda pn: [pn.row[x] for x in group], metric_id, w))


def effect_band(model: StatsModel, e: Effect, w: Windows) -> list[tuple]:
    """group_band of an effect's comparison group, its rows kept from `practice_effects`."""
    rows = model._effects.get(("members", e.practice, e.unit, e.metric))
    if rows is None:
        return group_band(model, e.unit, e.group, e.metric, w)
    return _band(*_indexed_block(model, e.unit, lambda pn: rows, e.metric, w))


def _band(index: np.ndarray, present: np.ndarray) -> list[tuple]:
    counts = present.sum(axis=0).tolist()
    sums = _column_sums(index).tolist()
    low = np.where(present, index, np.inf).min(axis=0).tolist()
    high = np.where(present, index, -np.inf).max(axis=0).tolist()
    out = []
    for j, c in enumerate(counts):
        if not c:
            out.append((None, None, None, 0))
            continue
        lo, hi = low[j], high[j]
        if lo == 0 or hi == 0:   # 0.0 and −0.0: min()/max() keep the first met, numpy need not
            col = [v for v, p in zip(index[:, j].tolist(), present[:, j].tolist()) if p]
            lo, hi = min(col), max(col)
        out.append((sums[j] / c, lo, hi, c))
    return out
