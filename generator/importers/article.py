"""`jingyan import-article FILE`: a news article or work report → a draft practice.

The text (plain or HTML) is cleaned first:
  * HTML tags, scripts, navigation and footers are removed;
  * the pinyin a web converter leaves after characters is removed (經(jīng)驗(yàn) → 經驗);
  * Traditional characters become Simplified (OpenCC t2s);
  * page furniture is dropped: navigation and UI lines, 来源/编辑/责任编辑 lines,
    copyright and licence lines, and the unrelated news items pages append
    at the end ([详细] link lists, further datelined items, 相关阅读 …).
Then it looks for the title, publisher and date, the units named (…派出所,
…公安局, …分局, …警务室), brands and work methods in quotation marks, the
measures (headings, 一是…/二、… items, parallel lead phrases) and the figures
with their labels (counts, percentages, year-on-year changes).

The draft (status: draft) never copies the article's sentences: the summary
and every measure's detail are marked placeholders for the staff member to
write in their own words. `units` holds only ids of existing unit records
(so the draft validates); units found but without a record are listed in a
comment and on screen with the `jingyan new unit` command that creates them.
If no unit at all has a record, `units` stays empty: the draft then does not
validate, and the command prints exactly what to do (or pass --unit).
"""
from __future__ import annotations

import html
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from . import messages as IM

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_AFTER_CHAR = re.compile(rf"([{CJK}])[(（]([a-zA-Z{TONED}üÜ]{{1,7}})[)）]")
TERMINAL = "。！？；…!?;"
SENTENCE_SPLIT = re.compile(r"(?<=[。！？；!?;])")
CLAUSE_BOUNDARY = "，,、；;：:（(）)。！？!?\n"


# ---------------------------------------------------------------- HTML → text

class _Text(HTMLParser):
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section",
             "article", "header", "blockquote", "table", "ul", "ol", "dd", "dt", "figcaption"}
    SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "nav", "footer",
            "aside", "form", "button", "select"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in self.SKIP:
            self.skip += 1
        if tag == "meta":
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"].strip()
        if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        if tag in ("title", "h1"):
            self._in = tag
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == self._in:
            self._in = None
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
            return
        if self.skip:
            return
        if self._in == "h1":
            self.h1 += data
        self.parts.append(data)


def looks_like_html(text: str, name: str = "") -> bool:
    return name.lower().endswith((".html", ".htm", ".xhtml")) or bool(
        re.search(r"<(html|body|p|div|br|span|h1|article)\b[^>]*>", text[:20000], re.I))


def html_to_text(text: str) -> tuple[str, dict]:
    parser = _Text()
    parser.feed(text)
    parser.close()
    body = "".join(parser.parts)
    info = {"title": " ".join(parser.title.split()), "h1": " ".join(parser.h1.split()),
            "meta": parser.meta}
    return html.unescape(body), info


# ---------------------------------------------------------------- characters

def remove_converter_pinyin(text: str) -> tuple[str, int, str]:
    """經(jīng)驗(yàn) → 經驗: a CJK character followed by its own reading in brackets."""
    from pypinyin import Style, pinyin
    count, example = 0, ""

    def readings(ch):
        try:
            return {r.lower() for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]}
        except Exception:
            return set()

    def repl(m):
        nonlocal count, example
        ch, syl = m.group(1), m.group(2)
        plain = "".join(c for c in unicodedata.normalize("NFD", syl)
                        if not unicodedata.combining(c)).lower().replace("ü", "v")
        if any(c in TONED for c in syl.lower()) or plain in readings(ch) or plain.replace("v", "u") in readings(ch):
            count += 1
            example = example or m.group(0)
            return ch
        return m.group(0)

    return PINYIN_AFTER_CHAR.sub(repl, text), count, example


def to_simplified(text: str) -> tuple[str, int]:
    import opencc
    out = opencc.OpenCC("t2s").convert(text)
    changed = sum(1 for a, b in zip(text, out) if a != b) if len(out) == len(text) else abs(len(out) - len(text)) + 1
    return out, changed


_FULLWIDTH = str.maketrans("０１２３４５６７８９％．＋－", "0123456789%.+-")


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "")
    return text.translate(_FULLWIDTH)


# ---------------------------------------------------------------- page furniture

NAV_WORDS = ("首页", "新闻", "国内", "国际", "视频", "财经", "金融", "房产", "教育", "时尚", "美食",
             "健康", "旅游", "汽车", "体育", "娱乐", "科技", "军事", "图片", "专题", "评论", "社会",
             "副刊", "民生", "媒体", "理论", "登录", "注册", "搜索", "客户端", "English")
UI_LINES = {"登录", "注册", "下载客户端", "字号", "收藏", "我要举报", "阅读原文", "反馈", "分享",
            "分享到", "打印", "关闭", "关闭窗口", "返回顶部", "上一篇", "下一篇", "微信公众号",
            "扫一扫", "大家最喜欢看", "首页头条", "24小时排行榜", "点赞", "评论", "举报", "搜索",
            "搜索:", "搜索：", "更多", "返回", "打开app", "打开APP", "在看", "赞", "大", "中", "小"}
