"""Turn a draft's words (征求意见稿) into an SVG of their glyph outlines, which no text extraction reads."""

from __future__ import annotations

from functools import lru_cache

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from render.problems import RenderError
from render.typeset import fonts, geometry

SIZE = 25.4  # mm a character: 72 pt, legible across a room and through a photocopy
LONGEST = 200  # mm: a longer text is set smaller, so that it stays inside the type area's diagonal
ANGLE = -40  # degrees
# 28 % grey: a photocopier's threshold drops the 12 % the mark once was; darker would fight the text above it.
# Opaque: transparency makes print paths rasterise the page (docs/fonts.md).
GREY = "#b8b8b8"


@lru_cache(maxsize=2)
def _face(path: str, index: int) -> TTFont:
    return TTFont(path, fontNumber=index, lazy=True)


def _faces() -> list[TTFont]:
    """The shipped bold face, then the full system one for a character the cut-down face lacks."""
    found = [_face(str(fonts.shipped_face("Bold")), 0)]
    system = fonts.font_file(fonts.FONT_FAMILY, "Bold")
    return found + ([_face(*system)] if system else [])


def _glyph(char: str) -> tuple[str, int, float]:
    """The outline of one character as SVG path data in font units (y up), units per em, advance in em."""
    for face in _faces():
        name = face.getBestCmap().get(ord(char))
        if name is not None:
            glyphs = face.getGlyphSet()
            pen = SVGPathPen(glyphs)
            glyphs[name].draw(pen)
            em = face["head"].unitsPerEm
            return pen.getCommands(), em, glyphs[name].width / em
    raise RenderError(f"草稿水印中的字符“{char}”没有字形：请换用其他文字")


@lru_cache(maxsize=8)
def svg(text: str) -> str:
    """An SVG the size of the type area with `text` drawn diagonally across its middle as filled paths:
    the PDF gets shapes, not characters, so copying or extracting a page's text never picks the mark up."""
    page = geometry.PAGE
    shapes, x = [], 0.0
    for char in text:
        if char.isspace():
            x += 0.5
            continue
        path, em, advance = _glyph(char)
        if path:
            shapes.append(f'<path transform="translate({x * 1000:.0f} 0) scale({1000 / em:g})" d="{path}"/>')
        x += advance
    size = min(SIZE, LONGEST / x) if x else SIZE
    scale = size / 1000
    # The em box of Noto CJK runs from -120 to 880: its middle, 380, goes to the type area's.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{page.type_width}mm" height="{page.type_height}mm" '
            f'viewBox="0 0 {page.type_width} {page.type_height}">'
            f'<g fill="{GREY}" transform="translate({page.type_width / 2} {page.type_height / 2}) rotate({ANGLE}) '
            f'scale({scale:.5f} {-scale:.5f}) translate({-x * 500:.0f} -380)">'
            + "".join(shapes) + "</g></svg>")
