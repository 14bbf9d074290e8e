"""The page list and the Jinja environment.

`plan_pages(records)` decides which pages exist, which template renders each
and with what context; everything a template shows is computed here, so
templates stay presentation only and a golden test can pin a page's context.
"""
from __future__ import annotations

import heapq
import html
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from . import statpages, stats
from .model import Brand, Practice, Records, Unit
from .naming import syllables
from .resources import template_dirs
KIND_LABELS = {"bureau": "公安局（分局）", "station": "派出所", "post": "警务室"}
NEWEST_ON_HOME = 8
EFFECTS_PAGE = "stats/effects.md"
# breadcrumb steps: (title, docs path); the titles are the tabs' (plugin.py's nav)
HOME, PRACTICES, BRANDS, UNITS = ("首页", "index.md"), ("经验做法", "practices/index.md"), \
    ("警务品牌", "brands/index.md"), ("单位", "regions/index.md")
RELATED_MAX = 5


@dataclass
class PageSpec:
    path: str  # Markdown path inside docs, e.g. "practices/xiagezhuang-sitou.md"
    template: str
    title: str
    context: dict = field(default_factory=dict)
    source: str | None = None  # the record file behind the page ("edit this page")
    tags: list[str] = field(default_factory=list)
    search: bool = True  # False keeps a page out of the search index
    # Where a record page sits, for readers arriving from search (generator/orientation.py):
    trail: list[tuple[str, str]] = field(default_factory=list)  # (title, docs path) from 首页 down
    section: str | None = None  # the nav page whose tab and section the page belongs to
    wide: bool = False  # wide statistics tables: give them the sidebar's width


# ------------------------------------------------------------------ escaping

# Python-Markdown's escapable characters (plus "|" from tables): a backslash
# before any other character would be shown as typed, backslash and all
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")
# what the extensions read as markup, and no backslash can escape: written as
# entities, which render as the character itself
_MD_ENTITY = {"~": "&#126;", "^": "&#94;"}
_MD_ENTITY_RE = re.compile("[~^]")
# a line that starts a block: "1986. " (ordered list), "- " / "---" (list,
# rule), "??? " / "???+" (collapsible notice), "=== " (tabs), ": " (definition)
_BLOCK_START = re.compile(r"^(?:(\d+)(?=\.(?:\s|$))|([-?=:]))")
_BLOCK_ESCAPE = {"-": "\\-", "?": "&#63;", "=": "&#61;", ":": "&#58;"}
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")


def plain(text) -> str:
    """Record text on one line: a line break between Chinese characters joins
    them, other runs of white space become one space (also used by 经验汇编)."""
    return " ".join(_CJK_BREAK.sub("", str(text)).split())


def paragraphs(text) -> list[str]:
    """Multi-line record text as its paragraphs (blank-line separated), each plain."""
    return [plain(p) for p in re.split(r"\n\s*\n", str(text).strip()) if p.strip()]


def md(text) -> str:
    """Record text as inert inline Markdown that renders exactly as typed:
    HTML-escaped, Markdown punctuation escaped (no links, no attribute lists,
    no emphasis), nothing at its start read as a block (list, rule, notice),
    one line."""
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(plain(text), quote=False))
    text = _MD_ENTITY_RE.sub(lambda m: _MD_ENTITY[m.group(0)], text)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" if m.group(1) else _BLOCK_ESCAPE[m.group(2)], text, count=1)


def md_block(text) -> str:
    """Multi-line record text: paragraphs kept, every line inert."""
    return "\n\n".join(md(p) for p in paragraphs(text))


def front_value(text) -> str:
    """Text for front matter (title, tags): the theme prints it without escaping."""
    return html.escape(" ".join(str(text).split()), quote=True)


# ------------------------------------------------------------------ paths

def practice_path(pid: str) -> str:
    return f"practices/{pid}.md"


def brand_path(bid: str) -> str:
    return f"brands/{bid}.md"


def unit_path(uid: str) -> str:
    return f"units/{uid}.md"


def category_path(cid: str) -> str:
    return f"categories/{cid}.md"


class UnsafePath(ValueError):
    """A generated path that would leave the output folder."""


