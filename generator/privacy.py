"""Finding personal data in text, in the spellings people actually type, and
masking it wherever it would be shown.

Kinds: resident ID numbers (18 digits with the GB 11643 check digit, and the
old 15-digit numbers), mobile numbers, bank card numbers (Luhn), passport
numbers, landlines with an area code, e-mail addresses and vehicle plates.

Text is normalised before matching: NFKC (full-width digits and letters, the
full-width @ and brackets become ASCII), and the patterns accept separators
(spaces, dashes, dots) between digits. Every normalised character keeps the
index of the original character it came from, so a finding still points at
the column of the text as written.

Knows text, not records: the validator decides which text to scan and where a
finding stands in a file. `mask_text` is the one mask every message passes
through before it is printed (see problems.py).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes: the first two digits of every resident ID number
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                        44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})

_S = r"[ \t\-.·•‐‑–—]{0,2}"  # what people put between digits: spaces, dashes, dots
_D = r"\d" + _S  # a digit and the separators that may follow it


def _digits_re(n: int) -> str:
    """n digits with separators between them (not after the last)."""
    return _D * (n - 1) + r"\d"


_NOT_AFTER = r"(?<![0-9A-Za-z])"
_NOT_BEFORE = r"(?![0-9A-Za-z])"
_ID18_RE = re.compile(_NOT_AFTER + "(" + _digits_re(17) + _S + r"[0-9Xx])" + _NOT_BEFORE)
_ID15_RE = re.compile(_NOT_AFTER + "(" + _digits_re(15) + ")" + r"(?![0-9])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[ \-]{0,2})?(1" + _S + r"[3-9]" + _S + _digits_re(9) + r")(?![0-9])")
# bank cards: 16–19 digits in one run, or in groups of four separated by a space or dash
_CARD_RE = re.compile(r"(?<![0-9])(\d{16,19}|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?)(?![0-9])")
_PASSPORT_RE = re.compile(_NOT_AFTER + r"([EGDSP]\d{8}|E[A-HJ-NP-Z]\d{7})" + _NOT_BEFORE)
# a landline: an area code (0 + 2 or 3 digits), then 7 or 8 digits not starting with 0 or 1
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(\(0\d{2,3}\)[ \-]?[2-9]\d{2,3}[ \-]?\d{4}"
    r"|0\d{2,3}[ \-]{1,2}[2-9]\d{2,3}[ \-]?\d{4}"
    r"|0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7})(?![0-9])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    # five characters (six on new-energy plates), or four before 挂/学/警
    r"[A-HJ-NP-Z][·• ]?(?:[A-HJ-NP-Z0-9]{5,6}[挂学警]?|[A-HJ-NP-Z0-9]{4}[挂学警])(?![A-Za-z0-9])"
)


# A run of digits and separators: every number kind has at least seven digits
# in one. Scanning for runs first is quick (it starts at a digit); most text
# has none, and then the number patterns need not be tried at every character.
_RUN_RE = re.compile(r"[0-9][0-9 \t\-.·•‐‑–—()]{5,}[0-9]")


def _has_long_number(text: str) -> bool:
    return any(sum(c.isdigit() for c in m.group(0)) >= 7 for m in _RUN_RE.finditer(text))


@dataclass(frozen=True)
class Finding:
    kind: str  # id_card | mobile | bank_card | passport | landline | email | plate
    start: int  # indices into the original text
    end: int
    masked: str


def id_check_digit_ok(number: str) -> bool:
    """GB 11643: the 18th character is a checksum of the first 17 digits."""
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(number: str) -> bool:
    """The Luhn (mod 10) check every bank card number passes."""
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _born(y: int, m: int, d: int) -> bool:
    try:
        return 1900 <= date(y, m, d).year
    except ValueError:
        return False


def looks_like_id(digits: str) -> bool:
    """A province code and a real birth date where an ID number has them
    (18 digits: YYYYMMDD at 6; 15 digits: YYMMDD at 6, born 19YY)."""
    if int(digits[:2]) not in _PROVINCES:
        return False
    if len(digits) >= 17:
        return _born(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    return _born(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))


def digits_of(s: str) -> str:
    """The ASCII digits of `s` (and X/x, the ID check digit), in order."""
    return "".join(c for c in unicodedata.normalize("NFKC", s) if c.isascii() and (c.isdigit() or c in "Xx"))


def _digits(s: str) -> str:
    return re.sub(r"[^0-9]", "", s)


_AREA = re.compile(r"\(?(0(?:10|2\d|[3-9]\d{2}))\)?")


def _area_code(landline: str) -> str:
    """The area code of a landline as written: in brackets, before the first
    separator, or by the numbering plan (010 and 02x are three digits)."""
    m = re.match(r"\((0\d{2,3})\)|(0\d{2,3})[ \-]", landline)
    if m:
        return m.group(1) or m.group(2)
    return _AREA.match(landline).group(1)


def mask(kind: str, value: str) -> str:
    """How a finding is shown: enough to find it in the text, never the number."""
    if kind == "id_card":
        d = digits_of(value).upper()
        return d[:6] + "*" * (len(d) - 10) + d[-4:] if len(d) == 18 else d[:6] + "*" * 6 + d[-3:]
    if kind == "mobile":
        d = _digits(value)[-11:]
        return d[:3] + "****" + d[-4:]
    if kind == "bank_card":
        d = _digits(value)
        return d[:4] + "*" * (len(d) - 8) + d[-4:]
    if kind == "passport":
        return value[:1] + "*" * (len(value) - 3) + value[-2:]
    if kind == "landline":
        return _area_code(value) + "-****" + _digits(value)[-4:]
    if kind == "email":
        local, _, domain = value.replace(" ", "").partition("@")
        return local[:1] + "***@" + domain
    return value[:2] + "*" * (len(value.replace(" ", "")) - 3) + value[-1:]


# ------------------------------------------------------------------ normalising

class _NFKC(dict):
    """Character → its NFKC form, computed once a character (for str.translate)."""

    def __missing__(self, code: int) -> str:
        self[code] = unicodedata.normalize("NFKC", chr(code))
        return self[code]


_NFKC_TABLE = _NFKC()


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Text with every character in its NFKC form, and for each character of
    the result the index of the original character it came from (plus one
    entry for the end); None when that is the identity, as it is whenever no
    character became several (most text)."""
    if text.isascii():
        return text, None
    norm = text.translate(_NFKC_TABLE)
    if len(norm) == len(text):
        return norm, None
    where: list[int] = []
    for i, ch in enumerate(text):
        where.extend([i] * len(_NFKC_TABLE[ord(ch)]))
    where.append(len(text))
    return norm, where


