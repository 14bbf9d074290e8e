"""Every check on the records, each returning `Problem(path, line, column, message)`.

Two passes: `convert` turns each YAML node tree into the dataclasses of
`model.py` (shapes, types, YAML 1.1 traps, field formats); the cross-record
checks then look at references, the unit hierarchy, dates and privacy.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
from dataclasses import dataclass
import re
import sys
import typing
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from . import messages as M
from . import model
from .load import RECORD_DIRS, Document, Source, no_gc, parse_source_all, read_tree, walk_nodes
from .model import (DATE_RE, ID_MAX, ID_RE, METRIC_ID_RE, MONTH_RE, URL_RE, Records,
                    Where)
from .naming import slug_from_name
from .privacy import find_personal_data, normalise_allow
from .problems import Problem

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (f"tag:yaml.org,2002:{t}" for t in
                                          ("str", "int", "float", "bool", "null", "timestamp"))
_LEADING_ZERO = re.compile(r"[-+]?0\d+")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")

# ------------------------------------------------------------ limits
# Far beyond any real record (the longest summary among the sample records is
# a few hundred characters), low enough that a record cannot stall the build:
# Markdown, search segmentation and the page size all grow with the text.
# docs/guide/errors.md lists them for staff; keep the two in step.
TEXT_MAX = {"name": 100, "title": 200, "summary": 5000, "detail": 5000, "description": 5000}
TEXT_MAX_OTHER = 1000  # label, publisher, period, reason, note, ...: a line of text
TAGS_MAX, TAG_LEN_MAX = 50, 30
LIST_MAX = 200  # measures, outcomes, sources, components, units, categories, waivers
UNIT_DEPTH_MAX = 10  # ministry → province → city → county → station → post is six
YEAR_MIN = 1949
RESERVED_IDS = frozenset({"index", "con", "prn", "aux", "nul",
                          *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})

def text_max(key: str, tag: bool = False) -> int:
    """The length limit of a text field (of an item of `tags` when `tag`)."""
    return TAG_LEN_MAX if tag else TEXT_MAX.get(key, TEXT_MAX_OTHER)


def list_max(key: str) -> int:
    return TAGS_MAX if key == "tags" else LIST_MAX


_BAD_TEXT = model.BAD_TEXT_RE  # lone surrogates, controls, non-characters, bidi, zero-width
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.tag == NULL


def node_keys(node: yaml.MappingNode) -> set:
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _closest(word: str, options) -> str | None:
    near = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return near[0] if near else None


def _nearest(word: str, options) -> str:
    near = _closest(word, options)
    return M.DID_YOU_MEAN.format(near=near) if near else ""


@lru_cache(maxsize=None)
def _hints(cls):
    return typing.get_type_hints(cls)


def record_fields(cls) -> list[dataclasses.Field]:
    return [fl for fl in dataclasses.fields(cls) if not fl.metadata.get("internal")]


def is_required(fl: dataclasses.Field) -> bool:
    return fl.default is dataclasses.MISSING and fl.default_factory is dataclasses.MISSING


def _partial(cls, values: dict, where: Where):
    """An instance of `cls` from whatever converted, None where nothing usable was
    given. Only ever checked, never built into `Records`."""
    obj = cls.__new__(cls)
    for fl in dataclasses.fields(cls):
        if values.get(fl.name) is not None:
            v = values[fl.name]
        elif fl.default is not dataclasses.MISSING:
            v = fl.default
        elif fl.default_factory is not dataclasses.MISSING:
            v = fl.default_factory()
        else:
            v = None
        setattr(obj, fl.name, v)
    obj.where = where
    return obj


MAX_PROBLEMS_PER_FILE = 100  # beyond this a file is not a record with mistakes: stop, in bounded time


class _TooMany(Exception):
    pass


class Converter:
    """Turns YAML nodes into model dataclasses, collecting problems."""

    def __init__(self, path: str, source: str = ""):
        self.path = path
        self.source = source  # the file's text: places a character inside a scalar
        self.problems: list[Problem] = []
        self.broken: set[tuple[type, str]] = set()  # (record type, id) that failed to convert
        # the last record that failed to convert, with None for what was unusable: the
        # cross-record checks still look at the rest, so one run reports every problem
        self.partial = None

    def problem(self, node_or_pos, message: str) -> None:
        line, col = _pos(node_or_pos) if isinstance(node_or_pos, yaml.Node) else node_or_pos
        self.problems.append(Problem(self.path, line, col, message))
        if len(self.problems) >= MAX_PROBLEMS_PER_FILE:
            raise _TooMany()

    # -- scalars ----------------------------------------------------------
    def scalar(self, node: yaml.Node, tp, meta: dict):
        if not isinstance(node, yaml.ScalarNode):
            got = M.got_name(node)
            self.problem(node, M.EXPECT_TEXT.format(got=got) if tp is str else
                         M.EXPECT_BOOL_GOT.format(got=got) if tp is bool else
                         M.EXPECT_NUMBER_GOT.format(got=got))
            return None
        text, plain = node.value, node.style is None
        if plain and node.tag == NULL and tp is not str:
            self.problem(node, M.EMPTY_NUMBER if tp in (int, float) else M.EXPECT_BOOL.format(value=text))
            return None
        if tp is bool:
            if node.tag == BOOL and text.lower() in ("true", "false"):
                return text.lower() == "true"
            if not plain and text.strip().lower() in ("true", "false"):
                self.problem(node, M.QUOTED_BOOL.format(value=text, plain=text.strip().lower()))
            else:
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
            if tp is float and node.tag == FLOAT:
                try:  # YAML 1.1 floats include "._" and "1:30.5", which Python refuses
                    number = float(text.replace("_", ""))
                except ValueError:
                    number = None
                if number is not None and number == number and abs(number) != float("inf"):
                    return number
            if not plain and _NUMBER.fullmatch(text.strip()) and (tp is float or "." not in text):
                self.problem(node, M.QUOTED_NUMBER.format(value=text.strip()))
                return None
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
                try:
                    number = yaml.safe_load(text)  # what YAML 1.1 makes of it: 12:30 → 750
                except yaml.YAMLError:
                    number = text
                self.problem(node, M.TRAP_SEXAGESIMAL.format(value=text, number=number))
                return None
            elif node.tag == NULL:
                self.problem(node, M.EMPTY_ITEM if not text else M.TRAP_NULL.format(value=text))
                return None
            elif node.tag in (INT, FLOAT):
                self.problem(node, M.TRAP_NUMBER.format(value=text))
                return None
        return self.check_format(node, text, meta)

    def bad_text(self, node: yaml.ScalarNode) -> bool:
        """Reports (once a scalar) a character that is not text; True if found."""
        m = _BAD_TEXT.search(node.value)
        if not m:
            return False
        ch = m.group(0)
        code = f"U+{ord(ch):04X}"
        message = (M.TEXT_SURROGATE if "\ud800" <= ch <= "\udfff" else
                   M.TEXT_NONCHAR if ch in "\ufffe\uffff" else
                   M.TEXT_BIDI if _BIDI.match(ch) else
                   M.TEXT_ZERO_WIDTH if "\u200b" <= ch <= "\u2064" or ch == "\ufeff" else
                   M.TEXT_CONTROL).format(code=code)
        self.problem(_char_pos(node, self.source, ch), message)
        return True

    def too_long(self, node, text: str, meta: dict) -> bool:
        key = meta.get("name", "")
        limit = text_max(key, meta.get("tag", False))
        if meta.get("tag"):
            if len(text) > limit:
                self.problem(node, M.TAG_TOO_LONG.format(value=text[:20] + "…", n=len(text), max=limit))
                return True
        elif len(text) > limit:
            self.problem(node, M.TEXT_TOO_LONG.format(key=key, n=f"{len(text):,}", max=f"{limit:,}"))
            return True
        return False

    def check_format(self, node, text: str, meta: dict):
        kind, choices = meta.get("kind"), meta.get("choices")
        if self.bad_text(node) or self.too_long(node, text, meta):
            return None
        if not text.strip():
            self.problem(node, M.EMPTY_VALUE.format(key=meta.get("name", ""), doc=meta.get("doc", "")))
            return None
        if choices and text not in choices:
            self.problem(node, M.BAD_CHOICE.format(value=text, choices="、".join(choices)))
            return None
        # fullmatch: "$" alone would let a trailing newline through
        if kind == "id" and not (ID_RE.fullmatch(text) and len(text) <= ID_MAX):
            self.problem(node, M.BAD_ID.format(value=text))
            return None
        if kind == "id" and text in RESERVED_IDS:
            self.problem(node, M.RESERVED_ID.format(
                value=text, why=M.RESERVED_INDEX if text == "index" else M.RESERVED_DEVICE))
            return None
        if kind == "month":
            m = MONTH_RE.fullmatch(text)
            if not m or not 1 <= int(m.group(2)) <= 12:
                self.problem(node, M.BAD_MONTH.format(value=text))
                return None
        if kind == "date":
            m = DATE_RE.fullmatch(text)
            try:
                date(*map(int, m.groups())) if m else None
            except ValueError:
                m = None
            if not m:
                self.problem(node, M.BAD_DATE.format(value=text))
                return None
        if kind in ("month", "date") and int(text[:4]) < YEAR_MIN:
            self.problem(node, M.YEAR_TOO_EARLY.format(value=text, min=YEAR_MIN))
            return None
        if kind == "url":
            return self.url(node, text)
        return text

    def url(self, node, text: str):
        bad = re.search(r"[\s\\<>\"']", text)  # what URL_RE refuses, named
        if bad:
            ch = bad.group(0)
            name = {" ": "空格", "\u3000": "全角空格", "\n": "换行", "\t": "制表符", "\\": "反斜杠“\\”"}.get(
                ch, f"“{ch}”" if ch.isprintable() else f"U+{ord(ch):04X}")
            self.problem(node, (M.BAD_URL_SPACE if ch.isspace() else M.BAD_URL_CHAR).format(
                value=text.strip(), char=name))
            return None
        if not URL_RE.fullmatch(text):
            self.problem(node, M.BAD_URL.format(value=text))
            return None
        return text

    # -- containers ---------------------------------------------------------
    def value(self, node: yaml.Node, tp, meta: dict, where: Where, key: str):
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Union:  # Optional[X]
            if _is_null(node):
                return None
            tp = next(a for a in args if a is not type(None))
            origin, args = typing.get_origin(tp), typing.get_args(tp)
        if dataclasses.is_dataclass(tp):
            return self.record(node, tp)
        if origin is list:
            if not isinstance(node, yaml.SequenceNode):
                if isinstance(node, yaml.ScalarNode) and node.value.strip() and args[0] is str:
                    self.problem(node, M.EXPECT_LIST_ONE.format(value=node.value))
                else:
                    self.problem(node, M.EXPECT_LIST.format(got=M.got_name(node)))
                return []
            if len(node.value) < meta.get("min_items", 0):
                self.problem(node, M.TOO_FEW_ITEMS.format(key=key, n=meta["min_items"]))
            most = list_max(key)
            if len(node.value) > most:  # stop here: 100,000 tags would exhaust the build
                self.problem(node, M.LIST_TOO_LONG.format(key=key, n=f"{len(node.value):,}", max=most))
                return []
            if key == "tags":
                meta = dict(meta, tag=True)
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

    def mapping_items(self, node: yaml.MappingNode, duplicate: str = M.YAML_DUP_KEY):
        """(key node, key text, value node) of a mapping; reports duplicate and
        non-text keys (`[a, b]: c`) and leaves them out."""
        seen: dict[str, int] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                self.problem(k, M.YAML_KEY_NOT_TEXT.format(got=M.got_name(k)))
                continue
            if self.bad_text(k):
                continue
            name = k.value
            if name in seen:
                self.problem(k, duplicate.format(key=name, month=name, line=seen[name]))
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
        values, misspelt, present = {}, set(), node_keys(node)
        for k, name, v in self.mapping_items(node):
            fl = flds.get(name)
            if fl is None:
                near = _closest(name, [n for n in flds if n not in present])
                misspelt.add(near)
                hint = M.DID_YOU_MEAN.format(near=near) if near else \
                    M.ALLOWED_FIELDS.format(names="、".join(flds))
                self.problem(k, M.UNKNOWN_FIELD.format(key=name, hint=hint))
                continue
            where.keys[name] = _pos(k)
            where.keys[name + "="] = _pos(v)  # the value: what cross-record checks point at
            if _is_null(v):  # `key:` with nothing, `~` or `null`
                if is_required(fl):
                    doc = fl.metadata["doc"]
                    self.problem(*((v, M.TRAP_NULL_REQUIRED.format(value=v.value, key=name, doc=doc))
                                   if v.value and hints[name] is str
                                   else (k, M.EMPTY_VALUE.format(key=name, doc=doc))))
                    values[name] = None
                continue  # an optional field left empty keeps its default
            meta = dict(fl.metadata, name=name)
            values[name] = self.value(v, hints[name], meta, where, name)
        for name, fl in flds.items():
            # `nmae:` has already been reported as "did you mean name?"; once is enough
            if name not in where.keys and is_required(fl) and name not in misspelt:
                self.problem(node, M.MISSING_FIELD.format(key=name, doc=fl.metadata["doc"]))
        if cls is model.Practice and values.get("status") == "draft" and values.get("unlinked_units") \
                and values.get("units") == []:
            # an imported draft none of whose units has a record yet: the
            # unlinked-unit warnings ask for them; published, it is an error again
            empty = Problem(self.path, *where.keys["units="], M.TOO_FEW_ITEMS.format(key="units", n=1))
            self.problems = [pr for pr in self.problems if pr != empty]
        # Go on with what is usable, so cross-record checks still run on the
        # rest of the file: one run reports every problem, not just the first.
        if any(is_required(fl) and values.get(n) is None for n, fl in flds.items()):
            if "id" in flds and isinstance(values.get("id"), str):
                self.broken.add((cls, values["id"]))  # exists, though unusable
            self.partial = _partial(cls, values, where)
            return None
        return cls(**{k: v for k, v in values.items() if v is not None}, where=where)

    def months(self, node: yaml.Node, where: Where) -> dict[int, dict[str, float]]:
        """`months:` of a stats file: month (1–12) → metric id → number."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, M.EXPECT_MAPPING.format(got=M.got_name(node)))
            return {}
        out: dict[int, dict[str, float]] = {}
        for k, name, v in self.mapping_items(node, M.MONTH_DUPLICATE):
            if k.style is None and _LEADING_ZERO.fullmatch(name):
                self.problem(k, M.MONTH_LEADING_ZERO.format(value=name, fixed=int(name, 10)))
                continue
            # a quoted "3" is unambiguous; 3.0, 0x3 or 十二 are not months
            if not (k.tag in (INT, STR) and name.isascii() and name.isdigit() and 1 <= int(name) <= 12):
                self.problem(k, M.MONTH_RANGE.format(value=name))
                continue
            month = int(name)
            if f"months.{month}" in where.keys:
                self.problem(k, M.MONTH_DUPLICATE.format(month=month, line=where.keys[f"months.{month}"][0]))
                continue
            where.keys[f"months.{month}"] = _pos(k)
            if _is_null(v):
                self.problem(k, M.MONTH_EMPTY.format(month=month))
                continue
            if not isinstance(v, yaml.MappingNode):
                self.problem(v, M.EXPECT_MAPPING.format(got=M.got_name(v)))
                continue
            row = {}
            for mk, metric, mv in self.mapping_items(v):
                where.keys[f"months.{month}.{metric}"] = _pos(mk)
                if _is_null(mv):  # left blank in the `jingyan new stats` skeleton: no figure
                    continue
                number = self.scalar(mv, float, {})
                if number is not None:
                    row[metric] = number
                    where.keys[f"value.{month}.{metric}"] = _pos(mv)
            if row or not v.value:  # a month whose figures are all blank has no data
                out[month] = row
        return out


