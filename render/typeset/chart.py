"""Turn a department's project amounts into an SVG bar chart, labelled in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape  # what SVG text needs; xml.sax would import urllib, http and ssl (20 ms)

from render.source import model as m
from render.typeset import fonts, geometry, runs

HEADING = 30  # mm of the type area that the page's title and unit line take above the chart


def _width() -> float:
    return geometry.PAGE.type_width


def _height() -> float:
    """The height (mm) a chart may take: the type area less the page's title and unit line."""
    return geometry.PAGE.type_height - HEADING


def _font() -> float:
    return geometry.PAGE.em  # 五号, as the tables


def _line() -> float:
    return _font() * LEADING
LABEL = 70  # mm for 序号 and name
LEAST_PLOT = 30  # mm: the bars' room, at the least, beside the labels and the widest figure
LEADING = 1.3  # a label's lines, a little closer than the tables'
GRID = "#666"  # and 0.12 mm (0.34 pt): a laser printer draws it, a lighter or thinner one fades
AXIS_Y = 7  # mm: the ticks' figures above the plot


def _nice_max(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ not below the largest amount: round axis ticks."""
    if value <= 0:
        return Decimal(1)
    exp = value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        top = Decimal(step).scaleb(exp)
        if top >= value:
            return top
    return Decimal(10).scaleb(exp)


def _mm(text: str) -> float:
    return fonts.text_em(text) * _font()


def wrap(text: str, width: float) -> list[str]:
    """Break a label into lines no wider than `width` mm, measured in the face that prints it."""
    lines, line = [], ""
    # a number with its unit, a short parenthesis stay whole, as in the tables; one wider than a line breaks
    parts = [q for piece in runs.pieces(text) for q in ([piece] if _mm(piece) <= width else list(piece))]
    for piece in parts:
        # a closing mark stays with what it closes, as Pango breaks the tables' lines
        if line and _mm(line + piece) > width and piece[0] not in runs.CLOSING:
            lines.append(line)
            line = ""
        line += piece
    return lines + [line] if line else lines


def plot_width(department: m.Department) -> float:
    """The bars' room (mm): the type area less the labels and the widest figure beside its bar."""
    amounts = [m.amount_text(p.amount, department.places) for p in department.projects]
    return _width() - LABEL - (max((_mm(a) for a in amounts), default=0) + 2)


def _label(n: int, name: str) -> tuple[str, list[str], float]:
    """The 序号 of the n-th project, its name's lines and the height (mm) they take."""
    number = f"{n}. "
    lines = wrap(name, LABEL - 3 - _mm(number))
    return number, lines, len(lines) * _line() + 3


def _room() -> float:
    """The height (mm) one page of the chart gives its rows."""
    return _height() - AXIS_Y - 3


def too_tall(n: int, name: str) -> bool:
    """Whether the n-th project's name, wrapped, is taller than a page of the chart."""
    return _label(n, name)[2] > _room()


def bar_charts(department: m.Department) -> list[str]:
    """Every project by its full name (wrapped), a bar, and its amount as the summary prints it: one
    chart per page, on one scale, as many as the names need."""
    projects = department.projects
    amounts = [m.amount_text(p.amount, department.places) for p in projects]
    top = _nice_max(max((p.amount for p in projects), default=Decimal(0)))
    plot = plot_width(department)
    rows = []
    for n, (p, amount) in enumerate(zip(projects, amounts, strict=True), 1):
        number, lines, need = _label(n, p.name)
        rows.append(Bar(number, tuple(lines), amount, float(p.amount / top) * plot if top else 0, need))
    pages: list[list[Bar]] = [[]]
    for row in rows:
        if pages[-1] and sum(r.need for r in pages[-1]) + row.need > _room():
            pages.append([])
        pages[-1].append(row)
    return [_chart(department.name, page, top, plot) for page in pages]


@dataclass(frozen=True)
class Bar:
    number: str
    lines: tuple[str, ...]  # the name, wrapped
    amount: str
    width: float  # mm
    need: float  # mm: the height its label needs


def _chart(name: str, bars: list[Bar], top: Decimal, plot: float) -> str:
    # The rows share the page: each at least as tall as its label, none taller than 20 mm.
    spare = (_room() - sum(b.need for b in bars)) / max(len(bars), 1)
    rows = [b.need + max(0.0, min(spare, 20 - b.need)) for b in bars]
    plot_height = sum(rows)
    height = AXIS_Y + 2 + plot_height + 1
    base = AXIS_Y + 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'width="{_width()}mm" height="{height:.2f}mm" viewBox="0 0 {_width()} {height:.2f}" '
             f'font-family="{fonts.FAST_FAMILY}, {fonts.FONT_FAMILY}" font-size="{_font():.3f}">',
             f'<title>{escape(name)}各项目年度金额（万元）</title>']
    for i in range(5):
        x = LABEL + plot * i / 4
        parts.append(f'<line x1="{x:.2f}" y1="{base - 1}" x2="{x:.2f}" y2="{base + plot_height:.2f}" '
                     f'stroke="{GRID}" stroke-width="0.12"/>')
        parts.append(f'<text x="{x:.2f}" y="{AXIS_Y - 1}" text-anchor="middle">{_num(top * i / 4)}</text>')
    y = base
    for bar_, row in zip(bars, rows, strict=False):
        middle = y + row / 2
        first = middle - (len(bar_.lines) - 1) * _line() / 2 + _font() * 0.35
        parts.append(f'<text x="0" y="{first:.2f}">{bar_.number}</text>')
        for k, line in enumerate(bar_.lines):
            parts.append(f'<text x="{_mm(bar_.number):.2f}" y="{first + k * _line():.2f}">{escape(line)}</text>')
        w, bar = bar_.width, min(row - 3, 7)
        parts.append(f'<rect x="{LABEL}" y="{middle - bar / 2:.2f}" width="{w:.2f}" height="{bar:.2f}" fill="#4a4a4a"/>')
        # White under the figure: a gridline behind it would strike it through.
        parts.append(f'<rect x="{LABEL + w + 0.6:.2f}" y="{middle - _font() * 0.6:.2f}" width="{_mm(bar_.amount) + 1.2:.2f}" '
                     f'height="{_font() * 1.2:.2f}" fill="#fff"/>')
        parts.append(f'<text x="{LABEL + w + 1.2:.2f}" y="{middle + _font() * 0.35:.2f}">{bar_.amount}</text>')
        y += row
    parts.append(f'<line x1="{LABEL}" y1="{base - 1}" x2="{LABEL}" y2="{base + plot_height:.2f}" '
                 f'stroke="#000" stroke-width="0.3"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text
