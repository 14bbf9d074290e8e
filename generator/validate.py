"""Every check on the records, each returning `Problem(path, line, column, message)`.

Two passes: `convert` turns each YAML node tree into the dataclasses of
`model.py` (shapes, types, YAML 1.1 traps, field formats); the cross-record
checks then look at references, the unit hierarchy, dates and privacy.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
import typing
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from . import messages as M
from . import model
from .load import Document, load_tree, walk_nodes
from .model import (DATE_RE, ID_MAX, ID_RE, METRIC_ID_RE, MONTH_RE, URL_RE, Records,
                    Where)
from .privacy import find_personal_data, normalise_allow
from .problems import Problem

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (f"tag:yaml.org,2002:{t}" for t in
                                          ("str", "int", "float", "bool", "null", "timestamp"))
_LEADING_ZERO = re.compile(r"[-+]?0\d+")


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _nearest(word: str, options) -> str:
    near = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return M.DID_YOU_MEAN.format(near=near[0]) if near else ""


@lru_cache(maxsize=None)
def _hints(cls):
    return typing.get_type_hints(cls)


def record_fields(cls) -> list[dataclasses.Field]:
    return [fl for fl in dataclasses.fields(cls) if not fl.metadata.get("internal")]


def is_required(fl: dataclasses.Field) -> bool:
    return fl.default is dataclasses.MISSING and fl.default_factory is dataclasses.MISSING


class Converter:
    """Turns YAML nodes into model dataclasses, collecting problems."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node_or_pos, message: str) -> None:
        line, col = _pos(node_or_pos) if isinstance(node_or_pos, yaml.Node) else node_or_pos
        self.problems.append(Problem(self.path, line, col, message))

    # -- scalars ----------------------------------------------------------
    def scalar(self, node: yaml.Node, tp, meta: dict):
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, M.EXPECT_TEXT.format(got=M.got_name(node)) if tp is str else
                         M.EXPECT_NUMBER.format(value=M.got_name(node).strip("“”")))
            return None
        text, plain = node.value, node.style is None
        if tp is bool:
            if node.tag == BOOL and text in ("true", "false"):
                return text == "true"
            self.problem(node, M.TRAP_BOOL_WORD.format(value=text) if node.tag == BOOL
                         else M.EXPECT_BOOL.format(value=text))
            return None
        if tp in (int, float):
            if plain and _LEADING_ZERO.fullmatch(text):
                self.problem(node, M.TRAP_OCTAL.format(value=text, fixed=int(text, 10)))
                return None
            if node.tag == INT and ":" not in text:
                try:
                    return tp(int(text.replace("_", ""), 0))
                except ValueError:
                    pass
            if tp is float and node.tag == FLOAT and text.lower().lstrip("+-") not in (".inf", ".nan"):
                return float(text.replace("_", ""))
            self.problem(node, (M.EXPECT_INT if tp is int else M.EXPECT_NUMBER).format(value=text))
            return None
        # text
        if plain and node.tag != STR:
            kind = meta.get("kind")
            if node.tag == TIMESTAMP and kind == "date":
                pass  # an unquoted date where a date is wanted means what it says
            elif node.tag == BOOL:
                self.problem(node, M.TRAP_BOOL.format(value=text))
                return None
            elif node.tag == TIMESTAMP:
                self.problem(node, M.TRAP_DATE.format(value=text))
                return None
            elif node.tag == INT and ":" in text:
                number = yaml.safe_load(text)
                self.problem(node, M.TRAP_SEXAGESIMAL.format(value=text, number=number))
                return None
            elif node.tag == NULL:
                self.problem(node, M.TRAP_NULL.format(value=text))
                return None
            elif node.tag in (INT, FLOAT):
                self.problem(node, M.TRAP_NUMBER.format(value=text))
                return None
        return self.check_format(node, text, meta)

    def check_format(self, node, text: str, meta: dict):
        kind, choices = meta.get("kind"), meta.get("choices")
        if not text.strip():
            self.problem(node, M.EMPTY_VALUE.format(key=meta.get("name", ""), doc=meta.get("doc", "")))
            return None
        if choices and text not in choices:
            self.problem(node, M.BAD_CHOICE.format(value=text, choices="、".join(choices)))
            return None
        if kind == "id" and not (ID_RE.match(text) and len(text) <= ID_MAX):
            self.problem(node, M.BAD_ID.format(value=text))
            return None
        if kind == "month":
            m = MONTH_RE.match(text)
            if not m or not 1 <= int(m.group(2)) <= 12:
                self.problem(node, M.BAD_MONTH.format(value=text))
                return None
        if kind == "date":
            m = DATE_RE.match(text)
            try:
                date(*map(int, m.groups())) if m else None
            except ValueError:
                m = None
            if not m:
                self.problem(node, M.BAD_DATE.format(value=text))
                return None
        if kind == "url" and not URL_RE.match(text):
            self.problem(node, M.BAD_URL.format(value=text))
            return None
        return text

    # -- containers ---------------------------------------------------------
    def value(self, node: yaml.Node, tp, meta: dict, where: Where, key: str):
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Union:  # Optional[X]
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
                return None
            tp = next(a for a in args if a is not type(None))
            origin, args = typing.get_origin(tp), typing.get_args(tp)
        if dataclasses.is_dataclass(tp):
            return self.record(node, tp)
        if origin is list:
            if not isinstance(node, yaml.SequenceNode):
                self.problem(node, M.EXPECT_LIST.format(got=M.got_name(node)))
                return []
            if len(node.value) < meta.get("min_items", 0):
                self.problem(node, M.TOO_FEW_ITEMS.format(key=key, n=meta["min_items"]))
            out = []
            for i, item in enumerate(node.value):
                where.keys[f"{key}.{i}"] = _pos(item)
                v = self.value(item, args[0], meta, where, key)
                if v is not None:
                    out.append(v)
            return out
        if origin is dict:
            return self.months(node, where)
        return self.scalar(node, tp, meta)

    def mapping_items(self, node: yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            name = str(k.value)
            if name in seen:
                self.problem(k, M.YAML_DUP_KEY.format(key=name, line=seen[name]))
                continue
            seen[name] = _pos(k)[0]
            yield k, name, v

    def record(self, node: yaml.Node, cls):
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, M.EXPECT_MAPPING.format(got=M.got_name(node)))
            return None
        hints = _hints(cls)
        flds = {fl.name: fl for fl in record_fields(cls)}
        where = Where(self.path, *_pos(node))
        values = {}
        for k, name, v in self.mapping_items(node):
            fl = flds.get(name)
            if fl is None:
                hint = _nearest(name, flds) or M.ALLOWED_FIELDS.format(names="、".join(flds))
                self.problem(k, M.UNKNOWN_FIELD.format(key=name, hint=hint))
                continue
            where.keys[name] = _pos(k)
            meta = dict(fl.metadata, name=name)
            values[name] = self.value(v, hints[name], meta, where, name)
            if values[name] is None and is_required(fl) and isinstance(v, yaml.ScalarNode) \
                    and v.tag == NULL:
                self.problem(k, M.EMPTY_VALUE.format(key=name, doc=fl.metadata["doc"]))
        for name, fl in flds.items():
            if name not in where.keys and is_required(fl):
                self.problem(node, M.MISSING_FIELD.format(key=name, doc=fl.metadata["doc"]))
        # Go on with what is usable, so cross-record checks still run on the
        # rest of the file: one run reports every problem, not just the first.
        if any(is_required(fl) and values.get(n) is None for n, fl in flds.items()):
            return None
        return cls(**{k: v for k, v in values.items() if v is not None}, where=where)

    def months(self, node: yaml.Node, where: Where) -> dict[int, dict[str, float]]:
        """`months:` of a stats file: month (1–12) → metric id → number."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, M.EXPECT_MAPPING.format(got=M.got_name(node)))
            return {}
        out: dict[int, dict[str, float]] = {}
        for k, name, v in self.mapping_items(node):
            if k.style is None and _LEADING_ZERO.fullmatch(name):
                self.problem(k, M.MONTH_LEADING_ZERO.format(value=name, fixed=int(name, 10)))
                continue
            if not (k.tag == INT and name.isdigit() and 1 <= int(name) <= 12):
                self.problem(k, M.MONTH_RANGE.format(value=name))
                continue
            month = int(name)
            where.keys[f"months.{month}"] = _pos(k)
            if not isinstance(v, yaml.MappingNode):
                self.problem(v, M.EXPECT_MAPPING.format(got=M.got_name(v)))
                continue
            row = {}
            for mk, metric, mv in self.mapping_items(v):
                where.keys[f"months.{month}.{metric}"] = _pos(mk)
                number = self.scalar(mv, float, {})
                if number is not None:
                    row[metric] = number
                    where.keys[f"value.{month}.{metric}"] = _pos(mv)
            out[month] = row
        return out


# ------------------------------------------------------------ cross-record checks

CONFIG_TYPES = {"site": model.SiteConfig, "metrics": model.MetricsConfig,
                "categories": model.CategoriesConfig}


def _ref_problem(where: Where, key: str, what: str, value: str, known) -> Problem:
    hint = _nearest(value, known) or M.NO_SUCH_HINT.format(folder=M.RECORD_FOLDERS[what])
    return Problem(*where.at(key), M.UNKNOWN_REF.format(what=M.RECORD_NAMES[what], value=value, hint=hint))


class Checker:
    def __init__(self, today: date):
        self.today = today
        self.problems: list[Problem] = []

    def add(self, where: Where, key: str | None, message: str):
        self.problems.append(Problem(*where.at(key), message))

    def unique(self, kind: str, records: list) -> dict:
        """Index records by id; file name must be the id, and an id used once."""
        out: dict = {}
        for r in records:
            stem = Path(r.where.path).stem
            if stem != r.id:
                self.add(r.where, "id", M.FILENAME_ID.format(name=Path(r.where.path).name, id=r.id, stem=stem))
            if r.id in out:
                self.add(r.where, "id", M.DUPLICATE_ID.format(id=r.id, other=out[r.id].where.path,
                                                             kind=M.RECORD_NAMES[kind]))
                continue
            out[r.id] = r
        return out

    def ref(self, where, key, what, value, known):
        if value is not None and value not in known:
            self.problems.append(_ref_problem(where, key, what, value, known))

    def refs(self, where, key, what, values, known):
        for i, v in enumerate(values):
            if v not in known:
                self.problems.append(_ref_problem(where, f"{key}.{i}", what, v, known))

    def month_not_future(self, where, key, ym: str):
        y, m = map(int, ym.split("-"))
        if (y, m) > (self.today.year, self.today.month):
            self.add(where, key, M.FUTURE_MONTH.format(value=ym, today=self.today.isoformat()))

    def hierarchy(self, units: dict):
        expected = {"station": ("bureau",), "post": ("station",), "bureau": ("bureau",)}
        for u in units.values():
            if u.parent is None:
                if u.kind != "bureau":
                    self.add(u.where, "kind", M.POST_NEEDS_PARENT.format(kind_name=M.KIND_NAMES[u.kind]))
                continue
            parent = units.get(u.parent)
            if parent is None:
                continue  # reported as an unknown reference
            if parent.kind not in expected[u.kind]:
                self.add(u.where, "parent", M.PARENT_KIND.format(
                    kind_name=M.KIND_NAMES[u.kind], parent=u.parent, actual=M.KIND_NAMES[parent.kind],
                    expected="或".join(M.KIND_NAMES[k] for k in expected[u.kind])))
            chain, cur = [u.id], parent
            while cur is not None and cur.parent:
                if cur.id in chain:
                    self.add(u.where, "parent", M.PARENT_CYCLE.format(chain=" → ".join(chain + [cur.id])))
                    break
                chain.append(cur.id)
                cur = units.get(cur.parent)

    def stats(self, s: model.MonthlyStats, units: dict, metrics: dict):
        parts = Path(s.where.path).parts
        folder, name = parts[-2], parts[-1]
        if folder not in units:
            self.add(s.where, "unit", M.STATS_FOLDER_UNKNOWN.format(
                folder=folder, hint=_nearest(folder, units) or M.NO_SUCH_HINT.format(folder="records/units/")))
        elif s.unit != folder:
            self.add(s.where, "unit", M.STATS_FOLDER_UNIT.format(folder=folder, unit=s.unit))
        self.ref(s.where, "unit", "unit", s.unit, units)
        if Path(name).stem != str(s.year):
            self.add(s.where, "year", M.STATS_FILENAME_YEAR.format(name=name, year=s.year))
        if s.year > self.today.year:
            self.add(s.where, "year", M.FUTURE_YEAR.format(year=s.year, today=self.today.isoformat()))
        for month, row in s.months.items():
            if (s.year, month) > (self.today.year, self.today.month) and s.year <= self.today.year:
                self.add(s.where, f"months.{month}", M.FUTURE_MONTH.format(
                    value=f"{s.year}-{month:02d}", today=self.today.isoformat()))
            for metric, value in row.items():
                if metric not in metrics:
                    hint = _nearest(metric, metrics)
                    self.add(s.where, f"months.{month}.{metric}", M.UNKNOWN_METRIC.format(value=metric, hint=hint))
                elif value < 0:
                    self.add(s.where, f"value.{month}.{metric}", M.NEGATIVE_COUNT.format(
                        metric=metrics[metric].name, value=value))


def _privacy(doc: Document, allow: frozenset[str]) -> list[Problem]:
    """Scan every text value of a record, except fields waived in the record."""
    if not isinstance(doc.node, yaml.MappingNode):
        return []
    waived = set()
    for k, v in doc.node.value:
        if k.value == "privacy_waivers" and isinstance(v, yaml.SequenceNode):
            for item in v.value:
                if isinstance(item, yaml.MappingNode):
                    waived |= {iv.value for ik, iv in item.value if ik.value == "field"}
    lines = doc.text.splitlines()
    out = []
    for k, v in doc.node.value:
        if k.value in waived or k.value == "privacy_waivers":
            continue
        for node in walk_nodes(v):
            if not isinstance(node, yaml.ScalarNode):
                continue
            for fnd in find_personal_data(node.value, allow):
                line, col = _locate(node, fnd.start, node.value[fnd.start:fnd.end], lines)
                out.append(Problem(doc.path, line, col, M.PRIVACY_FOUND.format(
                    kind=M.PRIVACY_KINDS[fnd.kind], masked=fnd.masked)))
    return out


def _locate(node: yaml.ScalarNode, offset: int, found: str, lines: list[str]) -> tuple[int, int]:
    """Line and column of text found inside a scalar (block scalars included)."""
    line = node.start_mark.line + node.value.count("\n", 0, offset) + (1 if node.style in "|>" else 0)
    src = lines[line] if line < len(lines) else ""
    col = src.find(found)
    if col < 0:  # folded or escaped: point at the value itself
        return node.start_mark.line + 1, node.start_mark.column + 1
    return line + 1, col + 1


def validate(docs: list[Document], today: date | None = None) -> tuple[Records | None, list[Problem]]:
    """Check every document; build `Records` only when nothing is wrong."""
    today = today or date.today()
    problems: list[Problem] = []
    converted: dict[str, list] = {k: [] for k in ("unit", "practice", "brand", "stats")}
    config: dict[str, object] = {}
    for doc in docs:
        conv = Converter(doc.path)
        cls = CONFIG_TYPES.get(doc.kind) or model.RECORD_KINDS[doc.kind]
        obj = conv.record(doc.node, cls)
        problems += conv.problems
        if obj is None:
            continue
        if doc.kind in CONFIG_TYPES:
            config[doc.kind] = obj
        else:
            converted[doc.kind].append(obj)
    site = config.get("site")
    allow = normalise_allow(site.privacy_allow if site else [])
    for doc in docs:
        if doc.kind in model.RECORD_KINDS:
            problems += _privacy(doc, allow)

    ck = Checker(today)
    metrics = {}
    for m in getattr(config.get("metrics"), "metrics", []):
        if not METRIC_ID_RE.match(m.id):
            ck.add(m.where, "id", M.BAD_METRIC_ID.format(value=m.id))
        metrics[m.id] = m
    categories = {c.id: c for c in getattr(config.get("categories"), "categories", [])}
    units = ck.unique("unit", converted["unit"])
    practices = ck.unique("practice", converted["practice"])
    brands = ck.unique("brand", converted["brand"])

    for u in units.values():
        ck.ref(u.where, "parent", "unit", u.parent, units)
    ck.hierarchy(units)
    for p in practices.values():
        ck.refs(p.where, "units", "unit", p.units, units)
        ck.refs(p.where, "categories", "category", p.categories, categories)
        ck.ref(p.where, "brand", "brand", p.brand, brands)
        if p.period.start > p.period.end:
            ck.add(p.period.where, "start", M.PERIOD_ORDER.format(start=p.period.start, end=p.period.end))
        ck.month_not_future(p.period.where, "end", p.period.end)
        for o in p.outcomes:
            if (o.value is None) == (o.change is None):
                ck.add(o.where, None, M.OUTCOME_ONE_OF)
    for b in brands.values():
        ck.ref(b.where, "unit", "unit", b.unit, units)
    for r in [*units.values(), *practices.values(), *brands.values()]:
        names = [fl.name for fl in record_fields(type(r))]
        for w in r.privacy_waivers:
            if w.field not in names:
                ck.add(w.where, "field", M.WAIVER_FIELD.format(field=w.field, names="、".join(names)))
    seen_stats: set[tuple[str, int]] = set()
    for s in converted["stats"]:
        ck.stats(s, units, metrics)
        seen_stats.add((s.unit, s.year))
    problems += ck.problems
    if problems or not all(k in config for k in CONFIG_TYPES):
        return None, sorted(set(problems))
    records = Records(
        site=config["site"], metrics=metrics, categories=categories, units=units,
        practices={k: p for k, p in practices.items() if p.status == "published"},
        drafts={k: p for k, p in practices.items() if p.status == "draft"},
        brands=brands,
        stats=sorted(converted["stats"], key=lambda s: (s.unit, s.year)))
    return records, []


def load_records(root: Path, records: Path | None = None,
                 today: date | None = None) -> tuple[Records | None, list[Problem]]:
    """load → validate: the one way in for the generator, the CLI and the plugin."""
    docs, problems = load_tree(Path(root), records)
    result, more = validate(docs, today)
    problems = sorted(set(problems + more))
    return (None if problems else result), problems
