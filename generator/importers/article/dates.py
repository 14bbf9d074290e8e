"""Dates and reporting periods in an article.

A publication date is read in every common form (2023-05-12, 2023/5/12,
2023.5.12, 2023年5月12日, 二〇二三年五月十二日, with or without a time).
A period a figure is reported for (今年以来, 上半年, 1至5月, 一季度, 去年同期,
2022年 …) is resolved to months against the publication date; without a date,
a relative period is kept as written with a marker the reviewer cannot miss.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "〇○零一二两三四五六七八九十"


def cn_int(text: str) -> int | None:
    """二〇二三 → 2023 (digit by digit); 十二 → 12; 二十一 → 21; 5 → 5."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


N = rf"(?:\d{{1,4}}|[{CN_NUM}]{{1,4}})"
DATE_RE = re.compile(rf"(\d{{4}}|[{CN_NUM}]{{4}})\s*(?:年|[-/.])\s*({N})\s*(?:月|[-/.])\s*({N})(?!\d)")


def dates_in(text: str) -> list[str]:
    out = []
    for m in DATE_RE.finditer(text):
        parts = [cn_int(g) for g in m.groups()]
        if None in parts:
            continue
        try:
            out.append(date(*parts).isoformat())
        except ValueError:
            continue
    return out


def find_date(lines) -> str | None:
    """The first valid date in `lines` (the page's meta lines: 来源, 发布时间 …)."""
    for line in lines:
        found = dates_in(line)
        if found:
            return found[0]
    return None


# ---------------------------------------------------------------- periods

Q = r"[一二三四1-4]"
M = r"(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])"
YEAR = rf"(?:\d{{4}}年|今年|去年|上年|前年|本年度?)"
PERIOD_RE = re.compile("|".join([
    rf"(?P<since>(?:今年|本年|去年|上年)?(?:年初|{M}月(?:份)?)?以来)",
    rf"(?P<first>{YEAR}?前[{CN_NUM}\d]{{1,2}}个月)",
    rf"(?P<span>{YEAR}?{M}\s*(?:月份?)?\s*(?:至|到|-|—|－|~)\s*{M}\s*月(?:份|底|末)?)",
    rf"(?P<half>{YEAR}?[上下]半年)",
    rf"(?P<quarters>{YEAR}?前[二三两]季度)",
    rf"(?P<quarter>{YEAR}?第?{Q}季度)",
    r"(?P<lastsame>(?:去年|上年)同期)",
    r"(?P<upto>截至目前|截至今年|截至\d{1,2}月底?)",
    r"(?P<years>(?:近|最近)[两二三四五]年(?:来|以来)?|[两二三四五]年(?:来|以来))",
    rf"(?P<year>(?:\d{{4}}年(?!\s*{M}\s*月)|去年|上年|前年)(?:全年|度)?|全年|今年)",
]))


@dataclass
class Period:
    text: str  # as the article wrote it
    start: str | None = None  # YYYY-MM, when resolved
    end: str | None = None

    @property
    def resolved(self) -> bool:
        return self.end is not None

    @property
    def relative(self) -> bool:
        return not re.match(r"^\d{4}年", self.text) or bool(re.search("以来|同期", self.text))

    def label(self) -> str:
        """2023年1—6月（上半年）; 2022年; or the words with the reviewer's marker."""
        if not self.resolved:
            return f"{self.text}（待填写：文中没有发布日期，请写明具体年月）"
        y1, m1 = map(int, self.start.split("-"))
        y2, m2 = map(int, self.end.split("-"))
        if y1 == y2:
            span = f"{y1}年" if (m1, m2) == (1, 12) else f"{y1}年{m1}月" if m1 == m2 else f"{y1}年{m1}—{m2}月"
        else:
            span = f"{y1}年{m1}月—{y2}年{m2}月" if (m1, m2) != (1, 12) else f"{y1}—{y2}年"
        return f"{span}（{self.text}）" if self.relative and span != self.text else span


def _year_of(text: str, pub: date | None) -> int | None:
    m = re.match(r"(\d{4})年", text)
    if m:
        return int(m.group(1))
    if pub is None:
        return None
    for word, back in (("前年", 2), ("去年", 1), ("上年", 1)):
        if text.startswith(word):
            return pub.year - back
    return pub.year


def _months(text: str) -> list[int]:
    return [cn_int(x) for x in re.findall(M, re.sub(r"^(\d{4}年|今年|去年|上年|前年|本年度?)", "", text))]


def resolve(text: str, kind: str, pub: date | None) -> Period:
    """The months `text` (matched as `kind` by PERIOD_RE) covers, given the publication date."""
    p = Period(text)
    year = _year_of(text, pub)
    if year is None:
        return p
    now = pub.month if pub and year == pub.year else 12
    span: tuple[int, int] | None = None
    if kind == "since":
        first = _months(text)
        if text.startswith(("去年", "上年")) and pub:  # 去年以来: from January last year
            p.start, p.end = f"{year}-{first[0] if first else 1:02d}", f"{pub.year}-{pub.month:02d}"
            return p
        span = (first[0] if first else 1, now)
    elif kind == "first":
        n = cn_int(re.search(rf"前([{CN_NUM}\d]{{1,2}})个月", text).group(1)) or 0
        span = (1, n) if 1 <= n <= 12 else None
    elif kind == "span":
        ms = _months(text)
        span = (ms[0], ms[-1]) if len(ms) >= 2 else None
    elif kind == "half":
        span = (1, 6) if "上" in text else (7, 12)
    elif kind == "quarters":
        span = (1, 3 * (cn_int(re.search("前(.)季度", text).group(1)) or 3))
    elif kind == "quarter":
        q = cn_int(re.search(rf"({Q})季度", text).group(1))
        span = (3 * q - 2, 3 * q)
    elif kind == "lastsame":
        if pub is None:
            return p
        year, span = pub.year - 1, (1, pub.month)
    elif kind == "upto":
        ms = _months(text.replace("截至", ""))
        span = (1, ms[0] if ms else now)
    elif kind == "years":
        n = cn_int(re.search("[两二三四五]", text).group(0))
        p.start, p.end = f"{year - n + 1}-01", f"{year}-{now:02d}"
        return p
    elif kind == "year":
        span = (1, now)  # a whole year, up to the publication month for the current one
    if span is None or not (1 <= span[0] <= span[1] <= 12):
        return p
    if pub and year == pub.year and span[1] > pub.month >= span[0]:
        span = (span[0], pub.month)  # 上半年 in a May article: the figures reach May
    p.start, p.end = f"{year}-{span[0]:02d}", f"{year}-{span[1]:02d}"
    return p


def periods_in(text: str, pub: date | None) -> list[tuple[int, Period]]:
    """(position, period) of every period named in `text`."""
    out = []
    for m in PERIOD_RE.finditer(text):
        out.append((m.start(), resolve(m.group(0), m.lastgroup, pub)))
    return out


def as_date(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None
