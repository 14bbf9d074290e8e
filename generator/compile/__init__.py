"""经验汇编: a printable compilation of chosen practices, as PDF or Word.

    selected = select(records, Selection(category="fengqiao"))     # selection.py
    doc = build_compilation(records, selected, title, compiler)    # document.py
    data = write(doc, "pdf" | "docx", cache_dir)                   # pdf.py / word.py

The writers import WeasyPrint and python-docx only when called: they are the
optional extra `jingyan[compile]` (`missing_dependency` says what to install).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import messages as M
from .document import Compilation, build_compilation
from .selection import Selected, Selection, SelectionError, select

FORMATS = {".pdf": "pdf", ".docx": "docx"}
KIND_NAMES = {"pdf": "PDF", "docx": "Word 文件"}

__all__ = ["FORMATS", "Compilation", "Selected", "Selection", "SelectionError", "build_compilation",
           "missing_dependency", "select", "write"]


@dataclass
class Written:
    data: bytes
    pages: int | None      # PDF only: Word paginates when it opens the file


def missing_dependency(fmt: str) -> str | None:
    """None when `fmt` can be written here, else what to install, in Chinese."""
    try:
        if fmt == "pdf":
            import weasyprint  # noqa: F401  (OSError: Pango is missing)
        else:
            import docx  # noqa: F401
    except (ImportError, OSError) as e:
        package = "WeasyPrint" if fmt == "pdf" else "python-docx"
        extra = M.COMPILE_PANGO if fmt == "pdf" else ""
        return M.COMPILE_MISSING_DEP.format(kind=KIND_NAMES[fmt], package=package,
                                            err=str(e).splitlines()[0][:200], extra=extra)
    return None


def write(doc: Compilation, fmt: str, cache_dir: Path) -> Written:
    if fmt == "pdf":
        from .pdf import write_pdf
        data, pages = write_pdf(doc, cache_dir)
        return Written(data, pages)
    from .word import write_docx
    return Written(write_docx(doc, cache_dir), None)
