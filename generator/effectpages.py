"""成效对照 pages: a practice's section (table, charts, CSV, the article's claims
beside the comparison), the headline estimates unit pages list, and the ranking
page under 统计; the maths is in stats.py (`effect` and below).

Every value is text ready to print; chart data goes to charts.py as kind "effect".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import effectstats, stats
from .model import Metric
from .stats import StatsModel, _model, series
from .statpages import MINUS, MISSING, _Built, _csv, _csv_number, _name, _sample, arrow_number, csv_cell


EFFECT_DIR = "charts/effects"
MAX_EFFECT_CHARTS = 4        # units with a chart; further units appear in the table only
MAX_EFFECT_PANELS = 3        # metrics drawn in one unit's chart
LEVEL_NAMES = {"parent": "同一上级", "grandparent": "同一地区", "site": "全站同类"}
SHORT_REASONS = {"before_short": "实施前", "after_short": "实施后"}
METHOD_NOTE = (f"比较本单位实施前 {stats.BEFORE_MONTHS} 个月与实施后（最多 {stats.AFTER_MONTHS} 个月）的月均值变化，"
               "减去同类可比单位同期的平均变化，得到“相对对照组的差异”。把每个单位都当作实施单位算一遍，"
               "本单位在 N 个单位中排第 k（k/N 越小，这样的差异越少见）。"
               "这是比较，不是证明：同期的其他因素也会让数字变化。")
PRETREND_NOTE = "实施前走势已不同，对照结论需谨慎"
WEAK_NOTE = f"可比单位少于 {stats.WEAK_N} 个，排名只是很弱的证据"
SAMPLE_NOTE = "样例数据"
NOT_PROOF = "对照只说明数字怎样变化、与谁相比，不能证明变化来自这项做法。"


def fmt_mean(v: Optional[float]) -> str:
    """A monthly mean: one decimal, a real minus sign."""
    return MISSING if v is None else f"{v:.1f}".replace("-", MINUS)


def fmt_signed_mean(v: Optional[float]) -> str:
    """A change of a monthly mean, shown as every change is (statpages.arrow_number)."""
    return arrow_number(v)


def _direction(e: stats.Effect, metric: Metric) -> str:
    """good | bad | flat: which way U moved against its group, honouring lower_is_better."""
    if round(e.estimate, 9) == 0:
        return "flat"
    return "good" if (e.estimate < 0) == metric.lower_is_better else "bad"


DIRECTION_WORDS = {"good": "向好", "bad": "变差", "flat": "持平"}


def _insufficient_text(e: stats.Effect) -> str:
    side = SHORT_REASONS[e.own.reason]
    n = e.own.n_before if e.own.reason == "before_short" else e.own.n_after
    span = stats.BEFORE_MONTHS if e.own.reason == "before_short" else e.windows.after_months
    if not span:
        return f"数据不足：{side}还没有数据（至少需要 {stats.MIN_MONTHS} 个月）"
    have = f"只有 {n} 个月有数据" if n else "都没有数据"
    return f"数据不足：{side} {span} 个月中{have}（至少需要 {stats.MIN_MONTHS} 个月）"


def effect_notes(e: stats.Effect, metric: Metric, sample: bool) -> list[str]:
    """Everything a reader must know beside one estimate, in words."""
    if e.status == "insufficient":
        return [_insufficient_text(e)]
    notes = []
    if e.status == "no_group":
        notes.append("无可比单位：同一上级、同一地区和全站的同类单位中，有足够数据的不足 "
                     f"{stats.MIN_GROUP} 个，只列本单位实施前后的变化")
    if e.excluded:
        notes.append(f"另有 {e.excluded} 个同类单位同期也在推行做法，未纳入对照")
    if e.windows.after_months < stats.AFTER_MONTHS:
        notes.append(f"实施后只有 {e.windows.after_months} 个月的数据")
    if e.own.before == 0:
        notes.append("实施前月均为 0，不计算百分比")
    elif e.tiny_base:
        notes.append(f"实施前月均不足 {stats.TINY_BASE:g} {metric.unit}，百分比波动很大")
    if e.weak:
        notes.append(WEAK_NOTE)
    if e.pretrend_differs:
        notes.append(PRETREND_NOTE)
    if sample:
        notes.append(SAMPLE_NOTE)
    return notes


def _percent_paren(p: Optional[float]) -> str:
    return "" if p is None else f"（{arrow_number(p, '%')}）"


def _unit_word(mt: Metric) -> str:
    """The unit after a difference: a rate moves by percentage points."""
    return "个百分点" if mt.unit == "%" else mt.unit


def effect_row(model: StatsModel, e: stats.Effect, sample: bool) -> dict:
    """One estimate as the texts of a table row and of the sentences about it."""
    mt = model.metrics[e.metric]
    own = e.own
    before_after = (MISSING if e.status == "insufficient" else
                    f"{fmt_mean(own.before)} → {fmt_mean(own.after)}{_percent_paren(own.percent)}")
    row = {"metric": f"{mt.name}（{mt.unit}）" if mt.aggregate == "mean" else f"{mt.name}（{mt.unit}/月）", "metric_name": mt.name, "unit": _name(model, e.unit),
           "before_after": before_after, "group": MISSING, "estimate": MISSING, "rank": MISSING,
           "level": None, "cls": "none", "notes": effect_notes(e, mt, sample), "status": e.status}
    if e.status == "ok":
        direction = _direction(e, mt)
        row.update({
            "group": f"{fmt_signed_mean(e.group_change)}（{LEVEL_NAMES[e.level]} {len(e.group)} 个单位）",
            "group_change": fmt_signed_mean(e.group_change),
            "group_where": f"{LEVEL_NAMES[e.level]} {len(e.group)} 个单位",
            "estimate": f"{fmt_signed_mean(e.estimate)} {_unit_word(mt)}{_percent_paren(e.estimate_percent)}",
            "rank": f"{e.rank}/{e.n}",
            "level": LEVEL_NAMES[e.level], "cls": direction,
            "sentence": (f"实施后{mt.name}月均由 {fmt_mean(own.before)} 变为 {fmt_mean(own.after)} {mt.unit}，"
                         f"{LEVEL_NAMES[e.level]}的 {len(e.group)} 个对照单位平均变化 "
                         f"{fmt_signed_mean(e.group_change)} {_unit_word(mt)}；相对对照组的差异为 "
                         f"{fmt_signed_mean(e.estimate)} {_unit_word(mt)}{_percent_paren(e.estimate_percent)}，"
                         f"{DIRECTION_WORDS[direction]}，在 {e.n} 个单位中排第 {e.rank}"),
        })
    elif e.status == "no_group":
        row["sentence"] = (f"实施后{mt.name}月均由 {fmt_mean(own.before)} 变为 {fmt_mean(own.after)} "
                           f"{mt.unit}，无可比单位")
    else:
        row["sentence"] = f"{mt.name}{_insufficient_text(e)}"
    return row


def _effect_chart(model: StatsModel, practice_id: str, unit_id: str, effects: list[stats.Effect],
                  sample: bool, rows_by_effect: dict, out: _Built) -> Optional[dict]:
    """One unit's chart (a panel a metric, indexed to the before mean = 100) and its CSV."""
    drawn = [e for e in effects if e.status == "ok" and e.own.before][:MAX_EFFECT_PANELS]
    if not drawn:
        return None
    w = drawn[0].windows
    keys = [stats.month_key(i) for i in range(w.before_first, w.after_last + 1)]
    name = _name(model, unit_id)
    svg = f"{EFFECT_DIR}/{practice_id}/{unit_id}.svg"
    csv_path = svg[:-4] + ".csv"
    panels, csv_columns = [], []
    labels = [f"{y}-{m:02d}" for y, m in keys]
    for e in drawn:
        mt = model.metrics[e.metric]
        own_vals = series(model, unit_id, e.metric).values
        own_idx = effectstats.window_index(model, unit_id, e.metric, w)
        group, low, high, counts = zip(*effectstats.effect_band(model, e, w))
        panels.append({"label": f"{mt.name}（{LEVEL_NAMES[e.level]} {len(e.group)} 个对照单位）",
                       "own": _rounded(own_idx), "group": _rounded(group),
                       "low": _rounded(low), "high": _rounded(high)})
        csv_columns.append((mt, [[_csv_number(own_vals.get(k)) for k in keys], _index_texts(own_idx),
                                 _index_texts(group), _index_texts(low), _index_texts(high),
                                 list(map(str, counts))]))
    # months since the practice started: the practice's start, the same for every metric
    start = drawn[0].windows.after_first if drawn[0].windows.after_months else w.after_first
    offsets = [str(i - start) for i in range(w.before_first, w.after_last + 1)]
    out.csvs[csv_path] = effect_csv(name, labels, offsets, csv_columns)
    out.figures.append((svg, "effect", {
        "title": f"{name} · 实施前后与对照组",
        "axis_label": "指数（实施前月均 = 100）",
        "months": labels, "start": w.after_first - w.before_first,
        "own_label": name, "group_label": "对照组平均", "band_label": "对照单位范围",
        "panels": panels, "sample": sample}))
    rows = [rows_by_effect[(e.unit, e.metric)] for e in drawn]   # level and sentence: the same for any `sample`
    alt = (f"{name}成效对照折线图（以实施前月均为 100，对照组：{rows[0]['level']}）："
           + "；".join(r["sentence"] for r in rows) + "。")
    return {"chart": svg, "alt": alt, "csv": csv_path, "csv_name": f"{name}-成效对照.csv", "unit": name}


