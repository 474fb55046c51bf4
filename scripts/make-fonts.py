"""Make styles/fonts/: Noto Serif CJK SC cut down to GB 2312 and common symbols (run by hand, output committed).

WeasyPrint reads the whole font and subsets it for every PDF it writes; with the 65,000 glyphs of Noto
Serif CJK that is most of the time a one-page table takes. The cut-down faces hold the ~8,000 characters
budget tables use; any other character falls back to the full system face (styles/form.css).

    .venv/bin/python scripts/make-fonts.py
"""

import subprocess
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "styles" / "fonts"
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


def source(style: str) -> tuple[str, int]:
    out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", f"Noto Serif CJK SC:style={style}"],
                         capture_output=True, text=True, check=True).stdout
    file, index = out.split("\t")
    return file, int(index)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = characters()
    for style in ("Regular", "Bold"):
        file, index = source(style)
        font = TTFont(file, fontNumber=index)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.recalc_timestamp = False  # the same bytes every time it is made
        sub = subset.Subsetter(options)
        sub.populate(unicodes=wanted & set(font.getBestCmap()))
        sub.subset(font)
        target = OUT / f"NotoSerifCJKsc-GB-{style}.otf"
        font.save(target)
        print(target, target.stat().st_size, file=sys.stderr)


if __name__ == "__main__":
    main()
