"""Turn a 公文 paragraph into lines filled to the grid: each line its own unbreakable span, spaced to end at
the type area's edge, and full-width punctuation squeezed where two marks meet.

WeasyPrint justifies by widening spaces only, and Pango breaks neither beside a quotation mark nor inside a
number with its unit: 26 of 356 lines of the seed's opinion ended three characters short or more. So the
lines are reckoned here, from the faces' own advances, as a typesetter fills a 28-character line: a piece
(a character with the marks that may not start or end a line, a number with its unit, a quotation)
goes on the line while it fits; a closing mark at the line's end may use its blank half; a piece longer
than four characters that does not fit (a quoted name) is cut between two Chinese characters, never before a
closing mark nor beside a figure (GB/T 15835 keeps a number with its unit). Then every line but a paragraph's last gets the letter-spacing that brings its last character to the
edge, and the last line keeps the grid's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from render.typeset import fonts, geometry, runs

OPENING = "“‘（《「『〔【"
CLOSING = runs.CLOSING + "〕】"
HALF = 0.5  # em: the blank half of a full-width mark
LONG = 4.0  # em: a piece longer than this may be cut where it does not fit
# Each role's class in styles/review.css; 仿宋 is the paragraph's own face.
CLASSES = {"仿宋": "", "楷体": "kai", "黑体": "hei"}


@lru_cache(maxsize=None)
def _advances(role: str) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    face = TTFont(fonts.SHIPPED / fonts.OFFICIAL_FACES[role][1], lazy=True)
    metrics = face["hmtx"].metrics
    return {code: metrics[name][0] for code, name in face.getBestCmap().items()}, face["head"].unitsPerEm


def em(char: str, role: str) -> float:
    """A character's advance in ems in the role's face (one it lacks, as the fallback face sets it)."""
    advances, upem = _advances(role)
    found = advances.get(ord(char))
    return found / upem if found is not None else fonts.text_em(char)


@dataclass(frozen=True)
class Glyph:
    char: str
    role: str
    squeeze: bool = False  # the blank half after it goes: the next mark follows at once


def _squeezed(text: list[tuple[str, str]]) -> list[Glyph]:
    """Where two full-width marks meet, the blank half between them goes: after a closing mark, or before an
    opening one (which sits on its right half), so that （2处）：“ shows half a blank, not a whole one."""
    out = [Glyph(c, role) for c, role in text]
    for n in range(len(out) - 1):
        a, b = out[n].char, out[n + 1].char
        if (a in CLOSING and (b in CLOSING or b in OPENING)) or (a in OPENING and b in OPENING):
            out[n] = Glyph(a, out[n].role, True)
    return out


def _pieces(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Where a line may break: runs.pieces' cuts, an opening mark kept with what follows it, a closing
    mark with what precedes it."""
    text = "".join(g.char for g in glyphs)
    out: list[list[Glyph]] = []
    at, glue = 0, False
    for piece in runs.pieces(text):
        part = glyphs[at:at + len(piece)]
        at += len(piece)
        if out and (glue or piece[0] in CLOSING):
            out[-1] += part
        else:
            out.append(part)
        glue = piece[-1] in OPENING
    return out


def width(glyphs: list[Glyph]) -> float:
    return sum(em(g.char, g.role) - (HALF if g.squeeze else 0) for g in glyphs)


def _cuttable(piece: list[Glyph], at: int) -> bool:
    # never inside a figure, nor between a figure and its unit or sign, nor inside the unit (GB/T 15835)
    before, after = piece[at - 1].char, piece[at].char
    if after in CLOSING or before in OPENING or before.isascii() or after.isascii():
        return False
    text = "".join(g.char for g in piece)
    return not any(m.start() < at < m.end() for m in runs.QUANTITY.finditer(text))


def line_width(glyphs: list[Glyph]) -> float:
    """What a line's glyphs take when they end it: the last is not squeezed (nothing follows it on the line),
    and a closing mark there may stand out past the edge by its blank half."""
    last = glyphs[-1]
    return width(glyphs[:-1]) + em(last.char, last.role) - (HALF if last.char in CLOSING else 0)


def _fits(line: list[Glyph], piece: list[Glyph], room: float) -> bool:
    return line_width(line + piece) <= room + 1e-6


def lines(text: list[tuple[str, str]], room: float, indent: float) -> list[list[Glyph]]:
    """The glyphs of each line, the first `indent` ems in; `room` ems to a line."""
    out: list[list[Glyph]] = [[]]
    for piece in _pieces(_squeezed(text)):
        while True:
            free = room - (indent if len(out) == 1 else 0)
            if not out[-1] or _fits(out[-1], piece, free):
                out[-1] += piece
                break
            if width(piece) > LONG:  # as much of it as fits, cut where a cut is allowed
                cut = max((k for k in range(1, len(piece)) if _cuttable(piece, k) and _fits(out[-1], piece[:k], free)),
                          default=0)
                if cut:
                    out[-1] += piece[:cut]
                    piece = piece[cut:]
            out.append([])
    return out


def _span(glyphs: list[Glyph], spacing: float, size: float) -> Markup:
    parts = []
    for g in glyphs:
        char = escape(g.char)
        if g.squeeze:
            char = Markup('<span style="letter-spacing: {:.3f}pt">{}</span>').format(spacing - HALF * size, char)
        cls = CLASSES[g.role]
        parts.append(Markup('<span class="{}">{}</span>').format(cls, char) if cls else char)
    return Markup("").join(parts)


def fill(text: list[tuple[str, str]], indent: float = 2) -> Markup:
    """The paragraph's `(text, role)` parts as lines `<span class="ln">` joined by `<br>`, for a block
    with the grid's `indent` (geometry.grid_css): each line but the last ends at the edge."""
    g = geometry.GRID
    tracking = g.advance - g.size
    found = lines(text, g.chars, indent)  # in ems: 28 characters, as close as the grid sets them
    out = []
    for n, line in enumerate(found):
        first = indent * g.advance if n == 0 else 0
        line[-1] = Glyph(line[-1].char, line[-1].role)  # a mark that ends the line keeps its width
        natural = line_width(line)
        last = n == len(found) - 1
        spacing = tracking if last and natural * g.size + (len(line) - 1) * tracking <= g.width - first else (
            (g.width - first - natural * g.size) / max(len(line) - 1, 1))
        out.append(Markup('<span class="ln" style="letter-spacing: {:.3f}pt">{}</span>').format(
            spacing, _span(line, spacing, g.size)))
    return Markup("<br>").join(out)


def plain(text: str, lead: str = "", lead_role: str = "楷体") -> list[tuple[str, str]]:
    """A paragraph's parts: its run-in heading in `lead_role`, then its text in 仿宋."""
    return [(c, lead_role) for c in lead] + [(c, "仿宋") for c in text]
