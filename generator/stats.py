"""Monthly statistics, the maths only: series, changes, roll-ups, rankings.

Pure functions over the validated `Records`; no pages, no text, no matplotlib,
no files (generator/statpages.py turns the results into page contexts). Build
the index once with `build(records)` and pass the returned `StatsModel` to
every other function (they also accept `Records`, at the cost of rebuilding).

Definitions
-----------
Series
    For one unit (or region) and one metric: figures keyed by ``(year, month)``.
    A month without a figure is *missing* (``None``), never zero.

Reporting units
    A unit that has figures of its own for a metric reports for itself; its
    own figures are used and those of its sub-units are not added on top (a
    station's figure already covers its posts, so adding them would count
    twice). A unit without own figures for the metric is *rolled up* from its
    sub-units, recursively, down to the units that do report. A region
    (province or city) rolls up the top-most units inside it. The reporting
    units of year Y are those that have at least one figure of the metric in
    year Y; they are the series' *basis* for Y (``Series.basis[Y]``).

Aggregation
    ``Metric.aggregate`` says how figures are combined, both across units and
    across months: ``sum`` adds them; ``mean`` takes the unweighted average
    (of the reporting units' figures for one month; of the months for a
    period), e.g. the satisfaction rate of a bureau is the average of its
    stations' rates.

Partial months
    In a rolled-up series, month (Y, M) is *complete* when every reporting
    unit of year Y has a figure for it; the value is then their sum or mean.
    When only some of them have a figure the month is *partial*: its value is
    missing (``None``) rather than a smaller, misleading total, and it is
    listed in ``Series.partial`` so that pages can say so. A month nobody
    reported is simply missing.

Changes
    环比 (month-on-month) compares a month with the one before (January with
    the previous December); 同比 (year-on-year) with the same month of the
    previous year; 累计 (year to date, months 1..M) with months 1..M of the
    previous year, only when every one of those months is present in both
    years. A change is made only between periods with the same basis
    (``reason="basis"`` otherwise), needs both figures (``reason="missing"``),
    and its percentage is ``None`` when the earlier figure is 0
    (``reason="zero_base"``; the absolute change is still given). A unit with
    a single year of figures therefore has no 同比 at all.

Rankings
    Sibling units (the children of one unit) are ranked for a year by the 同比
    percentage of their year-to-date figure over the latest comparable
    period: the months 1..M with the largest M that lets the most of them be
    compared. Improvement honours ``Metric.lower_is_better``: for 刑事警情 the
    biggest fall ranks first. Units that cannot be compared are listed after
    the ranked ones, without a rank.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

from .model import Metric, Records, Unit

Key = tuple[int, int]  # (year, month)
MONTHS = tuple(range(1, 13))
MAX_RANKING_METRICS = 3


# ------------------------------------------------------------------ the index

@dataclass(frozen=True)
class Group:
    """A metric group: one chart and one table per unit."""
    name: str
    slug: str  # ASCII, used in file names
    metrics: tuple[str, ...]


@dataclass
class StatsModel:
    records: Records
    metrics: dict[str, Metric]                       # in metrics.yml order
    groups: list[Group]
    own: dict[str, dict[str, dict[Key, float]]]      # unit → metric → (y, m) → value
    sample_units: frozenset[str]                     # units with a sample=true file
    children: dict[str, list[str]]
    _reporters: dict = field(default_factory=dict, repr=False)
    _series: dict = field(default_factory=dict, repr=False)
    _effects: dict = field(default_factory=dict, repr=False)   # 成效对照 memo: windows, groups, treated

    def unit(self, unit_id: str) -> Unit:
        return self.records.units[unit_id]


def _slug(text: str) -> str:
    try:
        from pypinyin import lazy_pinyin
        text = "-".join(lazy_pinyin(text))
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        pass
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def group_slugs(names: Iterable[str]) -> dict[str, str]:
    """ASCII slugs for group names: pinyin (治安形势 → zhi-an-xing-shi), or "g<n>"
    (n = position, from 1) when the pinyin is empty or already taken."""
    out: dict[str, str] = {}
    for i, name in enumerate(names, 1):
        s = _slug(name)
        if not s or s in out.values() or s == "ranking":
            s = f"g{i}"
        out[name] = s
    return out


def build(records: Records) -> StatsModel:
    """Index the records' statistics; the first argument of every other function."""
    own: dict[str, dict[str, dict[Key, float]]] = {}
    sample = set()
    for s in records.stats:
        if s.sample:
            sample.add(s.unit)
        for month, row in s.months.items():
            for metric, value in row.items():
                if metric in records.metrics and value is not None:
                    own.setdefault(s.unit, {}).setdefault(metric, {})[(s.year, month)] = float(value)
    children: dict[str, list[str]] = {}
    for u in sorted(records.units.values(), key=lambda u: u.id):
        if u.parent in records.units:
            children.setdefault(u.parent, []).append(u.id)
    names = list(dict.fromkeys(m.group for m in records.metrics.values()))
    slugs = group_slugs(names)
    groups = [Group(n, slugs[n], tuple(m.id for m in records.metrics.values() if m.group == n))
              for n in names]
    return StatsModel(records, dict(records.metrics), groups, own, frozenset(sample), children)


