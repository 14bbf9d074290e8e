"""Charts of the monthly statistics: deterministic SVG, cached, drawn in parallel.

    specs = plan_charts(model)                       # model = stats.build(records)
    report = draw_charts(specs, cache_dir)           # only what changed is drawn
    for name, path in report.files.items():          # name: "charts/units/<id>/<group>.svg"
        copy path → site_dir / name

Text is drawn with the font shipped in generator/fonts/ (a subset of Noto
Sans CJK SC, see its README), registered with matplotlib by path and used by
its own family name, so the output never depends on the fonts of the machine.
Text is stored as glyph outlines (svg.fonttype "path"): the charts look the
same in every browser without a web font. A character the font lacks stops
the build with `ChartError` instead of drawing a box.

A chart's file name in the cache is the SHA-256 of what it shows, the style,
the font file, this module's source and the matplotlib version: a build with
unchanged inputs draws nothing, and same data → same bytes.
"""
from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
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

# Mid-tone colours that read on white and on Material's dark slate (#1e2129);
# the figure background is transparent.
TEXT = "#8b919a"
GRID = "#8b919a40"
PALETTE = ("#4f8fe6", "#ef8a3c", "#2fb09a", "#b07be0", "#d9a92e", "#e2669a", "#6aa84f", "#7f8fa6")
GOOD, BAD, NEUTRAL = "#3aa655", "#e0564d", "#8b919a"
SAMPLE = "#e08a2e"
MONTH_LABELS = tuple(f"{m}月" for m in range(1, 13))
SAMPLE_LABEL = "样例数据"
WIDTH = 8.0
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
    "svg.fonttype": "path",
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
    import matplotlib
    env = {"version": CHART_VERSION, "code": _file_hash(__file__), "font": _file_hash(str(FONT_PATH)),
           "style": sorted((k, repr(v)) for k, v in STYLE.items()), "matplotlib": matplotlib.__version__}
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
    from matplotlib.ft2font import FT2Font
    return frozenset(FT2Font(str(FONT_PATH)).get_charmap())


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


FIXED_TEXT = "".join(MONTH_LABELS) + SAMPLE_LABEL + "0123456789.,%+−—年与逐月对比单位：改善变差无可比数据"


def check_glyphs(spec: ChartSpec) -> None:
    """Raise ChartError naming the first character of the chart the font lacks."""
    have = font_charset()
    for text in [*_strings(spec.data), FIXED_TEXT]:
        for ch in text:
            if ord(ch) not in have and not ch.isspace():
                raise ChartError(
                    f"图表 {spec.name} 中的字符“{ch}”（U+{ord(ch):04X}，出现在“{text}”中）不在内置字体里。"
                    "请运行 python -m generator.fonts.make_subset 重新生成字体子集后再构建。")


# ------------------------------------------------------------------ drawing

def _num(v: float, _pos=None) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{int(round(v))}".replace("-", "\u2212")
    return f"{v:.1f}".replace("-", "\u2212")


def _text_width(text: str, points: float) -> float:
    """Inches `text` takes at `points` size: full-width (CJK) glyphs 1 em, others 0.62 em."""
    em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)
    return em * points / 72


DASHED = (0, (4, 2.5))
KEY_ROW, KEY_HANDLE, KEY_GAP = 0.21, 0.33, 0.09   # inches


def _key(fig, ax, entries: list[tuple[str, str, float, object]]) -> list:
    """A legend right of `ax`: (label, colour, line width, line style) a row.
    Plain lines and text in inches: Matplotlib's Legend (offset boxes) took
    40% of a trend chart's time."""
    from matplotlib.lines import Line2D
    box = ax.get_position()
    w, h = fig.get_size_inches()
    x, y = box.x1 * w + 0.12, box.y1 * h - 0.08
    added = []
    for i, (label, colour, width, style) in enumerate(entries):
        row = y - i * KEY_ROW
        added.append(fig.add_artist(Line2D([x, x + KEY_HANDLE], [row, row], transform=fig.dpi_scale_trans,
                                           color=colour, linewidth=width, linestyle=style, solid_capstyle="butt")))
        added.append(fig.text(x + KEY_HANDLE + KEY_GAP, row, label, transform=fig.dpi_scale_trans, va="center",
                              ha="left", fontsize=9, color=TEXT))
    return added