EFFECT_CSV_COLUMNS = ("本单位数值", "本单位指数", "对照组平均指数", "对照组最低指数", "对照组最高指数", "对照单位数")


def effect_csv(name: str, labels: list[str], offsets: list[str],
               columns: list[tuple[Metric, list[list[str]]]]) -> str:
    """One unit's 成效对照 CSV: a row a month, the chart's metrics side by side
    (as its panels are), each metric's six columns headed by its name, e.g.
    `走访群众：本单位数值（人次）`. Every number of the chart is there once; the
    unit's name is on every row, so a saved file still says whose it is (#16:
    a row a month and metric repeated the unit and metric on every line, a
    third of the file)."""
    header = ["单位", "年月", "距实施（月）"]
    for mt, _ in columns:
        header += [f"{mt.name}：{EFFECT_CSV_COLUMNS[0]}（{mt.unit}）",
                   *(f"{mt.name}：{c}" for c in EFFECT_CSV_COLUMNS[1:])]
    name_cell = csv_cell(name)
    rows = [header]
    for i, (label, offset) in enumerate(zip(labels, offsets)):
        rows.append([name_cell, label, offset, *(col[i] for _, cols in columns for col in cols)])
    return _csv(rows, text_columns=())   # the one text cell is checked above


def _rounded(values) -> list[Optional[float]]:
    # chart data is hashed for the cache: rounding keeps float noise out of the key
    return [None if v is None else round(v, 4) for v in values]