def _model(m: Union[StatsModel, Records]) -> StatsModel:
    return m if isinstance(m, StatsModel) else build(m)


# ------------------------------------------------------------------ series

@dataclass(frozen=True)
class Series:
    """One metric's monthly figures for a unit, a region or the whole site."""
    metric: str
    aggregate: str                       # "sum" | "mean"
    values: dict[Key, float]             # present months only
    basis: dict[int, frozenset[str]]     # year → reporting units
    partial: frozenset[Key] = frozenset()
    _running: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, year: int, month: int) -> Optional[float]:
        return self.values.get((year, month))

    def running_totals(self, year: int) -> list[Optional[float]]:
        """Sums of months 1..m (index m − 1), None from the first missing month on;
        added left to right as sum() would, so ytd() gives the same floats."""
        if year not in self._running:
            out, total = [], 0.0
            for m in MONTHS:
                v = self.values.get((year, m))
                total = None if v is None or total is None else total + v
                out.append(total)
            self._running[year] = out
        return self._running[year]

    @property
    def years(self) -> list[int]:
        return sorted(self.basis)

    def latest_month(self, year: int) -> Optional[int]:
        months = [m for (y, m) in self.values if y == year]
        return max(months) if months else None


def reporters(model, unit_id: str, metric_id: str) -> frozenset[str]:
    """The units whose own figures make up `unit_id`'s series (see module doc)."""
    model = _model(model)
    key = (unit_id, metric_id)
    if key not in model._reporters:
        if metric_id in model.own.get(unit_id, {}):
            out = frozenset([unit_id])
        else:
            out = frozenset().union(*(reporters(model, c, metric_id)
                                      for c in model.children.get(unit_id, [])))
        model._reporters[key] = out
    return model._reporters[key]


def aggregate_series(model, units: Iterable[str], metric_id: str) -> Series:
    """The series made of the own figures of `units` (reporting units)."""
    model = _model(model)
    units = frozenset(units)
    key = (units, metric_id)
    if key in model._series:
        return model._series[key]
    metric = model.metrics[metric_id]
    data = {u: model.own.get(u, {}).get(metric_id, {}) for u in units}
    if len(data) == 1:  # a unit's own figures (most series): nothing to combine
        (u, vals), = data.items()
        out = Series(metric_id, metric.aggregate, dict(vals), {y: frozenset([u]) for y in sorted({y for y, _ in vals})})
        model._series[key] = out
        return out
    # Each month's figures added unit by unit in id order, as sum() over the
    # sorted units would add them (the same floats), in one pass over the figures.
    years: dict[int, set[str]] = {}
    totals: dict[Key, float] = {}
    counts: dict[Key, int] = {}
    for u in sorted(data):
        vals = data[u]
        for k, v in vals.items():
            totals[k] = totals.get(k, 0) + v
            counts[k] = counts.get(k, 0) + 1
        for y in {y for y, _m in vals}:
            years.setdefault(y, set()).add(u)
    values: dict[Key, float] = {}
    partial = set()
    for k in sorted(totals):
        n = counts[k]
        if n == len(years[k[0]]):
            values[k] = totals[k] / n if metric.aggregate == "mean" else totals[k]
        else:
            partial.add(k)
    out = Series(metric_id, metric.aggregate, values,
                 {y: frozenset(us) for y, us in sorted(years.items())}, frozenset(partial))
    model._series[key] = out
    return out


def series(model, unit_id: str, metric_id: str) -> Series:
    """A unit's series: its own figures, or its sub-units' rolled up."""
    model = _model(model)
    return aggregate_series(model, reporters(model, unit_id, metric_id), metric_id)


def region_of(unit: Unit, level: str = "city") -> tuple[str, ...]:
    r = unit.region
    return (r.province,) if level == "province" else (r.province, r.city)


def region_name(region: tuple[str, ...]) -> str:
    return "".join(region)


def region_roots(model, region: Optional[tuple[str, ...]] = None) -> list[str]:
    """Top-most units inside `region` ((province,) or (province, city); None = everywhere)."""
    model = _model(model)
    units = model.records.units

    def inside(u: Unit) -> bool:
        return region is None or region_of(u, "province" if len(region) == 1 else "city") == region

    return sorted(u.id for u in units.values()
                  if inside(u) and (u.parent not in units or not inside(units[u.parent])))