class _TrendCanvas:
    """A trend figure with `n` panels, kept by a drawing process and reused for
    every trend chart with as many panels. Building the figure (axes, ticks,
    tick labels) was a third of a chart's time; what changes between charts
    (lines, key, texts, limits, margins) is removed and set again each time,
    so a chart's bytes never depend on the charts drawn before it (tested)."""

    def __init__(self, n: int):
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
        self.height = 3.6 + 2.3 * (n - 1)
        self.fig = Figure(figsize=(WIDTH, self.height))
        self.axes = list(self.fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0])
        self.added: list = []  # lines and key entries of the chart drawn last
        x = list(range(1, 13))
        for ax in self.axes:
            ax.set_xlim(0.5, 12.5)
            ax.set_xticks(x, MONTH_LABELS)
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            ax.tick_params(length=0, pad=4)
            ax.yaxis.set_major_formatter(FuncFormatter(_num))
            for side in ("left", "bottom"):
                ax.spines[side].set_color(GRID)

    def draw(self, data: dict):
        from matplotlib.ticker import AutoLocator, MaxNLocator
        fig, panels = self.fig, data["panels"]
        for artist in self.added:
            artist.remove()
        self.added = []
        year, prev = data["year"], data.get("previous_year")
        values = [[v for line in p["lines"] for k in ("current", "previous") for v in (line.get(k) or [])
                   if v is not None] for p in panels]
        tops = [max([0.0, *vals]) for vals in values]
        # Fixed margins from the text they must hold: constrained layout measured
        # every label again and drew twice, 40% of a chart's time.
        labels = [line["label"] for p in panels for line in p["lines"]] + [f"{year} 年"]
        left = max(_text_width(_num(t * 1.12), 9) for t in tops) + 0.55   # ticks, gap, rotated unit label
        right = max(_text_width(t, 9) for t in labels) + 0.12 + KEY_HANDLE + KEY_GAP + 0.2
        fig.subplots_adjust(left=left / WIDTH, right=1 - right / WIDTH, top=1 - 0.78 / self.height,
                            bottom=0.42 / self.height, hspace=0.16)
        fig.suptitle(data["title"], x=0.01, ha="left", color=TEXT)
        x = list(range(1, 13))
        for i, (ax, panel, top) in enumerate(zip(self.axes, panels, tops)):
            key = []
            for line in panel["lines"]:
                colour = PALETTE[line["colour"] % len(PALETTE)]
                cur = [math.nan if v is None else v for v in line["current"]]
                self.added += ax.plot(x, cur, color=colour, linewidth=2.0, marker="o", markersize=3.5,
                                      solid_capstyle="round")
                key.append((line["label"], colour, 2.0, "-"))
                if line.get("previous"):
                    old = [math.nan if v is None else v for v in line["previous"]]
                    self.added += ax.plot(x, old, color=colour, linewidth=1.5, linestyle=DASHED, marker="o",
                                          markersize=2.5, markerfacecolor="none", alpha=0.9)
            key.append((f"{year} 年", TEXT, 2.0, "-"))
            if prev:
                key.append((f"{prev} 年", TEXT, 1.5, DASHED))
            self.added += _key(fig, ax, key)
            ax.set_ylabel(f"单位：{panel['unit']}")
            # Beside the tick labels, placed from their estimated width rather than
            # measured again (11% of a chart): tick pad and label pad 4 pt each.
            axes_width = WIDTH * (1 - right / WIDTH) - left
            ax.yaxis.set_label_coords(-(_text_width(_num(top * 1.12), 9) + 8 / 72) / axes_width, 0.5)
            if panel.get("mean"):   # rates: let the data set the range
                ax.yaxis.set_major_locator(AutoLocator())
                ax.set_autoscaley_on(True)
                ax.relim()
                ax.autoscale_view(scalex=False)
            else:
                ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))
                ax.set_ylim(0, max(top * 1.12, 1))
            first = i == 0
            ax.set_title(data.get("subtitle", "") if first else "", loc="left", pad=8)
            ax.set_title(SAMPLE_LABEL if first and data.get("sample") else "", loc="right", color=SAMPLE,
                         pad=8, fontsize=10)
        return fig