END_MARKERS = re.compile(r"^(原标题|阅读原文|大家最喜欢看|相关阅读|推荐阅读|相关新闻|延伸阅读|热门推荐|"
                         r"猜你喜欢|更多精彩|责任编辑|本文为|免责声明|版权声明)")
COPYRIGHT = re.compile(r"©|copyright|版权所有|ICP备|公网安备|许可证|All Rights Reserved|未经授权|"
                       r"不代表.{0,10}(观点|立场)|申请.{0,6}号请", re.I)
META_LINE = re.compile(r"(来源|编辑|责任编辑|作者|浏览|发布时间|发布日期|时间)\s*[:：]")
BYLINE = re.compile(r"^(记者|通讯员|文/|图/|摄影|作者|编辑|组版|校对|审核|监制|见习记者|实习生)\s*[:：/]?")
DATE_ONLY = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
DATELINE = re.compile(rf"^(本报|本台|本网|新华社|[{CJK}]{{0,6}})?[{CJK}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(电|讯)")
MORE_LINK = re.compile(r"(\[详细\]|\[详情\]|详细>>|\[更多\]|>>$)")
PROMO = re.compile(r"^(今日特推|热点推荐|今日推荐|热点|推荐)\s*[:：]")
LOCATION = re.compile(r"^(您的位置|当前位置|你的位置|位置)\s*[:：]|\s[>»]\s|»")


@dataclass
class Cleaned:
    lines: list[str]
    dropped: int = 0
    tail_items: int = 0
    tail_first: str = ""
    meta_lines: list[str] = field(default_factory=list)  # 来源/date lines, for publisher and date
    hints: list[str] = field(default_factory=list)  # copyright / 扫码下载 lines
    original_title: str = ""


def _is_heading(line: str) -> bool:
    return (0 < len(line) <= 30 and not any(c in line for c in TERMINAL)
            and not line.endswith(("：", ":", "，", ",")) and bool(re.search(f"[{CJK}]", line)))


def clean_lines(text: str) -> Cleaned:
    raw = [ln.strip(" \t•·●▪■◆") .strip() for ln in text.split("\n")]
    out = Cleaned([])
    body_chars = 0
    ended = False
    for line in raw:
        if not line:
            continue
        if ended:
            out.dropped += 1
            if COPYRIGHT.search(line) or "扫码下载" in line:
                out.hints.append(line)
            continue
        m = re.match(r"^原标题\s*[:：]\s*《?(.+?)》?$", line)
        if m:
            out.original_title = m.group(1).strip()
        if END_MARKERS.match(line) or (COPYRIGHT.search(line) and body_chars > 200):
            ended = True
            out.dropped += 1
            out.hints.append(line)
            continue
        if COPYRIGHT.search(line) or "扫码下载" in line or line.startswith(("扫码", "找记者")):
            out.hints.append(line)
            out.dropped += 1
            continue
        if MORE_LINK.search(line):  # a list of other news: "…[详细]"
            out.tail_items += 1
            out.tail_first = out.tail_first or line[:20]
            continue
        if DATE_ONLY.match(line) or (META_LINE.search(line) and len(line) < 80 and "。" not in line):
            out.meta_lines.append(line)
            out.dropped += 1
            continue
        if line in UI_LINES or re.fullmatch(r"[\W\d_+]*", line) or line.lower().endswith("logo") \
                or PROMO.match(line) or LOCATION.search(line):
            out.dropped += 1
            continue
        if not any(c in line for c in "，,。") and sum(w in line for w in NAV_WORDS) >= 3:
            out.dropped += 1
            continue
        if BYLINE.match(line) and len(line) <= 40 and "。" not in line:
            out.dropped += 1
            continue
        if DATELINE.match(line) and body_chars > 150:
            # another news item begins: cut it (and its headline) and all that follows
            if out.lines and _is_heading(out.lines[-1]):
                out.tail_first = out.lines.pop()[:20]
            else:
                out.tail_first = line[:20]
            out.tail_items += 1 + sum(1 for ln in raw if DATELINE.match(ln.strip())) - 1
            ended = True
            continue
        out.lines.append(line)
        body_chars += len(line)
    out.lines = _join_broken(out.lines)
    return out


def _join_broken(lines: list[str]) -> list[str]:
    """A page that wraps paragraphs leaves lines broken mid-sentence (消防设施配 / 备、安全出口)."""
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) > 30 and out[-1][-1] not in TERMINAL + "”』」）)" \
                and not _is_heading(line) and re.match(f"[{CJK}“]", line):
            out[-1] += line
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------- title, publisher, date

DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def find_date(lines) -> str | None:
    from datetime import date
    for line in lines:
        for m in DATE_RE.finditer(line):
            try:
                return date(*map(int, m.groups())).isoformat()
            except ValueError:
                continue
    return None


MEDIA_END = r"(?:网|报|台|社|新闻|传媒|日报|晚报|在线|客户端|壹点|头条|号)"