def checked_path(path: str) -> str:
    """Ids are validated slugs, so this never fires on valid records; it is the
    writer's own guard that nothing is written outside the output folder."""
    norm = posixpath.normpath(path)
    if norm.startswith(("../", "/")) or norm == ".." or "\\" in path or ":" in path:
        raise UnsafePath(f"拒绝写入输出文件夹之外的路径：{path}")
    return norm


def rel_link(from_page: str, to_page: str) -> str:
    """A relative Markdown link MkDocs can check (strict) and rewrite."""
    # posixpath.relpath, minus its abspath calls: both are normalised site paths
    here, there = from_page.split("/")[:-1], to_page.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


# ------------------------------------------------------------------ helpers

class Pinyin:
    """Sort keys for Chinese names: toneless pinyin, with the staff's place
    readings (site_config/pinyin_phrases.yml) winning over pypinyin's."""

    def __init__(self, phrases: dict[str, list[str]] | None = None):
        self.phrases = phrases or {}
        self._cache: dict[str, str] = {}

    def key(self, name: str) -> str:
        if name not in self._cache:
            self._cache[name] = " ".join(syllables(name, self.phrases)) or name
        return self._cache[name]

    def initial(self, name: str) -> str:
        """The A–Z group; names led by digits go under 0–9."""
        lead = name.lstrip("“”\"'《》「」 ")[:1]
        first = self.key(name)[:1].upper()
        return first if "A" <= first <= "Z" and not lead.isdigit() else "0–9"


def ancestors(units: dict[str, Unit], uid: str) -> list[Unit]:
    """From the top bureau down to (not including) the unit."""
    chain, cur = [], units[uid].parent
    while cur and cur in units and len(chain) < 32:
        chain.append(units[cur])
        cur = units[cur].parent
    return list(reversed(chain))


def children_index(units: dict[str, Unit], key) -> dict[str | None, list[Unit]]:
    out: dict[str | None, list[Unit]] = defaultdict(list)
    for u in units.values():
        out[u.parent if u.parent in units else None].append(u)
    for v in out.values():
        v.sort(key=lambda u: (list(KIND_LABELS).index(u.kind), key(u.name)))
    return out


def number_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}".rstrip("0").rstrip(".")


def outcome_text(o) -> dict:
    """An outcome as the plain words and figure a reader sees (site and 经验汇编)."""
    if o.change is not None:
        verb = "下降" if o.change < 0 else "上升" if o.change > 0 else "持平"
        figure = f"{'同比' if o.yoy else ''}{verb} {number_text(abs(o.change))}{o.unit}"
    else:
        figure = f"{number_text(o.value)}{'余' if o.approximate else ''}{o.unit}"
    return {"label": plain(o.label), "figure": figure, "period": plain(o.period or "—")}


def outcome_row(o) -> dict:
    """An outcome as the words and figure a reader sees in the table."""
    return {k: md(v) for k, v in outcome_text(o).items()}


def source_row(s) -> dict:
    """A source as readers see it; `seed` (the sample article's file name) is
    for staff and tests only, never printed."""
    return {"title": md(s.title), "publisher": md(s.publisher), "date": s.date or "",
            "url": s.url.replace("(", "%28").replace(")", "%29") if s.url else None}


def span_text(start: str, end: str) -> str:
    """A practice's period: "2020-11" for one month, "2020-01 至 2020-11" otherwise."""
    return start if start == end else f"{start} 至 {end}"


def newest_first(practices) -> list[Practice]:
    return sorted(practices, key=lambda p: (p.period.end, p.id), reverse=True)


class Linker:
    """Builds the link dicts templates print: {text, href}, relative to one page."""

    def __init__(self, records: Records, page: str):
        self.r, self.page = records, page

    def to(self, text: str, target: str) -> dict:
        return {"text": md(text), "href": rel_link(self.page, target)}

    def unit(self, uid: str) -> dict:
        return self.to(self.r.units[uid].name, unit_path(uid))

    def brand(self, bid: str) -> dict:
        return self.to(self.r.brands[bid].name, brand_path(bid))

    def category(self, cid: str) -> dict:
        return self.to(self.r.categories[cid].name, category_path(cid))

    def practice(self, p: Practice) -> dict:
        return {**self.to(p.title, practice_path(p.id)),
                "units": "、".join(md(self.r.units[u].name) for u in p.units),
                "period": span_text(p.period.start, p.period.end)}


