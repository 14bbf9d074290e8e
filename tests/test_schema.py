"""`jingyan schema`: JSON Schema files derived from model.py, for editors.

The records that ship must validate against them (read the way an editor's
YAML plugin reads them: yaml.safe_load, dates as text), and broken ones must not.
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BASE, REPO
from generator.cli import main

NAMES = ["unit", "practice", "brand", "stats", "metrics", "categories", "site"]
SHIPPED = REPO / "site_config" / "schema"


def as_json(data):
    """What an editor validates: YAML → JSON (dates become text, month keys strings)."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def load_yaml(path: Path):
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("schema")
    assert main(["schema", "--root", str(root)]) == 0
    out = root / "site_config" / "schema"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.schema.json" for n in NAMES)
    return {n: json.loads((out / f"{n}.schema.json").read_text(encoding="utf-8")) for n in NAMES}


def errors(schema: dict, data) -> list[str]:
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]


def test_schemas_are_valid_draft7(schemas):
    for name, schema in schemas.items():
        jsonschema.Draft7Validator.check_schema(schema)
        assert schema["title"] == name and schema["additionalProperties"] is False


def test_shipped_schema_files_are_up_to_date(schemas):
    """site_config/schema/ is what `jingyan schema` writes today (re-run it after changing model.py)."""
    for name, schema in schemas.items():
        assert json.loads((SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8")) == schema, name


def _record_files(root: Path):
    for kind, folder in (("unit", "units"), ("practice", "practices"), ("brand", "brands")):
        for path in sorted((root / "records" / folder).glob("*.yml")):
            yield kind, path
    for path in sorted((root / "records" / "stats").glob("*/*.yml")):
        yield "stats", path


SHIPPED_FILES = [("site", REPO / "site_config/site.yml"), ("metrics", REPO / "site_config/metrics.yml"),
                 ("categories", REPO / "site_config/categories.yml"),
                 *_record_files(BASE), *_record_files(REPO)]


@pytest.mark.parametrize("kind, path", SHIPPED_FILES,
                         ids=[p.relative_to(REPO).as_posix() for _, p in SHIPPED_FILES])
def test_shipped_records_validate(schemas, kind, path):
    assert errors(schemas[kind], load_yaml(path)) == []


UNIT = {"id": "dongshan-post", "name": "东山警务室", "kind": "post", "parent": "xiagezhuang-pcs",
        "region": {"province": "山东省", "city": "青岛市"}}


@pytest.mark.parametrize("change, expected", [
    ({"kind": None}, "'kind' is a required property"),
    ({"nmae": "x"}, "Additional properties are not allowed ('nmae' was unexpected)"),
    ({"id": "Dongshan-Post"}, "does not match"),
    ({"id": "../../etc"}, "does not match"),
    ({"kind": "警务室"}, "is not one of ['bureau', 'station', 'post']"),
    ({"name": ["东山", "警务室"]}, "is not of type 'string'"),
    ({"name": False}, "False is not of type 'string'"),  # name: no, read as YAML 1.1
    ({"region": {"province": "山东省"}}, "'city' is a required property"),
    ({"privacy_waivers": [{"field": "description"}]}, "'reason' is a required property"),
], ids=lambda v: json.dumps(v, ensure_ascii=False)[:40] if isinstance(v, dict) else None)
def test_broken_unit_fails(schemas, change, expected):
    unit = {**UNIT, **change}
    unit = {k: v for k, v in unit.items() if v is not None}
    assert errors(schemas["unit"], UNIT) == []
    found = errors(schemas["unit"], unit)
    assert any(expected in e for e in found), found


def test_broken_practice_and_stats_fail(schemas):
    practice = load_yaml(BASE / "records/practices/xiagezhuang-sitou.yml")
    assert errors(schemas["practice"], practice) == []
    practice["sources"][0]["url"] = "javascript:alert(1)"
    practice["period"]["start"] = "2019-1"
    practice["categories"] = []
    found = errors(schemas["practice"], practice)
    assert len(found) == 3 and any("[] should be non-empty" in e or "is too short" in e for e in found)

    stats = load_yaml(BASE / "records/stats/xiagezhuang-pcs/2019.yml")
    assert errors(schemas["stats"], stats) == []
    stats["months"]["13"] = {"criminal_cases": 1}
    stats["months"]["1"]["criminal_cases"] = -5
    stats["year"] = "2019"
    found = errors(schemas["stats"], stats)
    assert len(found) == 3, found


def test_a_broken_record_file_fails(schemas, tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("id: x\nname: no\nkind: post\nregion: {province: 山东省}\n", encoding="utf-8")
    found = errors(schemas["unit"], load_yaml(path))
    assert sorted(found) == ["'city' is a required property", "False is not of type 'string'"]