def find_publisher(cleaned: Cleaned, info: dict, lines: list[str]) -> str | None:
    for line in cleaned.meta_lines:
        m = re.search(r"来源\s*[:：]\s*([^\s·|｜/:：]+)", line)
        if m and not META_LINE.match(m.group(1)) and m.group(1) not in ("编辑", "作者"):
            return m.group(1)
    meta = info.get("meta", {})
    for key in ("og:site_name", "source", "publisher", "application-name"):
        if meta.get(key):
            return meta[key]
    if lines:
        m = re.match(rf"^([{CJK}]{{2,10}}{MEDIA_END})\s*[:：]", lines[0])
        if m:
            return m.group(1)
    for line in cleaned.hints:
        m = re.search(rf"(?:copyright|©|版权所有)\s*(?:\d{{4}}(?:\s*-\s*\d{{4}})?)?\s*([{CJK}]{{2,12}}{MEDIA_END})",
                      line, re.I)
        if m:
            return m.group(1)
    for line in cleaned.hints:
        m = re.search(rf"扫码(?:下载|关注)([{CJK}]{{2,10}}?)(?:客户端|APP|app)?$", line)
        if m:
            return m.group(1)
    return None


# ---------------------------------------------------------------- units

UNIT_SUFFIX_RE = re.compile(r"公安分局|公安局|分局|派出所|警务室")
STOP_WORDS = sorted("""在 由 向 与 和 及 同 对 将 把 经 被 让 为 是 了 的 等 到 留 至 从 据 如 即 系 于 并 而 或 以 给 跟 往 赴 驻 进 入
各 该 本 我 全 每 其 此 个 名 位 支 所 里 中 后 前 时 让 带 交 请 会同 联合 邀请 协助 配合 指导 组织 依托 通过
围绕 发挥 推动 推行 督促 打造 建立 成立 成为 形成 目前 今年 近日 记者 通讯员 民警 所长 副所长 支援 抽调 反哺
辖区 全县 全市 全区 全镇 各级 上级 当地 属地 城区 农村 乡镇 基层 创新 落实 实施 开展 设立 设置 选取 包括
担任 来到 前往 赶到 回到 返回 送到 送往 移交 协调 联系 接到 报警 推进 加强 结合 探索 参与 服务""".split(),
                    key=len, reverse=True)
GENERIC = {"公安", "镇", "县", "市", "区", "乡", "城区", "农村", "基层", "辖区", "各地", "当地", "属地",
           "所在地", "社区", "派出", "示范", "中心", "城市", "乡镇", "村居", "街道", "枫桥式", "枫桥式公安"}


def _clean_prefix(prefix: str, suffix: str) -> str | None:
    from ..naming import strip_province
    cut = True
    while cut:
        cut = False
        for w in STOP_WORDS:
            at = prefix.rfind(w)
            if at >= 0 and len(prefix) - at - len(w) >= 2:
                prefix = prefix[at + len(w):]
                cut = True
                break
    if prefix[-1:] in set("与和及的到留向在由对将各该本其此等给让把被以了") or any(
            prefix.endswith(w) for w in STOP_WORDS if len(w) >= 2):
        return None  # 支援派出所, 明确各派出所: no name before the suffix
    prefix = strip_province(prefix)
    limit = 10 if suffix in ("公安局", "公安分局", "分局") else 6
    if not (2 <= len(prefix) <= limit) or prefix in GENERIC or prefix[0] in "各每该本全我其此" \
            or re.match(r"^[一二三四五六七八九十百千两几\d]+[个名类所家支]", prefix) \
            or prefix.endswith(("式", "型", "类", "性", "的")) or any(c.isdigit() for c in prefix):
        return None
    return prefix