def _span(where: list[int] | None, s: int, e: int) -> tuple[int, int]:
    if where is None:
        return s, e
    return where[s], where[e - 1] + 1


# ------------------------------------------------------------------ finding

def find_personal_data(text: str, allow: frozenset[str] = frozenset()) -> list[Finding]:
    """Personal data in `text`, minus anything on the allow-list (compared by
    digits for numbers, whole value otherwise). Spans and masks refer to the
    original text; earlier kinds win where matches overlap."""
    norm, where = normalise(text)
    found: list[Finding] = []
    starts: list[int] = []  # spans taken so far (normalised indices): sorted, never overlapping
    ends: list[int] = []

    def taken(s: int, e: int) -> bool:
        i = bisect.bisect_left(starts, s)
        return (i > 0 and ends[i - 1] > s) or (i < len(starts) and starts[i] < e)

    def add(kind: str, m: re.Match, group: int = 0, numbers: tuple[str, ...] = ()):
        value = m.group(group)
        # numbers compare by their digits ("138-1234-5678" = "13812345678"); a plate or
        # an e-mail only as a whole: plate 鲁B12345 is not the hotline 12345
        if value in allow or value.upper() in allow or any(n in allow for n in numbers):
            return
        s, e = m.span(group)
        if taken(s, e):
            return
        i = bisect.bisect_left(starts, s)
        starts.insert(i, s)
        ends.insert(i, e)
        os, oe = _span(where, s, e)
        found.append(Finding(kind, os, oe, mask(kind, value)))

    numbers = _has_long_number(norm)
    for m in _ID18_RE.finditer(norm) if numbers else ():
        d = digits_of(m.group(1))
        if len(d) == 18 and id_check_digit_ok(d) and looks_like_id(d):
            add("id_card", m, 1, (d, d.upper()))
    for m in _ID15_RE.finditer(norm) if numbers else ():
        d = _digits(m.group(1))
        if looks_like_id(d):
            add("id_card", m, 1, (d,))
    for m in _MOBILE_RE.finditer(norm) if numbers else ():
        add("mobile", m, 1, (_digits(m.group(1)),))
    for m in _CARD_RE.finditer(norm) if numbers else ():
        d = _digits(m.group(1))
        # an 18-digit run shaped like an ID number (wrong check digit: an archive
        # number made from one) is not taken for a card
        if 16 <= len(d) <= 19 and luhn_ok(d) and not (len(d) == 18 and looks_like_id(d)):
            add("bank_card", m, 1, (d,))
    for m in _LANDLINE_RE.finditer(norm) if numbers else ():
        d = _digits(m.group(1))
        add("landline", m, 1, (d, d[len(_area_code(m.group(1))):]))
    for m in _PASSPORT_RE.finditer(norm) if numbers else ():
        add("passport", m, 1)
    for m in _EMAIL_RE.finditer(norm) if "@" in norm else ():
        add("email", m, 0, (m.group(0).replace(" ", ""),))
    for m in _PLATE_RE.finditer(norm):
        add("plate", m, 0, (m.group(0).replace(" ", ""),))
    return sorted(found, key=lambda f: f.start)


def normalise_allow(values: list[str]) -> frozenset[str]:
    out = set()
    for v in values:
        v = unicodedata.normalize("NFKC", str(v)).strip()
        out |= {v, v.upper(), v.replace(" ", "")}
        if _digits(v):
            out.add(_digits(v))
    return frozenset(out)


# ------------------------------------------------------------------ showing text safely

def mask_text(text: str) -> str:
    """`text` with every finding replaced by its mask: the one path every
    message takes before it is printed, so no message shows a number in full,
    whatever the check that quotes the value."""
    found = find_personal_data(text)
    if not found:
        return text
    out, last = [], 0
    for f in found:
        out += [text[last:f.start], f.masked]
        last = f.end
    out.append(text[last:])
    return "".join(out)


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
                     "\ud800-\udfff\ufffe\uffff]")


def unsafe_char(ch: str) -> str:
    """A character as its code, for showing: U+202E."""
    return f"U+{ord(ch):04X}"


def escape_controls(text: str, keep: str = "") -> str:
    """Control, format (bidirectional, zero-width) and surrogate characters
    written as <U+001B>: what reaches a terminal or a log cannot move the
    cursor, recolour a line or reorder the words. `keep`: characters the
    caller escapes its own way (GitHub annotations: CR and LF)."""
    return _UNSAFE.sub(lambda m: m.group(0) if m.group(0) in keep else f"<{unsafe_char(m.group(0))}>", text)


def printable(text: str, keep: str = "") -> str:
    """What every message goes through before it is printed: masked, then escaped."""
    return escape_controls(mask_text(text), keep)
