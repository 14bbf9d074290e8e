"""Measures an article describes: its headings, 一是…/二、… items and runs of
paragraphs that open with a parallel lead phrase (强化顶层设计，…). Only the
names are taken; the staff member writes each measure's detail."""
from __future__ import annotations

import re

from .cleanup import SENTENCE_SPLIT, _is_heading

ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[是、．.]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[，,、])\s*(.+)")


def _first_clause(s: str, limit: int = 24) -> str:
    clause = re.split(r"[，,。：:；;！？]", s, maxsplit=1)[0].strip()
    return clause[:limit]


def find_measures(lines: list[str], exclude: set[str]) -> list[str]:
    items: list[str] = []
    lead_run: list[str] = []

    def flush_leads():
        if len(lead_run) >= 3:
            items.extend(lead_run)
        lead_run.clear()

    prev_heading = False
    for line in lines:
        if _is_heading(line):
            flush_leads()
            m = ENUM_RE.match(line)
            name = m.group(1).strip() if m else line
            if not prev_heading and name not in exclude:
                items.append(name)
            prev_heading = True
            continue
        prev_heading = False
        enum_here = False
        for sentence in SENTENCE_SPLIT.split(line):
            m = ENUM_RE.match(sentence.strip())
            if m:
                name = _first_clause(m.group(1))
                if len(name) >= 2:
                    items.append(name)
                    enum_here = True
        if enum_here:
            flush_leads()
            continue
        first = SENTENCE_SPLIT.split(line)[0]
        clauses = re.split(r"[，,]", first)
        if len(line) >= 60 and len(first) <= 32 and len(clauses) >= 2 and 2 <= len(clauses[0]) <= 12:
            lead_run.append(clauses[0].strip())
        else:
            flush_leads()
    flush_leads()
    out = []
    for x in items:
        x = x.strip(" ：:")
        if x and x not in out and x not in exclude:
            out.append(x)
    return out[:20]

