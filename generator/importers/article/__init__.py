"""`jingyan import-article FILE`: a news article or work report → a draft practice.

The parts, in the order they run:
  cleanup.py   HTML → text, converter pinyin, Traditional → Simplified, page furniture,
               publisher;
  dates.py     the publication date and the periods figures are reported for;
  units.py     police units, from their structure (name + 派出所/分局/…);
  brands.py    brands and work methods in any quotation style;
  figures.py   figures with what they count and the article's own wording;
  measures.py  the measures' names (headings, 一是…, parallel lead phrases);
  extract.py   all of the above over one article → `Article`;
  draft.py     the command: links units and brands to records, writes the draft.
"""
from __future__ import annotations

from .brands import brand_core, find_brands
from .draft import add_arguments, run
from .extract import Article, extract
from .figures import Figure, find_figures
from .units import find_unit_names

__all__ = ["Article", "Figure", "add_arguments", "brand_core", "extract", "find_brands", "find_figures",
           "find_unit_names", "run"]
