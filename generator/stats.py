"""Monthly statistics: series, changes, roll-ups, rankings and page contexts.

Pure functions over the validated `Records`; no matplotlib, no files. Build
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

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

from .model import Metric, Records, Unit

Key = tuple[int, int]  # (year, month)
MONTHS = tuple(range(1, 13))
MISSING = "—"
MINUS = "\u2212"  # − : a real minus sign, as in print
KIND_NAMES = {"bureau": "公安局", "station": "派出所", "post": "警务室"}
MAX_RANKING_METRICS = 3
DASHBOARD_TOP = 10  # the site-wide station ranking shows the best and worst N


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


# ------------------------------------------------------------------ formatting

def _is_whole(v: float) -> bool:
    # the first two tests answer most figures cheaply; the last forgives float noise
    return isinstance(v, int) or v.is_integer() or abs(v - round(v)) < 1e-9


def fmt_value(v: Optional[float], metric: Optional[Metric] = None) -> str:
    """A figure as text: whole numbers as such, averages and fractions with one decimal."""
    if v is None:
        return MISSING
    if (metric is None or metric.aggregate != "mean") and _is_whole(v):
        return str(round(v))
    return f"{v:.1f}".replace("-", MINUS)


def fmt_signed(v: Optional[float], metric: Optional[Metric] = None) -> str:
    if v is None:
        return MISSING
    text = fmt_value(abs(v), metric)
    return text if text in ("0", "0.0") else ("+" if v > 0 else MINUS) + text


def fmt_percent(p: Optional[float]) -> str:
    """+12.3% / −35.1% / 0.0%; "—" when there is no percentage."""
    if p is None:
        return MISSING
    text = f"{abs(p):.1f}%"
    return text if text == "0.0%" else ("+" if p > 0 else MINUS) + text


ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
REASONS = {"missing": "缺少可比数据", "basis": "报送单位不同，不可比", "zero_base": "上年同期为 0"}


def change_view(c: Change, metric: Metric) -> dict:
    """Everything a page shows about one change, as text."""
    direction = None if c.absolute is None else (
        "flat" if c.absolute == 0 else "up" if c.absolute > 0 else "down")
    if c.percent is not None:
        words = {"up": "上升", "down": "下降", "flat": "持平"}[direction]
        label = "持平" if direction == "flat" else f"{words} {fmt_percent(abs(c.percent)).lstrip('+')}"
    elif c.absolute is not None:
        label = f"{REASONS['zero_base']}，{'增加' if c.absolute > 0 else '减少' if c.absolute < 0 else '持平'}" \
                + (f" {fmt_value(abs(c.absolute), metric)} {metric.unit}" if c.absolute else "")
    else:
        label = REASONS.get(c.reason or "missing", REASONS["missing"])
    return {
        "value": fmt_value(c.current, metric),
        "previous": fmt_value(c.previous, metric),
        "absolute": fmt_signed(c.absolute, metric),
        "percent": fmt_percent(c.percent),
        "arrow": ARROWS.get(direction, ""),
        "text": arrow_percent(c),              # the change as every page prints it
        "cls": verdict(c, metric) or "none",   # good | bad | flat | none
        "label": label,
    }


def arrow_percent(c: Change) -> str:
    """A change as arrow + size, e.g. ↓25.0%, ↑3.1%, →0.0%; "—" without a percentage.
    The one way every page and table shows a change (同比, 环比, 累计同比): the
    arrow is the sign, so colour (change_view's "cls") is never the only signal."""
    if c.percent is None:
        return MISSING
    direction = "flat" if c.absolute == 0 else "up" if c.absolute > 0 else "down"
    return ARROWS[direction] + fmt_percent(abs(c.percent)).lstrip("+")


def period_text(year: int, through: Optional[int]) -> str:
    if not through:
        return f"{year} 年"
    return f"{year} 年 1 月" if through == 1 else f"{year} 年 1–{through} 月"


# ------------------------------------------------------------------ page contexts

def unit_chart_dir(unit_id: str) -> str:
    return f"charts/units/{unit_id}"


OVERVIEW_DIR = "charts/overview"


@dataclass
class _Built:
    """A section's page context plus what charts.py and csv_files need."""
    context: dict
    figures: list[tuple[str, str, dict]] = field(default_factory=list)  # (svg path, kind, data)
    csvs: dict[str, str] = field(default_factory=dict)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buf.getvalue()   # BOM: Excel opens UTF-8 as such


def _csv_number(v: Optional[float]) -> str:
    if v is None:
        return ""
    return str(round(v)) if _is_whole(v) else f"{v:.4g}" if abs(v) < 1e4 else f"{v:.2f}"


def _metric_header(metric: Metric) -> str:
    return f"{metric.name}（{metric.unit}）"


def _month_list(s: Series, year: Optional[int]) -> Optional[list[Optional[float]]]:
    return None if year is None else [s.get(year, m) for m in MONTHS]


def _group_block(model: StatsModel, title_name: str, group: Group,
                 sers: dict[str, Series], chart_dir: str, sample: bool, out: _Built) -> Optional[dict]:
    """One metric group's chart, table and CSV for a unit, region or the whole site."""
    present = [m for m in group.metrics if sers[m].values]
    if not present:
        return None
    year = max(y for m in present for (y, _) in sers[m].values)
    prev = year - 1 if any(year - 1 in sers[m].basis for m in present) else None
    metrics = [model.metrics[m] for m in present]
    svg, csv_path = f"{chart_dir}/{group.slug}.svg", f"{chart_dir}/{group.slug}.csv"

    if prev:
        alt = f"{title_name} {year} 年与 {prev} 年{group.name}指标逐月对比折线图"
    else:
        alt = f"{title_name} {year} 年{group.name}指标逐月折线图（无 {year - 1} 年数据可比）"

    # table: a row a month, then 1..M; per metric this year, last year, 同比
    header = ["月份"]
    for mt in metrics:
        header += [f"{mt.name} {year}", *( [f"{mt.name} {prev}", "同比"] if prev else [])]
    rows = []
    for month in MONTHS:
        row = [f"{month} 月"]
        for mt in metrics:
            s = sers[mt.id]
            row.append(fmt_value(s.get(year, month), mt))
            if prev:
                row += [fmt_value(s.get(prev, month), mt), arrow_percent(yoy(s, year, month))]
        rows.append(row)
    through = max(sers[m].latest_month(year) or 0 for m in present)
    row = [f"1–{through} 月" if through > 1 else "1 月"]
    for mt in metrics:
        s = sers[mt.id]
        row.append(fmt_value(ytd(s, year, through), mt))
        if prev:
            c = ytd_yoy(s, year, through)
            row += [fmt_value(ytd(s, prev, through), mt), arrow_percent(c)]
    rows.append(row)

    # summary: the latest month with 环比 and 同比, and the 累计 with its 同比
    summary_header = ["指标", f"{year} 年 {through} 月", "环比", "同比",
                      row[0], "累计同比"]
    summary = []
    for mt in metrics:
        s = sers[mt.id]
        summary.append([f"{mt.name}（{mt.unit}）", fmt_value(s.get(year, through), mt),
                        arrow_percent(mom(s, year, through)), arrow_percent(yoy(s, year, through)),
                        fmt_value(ytd(s, year, through), mt), arrow_percent(ytd_yoy(s, year, through))])

    notes = []
    means = [mt.name for mt in metrics if mt.aggregate == "mean"]
    sums = [mt.name for mt in metrics if mt.aggregate != "mean"]
    if means:
        notes.append(f"“{row[0]}”一行：{'、'.join(means)}为月平均值" + ("，其余为合计。" if sums else "。"))
    for mt in metrics:
        s = sers[mt.id]
        gaps = sorted(k for k in s.partial if k[0] in (year, prev))
        if gaps:
            notes.append(f"{mt.name}：" + "、".join(f"{y} 年 {m} 月" for y, m in gaps)
                         + "部分单位未报送，合计从缺。")
        if prev and prev in s.basis and year in s.basis and s.basis[prev] != s.basis[year]:
            notes.append(f"{mt.name}：{prev} 年与 {year} 年报送数据的单位不同，不计算同比。")

    # CSV: every month of every year, this group's metrics
    years = sorted({y for m in present for y in sers[m].years})
    csv_rows = [["单位", "年份", "月份", *[_metric_header(mt) for mt in metrics]]]
    for y in years:
        for month in MONTHS:
            csv_rows.append([title_name, str(y), str(month),
                             *[_csv_number(sers[mt.id].get(y, month)) for mt in metrics]])
    out.csvs[csv_path] = _csv(csv_rows)

    panels: list[dict] = []
    for i, mt in enumerate(metrics):
        panel = next((p for p in panels if p["unit"] == mt.unit), None)
        if panel is None:
            panel = {"unit": mt.unit, "mean": False, "lines": []}
            panels.append(panel)
        panel["mean"] = panel["mean"] or mt.aggregate == "mean"
        panel["lines"].append({"label": mt.name, "colour": list(group.metrics).index(mt.id),
                               "current": _month_list(sers[mt.id], year),
                               "previous": _month_list(sers[mt.id], prev)})
    out.figures.append((svg, "trend", {
        "title": f"{title_name} · {group.name}",
        "subtitle": f"{year} 年与 {prev} 年逐月对比" if prev else f"{year} 年逐月",
        "year": year, "previous_year": prev, "panels": panels, "sample": sample}))
    return {"title": group.name, "slug": group.slug, "chart": svg, "alt": alt,
            "summary": {"header": summary_header, "rows": summary},
            "table": {"header": header, "rows": rows}, "csv": csv_path,
            "csv_name": f"{title_name}-{group.name}.csv", "notes": notes,
            "year": year, "previous_year": prev}


def _name(model: StatsModel, unit_id: str) -> str:
    return model.unit(unit_id).name


def _ranking_block(model: StatsModel, owner_name: str, unit_ids: list[str], svg: str,
                   title: str, sample: bool, out: _Built, top: Optional[int] = None) -> Optional[dict]:
    """A ranking chart + table of `unit_ids` by 同比 of the ranking metrics."""
    mids = ranking_metrics(model)
    if len(unit_ids) < 2 or not mids:
        return None
    year = latest_year(model, unit_ids, mids)
    if year is None:
        return None
    through = common_through(model, unit_ids, mids, year)
    if through is None:
        return None
    rankings = [rank_units(model, unit_ids, m, year, through) for m in mids]
    first = rankings[0]
    if not any(e.rank for r in rankings for e in r.entries):
        return None
    order = [e.unit for e in first.entries]
    shown = order
    note = None
    if top and len(order) > 2 * top:
        ranked = [e.unit for e in first.entries if e.rank]
        shown = ranked[:top] + ranked[-top:] if len(ranked) > 2 * top else ranked
        note = f"共 {len(order)} 个单位，{len(ranked)} 个可比；图表和表格列出同比变化最好的 {top} 个和最差的 {top} 个。"
    by = [{e.unit: e for e in r.entries} for r in rankings]
    metrics = [model.metrics[m] for m in mids]
    period = period_text(year, through)
    header = ["名次", "单位"]
    for mt in metrics:
        header += [f"{mt.name}（{mt.unit}）", f"{year - 1} 年同期", "同比"]
    rows = []
    for u in shown:
        e0 = by[0][u]
        row = [str(e0.rank) if e0.rank else MISSING, _name(model, u)]
        for mt, b in zip(metrics, by):
            c = b[u].change
            row += [fmt_value(c.current, mt), fmt_value(c.previous, mt), arrow_percent(c)]
        rows.append(row)
    csv_rows = [["名次", "单位", "单位编号", "统计期",
                 *[h for mt in metrics for h in (_metric_header(mt), f"{mt.name}上年同期", f"{mt.name}同比（%）")]]]
    for u in order:
        e0 = by[0][u]
        row = [str(e0.rank or ""), _name(model, u), u, period]
        for b in by:
            c = b[u].change
            row += [_csv_number(c.current), _csv_number(c.previous),
                    "" if c.percent is None else f"{c.percent:.1f}"]
        csv_rows.append(row)
    csv_path = svg[:-4] + ".csv"
    out.csvs[csv_path] = _csv(csv_rows)
    names = "、".join(mt.name for mt in metrics)
    order_by = "降幅" if metrics[0].lower_is_better else "增幅"
    alt = (f"{owner_name}{title}条形图：{period}{names}累计同比变化，"
           f"按{metrics[0].name}{order_by}从大到小排列")
    out.figures.append((svg, "ranking", {
        "title": f"{owner_name} · {title}",
        "subtitle": f"{period}累计，同比变化",
        "units": [_name(model, u) for u in shown],
        "panels": [{"label": mt.name,
                    "values": [b[u].change.percent for u in shown],
                    "verdicts": [b[u].verdict if b[u].change.percent is not None else None for u in shown]}
                   for mt, b in zip(metrics, by)],
        "sample": sample}))
    return {"title": title, "chart": svg, "alt": alt, "period": period,
            "table": {"header": header, "rows": rows}, "csv": csv_path,
            "csv_name": f"{owner_name}-{title}.csv", "note": note}


def _sample(model: StatsModel, units: Iterable[str]) -> bool:
    return any(u in model.sample_units for u in units)


def _build_unit(model: StatsModel, unit_id: str) -> Optional[_Built]:
    if unit_id not in model.records.units:
        return None
    sers = {m: series(model, unit_id, m) for m in model.metrics}
    rep = frozenset().union(*(reporters(model, unit_id, m) for m in model.metrics))
    if not rep:
        return None
    unit = model.unit(unit_id)
    sample = _sample(model, rep)
    out = _Built({})
    chart_dir = unit_chart_dir(unit_id)
    blocks = [b for g in model.groups
              if (b := _group_block(model, unit.name, g, sers, chart_dir, sample, out))]
    kids = units_with_stats(model, model.children.get(unit_id, []))
    ranking = _ranking_block(model, unit.name, kids, f"{chart_dir}/ranking.svg",
                             "下属单位同比变化排名", sample, out)
    rolled = rep != {unit_id}
    scope = None
    if rolled:
        scope = (f"本节数据由 {len(rep - {unit_id})} 个下属单位的月度数据汇总而成："
                 "数量类指标相加，比率类指标取各单位的平均值；某月只有部分单位报送时，该月合计从缺。")
    out.context = {
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind,
                 "kind_name": KIND_NAMES.get(unit.kind, unit.kind)},
        "title": "月度统计",
        "is_sample": sample,
        "sample_note": model.records.site.sample_note if sample else None,
        "scope_note": scope,
        "charts": blocks,
        "ranking": ranking,
    }
    return out