def region_series(model, region: Optional[tuple[str, ...]], metric_id: str) -> Series:
    """A region's series: its top-most units (bureaus, as a rule) rolled up."""
    model = _model(model)
    rep = frozenset().union(*(reporters(model, u, metric_id) for u in region_roots(model, region)))
    return aggregate_series(model, rep, metric_id)


def regions(model, level: str = "city") -> list[tuple[str, ...]]:
    """Every region (province or (province, city)) that holds a unit with statistics."""
    model = _model(model)
    return sorted({region_of(model.unit(u), level) for u in model.own if u in model.records.units})


# ------------------------------------------------------------------ changes

@dataclass(frozen=True)
class Change:
    current: Optional[float]
    previous: Optional[float]
    absolute: Optional[float] = None
    percent: Optional[float] = None     # None from a zero base
    reason: Optional[str] = None        # None | "missing" | "basis" | "zero_base"


def change(current: Optional[float], previous: Optional[float], comparable: bool = True) -> Change:
    """Absolute and percent change from `previous` to `current`."""
    if current is None or previous is None:
        return Change(current, previous, reason="missing")
    if not comparable:
        return Change(current, previous, reason="basis")
    diff = current - previous
    if previous == 0:
        return Change(current, previous, diff, None, "zero_base")
    return Change(current, previous, diff, diff / previous * 100.0)


def _same_basis(s: Series, y1: int, y2: int) -> bool:
    return y1 in s.basis and y2 in s.basis and s.basis[y1] == s.basis[y2]


def mom(s: Series, year: int, month: int) -> Change:
    """环比: (year, month) against the month before."""
    py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
    return change(s.get(year, month), s.get(py, pm), _same_basis(s, year, py))


def yoy(s: Series, year: int, month: int) -> Change:
    """同比: (year, month) against the same month a year before."""
    return change(s.get(year, month), s.get(year - 1, month), _same_basis(s, year, year - 1))


def ytd(s: Series, year: int, through: Optional[int] = None) -> Optional[float]:
    """累计 for months 1..through (default: the latest month with a figure);
    None unless every one of those months has a figure."""
    through = through or s.latest_month(year)
    if not through:
        return None
    total = s.running_totals(year)[through - 1]
    return None if total is None else total / through if s.aggregate == "mean" else total


def ytd_yoy(s: Series, year: int, through: Optional[int] = None) -> Change:
    """累计同比: months 1..through of `year` against the same months a year before."""
    through = through or s.latest_month(year)
    return change(ytd(s, year, through), ytd(s, year - 1, through) if through else None,
                  _same_basis(s, year, year - 1))


def comparable_through(s: Series, year: int) -> Optional[int]:
    """The largest M for which months 1..M of `year` and of the year before can be compared."""
    for m in range(12, 0, -1):
        if ytd_yoy(s, year, m).absolute is not None:
            return m
    return None


def verdict(c: Change, metric: Metric) -> Optional[str]:
    """"good", "bad" or "flat" for a change, honouring lower_is_better; None if no change."""
    if c.absolute is None:
        return None
    if c.absolute == 0:
        return "flat"
    return "good" if (c.absolute < 0) == metric.lower_is_better else "bad"


# ------------------------------------------------------------------ rankings

@dataclass(frozen=True)
class RankEntry:
    unit: str
    change: Change
    rank: Optional[int]        # 1 = most improved; None = not ranked
    verdict: Optional[str]


@dataclass(frozen=True)
class Ranking:
    metric: str
    year: Optional[int]
    through: Optional[int]     # months 1..through
    entries: list[RankEntry]   # ranked (best first), then the others by unit id


def _improvement(c: Change, metric: Metric) -> float:
    return -c.percent if metric.lower_is_better else c.percent


def latest_year(model, unit_ids: Iterable[str], metric_ids: Iterable[str]) -> Optional[int]:
    model = _model(model)
    years = [y for u in unit_ids for m in metric_ids for y in series(model, u, m).years]
    return max(years) if years else None


def common_through(model, unit_ids: list[str], metric_ids: list[str], year: int) -> Optional[int]:
    """The latest period 1..M over which the most (unit, metric) pairs compare with last year."""
    model = _model(model)
    n = [0] * 12          # n[m − 1]: the pairs whose ytd_yoy(…, year, m) has a percent
    for u in unit_ids:
        for k in metric_ids:
            for i, ok in enumerate(_yoy_months(series(model, u, k), year)):
                n[i] += ok
    best, best_n = None, 0
    for m in range(12, 0, -1):
        if n[m - 1] > best_n:
            best, best_n = m, n[m - 1]
    return best


