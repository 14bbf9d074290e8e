"""Police units named in an article, recognised from their structure.

A unit is a name + a unit suffix (公安局, 分局, 派出所, 警务室, 警务站, 工作站).
Where the name begins is decided by part of speech (jieba posseg, with the
places known from unit records and site_config/pinyin_phrases.yml taught to
it): walking back from the suffix, nouns and place words belong to the name;
a verb, preposition, pronoun, numeral, adjective or adverb ends it
(来到|城关派出所, 各|派出所, 全市先进|派出所). What is left must hold a proper
name: a place or organisation word, a word the dictionary does not know
(village and street names mostly are not in it) or a rare noun. Describing
words (基层, 辖区, 上述, 农村, 全市: GENERIC, -化, -式, 各…) never make a unit; a
single everyday word standing alone between a boundary and the suffix does
(新兴派出所 at the start of a sentence, 胜利派出所、解放派出所 in a list, the
district between a bureau and its branch), a plain verb only inside a list.

Also:
  * enumerations sharing one suffix: 甲镇、乙镇和丙镇派出所, 东关、西关等3个派出所;
  * a branch named with its bureau: 济宁市公安局市中区分局;
  * one unit named in full and later in short (西湖区分局 / 西湖分局,
    东塘派出所 / 东塘所) counts once, under its longest form.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from .cleanup import CJK

SUFFIXES = ("公安分局", "公安局", "分局", "派出所", "警务工作站", "警务室", "警务站", "工作站")
SUFFIX_RE = re.compile("|".join(SUFFIXES))
BUREAU = ("公安分局", "公安局", "分局")
NAME_POS = {"ns", "nr", "nrt", "nrfg", "nz", "nt"}
NOUN_POS = {"n", "ng", "nl", "nrfg", "s"} | NAME_POS
# the last syllable(s) of a place: kept in the name, never a name on their own
# (the generic part of Chinese place names, 通名: 梁家|墩, 黄土|坡, 李家|沟)
PLACE_TAILS = ("开发区", "高新区", "新区", "园区", "街道", "社区", "办事处", "大街", "镇", "乡", "村", "路",
               "街", "区", "县", "市", "旗", "州", "盟", "岛", "湾", "港", "屯", "庄", "寨", "坊", "巷", "里", "组",
               "墩", "沟", "坡", "岭", "洼", "堡", "铺", "营", "坪", "坝", "塘", "滩", "峪", "岗", "圩", "垸", "嘴", "门")
RARE = 700  # a dictionary noun rarer than this may be a place name (竹园, 石门, 黄花)
# the second syllable of two that name a kind of area, not one area: 城区, 属地, 基层, 网格, 商圈
CATEGORY_TAIL = "区地层居格圈园村镇乡点域"
COMMON = 5000  # a noun this frequent is a common word even inside a name (指导, 工作)
STREET_TAILS = ("大街", "大道", "路", "街", "巷", "门")  # 解放门: a city gate, named by any word
FUNCTION_POS = ("r", "p", "c", "u", "d", "m", "q", "f", "t", "y", "e", "o", "x", "k", "h", "b")
CONJ = ("以及", "及", "和", "与", "同")
COUNT_TAIL = re.compile(r"(等)?(\d+|[一二三四五六七八九十两]{1,3})?(个|所|处|座)?$")
ENUM_SPLIT = re.compile(r"[、]")
# Words that describe a unit rather than name it, whatever jieba tags them. Only
# consulted for a single word standing alone before a suffix at a boundary (the
# start of a sentence, an item of a list, the level below another unit), where
# a name that is also a common word (新兴, 胜利, 解放, 建设, 和平, 光明) is taken.
GENERIC = frozenset("""
基层 上述 先进 辖区 特色 示范 示范性 农村 城区 市区 县城 城镇 城乡 乡村 乡镇 村级 镇级 村居 社区 街道
新建 新设 设立 建成 建立 成立 组建 打造 依托 派驻 驻村 驻校 驻地 所属 当地 本地 属地 周边 附近 沿线 一线
优秀 文明 模范 星级 标准 规范 涉事 网格 网上 线上 掌上 人民 群众 调解 法律 矛盾 纠纷 综治 联防 联勤 巡逻 执勤 达标 合格 试点 样板 标杆 品牌 一流 重点 新型 传统 智慧 智能 数字
流动 移动 临时 现有 原有 所在 相关 其他 其余 这些 这个 那个 全部 所有 各级 全市 全县 全区 全省 全州 全旗
综合 专业 专门 社会 治安 交通 边境 城市 旅游 景区 校园 学校 医院 市场 商圈 夜市 码头 海岛 海滨 林区 牧区
矿区 边贸 港口 口岸 水上 铁路 公安 警务 民警 便民 爱民 为民 服务 平安 安全 枫桥式 枫桥 同类 同级 下属 上级
""".split())
LONE_POS_BAD = ("r", "p", "c", "u", "d", "m", "q", "f", "t", "y", "e", "o", "x", "k", "h")


@lru_cache(maxsize=1)
def _tagger():
    """A private jieba tokenizer: the words taught here never reach search segmentation."""
    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for suffix in SUFFIXES + ("公安",):
        tk.add_word(suffix, 5000, "n")
    return jieba.posseg.POSTokenizer(tk)


def teach_places(places) -> None:
    """Place names known to the repository (unit records, the pinyin phrases)."""
    tagger = _tagger()
    for p in places:
        if p and len(p) >= 2 and re.fullmatch(f"[{CJK}]+", p) and tagger.word_tag_tab.get(p) != "ns":
            tagger.tokenizer.add_word(p, max(tagger.tokenizer.FREQ.get(p, 0), 2000), "ns")
            _tokens_of.cache_clear()


PARTICLES = "了的着过在和与及把被将对向从给为"
CLASSIFIER_END = "个名家所支批类些级种项位条起次人户年月日天周"
RARE_VERB = 200  # 摆渡, 下关: a word this rare tagged as a verb may be a place between two unit names
RARE_CHAR = 100  # a character this rare is part of a name whatever jieba tags it (枹罕, 茈碧湖)


def _tokens(text: str) -> list[tuple[str, str]]:
    """Words and parts of speech; single characters jieba could not join
    (枹|罕, 沽|河) are joined into one unknown word, a numeral fused with a
    noun (七里, 三河) is a name, not a count."""
    return list(_tokens_of(text))


@lru_cache(maxsize=8192)
def _tokens_of(text: str) -> tuple[tuple[str, str], ...]:
    cut = []
    for w in _tagger().cut(text):
        # 观摩|了匡远: a word jieba's HMM made up does not begin with a particle or preposition
        if len(w.word) >= 3 and w.word[0] in PARTICLES and not _tagger().tokenizer.FREQ.get(w.word):
            cut += [(w.word[0], _tagger().word_tag_tab.get(w.word[0], "u")), (w.word[1:], w.flag)]
        else:
            cut.append((w.word, w.flag))
    out: list[tuple[str, str]] = []
    for word, flag in cut:
        if flag == "m" and len(word) >= 2 and word[-1] not in CLASSIFIER_END and not word[-1].isdigit() \
                and re.fullmatch(f"[{CJK}]+", word) and not re.fullmatch("[一二三四五六七八九十百千万两几多]+", word):
            flag = "nz"
        single = len(word) == 1 and re.fullmatch(f"[{CJK}]", word) and (
            not flag.startswith(FUNCTION_POS + ("v",)) or _tagger().tokenizer.FREQ.get(word, 0) < RARE_CHAR)
        glued = len(word) == 1 and out and out[-1][1] == "?" and flag[0] not in "pcu" \
            and any(_tagger().tokenizer.FREQ.get(c, 0) < RARE_CHAR for c in out[-1][0])  # 勐|先
        if (single or glued) and out and out[-1][1] == "?":
            out[-1] = (out[-1][0] + word, "?")
        elif single:
            out.append((word, "?"))
        else:
            out.append((word, flag))
    # a lone single character keeps its own tag; two or more joined are an unknown word
    tags = {w: f for w, f in cut if len(w) == 1}
    return tuple((w, tags.get(w, "x") if f == "?" and len(w) == 1 else ("nz" if f == "?" else f)) for w, f in out)


def _proper(word: str, flag: str) -> bool:
    """A word that names something rather than describes it."""
    freq = _tagger().tokenizer.FREQ.get(word, 0)
    if word in PLACE_TAILS or len(word) < 2:
        return False
    if not freq:  # unknown to the dictionary: an HMM-made word, a local name
        return True
    if flag in ("ns", "nt", "nz"):
        return True
    if len(word) == 2 and word[1] in CATEGORY_TAIL:
        return False
    if flag.startswith("nr"):  # 智慧, 红旗: common words jieba takes for people
        return freq < RARE // 2
    return flag in NOUN_POS and freq < RARE


def _name_part(seg: str) -> tuple[str, bool]:
    """The name at the end of `seg` (text just before a suffix) and whether it
    takes the whole of `seg`; '' when no proper name ends it."""
    if not seg:
        return "", False
    toks = _tokens(seg)
    taken: list[tuple[str, str]] = []
    freq = _tagger().tokenizer.FREQ
    for word, flag in reversed(toks):
        street = bool(taken) and len(taken) == 1 and taken[0][0] in STREET_TAILS and len(word) >= 2
        place_word = flag in NAME_POS or word in PLACE_TAILS or not freq.get(word, 0) \
            or (flag in NOUN_POS and freq.get(word, 0) < COMMON) \
            or (len(word) == 1 and taken and flag in ("n", "ng", "a", "b", "j", "s", "x", "zg", "yg", "ag"))  # 双|河口
        if not (place_word or street) or not re.fullmatch(f"[{CJK}]+", word):
            break
        taken.insert(0, (word, flag))
        if street:  # 人民路, 解放路: a street is named by any word
            return "".join(w for w, _ in taken), len(taken) == len(toks)
    whole = len(taken) == len(toks)
    # leading common nouns (辖区, 基层, 全市) describe the unit, they do not name it
    while taken and not _proper(*taken[0]) and len(taken[0][0]) >= 2 and taken[0][0] not in PLACE_TAILS:
        taken.pop(0)
        whole = False
    if not any(_proper(w, f) for w, f in taken) or len(taken) == 1 and taken[0][0] in GENERIC:
        return "", False  # 新建|警务室, 海岛|警务室: jieba knows them as places, here they describe
    return "".join(w for w, _ in taken), whole


def _split_conj(chunk: str) -> list[str]:
    """甲镇和乙镇 → [甲镇, 乙镇] when both sides are names; 太和, 和平 stay whole."""
    for conj in CONJ:
        at = chunk.rfind(conj)
        if at <= 0:
            continue
        left, right = chunk[:at], chunk[at + len(conj):]
        r_name, r_whole = _name_part(right)
        l_name, _ = _name_part(left)
        if len(right) >= 2 and (r_whole or _plain(right, True)) and (l_name or _plain(left, True)):
            return _split_conj(left) + [right]
    return [chunk]


def _lone_name(chunk: str, listed: bool) -> bool:
    """One word alone between a boundary and the suffix names the unit unless
    it is a describing word (GENERIC): 胜利|派出所, 新兴|派出所. A plain verb
    (解放) only as an item of a list or a level below another unit, never at
    the start of a sentence (新建|警务室 is an act, not a name)."""
    toks = _tokens(chunk)
    if len(toks) != 1 or not 2 <= len(chunk) <= 3 or not re.fullmatch(f"[{CJK}]+", chunk):
        return False
    word, flag = toks[0]
    if word in GENERIC or word in PLACE_TAILS or flag.startswith(LONE_POS_BAD) \
            or word[-1] in "化式型性级类" or word[0] in "各该本全诸某每":  # 标准化, 一站式, 省级; 各村, 全镇
        return False
    return listed or flag != "v"


def _names_before(seg: str, suffix: str, at_boundary: bool = False, after_unit: bool = False) -> list[str]:
    """Every name sharing `suffix` at the end of `seg` (one, or an enumeration)."""
    goes_on = False  # 同心派出所和勐先、…, 向阳派出所、米公派出所: the list goes on after the last unit
    for conj in CONJ + ("、",):
        if after_unit and seg.startswith(conj):
            seg, goes_on = seg[len(conj):], True
            break
    core = COUNT_TAIL.sub("", seg) if ENUM_SPLIT.search(seg) or any(c in seg for c in CONJ) else seg
    if core != seg and not core:
        return []
    chunks: list[str] = []
    for part in ENUM_SPLIT.split(core):
        chunks.extend(_split_conj(part))
    names: list[str] = []
    strict = 0
    for i, chunk in enumerate(reversed(chunks)):
        name, whole = _name_part(chunk)
        bounded = i < len(chunks) - 1 or at_boundary
        inner = 0 < i < len(chunks) - 1 or (after_unit and len(chunks) == 1)  # 公安局|下关|派出所
        # an item after 、 or 和 (right after a unit with neither, a verb is what the unit does: 公安局|加强)
        listed = i < len(chunks) - 1 or goes_on
        if not name and bounded and _lone_name(chunk, listed):
            name, whole = chunk, True  # 胜利派出所、解放派出所: a common word standing as a name
            strict += 1
        elif not name and bounded and _plain(chunk, inner) and (chunk not in GENERIC or after_unit and not goes_on):
            name, whole = chunk, True  # 黄花、大湾派出所: a listed name needs no rare word
        else:
            strict += bool(name)
        if not name or (i and len(name) > 8):
            break
        names.insert(0, name)
        if not whole:
            break
    if core != seg and len(names) < 2 or not (strict or after_unit):
        return []  # 全县18个派出所: a count without a list is no unit
    return names


def _plain(chunk: str, inner: bool = False) -> bool:
    """2–6 characters with no function word: what an item of a list of names looks
    like (an item between two 、 may even hold a verb-like word: 韩|摆渡)."""
    toks = _tokens(chunk)
    freq = _tagger().tokenizer.FREQ
    if inner and 2 <= len(toks) <= 3 and all(len(w) == 1 and f[0] not in "pcur" for w, f in toks):
        return True  # 倚|象: characters jieba could not make a word of
    return 2 <= len(chunk) <= 6 and bool(re.fullmatch(f"[{CJK}]+", chunk)) and chunk not in PLACE_TAILS \
        and not any((f.startswith(FUNCTION_POS) and not (inner and i and len(w) == 1))  # 康巴|什
                    or len(w) > 1 and freq.get(w, 0) >= COMMON
                    or f == "v" and not (inner and freq.get(w, 0) < RARE_VERB) for i, (w, f) in enumerate(toks))


def _widen(text: str, seg: str, name: str) -> str:
    """设立弄怀村|警务工作站 where jieba read 弄 as a verb: the longer name is
    right when the article also names that place after 在/到/赴/从 elsewhere."""
    rest = seg[: len(seg) - len(name)]
    for n in (1, 2):
        longer = rest[-n:] + name if len(rest) >= n else ""
        if longer and re.search(f"(?:在|到|赴|从|于|来到|走进|深入){re.escape(longer)}", text):
            return longer
    return name


def _counted_noun(text: str, name: str) -> bool:
    """在12个海岛设立警务室 … 海岛警务室: a word the article counts or quantifies
    (12个海岛, 各海岛, 每个海岛) is a common noun, not a place's name."""
    return bool(re.search(rf"(?:[\d一二三四五六七八九十两几多]+[个座处所家类]|各|每个|所有|全部){re.escape(name)}", text))


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and text[start - 1] in "“\"‘「『" and text[end:end + 1] in "”\"’」』“"