_CANVASES: dict[tuple, _TrendCanvas] = {}


def _trend_figure(data: dict, reuse: tuple | None = None):
    """The figure of a trend chart; `reuse` is a key under which this process
    keeps the figure for the next chart with as many panels (None: a new one)."""
    n = len(data["panels"])
    if reuse is None:
        return _TrendCanvas(n).draw(data)
    key = (n, *reuse)
    if key not in _CANVASES:
        _CANVASES[key] = _TrendCanvas(n)
    return _CANVASES[key].draw(data)


def _ranking_figure(data: dict):
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    units, panels = data["units"], data["panels"]
    n = len(units)
    fig = Figure(figsize=(WIDTH, max(2.8, 1.5 + 0.32 * n)), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    fig.suptitle(data["title"], x=0.01, ha="left", color=TEXT)
    y = list(range(n))
    for i, (ax, panel) in enumerate(zip(axes, panels)):
        vals = panel["values"]
        colours = [GOOD if v == "good" else BAD if v == "bad" else NEUTRAL for v in panel["verdicts"]]
        present = [v for v in vals if v is not None]
        lo, hi = min([0.0, *present]), max([0.0, *present])
        span = (hi - lo) or 10.0
        pad = span * 0.55
        ax.set_xlim(lo - (pad if lo < 0 else span * 0.08), hi + (pad if hi > 0 else span * 0.08))
        ax.barh(y, [0 if v is None else v for v in vals], color=colours, height=0.62)
        ax.axvline(0, color=TEXT, linewidth=0.8)
        for yi, v in zip(y, vals):
            if v is None:
                ax.text(0, yi, " —", va="center", ha="left", fontsize=8.5, color=NEUTRAL)
            else:
                text = statpages.fmt_percent(v)
                ax.text(v, yi, f" {text} " if v else " 0.0%", va="center", ha="left" if v >= 0 else "right",
                        fontsize=8.5, color=TEXT)
        ax.set_title(panel["label"], pad=6)
        if i == 0:
            ax.set_yticks(y, units)
        else:
            ax.tick_params(labelleft=False)
        ax.set_ylim(n - 0.5, -0.5)             # best at the top
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _num(v) + "%"))
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.tick_params(length=0, pad=4)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_color(GRID)
    fig.supxlabel(data.get("subtitle", "") + "（绿色：改善；红色：变差）", x=0.01, ha="left",
                  fontsize=9, color=TEXT)
    if data.get("sample"):
        fig.text(0.99, 0.98, SAMPLE_LABEL, ha="right", va="top", fontsize=10, color=SAMPLE)
    return fig


