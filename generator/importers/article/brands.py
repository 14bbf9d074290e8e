"""Brands and work methods named in an article, in any quotation style.

Chinese web text quotes a name with “”, "", ‘’, '', 「」, 『』, 《》 or a
mismatched pair (“双色“, ”双色”). A quoted term is a brand when
  * a generic noun for a method follows it or ends it (“四头”工作法,
    “平安小网格”建设, “随手拍报警”平台, “一村一警”机制), or
  * a verb that launches a method comes just before it (推广“一村一警一群”,
    推出“警格通”), or it begins with a numeral (“三联”, “五小工程”) or is a
    formula (“124”, “1+2+N”), or it stands alone as a heading;
and it is not quoted speech: speech is long, carries sentence punctuation,
or has a verb of saying just before or after it (他说：“…”, “…”群众说).
"""
from __future__ import annotations

import re

# generic nouns kept as part of the name (“四头”工作法) …
NAME_NOUNS = ("工作法", "工作模式", "运行模式", "警务模式", "服务模式", "治理模式", "管理模式", "新模式", "模式",
              "工作机制", "长效机制", "警务机制", "服务机制", "治理机制", "机制", "工程", "服务平台", "警务平台",
              "平台", "体系", "工作室", "志愿服务队", "服务队", "调解队", "巡逻队", "志愿队", "调解室", "小程序",
              "警务室", "警务站", "工作站", "警务", "专项行动", "集中行动", "行动", "队")
# … and those that only say what was done with it (“平安小网格”建设)
ACTIVITY_NOUNS = ("警务品牌", "服务品牌", "品牌", "建设", "工作", "活动", "做法", "经验")
BRAND_SUFFIX = "(" + "|".join(sorted(NAME_NOUNS + ACTIVITY_NOUNS, key=len, reverse=True)) + r")(?![伍员长])"  # not 队伍, 队员
LAUNCH = ("推广", "推出", "推行", "打造", "创新", "创建", "构建", "建立", "探索", "实施", "开展", "践行", "总结",
          "提炼", "首创", "叫响", "擦亮", "依托", "建成", "上线", "开通", "启用", "形成",
          "升级", "培育", "做优", "做强", "做实", "开发", "研发", "名为", "命名为",
          "以", "通过", "借助", "召开", "举办", "组建", "成立", "设立", "开设", "开办")
SAYING = re.compile(r"(说|道|讲|表示|介绍|称|问|答|告诉|坦言|感慨|感叹|笑言|强调|指出|回忆|提醒|说道|喊|写道)"
                    r"(记者|大家|我们|民警|他|她)?\s*[:：,，]?\s*$")
SAID_AFTER = re.compile(r"^\s*[,，]?\s*(他|她|民警|群众|老人|村民|居民|所长|记者)?[^，。]{0,4}?(说|道|表示|介绍|笑着说)")
SPEECH_PUNCT = re.compile(r"[，。！？；：,!?;…]")
# “楼栋长”联络机制, “商圈110”快速响应机制: a method noun with a few words before it
MODIFIED_NOUN = r"([\u4e00-\u9fff]{1,4}?(?:工作法|模式|机制|体系|平台|工程|行动))(?![伍员长])"
SUFFIX_NAME = re.compile(r"(派出所|分局|公安局|警务室|先进|优秀|模范|示范|称号|单位|集体|个人)")  # honours
COMMON_WORD = 5000  # a quoted common word (“工作体系”, “社区警务”) names nothing
NUMERAL_START = re.compile(r"^[一二三四五六七八九十两百千双多]")
ONLY_NUMERALS = re.compile(r"^[一二三四五六七八九十两双]+$")  # “五一”, “十一”, “双十一”: a holiday, not a method
AGE = re.compile(r"^[一二三四五六七八九十百千万两几]+[年月日天岁代]")  # “百年老街”: how old, not a method
# what is done with a named method after its name
CARRIED_OUT = re.compile(r"(落实|推进|实施|推广|全覆盖|覆盖|试点|运行|见效|成效|取得)")
FORMULA = re.compile(r"^[\dNnXx][\dNnXx+＋×\-—·.]*$")
DOCUMENT = re.compile(r"(关于|意见|办法|通知|规定|方案|细则|条例|决定|报告|纲要|法|报|刊|志|网|书|集|记)$")

# opening → the closing marks that may end it (a converter often repeats the opening one)
PAIRS = {"“": "”“", "”": "”", "\"": "\"", "‘": "’‘", "'": "'", "「": "」", "『": "』", "《": "》"}


def brand_core(name: str) -> str:
    """The key a brand is known by: its quoted part without 工作法/模式/工程…
    (“四头”工作法, “四头工作法” → 四头; 智慧社区网格化管理 → itself)."""
    quoted = re.search(r"[“\"「『‘《]([^“”\"「」『』‘’《》]+)[”\"」』’》“]", name)
    core = quoted.group(1) if quoted else name
    core = re.sub(r"\s+", "", core)
    return re.sub(f"{BRAND_SUFFIX}$", "", core) or core


def quoted_spans(line: str):
    """(start, end, text, mark) of every quoted stretch in a line, pairing the
    marks in order; ASCII quotes pair with the next one of their kind."""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch in PAIRS:
            closers = PAIRS[ch]
            j = next((k for k in range(i + 1, min(len(line), i + 60)) if line[k] in closers), -1)
            if j > i + 1:
                yield i, j + 1, line[i + 1:j], ch
                i = j + 1
                continue
        i += 1


