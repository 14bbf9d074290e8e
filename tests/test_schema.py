"""`jingyan schema`: JSON Schema files derived from model.py, for editors.

The records that ship must validate against them (read the way the editor reads
them: YAML 1.1, dates as text), and what the validator refuses in a single file
must be refused by the schema too, unless a JSON Schema cannot say it: the
bad-records corpus holds the two in step (NOT_EXPRESSIBLE lists the exceptions).
Patterns must mean the same in JavaScript (Unicode mode) as in Python.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from ci_tools import program, unavailable
from conftest import BAD, BASE, REPO, TODAY, make_repo
from generator.cli import main

NAMES = ["unit", "practice", "brand", "stats", "metrics", "categories", "site"]
SHIPPED = REPO / "site_config" / "schema"


class EditorLoader(yaml.SafeLoader):
    """YAML 1.1 as the editor reads it (`yaml.yamlVersion: "1.1"`): `no` is false and
    `07` is 7, but a date is text (JSON has no dates, and 2020-02-30 is no error here)."""


EditorLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def as_json(data):
    """What an editor validates: YAML → JSON (month keys become strings)."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def load_yaml(path: Path):
    return as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader))


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("schema")
    assert main(["schema", "--root", str(root)]) == 0
    out = root / "site_config" / "schema"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.schema.json" for n in NAMES)
    return {n: json.loads((out / f"{n}.schema.json").read_text(encoding="utf-8")) for n in NAMES}


def errors(schema: dict, data) -> list[str]:
    """The schema's complaints; for an optional field (anyOf: the value or null),
    what is wrong with the value, as an editor shows it."""
    out = []
    for e in jsonschema.Draft7Validator(schema).iter_errors(data):
        inner = [c.message for c in e.context if c.validator != "type" or c.validator_value != "null"]
        out += inner if e.validator == "anyOf" and inner else [e.message]
    return out


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
    ({"id": "dongshan-" + "x" * 56}, "is too long"),  # 65 characters, one past ID_MAX
    ({"description": " \u3000"}, "does not match"),  # blank text
    ({"parent": ""}, "does not match"),
    ({"parent": None}, "'parent' is a required property"),  # a post names its station
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
    assert sorted(found) == ["'city' is a required property", "'parent' is a required property",
                             "False is not of type 'string'"]


# ------------------------------------------------------------ standards and ECMA-262

def test_canonical_draft7_uri(schemas):
    for schema in schemas.values():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator


def _patterns(node, found=None):
    """Every regular expression in a schema: `pattern` values and propertyNames."""
    found = [] if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.append(value)
            else:
                _patterns(value, found)
    elif isinstance(node, list):
        for value in node:
            _patterns(value, found)
    return found


# Text on which Python and JavaScript regular expressions often disagree:
# Unicode digits, the many spaces, a final newline, letters outside ASCII.
TRICKY = ["", " ", "a", "A", "0", "٣", "１", "2020-01", "2020-1", "2020-01\n", "2020-13",
          "2020-02-29", "2019-02-29", "2000-02-29", "1900-02-29", "0000-01-01", "2020-04-31",
          "2020-٠١-٠١", "https://example.com/a?b=1", "HTTPS://EXAMPLE.COM", "Https://x",
          "httpſ://x", "https://a b", "https://a\u3000b", "https://a\u00a0b", "https://a\u200bb",
          "https://a\ufeffb", "https://a\x1cb", "https://x\n", "javascript:alert(1)",
          "https://a<b", "https://a\"b", "ftp://x", "abc", "abc-def", "abc--def", "-abc",
          "abc\n", "ABC", "a" * 64, "a" * 65, "criminal_cases", "_x", "3", "03", "0003", "13",
          "0", "\u3000", "\t\n", "\u2028", "x\u3000", "东山", "\ufeff", "\x1c",
          # not text: controls, C1, non-characters, bidi, zero-width, lone surrogates;
          # a pair of surrogates is one character (𠮷) and fine
          "a\x00b", "\x1b[0m", "a\x7f", "\x9b", "\ufffe", "a\u202eb", "a\u200bb", "\u2066",
          "\ud842", "x\udfb7", "\U00020bb7", "\u00a0", "\x85", "https://x\\y",
          # years from 1949; templates_dir outside the repository
          "1948-12", "1949-01", "1950-01", "0999-01", "2100-01", "19490", "1",
          "/etc", "~/t", "C:t", "c:\\t", "..", "a/../b", "a\\..\\b", "a/..", "../", ".", "./", "...",
          "a/b", "a..b/c", "site_config/templates", "..\n", "a/..\n"]


