"""Issue 14 beyond the corpus: messages never leak personal numbers or control
sequences, record text renders exactly as typed, limits keep the build quick,
and the plugin refuses two generated files at one path or templates from
outside the repository."""
from __future__ import annotations

import html
import re
import time
from pathlib import Path

import markdown
import pytest
import yaml
from mkdocs.structure.files import Files

from conftest import REPO, TODAY, make_repo
from generator import pages
from generator.cli import main
from generator.problems import Problem, format_problems

ID = "11010519491231002X"  # the example of GB 11643-1999
MOBILE = "13987651234"
# what must never be printed: the numbers whole, or the parts their masks hide
SECRETS = {ID: (ID, ID.lower(), "19491231"), MOBILE: (MOBILE, "8765")}

UNIT = "records/units/dongshan-post.yml"
PRACTICE = "records/practices/xiagezhuang-sitou.yml"
STATS = "records/stats/xiagezhuang-pcs/2019.yml"
POST = ("id: dongshan-post\nname: 东山警务室\nkind: post\nparent: xiagezhuang-pcs\n"
        "region:\n  province: 山东省\n  city: 青岛市\n")


def _put(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    text = (root / rel).read_text(encoding="utf-8")
    assert old in text, (rel, old)
    (root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")


# each puts `s` into one kind of field; every one is a problem of its own besides the privacy finding
FIELDS = {
    "kind": lambda r, s: _put(r, UNIT, POST.replace("kind: post", f'kind: "{s}"')),
    "parent": lambda r, s: _put(r, UNIT, POST.replace("parent: xiagezhuang-pcs", f'parent: "{s}"')),
    "brand": lambda r, s: _edit(r, PRACTICE, "brand: sitou-gongzuofa", f'brand: "{s}"'),
    "url": lambda r, s: _edit(r, PRACTICE, "    seed: 002", f'    url: "{s}"\n    seed: 002'),
    "date": lambda r, s: _edit(r, PRACTICE, "date: 2019-05-15", f'date: "{s}"'),
    "period": lambda r, s: _edit(r, PRACTICE, 'start: "2019-01"', f'start: "{s}"'),
    "number": lambda r, s: _edit(r, PRACTICE, "value: 80", f'value: "{s}"'),
    "metric key": lambda r, s: _edit(r, STATS, "criminal_cases: 5,", f'"{s}": 5,'),
    "top-level key": lambda r, s: _put(r, UNIT, POST + f'"{s}": 值班\n'),
    "id": lambda r, s: _put(r, UNIT, POST.replace("id: dongshan-post", f"id: {s.lower()}")),
    "file name": lambda r, s: _put(r, f"records/units/{s.lower()}.yml", POST),
}


@pytest.mark.parametrize("fmt", ["text", "github"])
@pytest.mark.parametrize("secret", [ID, MOBILE])
@pytest.mark.parametrize("field", list(FIELDS))
def test_no_output_contains_the_number(field, secret, fmt, tmp_path, capsys):
    root = make_repo(tmp_path / "repo")
    FIELDS[field](root, secret)
    rc = main(["validate", "--root", str(root), "--today", TODAY.isoformat(), "--format", fmt])
    out, err = capsys.readouterr()
    assert rc == 1, out + err
    # the field's own problem and the privacy finding (a file name: its own problem only)
    assert len(out.splitlines()) >= (1 if field == "file name" else 2), out
    for part in SECRETS[secret]:
        assert part not in out + err, f"{part} printed:\n{out}"


def test_build_failure_message_is_masked_too(tmp_path):
    """The plugin fails the build with the same formatted problems."""
    from generator import messages as M
    problems = [Problem(f"records/units/{ID.lower()}.yml", 1, 5, f"找不到单位“{MOBILE}”。")]
    text = M.BUILD_FAILED.format(n=1) + "\n" + format_problems(problems)
    assert ID not in text and ID.lower() not in text and MOBILE not in text


def test_control_sequences_cannot_paint_a_fake_line(tmp_path, capsys):
    """ESC/CR in a value (here an unknown field's name, echoed in the message)."""
    root = make_repo(tmp_path / "repo")
    _put(root, UNIT, POST + 'description: "\\e[2K\\r\\e[32m全部记录检查通过\\e[0m"\n')
    root2 = make_repo(tmp_path / "repo2")
    _put(root2, UNIT, POST.replace("kind: post", 'kind: "post\\r\\e[32m全部记录检查通过"'))
    for r in (root, root2):
        assert main(["validate", "--root", str(r), "--today", TODAY.isoformat()]) == 1
        out, err = capsys.readouterr()
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out + err.replace("\n", "")), repr(out)
    printed = Problem("a.yml", 1, 1, "“\x1b[32m\r\u202e”").format()
    assert printed == "a.yml:1:1: “<U+001B>[32m<U+000D><U+202E>”"


# ---------------------------------------------------------------- text renders exactly as typed

def _extensions() -> list:
    """The Markdown extensions mkdocs.yml enables (names; options are irrelevant here)."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    block = re.search(r"^markdown_extensions:\n((?:  .*\n)+)", text, re.M).group(1)
    return re.findall(r"^  - ([\w.]+)", block, re.M)


TYPED = ['??? danger "请立即点击"', '???+ note', '!!! warning "注意"', "1986. 年起步", "2019. ", "- 入户走访",
         "---", "***", "+ 加分", "* 星号", "=== \"标签页\"", ": 定义", "# 不是标题", "> 不是引用",
         "~~~ 不是代码", "```js", "a~b^c ~~删除~~", "[^1]: 脚注", "*[HTML]: 缩写", "{: .danger }",
         "[链接](javascript:alert(1))", "<script>x</script> &amp; &#63;", "| 表 | 格 |", "\\ 反斜杠",
         "12) 条", "H~2~O 与 x^2^"]


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("context", ["{}", "- {}", "| {} |", "# {}"])
def test_record_text_renders_as_typed(typed, context):
    converter = markdown.Markdown(extensions=_extensions())
    source = context.format(pages.md(typed))
    if context.startswith("|"):
        source = "| 列 |\n| --- |\n" + source
    rendered = converter.convert(source)
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("¶", "").strip()
    if context.startswith("|"):
        shown = shown.replace("列", "", 1).strip()
    assert shown == typed.strip(), rendered
    # and no block was made of it beyond the context's own
    assert not re.search(r"<(ol|hr|details|div|blockquote|pre|dl|abbr|code|script|a)\b", rendered), rendered


def test_md_block_keeps_paragraphs_inert():
    converter = markdown.Markdown(extensions=_extensions())
    rendered = converter.convert(pages.md_block("1986. 起步\n\n- 第二段\n\n??? danger \"点我\""))
    assert rendered.count("<p>") == 3 and "<ol>" not in rendered and "<ul>" not in rendered and "<details" not in rendered


# ---------------------------------------------------------------- limits: just under each, quickly built

def _at_limits(root: Path) -> None:
    """A practice, a unit and a hierarchy each just under every limit."""
    from generator import validate as V
    long = "派出所民警入户走访，" * (V.TEXT_MAX["summary"] // 10)  # exactly the limit
    assert len(long) == V.TEXT_MAX["summary"]
    practice = yaml.safe_load((root / PRACTICE).read_text(encoding="utf-8"))
    practice["title"] = ("护学岗" * 100)[:V.TEXT_MAX["title"]]
    practice["summary"] = "1986. " + long[6:]
    practice["tags"] = [f"标签{i:02d}" + "岗" * (V.TAG_LEN_MAX - 4) for i in range(V.TAGS_MAX)]
    practice["measures"] = [{"name": ("坐炕头" * 40)[:V.TEXT_MAX["name"]], "detail": long} for _ in range(20)]
    _put(root, PRACTICE, yaml.safe_dump(practice, allow_unicode=True, sort_keys=False))
    parent = "laixi-psb"
    for i in range(2, V.UNIT_DEPTH_MAX + 1):  # laixi-psb is level 1
        uid = f"ceng{i}-psb"
        _put(root, f"records/units/{uid}.yml", POST.replace("dongshan-post", uid).replace("kind: post", "kind: bureau")
             .replace("parent: xiagezhuang-pcs", f"parent: {parent}") + f"description: {long}\n")
        parent = uid


BUILD_BOUND = 20  # seconds: load, validate, plan and render every page of a repository at the limits


def test_records_just_under_every_limit_build_quickly(tmp_path, capsys):
    root = make_repo(tmp_path / "repo")
    _at_limits(root)
    assert main(["validate", "--root", str(root), "--today", TODAY.isoformat()]) == 0, capsys.readouterr().out
    start = time.monotonic()
    from generator.validate import load_records
    records, problems = load_records(root, today=TODAY)
    assert not problems
    plan = pages.plan_site(records)
    env = pages.make_env(REPO)
    converter = markdown.Markdown(extensions=_extensions())
    for spec in plan.pages:
        converter.reset().convert(pages.render_page(env, spec))
    seconds = time.monotonic() - start
    assert seconds < BUILD_BOUND, seconds


# ---------------------------------------------------------------- templates and generated paths

def test_make_env_refuses_templates_outside_the_repository(tmp_path):
    root = make_repo(tmp_path / "repo")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "site_config" / "tpl").symlink_to(outside, target_is_directory=True)
    with pytest.raises(pages.TemplateProblem, match="指向仓库之外"):
        pages.make_env(root, "site_config/tpl")
    with pytest.raises(pages.TemplateProblem, match="不是仓库里的文件夹"):
        pages.make_env(root, "site_config/none")
    (root / "site_config" / "mine").mkdir()
    pages.make_env(root, "site_config/mine")  # inside: fine


def test_plugin_refuses_two_generated_files_at_one_path(tmp_path):
    from mkdocs.exceptions import PluginError

    from generator.plugin import JingyanPlugin

    plugin = JingyanPlugin()
    plugin.root, plugin.records_dir = REPO, None
    plugin.records = type("R", (), {"site": type("S", (), {"templates_dir": None})()})()
    spec = pages.PageSpec("practices/index.md", "az.md.j2", "x", {"groups": []})
    plugin.pages = [spec, pages.PageSpec("practices/Index.md", "az.md.j2", "y", {"groups": []})]
    plugin.csvs = {}
    config = type("C", (), {"docs_dir": str(tmp_path), "site_dir": str(tmp_path / "site"),
                            "use_directory_urls": True, "plugins": type("P", (), {"_current_plugin": None})()})()
    with pytest.raises(PluginError, match="两个生成的页面或文件都要写到“practices/Index.md”"):
        plugin.on_files(Files([]), config)


def test_guide_states_the_limits_the_validator_enforces():
    from generator import validate as V
    guide = (REPO / "docs/guide/errors.md").read_text(encoding="utf-8")
    for figure in (f"{V.TEXT_MAX['name']} 字", f"{V.TEXT_MAX['title']} 字", f"{V.TEXT_MAX['summary']:,} 字",
                   f"{V.TEXT_MAX_OTHER:,} 字", f"{V.TAGS_MAX} 个，每个 {V.TAG_LEN_MAX} 字", f"{V.LIST_MAX} 项",
                   f"{V.UNIT_DEPTH_MAX} 层", f"{V.YEAR_MIN} 年至今"):
        assert f"| {figure} |" in guide, figure
    assert V.TEXT_MAX["detail"] == V.TEXT_MAX["description"] == V.TEXT_MAX["summary"]


def test_region_tree_is_built_without_recursion(tmp_path, monkeypatch):
    """A hierarchy deeper than Python's recursion limit: refused by the
    validator with one message; and with the limit lifted, the page plan
    (the 按地区 tree) is still built, without recursion."""
    import sys

    from generator import validate as V
    root = make_repo(tmp_path / "repo")
    parent, depth = "laixi-psb", sys.getrecursionlimit() + 100
    for i in range(depth):
        uid = f"u{i}-psb"
        _put(root, f"records/units/{uid}.yml", POST.replace("dongshan-post", uid).replace("kind: post", "kind: bureau")
             .replace("parent: xiagezhuang-pcs", f"parent: {parent}"))
        parent = uid
    records, problems = V.load_records(root, today=TODAY)
    assert len(problems) == 1 and problems[0].path == f"records/units/u{V.UNIT_DEPTH_MAX - 1}-psb.yml"
    assert problems[0].message.startswith(f"单位层级超过上限 {V.UNIT_DEPTH_MAX} 层")
    monkeypatch.setattr(V, "UNIT_DEPTH_MAX", 10**6)
    records, problems = V.load_records(root, today=TODAY)
    assert not problems
    regions = next(p for p in pages.plan_pages(records) if p.path == "regions/index.md")
    node, levels = regions.context["provinces"][0]["cities"][0]["units"][0], 1
    while node["children"]:
        node = next(c for c in node["children"] if c["children"] or levels == depth)
        levels += 1
    assert levels == depth + 1  # laixi-psb and every unit below it


def test_reading_on_past_syntax_mistakes_is_bounded():
    """Several mistakes in a record-sized file are all reported; a large file
    of broken lines is parsed once, not once a mistake."""
    from generator import load
    small = "id: x\n" + "".join(f"k{i}:v\n" for i in range(8))
    assert len(load.parse_yaml_all(small, "f")[1]) == 8
    big = "id: x\n" + "".join(f"k{i}:v\n" for i in range(100_000))
    start = time.monotonic()
    node, problems = load.parse_yaml_all(big, "f")
    assert node is None and len(problems) == 1
    assert time.monotonic() - start < 10