def _index_texts(values) -> list[str]:
    return ["" if v is None else f"{v:.1f}" for v in values]


def _claim_direction(o) -> Optional[str]:
    """"down" / "up" / "flat" of an article's claimed change; None for a plain figure."""
    if o.change is None:
        return None
    return "down" if o.change < 0 else "up" if o.change > 0 else "flat"


def claim_metric(model: StatsModel, outcome) -> Optional[Metric]:
    """The metric an article's figure speaks of: its label contains the metric's
    name, or the reverse (可防性案件 ↔ 可防性案件); None when no metric matches."""
    return next((m for m in model.metrics.values() if m.name in outcome.label or outcome.label in m.name), None)


def _claims(model: StatsModel, practice, rows_by_metric: dict[str, dict]) -> list[dict]:
    """The article's own figures that match a metric, beside that metric's comparison."""
    out = []
    for o in practice.outcomes:
        metric = claim_metric(model, o)
        if metric is None:
            continue
        claimed = (f"{'同比' if o.yoy else ''}{'下降' if o.change < 0 else '上升' if o.change > 0 else '持平'}"
                   f" {abs(o.change):g}{o.unit}" if o.change is not None
                   else f"{o.value:g}{'余' if o.approximate else ''}{o.unit}")
        claim = {"label": o.label, "claim": claimed + (f"（{o.period}）" if o.period else ""),
                 "comparison": f"本单位实施前后没有{metric.name}数据", "agreement": "无法对照"}
        row = rows_by_metric.get(metric.id)
        if row is not None:
            claim["comparison"] = f"{row['metric_name']}：{row['estimate'] if row['status'] == 'ok' else row['notes'][0]}"
            direction = _claim_direction(o)
            if row["status"] != "ok":
                claim["agreement"] = "无法对照"
            elif direction is None:
                claim["agreement"] = "文章未给出变化方向"
            else:
                said_good = direction == "flat" or (direction == "down") == metric.lower_is_better
                agree = said_good == (row["cls"] in ("good", "flat"))
                claim["agreement"] = "方向一致" if agree else "方向不一致"
        out.append(claim)
    return out


