"""Charts of the monthly statistics: deterministic SVG, cached, drawn in parallel.

    specs = plan_charts(model)                       # model = stats.build(records)
    report = draw_charts(specs, cache_dir)           # only what changed is drawn
    place(report.files, site_dir)                    # name: "charts/units/<id>/<group>.svg"

    drawing = Drawing(specs, cache_dir)              # the same in a background thread
    ...                                              # (the plugin: while MkDocs renders)
    place(drawing.join().files, site_dir)

Charts are SVG written directly (_Svg): plain lines, dots, a band and text
at positions computed here, in points, with Matplotlib's tick choice
(MaxNLocator) and the text metrics of the font shipped in generator/fonts/
(a GB2312 subset of Noto Sans CJK SC, see its README), so the output never
depends on the fonts of the build machine. Drawing through Matplotlib's
artists and SVG writer took 17-80 ms a chart; this takes under 1 ms, and
the files are half the size. Other formats (PNG for 经验汇编's Word file) are
drawn by Matplotlib from the same layout (_Raster).

Text is SVG text under one font-family rule: our family, then the CJK fonts
readers' systems have (FONT_STACK). The reader's browser draws it, as it
draws the page text, so any character (all of GB 18030, rare place names
like 鄠 or 𠮷 included) is drawable and none stops a build; text widths
for the layout are estimated (full-width 1 em, others 0.62 em). Charts are
drawn WIDTH inches wide with text of 9 pt or more and shown at most at their
own width, so their text stays at 9 CSS px or more on a 390 px phone.

A chart's file name in the cache is the SHA-256 of what it shows, the style,
the font file, this module's source, statpages.fmt_percent's source and the
matplotlib version (its tick choice): a build with
unchanged inputs draws nothing, and same data → same bytes.
"""
from __future__ import annotations

import hashlib
import html
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

from . import cache, statpages

CHART_VERSION = 2
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "JingyanSansSC-Regular.otf"
FONT_FAMILY = "Jingyan Sans SC"
# What the SVG asks the reader's browser for: our family first (for readers who
# install it), then the system CJK fonts of Windows, macOS/iOS, Android/Linux.
FONT_STACK = (FONT_FAMILY, "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
              "WenQuanYi Micro Hei", "sans-serif")
FONT_STACK_CSS = ", ".join(f"'{f}'" if f != "sans-serif" else f for f in FONT_STACK).encode()


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
# Up to this many charts are drawn in this process, by the drawing thread
# beside MkDocs: about 1 ms of CPU each, but every file written hands the
# GIL to and fro with MkDocs' thread (measured: 113 charts drawn beside a
# busy thread cost it 0.35 s; drawn by a spawned worker, 0.09 s). A worker
# costs about half a second of CPU to start, on the core MkDocs leaves idle.
# More are drawn in worker processes, one per WORKER_CHARTS charts (about
# 15 s each); with one core, all in this process.
SERIAL_MAX = 32
WORKER_CHARTS = 20_000

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


class ChartError(Exception):
    """A chart could not be drawn (e.g. a character the font lacks)."""


@dataclass(frozen=True)
class ChartSpec:
    """One chart: `name` is its path relative to the site root; `kind` and
    `data` (plain JSON-like values, picklable) are all that is drawn."""
    name: str
    kind: str          # "trend" | "ranking" | "effect"
    data: dict
    digest: str = ""   # cache.data_digest(kind, data) when the planner kept it; else computed here


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
    import inspect
    # the ranking charts' value labels are statpages.fmt_percent's text (with its minus sign)
    env = {"version": CHART_VERSION, "code": _file_hash(__file__), "font": _file_hash(str(FONT_PATH)),
           "format": hashlib.sha256((inspect.getsource(statpages.fmt_percent) + statpages.MINUS).encode()).hexdigest(),
           "style": sorted((k, repr(v)) for k, v in STYLE.items()), "matplotlib": version("matplotlib")}
    return hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()


def chart_key(spec: ChartSpec) -> str:
    """SHA-256 of the chart's data, style, font, code and matplotlib version."""
    digest = spec.digest or cache.data_digest(spec.kind, spec.data)
    return hashlib.sha256(f"{_environment_hash()}:{digest}".encode()).hexdigest()


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

