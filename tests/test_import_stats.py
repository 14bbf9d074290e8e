"""`jingyan import-stats`: CSV and XLSX tables made in the test, imported into a temporary repository."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import units_repo
from generator.cli import main
from generator.validate import load_records

REPO = Path(__file__).resolve().parents[1]

UNITS = {
    "laixi-psb": "id: laixi-psb\nname: 莱西市公安局\nkind: bureau\nregion:\n  province: 山东省\n"
                 "  city: 青岛市\n  county: 莱西市\n",
    "xiagezhuang-pcs": "id: xiagezhuang-pcs\nname: 夏格庄派出所\nkind: station\nparent: laixi-psb\n"
                       "region:\n  province: 山东省\n  city: 青岛市\n  county: 莱西市\n",
    "malianzhuang-pcs": "id: malianzhuang-pcs\nname: 马连庄派出所\nkind: station\nparent: laixi-psb\n"
                        "region:\n  province: 山东省\n  city: 青岛市\n  county: 莱西市\n",
}


@pytest.fixture
def root(tmp_path) -> Path:
    return units_repo(tmp_path / "repo", UNITS)


def imp(root: Path, table: Path, *more: str) -> int:
    return main(["import-stats", "--root", str(root), str(table), *more])


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "records").rglob("*")) if p.is_file()}


CSV = """单位,年份,月份,刑事警情,可防性案件,群众满意率,disputes_resolved,备注
夏格庄派出所,2019,1,5,3,98.5,10,
夏格庄派出所,2019,2,4,2,99,12,春节
xiagezhuang-pcs,2019,3,6,,97,,
马连庄派出所,2020,1,7,1,,3,
合计,,,22,6,,25,
"""


def test_csv_layout_a(root, tmp_path, capsys):
    table = tmp_path / "月报.csv"
    table.write_text(CSV, encoding="utf-8")
    assert imp(root, table) == 0
    out = capsys.readouterr().out
    assert "新建 records/stats/xiagezhuang-pcs/2019.yml（3 个月）" in out
    assert "新建 records/stats/malianzhuang-pcs/2020.yml（1 个月）" in out
    text = (root / "records/stats/xiagezhuang-pcs/2019.yml").read_text(encoding="utf-8")
    # the format of the records: one flow mapping per month, metrics in metrics.yml order
    assert text == (
        "unit: xiagezhuang-pcs\nyear: 2019\nsample: false\nmonths:\n"
        "  1: {criminal_cases: 5, preventable_cases: 3, disputes_resolved: 10, satisfaction: 98.5}\n"
        "  2: {criminal_cases: 4, preventable_cases: 2, disputes_resolved: 12, satisfaction: 99}\n"
        "  3: {criminal_cases: 6, satisfaction: 97}\n")
    records, problems = load_records(root)
    assert problems == [] and len(records.stats) == 2

    # the same table again: nothing changes, byte for byte
    before = snapshot(root)
    assert imp(root, table) == 0
    assert "没有变化" in capsys.readouterr().out
    assert snapshot(root) == before

    # an updated table: the changed values are listed, old → new
    table.write_text(CSV.replace("夏格庄派出所,2019,2,4,2,99", "夏格庄派出所,2019,2,5,2,99")
                     .replace("xiagezhuang-pcs,2019,3,6,,97,,", "xiagezhuang-pcs,2019,3,6,1,97,,"),
                     encoding="utf-8")
    assert imp(root, table) == 0
    out = capsys.readouterr().out
    assert "更新 records/stats/xiagezhuang-pcs/2019.yml" in out
    assert "xiagezhuang-pcs 2019-02 刑事警情：4 → 5" in out
    assert "xiagezhuang-pcs 2019-03 可防性案件：（无） → 1" in out
    assert "malianzhuang" not in out.split("共导入")[0].split("更新")[-1]  # untouched file not listed
    assert "  2: {criminal_cases: 5, preventable_cases: 2" in \
        (root / "records/stats/xiagezhuang-pcs/2019.yml").read_text(encoding="utf-8")


def test_csv_saved_by_excel_in_gbk(root, tmp_path, capsys):
    table = tmp_path / "gbk.csv"
    table.write_bytes(CSV.encode("gb18030"))
    assert imp(root, table) == 0
    assert (root / "records/stats/malianzhuang-pcs/2020.yml").exists()


def test_existing_months_are_kept(root, tmp_path, capsys):
    folder = root / "records/stats/xiagezhuang-pcs"
    folder.mkdir()
    (folder / "2019.yml").write_text(
        "unit: xiagezhuang-pcs\nyear: 2019\nsample: false\nnote: 来自所里的台账\nmonths:\n"
        "  1: {criminal_cases: 9, public_order_cases: 3}\n  5: {criminal_cases: 2}\n", encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_text("单位,年份,月份,刑事警情\n夏格庄派出所,2019,1,8\n夏格庄派出所,2019,2,7\n", encoding="utf-8")
    assert imp(root, table) == 0
    data = yaml.safe_load((folder / "2019.yml").read_text(encoding="utf-8"))
    assert data["months"] == {1: {"criminal_cases": 8, "public_order_cases": 3}, 2: {"criminal_cases": 7},
                              5: {"criminal_cases": 2}}
    assert data["note"] == "来自所里的台账" and data["sample"] is False
    out = capsys.readouterr().out
    assert "xiagezhuang-pcs 2019-01 刑事警情：9 → 8" in out


def test_sample_data_is_replaced(root, tmp_path, capsys):
    folder = root / "records/stats/xiagezhuang-pcs"
    folder.mkdir()
    (folder / "2019.yml").write_text(
        "unit: xiagezhuang-pcs\nyear: 2019\nsample: true\nnote: 演示数据\nmonths:\n"
        "  1: {criminal_cases: 5}\n  2: {criminal_cases: 4}\n", encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_text("单位,年份,月份,刑事警情\n夏格庄派出所,2019,3,6\n", encoding="utf-8")
    assert imp(root, table) == 0
    out = capsys.readouterr().out
    assert "原是演示用的样例数据" in out and "1月、2月" in out
    assert (folder / "2019.yml").read_text(encoding="utf-8") == (
        "unit: xiagezhuang-pcs\nyear: 2019\nsample: false\nmonths:\n  3: {criminal_cases: 6}\n")


def make_xlsx(path: Path, bad: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["单位", "年份", "月份", "刑事警情（起）", "群众满意率"])
    ws.append(["夏格庄派出所", 2020, 1, 3, 0.975])
    ws["E2"].number_format = "0.0%"  # shown as 97.5%
    ws.append(["夏格庄派出所", 2020, 2, 4, 96])
    ws.append(["马连庄派出所", "2020年", "3月", 2, "95%"])
    ws.append(["马连庄派出所", 2020, 4, "十二" if bad else 12, 94])
    if bad:
        ws.append(["夏格庄所", 2020, 13, -1, 101])
        ws.append(["夏各庄派出所", 2020, 5, 1, 90])
        ws.append(["卜家庄派出所", 2020, 6, 1, 90])
    notes = wb.create_sheet("说明")
    notes.append(["本表每月 5 日前报送"])
    wb.save(path)


def test_xlsx_bad_cells_are_all_reported_and_nothing_written(root, tmp_path, capsys):
    table = tmp_path / "stats.xlsx"
    make_xlsx(table, bad=True)
    before = snapshot(root)
    assert imp(root, table) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "stats.xlsx:表1!D5: “十二”不是数字（刑事警情）" in out
    assert "stats.xlsx:表1!C6: “13”不是有效的月份" in out
    assert "stats.xlsx:表1!D6: “-1”是负数" in out
    assert "stats.xlsx:表1!E6: “101”超出了 0–100 的范围" in out
    # a near name of the same kind is suggested, and the new-unit hint is always there
    assert ("stats.xlsx:表1!A7: 不认识的单位“夏各庄派出所”。是不是想写“夏格庄派出所”？"
            "如果这是还没有记录的新单位，请先用 jingyan new unit --name 夏各庄派出所 建立。") in out
    assert ("stats.xlsx:表1!A8: 不认识的单位“卜家庄派出所”。"
            "如果这是还没有记录的新单位，请先用 jingyan new unit --name 卜家庄派出所 建立。") in out
    assert "没有写入任何文件" in captured.err
    assert snapshot(root) == before


def test_xlsx_layout_a(root, tmp_path, capsys):
    table = tmp_path / "stats.xlsx"
    make_xlsx(table, bad=False)
    assert imp(root, table) == 0
    out = capsys.readouterr().out
    assert "略过表“说明”" in out
    assert (root / "records/stats/xiagezhuang-pcs/2020.yml").read_text(encoding="utf-8").endswith(
        "  1: {criminal_cases: 3, satisfaction: 97.5}\n  2: {criminal_cases: 4, satisfaction: 96}\n")
    assert (root / "records/stats/malianzhuang-pcs/2020.yml").read_text(encoding="utf-8").endswith(
        "  3: {criminal_cases: 2, satisfaction: 95}\n  4: {criminal_cases: 12, satisfaction: 94}\n")
    assert load_records(root)[1] == []


def test_xlsx_layout_b_one_sheet_per_unit(root, tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "夏格庄派出所"
    ws.append(["2020年各月统计"])  # a title row above the header
    ws.append(["年份", "月份", "刑事警情", "排查矛盾纠纷", "化解矛盾纠纷"])
    ws.append([2020, 1, 3, 10, 9])
    ws.append([2020, 2, 2, 8, 8])
    ws2 = wb.create_sheet("malianzhuang-pcs")
    ws2.append(["年份", "月份", "刑事警情", "刑事案件"])
    ws2.append([2020, 1, 1, 5])
    table = tmp_path / "by-unit.xlsx"
    wb.save(table)
    assert imp(root, table) == 1
    out = capsys.readouterr().out
    assert "by-unit.xlsx:malianzhuang-pcs!D1: 不认识的指标“刑事案件”。是不是想写“刑事警情”？" in out
    del wb["malianzhuang-pcs"]
    wb.save(table)
    assert imp(root, table, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "新建 records/stats/xiagezhuang-pcs/2020.yml（2 个月）" in out and "试运行" in out
    assert not (root / "records/stats/xiagezhuang-pcs").exists()
    assert imp(root, table) == 0
    assert (root / "records/stats/xiagezhuang-pcs/2020.yml").read_text(encoding="utf-8").endswith(
        "  1: {criminal_cases: 3, disputes_found: 10, disputes_resolved: 9}\n"
        "  2: {criminal_cases: 2, disputes_found: 8, disputes_resolved: 8}\n")


def test_unknown_unit_sheet_and_missing_columns(root, tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("年份,月份,刑事警情\n2020,1,3\n", encoding="utf-8")
    assert imp(root, table) == 1
    assert "找不到“单位”列" in capsys.readouterr().out
    table.write_text("单位,月份,刑事警情\n夏格庄派出所,1,3\n", encoding="utf-8")
    assert imp(root, table) == 1
    assert "找不到“年份”列" in capsys.readouterr().out


def test_duplicate_rows_and_future_months(root, tmp_path, capsys):
    from datetime import date
    table = tmp_path / "t.csv"
    y = date.today().year
    table.write_text(f"单位,年月,刑事警情\n夏格庄派出所,2020-01,3\n夏格庄派出所,2020年1月,4\n"
                     f"夏格庄派出所,{y + 1}-01,1\n", encoding="utf-8")
    assert imp(root, table) == 1
    out = capsys.readouterr().out
    assert "t.csv:C3: xiagezhuang-pcs 2020年1月的“刑事警情”重复出现，数值不同（3 在 t.csv:C2）" in out
    assert "t.csv:B4:" in out


def test_personal_numbers_in_cells_are_never_printed(root, tmp_path, capsys):
    """A cell quoted in a message (an unknown unit typed as a phone or ID number,
    a control sequence) is printed masked and escaped, like the validator's."""
    table = tmp_path / "t.csv"
    table.write_text("单位,年份,月份,刑事警情\n"
                     "13812345678,2019,1,5\n"
                     "11010519491231002X派出所,2019,2,4\n"
                     "夏格庄\x1b[32m派出所,2019,3,4\n", encoding="utf-8")
    assert imp(root, table) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "不认识的单位" in out and "138****5678" in out
    for secret in ("13812345678", "11010519491231002X", "\x1b"):
        assert secret not in out, secret