def find_unit_names(text: str, every: bool = False) -> list[tuple[str, int]]:
    """(name, position) of the units named in `text`, in order: each name once
    (at its first mention), or every mention when `every`."""
    found: list[tuple[str, int]] = []
    for run in re.finditer(f"[{CJK}]+", text):
        s, base = run.group(0), run.start()
        prev_end, prev_bureau = 0, None
        for m in UNIT_SUFFIX_RE.finditer(s):
            suffix = m.group(0)
            prefix = _clean_prefix(s[prev_end:m.start()], suffix)
            if suffix in ("分局", "公安分局") and prev_bureau and prev_end == prev_bureau[2] \
                    and prefix is not None:
                # 济宁市公安局市中区分局: a branch named with its bureau
                name = prev_bureau[0] + s[prev_end:m.end()]
                if found and found[-1] == (prev_bureau[0], prev_bureau[1]):
                    found.pop()
                found.append((name, prev_bureau[1]))
                prev_bureau = None
            elif prefix is not None:
                found.append((prefix + suffix, base + m.start() - len(prefix)))
                prev_bureau = (prefix + suffix, base + m.start() - len(prefix), m.end()) \
                    if suffix == "公安局" else None
            else:
                prev_bureau = None
            prev_end = m.end()
    # lists sharing one suffix: 集美、新旗、杨岭、惠台和泾河5个警务室
    for m in re.finditer(rf"((?:[{CJK}]{{2,6}}[、和及与])+[{CJK}]{{2,4}})(?:\d+|[两二三四五六七八九十]+)?个?(派出所|警务室)",
                         text):
        items = re.split(r"[、和及与]", m.group(1))
        counted = bool(re.search(r"\d|个", m.group(0)))
        at_start = m.start(1) == 0 or not re.match(f"[{CJK}]", text[m.start(1) - 1])
        if len(items) < 2 or not (counted or at_start and all(len(x) <= 4 for x in items)):
            continue
        rest = items[1:]
        n = sorted(len(x) for x in rest)[len(rest) // 2]
        items[0] = items[0][-n:]
        for item in items if counted else items[:-1]:
            name = item + m.group(2)
            if _clean_prefix(item, m.group(2)) == item:
                found.append((name, m.start(1) + m.group(1).find(item)))
    seen, out = set(), []
    for name, pos in sorted(found, key=lambda x: x[1]):
        if every:
            out.append((name, pos))
        elif name not in seen:
            seen.add(name)
            out.append((name, pos))
    return out


# ---------------------------------------------------------------- brands

BRAND_SUFFIX = r"(工作法|工作模式|运行模式|新模式|模式|工程|机制|工作机制|警务品牌|品牌|体系|工作室|队)"
Q_OPEN, Q_CLOSE = "“\"「『", "”\"」』"


def brand_core(name: str) -> str:
    """The key a brand is known by: its quoted part without 工作法/模式/工程…
    (“四头”工作法, “四头工作法” → 四头; 智慧社区网格化管理 → itself)."""
    quoted = re.search(rf"[{Q_OPEN}]([^{Q_OPEN}{Q_CLOSE}]+)[{Q_CLOSE}]", name)
    core = quoted.group(1) if quoted else name
    core = re.sub(r"\s+", "", core)
    return re.sub(rf"{BRAND_SUFFIX}$", "", core) or core


def find_brands(lines: list[str]) -> list[str]:
    """Named brands and work methods: “四头”工作法, “五小工程”, “喻事好商量”警务品牌."""
    text = "\n".join(lines)
    found: list[tuple[int, str]] = []
    for m in re.finditer(rf"[“「『]([^“”「」『』\n]{{1,14}})[”」』]{BRAND_SUFFIX}", text):
        name = f"“{m.group(1)}”" + ("" if "品牌" in m.group(2) else m.group(2))
        found.append((m.start(), name))
    for m in re.finditer(rf"[“「『]([^“”「」『』\n]{{2,14}}?{BRAND_SUFFIX})[”」』]", text):
        found.append((m.start(), f"“{m.group(1)}”"))
    for m in re.finditer(r"[“「『]([\dNn][\dNn+＋×\-]*)[”」』]", text):  # “124”, “1+2+N”
        found.append((m.start(), f"“{m.group(1)}”"))
    for i, line in enumerate(lines):
        m = re.fullmatch(r"[“「『]([^“”「」『』]{2,14})[”」』]", line)
        if m:
            found.append((text.find(line), f"“{m.group(1)}”"))
    out, cores = [], set()
    for _, name in sorted(found, key=lambda x: (x[0], -len(x[1]))):
        core = brand_core(name)
        if "枫桥" in core and not re.search(BRAND_SUFFIX, name.strip("“”")):
            continue
        if core not in cores:
            cores.add(core)
            out.append(name)
    return out


# ---------------------------------------------------------------- measures

ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[是、．.]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[，,、])\s*(.+)")


def _first_clause(s: str, limit: int = 24) -> str:
    clause = re.split(r"[，,。：:；;！？]", s, maxsplit=1)[0].strip()
    return clause[:limit]


def find_measures(lines: list[str], exclude: set[str]) -> list[str]:
    items: list[str] = []
    lead_run: list[str] = []

    def flush_leads():
        if len(lead_run) >= 3:
            items.extend(lead_run)
        lead_run.clear()

    prev_heading = False
    for line in lines:
        if _is_heading(line):
            flush_leads()
            m = ENUM_RE.match(line)
            name = m.group(1).strip() if m else line
            if not prev_heading and name not in exclude:
                items.append(name)
            prev_heading = True
            continue
        prev_heading = False
        enum_here = False
        for sentence in SENTENCE_SPLIT.split(line):
            m = ENUM_RE.match(sentence.strip())
            if m:
                name = _first_clause(m.group(1))
                if len(name) >= 2:
                    items.append(name)
                    enum_here = True
        if enum_here:
            flush_leads()
            continue
        first = SENTENCE_SPLIT.split(line)[0]
        clauses = re.split(r"[，,]", first)
        if len(line) >= 60 and len(first) <= 32 and len(clauses) >= 2 and 2 <= len(clauses[0]) <= 12:
            lead_run.append(clauses[0].strip())
        else:
            flush_leads()
    flush_leads()
    out = []
    for x in items:
        x = x.strip(" ：:")
        if x and x not in out and x not in exclude:
            out.append(x)
    return out[:20]


# ---------------------------------------------------------------- figures

COUNT_UNITS = ("人次", "户次", "家次", "万元", "公里", "元", "条", "起", "人", "名", "次", "户", "家",
               "个", "件", "处", "套", "支", "张", "栋", "台", "辆", "项", "场", "批", "所", "间",
               "份", "位", "枚", "万")
CHANGE_RE = re.compile(r"(同比|较去年同期|比去年同期|与去年同期相比|较上年|较去年|环比)?(?:再次|分别|均)?"
                       r"(下降|减少|降低|上升|增长|增加|提高|提升)了?\s*(\d+(?:\.\d+)?)\s*(%|个百分点)")
