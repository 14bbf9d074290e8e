"""Rebuild the chart font: a subset of Noto Sans CJK SC Regular.

    python -m generator.fonts.make_subset [path/to/NotoSansCJK-Regular.ttc | NotoSansCJKsc-Regular.otf]

Keeps ASCII, Latin-1 punctuation, general punctuation, arrows, CJK symbols and
punctuation, full-width forms, every character of GB2312 (the 6 763 common
Simplified Chinese ideographs and its symbols) and every character that
appears in records/, site_config/ and the chart/statistics code, so that any
name in the records can be drawn. Run it again when a chart build reports a
character missing from the font (a rare place name outside GB2312).

The family is renamed to "Jingyan Sans SC" so that it can never be confused
with an installed Noto font (matplotlib picks fonts by family name) and
because "Noto" is a trademark of Google; the copyright and OFL notices of
the original are kept in the name table.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = HERE / "JingyanSansSC-Regular.otf"
FAMILY = "Jingyan Sans SC"
PS_NAME = "JingyanSansSC-Regular"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00BF),  # Latin-1 punctuation and signs: · ° ± × ÷ « »
    (0x00D7, 0x00D7), (0x00F7, 0x00F7),
    (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” … ‰ ※
    (0x2103, 0x2103),  # ℃
    (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ …
    (0x2190, 0x21FF),  # arrows: ← ↑ → ↓
    (0x2212, 0x2212),  # minus sign (matplotlib tick labels)
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ②
    (0x25A0, 0x25FF),  # geometric shapes: ■ ● ▲ ▼
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。《》「」【】
    (0xFF00, 0xFFEF),  # full-width forms: （），：；！？％
]


def gb2312_chars() -> set[str]:
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def project_chars() -> set[str]:
    out: set[str] = set()
    files = [*(REPO / "records").rglob("*"), *(REPO / "site_config").rglob("*"),
             REPO / "generator" / "stats.py", REPO / "generator" / "statpages.py",
             REPO / "generator" / "effectpages.py",
             REPO / "generator" / "charts.py"]
    for p in files:
        if p.is_file() and p.suffix in (".yml", ".yaml", ".json", ".py", ".md", ".txt", ".csv"):
            out |= set(p.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in out if c.isprintable() and ord(c) >= 0x20}


def load_source(path: Path) -> TTFont:
    if path.suffix.lower() in (".ttc", ".otc"):
        coll = TTCollection(str(path))
        for font in coll.fonts:
            if font["name"].getDebugName(1) == "Noto Sans CJK SC":
                return font
        raise SystemExit(f"{path}: no 'Noto Sans CJK SC' face in the collection")
    return TTFont(str(path))


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else DEFAULT_SOURCE
    font = load_source(src)
    cmap = font.getBestCmap()
    wanted = {ord(c) for c in gb2312_chars() | project_chars()}
    for lo, hi in RANGES:
        wanted.update(range(lo, hi + 1))
    unicodes = sorted(u for u in wanted if u in cmap)
    missing = sorted(u for u in wanted - set(cmap) if not 0x2000 <= u <= 0x21FF
                     and not 0xFF00 <= u <= 0xFFEF and not 0x2460 <= u <= 0x25FF
                     and not 0x00A0 <= u <= 0x00FF and not 0x3000 <= u <= 0x303F)
    if missing:
        print("not in the source font:", "".join(chr(u) for u in missing))

    opts = subset.Options()
    opts.hinting = False            # paths in SVG; FreeType autohints raster output
    opts.layout_features = ["kern", "palt", "locl"]
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 11, 12, 13, 14]
    opts.name_languages = [0x0409]
    opts.notdef_outline = True
    opts.recalc_timestamp = False   # same input → same bytes
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)

    name = font["name"]
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(f"{FAMILY}", 4, 3, 1, 0x409)
    name.setName(PS_NAME, 6, 3, 1, 0x409)
    name.setName(f"2.004;JINGYAN;{PS_NAME};subset of NotoSansCJKsc-Regular", 3, 3, 1, 0x409)
    name.removeNames(platformID=1)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [PS_NAME]
        top = cff.topDictIndex[0]
        top.FullName = FAMILY
        top.FamilyName = FAMILY
    font.recalcTimestamp = False    # keep the source's date: same input → same bytes
    font.save(str(OUT))
    print(f"{OUT.relative_to(REPO)}: {len(unicodes)} characters, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