def _strip_province(name: str) -> str:
    from ...naming import strip_province
    name = strip_province(name)
    return re.sub(r"^(维吾尔|回族|壮族)?自治区", "", name)  # 新疆维吾尔自治区乌鲁木齐市… → 乌鲁木齐市…


def _last_level(name: str) -> str:
    """The lowest level of a name written with its superiors: 某市公安局甲区分局 → 甲区分局."""
    suffix = next(s for s in SUFFIXES if name.endswith(s))
    base = name[: -len(suffix)]
    ends = [base.rfind(inner) + len(inner) for inner in SUFFIXES if inner in base]
    return base[max(ends):] + suffix if ends and len(base) - max(ends) >= 2 else name


def unit_key(name: str) -> tuple[str, str]:
    """The same unit however it is written: (place core, kind of suffix)."""
    suffix = next(s for s in SUFFIXES if name.endswith(s))
    base = name[: -len(suffix)]
    for inner in SUFFIXES:  # keep only the last level: 某市公安局西湖区分局 → 西湖区
        at = base.rfind(inner)
        if at >= 0:
            base = base[at + len(inner):]
    base = _strip_province(base)
    if suffix in BUREAU:
        m = re.match(rf"^[{CJK}]{{2,4}}?[市州盟](?=[{CJK}]{{2,}})", base)  # 青岛市莱西市 → 莱西市
        base = base[m.end():] if m and suffix != "公安局" else base
    base = re.sub(r"(街道|镇|乡|区|县|市|旗)$", "", base) if len(base) > 2 else base
    kind = {"公安分局": "branch", "分局": "branch", "公安局": "psb", "派出所": "pcs"}.get(suffix, "post")
    return base, kind