# ------------------------------------------------------------ cross-record checks

CONFIG_TYPES = {"site": model.SiteConfig, "metrics": model.MetricsConfig,
                "categories": model.CategoriesConfig}


def _ref_problem(where: Where, key: str, what: str, value: str, known) -> Problem:
    hint = _nearest(value, sorted(known)) or M.NO_SUCH_HINT.format(folder=M.RECORD_FOLDERS[what])
    return Problem(*where.at(key), M.UNKNOWN_REF.format(what=M.RECORD_NAMES[what], value=value, hint=hint))


def filename_advice(name: str, rid: str) -> str:
    """File name and id disagree: rename the file to the id, or take the id the
    file name stands for, but only when that is a valid id (新旗警务室.yml:
    its pinyin id, as `jingyan new` makes it, not the Chinese name)."""
    stem = Path(name).stem
    # a file named after a personal number is no id to suggest either
    if ID_RE.fullmatch(stem) and len(stem) <= ID_MAX and stem not in RESERVED_IDS \
            and not find_personal_data(stem):
        return M.FILENAME_ID.format(name=name, id=rid, stem=stem)
    message = M.FILENAME_ID_ONLY.format(name=name, id=rid, stem=stem)
    slug = slug_from_name(stem)
    if slug and slug != rid and ID_RE.fullmatch(slug) and slug not in RESERVED_IDS and not find_personal_data(slug):
        message = message[:-1] + M.FILENAME_OR_SLUG.format(slug=slug) + "。"
    return message