# ------------------------------------------------------------------ search scope
#
# A reader's browser must download and load the search index before search
# works. The build prepares the index (generator/lunr_index.py), so the cost
# left is the size of what is downloaded and loaded: on the benchmark sites,
# 614,000 characters (county, summaries) and 428,000 (province, titles) make
# search ready 1.1 and 1.4 s after navigation starts (benchmarks/search_init.py;
# a near-empty site: 0.6 s). "auto" picks the fullest scope whose text fits
# SEARCH_BUDGET, so that stays about a second however many records there are.
# Lists that repeat other pages' titles (related practices, a unit's
# practices) are never indexed: they only make every title match twice.

SEARCH_BUDGET = 400_000  # characters of indexed text
SCOPES = ("full", "summary", "titles")
NO_SEARCH = " { data-search-exclude }"  # attr_list on a heading: Material skips its section


def _search_text(records: Records) -> dict[str, int]:
    """Characters each scope would index (what the record pages show of it)."""
    def n(*texts) -> int:
        return sum(len(t or "") for t in texts)
    titles = sum(n(p.title, *p.tags, *(records.units[u].name for u in p.units)) for p in records.practices.values())
    titles += sum(n(b.name, b.summary) for b in records.brands.values())
    titles += sum(n(u.name, u.description, u.region.city, u.region.county) for u in records.units.values())
    summary = titles + sum(n(p.summary) for p in records.practices.values())
    full = summary + sum(n(*(m.name + m.detail for m in p.measures), *(o.label for o in p.outcomes),
                           *(s.title for s in p.sources)) for p in records.practices.values())
    full += sum(n(*(c.name + c.detail for c in b.components)) for b in records.brands.values())
    return {"full": full, "summary": summary, "titles": titles}


def search_scope(records: Records) -> str:
    """site.yml's search_scope, or for "auto" the fullest that fits SEARCH_BUDGET."""
    if records.site.search_scope != "auto":
        return records.site.search_scope
    sizes = _search_text(records)
    return next((s for s in SCOPES if sizes[s] <= SEARCH_BUDGET), "titles")


def search_marks(scope: str) -> dict[str, str]:
    """What templates append to a heading to keep its section out of search."""
    return {"summary": NO_SEARCH if scope == "titles" else "",
            "body": NO_SEARCH if scope != "full" else "",
            "never": NO_SEARCH}


# ------------------------------------------------------------------ planning

