"""The Word writer: python-docx, laid out after GB/T 9704-2012 (党政机关公文格式).

Meant to be edited and re-issued: real Heading 1/2/3 styles (Word's navigation
pane and its table of contents use them), a TOC field Word fills in when the
file is opened (updateFields), real tables, charts as PNG of 300 pixels an inch on paper.

Page (GB/T 9704-2012 §5.2): A4; margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right (text block 156 mm × 225 mm); a document grid of 22 lines of 28
characters. Fonts by name, since the reader's Word supplies them: title
方正小标宋简体 二号 (22 pt), headings 黑体 三号 (16 pt), body 仿宋_GB2312
三号 (16 pt). Each is set for Latin and East Asian text (w:ascii, w:hAnsi,
w:eastAsia): Word picks Chinese glyphs from w:eastAsia alone.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .chartfiles import chart_files
from .document import Compilation, PracticeDoc

PAGE_W, PAGE_H = 210, 297                         # mm
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"
TABLE_FONT = "仿宋_GB2312"
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT, NOTE_PT = 22, 16, 16, 10.5, 12   # 二号, 三号, 三号, 五号, 小四
TOC_HINT = "（目录：在 Word 中右键单击此处，选择“更新域”即可生成或刷新页码。）"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def grid_pitches() -> tuple[int, int]:
    """docGrid linePitch (twips) and charSpace (4096ths of a point beyond the
    body font size) for LINES × CHARS in the text block."""
    mm_pt = 72 / 25.4
    text_w = (PAGE_W - MARGINS["left"] - MARGINS["right"]) * mm_pt
    text_h = (PAGE_H - MARGINS["top"] - MARGINS["bottom"]) * mm_pt
    line_pitch = int(text_h / LINES * 20)
    char_space = round((text_w / CHARS - BODY_PT) * 4096)
    return line_pitch, char_space


def set_font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Font by name for Latin and East Asian text on a style or a run."""
    from docx.oxml.ns import qn
    from docx.shared import Pt
    font = target.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)   # a theme font would override the name


def _page_setup(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.footer_distance = Mm(28 - 7)   # page number 7 mm below the text block's foot, about
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    line_pitch, char_space = grid_pitches()
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch))
    grid.set(qn("w:charSpace"), str(char_space))
    sect.append(grid)