def templates_dir_problem(value: str) -> str | None:
    """A site's template folder must be a relative path inside the repository:
    templates are code (Jinja runs them), so only reviewed ones may run."""
    p = value.replace("\\", "/")
    norm = Path(p).as_posix()
    if p.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", p) or ".." in norm.split("/") \
            or not norm.strip("./"):
        return M.TEMPLATES_DIR_OUTSIDE.format(value=value)
    return None


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
            if r.id is None:  # unusable id, already reported
                continue
            stem = Path(r.where.path).stem
            if stem != r.id:
                self.add(r.where, "id=", filename_advice(Path(r.where.path).name, r.id))
            if r.id in out:
                self.add(r.where, "id=", M.DUPLICATE_ID.format(id=r.id, other=out[r.id].where.path,
                                                             kind=M.RECORD_NAMES[kind]))
                continue
            out[r.id] = r
        return out

    def unique_items(self, items: list) -> dict:
        """Index the items of a configuration list (metrics, categories) by id."""
        out: dict = {}
        for it in items:
            if it.id in out:
                self.add(it.where, "id=", M.DUPLICATE_CONFIG_ID.format(id=it.id, line=out[it.id].where.at("id")[1]))
                continue
            out[it.id] = it
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
            if u.kind is None:  # unusable kind, already reported
                continue
            if u.parent is None:
                # "parent=" known: a parent was written but unusable, and that is reported already
                if u.kind != "bureau" and "parent=" not in u.where.keys:
                    self.add(u.where, "kind=", M.POST_NEEDS_PARENT.format(kind_name=M.KIND_NAMES[u.kind]))
                continue
            parent = units.get(u.parent)
            if parent is None:
                continue  # reported as an unknown reference (or its file is broken)
            if parent.kind is not None and parent.kind not in expected[u.kind]:
                self.add(u.where, "parent=", M.PARENT_KIND.format(
                    kind_name=M.KIND_NAMES[u.kind], parent=u.parent, actual=M.KIND_NAMES[parent.kind],
                    expected="或".join(M.KIND_NAMES[k] for k in expected[u.kind])))
            # a cycle is reported on each unit in it, not on units merely below one;
            # a chain too deep once, on the first unit past the limit
            chain, on_chain, cur = [u.id], {u.id}, parent
            while cur is not None and cur.id not in on_chain:
                chain.append(cur.id)
                on_chain.add(cur.id)
                cur = units.get(cur.parent) if cur.parent else None
            if cur is not None and cur.id == u.id:
                self.add(u.where, "parent=", M.PARENT_CYCLE.format(chain=" → ".join(chain + [u.id])))
            elif cur is None and len(chain) == UNIT_DEPTH_MAX + 1:
                top = list(reversed(chain))
                shown = " → ".join(top[:3] + ["……"] + top[-1:])
                self.add(u.where, "parent=", M.UNIT_TOO_DEEP.format(max=UNIT_DEPTH_MAX, chain=shown))

    def stats(self, s: model.MonthlyStats, units, metrics: dict, known_metrics, seen: dict):
        """`units`, `known_metrics`: ids that exist (broken ones included; None: the
        metrics file itself is broken, so skip); `seen`: (unit, year) → path."""
        parts = Path(s.where.path).parts
        folder, name = parts[-2], parts[-1]
        if s.unit is None or s.unit == folder:  # one message for the folder, not two
            if folder not in units:
                self.add(s.where, "unit=", M.STATS_FOLDER_UNKNOWN.format(folder=folder, hint=_nearest(
                    folder, sorted(units)) or M.NO_SUCH_HINT.format(folder="records/units/")))
        else:
            self.ref(s.where, "unit=", "unit", s.unit, units)
            if s.unit in units:
                self.add(s.where, "unit=", M.STATS_FOLDER_UNIT.format(folder=folder, unit=s.unit))
            elif folder not in units:
                self.add(s.where, "unit=", M.STATS_FOLDER_UNKNOWN.format(
                    folder=folder, hint=M.NO_SUCH_HINT.format(folder="records/units/")))
        if s.year is not None and s.year < YEAR_MIN:
            self.add(s.where, "year=", M.YEAR_TOO_EARLY.format(value=s.year, min=YEAR_MIN))
        elif s.year is not None:  # None: unusable, already reported
            if Path(name).stem != str(s.year):
                self.add(s.where, "year=", M.STATS_FILENAME_YEAR.format(name=name, year=s.year))
            if s.unit is not None and (s.unit, s.year) in seen:
                self.add(s.where, "year=", M.STATS_DUPLICATE.format(unit=s.unit, year=s.year,
                                                                   other=seen[s.unit, s.year]))
            seen.setdefault((s.unit, s.year), s.where.path)
            if s.year > self.today.year:
                self.add(s.where, "year=", M.FUTURE_YEAR.format(year=s.year, today=self.today.isoformat()))
        for month, row in (s.months or {}).items():
            if s.year is not None and s.year <= self.today.year \
                    and (s.year, month) > (self.today.year, self.today.month):
                self.add(s.where, f"months.{month}", M.FUTURE_MONTH.format(
                    value=f"{s.year}-{month:02d}", today=self.today.isoformat()))
            for metric, value in row.items():
                if known_metrics is not None and metric not in known_metrics:
                    hint = _nearest(metric, sorted(known_metrics))
                    self.add(s.where, f"months.{month}.{metric}", M.UNKNOWN_METRIC.format(value=metric, hint=hint))
                elif value < 0:
                    self.add(s.where, f"value.{month}.{metric}", M.NEGATIVE_COUNT.format(
                        metric=metrics[metric].name if metric in metrics else metric, value=f"{value:g}"))