class Planner:
    def __init__(self, records: Records, stats_sections: dict | None = None,
                 phrases: dict[str, list[str]] | None = None, dashboard: dict | None = None,
                 effects: "statpages.SiteStats | None" = None):
        self.r = records
        self.dashboard = dashboard
        self.effects = effects or statpages.SiteStats({}, None, [], {})
        self.pinyin = Pinyin(phrases)
        self.children = children_index(records.units, self.pinyin.key)
        self.by_unit: dict[str, list[Practice]] = defaultdict(list)
        self.by_category: dict[str, list[Practice]] = defaultdict(list)
        self.by_brand: dict[str, list[Practice]] = defaultdict(list)
        for p in records.practices.values():
            for u in p.units:
                self.by_unit[u].append(p)
            for c in p.categories:
                self.by_category[c].append(p)
            if p.brand:
                self.by_brand[p.brand].append(p)
        self.brands_by_unit: dict[str, list[Brand]] = defaultdict(list)
        for b in records.brands.values():
            self.brands_by_unit[b.unit].append(b)
        self.stats_sections = stats_sections or {}
        self.search = search_marks(search_scope(records))
        self._related_heads: dict[frozenset, list[Practice]] = {}
        self._prepared: dict[str, PageSpec] = {}

    def prepare(self) -> "Planner":
        """Plan the practice and unit pages but for what the statistics add (their
        成效对照 and statistics sections): `plan_site` has this done while a
        forked process computes the statistics (statpages.site_stats)."""
        self._prepared = {spec.path: spec for spec in (
            *(self._practice_spec(p) for p in self.r.practices.values()),
            *(self._unit_spec(u) for u in self.r.units.values()))}
        return self

    def use_stats(self, st: "statpages.SiteStats") -> "Planner":
        self.stats_sections, self.dashboard, self.effects = st.sections, st.dashboard, st
        return self

    def related(self, p: Practice) -> list[Practice]:
        """Same brand first, then most categories in common; newest breaks ties."""
        cats = frozenset(p.categories)
        if cats not in self._related_heads:
            # Practices with the same categories share one ranking by categories alone,
            # and only its head can reach the top (RELATED_MAX + 1: p itself may be in
            # it; brand-mates only push others down). Linear, not quadratic, in practices.
            pool = {o.id: o for c in cats for o in self.by_category[c]}.values()
            self._related_heads[cats] = heapq.nsmallest(
                RELATED_MAX + 1, pool, key=lambda o: self._related_rank(cats, None, o))
        mates = self.by_brand[p.brand] if p.brand else []
        pool = {o.id: o for o in [*self._related_heads[cats], *mates] if o.id != p.id}.values()
        return sorted(pool, key=lambda o: self._related_rank(cats, p.brand, o))[:RELATED_MAX]

    @staticmethod
    def _related_rank(cats: frozenset, brand: str | None, o: Practice) -> tuple:
        score = len(cats.intersection(o.categories)) + (10 if brand and o.brand == brand else 0)
        return -score, -int(o.period.end.replace("-", "")), o.id

    def practice_page(self, p: Practice) -> PageSpec:
        spec = self._prepared.pop(practice_path(p.id), None) or self._practice_spec(p)
        spec.context["effects"] = self.effects.effects.get(p.id)
        spec.context["effects_page"] = rel_link(spec.path, EFFECTS_PAGE) if self.effects.effects_page else None
        return spec

    def _practice_spec(self, p: Practice) -> PageSpec:
        """A practice's page but for its 成效对照 (`practice_page` adds it)."""
        path = practice_path(p.id)
        L = Linker(self.r, path)
        ctx = {
            "title": md(p.title),
            "summary": md_block(p.summary),
            "units": [L.unit(u) for u in p.units],
            "brand": L.brand(p.brand) if p.brand else None,
            "period": span_text(p.period.start, p.period.end),
            "categories": [L.category(c) for c in p.categories],
            "tags": [md(t) for t in p.tags],
            "measures": [{"name": md(m.name), "detail": md_block(m.detail)} for m in p.measures],
            "outcomes": [outcome_row(o) for o in p.outcomes],
            "related": [L.practice(o) for o in self.related(p)],
            "sources": [source_row(s) for s in p.sources],
            "effects": None,
            "effects_page": None,
            "base": rel_link(path, "index.md").removesuffix("index.md"),
            "search": self.search,
        }
        # its first category, or where there is none its first unit
        parent = ([(self.r.categories[p.categories[0]].name, category_path(p.categories[0]))] if p.categories
                  else [(self.r.units[p.units[0]].name, unit_path(p.units[0]))] if p.units else [])
        return PageSpec(path, "practice.md.j2", p.title, ctx, p.where.path if p.where else None,
                        tags=p.tags, trail=[HOME, PRACTICES, *parent], section=PRACTICES[1])

    def brand_page(self, b: Brand) -> PageSpec:
        path = brand_path(b.id)
        L = Linker(self.r, path)
        ctx = {
            "title": md(b.name),
            "summary": md_block(b.summary),
            "unit": L.unit(b.unit),
            "components": [{"name": md(c.name), "detail": md_block(c.detail)} for c in b.components],
            "practices": [L.practice(p) for p in newest_first(self.by_brand[b.id])],
            "sources": [source_row(s) for s in b.sources],
            "search": self.search,
        }
        return PageSpec(path, "brand.md.j2", b.name, ctx, b.where.path if b.where else None,
                        trail=[HOME, BRANDS], section=BRANDS[1])

    def unit_page(self, u: Unit) -> PageSpec:
        spec = self._prepared.pop(unit_path(u.id), None) or self._unit_spec(u)
        L = Linker(self.r, spec.path)
        spec.context["stats"] = self.stats_sections.get(u.id)
        spec.context["effects"] = [{**L.practice(self.r.practices[h["practice"]]), **self.effect_view(h)}
                                   for h in self.effects.unit_effects.get(u.id, [])]
        spec.wide = bool(spec.context["stats"])
        return spec

    def _unit_spec(self, u: Unit) -> PageSpec:
        """A unit's page but for its statistics and 成效对照 (`unit_page` adds them)."""
        path = unit_path(u.id)
        L = Linker(self.r, path)
        region = [u.region.province, u.region.city] + ([u.region.county] if u.region.county else [])
        ctx = {
            "title": md(u.name),
            "kind": KIND_LABELS[u.kind],
            "region": md(" ".join(region)),
            "description": md_block(u.description) if u.description else "",
            "breadcrumb": [L.unit(a.id) for a in ancestors(self.r.units, u.id)],
            "children": [{**L.unit(c.id), "kind": KIND_LABELS[c.kind]} for c in self.children.get(u.id, [])],
            "practices": [L.practice(p) for p in newest_first(self.by_unit[u.id])],
            "brands": [L.brand(b.id) for b in sorted(self.brands_by_unit[u.id], key=lambda b: b.id)],
            "stats": None,
            "effects": [],
            "base": rel_link(path, "index.md").removesuffix("index.md"),
            "search": self.search,
        }
        return PageSpec(path, "unit.md.j2", u.name, ctx, u.where.path if u.where else None,
                        trail=[HOME, UNITS, *((a.name, unit_path(a.id)) for a in ancestors(self.r.units, u.id))],
                        section=UNITS[1])

    def category_page(self, cid: str) -> PageSpec:
        path = category_path(cid)
        L = Linker(self.r, path)
        c = self.r.categories[cid]
        ctx = {"title": md(c.name), "description": md_block(c.description or ""),
               "practices": [L.practice(p) for p in newest_first(self.by_category[cid])],
               "downloads": []}  # 经验汇编 of this category, when site.yml publishes one (compile/publish.py)
        return PageSpec(path, "category.md.j2", c.name, ctx, search=False)

    def region_tree(self, L: Linker) -> list[dict]:
        """Province → city → top bureaus, each with its unit subtree."""
        def subtree(top: Unit) -> dict:
            # a loop, not recursion: children are built before their parents
            order, stack, seen = [], [top], set()
            while stack:
                u = stack.pop()
                if u.id not in seen:
                    seen.add(u.id)
                    order.append(u)
                    stack.extend(self.children.get(u.id, []))
            built: dict[str, dict] = {}
            for u in reversed(order):
                built[u.id] = {**L.unit(u.id), "kind": KIND_LABELS[u.kind], "practices": len(self.by_unit[u.id]),
                               "children": [built[c.id] for c in self.children.get(u.id, []) if c.id in built]}
            return built[top.id]
        provinces: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for top in self.children.get(None, []):
            provinces[top.region.province][top.region.city].append(subtree(top))
        return [{"name": md(prov), "cities": [{"name": md(city), "units": units}
                                               for city, units in sorted(cities.items(), key=lambda kv: self.pinyin.key(kv[0]))]}
                for prov, cities in sorted(provinces.items(), key=lambda kv: self.pinyin.key(kv[0]))]

    def az_groups(self, L: Linker) -> list[dict]:
        entries = [(u.name, unit_path(u.id), KIND_LABELS[u.kind]) for u in self.r.units.values()]
        entries += [(b.name, brand_path(b.id), "警务品牌") for b in self.r.brands.values()]
        groups: dict[str, list] = defaultdict(list)
        for name, target, kind in sorted(entries, key=lambda e: (self.pinyin.key(e[0]), e[1])):
            groups[self.pinyin.initial(name)].append({**L.to(name, target), "kind": kind})
        return [{"letter": k, "entries": groups[k]} for k in sorted(groups)]

    def index_pages(self) -> list[PageSpec]:
        r = self.r
        pages = []
        L = Linker(r, "index.md")
        newest = newest_first(r.practices.values())[:NEWEST_ON_HOME]
        months = {(s.unit, s.year, m) for s in r.stats for m in s.months}
        home = {
            "site": {"title": md(r.site.title), "description": md_block(r.site.description)},
            "counts": [{"label": "单位", "value": len(r.units), "href": "regions/index.md"},
                       {"label": "经验做法", "value": len(r.practices), "href": "practices/index.md"},
                       {"label": "警务品牌", "value": len(r.brands), "href": "brands/index.md"},
                       {"label": "月度数据（单位·月）", "value": len(months),
                        "href": "stats/index.md" if self.dashboard else "regions/index.md"}],
            "newest": [L.practice(p) for p in newest],
            "categories": [{**L.category(c), "count": len(self.by_category[c])}
                           for c in r.categories if self.by_category[c]],
            "regions": [{"name": md(f"{u.region.province} {u.region.city}"), **L.unit(u.id)}
                        for u in self.children.get(None, [])],
            "brands": [L.brand(b) for b in sorted(r.brands, key=lambda b: self.pinyin.key(r.brands[b].name))],
        }
        pages.append(PageSpec("index.md", "home.md.j2", r.site.title, home))
        L = Linker(r, "practices/index.md")
        pages.append(PageSpec("practices/index.md", "practices_index.md.j2", "经验做法", {
            "categories": [{**L.category(c), "count": len(self.by_category[c]),
                            "description": md(r.categories[c].description or "")}
                           for c in r.categories if self.by_category[c]],
            "practices": [L.practice(p) for p in newest_first(r.practices.values())],
        }))
        pages += [self.category_page(c) for c in r.categories if self.by_category[c]]
        L = Linker(r, "brands/index.md")
        pages.append(PageSpec("brands/index.md", "brands_index.md.j2", "警务品牌", {
            "brands": [{**L.brand(b.id), "unit": L.unit(b.unit), "summary": md(b.summary),
                        "count": len(self.by_brand[b.id])}
                       for b in sorted(r.brands.values(), key=lambda b: self.pinyin.key(b.name))]}))
        L = Linker(r, "regions/index.md")
        pages.append(PageSpec("regions/index.md", "regions.md.j2", "按地区", {"provinces": self.region_tree(L)}))
        L = Linker(r, "az.md")
        pages.append(PageSpec("az.md", "az.md.j2", "单位和品牌索引（A–Z）", {"groups": self.az_groups(L)}))
        pages.append(PageSpec("tags.md", "tags.md.j2", "标签", {}))
        if self.dashboard:
            pages.append(PageSpec("stats/index.md", "stats_index.md.j2", "统计",
                                  {"dashboard": self.dashboard, "base": "../",
                                   "effects_page": "effects.md" if self.effects.effects_page else None},
                                  wide=True))
        if self.effects.effects_page:
            pages.append(self.effects_page())
        for page in pages[1:]:  # listings repeat titles found on the record pages
            page.search = False
        return pages

    @staticmethod
    def effect_view(h: dict) -> dict:
        """A headline estimate as a list item shows it."""
        return {"metric": md(h["metric"]), "estimate": md(h["estimate"]), "rank": md(h["rank"]),
                "cls": h["cls"], "notes": md("；".join(h["notes"]))}

    def effects_page(self) -> PageSpec:
        """成效对照 under 统计: practices ranked by their estimate, a table a headline metric.
        The tables are pre-rendered HTML (partials/table.md.j2): plain text, escaped
        by the template; practice links relative to this page's source file."""
        page = self.effects.effects_page
        header = ["序号", "做法", "单位", "相对对照组的差异", "排名 k/N", "对照组", "说明"]
        blocks = [{"metric": md(b["metric"]), "direction": b["direction"],
                   "table": {"header": header, "rows": [
                       [row["place"],
                        {"text": plain(self.r.practices[row["practice"]].title),
                         "href": rel_link(EFFECTS_PAGE, practice_path(row["practice"]))},
                        row["unit"], {"text": row["estimate"], "change": row["cls"]},
                        row["rank"], row["level"], row["notes"]] for row in b["rows"]]}}
                  for b in page["blocks"]]
        # pre-rendered too (plain text, escaped by the template): as Markdown, each of
        # these links (thousands at province scale) went through Markdown and MkDocs
        without = [{"text": plain(p.title), "href": rel_link(EFFECTS_PAGE, practice_path(p.id)),
                    "units": "、".join(plain(self.r.units[u].name) for u in p.units),
                    "period": span_text(p.period.start, p.period.end)}
                   for p in (self.r.practices[pid] for pid in page["without"])]
        return PageSpec(EFFECTS_PAGE, "effects_index.md.j2", "成效对照",
                        {"page": page, "blocks": blocks, "without": without,
                         "align": ["right", "left", "left", "right", "right", "left", "left"]})

    def all_pages(self) -> list[PageSpec]:
        pages = self.index_pages()
        pages += [self.practice_page(p) for p in sorted(self.r.practices.values(), key=lambda p: p.id)]
        pages += [self.brand_page(b) for b in sorted(self.r.brands.values(), key=lambda b: b.id)]
        pages += [self.unit_page(u) for u in sorted(self.r.units.values(), key=lambda u: u.id)]
        return pages


