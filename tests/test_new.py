"""`jingyan new …` and the pinyin ids (generator/naming.py), run on temporary repositories."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import units_repo
from generator.cli import main
from generator.naming import load_phrases, parse_phrases, slug_from_name, split_unit_name
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]

UNITS = {
    "laixi-psb": "id: laixi-psb\nname: 莱西市公安局\nkind: bureau\nregion:\n  province: 山东省\n"
                 "  city: 青岛市\n  county: 莱西市\n",
    "xiagezhuang-pcs": "id: xiagezhuang-pcs\nname: 夏格庄派出所\nkind: station\nparent: laixi-psb\n"
                       "region:\n  province: 山东省\n  city: 青岛市\n  county: 莱西市\n",
}


def make_repo(tmp_path: Path, units: dict[str, str] = UNITS) -> Path:
    """A minimal repository: the real site_config/ and a few unit records."""
    return units_repo(tmp_path / "repo", units)


def run(root: Path, *argv: str) -> int:
    return main(["new", "--root", str(root), *argv])


def problems_for(root: Path, rel: str):
    _, problems = load_records(root)
    return [p for p in problems if p.path == rel]


# ---------------------------------------------------------------- ids

@pytest.mark.parametrize("name, expected", [
    ("卜庄派出所", "buzhuang-pcs"),  # plain pypinyin reads 卜 as bo
    ("夏格庄派出所", "xiagezhuang-pcs"),
    ("莱西市公安局", "laixi-psb"),
    ("泾源县公安局", "jingyuan-psb"),
    ("济宁市公安局市中区分局", "shizhong-branch"),
    ("济宁市市中公安分局", "shizhong-branch"),
    ("淄博市公安局博山分局", "boshan-branch"),
    ("山东省淄博市公安局", "zibo-psb"),
    ("人民路派出所英雄路警务室", "yingxionglu-post"),
    ("集美警务室", "jimei-post"),
    ("六盘山派出所", "liupanshan-pcs"),
    ("“四头”工作法", "sitou-gongzuofa"),
    ("“1+2+N”小案侦防模式", "1-2-n-xiaoanzhenfangmoshi"),
])
def test_slug_from_name(name, expected):
    phrases, problems = load_phrases(REPO)
    assert problems == []
    assert slug_from_name(name, phrases) == expected


def test_phrase_dictionary_decides_polyphones():
    assert slug_from_name("卜庄派出所", {}) == "bozhuang-pcs"  # what pypinyin alone says
    phrases, problems = parse_phrases({"卜庄": "bǔ zhuāng", "单县": ["shan", "xian"]})
    assert problems == []
    assert slug_from_name("卜庄派出所", phrases) == "buzhuang-pcs"
    assert slug_from_name("单县公安局", phrases) == "shanxian-psb"
    assert slug_from_name("单县公安局", {}) == "danxian-psb"


def test_phrase_dictionary_reports_bad_entries():
    phrases, problems = parse_phrases({"卜庄": "bu", "abc": "a b c", "长岛": "chang dao"})
    assert phrases == {"长岛": ["chang", "dao"]}
    assert len(problems) == 2
    assert "2 个字" in problems[0].message and "1 个音节" in problems[0].message


def test_split_unit_name():
    assert split_unit_name("济宁市公安局市中区分局") == ("市中", "branch")
    assert split_unit_name("卜庄派出所") == ("卜庄", "pcs")
    assert split_unit_name("某某工作法") == ("某某工作法", None)


# ---------------------------------------------------------------- new unit

def test_new_unit_with_parent_is_valid(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "unit", "--name", "马连庄派出所", "--parent", "莱西市公安局") == 0
    out = capsys.readouterr().out
    path = root / "records/units/malianzhuang-pcs.yml"
    assert "已建立 records/units/malianzhuang-pcs.yml" in out
    assert "单位类别按名称定为 station" in out
    assert "检查通过" in out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {"id": "malianzhuang-pcs", "name": "马连庄派出所", "kind": "station",
                    "parent": "laixi-psb",
                    "region": {"province": "山东省", "city": "青岛市", "county": "莱西市"}}
    text = path.read_text(encoding="utf-8")
    assert "# 单位全称" in text and "# 上级单位编号" in text  # every field explained
    assert problems_for(root, "records/units/malianzhuang-pcs.yml") == []


def test_new_unit_buzhuang_uses_phrase_dictionary(tmp_path, capsys):
    root = make_repo(tmp_path)
    (root / "records/units/changyi-psb.yml").write_text(
        "id: changyi-psb\nname: 昌邑市公安局\nkind: bureau\nregion:\n  province: 山东省\n"
        "  city: 潍坊市\n  county: 昌邑市\n", encoding="utf-8")
    assert run(root, "unit", "--name", "卜庄派出所", "--parent", "changyi-psb") == 0
    assert (root / "records/units/buzhuang-pcs.yml").exists()
    assert not (root / "records/units/bozhuang-pcs.yml").exists()


def test_new_unit_without_region_lists_what_to_fill(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "unit", "--name", "梁山县公安局") == 0
    out = capsys.readouterr().out
    rel = "records/units/liangshan-psb.yml"
    assert "还需要填写或改正" in out
    lines = [ln for ln in out.splitlines() if ln.startswith(rel + ":")]
    assert len(lines) == 2 and "province" in lines[0] and "city" in lines[1]
    # printed as path:line:col, and the line really is where the field is
    text = (root / rel).read_text(encoding="utf-8").splitlines()
    line_no = int(lines[0].split(":")[1])
    assert text[line_no - 1].strip().startswith("province:")


def test_new_unit_county_bureau_gets_its_county(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "unit", "--name", "平度市公安局", "--parent", "laixi-psb", "--id", "pingdu-psb") == 0
    data = yaml.safe_load((root / "records/units/pingdu-psb.yml").read_text(encoding="utf-8"))
    assert data["region"]["county"] == "平度市" and data["region"]["city"] == "青岛市"


def test_new_refuses_to_overwrite(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "unit", "--name", "姜山派出所", "--parent", "laixi-psb") == 0
    path = root / "records/units/jiangshan-pcs.yml"
    path.write_text(path.read_text(encoding="utf-8") + "description: 已经改过\n", encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert run(root, "unit", "--name", "姜山派出所", "--parent", "laixi-psb") == 1
    err = capsys.readouterr().err
    assert "已有记录" in err  # same name
    assert run(root, "unit", "--name", "姜山镇派出所", "--id", "jiangshan-pcs") == 1
    err = capsys.readouterr().err
    assert "records/units/jiangshan-pcs.yml 已经存在，没有改动它" in err
    assert path.read_bytes() == before


def test_new_unit_bad_id_and_unknown_parent(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "unit", "--name", "河湾派出所", "--id", "HeWan_PCS") == 1
    assert "编号“HeWan_PCS”不合规" in capsys.readouterr().err
    assert run(root, "unit", "--name", "河湾派出所", "--parent", "laixi-pbs") == 1
    err = capsys.readouterr().err
    assert "找不到单位“laixi-pbs”" in err and "laixi-psb" in err
    assert list((root / "records/units").iterdir()) != [] and \
        not (root / "records/units/hewan-pcs.yml").exists()


# ---------------------------------------------------------------- new practice

def test_new_practice_is_a_valid_draft(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "practice", "--title", "夏格庄派出所“四头”工作法化解矛盾纠纷",
               "--unit", "夏格庄派出所") == 0
    out = capsys.readouterr().out
    rel = "records/practices/xiagezhuang-sitou.yml"
    assert f"已建立 {rel}" in out
    data = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
    assert data["status"] == "draft" and data["units"] == ["xiagezhuang-pcs"]
    assert "dispute-mediation" in data["categories"]  # guessed from the title
    month = date.today().strftime("%Y-%m")
    assert data["period"] == {"start": month, "end": month}
    assert problems_for(root, rel) == []  # valid as written
    # … and the placeholders are listed as path:line:col
    assert f"{rel}:" in out and "（草稿：请用自己的话概括）" in out and "（待填写：文章标题）" in out
    records, problems = load_records(root)
    assert problems == [] and "xiagezhuang-sitou" in records.drafts


def test_new_practice_options(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "practice", "--title", "社区警务", "--unit", "xiagezhuang-pcs", "--unit", "laixi-psb",
               "--category", "community-policing", "--id", "laixi-shequ") == 0
    data = yaml.safe_load((root / "records/practices/laixi-shequ.yml").read_text(encoding="utf-8"))
    assert data["units"] == ["xiagezhuang-pcs", "laixi-psb"]
    assert data["categories"] == ["community-policing"]
    capsys.readouterr()
    assert run(root, "practice", "--title", "x", "--unit", "xiagezhuang-pcs", "--category", "fengqaio") == 1
    err = capsys.readouterr().err
    assert "不认识的分类“fengqaio”" in err and "fengqiao" in err
    assert run(root, "practice", "--title", "x", "--unit", "夏各庄派出所") == 1
    assert "是不是想写“夏格庄派出所”" in capsys.readouterr().err


# ---------------------------------------------------------------- new brand

def test_new_brand(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "brand", "--name", "“四头”工作法", "--unit", "夏格庄派出所") == 0
    out = capsys.readouterr().out
    rel = "records/brands/sitou-gongzuofa.yml"
    data = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
    assert data["name"] == "“四头”工作法" and data["unit"] == "xiagezhuang-pcs"
    # the summary is left empty (a brand has no draft state): the one thing to fill in
    todo = [ln for ln in out.splitlines() if ln.startswith(rel + ":")]
    assert len(todo) == 1 and "summary" in todo[0]


# ---------------------------------------------------------------- new stats

def test_new_stats_skeleton_needs_only_numbers(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "stats", "--unit", "夏格庄派出所", "--year", "2020") == 0
    out = capsys.readouterr().out
    rel = "records/stats/xiagezhuang-pcs/2020.yml"
    assert f"已建立 {rel}" in out and "检查通过" in out
    text = (root / rel).read_text(encoding="utf-8")
    month_lines = [ln for ln in text.splitlines() if ln.startswith("  ") and ": {criminal_cases: ," in ln]
    assert len(month_lines) == 12
    assert yaml.safe_load(text)["months"][1]["criminal_cases"] is None  # blank: no figure yet
    assert problems_for(root, rel) == []  # valid as written
    # filling in numbers, and nothing else, keeps it valid
    text = text.replace("  3: {criminal_cases: ,", "  3: {criminal_cases: 4,", 1)
    text = text.replace("satisfaction: }", "satisfaction: 98.5}", 1)  # the first month with it: January
    (root / rel).write_text(text, encoding="utf-8")
    records, problems = load_records(root)
    assert problems == []
    stats = next(s for s in records.stats if s.unit == "xiagezhuang-pcs")
    assert stats.months == {1: {"satisfaction": 98.5}, 3: {"criminal_cases": 4}}
    capsys.readouterr()
    assert run(root, "stats", "--unit", "xiagezhuang-pcs", "--year", "2020") == 1
    assert "已经存在" in capsys.readouterr().err


def uncomment(text: str, first: str) -> str:
    """Remove the “# ” of the commented block that starts with `first`, as the template says."""
    lines, inside = text.splitlines(), False
    for n, ln in enumerate(lines):
        if ln == first:
            inside = True
        elif not ln.startswith("# "):
            inside = False
        if inside:
            lines[n] = ln[2:]
    return "\n".join(lines) + "\n"


