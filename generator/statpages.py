"""Statistics pages: the contexts, tables, CSV downloads and chart specifications
built from the maths in `stats.py`.

Every value a page shows is text ready to print ("—" when missing); templates
only place it. Nothing here draws (charts.py does) or writes files (the plugin
and `jingyan render` do).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .load import no_gc
from .model import Metric
from .stats import (MONTHS, Change, Group, Series, StatsModel, _model, comparable_through,
                    common_through, latest_year, mom, rank_units, ranking_metrics, region_name,
                    region_of, region_series, regions, reporters, series, units_with_stats,
                    verdict, yoy, ytd, ytd_yoy)

MISSING = "—"
MINUS = "\u2212"  # − : a real minus sign, as in print
KIND_NAMES = {"bureau": "公安局", "station": "派出所", "post": "警务室"}
DASHBOARD_TOP = 10  # the site-wide station ranking shows the best and worst N


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


def change_cell(c: Change, metric: Metric) -> tuple[str, str]:
    """A change in a table: its text and its colour class (good / bad / flat / ""),
    by `lower_is_better`, as on the 统计 page; `coloured` splits them apart."""
    return arrow_percent(c), verdict(c, metric) or ""


def coloured(header: list[str], rows: list[list]) -> dict:
    """A table whose change cells were given as change_cell pairs: the rows as
    text, and `cls`, the colour class of every cell ("" for none)."""
    text = [[cell[0] if isinstance(cell, tuple) else cell for cell in row] for row in rows]
    cls = [[cell[1] if isinstance(cell, tuple) else "" for cell in row] for row in rows]
    return {"header": header, "rows": text, "cls": cls}


def arrow_number(v: Optional[float], suffix: str = "", digits: int = 1) -> str:
    """A signed figure the same way: ↑0.2, ↓1.5%, →0.0; "—" for None."""
    if v is None:
        return MISSING
    text = f"{abs(v):.{digits}f}"
    direction = "flat" if float(text) == 0 else "up" if v > 0 else "down"
    return ARROWS[direction] + text + suffix


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


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet will not run: text led by = + - @ tab or CR (a unit
    named =HYPERLINK(...) would be a live formula in Excel) gets a leading
    apostrophe; numbers, negative ones included, stay numbers."""
    if text.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv(rows: list[list[str]], text_columns: Optional[Iterable[int]] = None) -> str:
    """CSV text, every cell through csv_cell; with `text_columns`, only those
    columns below the header (the others hold numbers we formatted ourselves,
    which csv_cell leaves as they are: thousands of chart CSVs skip the check)."""
    buf = io.StringIO()
    if text_columns is None:
        checked = [[csv_cell(c) for c in row] for row in rows]
    else:
        cols = list(text_columns)
        checked = [[csv_cell(c) for c in rows[0]]] if rows else []
        for row in rows[1:]:
            if cols:
                row = list(row)
                for i in cols:
                    row[i] = csv_cell(row[i])
            checked.append(row)
    csv.writer(buf, lineterminator="\r\n").writerows(checked)
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
                row += [fmt_value(s.get(prev, month), mt), change_cell(yoy(s, year, month), mt)]
        rows.append(row)
    through = max(sers[m].latest_month(year) or 0 for m in present)
    row = [f"1–{through} 月" if through > 1 else "1 月"]
    for mt in metrics:
        s = sers[mt.id]
        row.append(fmt_value(ytd(s, year, through), mt))
        if prev:
            c = ytd_yoy(s, year, through)
            row += [fmt_value(ytd(s, prev, through), mt), change_cell(c, mt)]
    rows.append(row)

    # summary: the latest month with 环比 and 同比, and the 累计 with its 同比
    summary_header = ["指标", f"{year} 年 {through} 月", "环比", "同比",
                      row[0], "累计同比"]
    summary = []
    for mt in metrics:
        s = sers[mt.id]
        summary.append([f"{mt.name}（{mt.unit}）", fmt_value(s.get(year, through), mt),
                        change_cell(mom(s, year, through), mt), change_cell(yoy(s, year, through), mt),
                        fmt_value(ytd(s, year, through), mt), change_cell(ytd_yoy(s, year, through), mt)])

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
    out.csvs[csv_path] = _csv(csv_rows, text_columns=(0,))

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
            "summary": coloured(summary_header, summary),
            "table": coloured(header, rows), "csv": csv_path,
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
            row += [fmt_value(c.current, mt), fmt_value(c.previous, mt), change_cell(c, mt)]
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
    out.csvs[csv_path] = _csv(csv_rows, text_columns=(1, 2, 3))
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
            "table": coloured(header, rows), "csv": csv_path,
            "csv_name": f"{owner_name}-{title}.csv", "note": note}