@dataclass
class PracticeEffects:
    """The 成效对照 of one practice: its page section and the rows other pages list."""
    section: Optional[dict]
    headlines: dict[str, dict]     # unit id → {metric, estimate, rank, cls, notes}
    lacks_comparison: bool


def build_effects(model: StatsModel, practice_id: str, out: _Built) -> PracticeEffects:
    p = model.records.practices[practice_id]
    # the categories' metrics, then any metric the article's own figures speak of
    claimed = [m.id for o in p.outcomes if (m := claim_metric(model, o))]
    metric_ids = list(dict.fromkeys([*stats.practice_metric_ids(model, practice_id), *claimed]))
    effects = stats.practice_effects(model, practice_id, metric_ids)
    model._effects[("traced", practice_id)] = (metric_ids, effects)   # what it read: statsmemo's dependencies
    if not effects:
        return PracticeEffects(None, {}, False)
    units = list(dict.fromkeys(e.unit for e in effects))
    sample = _sample(model, {x for e in effects for x in (e.unit, *e.group)})
    rows = {(e.unit, e.metric): effect_row(model, e, _sample(model, (e.unit, *e.group))) for e in effects}
    multi = len(units) > 1
    # notes every row shares are said once, under the table
    common = [n for n in next(iter(rows.values()))["notes"] if all(n in r["notes"] for r in rows.values())] \
        if len(rows) > 1 else []
    # one comparison group for every row: named once, not in each row
    wheres = {r.get("group_where") for r in rows.values()}
    if len(rows) > 1 and len(wheres) == 1 and None not in wheres:
        common.insert(0, f"对照组为{wheres.pop()}")
        for r in rows.values():
            r["group"] = r["group_change"]
    own_notes = ["；".join(n for n in r["notes"] if n not in common) for r in rows.values()]
    notes_column = any(own_notes)
    header = [*(["单位"] if multi else []), "指标", "实施前 → 实施后（月均）", "对照组变化",
              "相对对照组的差异", "排名 k/N", *(["说明"] if notes_column else [])]
    estimate_col = header.index("相对对照组的差异")
    table_rows = [[*([r["unit"]] if multi else []), r["metric"], r["before_after"], r["group"], r["estimate"],
                   r["rank"], *([n or MISSING] if notes_column else [])] for r, n in zip(rows.values(), own_notes)]
    charts = [c for u in units[:MAX_EFFECT_CHARTS]
              if (c := _effect_chart(model, practice_id, u, [e for e in effects if e.unit == u], sample, rows, out))]
    first_unit_rows = {e.metric: rows[(e.unit, e.metric)] for e in effects if e.unit == units[0]}
    claims = _claims(model, p, first_unit_rows)
    windows = effects[0].windows
    after = windows.after_keys()
    period = (f"实施前 {_ym(windows.before_keys()[0])} 至 {_ym(windows.before_keys()[-1])}，"
              + (f"实施后 {_ym(after[0])} 至 {_ym(after[-1])}" if after else "实施后暂无数据"))
    headlines = {}
    for u in units:
        h = stats.headline(effects, u)
        if h:
            r = rows[(u, h.metric)]
            headlines[u] = {"metric": r["metric_name"], "estimate": r["estimate"], "rank": r["rank"],
                            "cls": r["cls"], "notes": r["notes"], "level": r["level"],
                            "percent": h.estimate_percent, "estimate_value": h.estimate,
                            "metric_id": h.metric, "n": h.n}
    section = {
        "title": "成效对照",
        "method": METHOD_NOTE,
        "not_proof": NOT_PROOF,
        "period": period if not multi else None,
        "is_sample": sample,
        "sample_note": model.records.site.sample_note if sample else None,
        "table": {"header": header, "rows": table_rows,
                  "cls": [[r["cls"] if i == estimate_col and r["cls"] != "none" else "" for i in range(len(header))]
                          for r in rows.values()]},   # the estimate coloured by the good direction
        "common_notes": "；".join(common) + "。" if common else None,
        "align": [*(["left"] if multi else []), "left", "right", "right", "right", "right", "left"][:len(header)],
        "charts": charts,
        "more_units": len(units) > MAX_EFFECT_CHARTS,
        "claims": {"header": ["文章所述指标", "文章所述", "统计对照（相对对照组的差异）", "方向"],
                   "rows": [[c["label"], c["claim"], c["comparison"], c["agreement"]]
                            for c in claims]} if claims else None,
        "claims_other": (f"文章另有 {len(p.outcomes) - len(claims)} 项数字在月度统计中没有对应的指标，见“工作成效”。"
                         if len(p.outcomes) > len(claims) else None),
        "claims_unit": _name(model, units[0]) if multi else None,
    }
    return PracticeEffects(section, headlines, stats.lacks_comparison(effects))