def unit_section(model, unit_id: str) -> Optional[dict]:
    """The statistics section of one unit's page, or None when neither the unit
    nor its sub-units have statistics.

    Keys: unit {id, name, kind, kind_name}, title, is_sample, sample_note
    (None unless sample), scope_note (None unless rolled up), charts (list of
    blocks, one a metric group: title, slug, chart, alt, summary {header, rows}
    (latest month, 环比, 同比, 累计, 累计同比), table {header, rows} (a row a
    month, then the 累计 row), csv, csv_name, notes, year, previous_year),
    ranking (None or: title, chart, alt, period, table, csv, csv_name, note).
    Every value is text ready to print ("—" when missing); paths are
    relative to the site root.
    """
    built = _build_unit(_model(model), unit_id)
    return built.context if built else None


def section_units(model) -> list[str]:
    """Ids of every unit that has a statistics section."""
    model = _model(model)
    return [u for u in sorted(model.records.units) if any(reporters(model, u, m) for m in model.metrics)]


def _scope_name(model: StatsModel) -> str:
    units = [model.unit(u) for u in section_units(model)]
    cities = {region_of(u) for u in units}
    if len(cities) == 1:
        return region_name(next(iter(cities)))
    provinces = {region_of(u, "province") for u in units}
    return region_name(next(iter(provinces))) if len(provinces) == 1 else "全部地区"


