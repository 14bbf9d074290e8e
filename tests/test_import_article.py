"""`jingyan import-article`: the five seed articles and the repository's own short fixtures
(tests/fixtures/articles/, written for these tests) imported into temporary repositories."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.importers.article import extract
from generator.messages import WARN_UNLINKED_UNIT
from generator.validate import load_records, unlinked_unit_warnings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
SEEDS = next((p for p in (REPO / "shared" / "seeds", REPO.parent / "shared" / "seeds",
                          Path("/work/shared/seeds")) if p.is_dir()), None)
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="the seed articles (shared/seeds/) are not on this machine")


def unit(uid, name, kind, parent=None, province="山东省", city="青岛市"):
    text = f"id: {uid}\nname: {name}\nkind: {kind}\n"
    text += f"parent: {parent}\n" if parent else ""
    return uid, text + f"region:\n  province: {province}\n  city: {city}\n"


SEED_UNITS = dict([
    unit("laixi-psb", "莱西市公安局", "bureau"),
    unit("xiagezhuang-pcs", "夏格庄派出所", "station", "laixi-psb"),
    unit("malianzhuang-pcs", "马连庄派出所", "station", "laixi-psb"),
    unit("guhe-pcs", "沽河派出所", "station", "laixi-psb"),
    unit("changyi-psb", "昌邑市公安局", "bureau", city="潍坊市"),
    unit("buzhuang-pcs", "卜庄派出所", "station", "changyi-psb", city="潍坊市"),
    unit("jingyuan-psb", "泾源县公安局", "bureau", province="宁夏回族自治区", city="固原市"),
    unit("shizhong-branch", "济宁市公安局市中区分局", "bureau", city="济宁市"),
    unit("yutun-pcs", "喻屯派出所", "station", "shizhong-branch", city="济宁市"),
    unit("boshan-branch", "淄博市公安局博山分局", "bureau", city="淄博市"),
])
BRAND = ("id: sitou-gongzuofa\nname: “四头”工作法\nunit: xiagezhuang-pcs\n"
         "summary: 民警走进群众的炕头、街头、地头和村头。\n")


def make_repo(tmp_path: Path, units: dict[str, str] | None = None) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "site_config", root / "site_config")
    for sub in ("units", "practices", "brands", "stats"):
        (root / "records" / sub).mkdir(parents=True)
    for uid, text in (SEED_UNITS if units is None else units).items():
        (root / "records" / "units" / f"{uid}.yml").write_text(text, encoding="utf-8")
    if units is None:
        (root / "records" / "brands" / "sitou-gongzuofa.yml").write_text(BRAND, encoding="utf-8")
    return root


def imp(root: Path, article: Path, *more: str) -> int:
    return main(["import-article", "--root", str(root), str(article), *more])


def written(out: str) -> Path:
    m = re.search(r"已写入草稿 (\S+\.yml)", out)
    assert m, out
    return Path(m.group(1))


def draft(root: Path, out: str) -> tuple[dict, str]:
    path = written(out)
    path = path if path.is_absolute() else root / path
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text), text


def outcome(data: dict, label: str, **want) -> dict:
    found = [o for o in data.get("outcomes") or [] if label in o["label"]
             and all(o.get(k) == v for k, v in want.items())]
    assert found, f"no outcome {label} {want} in {data.get('outcomes')}"
    return found[0]


def no_sentence_copied(body: list[str], text: str) -> None:
    """The draft holds figures and names (headings become measure names), never
    the article's sentences."""
    for line in body:
        if "。" not in line:
            continue  # a heading
        for sentence in re.split(r"[。！？]", line):
            if len(sentence) >= 14:
                assert sentence not in text, sentence


# ---------------------------------------------------------------- the seed articles

