"""Charts of the monthly statistics: deterministic SVG, cached, drawn in parallel.

    specs = plan_charts(model)                       # model = stats.build(records)
    report = draw_charts(specs, cache_dir)           # only what changed is drawn
    place(report.files, site_dir)                    # name: "charts/units/<id>/<group>.svg"

    drawing = Drawing(specs, cache_dir)              # the same in a background thread
    ...                                              # (the plugin: while MkDocs renders)
    place(drawing.join().files, site_dir)

Text is laid out with the font shipped in generator/fonts/ (a GB2312 subset
of Noto Sans CJK SC, see its README), registered with matplotlib by path, so
the output never depends on the fonts of the build machine. Text is stored
as SVG text (svg.fonttype "none") under one font-family rule: our family,
then the CJK fonts readers' systems have (FONT_STACK). The reader's browser
draws it, as it draws the page text, so any character (all of GB 18030, rare
place names like 鄠 or 𠮷 included) is drawable and none stops a build; a
character outside the subset is laid out one em wide. Charts are drawn
WIDTH inches wide with text of 9 pt or more and shown at most at their own
width, so their text stays at 9 CSS px or more on a 390 px phone.

A chart's file name in the cache is the SHA-256 of what it shows, the style,
the font file, this module's source and the matplotlib version: a build with
unchanged inputs draws nothing, and same data → same bytes.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import threading
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from . import statpages

CHART_VERSION = 1
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "JingyanSansSC-Regular.otf"
FONT_FAMILY = "Jingyan Sans SC"
# What the SVG asks the reader's browser for: our family first (for readers who
# install it), then the system CJK fonts of Windows, macOS/iOS, Android/Linux.
FONT_STACK = (FONT_FAMILY, "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
              "WenQuanYi Micro Hei", "sans-serif")
FONT_STACK_CSS = ", ".join(f"'{f}'" if f != "sans-serif" else f for f in FONT_STACK).encode()
# Matplotlib repeats the family on every <text> and rotates each by -0 degrees;
# one stylesheet rule and no identity transforms make a chart about a third lighter.
_TEXT_FAMILY = f"font-family: '{FONT_FAMILY}'; ".encode()
_NO_ROTATION = re.compile(rb' transform="rotate\(-0 [-\d.e]+ [-\d.e]+\)"')
_SVG_STYLE = b"<style type=\"text/css\">*{"


_INDENT = re.compile(rb"\n +")
_GROUP_ID = re.compile(rb'<g id="[\w.]+">')        # nothing refers to a group by id
_EMPTY_GROUP = re.compile(rb'<g id="[\w.]+"/>\n?')


_G_TAG = re.compile(rb"<g>\n?|<g [^>]*>|</g>\n?")


def _unwrap(svg: bytes) -> bytes:
    """`svg` without its bare groups (`<g>` without attributes, and the
    matching `</g>`): with their ids gone they group nothing for anyone."""
    out, stack, last = [], [], 0
    for m in _G_TAG.finditer(svg):
        tag = m.group(0)
        if tag.startswith(b"</g>"):
            if stack.pop():
                out.append(svg[last:m.start()])
                last = m.end()
        else:
            bare = tag.startswith(b"<g>")
            stack.append(bare)
            if bare:
                out.append(svg[last:m.start()])
                last = m.end()
    out.append(svg[last:])
    return b"".join(out)
# Coordinates (in points) of paths, texts and markers: Matplotlib writes six
# decimals; two (1/7200 inch) draw the same on any screen or printer.
_COORDS = re.compile(rb' (d|x|y|transform)="([^"]*)"')
_DECIMAL = re.compile(rb"-?\d+\.\d{3,}")
_SPACES = re.compile(rb"\s+")


def _round(m: re.Match) -> bytes:
    text = b"%.2f" % float(m.group(0))
    text = text.rstrip(b"0").rstrip(b".")
    return b"0" if text == b"-0" else text


def _coords(m: re.Match) -> bytes:
    value = _DECIMAL.sub(_round, m.group(2))
    if m.group(1) == b"d":
        value = _SPACES.sub(b" ", value).strip()
    return b" " + m.group(1) + b'="' + value + b'"'


_MARKERS = re.compile(rb'<g( clip-path="[^"]*")?>\n((?:<use [^>]*/>\n)+)</g>')
_USE_STYLE = re.compile(rb' style="([^"]*)"/>')


def _marker_style(m: re.Match) -> bytes:
    """A line's markers (`<use>`s of one marker) with their common style once,
    on their group: they inherit it (a third of a trend chart was these styles)."""
    styles = set(_USE_STYLE.findall(m.group(2)))
    if len(styles) != 1 or m.group(2).count(b"<use ") != m.group(2).count(b' style="'):
        return m.group(0)
    style = styles.pop()
    return (b"<g" + (m.group(1) or b"") + b' style="' + style + b'">\n'
            + m.group(2).replace(b' style="' + style + b'"', b"") + b"</g>")


def _lighter(svg: bytes) -> bytes:
    """Matplotlib's SVG (svg.fonttype none) with the font stack in one rule,
    without indentation, group ids and empty groups, coordinates to two
    decimals (together about half a chart)."""
    svg = _NO_ROTATION.sub(b"", svg.replace(_TEXT_FAMILY, b""))
    svg = _GROUP_ID.sub(b"<g>", _EMPTY_GROUP.sub(b"", _INDENT.sub(b"\n", svg)))
    svg = _MARKERS.sub(_marker_style, _unwrap(_COORDS.sub(_coords, svg)))
    return svg.replace(_SVG_STYLE, b"<style type=\"text/css\">text{font-family: " + FONT_STACK_CSS + b"}*{", 1)

# Mid-tone colours that read on white and on Material's dark slate (#1e2129);
# the figure background is transparent.
TEXT = "#8b919a"
GRID = "#8b919a40"
PALETTE = ("#4f8fe6", "#ef8a3c", "#2fb09a", "#b07be0", "#d9a92e", "#e2669a", "#6aa84f", "#7f8fa6")
GOOD, BAD, NEUTRAL = "#3aa655", "#e0564d", "#8b919a"
SAMPLE = "#e08a2e"
MONTH_LABELS = tuple(f"{m}月" for m in range(1, 13))
SAMPLE_LABEL = "样例数据"
WIDTH = 4.8
# Up to this many charts are drawn in this process: a spawned worker spends
# about 2 s importing Matplotlib, longer than drawing a dozen charts.
SERIAL_MAX = 12

STYLE: dict[str, Any] = {
    "font.family": [FONT_FAMILY],
    "font.size": 10,
    "text.color": TEXT,
    "text.parse_math": False,          # a "$" in a unit name is just a dollar sign
    "axes.labelcolor": TEXT,
    "axes.edgecolor": TEXT,
    "axes.titlecolor": TEXT,
    "axes.facecolor": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "axes.titlesize": 10,
    # Titles at a fixed height: nothing sits above an axes here, and finding
    # that out (measuring every tick label) cost 13% of a chart.
    "axes.titley": 1.0,
    "axes.labelsize": 9.5,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.facecolor": "none",
    "figure.edgecolor": "none",
    "figure.titlesize": 13,
    "savefig.facecolor": "none",
    "savefig.edgecolor": "none",
    "savefig.transparent": True,
    "svg.fonttype": "none",
    "svg.hashsalt": "jingyan-charts",
    "path.simplify": False,
}
METADATA = {"Date": None, "Creator": None, "Contributor": None, "Description": None,
            "Format": None, "Type": None, "Publisher": None, "Source": None}


class ChartError(Exception):
    """A chart could not be drawn (e.g. a character the font lacks)."""


@dataclass(frozen=True)
class ChartSpec:
    """One chart: `name` is its path relative to the site root; `kind` and
    `data` (plain JSON-like values, picklable) are all that is drawn."""
    name: str
    kind: str          # "trend" | "ranking" | "effect"
    data: dict


@dataclass
class DrawReport:
    drawn: int
    cached: int
    files: dict[str, Path] = field(default_factory=dict)   # name → cached SVG


# ------------------------------------------------------------------ keys

@lru_cache(maxsize=None)
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _environment_hash() -> str:
    from importlib.metadata import version   # not `import matplotlib`: a second in the main process
    env = {"version": CHART_VERSION, "code": _file_hash(__file__), "font": _file_hash(str(FONT_PATH)),
           "style": sorted((k, repr(v)) for k, v in STYLE.items()), "matplotlib": version("matplotlib")}
    return hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()


def chart_key(spec: ChartSpec) -> str:
    """SHA-256 of the chart's data, style, font, code and matplotlib version."""
    payload = json.dumps({"kind": spec.kind, "data": spec.data, "env": _environment_hash()},
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ font

_READY = False


def setup_font() -> str:
    """Register the bundled font with matplotlib (once per process); return its family."""
    global _READY
    if not _READY:
        from matplotlib import font_manager
        if not FONT_PATH.is_file():
            raise ChartError(f"找不到图表字体 {FONT_PATH}。请运行 python -m generator.fonts.make_subset 生成。")
        font_manager.fontManager.addfont(str(FONT_PATH))
        _READY = True
    return FONT_FAMILY


@lru_cache(maxsize=1)
def font_charset() -> frozenset[int]:
    """The characters the bundled font has (the rest are laid out one em wide)."""
    from matplotlib.ft2font import FT2Font
    return frozenset(FT2Font(str(FONT_PATH)).get_charmap())


# Characters XML 1.0 cannot hold (C0/C1 controls but tab and newline,
# surrogates, U+FFFE/U+FFFF); the loader refuses most of them in records.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def drawable(value):
    """`value` (a chart's data) with every string made safe for SVG text:
    characters XML cannot hold become U+FFFD. `<`, `&` and quotes are escaped
    by Matplotlib's SVG writer; a "$" is plain text (text.parse_math off)."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: drawable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [drawable(v) for v in value]
    return value


# ------------------------------------------------------------------ drawing

# Text metrics of earlier charts, kept by a drawing process: Matplotlib keeps
# them per renderer, and every chart has a new renderer, so the same tick
# labels, months and units were measured again for every chart (a quarter of
# a trend chart's time). A metric depends only on the renderer's kind, the
# style, the text, its font properties and the dpi, all in the key.
_METRICS: dict[tuple, tuple] = {}
_METRICS_MAX = 200_000
_METRICS_STYLE: list[tuple] = [()]   # the style (rc overrides) of the chart being drawn


def _memo_text_metrics() -> None:
    """Put the cross-chart memo in front of Matplotlib's text measuring (once a process)."""
    import matplotlib.text as mtext
    measure = mtext._get_text_metrics_with_cache
    if getattr(measure, "jingyan_memo", False):
        return

    def memo(renderer, text, fontprop, ismath, dpi):
        key = (type(renderer), _METRICS_STYLE[0], text, ismath, dpi, tuple(fontprop.get_family()),
               fontprop.get_style(), fontprop.get_variant(), fontprop.get_weight(), fontprop.get_stretch(),
               fontprop.get_size_in_points(), fontprop.get_file(), fontprop.get_math_fontfamily())
        found = _METRICS.get(key)
        if found is None:
            if len(_METRICS) >= _METRICS_MAX:
                _METRICS.clear()
            found = _METRICS[key] = measure(renderer, text, fontprop, ismath, dpi)
        return found
    memo.jingyan_memo = True
    mtext._get_text_metrics_with_cache = memo
    _memo_font_heights()


def _memo_font_heights() -> None:
    """Give the SVG renderer the font-height hook of the PDF/PS ones, memoised.
    Without it Matplotlib finds the font file and reads its OS/2 or hhea table
    for every text it lays out (a tenth of a trend chart). The SVG renderer
    draws at 72 dpi, which is the scale the hook answers in; the values are
    Matplotlib's own (Text._get_layout), so the bytes do not change (tested)."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_svg import RendererSVG
    if hasattr(RendererSVG, "_get_font_height_metrics"):
        return
    heights: dict[tuple, tuple] = {}

    def font_heights(self, prop):
        key = (_METRICS_STYLE[0], tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
               prop.get_weight(), prop.get_stretch(), prop.get_size_in_points(), prop.get_file())
        found = heights.get(key)
        if found is None:
            found = (None, None, None)
            font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(prop))
            for name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                               ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(name)
                if table is not None:
                    # as Text._get_layout computes it (at 72 dpi), to the last bit
                    scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
                    found = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            heights[key] = found
        return found
    RendererSVG._get_font_height_metrics = font_heights


def _num(v: float, _pos=None) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{int(round(v))}".replace("-", "\u2212")
    return f"{v:.1f}".replace("-", "\u2212")


def _text_width(text: str, points: float) -> float:
    """Inches `text` takes at `points` size: full-width (CJK) glyphs 1 em, others 0.62 em."""
    em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)
    return em * points / 72


def _fit(text: str, points: float, width: float) -> str:
    """`text` cut to `width` inches with "…" (a 100-character unit name would
    leave a bar chart no room; the full name is in the chart's CSV and table)."""
    if _text_width(text, points) <= width:
        return text
    while text and _text_width(text + "…", points) > width:
        text = text[:-1]
    return text + "…"


DASHED = (0, (4, 2.5))
KEY_ROW, KEY_HANDLE, KEY_GAP, KEY_SPACE = 0.2, 0.3, 0.07, 0.2   # inches
KEY_SIZE = 9
# Trend layout, inches from the top of the figure down (see _trend_layout).
HEAD, SUBTITLE, AX_HEIGHT, PANEL_GAP, FOOT = 0.36, 0.24, 1.5, 0.2, 0.36


def _flow(labels: list[str], width: float) -> list[tuple[int, float]]:
    """(row, x) of each key entry flowed left to right into rows `width` wide."""
    out, row, x = [], 0, 0.0
    for label in labels:
        w = KEY_HANDLE + KEY_GAP + _text_width(label, KEY_SIZE)
        if x and x + w > width:
            row, x = row + 1, 0.0
        out.append((row, x))
        x += w + KEY_SPACE
    return out


def _key(fig, x0: float, top: float, width: float, entries: list[tuple[str, str, float, object]]) -> list:
    """A key of (label, colour, line width, line style) entries in rows above a
    panel, from inch `top` down, `x0` to `x0 + width`: the plot keeps the whole
    width (a key beside it took a third of a phone-wide chart). Plain lines and
    text: Matplotlib's Legend (offset boxes) took 40% of a chart's time."""
    from matplotlib.lines import Line2D
    added = []
    for (label, colour, lw, style), (row, x) in zip(entries, _flow([e[0] for e in entries], width)):
        y, x = top - (row + 0.5) * KEY_ROW, x0 + x
        added.append(fig.add_artist(Line2D([x, x + KEY_HANDLE], [y, y], transform=fig.dpi_scale_trans,
                                           color=colour, linewidth=lw, linestyle=style, solid_capstyle="butt")))
        added.append(fig.text(x + KEY_HANDLE + KEY_GAP, y, label, transform=fig.dpi_scale_trans, va="center",
                              ha="left", fontsize=KEY_SIZE, color=TEXT))
    return added


def _trend_keys(data: dict) -> list[list[tuple[str, str, float, object]]]:
    """Each panel's key entries: its lines, then the two years' line styles."""
    year, prev = data["year"], data.get("previous_year")
    keys = []
    for panel in data["panels"]:
        key = [(line["label"], PALETTE[line["colour"] % len(PALETTE)], 2.0, "-") for line in panel["lines"]]
        key.append((f"{year} 年", TEXT, 2.0, "-"))
        if prev:
            key.append((f"{prev} 年", TEXT, 1.5, DASHED))
        keys.append(key)
    return keys


class _TrendCanvas:
    """A trend figure with `n` panels, kept by a drawing process and reused for
    every trend chart with as many panels. Building the figure (axes, ticks,
    tick labels) was a third of a chart's time; what changes between charts
    (lines, key, texts, limits, size and positions) is removed and set again
    each time, so a chart's bytes never depend on the charts drawn before it
    (tested).

    Drawn WIDTH inches wide with 9 pt text and shown at its own width at most
    (see the stylesheet), a chart keeps its text at 9 CSS px or more on a
    390 px phone; the panels are stacked and each key sits above its plot."""

    def __init__(self, n: int):
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
        self.fig = Figure(figsize=(WIDTH, 3.0))
        self.axes = list(self.fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0])
        self.added: list = []  # lines and key entries of the chart drawn last
        x = list(range(1, 13))
        for ax in self.axes:
            ax.set_xlim(0.5, 12.5)
            ax.set_xticks(x, MONTH_LABELS)
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            ax.tick_params(length=0, pad=3, left=False, bottom=False)   # labels only: no zero-length marks to draw
            # No x-axis title: placing it would measure every tick label again.
            ax.xaxis.set_label_coords(0.5, 0)
            ax.yaxis.set_major_formatter(FuncFormatter(_num))
            for side in ("left", "bottom"):
                ax.spines[side].set_color(GRID)

    def draw(self, data: dict):
        from matplotlib.ticker import AutoLocator, MaxNLocator
        fig, panels = self.fig, data["panels"]
        for artist in self.added:
            artist.remove()
        self.added = []
        values = [[v for line in p["lines"] for k in ("current", "previous") for v in (line.get(k) or [])
                   if v is not None] for p in panels]
        tops = [max([0.0, *vals]) for vals in values]
        # Fixed margins from the text they must hold: constrained layout measured
        # every label again and drew twice, 40% of a chart's time.
        left = max(_text_width(_num(t * 1.12), 9) for t in tops) + 0.45   # ticks, gap, rotated unit label
        right = 0.12
        plot_w = WIDTH - left - right
        keys = _trend_keys(data)
        rows = [max(r for r, _x in _flow([e[0] for e in key], plot_w)) + 1 for key in keys]
        heights = [rows_i * KEY_ROW + 0.06 + AX_HEIGHT for rows_i in rows]
        height = HEAD + SUBTITLE + sum(heights) + PANEL_GAP * (len(panels) - 1) + FOOT
        fig.set_size_inches(WIDTH, height)
        fig.suptitle(_fit(data["title"], STYLE["figure.titlesize"], WIDTH - 0.2), x=0.1 / WIDTH,
                     y=1 - 0.08 / height, ha="left", va="top", color=TEXT)
        fig.subplots_adjust(left=left / WIDTH, right=1 - right / WIDTH)
        x = list(range(1, 13))
        top = height - HEAD - SUBTITLE
        for i, (ax, panel, top_v, key, n_rows) in enumerate(zip(self.axes, panels, tops, keys, rows)):
            self.added += _key(fig, left, top, plot_w, key)
            ax_top = top - n_rows * KEY_ROW - 0.06
            ax.set_position([left / WIDTH, (ax_top - AX_HEIGHT) / height, plot_w / WIDTH, AX_HEIGHT / height])
            top = ax_top - AX_HEIGHT - PANEL_GAP
            for line in panel["lines"]:
                colour = PALETTE[line["colour"] % len(PALETTE)]
                cur = [math.nan if v is None else v for v in line["current"]]
                self.added += ax.plot(x, cur, color=colour, linewidth=2.0, marker="o", markersize=3.5,
                                      solid_capstyle="round")
                if line.get("previous"):
                    old = [math.nan if v is None else v for v in line["previous"]]
                    self.added += ax.plot(x, old, color=colour, linewidth=1.5, linestyle=DASHED, marker="o",
                                          markersize=2.5, markerfacecolor="none", alpha=0.9)
            ax.set_ylabel(f"单位：{panel['unit']}")
            # Beside the tick labels, placed from their estimated width rather than
            # measured again (11% of a chart): tick pad 3 pt and label pad 4 pt.
            ax.yaxis.set_label_coords(-(_text_width(_num(top_v * 1.12), 9) + 7 / 72) / plot_w, 0.5)
            if panel.get("mean"):   # rates: let the data set the range
                ax.yaxis.set_major_locator(AutoLocator())
                ax.set_autoscaley_on(True)
                ax.relim()
                ax.autoscale_view(scalex=False)
            else:
                ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=3))
                ax.set_ylim(0, max(top_v * 1.12, 1))
            first = i == 0
            # the subtitle row sits above the first panel's key
            pad = (n_rows * KEY_ROW + 0.06) * 72 + 4
            ax.set_title(data.get("subtitle", "") if first else "", loc="left", pad=pad, fontsize=9.5)
            ax.set_title(SAMPLE_LABEL if first and data.get("sample") else "", loc="right", color=SAMPLE,
                         pad=pad, fontsize=9.5)
        return fig