def test_patterns_mean_the_same_in_javascript_unicode_mode(schemas):
    """Editors run the schema's patterns as ECMA-262 in Unicode mode (`u`): each must
    compile there and accept exactly what the validator's Python pattern accepts."""
    node = program("node")
    from generator import model
    from generator.commands.schema import _MONTH_KEY, _YEAR_FROM, ecma
    python = [model.ID_RE, model.METRIC_ID_RE, model.MONTH_RE, model.DATE_RE,
              model.CALENDAR_DATE_RE, model.URL_RE, model.NOT_BLANK_RE, model.BAD_TEXT_RE,
              model.OUTSIDE_REPO_RE, _YEAR_FROM, re.compile(r"^0*([1-9]|1[0-2])\Z")]
    used = {p for s in schemas.values() for p in _patterns(s)}
    assert used <= {ecma(p.pattern) for p in python}, used
    assert ecma(python[-1].pattern) == _MONTH_KEY
    script = ("const [pats, texts] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(pats.map(p => texts.map(t => new RegExp(p, 'u').test(t)))));")
    pats = [ecma(p.pattern) for p in python]
    out = subprocess.run([node, "-e", script], input=json.dumps([pats, TRICKY]), capture_output=True,
                         text=True, check=True).stdout
    for p, js in zip(python, json.loads(out)):
        py = [bool(p.search(t)) for t in TRICKY]
        assert js == py, (p.pattern, [t for t, a, b in zip(TRICKY, js, py) if a != b])


def test_check_jsonschema_accepts_every_schema_and_record():
    """check-jsonschema (ECMA-262 patterns in Unicode mode) on the shipped schemas and records."""
    try:
        import check_jsonschema  # noqa: F401  (the `test` extra)
    except ImportError:
        unavailable("check-jsonschema is not installed: pip install -e \".[test]\"")
    exe = sys.executable, "-m", "check_jsonschema"
    folder = REPO / "site_config" / "schema"
    by_kind: dict[str, list[str]] = {}
    for kind, path in SHIPPED_FILES:
        by_kind.setdefault(kind, []).append(str(path))
    runs = [[*exe, "--check-metaschema", *sorted(map(str, folder.glob("*.json")))]]
    runs += [[*exe, "--schemafile", str(folder / f"{kind}.schema.json"), *paths] for kind, paths in by_kind.items()]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for cmd in runs]
    for cmd, proc in zip(runs, procs):  # side by side: each run spends most of its time starting
        out = proc.communicate(timeout=300)[0]
        assert proc.returncode == 0, (cmd[3:5], out)


def test_calendar_pattern_is_the_validators_date_check():
    """CALENDAR_DATE_RE (the schema's date) accepts exactly the days the validator's
    DATE_RE + datetime accept: every month and day of chosen years, and 29 February
    of every year 0000-9999."""
    from datetime import date as day
    from generator.model import CALENDAR_DATE_RE, DATE_RE

    def validator(text):
        m = DATE_RE.match(text)
        try:
            return bool(m) and bool(day(*map(int, m.groups())))
        except ValueError:
            return False
    texts = [f"{y:04d}-{m:02d}-{d:02d}" for y in (0, 1, 4, 100, 400, 1900, 1999, 2000, 2019, 2020,
                                                   2100, 2400, 9999)
             for m in range(0, 14) for d in range(0, 33)]
    texts += [f"{y:04d}-02-29" for y in range(10000)] + ["2020-2-3", "20200-01-01", "2020-01-01x"]
    wrong = [t for t in texts if bool(CALENDAR_DATE_RE.match(t)) != validator(t)]
    assert wrong == []


def test_outside_repo_pattern_is_the_validators_templates_dir_check():
    """OUTSIDE_REPO_RE (the schema's templates_dir) refuses exactly what the validator's
    templates_dir check refuses: every text of up to six characters from a path's alphabet."""
    import itertools
    from generator.model import OUTSIDE_REPO_RE
    from generator.validate import templates_dir_problem
    texts = ["".join(t) for n in range(7) for t in itertools.product("./\\~a:\n", repeat=n)]
    wrong = [t for t in texts if bool(OUTSIDE_REPO_RE.search(t)) != bool(templates_dir_problem(t))]
    assert wrong == []


@pytest.mark.parametrize("least", [1949, 0, 1, 1000, 1999, 2000, 2019, 9999])
def test_year_pattern_is_a_comparison(least):
    from generator.commands.schema import year_at_least
    pattern = year_at_least(least)
    wrong = [y for y in range(10000) if bool(pattern.match(f"{y:04d}-01")) != (y >= least)]
    assert wrong == []


# ------------------------------------------------------------ the validator's edge cases

