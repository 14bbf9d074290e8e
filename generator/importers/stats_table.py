"""One sheet of figures → values by unit, year, month and metric.

The header is the first row (of the first 30) with known column names; a
second header row under merged group cells (治安形势 over three metrics) is
combined with it. Merged cells count for every cell they cover in the header
and in the unit/year/month columns; a number merged over several months is
refused. Rows are visited once, as they stream in. Nothing is guessed
silently: every choice the reader makes (a hidden row skipped, a column
ignored, the year taken from the title, a rate column scaled) becomes a note,
and every bad cell a Problem at its exact cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from ..problems import Problem
from . import messages as IM
from .stats_cells import (EMPTY, EMPTY_MARKS, HEADER_SCAN, NUMBER_RE, TOTAL_CHARS, Merges, cell_text,
                          decimal_year_month, fill_header, is_numeric, is_total, norm_header, parse_month,
                          parse_year_month, year_of)
from .stats_header import HeaderReader, Layout
from .stats_read import Sheet, col_name
from .unit_index import UnitIndex

# ---------------------------------------------------------------- reading a sheet

@dataclass
class Imported:
    """unit → year → month → metric → (value, where the cell is)."""
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cells: int = 0


class TableReader(HeaderReader):
    """Reads sheets into `out`: the header (HeaderReader), then the rows as they stream in."""

    def __init__(self, fname: str, units: dict, metrics: list[dict], today: date):
        self.fname, self.metrics, self.today = fname, metrics, today
        self.index = UnitIndex(units)
        self.out = Imported()
        self.by_header = {}
        for m in metrics:
            self.by_header[norm_header(m["id"]).lower()] = m
            self.by_header[norm_header(m.get("name", m["id"]))] = m

    # -- locations and messages
    def where(self, sheet: Sheet, row: int, col: int) -> str:
        cell = f"{col_name(col)}{row + 1}"
        return f"{self.fname}:{sheet.name}!{cell}" if sheet.name is not None else f"{self.fname}:{cell}"

    def prefix(self, sheet: Sheet) -> str:
        return f"{self.fname}:{sheet.name}：" if sheet.name is not None else f"{self.fname}："

    def problem(self, sheet, row, col, message):
        self.out.problems.append(Problem(self.where(sheet, row, col), 0, 0, message))

    def note(self, message: str) -> None:
        self.out.notes.append(message)

    # -- a sheet
    def read(self, sheet: Sheet) -> None:
        if sheet.hidden:
            self.note(IM.STATS_HIDDEN_SHEET.format(sheet=sheet.name))
            return
        if sheet.name is not None and is_total(sheet.name):
            self.note(IM.STATS_TOTAL_SHEET.format(sheet=sheet.name))
            return
        rows = sheet.rows()
        merges = Merges(sheet.merged)
        head: list[tuple[int, list]] = []
        header_at = None
        for r, row in rows:
            row = fill_header(row, r, merges.covered(r, row))
            head.append((r, row))
            if self.is_header(row):
                header_at = len(head) - 1
                break
            if len(head) >= HEADER_SCAN:
                break
        if header_at is None:
            if sheet.name is None:
                self.problem(sheet, head[0][0] if head else 0, 0, IM.STATS_NO_HEADER)
            elif head:  # a notes sheet in the workbook: not a table of figures
                self.note(IM.STATS_SHEET_SKIPPED.format(sheet=sheet.name))
            return
        hr, header_row = head[header_at]
        if header_at:  # 单位 written once above a row of metric names, not merged down
            header_row = self.fill_from_above(head[header_at - 1][1], header_row)
        title = " ".join(cell_text(v) for _, row in head[:header_at] for v, _ in row if cell_text(v))
        title = " ".join(dict.fromkeys(title.split()))  # a merged title is filled across: once
        rest = iter(rows)
        second = next(rest, None)
        data_start = [second] if second is not None else []
        if second is not None:
            r2, row2 = second
            row2 = fill_header(row2, r2, merges.covered(r2, row2))
            combined = self.combine(header_row, row2)
            if combined is not None:
                header_row, data_start = combined, []
        layout = self.layout(sheet, hr, header_row, title)
        if layout is None:
            return
        self.read_rows(sheet, chain(data_start, rest), merges, layout, hr)

    # -- the rows
    def read_rows(self, sheet: Sheet, rows, merges: Merges, lay: Layout, hr: int) -> None:
        role_cols = set(lay.roles.values())
        numeric_unknown: dict[int, int] = {}
        hidden: list[int] = []
        rates: dict[int, list] = {}   # column → [(slot, metric id)] of a % metric, to rescale
        big_rate: set[int] = set()
        reported: set[tuple[int, int]] = set()
        any_data = False
        for r, row in rows:
            covered = merges.covered(r, row)
            row = Merges.fill(row, covered, columns=role_cols)
            if r in sheet.hidden_rows:
                if any(cell_text(v) for v, _ in row):
                    hidden.append(r)
                continue
            if all(v is None or v == "" for v, _ in row):
                continue
            if any(isinstance(v, str) and TOTAL_CHARS.search(v) and is_total(v) for v, _ in row[:3]):
                continue  # a total row: the site adds up by itself
            for c in lay.unknown:
                if c < len(row) and c not in numeric_unknown and is_numeric(row[c][0]):
                    numeric_unknown[c] = r
            for c, (first, r1, c1) in covered.items():
                if (c in lay.metric_cols or c in lay.crosstab) and (r1, c1) not in reported \
                        and isinstance(first[0], (int, float)) and not cell_text(row[c][0] if c < len(row) else None):
                    reported.add((r1, c1))
                    self.problem(sheet, r, c, IM.STATS_MERGED_NUMBER.format(anchor=f"{col_name(c1)}{r1 + 1}"))
            any_data = self.read_row(sheet, r, row, lay, rates, big_rate) or any_data
        prefix = self.prefix(sheet)
        if hidden:
            self.note(IM.STATS_HIDDEN_ROWS.format(where=prefix, rows=_ranges(hidden)))
        for c, at in sorted(numeric_unknown.items()):
            from . import nearest
            names = [x.get("name", "") for x in self.metrics] + [x["id"] for x in self.metrics]
            near = nearest(lay.unknown[c], names)
            self.problem(sheet, hr, c, IM.STATS_UNKNOWN_METRIC.format(
                value=lay.unknown[c], hint=IM.DID_YOU_MEAN.format(near=near) if near else ""))
        ignored = [lay.unknown[c] for c in lay.unknown if c not in numeric_unknown]
        if ignored:
            self.note(IM.STATS_IGNORED_COLS.format(where=prefix, cols="、".join(ignored)))
        if lay.totals:
            self.note(IM.STATS_TOTAL_COLS.format(where=prefix, cols="、".join(lay.totals)))
        for mid, cells in rates.items():
            if mid not in big_rate:
                self.rescale(prefix, cells)
        if not any_data and sheet.name is not None:
            self.note(IM.STATS_EMPTY_SHEET.format(sheet=sheet.name))

    def rescale(self, prefix, cells) -> None:
        """A % metric whose whole column is ≤ 1 was typed as a fraction (0.95 for 95 %)."""
        top = max(slot[mid][0] for slot, mid in cells)
        if top <= 0:
            return
        m = next(x for x in self.metrics if x["id"] == cells[0][1])
        example = next(slot[mid][0] for slot, mid in cells if slot[mid][0] > 0)
        for slot, mid in cells:
            value, here = slot[mid]
            slot[mid] = (round(value * 100, 6), here)
        from . import yaml_number
        self.note(IM.STATS_RATE_SCALED.format(where=prefix, metric=m.get("name", m["id"]),
                                              example=yaml_number(example),
                                              scaled=yaml_number(round(example * 100, 6))))

    def read_row(self, sheet, r, row, lay: Layout, rates, big_rate) -> bool:
        def get(c):
            return row[c] if c is not None and c < len(row) else EMPTY
        cols = lay.crosstab if lay.crosstab_metric else lay.metric_cols
        filled = {c: get(c) for c in cols if cell_text(get(c)[0]) not in EMPTY_MARKS}
        empty_formula = [c for c in cols if (r, c) in sheet.no_value]
        for c in empty_formula:
            self.problem(sheet, r, c, IM.STATS_NO_VALUE)
        if not filled:
            return bool(empty_formula)
        ok = not empty_formula
        unit = lay.unit
        if unit is None:
            c = lay.roles["unit"]
            text = cell_text(get(c)[0])
            if not text:
                self.problem(sheet, r, c, IM.STATS_EMPTY_UNIT)
                ok = False
            else:
                unit, near = self.index.resolve(text)
                if unit is None:
                    hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
                    self.problem(sheet, r, c, IM.STATS_UNKNOWN_UNIT.format(
                        value=text, hint=hint + IM.STATS_UNKNOWN_UNIT_NEW.format(value=text)))
                    ok = False
        year, month, date_ok = self.row_date(sheet, r, get, lay)
        ok = ok and date_ok
        for c, (v, fmt) in filled.items():
            m = lay.crosstab_metric or lay.metric_cols[c]
            number, message, fraction = self.number(v, fmt, m)
            if message:
                self.problem(sheet, r, c, message)
                continue
            if str(m.get("unit", "")) == "%" and not fraction:
                big_rate.add(m["id"])
            if not ok:
                continue
            mon = lay.crosstab[c] if lay.crosstab_metric else month
            here = self.where(sheet, r, c)
            slot = self.out.values.setdefault(unit, {}).setdefault(year, {}).setdefault(mon, {})
            if m["id"] in slot and slot[m["id"]][0] != number:
                first, at = slot[m["id"]]
                self.out.problems.append(Problem(here, 0, 0, IM.STATS_DUPLICATE.format(
                    unit=unit, year=year, month=mon, metric=m.get("name", m["id"]),
                    first=_fmt(first), where=at)))
                continue
            if m["id"] not in slot:
                self.out.cells += 1
            slot[m["id"]] = (number, here)
            if fraction:
                rates.setdefault(m["id"], []).append((slot, m["id"]))
        return True

    def row_date(self, sheet, r, get, lay: Layout) -> tuple[int | None, int | None, bool]:
        """(year, month, ok) of a data row, each problem reported at its cell."""
        roles, ok = lay.roles, True
        year, month = lay.year, lay.month
        if lay.crosstab_metric:
            return year, None, True
        if "yearmonth" in roles:
            c = roles["yearmonth"]
            year, month, ok = self.year_month_cell(sheet, r, c, get(c)[0], "年月")
        else:
            if "year" in roles:
                cy = roles["year"]
                vy = get(cy)[0]
                if not cell_text(vy):
                    self.problem(sheet, r, cy, IM.STATS_EMPTY_DATE.format(what="年份"))
                    year, ok = None, False
                else:
                    year, message = year_of(vy, self.today)
                    if message:
                        self.problem(sheet, r, cy, message)
                        ok = False
            if "month" in roles:
                cm = roles["month"]
                vm = get(cm)[0]
                if parse_month(vm) is None and (parse_year_month(vm) or decimal_year_month(vm)):
                    y2, month, ok2 = self.year_month_cell(sheet, r, cm, vm, "月份")
                    if ok2 and year is not None and "year" in roles and y2 != year:
                        self.problem(sheet, r, cm, IM.STATS_YEAR_MISMATCH.format(value=cell_text(vm), year=year))
                        ok2 = False
                    year = y2 if year is None or "year" not in roles else year
                    ok = ok and ok2
                elif not cell_text(vm):
                    self.problem(sheet, r, cm, IM.STATS_EMPTY_DATE.format(what="月份"))
                    month, ok = None, False
                else:
                    month = parse_month(vm)
                    if month is None:
                        self.problem(sheet, r, cm, IM.STATS_BAD_MONTH.format(value=cell_text(vm)))
                        ok = False
            if year is None and ok:
                if not lay.year_missing_told:  # once a sheet, not once a row
                    self.problem(sheet, r, roles.get("month", 0), IM.STATS_NO_YEAR_COL)
                    lay.year_missing_told = True
                ok = False
        if ok and (year, month) > (self.today.year, self.today.month):
            c = roles.get("yearmonth", roles.get("month", 0))
            self.problem(sheet, r, c, IM.STATS_FUTURE.format(year=year, month=month,
                                                             today=self.today.isoformat()))
            ok = False
        return year, month, ok

    def year_month_cell(self, sheet, r, c, v, what) -> tuple[int | None, int | None, bool]:
        if not cell_text(v):
            self.problem(sheet, r, c, IM.STATS_EMPTY_DATE.format(what=what))
            return None, None, False
        if decimal_year_month(v):
            self.problem(sheet, r, c, IM.STATS_YEARMONTH_DECIMAL.format(value=cell_text(v)))
            return None, None, False
        ym = parse_year_month(v)
        if ym is None:
            self.problem(sheet, r, c, IM.STATS_BAD_YEARMONTH.format(value=cell_text(v)))
            return None, None, False
        if ym[0] > self.today.year:
            self.problem(sheet, r, c, IM.STATS_YEAR_FUTURE.format(value=ym[0], today=self.today.isoformat()))
            return None, None, False
        if ym[0] < 1949:
            self.problem(sheet, r, c, IM.STATS_BAD_YEARMONTH.format(value=cell_text(v)))
            return None, None, False
        return ym[0], ym[1], True

    def number(self, value, fmt: str, metric: dict) -> tuple[float | None, str | None, bool]:
        """(number, problem, typed as a plain fraction) of a metric cell."""
        name, unit = metric.get("name", metric["id"]), str(metric.get("unit", ""))
        percent = unit == "%"
        plain = True  # no % sign anywhere: 0.95 may mean 95 %
        if isinstance(value, bool) or isinstance(value, (datetime, date)):
            return None, IM.STATS_NOT_NUMBER.format(value=cell_text(value), col=name), False
        if isinstance(value, (int, float)):
            number = float(value)
            if percent and "%" in fmt:
                number *= 100  # a cell formatted as 98.5% holds 0.985
                plain = False
        else:
            s = cell_text(value).replace(",", "").replace(" ", "")
            for suffix in (unit, "%") if unit else ("%",):
                if suffix and s.endswith(suffix) and (suffix == unit or percent):
                    s = s[: -len(suffix)]
                    plain = False
                    break
            if not NUMBER_RE.match(s):
                return None, IM.STATS_NOT_NUMBER.format(value=cell_text(value), col=name), False
            number = float(s)
        number = round(number, 6)
        if number < 0:
            return None, IM.STATS_NEGATIVE.format(value=_fmt(number), metric=name), False
        if percent and number > 100:
            return None, IM.STATS_PERCENT_RANGE.format(value=_fmt(number), metric=name), False
        return number, None, percent and plain and number <= 1


def _ranges(rows: list[int]) -> str:
    """[4, 8, 9, 10] → 5、9–11 (1-based, as Excel shows them)."""
    out, start, prev = [], None, None
    for r in rows + [None]:
        if r is not None and prev is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            out.append(f"{start + 1}" if start == prev else f"{start + 1}–{prev + 1}")
        start = prev = r
    return "、".join(out)


def _fmt(value) -> str:
    from . import yaml_number
    return IM.STATS_CHANGE_NEW if value is None else yaml_number(value)
