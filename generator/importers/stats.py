"""`jingyan import-stats FILE`: the monthly tables staff keep → records/stats/<unit>/<year>.yml.

Files: .xlsx/.xlsm, .xls, .ods, .csv/.txt/.tsv (stats_read.py decides by content).
Layouts (stats_table.py finds the header among the first rows):
  A  one row per unit and month: 单位 | 年份 | 月份 | <metric> | <metric> …
     (单位: unit id, full or short name; 年份+月份, or one 年月 column: 2020-05 /
     2020年5月; the year, or the month, may instead be in the title or sheet name)
  B  one sheet per unit, the sheet named after the unit: 年份 | 月份 | <metric> …
  C  one metric a sheet, units down and months across (单位 | 1月 | 2月 …), the
     metric and year named in the sheet name or title.
Metric columns are headed by the metric's Chinese name or id (site_config/metrics.yml);
a unit in brackets after the name (刑事警情（起）) is allowed; 备注/说明/序号 columns,
total rows and columns (合计, 全局合计 …) and descriptive text columns are skipped.

Every bad cell is reported (file:sheet!cell) and nothing is written if any
is bad; every choice made on the staff's behalf is printed as a note.
Imported values replace the same unit/month/metric in an existing
file; months and metrics the table does not cover are kept, except in a file
of sample data (sample: true), whose made-up months are dropped. A file is
only rewritten when a value changes, so importing the same table twice
changes nothing.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from . import messages as IM
from . import say
from .stats_read import TableError, open_table
from .stats_table import TableReader, _fmt


def add_arguments(p):
    p.add_argument("file", help="统计表格（.xlsx、.xls、.ods、.csv、.txt 或 .tsv）")
    p.add_argument("--dry-run", action="store_true", help="只显示会有哪些改动，不写入文件")


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
        figures = {str(mk): mv for mk, mv in row.items() if isinstance(mv, (int, float))}
        if figures:  # a month left blank in the new-file skeleton holds no data
            months[int(k)] = figures
    data["months"] = months
    return data, None


def _yaml_file(path: Path):
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 3,000 unit files in a second
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def units_and_metrics(root: Path) -> tuple[dict, list[dict]]:
    """The unit records (id → data) and the metrics, read leniently: a broken file
    elsewhere must not stop an import (validate reports it)."""
    from ..load import CONFIG_FILES, RECORD_DIRS
    units = {}
    folder = root / RECORD_DIRS["unit"]
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        data = _yaml_file(path)
        if isinstance(data, dict):
            units.setdefault(str(data.get("id") or path.stem), data)
    data = _yaml_file(root / CONFIG_FILES["metrics"])
    items = data.get("metrics") if isinstance(data, dict) else None
    return units, [m for m in items or [] if isinstance(m, dict) and m.get("id")]


def check_new(root: Path, new: dict[str, str], unit_ids, today: date) -> list:
    """The problems `jingyan validate` would find in the new statistics files.
    Only the configuration and the new files are parsed: a statistics file refers
    to nothing but a unit and the metrics, and the unit records are known by their
    ids (their file names, which validate holds equal to the ids), passed as the
    files `check` must count as existing without reading them."""
    from ..load import CONFIG_FILES, RECORD_DIRS, Document, parse_yaml, read_text
    from ..validate import CONFIG_TYPES, allow_list, check, convert_document
    problems, files = [], []
    for kind, sub in [*CONFIG_FILES.items(), *((rel, rel) for rel in new)]:
        text = new.get(sub)
        if text is None:
            text, problem = read_text(root / sub, root)
            if problem:
                problems.append(problem)
                continue
        node, problem = parse_yaml(text, sub)
        if problem:
            problems.append(problem)
            continue
        doc = Document(sub, kind if kind in CONFIG_TYPES else "stats", node, text)
        files.append(convert_document(doc, allow_list(files)))
    known = [f"{RECORD_DIRS['unit']}/{uid}.yml" for uid in unit_ids]
    _, more = check(files, today, known)
    return sorted({p for p in problems + more if p.path in new})


def run(args) -> int:
    from . import inputs_ready
    root = Path(args.root)
    path = Path(args.file)
    if not inputs_ready(root, path, IM.STATS_FILE_MISSING):
        return 1
    try:
        book = open_table(path)
    except TableError as e:
        say(str(e), file=sys.stderr)
        return 1
    units, metrics = units_and_metrics(root)
    today = date.today()
    reader = TableReader(path.name, units, metrics, today)
    try:
        for sheet in book.sheets:
            reader.read(sheet)
    except Exception:  # a workbook damaged past its first bytes: say so, no traceback
        say(IM.STATS_XLSX_BROKEN.format(name=path.name) + IM.STATS_SAVE_AS, file=sys.stderr)
        return 1
    finally:
        book.close()
    imported = reader.out
    for line in book.notes + imported.notes:
        say(line)
    if imported.problems:
        for p in imported.problems:
            say(f"{p.path}: {p.message}")
        say(IM.STATS_NOTHING_WRITTEN.format(n=len(imported.problems)), file=sys.stderr)
        return 1
    if not imported.values:
        say(IM.STATS_NO_DATA, file=sys.stderr)
        return 1

    order = [m["id"] for m in metrics]
    names = {m["id"]: m.get("name", m["id"]) for m in metrics}
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
            say(m)
        say(IM.STATS_NOTHING_WRITTEN.format(n=len(problems)), file=sys.stderr)
        return 1
    if not plans:
        say(IM.STATS_NO_CHANGE)
        return 0
    found = check_new(root, {rel: text for rel, text, *_ in plans}, units, today)
    if found:
        say(IM.STATS_VALIDATION)
        for p in found:
            say(p.format())
        return 1
    n_changes = 0
    for rel, text, created, changes, notes, months in plans:
        if created:
            say(IM.STATS_CREATED.format(path=rel, n=len(months)))
        else:
            say(IM.STATS_UPDATED.format(path=rel))
            for line in changes:
                say(line)
            n_changes += len(changes)
        for line in notes:
            say(line)
    if args.dry_run:
        say(IM.STATS_DRY_RUN)
        return 0
    for rel, text, *_ in plans:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(target)
    say(IM.STATS_SUMMARY.format(cells=imported.cells, files=len(plans), changed=n_changes))
    return 0
