"""Turn a department's project amounts into an SVG bar chart, labelled in Chinese."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from . import model as m

WIDTH = 156  # mm, the type area
ROW = 7.5  # mm per project
LABEL = 62  # mm for 序号 and name
FONT = 3.2  # mm ≈ 9 pt


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


def _short(text: str, limit: int = 17) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(department: m.Department) -> str:
    projects = department.projects
    top = _nice_max(max((p.amount for p in projects), default=Decimal(0)))
    plot = WIDTH - LABEL - 16
    height = 12 + ROW * len(projects) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'width="{WIDTH}mm" height="{height}mm" viewBox="0 0 {WIDTH} {height}" '
             f'font-family="Noto Serif CJK SC GB, Noto Serif CJK SC" font-size="{FONT}">',
             f'<title>{escape(department.name)}各项目年度金额（万元）</title>']
    base_y = 8
    for i in range(5):
        tick = top * i / 4
        x = LABEL + plot * i / 4
        parts.append(f'<line x1="{x:.2f}" y1="{base_y - 1}" x2="{x:.2f}" y2="{base_y + ROW * len(projects)}" '
                     f'stroke="#999" stroke-width="0.15"/>')
        parts.append(f'<text x="{x:.2f}" y="{base_y - 2}" text-anchor="middle" fill="#333">{_num(tick)}</text>')
    for n, p in enumerate(projects):
        y = base_y + ROW * n
        w = float(p.amount / top) * plot if top else 0
        parts.append(f'<text x="0" y="{y + ROW / 2 + FONT / 2.8:.2f}">{n + 1}. {escape(_short(p.name))}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y + 1.4:.2f}" width="{w:.2f}" height="{ROW - 2.8:.2f}" fill="#4a4a4a"/>')
        parts.append(f'<text x="{LABEL + w + 1.2:.2f}" y="{y + ROW / 2 + FONT / 2.8:.2f}">{m.amount_text(p.amount, department.places)}</text>')
    axis_y = base_y + ROW * len(projects)
    parts.append(f'<line x1="{LABEL}" y1="{base_y - 1}" x2="{LABEL}" y2="{axis_y}" stroke="#000" stroke-width="0.3"/>')
    parts.append(f'<text x="{LABEL + plot}" y="{axis_y + 6}" text-anchor="end" fill="#333">单位：万元</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text
