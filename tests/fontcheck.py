"""Check the embedded fonts of a PDF as PDF/A and the print path need them, with pikepdf and fontTools.

- every glyph code a page shows is a CID the embedded program has, with an outline unless it is a space
  (ISO 32000-1 9.7.4.2: under Identity-H a reader looks codes up as CIDs in the CFF charset);
- the /W widths equal the program's advance widths (ISO 19005-3 6.2.11.5);
- no subset tag names two different programs (ISO 32000-1 9.6.4).
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

import pikepdf
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from render.bind.embed import widths

SHOW = {"Tj", "TJ", "'", '"'}


@lru_cache(maxsize=64)
def _program(data: bytes):
    font = TTFont(io.BytesIO(data))
    top = font["CFF "].cff.topDictIndex[0]
    cids = {0 if name == ".notdef" else int(name[3:]): name for name in top.charset}
    return font, cids


def _codes(operands, op: str):
    strings = operands[0] if op == "TJ" else [operands[-1]]
    for item in strings:
        if isinstance(item, pikepdf.String):
            data = bytes(item)
            yield from (int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2))


def _shown(pdf: pikepdf.Pdf) -> dict[tuple[int, int], set[int]]:
    """The codes shown with each font object, over every page and every form drawn on it."""
    used: dict[tuple[int, int], set[int]] = {}
    seen: set[tuple[int, int]] = set()

    def walk(stream, resources):
        fonts = (resources or {}).get("/Font") or {}
        xobjects = (resources or {}).get("/XObject") or {}
        font = None
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op == "Tf":
                font = fonts[str(operands[0])]
            elif op in SHOW and font is not None:
                used.setdefault(font.objgen, set()).update(_codes(operands, op))
            elif op == "Do":
                form = xobjects[str(operands[0])]
                if form.get("/Subtype") == pikepdf.Name.Form and form.objgen not in seen:
                    seen.add(form.objgen)
                    walk(form, form.get("/Resources"))

    for page in pdf.pages:
        walk(page, page.obj.get("/Resources"))
    return used


def problems(path) -> list[str]:
    out = []
    with pikepdf.open(path) as pdf:
        used = _shown(pdf)
        programs: dict[str, set[str]] = {}
        for objgen, codes in sorted(used.items()):
            font = pdf.get_object(objgen)
            name = str(font.BaseFont)
            descendant = font.DescendantFonts[0]
            data = descendant.FontDescriptor.FontFile3.read_bytes()
            programs.setdefault(name, set()).add(hashlib.sha256(data).hexdigest())
            program, cids = _program(data)
            glyphs = program.getGlyphSet()
            text = _to_unicode(font)
            for cid in sorted(codes):
                if cid not in cids:
                    out.append(f"{path.name}: {name} shows CID {cid}, which its program lacks")
                    continue
                pen = BoundsPen(glyphs)
                glyphs[cids[cid]].draw(pen)
                if pen.bounds is None and not text.get(cid, "").isspace():
                    out.append(f"{path.name}: {name} CID {cid} ({text.get(cid)!r}) has no outline")
            upem = program["head"].unitsPerEm
            for cid, width in widths(descendant.W):
                if cid in cids:
                    advance = program["hmtx"][cids[cid]][0] * 1000 / upem
                    if abs(float(width) - advance) > 1:
                        out.append(f"{path.name}: {name} CID {cid}: /W {width}, program {advance}")
        out += [f"{path.name}: tag {name} names {len(h)} different programs" for name, h in programs.items()
                if len(h) > 1]
    return out


def fonts(path) -> list[tuple[str, int]]:
    """(name, program size) of every font a PDF embeds."""
    with pikepdf.open(path) as pdf:
        return sorted({(str(o.BaseFont), len(o.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes()))
                       for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                       and o.get("/Subtype") == pikepdf.Name.Type0})


def _to_unicode(font) -> dict[int, str]:
    import re

    pairs = re.findall(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", font.ToUnicode.read_bytes())
    return {int(g, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for g, u in pairs}
