"""Text clean-up for `jingyan import-article`: whatever a web page or a
converter left around an article, removed before anything is recognised.

  * HTML tags, scripts, navigation and footers are removed;
  * the pinyin a web converter leaves after characters is removed (經(jīng)驗(yàn) → 經驗);
  * Traditional characters become Simplified (OpenCC t2s);
  * page furniture is dropped: navigation and UI lines, 来源/编辑/责任编辑 lines,
    copyright and licence lines, and the unrelated news items pages append
    at the end ([详细] link lists, further datelined items, 相关阅读 …);
  * the publisher is read from what was dropped (来源 lines, meta tags, copyright).
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

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
META_LINE = re.compile(r"(来源|编辑|责任编辑|作者|浏览|发布时间|发布日期|发表时间|更新时间|发稿时间|日期|时间)\s*[:：]")
BYLINE = re.compile(r"^(记者|通讯员|文/|图/|摄影|作者|编辑|组版|校对|审核|监制|见习记者|实习生)\s*[:：/]?")
DATE_ONLY = re.compile(r"^[（(【\[]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?"
                       r"\s*[）)】\]]?$")  # also bracketed: （2023-05-22）
DATELINE = re.compile(rf"^(本报|本台|本网|新华社|[{CJK}]{{0,6}})?[{CJK}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(电|讯)")
MORE_LINK = re.compile(r"(\[详细\]|\[详情\]|详细>>|\[更多\]|>>$)")
PROMO = re.compile(r"^(今日特推|热点推荐|今日推荐|热点|推荐)\s*[:：]")
LOCATION = re.compile(r"^(您的位置|当前位置|你的位置|位置|网站导航|导航)\s*[:：]|\s[>»]\s|»")
# share and print bars: 分享到：微信 微博 QQ空间, 【打印】【关闭】, 字号：大 中 小
UI_BAR = re.compile(r"^(分享到|分享至|字号|字体|打印本页|扫一扫|【(打印|关闭|收藏|纠错)】)|"
                    r"^(【[^】]{1,4}】\s*){2,}$")


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
                or PROMO.match(line) or LOCATION.search(line) or UI_BAR.match(line):
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