def _privacy(doc: Document, allow: frozenset[str]) -> list[Problem]:
    """Scan every text value of a record, except fields waived in the record."""
    if not isinstance(doc.node, yaml.MappingNode):
        return []
    waived = set()
    for k, v in doc.node.value:
        if k.value == "privacy_waivers" and isinstance(v, yaml.SequenceNode):
            for item in v.value:
                if isinstance(item, yaml.MappingNode):
                    waived |= {iv.value for ik, iv in item.value
                               if ik.value == "field" and isinstance(iv, yaml.ScalarNode)}
    out = []
    for k, v in doc.node.value:
        if isinstance(k, yaml.ScalarNode) and (k.value in waived or k.value == "privacy_waivers"):
            continue
        for node in walk_nodes(k, v):
            if not isinstance(node, yaml.ScalarNode):
                continue
            found = find_personal_data(node.value, allow)
            for fnd, (line, col) in zip(found, _locate(node, found, doc.text)):
                out.append(Problem(doc.path, line, col, M.PRIVACY_FOUND.format(
                    kind=M.PRIVACY_KINDS[fnd.kind], masked=fnd.masked)))
                if len(out) >= MAX_PROBLEMS_PER_FILE:
                    return out
    return out


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _char_pos(node: yaml.ScalarNode, text: str, ch: str) -> tuple[int, int]:
    """Line and column of the first `ch` written as itself inside the scalar;
    the scalar's start when the file spells it as an escape ("\\ud842")."""
    start, end = node.start_mark.index, node.end_mark.index
    pos = text.find(ch, start, end) if text else -1
    if pos < 0:
        return _pos(node)
    before = text[start:pos]
    breaks = list(_BREAK.finditer(before))
    if not breaks:
        return node.start_mark.line + 1, node.start_mark.column + 1 + len(before)
    return node.start_mark.line + 1 + len(breaks), len(before) - breaks[-1].end() + 1