def _yoy_months(s: Series, year: int) -> list[bool]:
    """For m = 1..12: whether ytd_yoy(s, year, m) has a percent (both totals
    present, the same reporting units, a previous total other than 0)."""
    if not _same_basis(s, year, year - 1):
        return [False] * 12
    return [c is not None and p is not None and p != 0
            for c, p in zip(s.running_totals(year), s.running_totals(year - 1))]


def rank_units(model, unit_ids: Iterable[str], metric_id: str, year: Optional[int] = None,
               through: Optional[int] = None) -> Ranking:
    """Rank units by the 同比 percentage of their 1..through 累计 (see module doc)."""
    model = _model(model)
    unit_ids = sorted(unit_ids)
    metric = model.metrics[metric_id]
    year = year or latest_year(model, unit_ids, [metric_id])
    if year is None:
        return Ranking(metric_id, None, None, [RankEntry(u, Change(None, None, reason="missing"), None, None)
                                               for u in unit_ids])
    through = through or common_through(model, unit_ids, [metric_id], year)
    changes = {u: ytd_yoy(series(model, u, metric_id), year, through) if through
               else Change(None, None, reason="missing") for u in unit_ids}
    ranked = sorted((u for u in unit_ids if changes[u].percent is not None),
                    key=lambda u: (-_improvement(changes[u], metric), u))
    entries, prev, rank = [], None, 0
    for i, u in enumerate(ranked, 1):
        score = round(_improvement(changes[u], metric), 9)
        rank = rank if score == prev else i   # ties share a rank: 1, 2, 2, 4
        prev = score
        entries.append(RankEntry(u, changes[u], rank, verdict(changes[u], metric)))
    entries += [RankEntry(u, changes[u], None, verdict(changes[u], metric))
                for u in unit_ids if changes[u].percent is None]
    return Ranking(metric_id, year, through, entries)


def units_with_stats(model, unit_ids: Iterable[str]) -> list[str]:
    model = _model(model)
    return [u for u in unit_ids if any(reporters(model, u, m) for m in model.metrics)]


def rank_children(model, parent_id: str, metric_id: str, year: Optional[int] = None,
                  through: Optional[int] = None) -> Ranking:
    """Rank the sub-units (with statistics) of one unit."""
    model = _model(model)
    return rank_units(model, units_with_stats(model, model.children.get(parent_id, [])),
                      metric_id, year, through)


def ranking_metrics(model) -> list[str]:
    """The metrics rankings are drawn for: those where lower is better (刑事警情 …),
    else the first group's; at most MAX_RANKING_METRICS."""
    model = _model(model)
    chosen = [m.id for m in model.metrics.values() if m.lower_is_better]
    return (chosen or list(model.groups[0].metrics if model.groups else []))[:MAX_RANKING_METRICS]


# ------------------------------------------------------------------ 成效对照 (did the practice work?)
#
# For a practice P starting in month S and one of its units U, for a metric m:
#   before window  S−12 … S−1;  after window  S … S+11, cut at U's last month with
#   a figure; a window is usable with at least MIN_MONTHS figures.
#   comparison group: units of U's kind under U's parent; fewer than 2 usable →
#   under U's grandparent; fewer than 2 → the whole site. Left out: the other
#   units of P, units of another practice starting within the windows, and
#   U's ancestors and descendants (their figures contain U's or lie inside them).
#   change = after mean − before mean; estimate = U's change − the group's mean
#   change (difference in differences); placebo rank: every member of U ∪ group
#   gets the same estimate as if treated, U's rank k of N in the good direction,
#   p = k/N (ties count against U); pre-trend: least-squares slope over the
#   before window, U against the group's mean slope, flagged when the gap is
#   more than half the group's monthly standard deviation (per month).

BEFORE_MONTHS = 12
AFTER_MONTHS = 12
MIN_MONTHS = 6              # figures a window needs
MIN_GROUP = 2               # comparison units needed
WEAK_N = 10                 # below this N the rank is weak evidence
TINY_BASE = 1.0             # a before mean under this makes percentages unstable
PRETREND_SD = 0.5           # slope gap allowed, in group monthly SDs per month
LEVELS = ("parent", "grandparent", "site")


def month_index(key: Key) -> int:
    """(year, month) → a running month number (consecutive months differ by 1)."""
    return key[0] * 12 + key[1] - 1