def _build_dashboard(model: StatsModel) -> _Built:
    out = _Built({})
    with_stats = section_units(model)
    scope = _scope_name(model)
    sers = {m: region_series(model, None, m) for m in model.metrics}
    rep = frozenset().union(*(s.basis[y] for s in sers.values() for y in s.basis))
    sample = _sample(model, rep)
    blocks = [b for g in model.groups
              if (b := _group_block(model, f"{scope}合计", g, sers, OVERVIEW_DIR, sample, out))]
    year = max((y for s in sers.values() for y in s.years), default=None)
    headline = []
    if year:
        for m, mt in model.metrics.items():
            s = sers[m]
            through = comparable_through(s, year) or s.latest_month(year)
            if not through:
                continue
            c = ytd_yoy(s, year, through)
            headline.append({"metric": mt.name, "unit": mt.unit, "period": period_text(year, through),
                             **change_view(c, mt)})
    units = model.records.units
    leaf_bureaus = [u for u in with_stats if units[u].kind == "bureau"
                    and not any(units[c].kind == "bureau" for c in units_with_stats(model, model.children.get(u, [])))]
    stations = [u for u in with_stats if units[u].kind == "station"]
    rankings = [b for b in (
        _ranking_block(model, scope, leaf_bureaus, f"{OVERVIEW_DIR}/ranking-bureaus.svg",
                       "各公安局同比变化排名", sample, out),
        _ranking_block(model, scope, stations, f"{OVERVIEW_DIR}/ranking-stations.svg",
                       "各派出所同比变化排名", sample, out, top=DASHBOARD_TOP)) if b]
    region_table = None
    cities = regions(model)
    if len(cities) > 1 and year:
        mids = ranking_metrics(model)
        header = ["地区", *[h for m in mids for h in (_metric_header(model.metrics[m]), "同比")]]
        rows = []
        for r in cities:
            row = [region_name(r)]
            for m in mids:
                s = region_series(model, r, m)
                c = ytd_yoy(s, year, comparable_through(s, year) or s.latest_month(year))
                row += [fmt_value(c.current, model.metrics[m]), arrow_percent(c)]
            rows.append(row)
        region_table = {"header": header, "rows": rows}
    out.context = {
        "title": "统计",
        "scope": scope,
        "year": year,
        "is_sample": sample,
        "sample_note": model.records.site.sample_note if sample else None,
        "unit_count": len([u for u in with_stats if units[u].kind in ("station", "post")]),
        "headline": headline,
        "charts": blocks,
        "rankings": rankings,
        "regions": region_table,
    }
    return out