def _locate(node: yaml.ScalarNode, found: list, text: str):
    """Line and column, in the file, of each finding (in order) inside the scalar:
    plain, quoted and block scalars alike. Where the file spells the text
    differently (folded across lines, escaped), the scalar's own start."""
    source = text[node.start_mark.index:node.end_mark.index]
    cursor, line, line_start = 0, node.start_mark.line + 1, -node.start_mark.column
    for fnd in found:
        pos = source.find(node.value[fnd.start:fnd.end], cursor)
        if pos < 0:
            yield node.start_mark.line + 1, node.start_mark.column + 1
            continue
        for br in _BREAK.finditer(source, cursor, pos):
            line, line_start = line + 1, br.end()
        cursor = pos + (fnd.end - fnd.start)
        yield line, pos - line_start + 1


def _record_id_of(path: str) -> tuple[str, str] | None:
    """(kind, id) a record file stands for, judged by its path alone."""
    for kind, sub in RECORD_DIRS.items():
        if path.startswith(sub + "/") and kind != "stats":
            return kind, Path(path).stem
    return None


@dataclass
class Converted:
    """One file converted and scanned: all the cross-record checks need of it.
    Depends only on the file (path, kind, text) and the privacy allow-list."""
    path: str
    kind: str
    obj: object | None                 # the record, None when unusable
    partial: object | None             # what did convert of an unusable record
    problems: list[Problem]
    broken: set[tuple[type, str]]      # (record type, id) that failed to convert