# One line of text in the bundled font as Matplotlib lays it out (line
# spacing 1.2): ascent above and descent below the baseline, in em. Every
# chart text is one line, so where its baseline goes for any vertical
# alignment follows from these two numbers (tested against Matplotlib).
ASCENT, DESCENT = 0.88, 0.12
_BASELINE = {"baseline": 0.0, "top": ASCENT, "bottom": -DESCENT, "center": (ASCENT - DESCENT) / 2,
             "center_baseline": ASCENT / 2}   # how far below its anchor a text's baseline is, em
_ANCHOR = {"left": "start", "center": "middle", "right": "end"}


def _f(v: float) -> str:
    """A coordinate in points to two decimals (1/7200 inch: the same on any
    screen or printer), in its shortest form."""
    s = f"{v:.2f}"
    if s[-1] == "0":
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _paint(colour: str, alpha: float = 1.0) -> tuple[str, float]:
    """'#rrggbb' or '#rrggbbaa' (and an extra alpha) → ('#rrggbb', opacity)."""
    if len(colour) == 9:
        return colour[:7], alpha * int(colour[7:], 16) / 255
    return colour, alpha


def _opacity(a: float) -> str:
    return f"{a:.5f}".rstrip("0").rstrip(".")


def _d(run: list[tuple[float, float]]) -> str:
    """Path data of a polyline: "M x y L x y x y …"."""
    (x, y), rest = run[0], run[1:]
    return f"M{_f(x)} {_f(y)}L" + " ".join(f"{_f(a)} {_f(b)}" for a, b in rest)


class _Svg:
    """A chart written as SVG directly, in points (1/72 inch) from the top
    left. Matplotlib drew a chart of plain lines and texts through artists,
    transforms, tick machinery and a generic writer whose output then had to
    be lightened by regular expressions: 85% of a chart's CPU time. Here each
    style is one CSS class (named in order of first use, so same data → same
    bytes), markers are round-capped zero-length strokes, and text is SVG text
    the reader's fonts draw (see FONT_STACK)."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width * 72, height * 72
        self.body: list[str] = []
        self.classes: dict[str, str] = {}
        self.clips: list[str] = []

    def _class(self, rule: str) -> str:
        name = self.classes.get(rule)
        if name is None:
            n = len(self.classes)
            name = self.classes[rule] = "abcdefghijklmnopqrstuvwxyz"[n % 26] + (str(n // 26) if n >= 26 else "")
        return name

    def text(self, x: float, y: float, text: str, size: float, colour: str, ha: str = "left",
             va: str = "baseline", rotate: bool = False) -> None:
        """One line of text; (x, y) its anchor, aligned like Matplotlib's `ha`/`va`
        (`rotate`: reading upwards, aligned in its own frame)."""
        if not text:
            return
        shift = _BASELINE[va] * size
        if rotate:
            x += shift
        else:
            y += shift
        fill, a = _paint(colour)
        rule = f"font-size:{_f(size)}px;fill:{fill}" + (f";fill-opacity:{_opacity(a)}" if a < 1 else "")
        if ha != "left":
            rule += f";text-anchor:{_ANCHOR[ha]}"
        x_, y_ = _f(x), _f(y)
        turn = f' transform="rotate(-90 {x_} {y_})"' if rotate else ""
        self.body.append(f'<text class="{self._class(rule)}" x="{x_}" y="{y_}"{turn}>{html.escape(text, quote=False)}</text>')

    def stroke(self, runs: list[list[tuple[float, float]]], colour: str, width: float, dash=None,
               cap: str = "butt", join: str = "round", alpha: float = 1.0) -> None:
        """Polylines (runs of two points or more) in one path; `dash` in points."""
        d = "".join(_d(run) for run in runs if len(run) > 1)
        if not d:
            return
        paint, a = _paint(colour, alpha)
        rule = f"fill:none;stroke:{paint};stroke-width:{_f(width)}"
        if a < 1:
            rule += f";stroke-opacity:{_opacity(a)}"
        if dash:
            rule += ";stroke-dasharray:" + ",".join(_f(v) for v in dash)
        if cap != "butt":
            rule += f";stroke-linecap:{cap}"
        if join != "round":
            rule += f";stroke-linejoin:{join}"
        self.body.append(f'<path class="{self._class(rule)}" d="{d}"/>')

    def dots(self, points: list[tuple[float, float]], radius: float, colour: str, hollow: bool = False,
             alpha: float = 1.0) -> None:
        """Matplotlib's "o" markers (edge 1 pt wide): filled ones as the round
        caps of strokes 0.01 pt long, one path for all (PDF renderers skip
        zero-length ones); hollow ones as circles."""
        if not points:
            return
        paint, a = _paint(colour, alpha)
        opacity = f";stroke-opacity:{_opacity(a)}" if a < 1 else ""
        if not hollow:
            rule = f"fill:none;stroke:{paint};stroke-width:{_f(2 * radius + 1)};stroke-linecap:round{opacity}"
            d = "".join(f"M{_f(x)} {_f(y)}h.01" for x, y in points)
            self.body.append(f'<path class="{self._class(rule)}" d="{d}"/>')
            return
        rule = f"fill:none;stroke:{paint};stroke-width:1{opacity}"
        r = _f(radius)
        self.body.append(f'<g class="{self._class(rule)}">' + "".join(
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{r}"/>' for x, y in points) + "</g>")

    def fill(self, polygons: list[list[tuple[float, float]]], colour: str, alpha: float = 1.0) -> None:
        d = "".join(_d(poly) + "Z" for poly in polygons if len(poly) > 2)
        if d:
            paint, a = _paint(colour, alpha)
            rule = f"fill:{paint};stroke:none" + (f";fill-opacity:{_opacity(a)}" if a < 1 else "")
            self.body.append(f'<path class="{self._class(rule)}" d="{d}"/>')

    def clip(self, x: float, y: float, w: float, h: float) -> None:
        """What is drawn until `unclip` is clipped to this box (a plot's)."""
        cid = f"c{len(self.clips)}"
        self.clips.append(f'<clipPath id="{cid}"><rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}"/>'
                          "</clipPath>")
        self.body.append(f'<g clip-path="url(#{cid})">')

    def unclip(self) -> None:
        self.body.append("</g>")

    def finish(self) -> bytes:
        w, h = _f(self.width), _f(self.height)
        rules = "".join(f".{name}{{{rule}}}" for rule, name in self.classes.items())
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}">\n'
                f'<defs><style type="text/css">text{{font-family: {FONT_STACK_CSS.decode()}}}'
                f'*{{stroke-linejoin:round;stroke-linecap:butt}}{rules}</style>{"".join(self.clips)}</defs>\n'
                + "\n".join(self.body) + "\n</svg>\n").encode("utf-8")


