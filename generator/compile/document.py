"""A compilation's content, once, for both writers.

Built from the validated records only (never raw YAML), with the same helpers
the site's practice pages use (`pages.outcome_text`, `pages.ancestors`,
`pages.paragraphs`), as plain text: each writer escapes for its own format
(HTML for the PDF, nothing for Word, which takes text runs).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from ..model import Practice, Records
from ..messages import KIND_NAMES
from ..pages import ancestors, outcome_text, paragraphs, plain
from .figures import Figure, FigureContext, practice_figures
from .selection import Selected

DEFAULT_TITLE = "经验汇编"


@dataclass
class PracticeDoc:
    id: str
    anchor: str                  # target of the 目录 link in the PDF
    title: str
    units: list[dict]            # {name, kind, place}: place = 省 市 (县) › bureau › …
    period: str
    categories: list[str]
    brand: str | None
    tags: list[str]
    summary: list[str]           # paragraphs
    measures: list[dict]         # {name, paragraphs}
    outcomes: list[dict]         # {label, figure, period}
    figures: list[Figure]
    sources: list[dict]          # {title, publisher, date, url}


@dataclass
class Compilation:
    title: str
    compiler: str
    date: str                    # 2024年6月15日
    iso_date: str                # 2024-06-15 (PDF metadata)
    filters: str
    practices: list[PracticeDoc] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.practices)


def build_date() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds), in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return datetime.fromtimestamp(time.time(), tz=timezone.utc).date()


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _unit(records: Records, uid: str) -> dict:
    u = records.units[uid]
    region = " ".join(x for x in (u.region.province, u.region.city, u.region.county) if x)
    chain = [a.name for a in ancestors(records.units, uid)]
    return {"name": u.name, "kind": KIND_NAMES[u.kind],
            "place": " › ".join([region, *chain]) if chain else region}


def practice_doc(records: Records, ctx: FigureContext, p: Practice, n: int) -> PracticeDoc:
    return PracticeDoc(
        id=p.id, anchor=f"p{n}-{p.id}", title=plain(p.title),
        units=[_unit(records, u) for u in p.units],
        period=f"{p.period.start} 至 {p.period.end}",
        categories=[records.categories[c].name for c in p.categories],
        brand=records.brands[p.brand].name if p.brand else None,
        tags=[plain(t) for t in p.tags],
        summary=paragraphs(p.summary),
        measures=[{"name": plain(m.name), "paragraphs": paragraphs(m.detail)} for m in p.measures],
        outcomes=[outcome_text(o) for o in p.outcomes],
        figures=practice_figures(ctx, p),
        sources=[{"title": plain(s.title), "publisher": plain(s.publisher), "date": s.date or "",
                  "url": s.url or ""} for s in p.sources],
    )


def build_compilation(records: Records, selected: Selected, title: str | None = None,
                      compiler: str | None = None, ctx: FigureContext | None = None) -> Compilation:
    ctx = ctx or FigureContext.build(records)
    day = build_date()
    return Compilation(
        title=plain(title) if title and title.strip() else DEFAULT_TITLE,
        compiler=plain(compiler) if compiler and compiler.strip() else plain(records.site.title),
        date=chinese_date(day), iso_date=day.isoformat(), filters=selected.filters,
        practices=[practice_doc(records, ctx, p, i) for i, p in enumerate(selected.practices, 1)])