def _sample(model: StatsModel, units: Iterable[str]) -> bool:
    return not model.sample_units.isdisjoint(units)


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
                row += [fmt_value(c.current, model.metrics[m]), change_cell(c, model.metrics[m])]
            rows.append(row)
        region_table = coloured(header, rows)
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


# ------------------------------------------------------------------ the whole site

@dataclass
class SiteStats:
    """Everything the site shows of the statistics, computed in one pass."""
    sections: dict[str, dict]                  # unit id → unit_section context
    dashboard: Optional[dict]                  # the 统计 page, None without statistics
    figures: list[tuple[str, str, dict, str]]  # (svg path, kind, data, cache.data_digest) for charts.py
    csvs: dict[str, str]                       # download path → CSV text
    effects: dict[str, dict] = field(default_factory=dict)        # practice id → 成效对照 section (effectpages)
    unit_effects: dict[str, list[dict]] = field(default_factory=dict)  # unit id → its practices' headlines
    effects_page: Optional[dict] = None        # the 成效对照 page under 统计
    lacking: list[str] = field(default_factory=list)  # practices with figures but no comparison group
    memo: dict[str, int] = field(default_factory=dict)  # statsmemo: sections reused / computed


def site_stats(model, memo_dir: Optional[Path] = None, meanwhile: Optional[Callable[[], None]] = None) -> SiteStats:
    """Every unit section, the dashboard, the 成效对照 sections and page, and the
    charts and CSVs they refer to. With `memo_dir`, unit sections and 成效对照
    unchanged since the last build are reused (statsmemo.py). `meanwhile()`:
    the caller's work that needs no statistics, done while a forked process
    checks and computes what changed (or first, where nothing is forked)."""
    with no_gc():   # many small objects, no cycles: automatic collections would re-walk the records each time
        return _site_stats(_model(model), memo_dir, meanwhile)


def _site_stats(model: StatsModel, memo_dir: Optional[Path] = None,
                meanwhile: Optional[Callable[[], None]] = None) -> SiteStats:
    from . import effectpages   # it builds on this module's helpers
    from .statsmemo import StatsMemo
    memo = StatsMemo(model, memo_dir)
    ids = section_units(model)
    pids = sorted(model.records.practices) if ids else []
    # the dashboard (one long job) in this process; the forked one is better
    # spent on the many 成效对照, which share their panels
    entries = [memo.dashboard_entry(_build_dashboard)] if ids else []
    entries += [memo.unit_entry(u, _build_unit) for u in ids]
    entries += [memo.practice_entry(pid, effectpages.build_effects) for pid in pids]
    values = memo.settle(entries, meanwhile, here=1)
    units = {u: b for u, b in zip(ids, values[1:]) if b}
    built = [*units.values(), values[0]] if ids else []
    effects_out = _Built({})
    effects = {}
    for pid, (pe, b) in zip(pids, values[1 + len(ids):]):
        effects[pid] = pe
        effects_out.figures += b.figures
        effects_out.csvs.update(b.csvs)
    memo.keep_series()
    memo.save()
    unit_effects: dict[str, list[dict]] = {}
    for pid, pe in effects.items():
        for uid, h in pe.headlines.items():
            unit_effects.setdefault(uid, []).append({"practice": pid, **h})
    with_sections = {pid: pe.section for pid, pe in effects.items() if pe.section}
    built.append(effects_out)
    return SiteStats(sections={u: b.context for u, b in units.items()},
                     dashboard=built[-2].context if units else None,
                     figures=[f for b in built for f in b.figures],
                     csvs={k: v for b in built for k, v in b.csvs.items()},
                     effects=with_sections, unit_effects=unit_effects,
                     effects_page=effectpages.effects_ranking(model, effects) if with_sections else None,
                     lacking=[pid for pid, pe in effects.items() if pe.lacks_comparison],
                     memo=memo.counts())


def chart_figures(model) -> list[tuple[str, str, dict, str]]:
    """(svg path, kind, data, digest) of every chart the statistics pages refer to;
    `charts.plan_charts` turns them into ChartSpecs."""
    return site_stats(model).figures


def csv_files(model) -> dict[str, str]:
    """Relative path → CSV text (UTF-8 with BOM, Chinese header) of every download link."""
    return site_stats(model).csvs