def dashboard(model) -> dict:
    """The 统计 page: keys title, scope (region name), year, is_sample, sample_note,
    unit_count, headline (list of {metric, unit, period, value, previous,
    absolute, percent, arrow, cls, label}), charts (group blocks as in
    unit_section, paths under charts/overview/), rankings (list of ranking
    blocks: bureaus, stations), regions (None or table {header, rows})."""
    return _build_dashboard(_model(model)).context


@dataclass
class SiteStats:
    """Everything the site shows of the statistics, computed in one pass."""
    sections: dict[str, dict]                  # unit id → unit_section context
    dashboard: Optional[dict]                  # the 统计 page, None without statistics
    figures: list[tuple[str, str, dict]]       # (svg path, kind, data) for charts.py
    csvs: dict[str, str]                       # download path → CSV text


def site_stats(model) -> SiteStats:
    """Every unit section, the dashboard, and the charts and CSVs they refer to."""
    model = _model(model)
    units = {u: b for u in section_units(model) if (b := _build_unit(model, u))}
    built = [*units.values(), _build_dashboard(model)] if units else []
    return SiteStats(sections={u: b.context for u, b in units.items()},
                     dashboard=built[-1].context if built else None,
                     figures=[f for b in built for f in b.figures],
                     csvs={k: v for b in built for k, v in b.csvs.items()})


def chart_figures(model) -> list[tuple[str, str, dict]]:
    """(svg path, kind, data) of every chart that unit_section and dashboard refer to;
    `charts.plan_charts` turns them into ChartSpecs."""
    return site_stats(model).figures


def csv_files(model) -> dict[str, str]:
    """Relative path → CSV text (UTF-8 with BOM, Chinese header) of every download link."""
    return site_stats(model).csvs