def _effect_figure(data: dict):
    """成效对照: a panel a metric; the unit and its comparison group's mean, each
    indexed to its before-window mean = 100, the group's min–max shaded, a
    vertical line where the practice starts (statpages._effect_chart)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    panels, months = data["panels"], data["months"]
    n = len(panels)
    fig = Figure(figsize=(WIDTH, 1.7 + 2.2 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(data["title"], x=0.01, ha="left", color=TEXT)
    x = list(range(len(months)))
    own_c, group_c = PALETTE[0], PALETTE[1]

    def nan(values):
        return [math.nan if v is None else v for v in values]
    for i, (ax, panel) in enumerate(zip(axes, panels)):
        ax.fill_between(x, nan(panel["low"]), nan(panel["high"]), color=group_c, alpha=0.18, linewidth=0)
        ax.plot(x, nan(panel["group"]), color=group_c, linewidth=1.6, linestyle=DASHED)
        ax.plot(x, nan(panel["own"]), color=own_c, linewidth=2.0, marker="o", markersize=3)
        ax.axhline(100, color=GRID, linewidth=0.8)
        ax.axvline(data["start"] - 0.5, color=TEXT, linewidth=1.0, linestyle=(0, (2, 2)))
        ax.set_title(panel["label"], loc="left", pad=6, fontsize=9.5)
        if i == 0 and data.get("sample"):
            ax.set_title(SAMPLE_LABEL, loc="right", color=SAMPLE, pad=6, fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.yaxis.set_major_formatter(FuncFormatter(_num))
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.tick_params(length=0, pad=4)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(GRID)
    ticks = [i for i in x if i % 3 == data["start"] % 3]
    axes[-1].set_xticks(ticks, [months[i] for i in ticks])
    axes[-1].set_xlim(-0.5, len(months) - 0.5)
    handles = [Line2D([], [], color=own_c, linewidth=2.0, marker="o", markersize=3),
               Line2D([], [], color=group_c, linewidth=1.6, linestyle=DASHED),
               Patch(color=group_c, alpha=0.18),
               Line2D([], [], color=TEXT, linewidth=1.0, linestyle=(0, (2, 2)))]
    fig.legend(handles, [data["own_label"], data["group_label"], data["band_label"], "开始实施"],
               loc="outside lower left", ncols=4, fontsize=9, labelcolor=TEXT)
    fig.supylabel(data["axis_label"], fontsize=9, color=TEXT)
    return fig


FIGURES = {"trend": _trend_figure, "ranking": _ranking_figure, "effect": _effect_figure}
REUSABLE = {"trend"}


def render(spec: ChartSpec, out, fmt: str = "svg", rc: Optional[dict] = None, reuse: bool = True,
           dpi: int = 110) -> None:
    """Draw `spec` into a path or binary file object; a missing glyph raises ChartError.
    `rc` overrides the style (tests use {"svg.fonttype": "none"} to read the text);
    `reuse`: draw trend charts on this process's kept figure (see _TrendCanvas);
    `dpi`: pixels per inch of a PNG (经验汇编's Word file asks for print resolution)."""
    import matplotlib
    setup_font()
    try:
        make = FIGURES[spec.kind]
    except KeyError:
        raise ChartError(f"未知的图表类型：{spec.kind}") from None
    with matplotlib.rc_context({**STYLE, **(rc or {})}), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")
        try:
            if reuse and spec.kind in REUSABLE:
                fig = make(spec.data, reuse=tuple(sorted((rc or {}).items())))
            else:
                fig = make(spec.data)
            fig.savefig(out, format=fmt, metadata=METADATA if fmt == "svg" else None, dpi=dpi)
        except UserWarning as w:
            raise ChartError(f"图表 {spec.name}：{w}") from None


def draw_chart(spec: ChartSpec, path: Path, fmt: str = "svg") -> Path:
    """Check the glyphs, then draw `spec` to `path` atomically (temp file + rename)."""
    check_glyphs(spec)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            render(spec, fh, fmt)
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
                context: str = "spawn") -> DrawReport:
    """Draw every chart not yet in `cache_dir` (as <key>.svg); in parallel when
    there are more than SERIAL_MAX (jobs: processes, default os.cpu_count())."""
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
    procs = min(jobs or os.cpu_count() or 1, len(jobs_list))
    if len(jobs_list) <= SERIAL_MAX or procs <= 1:
        for job in jobs_list:
            _draw_job(job)
    else:
        ctx = multiprocessing.get_context(context)
        chunk = max(1, min(16, len(jobs_list) // (procs * 4)))
        with ctx.Pool(processes=procs, initializer=_init_worker) as pool:
            for _ in pool.imap_unordered(_draw_job, jobs_list, chunksize=chunk):
                pass
    unique = len({str(p) for p in files.values()})
    return DrawReport(drawn=len(jobs_list), cached=unique - len(jobs_list), files=files)


def plan_charts(model) -> list[ChartSpec]:
    """A ChartSpec for every chart that statpages.unit_section / statpages.dashboard refer to."""
    return [ChartSpec(name, kind, data) for name, kind, data in statpages.chart_figures(model)]


def csv_files(model) -> dict[str, str]:
    """Relative path → CSV text of every table download (see statpages.csv_files)."""
    return statpages.csv_files(model)
