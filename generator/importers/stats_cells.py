"""Cells of a statistics table: headings, years, months, totals, merged ranges.

Pure functions on cell values (as openpyxl, calamine or the CSV reader give
them) and the tracker that gives a merged range's value to the cells it covers.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from . import messages as IM

UNIT_HEADERS = {"单位", "单位名称", "单位编号", "单位全称", "所队", "派出所", "unit"}
UNIT_HEADER_RE = re.compile(r"^(?:填报)?(?:单位|派出所|所队|警务室|机构|部门)(?:名称|全称|简称|编号)?$")
YEAR_HEADERS = {"年份", "年", "年度", "year"}
MONTH_HEADERS = {"月份", "月", "month"}
YEARMONTH_HEADERS = {"年月", "统计月份", "统计年月", "日期", "时间", "date"}
IGNORED_HEADERS = {"备注", "说明", "序号", "填表人", "填报人", "note", "notes", "remark"}
TOTAL_WORDS = ("合计", "总计", "小计", "累计", "汇总", "total")
EMPTY_MARKS = {"", "-", "—", "–", "－", "/", "／", "——"}
CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12, "正": 1, "冬": 11, "腊": 12}
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
DECIMAL_YM_RE = re.compile(r"^(\d{4})\.(\d{1,2})$")
TOTAL_CHARS = re.compile(r"[计總总汇]|total", re.I)
HEADER_SCAN = 30  # rows looked at for the header
EMPTY = (None, "")


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


def is_total(text: str) -> bool:
    """合计, 合  计, 合　计, 全局合计, 合计(全局), 总计 …"""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    s = re.sub(r"^[(\[]|[)\]]$", "", s)
    s = re.sub(r"\([^()]*\)$", "", s)
    return any(s.startswith(w) or s.endswith(w) for w in TOTAL_WORDS)


def year_of(value, today: date) -> tuple[int | None, str | None]:
    """(year, None) or (None, message)."""
    text = cell_text(value)
    if isinstance(value, bool):
        return None, IM.STATS_BAD_YEAR.format(value=text)
    y = None
    if isinstance(value, (int, float)):
        y = int(value) if float(value).is_integer() else None
    else:
        s = text.removesuffix("年").removesuffix("度").strip()
        y = int(s) if s.isdigit() and len(s) == 4 else None
    if y is not None and y > today.year and y < 10000:
        return None, IM.STATS_YEAR_FUTURE.format(value=y, today=today.isoformat())
    if y is None or y < 1949:
        return None, IM.STATS_BAD_YEAR.format(value=text)
    return y, None


def parse_month(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        m = int(value) if float(value).is_integer() else None
    else:
        s = cell_text(value).removesuffix("份").removesuffix("月").strip()
        m = int(s) if s.isdigit() else CN_MONTHS.get(s)
    return m if m is not None and 1 <= m <= 12 else None


def parse_year_month(value) -> tuple[int, int] | None:
    """(year, month) of 2024-05, 2024/5, 2024年5月, 2024-05-01 or a date; None otherwise
    (a decimal 2024.5 is not taken: see DECIMAL_YM_RE)."""
    if isinstance(value, (datetime, date)):
        return value.year, value.month
    if isinstance(value, (int, float, bool)):
        return None
    s = cell_text(value)
    mt = re.fullmatch(r"(\d{4})\s*(?:[-/年])\s*(\d{1,2})\s*(?:月份?|[-/]\d{1,2}日?)?"
                      r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?", s)
    if not mt or not 1 <= int(mt.group(2)) <= 12:
        return None
    return int(mt.group(1)), int(mt.group(2))


def decimal_year_month(value) -> bool:
    """2024.1 typed as a number (or saved to CSV as one): is it January or October?"""
    if isinstance(value, float):
        return 1949 <= value < 10000 and not value.is_integer()
    return bool(DECIMAL_YM_RE.match(cell_text(value)))


def month_label(value) -> int | None:
    """A column heading that is a month: 1月, 十二月, 2024年3月, 2024-03."""
    ym = parse_year_month(value)
    if ym:
        return ym[1]
    s = cell_text(value)
    return parse_month(s) if s.endswith(("月", "月份")) else None


def year_in(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", text) or re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
    return int(m.group(1)) if m else None


def month_in(text: str) -> int | None:
    if re.search(r"\d\s*[-—~至到]\s*\d{1,2}\s*月|季度|全年|各月", text):
        return None  # 1-3月, 一季度: a period, not one month
    m = re.search(r"(?:年|^|[^\d])\s*(\d{1,2})\s*月", text)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1))
    m = re.search(r"(十[一二]|[一二三四五六七八九十正冬腊])月", text)
    return CN_MONTHS[m.group(1)] if m else None


# ---------------------------------------------------------------- merged cells

class Merges:
    """Merged ranges met in row order: a covered cell takes its range's first cell."""

    def __init__(self, ranges):
        self.starts = sorted(ranges)
        self.i = 0
        self.active: list[tuple[int, int, int, int]] = []
        self.anchor: dict[tuple[int, int], tuple] = {}

    def covered(self, r: int, row: list) -> dict[int, tuple[tuple, int, int]]:
        """column → (first cell, its row, its column) for the cells of row r under a merge."""
        while self.i < len(self.starts) and self.starts[self.i][0] <= r:
            self.active.append(self.starts[self.i])
            self.i += 1
        if not self.active:
            return {}
        self.active = [m for m in self.active if m[2] >= r]
        out = {}
        for r1, c1, r2, c2 in self.active:
            if r == r1:
                self.anchor[(r1, c1)] = row[c1] if c1 < len(row) else EMPTY
            first = self.anchor.get((r1, c1), EMPTY)
            for c in range(c1, min(c2, c1 + 200) + 1):
                if (r, c) != (r1, c1):
                    out[c] = (first, r1, c1)
        return out

    @staticmethod
    def fill(row: list, covered: dict, columns=None) -> list:
        if not covered:
            return row
        row = list(row) + [EMPTY] * (max(covered) + 1 - len(row))
        for c, (first, r1, _c1) in covered.items():
            if columns is not None and c not in columns:
                continue
            if cell_text(row[c][0]):
                continue
            row[c] = first
        return row


def fill_header(row: list, r: int, covered: dict) -> list:
    """In the header a group name spreads across (text only), anything spreads down."""
    keep = {c: v for c, v in covered.items() if v[1] != r or isinstance(v[0][0], str)}
    return Merges.fill(row, keep)


def is_numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or bool(NUMBER_RE.match(cell_text(value).replace(",", "")))