def test_optional_lists_uncomment_into_valid_yaml(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "practice", "--title", "夏格庄派出所“四头”工作法", "--unit", "xiagezhuang-pcs") == 0
    out = capsys.readouterr().out
    assert "这是一份草稿（status: draft）：jingyan validate 会检查它，但网站上不会出现。" in out
    rel = "records/practices/xiagezhuang-sitou.yml"
    text = (root / rel).read_text(encoding="utf-8")
    assert "outcomes: []" not in text
    (root / rel).write_text(uncomment(text, "# outcomes:"), encoding="utf-8")
    assert problems_for(root, rel) == []
    assert yaml.safe_load((root / rel).read_text(encoding="utf-8"))["outcomes"][0]["change"] == -35.1

    assert run(root, "brand", "--name", "“四头”工作法", "--unit", "xiagezhuang-pcs") == 0
    rel = "records/brands/sitou-gongzuofa.yml"
    text = (root / rel).read_text(encoding="utf-8").replace("summary:\n", "summary: 一句简介。\n")
    text = uncomment(uncomment(text, "# components:"), "# sources:")
    (root / rel).write_text(text, encoding="utf-8")
    assert problems_for(root, rel) == []
    assert yaml.safe_load(text)["components"][0]["name"] == "坐炕头"


def test_long_titles_make_ids_of_at_most_40_characters(tmp_path, capsys):
    root = make_repo(tmp_path)
    title = "夏格庄派出所深化社区警务改革推动矛盾纠纷多元化解和基层社会治理创新"
    assert run(root, "practice", "--title", title, "--unit", "xiagezhuang-pcs") == 0
    out = capsys.readouterr().out
    made = next(p.stem for p in (root / "records/practices").glob("*.yml"))
    assert len(made) <= 40 and not made.endswith("-") and made.startswith("xiagezhuang-")
    assert f"编号 {made} 有 {len(made)} 个字符" in out and "--id" in out


