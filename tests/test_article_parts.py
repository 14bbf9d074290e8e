"""The parts of `jingyan import-article`, each on its own: dates and periods,
units, brands, figures, and the draft a whole article becomes."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.importers.article import find_brands, find_figures, find_unit_names
from generator.importers.article.dates import find_date, periods_in
from generator.messages import UNLINKED_UNIT, WARN_UNLINKED_UNIT
from test_import_article import draft, make_repo, unit

CORPUS = Path(__file__).resolve().parent / "article_corpus"


# ---------------------------------------------------------------- dates and periods

@pytest.mark.parametrize("line, iso", [
    ("2023-05-12 10:30 来源：某报", "2023-05-12"),
    ("发布时间：2023/5/12", "2023-05-12"),
    ("2023.05.12", "2023-05-12"),
    ("2023年5月12日 星期五", "2023-05-12"),
    ("二〇二三年五月十二日", "2023-05-12"),
    ("二〇二三年十二月三十一日", "2023-12-31"),
    ("2023年2月30日", None),  # no such day
])
def test_dates_in_every_common_form(line, iso):
    assert find_date([line]) == iso


@pytest.mark.parametrize("text, label", [
    ("今年以来", "2023年1—7月（今年以来）"),
    ("年初以来", "2023年1—7月（年初以来）"),
    ("上半年", "2023年1—6月（上半年）"),
    ("去年下半年", "2022年7—12月（去年下半年）"),
    ("今年1至5月", "2023年1—5月（今年1至5月）"),
    ("一季度", "2023年1—3月（一季度）"),
    ("前三季度", "2023年1—7月（前三季度）"),  # an article cannot report past its own month
    ("去年同期", "2022年1—7月（去年同期）"),
    ("去年", "2022年（去年）"),
    ("2021年", "2021年"),
    ("2021年3-6月", "2021年3—6月"),
    ("截至6月底", "2023年1—6月（截至6月底）"),
    ("5月以来", "2023年5—7月（5月以来）"),
])
def test_relative_periods_resolved_against_the_article_date(text, label):
    [(_, period)] = periods_in(text, date(2023, 7, 10))
    assert period.label() == label


def test_relative_periods_without_a_date_are_marked_for_the_reviewer():
    [(_, period)] = periods_in("今年以来", None)
    assert not period.resolved
    assert period.label() == "今年以来（待填写：文中没有发布日期，请写明具体年月）"
    [(_, period)] = periods_in("2021年1-6月", None)  # written out in full: nothing to resolve
    assert period.label() == "2021年1—6月"


# ---------------------------------------------------------------- units

@pytest.mark.parametrize("generic", [
    "上述派出所", "基层派出所", "全市先进派出所", "各派出所", "辖区派出所", "该派出所", "多个派出所",
    "属地派出所", "当地派出所", "所属派出所", "相关派出所", "涉事派出所", "农村派出所", "城区派出所",
    "乡镇派出所", "两个派出所", "全县18个派出所", "枫桥式派出所", "省级示范派出所", "标准化警务室",
    "智慧警务室", "校园警务室", "社区警务室", "网格警务室", "人民调解工作站", "市公安局", "县公安局",
])
def test_generic_words_before_a_suffix_make_no_unit(generic):
    assert find_unit_names(f"民警来到{generic}了解情况。") == []
    assert find_unit_names(f"{generic}民警开展走访。") == []


@pytest.mark.parametrize("text, names", [
    # a place named by a common word, standing alone at a boundary
    ("新兴派出所在辖区设立议事厅。", ["新兴派出所"]),
    ("胜利派出所、解放派出所和向阳警务室联合巡逻。", ["胜利派出所", "解放派出所", "向阳警务室"]),
    ("和平社区警务室、建设警务室轮流坐班。", ["和平社区警务室", "建设警务室"]),
    ("五星派出所的“调解室”和光明派出所的“护航队”获评。", ["五星派出所", "光明派出所"]),
    ("大庆市公安局让胡路分局推行。", ["大庆市公安局让胡路分局"]),
    # … but never an act or a description
    ("会上，向阳派出所、米公派出所作了交流。", ["向阳派出所", "米公派出所"]),
    ("全区各派出所、基层警务室负责人参加。", []),
    ("汕尾市公安局城区分局推进试点。", ["汕尾市公安局城区分局"]),
    ("工作组观摩了匡远派出所东门社区警务室。", ["匡远派出所", "东门社区警务室"]),
    ("新城分局解放门派出所推行护学岗。", ["新城分局", "解放门派出所"]),
    ("新建警务室12个。", []),
    ("固始县公安局加强警务室建设。", ["固始县公安局"]),
    ("民警和辖区派出所一起走访。", []),
    ("一站式警务室方便群众。", []),
    ("民警来到城关派出所。", ["城关派出所"]),
    ("由东塘派出所牵头。", ["东塘派出所"]),
    ("望江路派出所和人民路警务室", ["望江路派出所", "人民路警务室"]),
    ("先后走访了白沙洲、金银湖和双墩派出所", ["白沙洲派出所", "金银湖派出所", "双墩派出所"]),
    ("集美、新旗和泾河5个警务室", ["集美警务室", "新旗警务室", "泾河警务室"]),
    ("东关、西关等派出所", ["东关派出所", "西关派出所"]),
    ("观摩了清河县公安局甲镇派出所乙村警务室", ["清河县公安局", "甲镇派出所", "乙村警务室"]),
    ("嘉兴市公安局南湖区分局和秀洲区分局", ["嘉兴市公安局南湖区分局", "秀洲区分局"]),
    ("海淀分局、朝阳分局", ["海淀分局", "朝阳分局"]),
    ("青石村警务工作站", ["青石村警务工作站"]),
    ("山东省潍坊市公安局", ["潍坊市公安局"]),
    ("荣获“全国优秀派出所”称号，借鉴“枫桥派出所”经验", []),
])
def test_units_from_their_structure(text, names):
    assert [n for n, _ in find_unit_names(text)] == names


def test_places_the_repository_knows_help():
    from generator.importers.article.units import teach_places
    text = "民警来到竹园派出所了解情况。"  # 竹园 (a bamboo garden) is an everyday word to jieba
    assert find_unit_names(text) == []
    teach_places(["竹园"])  # a unit record 竹园派出所, or a line in pinyin_phrases.yml
    assert [n for n, _ in find_unit_names(text)] == ["竹园派出所"]


def test_full_and_short_forms_are_one_unit():
    text = "杭州市公安局西湖区分局近日……西湖分局民警……辖区灵隐派出所……灵隐所民警"
    assert [n for n, _ in find_unit_names(text)] == ["杭州市公安局西湖区分局", "灵隐派出所"]
    mentions = [n for n, _ in find_unit_names(text, every=True)]
    assert mentions.count("杭州市公安局西湖区分局") == 2 and mentions.count("灵隐派出所") == 2


# ---------------------------------------------------------------- brands

@pytest.mark.parametrize("line, brands", [
    ("推行“四头”工作法", ["“四头”工作法"]),
    ('试行"警巡联动"机制', ["“警巡联动”机制"]),
    ("推出“双色“工作法", ["“双色”工作法"]),
    ("打造‘和事佬’调解队", ["“和事佬”调解队"]),
    ("推广'一村一警'", ["“一村一警”"]),
    ("推广《邻里守望》工作法", ["“邻里守望”工作法"]),
    ("建立「海上枫桥」机制", ["“海上枫桥”机制"]),
    ("推进“平安小网格”建设", ["“平安小网格”"]),
    ("推出“随手拍报警”平台", ["“随手拍报警”平台"]),
    ("探索“1+2+N”警务模式", ["“1+2+N”警务模式"]),
    ("根据《关于加强社区警务工作的意见》", []),
    ("他说：“谢谢民警”", []),
    ("“太感谢了”群众说", []),
    ("“以前有了纠纷只能自己扛，现在一个电话民警就来了。”", []),
    ("被村民称为“自家人”", []),
    ("“两抢”案件连续三年零发案", []),
    ("牢固树立“小案大影响”的理念", []),
    ("授予“全市优秀派出所”称号", []),
    ("通过“三个结合”", ["“三个结合”"]),
    ("了解“村村有警”落实情况", ["“村村有警”"]),
    ("推出『邻里守望』", ["“邻里守望”"]),
    ("“五一”假期接待游客求助", []),
    ("民警守护“百年老街”", []),
    ("部署“平安校园”专项行动", ["“平安校园”专项行动"]),
    ('"我们守好自家门口。"队员说', []),
    ("听取了“一格一警”做法介绍", ["“一格一警”"]),  # 介绍 after a method noun is no speech
    ("“大家放心”，民警介绍", []),
])
def test_brands_in_every_quotation_style(line, brands):
    assert find_brands([line]) == brands


# ---------------------------------------------------------------- figures

@pytest.mark.parametrize("sentence, label, value, change, unit, wording, approximate", [
    ("化解矛盾纠纷80余起。", "化解矛盾纠纷", 80, None, "起", "80余起", True),
    ("共有商户近300家。", "商户", 300, None, "家", "近300家", True),
    ("辖区面积约15平方公里。", "辖区面积", 15, None, "平方公里", "约15平方公里", True),
    ("覆盖群众1万余人。", "覆盖群众", 10000, None, "人", "1万余人", True),
    ("挽回损失3.5亿元。", "挽回损失", 3.5, None, "亿元", "3.5亿元", False),
    ("刑事警情同比下降35.1%。", "刑事警情", None, -35.1, "%", "同比下降35.1%", False),
    ("治安警情环比上升2.5%。", "治安警情", None, 2.5, "%", "环比上升2.5%", False),
    ("见警率提高3.2个百分点。", "见警率", None, 3.2, "个百分点", "提高3.2个百分点", False),
    ("化解纠纷88起，较去年同期增加19起。", "化解纠纷", None, 19, "起", "较去年同期增加19起", False),
    ("全县下沉警力120名。", "下沉警力", 120, None, "名", "120名", False),
    ("将全县65%的警力下沉到社区。", "下沉警力", 65, None, "%", "65%", False),
    ("选任95名警务助理。", "选任警务助理", 95, None, "名", "95名", False),
    ("开展宣讲百余场。", "开展宣讲", 100, None, "场", "百余场", True),
    ("该所累计为群众办理身份证2300余张。", "办理身份证", 2300, None, "张", "2300余张", True),
    ("出动警力3000余人次，车辆400余辆次。", "车辆", 400, None, "辆次", "400余辆次", True),
    ("纠纷化解率从85%提高到97%。", "纠纷化解率", 97, None, "%", "97%", False),
    ("帮助群众挽回经济损失达1.25亿元。", "挽回经济损失", 1.25, None, "亿元", "1.25亿元", False),
    # where, for whom and who are not what was counted
    ("派出所在夜市设立流动警务点3处。", "设立流动警务点", 3, None, "处", "3处", False),
    ("民警又为行动不便的老人上门办证31次。", "上门办证", 31, None, "次", "31次", False),
    ("群众在线报警求助1300余次。", "在线报警求助", 1300, None, "次", "1300余次", True),
    ("辖区共发生涉渔纠纷12起。", "涉渔纠纷", 12, None, "起", "12起", False),
    ("分局在沿湖8个渔村设立警务点。", "渔村", 8, None, "个", "8个", False),
    ("3起积案全部告破。", "积案", 3, None, "起", "3起", False),
    ("民警为留守老人代办证件58件。", "代办证件", 58, None, "件", "58件", False),
    ("辅警协助调解纠纷310余起。", "协助调解纠纷", 310, None, "起", "310余起", True),
    ("劝导交通违法行为140起。", "劝导交通违法行为", 140, None, "起", "140起", False),
    ("在全市1300余所学校周边开展护学。", "学校", 1300, None, "所", "1300余所", True),
    ("游客求助类警情占比由45%降至28%。", "游客求助类警情占比", 28, None, "%", "28%", False),
    # … but the whole of what was counted stays
    ("协调解决渔船停泊纠纷15起。", "协调解决渔船停泊纠纷", 15, None, "起", "15起", False),
    ("夜市周边电动车被盗案件同比下降52.6%。", "夜市周边电动车被盗案件", None, -52.6, "%", "同比下降52.6%", False),
    ("群众满意率达97%。", "群众满意率", 97, None, "%", "97%", False),
    # groups sharing a task: the task and the kind of group
    ("每晚分3组巡逻。", "巡逻组", 3, None, "组", "3组", False),
    ("民警分成两班值守。", "值守班次", 2, None, "班", "两班", False),
    ("分4个组轮流巡查。", "巡查组", 4, None, "组", "4个组", False),
    ("每晚分两组沿老街巡查。", "巡查组", 2, None, "组", "两组", False),
    # how a figure reached the unit is not what was counted; a score is a unit; a bare 成功 verb keeps 成功
    ("所里接报的盗窃警情环比下降21%。", "盗窃警情", None, -21, "%", "环比下降21%", False),
    ("群众安全感测评得分提升1.8分。", "群众安全感测评得分", None, 1.8, "分", "提升1.8分", False),
    ("成功调解398起。", "成功调解", 398, None, "起", "398起", False),
    ("成功破获电信诈骗案件12起。", "破获电信诈骗案件", 12, None, "起", "12起", False),
    # a list ending in 等 is part of what was counted
    ("为游客提供咨询、寻人寻物等服务1.2万余次。", "提供咨询、寻人寻物等服务", 12000, None, "次", "1.2万余次", True),
])
def test_figures_labelled_with_what_was_counted(sentence, label, value, change, unit, wording, approximate):
    found = [(f.label, f.value, f.change, f.unit, f.wording, f.approximate) for f in find_figures(sentence)]
    assert (label, value, change, unit, wording, approximate) in found, found


def test_a_unit_named_by_its_short_form_is_not_what_was_counted():
    text = "胜利派出所成立调解室。胜利所调解物业纠纷64起。"
    units = find_unit_names(text, every=True)
    assert [(f.label, f.value) for f in find_figures(text, units)] == [("调解物业纠纷", 64)]


def test_a_formula_explained_is_no_figure():
    assert find_figures("推行“1+3+N”模式，即1名民警带领3名辅警和N名网格员。") == []


# ---------------------------------------------------------------- the draft

def test_draft_keeps_every_unit_and_validates_once_they_are_linked(tmp_path, capsys):
    root = make_repo(tmp_path, units=dict([unit("ninger-psb", "宁洱县公安局", "bureau", province="云南省",
                                                city="普洱市")]))
    assert main(["import-article", "--root", str(root), str(CORPUS / "03_enumeration_honours.txt")]) == 0
    out = capsys.readouterr().out
    data, text = draft(root, out)
    assert data["status"] == "draft"
    assert data["units"] == ["ninger-psb"]
    stations = ["磨黑派出所", "新平警务室", "同心派出所", "勐先派出所", "德化派出所", "梅子派出所"]
    assert data["unlinked_units"] == stations
    assert [(o["label"], o["value"], o["wording"], o["period"]) for o in data["outcomes"]] == [
        ("建成警务室", 28, "28个", "2021年1—6月（截至目前）"), ("选任警务助理", 95, "95名", "2021年1—6月（截至目前）")]
    # `jingyan validate` warns about each unit, with the command that creates it,
    # and passes: a draft is never published, so it must not fail everyone's build
    path = next((root / "records/practices").glob("*.yml"))
    assert main(["validate", "--root", str(root)]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "提示：" in ln]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("unlinked_units:"))
    assert [ln.split(":", 2)[:2] for ln in lines] == [[f"records/practices/{path.name}", str(line)]] * len(stations)
    assert [ln.split(": ", 1)[1] for ln in lines] == [WARN_UNLINKED_UNIT.format(name=n) for n in stations]
    assert all(f"请新建或关联：jingyan new unit --name {n}（" in ln for n, ln in zip(stations, lines))
    # published with the units still unlinked, the same are errors and validate fails
    path.write_text(text.replace("status: draft", "status: published"), encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert [ln.split(": ", 1)[1] for ln in lines if "unlinked" in ln or "关联" in ln] == \
        [UNLINKED_UNIT.format(name=n) for n in stations]
    # once the units exist and are linked, the draft validates (and stays a draft)
    ids = []
    for i, name in enumerate(stations):
        kind, parent = ("post", "tongxin-pcs") if name.endswith("警务室") else ("station", "ninger-psb")
        uid = f"u{i}-{'post' if kind == 'post' else 'pcs'}"
        uid = "tongxin-pcs" if name == "同心派出所" else uid
        ids.append(uid)
        (root / "records/units" / f"{uid}.yml").write_text(
            unit(uid, name, kind, parent, province="云南省", city="普洱市")[1], encoding="utf-8")
    fixed = re.sub(r"(?m)^unlinked_units: .*\n", "", text).replace(
        "units: [ninger-psb]", "units: [ninger-psb, " + ", ".join(ids) + "]")
    path.write_text(fixed, encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 0
    assert "另有 1 条草稿" in capsys.readouterr().out


def test_draft_without_a_date_marks_relative_periods(tmp_path, capsys):
    root = make_repo(tmp_path, units={})
    assert main(["import-article", "--root", str(root), str(CORPUS / "07_no_date_relative.txt")]) == 0
    out = capsys.readouterr().out
    data, _ = draft(root, out)
    marked = [o for o in data["outcomes"] if o.get("period")]
    assert marked and all("（待填写：文中没有发布日期，请写明具体年月）" in o["period"] for o in marked)
    # … and the import lists each as still to do
    assert out.count("待填写：文中没有发布日期") >= 1
    assert data["unlinked_units"] == ["铁力市公安局", "桃山派出所"] and data["units"] == []
    # no unit has a record yet: the draft still validates, with a warning per unit …
    assert main(["validate", "--root", str(root)]) == 0
    assert capsys.readouterr().out.count("请新建或关联：jingyan new unit --name ") == 2
    # … but published so, its empty units and each unlinked unit are errors
    path = next((root / "records/practices").glob("*.yml"))
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "“units”至少要写 1 项" in out and out.count("jingyan new unit --name ") == 2 and "提示：" not in out


def test_build_prints_a_drafts_unlinked_units_without_failing():
    """The plugin logs the warning at INFO (strict MkDocs fails on a WARNING);
    `jingyan build` shows it to staff as it is."""
    import io
    import logging

    from generator.commands.build import ProgressHandler
    stream = io.StringIO()
    handler = ProgressHandler(stream)
    line = "records/practices/a.yml:9:1: " + WARN_UNLINKED_UNIT.format(name="胜利派出所")
    handler.emit(logging.LogRecord("mkdocs.plugins.jingyan", logging.INFO, "", 0, line, None, None))
    handler.emit(logging.LogRecord("mkdocs.plugins.jingyan", logging.INFO, "", 0, "其他信息", None, None))
    assert stream.getvalue() == line + "\n"
