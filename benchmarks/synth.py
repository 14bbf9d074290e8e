"""A synthetic, valid, deterministic records tree of any size, for benchmarks.

    python benchmarks/synth.py --size small --out /tmp/synth-small
    python benchmarks/synth.py --size province --out /tmp/synth-province
    python benchmarks/synth.py --size small --units 6 --months 12 --out DIR   # tiny, for tests

Writes DIR/records/ (units, practices, brands, stats/<unit>/<year>.yml) and
DIR/site_config/ (a copy of the repository's, plus a sites.yml listing the
synthetic regions); `jingyan validate --records DIR` and
`jingyan build --records DIR` use that site_config/.

Hierarchy: city bureaus (top level, one region each) → county bureaus →
stations (派出所) → posts (警务室, under about a third of the stations).
Every station has --practices-per-unit practices and one stats file per
year; about a fifth have a brand. Names are built from place-name syllables,
texts from phrase lists; all of it is marked as synthetic test data, never
as a real report. Same arguments → byte-identical tree (one seeded
random.Random, no set iteration, no clock).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

SIZES = {
    # stations, city bureaus, county bureaus per city, practices per station, months, metrics
    "small": dict(units=20, cities=2, counties=1, practices=1, months=36, metrics=10),
    "county": dict(units=200, cities=3, counties=4, practices=2, months=36, metrics=10),
    "province": dict(units=2000, cities=16, counties=8, practices=3, months=36, metrics=10),
}
LAST_YEAR, LAST_MONTH = 2025, 12  # the newest month of statistics (never in the future)
NOTE = "压力测试合成数据：由 benchmarks/synth.py 随机生成，不是真实警情统计。"
PUBLISHER = "压力测试合成数据（非真实报道）"

# ------------------------------------------------------------------ vocabulary

# place-name characters with one reading each (ids are their pinyin)
SYLLABLES = [
    ("清", "qing"), ("河", "he"), ("安", "an"), ("平", "ping"), ("东", "dong"), ("西", "xi"),
    ("南", "nan"), ("北", "bei"), ("山", "shan"), ("水", "shui"), ("阳", "yang"), ("城", "cheng"),
    ("桥", "qiao"), ("林", "lin"), ("湖", "hu"), ("泉", "quan"), ("松", "song"), ("柳", "liu"),
    ("桃", "tao"), ("花", "hua"), ("岭", "ling"), ("峰", "feng"), ("坪", "ping"), ("溪", "xi"),
    ("港", "gang"), ("塘", "tang"), ("湾", "wan"), ("口", "kou"), ("庄", "zhuang"), ("店", "dian"),
    ("集", "ji"), ("营", "ying"), ("屯", "tun"), ("寨", "zhai"), ("兴", "xing"), ("隆", "long"),
    ("丰", "feng"), ("盛", "sheng"), ("福", "fu"), ("华", "hua"), ("新", "xin"), ("永", "yong"),
    ("宁", "ning"), ("康", "kang"), ("泰", "tai"), ("顺", "shun"), ("昌", "chang"), ("明", "ming"),
    ("光", "guang"), ("金", "jin"), ("玉", "yu"), ("宝", "bao"), ("德", "de"), ("仁", "ren"),
    ("义", "yi"), ("文", "wen"), ("武", "wu"), ("龙", "long"), ("凤", "feng"), ("云", "yun"),
    ("霞", "xia"), ("春", "chun"), ("秋", "qiu"), ("梅", "mei"), ("兰", "lan"), ("竹", "zhu"),
    ("桂", "gui"), ("枫", "feng"), ("槐", "huai"), ("榆", "yu"), ("杏", "xing"), ("黄", "huang"),
    ("白", "bai"), ("青", "qing"), ("红", "hong"), ("双", "shuang"), ("三", "san"), ("五", "wu"),
    ("九", "jiu"), ("沙", "sha"), ("滨", "bin"), ("浦", "pu"), ("洲", "zhou"), ("源", "yuan"),
    ("台", "tai"), ("坡", "po"), ("岗", "gang"), ("田", "tian"), ("园", "yuan"), ("桑", "sang"),
    ("荷", "he"), ("杨", "yang"), ("槎", "cha"), ("莲", "lian"), ("渠", "qu"), ("堰", "yan"),
]
PROVINCES = ["山东省", "河南省", "河北省", "江苏省", "浙江省", "安徽省", "湖北省", "湖南省",
             "四川省", "陕西省", "福建省", "江西省", "广东省", "云南省", "贵州省", "甘肃省"]

TAGS = ["枫桥经验", "警务助理", "矛盾纠纷", "一标三实", "平安护学岗", "网格化管理", "反诈宣传",
        "邻里守望", "社区警务", "警民恳谈", "智慧安防", "夜间巡防", "调解室", "平安志愿者",
        "流动人口", "出租房屋", "校园安全", "交通安全", "消防安全", "电动车防盗", "养老诈骗",
        "未成年人保护", "法治宣传", "便民服务", "户籍办理", "一站式服务", "网格员", "治保会",
        "联防队", "警格网格", "多元调解", "信访化解", "枫桥式派出所", "积分制", "警民微信群",
        "人防物防技防", "入户走访", "隐患排查", "心理疏导", "家庭纠纷", "邻里纠纷", "劳资纠纷",
        "物业纠纷", "土地纠纷", "驻村民警", "老年人关爱", "防溺水", "夜市治理", "快递物流", "民宿管理"]

# (slug, title after the unit's short name, categories, tags that fit)
TOPICS = [
    ("tiaojie", "建强“一站式”矛盾纠纷调解中心", ["fengqiao", "dispute-mediation"], ["矛盾纠纷", "多元调解", "调解室"]),
    ("wangge", "推动警格网格深度融合", ["community-policing", "basic-information"], ["警格网格", "网格员", "网格化管理"]),
    ("huxuegang", "常态化设立平安护学岗", ["campus-safety", "mass-prevention"], ["平安护学岗", "校园安全", "交通安全"]),
    ("fanzha", "织密反诈宣传“最后一公里”", ["publicity", "public-service"], ["反诈宣传", "养老诈骗", "警民微信群"]),
    ("zhuli", "选好用好村级警务助理", ["community-policing", "team-building"], ["警务助理", "驻村民警", "社区警务"]),
    ("yibiao", "扎实推进“一标三实”采集核查", ["basic-information"], ["一标三实", "流动人口", "出租房屋"]),
    ("xunfang", "组织群防群治力量开展夜间巡防", ["mass-prevention"], ["夜间巡防", "联防队", "平安志愿者"]),
    ("bianmin", "打造家门口的便民服务站", ["public-service"], ["便民服务", "户籍办理", "一站式服务"]),
    ("zhihui", "用智慧安防小区压降可防性案件", ["smart-policing", "mass-prevention"], ["智慧安防", "人防物防技防", "电动车防盗"]),
    ("zhibaohui", "激活村居治保会", ["fengqiao", "mass-prevention"], ["治保会", "邻里守望", "联防队"]),
    ("xinfang", "把信访矛盾化解在基层", ["fengqiao", "dispute-mediation"], ["信访化解", "矛盾纠纷", "心理疏导"]),
    ("jifen", "以积分制激励群众参与平安建设", ["mass-prevention", "community-policing"], ["积分制", "平安志愿者", "邻里守望"]),
    ("zoufang", "坚持民警入户走访全覆盖", ["community-policing", "public-service"], ["入户走访", "警民恳谈", "老年人关爱"]),
    ("xiaofang", "联合排查九小场所消防隐患", ["mass-prevention", "public-service"], ["消防安全", "隐患排查", "出租房屋"]),
    ("weichengnian", "守护未成年人平安成长", ["campus-safety", "publicity"], ["未成年人保护", "防溺水", "法治宣传"]),
    ("duiwu", "锻造过硬社区警务队伍", ["team-building", "community-policing"], ["社区警务", "枫桥式派出所", "警务助理"]),
    ("wuye", "推动物业纠纷源头化解", ["dispute-mediation", "public-service"], ["物业纠纷", "多元调解", "警民恳谈"]),
    ("kuaidi", "规范寄递物流行业安全管理", ["basic-information", "smart-policing"], ["快递物流", "隐患排查", "反诈宣传"]),
]

OPENINGS = [
    "{unit}坚持和发展新时代“枫桥经验”，把{focus}作为基层基础工作的重点。",
    "{unit}地处{county}城乡接合部，辖区人口多、流动性大，{focus}任务繁重。",
    "针对辖区{problem}的问题，{unit}在{county}公安局指导下探索{focus}的新路子。",
    "{unit}以创建“枫桥式派出所”为抓手，围绕{focus}建立了一套可复制的工作机制。",
    "近年来，{unit}立足辖区实际，紧盯{problem}，在{focus}上持续用力。",
]
FOCUS = ["矛盾纠纷排查化解", "社区警务建设", "群防群治", "基础信息采集", "服务群众", "校园及周边安全",
         "防范电信网络诈骗", "警务助理队伍建设", "智慧安防小区建设", "治安隐患排查"]
PROBLEMS = ["邻里纠纷多发", "电信诈骗案件高发", "出租房屋底数不清", "夜间盗窃电动车案件多",
            "老旧小区安防薄弱", "上下学时段交通拥堵", "流动人口管理难", "土地承包纠纷反复",
            "警力与辖区面积不相称", "群众办事来回跑"]
MIDDLES = [
    "所里把辖区划分为{n}个警务区，每个警务区明确一名社区民警、两名辅警和若干网格员，做到人熟、地熟、情况熟。",
    "社区民警每周不少于三天驻村入户，随身携带民情日志，对排查出的问题逐条建立台账、限期销号。",
    "派出所联合司法所、人民法庭和村（居）委会设立调解室，邀请退休干部、老党员担任“和事佬”，小事不出村、大事不出镇。",
    "依托警民微信群每天推送防范提示，遇到新型诈骗手法第一时间预警，并请群众转发给家里的老人。",
    "把快递员、外卖骑手、环卫工人和商户业主吸收为平安志愿者，发现可疑情况随手拍、随时报。",
    "在中小学、幼儿园门口设立平安护学岗，民警、辅警和家长志愿者在上下学高峰时段护送学生通过路口。",
    "对出租房屋实行分级管理，房东签订治安责任书，新入住人员当天登记、当天核查。",
    "推动镇党委、政府把警务助理补助列入财政预算，按月发放，并实行捆绑考核。",
    "在重点路段和小区出入口加装视频监控和人脸识别门禁，接入派出所指挥室，实现巡防与监控联动。",
    "每月召开一次警民恳谈会，听取群众对治安工作的意见，会上能解决的当场答复，不能解决的限期回复。",
    "对排查出的矛盾纠纷实行“红黄绿”三色分级，红色纠纷由所领导包案，黄色纠纷由社区民警跟进，绿色纠纷由网格员定期回访。",
    "把“一标三实”采集与入户走访结合起来，边走访边采集、边核查边宣传，信息准确率明显提高。",
    "组织村（居）治保会成员、党员和志愿者轮流值守，夜间开展巡逻，重点守护农资店、养殖场和独居老人家庭。",
    "开展“送法进村居、进校园、进企业”活动，用方言快板、情景短剧讲解防诈骗、防盗窃知识。",
    "为行动不便的老人、残疾人提供上门办理身份证、户口迁移等服务，群众少跑腿、不跑腿。",
    "建立积分激励制度，群众参与巡防、提供线索、调解纠纷均可积分，积分可兑换生活用品。",
    "与辖区学校、企业、物业公司签订共建协议，明确各方在安全防范中的责任，定期通报治安形势。",
    "民警利用手机警务终端实时核录人员信息，发现重点人员动向及时预警、及时处置。",
]
CLOSINGS = [
    "经过{m}个月的运行，辖区可防性案件明显下降，群众安全感和满意度稳步提升。",
    "这一做法得到了当地党委、政府的肯定，已在{county}推广。",
    "辖区连续{m}个月未发生因矛盾纠纷激化引发的刑事案件。",
    "工作开展以来，群众主动提供线索、参与巡防的积极性明显提高。",
    "目前该机制已固化为所里的日常工作制度，每季度复盘一次、持续改进。",
]
MEASURES = [
    ("划分警务区", "按人口、面积和治安状况把辖区划分为若干警务区，每个警务区配齐民警、辅警和警务助理，明确职责清单。"),
    ("建立民情台账", "社区民警入户走访时记录群众反映的问题，逐条登记、分类处置，办结后回访，做到件件有着落。"),
    ("设立调解室", "在派出所和村（居）委会设立调解室，由民警、司法所干部和人民调解员共同坐班，纠纷随到随调。"),
    ("聘请“和事佬”", "邀请辖区内威望较高的老党员、退休教师担任义务调解员，参与邻里纠纷和家庭纠纷调解。"),
    ("三色分级管理", "对排查出的矛盾纠纷按风险高低分为红、黄、绿三级，分别由所领导、社区民警和网格员负责跟进化解。"),
    ("警民微信群", "每个警务区建立警民微信群，民警每天推送防范提示，群众可以随时反映情况、咨询业务。"),
    ("平安志愿者队伍", "把快递员、外卖骑手、环卫工人和商户业主组织起来，开展随手拍、随时报活动。"),
    ("平安护学岗", "上下学高峰时段在校门口设立护学岗，民警、辅警、保安和家长志愿者共同维护秩序。"),
    ("出租房屋分级管理", "按照安全状况把出租房屋分为放心、关注、严管三类，定期上门检查，督促房东落实登记责任。"),
    ("财政保障补助", "争取镇党委、政府支持，把警务助理补助和巡防经费列入年度财政预算，按月发放。"),
    ("捆绑考核", "把警务助理与社区民警捆绑考核，考核结果与补助发放、评先评优挂钩。"),
    ("技防进小区", "在老旧小区出入口加装视频监控、智能门禁和电动车充电桩，接入派出所视频平台。"),
    ("警民恳谈会", "每月召开一次警民恳谈会，通报治安形势，听取群众意见建议，能解决的当场答复。"),
    ("夜间巡防", "组织治保会成员和志愿者分组轮值，夜间在重点区域巡逻，守护独居老人和农资店等重点部位。"),
    ("送法进村居", "用方言快板、情景短剧等群众喜闻乐见的形式，宣讲防范电信诈骗和防盗窃知识。"),
    ("上门办证", "对行动不便的老人和残疾人提供预约上门服务，现场采集信息、办理身份证。"),
    ("积分兑换", "群众参与巡防、提供线索、调解纠纷都可以积分，积分可在警务室兑换生活用品。"),
    ("共建协议", "与辖区学校、企业和物业公司签订平安共建协议，明确各方安全防范责任，定期通报情况。"),
    ("移动警务终端", "民警使用移动警务终端实时核录人员和房屋信息，提高“一标三实”采集效率和准确率。"),
    ("隐患排查清单", "联合消防、市场监管等部门对九小场所开展隐患排查，形成问题清单，限期整改、逐项销号。"),
    ("心理疏导", "邀请心理咨询师定期到调解室坐班，对情绪激动、矛盾反复的当事人开展心理疏导。"),
    ("案件回访", "对辖区发生的每起可防性案件开展回访，查找防范漏洞，有针对性地调整巡防路线。"),
]
OUTCOMES = [
    ("化解矛盾纠纷", "起", (30, 600), None),
    ("排查矛盾纠纷", "起", (40, 800), None),
    ("可防性案件", "%", None, (-45.0, -5.0)),
    ("电信诈骗案件", "%", None, (-60.0, -8.0)),
    ("采集标准地址", "条", (800, 30000), None),
    ("核查实有人口", "人", (2000, 60000), None),
    ("走访群众", "人次", (500, 20000), None),
    ("为民办实事", "件", (20, 800), None),
    ("群众满意率", "%", (90, 99), None),
    ("组建平安志愿者队伍", "支", (2, 30), None),
    ("发放防范宣传资料", "份", (1000, 40000), None),
    ("刑事警情", "%", None, (-35.0, -3.0)),
]
PERIOD_WORDS = ["今年以来", "上半年", "报告期内", "截至年底"]

MOTTOS = [("连心桥", "lianxinqiao"), ("老娘舅", "laoniangjiu"), ("红袖标", "hongxiubiao"),
          ("贴心人", "tiexinren"), ("和事佬", "heshilao"), ("百家亲", "baijiaqin"),
          ("暖心屋", "nuanxinwu"), ("平安哨", "pinganshao"), ("守望岗", "shouwanggang"),
          ("解忧台", "jieyoutai"), ("小板凳", "xiaobandeng"), ("一线通", "yixiantong"),
          ("三到位", "sandaowei"), ("四必访", "sibifang"), ("五步法", "wubufa"), ("六个一", "liugeyi")]
BRAND_KINDS = ["工作法", "工作室", "调解品牌", "服务品牌", "工作机制"]
COMPONENTS = [
    ("听", "俯下身子听群众说，把群众的烦心事记下来。"),
    ("访", "定期走访重点人员和困难群众，掌握第一手情况。"),
    ("调", "民警和调解员联手，把纠纷化解在萌芽状态。"),
    ("帮", "群众办事遇到困难，民警帮办代办。"),
    ("防", "宣传防范知识，组织群众参与巡防。"),
    ("督", "建立台账，跟踪问效，办结后回访。"),
    ("联", "联合村（居）委会、司法所和物业公司形成合力。"),
    ("教", "用身边案例开展法治宣传教育。"),
]

DESCRIPTIONS = [
    "负责{place}一带的治安管理和社区警务工作，辖区划为{n}个警务区。",
    "辖区以居民小区和沿街商铺为主，常住人口约{k}万人，设有{n}个警务区。",
    "辖区以农村为主，下辖{v}个行政村，社区民警实行驻村工作制。",
    "辖区内有中小学{v}所，交通干线穿境而过，治安情况较为复杂。",
]

# typical monthly values per metric for a station (low, high)
METRIC_RANGES = {"criminal_cases": (3, 30), "public_order_cases": (8, 60), "preventable_cases": (2, 20),
                 "disputes_found": (10, 60), "disputes_resolved": (8, 55), "addresses_collected": (200, 1500),
                 "population_checked": (500, 3500), "households_visited": (150, 900),
                 "services_done": (5, 40), "satisfaction": (88.0, 97.0)}

# ------------------------------------------------------------------ YAML out

_PLAIN = re.compile(r"[\u4e00-\u9fff“][\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…·0-9a-z%+.\-]*")
_SLUG = re.compile(r"[a-z]+(?:-[a-z0-9]+)+")  # record ids with a hyphen: never a YAML keyword


def q(text: str) -> str:
    """A YAML scalar: plain when safe (Chinese text), double-quoted otherwise."""
    if _PLAIN.fullmatch(text) or _SLUG.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


# ------------------------------------------------------------------ generator

class Synth:
    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.used_slugs: set[str] = set()  # membership only: never iterated

    def place(self) -> tuple[str, str]:
        """A new place name (2 characters, 3 when 2 run out) with a unique pinyin slug."""
        r = self.rnd
        for attempt in range(400):
            k = 2 if attempt < 200 else 3
            chars = [r.choice(SYLLABLES) for _ in range(k)]
            name = "".join(c for c, _ in chars)
            slug = "".join(p for _, p in chars)
            if len(set(name)) == k and slug not in self.used_slugs:
                self.used_slugs.add(slug)
                return name, slug
        raise RuntimeError("地名用尽：请减少单位数量")

    def sentence_fill(self, template: str, **kw) -> str:
        r = self.rnd
        values = dict(n=r.randint(3, 9), m=r.randint(6, 24), k=r.randint(2, 12), v=r.randint(4, 30),
                      focus=r.choice(FOCUS), problem=r.choice(PROBLEMS))
        values.update(kw)
        return template.format(**values)

    def summary(self, unit: str, county: str) -> str:
        r = self.rnd
        text = self.sentence_fill(r.choice(OPENINGS), unit=unit, county=county)
        middles = r.sample(MIDDLES, len(MIDDLES))
        target = r.randint(150, 280)
        closing = self.sentence_fill(r.choice(CLOSINGS), county=county)
        for s in middles:
            s = self.sentence_fill(s)
            if len(text) + len(s) + len(closing) > 300:
                break
            text += s
            if len(text) >= target:
                break
        return text + closing


def month_range(months: int) -> list[tuple[int, int]]:
    """The last `months` months up to LAST_YEAR-LAST_MONTH, oldest first."""
    out, y, m = [], LAST_YEAR, LAST_MONTH
    for _ in range(months):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(out: Path, units: int, cities: int, counties: int, practices: int, months: int,
             metrics: int, seed: int) -> dict:
    s = Synth(seed)
    r = s.rnd
    metric_list = yaml.safe_load((REPO / "site_config/metrics.yml").read_text(encoding="utf-8"))["metrics"]
    metric_ids = [m["id"] for m in metric_list][:max(1, metrics)]
    category_ids = [c["id"] for c in yaml.safe_load(
        (REPO / "site_config/categories.yml").read_text(encoding="utf-8"))["categories"]]

    # a fresh tree: only the two folders this script owns are replaced
    for sub in ("records", "site_config"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    shutil.copytree(REPO / "site_config", out / "site_config")
    rec = out / "records"
    for sub in ("units", "practices", "brands", "stats"):
        (rec / sub).mkdir(parents=True)

    def unit_file(uid, name, kind, region, parent, description):
        lines = [f"id: {uid}", f"name: {q(name)}", f"kind: {kind}"]
        if parent:
            lines.append(f"parent: {parent}")
        lines.append("region:")
        lines += [f"  {k}: {q(v)}" for k, v in region.items()]
        lines.append(f"description: {q(description)}")
        write(rec / "units" / f"{uid}.yml", "\n".join(lines) + "\n")

    counts = dict(units=0, stations=0, posts=0, practices=0, brands=0, stats_files=0)
    regions = []
    n_counties = max(1, cities * counties)
    station_counties = [i * n_counties // max(1, units) for i in range(units)]
    county_units = []
    for ci in range(max(1, cities)):
        province = PROVINCES[ci % len(PROVINCES)]
        cname, cslug = s.place()
        city = cname + "市"
        cid = f"{cslug}-psb"
        unit_file(cid, f"{city}公安局", "bureau", {"province": province, "city": city}, None,
                  f"{city}公安机关（压力测试合成数据），下辖{counties}个县（区）公安局。")
        regions.append((cid, f"{province}{city}"))
        counts["units"] += 1
        for _ in range(max(1, counties)):
            kname, kslug = s.place()
            county = kname + r.choice(["县", "区"])
            kid = f"{kslug}-psb"
            region = {"province": province, "city": city, "county": county}
            unit_file(kid, f"{county}公安局", "bureau", region, cid,
                      f"{city}下辖的{county}公安局（压力测试合成数据）。")
            county_units.append((kid, county, region))
            counts["units"] += 1

    periods = month_range(months)
    years = sorted({y for y, _ in periods})
    first_month = f"{periods[0][0]}-{periods[0][1]:02d}"
    for si in range(units):
        kid, county, region = county_units[station_counties[si]]
        pname, pslug = s.place()
        sname = pname + "派出所"
        sid = f"{pslug}-pcs"
        unit_file(sid, sname, "station", region, kid,
                  s.sentence_fill(r.choice(DESCRIPTIONS), place=pname + r.choice(["镇", "街道", "乡"])))
        counts["units"] += 1
        counts["stations"] += 1
        if r.random() < 0.3:
            for _ in range(r.randint(1, 2)):
                wname, wslug = s.place()
                post_name = wname + r.choice(["社区", "村"]) + "警务室"
                unit_file(f"{wslug}-post", post_name, "post", region, sid,
                          f"{sname}设在{wname}的警务室，社区民警每周在此坐班不少于三天。")
                counts["units"] += 1
                counts["posts"] += 1

        brand_id = None
        if r.random() < 0.2:
            motto, mslug = r.choice(MOTTOS)
            brand_id = f"{pslug}-{mslug}"
            bname = f"“{pname}{motto}”{r.choice(BRAND_KINDS)}"
            comps = r.sample(COMPONENTS, r.randint(2, 4))
            lines = [f"id: {brand_id}", f"name: {q(bname)}", f"unit: {sid}",
                     f"summary: {q(sname + '总结多年社区警务经验形成的工作品牌，' + s.summary(sname, county)[:120])}",
                     "components:"]
            for cname, cdetail in comps:
                lines += [f"  - name: {q('“' + cname + '”')}", f"    detail: {q(cdetail)}"]
            lines += ["sources:", f"  - title: {q(bname + '简介')}", f"    publisher: {q(PUBLISHER)}"]
            write(rec / "brands" / f"{brand_id}.yml", "\n".join(lines) + "\n")
            counts["brands"] += 1

        for pi, (tslug, ttitle, tcats, ttags) in enumerate(r.sample(TOPICS, min(practices, len(TOPICS)))):
            pid = f"{pslug}-{tslug}"
            start_i = r.randrange(0, max(1, len(periods) - 3))
            end_i = min(len(periods) - 1, start_i + r.randint(2, 11))
            (sy, sm), (ey, em) = periods[start_i], periods[end_i]
            cats = list(tcats)
            extra = r.choice(category_ids)
            if extra not in cats and r.random() < 0.4:
                cats.append(extra)
            tags = list(ttags) + [t for t in r.sample(TAGS, 3) if t not in ttags][:r.randint(0, 3)]
            units_of = [sid] + ([kid] if r.random() < 0.15 else [])
            lines = [f"id: {pid}", f"title: {q(sname + ttitle)}", f"units: {flow(units_of)}",
                     "period:", f'  start: "{sy}-{sm:02d}"', f'  end: "{ey}-{em:02d}"',
                     f"categories: {flow(cats)}", f"tags: {flow(tags)}"]
            if brand_id and pi == 0:
                lines.append(f"brand: {brand_id}")
            if r.random() < 0.02:
                lines.append("status: draft")
            lines.append(f"summary: {q(s.summary(sname, county))}")
            lines.append("measures:")
            for mname, mdetail in r.sample(MEASURES, r.randint(2, 5)):
                lines += [f"  - name: {q(mname)}", f"    detail: {q(mdetail)}"]
            lines.append("outcomes:")
            for label, unit, vrange, crange in r.sample(OUTCOMES, r.randint(1, 4)):
                lines += [f"  - label: {q(label)}", f"    unit: {q(unit)}"]
                if crange:
                    lines += [f"    change: {r.uniform(*crange):.1f}", "    yoy: true"]
                else:
                    lines.append(f"    value: {r.randint(*vrange)}")
                lines.append(f"    period: {q(r.choice(PERIOD_WORDS))}")
            day = r.randint(1, 28)
            pub_y, pub_m = (ey, em + 1) if em < 12 else (ey + 1, 1)
            lines += ["sources:", f"  - title: {q(sname + ttitle)}", f"    publisher: {q(PUBLISHER)}",
                      f'    date: "{pub_y}-{pub_m:02d}-{day:02d}"']
            write(rec / "practices" / f"{pid}.yml", "\n".join(lines) + "\n")
            counts["practices"] += 1

        # statistics: a level per metric, seasonal swing, a yearly trend, noise
        level = {m: r.uniform(*METRIC_RANGES.get(m, (5, 100))) for m in metric_ids}
        trend = {m: r.uniform(-0.12, 0.08) for m in metric_ids}
        phase = r.uniform(0, 12)
        (rec / "stats" / sid).mkdir()
        for y in years:
            rows = []
            for (py, pm) in periods:
                if py != y:
                    continue
                season = 1 + 0.15 * ((pm + phase) % 12 - 6) / 6
                values = {}
                for m in metric_ids:
                    base = level[m] * (1 + trend[m]) ** (py - years[0])
                    if m == "satisfaction":
                        values[m] = round(min(99.9, max(60.0, base + r.uniform(-1.5, 1.5))), 1)
                    else:
                        values[m] = max(0, round(base * season * r.uniform(0.8, 1.2)))
                if "disputes_resolved" in values and "disputes_found" in values:
                    values["disputes_resolved"] = min(values["disputes_resolved"], values["disputes_found"])
                rows.append(f"  {pm}: {{" + ", ".join(f"{m}: {number(v)}" for m, v in values.items()) + "}")
            text = [f"unit: {sid}", f"year: {y}", "sample: true", f"note: {q(NOTE)}", "months:", *rows]
            write(rec / "stats" / sid / f"{y}.yml", "\n".join(text) + "\n")
            counts["stats_files"] += 1

    # the regions `jingyan build-regions` builds: every city bureau
    lines = ["# 按地区拆分生成的网站（jingyan build-regions）。压力测试合成数据：每个市公安局一个网站。",
             "regions:"]
    for rid, title in regions:
        lines += [f"  - id: {rid}", f"    title: {q(title)}"]
    write(out / "site_config" / "sites.yml", "\n".join(lines) + "\n")
    counts["regions"] = len(regions)
    counts["months_from"] = first_month
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="生成合成的记录树（压力测试用）")
    p.add_argument("--size", choices=sorted(SIZES), default="small")
    p.add_argument("--out", required=True, help="输出文件夹（其中的 records/ 和 site_config/ 会被替换）")
    p.add_argument("--units", type=int, help="派出所数量")
    p.add_argument("--cities", type=int, help="市公安局（顶级单位、地区）数量")
    p.add_argument("--counties", type=int, help="每个市下辖的县（区）公安局数量")
    p.add_argument("--practices-per-unit", type=int, help="每个派出所的经验做法数量")
    p.add_argument("--months", type=int, help="统计月数（截至 2025-12）")
    p.add_argument("--metrics", type=int, help="使用 site_config/metrics.yml 中前几个指标")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    opts = dict(SIZES[a.size])
    for key, value in (("units", a.units), ("cities", a.cities), ("counties", a.counties),
                       ("practices", a.practices_per_unit), ("months", a.months), ("metrics", a.metrics)):
        if value is not None:
            opts[key] = value
    if opts["units"] < 1 or opts["months"] < 1 or opts["practices"] < 0:
        p.error("--units 和 --months 至少为 1")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    counts = generate(out, seed=a.seed, **opts)
    print(f"synth: size={a.size} " + " ".join(f"{k}={v}" for k, v in counts.items())
          + f" seconds={time.perf_counter() - t:.2f} out={out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