def convert_document(doc: Document, allow: frozenset[str] = frozenset()) -> Converted:
    """The first pass on one file: shapes, types, formats, personal data."""
    conv = Converter(doc.path, doc.text)
    cls = CONFIG_TYPES.get(doc.kind) or model.RECORD_KINDS[doc.kind]
    try:
        obj = conv.record(doc.node, cls)
    except _TooMany:
        obj, conv.partial = None, None
        conv.problems.append(Problem(doc.path, 0, 0, M.TOO_MANY_PROBLEMS.format(n=MAX_PROBLEMS_PER_FILE)))
    problems = conv.problems
    if doc.kind in model.RECORD_KINDS:
        problems += _privacy(doc, allow)[:MAX_PROBLEMS_PER_FILE]
        problems += _placeholders(doc, obj if obj is not None else conv.partial)
    partial = conv.partial if obj is None and isinstance(conv.partial, cls) else None
    return Converted(doc.path, doc.kind, obj, partial, problems, conv.broken)


PLACEHOLDER_RE = re.compile(r"（(?:待填写|草稿)：[^）]*）")


def _placeholders(doc: Document, record) -> list[Problem]:
    """Placeholder text that `jingyan new` and `import-article` write (（待填写：…）)
    left in a record that is not a draft: it would be published as it is."""
    if getattr(record, "status", None) == "draft":
        return []
    out = []
    for node in walk_nodes(doc.node):
        if isinstance(node, yaml.ScalarNode) and "：" in node.value:
            for m in PLACEHOLDER_RE.finditer(node.value):
                shift = m.start() + (node.style is not None) if "\n" not in node.value else 0
                out.append(Problem(doc.path, node.start_mark.line + 1, node.start_mark.column + 1 + shift,
                                   M.PLACEHOLDER_LEFT.format(text=m.group(0))))
    return out


