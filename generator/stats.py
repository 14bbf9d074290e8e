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


def combine(values: list[float], how: str) -> float:
    """Sum or unweighted mean, as `Metric.aggregate` says."""
    return sum(values) / len(values) if how == "mean" else sum(values)


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
    years: dict[int, set[str]] = {}
    for u, vals in data.items():
        for (y, _m) in vals:
            years.setdefault(y, set()).add(u)
    values: dict[Key, float] = {}
    partial = set()
    for y, us in years.items():
        us = sorted(us)
        for m in MONTHS:
            got = [data[u][(y, m)] for u in us if (y, m) in data[u]]
            if len(got) == len(us):
                values[(y, m)] = combine(got, metric.aggregate)
            elif got:
                partial.add((y, m))
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
    best, best_n = None, 0
    for m in range(12, 0, -1):
        n = sum(ytd_yoy(series(model, u, k), year, m).percent is not None
                for u in unit_ids for k in metric_ids)
        if n > best_n:
            best, best_n = m, n
    return best


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