EDGE_PRACTICE = """\
id: dongshan-huxuegang
title: 夏格庄派出所护学岗
units: [xiagezhuang-pcs]
period: {start: "2019-01", end: "2019-05"}
categories: [campus-safety]
summary: 上下学时段在校门口值守。
measures:
  - name: 护学岗
    detail: 早晚两次在校门口值守。
sources:
  - title: 护学岗守护平安
    publisher: 青岛日报
    date: 2020-02-29
    url: HTTPS://Example.com/news/1
tags:
outcomes:
  - {label: 校门口交通事故, unit: 起, change: -100, value: ~}
brand:
"""
EDGE_STATS = """\
unit: xiagezhuang-pcs
year: 2020
months:
  "03": {criminal_cases: 3}
  12: {criminal_cases: 1}
note:
"""


def test_what_the_validator_accepts_the_schema_accepts(schemas, repo):
    """Upper-case URL scheme, an empty `tags:` or `brand:`, a null beside the
    outcome's one number, a leap day, a quoted month "03": all valid for both."""
    (repo / "records/practices/dongshan-huxuegang.yml").write_text(EDGE_PRACTICE, encoding="utf-8")
    (repo / "records/stats/xiagezhuang-pcs/2020.yml").write_text(EDGE_STATS, encoding="utf-8")
    assert main(["validate", "--root", str(repo), "--today", "2024-06-15"]) == 0
    assert errors(schemas["practice"], load_yaml(repo / "records/practices/dongshan-huxuegang.yml")) == []
    assert errors(schemas["stats"], load_yaml(repo / "records/stats/xiagezhuang-pcs/2020.yml")) == []


# ------------------------------------------------------------ the bad-records corpus

CASES = yaml.safe_load((BAD / "cases.yml").read_text(encoding="utf-8"))

SYNTAX = "not YAML at all: the editor's YAML parser reports it before any schema applies"
YAML_READING = "valid YAML whose reading is the trap (duplicate key, yes/07/02 read as 1.1, date as text)"
ENCODING = "bytes and encodings: the editor decodes the file before the schema sees data"
LAYOUT = "file names, folders and links: the schema sees one file's data, not where it lies"
HOSTILE = "hostile input (size, depth, aliases): the validator's limits, not a shape"
REFERENCES = "needs other records (ids, references, hierarchy and its depth, duplicates across files)"
CONTEXT = "depends on the day of the check or compares two fields (period order, future dates)"
PRIVACY = "personal data in free text: privacy.py's recognisers, not a pattern of the shape"

# Cases of tests/bad_records/cases.yml a JSON Schema cannot express, with the reason.
# Every other case must be rejected by the schema (and by `jingyan validate`).
NOT_EXPRESSIBLE = {
    **dict.fromkeys(["syntax-unclosed-quote", "syntax-bad-indentation", "syntax-bad-indentation-nested",
                     "syntax-missing-space-after-colon", "syntax-missing-space-nested",
                     "syntax-tab-indentation", "syntax-colon-in-text", "syntax-text-after-quote",
                     "syntax-unclosed-bracket", "syntax-two-documents", "syntax-control-character",
                     "syntax-backslash-in-quotes", "syntax-list-after-colon", "syntax-at-sign-start",
                     "syntax-several-in-one-file", "syntax-fullwidth-colon", "syntax-fullwidth-colon-nested",
                     "syntax-tab-four-space-block"],
                    SYNTAX),
    **dict.fromkeys(["duplicate-key", "trap-bool-yes", "trap-octal-07", "trap-date-in-text",
                     "month-leading-zero", "month-duplicate"], YAML_READING),
    **dict.fromkeys(["encoding-gbk", "encoding-utf16", "encoding-utf8-bom", "nul-bytes"], ENCODING),
    **dict.fromkeys(["directory-named-like-record", "extension-yaml-txt", "extension-txt",
                     "file-in-subfolder", "stats-not-in-unit-folder", "symlink-outside-repo",
                     "symlink-folder-outside-repo", "symlink-loop", "filename-not-id",
                     "stats-folder-not-a-unit", "stats-folder-not-unit-field",
                     "stats-filename-not-year", "filename-chinese-name", "filename-chinese-name-slug",
                     "extension-yml-txt-advice", "extension-chinese-txt-advice", "leak-id-in-file-name"],
                    LAYOUT),
    **dict.fromkeys(["alias-bomb", "deep-nesting", "huge-file-50mb"], HOSTILE),
    **dict.fromkeys(["duplicate-id-across-files", "unknown-unit-parent", "unknown-practice-unit",
                     "unknown-brand", "unknown-category", "unknown-metric", "post-parent-is-bureau",
                     "parent-cycle", "broken-unit-no-cascade", "limit-unit-depth"], REFERENCES),
    **dict.fromkeys(["period-start-after-end", "period-future", "future-year", "future-month"], CONTEXT),
    **dict.fromkeys(["privacy-id-number", "privacy-mobile", "privacy-email", "privacy-plate",
                     "privacy-random-18-digits-ok", "privacy-id-spaces", "privacy-id-dashes",
                     "privacy-id-dots", "privacy-id-fullwidth", "privacy-id-lowercase-x", "privacy-id-15-digits",
                     "privacy-mobile-fullwidth", "privacy-mobile-dots", "privacy-mobile-irregular-spaces",
                     "privacy-mobile-0086", "privacy-bank-card", "privacy-bank-card-groups", "privacy-passport-e",
                     "privacy-passport-g", "privacy-landline-dash", "privacy-landline-brackets",
                     "privacy-landline-allowed", "privacy-email-fullwidth", "privacy-plate-fullwidth",
                     "privacy-plate-space", "privacy-negatives-ok", "privacy-nested-key",
                     "leak-mobile-in-parent"], PRIVACY),
}

