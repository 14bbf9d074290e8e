"""`jingyan schema`: JSON Schema files derived from the record types in model.py.

What the schema says is what the validator checks of a single file read as an
editor reads it (YAML 1.1 → JSON), where a JSON Schema can say it: types and
fields, ids (not reserved ones), months 1–12, real calendar days, years from
YEAR_MIN, URLs, non-blank text without control or invisible format characters,
the validator's limits on text lengths and list sizes, a templates_dir inside the
repository, an outcome with exactly one of value and change, waivers naming a
field of their record, a station or post naming its parent.
References, the unit hierarchy, privacy, duplicates, file layout and dates
relative to today need the whole repository or the day: only `jingyan validate`
checks those. tests/test_schema.py holds the two in step.
"""
from __future__ import annotations

import dataclasses
import json
import re
import typing
from pathlib import Path

from .. import model
from ..validate import RESERVED_IDS, YEAR_MIN, _hints, is_required, list_max, record_fields, text_max

SCHEMA_DIR = "site_config/schema"
SCHEMA_URI = "http://json-schema.org/draft-07/schema#"  # the canonical draft-07 URI


def ecma(pattern: str) -> str:
    """A model pattern as ECMA-262 writes it (see model.py: only \\Z differs)."""
    return pattern.replace(r"\Z", r"$(?!\n)")


def year_at_least(year: int) -> re.Pattern:
    """Text that starts with a four-digit year no earlier than `year` (the validator's
    YEAR_MIN for months and dates): that year, or a larger digit at some place."""
    digits = f"{year:04d}"
    larger = [digits[:i] + f"[{int(d) + 1}-9]" + "[0-9]" * (3 - i)
              for i, d in enumerate(digits) if d != "9"]
    return re.compile("^(?:" + "|".join([digits, *larger]) + ")")


_PATTERNS = {"id": model.ID_RE, "metric-id": model.METRIC_ID_RE, "month": model.MONTH_RE,
             "date": model.CALENDAR_DATE_RE, "url": model.URL_RE}
_YEAR_FROM = year_at_least(YEAR_MIN)
# months: 1–12, as the key reads in JSON; a quoted "03" is accepted by the validator too
_MONTH_KEY = ecma(r"^0*([1-9]|1[0-2])\Z")
_NULL = {"type": "null"}


def refuse(pattern: re.Pattern) -> dict:
    """Text in which `pattern` finds something is refused (`pattern` alone ignores
    what is not text, so `not` would refuse a number: say "text" too)."""
    return {"not": {"type": "string", "pattern": ecma(pattern.pattern)}}


_NOT_TEXT = refuse(model.BAD_TEXT_RE)  # controls, bidi and zero-width characters, lone surrogates


def add_arguments(p):
    p.add_argument("--out", default=SCHEMA_DIR, help=f"输出文件夹（默认 {SCHEMA_DIR}）")


def type_schema(tp, meta: dict) -> dict:
    """`meta`: the field's metadata and its `name` (the validator's limits depend on it)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]: the validator reads null as "not given"
        return type_schema(next(a for a in args if a is not type(None)), meta)
    if dataclasses.is_dataclass(tp):
        return class_schema(tp)
    if origin is list:
        out = {"type": "array", "items": type_schema(args[0], dict(meta, tag=meta["name"] == "tags")),
               "maxItems": list_max(meta["name"])}
        if meta.get("min_items"):
            out["minItems"] = meta["min_items"]
        return out
    if origin is dict:  # months: 1–12 → metric → number
        return {"type": "object", "propertyNames": {"pattern": _MONTH_KEY},
                "additionalProperties": {"type": "object", "propertyNames": _NOT_TEXT,
                                         "additionalProperties": {"type": "number", "minimum": 0}}}
    if tp is int and meta["name"] == "year":
        return {"type": "integer", "minimum": YEAR_MIN}
    out = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
           bool: {"type": "boolean"}}[tp].copy()
    if tp is not str:
        return out
    kind = meta.get("kind")
    if meta.get("choices"):
        return {**out, "enum": list(meta["choices"])}
    out["pattern"] = ecma(_PATTERNS.get(kind, model.NOT_BLANK_RE).pattern)  # else: not blank
    out["maxLength"] = text_max(meta["name"], meta.get("tag", False))
    if kind == "id":
        out["maxLength"] = min(out["maxLength"], model.ID_MAX)
    also = []  # one `pattern` (and one `not`) a level: the other conditions
    if kind in ("month", "date"):
        also.append({"pattern": ecma(_YEAR_FROM.pattern)})
    if kind == "id":
        also.append({"not": {"enum": sorted(RESERVED_IDS)}})
    if kind == "repo-path":
        also.append(refuse(model.OUTSIDE_REPO_RE))
    if kind not in _PATTERNS or kind == "url":  # the other patterns take ASCII only
        also.append(_NOT_TEXT)
    if len(also) == 1 and not also[0].keys() & out.keys():
        out.update(also[0])
    elif also:
        out["allOf"] = also
    return out


def class_schema(cls) -> dict:
    props, required = {}, []
    hints = _hints(cls)
    names = [fl.name for fl in record_fields(cls)]
    for fl in record_fields(cls):
        prop = type_schema(hints[fl.name], dict(fl.metadata, name=fl.name))
        if fl.name == "privacy_waivers":  # a waiver names a field of its own record
            waived = prop["items"]["properties"]["field"]
            waived.update(type="string", enum=[n for n in names if n != "privacy_waivers"])
            for key in ("pattern", "maxLength", "not"):
                del waived[key]
        if is_required(fl):
            required.append(fl.name)
        else:  # an optional field left empty (`tags:`) keeps its default
            prop = {"anyOf": [prop, _NULL]}
        props[fl.name] = {"description": fl.metadata["doc"], **prop}
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    exactly_one = getattr(cls, "exactly_one", ())
    if exactly_one:  # one given (not null), and not two
        out["oneOf"] = [{"required": [n], "properties": {n: {"not": _NULL}}} for n in exactly_one]
    conditions = [{"if": {"required": [other], "properties": {other: {"enum": list(values)}}},
                   "then": {"required": [name], "properties": {name: {"not": _NULL}}}}
                  for name, (other, values) in getattr(cls, "required_when", {}).items()]
    if conditions:
        out["allOf"] = conditions
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        out["description"] = cls.__doc__.strip()
    return out


SCHEMAS = {"unit": model.Unit, "practice": model.Practice, "brand": model.Brand,
           "stats": model.MonthlyStats, "metrics": model.MetricsConfig,
           "categories": model.CategoriesConfig, "site": model.SiteConfig}


def schemas() -> dict[str, dict]:
    return {name: {"$schema": SCHEMA_URI, "title": name, **class_schema(cls)}
            for name, cls in SCHEMAS.items()}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def run(args) -> int:
    out = Path(args.root) / args.out
    for path in write_schemas(out):
        print(f"已写入 {path}")
    return 0
