"""The header of a statistics sheet and what it says (stats_table.py reads the rows).

Which column holds the unit, the year, the month or which metric; a second header
row under group cells; the year or month from the title, sheet name or file name
when no column gives it; and the units × months cross-tab, one metric a sheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import messages as IM
from .stats_cells import (EMPTY, IGNORED_HEADERS, MONTH_HEADERS, UNIT_HEADER_RE, UNIT_HEADERS,
                          YEAR_HEADERS, YEARMONTH_HEADERS, cell_text, is_total, month_in, month_label,
                          norm_header, parse_year_month, year_in)
from .stats_read import Sheet, col_name


@dataclass
class Layout:
    """What the header says: where each role is and which metric each column holds."""
    roles: dict[str, int] = field(default_factory=dict)
    metric_cols: dict[int, dict] = field(default_factory=dict)
    unknown: dict[int, str] = field(default_factory=dict)   # column → heading, not a metric (yet)
    totals: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unit: str | None = None          # one unit for the whole sheet (named after it)
    year: int | None = None          # from the title / sheet name / file name
    month: int | None = None
    crosstab: dict[int, int] = field(default_factory=dict)  # column → month
    crosstab_metric: dict | None = None
    year_missing_told: bool = False


class HeaderReader:
    """Header methods of TableReader; they use its by_header, index, problem and note."""

    # -- headings
    def metric(self, h: str) -> dict | None:
        return self.by_header.get(h) or self.by_header.get(h.lower())

    def role(self, h: str) -> str | None:
        low = h.lower()
        if low in UNIT_HEADERS or UNIT_HEADER_RE.match(h):
            return "unit"
        for role, names in (("year", YEAR_HEADERS), ("month", MONTH_HEADERS),
                            ("yearmonth", YEARMONTH_HEADERS)):
            if low in names:
                return role
        return None

    def known(self, h: str) -> bool:
        return bool(h) and (self.role(h) is not None or self.metric(h) is not None)

    def is_header(self, row: list) -> bool:
        heads = [norm_header(v) for v, _ in row]
        n = sum(1 for h in heads if self.known(h))
        months = sum(1 for v, _ in row if month_label(v))
        return n >= 2 or (n >= 1 and months >= 2 and any(self.role(h) == "unit" for h in heads))

    def combine(self, upper: list, lower: list) -> list | None:
        """The row under the header is a second header row when it names known columns
        where the header has none (group cells above), and holds no numbers."""
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v, _ in lower):
            return None
        up = [norm_header(v) for v, _ in upper]
        low = [norm_header(v) for v, _ in lower]
        if not any(self.known(h) and not self.known(up[c] if c < len(up) else "")
                   for c, h in enumerate(low)):
            return None
        out = []
        for c in range(max(len(upper), len(lower))):
            u = upper[c] if c < len(upper) else EMPTY
            lo = lower[c] if c < len(lower) else EMPTY
            hl, hu = norm_header(lo[0]), norm_header(u[0])
            out.append(lo if self.known(hl) or (hl and not self.known(hu)) else u)
        return out

    def fill_from_above(self, upper: list, header: list) -> list:
        """Known column names of the row above, where the header row is empty."""
        out = list(header) + [EMPTY] * max(0, len(upper) - len(header))
        for c, (value, fmt) in enumerate(upper):
            if not cell_text(out[c][0]) and self.role(norm_header(value)):
                out[c] = (value, fmt)
        return out

    def layout(self, sheet: Sheet, hr: int, header_row: list, title: str) -> Layout | None:
        lay = Layout()
        seen_metric: dict[str, int] = {}
        bad = False
        for c, (value, _) in enumerate(header_row):
            h = norm_header(value)
            if not h or h.lower() in IGNORED_HEADERS:
                continue
            role = self.role(h)
            if role and role not in lay.roles:
                lay.roles[role] = c
                continue
            m = self.metric(h)
            month = month_label(value)
            if m is None and month:
                lay.crosstab[c] = month
            elif m is None and is_total(h):
                lay.totals.append(cell_text(value))
            elif m is None:
                lay.unknown[c] = cell_text(value)
            elif m["id"] in seen_metric:
                self.problem(sheet, hr, c, IM.STATS_DUP_METRIC.format(
                    name=m.get("name", m["id"]), other=col_name(seen_metric[m["id"]])))
                bad = True
            else:
                seen_metric[m["id"]] = c
                lay.metric_cols[c] = m
        if bad:
            return None
        if len(lay.crosstab) >= 2 and not lay.metric_cols:
            return self.crosstab(sheet, hr, header_row, title, lay)
        for c in lay.crosstab:  # a stray month heading beside metric columns
            lay.unknown[c] = cell_text(header_row[c][0])
        lay.crosstab = {}
        if "unit" not in lay.roles:
            name = sheet.name if sheet.name is not None else Path(self.fname).stem
            lay.unit, near = self.index.resolve(name)
            if lay.unit is None:
                hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
                self.problem(sheet, hr, 0, IM.STATS_NO_UNIT_COL.format(sheet=name, hint=hint))
                return None
        if not self.dates(sheet, hr, title, lay):
            return None
        return lay

    def sources(self, sheet: Sheet, title: str) -> list[tuple[str, str]]:
        out = [(title, IM.STATS_FROM_TITLE)] if title else []
        if sheet.name is not None:
            out.append((sheet.name, IM.STATS_FROM_SHEET))
        out.append((Path(self.fname).stem, IM.STATS_FROM_FILE))
        return out

    def dates(self, sheet: Sheet, hr: int, title: str, lay: Layout) -> bool:
        """Where year and month come from; the title or sheet name when no column gives them."""
        roles, where = lay.roles, self.prefix(sheet)
        if "yearmonth" in roles:
            return True
        sources = self.sources(sheet, title)
        if "month" not in roles:
            found = next(((m, how.format(text=t)) for t, how in sources[:2] if (m := month_in(t))), None)
            if found is None:
                self.problem(sheet, hr, 0, IM.STATS_NO_MONTH_COL)
                return False
            lay.month = found[0]
            self.note(IM.STATS_MONTH_FROM.format(where=where, month=found[0], source=found[1]))
        if "year" not in roles:  # else a 月份 column holding 2024年1月 gives it, row by row
            found = next(((y, how.format(text=t)) for t, how in sources if (y := year_in(t))), None)
            if found:
                lay.year = found[0]
                self.note(IM.STATS_YEAR_FROM.format(where=where, year=found[0], source=found[1]))
        return True

    def crosstab(self, sheet, hr, header_row, title, lay: Layout) -> Layout | None:
        """Units down, months across: one metric a sheet, named in the sheet name or title."""
        found = None
        for text, how in self.sources(sheet, title)[:2]:
            t = norm_header(text)
            hits = [m for key, m in self.by_header.items() if key and (key in t or key in t.lower())]
            if hits:
                found = (max(hits, key=lambda m: len(m.get("name", ""))), how.format(text=text))
                break
        years = {ym[0] for v, _ in header_row if (ym := parse_year_month(v))}
        if years:
            year = years.pop() if len(years) == 1 else None
        else:
            year = next((y for t, _ in self.sources(sheet, title) if (y := year_in(t))), None)
        if found is None or year is None or "unit" not in lay.roles:
            months = "、".join(cell_text(header_row[c][0]) for c in list(lay.crosstab)[:3])
            self.problem(sheet, hr, min(lay.crosstab), IM.STATS_CROSSTAB.format(months=months))
            return None
        lay.crosstab_metric, lay.year = found[0], year
        self.note(IM.STATS_CROSSTAB_READ.format(where=self.prefix(sheet), metric=found[0].get("name"),
                                                source=found[1], year=year))
        return lay