class _Raster:
    """The same drawing calls as _Svg, as Matplotlib artists on a figure (for
    a PNG: 经验汇编's Word file); text drawn with the bundled font."""

    def __init__(self, width: float, height: float):
        from matplotlib.figure import Figure
        from matplotlib.transforms import Affine2D
        self.fig = Figure(figsize=(width, height))
        self.fig.patch.set_visible(False)
        self.points = Affine2D().scale(1 / 72, -1 / 72).translate(0, height) + self.fig.dpi_scale_trans
        self.box = None

    def _add(self, artist):
        if self.box is not None:
            artist.set_clip_path(self.box)
        self.fig.add_artist(artist)

    def text(self, x, y, text, size, colour, ha="left", va="baseline", rotate=False):
        if not text:
            return
        shift = _BASELINE[va] * size
        x, y = (x + shift, y) if rotate else (x, y + shift)
        self.fig.text(x, y, text, transform=self.points, ha=ha, va="baseline", fontsize=size, color=colour,
                      rotation=90 if rotate else 0, rotation_mode="anchor")

    def stroke(self, runs, colour, width, dash=None, cap="butt", join="round", alpha=1.0):
        from matplotlib.lines import Line2D
        paint, a = _paint(colour, alpha)
        style = (0, [v / width for v in dash]) if dash else "-"
        capstyle = {"square": "projecting"}.get(cap, cap)
        for run in runs:
            if len(run) > 1:
                self._add(Line2D([p[0] for p in run], [p[1] for p in run], transform=self.points, color=paint,
                                 alpha=a, linewidth=width, linestyle=style, solid_capstyle=capstyle,
                                 dash_capstyle=capstyle, solid_joinstyle=join))

    def dots(self, points, radius, colour, hollow=False, alpha=1.0):
        from matplotlib.lines import Line2D
        if points:
            paint, a = _paint(colour, alpha)
            self._add(Line2D([p[0] for p in points], [p[1] for p in points], transform=self.points,
                             linestyle="none", marker="o", markersize=2 * radius, markeredgewidth=1,
                             color=paint, alpha=a, markerfacecolor="none" if hollow else paint))

    def fill(self, polygons, colour, alpha=1.0):
        from matplotlib.patches import Polygon
        paint, a = _paint(colour, alpha)
        for poly in polygons:
            if len(poly) > 2:
                self._add(Polygon(poly, closed=True, transform=self.points, facecolor=paint, alpha=a, linewidth=0))

    def clip(self, x, y, w, h):
        from matplotlib.patches import Rectangle
        self.box = Rectangle((x, y), w, h, transform=self.points)

    def unclip(self):
        self.box = None


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