def plan_pages(records: Records, stats_sections: dict | None = None,
               phrases: dict[str, list[str]] | None = None,
               dashboard: dict | None = None, effects: "statpages.SiteStats | None" = None) -> list[PageSpec]:
    return Planner(records, stats_sections, phrases, dashboard, effects).all_pages()


@dataclass
class SitePlan:
    pages: list[PageSpec]
    figures: list[tuple[str, str, dict, str]]  # (chart path, kind, data, digest) for charts.py
    csvs: dict[str, str]  # download path → CSV text
    memo: dict[str, int] = field(default_factory=dict)  # statistics sections reused / computed (statsmemo)


def plan_site(records: Records, phrases: dict[str, list[str]] | None = None,
              cache_dir: Path | None = None) -> SitePlan:
    """compute → plan: statistics, then every page, chart and download. With
    `cache_dir`, statistics sections unchanged since the last build are reused.
    What of the pages needs no statistics is planned while a forked process
    computes them (Planner.prepare, statpages.site_stats)."""
    from .statsmemo import STATS_MEMO
    planned: list[Planner] = []
    st = statpages.site_stats(stats.build(records), cache_dir and Path(cache_dir) / STATS_MEMO,
                              meanwhile=lambda: planned.append(Planner(records, phrases=phrases).prepare()))
    return SitePlan(planned[0].use_stats(st).all_pages(), st.figures, st.csvs, st.memo)