COUNT_RE = re.compile(r"(?<![\d.+\-A-Za-z])(\d+(?:\.\d+)?)\s*(余|多)?(万)?(余|多)?(" +
                      "|".join(COUNT_UNITS) + r")(?![\d])")
PERCENT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")
PERIOD_RE = re.compile(r"(今年以来|今年上半年|上半年|下半年|今年第[一二三四]季度|第[一二三四]季度|截至目前|"
                       r"去年以来|近年来|三年来|\d{4}年(?:\d{1,2}[-—至到]\d{1,2}月|上半年|度)?|今年|去年(?!同期)|全年|目前)")
LEAD_STRIP = sorted("""今年以来 截至目前 截至 目前 上半年 去年以来 今年 去年 全年 近年来 据统计 统计 其中 此外 同时 另外
全镇 全县 全市 全区 全所 全局 辖区 我所 该所 本所 我局 该局 全警 仅 共 共计 累计 先后 已 已经 有效 成功 全部 再次
还 并 又 均 分别 一共 总共 总计 合计 新 达 有 对 将 就 是 的 了 在 和 按照 根据 通过 以""".split(), key=len, reverse=True)
TRAIL_STRIP = sorted("""达到了 达到 达 为 是 超过 不少于 不低于 多达 近 约 逾 共 累计 总计 共计 有 再次 在去年 较去年同期 同比 分别 均
有所 又 了 的 在 已 目前 将 便将""".split(), key=len, reverse=True)
KEEP_NEW = ("新建", "新增", "新发现", "新设")


@dataclass
class Figure:
    label: str
    unit: str
    value: float | None = None
    change: float | None = None
    period: str | None = None
    approximate: bool = False
    yoy: bool = False
    context: str = ""  # where in the article (printed, never written as a sentence)
    near_unit: str | None = None
    pos: int = 0


def _balanced(label: str) -> str:
    """Drop quotation marks and brackets left without their partner at either end."""
    for a, b in ("“”", "《》", "()", "（）"):
        if label.count(a) != label.count(b):
            label = label.strip(a + b)
    return label.strip(" \"'")


def _strip_label(label: str) -> str:
    label = _balanced(label)
    changed = True
    while changed and label:
        changed = False
        for w in LEAD_STRIP:
            if label.startswith(w) and not (w == "新" and label.startswith(KEEP_NEW)) and len(label) > len(w):
                label, changed = label[len(w):], True
                break
        for w in TRAIL_STRIP:
            if label.endswith(w) and len(label) > len(w):
                label, changed = label[: -len(w)], True
                break
        stripped = _balanced(label)
        changed = changed or stripped != label
        label = stripped
    if label in LEAD_STRIP or label in TRAIL_STRIP:
        return ""
    return label


def _inside_quotes(s: str, pos: int) -> bool:
    """Figures inside quotation marks, book titles or brackets are names or asides."""
    before = s[:pos]
    return any(before.count(a) > before.count(b) for a, b in ("“”", "《》", "()", "（）"))


def _label(sentence: str, start: int, end: int, floor: int = 0, percent: bool = False) -> str:
    """The words a figure counts: before it in its clause (化解矛盾纠纷80余起), or
    after it when only a verb comes before (选任95名警务助理 → 选任警务助理)."""
    after_de = re.match(rf"的([{CJK}]{{2,10}}?)(?=[和及与、，,。；参]|$)", sentence[end:])
    if after_de and percent:  # 50%的民警 → 民警
        return after_de.group(1)
    before = sentence[floor:start]
    cut = max(before.rfind(c) for c in CLAUSE_BOUNDARY)
    raw_before = before[cut + 1:]
    if re.search(r"\d\s*[至到\-~—]$", raw_before):
        return ""  # a range: 1至2人
    label = _strip_label(raw_before)
    if len(label) >= 3:
        return label[-20:]
    after = sentence[end:]
    stop = min([i for i in (after.find(c) for c in CLAUSE_BOUNDARY + "和及与") if i >= 0] + [len(after)])
    num = re.search(r"\d", after)
    if num and num.start() < stop:
        stop = num.start()
    tail = after[:stop].lstrip("的了")
    tail = re.sub(r"^(左右|以上)", "", tail)[:12]
    if not re.search(f"[{CJK}]", tail):
        return label if len(label) >= 2 else ""
    verb = label if 0 < len(label) <= 2 and not label.startswith(("对", "向", "在", "从")) else ""
    return (verb + tail)[:20]


