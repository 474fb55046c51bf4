"""Turn the page of GB/T 9704-2012 into the numbers every stage reads: the paper, its margins, the type
area, where the page number sits, the tables' type size; and into the @page rules WeasyPrint lays out by.

The one place for them (docs/form.md): the stylesheet's page rules are made from here, the volume's
assembly finds the tables' own page numbers by them, and column widths, the chart and the page estimate
fill the type area they give. A test moves a margin here and finds the numbers moved in every PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from render.typeset import fonts

MM_PER_PT = 25.4 / 72
PX_PER_MM = 96 / 25.4  # CSS px, in which WeasyPrint's content streams are drawn


@dataclass(frozen=True)
class Page:
    width: float = 210  # mm: A4
    height: float = 297
    top: float = 37
    bottom: float = 35
    inner: float = 28  # the binding side: left on a right-hand (odd) page, right on a left-hand one
    outer: float = 26
    number_gap: float = 7  # mm from the type area's foot down to the middle of the dashes of `— N —`
    number_size: float = 14  # pt: 四号
    type_size: float = 10.5  # pt: 五号, the tables' text (styles/form.css sets the same, a test checks it)
    line_height: float = 1.35
    cell_padding: float = 1.5  # mm, each side of a cell's text (styles/form.css, checked likewise)

    @property
    def type_width(self) -> float:
        return self.width - self.inner - self.outer

    @property
    def type_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def em(self) -> float:
        """The tables' em, in mm."""
        return self.type_size * MM_PER_PT

    @property
    def line(self) -> float:
        """A line of the tables' text, in mm."""
        return self.em * self.line_height

    @property
    def number_drop(self) -> float:
        """mm from the type area's foot to the top of the page number's line box (one em tall): GB/T 9704
        measures its 7 mm to the 一字线, which stands below that top by the face's half-leading and ascent,
        less the dash's height above the baseline."""
        ascent, descent, dash = fonts.heights()
        baseline = (1 - ascent - descent) / 2 + ascent  # ems below the line box's top, as Pango sets a line
        return self.number_gap - (baseline - dash) * self.number_size * MM_PER_PT

    @property
    def number_zone_px(self) -> float:
        """Below this (px from the page's top) a page holds only its number: the type area's foot."""
        return (self.top + self.type_height) * PX_PER_MM

    @property
    def parity_shift_pt(self) -> float:
        """How far a right-hand page's type area sits from a left-hand one's, in PDF points."""
        return (self.inner - self.outer) / MM_PER_PT


PAGE = Page()
# mm: a round official seal (公章) is 42 mm across; the review's opinion leaves this much height for it above
# the issuing office and the date, which the seal covers as GB/T 9704 places it.
SEAL = 42


@dataclass(frozen=True)
class Grid:
    """A 公文's body as GB/T 9704 sets it: 22 lines of 28 characters of 三号 filling the type area."""

    lines: int = 22
    chars: int = 28
    size: float = 16  # pt: 三号
    title_size: float = 22  # pt: 二号, the 小标宋 title

    @property
    def pitch(self) -> float:
        """pt from one line's baseline to the next."""
        return PAGE.type_height / self.lines / MM_PER_PT

    @property
    def advance(self) -> float:
        """pt a character takes on the line: a little less than the type size, so that 28 fill 156 mm."""
        return PAGE.type_width / self.chars / MM_PER_PT

    @property
    def width(self) -> float:
        """The line, in pt."""
        return PAGE.type_width / MM_PER_PT


GRID = Grid()


def grid_css() -> str:
    """The 审核意见's own rules, made from `GRID`: the line pitch, the characters' spacing, a paragraph's
    two-character indent (styles/review.css has the rest)."""
    g = GRID
    return (f".review {{ font-size: {g.size}pt; line-height: {g.pitch:.3f}pt; letter-spacing: {g.advance - g.size:.3f}pt; }}\n"
            f".review .op-title {{ font-size: {g.title_size}pt; line-height: {g.pitch:.3f}pt; "
            f"margin: {g.pitch:.3f}pt 0 {g.pitch:.3f}pt; }}\n"
            f".review .op-sign {{ margin-top: {g.pitch:.3f}pt; }}\n"
            f".review .indent {{ text-indent: {2 * g.advance:.3f}pt; }}\n")


def page_css() -> str:
    """The @page rules for `PAGE`: double-sided, odd pages bound on the left and numbered at the right,
    even pages mirrored."""
    return _page_css(PAGE)


def simplex_css() -> str:
    """The single-sided volume's own rules, after the stylesheet: every page laid out as a right-hand one,
    the body's pages numbered at the right."""
    return _simplex_css(PAGE)


def _number(p: Page) -> str:
    return (f'content: "— " counter(page) " —"; vertical-align: top; padding-top: {p.number_drop:.2f}mm; '
            f"font-size: {p.number_size}pt; line-height: 1;")


@lru_cache(maxsize=8)
def _page_css(p: Page) -> str:
    return (f"@page {{ size: {p.width}mm {p.height}mm; margin: {p.top}mm {p.outer}mm {p.bottom}mm {p.inner}mm;\n"
            f"  @bottom-right {{ {_number(p)} padding-right: 1em; }} }}\n"
            f"@page :left {{ margin-left: {p.outer}mm; margin-right: {p.inner}mm;\n"
            f"  @bottom-right {{ content: none; }}\n"
            f"  @bottom-left {{ {_number(p)} padding-left: 1em; }} }}\n")


@lru_cache(maxsize=8)
def _simplex_css(p: Page) -> str:
    return (f"@page :left {{ margin-left: {p.inner}mm; margin-right: {p.outer}mm;\n"
            f"  @bottom-left {{ content: none; }} }}\n"
            f"@page main:left {{ @bottom-right {{ {_number(p)} padding-right: 1em; }} }}\n")
