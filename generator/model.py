"""The record types and the site-configuration types.

Each field carries a Chinese docstring (``doc``): the validator uses the type
hints to check a YAML file, and ``jingyan schema`` derives the JSON Schema
from the very same declarations, so nothing is written twice.

Field kinds beyond the Python type (``kind=``):
  id     – a safe ASCII slug: lower-case letters, digits and hyphens
  ref:X  – the id of an existing record of kind X (unit, brand, category, metric)
  month  – "YYYY-MM"
  date   – "YYYY-MM-DD" (an unquoted date is accepted here)
  url    – an http(s) URL (the scheme in any case: HTTPS:// too)
  metric-id – a metric's id: lower-case letters, digits and underscores
  repo-path – a relative path inside the repository (no /, ~, C:, ..)
"""
from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Optional


def _space_class() -> str:
    """Python's whitespace (`str.isspace`, what `\\s` and `str.strip` use) as explicit
    \\uXXXX ranges, so that the very same pattern means the same in JavaScript."""
    spaces = [c for c in range(0x10000) if chr(c).isspace()]
    ranges, start = [], spaces[0]
    for prev, cur in zip(spaces, spaces[1:] + [None]):
        if cur != prev + 1:
            ranges.append(f"\\u{start:04x}" + (f"-\\u{prev:04x}" if prev != start else ""))
            start = cur
    return "".join(ranges)


# The patterns are written so that they mean the same in Python and in ECMA-262
# (Unicode mode), as `jingyan schema` copies them into the JSON Schema: [0-9] not
# \d (Python's \d takes any Unicode digit), explicit whitespace instead of \s, and
# \Z (end of text; `$` would also match before a final newline) becomes `$(?!\n)`
# there, which means end of text in both (JSON Schema validators in Python use `re`).
SPACE = _space_class()
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
METRIC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")  # the validator then asks datetime
URL_RE = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://[^" + SPACE + r"\\<>" + "\"']+" + r"\Z")
NOT_BLANK_RE = re.compile(r"[^" + SPACE + r"]")  # text with something besides spaces
# text that is not text: lone surrogates, controls other than newline and tab,
# the non-characters U+FFFE/U+FFFF, and invisible format characters that
# reorder (bidi) or split (zero-width) what a reader sees (found with search)
BAD_TEXT_RE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff"
                         r"\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
ID_MAX = 64
# a path that leaves the repository (absolute, ~, a drive, a `..` step) or names
# nothing but the root: what the validator's templates_dir check refuses
OUTSIDE_REPO_RE = re.compile(r"^(?:[/\\~]|[A-Za-z]:)|(?:^|[/\\])\.\.(?:[/\\]|\Z)|^[./\\]*\Z")
# DATE_RE and a real day of the calendar (years 0001-9999, 29 February in leap years
# only), as one pattern: what the validator's datetime check accepts, for the schema.
_LEAP = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
CALENDAR_DATE_RE = re.compile(
    r"^(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|" + _LEAP + r"-02-29)\Z")


def f(doc: str, *, default: Any = MISSING, kind: str | None = None,
      choices: tuple[str, ...] | None = None, min_items: int = 0):
    """A record field with its documentation and checks."""
    meta = {"doc": doc, "kind": kind, "choices": choices, "min_items": min_items}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class Where:
    """Where a record (or a part of one) stands in its file."""
    path: str
    line: int
    column: int
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    def at(self, key: str | None = None) -> tuple[str, int, int]:
        line, col = self.keys.get(key, (self.line, self.column)) if key else (self.line, self.column)
        return self.path, line, col


def where_field():
    return field(default=None, compare=False, repr=False, metadata={"internal": True})


# ---------------------------------------------------------------- records

@dataclass
class Region:
    province: str = f("省（自治区、直辖市），如：山东省")
    city: str = f("地级市，如：潍坊市")
    county: Optional[str] = f("县、县级市或区，如：昌邑市", default=None)
    where: Where = where_field()


@dataclass
class Waiver:
    field: str = f("豁免隐私检查的字段名，如：description")
    reason: str = f("为什么这个号码或信息可以公开，如：派出所对外公布的值班电话")
    where: Where = where_field()