# Ranking and 成效对照 layout, inches (see _ranking_figure, _EffectCanvas).
PANEL_HEAD, TICK_ROW, BAR, EFFECT_AX = 0.26, 0.24, 0.26, 1.7
NAME_MAX = 0.4 * WIDTH   # inches for a ranking chart's unit names; longer ones end in "…"


def _head(fig, data: dict, height: float) -> list:
    """The chart's title at the top left; 样例数据 at the top right for sample
    data (returned: a reused figure removes it before the next chart)."""
    room = WIDTH - 0.2 - (_text_width(SAMPLE_LABEL, 9.5) + 0.15 if data.get("sample") else 0)
    fig.suptitle(_fit(data["title"], STYLE["figure.titlesize"], room), x=0.1 / WIDTH, y=1 - 0.08 / height,
                 ha="left", va="top", color=TEXT)
    if data.get("sample"):
        return [fig.text(1 - 0.08 / WIDTH, 1 - 0.1 / height, SAMPLE_LABEL, ha="right", va="top", fontsize=9.5,
                         color=SAMPLE)]
    return []


def _ranking_figure(data: dict):
    """Sibling units by 同比, one panel a metric stacked (not side by side: on a
    phone three panels abreast left each a finger wide), best at the top.
    Margins are computed from the text they hold, like the trend charts':
    constrained layout measured every label and drew twice (90% of a chart)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    units, panels = data["units"], data["panels"]
    n = len(units)
    units = [_fit(u, 9, NAME_MAX) for u in units]
    left = max([_text_width(u, 9) for u in units] or [0.0]) + 0.2     # names, tick pad
    right = 0.12
    ax_h = BAR * n + 0.1
    foot = 0.36
    height = HEAD + len(panels) * (PANEL_HEAD + ax_h + TICK_ROW) + PANEL_GAP * (len(panels) - 1) + foot
    fig = Figure(figsize=(WIDTH, height))
    _head(fig, data, height)
    y = list(range(n))
    top = height - HEAD
    for panel in panels:
        top -= PANEL_HEAD
        ax = fig.add_axes([left / WIDTH, (top - ax_h) / height, (WIDTH - left - right) / WIDTH, ax_h / height])
        top -= ax_h + TICK_ROW + PANEL_GAP
        vals = panel["values"]
        colours = [GOOD if v == "good" else BAD if v == "bad" else NEUTRAL for v in panel["verdicts"]]
        present = [v for v in vals if v is not None]
        lo, hi = min([0.0, *present]), max([0.0, *present])
        span = (hi - lo) or 10.0
        pad = span * 0.6
        ax.set_xlim(lo - (pad if lo < 0 else span * 0.08), hi + (pad if hi > 0 else span * 0.08))
        # Bars as one collection of thick lines, names and values as plain
        # texts: a Rectangle, a Tick and an Axes.text each were most of a chart.
        ax.hlines(y, 0, [0 if v is None else v for v in vals], colors=colours, linewidth=0.62 * BAR * 72,
                  capstyle="butt")
        ax.axvline(0, color=TEXT, linewidth=0.8)
        names = ax.get_yaxis_transform()
        for yi, v, unit in zip(y, vals, units):
            fig.text(-3 / 72 / (WIDTH - left - right), yi, unit, transform=names, va="center", ha="right",
                     fontsize=9, color=TEXT)
            if v is None:
                fig.text(0, yi, " —", transform=ax.transData, va="center", ha="left", fontsize=9, color=NEUTRAL)
            else:
                text = statpages.fmt_percent(v)
                fig.text(v, yi, f" {text} " if v else " 0.0%", transform=ax.transData, va="center",
                         ha="left" if v >= 0 else "right", fontsize=9, color=TEXT)
        ax.set_title(panel["label"], loc="left", pad=4)
        ax.set_yticks([])
        ax.set_ylim(n - 0.5, -0.5)             # best at the top
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _num(v) + "%"))
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.tick_params(length=0, pad=3, left=False, bottom=False)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_color(GRID)
    fig.text(0.1 / WIDTH, 0.1 / height, data.get("subtitle", "") + "（绿色：改善；红色：变差）", ha="left",
             va="bottom", fontsize=9, color=TEXT)
    return fig


class _EffectCanvas:
    """成效对照: a panel a metric; the unit and its comparison group's mean, each
    indexed to its before-window mean = 100, the group's min–max shaded, a
    vertical line where the practice starts (statpages._effect_chart).
    Fixed margins and a key of plain lines below the plots, like the trend
    charts, and like them kept by a drawing process for every chart with as
    many panels (axes and ticks were half of a chart's time)."""

    def __init__(self, n: int):
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator
        self.fig = Figure(figsize=(WIDTH, 3.0))
        self.axes = []
        self.added: list = []
        for i in range(n):
            ax = self.fig.add_axes([0, 0, 1, 1], sharex=self.axes[0] if self.axes else None)
            self.axes.append(ax)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.yaxis.set_major_formatter(FuncFormatter(_num))
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            ax.tick_params(length=0, pad=4, labelbottom=i == n - 1, left=False, bottom=False)
            ax.xaxis.set_label_coords(0.5, 0)      # no x-axis title (as in the trend charts)
            for side in ("left", "bottom"):
                ax.spines[side].set_color(GRID)

    def draw(self, data: dict):
        fig, panels, months = self.fig, data["panels"], data["months"]
        for artist in self.added:
            artist.remove()
        self.added = []
        own_c, group_c = PALETTE[0], PALETTE[1]
        values = [v for p in panels for k in ("own", "group", "low", "high") for v in p[k] if v is not None]
        widest = max(_text_width(_num(round(v * 1.1)), 9) for v in (min([0.0, *values]), max([0.0, *values])))
        left = 0.12 + 0.16 + widest + 0.1       # axis label (rotated), gap, tick labels, tick pad
        right = 0.12
        plot_w = WIDTH - left - right
        key = [(data["own_label"], own_c, 2.0, "-"), (data["group_label"], group_c, 1.6, DASHED),
               (data["band_label"], group_c + "2e", 7.0, "-"),      # the band's colour at alpha 0.18
               ("开始实施", TEXT, 1.0, (0, (2, 2)))]
        key_rows = max(r for r, _x in _flow([e[0] for e in key], plot_w)) + 1
        foot = TICK_ROW + 0.1 + key_rows * KEY_ROW + 0.1
        n = len(panels)
        height = HEAD + n * (PANEL_HEAD + EFFECT_AX) + PANEL_GAP * (n - 1) + foot
        fig.set_size_inches(WIDTH, height)
        self.added += _head(fig, data, height)
        x = list(range(len(months)))
        ticks = [i for i in x if i % 3 == data["start"] % 3]

        def nan(values):
            return [math.nan if v is None else v for v in values]
        top = height - HEAD
        for ax, panel in zip(self.axes, panels):
            top -= PANEL_HEAD
            ax.set_position([left / WIDTH, (top - EFFECT_AX) / height, plot_w / WIDTH, EFFECT_AX / height])
            top -= EFFECT_AX + PANEL_GAP
            # Empty data limits, as in a new figure: axhline autoscales as it is added.
            ax.relim()
            self.added += [
                ax.fill_between(x, nan(panel["low"]), nan(panel["high"]), color=group_c, alpha=0.18, linewidth=0),
                *ax.plot(x, nan(panel["group"]), color=group_c, linewidth=1.6, linestyle=DASHED),
                *ax.plot(x, nan(panel["own"]), color=own_c, linewidth=2.0, marker="o", markersize=3),
                ax.axhline(100, color=GRID, linewidth=0.8),
                ax.axvline(data["start"] - 0.5, color=TEXT, linewidth=1.0, linestyle=(0, (2, 2)))]
            ax.set_title(panel["label"], loc="left", pad=6, fontsize=9.5)
        self.axes[-1].set_xticks(ticks, [months[i] for i in ticks])
        self.axes[-1].set_xlim(-0.5, len(months) - 0.5)
        self.added += _key(fig, left, foot - TICK_ROW - 0.1, plot_w, key)
        self.added.append(fig.text(0.12 / WIDTH, (foot + (height - HEAD - foot) / 2) / height, data["axis_label"],
                                   rotation=90, ha="center", va="center", fontsize=9, color=TEXT))
        return fig


_CANVASES: dict[tuple, Any] = {}
CANVAS = {"trend": _TrendCanvas, "effect": _EffectCanvas}


def _canvas_figure(kind: str, data: dict, reuse: tuple | None = None):
    """The figure of a trend or 成效对照 chart; `reuse` is a key under which this
    process keeps the figure for the next chart of its kind with as many
    panels (None: a new one)."""
    n = len(data["panels"])
    if reuse is None:
        return CANVAS[kind](n).draw(data)
    key = (kind, n, _environment_hash(), *reuse)   # a figure keeps the style it was made with
    if key not in _CANVASES:
        _CANVASES[key] = CANVAS[kind](n)
    return _CANVASES[key].draw(data)


FIGURES = {"ranking": _ranking_figure}


def render(spec: ChartSpec, out, fmt: str = "svg", rc: Optional[dict] = None, reuse: bool = True,
           dpi: int = 110) -> None:
    """Draw `spec` into a path or binary file object.
    `rc` overrides the style (tests); `reuse`: draw trend charts on this
    process's kept figure (see _TrendCanvas); `dpi`: pixels per inch of a PNG
    (经验汇编's Word file asks for print resolution). No character stops a
    chart: the bundled font only lays text out; in SVG the reader's fonts draw it.
    One chart at a time in a process (the style, the kept figures and the
    metrics memo are shared): the background drawing and 经验汇编's figures may
    both draw in the main process."""
    with _RENDER_LOCK:
        _render(spec, out, fmt, rc, reuse, dpi)


_RENDER_LOCK = threading.RLock()


def _render(spec: ChartSpec, out, fmt: str, rc: Optional[dict], reuse: bool, dpi: int) -> None:
    import matplotlib
    setup_font()
    if spec.kind not in FIGURES and spec.kind not in CANVAS:
        raise ChartError(f"未知的图表类型：{spec.kind}")
    spec = ChartSpec(spec.name, spec.kind, drawable(spec.data))
    style = {**STYLE, **(rc or {})}
    _memo_text_metrics()
    _METRICS_STYLE[0] = tuple(sorted((k, repr(v)) for k, v in (rc or {}).items()))
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # A character outside the bundled subset is laid out one em wide
        # (its .notdef advance); the browser draws it with the reader's font.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        if spec.kind in CANVAS:
            fig = _canvas_figure(spec.kind, spec.data, tuple(sorted((rc or {}).items())) if reuse else None)
        else:
            fig = FIGURES[spec.kind](spec.data)
        if fmt != "svg":
            fig.savefig(out, format=fmt, dpi=dpi)
            return
        # The figure's and the axes' backgrounds are transparent rectangles
        # (the axes' still clips the plot): not drawn, two paths fewer a panel.
        fig.patch.set_visible(False)
        for ax in fig.axes:
            ax.patch.set_visible(False)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata=METADATA)
    svg = buf.getvalue()
    if style["svg.fonttype"] == "none":
        svg = _lighter(svg)
    if isinstance(out, (str, os.PathLike)):
        Path(out).write_bytes(svg)
    else:
        out.write(svg)