def _styles(document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT, BODY_PT)
    normal.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    title = styles["Title"]
    set_font(title, TITLE_FONT, TITLE_PT, bold=False)
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    pr = title.element.get_or_add_pPr()
    for border in pr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"):
        pr.remove(border)   # the default Title style underlines itself
    for level in (1, 2, 3):
        h = styles[f"Heading {level}"]
        set_font(h, HEADING_FONT, HEADING_PT, bold=False)
        h.font.italic = False
        h.font.color.rgb = RGBColor(0, 0, 0)
        h.paragraph_format.first_line_indent = Pt(0 if level == 1 else BODY_PT * 2)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.space_before = Pt(0)
        h.paragraph_format.space_after = Pt(0)
    styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Table Grid", "Caption"):
        if name in [s.name for s in styles]:
            set_font(styles[name], TABLE_FONT, TABLE_PT)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (begin, instruction, separate, shown text, end)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fld.set(qn("w:dirty"), "true")   # Word recomputes it on opening
        run._r.append(fld)
    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _update_fields_on_open(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    settings = document.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


def _footer_page_number(document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    p = document.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")
    for run in p.runs:
        set_font(run, "宋体", 14)   # GB/T 9704: 4 号半角宋体阿拉伯数字, in “— 1 —”


def _plain_paragraph(document, text: str, *, size: float | None = None, center: bool = False,
                     indent: bool = True, font: str | None = None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    p = document.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not indent or center:
        p.paragraph_format.first_line_indent = Pt(0)
    run = p.add_run(text)
    if size or font:
        set_font(run, font or BODY_FONT, size)
    return p


def _table(document, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    text_w = PAGE_W - MARGINS["left"] - MARGINS["right"]
    widths = widths or [text_w / len(header)] * len(header)
    for row_cells, values in [(table.rows[0].cells, header)] + [(None, r) for r in rows]:
        cells = row_cells or table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            cell.width = Mm(widths[i])
            para = cell.paragraphs[0]
            para.paragraph_format.first_line_indent = Pt(0)
            run = para.add_run(str(value))
            set_font(run, TABLE_FONT, TABLE_PT, bold=row_cells is not None)
    # the header row repeats on every page the table runs onto
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    trpr = table.rows[0]._tr.get_or_add_trPr()
    head = OxmlElement("w:tblHeader")
    head.set(qn("w:val"), "true")
    trpr.append(head)


def _practice(document, p: PracticeDoc, pictures: dict[str, Path]) -> None:
    from docx.shared import Mm
    heading = document.add_heading(p.title, level=1)
    heading.paragraph_format.page_break_before = True
    units = "；".join(f"{u['name']}（{u['kind']}，{u['place']}）" for u in p.units)
    meta = [("所属单位", units), ("报告期", p.period), ("分类", "、".join(p.categories))]
    if p.brand:
        meta.append(("警务品牌", p.brand))
    if p.tags:
        meta.append(("标签", "、".join(p.tags)))
    for label, value in meta:
        para = _plain_paragraph(document, "", indent=False)
        set_font(para.add_run(f"{label}："), HEADING_FONT)
        para.add_run(value)

    document.add_heading("一、概要", level=2)
    for text in p.summary:
        document.add_paragraph(text)
    document.add_heading("二、主要做法", level=2)
    for i, m in enumerate(p.measures, 1):
        document.add_heading(f"（{_cn(i)}）{m['name']}", level=3)
        for text in m["paragraphs"]:
            document.add_paragraph(text)
    n = 3
    if p.outcomes:
        document.add_heading(f"{_cn(n)}、工作成效", level=2)
        n += 1
        _table(document, ["指标", "数字", "统计期"],
               [[o["label"], o["figure"], o["period"]] for o in p.outcomes], widths=[70, 40, 46])
    if p.figures:
        kind = "成效对照" if p.figures[0].kind == "comparison" else "月度统计"
        document.add_heading(f"{_cn(n)}、{kind}", level=2)
        n += 1
        text_w = PAGE_W - MARGINS["left"] - MARGINS["right"]
        for f in p.figures:
            document.add_heading(f.title, level=3)
            if f.chart:
                document.add_picture(str(pictures[f.chart.name]), width=Mm(text_w))
                pic = document.paragraphs[-1]
                pic.paragraph_format.first_line_indent = Mm(0)
                _describe_picture(pic, f.alt)
            if f.table:
                _table(document, f.table["header"], f.table["rows"])
            for note in f.notes:
                _plain_paragraph(document, note, size=NOTE_PT, indent=False)
    document.add_heading(f"{_cn(n)}、出处", level=2)
    for s in p.sources:
        text = f"《{s['title']}》，{s['publisher']}" + (f"，{s['date']}" if s["date"] else "") + "。"
        _plain_paragraph(document, text + (f"{s['url']}" if s["url"] else ""))


def _describe_picture(paragraph, alt: str) -> None:
    """The chart in words as the picture's description (screen readers, Word's 替换文字)."""
    from docx.oxml.ns import qn
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", alt)


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _cover(document, doc: Compilation) -> None:
    for _ in range(4):
        _plain_paragraph(document, "", indent=False)
    document.add_paragraph(doc.title, style="Title")
    _plain_paragraph(document, "", indent=False)
    _plain_paragraph(document, f"收录经验做法 {doc.count} 篇", center=True)
    for _ in range(8):
        _plain_paragraph(document, "", indent=False)
    _plain_paragraph(document, doc.compiler, center=True)
    _plain_paragraph(document, doc.date, center=True)
    toc_title = _plain_paragraph(document, "目　录", center=True, font=HEADING_FONT)
    toc_title.paragraph_format.page_break_before = True
    _field(document.add_paragraph(), 'TOC \\o "1-1" \\h \\z \\u', TOC_HINT)


def _core_properties(document, doc: Compilation) -> None:
    from datetime import datetime, timezone
    props = document.core_properties
    props.title, props.author, props.subject = doc.title, doc.compiler, doc.filters
    props.comments = "由 jingyan compile 生成"
    props.last_modified_by = doc.compiler
    props.revision = 1
    when = datetime.fromisoformat(doc.iso_date).replace(tzinfo=timezone.utc)
    props.created = props.modified = props.last_printed = when


def reproducible_zip(data: bytes) -> bytes:
    """The same entries with fixed timestamps: python-docx stamps the time of saving."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_docx(doc: Compilation, cache_dir: Path) -> bytes:
    import docx
    specs = {f.chart.name: f.chart for p in doc.practices for f in p.figures if f.chart}
    pictures = chart_files(list(specs.values()), "png", cache_dir)
    document = docx.Document()
    _page_setup(document)
    _styles(document)
    _footer_page_number(document)
    _update_fields_on_open(document)
    _core_properties(document, doc)
    # the template's first (empty) paragraph would push the cover down
    body = document.element.body
    for p in list(body.iterchildren("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")):
        body.remove(p)
    _cover(document, doc)
    for p in doc.practices:
        _practice(document, p, pictures)
    buf = io.BytesIO()
    document.save(buf)
    return reproducible_zip(buf.getvalue())