# the units named in shared/seeds/README.md, per article
README_UNITS = {
    "000": ["卜庄派出所", "昌邑市公安局"],
    "001": ["泾源县公安局", "香水派出所", "六盘山派出所", "泾河源派出所", "新民派出所", "兴盛派出所",
            "黄花派出所", "大湾派出所", "集美警务室", "新旗警务室", "杨岭警务室", "惠台警务室", "泾河警务室"],
    "002": ["夏格庄派出所", "马连庄派出所", "沽河派出所"],
    "003": ["解放路派出所", "东门派出所", "渔山派出所", "观音阁派出所", "喻屯派出所", "东邵派出所",
            "济宁市公安局市中区分局"],
    "004": ["淄博市公安局博山分局", "人民路派出所", "英雄路警务室"],
}


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@needs_seeds
@pytest.mark.parametrize("prefix", sorted(README_UNITS))
def test_seed_units_and_valid_draft(prefix, tmp_path, capsys):
    root = make_repo(tmp_path)
    assert imp(root, seed(prefix)) == 0
    out = capsys.readouterr().out
    listed = out.split("提到的单位")[1].split("\n品牌")[0].split("\n做法")[0]
    for name in README_UNITS[prefix]:
        assert f"  {name}" in listed, name
    data, text = draft(root, out)
    assert data["status"] == "draft"
    assert data["summary"] == "（草稿：请用自己的话概括）"
    assert data["sources"][0]["seed"] == seed(prefix).name
    assert all(d["detail"].startswith("（待填写") for d in data["measures"])
    no_sentence_copied(extract(seed(prefix).read_text(encoding="utf-8")).body, text)
    # the draft validates; `jingyan validate` warns about exactly the units that still need a record
    records, problems = load_records(root)
    assert problems == []
    unlinked = data.get("unlinked_units") or []
    assert [w.message for w in unlinked_unit_warnings(records)] == [WARN_UNLINKED_UNIT.format(name=n) for n in unlinked]
    names = {yaml.safe_load((root / "records/units" / f"{u}.yml").read_text(encoding="utf-8"))["name"]
             for u in data["units"]}
    cited = set(re.findall(r"  (\S+)（只出现在所引文件", out))
    assert set(README_UNITS[prefix]) <= names | set(unlinked) | cited


