"""The charts of a compilation as files: SVG for the PDF, PNG for Word.

Drawn by `charts.render` (same figures, style and bundled font as the site),
with two print settings the site does not use:
  SVG  text kept as text (svg.fonttype "none") in the bundled font: WeasyPrint
       draws it with the font it embeds for the body, about 40% faster than
       the site's glyph outlines (measured), and the chart text is searchable;
  PNG  PNG_DPI pixels an inch: 8 in wide → 1840 px, which is 300 px an inch
       on paper at the Word text width (156 mm), flattened on white and
       reduced to PNG_COLOURS colours (a third of the bytes).
Files are cached under <cache>/compile-charts/ by the chart's key (data, style,
font, code, matplotlib version) and the format: unchanged charts are not drawn
again, and same data → same bytes. Many charts are drawn in a process pool.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .. import charts
from ..atomic import write_atomic

PNG_DPI = 230   # the 8-inch figure printed 156 mm wide: 300 pixels an inch on paper
PNG_COLOURS = 64
SUBDIR = "compile-charts"
SERIAL_MAX = 8


def cache_path(spec: charts.ChartSpec, fmt: str, cache_dir: Path) -> Path:
    return Path(cache_dir) / SUBDIR / f"{charts.chart_key(spec)}-{f'{PNG_DPI}-{PNG_COLOURS}' if fmt == 'png' else 'text'}.{fmt}"


def _small_png(data: bytes) -> bytes:
    """On white (the page), in PNG_COLOURS colours: a third of the size, no visible change
    (a chart has a few flat colours and their anti-aliased edges)."""
    import io

    from PIL import Image
    with Image.open(io.BytesIO(data)) as im:
        page = Image.new("RGB", im.size, "white")
        page.paste(im, mask=im.getchannel("A"))
    out = io.BytesIO()
    # fast octree without PNG optimisation: 3-4x quicker than median cut with it, 3% bigger
    page.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG")
    return out.getvalue()


def _draw(job: tuple[charts.ChartSpec, str, str]) -> str:
    import io
    spec, fmt, target = job
    buf = io.BytesIO()
    charts.render(spec, buf, fmt, dpi=PNG_DPI)
    write_atomic(Path(target), buf.getvalue() if fmt == "svg" else _small_png(buf.getvalue()))
    return target


def chart_files(specs: list[charts.ChartSpec], fmt: str, cache_dir: Path) -> dict[str, Path]:
    """Chart name → file, drawing what the cache lacks; raises charts.ChartError."""
    files = {s.name: cache_path(s, fmt, cache_dir) for s in specs}
    todo = sorted({str(files[s.name]): (s, fmt, str(files[s.name])) for s in specs
                   if not files[s.name].exists()}.values(), key=lambda j: j[2])
    procs = min(os.cpu_count() or 1, len(todo))
    if len(todo) <= SERIAL_MAX or procs <= 1:
        for job in todo:
            _draw(job)
    else:
        with multiprocessing.get_context("spawn").Pool(processes=procs) as pool:
            for _ in pool.imap_unordered(_draw, todo, chunksize=max(1, len(todo) // (procs * 4))):
                pass
    return files