def draw_chart(spec: ChartSpec, path: Path, fmt: str = "svg") -> Path:
    """Draw `spec` to `path` atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            render(spec, fh, fmt)
        os.chmod(tmp, 0o644)   # mkstemp makes it 0600; the site links to this file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _draw_job(job: tuple[ChartSpec, str]) -> str:
    """Pool worker (top level, so 'spawn' can pickle it)."""
    spec, target = job
    draw_chart(spec, Path(target))
    return target


def _init_worker() -> None:
    warnings.simplefilter("default")
    setup_font()


# ------------------------------------------------------------------ the cache

def draw_charts(charts: list[ChartSpec], cache_dir: Path, jobs: Optional[int] = None,
                context: str = "spawn", cancel: Optional[threading.Event] = None,
                in_process_max: int = SERIAL_MAX) -> DrawReport:
    """Draw every chart not yet in `cache_dir` (as <key>.svg): up to
    `in_process_max` in this process, more in worker processes, one per
    SERIAL_MAX charts up to `jobs` (default os.cpu_count(); 1 draws in this
    process). `cancel` set: stop drawing soon (a failed build)."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    todo: dict[str, ChartSpec] = {}
    for spec in charts:
        path = cache_dir / f"{chart_key(spec)}.svg"
        files[spec.name] = path
        if not path.exists():
            todo.setdefault(str(path), spec)
    jobs_list = sorted(((spec, target) for target, spec in todo.items()), key=lambda j: j[1])
    procs = min(jobs or os.cpu_count() or 1, -(-len(jobs_list) // SERIAL_MAX))
    if len(jobs_list) <= in_process_max or jobs == 1 or not jobs_list:
        for job in jobs_list:
            if cancel is not None and cancel.is_set():
                break
            _draw_job(job)
    else:
        ctx = multiprocessing.get_context(context)
        chunk = max(1, min(16, len(jobs_list) // (procs * 4)))
        with ctx.Pool(processes=procs, initializer=_init_worker) as pool:
            for _ in pool.imap_unordered(_draw_job, jobs_list, chunksize=chunk):
                if cancel is not None and cancel.is_set():
                    break            # leaving the block terminates the workers
    unique = len({str(p) for p in files.values()})
    return DrawReport(drawn=len(jobs_list), cached=unique - len(jobs_list), files=files)


class Drawing:
    """`draw_charts` in a background thread, started before MkDocs reads a page
    and joined after it wrote the last: drawing (in worker processes, or this
    process for a few charts) and MkDocs' single-threaded rendering overlap.
    Nothing is written into the site here; `place` does that after `join`."""

    def __init__(self, charts: list[ChartSpec], cache_dir: Path, jobs: Optional[int] = None):
        self.report: Optional[DrawReport] = None
        self.error: Optional[BaseException] = None
        self.seconds = 0.0                      # drawing time (beside MkDocs)
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(charts, Path(cache_dir), jobs),
                                        name="jingyan-charts", daemon=True)
        self._thread.start()

    def _run(self, charts, cache_dir, jobs) -> None:
        import time
        t = time.perf_counter()
        try:
            # Always in worker processes (unless jobs=1): a few charts drawn in
            # this process would take the GIL from MkDocs, and importing
            # Matplotlib here costs the main process a second; a worker runs
            # on the core MkDocs leaves idle.
            self.report = draw_charts(charts, cache_dir, jobs, cancel=self._cancel, in_process_max=0)
        except BaseException as e:              # handed to the thread that joins
            self.error = e
        self.seconds = time.perf_counter() - t

    def join(self) -> DrawReport:
        """Wait for the drawing; raise what it raised (ChartError, OSError …)."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report

    def cancel(self) -> None:
        self._cancel.set()
        self._thread.join()


def place(files: dict[str, Path], site_dir: Path) -> int:
    """Put each cached chart at its name under `site_dir`: a hard link (the
    cache is only ever replaced by rename, so a linked file never changes),
    or a copy where linking is impossible (another file system, no
    permission). Returns how many were linked."""
    site_dir = Path(site_dir)
    linked = 0
    made: set[Path] = set()
    for name, src in sorted(files.items()):
        dest = site_dir / name
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        if dest.exists() or dest.is_symlink():  # `serve` rebuilding into the same folder
            dest.unlink()
        try:
            os.link(src, dest)
            linked += 1
        except OSError:
            shutil.copyfile(src, dest)
    return linked


def plan_charts(model) -> list[ChartSpec]:
    """A ChartSpec for every chart that statpages.unit_section / statpages.dashboard refer to."""
    return [ChartSpec(name, kind, data) for name, kind, data in statpages.chart_figures(model)]


def csv_files(model) -> dict[str, str]:
    """Relative path → CSV text of every table download (see statpages.csv_files)."""
    return statpages.csv_files(model)
