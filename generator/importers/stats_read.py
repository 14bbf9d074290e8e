"""Reading the tables statistics offices produce, row by row.

Text tables (.csv, .txt, .tsv): UTF-8 with or without BOM, UTF-16 with its
byte-order mark (Excel's “Unicode 文本”), else GB18030; comma, tab or
semicolon. .xlsx/.xlsm are streamed with openpyxl's read-only parser, so only
the rows that exist are visited (a stray space in row 1,048,576 costs
nothing) and memory stays flat; merged ranges, hidden rows and formula cells
without a stored result are found in one quick scan of the sheet's XML first.
.xls and .ods are read with python-calamine. The format is decided by the
file's first bytes, not its name: an .xls renamed .xlsx is read as .xls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import decode_input
from . import messages as IM

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
Row = list  # [(value, Excel number format), …]


class TableError(Exception):
    """A file that cannot be read as a table; the message is for staff."""


@dataclass
class Sheet:
    name: str | None                       # None for a text table
    rows: Callable[[], Iterator[tuple[int, Row]]]  # (0-based row index, cells), existing rows only
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2, 0-based
    no_value: set[tuple[int, int]] = field(default_factory=set)  # formula cells with no stored result


@dataclass
class Book:
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)
    close: Callable[[], None] = lambda: None


def col_name(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell_ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def sniff(path: Path) -> str:
    """'xlsx', 'ods', 'xls', 'html' or 'text', from the first bytes."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        import zipfile
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
                    return "xlsx"
                if "content.xml" in names:
                    return "ods"
        except (zipfile.BadZipFile, OSError):
            pass
        return "broken"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<table" in stripped[:1024]:
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def open_table(path: Path) -> Book:
    """The sheets of a table file, or TableError with a message for staff."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + BOOK_SUFFIXES:
        raise TableError(IM.STATS_FILE_TYPE.format(name=path.name))
    kind = sniff(path)
    real = {"xlsx": ".xlsx", "ods": ".ods", "xls": ".xls"}.get(kind)
    notes = []
    if real and suffix not in (real, ".xlsm" if real == ".xlsx" else real):
        notes.append(IM.STATS_RENAMED.format(name=path.name, real=real))
    if kind == "xlsx":
        return read_xlsx(path, notes)
    if kind in ("xls", "ods"):
        return read_calamine(path, kind, notes)
    if kind == "html":
        raise TableError(IM.STATS_HTML.format(name=path.name) + IM.STATS_SAVE_AS)
    if kind in ("broken", "binary") or suffix in BOOK_SUFFIXES:
        raise TableError(IM.STATS_XLSX_BROKEN.format(name=path.name) + IM.STATS_SAVE_AS)
    return read_text(path)


# ---------------------------------------------------------------- text tables

def read_text(path: Path) -> Book:
    import csv
    import io
    text = decode_input(path.read_bytes())
    sample = text[:4096]
    delim = "\t" if path.suffix.lower() == ".tsv" else (max(",\t;，", key=sample.count) if sample else ",")

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        for i, row in enumerate(reader):
            yield i, [(v, "") for v in row]
    return Book([Sheet(None, rows)])


# ---------------------------------------------------------------- .xlsx, streamed

_ROW = re.compile(rb"<row\b([^>]*?)/?>")
_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z$]+\d+)(?::([A-Z$]+\d+))?"')
_VALUE = re.compile(rb"<v>[^<]")
_CELL_R = re.compile(rb'<c\b[^>]*?\br="([A-Z]+\d+)"')


def _scan_sheet(src) -> tuple[set[int], list, set]:
    """Hidden rows, merged ranges and formula cells without a value, from the raw XML."""
    hidden, merged, no_value = set(), [], set()
    row_no = 0
    carry = b""
    while True:
        chunk = src.read(1 << 22)
        buf = carry + chunk
        cut = len(buf) if not chunk else buf.rfind(b"</row>")
        if cut < 0:
            carry = buf
            continue
        part, carry = buf[:cut], buf[cut:]
        for m in _ROW.finditer(part):
            r = _R.search(m.group(1))
            row_no = int(r.group(1)) if r else row_no + 1
            if _HIDDEN.search(m.group(1)):
                hidden.add(row_no - 1)
        at = part.find(b"<f")
        while at >= 0:
            start = part.rfind(b"<c ", 0, at)
            end = part.find(b"</c>", at)
            cell = part[start:end] if start >= 0 and end >= 0 else b""
            ref = _CELL_R.match(cell)
            if ref and not _VALUE.search(cell):
                no_value.add(_cell_ref(ref.group(1).decode()))
            at = part.find(b"<f", end if end >= 0 else at + 2)
        for m in _MERGE.finditer(part):
            r1, c1 = _cell_ref(m.group(1).decode())
            r2, c2 = _cell_ref(m.group(2).decode()) if m.group(2) else (r1, c1)
            merged.append((r1, c1, r2, c2))
        if not chunk:
            return hidden, merged, no_value


def read_xlsx(path: Path, notes: list[str]) -> Book:
    import openpyxl
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
    from openpyxl.worksheet._reader import WorkSheetParser
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a damaged or encrypted workbook: the message says what to do
        raise TableError(IM.STATS_XLSX_BROKEN.format(name=path.name) + IM.STATS_SAVE_AS) from None
    formats: dict[int, str] = {}

    def number_format(style_id: int) -> str:
        if style_id not in formats:
            try:
                fid = wb._cell_styles[style_id].numFmtId
                formats[style_id] = (BUILTIN_FORMATS.get(fid, "General") if fid < BUILTIN_FORMATS_MAX_SIZE
                                     else wb._number_formats[fid - BUILTIN_FORMATS_MAX_SIZE])
            except (IndexError, AttributeError):
                formats[style_id] = "General"
        return formats[style_id]

    def sheet_rows(ws):
        def rows():
            with ws._get_source() as src:
                parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                         date_formats=wb._date_formats,
                                         timedelta_formats=wb._timedelta_formats)
                for idx, cells in parser.parse():
                    if not cells:
                        continue
                    width = cells[-1]["column"]
                    row = [(None, "")] * width
                    for c in cells:
                        row[c["column"] - 1] = (c["value"], number_format(c["style_id"]))
                    yield idx - 1, row
        return rows

    sheets = []
    try:
        for ws in wb.worksheets:
            with ws._get_source() as src:
                hidden_rows, merged, no_value = _scan_sheet(src)
            sheets.append(Sheet(ws.title, sheet_rows(ws), ws.sheet_state != "visible",
                                hidden_rows, merged, no_value))
    except Exception:
        wb.close()
        raise TableError(IM.STATS_XLSX_BROKEN.format(name=path.name) + IM.STATS_SAVE_AS) from None
    return Book(sheets, notes, wb.close)


# ---------------------------------------------------------------- .xls and .ods

def read_calamine(path: Path, kind: str, notes: list[str]) -> Book:
    try:
        import python_calamine as pc
        with open(path, "rb") as f:  # by content: from_path goes by the name's suffix
            wb = pc.CalamineWorkbook.from_filelike(f)
        sheets = []
        for meta in wb.sheets_metadata:
            ws = wb.get_sheet_by_name(meta.name)
            data = ws.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (ws.merged_cell_ranges or [])]

            def rows(data=data):
                for i, row in enumerate(data):
                    yield i, [(_calamine_value(v), "") for v in row]
            sheets.append(Sheet(meta.name, rows, "Visible" not in str(meta.visible), set(), merged))
        wb.close()
    except Exception:
        raise TableError(IM.STATS_XLSX_BROKEN.format(name=path.name) + IM.STATS_SAVE_AS) from None
    # calamine tells hidden sheets but not hidden rows: say so rather than import them silently
    notes.append(IM.STATS_HIDDEN_UNKNOWN.format(name=path.name, kind="." + kind))
    return Book(sheets, notes)


def _calamine_value(v):
    return None if v == "" else v