def _ym(k) -> str:
    return f"{k[0]} 年 {k[1]} 月"


def practice_effects_section(model, practice_id: str) -> Optional[dict]:
    """The 成效对照 section of a practice page, or None without statistics.

    Keys: title, method, not_proof, period (None for several units), is_sample,
    sample_note, table {header, rows}, common_notes (what every row shares, or
    None), align (per column), charts (list of {chart, alt, csv, csv_name,
    unit}), more_units, claims (None unless some of the article's figures match
    a metric, else a table {header, rows}: the figure beside the comparison of
    that metric), claims_other (a sentence on the figures matching no metric,
    or None), claims_unit (None unless several units)."""
    return build_effects(_model(model), practice_id, _Built({})).section


def effects_ranking(model, built: dict[str, PracticeEffects]) -> dict:
    """The 成效对照 page under 统计: for each headline metric, every practice × unit
    with an estimate, best first (percent of the before mean in the good
    direction; those without a percentage after, by the estimate itself)."""
    model = _model(model)
    by_metric: dict[str, list] = {}
    for pid, pe in built.items():
        for uid, h in pe.headlines.items():
            by_metric.setdefault(h["metric_id"], []).append((pid, uid, h))
    blocks = []
    for mid in [m for m in model.metrics if m in by_metric]:
        mt = model.metrics[mid]
        sign = 1 if mt.lower_is_better else -1

        def order(item):
            _pid, _uid, h = item
            pct = h["percent"]
            return (pct is None, sign * (pct if pct is not None else h["estimate_value"]), item[0], item[1])
        entries = sorted(by_metric[mid], key=order)
        blocks.append({"metric": f"{mt.name}（{mt.unit}/月）",
                       "direction": "数值越低越好" if mt.lower_is_better else "数值越高越好",
                       "rows": [{"place": str(i), "practice": pid, "unit": _name(model, uid),
                                 "estimate": h["estimate"], "rank": h["rank"], "n": str(h["n"]),
                                 "level": h["level"], "cls": h["cls"],
                                 "notes": "；".join(n for n in h["notes"] if n != SAMPLE_NOTE) or MISSING}
                                for i, (pid, uid, h) in enumerate(entries, 1)]})
    sample = any(SAMPLE_NOTE in h["notes"] for pe in built.values() for h in pe.headlines.values())
    return {"title": "成效对照", "method": METHOD_NOTE, "not_proof": NOT_PROOF,
            "is_sample": sample, "sample_note": model.records.site.sample_note if sample else None,
            "blocks": blocks,
            "without": sorted(pid for pid, pe in built.items() if pe.section and not pe.headlines)}
