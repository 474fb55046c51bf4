"""Make styles/fonts/: the faces cut down to GB 2312 and common symbols (run by hand, output committed).

The tables' Noto Serif CJK SC (宋体, its Bold for 小标宋), and the 审核意见's 黑体 (Noto Sans CJK SC, from
fonts-noto-cjk), 仿宋 and 楷体 (FandolFang and FandolKai, from Debian's texlive-lang-chinese, whose 98 MB
and TeX dependencies no build should install: take the two files out of the package instead, docs/fonts.md).

WeasyPrint reads the whole font and subsets it for every PDF it writes; with the 65,000 glyphs of Noto
Serif CJK that is most of the time a one-page table takes. The cut-down faces hold the ~8,000 characters
budget tables use; any other character falls back to the full system face (styles/form.css).

Their glyphs are then put in order of use: ASCII, punctuation, the 3,755 common hanzi of GB 2312
level 1, then the rest. WeasyPrint embeds a subset that keeps every glyph number up to the highest one
a page uses (HarfBuzz's retain-gids); with the common characters first, that is about 4,000 slots
instead of 14,600, and each PDF's fonts take a quarter of the bytes and of the time to subset and
compress.

    .venv/bin/python scripts/make-fonts.py [--fandol DIR] [FILE...]   (FILE: only those, e.g. FandolFang-GB-Regular.otf)

    apt-get download texlive-lang-chinese && dpkg-deb -x texlive-lang-chinese_*.deb x
    DIR: x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol (the default: where the package puts them)
"""

import argparse
import io
import subprocess
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from render.typeset import fonts  # noqa: E402  (the repository's own, run from anywhere)

OUT = fonts.SHIPPED
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
          (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
          (0x3200, 0x32FF), (0x3300, 0x33FF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]


def characters() -> set[int]:
    points = {cp for a, b in RANGES for cp in range(a, b + 1)}
    for cp in range(0x80, 0x10000):
        try:
            chr(cp).encode("gb2312")
            points.add(cp)
        except UnicodeEncodeError:
            pass
    return points


def rank(cp: int) -> tuple[int, int]:
    """ASCII, then punctuation and full-width forms, then GB 2312 level 1, level 2, its symbols, the rest."""
    if cp < 0x7F:
        return 0, cp
    if 0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF:
        return 1, cp
    try:
        code = int.from_bytes(chr(cp).encode("gb2312"), "big")
    except UnicodeEncodeError:
        return 5, cp
    return (2 if 0xB0A1 <= code <= 0xD7FE else 3 if code >= 0xD8A1 else 4), code


def in_order_of_use(font: TTFont) -> None:
    """Renumber the glyphs, mapped ones by rank, then the others (reached through GSUB) as they were."""
    cmap = font.getBestCmap()
    first = dict.fromkeys(cmap[cp] for cp in sorted(cmap, key=rank))
    old = font.getGlyphOrder()
    new = [".notdef"] + [g for g in first if g != ".notdef"] + [g for g in old if g not in first and g != ".notdef"]
    top = font["CFF "].cff.topDictIndex[0]
    # reorderGlyphs leaves a CID font's FDSelect (which private dict, by glyph number) as it was:
    # read every glyph with its own dict first, then renumber the selector with the glyphs.
    selector = {name: top.CharStrings.getItemAndSelector(name)[1] for name in old}
    reorderGlyphs(font, new)
    if getattr(top, "FDSelect", None) is not None:
        top.FDSelect.gidArray = [selector[name] for name in new]


def cids_equal_glyph_numbers(font: TTFont) -> TTFont:
    """Give glyph n the CID n, as the full face has it: readers look the PDF's glyph numbers up as CIDs.

    WeasyPrint writes glyph numbers into the text under Identity-H; ISO 32000-1 9.7.4.2 has a reader find
    each through the CFF charset as a CID. Subsetting and reordering keep the full face's CIDs, so
    Poppler and PDFium (which use the numbers as glyph indexes) drew the text while MuPDF and Ghostscript
    drew nothing or boxes (docs/fonts.md).
    """
    return set_cids(font, range(len(font.getGlyphOrder())))


def set_cids(font: TTFont, cids) -> TTFont:
    """The font with glyph n given CID cids[n] (0 stays .notdef).

    Renaming cidNNNNN in the CFF alone is enough: every other table refers to glyphs by number, so the
    font is saved first and only its CFF table is opened again.
    """
    data = io.BytesIO()
    font.save(data)
    font = TTFont(io.BytesIO(data.getvalue()), recalcTimestamp=False)
    top = font["CFF "].cff.topDictIndex[0]
    names = [".notdef" if n == 0 else f"cid{cid:05d}" for n, cid in enumerate(cids)]
    charstrings = top.CharStrings
    charstrings.charStrings = {new: charstrings.charStrings[old] for old, new in zip(top.charset, names, strict=True)}
    top.charset = names
    font.setGlyphOrder(names)
    return font


def system_face(family: str, style: str) -> tuple[str, int]:
    out = subprocess.run(["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style={style}"],
                         capture_output=True, text=True, check=True).stdout
    families, file, index = out.split("\t")
    if family not in families.split(","):
        sys.exit(f"{family} {style} is not installed (fc-match gives {families})")
    return file, int(index)


FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")


def sources(fandol: Path) -> dict[str, object]:
    """Each shipped file (fonts.SHIPPED_FACES), and where its face comes from."""
    return {
        "NotoSerifCJKsc-GB-Regular.otf": lambda: system_face("Noto Serif CJK SC", "Regular"),
        "NotoSerifCJKsc-GB-Bold.otf": lambda: system_face("Noto Serif CJK SC", "Bold"),
        "NotoSansCJKsc-GB-Regular.otf": lambda: system_face("Noto Sans CJK SC", "Regular"),
        "FandolFang-GB-Regular.otf": lambda: (str(fandol / "FandolFang-Regular.otf"), 0),
        "FandolKai-GB-Regular.otf": lambda: (str(fandol / "FandolKai-Regular.otf"), 0),
    }


def cut(file: str, index: int, wanted: set[int]) -> TTFont:
    font = TTFont(file, fontNumber=index, recalcTimestamp=False)  # the same bytes every time
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # the same bytes every time it is made
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted & set(font.getBestCmap()))
    sub.subset(font)
    in_order_of_use(font)
    return cids_equal_glyph_numbers(font)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fandol", type=Path, default=FANDOL)
    parser.add_argument("only", nargs="*")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = characters()
    for name, where in sources(args.fandol).items():
        if args.only and name not in args.only:
            continue
        file, index = where()
        target = OUT / name
        cut(file, index, wanted).save(target)
        print(target, target.stat().st_size, file=sys.stderr)
    fonts.write_advances()  # what sizes the columns, read from the faces just made
    print(fonts.ADVANCES, file=sys.stderr)


if __name__ == "__main__":
    main()
