"""Record ids from Chinese names: 卜庄派出所 → buzhuang-pcs.

The last level of a unit's name is kept and its suffix becomes a short
English tag (派出所 → pcs, 公安局 → psb, 分局 → branch, 警务室 → post);
the rest is written in pinyin without tones, one word per group of Chinese
characters. pypinyin gets place names with polyphonic characters wrong
(卜庄 → bo zhuang), so the phrases in site_config/pinyin_phrases.yml
(Chinese phrase → syllables, which staff extend) are applied first.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .model import ID_MAX, ID_RE
from .problems import Problem

PHRASES_FILE = "site_config/pinyin_phrases.yml"

# longest first: 公安分局 before 分局
UNIT_SUFFIXES = (("公安分局", "branch"), ("分局", "branch"), ("公安局", "psb"),
                 ("派出所", "pcs"), ("警务室", "post"), ("警务工作站", "post"), ("警务站", "post"),
                 ("工作站", "post"))
UNIT_KINDS = {"branch": "bureau", "psb": "bureau", "pcs": "station", "post": "post"}
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
             "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
             "宁夏", "新疆", "香港", "澳门")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_GROUPS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_SYLLABLE = re.compile(r"^[a-z]{1,6}$")


def normalise_syllable(s: str) -> str:
    """bǔ → bu, lǜ → lv: what an id can hold."""
    s = s.strip().lower().replace("ü", "v").replace("u:", "v")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s.replace("ü", "v")


def parse_phrases(data, path: str = PHRASES_FILE) -> tuple[dict[str, list[str]], list[Problem]]:
    from .importers.messages import PHRASES_BAD, PHRASES_COUNT, PHRASES_NOT_MAPPING
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(path, 1, 1, PHRASES_NOT_MAPPING)]
    phrases, problems = {}, []
    for phrase, reading in data.items():
        phrase = str(phrase).strip()
        if isinstance(reading, str):
            syllables = re.split(r"[\s\-'’]+", reading.strip())
        elif isinstance(reading, list):
            syllables = [str(s) for s in reading]
        else:
            problems.append(Problem(path, 0, 0, PHRASES_BAD.format(phrase=phrase, reading=reading)))
            continue
        syllables = [normalise_syllable(s) for s in syllables if str(s).strip()]
        if not phrase or not all(_CJK.match(c) for c in phrase) \
                or not all(_SYLLABLE.match(s) for s in syllables):
            problems.append(Problem(path, 0, 0, PHRASES_BAD.format(phrase=phrase, reading=reading)))
            continue
        if len(syllables) != len(phrase):
            problems.append(Problem(path, 0, 0, PHRASES_COUNT.format(
                phrase=phrase, n=len(phrase), reading=" ".join(syllables), m=len(syllables))))
            continue
        phrases[phrase] = syllables
    return phrases, problems


def load_phrases(root: Path) -> tuple[dict[str, list[str]], list[Problem]]:
    """The staff's phrase dictionary; a missing file is an empty dictionary."""
    import yaml

    from .importers.messages import PHRASES_UNREADABLE
    from .resources import config_path
    path = config_path(root, PHRASES_FILE)
    if not path.exists():
        return {}, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        return {}, [Problem(PHRASES_FILE, 1, 1, PHRASES_UNREADABLE.format(err=str(e).splitlines()[0]))]
    return parse_phrases(data)


def syllables(text: str, phrases: dict[str, list[str]] | None = None) -> list[str]:
    """Pinyin syllables (no tones) of the Chinese characters in `text`;
    phrases from the dictionary win over pypinyin's own reading."""
    from pypinyin import Style, lazy_pinyin
    phrases = phrases or {}
    longest = max((len(p) for p in phrases), default=0)
    out: list[str] = []
    pending = ""

    def flush():
        nonlocal pending
        if pending:
            out.extend(lazy_pinyin(pending, style=Style.NORMAL, errors="ignore", v_to_u=False))
            pending = ""

    i = 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 1, -1):
            if text[i:i + n] in phrases:
                flush()
                out.extend(phrases[text[i:i + n]])
                i += n
                break
        else:
            if text[i] in phrases:
                flush()
                out.extend(phrases[text[i]])
            else:
                pending += text[i]
            i += 1
    flush()
    return [normalise_syllable(s) for s in out if s]


def _word(group: str, phrases) -> str:
    parts = re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]+", group)
    out = []
    for p in parts:
        if p[0].isascii():
            out.append(p.lower())
        else:
            out.append("".join(syllables(p, phrases)))
    return "".join(out)


def slug(text: str, phrases: dict[str, list[str]] | None = None, max_len: int = ID_MAX) -> str:
    """Any Chinese text → an id: one pinyin word per group of characters;
    quotation marks, punctuation and spaces separate groups."""
    words = [w for w in (_word(g, phrases) for g in _GROUPS.findall(unicodedata.normalize("NFKC", text))) if w]
    out = "-".join(words)
    out = re.sub(r"[^a-z0-9-]+", "", out)
    out = re.sub(r"-{2,}", "-", out).strip("-")
    if len(out) > max_len:  # cut at a word boundary
        cut = out[:max_len + 1]
        out = cut[:cut.rfind("-")] if "-" in cut else out[:max_len]
    return out.strip("-")


def strip_province(text: str) -> str:
    for p in sorted(PROVINCES, key=len, reverse=True):
        for q in (p + "省", p + "自治区", p + "市", p):
            if text.startswith(q) and len(text) > len(q) + 1:
                return text[len(q):]
    return text


def _after_city(text: str) -> str:
    """济宁市市中 → 市中; 青岛市莱西 → 莱西 (a county-level name after its city)."""
    for i, c in enumerate(text):
        if i >= 1 and c in "市州盟" and len(text) - i - 1 >= 2:
            return text[i + 1:]
    return text


def split_unit_name(name: str) -> tuple[str, str | None]:
    """The place part of the last level of a unit's name and its suffix tag:
    济宁市公安局市中区分局 → (市中, branch); 卜庄派出所 → (卜庄, pcs)."""
    name = re.sub(r"\s+", "", name)
    for suffix, tag in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            break
    else:
        return name, None
    # keep only the last level: text after an enclosing unit
    cut = 0
    for inner, _ in UNIT_SUFFIXES:
        at = base.rfind(inner)
        if at >= 0:
            cut = max(cut, at + len(inner))
    base = strip_province(base[cut:]) if cut < len(base) else base
    if tag in ("psb", "branch"):
        base = _after_city(base)
        if tag == "branch" and base.endswith("公安"):
            base = base[:-2]
        if len(base) > 2 and base[-1] in "市县区旗":
            base = base[:-1]
    return base, tag


def unit_kind(name: str) -> str | None:
    """bureau / station / post from a unit's name, or None."""
    return UNIT_KINDS.get(split_unit_name(name)[1] or "")


def slug_from_name(name: str, phrases: dict[str, list[str]] | None = None) -> str:
    """卜庄派出所 → buzhuang-pcs; 莱西市公安局 → laixi-psb; “四头”工作法 → sitou-gongzuofa."""
    base, tag = split_unit_name(name)
    if tag is None:
        return slug(name, phrases)
    core = slug(base, phrases, max_len=ID_MAX - len(tag) - 1)
    return f"{core}-{tag}" if core else tag


def is_valid_id(value: str) -> bool:
    return bool(ID_RE.match(value)) and len(value) <= ID_MAX