# ------------------------------------------------------------------ plots and ticks

@lru_cache(maxsize=None)
def _locator(nbins: int, integer: bool = False, min_n_ticks: int = 2, steps: tuple | None = None):
    from matplotlib.ticker import MaxNLocator
    return MaxNLocator(nbins=nbins, integer=integer, min_n_ticks=min_n_ticks, steps=steps)


def _ticks(lo: float, hi: float, nbins: int, **kw) -> list[float]:
    """Matplotlib's MaxNLocator ticks within [lo, hi] (the algorithm Matplotlib's
    axes used; only the axis machinery around it is gone)."""
    a, b = min(lo, hi), max(lo, hi)
    slack = 1e-10 * (b - a)
    return [float(t) for t in _locator(nbins, **kw).tick_values(lo, hi) if a - slack <= t <= b + slack]


def _nonsingular(lo: float, hi: float, expander: float = 0.001) -> tuple[float, float]:
    """A range that is not a point (Matplotlib's transforms.nonsingular, which
    its autoscaling used, deprecated there in 3.11)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return -expander, expander
    lo, hi = min(lo, hi), max(lo, hi)
    largest = max(abs(lo), abs(hi))
    if largest < 1e6 / 1e-15 * 2.2250738585072014e-308:
        return -expander, expander
    if hi - lo <= largest * 1e-15:
        if hi == 0 and lo == 0:
            return -expander, expander
        lo, hi = lo - expander * abs(lo), hi + expander * abs(hi)
    return lo, hi


def _auto_limits(values: list, margin: float = 0.05) -> tuple[float, float]:
    """The range Matplotlib's autoscaling gave a plot of `values`: their span
    (widened if it is a point), 5% more each side."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (-math.inf, math.inf)
    lo, hi = _nonsingular(lo, hi, expander=0.05)
    pad = (hi - lo) * margin
    return _nonsingular(lo - pad, hi + pad)


class _Plot:
    """A plot's box on the chart (points, from the top left; `top` from the
    top edge) and its linear data limits (`ylim` may run downwards)."""

    def __init__(self, left: float, top: float, width: float, height: float, xlim, ylim):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.x0, self.y0 = xlim[0], ylim[0]
        self.sx = width / (xlim[1] - xlim[0])
        self.sy = height / (ylim[1] - ylim[0])

    def x(self, v: float) -> float:
        return self.left + (v - self.x0) * self.sx

    def y(self, v: float) -> float:
        return self.top + self.height - (v - self.y0) * self.sy

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    def runs(self, xs, ys) -> list[list[tuple[float, float]]]:
        """Points of a line, split where a value is missing (None)."""
        runs, run = [], []
        for x, y in zip(xs, ys):
            if y is None or not math.isfinite(y):
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((self.x(x), self.y(y)))
        if run:
            runs.append(run)
        return runs

    def begin(self, c) -> None:
        c.clip(self.left, self.top, self.width, self.height)

    def y_grid(self, c, ticks, size: float, pad: float, labels: bool = True) -> None:
        """Horizontal grid lines at `ticks` and their labels left of the plot."""
        ys = [self.y(t) for t in ticks]
        self.begin(c)
        c.stroke([[(self.left, y), (self.right, y)] for y in ys], GRID, 0.8, cap="square")
        c.unclip()
        if labels:
            for t, y in zip(ticks, ys):
                c.text(self.left - pad, y, _num(t), size, TEXT, ha="right", va="center_baseline")

    def spines(self, c, left: bool = True, bottom: bool = True) -> None:
        if left and bottom:
            run = [(self.left, self.top), (self.left, self.bottom), (self.right, self.bottom)]
        elif left or bottom:
            run = [(self.left, self.top), (self.left, self.bottom)] if left else \
                  [(self.left, self.bottom), (self.right, self.bottom)]
        else:
            return
        c.stroke([run], GRID, 0.8, cap="square", join="miter")


