"""Turn a cell's text and width into markup whose last line never holds a lone character (社会稳⏎定), and
whose unit name is never broken (018001-平罗县司法⏎局本级).

The lines are reckoned as Pango fills them: the pieces it may break between (runs.glued), each as wide as
the face's advances say, set on a line while they fit. Where the last line would hold one character (with
its closing marks), the piece before it goes down with it, kept on one line: the paper form's typist does
the same. A guess that differs from Pango's line by a hair costs nothing: two characters kept together
that would have fitted anyway.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from render.typeset import fonts, geometry, runs
from render.typeset.columns import RULES


# A unit as the budget system names it, its code first: 018001-平罗县司法局本级.
CODED = re.compile(r"(\d+-)([^\s-]+)")


def room(width: float) -> float:
    """The ems a line of a cell `width` mm wide holds, inside its padding and rules."""
    page = geometry.PAGE
    return (width - 2 * page.cell_padding - RULES) / page.em


def lines(text: str, width: float, indent: float = 0.0) -> list[list[str]]:
    """The pieces of each line, the first line `indent` ems in."""
    out: list[list[str]] = [[]]
    used, fits = indent, room(width)
    for piece in runs.glued(text):
        size = fonts.text_em(piece)
        if out[-1] and used + size > fits:
            out.append([])
            used = 0.0
        out[-1].append(piece)
        used += size
    return out


def lonely(line: list[str]) -> bool:
    """A line of one character, closing marks aside."""
    return len("".join(line).rstrip(runs.CLOSING)) <= 1


def fitted(text: object, width: float, indent: float = 0.0) -> Markup:
    """`runs.keep(text)`, its last two pieces on one line where the last would stand alone."""
    if isinstance(text, Markup):
        return text
    text = str(text)
    coded = CODED.fullmatch(text)
    if coded and fonts.text_em(text) > room(width) >= fonts.text_em(coded[2]):
        # the name whole on the second line, not broken after its fifth character
        return escape(coded[1]) + Markup('<span class="nb">{}</span>').format(coded[2])
    found = lines(text, width, indent)
    if len(found) < 2 or not lonely(found[-1]):
        return runs.keep(text)
    tail = found[-2][-1] + "".join(found[-1])
    return runs.keep(text[: len(text) - len(tail)]) + Markup('<span class="nb">{}</span>').format(tail)
