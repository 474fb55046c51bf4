"""Turn the font subsets a volume gathered from its frame and tables into one subset per face.

Each table's PDF embeds its own subset of each face, and WeasyPrint tags a subset by the face, not by its
glyphs: laid into one volume, ten different programs would share one name, which ISO 32000-1 9.6.4
forbids and which printers that cache fonts by name draw wrong. All subsets of a face keep the face's
glyph numbers (WeasyPrint subsets with retain-gids), so the text of every page can use one program made
from the union of their glyphs: the volume carries each face once (docs/fonts.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name

from render.bind import subset
from render.typeset.finish import tag_for

TAG = re.compile(r"^[A-Z]{6}\+")
BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class Use:
    """One place a font is named: key `key` of the font resources `fonts`."""

    fonts: pikepdf.Dictionary
    key: pikepdf.Name
    font: pikepdf.Dictionary


def unify(pdf: pikepdf.Pdf, faces: dict[str, tuple[str, int]]) -> None:
    """Give every face one program covering every glyph its pages use; tag every program by its bytes."""
    groups: dict[str, list[Use]] = {}
    for use in _uses(pdf):
        groups.setdefault(face_name(use.font), []).append(use)
    for name, uses in sorted(groups.items()):
        merged = _merge(pdf, name, faces.get(name), uses) if name in faces else None
        if merged is None:
            for font in {u.font.objgen: u.font for u in uses}.values():
                _retag(font)
        else:
            for u in uses:
                u.fonts[u.key] = merged


def _uses(pdf: pikepdf.Pdf):
    seen: set[tuple[int, int]] = set()

    def walk(resources):
        if not isinstance(resources, pikepdf.Dictionary):
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for key in list(fonts.keys()):
                yield Use(fonts, Name(key), fonts[key])
        for xobject in (resources.get("/XObject") or Dictionary()).values():
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from walk(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))


def face_name(font: pikepdf.Dictionary) -> str:
    return TAG.sub("", str(font.get("/BaseFont", ""))[1:])


def _program_stream(font: pikepdf.Dictionary):
    try:
        return font.DescendantFonts[0].FontDescriptor.FontFile3
    except (AttributeError, IndexError, KeyError):
        return None


def _merge(pdf: pikepdf.Pdf, name: str, face: tuple[str, int], uses: list[Use]):
    """One Type 0 font for all these uses of one face, or None when they do not fit together."""
    fonts = list({u.font.objgen: u.font for u in uses}.values())
    advances: dict[int, object] = {}
    text: dict[int, bytes] = {}
    for font in fonts:
        program = _program_stream(font)
        if (font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H")
                or program is None or program.get("/Subtype") != Name.OpenType):
            return None
        for gid, width in widths(font.DescendantFonts[0].W):
            if advances.setdefault(gid, width) != width:
                return None  # not one face after all
        for gid, chars in BFCHAR.findall(font.ToUnicode.read_bytes()):
            text.setdefault(int(gid, 16), chars.lower())
    data = subset.program(face[0], face[1], advances)
    full = f"/{tag_for(data)}+{name}"
    first = fonts[0]
    descriptor = Dictionary(first.DescendantFonts[0].FontDescriptor)
    bbox = [float(v) for v in descriptor.FontBBox]
    descriptor.FontName = Name(full)
    descriptor.FontBBox = Array([0, bbox[1], max(float(w) for w in advances.values()), bbox[3]])
    # WeasyPrint marks a subset whose glyphs are all one width as fixed-pitch; the union decides anew.
    flags = int(descriptor.Flags) & ~1
    if len(advances) > 1 and len({float(w) for w in advances.values()}) == 1:
        flags |= 1
    descriptor.Flags = flags
    descriptor.FontFile3 = pdf.make_stream(data, Subtype=Name.OpenType)
    descendant = Dictionary(first.DescendantFonts[0])
    descendant.BaseFont = Name(full)
    descendant.W = _width_array(advances)
    descendant.FontDescriptor = pdf.make_indirect(descriptor)
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name(full), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(descendant)]),
        ToUnicode=pdf.make_stream(_to_unicode(text))))


def _retag(font: pikepdf.Dictionary) -> None:
    program = _program_stream(font)
    if program is None:
        return
    # the decoded program, as the tables' own tags are made (render/typeset/finish.py): a program keeps its tag
    name = "/" + tag_for(program.read_bytes()) + "+" + face_name(font)
    font.BaseFont = Name(name)
    descendant = font.DescendantFonts[0]
    descendant.BaseFont = Name(name)
    descendant.FontDescriptor.FontName = Name(name)


def widths(w: pikepdf.Array):
    """(glyph, width) pairs from a /W array in either of its two forms (ISO 32000-1 9.7.4.3).

    Read from the array's bytes: a volume's arrays hold thousands of numbers, and pikepdf gives them one
    object at a time (10 ms a volume)."""
    tokens = W_TOKEN.findall(w.unparse())[1:-1]  # the array's own brackets
    i = 0
    while i < len(tokens):
        first = int(tokens[i])
        if tokens[i + 1] == b"[":
            k = i + 2
            while tokens[k] != b"]":
                yield first + k - i - 2, _number(tokens[k])
                k += 1
            i = k + 1
        else:
            for gid in range(first, int(tokens[i + 1]) + 1):
                yield gid, _number(tokens[i + 2])
            i += 3


W_TOKEN = re.compile(rb"\[|\]|[-+]?(?:\d+\.?\d*|\.\d+)")


def _number(token: bytes):
    return Decimal(token.decode()) if b"." in token else int(token)


def _width_array(widths: dict[int, object]) -> pikepdf.Array:
    out: list = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            out += [gid, []]
        out[-1].append(widths[gid])
    return Array([Array(x) if isinstance(x, list) else x for x in out])


def _to_unicode(text: dict[int, bytes]) -> bytes:
    """The same CMap WeasyPrint writes, for the union of the glyphs."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, chars) for gid, chars in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