_RECORD_KINDS = {"units": "unit", "practices": "practice", "brands": "brand"}


def schema_kind(path: str) -> str | None:
    """Which schema the editor applies to a file (.vscode/settings.json's globs)."""
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == "site_config" and parts[1] in ("site.yml", "metrics.yml", "categories.yml"):
        return parts[1][:-4]
    if len(parts) == 3 and parts[0] == "records" and parts[1] in _RECORD_KINDS and parts[2].endswith(".yml"):
        return _RECORD_KINDS[parts[1]]
    if len(parts) == 4 and parts[:2] == ["records", "stats"] and parts[3].endswith(".yml"):
        return "stats"
    return None


def schema_verdict(schemas, case: dict) -> list[str]:
    """The schema's errors on the case's files, read as an editor reads them; a file
    the editor cannot read as YAML (or that no schema applies to) gives none."""
    found = []
    for name in case.get("files", []):
        kind = schema_kind(name)
        if kind is None:
            continue
        try:
            data = load_yaml(BAD / case["name"] / name)
        except (UnicodeDecodeError, yaml.YAMLError):
            continue
        found += [f"{name}: {e}" for e in errors(schemas[kind], data)]
    return found


def test_not_expressible_names_real_cases():
    names = {c["name"] for c in CASES}
    assert sorted(set(NOT_EXPRESSIBLE) - names) == [], "cases listed here but gone from cases.yml"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_case_and_schema(schemas, case, tmp_path, capsys):
    name = case["name"]
    if name in NOT_EXPRESSIBLE:
        if case.get("hostile") or case.get("generate"):
            return  # never parsed here: hostile, or made by tests/test_validate.py
        found = schema_verdict(schemas, case)
        assert found == [], (f"the schema now rejects {name}: remove it from NOT_EXPRESSIBLE "
                             f"in tests/test_schema.py ({found})")
        return
    assert not (case.get("hostile") or case.get("generate")), (
        f"new case {name} is hostile or generated: list it in NOT_EXPRESSIBLE (tests/test_schema.py)")
    found = schema_verdict(schemas, case)
    assert found, (f"bad-records case {name} passes the JSON Schema. If a schema can state the rule, "
                   f"derive it in generator/commands/schema.py; if not, list the case in "
                   f"NOT_EXPRESSIBLE in tests/test_schema.py with the reason.")
    repo = make_repo(tmp_path / "repo")
    for rel in case.get("files", []):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BAD / name / rel, repo / rel)
    assert main(["validate", "--root", str(repo), "--today", TODAY.isoformat()]) == 1
    capsys.readouterr()


# ------------------------------------------------------------ the editor's settings

@pytest.mark.parametrize("settings, folder", [
    (REPO / ".vscode", "site_config/schema"),
    (REPO / "generator" / "skeleton" / ".vscode", "site_config/schema")])
def test_vscode_reads_yaml_11_with_every_schema(settings, folder, tmp_path):
    """VS Code reads records as YAML 1.1 (so it warns about `no` and `07` as the validator
    does), recommends the YAML extension, and maps every schema to its files. A records
    repository gets the same schemas from `jingyan init` (site_config/schema/)."""
    config = json.loads((settings / "settings.json").read_text(encoding="utf-8"))
    assert config["yaml.yamlVersion"] == "1.1"
    assert "redhat.vscode-yaml" in json.loads((settings / "extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert main(["schema", "--root", str(tmp_path), "--out", folder]) == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / folder).iterdir())
    assert sorted(k.removeprefix("./") for k in config["yaml.schemas"]) == written
    for schema, glob in config["yaml.schemas"].items():
        name = Path(schema).name.removesuffix(".schema.json")
        if name in ("unit", "practice", "brand", "stats"):
            example = {"unit": "records/units/x.yml", "practice": "records/practices/x.yml",
                       "brand": "records/brands/x.yml", "stats": "records/stats/x/2020.yml"}[name]
        else:
            example = f"site_config/{name}.yml"
        assert schema_kind(example) == name and Path(example).match(glob), (schema, glob)
