"""One article, read: clean-up first, then every recogniser over the clean text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import messages as IM
from .brands import find_brands
from .cleanup import (clean_lines, find_publisher, html_to_text, looks_like_html, normalise,
                      remove_converter_pinyin, to_simplified, _is_heading)
from .dates import as_date, find_date
from .figures import Figure, find_figures
from .measures import ENUM_RE, find_measures
from .units import SUFFIXES, find_unit_names, teach_places, unit_key


@dataclass
class Article:
    title: str | None
    subtitle: str | None
    publisher: str | None
    date: str | None
    url: str | None
    body: list[str]
    notes: list[str]
    units: list[tuple[str, int]]
    cited_only: set[str]  # units named only inside 《》 (the title of a cited document)
    brands: list[str]
    measures: list[str]
    figures: list[Figure]


def extract(raw: str, name: str = "", places=()) -> Article:
    """`places`: place names the repository knows (unit records, pinyin phrases)."""
    notes: list[str] = []
    info: dict = {}
    if places:
        teach_places(places)
    if looks_like_html(raw, name):
        raw, info = html_to_text(raw)
    text, n_pinyin, example = remove_converter_pinyin(raw)
    if n_pinyin:
        notes.append(IM.ARTICLE_PINYIN.format(n=n_pinyin, example=example))
    text, n_trad = to_simplified(text)
    if n_trad:
        notes.append(IM.ARTICLE_TRADITIONAL)
    text = normalise(text)
    for key in ("title", "h1"):
        if info.get(key):
            info[key] = normalise(to_simplified(remove_converter_pinyin(info[key])[0])[0])
    cleaned = clean_lines(text)
    if cleaned.dropped:
        notes.append(IM.ARTICLE_DROPPED.format(n=cleaned.dropped))
    if cleaned.tail_items:
        notes.append(IM.ARTICLE_TAIL.format(n=cleaned.tail_items, first=cleaned.tail_first))
    lines = list(cleaned.lines)
    title = subtitle = None
    if lines and _is_heading(lines[0]) and not ENUM_RE.match(lines[0]):
        title = lines.pop(0)
        if lines and _is_heading(lines[0]) and not ENUM_RE.match(lines[0]) and len(lines) > 1 \
                and not _is_heading(lines[1]):
            subtitle = lines.pop(0)
    html_title = info.get("h1") or re.split(r"\s+[-_|｜]\s+|_", info.get("title", ""))[0].strip() or None
    title = cleaned.original_title or html_title or title
    meta = info.get("meta", {})
    date = find_date(cleaned.meta_lines) or find_date(
        [meta.get(k, "") for k in ("article:published_time", "publishdate", "pubdate", "date")])
    publisher = find_publisher(cleaned, info, lines)
    url = meta.get("og:url") or meta.get("canonical")
    if url and not re.match(r"^https?://", url):
        url = None
    body_text = "\n".join(lines)
    units = find_unit_names(body_text if not title else title + "\n" + body_text)
    mentions = [(n, p) for n, p in find_unit_names(body_text, every=True, known=[n for n, _ in units])
                if not _in_book_title(body_text, p)]
    outside = {n for n, _ in mentions}
    cited_only = {n for n, _ in units if n not in outside and (not title or n not in title)}
    units = [(n, p) for n, p in units if not _kind_in_title_only(n, title, outside)]
    brands = find_brands(([title] if title else []) + lines, has_title=bool(title))
    exclude = {x for x in (title, subtitle) if x}
    measures = find_measures(lines, exclude)
    figures = find_figures(body_text, mentions, as_date(date))
    return Article(title, subtitle, publisher, date, url, lines, notes, units, cited_only, brands,
                   measures, figures)


def _kind_in_title_only(name: str, title: str | None, body_units: set[str]) -> bool:
    """设立边贸警务站 in a title whose body names only 浦寨警务站: the title
    speaks of a kind of post; a unit the article is about is named in its body too."""
    key = unit_key(name)
    if not title or name not in title or key in {unit_key(n) for n in body_units}:
        return False
    suffix = next(s for s in SUFFIXES if name.endswith(s))
    return any(unit_key(n)[1] == key[1] and n.endswith(suffix) for n in body_units)


def _in_book_title(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return before.count("《") > before.count("》")