def test_validate_refuses_placeholders_in_published_records(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "practice", "--title", "夏格庄派出所“四头”工作法", "--unit", "xiagezhuang-pcs") == 0
    rel = "records/practices/xiagezhuang-sitou.yml"
    path = root / rel
    assert problems_for(root, rel) == []  # a draft may keep them
    text = path.read_text(encoding="utf-8").replace("status: draft", "status: published")
    path.write_text(text, encoding="utf-8")
    found = problems_for(root, rel)
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("summary:"))
    assert any(p.line == line and p.column == 10 and p.message ==
               "还留着占位文字“（草稿：请用自己的话概括）”，请换成实际内容。还没写完的经验做法可以先保持 "
               "status: draft（草稿不发布）。" for p in found), found
    assert {p.message.split("”")[0] for p in found} >= {"还留着占位文字“（待填写：文章标题）"}


def test_new_stats_rejects_future_and_bad_year(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert run(root, "stats", "--unit", "xiagezhuang-pcs", "--year", str(date.today().year + 1)) == 1
    assert "还没有到" in capsys.readouterr().err
    assert run(root, "stats", "--unit", "xiagezhuang-pcs", "--year", "20") == 1
    assert "年份“20”不对" in capsys.readouterr().err


def test_new_outside_a_repository(tmp_path, capsys):
    assert run(tmp_path, "unit", "--name", "卜庄派出所") == 1
    assert "不像本仓库的根目录" in capsys.readouterr().err