def allow_list(configs: list[Converted]) -> frozenset[str]:
    """The privacy allow-list of site.yml (empty while site.yml is unusable)."""
    site = next((c.obj for c in configs if c.kind == "site"), None)
    return normalise_allow(site.privacy_allow if site else [])


def validate(docs: list[Document], today: date | None = None,
             unreadable: list[str] | tuple = ()) -> tuple[Records | None, list[Problem]]:
    """Check every document; build `Records` only when nothing is wrong.

    `unreadable`: paths of record files the loader could not read or parse. Their
    ids (the file names) still count as existing, so that one broken file does not
    make every record that refers to it report an unknown reference too.
    """
    configs = [convert_document(d) for d in docs if d.kind in CONFIG_TYPES]
    allow = allow_list(configs)
    return check(configs + [convert_document(d, allow) for d in docs if d.kind not in CONFIG_TYPES],
                 today, unreadable)


def check(files: list[Converted], today: date | None = None,
          unreadable: list[str] | tuple = ()) -> tuple[Records | None, list[Problem]]:
    """The second pass: references, hierarchy, dates, duplicates (see validate)."""
    today = today or date.today()
    problems: list[Problem] = []
    converted: dict[str, list] = {k: [] for k in ("unit", "practice", "brand", "stats")}
    config: dict[str, object] = {}
    broken: dict[str, set[str]] = {k: set() for k in ("unit", "practice", "brand", "metric", "category")}
    for path in unreadable:
        found = _record_id_of(path)
        if found:
            broken[found[0]].add(found[1])
    kind_of = {model.Unit: "unit", model.Practice: "practice", model.Brand: "brand",
               model.Metric: "metric", model.Category: "category"}
    for f in files:
        problems += f.problems
        for c, i in f.broken:
            if c in kind_of:
                broken[kind_of[c]].add(i)
        if f.obj is None:
            if f.kind in broken:
                broken[f.kind].add(Path(f.path).stem)
            if f.kind in converted and f.partial is not None:
                converted[f.kind].append(f.partial)  # checked, never published
            continue
        if f.kind in CONFIG_TYPES:
            config[f.kind] = f.obj
        else:
            converted[f.kind].append(f.obj)

    ck = Checker(today)
    site = config.get("site")
    if site is not None and site.templates_dir is not None:
        bad = templates_dir_problem(site.templates_dir)
        if bad:
            ck.add(site.where, "templates_dir=", bad)
    metrics = ck.unique_items(getattr(config.get("metrics"), "metrics", []))
    for m in metrics.values():
        if not METRIC_ID_RE.match(m.id):
            ck.add(m.where, "id=", M.BAD_METRIC_ID.format(value=m.id))
    categories = ck.unique_items(getattr(config.get("categories"), "categories", []))
    units = ck.unique("unit", converted["unit"])
    practices = ck.unique("practice", converted["practice"])
    brands = ck.unique("brand", converted["brand"])
    # what a reference may name: the usable records and those whose file is broken
    # (already reported); with a broken configuration file, nothing is checked against it
    known_units, known_brands = set(units) | broken["unit"], set(brands) | broken["brand"]
    known_metrics = set(metrics) | broken["metric"] if "metrics" in config else None
    known_categories = set(categories) | broken["category"] if "categories" in config else None

    if known_metrics is not None:   # 成效对照: the metrics a category looks at first
        for c in categories.values():
            ck.refs(c.where, "metrics", "metric", c.metrics or [], known_metrics)
    # every record is checked (duplicates and partly broken ones too), each once
    for u in converted["unit"]:
        ck.ref(u.where, "parent=", "unit", u.parent, known_units)
    ck.hierarchy(units)
    for p in converted["practice"]:
        ck.refs(p.where, "units", "unit", p.units or [], known_units)
        if known_categories is not None:
            ck.refs(p.where, "categories", "category", p.categories or [], known_categories)
        ck.ref(p.where, "brand=", "brand", p.brand, known_brands)
        if p.period is not None:
            if p.period.start > p.period.end:
                ck.add(p.period.where, "start=", M.PERIOD_ORDER.format(start=p.period.start, end=p.period.end))
            ck.month_not_future(p.period.where, "end=", p.period.end)
        for o in p.outcomes:
            if o.value is None and o.change is None:
                ck.add(o.where, None, M.OUTCOME_NEITHER)
            elif o.value is not None and o.change is not None:
                ck.add(o.where, "change", M.OUTCOME_BOTH)
    for p in converted["practice"]:  # a draft's are warnings (unlinked_unit_warnings), never errors
        if p.status != "draft":
            ck.problems += unlinked_unit_problems(p)
    for b in converted["brand"]:
        ck.ref(b.where, "unit=", "unit", b.unit, known_units)
    for r in [*converted["unit"], *converted["practice"], *converted["brand"]]:
        names = [fl.name for fl in record_fields(type(r)) if fl.name != "privacy_waivers"]
        for w in r.privacy_waivers:
            if w.field not in names:
                hint = _nearest(w.field, names)
                ck.add(w.where, "field=", M.WAIVER_FIELD.format(field=w.field, hint=hint, names="、".join(names)))
    seen_stats: dict[tuple[str, int], str] = {}
    for s in converted["stats"]:
        ck.stats(s, known_units, metrics, known_metrics, seen_stats)
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