# ------------------------------------------------------------------ rendering

def make_env(root: Path, override_dir: str | None = None, site_root: Path | None = None) -> jinja2.Environment:
    """Templates from the site's own folders in front of the packaged ones (resources.py).
    The validator has checked that folder is a relative path; here, with the
    repository at hand, that it is a folder inside it, symlinks followed
    (templates are code: only the repository's reviewed ones may run).
    `site_root`: the records tree when it has its own site_config/ (--records)."""
    from . import messages as M
    base = Path(site_root or root)  # the repository whose site_config/site.yml names the folder
    if override_dir:
        where = (base / override_dir).resolve()
        if not where.is_relative_to(base.resolve()):
            raise TemplateProblem(M.TEMPLATES_DIR_LINK.format(value=override_dir))
        if not where.is_dir():
            raise TemplateProblem(M.TEMPLATES_DIR_MISSING.format(value=override_dir))
    dirs = ([str(base / override_dir)] if override_dir else []) + [str(d) for d in template_dirs(root)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=False,  # Markdown output: record text is escaped by `md` in Python
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md
    env.filters["plain"] = plain   # before `e` in pre-rendered HTML (generator/tables.py)
    return env


def front_matter(spec: PageSpec) -> str:
    meta: dict = {"title": front_value(spec.title)}
    if spec.tags:
        meta["tags"] = [front_value(t) for t in spec.tags]
    if not spec.search:
        meta["search"] = {"exclude": True}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


class TemplateProblem(Exception):
    """A template (ours or a site's override) that cannot render: said in Chinese."""


def render_page(env: jinja2.Environment, spec: PageSpec) -> str:
    try:
        body = env.get_template(spec.template).render(**spec.context)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateProblem(f"{e.filename or e.name}:{e.lineno}: 模板语法错误：{e.message}") from None
    except jinja2.TemplateError as e:
        raise TemplateProblem(f"生成页面 {spec.path} 时模板 {spec.template} 出错：{e}") from None
    return front_matter(spec) + re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