def find_figures(text: str, units: list[tuple[str, int]] | None = None) -> list[Figure]:
    figures: list[Figure] = []
    offset = 0
    for line in text.split("\n"):
        pos = 0
        for sentence in SENTENCE_SPLIT.split(line):
            base = offset + pos
            pos += len(sentence)
            if not re.search(r"\d", sentence):
                continue
            period_m = PERIOD_RE.search(sentence)
            taken: list[tuple[int, int]] = []
            for m in CHANGE_RE.finditer(sentence):
                if _inside_quotes(sentence, m.start()):
                    continue
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()))
                sign = -1 if m.group(2) in ("下降", "减少", "降低") else 1
                pre = sentence[max(0, m.start() - 8):m.start()]
                yoy = bool(m.group(1)) or "同期" in pre or "同比" in pre
                unit = "%" if m.group(4) == "%" else "个百分点"
                figures.append(Figure(label or "（待填写：指标说明）", unit, change=sign * float(m.group(3)),
                                      period=_period(sentence, m.start(), period_m), yoy=yoy,
                                      context=_context(sentence, m.start(), m.end()), pos=base + m.start()))
                taken.append((m.start(), m.end()))
            for m in COUNT_RE.finditer(sentence):
                if any(a <= m.start() < b for a, b in taken) or _inside_quotes(sentence, m.start()):
                    continue
                if m.group(5) == "万" and not m.group(3):
                    continue  # 万 alone (3万) without a counted thing: not a figure
                value = float(m.group(1))
                unit = m.group(5)
                if m.group(3) and unit == "元":  # 5万余元
                    unit = "万元"
                elif m.group(3) and unit != "万元":  # 1万多名 → 10000 名
                    value *= 10000
                approx = bool(m.group(2) or m.group(4)) or bool(re.search(r"(近|约|超过|逾|多达)$", sentence[:m.start()]))
                approx = approx or sentence[m.end():m.end() + 2] in ("左右", "以上")
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()))
                if not label:
                    continue
                figures.append(Figure(label, unit, value=value, approximate=approx,
                                      period=_period(sentence, m.start(), period_m),
                                      context=_context(sentence, m.start(), m.end()), pos=base + m.start()))
                taken.append((m.start(), m.end()))
            for m in PERCENT_RE.finditer(sentence):
                if any(a <= m.start() < b for a, b in taken) or _inside_quotes(sentence, m.start()):
                    continue
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()), percent=True)
                if not label:
                    continue
                approx = bool(re.search(r"(近|约|超过|逾)$", sentence[:m.start()]))
                figures.append(Figure(label, "%", value=float(m.group(1)), approximate=approx,
                                      period=_period(sentence, m.start(), period_m),
                                      context=_context(sentence, m.start(), m.end()), pos=base + m.start()))
                taken.append((m.start(), m.end()))
        offset += len(line) + 1
    for f in figures:
        before = [name for name, p in (units or []) if p <= f.pos]
        f.near_unit = before[-1] if before else None
    seen, out = set(), []
    for f in figures:
        key = (f.label, f.value, f.change, f.unit)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _floor(taken: list[tuple[int, int]], start: int) -> int:
    return max([b for a, b in taken if b <= start], default=0)


def _period(sentence: str, at: int, _m=None) -> str | None:
    found = [x for x in PERIOD_RE.finditer(sentence) if x.start() < at]
    return found[-1].group(0) if found else None


def _context(sentence: str, start: int, end: int) -> str:
    cut = max(sentence.rfind(c, 0, start) for c in "，,。；;") + 1
    return sentence[max(cut, start - 18):end]


# ---------------------------------------------------------------- the whole article

@dataclass
class Article:
    title: str | None
    subtitle: str | None
    publisher: str | None
    date: str | None
    url: str | None
    body: list[str]
    notes: list[str]
    units: list[tuple[str, int]]
    cited_only: set[str]  # units named only inside 《》 (the title of a cited document)
    brands: list[str]
    measures: list[str]
    figures: list[Figure]


def extract(raw: str, name: str = "") -> Article:
    notes: list[str] = []
    info: dict = {}
    if looks_like_html(raw, name):
        raw, info = html_to_text(raw)
    text, n_pinyin, example = remove_converter_pinyin(raw)
    if n_pinyin:
        notes.append(IM.ARTICLE_PINYIN.format(n=n_pinyin, example=example))
    text, n_trad = to_simplified(text)
    if n_trad:
        notes.append(IM.ARTICLE_TRADITIONAL)
    text = normalise(text)
    for key in ("title", "h1"):
        if info.get(key):
            info[key] = normalise(to_simplified(remove_converter_pinyin(info[key])[0])[0])
    cleaned = clean_lines(text)
    if cleaned.dropped:
        notes.append(IM.ARTICLE_DROPPED.format(n=cleaned.dropped))
    if cleaned.tail_items:
        notes.append(IM.ARTICLE_TAIL.format(n=cleaned.tail_items, first=cleaned.tail_first))
    lines = list(cleaned.lines)
    title = subtitle = None
    if lines and _is_heading(lines[0]) and not ENUM_RE.match(lines[0]):
        title = lines.pop(0)
        if lines and _is_heading(lines[0]) and not ENUM_RE.match(lines[0]) and len(lines) > 1 \
                and not _is_heading(lines[1]):
            subtitle = lines.pop(0)
    html_title = info.get("h1") or re.split(r"\s+[-_|｜]\s+|_", info.get("title", ""))[0].strip() or None
    title = cleaned.original_title or html_title or title
    meta = info.get("meta", {})
    date = find_date(cleaned.meta_lines) or find_date(
        [meta.get(k, "") for k in ("article:published_time", "publishdate", "pubdate", "date")])
    publisher = find_publisher(cleaned, info, lines)
    url = meta.get("og:url") or meta.get("canonical")
    if url and not re.match(r"^https?://", url):
        url = None
    body_text = "\n".join(lines)
    units = find_unit_names(body_text if not title else title + "\n" + body_text)
    mentions = [(n, p) for n, p in find_unit_names(body_text, every=True)
                if not _in_book_title(body_text, p)]
    outside = {n for n, _ in mentions}
    cited_only = {n for n, _ in units if n not in outside and (not title or n not in title)}
    brands = find_brands(([title] if title else []) + lines)
    exclude = {x for x in (title, subtitle) if x}
    measures = find_measures(lines, exclude)
    figures = find_figures(body_text, mentions)
    return Article(title, subtitle, publisher, date, url, lines, notes, units, cited_only, brands,
                   measures, figures)