def unlinked_unit_problems(p: model.Practice, message: str = M.UNLINKED_UNIT) -> list[Problem]:
    """Units an imported article names that have no record yet: each one, with
    the command that creates it (a record is done once the list is empty)."""
    return [Problem(*p.where.at(f"unlinked_units.{i}"), message.format(name=name))
            for i, name in enumerate(p.unlinked_units or [])]


def unlinked_unit_warnings(records: Records) -> list[Problem]:
    """The same for drafts, as warnings: a draft is never published, so one
    staff member committing an imported draft does not fail everyone's build;
    publishing it (status: published) turns them into errors."""
    return [w for _, p in sorted(records.drafts.items()) for w in unlinked_unit_problems(p, M.WARN_UNLINKED_UNIT)]


def load_records(root: Path, records: Path | None = None, today: date | None = None,
                 cache_dir: Path | None = None) -> tuple[Records | None, list[Problem]]:
    """load → validate: the one way in for the generator, the CLI and the plugin.

    With `cache_dir`, a file whose text is unchanged since an earlier run is
    neither parsed nor converted again (its result is in the memo there); the
    cross-record checks always run on everything.
    """
    from .cache import RECORDS_MEMO, Memo
    with no_gc():
        sources, problems = read_tree(Path(root), records)
        unreadable = [p.path for p in problems]
        memo = Memo(Path(cache_dir) / RECORDS_MEMO, _memo_version()) if cache_dir else None

        def convert(src: Source, allow: frozenset[str]) -> Converted | None:
            key = hashlib.sha256("\0".join([src.kind, src.path, *sorted(allow), src.text])
                                 .encode("utf-8", "surrogatepass")).hexdigest()
            found = memo.get(key) if memo else None
            if found is None:
                doc, found = parse_source_all(src)
                if found:
                    problems.extend(found)
                    unreadable.append(src.path)
                    return None
                found = convert_document(doc, allow)
                if memo:
                    memo.put(key, found)
            return found

        configs = [c for s in sources if s.kind in CONFIG_TYPES if (c := convert(s, frozenset()))]
        allow = allow_list(configs)
        files = configs + [c for s in sources if s.kind not in CONFIG_TYPES if (c := convert(s, allow))]
        result, more = check(files, today, unreadable)
        if memo:
            memo.save()
            (Path(cache_dir) / "records.pickle").unlink(missing_ok=True)   # the one-file memo of older versions
    problems = sorted(set(problems + more))
    return (None if problems else result), problems


@lru_cache(maxsize=1)
def _memo_version() -> str:
    """What a converted file depends on besides its text: this code and PyYAML."""
    from . import cache, load, messages, privacy, problems
    return cache.source_hash(cache, load, messages, model, privacy, problems, sys.modules[__name__]) \
        + yaml.__version__