DASHED = (4, 2.5)       # dash pattern in line widths (Matplotlib's scale_dashes)
DOTTED = (2, 2)
KEY_ROW, KEY_HANDLE, KEY_GAP, KEY_SPACE = 0.2, 0.3, 0.07, 0.2   # inches
KEY_SIZE = 9
# Trend layout, inches from the top of the figure down (see _trend).
HEAD, SUBTITLE, AX_HEIGHT, PANEL_GAP, FOOT = 0.36, 0.24, 1.5, 0.2, 0.36


def _dash(pattern, width: float):
    return [v * width for v in pattern] if pattern else None


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


def _key(c, x0: float, top: float, width: float, entries: list[tuple[str, str, float, object]]) -> None:
    """A key of (label, colour, line width, dash pattern) entries in rows, from
    inch `top` (from the chart's top) down, `x0` to `x0 + width`: the plot keeps
    the whole width (a key beside it took a third of a phone-wide chart)."""
    for (label, colour, lw, dash), (row, x) in zip(entries, _flow([e[0] for e in entries], width)):
        y, x = (top + (row + 0.5) * KEY_ROW) * 72, (x0 + x) * 72
        c.stroke([[(x, y), (x + KEY_HANDLE * 72, y)]], colour, lw, _dash(dash, lw))
        c.text(x + (KEY_HANDLE + KEY_GAP) * 72, y, label, KEY_SIZE, TEXT, va="center")


def _title(c, data: dict, style: dict, room: float) -> None:
    size = style["figure.titlesize"]
    c.text(0.1 * 72, 0.08 * 72, _fit(data["title"], size, room), size, TEXT, va="top")


def _trend_keys(data: dict) -> list[list[tuple[str, str, float, object]]]:
    """Each panel's key entries: its lines, then the two years' line styles."""
    year, prev = data["year"], data.get("previous_year")
    keys = []
    for panel in data["panels"]:
        key = [(line["label"], PALETTE[line["colour"] % len(PALETTE)], 2.0, None) for line in panel["lines"]]
        key.append((f"{year} 年", TEXT, 2.0, None))
        if prev:
            key.append((f"{prev} 年", TEXT, 1.5, DASHED))
        keys.append(key)
    return keys