def _in_book_title(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return before.count("《") > before.count("》")


# ---------------------------------------------------------------- the command

def add_arguments(p):
    p.add_argument("file", help="文章文件：纯文本（.txt）或网页（.html）")
    p.add_argument("--out", help="草稿写到这个文件夹（默认 records/practices/）")
    p.add_argument("--id", help="草稿编号（默认由单位和标题的拼音生成）")
    p.add_argument("--unit", action="append",
                   help="所属单位编号或全称（文中的单位认不出来时指定；可写多次）")


def run(args) -> int:
    from datetime import date as Date

    from ..commands.new import practice_id, render_practice
    from ..naming import is_valid_id, load_phrases, slug_from_name
    from . import (check_documents, existing_records, guess_categories, inputs_ready,
                   read_input_text, rel_to, report, resolve_unit, template_env)

    root = Path(args.root)
    src = Path(args.file)
    if not inputs_ready(root, src, IM.ARTICLE_MISSING):
        return 1
    art = extract(read_input_text(src), src.name)
    if not art.body:
        print(IM.ARTICLE_EMPTY, file=sys.stderr)
        return 1
    have = existing_records(root)
    phrases, _ = load_phrases(root)
    today = Date.today()

    for note in art.notes:
        print(note)
    print(IM.ARTICLE_TITLE.format(title=art.title) if art.title else IM.ARTICLE_NO_TITLE)
    print(IM.ARTICLE_PUBLISHER.format(publisher=art.publisher) if art.publisher else IM.ARTICLE_NO_PUBLISHER)
    print(IM.ARTICLE_DATE.format(date=art.date) if art.date else IM.ARTICLE_NO_DATE)

    # units: linked to records, or listed for the staff member to create
    linked: list[str] = []
    unmatched: list[tuple[str, str]] = []
    print(IM.ARTICLE_UNITS.format(n=len(art.units)))
    for name, _ in art.units:
        uid, _near = resolve_unit(name, have["unit"])
        if name in art.cited_only:
            print(IM.ARTICLE_UNIT_CITED.format(name=name, id=uid or slug_from_name(name, phrases)))
            continue
        if uid:
            print(IM.ARTICLE_UNIT_LINKED.format(name=name, id=uid))
            if uid not in linked:
                linked.append(uid)
        else:
            suggestion = slug_from_name(name, phrases)
            print(IM.ARTICLE_UNIT_UNMATCHED.format(name=name, slug=suggestion))
            unmatched.append((name, suggestion))
    explicit = []
    for value in args.unit or []:
        uid, near = resolve_unit(value, have["unit"])
        if not uid:
            hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
            print(IM.UNKNOWN_UNIT.format(value=value, hint=hint + IM.UNKNOWN_UNIT_HINT), file=sys.stderr)
            return 1
        explicit.append(uid)
    linked = list(dict.fromkeys(explicit + linked))
    units_comment = []
    if unmatched:
        units_comment.append("文中提到、还没有记录的单位（需要时先建立，再把编号加进 units）：")
        units_comment += [f"  {n}：jingyan new unit --name {n}（建议编号 {s}）" for n, s in unmatched]

    # brands
    brand_ids = {}
    for bid, b in have["brand"].items():
        brand_ids.setdefault(brand_core(str(b.get("name", ""))), bid)
    if art.brands:
        print(IM.ARTICLE_BRANDS.format(n=len(art.brands), names="、".join(art.brands)))
    brand, brand_comment = None, []
    ranked = sorted(art.brands, key=lambda b: (0 if art.title and brand_core(b) in art.title else 1,
                                               -"\n".join(art.body).count(brand_core(b))))
    body_all = "\n".join(art.body)
    for b in ranked:
        in_title = bool(art.title and brand_core(b) in art.title)
        if brand_core(b) in brand_ids and (in_title or body_all.count(brand_core(b)) >= 2):
            brand = brand_ids[brand_core(b)]
            print(IM.ARTICLE_BRAND_LINKED.format(id=brand, name=b))
            break
    others = [b for b in art.brands if brand_ids.get(brand_core(b)) != brand]
    if others:
        brand_comment.append("文中其他品牌、工作法：" + "、".join(
            b + (f"（{brand_ids[brand_core(b)]}）" if brand_core(b) in brand_ids else "（还没有记录）")
            for b in others))

    # measures and figures
    if art.measures:
        print(IM.ARTICLE_MEASURES.format(n=len(art.measures), names="、".join(art.measures)))
    measures = [{"name": m, "detail": IM.PLACEHOLDER_DETAIL} for m in art.measures] or None
    outcomes = []
    print(IM.ARTICLE_OUTCOMES.format(n=len(art.figures)))
    several = len({n for n, _ in art.units}) > 1
    for f in art.figures:
        shown = (f"{f.label}：" + (f"{'+' if f.change > 0 else ''}{_num(f.change)}{f.unit}" if f.change is not None
                                   else f"{_num(f.value)}{f.unit}")
                 + ("（约数）" if f.approximate else "") + ("（同比）" if f.yoy else "")
                 + (f"，统计期：{f.period}" if f.period else "")
                 + (f"，{f.near_unit}" if several and f.near_unit else "") + f"　← “…{f.context}”")
        print(IM.ARTICLE_OUTCOME.format(text=shown))
        outcomes.append({"label": f.label, "value": f.value, "change": f.change, "unit": f.unit,
                         "period": f.period, "approximate": f.approximate, "yoy": f.yoy,
                         "note": f.near_unit if several else None})

    # categories, period, sources
    body = "\n".join(([art.title] if art.title else []) + art.body)
    categories = guess_categories(body, have["categories"])
    if categories:
        print(IM.ARTICLE_CATEGORIES.format(cats="、".join(categories)))
    else:
        categories = [c["id"] for c in have["categories"]][:1]
        print(IM.NEW_CATEGORIES_DEFAULT.format(cat=categories[0] if categories else ""))
    if art.date:
        y, m = art.date[:4], art.date[5:7]
        start = f"{y}-01" if re.search("今年|年初以来|上半年", body) else f"{y}-{m}"
        period = (start, f"{y}-{m}")
        how = IM.ARTICLE_PERIOD_HOW["date"]
    else:
        period = (today.strftime("%Y-%m"),) * 2
        how = IM.ARTICLE_PERIOD_HOW["today"]
    print(IM.ARTICLE_PERIOD.format(how=how, start=period[0], end=period[1]))
    seed = src.name if src.resolve().parent.name == "seeds" else None
    source = {"title": art.title or IM.PLACEHOLDER_TITLE,
              "publisher": art.publisher or IM.PLACEHOLDER_PUBLISHER,
              "date": art.date, "url": art.url, "seed": seed}
    for pid, p in have["practice"].items():
        for s in p.get("sources") or []:
            if isinstance(s, dict) and seed and s.get("seed") == seed:
                print(IM.ARTICLE_SEED_DUP.format(path=p["_path"], seed=seed))
            elif isinstance(s, dict) and art.title and s.get("title") == art.title:
                print(IM.ARTICLE_TITLE_DUP.format(path=p["_path"]))

    # id and file
    if args.id:
        if not is_valid_id(args.id):
            print(IM.BAD_ID.format(value=args.id), file=sys.stderr)
            return 1
        pid = args.id
    else:
        unit_part = linked[:1] or [slug_from_name(n, phrases) for n, _ in art.units[:1]]
        rest = art.title or ""
        for name, _ in art.units:
            rest = rest.replace(name, "")
        # 泾源县公安局五措施推动社区警务走深走实 → jingyuan-wucuoshitui
        title_for_id = "“" + "".join(re.findall(f"[{CJK}]", rest))[:4] + "”" if rest else ""
        # the brand it shows (laixi-moshi), else <unit>-<title>
        pid = brand or practice_id(unit_part, title_for_id, phrases) or "draft"
    out_dir = Path(args.out) if args.out else root / "records" / "practices"
    base_id, n = pid, 2
    while (out_dir / f"{pid}.yml").exists() or (root / "records" / "practices" / f"{pid}.yml").exists() \
            or pid in have["practice"]:
        pid = f"{base_id}-{n}"[:64]
        n += 1
    if pid != base_id:
        print(IM.ARTICLE_ID_TAKEN.format(id=base_id, new=pid))
    header = [f"草稿：由 jingyan import-article 从 {src.name} 生成。数字和名称是从原文中自动找出的，请逐条核对；",
              "摘要和每项做法的 detail 请用自己的话写，不要照抄原文。"]
    values = {"id": pid, "title": art.title or IM.PLACEHOLDER_PRACTICE_TITLE, "units": linked,
              "units_comment": units_comment, "period_start": period[0], "period_end": period[1],
              "period_note": f"（按{how}暂定，请核对）", "categories": categories,
              "categories_note": "按关键词猜的，请核对", "brand": brand, "brand_comment": brand_comment,
              "tags": [b.replace("“", "").replace("”", "") for b in art.brands[:5]],
              "outcomes": outcomes, "sources": [source], "header": header}
    if measures:
        values["measures"] = measures
    text = render_practice(template_env(root), have, values)
    target = out_dir / f"{pid}.yml"
    rel = rel_to(target, root)
    as_record = f"records/practices/{pid}.yml"
    problems = check_documents(root, {as_record: ("practice", text)}, today)
    problems = [type(p)(rel, p.line, p.column, p.message) for p in problems]
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(IM.WRITTEN_DRAFT.format(path=rel))
    if not linked:
        print(IM.ARTICLE_NO_UNITS)
    report(rel, text, problems)
    return 0


def _num(x: float) -> str:
    from . import yaml_number
    return yaml_number(x)