def _is_speech(line: str, start: int, end: int, text: str) -> bool:
    """Long, punctuated, or said: 他说：“…”, “…”群众说; but “一格一警”做法介绍 is a
    name followed by its method noun, whatever verb comes after that."""
    named = re.match(BRAND_SUFFIX, line[end:]) or re.match(MODIFIED_NOUN, line[end:])
    return bool(SPEECH_PUNCT.search(text)) or len(text) > 16 or bool(SAYING.search(line[max(0, start - 8):start])) \
        or not named and bool(SAID_AFTER.match(line[end:end + 10]))


def _noun_follows(text: str) -> bool:
    from .units import _tokens
    toks = _tokens(text) if text[:1].strip() else []
    return bool(toks) and toks[0][1].startswith("n")


def _quoted_twice(lines: list[str], text: str) -> bool:
    from .cleanup import _is_heading
    where = [line for line in lines for _, _, t, _ in quoted_spans(line) if t.strip() == text]
    return len(where) >= 2 and any(_is_heading(line) for line in where)


def _common(text: str) -> bool:
    """工作体系, 社区警务: nothing but everyday words before a generic noun."""
    from .units import _tagger, _tokens
    core = re.sub(f"{BRAND_SUFFIX}$", "", text)
    if core == text and len(_tokens(text)) > 1:
        return False
    freq = _tagger().tokenizer.FREQ
    return bool(core) and all(freq.get(w, 0) >= COMMON_WORD for w, _ in _tokens(core))


def find_brands(lines: list[str], has_title: bool = False) -> list[str]:
    """Named brands and work methods, each once, as “name”suffix (`has_title`:
    the first line is the article's title)."""
    found: list[tuple[int, int, str]] = []
    offset = 0
    for index, line in enumerate(lines):
        for start, end, text, mark in quoted_spans(line):
            text = text.strip()
            if not (1 <= len(text) <= 16) or _is_speech(line, start, end, text):
                continue
            after = re.match(BRAND_SUFFIX, line[end:]) or re.match(MODIFIED_NOUN, line[end:])
            before = line[max(0, start - 4):start]
            launched = any(before.endswith(v) or before[:-1].endswith(v) for v in LAUNCH) \
                or bool(CARRIED_OUT.match(line[end:]))  # “村村有警”落实情况: a policy being carried out
            own_suffix = re.search(f"{BRAND_SUFFIX}$", text) and len(text) >= 4
            alone = line.strip(" “”\"'‘’「」『』《》") == text
            # the title's quoted term is what the article is about (“边民互助”守边境)
            # … when the title goes on after it: 守护“百年老街” ends on what is guarded, a description
            titled = index == 0 and has_title and not SUFFIX_NAME.search(text) \
                and bool(re.search(r"[\u4e00-\u9fff]", line[end:]))
            if mark == "《" and (DOCUMENT.search(text) or not (after or own_suffix)):
                continue  # 《关于…的意见》, 《平安报》: a cited document
            if not after and (line[end:end + 1] == "的" or not (launched or titled) and _noun_follows(line[end:end + 6])):
                continue  # “两抢”案件, “优秀派出所”称号, “小案大影响”的理念: a quoted word describing a noun
            if "、" in text and not (after and after.group(1) in NAME_NOUNS):
                continue  # “派出所、司法所、律师事务所”, a slogan in two halves: a list, not a name
            if _common(text):
                continue
            if not (after or own_suffix or launched or alone or titled or FORMULA.match(text)
                    or (NUMERAL_START.match(text) and len(text) <= 10 and not ONLY_NUMERALS.match(text)
                        and not AGE.match(text))):
                continue  # 当好“贴心人”: a quoted word, no name
            if len(text) < 2 and not FORMULA.match(text):
                continue
            suffix = after.group(1) if after and not after.group(1) in ACTIVITY_NOUNS else ""
            found.append((offset + start, -len(text + suffix), f"“{text}”{suffix}"))
        offset += len(line) + 1
    # a term quoted in the title or a heading and again in the text names the
    # article's subject (「渔港夜话」)
    repeated = {name for _, _, name in found}
    for line in lines:
        for start, end, text, _ in quoted_spans(line):
            text = text.strip()
            name = f"“{text}”"
            if name not in repeated and 2 <= len(text) <= 8 and not _is_speech(line, start, end, text) \
                    and not _common(text) and line[end:end + 1] != "的" and not _noun_follows(line[end:end + 6]) \
                    and sum(f"{q}{text}" in "\n".join(lines) for q in PAIRS) and _quoted_twice(lines, text):
                found.append((sum(len(x) + 1 for x in lines[:lines.index(line)]) + start, -len(text), name))
                repeated.add(name)
    best: dict[str, str] = {}  # one brand, written with and without its noun: the fuller form
    for _, _, name in sorted(found):
        core = brand_core(name)
        if "枫桥" in core and not any(name.endswith(n) for n in NAME_NOUNS):
            continue  # “枫桥经验” itself is the movement, not one unit's brand
        if len(name) > len(best.get(core, "")):
            best[core] = name
    return list(best.values())
