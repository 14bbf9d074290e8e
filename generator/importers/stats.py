"""`jingyan import-stats FILE`: the monthly table staff keep → records/stats/<unit>/<year>.yml.

Two layouts are read (.csv and .xlsx):
  A  one row per unit and month: 单位 | 年份 | 月份 | <metric> | <metric> …
     (单位: unit id or Chinese name; 年份+月份, or one 年月 column: 2020-05 / 2020年5月)
  B  (.xlsx) one sheet per unit, the sheet named after the unit (name or id):
     年份 | 月份 | <metric> …
Metric columns are headed by the metric's Chinese name or id (site_config/metrics.yml);
a unit in brackets after the name (刑事警情（起）) is allowed; 备注/说明/序号 columns are
ignored, and so are total rows (合计).

Every bad cell is reported (file:sheet!cell) and nothing is written if any
is bad. Imported values replace the same unit/month/metric in an existing
file; months and metrics the table does not cover are kept, except in a file
of sample data (sample: true), whose made-up months are dropped. A file is
only rewritten when a value changes, so importing the same table twice
changes nothing.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..problems import Problem
from . import messages as IM

UNIT_HEADERS = {"单位", "单位名称", "单位编号", "单位全称", "所队", "派出所", "unit"}
YEAR_HEADERS = {"年份", "年", "年度", "year"}
MONTH_HEADERS = {"月份", "月", "month"}
YEARMONTH_HEADERS = {"年月", "统计月份", "统计年月", "日期", "时间", "date"}
IGNORED_HEADERS = {"备注", "说明", "序号", "填表人", "填报人", "note", "notes", "remark"}
TOTAL_WORDS = {"合计", "总计", "小计", "累计", "total"}
EMPTY_MARKS = {"", "-", "—", "–", "－", "/", "／", "——"}
CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12, "正": 1, "冬": 11, "腊": 12}
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def add_arguments(p):
    p.add_argument("file", help="统计表格（.csv 或 .xlsx）")
    p.add_argument("--dry-run", action="store_true", help="只显示会有哪些改动，不写入文件")


# ---------------------------------------------------------------- reading tables

@dataclass
class Sheet:
    name: str | None  # None for a CSV file
    rows: list[list[tuple[object, str]]]  # (value, Excel number format)


def _col(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def read_csv(path: Path) -> list[Sheet]:
    import csv
    import io

    from . import read_input_text
    text = read_input_text(path)
    sample = text[:4096]
    delim = max(",\t;，", key=sample.count) if sample else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    return [Sheet(None, [[(v, "") for v in row] for row in reader])]


def read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            rows.append([(c.value, c.number_format or "") for c in row])
        sheets.append(Sheet(ws.title, rows))
    return sheets


# ---------------------------------------------------------------- cells

def norm_header(value) -> str:
    s = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"\([^()]*\)$", "", s)  # 刑事警情(起)
    return s.strip()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_year(value, today: date) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        y = int(value) if float(value).is_integer() else None
    else:
        s = cell_text(value).removesuffix("年").strip()
        y = int(s) if s.isdigit() else None
    return y if y is not None and 1949 <= y <= today.year else None


def parse_month(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        m = int(value) if float(value).is_integer() else None
    else:
        s = cell_text(value).removesuffix("份").removesuffix("月").strip()
        m = int(s) if s.isdigit() else CN_MONTHS.get(s)
    return m if m is not None and 1 <= m <= 12 else None


def parse_year_month(value, today: date) -> tuple[int, int] | None:
    if isinstance(value, (datetime, date)):
        y, m = value.year, value.month
    else:
        s = cell_text(value)
        mt = re.fullmatch(r"(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月份?|[-/.]\d{1,2}日?)?", s)
        if not mt:
            return None
        y, m = int(mt.group(1)), int(mt.group(2))
    if not (1949 <= y <= today.year and 1 <= m <= 12):
        return None
    return y, m


# ---------------------------------------------------------------- the import

@dataclass
class Imported:
    """unit → year → month → metric → (value, where the cell is)."""
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    cells: int = 0
    skipped: list[str] = field(default_factory=list)


class TableReader:
    def __init__(self, fname: str, units: dict, metrics: list[dict], today: date):
        from . import resolve_unit
        self.fname, self.units, self.metrics, self.today = fname, units, metrics, today
        self.resolve_unit = resolve_unit
        self.out = Imported()
        self.by_header = {}
        for m in metrics:
            self.by_header[norm_header(m["id"]).lower()] = m
            self.by_header[norm_header(m.get("name", m["id"]))] = m
        self._unit_cache: dict[str, tuple] = {}

    def where(self, sheet: Sheet, row: int, col: int) -> str:
        cell = f"{_col(col)}{row + 1}"
        return f"{self.fname}:{sheet.name}!{cell}" if sheet.name is not None else f"{self.fname}:{cell}"

    def problem(self, sheet, row, col, message):
        self.out.problems.append(Problem(self.where(sheet, row, col), 0, 0, message))

    def unit(self, text: str) -> tuple[str | None, str]:
        if text not in self._unit_cache:
            uid, near = self.resolve_unit(text, self.units)
            hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
            self._unit_cache[text] = (uid, hint)
        return self._unit_cache[text]

    def read(self, sheet: Sheet) -> None:
        rows = sheet.rows
        header_at = next((i for i, r in enumerate(rows[:10])
                          if sum(1 for v, _ in r if cell_text(v)) >= 2), None)
        header = [norm_header(v) for v, _ in rows[header_at]] if header_at is not None else []
        known = UNIT_HEADERS | YEAR_HEADERS | MONTH_HEADERS | YEARMONTH_HEADERS
        if not any(h.lower() in known or h in self.by_header or h.lower() in self.by_header
                   for h in header):
            if sheet.name is None:
                self.problem(sheet, header_at or 0, 0, IM.STATS_NO_HEADER)
            else:  # a notes sheet in the workbook: not a table of figures
                self.out.skipped.append(sheet.name)
            return
        roles: dict[str, int] = {}
        metric_cols: dict[int, dict] = {}
        seen_metric: dict[str, int] = {}
        bad_header = False
        for c, h in enumerate(header):
            if not h or h.lower() in IGNORED_HEADERS:
                continue
            for role, names in (("unit", UNIT_HEADERS), ("year", YEAR_HEADERS),
                                ("month", MONTH_HEADERS), ("yearmonth", YEARMONTH_HEADERS)):
                if h.lower() in names and role not in roles:
                    roles[role] = c
                    break
            else:
                m = self.by_header.get(h) or self.by_header.get(h.lower())
                if m is None:
                    from . import nearest
                    near = nearest(h, [x.get("name", "") for x in self.metrics] + [x["id"] for x in self.metrics])
                    self.problem(sheet, header_at, c, IM.STATS_UNKNOWN_METRIC.format(
                        value=rows[header_at][c][0], hint=IM.DID_YOU_MEAN.format(near=near) if near else ""))
                    bad_header = True
                elif m["id"] in seen_metric:
                    self.problem(sheet, header_at, c, IM.STATS_DUP_METRIC.format(
                        name=m.get("name", m["id"]), other=_col(seen_metric[m["id"]])))
                    bad_header = True
                else:
                    seen_metric[m["id"]] = c
                    metric_cols[c] = m
        sheet_unit = None
        if "unit" not in roles:
            name = sheet.name if sheet.name is not None else Path(self.fname).stem
            sheet_unit, hint = self.unit(name)
            if sheet_unit is None:
                self.problem(sheet, header_at, 0, IM.STATS_NO_UNIT_COL.format(sheet=name, hint=hint))
                return
        if "year" not in roles and "yearmonth" not in roles:
            c = roles.get("month")
            first = next((r[c][0] for r in rows[header_at + 1:] if c is not None and c < len(r)
                          and cell_text(r[c][0])), None)
            if first is not None and parse_year_month(first, self.today):
                roles["yearmonth"] = roles.pop("month")  # one 月份 column holding 2020-05
            else:
                self.problem(sheet, header_at, 0, IM.STATS_NO_YEAR_COL)
                return
        if "yearmonth" not in roles and "month" not in roles:
            self.problem(sheet, header_at, 0, IM.STATS_NO_MONTH_COL)
            return
        if bad_header and not metric_cols:
            return
        for r in range(header_at + 1, len(rows)):
            self.read_row(sheet, r, rows[r], roles, metric_cols, sheet_unit)

    def read_row(self, sheet, r, row, roles, metric_cols, sheet_unit):
        def get(c):
            return row[c] if c is not None and c < len(row) else (None, "")
        texts = [cell_text(v) for v, _ in row]
        if not any(texts):
            return
        if any(t.lower() in TOTAL_WORDS for t in texts[:3]):
            return  # a total row: the site adds up by itself
        filled = {c: get(c) for c in metric_cols if cell_text(get(c)[0]) not in EMPTY_MARKS}
        if not filled:
            return
        ok = True
        unit = sheet_unit
        if sheet_unit is None:
            text = cell_text(get(roles["unit"])[0])
            if not text:
                self.problem(sheet, r, roles["unit"], IM.STATS_EMPTY_UNIT)
                ok = False
            else:
                unit, hint = self.unit(text)
                if unit is None:
                    self.problem(sheet, r, roles["unit"], IM.STATS_UNKNOWN_UNIT.format(
                        value=text, hint=hint or IM.STATS_UNIT_HINT))
                    ok = False
        if "yearmonth" in roles:
            c = roles["yearmonth"]
            v = get(c)[0]
            ym = parse_year_month(v, self.today)
            if ym is None:
                self.problem(sheet, r, c, IM.STATS_EMPTY_DATE.format(what="年月") if not cell_text(v)
                             else IM.STATS_BAD_YEARMONTH.format(value=cell_text(v)))
                ok = False
            year, month = ym or (None, None)
        else:
            cy, cm = roles["year"], roles["month"]
            vy, vm = get(cy)[0], get(cm)[0]
            year, month = parse_year(vy, self.today), parse_month(vm)
            if year is None:
                self.problem(sheet, r, cy, IM.STATS_EMPTY_DATE.format(what="年份") if not cell_text(vy)
                             else IM.STATS_BAD_YEAR.format(value=cell_text(vy)))
                ok = False
            if month is None:
                self.problem(sheet, r, cm, IM.STATS_EMPTY_DATE.format(what="月份") if not cell_text(vm)
                             else IM.STATS_BAD_MONTH.format(value=cell_text(vm)))
                ok = False
        if year is not None and month is not None and (year, month) > (self.today.year, self.today.month):
            c = roles.get("yearmonth", roles.get("month"))
            self.problem(sheet, r, c, IM.STATS_FUTURE.format(year=year, month=month,
                                                             today=self.today.isoformat()))
            ok = False
        for c, (v, fmt) in filled.items():
            m = metric_cols[c]
            number, message = self.number(v, fmt, m)
            if message:
                self.problem(sheet, r, c, message)
                continue
            if not ok:
                continue
            here = self.where(sheet, r, c)
            slot = self.out.values.setdefault(unit, {}).setdefault(year, {}).setdefault(month, {})
            if m["id"] in slot and slot[m["id"]][0] != number:
                first, at = slot[m["id"]]
                self.out.problems.append(Problem(here, 0, 0, IM.STATS_DUPLICATE.format(
                    unit=unit, year=year, month=month, metric=m.get("name", m["id"]),
                    first=_fmt(first), where=at)))
                continue
            if m["id"] not in slot:
                self.out.cells += 1
            slot[m["id"]] = (number, here)

    def number(self, value, fmt: str, metric: dict) -> tuple[float | None, str | None]:
        name, unit = metric.get("name", metric["id"]), str(metric.get("unit", ""))
        percent = unit == "%"
        col = name
        if isinstance(value, bool) or isinstance(value, (datetime, date)):
            return None, IM.STATS_NOT_NUMBER.format(value=cell_text(value), col=col)
        if isinstance(value, (int, float)):
            number = float(value)
            if percent and "%" in fmt:
                number *= 100  # a cell formatted as 98.5% holds 0.985
        else:
            s = cell_text(value).replace(",", "").replace(" ", "")
            for suffix in (unit, "%") if unit else ("%",):
                if suffix and s.endswith(suffix) and (suffix == unit or percent):
                    s = s[: -len(suffix)]
                    break
            if not NUMBER_RE.match(s):
                return None, IM.STATS_NOT_NUMBER.format(value=cell_text(value), col=col)
            number = float(s)
        number = round(number, 6)
        if number < 0:
            return None, IM.STATS_NEGATIVE.format(value=_fmt(number), metric=name)
        if percent and number > 100:
            return None, IM.STATS_PERCENT_RANGE.format(value=_fmt(number), metric=name)
        return number, None


def _fmt(value) -> str:
    from . import yaml_number
    return IM.STATS_CHANGE_NEW if value is None else yaml_number(value)


# ---------------------------------------------------------------- writing

def render_stats(unit: str, year: int, months: dict, metric_order: list[str],
                 sample: bool = False, note: str | None = None) -> str:
    from . import yaml_number, yaml_str
    rank = {m: i for i, m in enumerate(metric_order)}
    lines = [f"unit: {unit}", f"year: {year}", f"sample: {'true' if sample else 'false'}"]
    if note:
        lines.append(f"note: {yaml_str(note)}")
    lines.append("months:")
    for month in sorted(months):
        row = months[month]
        keys = sorted(row, key=lambda k: (rank.get(k, len(rank)), k))
        body = ", ".join(f"{k}: {yaml_number(row[k])}" for k in keys)
        lines.append(f"  {month}: {{{body}}}")
    if not months:
        lines[-1] = "months: {}"
    return "\n".join(lines) + "\n"


def _existing(path: Path) -> tuple[dict | None, str | None]:
    """(data, error) of a stats file already there."""
    import yaml
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        return None, str(e).splitlines()[0]
    if not isinstance(data, dict) or not isinstance(data.get("months", {}) or {}, dict):
        return None, "months 不是“月份: {指标: 数值}”的形式"
    months = {}
    for k, row in (data.get("months") or {}).items():
        if not isinstance(row, dict) or not str(k).isdigit():
            return None, f"月份“{k}”写法不对"
        months[int(k)] = {str(mk): mv for mk, mv in row.items() if isinstance(mv, (int, float))}
    data["months"] = months
    return data, None


def run(args) -> int:
    from . import check_documents, existing_records, inputs_ready
    root = Path(args.root)
    path = Path(args.file)
    if not inputs_ready(root, path, IM.STATS_FILE_MISSING):
        return 1
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        print(IM.STATS_FILE_TYPE.format(name=path.name), file=sys.stderr)
        return 1
    try:
        sheets = read_csv(path) if suffix == ".csv" else read_xlsx(path)
    except Exception as e:  # a damaged or mislabelled workbook: say so, no traceback
        print(IM.STATS_XLSX_BROKEN.format(err=type(e).__name__ + (f": {e}" if str(e) else "")),
              file=sys.stderr)
        return 1
    have = existing_records(root)
    today = date.today()
    reader = TableReader(path.name, have["unit"], have["metrics"], today)
    for sheet in sheets:
        reader.read(sheet)
    imported = reader.out
    for name in imported.skipped:
        print(IM.STATS_SHEET_SKIPPED.format(sheet=name))
    if imported.problems:
        for p in imported.problems:
            print(f"{p.path}: {p.message}")
        print(IM.STATS_NOTHING_WRITTEN.format(n=len(imported.problems)), file=sys.stderr)
        return 1
    if not imported.values:
        print(IM.STATS_NO_DATA, file=sys.stderr)
        return 1

    order = [m["id"] for m in have["metrics"]]
    names = {m["id"]: m.get("name", m["id"]) for m in have["metrics"]}
    plans = []  # (rel, text, created, changes, notes)
    problems = []
    for unit in sorted(imported.values):
        for year in sorted(imported.values[unit]):
            rel = f"records/stats/{unit}/{year}.yml"
            target = root / rel
            old_months, sample_was, note, notes = {}, False, None, []
            if target.exists():
                data, err = _existing(target)
                if err:
                    problems.append(IM.STATS_EXISTING_BROKEN.format(path=rel, err=err))
                    continue
                sample_was = data.get("sample") is True
                note = None if sample_was else data.get("note")  # a sample file's note describes the sample
                old_months = {} if sample_was else data["months"]
                if sample_was:
                    notes.append(IM.STATS_SAMPLE_REPLACED.format(
                        path=rel, months="、".join(f"{m}月" for m in sorted(data["months"])) or "（无）"))
            months = {m: dict(row) for m, row in old_months.items()}
            changes = []
            for month, row in sorted(imported.values[unit][year].items()):
                slot = months.setdefault(month, {})
                for metric in sorted(row, key=order.index):
                    new = row[metric][0]
                    old = slot.get(metric)
                    if old is None or float(old) != new:
                        changes.append(IM.STATS_CHANGE.format(
                            unit=unit, year=year, month=month, metric=names.get(metric, metric),
                            old=_fmt(old), new=_fmt(new)))
                    slot[metric] = new
            if target.exists() and not changes and not sample_was:
                continue
            text = render_stats(unit, year, months, order, sample=False, note=note)
            if target.exists() and target.read_text(encoding="utf-8") == text:
                continue
            plans.append((rel, text, not target.exists(), changes, notes, months))
    if problems:
        for m in problems:
            print(m)
        print(IM.STATS_NOTHING_WRITTEN.format(n=len(problems)), file=sys.stderr)
        return 1
    if not plans:
        print(IM.STATS_NO_CHANGE)
        return 0
    found = check_documents(root, {rel: ("stats", text) for rel, text, *_ in plans}, today)
    if found:
        print(IM.STATS_VALIDATION)
        for p in found:
            print(p.format())
        return 1
    n_changes = 0
    for rel, text, created, changes, notes, months in plans:
        if created:
            print(IM.STATS_CREATED.format(path=rel, n=len(months)))
        else:
            print(IM.STATS_UPDATED.format(path=rel))
            for line in changes:
                print(line)
            n_changes += len(changes)
        for line in notes:
            print(line)
    if args.dry_run:
        print(IM.STATS_DRY_RUN)
        return 0
    for rel, text, *_ in plans:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(target)
    print(IM.STATS_SUMMARY.format(cells=imported.cells, files=len(plans), changed=n_changes))
    return 0
