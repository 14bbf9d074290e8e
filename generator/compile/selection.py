"""Which practices a compilation holds, in which order.

Every filter takes an id or the Chinese name (分类、单位、品牌); an unknown
value, a draft, or a selection that ends up empty is a `SelectionError`
whose message says what was wrong and suggests the nearest known names.
Drafts are never selected: `Records.practices` holds published ones only,
and a draft asked for by id is refused by name.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .. import messages as M
from ..model import MONTH_RE, Practice, Records
from ..pages import newest_first
from ..regions import subtree

SUGGEST = 3       # nearest names offered
LIST_MAX = 12     # known names listed when nothing is near


class SelectionError(ValueError):
    """A selection that cannot be compiled; str() is the Chinese message."""


@dataclass
class Selection:
    """The filters of `jingyan compile` (and of a compilation in site.yml).
    Every given filter must hold; `practices` also fixes the order."""
    category: str | None = None
    region: str | None = None      # a unit: it and every unit under it
    tag: str | None = None
    brand: str | None = None
    since: str | None = None       # YYYY-MM: practices whose period ends then or later
    practices: list[str] = field(default_factory=list)


@dataclass
class Selected:
    practices: list[Practice]
    filters: str                    # the filters in words, for messages and the cover
    category: str | None = None     # resolved ids
    region: str | None = None
    brand: str | None = None


def _bare(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", str(text))


def _resolve(value: str, names: dict[str, str], what: str) -> str:
    """The id for an id or a name in `names` (id → name), else SelectionError."""
    v = _bare(value)
    if v in names or v.lower() in names:
        return v if v in names else v.lower()
    by_name = {_bare(n): k for k, n in names.items()}
    if v in by_name:
        return by_name[v]
    raise SelectionError(M.COMPILE_UNKNOWN.format(what=what, value=value, hint=_hint(value, names, what)))


def _hint(value: str, names: dict[str, str], what: str) -> str:
    """'是不是：A（a）、B（b）？' for the nearest ids and names, else a short list."""
    labels = {k: (f"{n}（{k}）" if n and n != k else k) for k, n in names.items()}
    pool = {**{k: k for k in names}, **{n: k for k, n in names.items() if n}}
    near = difflib.get_close_matches(str(value), list(pool), n=SUGGEST * 2, cutoff=0.4)
    # a name containing the value (or the other way round) is near too: 枫桥 → 枫桥式派出所创建
    near += [n for n in pool if value and (value in n or (len(n) >= 2 and n in value))]
    ids = list(dict.fromkeys(pool[n] for n in near))[:SUGGEST]
    if ids:
        return M.COMPILE_DID_YOU_MEAN.format(near="、".join(labels[k] for k in ids))
    shown = sorted(labels.values())
    more = f" 等 {len(shown)} 个" if len(shown) > LIST_MAX else ""
    return M.COMPILE_LIST_HINT.format(what=what, names="、".join(shown[:LIST_MAX]) + more)


def describe(sel: Selection, records: Records) -> str:
    """The filters in words: 分类“…”；地区：…及下属单位；…"""
    parts = []
    if sel.category:
        parts.append(f"分类“{records.categories[sel.category].name}”")
    if sel.region:
        parts.append(f"{records.units[sel.region].name}及下属单位")
    if sel.tag:
        parts.append(f"标签“{sel.tag}”")
    if sel.brand:
        parts.append(f"品牌“{records.brands[sel.brand].name}”")
    if sel.since:
        parts.append(f"报告期截至 {sel.since} 或更晚")
    if sel.practices:
        parts.append(f"指定的 {len(sel.practices)} 条做法")
    return "；".join(parts) or "全部已发布的经验做法"


def select(records: Records, wanted: Selection) -> Selected:
    """The practices `wanted` asks for; raises SelectionError (in Chinese)."""
    sel = Selection(tag=wanted.tag, since=wanted.since)
    if wanted.category:
        sel.category = _resolve(wanted.category, {k: c.name for k, c in records.categories.items()}, "分类")
    if wanted.region:
        sel.region = _resolve(wanted.region, {k: u.name for k, u in records.units.items()}, "单位")
    if wanted.brand:
        sel.brand = _resolve(wanted.brand, {k: b.name for k, b in records.brands.items()}, "品牌")
    if wanted.tag is not None:
        tags = sorted({t for p in records.practices.values() for t in p.tags})
        if wanted.tag not in tags:
            raise SelectionError(M.COMPILE_UNKNOWN.format(what="标签", value=wanted.tag,
                                                          hint=_hint(wanted.tag, {t: t for t in tags}, "标签")))
    if wanted.since is not None:
        m = MONTH_RE.match(str(wanted.since).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise SelectionError(M.COMPILE_BAD_MONTH.format(value=wanted.since))
        sel.since = wanted.since.strip()

    seen = set()
    for pid in wanted.practices:
        if pid in seen:
            raise SelectionError(M.COMPILE_REPEATED.format(value=pid))
        seen.add(pid)
        if pid in records.drafts:
            raise SelectionError(M.COMPILE_DRAFT.format(value=pid))
        if pid not in records.practices:
            names = {k: p.title for k, p in records.practices.items()}
            raise SelectionError(M.COMPILE_UNKNOWN.format(what="经验做法", value=pid,
                                                          hint=_hint(pid, names, "经验做法")))
    sel.practices = list(wanted.practices)

    units = subtree(records, sel.region) if sel.region else None

    def keep(p: Practice) -> bool:
        return ((not sel.category or sel.category in p.categories)
                and (units is None or any(u in units for u in p.units))
                and (sel.tag is None or sel.tag in p.tags)
                and (not sel.brand or p.brand == sel.brand)
                and (not sel.since or p.period.end >= sel.since))

    filters = describe(sel, records)
    if sel.practices:
        chosen = [records.practices[pid] for pid in sel.practices]
        for p in chosen:
            if not keep(p):
                raise SelectionError(M.COMPILE_FILTERED_OUT.format(
                    value=p.id, filters=describe(Selection(**{**sel.__dict__, "practices": []}), records)))
    else:
        chosen = [p for p in newest_first(records.practices.values()) if keep(p)]
    if not chosen:
        raise SelectionError(M.COMPILE_EMPTY.format(filters=filters))
    return Selected(chosen, filters, sel.category, sel.region, sel.brand)
