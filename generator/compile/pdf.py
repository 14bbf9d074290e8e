"""The PDF writer: HTML from a Jinja template in this package, printed by WeasyPrint.

Why WeasyPrint rather than Chromium's print engine (which the browser tests
install): it is a Python library, so `jingyan compile` needs no browser
process, no sandbox flags and no temporary web server; it implements the CSS
paged-media features a compilation needs and Chromium lacks or ignores:
`target-counter()` for the 目录 page numbers, `leader()`, page-margin boxes
for the footer, named pages for the cover, `string-set` for the running head;
and with the document dates fixed from SOURCE_DATE_EPOCH its output is
byte-for-byte reproducible (Chromium stamps the time of printing).

Charts are drawn as SVG (chartfiles.py), so they stay vector in the PDF;
their text is set in the same embedded font as the body. Body text is set in
the bundled Jingyan Sans SC, with the system's Noto CJK as a fallback for
characters outside its GB2312 subset; WeasyPrint embeds (subsets of) both.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from ..charts import FONT_PATH
from .chartfiles import chart_files as draw
from .document import Compilation

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"


def template_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def stylesheet() -> str:
    return (TEMPLATES / "compilation.css").read_text(encoding="utf-8").replace(
        "{{FONT_URL}}", FONT_PATH.as_uri())


def chart_files(doc: Compilation, cache_dir: Path) -> dict[str, Path]:
    """Chart name → SVG file (text as text; see chartfiles.py)."""
    specs = {f.chart.name: f.chart for p in doc.practices for f in p.figures if f.chart}
    return draw(list(specs.values()), "svg", cache_dir)


def render_html(doc: Compilation, charts: dict[str, Path]) -> str:
    return template_env().get_template("compilation.html.j2").render(
        doc=doc, charts={name: Path(path).resolve().as_uri() for name, path in charts.items()})


def write_pdf(doc: Compilation, cache_dir: Path) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(doc, chart_files(doc, cache_dir))
    fonts = FontConfiguration()
    css = CSS(string=stylesheet(), font_config=fonts)
    document = HTML(string=html, base_url=str(HERE)).render(stylesheets=[css], font_config=fonts)
    # The file identifier is a digest of the content, not WeasyPrint's random default.
    ident = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return document.write_pdf(pdf_identifier=ident), len(document.pages)
