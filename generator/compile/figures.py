"""The charts and tables a practice shows in a compilation, and where new kinds plug in.

A *figure source* is a function `(FigureContext, Practice) -> list[Figure]`.
The sources in `SOURCES` are asked in order and the first that returns
figures wins, so a better account of a practice's effect replaces the
fallback rather than adding to it:

    from generator.compile import figures
    figures.register(another_source)     # tried before those already there

The practice's 成效对照 (`comparison_figures`) comes first; when it has nothing
for a practice (no statistics around its start, too few months), the practice
shows the trend charts of its units' monthly statistics (`trend_figures`), as
the unit pages do. A Figure
carries a `charts.ChartSpec`, so every writer draws it the same way: SVG
(vector) for the PDF, high-resolution PNG for Word.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import statpages, stats
from ..charts import ChartSpec
from ..model import Practice, Records


@dataclass
class Figure:
    title: str                      # heading above the chart
    chart: ChartSpec | None         # None: a table without a chart
    alt: str                        # the chart in words (PDF alt text, Word description)
    table: dict | None = None       # {"header": [...], "rows": [[...], ...]}, text ready to print
    notes: list[str] = field(default_factory=list)
    kind: str = "trend"             # "trend" | "comparison" | a source's own name


@dataclass
class FigureContext:
    """What figure sources may use: the validated records and the statistics
    computed once for the whole compilation (the same as the site's)."""
    records: Records
    model: stats.StatsModel
    site: statpages.SiteStats
    specs: dict[str, ChartSpec]          # chart path → the chart, as the site plans it

    @classmethod
    def build(cls, records: Records) -> "FigureContext":
        model = stats.build(records)
        site = statpages.site_stats(model)
        return cls(records, model, site, {f[0]: ChartSpec(*f) for f in site.figures})


FigureSource = Callable[[FigureContext, Practice], "list[Figure]"]


MAX_UNITS = 3   # units whose charts a practice shows (a county-wide practice lists a dozen)


def shown_units(ctx: FigureContext, practice: Practice) -> list[str]:
    """The practice's units that have statistics, minus those whose superior is
    also listed (its section already sums them up), at most MAX_UNITS."""
    units = ctx.records.units
    with_stats = [u for u in dict.fromkeys(practice.units) if u in ctx.site.sections]

    def covered(uid: str) -> bool:
        cur, seen = units[uid].parent, 0
        while cur and cur in units and seen < 32:
            if cur in with_stats:
                return True
            cur, seen = units[cur].parent, seen + 1
        return False
    return [u for u in with_stats if not covered(u)][:MAX_UNITS]


def trend_figures(ctx: FigureContext, practice: Practice) -> list[Figure]:
    """Each unit's metric-group charts with their summary table (latest month,
    环比, 同比, 累计): the unit page's statistics, minus the monthly table."""
    out = []
    for uid in shown_units(ctx, practice):
        section = ctx.site.sections[uid]
        name = ctx.records.units[uid].name
        for block in section["charts"]:
            notes = list(block["notes"])
            if section["scope_note"]:
                notes.insert(0, section["scope_note"])
            if section["is_sample"]:
                notes.insert(0, section["sample_note"])
            out.append(Figure(f"{name} · {block['title']}", ctx.specs[block["chart"]],
                              block["alt"], block["summary"], notes, "trend"))
    return out


def comparison_figures(ctx: FigureContext, practice: Practice) -> list[Figure]:
    """The practice page's 成效对照 (effectpages): one indexed chart per unit, the
    comparison table with the first, and the notes that keep it honest."""
    section = ctx.site.effects.get(practice.id)
    if not section or not section["charts"]:
        return []
    notes = [n for n in (section["sample_note"], section["period"], section["common_notes"],
                         section["method"], section["not_proof"]) if n]
    out = []
    for i, chart in enumerate(section["charts"]):
        out.append(Figure(f"{chart['unit']} · 成效对照", ctx.specs[chart["chart"]], chart["alt"],
                          section["table"] if i == 0 else None, notes if i == 0 else [], "comparison"))
    return out


SOURCES: list[FigureSource] = [comparison_figures, trend_figures]


def register(source: FigureSource) -> None:
    """Ask `source` before the sources already registered (the trend fallback last)."""
    if source not in SOURCES:
        SOURCES.insert(0, source)


def practice_figures(ctx: FigureContext, practice: Practice) -> list[Figure]:
    for source in SOURCES:
        found = source(ctx, practice)
        if found:
            return found
    return []