def month_key(index: int) -> Key:
    return (index // 12, index % 12 + 1)


def parse_month(text: str) -> Key:
    """"2019-01" → (2019, 1)."""
    y, m = text.split("-")
    return (int(y), int(m))


def mean(values: Iterable[float]) -> Optional[float]:
    values = list(values)
    return sum(values) / len(values) if values else None


def sample_sd(values: Iterable[float]) -> Optional[float]:
    """Sample standard deviation (n − 1); None below two values."""
    values = list(values)
    if len(values) < 2:
        return None
    mu = sum(values) / len(values)
    return math.sqrt(sum((v - mu) ** 2 for v in values) / (len(values) - 1))


def ls_slope(points: Iterable[tuple[float, float]]) -> Optional[float]:
    """Least-squares slope of y on x; None below two distinct x."""
    points = list(points)
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


@dataclass(frozen=True)
class Windows:
    """The before and after windows of one practice start, as running month numbers
    (inclusive); `after_last` < `after_first` when no month after S has a figure."""
    before_first: int
    before_last: int
    after_first: int
    after_last: int

    @property
    def first(self) -> int:
        return self.before_first

    @property
    def last(self) -> int:
        return max(self.after_last, self.before_last)

    def before_keys(self) -> list[Key]:
        return [month_key(i) for i in range(self.before_first, self.before_last + 1)]

    @property
    def after_months(self) -> int:
        """How many months the after window spans (0 before any figure after S)."""
        return max(self.after_last - self.after_first + 1, 0)

    def after_keys(self) -> list[Key]:
        return [month_key(i) for i in range(self.after_first, self.after_last + 1)]


def practice_windows(start: Key, values: dict[Key, float]) -> Windows:
    """Before S−12 … S−1; after S … S+11, cut at the last month of `values` with a figure."""
    return windows_at(month_index(start), max((month_index(k) for k in values), default=None))


def windows_at(start: int, last: Optional[int]) -> Windows:
    """practice_windows from running month numbers: S and the last month with a figure (None: none)."""
    last = start - 1 if last is None else last
    return Windows(start - BEFORE_MONTHS, start - 1, start, min(start + AFTER_MONTHS - 1, last))


@dataclass(frozen=True)
class WindowChange:
    """One unit's figures over the two windows."""
    n_before: int
    n_after: int
    before: Optional[float]     # mean over the months with a figure
    after: Optional[float]
    slope: Optional[float]      # least squares over the before window, per month
    reason: Optional[str] = None   # None | "before_short" | "after_short"

    @property
    def usable(self) -> bool:
        return self.reason is None

    @property
    def absolute(self) -> Optional[float]:
        return None if self.reason else self.after - self.before

    @property
    def percent(self) -> Optional[float]:
        """As a percentage of the before mean; None from a zero before mean."""
        if self.reason or self.before == 0:
            return None
        return (self.after - self.before) / self.before * 100.0


def window_change(values: dict[Key, float], w: Windows) -> WindowChange:
    """Means over the windows (months with a figure only) and the before slope."""
    before = [(month_index(k), values[k]) for k in w.before_keys() if k in values]
    after = [values[k] for k in w.after_keys() if k in values]
    reason = "before_short" if len(before) < MIN_MONTHS else "after_short" if len(after) < MIN_MONTHS else None
    return WindowChange(len(before), len(after), mean(v for _, v in before), mean(after),
                        ls_slope(before), reason)


def did_estimate(own_change: float, group_changes: list[float]) -> float:
    """Difference in differences: U's change minus the mean of the group's changes."""
    return own_change - sum(group_changes) / len(group_changes)


def placebo_estimates(changes: dict[str, float]) -> dict[str, float]:
    """Each unit's change minus the mean of the others' changes (as if it were treated)."""
    total, n = sum(changes.values()), len(changes)
    return {u: c - (total - c) / (n - 1) for u, c in changes.items()} if n > 1 else {}


def permutation_rank(estimates: dict[str, float], unit: str, lower_is_better: bool) -> tuple[int, int]:
    """(k, N): U's place among the placebo estimates in the good direction, ties
    counted against U (k = how many are as good as or better than U), so k/N is
    the exact one-sided permutation p-value."""
    own = round(estimates[unit], 9)
    sign = 1 if lower_is_better else -1
    k = sum(1 for v in estimates.values() if sign * round(v, 9) <= sign * own)
    return k, len(estimates)


def pretrend_gap(own_slope: Optional[float], group_slopes: list[Optional[float]],
                 group_monthly: list[float]) -> tuple[Optional[float], Optional[float], bool]:
    """(gap, allowed, differs): gap = |U's slope − the group's mean slope|; allowed =
    PRETREND_SD × the SD of the group's monthly figures; differs when gap > allowed."""
    slopes = [s for s in group_slopes if s is not None]
    if own_slope is None or not slopes:
        return None, None, False
    gap = abs(own_slope - sum(slopes) / len(slopes))
    sd = sample_sd(group_monthly)
    allowed = None if sd is None else PRETREND_SD * sd
    return gap, allowed, allowed is not None and gap > allowed


def _descendants(model: StatsModel, unit_id: str) -> list[str]:
    out, stack = [], list(model.children.get(unit_id, []))
    while stack:
        u = stack.pop()
        out.append(u)
        stack += model.children.get(u, [])
    return out


def _pool(model: StatsModel, unit_id: str, level: str) -> Optional[tuple]:
    """(key, units) of U's kind at one widening level, U included; None when the
    level does not exist (no grandparent). Siblings share one pool (and key)."""
    units = model.records.units
    u = units[unit_id]
    if level == "parent":
        anchor = u.parent if u.parent in units else None
    elif level == "grandparent":
        anchor = units[u.parent].parent if u.parent in units else None
        if anchor not in units:
            return None
    else:
        anchor = "*"
    key = ("pool", level, anchor, u.kind)
    if key not in model._effects:
        if level == "parent":
            pool = model.children.get(anchor, []) if anchor else [x for x in units if units[x].parent not in units]
        elif level == "grandparent":
            pool = _descendants(model, anchor)
        else:
            pool = list(units)
        model._effects[key] = sorted(x for x in pool if units[x].kind == u.kind)
    return key, model._effects[key]


def level_candidates(model, unit_id: str, level: str) -> Optional[list[str]]:
    """Units of U's kind at one widening level (U itself left out); None when the
    level does not exist (no grandparent)."""
    model = _model(model)
    found = _pool(model, unit_id, level)
    return None if found is None else [x for x in found[1] if x != unit_id]


def lineage(model, unit_id: str) -> frozenset[str]:
    """U's ancestors and descendants: their figures contain U's or are contained
    in them, so none of them is ever U's comparison."""
    model = _model(model)
    key = ("lineage", unit_id)
    if key not in model._effects:
        up, cur, units = set(), model.records.units[unit_id].parent, model.records.units
        while cur in units and cur not in up:
            up.add(cur)
            cur = units[cur].parent
        model._effects[key] = frozenset(up | set(_descendants(model, unit_id)))
    return model._effects[key]


def treated_units(model, practice_id: str, w: Windows) -> frozenset[str]:
    """The units left out as treated: the practice's own, and those of any other
    practice starting within the windows."""
    model = _model(model)
    window_wide, own = window_treated(model, w), model.records.practices[practice_id].units
    return window_wide if window_wide.issuperset(own) else window_wide | frozenset(own)


def window_treated(model: StatsModel, w: Windows) -> frozenset[str]:
    """The units of every practice starting within the windows."""
    key = ("treated", w.first, w.last)     # shared by every practice with these windows
    if key not in model._effects:
        starts, units = _practice_starts(model)
        out = set()
        for i in range(bisect.bisect_left(starts, w.first), bisect.bisect_right(starts, w.last)):
            out.update(units[i])
        model._effects[key] = frozenset(out)
    return model._effects[key]


def _practice_starts(model: StatsModel) -> tuple[list[int], list[tuple[str, ...]]]:
    """Every practice's start month, sorted, with its units (for treated_units)."""
    if "starts" not in model._effects:
        rows = sorted((month_index(parse_month(p.period.start)), tuple(p.units))
                      for p in model.records.practices.values())
        model._effects["starts"] = ([s for s, _ in rows], [u for _, u in rows])
    return model._effects["starts"]


@dataclass(frozen=True)
class Effect:
    """The 成效对照 of one practice, for one of its units and one metric."""
    practice: str
    unit: str
    metric: str
    windows: Windows
    own: WindowChange
    status: str                          # "ok" | "insufficient" | "no_group"
    level: Optional[str] = None          # "parent" | "grandparent" | "site"
    group: tuple[str, ...] = ()
    excluded: int = 0                    # treated units left out at that level
    group_change: Optional[float] = None  # mean of the group's changes
    estimate: Optional[float] = None
    estimate_percent: Optional[float] = None   # of U's before mean; None from 0
    rank: Optional[int] = None
    n: Optional[int] = None
    slope_gap: Optional[float] = None
    slope_allowed: Optional[float] = None
    pretrend_differs: bool = False

    @property
    def p_value(self) -> Optional[float]:
        return None if self.rank is None else self.rank / self.n

    @property
    def weak(self) -> bool:
        return self.n is not None and self.n < WEAK_N

    @property
    def tiny_base(self) -> bool:
        return self.own.before is not None and 0 < abs(self.own.before) < TINY_BASE


@dataclass(frozen=True)
class RunningSums:
    """Running sums over a series' months with a figure (x = month number − x0),
    so that any window's count, mean and least-squares slope take two bisections
    instead of a pass over its months: the comparison groups of thousands of
    practices ask for the same unit's windows again and again."""
    months: list[int]
    x0: int
    n: list[int]
    y: list[float]
    x: list[float]
    xy: list[float]
    xx: list[float]

    @classmethod
    def of(cls, values: dict[Key, float]) -> "RunningSums":
        pts = sorted((month_index(k), v) for k, v in values.items())
        x0 = pts[0][0] if pts else 0
        out = cls([i for i, _ in pts], x0, [0], [0.0], [0.0], [0.0], [0.0])
        for i, v in pts:
            x = i - x0
            out.n.append(out.n[-1] + 1)
            out.y.append(out.y[-1] + v)
            out.x.append(out.x[-1] + x)
            out.xy.append(out.xy[-1] + x * v)
            out.xx.append(out.xx[-1] + x * x)
        return out

    def window(self, first: int, last: int) -> tuple[int, float, float, float, float]:
        """(n, Σy, Σx, Σxy, Σx²) over months first … last."""
        a, b = bisect.bisect_left(self.months, first), bisect.bisect_right(self.months, last)
        return (self.n[b] - self.n[a], self.y[b] - self.y[a], self.x[b] - self.x[a],
                self.xy[b] - self.xy[a], self.xx[b] - self.xx[a])


def window_change_fast(sums: RunningSums, w: Windows) -> WindowChange:
    """window_change from running sums (the same figures, tested against it)."""
    n, sy, sx, sxy, sxx = sums.window(w.before_first, w.before_last)
    na, say, *_ = sums.window(w.after_first, w.after_last)
    reason = "before_short" if n < MIN_MONTHS else "after_short" if na < MIN_MONTHS else None
    slope = None
    if n >= 2:
        cxx = sxx - sx * sx / n
        slope = (sxy - sx * sy / n) / cxx if cxx > 1e-9 else None
    return WindowChange(n, na, sy / n if n else None, say / na if na else None, slope, reason)


def _unit_change(model: StatsModel, unit_id: str, metric_id: str, w: Windows) -> WindowChange:
    key = ("window", unit_id, metric_id, w.before_first, w.after_last)
    if key not in model._effects:
        skey = ("sums", unit_id, metric_id)
        if skey not in model._effects:
            model._effects[skey] = RunningSums.of(series(model, unit_id, metric_id).values)
        model._effects[key] = window_change_fast(model._effects[skey], w)
    return model._effects[key]


def _usable(model: StatsModel, pool: tuple, metric_id: str, w: Windows) -> list[str]:
    """The units of a pool with enough figures in both windows (shared by every
    practice starting in the same month)."""
    key = ("usable", pool[0], metric_id, w.before_first, w.after_last)
    if key not in model._effects:
        model._effects[key] = [x for x in pool[1] if _unit_change(model, x, metric_id, w).usable]
    return model._effects[key]


def comparison_group(model, unit_id: str, metric_id: str, w: Windows,
                     treated: frozenset[str]) -> tuple[Optional[str], list[str], int]:
    """(level, members, excluded): the first level with at least MIN_GROUP usable
    units, widening parent → grandparent → site; (None, [], excluded at the
    widest level) when none has enough. U's ancestors and descendants never count."""
    model = _model(model)
    line = lineage(model, unit_id)
    excluded = 0
    for level in LEVELS:
        pool = _pool(model, unit_id, level)
        if pool is None:
            continue
        usable = [x for x in _usable(model, pool, metric_id, w) if x != unit_id and x not in line]
        members = [x for x in usable if x not in treated]
        excluded = len(usable) - len(members)
        if len(members) >= MIN_GROUP:
            return level, members, excluded
    return None, [], excluded


def effect(model, practice_id: str, unit_id: str, metric_id: str) -> Effect:
    """The 成效对照 of practice × unit × metric (see the comment above)."""
    model = _model(model)
    p = model.records.practices[practice_id]
    values = series(model, unit_id, metric_id).values
    w = practice_windows(parse_month(p.period.start), values)
    own = _unit_change(model, unit_id, metric_id, w)
    base = dict(practice=practice_id, unit=unit_id, metric=metric_id, windows=w, own=own)
    if not own.usable:
        return Effect(**base, status="insufficient")
    level, group, excluded = comparison_group(model, unit_id, metric_id, w, treated_units(model, practice_id, w))
    if level is None:
        return Effect(**base, status="no_group", excluded=excluded)
    changes = {x: _unit_change(model, x, metric_id, w) for x in group}
    est = did_estimate(own.absolute, [c.absolute for c in changes.values()])
    placebo = placebo_estimates({unit_id: own.absolute, **{x: c.absolute for x, c in changes.items()}})
    k, n = permutation_rank(placebo, unit_id, model.metrics[metric_id].lower_is_better)
    monthly = group_mean_series(model, group, metric_id, w.before_keys())
    gap, allowed, differs = pretrend_gap(own.slope, [c.slope for c in changes.values()],
                                         [v for v in monthly if v is not None])
    return Effect(**base, status="ok", level=level, group=tuple(group), excluded=excluded,
                  group_change=mean(c.absolute for c in changes.values()), estimate=est,
                  estimate_percent=None if own.before == 0 else est / own.before * 100.0,
                  rank=k, n=n, slope_gap=gap, slope_allowed=allowed, pretrend_differs=differs)


def group_mean_series(model, group: Iterable[str], metric_id: str, keys: list[Key]) -> list[Optional[float]]:
    """The comparison group's mean figure each month (of the members with a figure)."""
    model = _model(model)
    sers = [series(model, x, metric_id).values for x in group]
    return [_mean_in_order([s[k] for s in sers if k in s]) for k in keys]


def _mean_in_order(values: list[float]) -> Optional[float]:
    """The mean, summed left to right from 0.0 (sum() does so up to Python 3.11;
    3.12 compensates; effectstats reproduces this order with column sums)."""
    total = 0.0
    for v in values:
        total += v
    return total / len(values) if values else None


def indexed(values: dict[Key, float], base: Optional[float], keys: list[Key]) -> list[Optional[float]]:
    """Figures as an index, `base` = 100; None where missing or without a base."""
    if not base:
        return [None] * len(keys)
    return [values[k] / base * 100.0 if k in values else None for k in keys]


def window_index(model, unit_id: str, metric_id: str, w: Windows) -> tuple[Optional[float], ...]:
    """A unit's figures over both windows (S−12 … the after window's end) as an
    index, its before mean = 100; all None without a (non-zero) before mean."""
    model = _model(model)
    key = ("index", unit_id, metric_id, w.before_first, w.after_last)
    if key not in model._effects:
        keys = [month_key(i) for i in range(w.before_first, w.after_last + 1)]
        model._effects[key] = tuple(indexed(series(model, unit_id, metric_id).values,
                                            _unit_change(model, unit_id, metric_id, w).before, keys))
    return model._effects[key]


def group_band(model, group: Iterable[str], metric_id: str, w: Windows) -> list[tuple]:
    """Per month of both windows: (mean, min, max, count) of the group's indexed
    figures (members without a figure that month left out; all None when none has one)."""
    model = _model(model)
    rows = [window_index(model, x, metric_id, w) for x in group]
    out = []
    for month in zip(*rows) if rows else []:
        vals = [v for v in month if v is not None]
        out.append((_mean_in_order(vals), min(vals), max(vals), len(vals)) if vals else (None, None, None, 0))
    return out


def practice_effects(model, practice_id: str, metric_ids: Optional[Iterable[str]] = None) -> list[Effect]:
    """Every (unit, metric) effect of a practice whose unit has a figure of the metric
    within the windows, units in the practice's order, metrics in `metric_ids`
    order (default: all). Computed by generator/effectstats.py, many practices'
    worth at a time; `practice_effects_direct` is the same, unit by unit."""
    from . import effectstats   # built on this module
    model = _model(model)
    return effectstats.practice_effects(model, practice_id,
                                        list(metric_ids) if metric_ids is not None else list(model.metrics))


def practice_effects_direct(model, practice_id: str, metric_ids: Optional[Iterable[str]] = None) -> list[Effect]:
    """practice_effects, one `effect` at a time: the reference the fast path is tested against."""
    model = _model(model)
    p = model.records.practices[practice_id]
    mids = list(metric_ids) if metric_ids is not None else list(model.metrics)
    start = parse_month(p.period.start)
    out = []
    for u in p.units:
        for m in mids:
            if u not in model.records.units or m not in model.metrics:
                continue
            values = series(model, u, m).values
            w = practice_windows(start, values)
            if any(w.first <= month_index(k) <= w.last for k in values):  # figures near the start
                out.append(effect(model, practice_id, u, m))
    return out


def practice_metric_ids(model, practice_id: str) -> list[str]:
    """The metrics a practice is compared on: those its categories name
    (site_config/categories.yml `metrics`, in category order), else every metric."""
    model = _model(model)
    r = model.records
    chosen = [m for c in r.practices[practice_id].categories if c in r.categories
              for m in r.categories[c].metrics if m in model.metrics]
    return list(dict.fromkeys(chosen)) or list(model.metrics)


def headline(effects: Iterable[Effect], unit_id: Optional[str] = None) -> Optional[Effect]:
    """The first effect with an estimate (metrics in the practice's order),
    of `unit_id` when given."""
    return next((e for e in effects if e.status == "ok" and (unit_id is None or e.unit == unit_id)), None)


def lacks_comparison(effects: Iterable[Effect]) -> bool:
    """True when the practice has usable figures but not one comparison group."""
    effects = list(effects)
    return any(e.status == "no_group" for e in effects) and not any(e.status == "ok" for e in effects)
