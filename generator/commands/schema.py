"""`jingyan schema`: JSON Schema files derived from the record types in model.py.

What the schema says is what the validator checks of a single file read as an
editor reads it (YAML 1.1 → JSON), where a JSON Schema can say it: types and
fields, ids, months 1–12, real calendar days, URLs, non-blank text, an outcome
with exactly one of value and change, waivers naming a field of their record, a
station or post naming its parent.
References, privacy, duplicates and file layout need the whole repository:
only `jingyan validate` checks those. tests/test_schema.py holds the two in step.
"""
from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

from .. import model
from ..validate import _hints, is_required, record_fields

SCHEMA_DIR = "site_config/schema"
SCHEMA_URI = "http://json-schema.org/draft-07/schema#"  # the canonical draft-07 URI


def ecma(pattern: str) -> str:
    """A model pattern as ECMA-262 writes it (see model.py: only \\Z differs)."""
    return pattern.replace(r"\Z", "$")


_PATTERNS = {"id": model.ID_RE, "metric-id": model.METRIC_ID_RE, "month": model.MONTH_RE,
             "date": model.CALENDAR_DATE_RE, "url": model.URL_RE}
_MAX_LENGTH = {"id": model.ID_MAX}
# months: 1–12, as the key reads in JSON; a quoted "03" is accepted by the validator too
_MONTH_KEY = "^0*([1-9]|1[0-2])$"
_NULL = {"type": "null"}


def add_arguments(p):
    p.add_argument("--out", default=SCHEMA_DIR, help=f"输出文件夹（默认 {SCHEMA_DIR}）")


def type_schema(tp, meta: dict) -> dict:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]: the validator reads null as "not given"
        return type_schema(next(a for a in args if a is not type(None)), meta)
    if dataclasses.is_dataclass(tp):
        return class_schema(tp)
    if origin is list:
        out = {"type": "array", "items": type_schema(args[0], meta)}
        if meta.get("min_items"):
            out["minItems"] = meta["min_items"]
        return out
    if origin is dict:  # months: 1–12 → metric → number
        return {"type": "object", "propertyNames": {"pattern": _MONTH_KEY},
                "additionalProperties": {"type": "object",
                                         "additionalProperties": {"type": "number", "minimum": 0}}}
    out = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
           bool: {"type": "boolean"}}[tp].copy()
    kind = meta.get("kind")
    if meta.get("choices"):
        out["enum"] = list(meta["choices"])
    elif kind in _PATTERNS:
        out["pattern"] = ecma(_PATTERNS[kind].pattern)
        if kind in _MAX_LENGTH:
            out["maxLength"] = _MAX_LENGTH[kind]
    elif tp is str:  # the validator refuses empty and all-blank text
        out["pattern"] = ecma(model.NOT_BLANK_RE.pattern)
    return out


def class_schema(cls) -> dict:
    props, required = {}, []
    hints = _hints(cls)
    names = [fl.name for fl in record_fields(cls)]
    for fl in record_fields(cls):
        prop = type_schema(hints[fl.name], fl.metadata)
        if fl.name == "privacy_waivers":  # a waiver names a field of its own record
            waived = prop["items"]["properties"]["field"]
            del waived["pattern"]
            waived["enum"] = [n for n in names if n != "privacy_waivers"]
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