@needs_seeds
def test_seed_000_traditional_with_pinyin(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert imp(root, seed("000")) == 0
    out = capsys.readouterr().out
    assert "已删除网页转换工具留在汉字后面的拼音" in out and "已把繁体字转换为简体字" in out
    assert "已略去文末与本文无关的其他新闻 5 条" in out
    data, text = draft(root, out)
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", text)
    assert "火车站" not in text and "圖書館" not in text and "图书馆" not in text
    assert data["units"] == ["buzhuang-pcs"]  # 昌邑市公安局 is only named in a cited document
    assert "只出现在所引文件的名称" in out
    o = outcome(data, "采集标准地址", value=24871)
    assert o["unit"] == "条"
    assert any(m["name"] == "做强政策保障" for m in data["measures"])
    assert data["sources"][0]["title"] == "（待填写：文章标题）"  # the text has no title line
    assert "（待填写：文章标题）" in out  # … and the staff member is told


@needs_seeds
def test_seed_002_figures_units_brand(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert imp(root, seed("002")) == 0
    out = capsys.readouterr().out
    data, text = draft(root, out)
    assert data["units"] == ["xiagezhuang-pcs", "malianzhuang-pcs", "guhe-pcs"]
    assert data["brand"] == "sitou-gongzuofa"
    assert data["title"] == "市公安局探索枫桥经验的“莱西模式”"
    assert data["sources"][0] == {"title": "市公安局探索枫桥经验的“莱西模式”", "publisher": "莱西新闻网",
                                  "date": __import__("datetime").date(2019, 5, 15),
                                  "seed": "002_b0aabcd88505de50.txt"}
    assert data["period"] == {"start": "2019-01", "end": "2019-05"}
    o = outcome(data, "可防性案件", change=-35.1)
    assert o["unit"] == "%" and o["yoy"] is True
    assert outcome(data, "刑事警情", change=-60.3)["yoy"] is True
    assert outcome(data, "排查矛盾纠纷", value=123)["unit"] == "起"
    assert outcome(data, "调解", value=110)["unit"] == "起"
    o = outcome(data, "化解邻里矛盾纠纷", value=80)
    assert o["unit"] == "起" and o["approximate"] is True
    assert outcome(data, "涉案价值", value=5)["unit"] == "万元"
    names = [m["name"] for m in data["measures"]]
    assert {"坐炕头", "蹲街头", "转地头", "巡村头", "抓紧小案侦破"} <= set(names)
    assert "首页" not in text and "Copyright" not in text and "备案号" not in text
    assert "“五小工程”" in out and "“三个结合”" in out
    # the figures are printed with the unit they were reported under
    assert re.search(r"可防性案件：-35\.1%（同比）.*夏格庄派出所", out)
    assert re.search(r"刑事警情：-60\.3%（同比）.*马连庄派出所", out)


@needs_seeds
def test_seed_001_and_003_sources(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert imp(root, seed("001")) == 0
    out = capsys.readouterr().out
    data, text = draft(root, out)
    assert data["sources"][0]["publisher"] == "澎湃新闻"
    assert str(data["sources"][0]["date"]) == "2020-10-14"
    assert data["title"] == "泾源县公安局五措施推动社区警务走深走实"
    assert [m["name"] for m in data["measures"]] == ["强化顶层设计", "聚焦党建引领", "突出力量整合",
                                                     "加强科技支撑", "树立典型示范"]
    assert "ICP" not in text and "澎湃号" not in text
    assert imp(root, seed("003")) == 0
    out = capsys.readouterr().out
    data, _ = draft(root, out)
    assert data["sources"][0]["publisher"] == "齐鲁壹点"
    assert set(data["units"]) == {"shizhong-branch", "yutun-pcs"}
    assert "已略去文末与本文无关的其他新闻 4 条" in out
    assert "邹城" not in out.split("提到的单位")[1]  # the trailing news items are gone


@needs_seeds
def test_seed_without_unit_records(tmp_path, capsys):
    root = make_repo(tmp_path, units={})
    assert imp(root, seed("002")) == 0
    out = capsys.readouterr().out
    data, text = draft(root, out)
    assert data["units"] == []
    assert "jingyan new unit --name 夏格庄派出所" in out and "xiagezhuang-pcs" in out
    rel = written(out).as_posix()
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("unlinked_units:"))
    assert re.search(rf"{re.escape(rel)}:{line}:\d+: 提示：草稿中的单位“夏格庄派出所”.*请新建或关联：jingyan new unit --name 夏格庄派出所", out)
    # naming the unit makes it valid
    (root / "records/units/laixi-psb.yml").write_text(SEED_UNITS["laixi-psb"], encoding="utf-8")
    capsys.readouterr()
    assert imp(root, seed("002"), "--unit", "莱西市公安局", "--id", "laixi-draft") == 0
    data, _ = draft(root, capsys.readouterr().out)
    assert data["units"] == ["laixi-psb"]


# ---------------------------------------------------------------- the repository's own fixtures

def test_fixture_traditional_pinyin_furniture(tmp_path, capsys):
    art = extract((FIXTURES / "traditional_pinyin.txt").read_text(encoding="utf-8"))
    assert art.title == "石桥派出所“三进”工作法让群众安心"
    assert art.publisher == "示例日报" and art.date == "2021-03-08"
    body = "\n".join(art.body)
    for gone in ("首页", "登录", "责任编辑", "版权", "Copyright", "详细", "图书馆", "(", "群(qún)"):
        assert gone not in body, gone
    assert "调解纠纷" in body and "服务送到群众身边" in body
    assert art.measures == ["进村走访", "调解纠纷", "守护校园"]
    assert art.brands == ["“三进”工作法"]

    root = make_repo(tmp_path, units=dict([unit("shiqiao-pcs", "石桥派出所", "station", "laixi-psb"),
                                           unit("laixi-psb", "莱西市公安局", "bureau")]))
    assert imp(root, FIXTURES / "traditional_pinyin.txt") == 0
    out = capsys.readouterr().out
    data, text = draft(root, out)
    assert data["units"] == ["shiqiao-pcs"]
    assert outcome(data, "走访群众", value=1200)["approximate"] is True
    assert outcome(data, "走访群众", value=1200)["unit"] == "人次"
    assert outcome(data, "化解矛盾纠纷", value=35)["period"] == "2021年1—3月（今年以来）"  # resolved by the date
    assert outcome(data, "调解成功率", value=98)["unit"] == "%"
    assert outcome(data, "可防性案件", change=-12.5)["yoy"] is True
    assert outcome(data, "治安警情", change=3.2)["yoy"] is True  # 上升 → positive
    assert "检查通过" not in out or "还需要填写" in out
    no_sentence_copied(art.body, text)


def test_fixture_html(tmp_path, capsys):
    art = extract((FIXTURES / "furniture.html").read_text(encoding="utf-8"), "furniture.html")
    assert art.title == "东湖派出所“邻里守望”机制见成效"
    assert art.date == "2020-10-14" and art.publisher == "示例新闻网"
    assert art.url == "https://news.example.org/2020/10/14/donghu.html"
    body = "\n".join(art.body)
    for gone in ("<", "var nav", "color", "您的位置", "相关阅读", "消防演练", "ICP", "登录"):
        assert gone not in body, gone
    assert [n for n, _ in art.units] == ["东湖派出所", "东湖警务室", "西湖警务室", "南湖警务室"]
    assert art.measures == ["织密守望网络", "做实便民服务"]
    labels = {(f.label, f.value, f.change, f.unit) for f in art.figures}
    assert ("排查矛盾纠纷", 56, None, "起") in labels
    assert ("采集标准地址", 1500, None, "条") in labels
    assert ("帮助群众追回被骗资金", 3, None, "万元") in labels
    assert ("刑事警情", None, -20.5, "%") in labels
    assert ("群众满意率", 97.6, None, "%") in labels
    assert not any(f.value in (123, 456) for f in art.figures)  # numbers in the <script>

    root = make_repo(tmp_path, units=dict([unit("donghu-pcs", "东湖派出所", "station", "laixi-psb"),
                                           unit("laixi-psb", "莱西市公安局", "bureau")]))
    outdir = tmp_path / "drafts"
    assert imp(root, FIXTURES / "furniture.html", "--out", str(outdir)) == 0
    out = capsys.readouterr().out
    files = list(outdir.glob("*.yml"))
    assert len(files) == 1 and not list((root / "records/practices").iterdir())
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert data["units"] == ["donghu-pcs"]
    assert data["sources"][0]["url"] == "https://news.example.org/2020/10/14/donghu.html"
    assert "东湖警务室（还没有记录，可用 jingyan new unit --name 东湖警务室 建立，建议编号 donghu-post）" in out


def test_fixture_figures_in_every_form(tmp_path, capsys):
    art = extract((FIXTURES / "figures.txt").read_text(encoding="utf-8"))
    assert art.date == "2022-06-30" and art.publisher == "示例晚报"
    assert art.measures == ["走访摸底", "化解纠纷", "防范宣传"]
    body = "\n".join(art.body)
    assert "运动会" not in body  # a further datelined news item is cut
    assert "劝阻转账6人，群众安全感" in body  # a wrapped line is joined again
    got = {(f.label, f.value, f.change, f.unit, f.approximate, f.yoy) for f in art.figures}
    want = {
        ("民警入户走访", 860, None, "户", False, False),
        ("走访群众", 3200, None, "人次", False, False),
        ("发放宣传资料", 5000, None, "份", True, False),
        ("新建微信群", 8, None, "个", False, False),
        ("排查矛盾纠纷", 42, None, "起", False, False),
        ("组织防诈骗宣传活动", 15, None, "次", False, False),
        ("帮助群众挽回损失", 1.2, None, "万元", False, False),
        ("劝阻转账", 6, None, "人", False, False),
        ("群众安全感满意率", 96.5, None, "%", False, False),
        ("电信诈骗警情", None, -45.2, "%", False, True),
        ("盗窃警情", None, -18, "%", False, True),
        ("见义勇为人数", None, 50, "%", False, True),
        ("商户", 100, None, "家", True, False),
    }
    assert want <= got, want - got
    assert any(f.value == 30 and f.approximate and f.unit == "名" for f in art.figures)  # 近30名
    assert next(f for f in art.figures if f.label == "排查矛盾纠纷").period.label() == "2022年1—6月（上半年）"

    root = make_repo(tmp_path, units=dict([unit("hewan-pcs", "河湾派出所", "station", "laixi-psb"),
                                           unit("laixi-psb", "莱西市公安局", "bureau")]))
    assert imp(root, FIXTURES / "figures.txt") == 0
    out = capsys.readouterr().out
    first = written(out)
    assert first.name == "hewan-sanwensanfang.yml"
    data, _ = draft(root, out)
    assert data["period"] == {"start": "2022-01", "end": "2022-06"}
    assert load_records(root)[1] == []
    # importing again never overwrites: the second draft gets its own id
    before = (root / first).read_bytes()
    assert imp(root, FIXTURES / "figures.txt") == 0
    out = capsys.readouterr().out
    assert written(out).name == "hewan-sanwensanfang-2.yml"
    assert "编号 hewan-sanwensanfang 已被使用" in out
    assert (root / first).read_bytes() == before


def test_missing_article(tmp_path, capsys):
    root = make_repo(tmp_path)
    assert imp(root, tmp_path / "nope.txt") == 1
    assert "找不到文件" in capsys.readouterr().err
