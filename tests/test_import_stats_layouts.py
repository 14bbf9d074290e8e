"""`jingyan import-stats` on the spreadsheets statistics offices really produce.

Each workbook is built here (openpyxl, xlwt, a hand-made .ods) with made-up units
(潭溪、柳湾、石桥 …) and either imports, with a note for every choice made, or is
refused with its exact message and nothing written.
"""
from __future__ import annotations

import os
import shutil
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import units_repo
from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
TODAY = date.today()


def unit(uid, name, kind, parent=None):
    text = f"id: {uid}\nname: {name}\nkind: {kind}\n"
    if parent:
        text += f"parent: {parent}\n"
    return text + "region:\n  province: 河北省\n  city: 溪川市\n  county: 溪川县\n"


UNITS = {
    "xichuan-psb": unit("xichuan-psb", "溪川县公安局", "bureau"),
    "tanxi-pcs": unit("tanxi-pcs", "潭溪派出所", "station", "xichuan-psb"),
    "liuwan-pcs": unit("liuwan-pcs", "柳湾派出所", "station", "xichuan-psb"),
    "shiqiao-pcs": unit("shiqiao-pcs", "石桥派出所", "station", "xichuan-psb"),
    "huangpo-pcs": unit("huangpo-pcs", "黄坡派出所", "station", "xichuan-psb"),
}


@pytest.fixture
def root(tmp_path) -> Path:
    return units_repo(tmp_path / "repo", UNITS)


def run(root, table, capsys) -> tuple[int, str, str]:
    code = main(["import-stats", "--root", str(root), str(table)])
    c = capsys.readouterr()
    return code, c.out, c.err


def months(root, uid, year) -> dict:
    path = root / f"records/stats/{uid}/{year}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["months"]


def written(root) -> list[str]:
    return sorted(p.relative_to(root / "records/stats").as_posix()
                  for p in (root / "records/stats").rglob("*.yml"))