@dataclass
class Unit:
    id: str = f("单位编号：小写拼音、数字和连字符，与文件名一致，如：buzhuang-pcs", kind="id")
    name: str = f("单位全称，如：卜庄派出所")
    kind: str = f("单位类别：bureau（公安局/分局）、station（派出所）、post（警务室）",
                  choices=("bureau", "station", "post"))
    region: Region = f("所在地区")
    parent: Optional[str] = f("上级单位编号；省级以下的公安局可不填", default=None, kind="ref:unit")
    description: Optional[str] = f("一两句简介", default=None)
    privacy_waivers: list[Waiver] = f("隐私检查豁免（需写明理由）", default=[])
    where: Where = where_field()
    # field → (other field, its values that make the first one required): a station
    # or a post names its parent (the validator's hierarchy check; the schema states it)
    required_when: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "parent": ("kind", ("station", "post"))}


@dataclass
class Source:
    title: str = f("文章标题")
    publisher: str = f("发布媒体或单位，如：澎湃新闻")
    date: Optional[str] = f("发布日期，如：2020-10-14", default=None, kind="date")
    url: Optional[str] = f("原文链接，只接受 http 或 https", default=None, kind="url")
    seed: Optional[str] = f("样例文章的文件名（shared/seeds/ 下）", default=None)
    where: Where = where_field()


@dataclass
class Measure:
    name: str = f("做法名称，如：坐炕头")
    detail: str = f("用自己的话写的具体做法")
    where: Where = where_field()


@dataclass
class Outcome:
    label: str = f("指标说明，如：可防性案件")
    unit: str = f("单位，如：起、条、人次、%")
    value: Optional[float] = f("数值（与 change 二选一），如：123", default=None)
    change: Optional[float] = f("变化幅度（与 value 二选一），下降写负数，如：-35.1", default=None)
    period: Optional[str] = f("统计期，如：2019年1-5月、今年以来", default=None)
    approximate: bool = f("是否为约数（如“80余起”）", default=False)
    yoy: bool = f("是否为同比变化", default=False)
    wording: Optional[str] = f("原文对这个数字的写法（导入文章时记下，便于核对），如：80余起、同比下降35.1%",
                               default=None)
    where: Where = where_field()
    # exactly one of these is given (the validator checks it; the schema states it)
    exactly_one: ClassVar[tuple[str, ...]] = ("value", "change")


@dataclass
class Period:
    start: str = f("起始年月，如：2019-01", kind="month")
    end: str = f("截止年月，如：2019-05", kind="month")
    where: Where = where_field()


@dataclass
class Practice:
    id: str = f("做法编号：小写拼音、数字和连字符，与文件名一致", kind="id")
    title: str = f("标题")
    units: list[str] = f("所属单位编号（可多个）", kind="ref:unit", min_items=1)
    period: Period = f("报告期")
    categories: list[str] = f("分类编号，见 site_config/categories.yml", kind="ref:category", min_items=1)
    summary: str = f("用自己的话写的摘要")
    measures: list[Measure] = f("主要做法", min_items=1)
    sources: list[Source] = f("出处（至少一条）", min_items=1)
    tags: list[str] = f("自由标签", default=[])
    outcomes: list[Outcome] = f("工作成效（数字）", default=[])
    brand: Optional[str] = f("体现的警务品牌或工作法编号", default=None, kind="ref:brand")
    unlinked_units: list[str] = f("文中提到、还没有记录的单位全称（导入文章时写入）：逐个建立记录或关联已有单位，"
                                  "把编号写进 units 后删去", default=[])
    status: str = f("发布状态：published（发布）或 draft（草稿，不发布）", default="published",
                    choices=("published", "draft"))
    privacy_waivers: list[Waiver] = f("隐私检查豁免（需写明理由）", default=[])
    where: Where = where_field()


@dataclass
class Component:
    name: str = f("组成部分名称，如：坐炕头")
    detail: str = f("一句话说明")
    where: Where = where_field()


@dataclass
class Brand:
    id: str = f("品牌编号：小写拼音、数字和连字符，与文件名一致", kind="id")
    name: str = f("品牌或工作法名称，如：“四头”工作法")
    unit: str = f("所属单位编号", kind="ref:unit")
    summary: str = f("用自己的话写的简介")
    components: list[Component] = f("组成部分", default=[])
    sources: list[Source] = f("出处", default=[])
    privacy_waivers: list[Waiver] = f("隐私检查豁免（需写明理由）", default=[])
    where: Where = where_field()


@dataclass
class MonthlyStats:
    """One unit's monthly figures for one year: records/stats/<unit>/<year>.yml."""
    unit: str = f("单位编号，须与所在文件夹名一致", kind="ref:unit")
    year: int = f("年份，须与文件名一致，如：2020")
    months: dict[int, dict[str, float]] = f("月份（1–12）→ 指标编号 → 数值")
    sample: bool = f("是否为演示用的样例数据（true 时网站会注明）", default=False)
    note: Optional[str] = f("数据说明", default=None)
    where: Where = where_field()


