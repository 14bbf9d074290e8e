"""Finding personal data in text: ID numbers, mobile numbers, e-mails, plates.

Knows text, not records: the validator decides which text to scan and where a
finding stands in a file.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?![0-9])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·•]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警]?(?![A-Za-z0-9])"
)


@dataclass(frozen=True)
class Finding:
    kind: str  # id_card | mobile | email | plate
    start: int
    end: int
    masked: str


def id_check_digit_ok(number: str) -> bool:
    """GB 11643: the 18th character is a checksum of the first 17 digits."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_birth(number: str) -> bool:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1900


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def mask(kind: str, value: str) -> str:
    if kind == "id_card":
        return value[:6] + "*" * 8 + value[-4:]
    if kind == "mobile":
        d = _digits(value)[-11:]
        return d[:3] + "****" + d[-4:]
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    return value[:2] + "*" * (len(value) - 3) + value[-1:]


def find_personal_data(text: str, allow: frozenset[str] = frozenset()) -> list[Finding]:
    """Personal data in `text`, minus anything on the allow-list (compared by
    digits for ID and mobile numbers, whole value otherwise)."""
    found: list[Finding] = []
    starts: list[int] = []  # spans taken so far: sorted, never overlapping
    ends: list[int] = []

    def add(kind: str, m: re.Match, group: int = 0):
        value = m.group(group)
        # numbers compare by their digits ("138-1234-5678" = "13812345678"); a plate or
        # an e-mail only as a whole: plate 鲁B12345 is not the hotline 12345
        if value in allow or value.upper() in allow or \
                (kind in ("id_card", "mobile") and _digits(value) in allow):
            return
        s, e = m.span(group)
        i = bisect.bisect_left(starts, s)  # an earlier kind's match here wins
        if (i > 0 and ends[i - 1] > s) or (i < len(starts) and starts[i] < e):
            return
        starts.insert(i, s)
        ends.insert(i, e)
        found.append(Finding(kind, s, e, mask(kind, value)))

    for m in _ID_RE.finditer(text):
        if id_check_digit_ok(m.group(1)) and _plausible_birth(m.group(1)):
            add("id_card", m, 1)
    for m in _MOBILE_RE.finditer(text):
        add("mobile", m, 1)
    for m in _EMAIL_RE.finditer(text):
        add("email", m)
    for m in _PLATE_RE.finditer(text):
        add("plate", m)
    return sorted(found, key=lambda f: f.start)


def normalise_allow(values: list[str]) -> frozenset[str]:
    out = set()
    for v in values:
        out |= {v, v.upper()}
        if _digits(v):
            out.add(_digits(v))
    return frozenset(out)