def _trend(canvas, data: dict, style: dict):
    """Monthly trend: a panel a unit of measure, stacked; this year's lines
    solid with dots, last year's dashed with rings; each key above its plot.
    Drawn WIDTH inches wide with 9 pt text and shown at its own width at most
    (see the stylesheet), a chart keeps its text at 9 CSS px or more on a
    390 px phone. Margins are computed from the text they must hold."""
    panels = data["panels"]
    values = [[v for line in p["lines"] for k in ("current", "previous") for v in (line.get(k) or [])
               if v is not None] for p in panels]
    tops = [max([0.0, *vals]) for vals in values]
    tick_size, label_size = style["ytick.labelsize"], style["axes.labelsize"]
    left = max(_text_width(_num(t * 1.12), 9) for t in tops) + 0.45   # ticks, gap, rotated unit label
    right = 0.12
    plot_w = WIDTH - left - right
    keys = _trend_keys(data)
    rows = [max(r for r, _x in _flow([e[0] for e in key], plot_w)) + 1 for key in keys]
    height = (HEAD + SUBTITLE + sum(r * KEY_ROW + 0.06 + AX_HEIGHT for r in rows)
              + PANEL_GAP * (len(panels) - 1) + FOOT)
    c = canvas(WIDTH, height)
    x = list(range(1, 13))
    top = HEAD + SUBTITLE                               # inches from the top
    for i, (panel, top_v, key, n_rows) in enumerate(zip(panels, tops, keys, rows)):
        _key(c, left, top, plot_w, key)
        ax_top = top + n_rows * KEY_ROW + 0.06
        top = ax_top + AX_HEIGHT + PANEL_GAP
        if panel.get("mean"):   # rates: let the data set the range
            ylim = _auto_limits(values[i])
            # Matplotlib's AutoLocator: as many bins as 2-label-high rows fit (at most 9)
            ticks = _ticks(*ylim, nbins=min(9, max(1, int(AX_HEIGHT * 72 // (tick_size * 2)))),
                           steps=(1, 2, 2.5, 5, 10))
        else:
            ylim = (0.0, max(top_v * 1.12, 1))
            ticks = _ticks(*ylim, nbins=4, integer=True, min_n_ticks=3)
        p = _Plot(left * 72, ax_top * 72, plot_w * 72, AX_HEIGHT * 72, (0.5, 12.5), ylim)
        if i == len(panels) - 1:                        # months under the last panel only
            for m, label in zip(x, MONTH_LABELS):
                c.text(p.x(m), p.bottom + 3, label, style["xtick.labelsize"], TEXT, ha="center", va="top")
        p.y_grid(c, ticks, tick_size, 3)
        # The unit label beside the tick labels (their estimated width, tick pad
        # 3 pt, label pad 4 pt), reading upwards.
        c.text(p.left - (_text_width(_num(top_v * 1.12), 9) * 72 + 7), p.top + p.height / 2,
               f"单位：{panel['unit']}", label_size, TEXT, ha="center", va="bottom", rotate=True)
        p.begin(c)
        for line in panel["lines"]:
            colour = PALETTE[line["colour"] % len(PALETTE)]
            runs = p.runs(x, line["current"])
            c.stroke(runs, colour, 2.0, cap="round")
            c.dots([pt for run in runs for pt in run], 1.75, colour)
            if line.get("previous"):
                runs = p.runs(x, line["previous"])
                c.stroke(runs, colour, 1.5, _dash(DASHED, 1.5), alpha=0.9)
                c.dots([pt for run in runs for pt in run], 1.25, colour, hollow=True, alpha=0.9)
        c.unclip()
        p.spines(c)
        if i == 0:   # the subtitle row sits above the first panel's key
            pad = (n_rows * KEY_ROW + 0.06) * 72 + 4
            c.text(p.left, p.top - pad, data.get("subtitle", ""), 9.5, TEXT)
            if data.get("sample"):
                c.text(p.right, p.top - pad, SAMPLE_LABEL, 9.5, SAMPLE, ha="right")
    _title(c, data, style, WIDTH - 0.2)
    return c


# Ranking and 成效对照 layout, inches (see _ranking, _effect).
PANEL_HEAD, TICK_ROW, BAR, EFFECT_AX = 0.26, 0.24, 0.26, 1.7
NAME_MAX = 0.4 * WIDTH   # inches for a ranking chart's unit names; longer ones end in "…"


def _head(c, data: dict, style: dict) -> None:
    """The chart's title at the top left; 样例数据 at the top right for sample data."""
    sample = data.get("sample")
    _title(c, data, style, WIDTH - 0.2 - (_text_width(SAMPLE_LABEL, 9.5) + 0.15 if sample else 0))
    if sample:
        c.text((WIDTH - 0.08) * 72, 0.1 * 72, SAMPLE_LABEL, 9.5, SAMPLE, ha="right", va="top")


def _ranking(canvas, data: dict, style: dict):
    """Sibling units by 同比, one panel a metric stacked (not side by side: on a
    phone three panels abreast left each a finger wide), best at the top:
    bars from zero, green better, red worse, the value at each bar's end."""
    units, panels = data["units"], data["panels"]
    n = len(units)
    units = [_fit(u, 9, NAME_MAX) for u in units]
    left = max([_text_width(u, 9) for u in units] or [0.0]) + 0.2     # names, tick pad
    right = 0.12
    plot_w = WIDTH - left - right
    ax_h = BAR * n + 0.1
    foot = 0.36
    height = HEAD + len(panels) * (PANEL_HEAD + ax_h + TICK_ROW) + PANEL_GAP * (len(panels) - 1) + foot
    c = canvas(WIDTH, height)
    top = HEAD
    for panel in panels:
        top += PANEL_HEAD
        vals = panel["values"]
        present = [v for v in vals if v is not None]
        lo, hi = min([0.0, *present]), max([0.0, *present])
        span = (hi - lo) or 10.0
        pad = span * 0.6
        xlim = (lo - (pad if lo < 0 else span * 0.08), hi + (pad if hi > 0 else span * 0.08))
        p = _Plot(left * 72, top * 72, plot_w * 72, ax_h * 72, xlim, (max(n, 1) - 0.5, -0.5))   # best at the top
        top += ax_h + TICK_ROW + PANEL_GAP
        p.begin(c)
        for verdict in ("good", "bad", None):       # one path a colour, in a fixed order
            bars = [[(p.x(0), p.y(yi)), (p.x(v), p.y(yi))] for yi, (v, ver) in enumerate(zip(vals, panel["verdicts"]))
                    if v is not None and (ver if ver in ("good", "bad") else None) == verdict]
            c.stroke(bars, {"good": GOOD, "bad": BAD, None: NEUTRAL}[verdict], 0.62 * BAR * 72)
        c.unclip()
        ticks = _ticks(*xlim, nbins=4)
        p.begin(c)
        c.stroke([[(p.x(t), p.top), (p.x(t), p.bottom)] for t in ticks], GRID, 0.8, cap="square")
        c.unclip()
        for t in ticks:
            c.text(p.x(t), p.bottom + 3, _num(t) + "%", style["xtick.labelsize"], TEXT, ha="center", va="top")
        p.begin(c)
        c.stroke([[(p.x(0), p.top), (p.x(0), p.bottom)]], TEXT, 0.8, cap="square")
        c.unclip()
        p.spines(c, left=False)
        c.text(p.left, p.top - 4, panel["label"], style["axes.titlesize"], TEXT)
        for yi, (v, unit) in enumerate(zip(vals, units)):
            y = p.y(yi)
            c.text(p.left - 3, y, unit, 9, TEXT, ha="right", va="center")
            if v is None:
                c.text(p.x(0), y, " —", 9, NEUTRAL, va="center")
            else:
                text = statpages.fmt_percent(v)
                c.text(p.x(v), y, f" {text} " if v else " 0.0%", 9, TEXT, ha="left" if v >= 0 else "right",
                       va="center")
    c.text(0.1 * 72, (height - 0.1) * 72, data.get("subtitle", "") + "（绿色：改善；红色：变差）", 9, TEXT,
           va="bottom")
    _head(c, data, style)
    return c


def _effect(canvas, data: dict, style: dict):
    """成效对照: a panel a metric; the unit and its comparison group's mean, each
    indexed to its before-window mean = 100, the group's min–max shaded, a
    vertical line where the practice starts (statpages._effect_chart). Fixed
    margins and a key of plain lines below the plots, like the trend charts."""
    panels, months = data["panels"], data["months"]
    own_c, group_c = PALETTE[0], PALETTE[1]
    values = [v for p in panels for k in ("own", "group", "low", "high") for v in p[k] if v is not None]
    widest = max(_text_width(_num(round(v * 1.1)), 9) for v in (min([0.0, *values]), max([0.0, *values])))
    left = 0.12 + 0.16 + widest + 0.1       # axis label (rotated), gap, tick labels, tick pad
    right = 0.12
    plot_w = WIDTH - left - right
    key = [(data["own_label"], own_c, 2.0, None), (data["group_label"], group_c, 1.6, DASHED),
           (data["band_label"], group_c + "2e", 7.0, None),      # the band's colour at alpha 0.18
           ("开始实施", TEXT, 1.0, DOTTED)]
    key_rows = max(r for r, _x in _flow([e[0] for e in key], plot_w)) + 1
    foot = TICK_ROW + 0.1 + key_rows * KEY_ROW + 0.1
    n = len(panels)
    height = HEAD + n * (PANEL_HEAD + EFFECT_AX) + PANEL_GAP * (n - 1) + foot
    c = canvas(WIDTH, height)
    x = list(range(len(months)))
    ticks = [i for i in x if i % 3 == data["start"] % 3]
    top = HEAD
    for i, panel in enumerate(panels):
        top += PANEL_HEAD
        # the range autoscaling gave: the band, both lines and the 100 line
        ylim = _auto_limits([v for k in ("low", "high", "group", "own") for v in panel[k]] + [100.0])
        p = _Plot(left * 72, top * 72, plot_w * 72, EFFECT_AX * 72, (-0.5, len(months) - 0.5), ylim)
        top += EFFECT_AX + PANEL_GAP
        band, run = [], []
        for xi, lo, hi in zip(x, panel["low"], panel["high"]):
            if lo is None or hi is None:
                band.append(run)
                run = []
            else:
                run.append((xi, lo, hi))
        band.append(run)
        p.begin(c)
        c.fill([[(p.x(xi), p.y(lo)) for xi, lo, _h in r] + [(p.x(xi), p.y(hi)) for xi, _l, hi in reversed(r)]
                for r in band if len(r) > 1], group_c, 0.18)
        c.unclip()
        if i == n - 1:
            for t in ticks:
                c.text(p.x(t), p.bottom + 4, months[t], style["xtick.labelsize"], TEXT, ha="center", va="top")
        p.y_grid(c, _ticks(*ylim, nbins=4), style["ytick.labelsize"], 4)
        p.begin(c)
        c.stroke(p.runs(x, panel["group"]), group_c, 1.6, _dash(DASHED, 1.6))
        runs = p.runs(x, panel["own"])
        c.stroke(runs, own_c, 2.0, cap="square")
        c.dots([pt for run in runs for pt in run], 1.5, own_c)
        c.stroke([[(p.left, p.y(100)), (p.right, p.y(100))]], GRID, 0.8, cap="square")
        start = p.x(data["start"] - 0.5)
        c.stroke([[(start, p.bottom), (start, p.top)]], TEXT, 1.0, _dash(DOTTED, 1.0))   # dashes from the bottom
        c.unclip()
        p.spines(c)
        c.text(p.left, p.top - 6, panel["label"], 9.5, TEXT)
    _key(c, left, height - (foot - TICK_ROW - 0.1), plot_w, key)
    c.text(0.12 * 72, (height - (foot + (height - HEAD - foot) / 2)) * 72, data["axis_label"], 9, TEXT,
           ha="center", va="center", rotate=True)
    _head(c, data, style)
    return c


FIGURES = {"trend": _trend, "ranking": _ranking, "effect": _effect}


def render(spec: ChartSpec, out, fmt: str = "svg", rc: Optional[dict] = None, dpi: int = 110) -> None:
    """Draw `spec` into a path or binary file object.
    `rc` overrides the style (tests); `dpi`: pixels per inch of a PNG
    (经验汇编's Word file asks for print resolution). SVG is written
    directly (_Svg); other formats are drawn by Matplotlib from the same
    layout (_Raster). No character stops a chart: the bundled font only lays
    text out; in SVG the reader's fonts draw it."""
    if spec.kind not in FIGURES:
        raise ChartError(f"未知的图表类型：{spec.kind}")
    data = drawable(spec.data)
    style = {**STYLE, **(rc or {})}
    if fmt == "svg":
        data = FIGURES[spec.kind](_Svg, data, style).finish()
    else:
        with _RENDER_LOCK:   # Matplotlib's style is global to a process
            data = _raster(spec.kind, data, style, fmt, dpi)
    if isinstance(out, (str, os.PathLike)):
        Path(out).write_bytes(data)
    else:
        out.write(data)


_RENDER_LOCK = threading.RLock()


def _raster(kind: str, data: dict, style: dict, fmt: str, dpi: int) -> bytes:
    import matplotlib
    setup_font()
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # A character outside the bundled subset is drawn as its .notdef box.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        fig = FIGURES[kind](_Raster, data, style).fig
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()


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


# ------------------------------------------------------------------ the cache

def draw_charts(charts: list[ChartSpec], cache_dir: Path, jobs: Optional[int] = None,
                context: str = "spawn", cancel: Optional[threading.Event] = None,
                in_process_max: int = SERIAL_MAX) -> DrawReport:
    """Draw every chart not yet in `cache_dir` (as <key>.svg): up to
    `in_process_max` in this process, more in worker processes, one per
    WORKER_CHARTS charts up to `jobs` (default os.cpu_count(); 1 draws in
    this process). `cancel` set: stop drawing soon (a failed build)."""
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
    procs = min(jobs or os.cpu_count() or 1, -(-len(jobs_list) // WORKER_CHARTS))
    if len(jobs_list) <= in_process_max or (jobs or os.cpu_count() or 1) == 1 or not jobs_list:
        for job in jobs_list:
            if cancel is not None and cancel.is_set():
                break
            _draw_job(job)
    else:
        ctx = multiprocessing.get_context(context)
        chunk = max(1, min(64, len(jobs_list) // (procs * 4)))
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
            # A few dozen charts in this process (cheaper than starting a
            # worker, and a moment of the GIL); more in worker processes, on
            # the core MkDocs leaves idle (SERIAL_MAX).
            self.report = draw_charts(charts, cache_dir, jobs, cancel=self._cancel)
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
    return [ChartSpec(*f) for f in statpages.chart_figures(model)]


def csv_files(model) -> dict[str, str]:
    """Relative path → CSV text of every table download (see statpages.csv_files)."""
    return statpages.csv_files(model)