# ---------------------------------------------------------------- site config

@dataclass
class Metric:
    id: str = f("指标编号：小写英文和下划线，如：criminal_cases", kind="metric-id")
    name: str = f("指标名称，如：刑事警情")
    unit: str = f("计量单位，如：起、条、人次")
    group: str = f("指标组（同组指标画在一张图上），如：治安形势")
    lower_is_better: bool = f("数值越低越好时写 true（如刑事警情）", default=False)
    aggregate: str = f("跨单位、跨月份的汇总方式：sum（求和）或 mean（平均）",
                       default="sum", choices=("sum", "mean"))
    description: Optional[str] = f("指标口径说明", default=None)
    where: Where = where_field()


@dataclass
class MetricsConfig:
    metrics: list[Metric] = f("统计指标", min_items=1)
    where: Where = where_field()


@dataclass
class Category:
    id: str = f("分类编号", kind="id")
    name: str = f("分类名称，如：矛盾纠纷化解")
    description: Optional[str] = f("分类说明", default=None)
    metrics: list[str] = f("成效对照优先看的统计指标编号（见 site_config/metrics.yml），如：[disputes_resolved]；"
                           "不填时看全部指标", default=[], kind="ref:metric")
    where: Where = where_field()


@dataclass
class CategoriesConfig:
    categories: list[Category] = f("经验做法分类", min_items=1)
    where: Where = where_field()


@dataclass
class CompilationConfig:
    """一份随网站发布的经验汇编（jingyan compile 的筛选条件）；条件都写时须同时满足。"""
    id: str = f("汇编编号：用作下载文件名，如：fengqiao-huibian", kind="id")
    title: str = f("封面标题，如：“枫桥经验”做法汇编")
    compiler: Optional[str] = f("封面上的编印单位（默认网站名称）", default=None)
    category: Optional[str] = f("只收某个分类（分类编号）", default=None)
    region: Optional[str] = f("只收某个单位及其全部下属单位的做法（单位编号）", default=None)
    tag: Optional[str] = f("只收带有这个标签的做法", default=None)
    brand: Optional[str] = f("只收体现某个警务品牌的做法（品牌编号）", default=None)
    since: Optional[str] = f("只收报告期截至这个年月或更晚的做法，如：2020-01", default=None, kind="month")
    practices: list[str] = f("指定收录的做法编号（按此顺序排列）", default=[])
    pdf: bool = f("是否生成 PDF", default=True)
    docx: bool = f("是否生成 Word 文件（.docx）", default=False)
    where: Where = where_field()


@dataclass
class SiteConfig:
    title: str = f("网站名称")
    description: str = f("网站简介（首页显示）")
    templates_dir: Optional[str] = f("自定义模板文件夹（相对仓库根目录）；同名模板覆盖内置模板",
                                     default=None, kind="repo-path")
    privacy_allow: list[str] = f("允许公开的号码（如 110、12345、派出所公布的座机）", default=[])
    sample_note: str = f("样例数据提示语", default="本页统计数据为演示用样例数据，并非真实警情统计。")
    search_scope: str = f("搜索索引收录的内容：auto 按记录多少自动选择；full 全文；summary 标题、概要和单位简介；"
                          "titles 只收标题、所属单位、分类和品牌简介（记录很多时读者打开搜索最快）",
                          default="auto", choices=("auto", "full", "summary", "titles"))
    compilations: list[CompilationConfig] = f("随网站发布的经验汇编（PDF/Word 下载）；默认不发布，"
                                              "需要安装 jingyan[compile]", default=[])
    where: Where = where_field()


RECORD_KINDS = {"unit": Unit, "practice": Practice, "brand": Brand, "stats": MonthlyStats}


def doc_of(cls: type, name: str) -> str:
    for fl in fields(cls):
        if fl.name == name:
            return fl.metadata.get("doc", "")
    return ""


@dataclass
class Records:
    """Everything the site is built from, after validation."""
    site: SiteConfig
    metrics: dict[str, Metric]
    categories: dict[str, Category]
    units: dict[str, Unit]
    practices: dict[str, Practice]  # published only; drafts never reach the site
    brands: dict[str, Brand]
    stats: list[MonthlyStats]
    drafts: dict[str, Practice] = field(default_factory=dict)
