"""Figures an article reports, each with what was counted and its own wording.

Three shapes are read: changes (同比下降35.1%, 环比上升2个百分点, 较去年同期
减少12起), counts (化解纠纷80余起, 1.2万元, 近30名, 约15平方公里, 3.5亿元,
百余人) and percentages (满意率达98%). A figure's label is the thing counted:
the words before it in its clause without scope and filler words (全县, 共,
累计, 达), or, when only a verb stands there, the verb and the noun after the
number (选任95名警务助理 → 选任警务助理; 65%的警力下沉 → 下沉警力). The article's
exact words for the number (80余起, 同比下降35.1%) are kept beside the value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cleanup import CJK, CLAUSE_BOUNDARY, SENTENCE_SPLIT
from .dates import Period, periods_in

COUNT_UNITS = ("平方公里", "平方米", "人次", "户次", "家次", "车次", "辆次", "架次", "艘次", "场次", "批次", "万元", "亿元", "公里", "千米", "公顷",
               "小时", "分钟", "元", "条", "起", "人", "名", "次", "户", "家", "个", "件", "处", "套", "支",
               "张", "栋", "台", "辆", "项", "场", "批", "所", "间", "份", "位", "枚", "亩", "座", "单", "艘",
               "架", "只", "头", "吨", "公斤", "千克", "万")
CLASSIFIERS = ("名", "个", "家", "支", "户", "处", "件", "台", "辆", "套", "所", "间", "份", "位", "枚", "张",
               "栋", "项", "场", "批", "座", "条", "人")
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN_NUM = r"[一二两三四五六七八九十百千]+"
DOWN = ("下降", "减少", "降低", "下滑", "回落")
CHANGE_RE = re.compile(r"(同比|环比|较去年同期|比去年同期|与去年同期相比|较上年同期|较上年|较去年|较上月|比上月)?"
                       r"(?:再次|分别|均|又)?(下降|减少|降低|下滑|回落|上升|增长|增加|提高|提升)了?\s*"
                       rf"({NUM})\s*([万亿]?元|%|个百分点|百分点|起|人|件|名|次|户|分(?![钟之]))")  # 分: a score
COUNT_RE = re.compile(rf"(?<![\d.+\-A-Za-z])({NUM}|{CN_NUM}(?=余|多))\s*(余|多)?([万亿])?(余|多)?("
                      + "|".join(COUNT_UNITS) + r")(?![\d])")
PERCENT_RE = re.compile(rf"(?<![\d.])({NUM})\s*%")
# 每晚分3组巡逻, 分成两班值守: how many groups share a task; the label is the task
# and the kind of group (巡逻组), since no noun before the number names what was counted.
SPLIT_RE = re.compile(rf"(?:分成|分为|编成|分)\s*(({NUM}|{CN_NUM})\s*个?(组|队|班|批)次?)"
                      rf"(?:开展|进行|轮流|轮班|交替)?(?:(?:沿|在|到|赴|围绕|对)[{CJK}]{{1,8}}?(?=[{CJK}]{{2}}(?:[，。；：、,;:！!？?）)]|$)))?"
                      rf"([{CJK}]{{2,4}}?)(?=[，。；：、,;:！!？?）)]|$)")
SPLIT_NOUN = {"组": "组", "队": "队", "班": "班次", "批": "批次"}
APPROX_BEFORE = re.compile(r"(近|约|超过|超|逾|多达|将近|接近|大约)$")
APPROX_AFTER = ("左右", "以上", "有余")
LEAD_STRIP = sorted("""今年以来 截至目前 截至 目前 上半年 下半年 去年以来 今年 去年 全年 近年来 据统计 统计 其中 此外 同时 另外
全镇 全县 全市 全区 全所 全局 全省 辖区 我所 该所 本所 我局 该局 全警 仅 共 共计 累计 先后 已 已经 有效 成功 全部 再次
还 并 又 均 分别 一共 总共 总计 合计 新 达 有 对 将 就 是 的 了 在 和 按照 根据 通过 以 为 从而 随后 随即 为此
发生 出现 共发生""".split(), key=len, reverse=True)
TRAIL_STRIP = sorted("""达到了 达到 达 为 是 超过 不少于 不低于 多达 近 约 逾 共 累计 总计 共计 有 再次 在去年 较去年同期 同比 环比
分别 均 有所 又 了 的 在 已 目前 将 便将 大约 将近 接近 超 提升至 提升到 提高至 提高到 上升至 上升到 下降至 下降到
降至 降到 升至 增至 缩短至 缩短到 减少至 减少到 由去年 由 从""".split(), key=len, reverse=True)
KEEP_NEW = ("新建", "新增", "新发现", "新设")


@dataclass
class Figure:
    label: str
    unit: str
    value: float | None = None
    change: float | None = None
    period: Period | None = None
    approximate: bool = False
    yoy: bool = False
    wording: str = ""  # the article's own words for the number: 80余起, 同比下降35.1%
    context: str = ""  # where in the article (printed, never written as a sentence)
    near_unit: str | None = None
    pos: int = 0
    sentence: int = 0  # where its sentence starts: a figure may share its neighbour's label


def number(text: str) -> float | None:
    """1,234.5 → 1234.5; 三十 → 30; 百 → 100; 两千 → 2000."""
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for c in text:
        if c in digits:
            current = digits[c]
        elif c in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[c]
            current = 0
        else:
            return None
    return float(total + current)


def _balanced(label: str) -> str:
    """Drop quotation marks and brackets left without their partner at either end."""
    for a, b in ("“”", "《》", "()", "（）"):
        if label.count(a) != label.count(b):
            label = label.strip(a + b)
    return label.strip(" \"'")


SCOPE = ("全镇", "全县", "全市", "全区", "全省", "全局", "全所", "辖区")
# the unit or team that did it is not what was counted: 调解队|调处邻里纠纷, 分局|辖区…
SUBJECT = re.compile(rf"^(?:[{CJK}]{{0,8}}?(派出所|公安局|分局|警务室|调解队|巡逻队|服务队|志愿队|工作队|中心)(?![员长])|"
                     r"[一二两三四五六七八九十\d]+个(?:所|派出所|分局|警务室)|"  # 三个所共召开…
                     r"为[^\s，,。]{1,3}?(?=帮|代|挽|寻|追|办|提供|解决))")  # 为群众|挽回损失


# 所里接报的|盗窃警情, 辖区发生的|入室盗窃案件: how the figures reached the unit
CHANNEL = re.compile(rf"^[{CJK}]{{0,6}}?(?:接报|接到|受理|收到|发生)的(?=[{CJK}]{{2,}})")


# 民警共开展夜间巡逻, 议事会累计调处纠纷: a counting adverb starts the predicate
PREDICATE = re.compile(rf"^[{CJK}]{{1,6}}?(?:共计|累计|共|先后|一共|总共)(?=[{CJK}]{{2,}})")


PEOPLE = ("群众", "居民", "村民", "市民", "游客", "民警", "辅警", "队员", "网格员", "志愿者")


def _first_word(label: str) -> str:
    """在|夜市 but 在线|报警: a one-character filler is stripped only when it is a word."""
    from .units import _tokens
    toks = _tokens(label)
    return toks[0][0] if toks else ""


def _last_word(label: str) -> str:
    from .units import _tokens
    toks = _tokens(label)
    return toks[-1][0] if toks else ""


def _drop_frame(label: str) -> str:
    """Words around the predicate that are not what was counted:
    在夜市|设立流动警务点 (where), 为行动不便的老人|上门办证 (for whom),
    群众|在线报警求助 (who, when the rest is an act: 群众满意率 keeps 群众)."""
    from .units import _tokens
    toks = _tokens(label)
    if len(toks) >= 3 and toks[0][0] in PEOPLE and label[-1] not in "率感度量数比" \
            and (toks[1][1] == "v" or toks[1][1][0] in "dp" or toks[-1][1] == "v" and not _nounish(toks[1][1])):
        label = "".join(w for w, _ in toks[1:])  # 民警|又为…, 群众|在线报警求助
        toks = toks[1:]
    if len(toks) >= 3 and toks[0][0] in ("在", "于", "通过", "借助", "依托", "利用"):  # where, by what means
        i = 1
        while i < len(toks) and _nounish(toks[i][1]) or i < len(toks) and toks[i][1] == "f":
            i += 1
        if 1 < i < len(toks) and toks[i][1] == "v":
            return "".join(w for w, _ in toks[i:])
    if len(toks) >= 3 and toks[0][0] in ("为", "给", "替"):  # 为|留守老人|代办证件: the last noun before a verb
        at = [j for j in range(1, len(toks) - 1) if _nounish(toks[j][1]) and toks[j + 1][1] == "v"]
        rest = "".join(w for w, _ in toks[at[-1] + 1:]) if at else ""
        if len(rest) >= 2:
            return rest
    if toks and toks[0][0] in ("为", "给", "替") and any(w == "的" for w, _ in toks):
        at = max(i for i, (w, _) in enumerate(toks) if w == "的") + 2  # 的 and the noun after it
        rest = "".join(w for w, _ in toks[at:])
        if len(rest) >= 2:
            return rest
    return label


def _strip_label(label: str) -> str:
    label = _balanced(label)
    predicate = PREDICATE.match(label)
    if predicate:
        label = label[predicate.end():]
    changed = True
    while changed and label:
        changed = False
        subject = SUBJECT.match(label) or CHANNEL.match(label)
        if subject and len(label) - subject.end() >= 3:
            label, changed = label[subject.end():], True
        for w in TRAIL_STRIP:
            if label.endswith(w) and len(label) > len(w) \
                    and not (w == "为" and _last_word(label) != w):  # 行为 keeps its 为
                label, changed = label[: -len(w)], True
                break
        if changed:
            continue
        # where, for whom and who, once the ends are clean (before 在, 为 go as fillers)
        framed = _drop_frame(label)
        if framed != label:
            label, changed = framed, True
            continue
        for w in LEAD_STRIP:
            if label.startswith(w) and not (w == "新" and label.startswith(KEEP_NEW)) \
                    and not (w == "成功" and len(label) <= 4) \
                    and not (w in ("在", "对", "和", "为", "以") and _first_word(label) != w) \
                    and len(label) > len(w) + (2 if w in SCOPE else 0):  # 辖区面积 stays
                label, changed = label[len(w):], True
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


def _verb_first(phrase: str) -> str:
    """警力下沉到社区 → 下沉警力: a noun and the verb it is counted by."""
    from .units import _tokens
    toks = _tokens(phrase)
    nouns = []
    for word, flag in toks:
        if flag.startswith("n") or flag == "vn":
            nouns.append(word)
            continue
        if flag.startswith("v") and nouns:
            return word + "".join(nouns)
        break
    return "".join(nouns) or phrase


def _label(sentence: str, start: int, end: int, floor: int = 0, percent: bool = False,
           classifier: bool = False, subjects: tuple[int, ...] = ()) -> str:
    """The thing a figure counts: before it in its clause (化解矛盾纠纷80余起), or
    after it when only a verb comes before (选任95名警务助理 → 选任警务助理)."""
    after_de = re.match(rf"的([{CJK}]{{2,10}}?)(?=[和及与、，,。；参]|$)", sentence[end:])
    if after_de and percent:  # 50%的民警 → 民警; 65%的警力下沉到社区 → 下沉警力
        return _verb_first(after_de.group(1))
    # the unit that did it, in any spelling (解放所, 友谊路所), is not what was counted
    before = sentence[floor:start]
    cut = max(before.rfind(c) for c in CLAUSE_BOUNDARY)
    while cut > 0 and before[cut] == "、":  # 提供咨询、寻人寻物等服务: a list inside what was counted
        prev = max(before.rfind(c, 0, cut) for c in CLAUSE_BOUNDARY)
        item = before[prev + 1:cut]
        if not re.fullmatch(rf"[{CJK}]{{2,8}}", item) or not re.search(rf"^[{CJK}]*等", before[cut + 1:]):
            break
        cut = prev
    raw_before = before[cut + 1:]
    subject_end = max([floor + cut + 1] + [e for e in subjects if e <= start])
    raw_before = sentence[subject_end:start] if subject_end > floor + cut + 1 else raw_before
    if re.search(r"\d\s*[至到\-~—]$", raw_before):
        return ""  # a range: 1至2人
    label = _strip_label(PERIOD_WORDS.sub("", raw_before))
    counted = _noun_head(re.match(rf"[{CJK}]{{0,12}}", sentence[end:]).group(0)) if classifier else ""
    if counted and _is_noun(counted) and len(label) >= 3:
        return (_last_verb(label) + counted)[:20]  # 编成6个联防小组 → 编成联防小组
    if len(label) >= 3 and not (classifier and len(label) <= 4 and _is_verb(label)):
        # after another figure in the clause, its noun leads: 68个|村居建立微信群70个
        return _counted(label, 0 if floor and cut < 0 else 9)[-20:]
    after = sentence[end:]
    stop = min([i for i in (after.find(c) for c in CLAUSE_BOUNDARY + "和及与") if i >= 0] + [len(after)])
    num = re.search(r"\d", after)
    if num and num.start() < stop:
        stop = num.start()
    tail = after[:stop].lstrip("的了")
    tail = re.sub(r"^(左右|以上)", "", tail)[:12]
    if not re.search(f"[{CJK}]", tail):
        return label if len(label) >= 2 else ""
    tail = _noun_head(tail)
    verb = label if 0 < len(label) <= 4 and not label.startswith(("对", "向", "在", "从")) \
        and not _placeish(label) else ""
    return (verb + tail)[:20]


PERIOD_WORDS = re.compile(r"(今年|去年|本年)?(前[二三两]季度|第?[一二三四]季度|[上下]半年|\d{1,2}[-至到]\d{1,2}月|"
                          r"\d{1,2}月份?|以来)")


def _placeish(phrase: str) -> bool:
    """沿湖, 周边, 村里: where something is, never the verb counting it."""
    from .units import _tokens
    toks = _tokens(phrase)
    return bool(toks) and toks[-1][1] in ("f", "s")


def _is_noun(phrase: str) -> bool:
    from .units import _tokens
    toks = _tokens(phrase)  # the head of a Chinese noun phrase is its last word (联防|小组)
    if len(toks) >= 2 and len(toks[-1][0]) == 1 and toks[-2][1].startswith("n"):
        toks = toks[:-1]  # 快速反应|点
    return bool(toks) and (toks[-1][1].startswith(("n", "vn")) or toks[-1][1] == "eng")


def _last_verb(phrase: str) -> str:
    from .units import _tokens
    toks = _tokens(phrase)
    if toks and len(toks[-1][0]) >= 2 and toks[-1][1][0] in "vn" and not SUBJECT.search(toks[-1][0]):
        return toks[-1][0]  # 办理|36项: the word just before a count is the verb counting
    verbs = [w for w, f in toks if f.startswith("v") and f != "vn" and len(w) >= 2]
    return verbs[-1] if verbs else ""


# verbs whose object is a person who then acts: what is counted is the act
PIVOT = frozenset("帮助 协助 帮 组织 引导 动员 发动 督促 指导 带领 劝导 教育 让 请 要求 指派 安排 为 替 给".split())


def _counted(label: str, longer_than: int = 9) -> str:
    """A long label cut to the thing counted and the verb counting it:
    咸嘉湖派出所日均网上受理业务 → 受理业务; 平台上线一个月访问量 → 访问量."""
    from .units import _tokens
    if len(label) <= longer_than:
        return label
    out, seen_noun = "", False
    toks = _tokens(label)
    for i in range(len(toks) - 1, -1, -1):
        word, flag = toks[i]
        after = toks[i + 1][1] if i + 1 < len(toks) else ""
        if flag == "vn" and _nounish(after) and after != "eng" and seen_noun:
            flag = "v"  # 排查|隐患: a verb with its object
        if _nounish(flag) or flag == "vn":
            out, seen_noun = word + out, True
        elif flag.startswith("v"):
            out = word + out
            chain = i > 0 and toks[i - 1][1].startswith("v") and toks[i - 1][1] != "vn" \
                and toks[i - 1][0] not in LEAD_STRIP  # 累计|发放: an adverb, not a verb
            # 平均处置时间: a verb between an adjective and its one head noun
            inside = i > 0 and i == len(toks) - 2 and toks[i - 1][1].startswith("a")
            # 协调解决|渔船停泊纠纷: a verb between two nouns, the whole the object of a verb
            # before it, is inside the noun (not after a verb of helping: 帮助|群众|挽回损失)
            compound = i >= 2 and _nounish(toks[i - 1][1]) and toks[i - 2][1] == "v" \
                and len(toks[i - 2][0]) >= 2 and toks[i - 2][0] not in PIVOT
            if seen_noun and len(word) >= 2 and not chain and not inside and not compound:  # 寻回|走失儿童
                break
        elif flag == "f" and seen_noun and i > 0 and _nounish(toks[i - 1][1]):
            out = word + out  # 夜市周边|电动车被盗案件: a place and its side belong to the noun
        elif flag[0] in "mqrtf":  # 平台上线一个月|访问量: a count or a time ends the phrase
            break
        else:
            return label  # 帮助群众追回被骗资金: a preposition inside, keep it whole
    return out if len(out) >= 2 else label


def _nounish(flag: str) -> bool:
    """Nouns, place words, Latin words and fixed phrases (安全隐患 is an 'i' to jieba)."""
    return flag.startswith("n") or flag in ("s", "eng", "i", "l")


def _is_verb(word: str) -> bool:
    from .units import _tokens
    toks = _tokens(word)
    return bool(toks) and all(f.startswith("v") and f != "vn" for _, f in toks)


def _noun_head(tail: str) -> str:
    """120名民警下沉一线 → 民警: the noun the number counts, not what follows it."""
    from .units import _tokens
    out = ""
    for word, flag in _tokens(tail):
        if out and (flag.startswith(("v", "p", "d", "c", "u", "f")) and flag != "vn"  # 学校|周边
                    or word in ("全部", "均", "都", "全都", "一律")):
            break
        out += word
    return out or tail


def _period(periods: list[tuple[int, Period]], at: int, carried: Period | None,
            sentence: str = "") -> Period | None:
    """The period named last before `at` in its clause, else the paragraph's
    (由去年的45%降至28%: 去年 is the first figure's only)."""
    found = [(pos, p) for pos, p in periods if pos < at and "同期" not in p.text]
    if found and sentence:
        between = sentence[found[-1][0]:at]
        if re.search(r"\d[^，,]*[降升增减提][至到]", between):
            return carried
    return found[-1][1] if found else carried


def _context(sentence: str, start: int, end: int) -> str:
    cut = max(sentence.rfind(c, 0, start) for c in "，,。；;") + 1
    return sentence[max(cut, start - 18):end]


def _wording(sentence: str, start: int, end: int) -> tuple[str, bool]:
    """The number as written, with 近/约 before it and 左右/以上 after it."""
    pre = APPROX_BEFORE.search(sentence[:start])
    post = next((w for w in APPROX_AFTER if sentence[end:].startswith(w)), "")
    text = (pre.group(0) if pre else "") + sentence[start:end] + post
    return text.replace(" ", ""), bool(pre or post)


def find_figures(text: str, units: list[tuple[str, int]] | None = None, pub=None) -> list[Figure]:
    figures: list[Figure] = []
    offset = 0
    for line in text.split("\n"):
        pos = 0
        carried: Period | None = None  # 今年以来，…。其中，…: the paragraph's period
        for sentence in SENTENCE_SPLIT.split(line):
            base = offset + pos
            pos += len(sentence)
            periods = periods_in(sentence, pub)
            if not re.search(r"\d|[一二两三四五六七八九十百千]+[余多]", sentence) and not SPLIT_RE.search(sentence):
                carried = _period(periods, len(sentence), carried)
                continue
            taken: list[tuple[int, int]] = []
            subjects = _unit_ends(text, units or [], base, base + len(sentence))

            def add(f: Figure, m):
                figures.append(f)
                taken.append((m.start(), m.end()))

            for m in CHANGE_RE.finditer(sentence):
                if _inside_quotes(sentence, m.start()):
                    continue
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()), subjects=subjects)
                sign = -1 if m.group(2) in DOWN else 1
                pre = sentence[max(0, m.start() - 8):m.start()]
                yoy = bool(m.group(1) and "环比" not in m.group(1) and "上月" not in m.group(1)) \
                    or "同期" in pre or "同比" in pre
                unit = {"%": "%", "百分点": "个百分点"}.get(m.group(4), m.group(4))
                wording, _ = _wording(sentence, m.start(), m.end())
                add(Figure(label or "（待填写：指标说明）", unit, change=sign * number(m.group(3)),
                           period=_period(periods, m.start(), carried, sentence), yoy=yoy, wording=wording,
                           context=_context(sentence, m.start(), m.end()), pos=base + m.start(), sentence=base), m)
            for m in SPLIT_RE.finditer(sentence):
                value = number(m.group(2))
                if value is None or _inside_quotes(sentence, m.start()):
                    continue
                start = m.start(1)
                wording, approx = _wording(sentence, start, m.end(1))
                add(Figure(m.group(4) + SPLIT_NOUN[m.group(3)], m.group(3), value=value, approximate=approx,
                           wording=wording, period=_period(periods, start, carried, sentence),
                           context=_context(sentence, start, m.end()), pos=base + start, sentence=base), m)
            for m in COUNT_RE.finditer(sentence):
                if any(a <= m.start() < b for a, b in taken) or _inside_quotes(sentence, m.start()) \
                        or DEFINITION.match(_clause(sentence, m.start())):
                    continue
                scale, unit = m.group(3), m.group(5)
                if unit == "万" and not scale:
                    scale, unit = "万", ""  # 3万: a count of something named after it
                value = number(m.group(1))
                if value is None:
                    continue
                if unit == "元" and scale:  # 5万余元 → 5 万元
                    unit = scale + "元"
                elif scale:  # 1万多名 → 10000 名
                    value *= 10000 if scale == "万" else 100000000
                if not unit or unit == "个" and sentence[m.end():m.end() + 1] == "月":
                    continue  # 5个月 is a time, not a count
                wording, approx = _wording(sentence, m.start(), m.end())
                approx = approx or bool(m.group(2) or m.group(4))
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()),
                               classifier=unit in CLASSIFIERS, subjects=subjects)
                if not label and CHANGED_TO.search(sentence[:m.start()]):
                    label = "（待填写：指标说明）"  # 由15分钟缩短至6分钟: the label of the figure before
                if not label:
                    continue
                add(Figure(label, unit, value=value, approximate=approx, wording=wording,
                           period=_period(periods, m.start(), carried, sentence),
                           context=_context(sentence, m.start(), m.end()), pos=base + m.start(), sentence=base), m)
            for m in PERCENT_RE.finditer(sentence):
                if any(a <= m.start() < b for a, b in taken) or _inside_quotes(sentence, m.start()):
                    continue
                label = _label(sentence, m.start(), m.end(), _floor(taken, m.start()), percent=True,
                               subjects=subjects)
                if not label and CHANGED_TO.search(sentence[:m.start()]):
                    label = "（待填写：指标说明）"  # 由45%降至28%: the label of the figure before
                if not label:
                    continue
                wording, approx = _wording(sentence, m.start(), m.end())
                add(Figure(label, "%", value=number(m.group(1)), approximate=approx, wording=wording,
                           period=_period(periods, m.start(), carried, sentence),
                           context=_context(sentence, m.start(), m.end()), pos=base + m.start(), sentence=base), m)
            carried = _period(periods, len(sentence), carried)
        offset += len(line) + 1
    figures.sort(key=lambda f: f.pos)
    for prev, f in zip(figures, figures[1:]):
        if f.sentence == prev.sentence and (f.label.startswith("（待填写") or f.label in TRAIL_STRIP):
            f.label = prev.label
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


CHANGED_TO = re.compile(r"(降|升|增|减|提高|提升|下降|上升|增加|减少|增长|缩短|延长)[至到]$")
DEFINITION = re.compile(r"^(即|也就是|就是|是指|指的是|意思是)")


def _clause(sentence: str, at: int) -> str:
    return sentence[max(sentence.rfind(c, 0, at) for c in "，,；;：:") + 1:at]


def _unit_ends(text: str, units: list[tuple[str, int]], start: int, end: int) -> tuple[int, ...]:
    """Where each unit mention in text[start:end] ends, relative to `start`; a
    mention by short form (东塘所 for 东塘派出所) ends at its 所."""
    from .units import unit_key
    out = []
    for name, pos in units:
        if not start <= pos < end:
            continue
        if text.startswith(name, pos):
            out.append(pos + len(name) - start)
            continue
        m = re.match(re.escape(unit_key(name)[0]) + r"(?:镇|乡|街道)?所", text[pos:end])
        if m:
            out.append(pos + m.end() - start)
    return tuple(out)


def _floor(taken: list[tuple[int, int]], start: int) -> int:
    return max([b for a, b in taken if b <= start], default=0)