def find_unit_names(text: str, every: bool = False, known=()) -> list[tuple[str, int]]:
    """(name, position) of the units named in `text`, in order: each unit once
    (at its first mention, under its longest name), or every mention when `every`.
    `known`: unit names already found (in the title): each mention of them counts."""
    found: list[tuple[str, int]] = []
    for run in re.finditer(f"[{CJK}、\\d]+", text):
        s, base = run.group(0), run.start()
        prev_end = 0
        prev_bureau: tuple[str, int, int] | None = None
        # 五星派出所的“渔嫂调解室”和新兴派出所: a run opening with 和/及/、 after a quote or
        # a name goes on the list of units begun earlier in the same sentence
        goes_on = s.startswith(CONJ + ("、",)) and bool(found) \
            and not re.search("[。；;！？!?\n]", text[found[-1][1]:base])
        for m in SUFFIX_RE.finditer(s):
            suffix = m.group(0)
            seg_start = max(prev_end, m.start() - 60)
            seg = s[seg_start:m.start()]
            cut = max(seg.rfind(","), seg.rfind("，"))
            if cut >= 0:  # a comma ends a clause (an enumeration uses 、)
                seg = seg[cut + 1:]
            # a boundary: the start of a sentence or clause, or another unit just before
            opened = base + seg_start == 0 or text[base + seg_start - 1] in "\n。；;：:，,"
            after_unit = seg_start == prev_end > 0  # 市公安局沽河派出所: a level of a hierarchy
            if goes_on and prev_end == 0 and seg_start == 0:
                after_unit, opened = True, True
            names = _names_before(seg, suffix, at_boundary=seg_start == prev_end and cut < 0 and (opened or after_unit),
                                  after_unit=after_unit and cut < 0)
            if names and _quoted(text, base + m.start() - len(names[-1]), base + m.end()):
                names = []  # “枫桥派出所”经验, 荣获“优秀派出所”: a title or an honour
            limit = 14 if suffix in BUREAU else 10
            names = [n for n in names if len(n) <= limit and not _counted_noun(text, n)]
            if suffix == "工作站" and names and not names[-1].endswith(PLACE_TAILS):
                names = []  # 调解工作站, 服务工作站: a 工作站 needs a place before it
            if not names:
                prev_end, prev_bureau = m.end(), None
                continue
            names[-1] = _widen(text, seg, names[-1])
            if suffix in ("分局", "公安分局") and prev_bureau and len(names) == 1 \
                    and prev_bureau[2] == m.start() - len(names[-1]) - 1:
                # 大庆市公安局让胡路分局: between a bureau and its branch only the
                # district's name stands; a lone character jieba took for a verb is its first
                head = _tokens(s[prev_bureau[2]:m.start()])[0]
                if len(head[0]) == 1 and not head[1].startswith(("p", "c", "u", "r", "d", "m", "q")):
                    names[-1] = head[0] + names[-1]
            name_start = base + m.start() - len(names[-1])
            if suffix in ("分局", "公安分局") and prev_bureau and prev_bureau[2] == m.start() - len(names[-1]):
                # 济宁市公安局市中区分局: a branch written with its bureau
                full = prev_bureau[0] + names[-1] + suffix
                if found and found[-1] == (prev_bureau[0], prev_bureau[1]):
                    found.pop()
                found.append((full, prev_bureau[1]))
                prev_end, prev_bureau = m.end(), None
                continue
            for name in names[:-1]:
                found.append((_strip_province(name) + suffix, base + seg_start + seg.find(name)))
            full = _strip_province(names[-1]) + suffix
            found.append((full, name_start))
            prev_bureau = (full, name_start, m.end()) if suffix == "公安局" else None
            prev_end = m.end()
    seen_at = {p for _, p in found}
    for name in known:  # 倚象派出所 in the title makes 倚象派出所 in the text a unit too
        found += [(name, m.start()) for m in re.finditer(re.escape(name), text) if m.start() not in seen_at]
        # … and its last level alone (某市公安局让胡路分局 → 让胡路分局), over any
        # shorter reading of the same words (胡路分局, where jieba cut 让 as a verb)
        last = _last_level(name)
        if last == name:
            continue
        for m in re.finditer(re.escape(last), text):
            if any(f[0] == name and f[1] <= m.start() < f[1] + len(name) for f in found):
                continue  # the last level of a full mention
            inside = [f for f in found if m.start() <= f[1] and f[1] + len(f[0]) <= m.end()]
            found = [f for f in found if f not in inside] + [(name, m.start())]
    found.sort(key=lambda x: x[1])
    # one unit, several spellings: the longest is its name
    longest: dict[tuple[str, str], str] = {}
    for name, _ in found:
        k = unit_key(name)
        if len(name) > len(longest.get(k, "")):
            longest[k] = name
    for k in list(longest):
        fuller = [v for k2, v in longest.items() if k2[1] == k[1] and k2[0] != k[0] and k2[0].endswith(k[0])]
        if fuller and len(k[0]) >= 2:
            longest[k] = max(fuller, key=len)
    found += _short_forms(text, {k: v for k, v in longest.items() if k[1] == "pcs"})
    found.sort(key=lambda x: x[1])
    seen, out = set(), []
    for name, pos in found:
        canonical = longest.get(unit_key(name), name) if SUFFIX_RE.search(name) else name
        if every:
            out.append((canonical, pos))
        elif canonical not in seen:
            seen.add(canonical)
            out.append((canonical, pos))
    return out


def _short_forms(text: str, stations: dict[tuple[str, str], str]) -> list[tuple[str, int]]:
    """东塘所 for 东塘派出所 (once the full name has been seen)."""
    out = []
    for (core, _), full in stations.items():
        if len(core) < 2:
            continue
        for m in re.finditer(rf"{re.escape(core)}(?:镇|乡|街道)?所(?![长属在辖有])", text):
            if text.find(full) < m.start():
                out.append((full, m.start()))
    return out