def book(path: Path, *sheets: tuple[str, list[list]], merged: tuple[str, ...] = ()) -> openpyxl.Workbook:
    """A workbook of `sheets` (name, rows); `merged`: cell ranges merged on the first sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for rng in merged:
        wb.worksheets[0].merge_cells(rng)
    wb.save(path)
    return wb


# ---------------------------------------------------------------- values never guessed silently

def test_decimal_year_month_is_refused(root, tmp_path, capsys):
    t = tmp_path / "年月小数.xlsx"
    book(t, ("月报", [["单位", "年月", "刑事警情"], ["潭溪派出所", 2024.09, 3], ["潭溪派出所", 2024.1, 4]]))
    code, out, err = run(root, t, capsys)
    assert code == 1 and written(root) == []
    assert ("年月小数.xlsx:月报!B3: “2024.1”是小数形式的年月，分不清是 1 月还是 10 月"
            "（Excel 会把 2024.10 存成 2024.1）。请把这一列写成 2024-10 这样的文字，或分成“年份”“月份”两列。") in out
    assert "年月小数.xlsx:月报!B2: “2024.09”是小数形式的年月" in out
    c = tmp_path / "年月小数.csv"
    c.write_text("单位,年月,刑事警情\n潭溪派出所,2024.10,4\n", encoding="utf-8")
    code, out, _ = run(root, c, capsys)
    assert code == 1 and "年月小数.csv:B2: “2024.10”是小数形式的年月" in out


def test_rate_column_typed_as_fractions_is_scaled_with_a_note(root, tmp_path, capsys):
    t = tmp_path / "满意率.xlsx"
    book(t, ("满意率", [["单位", "年份", "月份", "群众满意率"], ["潭溪派出所", 2024, 1, 0.95],
                        ["潭溪派出所", 2024, 2, "0.975"], ["柳湾派出所", 2024, 1, 0.9]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert ("满意率.xlsx:满意率：“群众满意率”一列的数都不大于 1（如 0.95），已看作小数形式的比例，"
            "乘以 100 换算成百分数（0.95 → 95）。") in out
    assert months(root, "tanxi-pcs", 2024) == {1: {"satisfaction": 95}, 2: {"satisfaction": 97.5}}
    # a column that has real percentages beside a small one is taken as it is
    t2 = tmp_path / "满意率2.csv"
    t2.write_text("单位,年份,月份,群众满意率\n石桥派出所,2024,1,0.5\n石桥派出所,2024,2,96\n", encoding="utf-8")
    code, out, _ = run(root, t2, capsys)
    assert code == 0 and "乘以 100" not in out
    assert months(root, "shiqiao-pcs", 2024) == {1: {"satisfaction": 0.5}, 2: {"satisfaction": 96}}


def test_hidden_sheets_and_rows_are_skipped_with_a_note(root, tmp_path, capsys):
    t = tmp_path / "隐藏.xlsx"
    wb = book(t, ("数据", [["单位", "年份", "月份", "刑事警情"], ["潭溪派出所", 2024, 1, 3],
                           ["潭溪派出所", 2024, 2, 99], ["潭溪派出所", 2024, 3, 98], ["潭溪派出所", 2024, 4, 5]]),
              ("旧数据", [["单位", "年份", "月份", "刑事警情"], ["柳湾派出所", 2024, 1, 7]]))
    wb["数据"].row_dimensions[3].hidden = True
    wb["数据"].row_dimensions[4].hidden = True
    wb["旧数据"].sheet_state = "hidden"
    wb.save(t)
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "略过隐藏的表“旧数据”。如果要导入它，请在 Excel 中右键点表名→“取消隐藏”，保存后重新导入。" in out
    assert "隐藏.xlsx:数据：略过隐藏的第 3–4 行。" in out
    assert months(root, "tanxi-pcs", 2024) == {1: {"criminal_cases": 3}, 4: {"criminal_cases": 5}}
    assert written(root) == ["tanxi-pcs/2024.yml"]


def test_formula_without_a_stored_result_is_refused(root, tmp_path, capsys):
    t = tmp_path / "公式.xlsx"
    book(t, ("表", [["单位", "年份", "月份", "排查矛盾纠纷", "化解矛盾纠纷"],
                    ["潭溪派出所", 2024, 1, 6, "=D2-1"]]))
    code, out, _ = run(root, t, capsys)
    assert code == 1 and written(root) == []
    assert "公式.xlsx:表!E2: 这个单元格是公式，但文件里没有保存计算结果" in out


def test_future_year_says_so(root, tmp_path, capsys):
    t = tmp_path / "明年.csv"
    y = TODAY.year + 1
    t.write_text(f"单位,年份,月份,刑事警情\n潭溪派出所,{y},1,3\n", encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 1
    assert f"明年.csv:B2: {y} 年还没有到（今天是 {TODAY.isoformat()}），请检查年份。" in out


# ---------------------------------------------------------------- ordinary layouts

def test_lines_above_the_header_and_a_unit_column_named_otherwise(root, tmp_path, capsys):
    t = tmp_path / "上报.xlsx"
    book(t, ("上报", [["溪川县各派出所治安情况月报表"], ["填报单位", "溪川县公安局", None, "填报日期", "2024-02-05"],
                      ["派出所名称", "年份", "月份", "刑事警情", "治安警情"], ["潭溪派出所", 2024, 1, 2, 5]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "tanxi-pcs", 2024) == {1: {"criminal_cases": 2, "public_order_cases": 5}}


def test_two_header_rows_under_merged_group_cells_and_merged_units(root, tmp_path, capsys):
    t = tmp_path / "分组表头.xlsx"
    book(t, ("2024年", [["单位", "年份", "月份", "治安形势", None, None, "矛盾纠纷", None],
                       [None, None, None, "刑事警情", "治安警情", "可防性案件", "排查矛盾纠纷", "化解矛盾纠纷"],
                       ["潭溪派出所", 2024, 1, 3, 4, 1, 9, 8],
                       [None, None, 2, 2, 5, 0, 7, 7],
                       ["柳湾派出所", 2024, 1, 6, 1, 2, 3, 3],
                       [None, None, 2, 5, 2, 2, 4, 4]]),
         merged=("A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:H1", "A3:A4", "B3:B4", "A5:A6", "B5:B6"))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "tanxi-pcs", 2024)[2] == {
        "criminal_cases": 2, "public_order_cases": 5, "preventable_cases": 0,
        "disputes_found": 7, "disputes_resolved": 7}
    assert months(root, "liuwan-pcs", 2024)[2]["criminal_cases"] == 5


def test_two_header_rows_without_merging(root, tmp_path, capsys):
    t = tmp_path / "两行表头.csv"
    t.write_text("单位,年份,月份,治安形势,,\n,,,刑事警情,治安警情,可防性案件\n石桥派出所,2024,3,1,2,0\n",
                 encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "shiqiao-pcs", 2024) == {3: {"criminal_cases": 1, "public_order_cases": 2,
                                                     "preventable_cases": 0}}
    t.write_text("单位,治安形势,\n,刑事警情,治安警情\n石桥派出所,1,2\n", encoding="utf-8")
    t2 = tmp_path / "2023年5月.csv"
    t.rename(t2)
    code, out, _ = run(root, t2, capsys)
    assert code == 0, out
    assert months(root, "shiqiao-pcs", 2023) == {5: {"criminal_cases": 1, "public_order_cases": 2}}


def test_a_number_merged_over_months_is_refused(root, tmp_path, capsys):
    t = tmp_path / "合并数字.xlsx"
    book(t, ("表", [["单位", "年份", "月份", "刑事警情"],
                    *(["潭溪派出所", 2024, m, 9 if m == 1 else None] for m in (1, 2, 3))]), merged=("D2:D4",))
    code, out, _ = run(root, t, capsys)
    assert code == 1 and written(root) == []
    assert "合并数字.xlsx:表!D3: 这个单元格与 D2 合并在一起，分不清 D2 的数属于哪一个月。请取消合并，每个月写一个数。" in out


def test_totals_in_every_spelling_and_descriptive_columns(root, tmp_path, capsys):
    t = tmp_path / "合计.xlsx"
    book(t, ("表", [["序号", "所属分局", "单位", "年份", "月份", "刑事警情", "合计"],
                    [1, "城区分局", "潭溪派出所", 2024, 1, 3, 3],
                    [2, "城区分局", "柳湾派出所", 2024, 1, 4, 4],
                    [None, None, "合  计", None, None, 7, 7],
                    [None, None, "合\u3000计", None, None, 7, 7],
                    [None, "全局合计", None, None, None, 7, 7],
                    [None, "总计（全县）", None, None, None, 7, 7]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "合计.xlsx:表：略过不是指标的列：所属分局。" in out
    assert "合计.xlsx:表：略过合计列：合计（网站会自己合计）。" in out
    assert written(root) == ["liuwan-pcs/2024.yml", "tanxi-pcs/2024.yml"]


def test_an_unknown_column_holding_numbers_is_still_an_error(root, tmp_path, capsys):
    t = tmp_path / "未知.csv"
    t.write_text("单位,年份,月份,刑事案件\n潭溪派出所,2024,1,3\n", encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 1
    assert "未知.csv:D1: 不认识的指标“刑事案件”。是不是想写“刑事警情”？" in out


def test_month_column_holding_year_month_or_dates(root, tmp_path, capsys):
    t = tmp_path / "月份.xlsx"
    book(t, ("表", [["单位", "年份", "月份", "刑事警情"], ["潭溪派出所", 2024, "2024年1月", 3],
                    ["潭溪派出所", 2024, datetime(2024, 2, 1), 4]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "tanxi-pcs", 2024) == {1: {"criminal_cases": 3}, 2: {"criminal_cases": 4}}
    book(t, ("表", [["单位", "年份", "月份", "刑事警情"], ["潭溪派出所", 2023, "2024年1月", 3]]))
    code, out, _ = run(root, t, capsys)
    assert code == 1 and "月份.xlsx:表!C2: 月份“2024年1月”与同一行的年份 2023 不一致。" in out


def test_year_from_the_title_and_one_sheet_a_month(root, tmp_path, capsys):
    t = tmp_path / "标题年份.xlsx"
    book(t, ("表", [["2023年溪川县派出所月度统计"], ["单位", "月份", "刑事警情"], ["潭溪派出所", 1, 3]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "标题年份.xlsx:表：表中没有“年份”列，年份 2023 取自标题“2023年溪川县派出所月度统计”。" in out
    assert months(root, "tanxi-pcs", 2023) == {1: {"criminal_cases": 3}}

    t2 = tmp_path / "2022年月报.xlsx"
    book(t2, *[(f"{m}月", [["单位", "刑事警情", "治安警情"], ["柳湾派出所", m, 10 + m]]) for m in range(1, 13)])
    code, out, _ = run(root, t2, capsys)
    assert code == 0, out
    assert "2022年月报.xlsx:3月：表中没有“月份”列，月份 3 取自表名“3月”。" in out
    assert "2022年月报.xlsx:3月：表中没有“年份”列，年份 2022 取自文件名“2022年月报”。" in out
    assert months(root, "liuwan-pcs", 2022)[12] == {"criminal_cases": 12, "public_order_cases": 22}


def test_summary_and_empty_template_sheets_are_skipped(root, tmp_path, capsys):
    t = tmp_path / "多表.xlsx"
    book(t, ("数据", [["单位", "年份", "月份", "刑事警情"], ["潭溪派出所", 2024, 1, 3]]),
         ("汇总", [["单位", "刑事警情"], ["潭溪派出所", 3]]),
         ("模板", [["单位", "年份", "月份", "刑事警情"]]))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "略过表“汇总”：表名是汇总，网站会自己合计。" in out
    assert "略过表“模板”：只有表头，没有数据。" in out


def test_cross_tab_one_message_or_read_when_named(root, tmp_path, capsys):
    header = ["单位"] + [f"{m}月" for m in range(1, 13)] + ["合计"]
    rows = [["潭溪派出所"] + list(range(1, 13)) + [78], ["柳湾派出所"] + [2] * 12 + [24]]
    t = tmp_path / "交叉表.xlsx"
    book(t, ("Sheet1", [header] + rows))
    code, out, _ = run(root, t, capsys)
    assert code == 1 and written(root) == []
    assert out.count("这张表是") == 1  # one explanation, not a message a cell
    assert "交叉表.xlsx:Sheet1!B1: 这张表是“单位 × 月份”的交叉表（表头是 1月、2月、3月 等月份）" in out
    book(t, ("2024年刑事警情", [header] + rows))
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "交叉表.xlsx:2024年刑事警情：按“单位 × 月份”交叉表读取：指标“刑事警情”取自表名“2024年刑事警情”，年份 2024。" in out
    assert months(root, "tanxi-pcs", 2024)[7] == {"criminal_cases": 7}
    assert len(months(root, "liuwan-pcs", 2024)) == 12


# ---------------------------------------------------------------- files

TSV = "单位\t年份\t月份\t刑事警情\r\n潭溪派出所\t2024\t1\t3\r\n柳湾派出所\t2024\t1\t4\r\n"


@pytest.mark.parametrize("name", ["Unicode文本.txt", "Unicode文本.csv", "表.tsv"])
def test_utf16_unicode_text_and_tsv(root, tmp_path, capsys, name):
    t = tmp_path / name
    t.write_bytes(TSV.encode("utf-16"))  # with its byte-order mark, as Excel saves it
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "liuwan-pcs", 2024) == {1: {"criminal_cases": 4}}


def write_xls(path: Path) -> None:
    try:
        import xlwt
    except ImportError:  # the test extra has it; under CI a skip would hide a missing install
        if os.environ.get("CI") == "true":
            pytest.fail("xlwt (test extra) is missing under CI")
        pytest.skip("xlwt writes the .xls test workbook: pip install -e .[test]")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("月报")
    for r, row in enumerate([["单位", "年份", "月份", "刑事警情"], ["石桥派出所", 2024, 1, 3],
                             ["石桥派出所", 2024, 2, 6]]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.save(str(path))


def test_xls_and_an_xls_renamed_xlsx(root, tmp_path, capsys):
    t = tmp_path / "旧格式.xls"
    write_xls(t)
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "shiqiao-pcs", 2024) == {1: {"criminal_cases": 3}, 2: {"criminal_cases": 6}}
    assert "旧格式.xls：.xls 文件看不出哪些行被隐藏，隐藏的行也照常导入。" in out
    renamed = tmp_path / "改名.xlsx"
    shutil.copy(t, renamed)
    code, out, err = run(root, renamed, capsys)
    assert code == 0 and "“改名.xlsx”的文件名后缀与内容不符：它实际是 .xls 格式，已按 .xls 读取。" in out
    assert "没有变化" in out


def write_ods(path: Path, rows: list[list]) -> None:
    def cell(v):
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="月报">' + body +
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


def test_ods(root, tmp_path, capsys):
    t = tmp_path / "开源格式.ods"
    write_ods(t, [["单位", "年份", "月份", "化解矛盾纠纷"], ["黄坡派出所", 2024, 5, 11]])
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert months(root, "huangpo-pcs", 2024) == {5: {"disputes_resolved": 11}}
    assert "开源格式.ods：.ods 文件看不出哪些行被隐藏" in out


SAVE_AS = ("请用 Excel 打开它，点“文件”→“另存为”，“保存类型”选“Excel 工作簿(*.xlsx)”后保存"
           "（WPS：“文件”→“另存为”→“Excel 文件(*.xlsx)”），再导入新保存的 .xlsx 文件。")


def test_files_that_are_not_tables(root, tmp_path, capsys):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE header and nothing more
    code, _, err = run(root, bad, capsys)
    assert code == 1 and err == f"打不开“坏.xlsx”：文件已损坏、设了打开密码，或不是表格文件。{SAVE_AS}\n"
    page = tmp_path / "导出.xls"
    page.write_text("<html><body><table><tr><td>单位</td></tr></table></body></html>", encoding="utf-8")
    code, _, err = run(root, page, capsys)
    assert code == 1 and err == ("“导出.xls”实际是网页（HTML），不是表格文件（有些系统导出的“Excel”其实是网页）。"
                                 f"{SAVE_AS}\n")
    zipped = tmp_path / "坏2.xlsx"
    zipped.write_bytes(b"not a zip")
    code, _, err = run(root, zipped, capsys)
    assert code == 1 and err.startswith("打不开“坏2.xlsx”") and "Error" not in err
    other = tmp_path / "表.docx"
    other.write_bytes(b"PK")
    code, _, err = run(root, other, capsys)
    assert err == "只能导入表格文件（.xlsx、.xls、.ods、.csv、.txt、.tsv），“表.docx”不是。\n"


# ---------------------------------------------------------------- unit names

def test_suggestions_only_of_the_same_kind_and_the_hint_always(root, tmp_path, capsys):
    t = tmp_path / "新单位.csv"
    t.write_text("单位,年份,月份,刑事警情\n城关派出所,2024,1,3\n溪川县公安局城关派出所,2024,1,2\n"
                 "柳弯派出所,2024,1,1\n", encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 1
    # 城关 has nothing in common with any place; the bureau is never offered for a station
    assert ("新单位.csv:A2: 不认识的单位“城关派出所”。"
            "如果这是还没有记录的新单位，请先用 jingyan new unit --name 城关派出所 建立。") in out
    assert ("新单位.csv:A3: 不认识的单位“溪川县公安局城关派出所”。"
            "如果这是还没有记录的新单位，请先用 jingyan new unit --name 溪川县公安局城关派出所 建立。") in out
    assert "新单位.csv:A4: 不认识的单位“柳弯派出所”。是不是想写“柳湾派出所”？如果这是还没有记录的新单位" in out


def test_units_by_id_full_name_short_name(root, tmp_path, capsys):
    t = tmp_path / "名称.csv"
    t.write_text("单位,年份,月份,刑事警情\ntanxi-pcs,2024,1,1\n潭溪派出所,2024,2,2\n潭溪,2024,3,3\n"
                 "潭溪所,2024,4,4\n溪川县公安局潭溪派出所,2024,5,5\n", encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert sorted(months(root, "tanxi-pcs", 2024)) == [1, 2, 3, 4, 5]


# ---------------------------------------------------------------- size

def test_a_stray_cell_in_the_last_row_costs_nothing(root, tmp_path, capsys):
    t = tmp_path / "末行.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["单位", "年份", "月份", "刑事警情"])
    for m in range(1, 13):
        ws.append(["潭溪派出所", 2024, m, m])
    ws["Z1048576"] = " "
    wb.save(t)
    start = time.perf_counter()
    code, out, _ = run(root, t, capsys)
    took = time.perf_counter() - start
    assert code == 0, out
    assert len(months(root, "tanxi-pcs", 2024)) == 12
    assert took < 10, f"{took:.1f} s"  # the whole-sheet reader took 70-92 s and 5.4 GB


def test_import_into_a_skeleton_made_by_new_stats(root, tmp_path, capsys):
    assert main(["new", "--root", str(root), "stats", "--unit", "潭溪派出所", "--year", "2024"]) == 0
    rel = root / "records/stats/tanxi-pcs/2024.yml"
    rel.write_text(rel.read_text(encoding="utf-8").replace("  2: {criminal_cases: ,", "  2: {criminal_cases: 7,"),
                   encoding="utf-8")
    capsys.readouterr()
    t = tmp_path / "补充.csv"
    t.write_text("单位,年份,月份,刑事警情\n潭溪派出所,2024,3,5\n", encoding="utf-8")
    code, out, _ = run(root, t, capsys)
    assert code == 0, out
    assert "tanxi-pcs 2024-03 刑事警情：（无） → 5" in out
    assert months(root, "tanxi-pcs", 2024) == {2: {"criminal_cases": 7}, 3: {"criminal_cases": 5}}
