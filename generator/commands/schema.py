"""`jingyan schema`: JSON Schema files derived from the record types in model.py."""
from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

from .. import model
from ..validate import _hints, is_required, record_fields

SCHEMA_DIR = "site_config/schema"
_PATTERNS = {"id": model.ID_RE.pattern, "month": model.MONTH_RE.pattern,
             "date": model.DATE_RE.pattern, "url": model.URL_RE.pattern}


def add_arguments(p):
    p.add_argument("--out", default=SCHEMA_DIR, help=f"输出文件夹（默认 {SCHEMA_DIR}）")


def type_schema(tp, meta: dict) -> dict:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]: the validator reads null as "not given"
        inner = next(a for a in args if a is not type(None))
        return {"anyOf": [type_schema(inner, meta), {"type": "null"}]}
    if dataclasses.is_dataclass(tp):
        return class_schema(tp)
    if origin is list:
        out = {"type": "array", "items": type_schema(args[0], meta)}
        if meta.get("min_items"):
            out["minItems"] = meta["min_items"]
        return out
    if origin is dict:  # months: 1–12 → metric → number
        return {"type": "object", "propertyNames": {"pattern": "^([1-9]|1[0-2])$"},
                "additionalProperties": {"type": "object",
                                         "additionalProperties": {"type": "number", "minimum": 0}}}
    out = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
           bool: {"type": "boolean"}}[tp].copy()
    if meta.get("choices"):
        out["enum"] = list(meta["choices"])
    if meta.get("kind") in _PATTERNS:
        out["pattern"] = _PATTERNS[meta["kind"]]
    return out


def class_schema(cls) -> dict:
    props, required = {}, []
    hints = _hints(cls)
    for fl in record_fields(cls):
        props[fl.name] = {"description": fl.metadata["doc"], **type_schema(hints[fl.name], fl.metadata)}
        if is_required(fl):
            required.append(fl.name)
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        out["description"] = cls.__doc__.strip()
    return out


SCHEMAS = {"unit": model.Unit, "practice": model.Practice, "brand": model.Brand,
           "stats": model.MonthlyStats, "metrics": model.MetricsConfig,
           "categories": model.CategoriesConfig, "site": model.SiteConfig}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, cls in SCHEMAS.items():
        schema = {"$schema": "https://json-schema.org/draft-07/schema#", "title": name, **class_schema(cls)}
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def run(args) -> int:
    out = Path(args.root) / args.out
    for path in write_schemas(out):
        print(f"已写入 {path}")
    return 0
